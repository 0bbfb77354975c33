package auditlog_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tdkt-vn/tdkt/platform/auditlog"
	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// lineage: a province covers itself and its communes.
type lineage map[string][]string

func (l lineage) Covers(_ context.Context, grant, id string) (bool, error) {
	return slices.Contains(l[grant], id), nil
}

func (l lineage) Covered(_ context.Context, grant string) ([]string, error) { return l[grant], nil }

func as(ctx context.Context, unit string, roles ...auth.Role) context.Context {
	return auth.NewContext(ctx, &auth.Caller{Subject: unit + "-user", Method: auth.MethodBearer,
		Grants: []auth.Grant{{Unit: unit, Roles: roles}}})
}

// TestList: a central administrator sees every record; a province's board
// officer only those of the units its province covers, in the count and
// across pages too; others see none.
func TestList(t *testing.T) {
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db, err := sqlstore.Open(ctx, e.URL(t), nil, nil)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			tokens, err := pagetoken.NewSigner([]byte("audit-test-page-token-key"))
			require.NoError(t, err)
			pol := policy.New(nil, nil, lineage{"a": {"a", "a-xa"}, "b": {"b"}})

			at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
			for i, owner := range []string{"a", "b", "a-xa", "", "b", "a"} {
				_, err := db.Do(ctx, sqlstore.Op{Method: "CreateUnit", Caller: "root", CallerRoles: "tw:CENTRAL_ADMIN",
					AuthMethod: "bearer", OwnerUnit: owner, At: at.Add(time.Duration(i) * time.Minute)},
					func(*sqlstore.Tx) (string, []byte, error) { return "units/u" + string(rune('0'+i)), nil, nil })
				require.NoError(t, err)
			}
			require.NoError(t, db.AuditAccess(ctx, sqlstore.AuditEntry{Caller: "pii", Method: "GetDecision",
				Resource: "decisions/d", OwnerUnit: "b", At: at.Add(time.Hour)}))

			list := func(ctx context.Context, pol *policy.Policy, req *typev1.ListAuditEntriesRequest) ([]int64, int32) {
				t.Helper()
				req.PageSize = 2
				var seqs []int64
				for {
					resp, err := auditlog.List(ctx, db, tokens, pol, req)
					require.NoError(t, err)
					for _, e := range resp.GetAuditEntries() {
						seqs = append(seqs, e.GetSequence())
					}
					if resp.GetNextPageToken() == "" {
						return seqs, resp.GetTotalSize()
					}
					req.PageToken = resp.GetNextPageToken()
				}
			}
			all := []int64{7, 6, 5, 4, 3, 2, 1}
			admin := as(ctx, "tw", auth.CentralAdmin)
			for name, tc := range map[string]struct {
				ctx  context.Context
				pol  *policy.Policy
				req  *typev1.ListAuditEntriesRequest
				want []int64
			}{
				"central admin":           {admin, pol, &typev1.ListAuditEntriesRequest{}, all},
				"no policy":               {ctx, nil, &typev1.ListAuditEntriesRequest{}, all},
				"officer of a":            {as(ctx, "a", auth.BoardOfficer), pol, &typev1.ListAuditEntriesRequest{}, []int64{6, 3, 1}},
				"officer of b":            {as(ctx, "b", auth.BoardOfficer), pol, &typev1.ListAuditEntriesRequest{}, []int64{7, 5, 2}},
				"officer of a, b's units": {as(ctx, "a", auth.BoardOfficer), pol, &typev1.ListAuditEntriesRequest{OwnerUnit: "units/b"}, nil},
				"viewer of a":             {as(ctx, "a", auth.Viewer), pol, &typev1.ListAuditEntriesRequest{}, nil},
				"data access":             {admin, pol, &typev1.ListAuditEntriesRequest{LogName: typev1.AuditLogName_AUDIT_LOG_NAME_DATA_ACCESS}, []int64{7}},
				"activity of b":           {as(ctx, "b", auth.BoardOfficer), pol, &typev1.ListAuditEntriesRequest{LogName: typev1.AuditLogName_AUDIT_LOG_NAME_ACTIVITY}, []int64{5, 2}},
				"time range": {admin, pol, &typev1.ListAuditEntriesRequest{
					StartTime: timestamppb.New(at.Add(time.Minute)), EndTime: timestamppb.New(at.Add(3 * time.Minute)),
				}, []int64{3, 2}},
				"method":   {admin, pol, &typev1.ListAuditEntriesRequest{Method: "GetDecision"}, []int64{7}},
				"resource": {admin, pol, &typev1.ListAuditEntriesRequest{Resource: "units/u2"}, []int64{3}},
				"caller":   {admin, pol, &typev1.ListAuditEntriesRequest{Caller: "pii"}, []int64{7}},
			} {
				got, total := list(tc.ctx, tc.pol, tc.req)
				require.Equal(t, tc.want, got, name)
				require.EqualValues(t, len(tc.want), total, name)
			}

			resp, err := auditlog.List(admin, db, tokens, pol, &typev1.ListAuditEntriesRequest{PageSize: 1})
			require.NoError(t, err)
			got := resp.GetAuditEntries()[0]
			require.Equal(t, "units/b", got.GetOwnerUnit())
			require.Equal(t, typev1.AuditLogName_AUDIT_LOG_NAME_DATA_ACCESS, got.GetLogName())
			require.Equal(t, "OK", got.GetResult())
			require.True(t, at.Add(time.Hour).Equal(got.GetTime().AsTime()))
			resp, err = auditlog.List(admin, db, tokens, pol, &typev1.ListAuditEntriesRequest{Resource: "units/u0"})
			require.NoError(t, err)
			got = resp.GetAuditEntries()[0]
			require.Equal(t, &typev1.AuditCaller{Subject: "root", AuthenticationMethod: "bearer", Roles: []string{"tw:CENTRAL_ADMIN"}}, got.GetCaller())
			require.Equal(t, "CreateUnit", got.GetMethod())
			require.Equal(t, "units/a", got.GetOwnerUnit())
			require.Equal(t, typev1.AuditLogName_AUDIT_LOG_NAME_ACTIVITY, got.GetLogName())

			// A token is bound to its request.
			resp, err = auditlog.List(admin, db, tokens, pol, &typev1.ListAuditEntriesRequest{PageSize: 1})
			require.NoError(t, err)
			require.NotEmpty(t, resp.GetNextPageToken())
			_, err = auditlog.List(admin, db, tokens, pol, &typev1.ListAuditEntriesRequest{PageToken: resp.GetNextPageToken(), Method: "CreateUnit"})
			require.ErrorIs(t, err, pagetoken.ErrInvalidToken)
		})
	}
}
