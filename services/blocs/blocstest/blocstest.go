// Package blocstest runs the real blocs service in the test process, on a
// loopback listener with a SQLite database of its own, for the tests of
// honours code that calls blocs. Its server is unguarded: every caller may
// call everything, with or without a token.
package blocstest

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/grpctest"
	"github.com/tdkt-vn/tdkt/platform/service"
	"github.com/tdkt-vn/tdkt/platform/service/servicetest"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs"
	"github.com/tdkt-vn/tdkt/services/blocs/blocsclient"
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
	b.t.Helper()
	addr, conn, stop := servicetest.Start(b.t, "blocs", b.Addr, b.db,
		func(ctx context.Context, cfg service.Config, tel *telemetry.Telemetry) (servicetest.Service, error) {
			return blocs.New(ctx, blocs.Config{Config: cfg}, tel)
		})
	b.Addr, b.Client, b.stop = addr, blocsv1.NewBlocsServiceClient(conn), stop
}

// Follow dials b with the options given (an interceptor that counts the
// calls, say) and returns a client of its units (blocsclient) that follows
// them until t ends, once it has seen every change made through the
// helpers below, and the connection, for other calls to blocs.
func (b *Blocs) Follow(t testing.TB, log *slog.Logger, dial ...grpc.DialOption) (*blocsclient.Client, *grpc.ClientConn) {
	t.Helper()
	conn := grpctest.Dial(t, b.Addr, dial...)
	units := blocsclient.New(conn, log)
	t.Cleanup(blocsclient.Follow(context.Background(), units))
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.GreaterOrEqual(c, units.Revision(), b.Revision)
	}, 5*time.Second, 5*time.Millisecond)
	return units, conn
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
