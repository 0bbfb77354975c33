package store

import (
	"context"
	"fmt"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/domain"
)

const membershipColumns = `m.group_id, m.id, m.unit_id, m.joined_on, m.left_on, m.create_time, u.display_name`

func scanMembership(row interface{ Scan(...any) error }) (*domain.Membership, error) {
	var m domain.Membership
	if err := row.Scan(&m.Group, &m.ID, &m.Unit, &m.JoinedOn, &m.LeftOn, sqlstore.Micros(&m.CreateTime), &m.UnitDisplayName); err != nil {
		return nil, err
	}
	return &m, nil
}

const membershipFrom = ` FROM memberships m JOIN units u ON u.id = m.unit_id`

// GetMembership returns a membership.
func (r reader) GetMembership(ctx context.Context, group, id string) (*domain.Membership, error) {
	row := r.Q.QueryRowContext(ctx, `SELECT `+membershipColumns+membershipFrom+
		` WHERE m.group_id = $1 AND m.id = $2`, group, id)
	m, err := scanMembership(row)
	if err != nil {
		return nil, sqlstore.NotFound(err, domain.GroupName(group)+"/memberships/"+id)
	}
	return m, nil
}

// Memberships returns every membership of a group, or only those of unit
// when unit is not empty, by joined_on.
func (r reader) Memberships(ctx context.Context, group, unit string) ([]*domain.Membership, error) {
	var w sqlstore.Where
	w.Add("m.group_id = ?", group)
	if unit != "" {
		w.Add("m.unit_id = ?", unit)
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+membershipColumns+membershipFrom+w.SQL()+
		` ORDER BY m.joined_on, m.id`, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("memberships: %w", err)
	}
	defer rows.Close()
	var out []*domain.Membership
	for rows.Next() {
		m, err := scanMembership(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MembershipCursor is the position after the last membership of a page.
type MembershipCursor struct {
	JoinedOn string `json:"j"`
	ID       string `json:"i"`
}

// ListMemberships pages through a group's memberships by joined_on, then
// id; year (0: any) keeps those overlapping that year.
func (r reader) ListMemberships(ctx context.Context, group string, year int, after *MembershipCursor, size int) ([]*domain.Membership, *MembershipCursor, int, error) {
	var w sqlstore.Where
	w.Add("m.group_id = ?", group)
	if year != 0 {
		w.Add("m.joined_on <= ? AND (m.left_on = '' OR m.left_on >= ?)",
			fmt.Sprintf("%04d-12-31", year), fmt.Sprintf("%04d-01-01", year))
	}
	total, err := r.Count(ctx, `SELECT COUNT(*) FROM memberships m`+w.SQL(), w.Args...)
	if err != nil {
		return nil, nil, 0, err
	}
	if after != nil {
		j, i := w.Next(after.JoinedOn), w.Next(after.ID)
		w.Conds = append(w.Conds, fmt.Sprintf("(m.joined_on > %s OR (m.joined_on = %s AND m.id > %s))", j, j, i))
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+membershipColumns+membershipFrom+w.SQL()+
		fmt.Sprintf(` ORDER BY m.joined_on, m.id LIMIT %d`, size+1), w.Args...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list memberships: %w", err)
	}
	defer rows.Close()
	var out []*domain.Membership
	for rows.Next() {
		m, err := scanMembership(rows)
		if err != nil {
			return nil, nil, 0, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	var next *MembershipCursor
	if len(out) > size {
		out = out[:size]
		last := out[size-1]
		next = &MembershipCursor{JoinedOn: last.JoinedOn.String(), ID: last.ID}
	}
	return out, next, total, nil
}

// InsertMembership stores a new membership.
func (tx *Tx) InsertMembership(ctx context.Context, m *domain.Membership) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO memberships (group_id, id, unit_id, joined_on, left_on, create_time)
		VALUES ($1,$2,$3,$4,$5,$6)`,
		m.Group, m.ID, m.Unit, m.JoinedOn, m.LeftOn, sqlstore.Micros(&m.CreateTime))
	if sqlstore.IsUniqueViolation(err) {
		return &domain.ExistsError{Name: m.Name()}
	}
	return err
}

// SetMembershipEnd writes the end date of a membership.
func (tx *Tx) SetMembershipEnd(ctx context.Context, m *domain.Membership) error {
	_, err := tx.ExecContext(ctx, `UPDATE memberships SET left_on = $3 WHERE group_id = $1 AND id = $2`,
		m.Group, m.ID, m.LeftOn)
	return err
}

// OpenMembershipsOf returns the memberships of unit that have not ended, in
// any group.
func (r reader) OpenMembershipsOf(ctx context.Context, unit string) ([]*domain.Membership, error) {
	rows, err := r.Q.QueryContext(ctx, `SELECT `+membershipColumns+membershipFrom+
		` WHERE m.unit_id = $1 AND m.left_on = '' ORDER BY m.group_id, m.id`, unit)
	if err != nil {
		return nil, fmt.Errorf("open memberships: %w", err)
	}
	defer rows.Close()
	var out []*domain.Membership
	for rows.Next() {
		m, err := scanMembership(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// GetTerm returns the term of a year.
func (r reader) GetTerm(ctx context.Context, group string, year int) (*domain.Term, error) {
	t := domain.Term{Group: group, Year: year}
	err := r.Q.QueryRowContext(ctx, `SELECT head, deputy, create_time FROM terms WHERE group_id = $1 AND year = $2`,
		group, year).Scan(&t.Head, &t.Deputy, sqlstore.Micros(&t.CreateTime))
	if err != nil {
		return nil, sqlstore.NotFound(err, t.Name())
	}
	return &t, nil
}

// TermCursor is the position after the last term of a page.
type TermCursor struct {
	Year int `json:"y"`
}

// ListTerms pages through a group's terms, newest year first.
func (r reader) ListTerms(ctx context.Context, group string, after *TermCursor, size int) ([]*domain.Term, *TermCursor, int, error) {
	var w sqlstore.Where
	w.Add("group_id = ?", group)
	total, err := r.Count(ctx, `SELECT COUNT(*) FROM terms`+w.SQL(), w.Args...)
	if err != nil {
		return nil, nil, 0, err
	}
	if after != nil {
		w.Add("year < ?", after.Year)
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT year, head, deputy, create_time FROM terms`+w.SQL()+
		fmt.Sprintf(` ORDER BY year DESC LIMIT %d`, size+1), w.Args...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list terms: %w", err)
	}
	defer rows.Close()
	var out []*domain.Term
	for rows.Next() {
		t := &domain.Term{Group: group}
		if err := rows.Scan(&t.Year, &t.Head, &t.Deputy, sqlstore.Micros(&t.CreateTime)); err != nil {
			return nil, nil, 0, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	var next *TermCursor
	if len(out) > size {
		out = out[:size]
		next = &TermCursor{Year: out[size-1].Year}
	}
	return out, next, total, nil
}

// InsertTerm stores a new term.
func (tx *Tx) InsertTerm(ctx context.Context, t *domain.Term) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO terms (group_id, year, head, deputy, create_time) VALUES ($1,$2,$3,$4,$5)`,
		t.Group, t.Year, t.Head, t.Deputy, sqlstore.Micros(&t.CreateTime))
	if sqlstore.IsUniqueViolation(err) {
		return &domain.ExistsError{Name: t.Name()}
	}
	return err
}
