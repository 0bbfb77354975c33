// Package auditlog serves a service's audit log (sqlstore.Audit) through
// ListAuditEntries, the same RPC in every service: List reads a page of
// records within the caller's scope and converts them to
// tdkt.type.v1.AuditEntry. A service's handler only passes its database,
// page token signer and policy.
package auditlog

import (
	"context"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// Readers are the roles whose units' records a caller sees: a central
// administrator sees every record; a board officer those of resources
// owned by the units it covers (its province, the province's communes and
// agencies, and what was dissolved into them). Records of resources no
// unit owns are seen by central administrators only.
var Readers = []auth.Role{auth.CentralAdmin, auth.BoardOfficer}

// List serves ListAuditEntries on db: the records matching req that the
// caller of ctx sees through Readers (pol.Scope), filtered in the query,
// newest first. A nil pol (handler tests without a guard) shows every
// record.
func List(ctx context.Context, db *sqlstore.DB, tokens *pagetoken.Signer, pol *policy.Policy, req *typev1.ListAuditEntriesRequest) (*typev1.ListAuditEntriesResponse, error) {
	f, err := filter(req)
	if err != nil {
		return nil, err
	}
	f.AllUnits = true
	if pol != nil {
		s, err := pol.Scope(ctx, Readers...)
		if err != nil {
			return nil, err
		}
		f.AllUnits, f.Units = s.All, s.Units
	}
	page, err := pagetoken.PageOf[sqlstore.AuditCursor](tokens, req)
	if err != nil {
		return nil, err
	}
	records, next, total, err := db.Reader().ListAudit(ctx, f, page.After, page.Size)
	if err != nil {
		return nil, err
	}
	resp := &typev1.ListAuditEntriesResponse{TotalSize: int32(total)}
	for i := range records {
		resp.AuditEntries = append(resp.AuditEntries, ToProto(&records[i]))
	}
	if resp.NextPageToken, err = page.NextToken(next); err != nil {
		return nil, err
	}
	return resp, nil
}

// filter is the store's filter of req; the request's shape is validated
// before (protovalidate).
func filter(req *typev1.ListAuditEntriesRequest) (sqlstore.AuditFilter, error) {
	f := sqlstore.AuditFilter{
		Method: req.GetMethod(), Resource: req.GetResource(), Caller: req.GetCaller(),
	}
	switch req.GetLogName() {
	case typev1.AuditLogName_AUDIT_LOG_NAME_ACTIVITY:
		f.Log = sqlstore.LogActivity
	case typev1.AuditLogName_AUDIT_LOG_NAME_DATA_ACCESS:
		f.Log = sqlstore.LogDataAccess
	}
	if u := req.GetOwnerUnit(); u != "" {
		id, ok := strings.CutPrefix(u, "units/")
		if !ok || id == "" || strings.Contains(id, "/") {
			return f, domainerr.Field("ownerUnit", "must be units/{unit}")
		}
		f.OwnerUnit = id
	}
	var err error
	if f.Since, err = instant("startTime", req.GetStartTime()); err != nil {
		return f, err
	}
	if f.Before, err = instant("endTime", req.GetEndTime()); err != nil {
		return f, err
	}
	return f, nil
}

// instant is a request's timestamp; nil is the zero time.
func instant(field string, ts *timestamppb.Timestamp) (time.Time, error) {
	if ts == nil {
		return time.Time{}, nil
	}
	if err := ts.CheckValid(); err != nil {
		return time.Time{}, domainerr.Field(field, "is not a valid timestamp")
	}
	return ts.AsTime(), nil
}

// ToProto converts a record of the audit log to its API form.
func ToProto(r *sqlstore.AuditRecord) *typev1.AuditEntry {
	e := &typev1.AuditEntry{
		Id:        r.ID,
		Sequence:  r.Seq,
		Time:      timestamppb.New(r.At),
		Caller:    &typev1.AuditCaller{Subject: r.Caller, AuthenticationMethod: r.AuthMethod, Roles: strings.Fields(r.CallerRoles)},
		Method:    r.Method,
		Resource:  r.Resource,
		RequestId: r.RequestID,
		Result:    r.Result,
		TraceId:   r.TraceID,
	}
	switch r.Log {
	case sqlstore.LogActivity:
		e.LogName = typev1.AuditLogName_AUDIT_LOG_NAME_ACTIVITY
	case sqlstore.LogDataAccess:
		e.LogName = typev1.AuditLogName_AUDIT_LOG_NAME_DATA_ACCESS
	}
	if r.OwnerUnit != "" {
		e.OwnerUnit = "units/" + r.OwnerUnit
	}
	return e
}
