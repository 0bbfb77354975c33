package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
)

const honourColumns = `id, decision_id, ordinal, decision_number, authority, award_code, kind, full_name, gender,
	birth_year, job_title, unit, citizen_id_masked, head_name, address, commune, recipient_key, weak,
	recipient_name, period_start, period_end, achievements, conferred_on, reward_vnd, reward_note,
	certificate_number, nomination, movement, province, province_original, recipient_unit, state,
	revoke_reason, revoke_number, revoke_signed_on, revoke_signer_name, revoke_signer_title, revoke_issuer,
	revoke_time, create_time, update_time, version`

// honourCopyColumns are the columns InsertHonours writes: honourColumns,
// then sort_key, search and year.
var honourCopyColumns = append(columnList(honourColumns), "sort_key", "search", "year")

func scanHonour(row interface{ Scan(...any) error }, extra ...any) (*domain.Honour, error) {
	var (
		h    domain.Honour
		weak int
		r    domain.Revoked
	)
	rc := &h.Recipient
	dest := []any{&h.ID, &h.DecisionID, &h.Ordinal, &h.DecisionNumber, &h.Authority, &h.AwardCode, &rc.Kind,
		&rc.FullName, &rc.Gender, &rc.BirthYear, &rc.Position, &rc.Unit, &rc.CitizenIDMasked, &rc.HeadName,
		&rc.Address, &rc.Commune, &rc.Key, &weak, &h.RecipientName, &h.Period.StartYear, &h.Period.EndYear,
		&h.Achievements, &h.ConferredOn, &h.RewardVND, &h.RewardNote, &h.CertificateNumber, &h.Nomination,
		&h.Movement, &h.Province, &h.ProvinceOriginal, &h.RecipientUnit, &h.State}
	dest = append(dest, revokedDest(&r)...)
	dest = append(dest, sqlstore.Micros(&h.CreateTime), sqlstore.Micros(&h.UpdateTime), &h.Version)
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	rc.Weak = weak != 0
	if !r.Time.IsZero() {
		h.Revoked = &r
	}
	return &h, nil
}

// InsertHonours adds honours to the register in one bulk insert, and the
// ACTIVE ones to its totals. An honour for a (decision, ordinal) that
// already has one violates the table's unique key: the transaction fails
// rather than duplicate it.
func (tx *Tx) InsertHonours(ctx context.Context, hs []*domain.Honour) error {
	width := len(honourCopyColumns)
	values := make([]any, 0, len(hs)*width) // one allocation for every row
	rows := make([][]any, len(hs))
	t := make(totals)
	for i, h := range hs {
		if h.State == domain.HonourActive {
			t.add(totalKeyOf(h), h.RewardVND, 1)
		}
		rc := h.Recipient
		start := len(values)
		values = append(values, h.ID, h.DecisionID, h.Ordinal, h.DecisionNumber, h.Authority, h.AwardCode, rc.Kind,
			rc.FullName, rc.Gender, rc.BirthYear, rc.Position, rc.Unit, rc.CitizenIDMasked, rc.HeadName,
			rc.Address, rc.Commune, rc.Key, boolInt(rc.Weak), h.RecipientName, h.Period.StartYear,
			h.Period.EndYear, h.Achievements, h.ConferredOn, h.RewardVND, h.RewardNote,
			h.CertificateNumber, h.Nomination, h.Movement, h.Province, h.ProvinceOriginal, h.RecipientUnit, h.State)
		values = append(values, revokedColumns(h.Revoked)...)
		values = append(values, sqlstore.Micros(&h.CreateTime), sqlstore.Micros(&h.UpdateTime), h.Version,
			vnfold.SortKey(h.RecipientName), vnfold.Fold(h.RecipientName), h.ConferredOn.Year)
		rows[i] = values[start:len(values):len(values)]
	}
	if err := tx.Copy(ctx, "honours", honourCopyColumns, rows); err != nil {
		return err
	}
	return tx.addTotals(ctx, t)
}

// GetHonour returns an honour.
func (r reader) GetHonour(ctx context.Context, id string) (*domain.Honour, error) {
	return r.getHonour(ctx, id, "")
}

// LockHonour reads an honour for a change in this transaction.
func (tx *Tx) LockHonour(ctx context.Context, id string) (*domain.Honour, error) {
	return tx.getHonour(ctx, id, tx.ForUpdate())
}

func (r reader) getHonour(ctx context.Context, id, lock string) (*domain.Honour, error) {
	h, err := scanHonour(r.Q.QueryRowContext(ctx, `SELECT `+honourColumns+` FROM honours WHERE id = $1`+lock, id))
	if err != nil {
		return nil, sqlstore.NotFound(err, "honours/"+id)
	}
	return h, nil
}

// RevokeHonour writes the revocation of h, an ACTIVE honour read at version
// h.Version-1 (h holds its new state), and takes it out of the totals.
func (tx *Tx) RevokeHonour(ctx context.Context, h *domain.Honour) error {
	args := append([]any{h.ID, h.State, sqlstore.Micros(&h.UpdateTime), h.Version}, revokedColumns(h.Revoked)...)
	args = append(args, h.Version-1, domain.HonourActive)
	res, err := tx.ExecContext(ctx, `UPDATE honours SET state=$2, update_time=$3, version=$4,
		revoke_reason=$5, revoke_number=$6, revoke_signed_on=$7, revoke_signer_name=$8, revoke_signer_title=$9,
		revoke_issuer=$10, revoke_time=$11 WHERE id=$1 AND version=$12 AND state=$13`, args...)
	if err := sqlstore.CheckUpdated(res, err); err != nil {
		return err
	}
	t := make(totals)
	t.add(totalKeyOf(h), h.RewardVND, -1)
	return tx.addTotals(ctx, t)
}

// RevokeHonoursOf revokes every ACTIVE honour of decision id with r, takes
// them out of the totals and returns how many there were.
func (tx *Tx) RevokeHonoursOf(ctx context.Context, id string, r *domain.Revoked) (int, error) {
	args := append([]any{id, domain.HonourRevoked, sqlstore.Micros(&r.Time), domain.HonourActive}, revokedColumns(r)...)
	rows, err := tx.QueryContext(ctx, `UPDATE honours SET state=$2, update_time=$3, version=version+1,
		revoke_reason=$5, revoke_number=$6, revoke_signed_on=$7, revoke_signer_name=$8, revoke_signer_title=$9,
		revoke_issuer=$10, revoke_time=$11 WHERE decision_id=$1 AND state=$4
		RETURNING award_code, year, province, province_original, authority, kind, reward_vnd`, args...)
	if err != nil {
		return 0, fmt.Errorf("revoke honours of %s: %w", id, err)
	}
	defer rows.Close()
	t := make(totals)
	n := 0
	for rows.Next() {
		var (
			k   totalKey
			vnd int64
		)
		if err := rows.Scan(&k.AwardCode, &k.Year, &k.Province, &k.ProvinceOriginal, &k.Authority, &k.Kind, &vnd); err != nil {
			return 0, fmt.Errorf("revoke honours of %s: %w", id, err)
		}
		t.add(k, vnd, -1)
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("revoke honours of %s: %w", id, err)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	return n, tx.addTotals(ctx, t)
}

// HeldAwards returns the ACTIVE honours of the recipients with keys, as the
// money rule takes them (domain.Held).
//
// On PostgreSQL the keys go as one array and each is looked up on its own
// through the recipient index alone, the state filtered after (OFFSET 0
// keeps the planner from merging the two): on a register that has just
// been loaded, before ANALYZE has seen it, a plain IN list of a thousand
// keys is planned as a scan of the whole table, and "state = 1" inside the
// lookup as a scan of a whole index, once per decision issued.
func (r reader) HeldAwards(ctx context.Context, keys []string) ([]domain.Held, error) {
	keys = distinct(keys)
	scan := func(rows *sql.Rows, out []domain.Held) ([]domain.Held, error) {
		defer rows.Close()
		for rows.Next() {
			var h domain.Held
			if err := rows.Scan(&h.RecipientKey, &h.AwardCode, &h.Period.StartYear, &h.Period.EndYear, &h.AmountVND); err != nil {
				return nil, err
			}
			out = append(out, h)
		}
		return out, rows.Err()
	}
	if r.Dialect == sqlstore.Postgres {
		rows, err := r.Q.QueryContext(ctx, `SELECT recipient_key, award_code, period_start, period_end, reward_vnd`+
			perRecipient(`recipient_key, award_code, period_start, period_end, reward_vnd, state`)+
			` WHERE state = $2`, keys, domain.HonourActive)
		if err != nil {
			return nil, fmt.Errorf("held awards: %w", err)
		}
		return scan(rows, nil)
	}
	var out []domain.Held
	err := inChunks(keys, func(chunk []string) error {
		var w sqlstore.Where
		w.In("recipient_key", chunk...)
		w.Add("state = ?", domain.HonourActive)
		rows, err := r.Q.QueryContext(ctx, `SELECT recipient_key, award_code, period_start, period_end, reward_vnd
			FROM honours`+w.SQL(), w.Args...)
		if err != nil {
			return fmt.Errorf("held awards: %w", err)
		}
		out, err = scan(rows, out)
		return err
	})
	return out, err
}

// perRecipient is the FROM clause of a PostgreSQL query for cols of the
// honours of the recipient keys in parameter $1, a text array without
// duplicates: each key is looked up on its own through the recipient index
// (OFFSET 0 keeps the planner from merging the lookups into one scan, or a
// filter of the outer query into the lookup).
func perRecipient(cols string) string {
	return ` FROM unnest($1::text[]) AS k (key) CROSS JOIN LATERAL (SELECT ` + cols +
		` FROM honours WHERE recipient_key = k.key OFFSET 0) AS h`
}

// distinct returns keys sorted, each once.
func distinct(keys []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(keys)))
}

// HonourFilter selects honours; the filters combine with AND. A nil slice
// does not filter; an empty one matches nothing. Provinces matches the
// province stored at issue and the original province of the recipient's
// unit.
type HonourFilter struct {
	RecipientKeys []string
	// KeyAuthorities are the authorities whose honours RecipientKeys find
	// (the caller would see the key there); nil: any.
	KeyAuthorities []string
	Query          string
	AwardCode      string
	Authorities    []string
	Provinces      []string
	Movement       string
	YearFrom       int
	YearTo         int
	State          domain.HonourState
}

func (f HonourFilter) where() sqlstore.Where {
	var w sqlstore.Where
	if f.RecipientKeys != nil {
		w.In("recipient_key", f.RecipientKeys...)
	}
	if f.KeyAuthorities != nil {
		w.In("authority", f.KeyAuthorities...)
	}
	w.Words("search", f.Query)
	if f.AwardCode != "" {
		w.Add("award_code = ?", f.AwardCode)
	}
	if f.Authorities != nil {
		w.In("authority", f.Authorities...)
	}
	if f.Provinces != nil {
		// The province the honour counted under when issued, or the one
		// its unit was in: an honour imported after its province merged
		// is found under the old province too.
		if len(f.Provinces) == 0 {
			w.Add("1 = 0")
		} else {
			ph := make([]string, len(f.Provinces))
			for i, p := range f.Provinces {
				ph[i] = w.Next(p)
			}
			list := strings.Join(ph, ",")
			w.Add("(province IN (" + list + ") OR province_original IN (" + list + "))")
		}
	}
	if f.Movement != "" {
		w.Add("movement = ?", f.Movement)
	}
	if f.YearFrom != 0 {
		w.Add("year >= ?", f.YearFrom)
	}
	if f.YearTo != 0 {
		w.Add("year <= ?", f.YearTo)
	}
	if f.State != domain.HonourStateUnspecified {
		w.Add("state = ?", f.State)
	}
	return w
}

// HonourCursor is the position after the last honour of a page.
type HonourCursor struct {
	ConferredOn string `json:"c"`
	SortKey     []byte `json:"k"`
	ID          string `json:"i"`
}

// honourOrder is the register's order: newest conferral first, then the
// recipient's name in Vietnamese collation, then id.
const honourOrder = ` ORDER BY conferred_on DESC, sort_key, id`

// CountHonours returns the number of honours f matches.
func (r reader) CountHonours(ctx context.Context, f HonourFilter) (int, error) {
	w := f.where()
	return r.Count(ctx, `SELECT COUNT(*) FROM honours`+w.SQL(), w.Args...)
}

// ListHonours returns up to size honours after cursor (nil: from the start)
// in the register's order, the cursor of the next page (nil on the last)
// and the number of matching honours.
func (r reader) ListHonours(ctx context.Context, f HonourFilter, after *HonourCursor, size int) ([]*domain.Honour, *HonourCursor, int, error) {
	total, err := r.CountHonours(ctx, f)
	if err != nil {
		return nil, nil, 0, err
	}
	w := f.where()
	if after != nil {
		c, k, i := w.Next(after.ConferredOn), w.Next(after.SortKey), w.Next(after.ID)
		w.Conds = append(w.Conds, fmt.Sprintf(
			"(conferred_on < %s OR (conferred_on = %s AND (sort_key > %s OR (sort_key = %s AND id > %s))))", c, c, k, k, i))
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+honourColumns+`, sort_key FROM honours`+w.SQL()+honourOrder+
		` LIMIT `+strconv.Itoa(size+1), w.Args...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list honours: %w", err)
	}
	defer rows.Close()
	var (
		out  []*domain.Honour
		keys [][]byte
	)
	for rows.Next() {
		var key []byte
		h, err := scanHonour(rows, &key)
		if err != nil {
			return nil, nil, 0, err
		}
		out, keys = append(out, h), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	var next *HonourCursor
	if len(out) > size {
		out = out[:size]
		last := out[size-1]
		next = &HonourCursor{ConferredOn: last.ConferredOn.String(), SortKey: keys[size-1], ID: last.ID}
	}
	return out, next, total, nil
}

// AllHonours yields every honour f matches in the register's order, reading
// them as it goes. Stop early by breaking out of the loop.
func (r reader) AllHonours(ctx context.Context, f HonourFilter) iter.Seq2[*domain.Honour, error] {
	return func(yield func(*domain.Honour, error) bool) {
		w := f.where()
		rows, err := r.Q.QueryContext(ctx, `SELECT `+honourColumns+` FROM honours`+w.SQL()+honourOrder, w.Args...)
		if err != nil {
			yield(nil, fmt.Errorf("all honours: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			h, err := scanHonour(rows)
			if !yield(h, err) || err != nil {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, err)
		}
	}
}

// HonoursOf returns the honours of the recipients with keys (one query),
// oldest first, then in decision and entry order; revoked ones too when
// includeRevoked.
func (r reader) HonoursOf(ctx context.Context, keys []string, includeRevoked bool) ([]*domain.Honour, error) {
	var (
		rows *sql.Rows
		err  error
	)
	const order = ` ORDER BY conferred_on, decision_id, ordinal`
	if r.Dialect == sqlstore.Postgres { // see HeldAwards
		query, args := `SELECT `+honourColumns+perRecipient(honourColumns), []any{distinct(keys)}
		if !includeRevoked {
			query, args = query+` WHERE state = $2`, append(args, domain.HonourActive)
		}
		rows, err = r.Q.QueryContext(ctx, query+order, args...)
	} else {
		var w sqlstore.Where
		w.In("recipient_key", keys...)
		if !includeRevoked {
			w.Add("state = ?", domain.HonourActive)
		}
		rows, err = r.Q.QueryContext(ctx, `SELECT `+honourColumns+` FROM honours`+w.SQL()+order, w.Args...)
	}
	if err != nil {
		return nil, fmt.Errorf("honours of recipients: %w", err)
	}
	defer rows.Close()
	var out []*domain.Honour
	for rows.Next() {
		h, err := scanHonour(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Dimension is a column statistics group by.
type Dimension string

// The dimensions of GetStatistics.
const (
	ByAwardType     Dimension = "award_code"
	ByYear          Dimension = "year"
	ByProvince      Dimension = "province"
	ByAuthority     Dimension = "authority"
	ByRecipientKind Dimension = "kind"
)

// StatsFilter selects the honours statistics count; the filters combine
// with AND, as HonourFilter's of the same names.
type StatsFilter struct {
	AwardCode   string
	Authorities []string
	Provinces   []string
	YearFrom    int
	YearTo      int
}

// StatsRow is one group: the values of the dimensions asked (the others
// are zero), the number of honours and the sum of their rewards.
type StatsRow struct {
	AwardCode     string
	Year          int
	Province      string
	Authority     string
	RecipientKind domain.RecipientKind
	Count         int64
	RewardVND     int64
}

// Statistics counts the ACTIVE honours f matches and sums their rewards,
// grouped by dims, from the register's running totals (honour_totals):
// a few rows per authority and year, however large the register.
func (r reader) Statistics(ctx context.Context, f StatsFilter, dims []Dimension) ([]StatsRow, error) {
	w := HonourFilter{AwardCode: f.AwardCode, Authorities: f.Authorities, Provinces: f.Provinces,
		YearFrom: f.YearFrom, YearTo: f.YearTo}.where()
	cols := make([]string, len(dims))
	for i, d := range dims {
		switch d {
		case ByAwardType, ByYear, ByProvince, ByAuthority, ByRecipientKind:
			cols[i] = string(d)
		default:
			return nil, fmt.Errorf("statistics: unknown dimension %q", d)
		}
	}
	selectCols := strings.Join(append(cols, "CAST(COALESCE(SUM(honours), 0) AS BIGINT)",
		"CAST(COALESCE(SUM(reward_vnd), 0) AS BIGINT)"), ", ")
	query := `SELECT ` + selectCols + ` FROM honour_totals` + w.SQL()
	if len(cols) > 0 {
		// A group whose honours were all revoked has a row of zeros.
		query += ` GROUP BY ` + strings.Join(cols, ", ") + ` HAVING SUM(honours) > 0`
	}
	rows, err := r.Q.QueryContext(ctx, query, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("statistics: %w", err)
	}
	defer rows.Close()
	var out []StatsRow
	for rows.Next() {
		var row StatsRow
		dest := make([]any, 0, len(dims)+2)
		for _, d := range dims {
			switch d {
			case ByAwardType:
				dest = append(dest, &row.AwardCode)
			case ByYear:
				dest = append(dest, &row.Year)
			case ByProvince:
				dest = append(dest, &row.Province)
			case ByAuthority:
				dest = append(dest, &row.Authority)
			case ByRecipientKind:
				dest = append(dest, &row.RecipientKind)
			}
		}
		if err := rows.Scan(append(dest, &row.Count, &row.RewardVND)...); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rows.Err()
}
