package browsertest

import (
	"bytes"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

func init() { register("statistics", testStatistics) }

// statsAPI is the API's statistics.
type statsAPI struct {
	Rows []struct {
		AwardType string `json:"awardType"`
		Year      int    `json:"year"`
		Province  string `json:"province"`
		Authority string `json:"authority"`
		Count     string `json:"count"`
		RewardVnd string `json:"rewardVnd"`
	} `json:"rows"`
	TotalCount     string `json:"totalCount"`
	TotalRewardVnd string `json:"totalRewardVnd"`
}

// testStatistics checks the statistics' totals and rows against the
// API's for the same grouping and filters.
func testStatistics(t *testing.T, s *site) {
	cases := []struct{ page, api string }{
		{"by=award_type", "groupBy=award_type"},
		{"by=year", "groupBy=year"},
		{"by=province", "groupBy=province"},
		{"by=authority", "groupBy=authority"},
		{"by=year&province=units%2Fthai-nguyen&from=2020&to=2025", "groupBy=year&province=units%2Fthai-nguyen&yearFrom=2020&yearTo=2025"},
		{"by=award_type&by=year&authority=units%2Fbac-kan", "groupBy=award_type&groupBy=year&authority=units%2Fbac-kan"},
	}
	for _, person := range []int{Officer, Anonymous} {
		p := s.as(t, person)
		for i, c := range cases {
			p.open(t, "/statistics?"+c.page)
			if person == Officer && i == 1 {
				p.screenshot(t, "statistics")
			}
			var api statsAPI
			s.api(t, person, "/v1/honours:statistics?"+c.api, &api)
			figure := func(name string) string { return p.text(t, `[data-figure="`+name+`"]`) }
			assert.Equal(t, num(atoi(t, api.TotalCount)), figure("total-count"), "person %d %s: count", person, c.page)
			assert.Equal(t, num(atoi(t, api.TotalRewardVnd))+" đ", figure("total-money"), "person %d %s: money", person, c.page)
			assert.Equal(t, num(atoi(t, api.TotalCount)), figure("table-count"), "person %d %s: table total", person, c.page)
			counts := p.texts(t, `#stats-table tbody [data-figure="count"]`)
			require.Len(t, counts, len(api.Rows), "person %d %s: rows", person, c.page)
			var want, got []string
			for j, r := range api.Rows {
				want = append(want, num(atoi(t, r.Count)))
				got = append(got, counts[j])
			}
			slices.Sort(want)
			slices.Sort(got)
			assert.Equal(t, want, got, "person %d %s: row counts", person, c.page)
			if c.page == "by=year" { // years ascending, row by row
				labels := p.texts(t, "#stats-table tbody th")
				for j, r := range api.Rows {
					assert.Equal(t, strconv.Itoa(r.Year), labels[j], "year row %d", j)
					assert.Equal(t, num(atoi(t, r.Count)), counts[j], "year %d", r.Year)
				}
			}
			assert.Equal(t, 2, len(p.texts(t, `svg.chart[role="img"][aria-label] title`)), "two charts with a title")
		}
		// The export has the same table: a header, the rows, the total.
		f := regGet(t, p, "/statistics.xlsx?by=year")
		assert.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f.ContentType)
		x, err := excelize.OpenReader(bytes.NewReader(f.Body))
		require.NoError(t, err)
		rows, err := x.GetRows(x.GetSheetName(0), excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		var api statsAPI
		s.api(t, person, "/v1/honours:statistics?groupBy=year", &api)
		require.Len(t, rows, len(api.Rows)+2, "person %d: the export's rows", person)
		for j, r := range api.Rows {
			assert.Equal(t, strconv.Itoa(r.Year), rows[j+1][0])
		}
		assert.Equal(t, strconv.Itoa(atoi(t, api.TotalCount)), rows[len(rows)-1][1], "person %d: the export's total", person)

		p.open(t, "/statistics?by=nothing")
		assert.Equal(t, 400, p.status(t), "a bad grouping is the person's mistake")
	}
}
