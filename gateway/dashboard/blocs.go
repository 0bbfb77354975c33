package dashboard

import (
	"slices"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
)

func init() {
	route("GET /blocs", blocsPage)
	route("GET /blocs/{g}", blocPage)
	translate(map[string]string{
		"Khối thi đua":               "Bloc",
		"Cụm thi đua":                "Cluster",
		"Khối và cụm":                "Blocs and clusters",
		"Loại":                       "Kind",
		"Tìm theo tên":               "Search by name",
		"Năm có thành viên":          "Year with members",
		"Tình trạng":                 "State",
		"Tất cả":                     "All",
		"Đang hoạt động":             "Active",
		"Đã lưu trữ":                 "Archived",
		"Xem":                        "Show",
		"Tên":                        "Name",
		"Đơn vị tổ chức":             "Organizer",
		"Số khối, cụm":               "Number of groups",
		"Không có khối, cụm nào.":    "No group matches.",
		"Thành viên qua các thời kỳ": "Members over time",
		"Số lượt thành viên":         "Memberships",
		"Đang là thành viên":         "Current members",
		"Đơn vị thành viên":          "Member unit",
		"Từ ngày":                    "From",
		"Đến ngày":                   "Until",
		"nay":                        "now",
		"Thời gian là thành viên của từng đơn vị": "Each unit's membership over time",
		"Luân phiên trưởng, phó khối, cụm":        "Rotation of heads and deputies",
		"Năm":                   "Year",
		"Trưởng":                "Head",
		"Phó":                   "Deputy",
		"Chưa có nhiệm kỳ nào.": "No term recorded.",
		"Giao ước thi đua":      "Covenants",
		"Chưa có giao ước nào.": "No covenant recorded.",
		"Ngày ký":               "Signed on",
		"Số đơn vị ký":          "Signatories",
		"Số tiêu chí":           "Criteria",
		"Điểm tối đa":           "Maximum points",
		"Số Bằng khen đề nghị":  "Certificates proposed",
		"Năm của giao ước":      "Covenant year",
		"Tiêu chí giao ước năm": "Criteria of the covenant of",
		"Tiêu chí":              "Criterion",
		"Chấm điểm năm":         "Scores of",
		"Điểm":                  "Points",
		"Tổng điểm":             "Total",
		"Tỷ lệ nữ":              "Share of women",
		"Người chấm":            "Submitted by",
		"Chưa có điểm nào.":     "No score yet.",
		"Xếp hạng và đề nghị khen thưởng năm": "Ranking and proposals of",
		"Hạng":           "Rank",
		"Nữ từ 70%":      "At least 70% women",
		"Có":             "Yes",
		"Không":          "No",
		"Đề nghị":        "Proposal",
		"Cờ thi đua":     "Emulation flag",
		"Bằng khen":      "Certificate of merit",
		"Không đề nghị":  "None",
		"Chưa chấm điểm": "Not scored",
		"Mô tả":          "Description",
		"Số nhiệm kỳ":    "Terms",
		"Xếp hạng":       "Ranking",
		"Không có":       "None",
	})
}

var groupKinds = map[string]blocsv1.GroupKind{"bloc": blocsv1.GroupKind_GROUP_KIND_BLOC, "cluster": blocsv1.GroupKind_GROUP_KIND_CLUSTER}

var groupStates = map[string]blocsv1.GroupState{"active": blocsv1.GroupState_GROUP_STATE_ACTIVE, "archived": blocsv1.GroupState_GROUP_STATE_ARCHIVED}

// GroupKind is the name of a group's kind in the page's language.
func (q *req) GroupKind(k blocsv1.GroupKind) string {
	switch k {
	case blocsv1.GroupKind_GROUP_KIND_BLOC:
		return q.T("Khối thi đua")
	case blocsv1.GroupKind_GROUP_KIND_CLUSTER:
		return q.T("Cụm thi đua")
	}
	return ""
}

// GroupState is the name of a group's state in the page's language.
func (q *req) GroupState(s blocsv1.GroupState) string {
	if s == blocsv1.GroupState_GROUP_STATE_ARCHIVED {
		return q.T("Đã lưu trữ")
	}
	return q.T("Đang hoạt động")
}

// blocsData is the list of blocs and clusters. Filters (in the URL):
// kind, state, year, query.
type blocsData struct {
	Kinds, States []choice
	Query         string
	Year          int
	Groups        []listedGroup
}

// listedGroup is a group with its organizer's name.
type listedGroup struct {
	G         *blocsv1.Group
	Organizer string
}

// Link is the group's page.
func (g listedGroup) Link() string { return "/blocs/" + strings.TrimPrefix(g.G.GetName(), "groups/") }

func blocsPage(q *req) error {
	kind, k, err := enumParam(q, "kind", groupKinds)
	if err != nil {
		return err
	}
	state, s, err := enumParam(q, "state", groupStates)
	if err != nil {
		return err
	}
	year, err := q.intParam("year", 0, 1945, 2200)
	if err != nil {
		return err
	}
	query, err := q.queryParam("query")
	if err != nil {
		return err
	}
	groups, err := allPages(func(token string) ([]*blocsv1.Group, string, error) {
		resp, err := q.d.clients.Blocs.ListGroups(q.ctx, &blocsv1.ListGroupsRequest{PageSize: 1000, PageToken: token,
			Kind: k, State: s, Year: int32(year), Query: query})
		return resp.GetGroups(), resp.GetNextPageToken(), err
	})
	if err != nil {
		return err
	}
	var names []string
	for _, g := range groups {
		names = append(names, g.GetOrganizer())
	}
	units, err := q.unitsKnown(names)
	if err != nil {
		return err
	}
	data := blocsData{Query: query, Year: year,
		Kinds:  q.choices(kind, "Tất cả", [][2]string{{"bloc", "Khối thi đua"}, {"cluster", "Cụm thi đua"}}),
		States: q.choices(state, "Tất cả", [][2]string{{"active", "Đang hoạt động"}, {"archived", "Đã lưu trữ"}})}
	for _, g := range groups {
		data.Groups = append(data.Groups, listedGroup{g, unitDisplay(units, g.GetOrganizer())})
	}
	sortVi(data.Groups, func(g listedGroup) string { return g.G.GetDisplayName() })
	return q.render("blocs", "Khối, cụm thi đua", data)
}

// unitsKnown is q.units without empty names.
func (q *req) unitsKnown(names []string) (map[string]*blocsv1.Unit, error) {
	names = slices.DeleteFunc(slices.Clone(names), func(s string) bool { return s == "" })
	if len(names) == 0 {
		return map[string]*blocsv1.Unit{}, nil
	}
	return q.units(names)
}

// unitDisplay is the display name of the unit name from units, or name.
func unitDisplay(units map[string]*blocsv1.Unit, name string) string {
	if u, ok := units[name]; ok && u.GetDisplayName() != "" {
		return u.GetDisplayName()
	}
	return name
}

// blocData is a group's page: its members over time, the rotation of
// its heads and deputies, its covenants, and the scores and ranking of
// the covenant of Year (the newest, unless the URL names one).
type blocData struct {
	G         *blocsv1.Group
	Organizer string
	Members   []memberRow
	Current   int
	Timeline  memberTimeline
	Terms     []termRow
	Covenants []*blocsv1.Covenant
	Years     []choice
	Year      int32
	Covenant  *blocsv1.Covenant
	Scores    []scoreRow
	Ranking   []rankRow
	Unscored  []string
	Proposed  map[string]int
}

// Link is the group's page.
func (d blocData) Link() string { return "/blocs/" + strings.TrimPrefix(d.G.GetName(), "groups/") }

// memberRow is one membership.
type memberRow struct {
	M    *blocsv1.Membership
	Unit string
}

// termRow is the head and deputy of a year.
type termRow struct {
	Year         int32
	Head, Deputy string
}

// scoreRow is a member's score, with its points in the covenant's order
// of criteria.
type scoreRow struct {
	S      *blocsv1.Score
	Unit   string
	Points []float64
}

// rankRow is a member's place in the ranking.
type rankRow struct {
	E    *blocsv1.RankingEntry
	Unit string
}

func blocPage(q *req) error {
	id, err := q.pathID("g")
	if err != nil {
		return err
	}
	name := "groups/" + id
	g, err := q.d.clients.Blocs.GetGroup(q.ctx, &blocsv1.GetGroupRequest{Name: name})
	if err != nil {
		return err
	}
	members, err := allPages(func(token string) ([]*blocsv1.Membership, string, error) {
		resp, err := q.d.clients.Blocs.ListMemberships(q.ctx, &blocsv1.ListMembershipsRequest{Parent: name, PageSize: 1000, PageToken: token})
		return resp.GetMemberships(), resp.GetNextPageToken(), err
	})
	if err != nil {
		return err
	}
	terms, err := allPages(func(token string) ([]*blocsv1.Term, string, error) {
		resp, err := q.d.clients.Blocs.ListTerms(q.ctx, &blocsv1.ListTermsRequest{Parent: name, PageSize: 1000, PageToken: token})
		return resp.GetTerms(), resp.GetNextPageToken(), err
	})
	if err != nil {
		return err
	}
	covenants, err := q.covenants(name, members, terms)
	if err != nil {
		return err
	}
	names := []string{g.GetOrganizer()}
	for _, m := range members {
		names = append(names, m.GetUnit())
	}
	for _, t := range terms {
		names = append(names, t.GetHead(), t.GetDeputy())
	}
	units, err := q.unitsKnown(names)
	if err != nil {
		return err
	}
	data := blocData{G: g, Organizer: unitDisplay(units, g.GetOrganizer()), Covenants: covenants}
	today := q.d.now().In(vietnam)
	for _, m := range members {
		label := unitDisplay(units, m.GetUnit())
		if label == m.GetUnit() && m.GetUnitDisplayName() != "" {
			label = m.GetUnitDisplayName()
		}
		data.Members = append(data.Members, memberRow{m, label})
		if m.GetLeftOn() == nil || m.GetLeftOn().GetYear() == 0 {
			data.Current++
		}
	}
	sortVi(data.Members, func(m memberRow) string { return m.Unit })
	data.Timeline = newMemberTimeline(q, data.Members, today.Year())
	for _, t := range terms {
		data.Terms = append(data.Terms, termRow{t.GetYear(), unitDisplay(units, t.GetHead()), unitDisplay(units, t.GetDeputy())})
	}
	if err := q.covenantYear(&data); err != nil {
		return err
	}
	return q.render("blocs_group", g.GetDisplayName(), data)
}

// covenants are a group's covenants, newest first: the service lists
// none, so each year of the group's life (its memberships and terms, up
// to this year) is asked for.
func (q *req) covenants(group string, members []*blocsv1.Membership, terms []*blocsv1.Term) ([]*blocsv1.Covenant, error) {
	now := int32(q.d.now().In(vietnam).Year())
	first, last := int32(0), int32(0)
	widen := func(y int32) {
		if y == 0 {
			return
		}
		if first == 0 || y < first {
			first = y
		}
		if y > last {
			last = y
		}
	}
	for _, m := range members {
		widen(m.GetJoinedOn().GetYear())
		if l := m.GetLeftOn(); l != nil && l.GetYear() != 0 {
			widen(l.GetYear())
		} else {
			widen(now)
		}
	}
	for _, t := range terms {
		widen(t.GetYear())
	}
	if first < now-30 {
		first = now - 30 // a screen, not an archive: the last thirty years
	}
	var out []*blocsv1.Covenant
	for y := last; y >= first && y > 0; y-- {
		c, err := q.d.clients.Blocs.GetCovenant(q.ctx, &blocsv1.GetCovenantRequest{Name: group + "/covenants/" + strconv.Itoa(int(y))})
		if isCode(err, codes.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// covenantYear fills in the covenant of the year the URL names (the
// newest by default): its scores and its ranking.
func (q *req) covenantYear(data *blocData) error {
	if len(data.Covenants) == 0 {
		return nil
	}
	year, err := q.intParam("year", int(data.Covenants[0].GetYear()), 1945, 2200)
	if err != nil {
		return err
	}
	for _, c := range data.Covenants {
		y := strconv.Itoa(int(c.GetYear()))
		data.Years = append(data.Years, choice{y, y, int(c.GetYear()) == year})
		if int(c.GetYear()) == year {
			data.Covenant = c
		}
	}
	if data.Covenant == nil {
		return fieldError{"year", "the group has no covenant that year"}
	}
	data.Year = data.Covenant.GetYear()
	cov := data.Covenant.GetName()
	scores, err := allPages(func(token string) ([]*blocsv1.Score, string, error) {
		resp, err := q.d.clients.Blocs.ListScores(q.ctx, &blocsv1.ListScoresRequest{Parent: cov, PageSize: 1000, PageToken: token})
		return resp.GetScores(), resp.GetNextPageToken(), err
	})
	if err != nil {
		return err
	}
	ranking, err := q.d.clients.Blocs.GetRanking(q.ctx, &blocsv1.GetRankingRequest{Name: cov + "/ranking"})
	if err != nil {
		return err
	}
	var names []string
	for _, s := range scores {
		names = append(names, s.GetUnit())
	}
	names = append(names, ranking.GetUnscored()...)
	units, err := q.unitsKnown(names)
	if err != nil {
		return err
	}
	for _, s := range scores {
		row := scoreRow{S: s, Unit: unitDisplay(units, s.GetUnit())}
		for _, c := range data.Covenant.GetCriteria() {
			row.Points = append(row.Points, s.GetPoints()[c.GetId()])
		}
		data.Scores = append(data.Scores, row)
	}
	sortVi(data.Scores, func(s scoreRow) string { return s.Unit })
	for _, e := range ranking.GetEntries() {
		label := e.GetUnitDisplayName()
		if label == "" {
			label = unitDisplay(units, e.GetUnit())
		}
		data.Ranking = append(data.Ranking, rankRow{e, label})
	}
	for _, u := range ranking.GetUnscored() {
		data.Unscored = append(data.Unscored, unitDisplay(units, u))
	}
	sortVi(data.Unscored, func(s string) string { return s })
	data.Proposed = map[string]int{}
	for _, e := range ranking.GetEntries() {
		data.Proposed[e.GetProposal().String()]++
	}
	return nil
}

// Proposal is what a ranking proposes, in the page's language.
func (q *req) Proposal(p blocsv1.Proposal) string {
	switch p {
	case blocsv1.Proposal_PROPOSAL_FLAG:
		return q.T("Cờ thi đua")
	case blocsv1.Proposal_PROPOSAL_CERTIFICATE:
		return q.T("Bằng khen")
	}
	return q.T("Không đề nghị")
}

// Points shows points with at most two decimals, the Vietnamese way
// (decimal comma) or the English one.
func (q *req) Points(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s) > i+3 {
		s = strconv.FormatFloat(v, 'f', 2, 64)
	}
	if q.Lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Percent shows a share from 0 to 1 in percent.
func (q *req) Percent(v float64) string { return q.Points(float64(int(v*1000+0.5))/10) + "%" }

// QuotaOf is how many certificates the covenant c proposes after the
// flag (2 when unset).
func (blocData) QuotaOf(c *blocsv1.Covenant) int32 {
	if c.CertificateQuota != nil {
		return c.GetCertificateQuota()
	}
	return 2
}

// MaxPoints is the sum of a covenant's maximum points.
func (q *req) MaxPoints(c *blocsv1.Covenant) string {
	var sum float64
	for _, cr := range c.GetCriteria() {
		sum += cr.GetMaxPoints()
	}
	return q.Points(sum)
}

// memberTimeline draws each membership as a bar over the years, as SVG.
type memberTimeline struct {
	Width, Height int
	Years         []timelineYear
	Bars          []timelineBar
	Label         string
}

type timelineYear struct {
	X     int
	Label string
}

type timelineBar struct {
	X, Y, W int
	TextY   int
	Label   string
	Open    bool
}

const (
	timelineLeft  = 330 // room for the names
	timelineRight = 900
	timelineRow   = 22
)

// newMemberTimeline lays the memberships out from the first year joined
// to this year (or the last year left, if later).
func newMemberTimeline(q *req, rows []memberRow, now int) memberTimeline {
	if len(rows) == 0 {
		return memberTimeline{}
	}
	first, last := now, now
	for _, r := range rows {
		if y := int(r.M.GetJoinedOn().GetYear()); y != 0 && y < first {
			first = y
		}
		if l := r.M.GetLeftOn(); l != nil && int(l.GetYear()) > last {
			last = int(l.GetYear())
		}
	}
	from, to := dayIndex(&date.Date{Year: int32(first), Month: 1, Day: 1}), dayIndex(&date.Date{Year: int32(last + 1), Month: 1, Day: 1})
	x := func(d *date.Date) int {
		return timelineLeft + int(float64(dayIndex(d)-from)/float64(to-from)*float64(timelineRight-timelineLeft))
	}
	t := memberTimeline{Width: timelineRight + 30, Height: 30 + len(rows)*timelineRow,
		Label: q.T("Thời gian là thành viên của từng đơn vị")}
	for y := first; y <= last+1; y++ {
		t.Years = append(t.Years, timelineYear{x(&date.Date{Year: int32(y), Month: 1, Day: 1}), strconv.Itoa(y)})
	}
	for i, r := range rows {
		end, open := r.M.GetLeftOn(), false
		if end == nil || end.GetYear() == 0 {
			end, open = &date.Date{Year: int32(last + 1), Month: 1, Day: 1}, true
		}
		x0, x1 := x(r.M.GetJoinedOn()), x(end)
		if x1 <= x0 {
			x1 = x0 + 2
		}
		label := r.Unit
		if len([]rune(label)) > 42 {
			label = string([]rune(label)[:41]) + "…"
		}
		t.Bars = append(t.Bars, timelineBar{X: x0, Y: 24 + i*timelineRow, W: x1 - x0, TextY: 38 + i*timelineRow, Label: label, Open: open})
	}
	return t
}

// dayIndex is a rough day number of d, for laying dates out.
func dayIndex(d *date.Date) int {
	return int(d.GetYear())*372 + int(d.GetMonth())*31 + int(d.GetDay())
}
