package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
)

const decisionColumns = `id, number, signed_on, signer_name, signer_title, issuer, title, authority, movement,
	state, entry_count, reward_total, revoke_reason, revoke_number, revoke_signed_on, revoke_signer_name,
	revoke_signer_title, revoke_issuer, revoke_time, create_time, issue_time, update_time, version,
	signing_capacity, recipients`

func scanDecision(row interface{ Scan(...any) error }) (*domain.Decision, error) {
	var (
		d domain.Decision
		r domain.Revoked
	)
	dest := append([]any{&d.ID, &d.Document.Number, &d.Document.SignedOn, &d.Document.SignerName, &d.Document.SignerTitle,
		&d.Document.Issuer, &d.Title, &d.Authority, &d.Movement, &d.State, &d.EntryCount, &d.RewardTotal},
		revokedDest(&r)...)
	var recipients string
	dest = append(dest, sqlstore.Micros(&d.CreateTime), sqlstore.Micros(&d.IssueTime), sqlstore.Micros(&d.UpdateTime), &d.Version,
		&d.Document.Capacity, &recipients)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if recipients != "" {
		if err := json.Unmarshal([]byte(recipients), &d.Document.Recipients); err != nil {
			return nil, fmt.Errorf("recipients of decision %s: %w", d.ID, err)
		}
	}
	if !r.Time.IsZero() {
		d.Revoked = &r
	}
	return &d, nil
}

// revokedDest are the Scan destinations of the revoke_* columns; r.Time
// stays zero when there is no revocation.
func revokedDest(r *domain.Revoked) []any {
	doc := &r.Document
	return []any{&r.Reason, &doc.Number, &doc.SignedOn, &doc.SignerName, &doc.SignerTitle, &doc.Issuer, sqlstore.Micros(&r.Time)}
}

// revokedColumns are the values of the revoke_* columns.
func revokedColumns(r *domain.Revoked) []any {
	if r == nil {
		return []any{"", "", "", "", "", "", int64(0)}
	}
	doc := r.Document
	return []any{r.Reason, doc.Number, doc.SignedOn, doc.SignerName, doc.SignerTitle, doc.Issuer, sqlstore.Micros(&r.Time)}
}

// recipientsColumn is the value of the recipients column: a JSON array,
// empty for none.
func recipientsColumn(recipients []string) (string, error) {
	if len(recipients) == 0 {
		return "", nil
	}
	b, err := json.Marshal(recipients)
	if err != nil {
		return "", fmt.Errorf("recipients: %w", err)
	}
	return string(b), nil
}

// decisionSearch is the folded text ListDecisions' query matches.
func decisionSearch(d *domain.Decision) string {
	return vnfold.Fold(d.Document.Number + " " + d.Title)
}

// GetDecision returns a decision without its entries.
func (r reader) GetDecision(ctx context.Context, id string) (*domain.Decision, error) {
	return r.getDecision(ctx, id, "")
}

// LockDecision reads a decision for a change in this transaction.
func (tx *Tx) LockDecision(ctx context.Context, id string) (*domain.Decision, error) {
	return tx.getDecision(ctx, id, tx.ForUpdate())
}

func (r reader) getDecision(ctx context.Context, id, lock string) (*domain.Decision, error) {
	d, err := scanDecision(r.Q.QueryRowContext(ctx, `SELECT `+decisionColumns+` FROM decisions WHERE id = $1`+lock, id))
	if err != nil {
		return nil, sqlstore.NotFound(err, "decisions/"+id)
	}
	return d, nil
}

// InsertDecision stores a new decision; an existing id is an ExistsError.
func (tx *Tx) InsertDecision(ctx context.Context, d *domain.Decision) error {
	args := []any{d.ID, d.Document.Number, d.Document.SignedOn, d.Document.SignerName,
		d.Document.SignerTitle, d.Document.Issuer, d.Title, d.Authority, d.Movement, d.State, d.EntryCount, d.RewardTotal}
	args = append(args, revokedColumns(d.Revoked)...)
	recipients, err := recipientsColumn(d.Document.Recipients)
	if err != nil {
		return err
	}
	args = append(args, sqlstore.Micros(&d.CreateTime), sqlstore.Micros(&d.IssueTime), sqlstore.Micros(&d.UpdateTime), d.Version,
		d.Document.Capacity, recipients, d.Document.SignedOn.Year, decisionSearch(d))
	_, err = tx.ExecContext(ctx, `INSERT INTO decisions (`+decisionColumns+`, year, search)
		VALUES (`+sqlstore.Placeholders(1, len(args))+`)`, args...)
	if sqlstore.IsUniqueViolation(err) {
		return &ExistsError{Name: d.Name()}
	}
	return err
}

// UpdateDecision writes d, which was read at version d.Version-1.
func (tx *Tx) UpdateDecision(ctx context.Context, d *domain.Decision) error {
	args := []any{d.ID, d.State, d.EntryCount, d.RewardTotal, sqlstore.Micros(&d.IssueTime), sqlstore.Micros(&d.UpdateTime), d.Version}
	args = append(args, revokedColumns(d.Revoked)...)
	args = append(args, d.Version-1)
	res, err := tx.ExecContext(ctx, `UPDATE decisions SET state=$2, entry_count=$3, reward_total=$4,
		issue_time=$5, update_time=$6, version=$7, revoke_reason=$8, revoke_number=$9, revoke_signed_on=$10,
		revoke_signer_name=$11, revoke_signer_title=$12, revoke_issuer=$13, revoke_time=$14
		WHERE id=$1 AND version=$15`, args...)
	return sqlstore.CheckUpdated(res, err)
}

const entryColumns = `ordinal, kind, full_name, gender, birth_year, job_title, unit, citizen_id_masked,
	citizen_id_sealed, head_name, address, commune, recipient_key, weak, award_code, period_start, period_end,
	achievements, nomination`

// entryCopyColumns are the columns InsertEntries writes.
var entryCopyColumns = append([]string{"decision_id"}, columnList(entryColumns)...)

// InsertEntries stores entries of decision id; their ordinals must follow
// the decision's last one.
func (tx *Tx) InsertEntries(ctx context.Context, id string, entries []domain.DecisionEntry) error {
	width := len(entryCopyColumns)
	values := make([]any, 0, len(entries)*width) // one allocation for every row
	rows := make([][]any, len(entries))
	for i, e := range entries {
		rc := e.Recipient
		var sealed any
		if len(rc.CitizenIDSealed) > 0 {
			sealed = rc.CitizenIDSealed
		}
		start := len(values)
		values = append(values, id, e.Ordinal, rc.Kind, rc.FullName, rc.Gender, rc.BirthYear, rc.Position, rc.Unit,
			rc.CitizenIDMasked, sealed, rc.HeadName, rc.Address, rc.Commune, rc.Key, boolInt(rc.Weak),
			e.AwardCode, e.Period.StartYear, e.Period.EndYear, e.Achievements, e.Nomination)
		rows[i] = values[start:len(values):len(values)]
	}
	err := tx.Copy(ctx, "decision_entries", entryCopyColumns, rows)
	if sqlstore.IsUniqueViolation(err) {
		return ErrStaleEtag // a concurrent AddDecisionEntries took these ordinals
	}
	return err
}

// Entries returns the entries of decision id in ordinal order, with the
// honour each became once issued.
func (r reader) Entries(ctx context.Context, id string) ([]domain.DecisionEntry, error) {
	return r.entries(ctx, id, 0, 0)
}

// EntriesAfter returns up to limit entries of decision id whose ordinal is
// greater than after, in ordinal order, with the honour each became once
// issued: a page of them, found through the primary key.
func (r reader) EntriesAfter(ctx context.Context, id string, after, limit int) ([]domain.DecisionEntry, error) {
	return r.entries(ctx, id, after, limit)
}

// entries returns the entries of decision id after ordinal after, at most
// limit of them (0: all).
func (r reader) entries(ctx context.Context, id string, after, limit int) ([]domain.DecisionEntry, error) {
	query := `SELECT e.ordinal, e.kind, e.full_name, e.gender, e.birth_year,
		e.job_title, e.unit, e.citizen_id_masked, e.citizen_id_sealed, e.head_name, e.address, e.commune,
		e.recipient_key, e.weak, e.award_code, e.period_start, e.period_end, e.achievements, e.nomination,
		COALESCE(h.id, ''), COALESCE(h.reward_vnd, 0)
		FROM decision_entries e LEFT JOIN honours h ON h.decision_id = e.decision_id AND h.ordinal = e.ordinal
		WHERE e.decision_id = $1 AND e.ordinal > $2 ORDER BY e.ordinal`
	if limit > 0 {
		query += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := r.Q.QueryContext(ctx, query, id, after)
	if err != nil {
		return nil, fmt.Errorf("entries of %s: %w", id, err)
	}
	defer rows.Close()
	out := make([]domain.DecisionEntry, 0, limit)
	for rows.Next() {
		var (
			e    domain.DecisionEntry
			weak int
		)
		rc := &e.Recipient
		if err := rows.Scan(&e.Ordinal, &rc.Kind, &rc.FullName, &rc.Gender, &rc.BirthYear, &rc.Position,
			&rc.Unit, &rc.CitizenIDMasked, &rc.CitizenIDSealed, &rc.HeadName, &rc.Address, &rc.Commune,
			&rc.Key, &weak, &e.AwardCode, &e.Period.StartYear, &e.Period.EndYear, &e.Achievements,
			&e.Nomination, &e.HonourID, &e.RewardVND); err != nil {
			return nil, err
		}
		rc.Weak = weak != 0
		out = append(out, e)
	}
	return out, rows.Err()
}

// EntryLines returns what the money rule needs of each entry of decision
// id, in ordinal order (domain.RewardLines without reading the entries
// whole).
func (r reader) EntryLines(ctx context.Context, id string) ([]domain.Entry, error) {
	rows, err := r.Q.QueryContext(ctx, `SELECT recipient_key, kind, award_code, period_start, period_end
		FROM decision_entries WHERE decision_id = $1 ORDER BY ordinal`, id)
	if err != nil {
		return nil, fmt.Errorf("entry lines of %s: %w", id, err)
	}
	defer rows.Close()
	var out []domain.Entry
	for rows.Next() {
		var l domain.Entry
		if err := rows.Scan(&l.RecipientKey, &l.RecipientKind, &l.AwardCode, &l.Period.StartYear, &l.Period.EndYear); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// EntryAward is what makes an entry a duplicate of another (domain.md §5
// G2): the same recipient, award type and period.
type EntryAward struct {
	Ordinal      int
	RecipientKey string
	AwardCode    string
	Period       domain.Period
}

// EntryAwards returns the awards of decision id's entries whose recipients
// have one of keys.
func (r reader) EntryAwards(ctx context.Context, id string, keys []string) ([]EntryAward, error) {
	var out []EntryAward
	err := inChunks(keys, func(chunk []string) error {
		var w sqlstore.Where
		w.Add("decision_id = ?", id)
		w.In("recipient_key", chunk...)
		rows, err := r.Q.QueryContext(ctx, `SELECT ordinal, recipient_key, award_code, period_start, period_end
			FROM decision_entries`+w.SQL(), w.Args...)
		if err != nil {
			return fmt.Errorf("entry awards: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var a EntryAward
			if err := rows.Scan(&a.Ordinal, &a.RecipientKey, &a.AwardCode, &a.Period.StartYear, &a.Period.EndYear); err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	return out, err
}

// EntryUnits returns the distinct units decision id's entries name (their
// recipients' units and communes).
func (r reader) EntryUnits(ctx context.Context, id string) ([]string, error) {
	rows, err := r.Q.QueryContext(ctx, `SELECT DISTINCT unit FROM decision_entries WHERE decision_id = $1 AND unit <> ''
		UNION SELECT DISTINCT commune FROM decision_entries WHERE decision_id = $1 AND commune <> ''`, id)
	if err != nil {
		return nil, fmt.Errorf("units of %s: %w", id, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// DecisionFilter selects decisions in ListDecisions.
type DecisionFilter struct {
	Authorities []string // any of these unit ids; nil: any
	Year        int
	Query       string
	State       domain.DecisionState
	// Drafts says whose drafts the caller sees; other drafts are left out.
	Drafts policy.Scope
}

// DecisionCursor is the position after the last decision of a page.
type DecisionCursor struct {
	SignedOn string `json:"s"`
	ID       string `json:"i"`
}

// ListDecisions returns up to size decisions after cursor (nil: from the
// start), newest signing date first, then by id; the cursor of the next page
// (nil on the last) and the number of matching decisions.
func (r reader) ListDecisions(ctx context.Context, f DecisionFilter, after *DecisionCursor, size int) ([]*domain.Decision, *DecisionCursor, int, error) {
	var w sqlstore.Where
	if f.Authorities != nil {
		w.In("authority", f.Authorities...)
	}
	if f.Year != 0 {
		w.Add("year = ?", f.Year)
	}
	r.Search(&w, "decisions", f.Query)
	if f.State != domain.DecisionStateUnspecified {
		w.Add("state = ?", f.State)
	}
	w.Visible("state <> ?", domain.DecisionDraft, "authority", f.Drafts.All, f.Drafts.Units)
	total, err := r.Count(ctx, `SELECT COUNT(*) FROM decisions`+w.SQL(), w.Args...)
	if err != nil {
		return nil, nil, 0, err
	}
	if after != nil {
		s, i := w.Next(after.SignedOn), w.Next(after.ID)
		w.Conds = append(w.Conds, fmt.Sprintf("(signed_on < %s OR (signed_on = %s AND id > %s))", s, s, i))
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+decisionColumns+` FROM decisions`+w.SQL()+
		` ORDER BY signed_on DESC, id LIMIT `+strconv.Itoa(size+1), w.Args...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list decisions: %w", err)
	}
	defer rows.Close()
	var out []*domain.Decision
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, nil, 0, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	var next *DecisionCursor
	if len(out) > size {
		out = out[:size]
		last := out[size-1]
		next = &DecisionCursor{SignedOn: last.Document.SignedOn.String(), ID: last.ID}
	}
	return out, next, total, nil
}
