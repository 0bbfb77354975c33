package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/service"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs"
)

// TestAuditVerify runs the blocs service on each engine, makes changes
// through its API, then verifies its audit log before and after a record
// is edited with SQL.
func TestAuditVerify(t *testing.T) {
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := t.Context()
			url := e.URL(t)
			client, stop := startBlocs(t, url)
			for i := range 3 {
				_, err := client.CreateUnit(ctx, &blocsv1.CreateUnitRequest{
					UnitId: fmt.Sprintf("tinh-%d", i),
					Unit: &blocsv1.Unit{DisplayName: fmt.Sprintf("Ủy ban nhân dân tỉnh %d", i), ShortName: fmt.Sprintf("Tỉnh %d", i),
						Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE},
				})
				require.NoError(t, err)
			}

			// While the service runs, and after it stopped.
			verify := func() (int, string, string) {
				var stdout, stderr bytes.Buffer
				code := run(ctx, []string{"audit", "verify", "-database-url", url}, &stdout, &stderr, false)
				return code, stdout.String(), stderr.String()
			}
			code, out, errOut := verify()
			require.Equal(t, exitOK, code, "%s%s", out, errOut)
			require.Equal(t, "audit chain of 3 records intact\n", out)
			stop()
			code, out, errOut = verify()
			require.Equal(t, exitOK, code, "%s%s", out, errOut)
			require.Equal(t, "audit chain of 3 records intact\n", out)

			db, err := sqlstore.Connect(ctx, url, nil)
			require.NoError(t, err)
			defer db.Close()
			_, err = db.ExecContext(ctx, `UPDATE audit_log SET caller = 'someone else' WHERE seq = 2`)
			require.NoError(t, err)
			code, out, errOut = verify()
			require.Equal(t, exitFailed, code, "%s%s", out, errOut)
			require.Contains(t, out, "audit chain broken: audit record 2 (id ")
			require.Contains(t, out, "altered")
		})
	}
}

func TestAuditVerifyUsage(t *testing.T) {
	t.Setenv("TDKT_DATABASE_URL", "")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"help audit", []string{"help", "audit"}, exitOK, "tdktctl audit verify -database-url URL", ""},
		{"no subcommand", []string{"audit"}, exitUsage, "", "usage: tdktctl audit verify"},
		{"no database", []string{"audit", "verify"}, exitUsage, "", "-database-url (or TDKT_DATABASE_URL) is required"},
		{"extra argument", []string{"audit", "verify", "-database-url", "sqlite:x.db", "y"}, exitUsage, "", `unexpected argument "y"`},
		{"missing file", []string{"audit", "verify", "-database-url", "sqlite:" + filepath.Join(t.TempDir(), "none.db")}, exitFailed, "", "no such file"},
		{"not a service database", []string{"audit", "verify", "-database-url", "sqlite:testdata/bad.csv"}, exitFailed, "", "tdktctl audit verify:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr, false)
			require.Equal(t, tt.code, code, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
			require.Contains(t, stdout.String(), tt.stdout)
			require.Contains(t, stderr.String(), tt.stderr)
		})
	}
}

// startBlocs serves the blocs service on a loopback port with the database
// at url; stop stops it (it also stops when t ends).
func startBlocs(t *testing.T, url string) (client blocsv1.BlocsServiceClient, stop func()) {
	t.Helper()
	tel, err := telemetry.Setup(context.Background(), telemetry.Config{ServiceName: "tdkt-blocs-test", LogOutput: io.Discard})
	require.NoError(t, err)
	svc, err := blocs.New(context.Background(), blocs.Config{Config: service.Config{
		DatabaseURL: url, PageTokenKey: "blocs-test-page-token-key",
	}}, tel)
	require.NoError(t, err)
	srv, err := grpcserver.New(grpcserver.Options{Unguarded: true, Telemetry: tel, ShutdownTimeout: time.Second})
	require.NoError(t, err)
	svc.Register(srv.GRPC)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		<-done
		conn.Close()
		svc.Close()
		_ = tel.Shutdown(context.Background())
	}
	t.Cleanup(stop)
	return blocsv1.NewBlocsServiceClient(conn), stop
}
