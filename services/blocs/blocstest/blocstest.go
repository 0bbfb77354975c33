// Package blocstest runs the real blocs service in the test process, on a
// loopback listener with a SQLite database of its own, for the tests of
// honours code that calls blocs. Its server is unguarded: every caller may
// call everything, with or without a token.
package blocstest

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/service"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs"
)

// Blocs is a running blocs service.
type Blocs struct {
	Addr   string
	Client blocsv1.BlocsServiceClient
	t      testing.TB
	db     string
	stop   func() // nil while stopped
	// Revision is the feed revision of the last change made through the
	// helpers below: a follower that has reached it has seen them.
	Revision int64
}

// Start starts blocs; it stops when t ends (or on Stop).
func Start(t testing.TB) *Blocs {
	t.Helper()
	b := &Blocs{t: t, db: filepath.Join(t.TempDir(), "blocs.db"), Addr: "127.0.0.1:0"}
	b.start()
	t.Cleanup(b.Stop)
	return b
}

// Restart stops the service and starts it again on the same address: on
// the same database, or on a new, empty one when fresh (as if its database
// had been restored from a copy older than anything its followers saw).
func (b *Blocs) Restart(fresh bool) {
	b.t.Helper()
	b.Stop()
	if fresh {
		b.db = filepath.Join(b.t.TempDir(), "blocs.db")
		b.Revision = 0
	}
	b.start()
}

func (b *Blocs) start() {
	t := b.t
	t.Helper()
	tel, err := telemetry.Setup(context.Background(), telemetry.Config{ServiceName: "tdkt-blocs-test", LogOutput: io.Discard})
	require.NoError(t, err)
	svc, err := blocs.New(context.Background(), blocs.Config{Config: service.Config{
		DatabaseURL:  "sqlite:" + b.db,
		PageTokenKey: "blocs-test-page-token-key",
		// The server below is unguarded: every caller may call, and no
		// token is ever verified against this issuer.
		Auth: service.AuthConfig{Issuer: "http://127.0.0.1:1/unguarded"},
	}}, tel)
	require.NoError(t, err)
	srv, err := grpcserver.New(grpcserver.Options{Unguarded: true, Telemetry: tel, ShutdownTimeout: time.Second})
	require.NoError(t, err)
	svc.Register(srv.GRPC)
	lis, err := net.Listen("tcp", b.Addr)
	require.NoError(t, err)
	b.Addr = lis.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis) }()
	conn, err := grpc.NewClient(b.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	b.Client = blocsv1.NewBlocsServiceClient(conn)
	b.stop = func() {
		cancel()
		<-done
		conn.Close()
		svc.Close()
		_ = tel.Shutdown(context.Background())
	}
}

// Stop stops the service now: calls to it fail with Unavailable.
func (b *Blocs) Stop() {
	if b.stop != nil {
		b.stop()
		b.stop = nil
	}
}

// Unit creates a unit; province is an id or "".
func (b *Blocs) Unit(id, name, short string, kind blocsv1.UnitKind, level blocsv1.UnitLevel, province string) *blocsv1.Unit {
	b.t.Helper()
	u := &blocsv1.Unit{DisplayName: name, ShortName: short, Kind: kind, Level: level}
	if province != "" {
		u.Province = "units/" + province
	}
	got, err := b.Client.CreateUnit(context.Background(), &blocsv1.CreateUnitRequest{UnitId: id, Unit: u})
	require.NoError(b.t, err)
	b.Revision = max(b.Revision, got.GetRevision())
	return got
}

// Province creates a province (a province-level locality, its own province).
func (b *Blocs) Province(id, short string) *blocsv1.Unit {
	b.t.Helper()
	return b.Unit(id, "Ủy ban nhân dân tỉnh "+short, short, blocsv1.UnitKind_UNIT_KIND_LOCALITY, blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, "")
}

// Dissolve dissolves unit id into successor on the given day.
func (b *Blocs) Dissolve(id, successor string, y, m, d int32) {
	b.t.Helper()
	got, err := b.Client.DissolveUnit(context.Background(), &blocsv1.DissolveUnitRequest{
		Name: "units/" + id, Successor: "units/" + successor, EffectiveOn: &date.Date{Year: y, Month: m, Day: d},
	})
	require.NoError(b.t, err)
	b.Revision = max(b.Revision, got.GetRevision())
}
