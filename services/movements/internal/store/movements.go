package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/movements/internal/domain"
)

const movementColumns = `id, title, kind, launched_by, launch_document, period_start, period_end, objectives, criteria,
	state, closing_review, participant_count, create_time, update_time, launch_time, close_time, version`

func scanMovement(row interface{ Scan(...any) error }, extra ...any) (*domain.Movement, error) {
	var m domain.Movement
	if err := row.Scan(append([]any{&m.ID, &m.Title, &m.Kind, &m.LaunchedBy, sqlstore.JSON(&m.LaunchDocument), &m.Period.Start, &m.Period.End,
		&m.Objectives, sqlstore.JSON(&m.Criteria), &m.State, sqlstore.JSON(&m.Review), &m.ParticipantCount,
		sqlstore.Micros(&m.CreateTime), sqlstore.Micros(&m.UpdateTime), sqlstore.Micros(&m.LaunchTime), sqlstore.Micros(&m.CloseTime),
		&m.Version}, extra...)...); err != nil {
		return nil, err
	}
	return &m, nil
}

func (r reader) getMovement(ctx context.Context, id, lock string) (*domain.Movement, error) {
	row := r.Q.QueryRowContext(ctx, `SELECT `+movementColumns+` FROM movements WHERE id = $1`+lock, id)
	m, err := scanMovement(row)
	if err != nil {
		return nil, sqlstore.NotFound(err, domain.MovementName(id))
	}
	return m, nil
}

// GetMovement returns a movement.
func (r reader) GetMovement(ctx context.Context, id string) (*domain.Movement, error) {
	return r.getMovement(ctx, id, "")
}

// LockMovement returns a movement for a read-modify-write.
func (tx *Tx) LockMovement(ctx context.Context, id string) (*domain.Movement, error) {
	return tx.getMovement(ctx, id, tx.ForUpdate())
}

// MovementFilter selects movements in ListMovements.
type MovementFilter struct {
	LaunchedBy []string // any of these unit ids; nil: any
	State      domain.State
	Year       int
	Query      string
	// Drafts says whose drafts the caller sees; other drafts are left out.
	Drafts policy.Scope
}

// MovementCursor is the position after the last movement of a page.
type MovementCursor struct {
	SortKey []byte `json:"k"`
	ID      string `json:"i"`
}

// ListMovements returns up to size movements after cursor (nil: from the
// start) in Vietnamese collation order of title, then id; the cursor of
// the next page (nil on the last) and the number of matching movements.
func (r reader) ListMovements(ctx context.Context, f MovementFilter, after *MovementCursor, size int) ([]*domain.Movement, *MovementCursor, int, error) {
	var w sqlstore.Where
	if f.LaunchedBy != nil {
		w.In("launched_by", f.LaunchedBy...)
	}
	if f.State != domain.StateUnspecified {
		w.Add("state = ?", f.State)
	}
	if f.Year != 0 {
		w.Add("period_start <= ? AND period_end >= ?", strconv.Itoa(f.Year)+"-12-31", strconv.Itoa(f.Year)+"-01-01")
	}
	r.Search(&w, "movements", f.Query)
	w.Visible("state <> ?", domain.Draft, "launched_by", f.Drafts.All, f.Drafts.Units)
	total, err := r.Count(ctx, `SELECT COUNT(*) FROM movements`+w.SQL(), w.Args...)
	if err != nil {
		return nil, nil, 0, err
	}
	if after != nil {
		k, i := w.Next(after.SortKey), w.Next(after.ID)
		w.Conds = append(w.Conds, fmt.Sprintf("(sort_key > %s OR (sort_key = %s AND id > %s))", k, k, i))
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+movementColumns+`, sort_key FROM movements`+w.SQL()+
		fmt.Sprintf(` ORDER BY sort_key, id LIMIT %d`, size+1), w.Args...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list movements: %w", err)
	}
	defer rows.Close()
	var (
		out  []*domain.Movement
		keys [][]byte
	)
	for rows.Next() {
		var key []byte
		m, err := scanMovement(rows, &key)
		if err != nil {
			return nil, nil, 0, err
		}
		out, keys = append(out, m), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	var next *MovementCursor
	if len(out) > size {
		out = out[:size]
		next = &MovementCursor{SortKey: keys[size-1], ID: out[size-1].ID}
	}
	return out, next, total, nil
}

// InsertMovement stores a new movement; an existing id is an ExistsError.
func (tx *Tx) InsertMovement(ctx context.Context, m *domain.Movement) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO movements (`+movementColumns+`, sort_key, search)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)`,
		m.ID, m.Title, m.Kind, m.LaunchedBy, sqlstore.JSON(m.LaunchDocument), m.Period.Start, m.Period.End, m.Objectives,
		sqlstore.JSON(m.Criteria), m.State, sqlstore.JSON(m.Review), m.ParticipantCount,
		sqlstore.Micros(&m.CreateTime), sqlstore.Micros(&m.UpdateTime), sqlstore.Micros(&m.LaunchTime), sqlstore.Micros(&m.CloseTime),
		m.Version, vnfold.SortKey(m.Title), m.SearchText())
	if sqlstore.IsUniqueViolation(err) {
		return &domain.ExistsError{Name: m.Name()}
	}
	return err
}

// UpdateMovement writes m, which was read at version m.Version-1.
func (tx *Tx) UpdateMovement(ctx context.Context, m *domain.Movement) error {
	res, err := tx.ExecContext(ctx, `UPDATE movements SET title=$2, kind=$3, launched_by=$4, launch_document=$5,
		period_start=$6, period_end=$7, objectives=$8, criteria=$9, state=$10, closing_review=$11, participant_count=$12,
		update_time=$13, launch_time=$14, close_time=$15, version=$16, sort_key=$17, search=$18
		WHERE id=$1 AND version=$19`,
		m.ID, m.Title, m.Kind, m.LaunchedBy, sqlstore.JSON(m.LaunchDocument), m.Period.Start, m.Period.End, m.Objectives,
		sqlstore.JSON(m.Criteria), m.State, sqlstore.JSON(m.Review), m.ParticipantCount,
		sqlstore.Micros(&m.UpdateTime), sqlstore.Micros(&m.LaunchTime), sqlstore.Micros(&m.CloseTime), m.Version,
		vnfold.SortKey(m.Title), m.SearchText(), m.Version-1)
	return sqlstore.CheckUpdated(res, err)
}

// dateText is a civil date as the schema keeps it.
func dateText(d civil.Date) string { return d.String() }
