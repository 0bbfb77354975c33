package browsertest

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() { register("overview", testOverview) }

// testOverview checks the overview's figures against the API's, for
// people who see different things: the province's officer, a central
// administrator acting for the country, and someone not signed in.
func testOverview(t *testing.T, s *site) {
	year := time.Now().Year()
	for _, person := range []int{Anonymous, Officer, Central, OtherClerk} {
		p := s.as(t, person)
		p.open(t, "/")
		switch person {
		case Anonymous: // the first page anyone opens: everything it loads, over the wire
			transfer := eval[float64](t, p, `(() => { const n = performance.getEntriesByType('navigation')[0];
				return n.transferSize + performance.getEntriesByType('resource').reduce((a, e) => a + e.transferSize, 0); })()`)
			t.Logf("first page: %.0f bytes transferred", transfer)
			assert.Less(t, transfer, 300.0*1024, "the first page transfers under 300 KB")
		case Officer:
			p.screenshot(t, "overview")
			// The English switch, and back.
			p.submit(t, `a[hreflang="en"]`)
			assert.Equal(t, "en", eval[string](t, p, "document.documentElement.lang"))
			assert.Equal(t, "Overview", p.text(t, "h1"))
			p.submit(t, `a[hreflang="vi"]`)
			assert.Equal(t, "Tổng quan", p.text(t, "h1"))
		}
		figure := func(name string) string { return p.text(t, `[data-figure="`+name+`"]`) }
		assert.Equal(t, num(len(s.listAll(t, person, "/v1/batches/-/nominations", "nominations"))), figure("nominations"), "person %d: nominations", person)
		assert.Equal(t, num(len(s.listAll(t, person, "/v1/batches/-/nominations?overdue=true", "nominations"))), figure("overdue"), "person %d: overdue", person)
		assert.Equal(t, num(len(s.listAll(t, person, fmt.Sprintf("/v1/decisions?year=%d", year), "decisions"))), figure("decisions"), "person %d: decisions", person)
		var stats struct {
			TotalCount     string `json:"totalCount"`
			TotalRewardVnd string `json:"totalRewardVnd"`
		}
		s.api(t, person, fmt.Sprintf("/v1/honours:statistics?yearFrom=%d&yearTo=%d", year, year), &stats)
		assert.Equal(t, num(atoi(t, stats.TotalCount)), figure("honours"), "person %d: honours", person)
		assert.Equal(t, num(atoi(t, stats.TotalRewardVnd))+" đ", figure("money"), "person %d: money", person)
	}

	// A central administrator acts for Thái Nguyên: the overview counts the
	// nominations of units in Thái Nguyên today, Bắc Kạn's included.
	p := s.as(t, Central)
	p.open(t, "/")
	p.fill(t, "#actfor-province", "units/thai-nguyen")
	p.submit(t, `.actfor button[type="submit"]`)
	assert.Equal(t, "units/thai-nguyen", eval[string](t, p, `document.querySelector('#actfor-province').value`))
	proposer := map[string]string{}
	for _, b := range s.listAll(t, Central, "/v1/batches", "batches") {
		proposer[b["name"].(string)] = b["proposer"].(string)
	}
	want := 0
	for _, n := range s.listAll(t, Central, "/v1/batches/-/nominations", "nominations") {
		batch := strings.Join(strings.SplitN(n["name"].(string), "/", 3)[:2], "/")
		if s.provinceNow(t, proposer[batch]) == "units/thai-nguyen" {
			want++
		}
	}
	require.NotZero(t, want)
	assert.Equal(t, num(want), p.text(t, `[data-figure="nominations"]`), "acting for Thái Nguyên")
	p.screenshot(t, "overview-province")

	// On a phone, the page fits the screen (check fails a page wider than
	// the window).
	p.phone(t)
	p.open(t, "/")
}

// provinceNow is the province a unit belongs to today, read from the
// API: its province (or itself), followed to the unit that succeeded it.
func (s *site) provinceNow(t *testing.T, unit string) string {
	t.Helper()
	var u struct{ Name, Level, Province, Current string }
	s.api(t, Central, "/v1/"+unit, &u)
	p := u.Province
	if u.Level == "UNIT_LEVEL_PROVINCE" {
		p = u.Name
	}
	var pu struct{ Current string }
	s.api(t, Central, "/v1/"+p, &pu)
	if pu.Current != "" {
		return pu.Current
	}
	return p
}

// listAll reads every page of a list from the API as person and returns
// the items under field.
func (s *site) listAll(t *testing.T, person int, path, field string) []map[string]any {
	t.Helper()
	var all []map[string]any
	token := ""
	for {
		u := path
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + "pageSize=1000"
		if token != "" {
			u += "&pageToken=" + url.QueryEscape(token)
		}
		var page map[string]any
		s.api(t, person, u, &page)
		for _, it := range asList(page[field]) {
			all = append(all, it.(map[string]any))
		}
		token, _ = page["nextPageToken"].(string)
		if token == "" {
			return all
		}
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

// num is n as the dashboard shows it in Vietnamese: 1.234.567.
func num(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}
