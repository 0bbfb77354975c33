package server_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocstest"
	"github.com/tdkt-vn/tdkt/services/honours/honourstest"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/server"
)

// TestConferTwiceConfersOnce runs a conferral in the real honours service,
// then runs it again, as a service restarted after a crash would: one
// decision, one honour per nomination, the same honours both times.
func TestConferTwiceConfersOnce(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b := blocstest.Start(t)
	b.Province("bac-kan", "Bắc Kạn")
	var entries []*honoursv1.DecisionEntry
	for _, id := range []string{"xa-nam-mau", "xa-khang-ninh", "xa-quang-khe"} {
		b.Unit(id, "Ủy ban nhân dân xã "+id, "", blocsv1.UnitKind_UNIT_KIND_LOCALITY, blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE, "bac-kan")
		entries = append(entries, &honoursv1.DecisionEntry{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + id},
			AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2022, EndYear: 2022},
			Nomination: "batches/bk-2023/nominations/" + id,
		})
	}
	h := honourstest.Start(t, b.Addr)
	d := server.Conferral{ID: "nominations-bk-2023", RequestID: "5b0c7f1e-8d2a-4c3b-9e4f-1a2b3c4d5e6f",
		Decision: &honoursv1.Decision{Title: "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", Authority: "units/bac-kan",
			Document: &typev1.DocumentRef{Number: "946/QĐ-UBND", SignedOn: &date.Date{Year: 2023, Month: 5, Day: 31},
				SignerName: "Nguyễn Đăng Bình", SignerTitle: "Chủ tịch", Issuer: "units/bac-kan"}},
		Entries: entries}
	decisions := server.HonoursDecisions{Client: h.Client}

	first, err := decisions.Confer(ctx, d)
	require.NoError(t, err)
	require.Len(t, first, 3)
	again, err := decisions.Confer(ctx, d)
	require.NoError(t, err)
	require.Equal(t, first, again, "the same honours")
	list, err := h.Client.ListHonours(ctx, &honoursv1.ListHonoursRequest{PageSize: 100})
	require.NoError(t, err)
	require.EqualValues(t, 3, list.GetTotalSize(), "one honour per nomination")
	dec, err := h.Client.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: "decisions/nominations-bk-2023"})
	require.NoError(t, err)
	require.Equal(t, honoursv1.DecisionState_DECISION_STATE_ISSUED, dec.GetState())

	// A decision honours refuses is a broken rule naming it, not a fault.
	bad := d
	bad.ID, bad.RequestID = "nominations-khac", "7c1d8e2f-9a3b-4d5c-8f6a-2b3c4d5e6f70"
	bad.Entries = []*honoursv1.DecisionEntry{{Recipient: entries[0].GetRecipient(), AwardType: "awardTypes/CSTD_TQ",
		Period: &typev1.Period{StartYear: 2022, EndYear: 2022}, Nomination: "batches/khac/nominations/x"}}
	_, err = decisions.Confer(ctx, bad)
	rule, ok := errors.AsType[*domainerr.RuleError](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, "HONOURS_REFUSED_DECISION", rule.Reason)
	require.Equal(t, "decisions/nominations-khac", rule.Subject)
}
