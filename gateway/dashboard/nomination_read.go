package dashboard

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
)

// Helpers shared by the worklist, the batches and the nomination pages.

// nominationLister lists nominations by state with their batch's
// proposer and a label of who they are for, reading the batches and the
// units once.
type nominationLister struct {
	q       *req
	batches map[string]*nominationsv1.Batch
	units   nomUnits
}

// nomUnits are display names of units, by name.
type nomUnits map[string]string

// Name is the display name of unit, or the unit's name when unknown.
func (u nomUnits) Name(unit string) string {
	if n, ok := u[unit]; ok && n != "" {
		return n
	}
	return unit
}

// nominationLister reads the batches the caller may see and their
// proposers' names.
func (q *req) nominationLister() (*nominationLister, error) {
	batches, err := q.batches(&nominationsv1.ListBatchesRequest{})
	if err != nil {
		return nil, err
	}
	l := &nominationLister{q: q, batches: map[string]*nominationsv1.Batch{}}
	var names []string
	for _, b := range batches {
		l.batches[b.GetName()] = b
		names = append(names, b.GetProposer(), b.GetAuthority())
	}
	if l.units, err = q.nomUnitNames(names); err != nil {
		return nil, err
	}
	return l, nil
}

// list is the nominations in state, oldest first.
func (l *nominationLister) list(state nominationsv1.NominationState) ([]listedNomination, error) {
	noms, err := l.q.nominations(&nominationsv1.ListNominationsRequest{Parent: "batches/-", State: state})
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, n := range noms {
		if u := n.GetRecipient().GetUnit(); u != "" && n.GetRecipient().GetFullName() == "" {
			if _, ok := l.units[u]; !ok {
				missing = append(missing, u)
			}
		}
	}
	if len(missing) > 0 {
		more, err := l.q.nomUnitNames(missing)
		if err != nil {
			return nil, err
		}
		for k, v := range more {
			l.units[k] = v
		}
	}
	out := make([]listedNomination, 0, len(noms))
	for _, n := range noms {
		out = append(out, listedNomination{N: n, Who: l.units.recipient(n), Proposer: l.units.Name(l.batches[batchOf(n.GetName())].GetProposer())})
	}
	return out, nil
}

// recipient is who a nomination is for: a person's or household head's
// name, or the collective's unit.
func (u nomUnits) recipient(n *nominationsv1.Nomination) string {
	r := n.GetRecipient()
	switch {
	case r.GetFullName() != "":
		return r.GetFullName()
	case r.GetHeadName() != "":
		return r.GetHeadName()
	}
	return u.Name(r.GetUnit())
}

// nomUnitNames reads the display names of the named units.
func (q *req) nomUnitNames(names []string) (nomUnits, error) {
	var valid []string
	for _, n := range names {
		if unitName.MatchString(n) {
			valid = append(valid, n)
		}
	}
	units, err := q.units(valid)
	if err != nil {
		return nil, err
	}
	out := nomUnits{}
	for name, u := range units {
		out[name] = u.GetDisplayName()
	}
	return out, nil
}

// dayOf is the day of now in Vietnam.
func dayOf(now time.Time) *date.Date {
	t := now.In(vietnam)
	return &date.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}
}

// NewRequestID is a fresh request id for a form: the form sends it back
// in its rid field, so that a POST sent twice acts once.
func (q *req) NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

var nomRequestIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// nomRequestID is the request id the form sent (rid), or a fresh one if
// it sent none.
func (q *req) nomRequestID() (string, error) {
	rid := q.r.PostForm.Get("rid")
	switch {
	case rid == "":
		return q.NewRequestID(), nil
	case nomRequestIDPattern.MatchString(rid):
		return rid, nil
	}
	return "", fieldError{"rid", "must be a request id (a UUID)"}
}

// nomText is the form field name, trimmed.
func (q *req) nomText(name string) string { return strings.TrimSpace(q.r.PostForm.Get(name)) }

// nomInt is the form field name as a number in [lo, hi]; empty is 0
// unless required.
func (q *req) nomInt(name string, lo, hi int, required bool) (int32, error) {
	s := q.nomText(name)
	if s == "" && !required {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fieldError{name, "must be a number from " + strconv.Itoa(lo) + " to " + strconv.Itoa(hi)}
	}
	return int32(n), nil
}

// nomDate is the form field name, a date as yyyy-mm-dd (a date input)
// or dd/mm/yyyy; empty is nil unless required.
func (q *req) nomDate(name string, required bool) (*date.Date, error) {
	s := q.nomText(name)
	if s == "" && !required {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if t, err = time.Parse("02/01/2006", s); err != nil {
			return nil, fieldError{name, "must be a date (dd/mm/yyyy)"}
		}
	}
	return &date.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}, nil
}

// nomISODate is d as yyyy-mm-dd, the value of a date input.
func nomISODate(d *date.Date) string {
	return fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
}
