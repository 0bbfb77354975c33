package domain

import (
	"time"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// UnitKind is what sort of body a unit is. Values match tdkt.blocs.v1.UnitKind.
type UnitKind int32

// Unit kinds.
const (
	KindUnspecified UnitKind = iota
	KindAgency
	KindLocality
	KindEnterprise
	KindArmedForces
	KindOrganization
	KindOther
)

// Level is the administrative level of a unit.
type Level = lineage.Level

// UnitState says whether a unit still exists. Values match
// tdkt.blocs.v1.UnitState.
type UnitState int32

// Unit states.
const (
	UnitStateUnspecified UnitState = iota
	UnitActive
	UnitDissolved
)

// Unit is an agency, locality or other body of the public sector.
type Unit struct {
	ID          string
	DisplayName string
	ShortName   string
	Kind        UnitKind
	Level       Level
	Province    string // id of the province unit; "" for central units
	Parent      string // id of the parent unit, or ""
	Code        string
	State       UnitState
	Successor   string // id, set when dissolved
	DissolvedOn civil.Date
	CreateTime  time.Time
	UpdateTime  time.Time
	Version     int64
	// Revision is the change feed's revision of the unit's last change.
	Revision int64
	// History is what the unit was before its dated changes, oldest first.
	History []Period

	// Filled by reads, not stored.
	Predecessors []string // ids of units dissolved directly into this one
	Current      string   // id of the active unit at the end of the successor chain
}

// Period is a unit as it was until a dated change (a rename, a change of
// kind or level in law) took effect on Until.
type Period struct {
	DisplayName string
	ShortName   string
	Kind        UnitKind
	Level       Level
	Until       civil.Date
}

// UnitFields are the fields a client sets on create and update.
type UnitFields struct {
	DisplayName string
	ShortName   string
	Kind        UnitKind
	Level       Level
	Province    string
	Parent      string
	Code        string
}

// Name is units/{id}.
func (u *Unit) Name() string { return UnitName(u.ID) }

// Etag is the unit's etag.
func (u *Unit) Etag() string { return Etag(u.Version) }

// Normalize puts the text fields in NFC with tidy spaces.
func (f *UnitFields) Normalize() {
	f.DisplayName = vnfold.Normalize(f.DisplayName)
	f.ShortName = vnfold.Normalize(f.ShortName)
	f.Code = vnfold.Normalize(f.Code)
}

// Validate checks the fields alone; prefix is the JSON path of the unit in
// the request ("unit"). References (province, parent) are checked against
// the store by CheckRefs.
func (f *UnitFields) Validate(prefix string) error {
	var errs FieldErrors
	if f.DisplayName == "" {
		errs.Add(prefix+".displayName", "is required")
	}
	if f.Kind == KindUnspecified {
		errs.Add(prefix+".kind", "is required")
	}
	if f.Level == lineage.LevelUnspecified {
		errs.Add(prefix+".level", "is required")
	}
	if (f.Level == lineage.LevelCentral || f.Level == lineage.LevelMinistry) && f.Province != "" {
		errs.Add(prefix+".province", "must be empty for a central or ministry-level unit")
	}
	return errs.Err()
}

// CheckRefs checks the province and parent of a unit with id self against
// the units they name (nil when not found). A province-level locality may
// name itself as its province.
func (f *UnitFields) CheckRefs(prefix, self string, province, parent *Unit) error {
	var errs FieldErrors
	if f.Province != "" {
		switch {
		case f.Province == self:
			if f.Level != lineage.LevelProvince || f.Kind != KindLocality {
				errs.Add(prefix+".province", "%s is not a province: only a province-level locality can be its own province", UnitName(f.Province))
			}
		case province == nil:
			errs.Add(prefix+".province", "unit %s does not exist", UnitName(f.Province))
		case province.Level != lineage.LevelProvince || province.Kind != KindLocality:
			errs.Add(prefix+".province", "%s is not a province", UnitName(f.Province))
		}
	}
	if f.Parent != "" {
		switch {
		case f.Parent == self:
			errs.Add(prefix+".parent", "a unit cannot be its own parent")
		case parent == nil:
			errs.Add(prefix+".parent", "unit %s does not exist", UnitName(f.Parent))
		}
	}
	return errs.Err()
}

// NewUnit builds an active unit from validated fields. A province-level
// locality with no province is its own province.
func NewUnit(id string, f UnitFields, now time.Time) *Unit {
	if f.Province == "" && f.Level == lineage.LevelProvince && f.Kind == KindLocality {
		f.Province = id
	}
	u := &Unit{ID: id, State: UnitActive, Current: id, CreateTime: now, UpdateTime: now, Version: 1}
	u.set(f)
	return u
}

func (u *Unit) set(f UnitFields) {
	u.DisplayName, u.ShortName, u.Kind, u.Level = f.DisplayName, f.ShortName, f.Kind, f.Level
	u.Province, u.Parent, u.Code = f.Province, f.Parent, f.Code
}

// Fields returns the client-settable fields of u.
func (u *Unit) Fields() UnitFields {
	return UnitFields{u.DisplayName, u.ShortName, u.Kind, u.Level, u.Province, u.Parent, u.Code}
}

// Update replaces u's fields with f after checking that u may change.
// effectiveOn dates a change of name, kind or level in law: the unit as it
// was goes into its history until that day, which must come after its
// previous dated change and not after today. A zero effectiveOn corrects
// the record and keeps no history. It returns the period it added, if any.
func (u *Unit) Update(f UnitFields, effectiveOn, today civil.Date, etag string, now time.Time) (*Period, error) {
	if err := CheckEtag(etag, u.Version); err != nil {
		return nil, err
	}
	if u.State == UnitDissolved {
		return nil, rule("UNIT_DISSOLVED", u.Name(), "a dissolved unit cannot be changed")
	}
	var added *Period
	if !effectiveOn.IsZero() {
		was := Period{DisplayName: u.DisplayName, ShortName: u.ShortName, Kind: u.Kind, Level: u.Level, Until: effectiveOn}
		switch {
		case was.DisplayName == f.DisplayName && was.ShortName == f.ShortName && was.Kind == f.Kind && was.Level == f.Level:
			return nil, domainerr.Field("effectiveOn", "dates a change of name, kind or level, and the request changes none")
		case effectiveOn.After(today):
			return nil, domainerr.Field("effectiveOn", "must not be in the future (%s is after %s)", effectiveOn, today)
		case len(u.History) > 0 && !effectiveOn.After(u.History[len(u.History)-1].Until):
			return nil, domainerr.Field("effectiveOn", "must be after the unit's previous dated change, on %s", u.History[len(u.History)-1].Until)
		}
		u.History = append(u.History, was)
		added = &u.History[len(u.History)-1]
	}
	u.set(f)
	u.UpdateTime, u.Version = now, u.Version+1
	return added, nil
}

// On returns the unit's name, kind and level in force on day d: those of
// the first period of its history that ends after d, or its own.
func (u *Unit) On(d civil.Date) Period {
	for _, p := range u.History {
		if d.Before(p.Until) {
			return p
		}
	}
	return Period{DisplayName: u.DisplayName, ShortName: u.ShortName, Kind: u.Kind, Level: u.Level}
}

// Dissolve marks u dissolved into successor from the date on. The
// successor must be another active unit.
func (u *Unit) Dissolve(successor *Unit, on civil.Date, etag string, now time.Time) error {
	if err := CheckEtag(etag, u.Version); err != nil {
		return err
	}
	if u.State == UnitDissolved {
		return rule("UNIT_DISSOLVED", u.Name(), "the unit is already dissolved")
	}
	if successor.ID == u.ID {
		return FieldErrors{{Field: "successor", Description: "a unit cannot succeed itself"}}
	}
	if successor.State != UnitActive {
		return rule("SUCCESSOR_DISSOLVED", successor.Name(), "the successor must be an active unit")
	}
	u.State, u.Successor, u.DissolvedOn = UnitDissolved, successor.ID, on
	u.UpdateTime, u.Version = now, u.Version+1
	return nil
}

// SearchText is what accent-insensitive queries match a unit against.
func (u *Unit) SearchText() string {
	return vnfold.Fold(u.DisplayName + " " + u.ShortName + " " + u.Code)
}
