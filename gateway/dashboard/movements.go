package dashboard

import (
	"slices"
	"strings"

	"google.golang.org/grpc/codes"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
)

func init() {
	route("GET /movements", movementsPage)
	route("GET /movements/{m}", movementPage)
	translate(map[string]string{
		"Dự thảo":                          "Draft",
		"Đang triển khai":                  "Active",
		"Đã tổng kết":                      "Closed",
		"Thường xuyên":                     "Regular",
		"Theo chuyên đề":                   "Thematic",
		"Trạng thái":                       "State",
		"Tìm theo tên, số văn bản":         "Search by title or document number",
		"Năm diễn ra":                      "Year running",
		"Số phong trào":                    "Number of movements",
		"Không có phong trào nào.":         "No movement matches.",
		"Tên phong trào":                   "Title",
		"Đơn vị phát động":                 "Launched by",
		"Văn bản phát động":                "Launch document",
		"Thời gian":                        "Period",
		"Số đơn vị tham gia":               "Participants",
		"Mục tiêu":                         "Objectives",
		"Tiêu chí thi đua":                 "Criteria",
		"Tổng kết":                         "Closing review",
		"Kết quả phong trào":               "Results of the movement",
		"Sự kiện":                          "Events",
		"Điển hình tiên tiến":              "Advanced exemplars",
		"Danh hiệu, hình thức khen thưởng": "Honours",
		"Tiền thưởng":                      "Rewards",
		"Khen thưởng theo loại và năm":     "Honours by award type and year",
		"Hình thức khen thưởng":            "Award type",
		"Số lượng":                         "Count",
		"Điển hình theo trạng thái":        "Exemplars by state",
		"Đề xuất":                          "Proposed",
		"Đã công nhận":                     "Recognized",
		"Đã nhân rộng":                     "Replicated",
		"Đại hội thi đua yêu nước":         "Patriotic emulation congress",
		"Sơ kết":                           "Mid-term review",
		"Ký kết giao ước":                  "Covenant signing",
		"Hội nghị biểu dương":              "Honouring conference",
		"Khác":                             "Other",
		"lần thứ":                          "no.",
		"Ngày":                             "Date",
		"Đơn vị tổ chức sự kiện":           "Organizer",
		"Nội dung":                         "Summary",
		"Quyết định":                       "Decisions",
		"Không có sự kiện nào.":            "No event.",
		"Đơn vị tham gia":                  "Participants",
		"Ngày đăng ký":                     "Registered on",
		"Nội dung đăng ký":                 "Commitment",
		"Chưa có đơn vị nào tham gia.":     "No participant yet.",
		"Người, tập thể":                   "Recipient",
		"Lĩnh vực":                         "Field",
		"Mô hình, cách làm hay":            "Model worth replicating",
		"Ngày công nhận":                   "Recognized on",
		"Chưa có điển hình nào.":           "No exemplar yet.",
		"Quyết định khen thưởng":           "Decision",
		"Chưa có khen thưởng nào.":         "No honour cites it.",
		"Khối, cụm":                        "Group",
	})
}

var movementStates = map[string]movementsv1.MovementState{
	"draft": movementsv1.MovementState_MOVEMENT_STATE_DRAFT, "active": movementsv1.MovementState_MOVEMENT_STATE_ACTIVE,
	"closed": movementsv1.MovementState_MOVEMENT_STATE_CLOSED,
}

// MovementState is a movement's state in the page's language.
func (q *req) MovementState(s movementsv1.MovementState) string {
	switch s {
	case movementsv1.MovementState_MOVEMENT_STATE_DRAFT:
		return q.T("Dự thảo")
	case movementsv1.MovementState_MOVEMENT_STATE_ACTIVE:
		return q.T("Đang triển khai")
	case movementsv1.MovementState_MOVEMENT_STATE_CLOSED:
		return q.T("Đã tổng kết")
	}
	return ""
}

// MovementKind is a movement's kind in the page's language.
func (q *req) MovementKind(k movementsv1.MovementKind) string {
	switch k {
	case movementsv1.MovementKind_MOVEMENT_KIND_REGULAR:
		return q.T("Thường xuyên")
	case movementsv1.MovementKind_MOVEMENT_KIND_THEMATIC:
		return q.T("Theo chuyên đề")
	}
	return ""
}

// EventKind is an event's kind in the page's language.
func (q *req) EventKind(k movementsv1.EventKind) string {
	switch k {
	case movementsv1.EventKind_EVENT_KIND_CONGRESS:
		return q.T("Đại hội thi đua yêu nước")
	case movementsv1.EventKind_EVENT_KIND_MIDTERM_REVIEW:
		return q.T("Sơ kết")
	case movementsv1.EventKind_EVENT_KIND_FINAL_REVIEW:
		return q.T("Tổng kết")
	case movementsv1.EventKind_EVENT_KIND_COVENANT_SIGNING:
		return q.T("Ký kết giao ước")
	case movementsv1.EventKind_EVENT_KIND_HONOURING_CONFERENCE:
		return q.T("Hội nghị biểu dương")
	}
	return q.T("Khác")
}

// ExemplarState is an exemplar's state in the page's language.
func (q *req) ExemplarState(s movementsv1.ExemplarState) string {
	switch s {
	case movementsv1.ExemplarState_EXEMPLAR_STATE_PROPOSED:
		return q.T("Đề xuất")
	case movementsv1.ExemplarState_EXEMPLAR_STATE_RECOGNIZED:
		return q.T("Đã công nhận")
	case movementsv1.ExemplarState_EXEMPLAR_STATE_REPLICATED:
		return q.T("Đã nhân rộng")
	}
	return ""
}

// Num32 is Num for an int32 count.
func (q *req) Num32(n int32) string { return q.Num(int64(n)) }

// Roman is an ordinal the way congresses are numbered: lần thứ III.
func (q *req) Roman(n int32) string {
	if n <= 0 || n >= 4000 {
		return ""
	}
	vals := []int32{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}

// movementsData is the list of movements. Filters (in the URL): state,
// year, query.
type movementsData struct {
	States    []choice
	Year      int
	Query     string
	Movements []listedMovement
}

// listedMovement is a movement with its launching unit's name.
type listedMovement struct {
	M          *movementsv1.Movement
	LaunchedBy string
}

// Link is the movement's page.
func (m listedMovement) Link() string {
	return "/movements/" + strings.TrimPrefix(m.M.GetName(), "movements/")
}

func movementsPage(q *req) error {
	state, s, err := enumParam(q, "state", movementStates)
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
	movements, err := allPages(func(token string) ([]*movementsv1.Movement, string, error) {
		resp, err := q.d.clients.Movements.ListMovements(q.ctx, &movementsv1.ListMovementsRequest{PageSize: 1000, PageToken: token,
			State: s, Year: int32(year), Query: query})
		return resp.GetMovements(), resp.GetNextPageToken(), err
	})
	if err != nil {
		return err
	}
	var names []string
	for _, m := range movements {
		names = append(names, m.GetLaunchedBy())
	}
	units, err := q.unitsKnown(names)
	if err != nil {
		return err
	}
	data := movementsData{Year: year, Query: query,
		States: q.choices(state, "Tất cả", [][2]string{{"draft", "Dự thảo"}, {"active", "Đang triển khai"}, {"closed", "Đã tổng kết"}})}
	for _, m := range movements {
		data.Movements = append(data.Movements, listedMovement{m, unitDisplay(units, m.GetLaunchedBy())})
	}
	sortVi(data.Movements, func(m listedMovement) string { return m.M.GetTitle() })
	return q.render("movements", "Phong trào", data)
}

// movementData is a movement's page: its facts, its report, its events,
// participants and exemplars.
type movementData struct {
	M            *movementsv1.Movement
	LaunchedBy   string
	Report       *movementsv1.MovementReport
	Honours      []honourCountRow
	Events       []eventRow
	Participants []*movementsv1.Participant
	Exemplars    []exemplarRow
}

// honourCountRow is the honours of an award type and year.
type honourCountRow struct {
	C     *movementsv1.HonourCount
	Award string
}

// eventRow is an event with its organizer's and group's names.
type eventRow struct {
	E                *movementsv1.Event
	Organizer, Group string
	GroupLink        string
	Decisions        []link
}

// link is a link of a page.
type link struct{ Href, Label string }

// exemplarRow is an exemplar with its recipient's name and the
// decisions of the honours that recognised it.
type exemplarRow struct {
	X         *movementsv1.Exemplar
	Who       string
	Decisions []link
}

func movementPage(q *req) error {
	id, err := q.pathID("m")
	if err != nil {
		return err
	}
	name := "movements/" + id
	report, err := q.d.clients.Movements.GetMovementReport(q.ctx, &movementsv1.GetMovementReportRequest{Name: name})
	if err != nil {
		return err
	}
	m := report.GetMovement()
	events, err := allPages(func(token string) ([]*movementsv1.Event, string, error) {
		resp, err := q.d.clients.Movements.ListEvents(q.ctx, &movementsv1.ListEventsRequest{Movement: name, PageSize: 1000, PageToken: token})
		return resp.GetEvents(), resp.GetNextPageToken(), err
	})
	if err != nil {
		return err
	}
	participants, err := allPages(func(token string) ([]*movementsv1.Participant, string, error) {
		resp, err := q.d.clients.Movements.ListParticipants(q.ctx, &movementsv1.ListParticipantsRequest{Parent: name, PageSize: 1000, PageToken: token})
		return resp.GetParticipants(), resp.GetNextPageToken(), err
	})
	if err != nil {
		return err
	}
	exemplars, err := allPages(func(token string) ([]*movementsv1.Exemplar, string, error) {
		resp, err := q.d.clients.Movements.ListExemplars(q.ctx, &movementsv1.ListExemplarsRequest{Parent: name, PageSize: 1000, PageToken: token})
		return resp.GetExemplars(), resp.GetNextPageToken(), err
	})
	if err != nil {
		return err
	}
	names := []string{m.GetLaunchedBy()}
	for _, e := range events {
		names = append(names, e.GetOrganizer())
	}
	for _, x := range exemplars {
		names = append(names, x.GetRecipient().GetUnit())
	}
	units, err := q.unitsKnown(names)
	if err != nil {
		return err
	}
	data := movementData{M: m, LaunchedBy: unitDisplay(units, m.GetLaunchedBy()), Report: report, Participants: participants}
	awards := q.awardNames()
	for _, c := range report.GetHonours() {
		label := awards[c.GetAwardType()]
		if label == "" {
			label = strings.TrimPrefix(c.GetAwardType(), "awardTypes/")
		}
		data.Honours = append(data.Honours, honourCountRow{c, label})
	}
	groups := q.groupNames(events)
	for _, e := range events {
		row := eventRow{E: e, Organizer: unitDisplay(units, e.GetOrganizer()), Group: groups[e.GetGroup()]}
		if e.GetGroup() != "" {
			row.GroupLink = "/blocs/" + strings.TrimPrefix(e.GetGroup(), "groups/")
		}
		for _, d := range e.GetDecisions() {
			row.Decisions = append(row.Decisions, link{"/" + d, strings.TrimPrefix(d, "decisions/")})
		}
		data.Events = append(data.Events, row)
	}
	decisions := q.honourDecisions(exemplars)
	for _, x := range exemplars {
		row := exemplarRow{X: x, Who: recipientLabel(x.GetRecipient(), units)}
		seen := map[string]bool{}
		for _, h := range x.GetHonours() {
			if d, ok := decisions[h]; ok && !seen[d.Href] {
				seen[d.Href] = true
				row.Decisions = append(row.Decisions, d)
			}
		}
		data.Exemplars = append(data.Exemplars, row)
	}
	sortVi(data.Exemplars, func(x exemplarRow) string { return x.Who })
	return q.render("movements_movement", m.GetTitle(), data)
}

// awardNames are the award types' display names by name; empty if the
// catalogue cannot be read (the codes are shown instead).
func (q *req) awardNames() map[string]string {
	out := map[string]string{}
	resp, err := q.d.clients.Honours.ListAwardTypes(q.ctx, &honoursv1.ListAwardTypesRequest{})
	if err != nil {
		q.d.log.WarnContext(q.ctx, "dashboard: list award types", "err", err)
		return out
	}
	for _, a := range resp.GetAwardTypes() {
		label := a.GetDisplayName()
		if q.Lang == "en" && a.GetEnglishName() != "" {
			label = a.GetEnglishName()
		}
		out[a.GetName()] = label
	}
	return out
}

// groupNames are the display names of the events' groups, by name.
func (q *req) groupNames(events []*movementsv1.Event) map[string]string {
	out := map[string]string{}
	for _, e := range events {
		g := e.GetGroup()
		if g == "" || out[g] != "" {
			continue
		}
		grp, err := q.d.clients.Blocs.GetGroup(q.ctx, &blocsv1.GetGroupRequest{Name: g})
		if err != nil {
			out[g] = strings.TrimPrefix(g, "groups/")
			continue
		}
		out[g] = grp.GetDisplayName()
	}
	return out
}

// honourDecisions are the links to the decisions that conferred the
// exemplars' honours, by honour name. Honours the caller may not read,
// or a register that does not answer, leave their exemplars without a
// link rather than the page without exemplars.
func (q *req) honourDecisions(exemplars []*movementsv1.Exemplar) map[string]link {
	var names []string
	for _, x := range exemplars {
		names = append(names, x.GetHonours()...)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	out := map[string]link{}
	for chunk := range slices.Chunk(names, 1000) {
		resp, err := q.d.clients.Honours.BatchGetHonours(q.ctx, &honoursv1.BatchGetHonoursRequest{Names: chunk})
		if err != nil {
			if !isCode(err, codes.NotFound) && !isCode(err, codes.PermissionDenied) {
				q.d.log.WarnContext(q.ctx, "dashboard: honours of exemplars", "err", err)
			}
			continue
		}
		for _, h := range resp.GetHonours() {
			label := h.GetDecisionNumber()
			if label == "" {
				label = strings.TrimPrefix(h.GetDecision(), "decisions/")
			}
			out[h.GetName()] = link{"/" + h.GetDecision(), label}
		}
	}
	return out
}
