package server_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// TestFlagsReadTheRanking nominates the two schools of a bloc of Thái
// Nguyên for the province's emulation flag (Cờ thi đua, CO_TINH) of 2023,
// relying on the bloc's ranking of 2023 in blocs: R8 passes for the
// school ranked first and fails for the second, naming the bloc.
func TestFlagsReadTheRanking(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.blocs.Client
		ids := schools(e, "thpt-chu-van-an", "thpt-luong-ngoc-quyen")
		g, err := c.CreateGroup(ctx, &blocsv1.CreateGroupRequest{GroupId: "khoi-thpt", Group: &blocsv1.Group{
			Kind: blocsv1.GroupKind_GROUP_KIND_BLOC, DisplayName: "Khối các trường trung học phổ thông", Organizer: authority}})
		require.NoError(t, err)
		for _, id := range ids {
			_, err := c.CreateMembership(ctx, &blocsv1.CreateMembershipRequest{Parent: g.GetName(),
				Membership: &blocsv1.Membership{Unit: "units/" + id, JoinedOn: &date.Date{Year: 2023, Month: 1, Day: 1}}})
			require.NoError(t, err)
		}
		cov, err := c.CreateCovenant(ctx, &blocsv1.CreateCovenantRequest{Parent: g.GetName(), CovenantId: "2023", Covenant: &blocsv1.Covenant{
			Criteria:    []*blocsv1.Criterion{{Id: "day-hoc", Title: "Chất lượng dạy và học", MaxPoints: 100}},
			SignedOn:    &date.Date{Year: 2023, Month: 3, Day: 1},
			Signatories: []string{"units/" + ids[0], "units/" + ids[1]}}})
		require.NoError(t, err)
		for i, id := range ids {
			_, err := c.SubmitScore(ctx, &blocsv1.SubmitScoreRequest{Parent: cov.GetName(), Score: &blocsv1.Score{
				Unit: "units/" + id, Points: map[string]float64{"day-hoc": float64(95 - 10*i)}}})
			require.NoError(t, err)
		}
		b := createBatch(t, e, "co-thi-dua")
		var reqs []*nominationsv1.CreateNominationRequest
		for _, id := range ids {
			reqs = append(reqs, &nominationsv1.CreateNominationRequest{NominationId: id, Nomination: &nominationsv1.Nomination{
				Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + id},
				AwardType: "awardTypes/CO_TINH", Period: &typev1.Period{StartYear: 2023, EndYear: 2023},
				Ranking: cov.GetName() + "/ranking"}})
		}
		_, err = e.c.BatchCreateNominations(ctx, &nominationsv1.BatchCreateNominationsRequest{Parent: b.GetName(), Requests: reqs})
		require.NoError(t, err)
		_, err = e.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: b.GetName()})
		require.NoError(t, err)

		r8 := func(id string) *nominationsv1.EligibilityLine {
			n, err := e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: b.GetName() + "/nominations/" + id})
			require.NoError(t, err)
			for _, l := range n.GetEligibility().GetLines() {
				if l.GetRule() == "R8" {
					return l
				}
			}
			require.Fail(t, "no R8 line", "%v", n.GetEligibility())
			return nil
		}
		first, second := r8(ids[0]), r8(ids[1])
		assert.Equal(t, nominationsv1.Outcome_OUTCOME_PASS, first.GetOutcome(), "%s", first.GetEnglishMessage())
		assert.Equal(t, nominationsv1.Outcome_OUTCOME_FAIL, second.GetOutcome(), "%s", second.GetEnglishMessage())
		assert.Contains(t, second.GetMessage(), "Khối các trường trung học phổ thông")
	})
}
