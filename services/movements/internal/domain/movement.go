package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/platform/resname"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// Kind is how a movement runs. Values match tdkt.movements.v1.MovementKind.
type Kind int32

// Movement kinds.
const (
	KindUnspecified Kind = iota
	Regular
	Thematic
)

// State is where a movement is in its life. Values match
// tdkt.movements.v1.MovementState.
type State int32

// Movement states: DRAFT → ACTIVE (launched) → CLOSED (reviewed).
const (
	StateUnspecified State = iota
	Draft
	Active
	Closed
)

func (s State) String() string {
	switch s {
	case Draft:
		return "DRAFT"
	case Active:
		return "ACTIVE"
	case Closed:
		return "CLOSED"
	}
	return "STATE_UNSPECIFIED"
}

// Document is a legal document as tdkt.type.v1.DocumentRef describes it:
// the directive that launches a movement, the review that closes it.
type Document struct {
	Number      string     `json:"number"` // "11-CT/TU"
	SignedOn    civil.Date `json:"signedOn"`
	SignerName  string     `json:"signerName,omitempty"`
	SignerTitle string     `json:"signerTitle,omitempty"`
	Issuer      string     `json:"issuer,omitempty"` // unit id
	Capacity    int32      `json:"capacity,omitempty"`
	Recipients  []string   `json:"recipients,omitempty"`
}

// Equal reports whether d and e are the same document; nil is none.
func (d *Document) Equal(e *Document) bool {
	if d == nil || e == nil {
		return d == e
	}
	return d.Number == e.Number && d.SignedOn == e.SignedOn && d.SignerName == e.SignerName &&
		d.SignerTitle == e.SignerTitle && d.Issuer == e.Issuer && d.Capacity == e.Capacity &&
		slices.Equal(d.Recipients, e.Recipients)
}

// Period is the span of a movement, inclusive at both ends.
type Period struct {
	Start, End civil.Date
}

// Overlaps reports whether the period has a day in year.
func (p Period) Overlaps(year int) bool { return p.Start.Year <= year && year <= p.End.Year }

// ClosingReview is the final review (tổng kết) that closes a movement.
type ClosingReview struct {
	Document Document `json:"document"`
	Summary  string   `json:"summary"`
}

// Movement is an emulation movement (phong trào thi đua).
type Movement struct {
	ID string
	MovementFields
	State            State
	Review           *ClosingReview // set once closed
	ParticipantCount int
	CreateTime       time.Time
	UpdateTime       time.Time
	LaunchTime       time.Time // zero until launched
	CloseTime        time.Time // zero until closed
	Version          int64
}

// MovementFields are the fields a client sets.
type MovementFields struct {
	Title          string
	Kind           Kind
	LaunchedBy     string    // unit id
	LaunchDocument *Document // nil: none yet (a draft)
	Period         Period
	Objectives     string
	Criteria       []string
}

// Name is movements/{id}.
func (m *Movement) Name() string { return MovementName(m.ID) }

// Etag is the movement's etag.
func (m *Movement) Etag() string { return resid.Etag(m.Version) }

// SearchText is what accent-insensitive queries match a movement against:
// its title and its launch document's number.
func (m *Movement) SearchText() string {
	s := m.Title
	if m.LaunchDocument != nil {
		s += " " + m.LaunchDocument.Number
	}
	return vnfold.Fold(s)
}

// Normalize puts the text fields in NFC with tidy spaces (objectives keep
// their line breaks).
func (f *MovementFields) Normalize() {
	f.Title = vnfold.Normalize(f.Title)
	f.Objectives = norm.NFC.String(f.Objectives)
	for i, c := range f.Criteria {
		f.Criteria[i] = vnfold.Normalize(c)
	}
	if d := f.LaunchDocument; d != nil {
		d.normalize()
	}
}

func (d *Document) normalize() {
	d.Number, d.SignerName, d.SignerTitle = vnfold.Normalize(d.Number), vnfold.Normalize(d.SignerName), vnfold.Normalize(d.SignerTitle)
	for i, r := range d.Recipients {
		d.Recipients[i] = vnfold.Normalize(r)
	}
}

// Validate checks the fields; prefix is their JSON path ("movement"), and
// units holds the units the server found of those they name (launched_by,
// the launch document's issuer), from the unit mirror.
func (f *MovementFields) Validate(prefix string, units map[string]lineage.Unit) error {
	var errs FieldErrors
	if f.Title == "" {
		errs.Add(prefix+".title", "is required")
	}
	if f.Kind == KindUnspecified {
		errs.Add(prefix+".kind", "is required")
	}
	checkRequiredUnit(&errs, prefix+".launchedBy", f.LaunchedBy, units)
	if d := f.LaunchDocument; d != nil {
		if d.Number == "" {
			errs.Add(prefix+".launchDocument.number", "is required")
		}
		if d.Issuer != "" {
			if _, ok := units[d.Issuer]; !ok {
				errs.Add(prefix+".launchDocument.issuer", "%s does not exist", resname.Unit.Format(d.Issuer))
			}
		}
	}
	f.Period.check(&errs, prefix+".period")
	for i, c := range f.Criteria {
		if c == "" {
			errs.Add(prefix+".criteria["+strconv.Itoa(i)+"]", "is empty")
		}
	}
	return errs.Err()
}

// check records what is wrong with a period: both dates are required, and
// the end may not precede the start.
func (p Period) check(errs *FieldErrors, prefix string) {
	if p.Start.IsZero() {
		errs.Add(prefix+".startDate", "is required")
	}
	if p.End.IsZero() {
		errs.Add(prefix+".endDate", "is required")
	}
	if !p.Start.IsZero() && !p.End.IsZero() && p.End.Before(p.Start) {
		errs.Add(prefix+".endDate", "%s is before the start date %s", p.End, p.Start)
	}
}

// CheckActiveUnit records in errs what lineage.Inactive finds wrong with
// the unit id that field names.
func CheckActiveUnit(errs *FieldErrors, field, id string, units map[string]lineage.Unit) {
	if problem := lineage.Inactive(units, id); problem != "" {
		errs.Add(field, "%s", problem)
	}
}

// checkRequiredUnit records in errs that field names no unit, or what
// CheckActiveUnit finds wrong with the one it names.
func checkRequiredUnit(errs *FieldErrors, field, id string, units map[string]lineage.Unit) {
	if id == "" {
		errs.Add(field, "is required")
		return
	}
	CheckActiveUnit(errs, field, id, units)
}

// NewMovement builds a draft movement from validated fields.
func NewMovement(id string, f MovementFields, now time.Time) *Movement {
	return &Movement{ID: id, MovementFields: f, State: Draft, CreateTime: now, UpdateTime: now, Version: 1}
}

func rule(reason, subject, format string, args ...any) *RuleError {
	return domainerr.Rule(reason, subject, format, args...)
}

// checkNotClosed fails when m is closed: it takes no change.
func (m *Movement) checkNotClosed() error {
	if m.State == Closed {
		return rule("MOVEMENT_CLOSED", m.Name(), "the movement is closed")
	}
	return nil
}

// CheckOpen fails when m takes no new participant: once it is closed.
func (m *Movement) CheckOpen() error { return m.checkNotClosed() }

// Update replaces m's fields with f (validated). Once launched, what the
// launch document fixes stays as it is: the document itself, the unit that
// launched it and the start of the period.
func (m *Movement) Update(f MovementFields, etag string, now time.Time) error {
	if err := resid.CheckEtag(etag, m.Version); err != nil {
		return err
	}
	if err := m.checkNotClosed(); err != nil {
		return err
	}
	if m.State == Active {
		var fixed []string
		if !f.LaunchDocument.Equal(m.LaunchDocument) {
			fixed = append(fixed, "launch_document")
		}
		if f.LaunchedBy != m.LaunchedBy {
			fixed = append(fixed, "launched_by")
		}
		if f.Period.Start != m.Period.Start {
			fixed = append(fixed, "period.start_date")
		}
		if len(fixed) > 0 {
			return rule("MOVEMENT_LAUNCHED", m.Name(), "the movement was launched: %s cannot change any more", strings.Join(fixed, ", "))
		}
	}
	m.MovementFields = f
	m.UpdateTime, m.Version = now, m.Version+1
	return nil
}

// Launch launches a draft: it needs a launch document with its number and
// signing date. launcher is the launching unit as it is now, and ok whether
// it exists.
func (m *Movement) Launch(launcher lineage.Unit, ok bool, etag string, now time.Time) error {
	if err := resid.CheckEtag(etag, m.Version); err != nil {
		return err
	}
	switch m.State {
	case Active:
		return rule("MOVEMENT_NOT_DRAFT", m.Name(), "the movement is launched already")
	case Closed:
		return m.checkNotClosed()
	}
	if d := m.LaunchDocument; d == nil || d.Number == "" || d.SignedOn.IsZero() {
		return rule("LAUNCH_DOCUMENT_REQUIRED", m.Name(), "a movement is launched by a document: set launch_document with its number and signing date first")
	}
	var errs FieldErrors
	CheckActiveUnit(&errs, "launchedBy", m.LaunchedBy, map[string]lineage.Unit{launcher.ID: launcher})
	if !ok || len(errs) > 0 {
		return rule("LAUNCHER_NOT_ACTIVE", m.Name(), "the launching unit cannot launch it: %s", errs.Error())
	}
	m.State, m.LaunchTime, m.UpdateTime, m.Version = Active, now, now, m.Version+1
	return nil
}

// Close closes an active movement with its closing review.
func (m *Movement) Close(r ClosingReview, etag string, now time.Time) error {
	if err := resid.CheckEtag(etag, m.Version); err != nil {
		return err
	}
	switch m.State {
	case Draft:
		return rule("MOVEMENT_NOT_ACTIVE", m.Name(), "a draft movement is launched before it is closed")
	case Closed:
		return m.checkNotClosed()
	}
	r.Document.normalize()
	r.Summary = norm.NFC.String(r.Summary)
	m.Review = &r
	m.State, m.CloseTime, m.UpdateTime, m.Version = Closed, now, now, m.Version+1
	return nil
}
