package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"

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

// GetHonours reads the honours with ids, in no order; unknown ids are
// absent.
func (r reader) GetHonours(ctx context.Context, ids []string) ([]*domain.Honour, error) {
	var w sqlstore.Where
	w.In("id", ids...)
	rows, err := r.Q.QueryContext(ctx, `SELECT `+honourColumns+` FROM honours`+w.SQL(), w.Args...)
	if err != nil {
		return nil, fmt.Errorf("honours by id: %w", err)
	}
	return scanHonours(rows)
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

func (r reader) honourWhere(f HonourFilter) sqlstore.Where {
	var w sqlstore.Where
	if f.RecipientKeys != nil {
		w.In("recipient_key", f.RecipientKeys...)
	}
	if f.KeyAuthorities != nil {
		w.In("authority", f.KeyAuthorities...)
	}
	r.Search(&w, "honours", f.Query)
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

// fewMatches: ListHonours collects the matches of a query, sorts them and
// fetches a page's rows when there are at most this many, rather than walk
// the register's order to them (a variable for the tests, which compare
// both ways).
var fewMatches = 20_000

// CountHonours returns the number of honours f matches.
func (r reader) CountHonours(ctx context.Context, f HonourFilter) (int, error) {
	return r.count(ctx, r.honourWhere(f))
}

func (r reader) count(ctx context.Context, w sqlstore.Where) (int, error) {
	return r.Count(ctx, `SELECT COUNT(*) FROM honours`+w.SQL(), w.Args...)
}

// ListHonours returns up to size honours after cursor (nil: from the start)
// in the register's order, the cursor of the next page (nil on the last)
// and the number of matching honours.
//
// A query's matches are found in the search index (sqlstore.Reader.Search;
// honours_search leads with the text and holds the common filters and the
// order's columns). Common words alone (more than fewMatches honours)
// fill a page within a few hundred rows of the register's order: it is
// walked. Otherwise, and whenever other filters narrow the words, the
// matches are collected from the index alone, counted and sorted in one
// pass, and only the page's rows read; when the filters still leave more
// than fewMatches, the order is walked after all.
func (r reader) ListHonours(ctx context.Context, f HonourFilter, after *HonourCursor, size int) ([]*domain.Honour, *HonourCursor, int, error) {
	w := r.honourWhere(f)
	if f.Query != "" {
		common := false
		if len(w.Conds) == 1 { // the words alone
			n, err := r.Count(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM honours`+w.SQL()+
				` LIMIT `+strconv.Itoa(fewMatches+1)+`) AS m`, w.Args...)
			if err != nil {
				return nil, nil, 0, err
			}
			common = n > fewMatches
		}
		if !common {
			out, next, total, err := r.collectHonours(ctx, w, after, size)
			if err != nil || total <= fewMatches {
				return out, next, total, err
			}
		}
	}
	total, err := r.count(ctx, w)
	if err != nil {
		return nil, nil, 0, err
	}
	// The years as a range of the order's first column: the walk starts and
	// stops there.
	if f.YearFrom != 0 {
		w.Add("conferred_on >= ?", fmt.Sprintf("%04d-01-01", f.YearFrom))
	}
	if f.YearTo != 0 {
		w.Add("conferred_on <= ?", fmt.Sprintf("%04d-12-31", f.YearTo))
	}
	afterHonour(&w, after)
	out, next, err := r.honourPage(ctx, `SELECT `+honourColumns+`, sort_key FROM honours`+w.SQL()+honourOrder+
		` LIMIT `+strconv.Itoa(size+1), w.Args, size)
	return out, next, total, err
}

// collectHonours reads the page of ListHonours from the first fewMatches+1
// matches of w: their ids and places in the order, counted, sorted and
// cut to the page after cursor in one query, then the page's rows. A total
// over fewMatches means there are more matches, and no page.
func (r reader) collectHonours(ctx context.Context, w sqlstore.Where, after *HonourCursor, size int) ([]*domain.Honour, *HonourCursor, int, error) {
	page := sqlstore.Where{Args: slices.Clone(w.Args)}
	afterHonour(&page, after)
	rows, err := r.Q.QueryContext(ctx, `WITH m AS MATERIALIZED (SELECT id, conferred_on, sort_key FROM honours`+w.SQL()+
		` LIMIT `+strconv.Itoa(fewMatches+1)+`)
		SELECT COUNT(*), '' FROM m
		UNION ALL SELECT * FROM (SELECT 0, id FROM m`+page.SQL()+honourOrder+` LIMIT `+strconv.Itoa(size+1)+`) AS p`, page.Args...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list honours: %w", err)
	}
	defer rows.Close()
	var (
		total int
		ids   []string
	)
	for rows.Next() {
		var (
			n  int
			id string
		)
		if err := rows.Scan(&n, &id); err != nil {
			return nil, nil, 0, err
		}
		if id == "" {
			total = n
		} else {
			ids = append(ids, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	if total > fewMatches || len(ids) == 0 {
		return nil, nil, total, nil
	}
	var byID sqlstore.Where
	byID.In("id", ids...)
	out, next, err := r.honourPage(ctx, `SELECT `+honourColumns+`, sort_key FROM honours`+byID.SQL()+honourOrder, byID.Args, size)
	return out, next, total, err
}

// afterHonour adds the condition of the honours after cursor in the
// register's order (none when cursor is nil).
func afterHonour(w *sqlstore.Where, after *HonourCursor) {
	if after == nil {
		return
	}
	c, k, i := w.Next(after.ConferredOn), w.Next(after.SortKey), w.Next(after.ID)
	w.Conds = append(w.Conds, fmt.Sprintf(
		"(conferred_on < %s OR (conferred_on = %s AND (sort_key > %s OR (sort_key = %s AND id > %s))))", c, c, k, k, i))
}

// honourPage runs query, which selects honourColumns and sort_key of up to
// size+1 honours in the register's order, and returns the first size of
// them and the cursor after them when there are more.
func (r reader) honourPage(ctx context.Context, query string, args []any, size int) ([]*domain.Honour, *HonourCursor, error) {
	rows, err := r.Q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list honours: %w", err)
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
			return nil, nil, err
		}
		out, keys = append(out, h), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var next *HonourCursor
	if len(out) > size {
		out = out[:size]
		last := out[size-1]
		next = &HonourCursor{ConferredOn: last.ConferredOn.String(), SortKey: keys[size-1], ID: last.ID}
	}
	return out, next, nil
}

// AllHonours yields every honour f matches in the register's order, reading
// them as it goes. Stop early by breaking out of the loop.
func (r reader) AllHonours(ctx context.Context, f HonourFilter) iter.Seq2[*domain.Honour, error] {
	return func(yield func(*domain.Honour, error) bool) {
		w := r.honourWhere(f)
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

// HonoursOf returns the honours of the recipients with keys, oldest first,
// then in decision (ids in byte order) and entry order; revoked ones too
// when includeRevoked.
//
// On PostgreSQL each key's honours are read through the recipient index
// (see HeldAwards), and the time goes to reading those rows, spread over
// the register: outside a transaction, a long list of keys is read in two
// halves on two connections at once, and the halves merged.
func (r reader) HonoursOf(ctx context.Context, keys []string, includeRevoked bool) ([]*domain.Honour, error) {
	if _, db := r.Q.(*sql.DB); !db || r.Dialect != sqlstore.Postgres || len(keys) < splitKeys {
		return r.honoursOf(ctx, keys, includeRevoked)
	}
	keys = distinct(keys)
	var (
		halves [2][]*domain.Honour
		errs   [2]error
		wg     sync.WaitGroup
	)
	for i, part := range [][]string{keys[:len(keys)/2], keys[len(keys)/2:]} {
		wg.Go(func() { halves[i], errs[i] = r.honoursOf(ctx, part, includeRevoked) })
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	out := make([]*domain.Honour, 0, len(halves[0])+len(halves[1]))
	a, b := halves[0], halves[1]
	for len(a) > 0 && len(b) > 0 {
		if honourBefore(b[0], a[0]) {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...), nil
}

// splitKeys is the number of keys from which HonoursOf reads in halves.
const splitKeys = 200

// honourBefore reports whether a comes before b in the order of HonoursOf.
func honourBefore(a, b *domain.Honour) bool {
	if c := a.ConferredOn.Compare(b.ConferredOn); c != 0 {
		return c < 0
	}
	if a.DecisionID != b.DecisionID {
		return a.DecisionID < b.DecisionID
	}
	return a.Ordinal < b.Ordinal
}

// honoursOf is HonoursOf in one query.
func (r reader) honoursOf(ctx context.Context, keys []string, includeRevoked bool) ([]*domain.Honour, error) {
	var (
		rows *sql.Rows
		err  error
	)
	if r.Dialect == sqlstore.Postgres { // see HeldAwards
		query, args := `SELECT `+honourColumns+perRecipient(honourColumns), []any{distinct(keys)}
		if !includeRevoked {
			query, args = query+` WHERE state = $2`, append(args, domain.HonourActive)
		}
		// Ids in byte order, as SQLite sorts them and honourBefore does,
		// whatever the database's collation.
		rows, err = r.Q.QueryContext(ctx, query+` ORDER BY conferred_on, decision_id COLLATE "C", ordinal`, args...)
	} else {
		var w sqlstore.Where
		w.In("recipient_key", keys...)
		if !includeRevoked {
			w.Add("state = ?", domain.HonourActive)
		}
		rows, err = r.Q.QueryContext(ctx, `SELECT `+honourColumns+` FROM honours`+w.SQL()+` ORDER BY conferred_on, decision_id, ordinal`, w.Args...)
	}
	if err != nil {
		return nil, fmt.Errorf("honours of recipients: %w", err)
	}
	return scanHonours(rows)
}

// scanHonours reads the honours of rows and closes it.
func scanHonours(rows *sql.Rows) ([]*domain.Honour, error) {
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
	// Movement is the name of a movement (movements/{m}) the honours cite.
	Movement string
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
// a few rows per authority and year, however large the register. The
// totals do not hold movements: honours of a movement are counted in the
// register itself, through its index on movement.
func (r reader) Statistics(ctx context.Context, f StatsFilter, dims []Dimension) ([]StatsRow, error) {
	hf := HonourFilter{AwardCode: f.AwardCode, Authorities: f.Authorities, Provinces: f.Provinces,
		YearFrom: f.YearFrom, YearTo: f.YearTo}
	from, count, sum := ` FROM honour_totals`, "SUM(honours)", "SUM(reward_vnd)"
	if f.Movement != "" {
		hf.Movement, hf.State = f.Movement, domain.HonourActive
		from, count = ` FROM honours`, "COUNT(*)"
	}
	w := r.honourWhere(hf)
	cols := make([]string, len(dims))
	for i, d := range dims {
		switch d {
		case ByAwardType, ByYear, ByProvince, ByAuthority, ByRecipientKind:
			cols[i] = string(d)
		default:
			return nil, fmt.Errorf("statistics: unknown dimension %q", d)
		}
	}
	selectCols := strings.Join(append(cols, "CAST(COALESCE("+count+", 0) AS BIGINT)",
		"CAST(COALESCE("+sum+", 0) AS BIGINT)"), ", ")
	query := `SELECT ` + selectCols + from + w.SQL()
	if len(cols) > 0 {
		// A group whose honours were all revoked has a row of zeros.
		query += ` GROUP BY ` + strings.Join(cols, ", ") + ` HAVING ` + count + ` > 0`
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
