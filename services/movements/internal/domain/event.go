package domain

import (
	"strconv"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/resname"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// EventKind is what an event is. Values match tdkt.movements.v1.EventKind.
type EventKind int32

// Event kinds.
const (
	EventKindUnspecified EventKind = iota
	Congress
	MidtermReview
	FinalReview
	CovenantSigning
	HonouringConference
	OtherEvent
)

// Event is an emulation event: a congress (đại hội thi đua yêu nước), a
// review (sơ kết, tổng kết), a covenant signing, an honouring conference.
type Event struct {
	ID string
	EventFields
	CreateTime time.Time
}

// Name is events/{id}.
func (e *Event) Name() string { return EventName(e.ID) }

// EventFields are what a request sets of an event. Unit, group and
// movement references are bare ids; decisions are full names
// (decisions/{d}) of the honours service.
type EventFields struct {
	Kind      EventKind
	Organizer string
	Group     string
	Movement  string
	HeldOn    civil.Date
	Ordinal   int
	// Period is optional: both dates zero for none.
	Period    Period
	Summary   string
	Decisions []string
}

// Normalize puts the text in NFC.
func (f *EventFields) Normalize() { f.Summary = norm.NFC.String(f.Summary) }

// HasPeriod reports whether the event has a period.
func (f *EventFields) HasPeriod() bool { return !f.Period.Start.IsZero() || !f.Period.End.IsZero() }

// Validate checks the fields; prefix is their JSON path ("event"), and
// units holds the units the server found (the organizer), from the unit
// mirror. Whether the group and the movement exist is checked by the
// server.
func (f *EventFields) Validate(prefix string, units map[string]lineage.Unit) error {
	var errs FieldErrors
	if f.Kind == EventKindUnspecified {
		errs.Add(prefix+".kind", "is required")
	}
	checkRequiredUnit(&errs, prefix+".organizer", f.Organizer, units)
	if f.HeldOn.IsZero() {
		errs.Add(prefix+".heldOn", "is required")
	}
	if f.Kind == Congress && f.Ordinal == 0 {
		errs.Add(prefix+".ordinal", "is required for a congress")
	}
	if f.HasPeriod() {
		f.Period.check(&errs, prefix+".period")
	}
	seen := map[string]int{}
	for i, d := range f.Decisions {
		if _, ok := DecisionPattern.ID(d); !ok {
			errs.Add(prefix+".decisions["+strconv.Itoa(i)+"]", "must be %s", DecisionPattern)
			continue
		}
		if j, ok := seen[d]; ok {
			errs.Add(prefix+".decisions["+strconv.Itoa(i)+"]", "%s is decisions[%d] too", d, j)
		}
		seen[d] = i
	}
	return errs.Err()
}

// DecisionPattern is the name of a decision of the honours service.
const DecisionPattern resname.Pattern = "decisions/{decision}"

// NewEvent builds an event from validated fields.
func NewEvent(id string, f EventFields, now time.Time) *Event {
	return &Event{ID: id, EventFields: f, CreateTime: now}
}

// OrdinalScope is what a congress's ordinal is unique within: its group
// when it has one, else its organizer; "" when the ordinal need not be
// unique (not a congress).
func (f *EventFields) OrdinalScope() string {
	switch {
	case f.Kind != Congress || f.Ordinal == 0:
		return ""
	case f.Group != "":
		return "groups/" + f.Group
	default:
		return "units/" + f.Organizer
	}
}
