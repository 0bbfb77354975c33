package server

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
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

func TestExportLimit(t *testing.T) {
	ctx := t.Context()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "h.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	signer, err := pagetoken.NewSigner([]byte("0123456789abcdef"))
	require.NoError(t, err)
	s, err := New(Options{Store: st, Units: provinces{}, Cache: cache.NewMemory(10), Tokens: signer, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	require.Equal(t, 200_000, s.exportLimit)

	dec, err := s.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{Decision: &honoursv1.Decision{
		Document:  &typev1.DocumentRef{Number: "1/QĐ", SignedOn: &date.Date{Year: 2024, Month: 1, Day: 2}, SignerName: "A", SignerTitle: "Chủ tịch", Issuer: "units/p"},
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
	_, err = s.ExportHonours(ctx, &honoursv1.ExportHonoursRequest{})
	require.NoError(t, err, "at the limit")
	s.exportLimit = 2
	_, err = s.ExportHonours(ctx, &honoursv1.ExportHonoursRequest{})
	mapped, _ := rpcerr.FromDomain(err) // as the server's interceptor maps it
	require.Equal(t, codes.FailedPrecondition, status.Code(mapped))
	require.Contains(t, status.Convert(mapped).Message(), "at most 2")
	_, err = s.ExportHonours(ctx, &honoursv1.ExportHonoursRequest{Query: "Văn C"})
	require.NoError(t, err, "narrower filters fit")
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
	s, err := New(Options{Store: st, Units: units, Cache: cache.NewMemory(10), Tokens: signer, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)

	dec, err := s.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{Decision: &honoursv1.Decision{
		Document:  &typev1.DocumentRef{Number: "2/QĐ", SignedOn: &date.Date{Year: 2024, Month: 1, Day: 2}, SignerName: "A", SignerTitle: "Chủ tịch", Issuer: "units/p"},
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
