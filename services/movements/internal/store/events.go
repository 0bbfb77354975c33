package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/services/movements/internal/domain"
)

const eventColumns = `id, kind, organizer, group_id, movement_id, held_on, ordinal, period_start, period_end, summary, decisions, create_time`

func scanEvent(row interface{ Scan(...any) error }) (*domain.Event, error) {
	var e domain.Event
	if err := row.Scan(&e.ID, &e.Kind, &e.Organizer, &e.Group, &e.Movement, &e.HeldOn, &e.Ordinal, &e.Period.Start, &e.Period.End,
		&e.Summary, sqlstore.JSON(&e.Decisions), sqlstore.Micros(&e.CreateTime)); err != nil {
		return nil, err
	}
	return &e, nil
}

// GetEvent returns an event.
func (r reader) GetEvent(ctx context.Context, id string) (*domain.Event, error) {
	e, err := scanEvent(r.Q.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM events WHERE id = $1`, id))
	if err != nil {
		return nil, sqlstore.NotFound(err, domain.EventName(id))
	}
	return e, nil
}

// InsertEvent stores a new event. An existing id, or a congress whose
// ordinal its group or organizer has already, is an ExistsError naming the
// event that has it.
func (tx *Tx) InsertEvent(ctx context.Context, e *domain.Event) error {
	scope := e.OrdinalScope()
	if scope != "" {
		var id string
		err := tx.Q.QueryRowContext(ctx, `SELECT id FROM events WHERE ordinal_scope = $1 AND ordinal = $2`, scope, e.Ordinal).Scan(&id)
		switch {
		case err == nil:
			return &domain.ExistsError{Name: domain.EventName(id)}
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("congress ordinal: %w", err)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO events (`+eventColumns+`, ordinal_scope)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		e.ID, e.Kind, e.Organizer, e.Group, e.Movement, e.HeldOn, e.Ordinal, e.Period.Start, e.Period.End, e.Summary,
		sqlstore.JSON(e.Decisions), sqlstore.Micros(&e.CreateTime), scope)
	if sqlstore.IsUniqueViolation(err) {
		return &domain.ExistsError{Name: e.Name()}
	}
	return err
}

// EventFilter selects events in ListEvents; zero values select all.
type EventFilter struct {
	Kind      domain.EventKind
	Organizer []string // any of these unit ids; nil: any
	Group     string
	Movement  string
	Year      int
}

// EventCursor is the position after the last event of a page.
type EventCursor struct {
	HeldOn string `json:"h"`
	ID     string `json:"i"`
}

// ListEvents returns up to size events after cursor, newest first (held_on,
// then id, descending); the cursor of the next page (nil on the last) and
// the number of matching events.
func (r reader) ListEvents(ctx context.Context, f EventFilter, after *EventCursor, size int) ([]*domain.Event, *EventCursor, int, error) {
	var w sqlstore.Where
	if f.Kind != domain.EventKindUnspecified {
		w.Add("kind = ?", f.Kind)
	}
	if f.Organizer != nil {
		w.In("organizer", f.Organizer...)
	}
	if f.Group != "" {
		w.Add("group_id = ?", f.Group)
	}
	if f.Movement != "" {
		w.Add("movement_id = ?", f.Movement)
	}
	if f.Year != 0 {
		w.Add("held_on >= ? AND held_on <= ?", strconv.Itoa(f.Year)+"-01-01", strconv.Itoa(f.Year)+"-12-31")
	}
	total, err := r.Count(ctx, `SELECT COUNT(*) FROM events`+w.SQL(), w.Args...)
	if err != nil {
		return nil, nil, 0, err
	}
	if after != nil {
		h, i := w.Next(after.HeldOn), w.Next(after.ID)
		w.Conds = append(w.Conds, fmt.Sprintf("(held_on < %s OR (held_on = %s AND id < %s))", h, h, i))
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+eventColumns+` FROM events`+w.SQL()+
		fmt.Sprintf(` ORDER BY held_on DESC, id DESC LIMIT %d`, size+1), w.Args...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list events: %w", err)
	}
	defer rows.Close()
	var out []*domain.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, nil, 0, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	var next *EventCursor
	if len(out) > size {
		out = out[:size]
		next = &EventCursor{HeldOn: out[size-1].HeldOn.String(), ID: out[size-1].ID}
	}
	return out, next, total, nil
}
