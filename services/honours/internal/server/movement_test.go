package server_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

// TestBatchGetHonours gets honours by name in the order asked, and fails
// the whole call naming the first unknown one.
func TestBatchGetHonours(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		dec := newDecision(t, e.c, "qd-bk", "bac-kan", "946/QĐ-UBND", d(2023, 5, 31))
		addEntries(t, e.c, dec.GetName(),
			entry(collective("xa-nam-mau"), "BK_TINH", 2023),
			entry(collective("truong-cho-don"), "BK_TINH", 2023))
		issue(t, e.c, dec.GetName())
		hs := listAll(t, e.c, &honoursv1.ListHonoursRequest{})
		require.Len(t, hs, 2)
		a, b := hs[0].GetName(), hs[1].GetName()

		got, err := e.c.BatchGetHonours(ctx, &honoursv1.BatchGetHonoursRequest{Names: []string{b, a, b}})
		require.NoError(t, err)
		var gotNames []string
		for _, h := range got.GetHonours() {
			gotNames = append(gotNames, h.GetName())
		}
		require.Equal(t, []string{b, a, b}, gotNames, "in the order asked, repeats included")
		require.Equal(t, "units/bac-kan", got.GetHonours()[1].GetProvince())

		_, err = e.c.BatchGetHonours(ctx, &honoursv1.BatchGetHonoursRequest{Names: []string{a, "honours/khong-co", "honours/cung-khong"}})
		st := status.Convert(err)
		require.Equal(t, codes.NotFound, st.Code(), "%v", err)
		var unknown string
		for _, det := range st.Details() {
			if ri, ok := det.(*errdetails.ResourceInfo); ok {
				unknown = ri.GetResourceName()
			}
		}
		require.Equal(t, "honours/khong-co", unknown, "the first unknown name, in a ResourceInfo")

		_, err = e.c.BatchGetHonours(ctx, &honoursv1.BatchGetHonoursRequest{})
		requireCode(t, err, codes.InvalidArgument, "names")
		_, err = e.c.BatchGetHonours(ctx, &honoursv1.BatchGetHonoursRequest{Names: []string{"decisions/qd-bk"}})
		requireCode(t, err, codes.InvalidArgument, "names[0]")
		many := make([]string, 1001)
		for i := range many {
			many[i] = a
		}
		_, err = e.c.BatchGetHonours(ctx, &honoursv1.BatchGetHonoursRequest{Names: many})
		requireCode(t, err, codes.InvalidArgument, "names")
	})
}

// TestStatisticsOfAMovement counts only the active honours that cite the
// movement, and does not serve a movement's figures to another.
func TestStatisticsOfAMovement(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		cited := decisionMsg("bac-kan", "946/QĐ-UBND", d(2023, 5, 31))
		cited.Movement = "movements/nong-thon-moi"
		dec, err := e.c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: "qd-ntm", Decision: cited})
		require.NoError(t, err)
		addEntries(t, e.c, dec.GetName(),
			entry(collective("xa-nam-mau"), "BK_TINH", 2023),
			entry(collective("truong-cho-don"), "BK_TINH", 2023),
			entry(person("Nông Văn A", cid(1), "so-noi-vu-bk"), "BK_TINH", 2023))
		issue(t, e.c, dec.GetName())
		other := newDecision(t, e.c, "qd-khac", "bac-kan", "950/QĐ-UBND", d(2023, 6, 30))
		addEntries(t, e.c, other.GetName(), entry(collective("so-noi-vu-bk"), "BK_TINH", 2023))
		issue(t, e.c, other.GetName())

		stats, err := e.c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{Movement: "movements/nong-thon-moi", GroupBy: []string{"award_type", "year"}})
		require.NoError(t, err)
		require.EqualValues(t, 3, stats.GetTotalCount())
		require.EqualValues(t, 2*2_980_000+1_490_000, stats.GetTotalRewardVnd())
		require.Len(t, stats.GetRows(), 1)
		require.Equal(t, "awardTypes/BK_TINH", stats.GetRows()[0].GetAwardType())
		require.EqualValues(t, 2023, stats.GetRows()[0].GetYear())

		hs := listAll(t, e.c, &honoursv1.ListHonoursRequest{Movement: "movements/nong-thon-moi"})
		require.Len(t, hs, 3)
		_, err = e.c.RevokeHonour(ctx, &honoursv1.RevokeHonourRequest{Name: hs[0].GetName(), Reason: "Khai man thành tích",
			RevokingDocument: cited.GetDocument()})
		require.NoError(t, err)
		stats, err = e.c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{Movement: "movements/nong-thon-moi"})
		require.NoError(t, err)
		require.EqualValues(t, 2, stats.GetTotalCount(), "a revoked honour no longer counts")

		stats, err = e.c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{Movement: "movements/khac"})
		require.NoError(t, err)
		require.Zero(t, stats.GetTotalCount())
		_, err = e.c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{Movement: "decisions/qd-ntm"})
		requireCode(t, err, codes.InvalidArgument, "movement")
	})
}
