package domain

import (
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
)

// GroupKind says whether a group gathers agencies (a bloc) or localities (a
// cluster). Values match tdkt.blocs.v1.GroupKind.
type GroupKind int32

// Group kinds.
const (
	GroupKindUnspecified GroupKind = iota
	Bloc
	Cluster
)

// GroupState is whether a group still runs. Values match
// tdkt.blocs.v1.GroupState.
type GroupState int32

// Group states.
const (
	GroupStateUnspecified GroupState = iota
	GroupActive
	GroupArchived
)

// Group is an emulation bloc (khối thi đua) or cluster (cụm thi đua).
type Group struct {
	ID          string
	Kind        GroupKind
	DisplayName string
	Organizer   string // unit id
	Description string
	State       GroupState
	CreateTime  time.Time
	UpdateTime  time.Time
	Version     int64
}

// GroupFields are the fields a client sets.
type GroupFields struct {
	Kind        GroupKind
	DisplayName string
	Organizer   string
	Description string
}

// Name is groups/{id}.
func (g *Group) Name() string { return GroupName(g.ID) }

// Etag is the group's etag.
func (g *Group) Etag() string { return Etag(g.Version) }

// Fields returns the client-settable fields of g.
func (g *Group) Fields() GroupFields {
	return GroupFields{g.Kind, g.DisplayName, g.Organizer, g.Description}
}

// Normalize puts the text fields in NFC with tidy spaces (the description
// keeps its line breaks).
func (f *GroupFields) Normalize() {
	f.DisplayName = vnfold.Normalize(f.DisplayName)
	f.Description = norm.NFC.String(f.Description)
}

// Validate checks the fields; organizer is the unit the organizer field
// names (nil when it does not exist).
func (f *GroupFields) Validate(prefix string, organizer *Unit) error {
	var errs FieldErrors
	if f.Kind == GroupKindUnspecified {
		errs.Add(prefix+".kind", "is required")
	}
	if f.DisplayName == "" {
		errs.Add(prefix+".displayName", "is required")
	}
	switch {
	case f.Organizer == "":
		errs.Add(prefix+".organizer", "is required")
	case organizer == nil:
		errs.Add(prefix+".organizer", "unit %s does not exist", UnitName(f.Organizer))
	}
	return errs.Err()
}

// NewGroup builds an active group from validated fields.
func NewGroup(id string, f GroupFields, now time.Time) *Group {
	g := &Group{ID: id, State: GroupActive, CreateTime: now, UpdateTime: now, Version: 1}
	g.set(f)
	return g
}

func (g *Group) set(f GroupFields) {
	g.Kind, g.DisplayName, g.Organizer, g.Description = f.Kind, f.DisplayName, f.Organizer, f.Description
}

// CheckActive fails when the group is archived: it takes no new members,
// terms, covenants or scores.
func (g *Group) CheckActive() error {
	if g.State == GroupArchived {
		return rule("GROUP_ARCHIVED", g.Name(), "the group is archived")
	}
	return nil
}

// Update replaces g's fields.
func (g *Group) Update(f GroupFields, etag string, now time.Time) error {
	if err := CheckEtag(etag, g.Version); err != nil {
		return err
	}
	if err := g.CheckActive(); err != nil {
		return err
	}
	g.set(f)
	g.UpdateTime, g.Version = now, g.Version+1
	return nil
}

// Archive archives g.
func (g *Group) Archive(etag string, now time.Time) error {
	if err := CheckEtag(etag, g.Version); err != nil {
		return err
	}
	if err := g.CheckActive(); err != nil {
		return err
	}
	g.State, g.UpdateTime, g.Version = GroupArchived, now, g.Version+1
	return nil
}

// SearchText is what accent-insensitive queries match a group against.
func (g *Group) SearchText() string { return vnfold.Fold(g.DisplayName) }
