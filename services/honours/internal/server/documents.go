package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/resname"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/internal/document"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
)

// Media types of the documents.
const (
	pdfType  = "application/pdf"
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// RenderDecision renders a decision with its annex as a PDF, sent in
// chunks.
func (s *Server) RenderDecision(req *honoursv1.RenderDecisionRequest, stream grpc.ServerStreamingServer[httpbody.HttpBody]) error {
	id, err := decisionID("name", req.GetName())
	if err != nil {
		return err
	}
	b, err := s.renderDecision(stream.Context(), id)
	if err != nil {
		return err
	}
	w := s.newFileWriter(stream, pdfType, "quyet-dinh-"+id+".pdf")
	if _, err := w.Write(b); err != nil {
		return err
	}
	return w.Close()
}

func (s *Server) renderDecision(ctx context.Context, id string) ([]byte, error) {
	d, err := s.store.GetDecision(ctx, id)
	if err != nil {
		return nil, err
	}
	unitIDs, err := s.store.EntryUnits(ctx, id)
	if err != nil {
		return nil, err
	}
	units, err := s.unitsWithProvinces(ctx, append(unitIDs, d.Authority, d.Document.Issuer))
	if err != nil {
		return nil, err
	}
	units = unitsOn(units, d.Document.SignedOn) // a decision names the units as they were then
	doc := document.Decision{
		Number:     d.Document.Number,
		SignedOn:   d.Document.SignedOn,
		Place:      place(units, d.Authority),
		SignerName: d.Document.SignerName,
		Title:      d.Title,
		Recipients: d.Document.Recipients,
		Entries:    make([]document.Entry, 0, d.EntryCount),
	}
	letterhead(&doc, d.Document, cmp.Or(d.Document.Issuer, d.Authority), units)
	var bases []string
	// The entries are read a page at a time: only the printed lines are
	// kept for the whole decision.
	for after := 0; ; {
		page, err := s.store.EntriesAfter(ctx, id, after, issuePage)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1].Ordinal
		for _, e := range page {
			t, err := s.catalogue.Get(e.AwardCode)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(bases, t.LegalBasis) {
				bases = append(bases, t.LegalBasis)
			}
			name, description := recipientText(e.Recipient, units)
			doc.Entries = append(doc.Entries, document.Entry{
				Ordinal:              e.Ordinal,
				RecipientName:        name,
				RecipientDescription: description,
				Collective:           e.Recipient.Kind == domain.RecipientCollective,
				AwardName:            t.DisplayName,
				Achievement:          e.Achievements,
				RewardVND:            e.RewardVND,
			})
		}
	}
	for _, b := range bases {
		doc.Preamble = append(doc.Preamble, "Căn cứ "+b+";")
	}
	b, err := document.RenderDecision(doc)
	return b, documentError(d.Name(), err)
}

// RenderCertificate renders an honour's certificate as a PDF.
func (s *Server) RenderCertificate(ctx context.Context, req *honoursv1.RenderCertificateRequest) (*httpbody.HttpBody, error) {
	id, err := honourIDOf("name", req.GetName())
	if err != nil {
		return nil, err
	}
	b, err := s.renderCertificate(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.file(ctx, pdfType, "bang-"+id+".pdf", b), nil
}

func (s *Server) renderCertificate(ctx context.Context, id string) ([]byte, error) {
	h, err := s.store.GetHonour(ctx, id)
	if err != nil {
		return nil, err
	}
	d, err := s.store.GetDecision(ctx, h.DecisionID)
	if err != nil {
		return nil, err
	}
	t, err := s.catalogue.Get(h.AwardCode)
	if err != nil {
		return nil, err
	}
	units, err := s.unitsWithProvinces(ctx, []string{d.Authority, d.Document.Issuer, h.Recipient.Unit, h.Recipient.Commune})
	if err != nil {
		return nil, err
	}
	units = unitsOn(units, d.Document.SignedOn)
	name, description := recipientText(h.Recipient, units)
	// The certificate is signed as the decision is (KT., TM., Q.), on
	// behalf of the same authority.
	var head document.Decision
	letterhead(&head, d.Document, cmp.Or(d.Document.Issuer, d.Authority), units)
	c := document.Certificate{
		AwardHeading:         awardHeading(t),
		IssuerTitle:          head.Authority,
		AwardName:            t.DisplayName,
		RecipientName:        name,
		RecipientDescription: description,
		Achievement:          h.Achievements,
		DecisionNumber:       h.DecisionNumber,
		DecisionDate:         h.ConferredOn,
		Place:                place(units, d.Authority),
		SignerTitle:          head.SignerTitle,
		SignerName:           d.Document.SignerName,
		GoldenBookNumber:     h.CertificateNumber,
	}
	b, err := document.RenderCertificate(c)
	return b, documentError(h.Name(), err)
}

// awardHeading is the large line of a certificate: "TẶNG BẰNG KHEN" for a
// commendation, "TẶNG DANH HIỆU" above a title's name, "TẶNG" and the name
// of an order.
func awardHeading(t domain.AwardType) string {
	switch {
	case t.Category == domain.CategoryEmulationTitle || t.Category == domain.CategoryStateHonoraryTitle:
		return "TẶNG DANH HIỆU"
	case strings.HasPrefix(t.DisplayName, "Bằng khen"):
		return "TẶNG BẰNG KHEN"
	case strings.HasPrefix(t.DisplayName, "Giấy khen"):
		return "TẶNG GIẤY KHEN"
	}
	return "TẶNG " + strings.ToUpper(t.DisplayName)
}

// ExportHonours exports what ListHonours returns for the same filters as an
// XLSX workbook, at most maxExportRows rows (beyond: FailedPrecondition),
// sent in chunks. The rows are read from the store as the workbook is
// written; the workbook is sent as it is zipped, at its end, so that a
// failure while reading comes before its first chunk.
func (s *Server) ExportHonours(req *honoursv1.ExportHonoursRequest, stream grpc.ServerStreamingServer[httpbody.HttpBody]) error {
	ctx := stream.Context()
	f, _, err := s.honourFilter(ctx, req)
	if err != nil {
		return err
	}
	n, err := s.store.CountHonours(ctx, f)
	if err != nil {
		return err
	}
	if n > s.exportLimit {
		return s.tooManyRows(n)
	}
	info := document.ExportInfo{Filter: s.filterText(ctx, req), ExportedAt: time.Now()}
	w := s.newFileWriter(stream, xlsxType, "khen-thuong.xlsx")
	if err := document.WriteHonours(w, s.exportRows(ctx, f), info); err != nil {
		return err
	}
	return w.Close()
}

func (s *Server) tooManyRows(n int) error {
	return domainerr.Rule("EXPORT_TOO_LARGE", "filters", "the filters match %d honours; an export holds at most %d: narrow them (e.g. by year or province)", n, s.exportLimit)
}

// exportRows yields the rows of an export, reading honours from the store
// and naming their units through blocs a thousand at a time.
func (s *Server) exportRows(ctx context.Context, f store.HonourFilter) iter.Seq2[document.Row, error] {
	return func(yield func(document.Row, error) bool) {
		var chunk []*domain.Honour
		n := 0
		flush := func() bool {
			ids := make([]string, 0, 3*len(chunk))
			for _, h := range chunk {
				ids = append(ids, h.Recipient.Unit, h.Recipient.Commune, h.Province)
			}
			units, err := s.units.Units(ctx, ids)
			if err != nil {
				return yield(document.Row{}, err)
			}
			for _, h := range chunk {
				if !yield(s.exportRow(h, units), nil) {
					return false
				}
			}
			chunk = chunk[:0]
			return true
		}
		for h, err := range s.store.AllHonours(ctx, f) {
			if err != nil {
				yield(document.Row{}, err)
				return
			}
			if n++; n > s.exportLimit {
				yield(document.Row{}, s.tooManyRows(n))
				return
			}
			if chunk = append(chunk, h); len(chunk) == 1000 && !flush() {
				return
			}
		}
		if len(chunk) > 0 {
			flush()
		}
	}
}

func (s *Server) exportRow(h *domain.Honour, units map[string]lineage.Unit) document.Row {
	award := h.AwardCode
	if t, err := s.catalogue.Get(h.AwardCode); err == nil {
		award = t.DisplayName
	}
	unit := h.Recipient.Unit
	if h.Recipient.Kind == domain.RecipientHousehold {
		unit = h.Recipient.Commune
	}
	province := h.Province
	if p, ok := units[h.Province]; ok {
		province = cmp.Or(p.ShortName, p.DisplayName)
	}
	state := "Có hiệu lực"
	if h.State == domain.HonourRevoked {
		state = "Đã thu hồi"
	}
	return document.Row{
		DecisionNumber:    h.DecisionNumber,
		DecisionDate:      h.ConferredOn,
		AwardName:         award,
		RecipientName:     h.RecipientName,
		RecipientKind:     kindLabel(h.Recipient.Kind),
		Unit:              unitName(units, unit),
		Province:          province,
		PeriodStartYear:   h.Period.StartYear,
		PeriodEndYear:     h.Period.EndYear,
		RewardVND:         h.RewardVND,
		CertificateNumber: h.CertificateNumber,
		State:             state,
	}
}

// filterText says in Vietnamese what an export holds.
func (s *Server) filterText(ctx context.Context, req *honoursv1.ExportHonoursRequest) string {
	var parts []string
	var ids []string
	for _, n := range []string{req.GetProvince(), req.GetAuthority()} {
		if id, ok := resname.Unit.ID(n); ok {
			ids = append(ids, id)
		}
	}
	units, _ := s.units.Units(ctx, ids) // names only; the ids do when blocs is away
	name := func(n string) string {
		id, _ := resname.Unit.ID(n)
		return unitName(units, id)
	}
	if req.GetProvince() != "" {
		parts = append(parts, "Tỉnh, thành phố: "+name(req.GetProvince()))
	}
	if req.GetAuthority() != "" {
		parts = append(parts, "Cấp quyết định: "+name(req.GetAuthority()))
	}
	if code, ok := awardCode(req.GetAwardType()); ok {
		if t, err := s.catalogue.Get(code); err == nil {
			parts = append(parts, t.DisplayName)
		}
	}
	switch from, to := req.GetYearFrom(), req.GetYearTo(); {
	case from != 0 && to != 0:
		parts = append(parts, fmt.Sprintf("năm %d–%d", from, to))
	case from != 0:
		parts = append(parts, fmt.Sprintf("từ năm %d", from))
	case to != 0:
		parts = append(parts, fmt.Sprintf("đến năm %d", to))
	}
	if req.GetMovement() != "" {
		parts = append(parts, "phong trào "+req.GetMovement())
	}
	if req.GetQuery() != "" {
		parts = append(parts, "tìm “"+req.GetQuery()+"”")
	}
	switch domain.HonourState(req.GetState()) {
	case domain.HonourActive:
		parts = append(parts, "có hiệu lực")
	case domain.HonourRevoked:
		parts = append(parts, "đã thu hồi")
	}
	if len(parts) == 0 {
		return "Toàn bộ sổ khen thưởng"
	}
	return strings.Join(parts, "; ")
}

// file is an HttpBody, with a Content-Disposition header the gateway
// passes on.
func (s *Server) file(ctx context.Context, contentType, filename string, b []byte) *httpbody.HttpBody {
	if err := grpc.SetHeader(ctx, metadata.Pairs("content-disposition", `attachment; filename="`+filename+`"`)); err != nil {
		s.log.DebugContext(ctx, "no content-disposition header", "error", err)
	}
	return &httpbody.HttpBody{ContentType: contentType, Data: b}
}

// fileWriter sends what is written to it as a stream of HttpBody messages
// of fileChunkBytes each (the last one shorter): the first carries the
// content type, and the response header "content-disposition" (which the
// gateway passes on) goes out with it. Close sends what is left, and one
// message for an empty file.
type fileWriter struct {
	stream      grpc.ServerStreamingServer[httpbody.HttpBody]
	contentType string
	disposition string
	log         *slog.Logger
	buf         []byte // a chunk being filled
	sent        bool   // the first chunk is sent
}

func (s *Server) newFileWriter(stream grpc.ServerStreamingServer[httpbody.HttpBody], contentType, filename string) *fileWriter {
	return &fileWriter{
		stream:      stream,
		contentType: contentType,
		disposition: `attachment; filename="` + filename + `"`,
		log:         s.log,
	}
}

// Write sends every full chunk it completes. Each chunk is a buffer of its
// own: a message must not change once sent (stats handlers may keep it).
func (w *fileWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if w.buf == nil {
			w.buf = make([]byte, 0, fileChunkBytes)
		}
		k := min(len(p), fileChunkBytes-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
		if len(w.buf) == fileChunkBytes {
			if err := w.send(w.buf); err != nil {
				return n - len(p), err
			}
			w.buf = nil
		}
	}
	return n, nil
}

// Close sends the last chunk.
func (w *fileWriter) Close() error {
	if len(w.buf) == 0 && w.sent {
		return nil
	}
	err := w.send(w.buf)
	w.buf = nil
	return err
}

func (w *fileWriter) send(data []byte) error {
	m := &httpbody.HttpBody{Data: data}
	if !w.sent {
		m.ContentType = w.contentType
		if err := w.stream.SetHeader(metadata.Pairs("content-disposition", w.disposition)); err != nil {
			w.log.DebugContext(w.stream.Context(), "no content-disposition header", "error", err)
		}
		w.sent = true
	}
	return w.stream.Send(m)
}

// documentError turns a document the package cannot make from what is
// stored (no signer name, say) into FailedPrecondition about subject.
func documentError(subject string, err error) error {
	if errors.Is(err, document.ErrInvalidInput) {
		return domainerr.Rule("DOCUMENT_INCOMPLETE", subject, "%v", err)
	}
	return err
}

// recipientText is how a document names a recipient, and the line under
// the name: position and unit, or the address of a household.
func recipientText(r domain.Recipient, units map[string]lineage.Unit) (name, description string) {
	switch r.Kind {
	case domain.RecipientCollective:
		return unitName(units, r.Unit), ""
	case domain.RecipientHousehold:
		return "Hộ gia đình " + r.HeadName, r.Address
	}
	name = r.FullName
	switch r.Gender {
	case 1:
		name = "Ông " + name
	case 2:
		name = "Bà " + name
	}
	return name, strings.TrimSpace(strings.TrimSpace(r.Position) + " " + unitName(units, r.Unit))
}

func kindLabel(k domain.RecipientKind) string {
	switch k {
	case domain.RecipientIndividual:
		return "Cá nhân"
	case domain.RecipientCollective:
		return "Tập thể"
	case domain.RecipientHousehold:
		return "Hộ gia đình"
	}
	return ""
}

// unitsOn returns the units with the names and levels they had on day d
// (lineage.Unit.On): Thừa Thiên Huế on a decision of 2024, Huế after.
func unitsOn(units map[string]lineage.Unit, d civil.Date) map[string]lineage.Unit {
	out := make(map[string]lineage.Unit, len(units))
	for id, u := range units {
		then := u.On(d)
		u.DisplayName, u.ShortName, u.Level = then.DisplayName, then.ShortName, then.Level
		out[id] = u
	}
	return out
}

// unitName is a unit's display name, its id when blocs does not know it,
// "" for no unit.
func unitName(units map[string]lineage.Unit, id string) string {
	if u, ok := units[id]; ok && u.DisplayName != "" {
		return u.DisplayName
	}
	return id
}

// place is where a decision is signed: the short name of its authority's
// province ("Bắc Kạn"), else of the authority.
func place(units map[string]lineage.Unit, authority string) string {
	a := units[authority]
	if p, ok := units[a.Province]; ok {
		return cmp.Or(p.ShortName, p.DisplayName)
	}
	return cmp.Or(a.ShortName, a.DisplayName)
}
