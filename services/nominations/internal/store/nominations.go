package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/workdays"
)

// nominationColumns are what a nomination is read from, in scanNomination's
// order.
const nominationColumns = `batch_id, id, recipient, citizen_id_sealed, recipient_key, award_code, period_start, period_end,
	basis, movement, ranking, achievements, ratings, initiatives, members, discipline_pending, attachments, vote, eligibility,
	approval_override, state, history, due_on, due_step, comment_window_ends_on, honour, create_time, update_time, version`

// nominationWritten are the columns nominationRow writes: the nomination's
// own and the search and sort keys derived from it.
var nominationWritten = append(columnList(nominationColumns), "search", "sort_key")

func scanNomination(row sqlstore.Scanner) (*domain.Nomination, error) {
	var n domain.Nomination
	if err := row.Scan(&n.Batch, &n.ID, sqlstore.JSON(&n.Recipient), &n.SealedCitizenID, &n.Recipient.Key, &n.Award,
		&n.Period.StartYear, &n.Period.EndYear, &n.Basis, &n.Movement, &n.Ranking, &n.Achievements,
		sqlstore.JSON(&n.Ratings), sqlstore.JSON(&n.Initiatives), sqlstore.JSON(&n.Members), &n.DisciplinePending,
		sqlstore.JSON(&n.Attachments), sqlstore.JSON(&n.Vote), sqlstore.JSON(&n.Eligibility), sqlstore.JSON(&n.Override),
		&n.State, sqlstore.JSON(&n.History), &n.DueOn, &n.DueStep, &n.CommentWindowEndsOn, &n.Honour,
		sqlstore.Micros(&n.CreateTime), sqlstore.Micros(&n.UpdateTime), &n.Version); err != nil {
		return nil, err
	}
	if len(n.SealedCitizenID) == 0 {
		n.SealedCitizenID = nil
	}
	return &n, nil
}

// nominationRow is the values of nominationWritten for n. The recipient is
// kept without its citizen id: the sealed id is kept instead.
func nominationRow(n *domain.Nomination) []any {
	recipient := n.Recipient
	recipient.CitizenID, recipient.Key = "", ""
	var sealed any
	if len(n.SealedCitizenID) > 0 {
		sealed = n.SealedCitizenID
	}
	name := n.Recipient.DisplayName()
	return []any{n.Batch, n.ID, sqlstore.JSON(recipient), sealed, n.Recipient.Key, string(n.Award),
		n.Period.StartYear, n.Period.EndYear, int(n.Basis), n.Movement, n.Ranking, n.Achievements,
		sqlstore.JSON(n.Ratings), sqlstore.JSON(n.Initiatives), sqlstore.JSON(n.Members), boolInt(n.DisciplinePending),
		sqlstore.JSON(n.Attachments), sqlstore.JSON(n.Vote), sqlstore.JSON(n.Eligibility), sqlstore.JSON(n.Override),
		int(n.State), sqlstore.JSON(n.History), n.DueOn, string(n.DueStep), n.CommentWindowEndsOn, n.Honour,
		sqlstore.Micros(&n.CreateTime), sqlstore.Micros(&n.UpdateTime), n.Version,
		vnfold.Fold(name), vnfold.SortKey(name)}
}

func (r reader) getNomination(ctx context.Context, batch, id, lock string) (*domain.Nomination, error) {
	n, err := scanNomination(r.Q.QueryRowContext(ctx, `SELECT `+nominationColumns+` FROM nominations
		WHERE batch_id = $1 AND id = $2`+lock, batch, id))
	if err != nil {
		return nil, sqlstore.NotFound(err, domain.NominationName(batch, id))
	}
	return n, nil
}

// GetNomination returns a nomination of batch.
func (r reader) GetNomination(ctx context.Context, batch, id string) (*domain.Nomination, error) {
	return r.getNomination(ctx, batch, id, "")
}

// LockNomination returns a nomination of batch for a read-modify-write.
func (tx *Tx) LockNomination(ctx context.Context, batch, id string) (*domain.Nomination, error) {
	return tx.getNomination(ctx, batch, id, tx.ForUpdate())
}

// InsertNominations stores new nominations, of batches that exist (a
// missing batch is NotFound), in one bulk insert. An id its batch has
// already, or that ns repeat, is an ExistsError naming the first such
// nomination.
func (tx *Tx) InsertNominations(ctx context.Context, ns []*domain.Nomination) error {
	seen := make(map[[2]string]bool, len(ns))
	var batches []string // in the order of ns
	ids := map[string][]string{}
	for _, n := range ns {
		if seen[[2]string{n.Batch, n.ID}] {
			return &domainerr.ExistsError{Name: n.Name()}
		}
		seen[[2]string{n.Batch, n.ID}] = true
		if ids[n.Batch] == nil {
			batches = append(batches, n.Batch)
		}
		ids[n.Batch] = append(ids[n.Batch], n.ID)
	}
	units := make(map[string][2]string, len(batches))
	for _, batch := range batches {
		var proposer, authority string
		err := tx.Q.QueryRowContext(ctx, `SELECT proposer, authority FROM batches WHERE id = $1`, batch).Scan(&proposer, &authority)
		if err != nil {
			return sqlstore.NotFound(err, domain.BatchName(batch))
		}
		units[batch] = [2]string{proposer, authority}
		if err := tx.checkNewNominations(ctx, batch, ids[batch]); err != nil {
			return err
		}
	}
	rows := make([][]any, len(ns))
	for i, n := range ns {
		u := units[n.Batch]
		rows[i] = append(nominationRow(n), u[0], u[1])
	}
	err := tx.Copy(ctx, "nominations", append(slices.Clone(nominationWritten), "proposer", "authority"), rows)
	if sqlstore.IsUniqueViolation(err) {
		return &domainerr.ExistsError{Name: ns[0].Name()}
	}
	return err
}

// checkNewNominations finds the first of ids that batch has already, and
// names that nomination.
func (tx *Tx) checkNewNominations(ctx context.Context, batch string, ids []string) error {
	for chunk := range slices.Chunk(ids, 1000) {
		var w sqlstore.Where
		w.Add("batch_id = ?", batch)
		w.In("id", chunk...)
		rows, err := tx.Q.QueryContext(ctx, `SELECT id FROM nominations`+w.SQL(), w.Args...)
		taken, err := sqlstore.Collect(rows, err, func(row sqlstore.Scanner) (id string, err error) { return id, row.Scan(&id) })
		if err != nil {
			return fmt.Errorf("existing nominations: %w", err)
		}
		for _, id := range chunk {
			if slices.Contains(taken, id) {
				return &domainerr.ExistsError{Name: domain.NominationName(batch, id)}
			}
		}
	}
	return nil
}

// UpdateNomination writes n, which was read at version n.Version-1: a
// nomination changed since is domainerr.ErrStaleEtag.
func (tx *Tx) UpdateNomination(ctx context.Context, n *domain.Nomination) error {
	values := nominationRow(n)
	res, err := tx.ExecContext(ctx, `UPDATE nominations SET `+assignments(nominationWritten[2:], 3)+
		fmt.Sprintf(` WHERE batch_id = $1 AND id = $2 AND version = $%d`, len(values)+1), append(values, n.Version-1)...)
	return sqlstore.CheckUpdated(res, err)
}

func (r reader) nominationsOfBatch(ctx context.Context, batch, lock string, states []domain.State) ([]*domain.Nomination, error) {
	var w sqlstore.Where
	w.Add("batch_id = ?", batch)
	if len(states) > 0 {
		w.Conds = append(w.Conds, "state IN ("+stateList(states)+")")
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+nominationColumns+` FROM nominations`+w.SQL()+` ORDER BY id`+lock, w.Args...)
	ns, err := sqlstore.Collect(rows, err, scanNomination)
	if err != nil {
		return nil, fmt.Errorf("nominations of %s: %w", domain.BatchName(batch), err)
	}
	return ns, nil
}

// NominationsOfBatch returns the nominations of batch in states (none:
// every state), ordered by id.
func (r reader) NominationsOfBatch(ctx context.Context, batch string, states ...domain.State) ([]*domain.Nomination, error) {
	return r.nominationsOfBatch(ctx, batch, "", states)
}

// NominationsOfBatch returns the nominations of batch in states (none:
// every state), ordered by id, locked for a read-modify-write.
func (tx *Tx) NominationsOfBatch(ctx context.Context, batch string, states ...domain.State) ([]*domain.Nomination, error) {
	return tx.nominationsOfBatch(ctx, batch, tx.ForUpdate(), states)
}

// stateList is states as an SQL list of numbers.
func stateList(states []domain.State) string {
	out := make([]string, len(states))
	for i, s := range states {
		out[i] = fmt.Sprint(int(s))
	}
	return strings.Join(out, ",")
}

// NominationFilter selects nominations in ListNominations; zero values
// select all.
type NominationFilter struct {
	Batch string // batch id; "" for every batch
	// Units are the units whose nominations the caller sees: those of the
	// batches proposed by or to one of them. nil: every nomination.
	Units        []string
	State        domain.State
	Award        eligibility.Award
	RecipientKey string
	Query        string // words of the recipient's name, any accents and case
	// OverdueOn, when set, keeps the nominations overdue on that day
	// (domain.Nomination.Overdue): a due date before it, of a time limit
	// to act within (not a public comment window), in a state that is not
	// final.
	OverdueOn civil.Date
}

// NominationCursor is the position after the last nomination of a page.
type NominationCursor struct {
	CreateTime int64  `json:"t"` // microseconds
	Batch      string `json:"b"`
	ID         string `json:"i"`
}

// ListNominations returns up to size nominations after cursor (nil: from
// the start), oldest first (create_time, batch id, id); the cursor of the
// next page (nil on the last) and the number of matching nominations.
func (r reader) ListNominations(ctx context.Context, f NominationFilter, after *NominationCursor, size int) ([]*domain.Nomination, *NominationCursor, int, error) {
	var w sqlstore.Where
	if f.Batch != "" {
		w.Add("batch_id = ?", f.Batch)
	}
	visibleTo(&w, f.Units)
	if f.State != domain.StateUnspecified {
		w.Add("state = ?", int(f.State))
	}
	if f.Award != "" {
		w.Add("award_code = ?", string(f.Award))
	}
	if f.RecipientKey != "" {
		w.Add("recipient_key = ?", f.RecipientKey)
	}
	if !f.OverdueOn.IsZero() {
		w.Add("due_on <> '' AND due_on < ?", f.OverdueOn.String())
		w.In("due_step", withinSteps()...)
		w.Conds = append(w.Conds, "state NOT IN ("+stateList(finalStates())+")")
	}
	r.Search(&w, "nominations", f.Query)
	total, err := r.Count(ctx, `SELECT COUNT(*) FROM nominations`+w.SQL(), w.Args...)
	if err != nil {
		return nil, nil, 0, err
	}
	if after != nil {
		w.Add("(create_time, batch_id, id) > (?, ?, ?)", after.CreateTime, after.Batch, after.ID)
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+nominationColumns+` FROM nominations`+w.SQL()+
		` ORDER BY create_time, batch_id, id`+limit(size), w.Args...)
	ns, err := sqlstore.Collect(rows, err, scanNomination)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list nominations: %w", err)
	}
	ns, next := page(ns, size, func(n *domain.Nomination) *NominationCursor {
		return &NominationCursor{CreateTime: n.CreateTime.UnixMicro(), Batch: n.Batch, ID: n.ID}
	})
	return ns, next, total, nil
}

// withinSteps are the time limits a nomination can be overdue on: those
// to act within.
func withinSteps() []string {
	var out []string
	for _, l := range workdays.Limits() {
		if l.Bound == workdays.Within {
			out = append(out, string(l.Step))
		}
	}
	return out
}

// finalStates are the states no action leaves.
func finalStates() []domain.State {
	var out []domain.State
	for s := domain.Draft; s <= domain.Withdrawn; s++ {
		if s.Final() {
			out = append(out, s)
		}
	}
	return out
}

// Claims returns what the duplicates rule reads (domain.Claim) of every
// nomination of a recipient key in keys ("" left out) that is open or
// conferred (not REJECTED or WITHDRAWN), ordered by batch and id.
func (r reader) Claims(ctx context.Context, keys []string) ([]domain.Claim, error) {
	keys = claimKeys(keys)
	var out []domain.Claim
	for chunk := range slices.Chunk(keys, 1000) {
		var w sqlstore.Where
		w.In("recipient_key", chunk...)
		w.Conds = append(w.Conds, "state NOT IN ("+stateList([]domain.State{domain.Rejected, domain.Withdrawn})+")")
		rows, err := r.Q.QueryContext(ctx, `SELECT batch_id, id, recipient_key, award_code, period_start, period_end, basis, movement, state
			FROM nominations`+w.SQL()+` ORDER BY batch_id, id`, w.Args...)
		claims, err := sqlstore.Collect(rows, err, scanClaim)
		if err != nil {
			return nil, fmt.Errorf("claims: %w", err)
		}
		out = append(out, claims...)
	}
	return out, nil
}

// Claims is reader.Claims within the transaction, serialised with every
// other transaction that reads the claims of one of keys: on PostgreSQL a
// transaction-scoped advisory lock is taken per key first, so that a
// nomination another transaction inserts for one of them is committed
// before the read, or waits for this transaction to end (SQLite's writers
// are serial already).
func (tx *Tx) Claims(ctx context.Context, keys []string) ([]domain.Claim, error) {
	keys = claimKeys(keys)
	if tx.Dialect == sqlstore.Postgres {
		for chunk := range slices.Chunk(keys, 1000) {
			args := make([]any, len(chunk))
			values := make([]string, len(chunk))
			for i, k := range chunk {
				args[i], values[i] = k, fmt.Sprintf("($%d)", i+1)
			}
			// In the order of the locks' ids, so that two transactions
			// never wait for each other at once.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(k) AS h
				FROM (VALUES `+strings.Join(values, ",")+`) AS t (k) ORDER BY h) AS l`, args...); err != nil {
				return nil, fmt.Errorf("lock claims: %w", err)
			}
		}
	}
	return tx.reader.Claims(ctx, keys)
}

// claimKeys are keys sorted, without repeats or "".
func claimKeys(keys []string) []string {
	keys = slices.Compact(slices.Sorted(slices.Values(keys)))
	if len(keys) > 0 && keys[0] == "" {
		keys = keys[1:]
	}
	return keys
}

func scanClaim(row sqlstore.Scanner) (domain.Claim, error) {
	var (
		c         domain.Claim
		batch, id string
	)
	err := row.Scan(&batch, &id, &c.Key, &c.Award, &c.Period.StartYear, &c.Period.EndYear, &c.Basis, &c.Movement, &c.State)
	c.Name = domain.NominationName(batch, id)
	return c, err
}
