package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/movements/internal/domain"
)

const exemplarColumns = `movement_id, id, recipient, recipient_name, unit, province, field, model, recognized_on, state, honours,
	create_time, update_time, version`

func scanExemplar(row interface{ Scan(...any) error }, extra ...any) (*domain.Exemplar, error) {
	var e domain.Exemplar
	if err := row.Scan(append([]any{&e.Movement, &e.ID, &e.Recipient, &e.RecipientName, &e.Unit, &e.Province, &e.Field, &e.Model,
		&e.RecognizedOn, &e.State, sqlstore.JSON(&e.Honours), sqlstore.Micros(&e.CreateTime), sqlstore.Micros(&e.UpdateTime),
		&e.Version}, extra...)...); err != nil {
		return nil, err
	}
	return &e, nil
}

// LockExemplar returns an exemplar of movement, locked for update.
func (tx *Tx) LockExemplar(ctx context.Context, movement, id string) (*domain.Exemplar, error) {
	e, err := scanExemplar(tx.Q.QueryRowContext(ctx, `SELECT `+exemplarColumns+` FROM exemplars WHERE movement_id = $1 AND id = $2`+
		tx.ForUpdate(), movement, id))
	if err != nil {
		return nil, sqlstore.NotFound(err, domain.ExemplarName(movement, id))
	}
	return e, nil
}

// InsertExemplar stores a new exemplar; an existing id is an ExistsError.
func (tx *Tx) InsertExemplar(ctx context.Context, e *domain.Exemplar) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO exemplars (`+exemplarColumns+`, sort_key, search)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
		e.Movement, e.ID, e.Recipient, e.RecipientName, e.Unit, e.Province, e.Field, e.Model, e.RecognizedOn, e.State,
		sqlstore.JSON(e.Honours), sqlstore.Micros(&e.CreateTime), sqlstore.Micros(&e.UpdateTime), e.Version,
		vnfold.SortKey(e.RecipientName), vnfold.Fold(e.SearchText()))
	if sqlstore.IsUniqueViolation(err) {
		return &domain.ExistsError{Name: e.Name()}
	}
	return err
}

// UpdateExemplar writes e back.
func (tx *Tx) UpdateExemplar(ctx context.Context, e *domain.Exemplar) error {
	_, err := tx.ExecContext(ctx, `UPDATE exemplars SET recipient = $3, recipient_name = $4, unit = $5, province = $6, field = $7,
		model = $8, recognized_on = $9, state = $10, honours = $11, update_time = $12, version = $13, sort_key = $14, search = $15
		WHERE movement_id = $1 AND id = $2`,
		e.Movement, e.ID, e.Recipient, e.RecipientName, e.Unit, e.Province, e.Field, e.Model, e.RecognizedOn, e.State,
		sqlstore.JSON(e.Honours), sqlstore.Micros(&e.UpdateTime), e.Version, vnfold.SortKey(e.RecipientName), vnfold.Fold(e.SearchText()))
	return err
}

// ExemplarFilter selects exemplars in ListExemplars; zero values select
// all.
type ExemplarFilter struct {
	Movement string   // "" for every movement
	Province []string // any of these province ids; nil: any
	Field    string
	State    domain.ExemplarState
	Year     int
	Query    string
	// Drafts says whose drafts' exemplars the caller sees.
	Drafts policy.Scope
}

// ExemplarCursor is the position after the last exemplar of a page.
type ExemplarCursor struct {
	SortKey  []byte `json:"k"`
	Movement string `json:"m"`
	ID       string `json:"i"`
}

// ListExemplars returns up to size exemplars after cursor in Vietnamese
// collation order of the recipient's name, then movement and id; the
// cursor of the next page (nil on the last) and the number of matches.
func (r reader) ListExemplars(ctx context.Context, f ExemplarFilter, after *ExemplarCursor, size int) ([]*domain.Exemplar, *ExemplarCursor, int, error) {
	var w sqlstore.Where
	if f.Movement != "" {
		w.Add("movement_id = ?", f.Movement)
	}
	if f.Province != nil {
		w.In("province", f.Province...)
	}
	if f.Field != "" {
		w.Add("field = ?", f.Field)
	}
	if f.State != domain.ExemplarStateUnspecified {
		w.Add("state = ?", f.State)
	}
	if f.Year != 0 {
		w.Add("recognized_on >= ? AND recognized_on <= ?", strconv.Itoa(f.Year)+"-01-01", strconv.Itoa(f.Year)+"-12-31")
	}
	r.Search(&w, "exemplars", f.Query)
	// Exemplars of a draft only within the caller's scope.
	n := len(w.Conds)
	w.Visible("state <> ?", domain.Draft, "launched_by", f.Drafts.All, f.Drafts.Units)
	if len(w.Conds) > n {
		w.Conds[n] = "movement_id IN (SELECT id FROM movements WHERE " + w.Conds[n] + ")"
	}
	total, err := r.Count(ctx, `SELECT COUNT(*) FROM exemplars`+w.SQL(), w.Args...)
	if err != nil {
		return nil, nil, 0, err
	}
	if after != nil {
		k, m, i := w.Next(after.SortKey), w.Next(after.Movement), w.Next(after.ID)
		w.Conds = append(w.Conds, fmt.Sprintf("(sort_key > %s OR (sort_key = %s AND (movement_id > %s OR (movement_id = %s AND id > %s))))",
			k, k, m, m, i))
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+exemplarColumns+`, sort_key FROM exemplars`+w.SQL()+
		fmt.Sprintf(` ORDER BY sort_key, movement_id, id LIMIT %d`, size+1), w.Args...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list exemplars: %w", err)
	}
	defer rows.Close()
	var (
		out  []*domain.Exemplar
		keys [][]byte
	)
	for rows.Next() {
		var key []byte
		e, err := scanExemplar(rows, &key)
		if err != nil {
			return nil, nil, 0, err
		}
		out, keys = append(out, e), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	var next *ExemplarCursor
	if len(out) > size {
		out = out[:size]
		next = &ExemplarCursor{SortKey: keys[size-1], Movement: out[size-1].Movement, ID: out[size-1].ID}
	}
	return out, next, total, nil
}

// GetExemplar returns an exemplar of movement.
func (r reader) GetExemplar(ctx context.Context, movement, id string) (*domain.Exemplar, error) {
	e, err := scanExemplar(r.Q.QueryRowContext(ctx, `SELECT `+exemplarColumns+` FROM exemplars WHERE movement_id = $1 AND id = $2`,
		movement, id))
	if err != nil {
		return nil, sqlstore.NotFound(err, domain.ExemplarName(movement, id))
	}
	return e, nil
}

// ExemplarStateCount is how many exemplars of a movement are in a state.
type ExemplarStateCount struct {
	State domain.ExemplarState
	Count int
}

// ExemplarStates counts the exemplars of movement by state, in the order
// of the states; states without exemplars are left out.
func (r reader) ExemplarStates(ctx context.Context, movement string) ([]ExemplarStateCount, error) {
	rows, err := r.Q.QueryContext(ctx, `SELECT state, COUNT(*) FROM exemplars WHERE movement_id = $1 GROUP BY state ORDER BY state`, movement)
	if err != nil {
		return nil, fmt.Errorf("exemplars by state: %w", err)
	}
	defer rows.Close()
	var out []ExemplarStateCount
	for rows.Next() {
		var c ExemplarStateCount
		if err := rows.Scan(&c.State, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
