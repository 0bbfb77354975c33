package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
)

const batchColumns = `id, proposer, authority, title, document, state, nominations_count, decision,
	create_time, update_time, submit_time, version`

func scanBatch(row sqlstore.Scanner) (*domain.Batch, error) {
	var b domain.Batch
	if err := row.Scan(&b.ID, &b.Proposer, &b.Authority, &b.Title, sqlstore.JSON(&b.Document), &b.State, &b.NominationsCount,
		&b.Decision, sqlstore.Micros(&b.CreateTime), sqlstore.Micros(&b.UpdateTime), sqlstore.Micros(&b.SubmitTime),
		&b.Version); err != nil {
		return nil, err
	}
	return &b, nil
}

func (r reader) getBatch(ctx context.Context, id, lock string) (*domain.Batch, error) {
	b, err := scanBatch(r.Q.QueryRowContext(ctx, `SELECT `+batchColumns+` FROM batches WHERE id = $1`+lock, id))
	if err != nil {
		return nil, sqlstore.NotFound(err, domain.BatchName(id))
	}
	return b, nil
}

// GetBatch returns a batch.
func (r reader) GetBatch(ctx context.Context, id string) (*domain.Batch, error) {
	return r.getBatch(ctx, id, "")
}

// LockBatch returns a batch for a read-modify-write.
func (tx *Tx) LockBatch(ctx context.Context, id string) (*domain.Batch, error) {
	return tx.getBatch(ctx, id, tx.ForUpdate())
}

// InsertBatch stores a new batch; an existing id is an ExistsError.
func (tx *Tx) InsertBatch(ctx context.Context, b *domain.Batch) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO batches (`+batchColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
		b.ID, b.Proposer, b.Authority, b.Title, sqlstore.JSON(b.Document), b.State, b.NominationsCount, b.Decision,
		sqlstore.Micros(&b.CreateTime), sqlstore.Micros(&b.UpdateTime), sqlstore.Micros(&b.SubmitTime), b.Version)
	if sqlstore.IsUniqueViolation(err) {
		return &domainerr.ExistsError{Name: b.Name()}
	}
	return err
}

// UpdateBatch writes b, which was read at version b.Version-1: a batch
// changed since is domainerr.ErrStaleEtag. Its nominations follow a change
// of its proposer or authority.
func (tx *Tx) UpdateBatch(ctx context.Context, b *domain.Batch) error {
	res, err := tx.ExecContext(ctx, `UPDATE batches SET proposer = $2, authority = $3, title = $4, document = $5, state = $6,
		nominations_count = $7, decision = $8, update_time = $9, submit_time = $10, version = $11
		WHERE id = $1 AND version = $12`,
		b.ID, b.Proposer, b.Authority, b.Title, sqlstore.JSON(b.Document), b.State, b.NominationsCount, b.Decision,
		sqlstore.Micros(&b.UpdateTime), sqlstore.Micros(&b.SubmitTime), b.Version, b.Version-1)
	if err := sqlstore.CheckUpdated(res, err); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE nominations SET proposer = $2, authority = $3
		WHERE batch_id = $1 AND (proposer <> $2 OR authority <> $3)`, b.ID, b.Proposer, b.Authority)
	return err
}

// BatchFilter selects batches in ListBatches; zero values select all.
type BatchFilter struct {
	// Units are the units whose batches the caller sees: those proposed
	// by or to one of them. nil: every batch.
	Units       []string
	Proposers   []string // any of these unit ids; nil: any
	Authorities []string // any of these unit ids; nil: any
	State       domain.BatchState
	Year        int // created in this year, in Vietnam's time
}

// BatchCursor is the position after the last batch of a page.
type BatchCursor struct {
	CreateTime int64  `json:"t"` // microseconds
	ID         string `json:"i"`
}

// ListBatches returns up to size batches after cursor (nil: from the
// start), newest first (create_time, then id, descending); the cursor of
// the next page (nil on the last) and the number of matching batches.
func (r reader) ListBatches(ctx context.Context, f BatchFilter, after *BatchCursor, size int) ([]*domain.Batch, *BatchCursor, int, error) {
	var w sqlstore.Where
	visibleTo(&w, f.Units)
	if f.Proposers != nil {
		w.In("proposer", f.Proposers...)
	}
	if f.Authorities != nil {
		w.In("authority", f.Authorities...)
	}
	if f.State != domain.BatchStateUnspecified {
		w.Add("state = ?", f.State)
	}
	if f.Year != 0 {
		start := time.Date(f.Year, time.January, 1, 0, 0, 0, 0, civil.Vietnam)
		w.Add("create_time >= ? AND create_time < ?", start.UnixMicro(), start.AddDate(1, 0, 0).UnixMicro())
	}
	total, err := r.Count(ctx, `SELECT COUNT(*) FROM batches`+w.SQL(), w.Args...)
	if err != nil {
		return nil, nil, 0, err
	}
	if after != nil {
		w.Add("(create_time, id) < (?, ?)", after.CreateTime, after.ID)
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+batchColumns+` FROM batches`+w.SQL()+
		` ORDER BY create_time DESC, id DESC`+limit(size), w.Args...)
	bs, err := sqlstore.Collect(rows, err, scanBatch)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list batches: %w", err)
	}
	bs, next := page(bs, size, func(b *domain.Batch) *BatchCursor {
		return &BatchCursor{CreateTime: b.CreateTime.UnixMicro(), ID: b.ID}
	})
	return bs, next, total, nil
}
