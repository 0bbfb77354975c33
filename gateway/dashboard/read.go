package dashboard

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
)

// maxListed is how many items a screen reads from one list at most, page
// by page; a screen that would need more says so and asks for a filter.
const maxListed = 20000

// allPages reads a list page by page with fetch, which is given the page
// token and returns a page's items and the next token, until the last
// page or maxListed items.
func allPages[T any](fetch func(token string) ([]T, string, error)) ([]T, error) {
	var out []T
	token := ""
	for {
		items, next, err := fetch(token)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" || len(out) >= maxListed {
			return out, nil
		}
		token = next
	}
}

// nominations reads every nomination of a list the caller may see.
func (q *req) nominations(in *nominationsv1.ListNominationsRequest) ([]*nominationsv1.Nomination, error) {
	in.PageSize = 1000
	return allPages(func(token string) ([]*nominationsv1.Nomination, string, error) {
		in.PageToken = token
		resp, err := q.d.clients.Nominations.ListNominations(q.ctx, in)
		return resp.GetNominations(), resp.GetNextPageToken(), err
	})
}

// batches reads every batch of a list the caller may see.
func (q *req) batches(in *nominationsv1.ListBatchesRequest) ([]*nominationsv1.Batch, error) {
	in.PageSize = 1000
	return allPages(func(token string) ([]*nominationsv1.Batch, string, error) {
		in.PageToken = token
		resp, err := q.d.clients.Nominations.ListBatches(q.ctx, in)
		return resp.GetBatches(), resp.GetNextPageToken(), err
	})
}

// units reads the named units in one call per thousand, by name.
func (q *req) units(names []string) (map[string]*blocsv1.Unit, error) {
	slices.Sort(names)
	names = slices.Compact(names)
	out := make(map[string]*blocsv1.Unit, len(names))
	for chunk := range slices.Chunk(names, 1000) {
		resp, err := q.d.clients.Blocs.BatchGetUnits(q.ctx, &blocsv1.BatchGetUnitsRequest{Names: chunk})
		if err != nil {
			return nil, err
		}
		for _, u := range resp.GetUnits() {
			out[u.GetName()] = u
		}
	}
	return out, nil
}

// provinceOf is the province of a unit: itself if it is one, else its
// province ("" for a central or ministry unit).
func provinceOf(u *blocsv1.Unit) string {
	if u == nil {
		return ""
	}
	if u.GetLevel() == blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE {
		return u.GetName()
	}
	return u.GetProvince()
}

// Provinces are today's provinces, in Vietnamese order: the choices of a
// province filter.
func (q *req) Provinces() []*blocsv1.Unit {
	if q.provinces != nil {
		return q.provinces
	}
	resp, err := q.d.clients.Blocs.ListUnits(q.ctx, &blocsv1.ListUnitsRequest{PageSize: 1000,
		Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, State: blocsv1.UnitState_UNIT_STATE_ACTIVE})
	if err != nil {
		q.d.log.WarnContext(q.ctx, "dashboard: list provinces", "err", err)
		return nil
	}
	q.provinces = resp.GetUnits()
	sortVi(q.provinces, (*blocsv1.Unit).GetDisplayName)
	return q.provinces
}

// States are the nomination states in the order of the workflow.
var States = []nominationsv1.NominationState{
	nominationsv1.NominationState_NOMINATION_STATE_DRAFT,
	nominationsv1.NominationState_NOMINATION_STATE_SUBMITTED,
	nominationsv1.NominationState_NOMINATION_STATE_RETURNED,
	nominationsv1.NominationState_NOMINATION_STATE_APPRAISED,
	nominationsv1.NominationState_NOMINATION_STATE_PUBLISHED,
	nominationsv1.NominationState_NOMINATION_STATE_APPROVED,
	nominationsv1.NominationState_NOMINATION_STATE_CONFERRED,
	nominationsv1.NominationState_NOMINATION_STATE_REJECTED,
	nominationsv1.NominationState_NOMINATION_STATE_WITHDRAWN,
}

var stateLabels = map[nominationsv1.NominationState]string{
	nominationsv1.NominationState_NOMINATION_STATE_DRAFT:     "Dự thảo",
	nominationsv1.NominationState_NOMINATION_STATE_SUBMITTED: "Đã trình",
	nominationsv1.NominationState_NOMINATION_STATE_RETURNED:  "Trả lại",
	nominationsv1.NominationState_NOMINATION_STATE_APPRAISED: "Đã thẩm định",
	nominationsv1.NominationState_NOMINATION_STATE_PUBLISHED: "Đang lấy ý kiến",
	nominationsv1.NominationState_NOMINATION_STATE_APPROVED:  "Đã phê duyệt",
	nominationsv1.NominationState_NOMINATION_STATE_CONFERRED: "Đã khen thưởng",
	nominationsv1.NominationState_NOMINATION_STATE_REJECTED:  "Không được chấp thuận",
	nominationsv1.NominationState_NOMINATION_STATE_WITHDRAWN: "Đã rút",
}

// State is the name of a nomination state in the page's language.
func (q *req) State(s nominationsv1.NominationState) string {
	if l, ok := stateLabels[s]; ok {
		return q.T(l)
	}
	return s.String()
}

// intParam is the query parameter name as a number in [lo, hi], or def
// when absent; anything else is the person's mistake, naming the field.
func (q *req) intParam(name string, def, lo, hi int) (int, error) {
	s := q.r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fieldError{name, "must be a number from " + strconv.Itoa(lo) + " to " + strconv.Itoa(hi)}
	}
	return n, nil
}

// queryParam is the search words of the query parameter name: one line
// of at most 200 characters, trimmed.
func (q *req) queryParam(name string) (string, error) {
	s := strings.TrimSpace(q.r.URL.Query().Get(name))
	if utf8.RuneCountInString(s) > 200 || strings.ContainsAny(s, "\r\n\t") {
		return "", fieldError{name, "must be one line of at most 200 characters"}
	}
	return s, nil
}

// unitParam is the query parameter name as a unit name ("units/x"), or
// "" when absent.
func (q *req) unitParam(name string) (string, error) {
	s := q.r.URL.Query().Get(name)
	if s == "" || unitName.MatchString(s) {
		return s, nil
	}
	return "", fieldError{name, "must be a unit name such as units/thai-nguyen"}
}

var unitName = regexp.MustCompile(`^units/[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// provincesNow maps each of units to the province it belongs to today:
// its province (or itself, if one) followed through lineage, so that a
// commune of Bắc Kạn counts under Thái Nguyên, which Bắc Kạn merged into.
// The provinces named are read in one more call.
func (q *req) provincesNow(units map[string]*blocsv1.Unit) (map[string]string, error) {
	var names []string
	for _, u := range units {
		if p := provinceOf(u); p != "" {
			if _, ok := units[p]; !ok {
				names = append(names, p)
			}
		}
	}
	provinces, err := q.units(names)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(units))
	for name, u := range units {
		p := provinceOf(u)
		pu := units[p]
		if pu == nil {
			pu = provinces[p]
		}
		if pu != nil && pu.GetCurrent() != "" {
			p = pu.GetCurrent()
		}
		out[name] = p
	}
	return out, nil
}

// choiceOf is an option of a select: its value and what it shows.
type choiceOf struct{ Value, Label string }

// awardTypes reads the award catalogue: its options in Vietnamese order
// (only those still conferred when current is set, as a new nomination
// needs) and the name of every award type in the page's language.
func (q *req) awardTypes(current bool) ([]choiceOf, map[string]string, error) {
	resp, err := q.d.clients.Honours.ListAwardTypes(q.ctx, &honoursv1.ListAwardTypesRequest{})
	if err != nil {
		return nil, nil, err
	}
	byName := map[string]string{}
	var opts []choiceOf
	for _, a := range resp.GetAwardTypes() {
		label := a.GetDisplayName()
		if q.Lang == "en" && a.GetEnglishName() != "" {
			label = a.GetEnglishName()
		}
		byName[a.GetName()] = label
		if !current || a.GetValidTo() == nil {
			opts = append(opts, choiceOf{a.GetName(), label})
		}
	}
	sortVi(opts, func(o choiceOf) string { return o.Label })
	return opts, byName, nil
}
