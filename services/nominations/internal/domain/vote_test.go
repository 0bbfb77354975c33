package domain

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
)

func TestRecusalsAreNeverCounted(t *testing.T) {
	ms := council(10)
	// The nominee, spelt in NFD and upper case, and the head of the
	// proposing unit.
	ms[3] = Member{FullName: norm.NFD.String("NGUYỄN THỊ HOA"), Unit: proposerUnit, Present: true}
	ms[7] = Member{FullName: "Trần Văn Bình", Unit: proposerUnit, HeadsUnit: true, Present: true}
	// The same name in another unit is someone else.
	ms[8] = Member{FullName: "Nguyễn Thị Hoa", Unit: "so-y-te", Present: true}

	v := Vote{Members: ms, Yes: 10, HeldOn: date(t, "2025-01-10")}
	err := v.Tally(eligibility.CSTDCS, teacher(), proposerUnit)
	assert.Equal(t, []string{"vote.yes"}, fieldsOf(t, err))
	assert.Contains(t, err.Error(), "8 members are not recused")

	v.Yes = 8
	require.NoError(t, v.Tally(eligibility.CSTDCS, teacher(), proposerUnit))
	assert.Equal(t, []Recusal{
		{FullName: norm.NFC.String(norm.NFD.String("NGUYỄN THỊ HOA")), Reason: Nominee},
		{FullName: "Trần Văn Bình", Reason: HeadOfProposer},
	}, v.Recusals)
	assert.Equal(t, 80, v.ThresholdPercent)
	assert.Equal(t, 8, v.Needed(), "80% of all 10 members")
	assert.True(t, v.Passed)
}

func TestThresholdIsAShareOfAllMembers(t *testing.T) {
	ms := council(10)
	ms[0] = Member{FullName: "Trần Văn Bình", Unit: proposerUnit, HeadsUnit: true, Present: true}
	// 90% of 10 is 9: with one member recused, all 9 others must vote for.
	v := Vote{Members: ms, Yes: 9, HeldOn: date(t, "2025-01-10")}
	require.NoError(t, v.Tally(eligibility.CSTDTinh, teacher(), proposerUnit))
	assert.True(t, v.Passed)
	v.Yes, v.Abstain = 8, 1
	require.NoError(t, v.Tally(eligibility.CSTDTinh, teacher(), proposerUnit))
	assert.False(t, v.Passed, "8 of the 9 who vote is 89% of them but 80% of all")
}

func TestThresholdAt89And90Percent(t *testing.T) {
	for _, award := range []eligibility.Award{eligibility.CSTDTinh, eligibility.CSTDTQ, eligibility.AHLD} {
		v := Vote{Members: council(100), Yes: 89, No: 11, HeldOn: date(t, "2025-01-10")}
		require.NoError(t, v.Tally(award, teacher(), proposerUnit))
		assert.Equal(t, 90, v.ThresholdPercent, award)
		assert.False(t, v.Passed, "%s at 89%%", award)
		v.Yes, v.No = 90, 10
		require.NoError(t, v.Tally(award, teacher(), proposerUnit))
		assert.True(t, v.Passed, "%s at 90%%", award)
	}
}

func TestQuorumIsTwoThirdsOfAllMembers(t *testing.T) {
	for _, c := range []struct {
		members, present int
		quorum           bool
	}{{9, 6, true}, {9, 5, false}, {10, 7, true}, {10, 6, false}, {3, 2, true}, {1, 0, false}} {
		ms := council(c.members)
		for i := range ms {
			ms[i].Present = i < c.present
		}
		v := Vote{Members: ms, Yes: c.members, HeldOn: date(t, "2025-01-10")}
		require.NoError(t, v.Tally(eligibility.CSTDCS, teacher(), proposerUnit))
		assert.Equal(t, c.quorum, v.Quorum, "%d of %d present", c.present, c.members)
		assert.Equal(t, c.quorum, v.Passed, "all for, %d of %d present", c.present, c.members)
	}
}

func TestNomineeOfACollectiveOrHousehold(t *testing.T) {
	ms := council(4)
	ms[0] = Member{FullName: "Hoàng Văn Nam", Unit: "truong-thcs-na-ri", HeadsUnit: true, Present: true}
	ms[1] = Member{FullName: "lò thị mai", Unit: "xa-cho-ra", Present: true}
	school := Recipient{Kind: RecipientCollective, Unit: "truong-thcs-na-ri"}
	v := Vote{Members: ms, Yes: 3, HeldOn: date(t, "2025-01-10")}
	require.NoError(t, v.Tally(eligibility.CoTinh, school, proposerUnit))
	assert.Equal(t, []Recusal{{FullName: "Hoàng Văn Nam", Reason: Nominee}}, v.Recusals)

	home := Recipient{Kind: RecipientHousehold, HeadName: "Lò Thị Mai", Commune: "xa-cho-ra"}
	require.NoError(t, v.Tally(eligibility.GDVH, home, proposerUnit))
	assert.Equal(t, []Recusal{{FullName: "lò thị mai", Reason: Nominee}}, v.Recusals)
}

func TestVoteValidation(t *testing.T) {
	ms := council(5)
	ms[3] = Member{FullName: norm.NFD.String(ms[1].FullName), Unit: ms[1].Unit}
	ms[4] = Member{FullName: " ", HeadsUnit: true}
	v := Vote{Members: ms, Yes: -1, No: 2}
	err := v.Tally(eligibility.CSTDCS, teacher(), proposerUnit)
	assert.Equal(t, []string{
		"vote.members[3].fullName", "vote.members[4].fullName", "vote.members[4].unit",
		"vote.yes", "vote.yes", "vote.heldOn",
	}, fieldsOf(t, err))
	assert.Zero(t, v.ThresholdPercent, "nothing is set when the vote is refused")

	v = Vote{HeldOn: date(t, "2025-01-10")}
	assert.Equal(t, []string{"vote.members"}, fieldsOf(t, v.Tally(eligibility.CSTDCS, teacher(), proposerUnit)))
}

func TestThresholdTable(t *testing.T) {
	for award, want := range map[eligibility.Award]int{
		eligibility.CSTDTinh: 90, eligibility.CSTDTQ: 90, eligibility.AHLD: 90, "AH_LLVT": 90,
		eligibility.CSTDCS: 80, eligibility.CoTinh: 80, eligibility.CoCP: 80,
		eligibility.GiayKhen: 80, eligibility.HCLD3: 80,
	} {
		assert.Equal(t, want, ThresholdPercent(award), award)
	}
	rows := Thresholds()
	assert.Equal(t, "*", rows[len(rows)-1].Awards)
	for _, r := range rows {
		assert.Regexp(t, `^\[check\] `, r.Check, r.Awards)
	}
}

func TestCommentWindowTable(t *testing.T) {
	cal := calendar(t)
	published := date(t, "2025-04-24")
	for award, want := range map[eligibility.Award]string{
		eligibility.HCLD3: "2025-05-12", eligibility.HCSaoVang: "2025-05-12", eligibility.HCHCM: "2025-05-12",
		eligibility.AHLD: "2025-05-12", eligibility.BKTTG: "2025-04-24", eligibility.CSTDTQ: "2025-04-24",
	} {
		got, err := CommentWindowEnds(cal, award, published)
		require.NoError(t, err)
		assert.Equal(t, date(t, want), got, award)
	}
}

func FuzzTally(f *testing.F) {
	f.Add([]byte{10, 3, 0, 0, 1, 2, 3}, "Nguyễn Thị Hoa", 8, 1, 1)
	f.Add([]byte{0}, "", -1, 0, 0)
	f.Add([]byte{200, 255, 7}, "x\xff", 1<<31-1, 1<<31-1, 1<<31-1)
	f.Fuzz(func(t *testing.T, data []byte, name string, yes, no, abstain int) {
		var ms []Member
		for i, b := range data {
			ms = append(ms, Member{
				FullName:  []string{name, "Trần Văn Bình", "NGUYỄN THỊ HOA", "", "Lê An"}[int(b)%5],
				Unit:      []string{proposerUnit, "", "so-y-te"}[int(b/5)%3],
				HeadsUnit: b&64 != 0, Present: b&128 != 0 || i%2 == 0,
			})
		}
		v := Vote{Members: ms, Yes: yes, No: no, Abstain: abstain, HeldOn: date(t, "2025-01-10")}
		award := []eligibility.Award{eligibility.CSTDTinh, eligibility.CSTDCS, eligibility.GiayKhen}[len(data)%3]
		recipient := []Recipient{teacher(), {Kind: RecipientCollective, Unit: proposerUnit}, {}}[len(name)%3]
		if err := v.Tally(award, recipient, proposerUnit); err != nil {
			return
		}
		if v.Yes+v.No+v.Abstain != len(v.Members)-len(v.Recusals) || v.Yes < 0 || v.No < 0 || v.Abstain < 0 {
			t.Fatalf("accepted ballots that do not add up: %+v", v)
		}
		if v.Passed && (!v.Quorum || v.Yes*100 < v.ThresholdPercent*len(v.Members)) {
			t.Fatalf("passed below the threshold or quorum: %+v", v)
		}
	})
}
