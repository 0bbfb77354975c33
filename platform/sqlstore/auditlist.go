package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// AuditFilter selects records in ListAudit. Empty fields select all.
type AuditFilter struct {
	Log       string    // LogActivity or LogDataAccess
	Method    string    // the RPC's short name
	Resource  string    // the resource's name, exactly
	Caller    string    // the caller's subject, exactly
	OwnerUnit string    // the owning unit's id
	Since     time.Time // at or after
	Before    time.Time // before
	// AllUnits shows the records of every owner unit; otherwise only
	// those owned by one of Units (none: no record) are shown. It is the
	// caller's scope, applied in the query.
	AllUnits bool
	Units    []string
}

// AuditCursor is the position after the last record of a page.
type AuditCursor struct {
	Seq int64 `json:"s"`
}

// ListAudit returns up to size records after cursor (nil: from the start),
// newest first (by seq, descending); the cursor of the next page (nil on
// the last) and the number of matching records.
func (r Reader) ListAudit(ctx context.Context, f AuditFilter, after *AuditCursor, size int) ([]AuditRecord, *AuditCursor, int, error) {
	var w Where
	w.Add("seq IS NOT NULL")
	for _, c := range [...]struct{ col, v string }{
		{"log_name", f.Log}, {"method", f.Method}, {"resource", f.Resource}, {"caller", f.Caller}, {"owner_unit", f.OwnerUnit},
	} {
		if c.v != "" {
			w.Add(c.col+" = ?", c.v)
		}
	}
	if !f.Since.IsZero() {
		w.Add("at >= ?", f.Since.UnixMicro())
	}
	if !f.Before.IsZero() {
		w.Add("at < ?", f.Before.UnixMicro())
	}
	if !f.AllUnits {
		w.In("owner_unit", f.Units...)
	}
	total, err := r.Count(ctx, `SELECT COUNT(*) FROM audit_log`+w.SQL(), w.Args...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list audit entries: %w", err)
	}
	if after != nil {
		w.Add("seq < ?", after.Seq)
	}
	rows, err := r.Q.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log`+w.SQL()+
		` ORDER BY seq DESC LIMIT `+strconv.Itoa(size+1), w.Args...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list audit entries: %w", err)
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		var rec auditRecord
		if err := rec.scan(rows); err != nil {
			return nil, nil, 0, fmt.Errorf("list audit entries: %w", err)
		}
		out = append(out, rec.record())
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, fmt.Errorf("list audit entries: %w", err)
	}
	var next *AuditCursor
	if len(out) > size {
		out = out[:size]
		next = &AuditCursor{Seq: out[size-1].Seq}
	}
	return out, next, total, nil
}
