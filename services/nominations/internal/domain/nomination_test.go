package domain

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
)

func TestNominationValidation(t *testing.T) {
	school := func(f *NominationFields) {
		f.Recipient = Recipient{Kind: RecipientCollective, Unit: "truong-thcs-na-ri"}
		f.Award = eligibility.TTLDXS
	}
	cases := []struct {
		name   string
		edit   func(*NominationFields)
		fields []string
	}{
		{"valid", func(*NominationFields) {}, nil},
		{"a year rated twice", func(f *NominationFields) {
			f.Period = Period{2021, 2023}
			f.Ratings = []eligibility.YearRating{{Year: 2021, Rating: eligibility.Good}, {Year: 2022, Rating: eligibility.Good}, {Year: 2021, Rating: eligibility.Excellent}}
		}, []string{"nomination.ratings[2].year"}},
		{"a rating after the period", func(f *NominationFields) {
			f.Ratings = append(f.Ratings, eligibility.YearRating{Year: 2024, Rating: eligibility.Good})
		}, []string{"nomination.ratings[1].year"}},
		{"an initiative twice and one after the period", func(f *NominationFields) {
			f.Initiatives = []Initiative{
				{Title: "Đổi mới dạy học", Scope: eligibility.Province, Year: 2023},
				{Title: norm.NFD.String("ĐỔI MỚI DẠY HỌC"), Scope: eligibility.Grassroots, Year: 2023},
				{Title: "Sổ điểm điện tử", Scope: eligibility.Grassroots, Year: 2024},
			}
		}, []string{"nomination.initiatives[1].title", "nomination.initiatives[2].year"}},
		{"a file twice", func(f *NominationFields) {
			a := Attachment{Name: "Báo cáo thành tích.pdf", MediaType: "application/pdf", SHA256: "ab", SizeBytes: 1}
			f.Attachments = []Attachment{a, a}
		}, []string{"nomination.attachments[1].sha256"}},
		{"member counts of a person", func(f *NominationFields) { f.Members.Total = 10 }, []string{"nomination.membersTotal"}},
		{"member counts that do not add up", func(f *NominationFields) {
			school(f)
			f.Members = eligibility.Members{Total: 10, Completed: 11, LDTT: 8, CSTDCS: 9, Disciplined: 12}
		}, []string{"nomination.membersCompleted", "nomination.membersCstd", "nomination.membersDisciplined"}},
		{"member counts of a collective", func(f *NominationFields) {
			school(f)
			f.Members = eligibility.Members{Total: 10, Completed: 10, LDTT: 8, CSTDCS: 2}
		}, nil},
		{"a ranking of another year", func(f *NominationFields) {
			school(f)
			f.Ranking = "groups/khoi-3/covenants/2022/ranking"
		}, []string{"nomination.ranking"}},
		{"a thematic movement's basis without the movement", func(f *NominationFields) {
			f.Basis = eligibility.Movement
		}, []string{"nomination.movement"}},
		{"a person without a name", func(f *NominationFields) { f.Recipient.FullName = "" }, []string{"nomination.recipient.fullName"}},
		{"a household without its head and commune", func(f *NominationFields) {
			f.Recipient = Recipient{Kind: RecipientHousehold}
		}, []string{"nomination.recipient.headName", "nomination.recipient.commune"}},
		{"no recipient kind", func(f *NominationFields) { f.Recipient = Recipient{} }, []string{"nomination.recipient.kind"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := fields(eligibility.CSTDCS)
			c.edit(&f)
			f.Normalize()
			err := f.Validate("nomination")
			if c.fields == nil {
				require.NoError(t, err)
				return
			}
			assert.Equal(t, c.fields, fieldsOf(t, err))
		})
	}
}

func TestNormalize(t *testing.T) {
	f := fields(eligibility.CSTDCS)
	f.Recipient.FullName = "  " + norm.NFD.String("Nguyễn  Thị Hoa") + " "
	f.Achievements = norm.NFD.String("Dạy giỏi\nnhiều năm ")
	f.Normalize()
	assert.Equal(t, "Nguyễn Thị Hoa", f.Recipient.FullName)
	assert.Equal(t, "Dạy giỏi\nnhiều năm", f.Achievements)
}

func TestNewNomination(t *testing.T) {
	n := draft(t, eligibility.CSTDCS)
	assert.Equal(t, "batches/bk-2025/nominations/hoa", n.Name())
	assert.Equal(t, `"1"`, n.Etag())
	assert.Equal(t, []Transition{{From: StateUnspecified, To: Draft, Actor: "clerk@so-gd", Time: at(t, "2025-01-02")}}, n.History)
	n.Evaluated(passReport(), at(t, "2025-01-03"))
	assert.Equal(t, `"2"`, n.Etag())
	assert.Equal(t, eligibility.Pass, n.Eligibility.Overall)
}

func TestStateValues(t *testing.T) {
	// The values of tdkt.nominations.v1.NominationState.
	for s, v := range map[State]int32{Draft: 1, Submitted: 2, Appraised: 3, Published: 4, Approved: 5,
		Conferred: 6, Returned: 7, Rejected: 8, Withdrawn: 9} {
		assert.Equal(t, v, int32(s), s)
	}
	assert.Equal(t, "NOMINATION_STATE_UNSPECIFIED", State(42).String())
}
