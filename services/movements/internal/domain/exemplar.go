package domain

import (
	"slices"
	"strconv"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// ExemplarState is where an exemplar stands. Values match
// tdkt.movements.v1.ExemplarState.
type ExemplarState int32

// Exemplar states.
const (
	ExemplarStateUnspecified ExemplarState = iota
	Proposed
	Recognized
	Replicated
)

// Exemplar is an advanced exemplar (điển hình tiên tiến) of a movement.
type Exemplar struct {
	Movement string
	ID       string
	ExemplarFields
	// Province is the bare id of the province of the recipient's unit (or
	// of the launching unit) when the exemplar was last written.
	Province   string
	CreateTime time.Time
	UpdateTime time.Time
	Version    int64
}

// Name is movements/{movement}/exemplars/{id}.
func (e *Exemplar) Name() string { return ExemplarName(e.Movement, e.ID) }

// Etag is the exemplar's etag.
func (e *Exemplar) Etag() string { return resid.Etag(e.Version) }

// ExemplarFields are what a request sets of an exemplar.
type ExemplarFields struct {
	// Recipient is the JSON of a tdkt.type.v1.Recipient, without personal
	// data (the server refuses citizen ids and birth years).
	Recipient string
	// RecipientName orders and finds the exemplar: the person's, the head
	// of household's or the unit's name.
	RecipientName string
	// Unit is the bare id of the recipient's unit (a household's commune);
	// "" for none.
	Unit         string
	Field        string
	Model        string
	RecognizedOn civil.Date
	State        ExemplarState
	// Honours are full names (honours/{h}) in the honours service.
	Honours []string
}

// Normalize puts the text in NFC and an unset state to PROPOSED.
func (f *ExemplarFields) Normalize() {
	f.RecipientName = norm.NFC.String(f.RecipientName)
	f.Field = norm.NFC.String(f.Field)
	f.Model = norm.NFC.String(f.Model)
	if f.State == ExemplarStateUnspecified {
		f.State = Proposed
	}
}

// SearchText is what the accent-insensitive query matches.
func (f *ExemplarFields) SearchText() string {
	return f.RecipientName + " " + f.Field + " " + f.Model
}

// Validate checks f against the units it names (from the unit mirror);
// prefix is the exemplar's JSON path in the request, unitField the path of
// its unit.
func (f *ExemplarFields) Validate(prefix, unitField string, units map[string]lineage.Unit) error {
	var errs FieldErrors
	if f.Unit != "" {
		if _, ok := units[f.Unit]; !ok {
			errs.Add(unitField, "units/%s does not exist", f.Unit)
		}
	}
	if f.RecipientName == "" {
		errs.Add(prefix+".recipient", "needs a name: full_name, head_name or a unit")
	}
	seen := map[string]int{}
	for i, h := range f.Honours {
		if j, ok := seen[h]; ok {
			errs.Add(prefix+".honours["+strconv.Itoa(i)+"]", "repeats honours[%d]", j)
		}
		seen[h] = i
	}
	if f.State == Recognized || f.State == Replicated {
		if f.RecognizedOn.IsZero() {
			errs.Add(prefix+".recognizedOn", "is required once the exemplar is recognised")
		}
	}
	return errs.Err()
}

// NewExemplar returns a new exemplar of movement, in province.
func NewExemplar(movement, id string, f ExemplarFields, province string, now time.Time) *Exemplar {
	return &Exemplar{Movement: movement, ID: id, ExemplarFields: f, Province: province, CreateTime: now, UpdateTime: now, Version: 1}
}

// Update replaces the fields of e when etag is current.
func (e *Exemplar) Update(f ExemplarFields, province, etag string, now time.Time) error {
	if err := resid.CheckEtag(etag, e.Version); err != nil {
		return err
	}
	e.ExemplarFields, e.Province = f, province
	e.Honours = slices.Clone(f.Honours)
	e.UpdateTime, e.Version = now, e.Version+1
	return nil
}
