package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/domain"
)

// GetCovenant returns the covenant of a year.
func (r reader) GetCovenant(ctx context.Context, group string, year int) (*domain.Covenant, error) {
	c := domain.Covenant{Group: group, Year: year}
	var (
		criteria, signatories string
		quota                 sql.NullInt64
	)
	err := r.Q.QueryRowContext(ctx, `SELECT criteria, signed_on, signatories, certificate_quota, create_time,
		update_time, version FROM covenants WHERE group_id = $1 AND year = $2`, group, year).
		Scan(&criteria, &c.SignedOn, &signatories, &quota, sqlstore.Micros(&c.CreateTime), sqlstore.Micros(&c.UpdateTime), &c.Version)
	if err != nil {
		return nil, sqlstore.NotFound(err, c.Name())
	}
	if err := json.Unmarshal([]byte(criteria), &c.Criteria); err != nil {
		return nil, fmt.Errorf("%s: criteria: %w", c.Name(), err)
	}
	if err := json.Unmarshal([]byte(signatories), &c.Signatories); err != nil {
		return nil, fmt.Errorf("%s: signatories: %w", c.Name(), err)
	}
	if quota.Valid {
		q := int(quota.Int64)
		c.CertificateQuota = &q
	}
	return &c, nil
}

func covenantValues(c *domain.Covenant) (criteria, signatories string, quota sql.NullInt64, err error) {
	cr, err := json.Marshal(c.Criteria)
	if err != nil {
		return "", "", quota, err
	}
	sig := c.Signatories
	if sig == nil {
		sig = []string{}
	}
	s, err := json.Marshal(sig)
	if err != nil {
		return "", "", quota, err
	}
	if c.CertificateQuota != nil {
		quota = sql.NullInt64{Int64: int64(*c.CertificateQuota), Valid: true}
	}
	return string(cr), string(s), quota, nil
}

// InsertCovenant stores a new covenant.
func (tx *Tx) InsertCovenant(ctx context.Context, c *domain.Covenant) error {
	criteria, signatories, quota, err := covenantValues(c)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO covenants (group_id, year, criteria, signed_on, signatories,
		certificate_quota, create_time, update_time, version) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		c.Group, c.Year, criteria, c.SignedOn, signatories, quota, sqlstore.Micros(&c.CreateTime),
		sqlstore.Micros(&c.UpdateTime), c.Version)
	if sqlstore.IsUniqueViolation(err) {
		return &domain.ExistsError{Name: c.Name()}
	}
	return err
}

// UpdateCovenant writes c, which was read at version c.Version-1.
func (tx *Tx) UpdateCovenant(ctx context.Context, c *domain.Covenant) error {
	criteria, signatories, quota, err := covenantValues(c)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE covenants SET criteria=$3, signed_on=$4, signatories=$5,
		certificate_quota=$6, update_time=$7, version=$8 WHERE group_id=$1 AND year=$2 AND version=$9`,
		c.Group, c.Year, criteria, c.SignedOn, signatories, quota, sqlstore.Micros(&c.UpdateTime),
		c.Version, c.Version-1)
	return sqlstore.CheckUpdated(res, err)
}

// HasScores reports whether any score was submitted for the covenant.
func (r reader) HasScores(ctx context.Context, group string, year int) (bool, error) {
	n, err := r.Count(ctx, `SELECT COUNT(*) FROM scores WHERE group_id = $1 AND year = $2`, group, year)
	return n > 0, err
}

const scoreColumns = `unit_id, points, women_share, total, submitted_by, submit_time`

func scanScore(group string, year int, row interface{ Scan(...any) error }) (*domain.Score, error) {
	s := domain.Score{Group: group, Year: year}
	var points string
	if err := row.Scan(&s.Unit, &points, &s.WomenShare, &s.Total, &s.SubmittedBy, sqlstore.Micros(&s.SubmitTime)); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(points), &s.Points); err != nil {
		return nil, fmt.Errorf("%s: points: %w", s.Name(), err)
	}
	return &s, nil
}

// Scores returns every score of a covenant, by unit id.
func (r reader) Scores(ctx context.Context, group string, year int) ([]*domain.Score, error) {
	out, _, _, err := r.ListScores(ctx, group, year, nil, -1)
	return out, err
}

// ScoreCursor is the position after the last score of a page.
type ScoreCursor struct {
	Unit string `json:"u"`
}

// ListScores pages through a covenant's scores by unit id; size < 0 means
// all of them.
func (r reader) ListScores(ctx context.Context, group string, year int, after *ScoreCursor, size int) ([]*domain.Score, *ScoreCursor, int, error) {
	var w sqlstore.Where
	w.Add("group_id = ?", group)
	w.Add("year = ?", year)
	total, err := r.Count(ctx, `SELECT COUNT(*) FROM scores`+w.SQL(), w.Args...)
	if err != nil {
		return nil, nil, 0, err
	}
	if after != nil {
		w.Add("unit_id > ?", after.Unit)
	}
	limit := ""
	if size >= 0 {
		limit = fmt.Sprintf(" LIMIT %d", size+1)
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+scoreColumns+` FROM scores`+w.SQL()+` ORDER BY unit_id`+limit, w.Args...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list scores: %w", err)
	}
	defer rows.Close()
	var out []*domain.Score
	for rows.Next() {
		s, err := scanScore(group, year, rows)
		if err != nil {
			return nil, nil, 0, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	var next *ScoreCursor
	if size >= 0 && len(out) > size {
		out = out[:size]
		next = &ScoreCursor{Unit: out[size-1].Unit}
	}
	return out, next, total, nil
}

// PutScore stores a score, replacing the unit's previous one.
func (tx *Tx) PutScore(ctx context.Context, s *domain.Score) error {
	points, err := json.Marshal(s.Points)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO scores (group_id, year, `+scoreColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
		ON CONFLICT (group_id, year, unit_id) DO UPDATE SET points = excluded.points,
		women_share = excluded.women_share, total = excluded.total,
		submitted_by = excluded.submitted_by, submit_time = excluded.submit_time`,
		s.Group, s.Year, s.Unit, string(points), s.WomenShare, s.Total, s.SubmittedBy, sqlstore.Micros(&s.SubmitTime))
	return err
}
