package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/domain"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

const unitColumns = `id, display_name, short_name, kind, level, province, parent, code, state,
	successor, dissolved_on, create_time, update_time, version, revision`

func scanUnit(row interface{ Scan(...any) error }) (*domain.Unit, error) {
	var u domain.Unit
	err := row.Scan(&u.ID, &u.DisplayName, &u.ShortName, &u.Kind, &u.Level, &u.Province, &u.Parent,
		&u.Code, &u.State, &u.Successor, &u.DissolvedOn, sqlstore.Micros(&u.CreateTime), sqlstore.Micros(&u.UpdateTime),
		&u.Version, &u.Revision)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// GetUnit returns a unit with its lineage.
func (r reader) GetUnit(ctx context.Context, id string) (*domain.Unit, error) {
	u, err := r.getUnit(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := r.fillLineage(ctx, []*domain.Unit{u}); err != nil {
		return nil, err
	}
	return u, nil
}

// getUnit returns a unit with its history, without its lineage.
func (r reader) getUnit(ctx context.Context, id string) (*domain.Unit, error) {
	row := r.Q.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE id = $1`, id)
	u, err := scanUnit(row)
	if err != nil {
		return nil, sqlstore.NotFound(err, domain.UnitName(id))
	}
	if err := r.fillHistory(ctx, []*domain.Unit{u}); err != nil {
		return nil, err
	}
	return u, nil
}

// fillHistory sets the History of each unit.
func (r reader) fillHistory(ctx context.Context, units []*domain.Unit) error {
	if len(units) == 0 {
		return nil
	}
	byID := make(map[string]*domain.Unit, len(units))
	ids := make([]any, 0, len(units))
	for _, u := range units {
		u.History = nil
		if _, dup := byID[u.ID]; !dup {
			byID[u.ID] = u
			ids = append(ids, u.ID)
		}
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT unit_id, until, display_name, short_name, kind, level FROM unit_history
		WHERE unit_id IN (`+sqlstore.Placeholders(1, len(ids))+`) ORDER BY unit_id, until`, ids...)
	if err != nil {
		return fmt.Errorf("unit history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id string
			p  domain.Period
		)
		if err := rows.Scan(&id, &p.Until, &p.DisplayName, &p.ShortName, &p.Kind, &p.Level); err != nil {
			return err
		}
		byID[id].History = append(byID[id].History, p)
	}
	return rows.Err()
}

// AddPeriod records what unit id was until a dated change.
func (tx *Tx) AddPeriod(ctx context.Context, id string, p domain.Period) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO unit_history (unit_id, until, display_name, short_name, kind, level)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, p.Until, p.DisplayName, p.ShortName, p.Kind, p.Level)
	return err
}

// nextRevision takes the change feed's next revision. Its row stays locked
// until the transaction ends, so revisions follow the order of commits.
func (tx *Tx) nextRevision(ctx context.Context) (int64, error) {
	var rev int64
	err := tx.QueryRowContext(ctx, `UPDATE unit_feed SET revision = revision + 1 WHERE id = 1 RETURNING revision`).Scan(&rev)
	if err != nil {
		return 0, fmt.Errorf("unit feed revision: %w", err)
	}
	return rev, nil
}

// FeedRevision is the revision of the last change of a unit.
func (r reader) FeedRevision(ctx context.Context) (int64, error) {
	var rev int64
	if err := r.Q.QueryRowContext(ctx, `SELECT revision FROM unit_feed WHERE id = 1`).Scan(&rev); err != nil {
		return 0, fmt.Errorf("unit feed revision: %w", err)
	}
	return rev, nil
}

// UnitsChangedSince returns up to limit units whose last change came after
// revision since, in revision order, with their history (not their
// lineage).
func (r reader) UnitsChangedSince(ctx context.Context, since int64, limit int) ([]*domain.Unit, error) {
	rows, err := r.Q.QueryContext(ctx, `SELECT `+unitColumns+` FROM units WHERE revision > $1
		ORDER BY revision LIMIT `+strconv.Itoa(limit), since)
	if err != nil {
		return nil, fmt.Errorf("units changed since %d: %w", since, err)
	}
	var units []*domain.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		units = append(units, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return units, r.fillHistory(ctx, units)
}

// FindUnit returns the unit, or nil when it does not exist.
func (r reader) FindUnit(ctx context.Context, id string) (*domain.Unit, error) {
	if id == "" {
		return nil, nil
	}
	u, err := r.getUnit(ctx, id)
	if nf := (*domain.NotFoundError)(nil); errors.As(err, &nf) {
		return nil, nil
	}
	return u, err
}

// BatchGetUnits returns the units in the order of ids; an unknown id is a
// NotFoundError.
func (r reader) BatchGetUnits(ctx context.Context, ids []string) ([]*domain.Unit, error) {
	byID, err := r.unitsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*domain.Unit, len(ids))
	for i, id := range ids {
		u, ok := byID[id]
		if !ok {
			return nil, &domain.NotFoundError{Name: domain.UnitName(id)}
		}
		out[i] = u
	}
	if err := r.fillHistory(ctx, out); err != nil {
		return nil, err
	}
	if err := r.fillLineage(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (r reader) unitsByID(ctx context.Context, ids []string) (map[string]*domain.Unit, error) {
	byID := make(map[string]*domain.Unit, len(ids))
	if len(ids) == 0 {
		return byID, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+unitColumns+` FROM units WHERE id IN (`+sqlstore.Placeholders(1, len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("units by id: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		byID[u.ID] = u
	}
	return byID, rows.Err()
}

// maxLineageDepth bounds the walk along successors; real chains are a
// handful of mergers long.
const maxLineageDepth = 64

// fillLineage sets Predecessors and Current of each unit.
func (r reader) fillLineage(ctx context.Context, units []*domain.Unit) error {
	if len(units) == 0 {
		return nil
	}
	ids := make([]any, len(units))
	index := make(map[string][]*domain.Unit, len(units))
	for i, u := range units {
		ids[i] = u.ID
		index[u.ID] = append(index[u.ID], u)
		u.Predecessors = nil
	}
	rows, err := r.Q.QueryContext(ctx,
		`SELECT successor, id FROM units WHERE successor IN (`+sqlstore.Placeholders(1, len(ids))+`) ORDER BY id`, ids...)
	if err != nil {
		return fmt.Errorf("predecessors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var succ, id string
		if err := rows.Scan(&succ, &id); err != nil {
			return err
		}
		for _, u := range index[succ] {
			u.Predecessors = append(u.Predecessors, id)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}

	// Walk successors level by level until every chain reaches an active
	// unit.
	current := make(map[string]string) // unit id -> its successor, while dissolved
	pending := make(map[string]bool)
	for _, u := range units {
		if u.State == domain.UnitDissolved && u.Successor != "" {
			current[u.ID] = u.Successor
			pending[u.Successor] = true
		}
	}
	resolved := make(map[string]string) // id -> active end of its chain
	for depth := 0; len(pending) > 0; depth++ {
		if depth == maxLineageDepth {
			return fmt.Errorf("lineage deeper than %d", maxLineageDepth)
		}
		ids := make([]string, 0, len(pending))
		for id := range pending {
			ids = append(ids, id)
		}
		byID, err := r.unitsByID(ctx, ids)
		if err != nil {
			return err
		}
		pending = make(map[string]bool)
		for _, id := range ids {
			u, ok := byID[id]
			switch {
			case !ok || u.State != domain.UnitDissolved || u.Successor == "":
				resolved[id] = id
			default:
				current[id] = u.Successor
				if _, done := resolved[u.Successor]; !done {
					pending[u.Successor] = true
				}
			}
		}
	}
	for _, u := range units {
		id := u.ID
		for i := 0; i <= maxLineageDepth; i++ {
			next, dissolved := current[id]
			if !dissolved {
				break
			}
			id = next
		}
		u.Current = id
	}
	return nil
}

// UnitFilter selects units in ListUnits.
type UnitFilter struct {
	Query    string
	Level    domain.Level
	Kind     domain.UnitKind
	Province string
	Parent   string
	State    domain.UnitState
}

// UnitCursor is the position after the last unit of a page.
type UnitCursor struct {
	SortKey []byte `json:"k"`
	ID      string `json:"i"`
}

// ListUnits returns up to size units after cursor (nil: from the start) in
// Vietnamese collation order of display name, then id; the cursor of the
// next page (nil on the last page) and the number of matching units.
func (r reader) ListUnits(ctx context.Context, f UnitFilter, after *UnitCursor, size int) ([]*domain.Unit, *UnitCursor, int, error) {
	var w sqlstore.Where
	r.Search(&w, "units", f.Query)
	if f.Level != lineage.LevelUnspecified {
		w.Add("level = ?", f.Level)
	}
	if f.Kind != domain.KindUnspecified {
		w.Add("kind = ?", f.Kind)
	}
	if f.Province != "" {
		w.Add("province = ?", f.Province)
	}
	if f.Parent != "" {
		w.Add("parent = ?", f.Parent)
	}
	if f.State != domain.UnitStateUnspecified {
		w.Add("state = ?", f.State)
	}
	total, err := r.Count(ctx, `SELECT COUNT(*) FROM units`+w.SQL(), w.Args...)
	if err != nil {
		return nil, nil, 0, err
	}
	if after != nil {
		k, i := w.Next(after.SortKey), w.Next(after.ID)
		w.Conds = append(w.Conds, fmt.Sprintf("(sort_key > %s OR (sort_key = %s AND id > %s))", k, k, i))
	}
	query := `SELECT ` + unitColumns + `, sort_key FROM units` + w.SQL() +
		fmt.Sprintf(` ORDER BY sort_key, id LIMIT %d`, size+1)
	rows, err := r.Q.QueryContext(ctx, query, w.Args...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list units: %w", err)
	}
	defer rows.Close()
	var (
		units []*domain.Unit
		keys  [][]byte
	)
	for rows.Next() {
		var key []byte
		u, err := scanUnit(scanWith(rows, &key))
		if err != nil {
			return nil, nil, 0, err
		}
		units, keys = append(units, u), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	var next *UnitCursor
	if len(units) > size {
		units = units[:size]
		next = &UnitCursor{SortKey: keys[size-1], ID: units[size-1].ID}
	}
	if err := r.fillHistory(ctx, units); err != nil {
		return nil, nil, 0, err
	}
	if err := r.fillLineage(ctx, units); err != nil {
		return nil, nil, 0, err
	}
	return units, next, total, nil
}

// scanWith scans the columns of a row into the targets a scan function
// asks for, followed by extra.
func scanWith(rows *sql.Rows, extra ...any) interface{ Scan(...any) error } {
	return extraScanner{rows, extra}
}

type extraScanner struct {
	rows  *sql.Rows
	extra []any
}

func (s extraScanner) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra...)...) }

// InsertUnit stores a new unit, with the next revision of the feed; an
// existing id is an ExistsError.
func (tx *Tx) InsertUnit(ctx context.Context, u *domain.Unit) error {
	rev, err := tx.nextRevision(ctx)
	if err != nil {
		return err
	}
	u.Revision = rev
	_, err = tx.ExecContext(ctx, `INSERT INTO units (`+unitColumns+`, sort_key, search)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
		u.ID, u.DisplayName, u.ShortName, u.Kind, u.Level, u.Province, u.Parent, u.Code, u.State,
		u.Successor, u.DissolvedOn, sqlstore.Micros(&u.CreateTime), sqlstore.Micros(&u.UpdateTime), u.Version,
		u.Revision, vnfold.SortKey(u.DisplayName), u.SearchText())
	if sqlstore.IsUniqueViolation(err) {
		return &domain.ExistsError{Name: u.Name()}
	}
	return err
}

// UpdateUnit writes u, which was read at version u.Version-1, with the
// next revision of the feed.
func (tx *Tx) UpdateUnit(ctx context.Context, u *domain.Unit) error {
	rev, err := tx.nextRevision(ctx)
	if err != nil {
		return err
	}
	u.Revision = rev
	res, err := tx.ExecContext(ctx, `UPDATE units SET display_name=$2, short_name=$3, kind=$4, level=$5,
		province=$6, parent=$7, code=$8, state=$9, successor=$10, dissolved_on=$11, update_time=$12,
		version=$13, sort_key=$14, search=$15, revision=$16 WHERE id=$1 AND version=$17`,
		u.ID, u.DisplayName, u.ShortName, u.Kind, u.Level, u.Province, u.Parent, u.Code, u.State,
		u.Successor, u.DissolvedOn, sqlstore.Micros(&u.UpdateTime), u.Version,
		vnfold.SortKey(u.DisplayName), u.SearchText(), u.Revision, u.Version-1)
	return sqlstore.CheckUpdated(res, err)
}

// Ancestors returns the ids of every unit whose successor chain passes
// through id: the units dissolved into it, those dissolved into them, and
// so on.
func (r reader) Ancestors(ctx context.Context, id string) ([]string, error) {
	var out []string
	frontier := []string{id}
	for depth := 0; len(frontier) > 0; depth++ {
		if depth == maxLineageDepth {
			return nil, fmt.Errorf("lineage deeper than %d", maxLineageDepth)
		}
		args := make([]any, len(frontier))
		for i, f := range frontier {
			args[i] = f
		}
		rows, err := r.Q.QueryContext(ctx, `SELECT id FROM units WHERE successor IN (`+sqlstore.Placeholders(1, len(args))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("ancestors: %w", err)
		}
		frontier = frontier[:0:0]
		for rows.Next() {
			var a string
			if err := rows.Scan(&a); err != nil {
				rows.Close()
				return nil, err
			}
			frontier = append(frontier, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out = append(out, frontier...)
	}
	return out, nil
}

// UnitLinks returns every unit with only what the access policy needs:
// its id, parent, province, successor and whether it is dissolved.
func (r reader) UnitLinks(ctx context.Context) (map[string]lineage.Unit, error) {
	rows, err := r.Q.QueryContext(ctx, `SELECT id, parent, province, successor, state FROM units`)
	if err != nil {
		return nil, fmt.Errorf("unit links: %w", err)
	}
	defer rows.Close()
	out := map[string]lineage.Unit{}
	for rows.Next() {
		var (
			u     lineage.Unit
			state domain.UnitState
		)
		if err := rows.Scan(&u.ID, &u.Parent, &u.Province, &u.Successor, &state); err != nil {
			return nil, fmt.Errorf("unit links: %w", err)
		}
		u.Dissolved = state == domain.UnitDissolved
		out[u.ID] = u
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("unit links: %w", err)
	}
	return out, nil
}
