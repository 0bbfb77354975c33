package sqlstore

import (
	"bytes"
	"cmp"
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
	"slices"
	"strconv"
	"strings"
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
//
// The log holds two streams in one chain, shaped like Cloud Audit Logs:
// admin activity (LogActivity: every change, written in the transaction of
// the change by Do) and data access (LogDataAccess: every read of personal
// data, written by AuditAccess in a transaction of its own).
//
// A record's format says which columns its hash covers: format 1, the
// records written before migration 4, covers the columns of migration 1
// (auditRecord.sumV1); format 2 covers every column (auditRecord.sumV2).
// Records of both formats verify; new records are written in format 2.

// Audit streams: the log_name of a record.
const (
	// LogActivity is the admin activity stream: every change.
	LogActivity = "activity"
	// LogDataAccess is the data access stream: every read of personal data.
	LogDataAccess = "data_access"
)

// ResultOK is the result of a call that succeeded.
const ResultOK = "OK"

// Hash formats of audit records.
const (
	auditFormatV1 = 1 // the columns of migration 1
	auditFormatV2 = 2 // every column
)

// AuditEntry is one record of the audit log, as its writer gives it.
type AuditEntry struct {
	// Log is the stream, LogActivity or LogDataAccess; "" means
	// LogActivity.
	Log string
	// Caller is who: the authenticated subject (auth.Caller.Subject).
	Caller string
	// CallerRoles are the caller's grants, "unit:ROLE" separated by spaces
	// (auth.Caller.RoleList).
	CallerRoles string
	// AuthMethod is how the caller authenticated: bearer, mtls or
	// anonymous (auth.Caller.Method).
	AuthMethod string
	// Method is the RPC's short name, e.g. "CreateUnit".
	Method string
	// Resource is the name of the resource written or read, e.g.
	// "units/123".
	Resource string
	// OwnerUnit is the id of the unit owning the resource
	// (policy.OwnerUnit); "" when no unit does.
	OwnerUnit string
	// RequestID is the request's request_id, when it had one.
	RequestID string
	// Result is the outcome; "" means ResultOK.
	Result string
	// TraceID is the call's OpenTelemetry trace id (32 hex digits); ""
	// when it was not traced.
	TraceID string
	// At is when; zero means now.
	At time.Time
}

// AuditRecord is a record as the log holds it.
type AuditRecord struct {
	AuditEntry
	// Seq is the record's place in the chain, from 1.
	Seq int64
	// ID is the record's random id.
	ID string
	// Format is the record's hash format: 1 for records written before
	// the log had streams (their Log is LogActivity and the fields added
	// since are empty), 2 after.
	Format int
}

// auditRecord is a row of audit_log as it is chained.
type auditRecord struct {
	Seq         int64
	ID          string
	Format      int64
	At          int64 // unix microseconds, as stored
	Log         string
	Caller      string
	CallerRoles string
	AuthMethod  string
	Method      string
	Resource    string
	OwnerUnit   string
	RequestID   string
	Result      string
	TraceID     string
	PrevHash    []byte
	Hash        []byte
}

// auditColumns are the columns of audit_log in the order auditRecord.scan
// reads them.
const auditColumns = `seq, id, format, at, log_name, caller, caller_roles, auth_method, method, resource,
	owner_unit, request_id, result, trace_id, prev_hash, hash`

// scan reads a row of auditColumns.
func (r *auditRecord) scan(s interface{ Scan(...any) error }) error {
	return s.Scan(&r.Seq, &r.ID, &r.Format, &r.At, &r.Log, &r.Caller, &r.CallerRoles, &r.AuthMethod, &r.Method,
		&r.Resource, &r.OwnerUnit, &r.RequestID, &r.Result, &r.TraceID, &r.PrevHash, &r.Hash)
}

func (r *auditRecord) record() AuditRecord {
	return AuditRecord{
		Seq: r.Seq, ID: r.ID, Format: int(r.Format),
		AuditEntry: AuditEntry{
			Log: r.Log, Caller: r.Caller, CallerRoles: r.CallerRoles, AuthMethod: r.AuthMethod,
			Method: r.Method, Resource: r.Resource, OwnerUnit: r.OwnerUnit, RequestID: r.RequestID,
			Result: r.Result, TraceID: r.TraceID, At: time.UnixMicro(r.At).UTC(),
		},
	}
}

// Domains start every hashed record, so that the hash of a record is never
// the hash of anything else this code computes, nor that of a record of
// another format.
const (
	auditHashDomainV1 = "tdkt audit log v1"
	auditHashDomainV2 = "tdkt audit log v2"
)

// sum is the record's hash in its format; nil for a format this code does
// not know.
func (r *auditRecord) sum() []byte {
	switch r.Format {
	case auditFormatV1:
		return r.sumV1()
	case auditFormatV2:
		return r.sumV2()
	}
	return nil
}

// sumV1 is the hash of format 1: SHA-256 of the domain, then of the columns
// of migration 1 and prev_hash in a fixed order, each as its length (8
// bytes, big-endian) followed by its bytes; numbers are 8 bytes,
// big-endian. The encoding is unambiguous: no two records share it.
func (r *auditRecord) sumV1() []byte {
	h := sha256.New()
	writeField(h, []byte(auditHashDomainV1))
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

// sumV2 is the hash of format 2: as sumV1, with its own domain, over every
// column but hash.
func (r *auditRecord) sumV2() []byte {
	h := sha256.New()
	writeField(h, []byte(auditHashDomainV2))
	writeInt(h, r.Seq)
	writeField(h, []byte(r.ID))
	writeInt(h, r.At)
	writeField(h, []byte(r.Log))
	writeField(h, []byte(r.Caller))
	writeField(h, []byte(r.CallerRoles))
	writeField(h, []byte(r.AuthMethod))
	writeField(h, []byte(r.Method))
	writeField(h, []byte(r.Resource))
	writeField(h, []byte(r.OwnerUnit))
	writeField(h, []byte(r.RequestID))
	writeField(h, []byte(r.Result))
	writeField(h, []byte(r.TraceID))
	writeField(h, r.PrevHash)
	return h.Sum(nil)
}

// v1Clean reports whether the columns a format 1 hash does not cover hold
// what migration 4 gave the records written before it.
func (r *auditRecord) v1Clean() bool {
	return r.Log == LogActivity && r.CallerRoles == "" && r.AuthMethod == "" && r.OwnerUnit == "" &&
		r.Result == "" && r.TraceID == ""
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
		ID: hex.EncodeToString(id[:]), Format: auditFormatV2, At: at.UnixMicro(),
		Log: cmp.Or(e.Log, LogActivity), Caller: e.Caller, CallerRoles: e.CallerRoles, AuthMethod: e.AuthMethod,
		Method: e.Method, Resource: e.Resource, OwnerUnit: e.OwnerUnit, RequestID: e.RequestID,
		Result: cmp.Or(e.Result, ResultOK), TraceID: e.TraceID,
	}
	if r.Log != LogActivity && r.Log != LogDataAccess {
		return fmt.Errorf("sqlstore: audit %s %s: unknown log %q", e.Method, e.Resource, e.Log)
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
		`INSERT INTO audit_log (id, at, caller, method, resource, request_id, seq, prev_hash, hash,
			format, log_name, caller_roles, auth_method, owner_unit, result, trace_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		r.ID, r.At, r.Caller, r.Method, r.Resource, r.RequestID, r.Seq, r.PrevHash, r.Hash,
		r.Format, r.Log, r.CallerRoles, r.AuthMethod, r.OwnerUnit, r.Result, r.TraceID)
	if err != nil {
		return fmt.Errorf("sqlstore: audit %s %s: %w", e.Method, e.Resource, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, r.Seq, r.Hash); err != nil {
		return fmt.Errorf("sqlstore: audit %s %s: move the chain head: %w", e.Method, e.Resource, err)
	}
	return nil
}

// AuditAccess appends entries to the data access stream (their Log is set
// to LogDataAccess), all in one short transaction of its own: for reads
// of personal data, recorded before the data is returned.
func (db *DB) AuditAccess(ctx context.Context, entries ...AuditEntry) error {
	return db.InTx(ctx, func(tx *Tx) error {
		for _, e := range entries {
			e.Log = LogDataAccess
			if err := Audit(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
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
// (no sequence number) or a last record that is not the head. Records of
// both hash formats verify; a record of the old format after one of the
// new, or with columns set that its format does not cover, is altered.
// Other errors are failures to read.
//
// It only reads, a database migrated by this version or a later one.
// Records appended after it read the head are left for the next run, so
// it may run while the service writes.
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

	columns, err := auditColumnsOf(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: verify audit: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM audit_log WHERE seq <= $1 ORDER BY seq`, headSeq)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: verify audit: %w", err)
	}
	defer rows.Close()
	var (
		last       int64
		lastHash   []byte
		lastID     string
		lastFormat int64
	)
	for rows.Next() {
		var r auditRecord
		if err := r.scan(rows); err != nil {
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
		case r.Format != auditFormatV1 && r.Format != auditFormatV2:
			return 0, &AuditChainError{Seq: r.Seq, ID: r.ID, Reason: fmt.Sprintf("altered: unknown hash format %d", r.Format)}
		case r.Format < lastFormat:
			return 0, &AuditChainError{Seq: r.Seq, ID: r.ID, Reason: fmt.Sprintf(
				"altered: hash format %d after a record of format %d", r.Format, lastFormat)}
		case r.Format == auditFormatV1 && !r.v1Clean():
			return 0, &AuditChainError{Seq: r.Seq, ID: r.ID, Reason: "altered: columns its hash format does not cover are set"}
		case !bytes.Equal(r.Hash, r.sum()):
			return 0, &AuditChainError{Seq: r.Seq, ID: r.ID, Reason: "altered: its hash does not match its content"}
		}
		last, lastHash, lastID, lastFormat = r.Seq, r.Hash, r.ID, r.Format
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

// auditColumnsV1 are auditColumns in a database migrated to version 3 only,
// whose records are all of format 1: the later columns with the values
// migration 4 gives them.
const auditColumnsV1 = `seq, id, 1, at, 'activity', caller, '', '', method, resource,
	'', request_id, '', '', prev_hash, hash`

// auditColumnsOf returns the select list of auditRecord.scan for the
// database of q: auditColumns, or auditColumnsV1 before migration 4 (a
// tool that verifies without migrating may meet one).
func auditColumnsOf(ctx context.Context, q Querier) (string, error) {
	rows, err := q.QueryContext(ctx, `SELECT * FROM audit_log WHERE 1 = 0`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return "", err
	}
	if slices.Contains(names, "format") {
		return auditColumns, nil
	}
	return auditColumnsV1, nil
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
			r.Hash = r.sumV1() // the format of records before migration 4
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

// AuditHead names a record of the chain by its sequence number and hash,
// written "SEQ:HEX". Kept outside the database (printed by tdktctl audit
// verify, copied to another system), it anchors the chain: someone who
// can write the database can rewrite the chain from some record on and
// move the head to match, or cut its end, and VerifyAudit cannot tell; a
// record that no longer has the hash an anchor holds can.
type AuditHead struct {
	Seq  int64
	Hash []byte
}

func (h AuditHead) String() string { return fmt.Sprintf("%d:%x", h.Seq, h.Hash) }

// ParseAuditHead reads "SEQ:HEX" (AuditHead.String).
func ParseAuditHead(s string) (AuditHead, error) {
	seq, hexHash, ok := strings.Cut(s, ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 1 {
		return AuditHead{}, fmt.Errorf("audit anchor %q: want SEQ:HEX, such as 42:9f86d0…", s)
	}
	h, err := hex.DecodeString(hexHash)
	if err != nil || len(h) != sha256.Size {
		return AuditHead{}, fmt.Errorf("audit anchor %q: the hash is not 64 hex digits", s)
	}
	return AuditHead{Seq: n, Hash: h}, nil
}

// ReadAuditHead returns the chain's head.
func ReadAuditHead(ctx context.Context, q Querier) (AuditHead, error) {
	var h AuditHead
	err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&h.Seq, &h.Hash)
	if err != nil {
		return AuditHead{}, fmt.Errorf("sqlstore: the audit chain's head: %w", err)
	}
	return h, nil
}

// CheckAuditAnchor reports, as an *AuditChainError, a chain that no longer
// holds the record anchor names with the hash it names: cut before it, or
// rewritten from it or from an earlier record. Together with VerifyAudit,
// which checks that every record links to the one before, it shows that
// records 1 to anchor.Seq are those of the anchor.
func CheckAuditAnchor(ctx context.Context, q Querier, anchor AuditHead) error {
	var h []byte
	err := q.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = $1`, anchor.Seq).Scan(&h)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return &AuditChainError{Seq: anchor.Seq, Reason: "missing: the anchor names it, the chain was cut before it"}
	case err != nil:
		return fmt.Errorf("sqlstore: check audit anchor: %w", err)
	case !bytes.Equal(h, anchor.Hash):
		return &AuditChainError{Seq: anchor.Seq, Reason: "rewritten: its hash is not the one the anchor holds"}
	}
	return nil
}
