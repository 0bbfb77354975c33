package dashboard

import (
	"strings"

	"google.golang.org/genproto/googleapis/type/date"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// overviewData is the overview screen: nominations by state and province,
// overdue dossiers, open public-comment windows, the year's decisions and
// money. Filters (in the URL): province, year.
type overviewData struct {
	Province  string
	Year      int
	States    []nominationsv1.NominationState
	Rows      []stateRow
	Total     stateRow
	Overdue   []listedNomination
	Windows   []listedNomination
	Decisions int64
	Honours   int64
	Money     int64
}

// stateRow counts one province's nominations by state (in States order).
type stateRow struct {
	Province, Label string
	Counts          []int64
	All             int64
}

// listedNomination is a nomination in a table, with its batch's proposer.
type listedNomination struct {
	N             *nominationsv1.Nomination
	Who, Proposer string
}

// Link is the nomination's page.
func (l listedNomination) Link() string { return "/" + l.N.GetName() }

func overview(q *req) error {
	province, err := q.unitParam("province")
	if err != nil {
		return err
	}
	if province == "" && !q.r.URL.Query().Has("province") {
		province = q.ActFor()
	}
	clock := q.d.now().In(vietnam)
	year, err := q.intParam("year", clock.Year(), 1945, 2200)
	if err != nil {
		return err
	}
	data := overviewData{Province: province, Year: year, States: States}

	noms, err := q.nominations(&nominationsv1.ListNominationsRequest{Parent: "batches/-"})
	if err != nil {
		return err
	}
	batches, err := q.batches(&nominationsv1.ListBatchesRequest{})
	if err != nil {
		return err
	}
	proposer := map[string]string{} // batch → proposing unit
	var names []string
	for _, b := range batches {
		proposer[b.GetName()] = b.GetProposer()
		names = append(names, b.GetProposer())
	}
	for _, n := range noms {
		if u := n.GetRecipient().GetUnit(); u != "" {
			names = append(names, u)
		}
	}
	units, err := q.units(names)
	if err != nil {
		return err
	}
	now, err := q.provincesNow(units)
	if err != nil {
		return err
	}
	rows := map[string]*stateRow{}
	today := dayOf(clock)
	data.Total.Counts = make([]int64, len(States))
	for _, n := range noms {
		unit := units[proposer[batchOf(n.GetName())]]
		prov := now[unit.GetName()]
		if province != "" && prov != province {
			continue
		}
		r := rows[prov]
		if r == nil {
			r = &stateRow{Province: prov, Label: q.unitLabel(prov, units), Counts: make([]int64, len(States))}
			rows[prov] = r
		}
		for i, s := range States {
			if n.GetState() == s {
				r.Counts[i]++
				data.Total.Counts[i]++
			}
		}
		r.All++
		data.Total.All++
		if n.GetState() == nominationsv1.NominationState_NOMINATION_STATE_PUBLISHED && !before(n.GetCommentWindowEndsOn(), today) {
			data.Windows = append(data.Windows, listedNomination{n, recipientLabel(n.GetRecipient(), units), unit.GetDisplayName()})
		}
	}
	for _, r := range rows {
		data.Rows = append(data.Rows, *r)
	}
	sortVi(data.Rows, func(r stateRow) string { return r.Label })

	overdue, err := q.nominations(&nominationsv1.ListNominationsRequest{Parent: "batches/-", Overdue: true})
	if err != nil {
		return err
	}
	for _, n := range overdue {
		unit := units[proposer[batchOf(n.GetName())]]
		if province == "" || now[unit.GetName()] == province {
			data.Overdue = append(data.Overdue, listedNomination{n, recipientLabel(n.GetRecipient(), units), unit.GetDisplayName()})
		}
	}

	stats, err := q.d.clients.Honours.GetStatistics(q.ctx, &honoursv1.GetStatisticsRequest{
		YearFrom: int32(year), YearTo: int32(year), Province: province})
	if err != nil {
		return err
	}
	data.Honours, data.Money = stats.GetTotalCount(), stats.GetTotalRewardVnd()
	if data.Decisions, err = q.countDecisions(year, province); err != nil {
		return err
	}
	return q.render("overview", "Tổng quan", data)
}

// countDecisions counts the decisions of year whose authority is in
// province (any, if "").
func (q *req) countDecisions(year int, province string) (int64, error) {
	in := &honoursv1.ListDecisionsRequest{Year: int32(year), PageSize: 1000}
	var n int64
	var authorities []string
	var listed []*honoursv1.Decision
	for {
		resp, err := q.d.clients.Honours.ListDecisions(q.ctx, in)
		if err != nil {
			return 0, err
		}
		for _, d := range resp.GetDecisions() {
			listed = append(listed, d)
			authorities = append(authorities, d.GetAuthority())
		}
		if resp.GetNextPageToken() == "" || len(listed) >= maxListed {
			break
		}
		in.PageToken = resp.GetNextPageToken()
	}
	if province == "" {
		return int64(len(listed)), nil
	}
	units, err := q.units(authorities)
	if err != nil {
		return 0, err
	}
	now, err := q.provincesNow(units)
	if err != nil {
		return 0, err
	}
	for _, d := range listed {
		if now[d.GetAuthority()] == province {
			n++
		}
	}
	return n, nil
}

// unitLabel is a unit's display name from units, or the central level's
// name for "".
func (q *req) unitLabel(name string, units map[string]*blocsv1.Unit) string {
	if name == "" {
		return q.T("Trung ương, bộ, ngành")
	}
	if u, ok := units[name]; ok {
		return u.GetDisplayName()
	}
	for _, u := range q.Provinces() {
		if u.GetName() == name {
			return u.GetDisplayName()
		}
	}
	return name
}

// batchOf is the batch of a nomination's name.
func batchOf(nomination string) string {
	b, _, _ := strings.Cut(strings.TrimPrefix(nomination, "batches/"), "/")
	return "batches/" + b
}

// before reports whether a is a day before b (a nil a is not).
func before(a, b *date.Date) bool {
	if a == nil || a.GetYear() == 0 {
		return true
	}
	return a.GetYear()*10000+a.GetMonth()*100+a.GetDay() < b.GetYear()*10000+b.GetMonth()*100+b.GetDay()
}

// recipientLabel is who a nomination is for: the person's name, or the
// collective's unit.
func recipientLabel(r *typev1.Recipient, units map[string]*blocsv1.Unit) string {
	if r.GetFullName() != "" {
		return r.GetFullName()
	}
	if u, ok := units[r.GetUnit()]; ok {
		return u.GetDisplayName()
	}
	return r.GetUnit()
}
