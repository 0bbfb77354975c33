package dashboard

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

func init() {
	route("GET /statistics", statisticsPage)
	route("GET /statistics.xlsx", statisticsExport)
	translate(map[string]string{
		"Nhóm theo":                    "Group by",
		"Loại khen thưởng":             "Award type",
		"Từ năm":                       "From year",
		"Đến năm":                      "To year",
		"Số khen thưởng đang hiệu lực": "Honours in force",
		"Số lượng":                     "Count",
		"Số lượng theo nhóm":           "Count by group",
		"Tiền thưởng theo nhóm":        "Reward by group",
		"Bảng số liệu":                 "Table of figures",
		"Nhóm":                         "Group",
		"Không có khen thưởng nào.":    "No honour.",
		"Trung ương, bộ, ngành":        "Central level, ministries",
		"Biểu đồ cột: số lượng khen thưởng theo nhóm":        "Bar chart: number of honours by group",
		"Biểu đồ cột: tiền thưởng theo nhóm":                 "Bar chart: reward by group",
		"Biểu đồ chỉ hiện %d nhóm đầu; bảng có đủ các nhóm.": "The chart shows the first %d groups; the table has them all.",
		"Thống kê khen thưởng":                               "Honours statistics",
	})
}

// statDims are the dimensions one may group by, in the order offered.
var statDims = []struct{ Key, Label string }{
	{"award_type", "Loại khen thưởng"},
	{"year", "Năm"},
	{"province", "Tỉnh, thành phố"},
	{"authority", "Cơ quan quyết định"},
}

// statsFilter is the statistics' grouping and filters, as in the URL: by
// (repeated), award, province, authority, from, to.
type statsFilter struct {
	By                             []string
	AwardType, Province, Authority string
	From, To                       int
}

func statsFilterOf(q *req) (statsFilter, error) {
	var f statsFilter
	var err error
	for _, b := range q.r.URL.Query()["by"] {
		if !slices.ContainsFunc(statDims, func(d struct{ Key, Label string }) bool { return d.Key == b }) {
			return f, fieldError{"by", "must be award_type, year, province or authority"}
		}
		if !slices.Contains(f.By, b) {
			f.By = append(f.By, b)
		}
	}
	if len(f.By) == 0 {
		f.By = []string{"award_type"}
	}
	if f.AwardType = q.r.URL.Query().Get("award"); f.AwardType != "" && !awardTypeName.MatchString(f.AwardType) {
		return f, fieldError{"award", "must be an award type such as awardTypes/BK_TINH"}
	}
	if f.Province, err = q.unitParam("province"); err != nil {
		return f, err
	}
	if f.Province == "" && !q.r.URL.Query().Has("province") {
		f.Province = q.ActFor() // a central officer starts from the province they act for
	}
	if f.Authority, err = q.unitParam("authority"); err != nil {
		return f, err
	}
	if f.From, err = q.intParam("from", 0, 1945, 2200); err != nil {
		return f, err
	}
	if f.To, err = q.intParam("to", 0, 1945, 2200); err != nil {
		return f, err
	}
	if f.From != 0 && f.To != 0 && f.To < f.From {
		return f, fieldError{"to", "must not be before from"}
	}
	return f, nil
}

// Groups reports whether the statistics are grouped by dim.
func (f statsFilter) Groups(dim string) bool { return slices.Contains(f.By, dim) }

func (f statsFilter) values() url.Values {
	v := url.Values{"by": f.By}
	for k, s := range map[string]string{"award": f.AwardType, "province": f.Province, "authority": f.Authority} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.From != 0 {
		v.Set("from", strconv.Itoa(f.From))
	}
	if f.To != 0 {
		v.Set("to", strconv.Itoa(f.To))
	}
	return v
}

// statRow is a group of the statistics, with a label per dimension.
type statRow struct {
	Labels []string
	Year   int32 // for sorting, when grouped by year
	Count  int64
	Money  int64
}

// Label is the group's name: its labels joined.
func (r statRow) Label() string { return strings.Join(r.Labels, " · ") }

// statsData is the statistics page.
type statsData struct {
	Filter      statsFilter
	Dims        []choiceOf // the dimensions offered
	Headers     []string   // the table's group columns
	AwardTypes  []choiceOf
	Authorities []choiceOf
	Rows        []statRow
	Total       statRow
	CountChart  svgChart
	MoneyChart  svgChart
	Export      string
}

// statistics reads the statistics of f and labels and sorts their rows:
// years ascending, names in Vietnamese order, dimension by dimension.
func (q *req) statistics(f statsFilter) (statsData, error) {
	data := statsData{Filter: f}
	st, err := q.d.clients.Honours.GetStatistics(q.ctx, &honoursv1.GetStatisticsRequest{GroupBy: f.By,
		AwardType: f.AwardType, Province: f.Province, Authority: f.Authority, YearFrom: int32(f.From), YearTo: int32(f.To)})
	if err != nil {
		return data, err
	}
	opts, awards, err := q.awardTypes(false)
	if err != nil {
		return data, err
	}
	data.AwardTypes = opts
	var us []string
	for _, r := range st.GetRows() {
		us = append(us, r.GetProvince(), r.GetAuthority())
	}
	units, err := q.units(nonEmpty(us))
	if err != nil {
		return data, err
	}
	n := labeler{awards: awards, units: units}
	for _, d := range statDims {
		data.Dims = append(data.Dims, choiceOf{d.Key, q.T(d.Label)})
	}
	for _, b := range f.By {
		for _, d := range statDims {
			if d.Key == b {
				data.Headers = append(data.Headers, q.T(d.Label))
			}
		}
	}
	for _, r := range st.GetRows() {
		row := statRow{Year: r.GetYear(), Count: r.GetCount(), Money: r.GetRewardVnd()}
		for _, b := range f.By {
			switch b {
			case "award_type":
				row.Labels = append(row.Labels, n.award(r.GetAwardType()))
			case "year":
				row.Labels = append(row.Labels, itoa32(r.GetYear()))
			case "province":
				row.Labels = append(row.Labels, q.unitLabel(r.GetProvince(), units))
			case "authority":
				row.Labels = append(row.Labels, q.unitLabel(r.GetAuthority(), units))
			}
		}
		data.Rows = append(data.Rows, row)
	}
	slices.SortStableFunc(data.Rows, func(a, b statRow) int {
		for i, dim := range f.By {
			if dim == "year" {
				if c := int(a.Year) - int(b.Year); c != 0 {
					return c
				}
				continue
			}
			if c := vnfold.Compare(a.Labels[i], b.Labels[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	data.Total = statRow{Count: st.GetTotalCount(), Money: st.GetTotalRewardVnd()}
	return data, nil
}

// statisticsPage shows the statistics grouped as asked, as bar charts and
// as a table of the same figures.
func statisticsPage(q *req) error {
	f, err := statsFilterOf(q)
	if err != nil {
		return err
	}
	data, err := q.statistics(f)
	if err != nil {
		return err
	}
	if data.Authorities, err = q.authorityOptions(f.Authority); err != nil {
		return err
	}
	data.CountChart = q.barChart(q.T("Biểu đồ cột: số lượng khen thưởng theo nhóm"), data.Rows, func(r statRow) (int64, string) { return r.Count, q.Num(r.Count) })
	data.MoneyChart = q.barChart(q.T("Biểu đồ cột: tiền thưởng theo nhóm"), data.Rows, func(r statRow) (int64, string) { return r.Money, q.Money(r.Money) })
	data.Export = "/statistics.xlsx?" + f.values().Encode()
	return q.render("statistics", "Thống kê", data)
}

// statisticsExport answers the statistics' table as an XLSX workbook.
func statisticsExport(q *req) error {
	f, err := statsFilterOf(q)
	if err != nil {
		return err
	}
	data, err := q.statistics(f)
	if err != nil {
		return err
	}
	s := xlsxSheet{Name: q.T("Thống kê"), Headers: append(slices.Clone(data.Headers), q.T("Số lượng"), q.T("Tiền thưởng (đồng)"))}
	for _, r := range data.Rows {
		row := make([]any, 0, len(r.Labels)+2)
		for i, l := range r.Labels {
			if f.By[i] == "year" {
				row = append(row, int(r.Year))
			} else {
				row = append(row, l)
			}
		}
		s.Rows = append(s.Rows, append(row, r.Count, r.Money))
	}
	total := make([]any, len(data.Headers))
	total[0] = q.T("Tổng")
	s.Rows = append(s.Rows, append(total, data.Total.Count, data.Total.Money))
	return q.writeXLSX("thong-ke-khen-thuong-"+q.d.now().In(vietnam).Format("20060102")+".xlsx", s)
}

// svgChart is a horizontal bar chart drawn as SVG by the template.
type svgChart struct {
	Label         string // the aria-label and title
	Width, Height int
	Bars          []svgBar
	Note          string // set when not every row is drawn
}

// svgBar is one bar: its label at the left, the bar, the figure at its end.
type svgBar struct {
	Label, Figure   string
	Y, Width, TextY int
	FigureX         int
}

// Chart geometry, in SVG units.
const (
	chartLabelWidth = 260
	chartBarMax     = 440
	chartRow        = 24
	chartMaxBars    = 40
)

// barChart lays out rows as bars of value, at most chartMaxBars.
func (q *req) barChart(label string, rows []statRow, value func(statRow) (int64, string)) svgChart {
	c := svgChart{Label: label, Width: chartLabelWidth + chartBarMax + 140}
	if len(rows) > chartMaxBars {
		c.Note = fmt.Sprintf(q.T("Biểu đồ chỉ hiện %d nhóm đầu; bảng có đủ các nhóm."), chartMaxBars)
		rows = rows[:chartMaxBars]
	}
	var max int64
	for _, r := range rows {
		v, _ := value(r)
		max = maxInt64(max, v)
	}
	for i, r := range rows {
		v, fig := value(r)
		w := 0
		if max > 0 {
			w = int(v * chartBarMax / max)
		}
		if v > 0 && w == 0 {
			w = 1
		}
		l := r.Label()
		if rs := []rune(l); len(rs) > 40 {
			l = string(rs[:39]) + "…"
		}
		c.Bars = append(c.Bars, svgBar{Label: l, Figure: fig, Y: i*chartRow + 4, Width: w, TextY: i*chartRow + 18,
			FigureX: chartLabelWidth + w + 6})
	}
	c.Height = len(rows)*chartRow + 8
	return c
}

func maxInt64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
