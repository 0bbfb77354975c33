package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/domain"
)

const groupColumns = `id, kind, display_name, organizer, description, state, create_time, update_time, version`

func scanGroup(row interface{ Scan(...any) error }) (*domain.Group, error) {
	var g domain.Group
	if err := row.Scan(&g.ID, &g.Kind, &g.DisplayName, &g.Organizer, &g.Description, &g.State,
		sqlstore.Micros(&g.CreateTime), sqlstore.Micros(&g.UpdateTime), &g.Version); err != nil {
		return nil, err
	}
	return &g, nil
}

// GetGroup returns a group.
func (r reader) GetGroup(ctx context.Context, id string) (*domain.Group, error) {
	row := r.Q.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM emulation_groups WHERE id = $1`, id)
	g, err := scanGroup(row)
	if err != nil {
		return nil, sqlstore.NotFound(err, domain.GroupName(id))
	}
	return g, nil
}

// GroupFilter selects groups in ListGroups.
type GroupFilter struct {
	Kind      domain.GroupKind
	Organizer string
	Query     string
	Year      int
	Member    string
	State     domain.GroupState
}

// GroupCursor is the position after the last group of a page.
type GroupCursor struct {
	SortKey []byte `json:"k"`
	ID      string `json:"i"`
}

// ListGroups returns groups in Vietnamese collation order of display name,
// then id.
func (r reader) ListGroups(ctx context.Context, f GroupFilter, after *GroupCursor, size int) ([]*domain.Group, *GroupCursor, int, error) {
	var w sqlstore.Where
	r.Search(&w, "emulation_groups", f.Query)
	if f.Kind != domain.GroupKindUnspecified {
		w.Add("kind = ?", f.Kind)
	}
	if f.Organizer != "" {
		w.Add("organizer = ?", f.Organizer)
	}
	if f.State != domain.GroupStateUnspecified {
		w.Add("state = ?", f.State)
	}
	if f.Member != "" || f.Year != 0 {
		cond := "EXISTS (SELECT 1 FROM memberships m WHERE m.group_id = emulation_groups.id"
		var args []any
		if f.Member != "" {
			cond += " AND m.unit_id = ?"
			args = append(args, f.Member)
		}
		if f.Year != 0 {
			cond += " AND m.joined_on <= ? AND (m.left_on = '' OR m.left_on >= ?)"
			args = append(args, strconv.Itoa(f.Year)+"-12-31", strconv.Itoa(f.Year)+"-01-01")
		}
		w.Add(cond+")", args...)
	}
	total, err := r.Count(ctx, `SELECT COUNT(*) FROM emulation_groups`+w.SQL(), w.Args...)
	if err != nil {
		return nil, nil, 0, err
	}
	if after != nil {
		k, i := w.Next(after.SortKey), w.Next(after.ID)
		w.Conds = append(w.Conds, fmt.Sprintf("(sort_key > %s OR (sort_key = %s AND id > %s))", k, k, i))
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+groupColumns+`, sort_key FROM emulation_groups`+w.SQL()+
		fmt.Sprintf(` ORDER BY sort_key, id LIMIT %d`, size+1), w.Args...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list groups: %w", err)
	}
	defer rows.Close()
	var (
		groups []*domain.Group
		keys   [][]byte
	)
	for rows.Next() {
		var key []byte
		g, err := scanGroup(scanWith(rows, &key))
		if err != nil {
			return nil, nil, 0, err
		}
		groups, keys = append(groups, g), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	var next *GroupCursor
	if len(groups) > size {
		groups = groups[:size]
		next = &GroupCursor{SortKey: keys[size-1], ID: groups[size-1].ID}
	}
	return groups, next, total, nil
}

// InsertGroup stores a new group.
func (tx *Tx) InsertGroup(ctx context.Context, g *domain.Group) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO emulation_groups (`+groupColumns+`, sort_key, search)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		g.ID, g.Kind, g.DisplayName, g.Organizer, g.Description, g.State, sqlstore.Micros(&g.CreateTime),
		sqlstore.Micros(&g.UpdateTime), g.Version, vnfold.SortKey(g.DisplayName), g.SearchText())
	if sqlstore.IsUniqueViolation(err) {
		return &domain.ExistsError{Name: g.Name()}
	}
	return err
}

// UpdateGroup writes g, which was read at version g.Version-1.
func (tx *Tx) UpdateGroup(ctx context.Context, g *domain.Group) error {
	res, err := tx.ExecContext(ctx, `UPDATE emulation_groups SET kind=$2, display_name=$3, organizer=$4,
		description=$5, state=$6, update_time=$7, version=$8, sort_key=$9, search=$10
		WHERE id=$1 AND version=$11`,
		g.ID, g.Kind, g.DisplayName, g.Organizer, g.Description, g.State, sqlstore.Micros(&g.UpdateTime), g.Version,
		vnfold.SortKey(g.DisplayName), g.SearchText(), g.Version-1)
	return sqlstore.CheckUpdated(res, err)
}
