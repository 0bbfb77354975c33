package domain

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

var members2023 = map[string]bool{"bac-kan": true, "tuyen-quang": true, "ha-giang": true}

func criteria() []Criterion {
	return []Criterion{
		{ID: "nhiem-vu", Title: "Hoàn thành nhiệm vụ chính trị", MaxPoints: 60},
		{ID: "phong-trao", Title: "Phong trào thi đua", MaxPoints: 30},
		{ID: "to-chuc", Title: "Tổ chức cơ sở đảng", MaxPoints: 10},
	}
}

func covenantFields() CovenantFields {
	return CovenantFields{
		Criteria:    criteria(),
		SignedOn:    day(2023, 3, 10),
		Signatories: []string{"bac-kan", "tuyen-quang"},
	}
}

func covenant2023() *Covenant {
	c, err := NewCovenant(cluster(), 2023, covenantFields(), members2023, now)
	if err != nil {
		panic(err)
	}
	return c
}

func TestNewCovenant(t *testing.T) {
	with := func(edit func(f *CovenantFields)) CovenantFields {
		f := covenantFields()
		edit(&f)
		return f
	}
	maxPoints := func(p float64) CovenantFields {
		return with(func(f *CovenantFields) { f.Criteria[1].MaxPoints = p })
	}
	for _, tc := range []struct {
		name     string
		group    *Group
		f        CovenantFields
		want     wantErr
		contains string // in the first violation's description
	}{
		{name: "valid", group: cluster(), f: covenantFields()},
		{name: "not signed yet", group: cluster(), f: with(func(f *CovenantFields) { f.SignedOn, f.Signatories = civil.Date{}, nil })},
		{name: "signed on the last day of the year", group: cluster(), f: with(func(f *CovenantFields) { f.SignedOn = day(2023, 12, 31) })},
		{name: "fractional maximum", group: cluster(), f: maxPoints(0.5)},
		{name: "no criteria", group: cluster(), f: with(func(f *CovenantFields) { f.Criteria = nil }), want: wantErr{fields: []string{"covenant.criteria"}}},
		{
			name: "duplicate criterion id", group: cluster(),
			f: with(func(f *CovenantFields) {
				f.Criteria = append(f.Criteria, Criterion{ID: "nhiem-vu", Title: "Lặp", MaxPoints: 1})
			}),
			want: wantErr{fields: []string{"covenant.criteria[3].id"}}, contains: `"nhiem-vu"`,
		},
		{
			name: "missing title", group: cluster(),
			f:    with(func(f *CovenantFields) { f.Criteria[0].Title = " \t " }),
			want: wantErr{fields: []string{"covenant.criteria[0].title"}},
		},
		{name: "zero max points", group: cluster(), f: maxPoints(0), want: wantErr{fields: []string{"covenant.criteria[1].maxPoints"}}},
		{name: "negative max points", group: cluster(), f: maxPoints(-5), want: wantErr{fields: []string{"covenant.criteria[1].maxPoints"}}},
		{name: "infinite max points", group: cluster(), f: maxPoints(math.Inf(1)), want: wantErr{fields: []string{"covenant.criteria[1].maxPoints"}}},
		{name: "minus infinite max points", group: cluster(), f: maxPoints(math.Inf(-1)), want: wantErr{fields: []string{"covenant.criteria[1].maxPoints"}}},
		{name: "NaN max points", group: cluster(), f: maxPoints(math.NaN()), want: wantErr{fields: []string{"covenant.criteria[1].maxPoints"}}},
		{
			name: "signed in the year before", group: cluster(),
			f:    with(func(f *CovenantFields) { f.SignedOn = day(2022, 12, 31) }),
			want: wantErr{fields: []string{"covenant.signedOn"}}, contains: "2023",
		},
		{
			name: "signed in the year after", group: cluster(),
			f:    with(func(f *CovenantFields) { f.SignedOn = day(2024, 1, 1) }),
			want: wantErr{fields: []string{"covenant.signedOn"}},
		},
		{
			name: "signatory not a member", group: cluster(),
			f:    with(func(f *CovenantFields) { f.Signatories = []string{"bac-kan", "cao-bang", "tuyen-quang"} }),
			want: wantErr{fields: []string{"covenant.signatories[1]"}}, contains: "units/cao-bang",
		},
		{
			name: "everything wrong at once", group: cluster(),
			f: CovenantFields{
				Criteria:    []Criterion{{ID: "a", Title: "A", MaxPoints: 0}, {ID: "a", MaxPoints: 1}},
				SignedOn:    day(2022, 1, 1),
				Signatories: []string{"ghost"},
			},
			want: wantErr{fields: []string{
				"covenant.criteria[0].maxPoints", "covenant.criteria[1].id", "covenant.criteria[1].title",
				"covenant.signedOn", "covenant.signatories[0]",
			}},
		},
		{name: "archived group", group: archived(), f: covenantFields(), want: wantErr{reason: "GROUP_ARCHIVED", subject: "groups/cum-mien-nui"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewCovenant(tc.group, 2023, tc.f, members2023, now)
			tc.want.check(t, err)
			if !tc.want.ok() {
				require.Nil(t, c)
				if tc.contains != "" {
					fe := requireFields(t, err, tc.want.fields...)
					require.Contains(t, fe[0].Description, tc.contains)
				}
				return
			}
			require.Equal(t, "cum-mien-nui", c.Group)
			require.Equal(t, 2023, c.Year)
			require.Equal(t, int64(1), c.Version)
			require.Equal(t, now, c.CreateTime)
			require.Equal(t, now, c.UpdateTime)
			require.Equal(t, tc.f, c.Fields())
		})
	}
}

func TestNewCovenantNormalizesTitles(t *testing.T) {
	f := covenantFields()
	f.Criteria[0].Title = "  Hoa\u0300n thành   nhiệm vụ "
	c, err := NewCovenant(cluster(), 2023, f, members2023, now)
	require.NoError(t, err)
	require.Equal(t, "Hoàn thành nhiệm vụ", c.Criteria[0].Title)
}

func TestCovenantQuota(t *testing.T) {
	ptr := func(n int) *int { return &n }
	for _, tc := range []struct {
		quota *int
		want  int
	}{
		{nil, DefaultCertificateQuota},
		{ptr(0), 0},
		{ptr(2), 2},
		{ptr(5), 5},
	} {
		c := &Covenant{CertificateQuota: tc.quota}
		require.Equal(t, tc.want, c.Quota())
	}
	require.Equal(t, 2, DefaultCertificateQuota)
	require.Equal(t, 2, covenant2023().Quota())
}

func TestCovenantCriterion(t *testing.T) {
	c := covenant2023()
	cr, ok := c.Criterion("phong-trao")
	require.True(t, ok)
	require.Equal(t, 30.0, cr.MaxPoints)
	_, ok = c.Criterion("ghost")
	require.False(t, ok)
	_, ok = c.Criterion("")
	require.False(t, ok)
}

func TestCovenantUpdate(t *testing.T) {
	quota := 3
	changed := CovenantFields{
		Criteria:         []Criterion{{ID: "tong-hop", Title: "Tổng hợp", MaxPoints: 100}},
		SignedOn:         day(2023, 4, 1),
		Signatories:      []string{"bac-kan", "tuyen-quang", "ha-giang"},
		CertificateQuota: &quota,
	}
	sameCriteria := covenantFields()
	sameCriteria.Signatories = []string{"bac-kan", "tuyen-quang", "ha-giang"}
	sameCriteria.CertificateQuota = &quota
	badSigned := covenantFields()
	badSigned.SignedOn = day(2024, 1, 2)
	for _, tc := range []struct {
		name            string
		group           *Group
		f               CovenantFields
		criteriaChanged bool
		hasScores       bool
		etag            string
		want            wantErr
	}{
		{name: "criteria changed, no scores yet", group: cluster(), f: changed, criteriaChanged: true},
		{name: "criteria kept, scores exist", group: cluster(), f: sameCriteria, hasScores: true, etag: `"1"`},
		{
			name: "criteria changed, scores exist", group: cluster(), f: changed, criteriaChanged: true, hasScores: true,
			want: wantErr{reason: "COVENANT_HAS_SCORES", subject: "groups/cum-mien-nui/covenants/2023"},
		},
		{name: "stale etag", group: cluster(), f: changed, criteriaChanged: true, etag: `"2"`, want: wantErr{stale: true}},
		{
			name: "archived group", group: archived(), f: sameCriteria,
			want: wantErr{reason: "GROUP_ARCHIVED", subject: "groups/cum-mien-nui"},
		},
		{name: "signed in another year than the covenant's", group: cluster(), f: badSigned, want: wantErr{fields: []string{"covenant.signedOn"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := covenant2023()
			before := *c
			err := c.Update(tc.group, tc.f, tc.criteriaChanged, tc.hasScores, members2023, tc.etag, later)
			tc.want.check(t, err)
			if !tc.want.ok() {
				require.Equal(t, before, *c)
				return
			}
			require.Equal(t, tc.f, c.Fields())
			require.Equal(t, 3, c.Quota())
			require.Equal(t, 2023, c.Year)
			require.Equal(t, int64(2), c.Version)
			require.Equal(t, `"2"`, c.Etag())
			require.Equal(t, later, c.UpdateTime)
			require.Equal(t, now, c.CreateTime)
		})
	}
}
