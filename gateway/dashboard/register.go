package dashboard

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

func init() {
	route("GET /register", registerPage)
	route("GET /register.xlsx", registerExport)
	translate(map[string]string{
		"Tìm theo tên":                     "Search by name",
		"Tỉnh, thành phố":                  "Province",
		"Danh hiệu, hình thức khen thưởng": "Award",
		"Tất cả":                           "All",
		"Năm":                              "Year",
		"Cơ quan quyết định":               "Deciding authority",
		"Xem":                              "Show",
		"Tải về XLSX":                      "Download XLSX",
		"Người, tập thể được khen":         "Recipient",
		"Ngày quyết định":                  "Decision date",
		"Quyết định":                       "Decision",
		"Tiền thưởng":                      "Reward",
		"Trạng thái":                       "State",
		"Đang hiệu lực":                    "In force",
		"Đã thu hồi":                       "Revoked",
		"Số khen thưởng tìm thấy":          "Honours found",
		"Không có khen thưởng nào khớp với bộ lọc.": "No honour matches these filters.",
		"Trang đầu":               "First page",
		"Trang sau":               "Next page",
		"Trang":                   "Page",
		"Phân trang":              "Pages",
		"Danh sách khen thưởng":   "Honours",
		"Lịch sử khen thưởng của": "Honours history of",
		"Số thứ tự":               "No.",
		"Tiền thưởng (đồng)":      "Reward (VND)",
		"Chỉ xuất %d dòng đầu tiên; hãy thu hẹp bộ lọc để xuất hết.": "Only the first %d rows were exported; narrow the filters to export them all.",
	})
}

// registerFilter is the register's filters, as in the URL: q (words of
// the recipient's name, accents optional), province, award, year,
// authority.
type registerFilter struct {
	Query, Province, AwardType, Authority string
	Year                                  int
}

var awardTypeName = regexp.MustCompile(`^awardTypes/[A-Z0-9_]{1,32}$`)

// registerFilterOf reads the filters from the URL; a bad value is the
// person's mistake, naming the field.
func registerFilterOf(q *req) (registerFilter, error) {
	var f registerFilter
	var err error
	if f.Query, err = q.queryParam("q"); err != nil {
		return f, err
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
	if f.AwardType = q.r.URL.Query().Get("award"); f.AwardType != "" && !awardTypeName.MatchString(f.AwardType) {
		return f, fieldError{"award", "must be an award type such as awardTypes/BK_TINH"}
	}
	if f.Year, err = q.intParam("year", 0, 1945, 2200); err != nil {
		return f, err
	}
	return f, nil
}

// request is the ListHonours request of the filters.
func (f registerFilter) request() *honoursv1.ListHonoursRequest {
	return &honoursv1.ListHonoursRequest{Query: f.Query, Province: f.Province, AwardType: f.AwardType,
		Authority: f.Authority, YearFrom: int32(f.Year), YearTo: int32(f.Year)}
}

// values are the filters as URL query values.
func (f registerFilter) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Query, "province": f.Province, "award": f.AwardType, "authority": f.Authority} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Year != 0 {
		v.Set("year", strconv.Itoa(f.Year))
	}
	return v
}

// registerData is the register page.
type registerData struct {
	Filter      registerFilter
	AwardTypes  []choiceOf
	Authorities []choiceOf
	Rows        []honourRow
	Total       int64
	Page        int
	First, Next string // links to the first and the next page ("" for none)
	Export      string
}

// choiceOf is a choice of a select.

// honourRow is an honour as the tables show it.
type honourRow struct {
	H                              *honoursv1.Honour
	Who, Unit, Award, Authority    string
	History, Decision, DecisionURL string
	Year                           int32
	Revoked                        bool
}

// labeler has the display names the tables need: award types and units.
type labeler struct {
	awards map[string]string
	units  map[string]*blocsv1.Unit
}

// honourNames reads the names the honours refer to.
func (q *req) honourNames(hs []*honoursv1.Honour, awards map[string]string) (labeler, error) {
	var us []string
	for _, h := range hs {
		us = append(us, h.GetAuthority())
		if u := h.GetRecipient().GetUnit(); u != "" {
			us = append(us, u)
		}
		if u := h.GetRecipient().GetCommune(); u != "" {
			us = append(us, u)
		}
	}
	units, err := q.units(nonEmpty(us))
	return labeler{awards: awards, units: units}, err
}

// honourRows are the table rows of honours.
func (n labeler) honourRows(hs []*honoursv1.Honour) []honourRow {
	rows := make([]honourRow, 0, len(hs))
	for _, h := range hs {
		r := honourRow{H: h, Who: recipientName(h.GetRecipient(), n.units), Award: n.award(h.GetAwardType()),
			Authority: n.unit(h.GetAuthority()), Decision: h.GetDecisionNumber(), Year: h.GetConferredOn().GetYear(),
			Revoked: h.GetState() == honoursv1.HonourState_HONOUR_STATE_REVOKED}
		if rc := h.GetRecipient(); rc.GetKind() != typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE {
			r.Unit = n.unit(rc.GetUnit())
		}
		if k := h.GetRecipient().GetRecipientKey(); k != "" {
			r.History = "/people/" + url.PathEscape(k)
		}
		if d := h.GetDecision(); strings.HasPrefix(d, "decisions/") {
			r.DecisionURL = "/" + d
		}
		rows = append(rows, r)
	}
	return rows
}

func (n labeler) award(name string) string {
	if s, ok := n.awards[name]; ok {
		return s
	}
	return strings.TrimPrefix(name, "awardTypes/")
}

func (n labeler) unit(name string) string {
	if u, ok := n.units[name]; ok {
		return u.GetDisplayName()
	}
	return name
}

// recipientName is who holds an honour: a person's or a household head's
// name, or the collective's unit.
func recipientName(r *typev1.Recipient, units map[string]*blocsv1.Unit) string {
	switch {
	case r.GetFullName() != "":
		return r.GetFullName()
	case r.GetHeadName() != "":
		return r.GetHeadName()
	}
	if u, ok := units[r.GetUnit()]; ok {
		return u.GetDisplayName()
	}
	return r.GetUnit()
}

// registerPageSize is how many honours a page of the register shows.
const registerPageSize = 50

// registerPage is the honours register: search, filters, one page of
// honours with the total.
func registerPage(q *req) error {
	f, err := registerFilterOf(q)
	if err != nil {
		return err
	}
	page, err := q.intParam("n", 1, 1, 1<<20)
	if err != nil {
		return err
	}
	in := f.request()
	in.PageSize = registerPageSize
	in.PageToken = q.r.URL.Query().Get("page")
	if len(in.PageToken) > 4096 {
		return fieldError{"page", "is not a page of this list"}
	}
	resp, err := q.d.clients.Honours.ListHonours(q.ctx, in)
	if err != nil {
		return err
	}
	opts, awards, err := q.awardTypes(false)
	if err != nil {
		return err
	}
	auths, err := q.authorityOptions(f.Authority)
	if err != nil {
		return err
	}
	n, err := q.honourNames(resp.GetHonours(), awards)
	if err != nil {
		return err
	}
	data := registerData{Filter: f, AwardTypes: opts, Authorities: auths, Rows: n.honourRows(resp.GetHonours()),
		Total: int64(resp.GetTotalSize()), Page: page}
	v := f.values()
	data.Export = "/register.xlsx"
	if len(v) > 0 {
		data.Export += "?" + v.Encode()
	}
	if in.PageToken != "" {
		data.First = "/register"
		if len(v) > 0 {
			data.First += "?" + v.Encode()
		}
	}
	if t := resp.GetNextPageToken(); t != "" {
		v.Set("page", t)
		v.Set("n", strconv.Itoa(page+1))
		data.Next = "/register?" + v.Encode()
	}
	return q.render("register", "Sổ khen thưởng", data)
}

// authorityOptions are the deciding authorities of the honours the person
// may see (from the statistics by authority), in Vietnamese order, with
// the one chosen even if it has none.
func (q *req) authorityOptions(chosen string) ([]choiceOf, error) {
	st, err := q.d.clients.Honours.GetStatistics(q.ctx, &honoursv1.GetStatisticsRequest{GroupBy: []string{"authority"}})
	if err != nil {
		return nil, err
	}
	var us []string
	for _, r := range st.GetRows() {
		if r.GetAuthority() != "" {
			us = append(us, r.GetAuthority())
		}
	}
	if chosen != "" {
		us = append(us, chosen)
	}
	units, err := q.units(us)
	if err != nil {
		return nil, err
	}
	var opts []choiceOf
	seen := map[string]bool{}
	for _, u := range us {
		if !seen[u] {
			seen[u] = true
			opts = append(opts, choiceOf{u, labeler{units: units}.unit(u)})
		}
	}
	sortVi(opts, func(o choiceOf) string { return o.Label })
	return opts, nil
}
