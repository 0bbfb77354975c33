package sqlstore

import (
	"context"
	"errors"
	"time"
)

// Op describes a mutation for Do: its idempotency key and its audit entry
// (in the admin activity stream).
type Op struct {
	Method      string    // the RPC, e.g. "CreateUnit"
	RequestID   string    // "" when the client sent none
	Fingerprint []byte    // hash of the request without its request id
	Caller      string    // who, for the audit log: the authenticated subject
	CallerRoles string    // the caller's grants (auth.Caller.RoleList), for the audit log
	AuthMethod  string    // how the caller authenticated (auth.Caller.Method), for the audit log
	OwnerUnit   string    // id of the unit owning the resource (policy.OwnerUnit), for the audit log
	TraceID     string    // the call's trace id, for the audit log
	At          time.Time // when, for the audit log; zero means now
}

// auditEntry is op's admin activity record of a change of resource.
func (op Op) auditEntry(resource string) AuditEntry {
	return AuditEntry{
		Log: LogActivity, Caller: op.Caller, CallerRoles: op.CallerRoles, AuthMethod: op.AuthMethod,
		Method: op.Method, Resource: resource, OwnerUnit: op.OwnerUnit, RequestID: op.RequestID,
		Result: ResultOK, TraceID: op.TraceID, At: op.At,
	}
}

// Do runs fn in one transaction that also makes the mutation safe to retry
// and audits it:
//
//   - When op.RequestID was saved before, fn does not run and the first
//     response is returned; the same id with another method or fingerprint
//     is ErrRequestReused.
//   - Otherwise fn's response is saved under the request id and the audit
//     entry (op, and the resource fn names) is written; all of it commits
//     with fn's changes, or none of it does.
//   - When the transaction fails and a request with the same id committed
//     meanwhile (two copies of one request raced: on PostgreSQL both looked
//     the id up before either saved it, and the loser then fails on the
//     requests key or on the state the winner changed), the winner's
//     response is returned instead of the loser's error.
func (db *DB) Do(ctx context.Context, op Op, fn func(tx *Tx) (resource string, response []byte, err error)) ([]byte, error) {
	var out []byte
	err := db.InTx(ctx, func(tx *Tx) error {
		if op.RequestID != "" {
			prev, found, err := LookupRequest(ctx, tx.Tx, op.RequestID, op.Method, op.Fingerprint)
			if err != nil {
				return err
			}
			if found {
				out = prev
				return nil
			}
		}
		resource, resp, err := fn(tx)
		if err != nil {
			return err
		}
		if op.RequestID != "" {
			if err := SaveRequest(ctx, tx.Tx, op.RequestID, op.Method, op.Fingerprint, resp); err != nil {
				return err
			}
		}
		if err := Audit(ctx, tx, op.auditEntry(resource)); err != nil {
			return err
		}
		out = resp
		return nil
	})
	if err == nil || op.RequestID == "" || errors.Is(err, ErrRequestReused) {
		return out, err
	}
	// Did a copy of this request commit while ours ran?
	var prev []byte
	var found bool
	lerr := db.InTx(ctx, func(tx *Tx) error {
		var err error
		prev, found, err = LookupRequest(ctx, tx.Tx, op.RequestID, op.Method, op.Fingerprint)
		return err
	})
	switch {
	case errors.Is(lerr, ErrRequestReused):
		return nil, lerr
	case lerr == nil && found:
		return prev, nil
	}
	return nil, err
}
