package server

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/rpcerr"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
)

// provinces is a Units in which every unit is an active province.
type provinces struct{}

func (provinces) Units(_ context.Context, ids []string) (map[string]lineage.Unit, error) {
	out := make(map[string]lineage.Unit)
	for _, id := range ids {
		if id != "" {
			out[id] = lineage.Unit{ID: id, DisplayName: "Tỉnh " + id, Level: 3, Province: id, Current: id}
		}
	}
	return out, nil
}

func (p provinces) Fresh(ctx context.Context, ids []string) (map[string]lineage.Unit, error) {
	return p.Units(ctx, ids)
}

func (provinces) Ancestors(_ context.Context, ids []string) (map[string][]string, error) {
	return make(map[string][]string), nil
}

func (provinces) Revision() int64 { return 1 }

func TestExportLimit(t *testing.T) {
	ctx := t.Context()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "h.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	signer, err := pagetoken.NewSigner([]byte("0123456789abcdef"))
	require.NoError(t, err)
	s, err := New(Options{Store: st, Units: provinces{}, Cache: cache.NewMemory(10), Tokens: signer, Keys: internalKeys(t), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	require.Equal(t, 200_000, s.exportLimit)

	dec, err := s.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{Decision: &honoursv1.Decision{
		Document:  &typev1.DocumentRef{Number: "1/QĐ", SignedOn: &date.Date{Year: 2024, Month: 1, Day: 2}, SignerName: "A", SignerTitle: "Chủ tịch", Issuer: "units/p"},
		Title:     "Về việc tặng Bằng khen",
		Authority: "units/p",
	}})
	require.NoError(t, err)
	var entries []*honoursv1.DecisionEntry
	for _, name := range []string{"Nguyễn Văn A", "Nguyễn Văn B", "Nguyễn Văn C"} {
		entries = append(entries, &honoursv1.DecisionEntry{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, FullName: name},
			AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2023, EndYear: 2023},
		})
	}
	_, err = s.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: dec.GetName(), Entries: entries})
	require.NoError(t, err)
	_, err = s.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: dec.GetName()})
	require.NoError(t, err)

	s.exportLimit = 3
	out := &fileStream{ctx: ctx}
	err = s.ExportHonours(&honoursv1.ExportHonoursRequest{}, out)
	require.NoError(t, err, "at the limit")
	require.NotEmpty(t, out.chunks, "the workbook was sent")
	require.Equal(t, xlsxType, out.chunks[0].GetContentType())
	s.exportLimit = 2
	err = s.ExportHonours(&honoursv1.ExportHonoursRequest{}, &fileStream{ctx: ctx})
	mapped, _ := rpcerr.FromDomain(err) // as the server's interceptor maps it
	require.Equal(t, codes.FailedPrecondition, status.Code(mapped))
	require.Contains(t, status.Convert(mapped).Message(), "at most 2")
	err = s.ExportHonours(&honoursv1.ExportHonoursRequest{Query: "Văn C"}, &fileStream{ctx: ctx})
	require.NoError(t, err, "narrower filters fit")
}

// fileStream is the server side of a stream of file chunks, which it
// keeps.
type fileStream struct {
	grpc.ServerStream // nil: only what is below is called
	ctx               context.Context
	header            metadata.MD
	chunks            []*httpbody.HttpBody
}

func (f *fileStream) Context() context.Context { return f.ctx }

func (f *fileStream) SetHeader(md metadata.MD) error {
	f.header = metadata.Join(f.header, md)
	return nil
}

func (f *fileStream) Send(m *httpbody.HttpBody) error {
	f.chunks = append(f.chunks, m)
	return nil
}

// lateUnits is provinces, except that, once hide is set, the first lookup
// of the unit late leaves it out: an entry naming it looks added after the
// units were looked up.
type lateUnits struct {
	provinces
	late  string
	hide  bool
	calls int // lookups of late
}

func (u *lateUnits) Units(ctx context.Context, ids []string) (map[string]lineage.Unit, error) {
	out, _ := u.provinces.Units(ctx, ids)
	for _, id := range ids {
		if id == u.late {
			u.calls++
			if u.hide {
				u.hide = false
				delete(out, id)
			}
		}
	}
	return out, nil
}

// TestIssueLooksUpMissingUnitsOutsideTheTransaction issues a decision whose
// units were not all known before the transaction: the transaction reports
// them, the handler looks them up and issues.
func TestIssueLooksUpMissingUnitsOutsideTheTransaction(t *testing.T) {
	ctx := t.Context()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "h.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	signer, err := pagetoken.NewSigner([]byte("0123456789abcdef"))
	require.NoError(t, err)
	units := &lateUnits{late: "q"}
	s, err := New(Options{Store: st, Units: units, Cache: cache.NewMemory(10), Tokens: signer, Keys: internalKeys(t), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)

	dec, err := s.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{Decision: &honoursv1.Decision{
		Document:  &typev1.DocumentRef{Number: "2/QĐ", SignedOn: &date.Date{Year: 2024, Month: 1, Day: 2}, SignerName: "A", SignerTitle: "Chủ tịch", Issuer: "units/p"},
		Title:     "Về việc tặng Bằng khen",
		Authority: "units/p",
	}})
	require.NoError(t, err)
	_, err = s.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: dec.GetName(), Entries: []*honoursv1.DecisionEntry{{
		Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/q"},
		AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2023, EndYear: 2023},
	}}})
	require.NoError(t, err)
	units.calls, units.hide = 0, true

	issued, err := s.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: dec.GetName()})
	require.NoError(t, err)
	require.Equal(t, honoursv1.DecisionState_DECISION_STATE_ISSUED, issued.GetState())
	require.Equal(t, 2, units.calls, "q missed before the transaction, then looked up after it")
	hs, err := s.ListHonours(ctx, &honoursv1.ListHonoursRequest{})
	require.NoError(t, err)
	require.Len(t, hs.GetHonours(), 1)
	require.Equal(t, "units/q", hs.GetHonours()[0].GetProvince(), "the late unit's province")
}

// TestFileWriter checks the chunks of a streamed file: fileChunkBytes each
// but the last, the content type on the first alone, the file name in the
// header, and one message for an empty file.
func TestFileWriter(t *testing.T) {
	s := &Server{log: slog.New(slog.DiscardHandler)}
	data := make([]byte, 2*fileChunkBytes+1000)
	for i := range data {
		data[i] = byte(i % 251)
	}
	out := &fileStream{ctx: t.Context()}
	w := s.newFileWriter(out, pdfType, "a.pdf")
	// Writes of uneven sizes: chunks do not follow them.
	for p := data; len(p) > 0; {
		k := min(len(p), 70_000)
		n, err := w.Write(p[:k])
		require.NoError(t, err)
		require.Equal(t, k, n)
		p = p[k:]
	}
	require.NoError(t, w.Close())
	require.Len(t, out.chunks, 3)
	var got []byte
	for i, c := range out.chunks {
		if i == 0 {
			require.Equal(t, pdfType, c.GetContentType())
		} else {
			require.Empty(t, c.GetContentType(), "chunk %d", i)
		}
		got = append(got, c.GetData()...)
	}
	require.Len(t, out.chunks[0].GetData(), fileChunkBytes)
	require.Len(t, out.chunks[2].GetData(), 1000)
	require.Equal(t, data, got)
	require.Equal(t, []string{`attachment; filename="a.pdf"`}, out.header.Get("content-disposition"))

	empty := &fileStream{ctx: t.Context()}
	require.NoError(t, s.newFileWriter(empty, xlsxType, "b.xlsx").Close())
	require.Len(t, empty.chunks, 1)
	require.Equal(t, xlsxType, empty.chunks[0].GetContentType())
	require.Empty(t, empty.chunks[0].GetData())
}
