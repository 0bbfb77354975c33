package blocsclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocsclient"
	"github.com/tdkt-vn/tdkt/services/blocs/blocstest"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// newClient returns a client of blocs at addr that follows its units
// until the test ends.
func newClient(t *testing.T, addr string) *blocsclient.Client {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	c := blocsclient.New(conn, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return c
}

// follow is newClient once it has listed the units.
func follow(t *testing.T, addr string) *blocsclient.Client {
	t.Helper()
	c := newClient(t, addr)
	select {
	case <-c.Synced():
	case <-time.After(5 * time.Second):
		t.Fatal("the units were not listed")
	}
	return c
}

// reaches waits until c has seen revision rev.
func reaches(t *testing.T, c *blocsclient.Client, rev int64) {
	t.Helper()
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		assert.GreaterOrEqual(ct, c.Revision(), rev)
	}, 5*time.Second, 5*time.Millisecond)
}

func TestUnitsAndAncestors(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b := blocstest.Start(t)
	b.Province("bac-kan", "Bắc Kạn")
	b.Province("thai-nguyen", "Thái Nguyên")
	b.Province("vung-lon", "Vùng Lớn")
	b.Unit("so-noi-vu-bk", "Sở Nội vụ tỉnh Bắc Kạn", "", blocsv1.UnitKind_UNIT_KIND_AGENCY, blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, "bac-kan")
	b.Dissolve("bac-kan", "thai-nguyen", 2025, 7, 1)
	b.Dissolve("thai-nguyen", "vung-lon", 2030, 1, 1)

	c := follow(t, b.Addr)
	units, err := c.Units(ctx, []string{"bac-kan", "so-noi-vu-bk", "khong-co", "", "bac-kan"})
	require.NoError(t, err)
	require.Len(t, units, 2, "unknown ids are left out")
	bk := units["bac-kan"]
	require.True(t, bk.Dissolved)
	require.Equal(t, "2025-07-01", bk.DissolvedOn.String())
	require.Equal(t, "vung-lon", bk.Current)
	require.Equal(t, "bac-kan", bk.Province)
	require.Equal(t, lineage.Level(blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE), bk.Level)
	require.Equal(t, "Bắc Kạn", bk.ShortName)
	require.Equal(t, "bac-kan", units["so-noi-vu-bk"].Province)
	require.Equal(t, "so-noi-vu-bk", units["so-noi-vu-bk"].Current)

	anc, err := c.Ancestors(ctx, []string{"vung-lon", "thai-nguyen", "bac-kan", "khong-co"})
	require.NoError(t, err)
	require.Equal(t, []string{"bac-kan", "thai-nguyen"}, anc["vung-lon"], "transitive")
	require.Equal(t, []string{"bac-kan"}, anc["thai-nguyen"])
	require.Empty(t, anc["bac-kan"])
	require.Empty(t, anc["khong-co"])
}

func TestFollowsChanges(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b := blocstest.Start(t)
	b.Province("bac-kan", "Bắc Kạn")
	b.Province("thai-nguyen", "Thái Nguyên")
	c := follow(t, b.Addr)
	require.Equal(t, b.Revision, c.Revision())

	b.Dissolve("bac-kan", "thai-nguyen", 2025, 7, 1)
	reaches(t, c, b.Revision)
	units, err := c.Units(ctx, []string{"bac-kan"})
	require.NoError(t, err)
	require.True(t, units["bac-kan"].Dissolved)
	require.Equal(t, "thai-nguyen", units["bac-kan"].Current)
	anc, err := c.Ancestors(ctx, []string{"thai-nguyen"})
	require.NoError(t, err)
	require.Equal(t, []string{"bac-kan"}, anc["thai-nguyen"])

	// A rename dated in law keeps the name of before.
	_, err = b.Client.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{
		Unit:        &blocsv1.Unit{Name: "units/thai-nguyen", DisplayName: "Tỉnh Thái Nguyên mới", ShortName: "Thái Nguyên", Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE},
		EffectiveOn: &date.Date{Year: 2025, Month: 7, Day: 1},
	})
	require.NoError(t, err)
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		units, err := c.Units(ctx, []string{"thai-nguyen"})
		assert.NoError(ct, err)
		assert.Equal(ct, "Tỉnh Thái Nguyên mới", units["thai-nguyen"].DisplayName)
		assert.Equal(ct, "Ủy ban nhân dân tỉnh Thái Nguyên", units["thai-nguyen"].On(civil.Date{Year: 2025, Month: 6, Day: 30}).DisplayName)
	}, 5*time.Second, 5*time.Millisecond)
}

func TestNewAndUnknownUnits(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b := blocstest.Start(t)
	b.Province("ha-noi", "Hà Nội")
	c := follow(t, b.Addr)
	b.Province("hue", "Huế")
	units, err := c.Units(ctx, []string{"hue"})
	require.NoError(t, err)
	require.Equal(t, "Huế", units["hue"].ShortName, "a unit created a moment ago is found")

	ids := []string{"ha-noi"}
	for i := range 300 {
		ids = append(ids, fmt.Sprintf("khong-co-%d", i))
	}
	units, err = c.Units(ctx, ids)
	require.NoError(t, err)
	require.Len(t, units, 1, "unknown units are left out")
	require.Contains(t, units, "ha-noi")
}

func TestBlocsDown(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b := blocstest.Start(t)
	b.Province("ha-noi", "Hà Nội")
	c := follow(t, b.Addr)
	b.Stop()

	units, err := c.Units(ctx, []string{"ha-noi"})
	require.NoError(t, err, "the units followed are served while blocs is down")
	require.Equal(t, "Hà Nội", units["ha-noi"].ShortName)
	_, err = c.Units(ctx, []string{"hue"})
	var down *domainerr.UnavailableError
	require.ErrorAs(t, err, &down, "a unit not followed needs blocs")
	require.Equal(t, "blocs", down.Service)
	_, err = c.Fresh(ctx, []string{"ha-noi"})
	require.ErrorAs(t, err, new(*domainerr.UnavailableError), "Fresh asks blocs itself")

	// Back on the same database: the client resumes and sees what changed.
	b.Restart(false)
	b.Province("hue", "Huế")
	b.Dissolve("ha-noi", "hue", 2026, 1, 1)
	reaches(t, c, b.Revision)
	units, err = c.Units(ctx, []string{"ha-noi"})
	require.NoError(t, err)
	require.Equal(t, "hue", units["ha-noi"].Current)
}

func TestStartsWhileBlocsIsDown(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b := blocstest.Start(t)
	b.Province("ha-noi", "Hà Nội")
	b.Stop()
	c := newClient(t, b.Addr)
	_, err := c.Units(ctx, []string{"ha-noi"})
	require.ErrorAs(t, err, new(*domainerr.UnavailableError), "nothing listed yet")
	b.Restart(false)
	select {
	case <-c.Synced():
	case <-time.After(10 * time.Second):
		t.Fatal("the client did not catch up once blocs was back")
	}
	units, err := c.Units(ctx, []string{"ha-noi"})
	require.NoError(t, err)
	require.Contains(t, units, "ha-noi")
}

func TestListsAgainWhenBlocsIsBehind(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b := blocstest.Start(t)
	for i := range 5 {
		b.Province(fmt.Sprintf("tinh-%d", i), fmt.Sprintf("Tỉnh %d", i))
	}
	c := follow(t, b.Addr)
	require.EqualValues(t, 5, c.Revision())

	// blocs comes back on an older database: its feed is behind the client.
	b.Restart(true)
	b.Province("moi", "Mới")
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		units, err := c.Units(ctx, []string{"tinh-0", "moi"})
		assert.NoError(ct, err)
		assert.Contains(ct, units, "moi")
		assert.NotContains(ct, units, "tinh-0", "the units of the old database are gone")
		assert.EqualValues(ct, 1, c.Revision())
	}, 10*time.Second, 10*time.Millisecond)
}

func TestFresh(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b := blocstest.Start(t)
	b.Province("bac-kan", "Bắc Kạn")
	b.Province("thai-nguyen", "Thái Nguyên")
	c := follow(t, b.Addr)
	b.Dissolve("bac-kan", "thai-nguyen", 2025, 7, 1)
	units, err := c.Fresh(ctx, []string{"bac-kan", "khong-co"})
	require.NoError(t, err)
	require.True(t, units["bac-kan"].Dissolved, "Fresh asks blocs")
	require.Equal(t, "thai-nguyen", units["bac-kan"].Current)
	require.NotContains(t, units, "khong-co")
}

// An id blocs refuses (InvalidArgument) is a fault of the caller's
// service, not of its client: the error keeps blocs' answer for the log
// but carries no status of blocs to be forwarded.
func TestFreshRefusedIsNotForwarded(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b := blocstest.Start(t)
	b.Province("bac-kan", "Bắc Kạn")
	c := follow(t, b.Addr)
	_, err := c.Fresh(ctx, []string{"BAC-KAN"})
	require.Error(t, err)
	require.Contains(t, err.Error(), "BatchGetUnits", "the cause is kept for the log")
	require.Equal(t, codes.Unknown, status.Code(err), "blocs' InvalidArgument must not be found in the error")
	_, isStatus := status.FromError(err)
	require.False(t, isStatus)
	var down *domainerr.UnavailableError
	require.False(t, errors.As(err, &down))
}
