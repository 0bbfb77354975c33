package dashboard

import (
	"net/url"
	"strings"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
)

func init() {
	route("GET /units", unitsPage)
	route("GET /units/{u}", unitPage)
	translate(map[string]string{
		"Trung ương":               "Central",
		"Bộ, ngành":                "Ministry",
		"Tỉnh, thành phố":          "Province",
		"Xã, phường, đặc khu":      "Commune",
		"Cơ sở":                    "Grassroots",
		"Cơ quan":                  "Agency",
		"Địa phương":               "Locality",
		"Doanh nghiệp":             "Enterprise",
		"Lực lượng vũ trang":       "Armed forces",
		"Tổ chức":                  "Organisation",
		"Cấp":                      "Level",
		"Đã giải thể, sáp nhập":    "Dissolved or merged",
		"Tìm theo tên đơn vị":      "Search by unit name",
		"Thuộc tỉnh":               "Of province",
		"Số đơn vị":                "Number of units",
		"Không có đơn vị nào.":     "No unit matches.",
		"Mã":                       "Code",
		"Tên ngắn":                 "Short name",
		"Đơn vị cấp trên":          "Parent unit",
		"Ngày giải thể, sáp nhập":  "Dissolved on",
		"Đơn vị kế thừa":           "Successor",
		"Đơn vị hiện nay":          "Current unit",
		"Tên gọi trước đây":        "Former names",
		"Đến hết ngày trước":       "Until the day before",
		"Đơn vị được sáp nhập vào": "Predecessors merged into it",
		"Không có đơn vị nào sáp nhập vào đơn vị này.": "No unit was merged into this one.",
		"Những gì để lại":                              "What they left",
		"Khen thưởng (theo tỉnh hiện nay)":             "Honours (by today's province)",
		"Tiền thưởng (theo tỉnh hiện nay)":             "Rewards (by today's province)",
		"Điển hình tiên tiến của tỉnh":                 "Exemplars of the province",
		"Phong trào do đơn vị phát động":               "Movements launched",
		"Khen thưởng do đơn vị quyết định":             "Honours it conferred",
		"Tiền thưởng do đơn vị quyết định":             "Rewards it conferred",
		"Khối, cụm đã tham gia":                        "Groups it belonged to",
		"Xem sổ khen thưởng của tỉnh":                  "See the province's register",
		"Xem các đơn vị thuộc tỉnh":                    "See the province's units",
		"Khối, cụm của đơn vị":                         "Groups of the unit",
		"Không tham gia khối, cụm nào.":                "Belongs to no group.",
		"Số điển hình":                                 "Exemplars",
	})
}

var unitLevels = map[string]blocsv1.UnitLevel{
	"central": blocsv1.UnitLevel_UNIT_LEVEL_CENTRAL, "ministry": blocsv1.UnitLevel_UNIT_LEVEL_MINISTRY,
	"province": blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, "commune": blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE,
	"grassroots": blocsv1.UnitLevel_UNIT_LEVEL_GRASSROOTS,
}

var unitKinds = map[string]blocsv1.UnitKind{
	"agency": blocsv1.UnitKind_UNIT_KIND_AGENCY, "locality": blocsv1.UnitKind_UNIT_KIND_LOCALITY,
	"enterprise": blocsv1.UnitKind_UNIT_KIND_ENTERPRISE, "armed-forces": blocsv1.UnitKind_UNIT_KIND_ARMED_FORCES,
	"organization": blocsv1.UnitKind_UNIT_KIND_ORGANIZATION, "other": blocsv1.UnitKind_UNIT_KIND_OTHER,
}

var unitStates = map[string]blocsv1.UnitState{"active": blocsv1.UnitState_UNIT_STATE_ACTIVE, "dissolved": blocsv1.UnitState_UNIT_STATE_DISSOLVED}

var levelLabels = map[blocsv1.UnitLevel]string{
	blocsv1.UnitLevel_UNIT_LEVEL_CENTRAL: "Trung ương", blocsv1.UnitLevel_UNIT_LEVEL_MINISTRY: "Bộ, ngành",
	blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE: "Tỉnh, thành phố", blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE: "Xã, phường, đặc khu",
	blocsv1.UnitLevel_UNIT_LEVEL_GRASSROOTS: "Cơ sở",
}

var kindLabels = map[blocsv1.UnitKind]string{
	blocsv1.UnitKind_UNIT_KIND_AGENCY: "Cơ quan", blocsv1.UnitKind_UNIT_KIND_LOCALITY: "Địa phương",
	blocsv1.UnitKind_UNIT_KIND_ENTERPRISE: "Doanh nghiệp", blocsv1.UnitKind_UNIT_KIND_ARMED_FORCES: "Lực lượng vũ trang",
	blocsv1.UnitKind_UNIT_KIND_ORGANIZATION: "Tổ chức", blocsv1.UnitKind_UNIT_KIND_OTHER: "Khác",
}

// UnitLevel is a unit's level in the page's language.
func (q *req) UnitLevel(l blocsv1.UnitLevel) string { return q.T(levelLabels[l]) }

// UnitKind is a unit's kind in the page's language.
func (q *req) UnitKind(k blocsv1.UnitKind) string { return q.T(kindLabels[k]) }

// UnitState is a unit's state in the page's language.
func (q *req) UnitState(s blocsv1.UnitState) string {
	if s == blocsv1.UnitState_UNIT_STATE_DISSOLVED {
		return q.T("Đã giải thể, sáp nhập")
	}
	return q.T("Đang hoạt động")
}

// UnitLink is the page of a unit ("units/x" → "/units/x").
func (q *req) UnitLink(name string) string { return "/" + name }

// unitsData is the list of units. Filters (in the URL): level, kind,
// state, province, query.
type unitsData struct {
	Levels, Kinds, States []choice
	Province              string
	Query                 string
	Units                 []*blocsv1.Unit
}

func unitsPage(q *req) error {
	level, l, err := enumParam(q, "level", unitLevels)
	if err != nil {
		return err
	}
	kind, k, err := enumParam(q, "kind", unitKinds)
	if err != nil {
		return err
	}
	state, s, err := enumParam(q, "state", unitStates)
	if err != nil {
		return err
	}
	province, err := q.unitParam("province")
	if err != nil {
		return err
	}
	query, err := q.queryParam("query")
	if err != nil {
		return err
	}
	units, err := allPages(func(token string) ([]*blocsv1.Unit, string, error) {
		resp, err := q.d.clients.Blocs.ListUnits(q.ctx, &blocsv1.ListUnitsRequest{PageSize: 1000, PageToken: token,
			Level: l, Kind: k, State: s, Province: province, Query: query})
		return resp.GetUnits(), resp.GetNextPageToken(), err
	})
	if err != nil {
		return err
	}
	sortVi(units, (*blocsv1.Unit).GetDisplayName)
	return q.render("units", "Đơn vị", unitsData{Province: province, Query: query, Units: units,
		Levels: q.choices(level, "Tất cả", [][2]string{{"central", "Trung ương"}, {"ministry", "Bộ, ngành"},
			{"province", "Tỉnh, thành phố"}, {"commune", "Xã, phường, đặc khu"}, {"grassroots", "Cơ sở"}}),
		Kinds: q.choices(kind, "Tất cả", [][2]string{{"agency", "Cơ quan"}, {"locality", "Địa phương"}, {"enterprise", "Doanh nghiệp"},
			{"armed-forces", "Lực lượng vũ trang"}, {"organization", "Tổ chức"}, {"other", "Khác"}}),
		States: q.choices(state, "Tất cả", [][2]string{{"active", "Đang hoạt động"}, {"dissolved", "Đã giải thể, sáp nhập"}})})
}

// unitData is a unit's page: what it is, what it was called, and, for a
// unit others were merged into, its predecessors and what they left it.
type unitData struct {
	U            *blocsv1.Unit
	Parent       string
	Province     string
	Successor    string
	Current      string
	IsProvince   bool
	Predecessors []predecessorRow
	Groups       []*blocsv1.Group
	Honours      int64
	Money        int64
	Exemplars    int
	Movements    int
}

// predecessorRow is a unit dissolved into this one (directly or through
// another), with what it left.
type predecessorRow struct {
	U         *blocsv1.Unit
	Into      string // the unit it was dissolved into, when not this one
	Honours   int64
	Money     int64
	Exemplars int
	Groups    []*blocsv1.Group
}

// RegisterLink is the register filtered to this province.
func (d unitData) RegisterLink() string {
	return "/register?province=" + url.QueryEscape(d.U.GetName())
}

// UnitsLink is the list of the province's units.
func (d unitData) UnitsLink() string { return "/units?province=" + url.QueryEscape(d.U.GetName()) }

// GroupLink is a group's page.
func (q *req) GroupLink(name string) string { return "/blocs/" + strings.TrimPrefix(name, "groups/") }

func unitPage(q *req) error {
	id, err := q.pathID("u")
	if err != nil {
		return err
	}
	u, err := q.d.clients.Blocs.GetUnit(q.ctx, &blocsv1.GetUnitRequest{Name: "units/" + id})
	if err != nil {
		return err
	}
	data := unitData{U: u, IsProvince: u.GetLevel() == blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE}
	preds, err := q.lineage(u)
	if err != nil {
		return err
	}
	names := []string{u.GetParent(), u.GetProvince(), u.GetSuccessor(), u.GetCurrent()}
	for _, p := range preds {
		names = append(names, p.GetSuccessor())
	}
	units, err := q.unitsKnown(names)
	if err != nil {
		return err
	}
	label := func(n string) string {
		if n == "" {
			return ""
		}
		return unitDisplay(units, n)
	}
	data.Parent, data.Province, data.Successor, data.Current = label(u.GetParent()), label(u.GetProvince()), label(u.GetSuccessor()), label(u.GetCurrent())
	if data.Groups, err = q.groupsOf(u.GetName()); err != nil {
		return err
	}
	if err := q.leftBehind(&data); err != nil {
		return err
	}
	for _, p := range preds {
		row := predecessorRow{U: p}
		if p.GetSuccessor() != u.GetName() {
			row.Into = label(p.GetSuccessor())
		}
		if row.Honours, row.Money, err = q.honoursOf(&honoursv1.GetStatisticsRequest{Authority: p.GetName()}); err != nil {
			return err
		}
		if p.GetLevel() == blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE {
			if row.Exemplars, err = q.exemplarsOf(p.GetName()); err != nil {
				return err
			}
		}
		if row.Groups, err = q.groupsOf(p.GetName()); err != nil {
			return err
		}
		data.Predecessors = append(data.Predecessors, row)
	}
	sortVi(data.Predecessors, func(r predecessorRow) string { return r.U.GetDisplayName() })
	return q.render("units_unit", u.GetDisplayName(), data)
}

// leftBehind counts what the unit holds with what its predecessors left
// it: a province's honours and exemplars (the services follow the
// lineage), another unit's honours as authority, and the movements it
// or its predecessors launched.
func (q *req) leftBehind(data *unitData) error {
	name := data.U.GetName()
	var err error
	if data.IsProvince {
		if data.Honours, data.Money, err = q.honoursOf(&honoursv1.GetStatisticsRequest{Province: name}); err != nil {
			return err
		}
		if data.Exemplars, err = q.exemplarsOf(name); err != nil {
			return err
		}
	} else if data.Honours, data.Money, err = q.honoursOf(&honoursv1.GetStatisticsRequest{Authority: name}); err != nil {
		return err
	}
	movements, err := allPages(func(token string) ([]*movementsv1.Movement, string, error) {
		resp, err := q.d.clients.Movements.ListMovements(q.ctx, &movementsv1.ListMovementsRequest{LaunchedBy: name, PageSize: 1000, PageToken: token})
		return resp.GetMovements(), resp.GetNextPageToken(), err
	})
	data.Movements = len(movements)
	return err
}

// lineage is every unit dissolved into u, directly or through another,
// nearest first.
func (q *req) lineage(u *blocsv1.Unit) ([]*blocsv1.Unit, error) {
	var out []*blocsv1.Unit
	seen := map[string]bool{u.GetName(): true}
	next := u.GetPredecessors()
	for len(next) > 0 && len(out) < 1000 {
		var ask []string
		for _, n := range next {
			if !seen[n] {
				seen[n] = true
				ask = append(ask, n)
			}
		}
		if len(ask) == 0 {
			break
		}
		found, err := q.units(ask)
		if err != nil {
			return nil, err
		}
		next = nil
		for _, n := range ask {
			if p, ok := found[n]; ok {
				out = append(out, p)
				next = append(next, p.GetPredecessors()...)
			}
		}
	}
	return out, nil
}

// honoursOf is the number of active honours and their rewards matching
// in.
func (q *req) honoursOf(in *honoursv1.GetStatisticsRequest) (int64, int64, error) {
	st, err := q.d.clients.Honours.GetStatistics(q.ctx, in)
	if err != nil {
		return 0, 0, err
	}
	return st.GetTotalCount(), st.GetTotalRewardVnd(), nil
}

// exemplarsOf is the number of exemplars of a province (and of the
// provinces dissolved into it) the caller may see.
func (q *req) exemplarsOf(province string) (int, error) {
	xs, err := allPages(func(token string) ([]*movementsv1.Exemplar, string, error) {
		resp, err := q.d.clients.Movements.ListExemplars(q.ctx, &movementsv1.ListExemplarsRequest{Parent: "movements/-", Province: province, PageSize: 1000, PageToken: token})
		return resp.GetExemplars(), resp.GetNextPageToken(), err
	})
	return len(xs), err
}

// groupsOf are the groups a unit has ever belonged to, in Vietnamese
// order.
func (q *req) groupsOf(unit string) ([]*blocsv1.Group, error) {
	groups, err := allPages(func(token string) ([]*blocsv1.Group, string, error) {
		resp, err := q.d.clients.Blocs.ListGroups(q.ctx, &blocsv1.ListGroupsRequest{Member: unit, PageSize: 1000, PageToken: token})
		return resp.GetGroups(), resp.GetNextPageToken(), err
	})
	sortVi(groups, (*blocsv1.Group).GetDisplayName)
	return groups, err
}
