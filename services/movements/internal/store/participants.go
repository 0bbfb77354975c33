package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/movements/internal/domain"
)

const participantColumns = `movement_id, id, unit, unit_display_name, registered_on, commitment, create_time`

var participantCopyColumns = []string{"movement_id", "id", "unit", "unit_display_name", "registered_on", "commitment", "create_time", "sort_key"}

func scanParticipant(row interface{ Scan(...any) error }, extra ...any) (*domain.Participant, error) {
	var p domain.Participant
	if err := row.Scan(append([]any{&p.Movement, &p.ID, &p.Unit, &p.UnitDisplayName, &p.RegisteredOn, &p.Commitment,
		sqlstore.Micros(&p.CreateTime)}, extra...)...); err != nil {
		return nil, err
	}
	return &p, nil
}

// InsertParticipants registers ps in movement m (locked by the caller) and
// counts them in m, which the caller writes. A unit or id the movement has
// already is an ExistsError naming the participant that has it.
func (tx *Tx) InsertParticipants(ctx context.Context, m *domain.Movement, ps []*domain.Participant) error {
	if err := tx.checkNewParticipants(ctx, m.ID, ps); err != nil {
		return err
	}
	rows := make([][]any, len(ps))
	for i, p := range ps {
		rows[i] = []any{p.Movement, p.ID, p.Unit, p.UnitDisplayName, dateText(p.RegisteredOn), p.Commitment,
			p.CreateTime.UnixMicro(), vnfold.SortKey(p.UnitDisplayName)}
	}
	if err := tx.Copy(ctx, "participants", participantCopyColumns, rows); err != nil {
		if sqlstore.IsUniqueViolation(err) {
			return &domain.ExistsError{Name: domain.ParticipantName(m.ID, ps[0].ID)}
		}
		return err
	}
	m.ParticipantCount += len(ps)
	return nil
}

// checkNewParticipants finds the first of ps whose unit or id movement
// has already, and names the participant that has it.
func (tx *Tx) checkNewParticipants(ctx context.Context, movement string, ps []*domain.Participant) error {
	for chunk := range slices.Chunk(ps, 400) {
		var w sqlstore.Where
		m := w.Next(movement)
		units, ids := make([]string, len(chunk)), make([]string, len(chunk))
		for i, p := range chunk {
			units[i], ids[i] = w.Next(p.Unit), w.Next(p.ID)
		}
		var id string
		err := tx.Q.QueryRowContext(ctx, fmt.Sprintf(`SELECT id FROM participants WHERE movement_id = %s AND (unit IN (%s) OR id IN (%s))
			ORDER BY id LIMIT 1`, m, strings.Join(units, ","), strings.Join(ids, ",")), w.Args...).Scan(&id)
		switch {
		case err == nil:
			return &domain.ExistsError{Name: domain.ParticipantName(movement, id)}
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("existing participants: %w", err)
		}
	}
	return nil
}

// ParticipantCursor is the position after the last participant of a page.
type ParticipantCursor struct {
	SortKey []byte `json:"k"`
	ID      string `json:"i"`
}

// ListParticipants returns up to size participants of movement after
// cursor in Vietnamese collation order of the unit's name, then id; the
// cursor of the next page (nil on the last).
func (r reader) ListParticipants(ctx context.Context, movement string, after *ParticipantCursor, size int) ([]*domain.Participant, *ParticipantCursor, error) {
	var w sqlstore.Where
	w.Add("movement_id = ?", movement)
	if after != nil {
		k, i := w.Next(after.SortKey), w.Next(after.ID)
		w.Conds = append(w.Conds, fmt.Sprintf("(sort_key > %s OR (sort_key = %s AND id > %s))", k, k, i))
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+participantColumns+`, sort_key FROM participants`+w.SQL()+
		fmt.Sprintf(` ORDER BY sort_key, id LIMIT %d`, size+1), w.Args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list participants: %w", err)
	}
	defer rows.Close()
	var (
		out  []*domain.Participant
		keys [][]byte
	)
	for rows.Next() {
		var key []byte
		p, err := scanParticipant(rows, &key)
		if err != nil {
			return nil, nil, err
		}
		out, keys = append(out, p), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var next *ParticipantCursor
	if len(out) > size {
		out = out[:size]
		next = &ParticipantCursor{SortKey: keys[size-1], ID: out[size-1].ID}
	}
	return out, next, nil
}
