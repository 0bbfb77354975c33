package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrRequestReused is returned by LookupRequest when a request id was already
// used by a request with another method or other content.
var ErrRequestReused = domainerr.ErrRequestReused

// IsUniqueViolation reports whether err (or an error it wraps) is a unique or
// primary-key constraint violation on either engine.
func IsUniqueViolation(err error) bool {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pgErr.Code == "23505" // unique_violation
	}
	if sqliteErr, ok := errors.AsType[*sqlite.Error](err); ok {
		switch sqliteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return true
		}
	}
	return false
}

// LookupRequest finds the saved response of an earlier request with the same
// id, in the transaction that is about to do the write. found is false when
// the id is new. The error is ErrRequestReused when the id was used by another
// method or with another fingerprint (a hash of the request's content that the
// caller computes, e.g. SHA-256 of the deterministic proto encoding without
// the request id).
func LookupRequest(ctx context.Context, tx *sql.Tx, requestID, method string, fingerprint []byte) (response []byte, found bool, err error) {
	var savedMethod string
	var savedFingerprint []byte
	err = tx.QueryRowContext(ctx,
		`SELECT method, fingerprint, response FROM requests WHERE request_id = $1`,
		requestID).Scan(&savedMethod, &savedFingerprint, &response)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("sqlstore: look up request %q: %w", requestID, err)
	case savedMethod != method || !bytes.Equal(savedFingerprint, fingerprint):
		return nil, false, ErrRequestReused
	}
	if response == nil {
		response = []byte{}
	}
	return response, true, nil
}

// SaveRequest stores the response of a request in the transaction of its
// write, so that a retry with the same id gets the same response. When two
// requests with the same id run at once, the second to save fails with a
// unique violation (IsUniqueViolation): retrying its transaction makes
// LookupRequest return the first one's response.
func SaveRequest(ctx context.Context, tx *sql.Tx, requestID, method string, fingerprint, response []byte) error {
	if fingerprint == nil {
		fingerprint = []byte{}
	}
	if response == nil {
		response = []byte{}
	}
	_, err := tx.ExecContext(ctx,
		`INSERT INTO requests (request_id, method, fingerprint, response, created_at) VALUES ($1, $2, $3, $4, $5)`,
		requestID, method, fingerprint, response, time.Now().UnixMicro())
	if err != nil {
		return fmt.Errorf("sqlstore: save request %q: %w", requestID, err)
	}
	return nil
}
