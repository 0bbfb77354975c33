// Package lineage holds the plain types other services see units of the
// blocs service through: a unit's level, name, province and place in the
// chain of mergers (the successor it was dissolved into, the units
// dissolved into it). It does no I/O, so that the other services' domain
// packages can use it; blocsclient fills it from the blocs service.
package lineage

import "github.com/tdkt-vn/tdkt/platform/civil"

// Level is the administrative level of a unit. Values match
// tdkt.blocs.v1.UnitLevel, so conversions are plain casts.
type Level int32

// Levels.
const (
	LevelUnspecified Level = iota
	LevelCentral
	LevelMinistry
	LevelProvince
	LevelCommune
	LevelGrassroots
)

func (l Level) String() string {
	switch l {
	case LevelCentral:
		return "CENTRAL"
	case LevelMinistry:
		return "MINISTRY"
	case LevelProvince:
		return "PROVINCE"
	case LevelCommune:
		return "COMMUNE"
	case LevelGrassroots:
		return "GRASSROOTS"
	}
	return "LEVEL_UNSPECIFIED"
}

// Unit is a unit of the public sector as other services see it. IDs are
// bare unit ids ("bac-kan"), not names.
type Unit struct {
	ID          string
	DisplayName string // "Ủy ban nhân dân tỉnh Bắc Kạn"
	ShortName   string // "Bắc Kạn"; may be empty
	Level       Level
	// Province is the id of the unit's province (a province is its own);
	// "" for central units and ministries.
	Province string
	// Parent is the id of the unit it belongs to; "" for a top unit.
	Parent      string
	Dissolved   bool
	DissolvedOn civil.Date // zero unless Dissolved
	// Successor is the id of the unit it was dissolved into; "" while it is
	// active.
	Successor string
	// Current is the id of the active unit at the end of the successor
	// chain: the unit itself while it is active.
	Current string
	// Predecessors are the ids of the units dissolved directly into this one.
	Predecessors []string
	// History is what the unit was called before its dated changes, oldest
	// first.
	History []Period
}

// Period is a unit's name and level until a dated change took effect on
// Until (Thừa Thiên Huế became the city of Huế on 2025-01-01).
type Period struct {
	DisplayName string
	ShortName   string
	Level       Level
	Until       civil.Date
}

// On returns the unit's names and level in force on day d.
func (u Unit) On(d civil.Date) Period {
	for _, p := range u.History {
		if d.Before(p.Until) {
			return p
		}
	}
	return Period{DisplayName: u.DisplayName, ShortName: u.ShortName, Level: u.Level}
}
