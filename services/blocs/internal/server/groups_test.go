package server_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
)

// cluster creates a cluster with members a, b, c from 2023-01-01.
func cluster(t *testing.T, c blocsv1.BlocsServiceClient) *blocsv1.Group {
	t.Helper()
	ctx := t.Context()
	board, err := c.CreateUnit(ctx, &blocsv1.CreateUnitRequest{UnitId: "ban-tdkt", Unit: &blocsv1.Unit{
		DisplayName: "Ban Thi đua – Khen thưởng Trung ương", Kind: blocsv1.UnitKind_UNIT_KIND_AGENCY,
		Level: blocsv1.UnitLevel_UNIT_LEVEL_CENTRAL,
	}})
	require.NoError(t, err)
	g, err := c.CreateGroup(ctx, &blocsv1.CreateGroupRequest{GroupId: "cum-1", Group: &blocsv1.Group{
		Kind: blocsv1.GroupKind_GROUP_KIND_CLUSTER, DisplayName: "Cụm thi đua các tỉnh trung du và miền núi phía Bắc",
		Organizer: board.GetName(),
	}})
	require.NoError(t, err)
	for _, p := range []struct{ id, name string }{{"a", "Bắc Kạn"}, {"b", "Tuyên Quang"}, {"c", "Yên Bái"}} {
		province(t, c, p.id, p.name)
		_, err := c.CreateMembership(ctx, &blocsv1.CreateMembershipRequest{Parent: g.GetName(), MembershipId: "m-" + p.id,
			Membership: &blocsv1.Membership{Unit: "units/" + p.id, JoinedOn: d(2023, 1, 1)}})
		require.NoError(t, err)
	}
	return g
}

func TestGroupsMembershipsTerms(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c blocsv1.BlocsServiceClient) {
		ctx := t.Context()
		g := cluster(t, c)

		_, err := c.CreateMembership(ctx, &blocsv1.CreateMembershipRequest{Parent: g.GetName(),
			Membership: &blocsv1.Membership{Unit: "units/a", JoinedOn: d(2024, 1, 1)}})
		requireCode(t, err, codes.FailedPrecondition, "ALREADY_MEMBER")

		term, err := c.CreateTerm(ctx, &blocsv1.CreateTermRequest{Parent: g.GetName(), TermId: "2023",
			Term: &blocsv1.Term{Head: "units/a", Deputy: "units/b"}})
		require.NoError(t, err)
		require.Equal(t, "cum-1", g.GetName()[len("groups/"):])
		require.Equal(t, "groups/cum-1/terms/2023", term.GetName())
		require.EqualValues(t, 2023, term.GetYear())

		outsider := province(t, c, "z", "Hà Giang")
		_, err = c.CreateTerm(ctx, &blocsv1.CreateTermRequest{Parent: g.GetName(), TermId: "2024",
			Term: &blocsv1.Term{Head: outsider.GetName(), Deputy: "units/b"}})
		requireCode(t, err, codes.FailedPrecondition, "NOT_A_MEMBER")
		_, err = c.CreateTerm(ctx, &blocsv1.CreateTermRequest{Parent: g.GetName(), TermId: "2024",
			Term: &blocsv1.Term{Head: "units/b", Deputy: "units/b"}})
		requireCode(t, err, codes.InvalidArgument, "term.deputy")
		_, err = c.CreateTerm(ctx, &blocsv1.CreateTermRequest{Parent: g.GetName(), TermId: "2023",
			Term: &blocsv1.Term{Head: "units/b", Deputy: "units/c"}})
		requireCode(t, err, codes.AlreadyExists, "")
		_, err = c.CreateTerm(ctx, &blocsv1.CreateTermRequest{Parent: g.GetName(), TermId: "2024",
			Term: &blocsv1.Term{Head: "units/b", Deputy: "units/c"}})
		require.NoError(t, err)
		terms, err := c.ListTerms(ctx, &blocsv1.ListTermsRequest{Parent: g.GetName()})
		require.NoError(t, err)
		require.Len(t, terms.GetTerms(), 2)
		require.EqualValues(t, 2024, terms.GetTerms()[0].GetYear(), "newest first")

		// Dissolving a member ends its membership the day before.
		_, err = c.DissolveUnit(ctx, &blocsv1.DissolveUnitRequest{Name: "units/c", Successor: "units/b", EffectiveOn: d(2025, 7, 1)})
		require.NoError(t, err)
		in2026, err := c.ListMemberships(ctx, &blocsv1.ListMembershipsRequest{Parent: g.GetName(), Year: 2026})
		require.NoError(t, err)
		require.EqualValues(t, 2, in2026.GetTotalSize())
		in2025, err := c.ListMemberships(ctx, &blocsv1.ListMembershipsRequest{Parent: g.GetName(), Year: 2025})
		require.NoError(t, err)
		require.EqualValues(t, 3, in2025.GetTotalSize())
		for _, m := range in2025.GetMemberships() {
			if m.GetUnit() == "units/c" {
				require.Equal(t, int32(30), m.GetLeftOn().GetDay())
				require.Equal(t, int32(6), m.GetLeftOn().GetMonth())
			}
		}

		ended, err := c.EndMembership(ctx, &blocsv1.EndMembershipRequest{Name: g.GetName() + "/memberships/m-b", LeftOn: d(2026, 12, 31)})
		require.NoError(t, err)
		require.EqualValues(t, 2026, ended.GetLeftOn().GetYear())
		_, err = c.EndMembership(ctx, &blocsv1.EndMembershipRequest{Name: g.GetName() + "/memberships/m-a", LeftOn: d(2020, 1, 1)})
		requireCode(t, err, codes.InvalidArgument, "leftOn")

		groups, err := c.ListGroups(ctx, &blocsv1.ListGroupsRequest{Member: "units/a", Year: 2023, Query: "trung du mien nui"})
		require.NoError(t, err)
		require.Len(t, groups.GetGroups(), 1)
		groups, err = c.ListGroups(ctx, &blocsv1.ListGroupsRequest{Member: outsider.GetName()})
		require.NoError(t, err)
		require.Empty(t, groups.GetGroups())

		upd, err := c.UpdateGroup(ctx, &blocsv1.UpdateGroupRequest{
			Group:      &blocsv1.Group{Name: g.GetName(), Description: "Cụm số 1", Etag: g.GetEtag()},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"description"}},
		})
		require.NoError(t, err)
		require.Equal(t, g.GetDisplayName(), upd.GetDisplayName())
		_, err = c.ArchiveGroup(ctx, &blocsv1.ArchiveGroupRequest{Name: g.GetName(), Etag: g.GetEtag()})
		requireCode(t, err, codes.Aborted, "")
		arch, err := c.ArchiveGroup(ctx, &blocsv1.ArchiveGroupRequest{Name: g.GetName()})
		require.NoError(t, err)
		require.Equal(t, blocsv1.GroupState_GROUP_STATE_ARCHIVED, arch.GetState())
		_, err = c.CreateMembership(ctx, &blocsv1.CreateMembershipRequest{Parent: g.GetName(),
			Membership: &blocsv1.Membership{Unit: outsider.GetName(), JoinedOn: d(2026, 1, 1)}})
		requireCode(t, err, codes.FailedPrecondition, "GROUP_ARCHIVED")
	})
}

func TestCovenantScoresRanking(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c blocsv1.BlocsServiceClient) {
		ctx := t.Context()
		g := cluster(t, c)
		cov, err := c.CreateCovenant(ctx, &blocsv1.CreateCovenantRequest{Parent: g.GetName(), CovenantId: "2023",
			Covenant: &blocsv1.Covenant{
				Criteria: []*blocsv1.Criterion{
					{Id: "kinh-te", Title: "Phát triển kinh tế – xã hội", MaxPoints: 60},
					{Id: "tdkt", Title: "Công tác thi đua, khen thưởng", MaxPoints: 40},
				},
				SignedOn:    d(2023, 3, 15),
				Signatories: []string{"units/a", "units/b", "units/c"},
			}})
		require.NoError(t, err)
		require.EqualValues(t, 2023, cov.GetYear())

		score := func(unit string, ec, td, women float64) error {
			_, err := c.SubmitScore(ctx, &blocsv1.SubmitScoreRequest{Parent: cov.GetName(), Score: &blocsv1.Score{
				Unit: unit, Points: map[string]float64{"kinh-te": ec, "tdkt": td}, WomenShare: women,
			}})
			return err
		}
		requireCode(t, score("units/a", 61, 0, 0), codes.InvalidArgument, `score.points["kinh-te"]`)
		_, err = c.SubmitScore(ctx, &blocsv1.SubmitScoreRequest{Parent: cov.GetName(), Score: &blocsv1.Score{
			Unit: "units/a", Points: map[string]float64{"khac": 1}}})
		requireCode(t, err, codes.InvalidArgument, `score.points["khac"]`)

		require.NoError(t, score("units/a", 50, 30, 0.2)) // 80
		require.NoError(t, score("units/b", 45, 35, 0.8)) // 80, women majority: ahead of a
		r, err := c.GetRanking(ctx, &blocsv1.GetRankingRequest{Name: cov.GetName() + "/ranking"})
		require.NoError(t, err)
		require.Equal(t, []string{"units/c"}, r.GetUnscored())
		require.Equal(t, "units/b", r.GetEntries()[0].GetUnit())
		require.Equal(t, blocsv1.Proposal_PROPOSAL_FLAG, r.GetEntries()[0].GetProposal())
		require.Equal(t, blocsv1.Proposal_PROPOSAL_CERTIFICATE, r.GetEntries()[1].GetProposal())
		require.EqualValues(t, 2, r.GetEntries()[1].GetRank())

		// A new score invalidates the cached ranking.
		require.NoError(t, score("units/c", 60, 40, 0))
		r, err = c.GetRanking(ctx, &blocsv1.GetRankingRequest{Name: cov.GetName() + "/ranking"})
		require.NoError(t, err)
		require.Len(t, r.GetEntries(), 3)
		require.Equal(t, "units/c", r.GetEntries()[0].GetUnit())
		require.Equal(t, "Tỉnh Yên Bái", r.GetEntries()[0].GetUnitDisplayName())
		require.Empty(t, r.GetUnscored())

		// Replacing a score keeps one per unit.
		require.NoError(t, score("units/c", 10, 10, 0))
		scores, err := c.ListScores(ctx, &blocsv1.ListScoresRequest{Parent: cov.GetName()})
		require.NoError(t, err)
		require.EqualValues(t, 3, scores.GetTotalSize())
		r, err = c.GetRanking(ctx, &blocsv1.GetRankingRequest{Name: cov.GetName() + "/ranking"})
		require.NoError(t, err)
		require.Equal(t, "units/c", r.GetEntries()[2].GetUnit())

		_, err = c.UpdateCovenant(ctx, &blocsv1.UpdateCovenantRequest{
			Covenant:   &blocsv1.Covenant{Name: cov.GetName(), Criteria: []*blocsv1.Criterion{{Id: "x", Title: "X", MaxPoints: 1}}},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"criteria"}},
		})
		requireCode(t, err, codes.FailedPrecondition, "COVENANT_HAS_SCORES")
		quota := int32(0)
		_, err = c.UpdateCovenant(ctx, &blocsv1.UpdateCovenantRequest{
			Covenant:   &blocsv1.Covenant{Name: cov.GetName(), CertificateQuota: &quota},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"certificate_quota"}},
		})
		require.NoError(t, err)
		r, err = c.GetRanking(ctx, &blocsv1.GetRankingRequest{Name: cov.GetName() + "/ranking"})
		require.NoError(t, err)
		require.Equal(t, blocsv1.Proposal_PROPOSAL_NONE, r.GetEntries()[1].GetProposal())

		outsider := province(t, c, "z", "Hà Giang")
		requireCode(t, score(outsider.GetName(), 1, 1, 0), codes.FailedPrecondition, "NOT_A_MEMBER")
		_, err = c.GetRanking(ctx, &blocsv1.GetRankingRequest{Name: g.GetName() + "/covenants/2019/ranking"})
		requireCode(t, err, codes.NotFound, "")
		_, err = c.CreateCovenant(ctx, &blocsv1.CreateCovenantRequest{Parent: g.GetName(), CovenantId: "2024",
			Covenant: &blocsv1.Covenant{Criteria: []*blocsv1.Criterion{{Id: "a", Title: "A", MaxPoints: 1}, {Id: "a", Title: "B", MaxPoints: 1}}}})
		requireCode(t, err, codes.InvalidArgument, "covenant.criteria[1].id")
	})
}
