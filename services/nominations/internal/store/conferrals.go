package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
)

// ConferralState is where a conferral stands.
type ConferralState string

// Conferral states.
const (
	// ConferralPending: the decision is asked of the honours service, and
	// the batch is not closed yet.
	ConferralPending ConferralState = "PENDING"
	// ConferralDone: the batch is closed.
	ConferralDone ConferralState = "DONE"
)

// ConferralKind is how a conferral gets its decision.
type ConferralKind string

// Conferral kinds.
const (
	// ConferralCreate: the decision is created, filled and issued in the
	// honours service (ConferBatch with a document).
	ConferralCreate ConferralKind = "CREATE"
	// ConferralExisting: the decision is one the honours service had
	// issued already; each nomination was matched to the honour of one of
	// its entries when the intent was written (ConferBatch with a
	// decision), and nothing is asked of honours to finish it.
	ConferralExisting ConferralKind = "EXISTING"
)

// Conferral is the intent of conferring a batch's approved nominations by
// one decision of the honours service, written before the call: a
// conferral interrupted (a crash, the honours service down) is resumed
// with the same request and decision, so that the decision is issued once.
type Conferral struct {
	Batch       string // batch id
	RequestID   string // the request id (UUID) of the call to the honours service
	Kind        ConferralKind
	DecisionID  string // the id of the decision asked for, or the existing one
	Document    domain.Document
	Title       string
	State       ConferralState
	Nominations []string // batches/{b}/nominations/{n}, in the decision's entry order
	// Honours maps each nomination of an EXISTING conferral to the honour
	// (honours/{h}) it was matched to; nil for a CREATE one, whose honours
	// the honours service answers.
	Honours    map[string]string
	CreateTime time.Time
	UpdateTime time.Time
}

// ConferralName names the conferral of batch in errors.
func ConferralName(batch string) string { return domain.BatchName(batch) + "/conferral" }

const conferralColumns = `batch_id, request_id, decision_id, document, title, state, nominations, create_time, update_time, kind, honours`

func scanConferral(row sqlstore.Scanner) (*Conferral, error) {
	var c Conferral
	if err := row.Scan(&c.Batch, &c.RequestID, &c.DecisionID, sqlstore.JSON(&c.Document), &c.Title, &c.State, sqlstore.JSON(&c.Nominations),
		sqlstore.Micros(&c.CreateTime), sqlstore.Micros(&c.UpdateTime), &c.Kind, sqlstore.JSON(&c.Honours)); err != nil {
		return nil, err
	}
	return &c, nil
}

// InsertConferral stores the conferral of a batch; a batch has one at
// most: a second is an ExistsError.
func (tx *Tx) InsertConferral(ctx context.Context, c *Conferral) error {
	if c.Kind == "" {
		c.Kind = ConferralCreate
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO conferrals (`+conferralColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		c.Batch, c.RequestID, c.DecisionID, sqlstore.JSON(c.Document), c.Title, string(c.State), sqlstore.JSON(c.Nominations),
		sqlstore.Micros(&c.CreateTime), sqlstore.Micros(&c.UpdateTime), string(c.Kind), sqlstore.JSON(c.Honours))
	if sqlstore.IsUniqueViolation(err) {
		return &domainerr.ExistsError{Name: ConferralName(c.Batch)}
	}
	return err
}

// GetConferral returns the conferral of batch; none is a NotFoundError
// naming ConferralName(batch).
func (r reader) GetConferral(ctx context.Context, batch string) (*Conferral, error) {
	c, err := scanConferral(r.Q.QueryRowContext(ctx, `SELECT `+conferralColumns+` FROM conferrals WHERE batch_id = $1`, batch))
	if err != nil {
		return nil, sqlstore.NotFound(err, ConferralName(batch))
	}
	return c, nil
}

// UpdateConferral writes the conferral of c.Batch (the caller holds its
// batch locked); none is a NotFoundError.
func (tx *Tx) UpdateConferral(ctx context.Context, c *Conferral) error {
	res, err := tx.ExecContext(ctx, `UPDATE conferrals SET request_id = $2, decision_id = $3, document = $4, title = $5, state = $6,
		nominations = $7, update_time = $8, kind = $9, honours = $10 WHERE batch_id = $1`,
		c.Batch, c.RequestID, c.DecisionID, sqlstore.JSON(c.Document), c.Title, string(c.State), sqlstore.JSON(c.Nominations),
		sqlstore.Micros(&c.UpdateTime), string(c.Kind), sqlstore.JSON(c.Honours))
	if err := sqlstore.CheckUpdated(res, err); err != nil {
		if errors.Is(err, domainerr.ErrStaleEtag) {
			return &domainerr.NotFoundError{Name: ConferralName(c.Batch)}
		}
		return err
	}
	return nil
}

// PendingConferrals returns the conferrals not done, oldest first.
func (r reader) PendingConferrals(ctx context.Context) ([]*Conferral, error) {
	rows, err := r.Q.QueryContext(ctx, `SELECT `+conferralColumns+` FROM conferrals WHERE state = $1 ORDER BY create_time, batch_id`,
		string(ConferralPending))
	cs, err := sqlstore.Collect(rows, err, scanConferral)
	if err != nil {
		return nil, fmt.Errorf("pending conferrals: %w", err)
	}
	return cs, nil
}
