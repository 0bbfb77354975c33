package sqlstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math"
	"time"

	"github.com/pressly/goose/v3"
)

// The audit log is a hash chain. Record seq (1, 2, 3, ... without gaps)
// holds prev_hash, the hash of record seq-1 (empty for record 1), and hash,
// SHA-256 of its own columns and prev_hash (auditRecord.sum). The one row
// of audit_head holds the last record's seq and hash: every append locks
// it (SELECT ... FOR UPDATE on PostgreSQL; SQLite writers are serial), so
// two transactions never take the same previous record, and the chain
// follows the order of commits. VerifyAudit walks the chain.

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	Caller    string    // who: the authenticated principal
	Method    string    // the RPC, e.g. "/tdkt.blocs.v1.BlocService/CreateUnit"
	Resource  string    // the resource name written, e.g. "units/123"
	RequestID string    // the request id, when the request had one
	At        time.Time // when; zero means now
}

// auditRecord is a row of audit_log as it is chained.
type auditRecord struct {
	Seq       int64
	ID        string
	At        int64 // unix microseconds, as stored
	Caller    string
	Method    string
	Resource  string
	RequestID string
	PrevHash  []byte
	Hash      []byte
}

// auditHashDomain starts every hashed record, so that the hash of a record
// is never the hash of anything else this code computes.
const auditHashDomain = "tdkt audit log v1"

// sum is the record's hash: SHA-256 of the domain, then of every column but
// hash in a fixed order, each as its length (8 bytes, big-endian) followed
// by its bytes; numbers are 8 bytes, big-endian. The encoding is
// unambiguous: no two records share it.
func (r *auditRecord) sum() []byte {
	h := sha256.New()
	writeField(h, []byte(auditHashDomain))
	writeInt(h, r.Seq)
	writeField(h, []byte(r.ID))
	writeInt(h, r.At)
	writeField(h, []byte(r.Caller))
	writeField(h, []byte(r.Method))
	writeField(h, []byte(r.Resource))
	writeField(h, []byte(r.RequestID))
	writeField(h, r.PrevHash)
	return h.Sum(nil)
}

func writeField(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

func writeInt(h hash.Hash, v int64) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(v))
	writeField(h, b[:])
}

// nonNil makes an empty hash an empty value rather than NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// Audit appends e to the audit log, in the transaction of the change: it
// locks the chain's head until the transaction ends, writes the record
// after it and moves the head to it.
func Audit(ctx context.Context, tx *Tx, e AuditEntry) error {
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	var id [16]byte
	_, _ = rand.Read(id[:]) // never fails (crypto/rand)
	r := auditRecord{
		ID: hex.EncodeToString(id[:]), At: at.UnixMicro(),
		Caller: e.Caller, Method: e.Method, Resource: e.Resource, RequestID: e.RequestID,
	}
	var head int64
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+tx.Reader().ForUpdate()).
		Scan(&head, &r.PrevHash)
	if err != nil {
		return fmt.Errorf("sqlstore: audit %s %s: chain head: %w", e.Method, e.Resource, err)
	}
	r.Seq = head + 1
	r.PrevHash = nonNil(r.PrevHash)
	r.Hash = r.sum()
	_, err = tx.ExecContext(ctx,
		`INSERT INTO audit_log (id, at, caller, method, resource, request_id, seq, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		r.ID, r.At, r.Caller, r.Method, r.Resource, r.RequestID, r.Seq, r.PrevHash, r.Hash)
	if err != nil {
		return fmt.Errorf("sqlstore: audit %s %s: %w", e.Method, e.Resource, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, r.Seq, r.Hash); err != nil {
		return fmt.Errorf("sqlstore: audit %s %s: move the chain head: %w", e.Method, e.Resource, err)
	}
	return nil
}

// ErrAuditBroken is what an *AuditChainError matches (errors.Is).
var ErrAuditBroken = errors.New("audit chain broken")

// AuditChainError is the first broken link of the audit chain that
// VerifyAudit found.
type AuditChainError struct {
	Seq    int64  // the record's sequence number (the missing record's, for a deleted one; 0 when it has none)
	ID     string // the record's id; "" for a missing record
	Reason string
}

func (e *AuditChainError) Error() string {
	if e.ID == "" {
		return fmt.Sprintf("audit record %d: %s", e.Seq, e.Reason)
	}
	return fmt.Sprintf("audit record %d (id %s): %s", e.Seq, e.ID, e.Reason)
}

// Is makes errors.Is(err, ErrAuditBroken) hold.
func (e *AuditChainError) Is(target error) bool { return target == ErrAuditBroken }

// VerifyAudit walks the audit chain from record 1 to the head and returns
// how many records it holds. When a link is broken the error is an
// *AuditChainError naming the first one: a record whose content or hash
// was edited, a record missing from the sequence (deleted, in the middle
// or at the end), one whose previous hash is not its predecessor's (a
// record replaced, reordered or renumbered), a record outside the chain
// (no sequence number) or a last record that is not the head. Other errors
// are failures to read.
//
// It only reads. Records appended after it read the head are left for the
// next run, so it may run while the service writes.
func VerifyAudit(ctx context.Context, q Querier) (int64, error) {
	var headSeq int64
	var headHash []byte
	err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, &AuditChainError{Reason: "the chain's head (table audit_head) has no row"}
	}
	if err != nil {
		return 0, fmt.Errorf("sqlstore: verify audit: read the chain's head: %w", err)
	}
	var loose string
	err = q.QueryRowContext(ctx, `SELECT id FROM audit_log WHERE seq IS NULL OR hash IS NULL LIMIT 1`).Scan(&loose)
	switch {
	case err == nil:
		return 0, &AuditChainError{ID: loose, Reason: "the record is not chained (no sequence number or hash)"}
	case !errors.Is(err, sql.ErrNoRows):
		return 0, fmt.Errorf("sqlstore: verify audit: %w", err)
	}

	rows, err := q.QueryContext(ctx, `SELECT seq, id, at, caller, method, resource, request_id, prev_hash, hash
		FROM audit_log WHERE seq <= $1 ORDER BY seq`, headSeq)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: verify audit: %w", err)
	}
	defer rows.Close()
	var (
		last     int64
		lastHash []byte
		lastID   string
	)
	for rows.Next() {
		var r auditRecord
		if err := rows.Scan(&r.Seq, &r.ID, &r.At, &r.Caller, &r.Method, &r.Resource, &r.RequestID, &r.PrevHash, &r.Hash); err != nil {
			return 0, fmt.Errorf("sqlstore: verify audit: %w", err)
		}
		switch want := last + 1; {
		case r.Seq > want:
			return 0, &AuditChainError{Seq: want, Reason: fmt.Sprintf("missing: the next record is %d", r.Seq)}
		case r.Seq < want:
			return 0, &AuditChainError{Seq: r.Seq, ID: r.ID, Reason: fmt.Sprintf("out of sequence after record %d", last)}
		case !bytes.Equal(r.PrevHash, lastHash):
			return 0, &AuditChainError{Seq: r.Seq, ID: r.ID, Reason: fmt.Sprintf(
				"its previous hash is not the hash of record %d (that record was altered or replaced, or this one moved)", last)}
		case !bytes.Equal(r.Hash, r.sum()):
			return 0, &AuditChainError{Seq: r.Seq, ID: r.ID, Reason: "altered: its hash does not match its content"}
		}
		last, lastHash, lastID = r.Seq, r.Hash, r.ID
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("sqlstore: verify audit: %w", err)
	}
	switch {
	case last < headSeq:
		return 0, &AuditChainError{Seq: last + 1, Reason: fmt.Sprintf("missing: the chain's head is record %d", headSeq)}
	case !bytes.Equal(lastHash, headHash):
		return 0, &AuditChainError{Seq: last, ID: lastID, Reason: "altered: its hash is not the one the chain's head holds"}
	}
	return headSeq, nil
}

// chainAuditMigration is platform migration 3: it chains the records written
// before migration 2 added the chain's columns, in the order of their time
// (then of their id), and creates the chain's head.
var chainAuditMigration = goose.NewGoMigration(3,
	&goose.GoFunc{RunTx: chainExistingAudit},
	&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit_head`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE audit_log SET seq = NULL, prev_hash = NULL, hash = NULL`)
		return err
	}})

// chainPage is how many records chainExistingAudit reads at a time.
const chainPage = 1000

func chainExistingAudit(ctx context.Context, tx *sql.Tx) error {
	var (
		seq      int64
		prev     = []byte{}
		afterAt  = int64(math.MinInt64)
		afterID  = ""
		page     []auditRecord
		finished bool
	)
	for !finished {
		rows, err := tx.QueryContext(ctx, `SELECT id, at, caller, method, resource, request_id FROM audit_log
			WHERE seq IS NULL AND (at > $1 OR (at = $1 AND id > $2)) ORDER BY at, id LIMIT $3`, afterAt, afterID, chainPage)
		if err != nil {
			return fmt.Errorf("chain the audit log: %w", err)
		}
		page = page[:0]
		for rows.Next() {
			var r auditRecord
			if err := rows.Scan(&r.ID, &r.At, &r.Caller, &r.Method, &r.Resource, &r.RequestID); err != nil {
				rows.Close()
				return fmt.Errorf("chain the audit log: %w", err)
			}
			page = append(page, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("chain the audit log: %w", err)
		}
		finished = len(page) < chainPage
		for i := range page {
			r := &page[i]
			seq++
			r.Seq, r.PrevHash = seq, prev
			r.Hash = r.sum()
			if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4`,
				r.Seq, r.PrevHash, r.Hash, r.ID); err != nil {
				return fmt.Errorf("chain the audit log: record %s: %w", r.ID, err)
			}
			prev, afterAt, afterID = r.Hash, r.At, r.ID
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)`, seq, prev); err != nil {
		return fmt.Errorf("chain the audit log: head: %w", err)
	}
	return nil
}
