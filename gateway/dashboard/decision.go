package dashboard

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"google.golang.org/grpc/metadata"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
)

func init() {
	route("GET /decisions/{d}", decisionPage)
	route("GET /decisions/{d}/pdf", decisionPDF)
	translate(map[string]string{
		"Quyết định số": "Decision no.",
		"Số quyết định": "Number",
		"Ngày ký":       "Signed on",
		"Người ký":      "Signer",
		"Trích yếu":     "Title",
		"Phong trào":    "Movement",
		"Số người, tập thể được khen": "Recipients",
		"Tổng tiền thưởng":            "Total reward",
		"Dự thảo":                     "Draft",
		"Đã ban hành":                 "Issued",
		"Lý do thu hồi":               "Reason for revocation",
		"Xem bản PDF của quyết định":  "View the decision as PDF",
		"Danh sách được khen thưởng":  "Recipients",
		"Giai đoạn":                   "Period",
		"Tổng":                        "Total",
		"Quyết định chưa có người, tập thể được khen.": "The decision has no recipients yet.",
	})
}

var decisionID = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// decisionName is the decision of the path ("decisions/x"); an id that
// cannot be one is a page that does not exist.
func decisionName(q *req) (string, error) {
	id := q.r.PathValue("d")
	if !decisionID.MatchString(id) {
		return "", errNotFound
	}
	return "decisions/" + id, nil
}

// decisionData is the decision page.
type decisionData struct {
	D             *honoursv1.Decision
	Authority     string
	Signer, State string
	Entries       []entryRow
	Count         int64
	Money         int64
	PDF, Movement string
	MovementTitle string
	Revoked       bool
}

// entryRow is an entry of a decision as the table shows it.
type entryRow struct {
	E                *honoursv1.DecisionEntry
	Who, Unit, Award string
	Period, History  string
}

var decisionStates = map[honoursv1.DecisionState]string{
	honoursv1.DecisionState_DECISION_STATE_DRAFT:   "Dự thảo",
	honoursv1.DecisionState_DECISION_STATE_ISSUED:  "Đã ban hành",
	honoursv1.DecisionState_DECISION_STATE_REVOKED: "Đã thu hồi",
}

// decisionPage shows a decision's facts and its entries with their total.
func decisionPage(q *req) error {
	name, err := decisionName(q)
	if err != nil {
		return err
	}
	d, err := q.d.clients.Honours.GetDecision(q.ctx, &honoursv1.GetDecisionRequest{Name: name, View: honoursv1.DecisionView_DECISION_VIEW_BASIC})
	if err != nil {
		return err
	}
	entries, err := q.decisionEntries(name)
	if err != nil {
		return err
	}
	_, awards, err := q.awardTypes(false)
	if err != nil {
		return err
	}
	us := []string{d.GetAuthority()}
	for _, e := range entries {
		us = append(us, e.GetRecipient().GetUnit())
	}
	units, err := q.units(nonEmpty(us))
	if err != nil {
		return err
	}
	n := labeler{awards: awards, units: units}
	data := decisionData{D: d, Authority: n.unit(d.GetAuthority()), State: q.T(decisionStates[d.GetState()]),
		PDF: "/" + name + "/pdf", Revoked: d.GetState() == honoursv1.DecisionState_DECISION_STATE_REVOKED}
	if doc := d.GetDocument(); doc.GetSignerName() != "" {
		data.Signer = strings.TrimSpace(doc.GetSignerTitle() + " " + doc.GetSignerName())
	}
	if m := d.GetMovement(); strings.HasPrefix(m, "movements/") {
		data.Movement, data.MovementTitle = "/"+m, m
		if mv, err := q.d.clients.Movements.GetMovement(q.ctx, &movementsv1.GetMovementRequest{Name: m}); err == nil {
			data.MovementTitle = mv.GetTitle()
		}
	}
	for _, e := range entries {
		r := entryRow{E: e, Who: recipientName(e.GetRecipient(), units), Award: n.award(e.GetAwardType()), Period: entryPeriod(e)}
		if e.GetRecipient().GetFullName() != "" {
			r.Unit = n.unit(e.GetRecipient().GetUnit())
		}
		if k := e.GetRecipient().GetRecipientKey(); k != "" && e.GetHonour() != "" {
			r.History = "/people/" + url.PathEscape(k)
		}
		data.Entries = append(data.Entries, r)
		data.Money += e.GetRewardVnd()
	}
	data.Count = int64(len(entries))
	return q.render("decision", "Quyết định", data)
}

// entryPeriod is the years an entry is for: "2024" or "2020–2024".
func entryPeriod(e *honoursv1.DecisionEntry) string {
	p := e.GetPeriod()
	switch {
	case p.GetStartYear() == 0:
		return ""
	case p.GetEndYear() <= p.GetStartYear():
		return itoa32(p.GetStartYear())
	default:
		return itoa32(p.GetStartYear()) + "–" + itoa32(p.GetEndYear())
	}
}

// decisionEntries reads every entry of a decision, page by page (at
// most maxListed).
func (q *req) decisionEntries(name string) ([]*honoursv1.DecisionEntry, error) {
	in := &honoursv1.ListDecisionEntriesRequest{Parent: name, PageSize: 1000}
	var out []*honoursv1.DecisionEntry
	for {
		resp, err := q.d.clients.Honours.ListDecisionEntries(q.ctx, in)
		if err != nil {
			return nil, err
		}
		out = append(out, resp.GetEntries()...)
		if resp.GetNextPageToken() == "" || len(out) >= maxListed {
			return out, nil
		}
		in.PageToken = resp.GetNextPageToken()
	}
}

// decisionPDF streams the decision rendered as a PDF by the honours
// service, to be shown in the browser.
func decisionPDF(q *req) error {
	name, err := decisionName(q)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(q.ctx)
	defer cancel()
	stream, err := q.d.clients.Honours.RenderDecision(ctx, &honoursv1.RenderDecisionRequest{Name: name})
	if err != nil {
		return err
	}
	first, err := stream.Recv() // a failure shows before anything is written
	if err != nil {
		return err
	}
	md, _ := stream.Header()
	h := q.w.Header()
	ct := first.GetContentType()
	if ct == "" {
		ct = "application/pdf"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", inlineDisposition(md, strings.TrimPrefix(name, "decisions/")+".pdf"))
	h.Set("Cache-Control", "no-store")
	q.w.WriteHeader(http.StatusOK)
	if _, err := q.w.Write(first.GetData()); err != nil {
		return nil // the browser went away
	}
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			q.d.log.WarnContext(q.ctx, "dashboard: decision PDF cut short", "decision", name, "err", err)
			return nil // the status is sent: the file ends short
		}
		if _, err := q.w.Write(chunk.GetData()); err != nil {
			return nil
		}
	}
}

// inlineDisposition is the Content-Disposition to show a file in the
// browser, with the file name the service gave in its header, else def.
func inlineDisposition(md metadata.MD, def string) string {
	filename := def
	for _, v := range md.Get("content-disposition") {
		if _, params, err := mime.ParseMediaType(v); err == nil && params["filename"] != "" {
			filename = params["filename"]
		}
	}
	return mime.FormatMediaType("inline", map[string]string{"filename": filename})
}

// nonEmpty is names without the empty ones.
func nonEmpty(names []string) []string {
	out := names[:0:0]
	for _, n := range names {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

func itoa32(n int32) string { return strconv.Itoa(int(n)) }
