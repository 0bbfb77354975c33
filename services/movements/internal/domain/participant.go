package domain

import (
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/resname"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// Participant is a unit taking part in a movement. A unit takes part in a
// movement once.
type Participant struct {
	Movement string // movement id
	ID       string
	Unit     string // unit id
	// UnitDisplayName is the unit's name on registration, for lists.
	UnitDisplayName string
	RegisteredOn    civil.Date
	Commitment      string
	CreateTime      time.Time
}

// Name is movements/{movement}/participants/{id}.
func (p *Participant) Name() string { return ParticipantName(p.Movement, p.ID) }

// NewParticipant is what a request registers; field is its JSON path
// ("participant", "requests[3].participant"). The id is the unit's unless
// the client chose one.
type NewParticipant struct {
	Field        string
	ID           string
	Unit         string
	RegisteredOn civil.Date
	Commitment   string
}

// Participants checks what a request registers against the units the
// server found (from the unit mirror) and one another, and builds the
// participants of movement m: each unit must exist and be active, and
// appear once, as each id.
func Participants(m *Movement, news []NewParticipant, units map[string]lineage.Unit, now time.Time) ([]*Participant, error) {
	if err := m.CheckOpen(); err != nil {
		return nil, err
	}
	var errs FieldErrors
	byUnit, byID := map[string]string{}, map[string]string{}
	out := make([]*Participant, 0, len(news))
	for _, n := range news {
		CheckActiveUnit(&errs, n.Field+".unit", n.Unit, units)
		id := n.ID
		if id == "" {
			id = n.Unit
		}
		if first, ok := byUnit[n.Unit]; ok {
			errs.Add(n.Field+".unit", "%s is registered by %s too", resname.Unit.Format(n.Unit), first)
		}
		if first, ok := byID[id]; ok && byUnit[n.Unit] == "" {
			errs.Add(n.Field+".participantId", "%s is the id of %s too", id, first)
		}
		byUnit[n.Unit], byID[id] = n.Field, n.Field
		out = append(out, &Participant{
			Movement: m.ID, ID: id, Unit: n.Unit, UnitDisplayName: units[n.Unit].DisplayName,
			RegisteredOn: n.RegisteredOn, Commitment: norm.NFC.String(n.Commitment), CreateTime: now,
		})
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
