package domain

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/workdays"
)

// RecipientKind says who is nominated. Values match
// tdkt.type.v1.RecipientKind.
type RecipientKind int32

// Recipient kinds.
const (
	RecipientUnspecified RecipientKind = iota
	RecipientIndividual
	RecipientCollective
	RecipientHousehold
)

// Recipient is who is nominated, as tdkt.type.v1.Recipient describes it.
type Recipient struct {
	Kind RecipientKind
	// Individual.
	FullName  string
	Gender    int32 // tdkt.type.v1.Gender
	BirthYear int   // 0 when unknown
	Position  string
	// Unit is the unit id where an individual works, or the collective.
	Unit string
	// CitizenID is the 12-digit citizen id in clear: personal data, which
	// the store keeps sealed.
	CitizenID string
	// Household.
	HeadName string
	Address  string
	Commune  string // unit id
	// Key identifies the same recipient across the register (output, as
	// the honours service derives it); Weak when derived from a name.
	Key  string
	Weak bool
}

// DisplayName is the person's, the head of household's or the unit's id.
func (r Recipient) DisplayName() string {
	switch r.Kind {
	case RecipientIndividual:
		return r.FullName
	case RecipientHousehold:
		return r.HeadName
	}
	return r.Unit
}

// Period is the years an award is for, both included.
type Period struct {
	StartYear, EndYear int
}

// Overlaps reports whether p and q share a year.
func (p Period) Overlaps(q Period) bool { return p.StartYear <= q.EndYear && q.StartYear <= p.EndYear }

func (p Period) String() string {
	if p.StartYear == p.EndYear {
		return strconv.Itoa(p.StartYear)
	}
	return strconv.Itoa(p.StartYear) + "–" + strconv.Itoa(p.EndYear)
}

// Initiative is an initiative or research work (sáng kiến, đề tài)
// declared as grounds.
type Initiative struct {
	Title          string
	Scope          eligibility.Scope
	Year           int // recognised in
	DocumentNumber string
}

// Attachment is a file of the dossier, kept elsewhere.
type Attachment struct {
	Name      string
	MediaType string
	SHA256    string // lower-case hex
	SizeBytes int64
}

// NominationFields are the fields a client sets of a nomination.
type NominationFields struct {
	Recipient    Recipient
	Award        eligibility.Award // code, e.g. CSTD_TINH
	Period       Period
	Movement     string // movement id, if any
	Ranking      string // groups/{g}/covenants/{year}/ranking, for flags
	Achievements string
	Basis        eligibility.Basis
	Ratings      []eligibility.YearRating
	Initiatives  []Initiative
	// Members are the member counts of a collective; zero otherwise.
	Members           eligibility.Members
	DisciplinePending bool
	Attachments       []Attachment
}

// Evaluation is an eligibility report with the time it was evaluated.
type Evaluation struct {
	eligibility.Report
	Time time.Time
}

// Override lets a nomination whose report has a FAIL be approved.
type Override struct {
	Reason string
	Actor  string // the caller's subject
	Time   time.Time
}

// Transition is one step of a nomination's history.
type Transition struct {
	From   State // StateUnspecified for the creation
	To     State
	Actor  string
	Time   time.Time
	Reason string
}

// Nomination (đề nghị khen thưởng) is one recipient proposed for one award.
type Nomination struct {
	Batch string // batch id
	ID    string
	NominationFields
	// SealedCitizenID is Recipient.CitizenID sealed by the server: what
	// the store keeps of it (nil when there is none).
	SealedCitizenID []byte
	Vote            *Vote       // once recorded
	Eligibility     *Evaluation // once evaluated
	Override        *Override   // once a FAIL was overridden
	State           State
	History         []Transition // oldest first
	// DueOn is when the current step must be done (zero when no time limit
	// runs) and DueStep the time limit it comes from.
	DueOn               civil.Date
	DueStep             workdays.Step
	CommentWindowEndsOn civil.Date // once published
	Honour              string     // honours/{h}, once conferred
	CreateTime          time.Time
	UpdateTime          time.Time
	Version             int64
}

// Name is batches/{batch}/nominations/{id}.
func (n *Nomination) Name() string { return NominationName(n.Batch, n.ID) }

// Etag is the nomination's etag.
func (n *Nomination) Etag() string { return resid.Etag(n.Version) }

// NewNomination builds a draft nomination of batch from validated fields;
// its history starts with its creation by actor.
func NewNomination(batch, id string, f NominationFields, actor string, now time.Time) *Nomination {
	return &Nomination{
		Batch: batch, ID: id, NominationFields: f, State: Draft,
		History:    []Transition{{From: StateUnspecified, To: Draft, Actor: actor, Time: now}},
		CreateTime: now, UpdateTime: now, Version: 1,
	}
}

// Evaluated stores the eligibility report r, evaluated at t.
func (n *Nomination) Evaluated(r eligibility.Report, t time.Time) {
	n.Eligibility = &Evaluation{Report: r, Time: t}
	n.UpdateTime, n.Version = t, n.Version+1
}

// Normalize puts the text fields in NFC with tidy spaces (achievements
// keep their line breaks).
func (f *NominationFields) Normalize() {
	r := &f.Recipient
	r.FullName, r.Position, r.HeadName, r.Address = vnfold.Normalize(r.FullName), vnfold.Normalize(r.Position), vnfold.Normalize(r.HeadName), vnfold.Normalize(r.Address)
	f.Achievements = strings.TrimSpace(norm.NFC.String(f.Achievements))
	for i := range f.Initiatives {
		in := &f.Initiatives[i]
		in.Title, in.DocumentNumber = vnfold.Normalize(in.Title), vnfold.Normalize(in.DocumentNumber)
	}
	for i := range f.Attachments {
		f.Attachments[i].Name = vnfold.Normalize(f.Attachments[i].Name)
	}
}

// Validate checks what the proto's own constraints cannot: the fields a
// recipient of its kind needs, each year rated once, no rating, initiative
// or ranking after the period, member counts that add up, a movement for a
// nomination on a movement's basis, each initiative and file once. prefix
// is the nomination's JSON path ("nomination", "requests[3].nomination").
func (f *NominationFields) Validate(prefix string) error {
	var errs domainerr.FieldErrors
	f.Recipient.check(&errs, prefix+".recipient")
	end := f.Period.EndYear
	afterPeriod := func(field string, year int) {
		if year > end {
			errs.Add(field, "%d is after the period, which ends in %d", year, end)
		}
	}
	years := map[int]int{}
	for i, r := range f.Ratings {
		field := indexed(prefix+".ratings", i) + ".year"
		if j, dup := years[r.Year]; dup {
			errs.Add(field, "%d is rated in ratings[%d] already: each year is rated once", r.Year, j)
		}
		years[r.Year] = i
		afterPeriod(field, r.Year)
	}
	initiatives := map[string]int{}
	for i, in := range f.Initiatives {
		field := indexed(prefix+".initiatives", i)
		key := vnfold.Fold(in.Title) + "\x00" + strconv.Itoa(in.Year)
		if j, dup := initiatives[key]; dup {
			errs.Add(field+".title", "repeats initiatives[%d]", j)
		}
		initiatives[key] = i
		afterPeriod(field+".year", in.Year)
	}
	files := map[string]int{}
	for i, a := range f.Attachments {
		if j, dup := files[a.SHA256]; dup && a.SHA256 != "" {
			errs.Add(indexed(prefix+".attachments", i)+".sha256", "is the file of attachments[%d]", j)
		}
		files[a.SHA256] = i
	}
	f.checkMembers(&errs, prefix)
	if y, ok := rankingYear(f.Ranking); ok && (y < f.Period.StartYear || y > end) {
		errs.Add(prefix+".ranking", "is the ranking of %d, outside the period %s", y, f.Period)
	}
	if f.Basis == eligibility.Movement && f.Movement == "" {
		errs.Add(prefix+".movement", "is required for a nomination on a thematic movement's basis")
	}
	return errs.Err()
}

// check records what a recipient of its kind lacks.
func (r Recipient) check(errs *domainerr.FieldErrors, prefix string) {
	var kind string
	var need []string // field, value, …
	switch r.Kind {
	case RecipientIndividual:
		kind, need = "an individual", []string{"fullName", r.FullName}
	case RecipientCollective:
		kind, need = "a collective", []string{"unit", r.Unit}
	case RecipientHousehold:
		kind, need = "a household", []string{"headName", r.HeadName, "commune", r.Commune}
	default:
		errs.Add(prefix+".kind", "is required")
	}
	for i := 0; i < len(need); i += 2 {
		if need[i+1] == "" {
			errs.Add(prefix+"."+need[i], "is required for %s", kind)
		}
	}
}

// checkMembers records member counts that do not add up: no part exceeds
// the whole, holders of Chiến sĩ thi đua cơ sở hold Lao động tiên tiến too
// (R2), and only a collective has members.
func (f *NominationFields) checkMembers(errs *domainerr.FieldErrors, prefix string) {
	m := f.Members
	if f.Recipient.Kind != RecipientCollective {
		if m != (eligibility.Members{}) {
			errs.Add(prefix+".membersTotal", "member counts are for a collective recipient only")
		}
		return
	}
	for _, c := range []struct {
		field string
		n     int
		of    string
		max   int
	}{
		{"membersCompleted", m.Completed, "membersTotal", m.Total},
		{"membersLdtt", m.LDTT, "membersTotal", m.Total},
		{"membersCstd", m.CSTDCS, "membersLdtt", m.LDTT},
		{"membersDisciplined", m.Disciplined, "membersTotal", m.Total},
	} {
		if c.n > c.max {
			errs.Add(prefix+"."+c.field, "%d exceeds %s, %d", c.n, c.of, c.max)
		}
	}
}

// rankingYear reads the year of groups/{g}/covenants/{year}/ranking.
func rankingYear(name string) (int, bool) {
	parts := strings.Split(name, "/")
	if len(parts) != 5 || parts[0] != "groups" || parts[2] != "covenants" || parts[4] != "ranking" {
		return 0, false
	}
	y, err := strconv.Atoi(parts[3])
	return y, err == nil
}

func indexed(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }
