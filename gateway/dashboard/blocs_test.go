package dashboard

import (
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// TestAllPages: a list is read page by page until the last, and a
// failure stops it.
func TestAllPages(t *testing.T) {
	pages := map[string][]int{"": {1, 2}, "b": {3}, "c": {4, 5}}
	next := map[string]string{"": "b", "b": "c", "c": ""}
	got, err := allPages(func(tok string) ([]int, string, error) { return pages[tok], next[tok], nil })
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3, 4, 5}, got)
	_, err = allPages(func(string) ([]int, string, error) { return nil, "", errors.New("down") })
	assert.Error(t, err)
}

// TestBlocsFormats: points with a decimal comma, shares in percent, the
// congress ordinals in Roman numerals, the default certificate quota.
func TestBlocsFormats(t *testing.T) {
	vi, en := &req{Lang: "vi"}, &req{Lang: "en"}
	assert.Equal(t, "92,5", vi.Points(92.5))
	assert.Equal(t, "92.5", en.Points(92.5))
	assert.Equal(t, "33,33", vi.Points(100.0/3))
	assert.Equal(t, "40", vi.Points(40))
	assert.Equal(t, "72,5%", vi.Percent(0.725))
	assert.Equal(t, "III", vi.Roman(3))
	assert.Equal(t, "XIV", vi.Roman(14))
	assert.Equal(t, "", vi.Roman(0))
	assert.Equal(t, int32(2), blocData{}.QuotaOf(&blocsv1.Covenant{}))
	three := int32(3)
	assert.Equal(t, int32(3), blocData{}.QuotaOf(&blocsv1.Covenant{CertificateQuota: &three}))
}

// TestMemberTimeline: each membership is a bar from its first day to its
// last (or to the end of the chart while it lasts), in the chart.
func TestMemberTimeline(t *testing.T) {
	q := &req{Lang: "vi"}
	rows := []memberRow{
		{&blocsv1.Membership{JoinedOn: &date.Date{Year: 2020, Month: 1, Day: 1}, LeftOn: &date.Date{Year: 2022, Month: 12, Day: 31}}, "A"},
		{&blocsv1.Membership{JoinedOn: &date.Date{Year: 2023, Month: 7, Day: 1}}, "B"},
	}
	tl := newMemberTimeline(q, rows, 2025)
	require.Len(t, tl.Bars, 2)
	assert.Equal(t, "2020", tl.Years[0].Label)
	assert.Equal(t, "2026", tl.Years[len(tl.Years)-1].Label)
	assert.Equal(t, timelineLeft, tl.Bars[0].X)
	assert.Less(t, tl.Bars[0].X+tl.Bars[0].W, tl.Bars[1].X, "A left before B joined")
	assert.True(t, tl.Bars[1].Open)
	assert.LessOrEqual(t, tl.Bars[1].X+tl.Bars[1].W, tl.Width)
	assert.Empty(t, newMemberTimeline(q, nil, 2025).Bars)
}

// TestAuditResourceLink: an entry links to the dashboard's page of its
// resource when there is one.
func TestAuditResourceLink(t *testing.T) {
	for res, want := range map[string]string{
		"units/thai-nguyen":                   "/units/thai-nguyen",
		"groups/khoi-thi-dua-so-3":            "/blocs/khoi-thi-dua-so-3",
		"movements/tn-nong-thon-moi":          "/movements/tn-nong-thon-moi",
		"decisions/bac-kan-946":               "/decisions/bac-kan-946",
		"groups/g/covenants/2023":             "",
		"calendars/2024":                      "",
		"":                                    "",
		"units/x\"><script>alert(1)</script>": "",
	} {
		assert.Equal(t, want, auditRow{E: &typev1.AuditEntry{Resource: res}}.ResourceLink(), res)
	}
}

// TestEnumParam: a filter takes only the values offered, naming the
// field otherwise.
func TestEnumParam(t *testing.T) {
	q := &req{r: httptest.NewRequest("GET", "/blocs?kind=cluster&state=bogus", nil)}
	v, k, err := enumParam(q, "kind", groupKinds)
	require.NoError(t, err)
	assert.Equal(t, "cluster", v)
	assert.Equal(t, blocsv1.GroupKind_GROUP_KIND_CLUSTER, k)
	_, _, err = enumParam(q, "state", groupStates)
	var fe fieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "state", fe.field)
	v, _, err = enumParam(q, "absent", groupStates)
	assert.NoError(t, err)
	assert.Empty(t, v)
}
