package blocsclient_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocsclient"
	"github.com/tdkt-vn/tdkt/services/blocs/blocstest"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

func client(t *testing.T, addr string, c cache.Cache, ttl time.Duration) *blocsclient.Client {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return blocsclient.New(conn, c, ttl)
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

	c := client(t, b.Addr, cache.NewMemory(100), time.Nanosecond)
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

func TestCacheAndUnavailable(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b := blocsv1Start(t)
	mem := cache.NewMemory(100)
	c := client(t, b.Addr, mem, time.Minute)
	units, err := c.Units(ctx, []string{"ha-noi"})
	require.NoError(t, err)
	require.Equal(t, "Hà Nội", units["ha-noi"].ShortName)

	b.Stop()
	units, err = c.Units(ctx, []string{"ha-noi"})
	require.NoError(t, err, "served from the cache")
	require.Equal(t, "Hà Nội", units["ha-noi"].ShortName)

	_, err = c.Units(ctx, []string{"hue"})
	var down *domainerr.UnavailableError
	require.ErrorAs(t, err, &down, "a miss while blocs is down")
	require.Equal(t, "blocs", down.Service)
}

func blocsv1Start(t *testing.T) *blocstest.Blocs {
	b := blocstest.Start(t)
	b.Province("ha-noi", "Hà Nội")
	return b
}

func TestManyUnknownUnits(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b := blocsv1Start(t)
	c := client(t, b.Addr, cache.NewMemory(5000), time.Minute)
	ids := []string{"ha-noi"}
	for i := range 300 {
		ids = append(ids, fmt.Sprintf("khong-co-%d", i))
	}
	units, err := c.Units(ctx, ids)
	require.NoError(t, err)
	require.Len(t, units, 1)
	require.Contains(t, units, "ha-noi")
	b.Stop()
	units, err = c.Units(ctx, ids)
	require.NoError(t, err, "unknown units are remembered for a while too")
	require.Len(t, units, 1)
}

func TestFreshBypassesTheCache(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b := blocstest.Start(t)
	b.Province("bac-kan", "Bắc Kạn")
	b.Province("thai-nguyen", "Thái Nguyên")
	c := client(t, b.Addr, cache.NewMemory(100), time.Hour)

	units, err := c.Units(ctx, []string{"bac-kan"})
	require.NoError(t, err)
	require.False(t, units["bac-kan"].Dissolved)

	b.Dissolve("bac-kan", "thai-nguyen", 2025, 7, 1)
	units, err = c.Units(ctx, []string{"bac-kan"})
	require.NoError(t, err)
	require.False(t, units["bac-kan"].Dissolved, "Units serves the cached unit within its TTL")

	units, err = c.Fresh(ctx, []string{"bac-kan"})
	require.NoError(t, err)
	require.True(t, units["bac-kan"].Dissolved, "Fresh asks blocs")
	units, err = c.Units(ctx, []string{"bac-kan"})
	require.NoError(t, err)
	require.True(t, units["bac-kan"].Dissolved, "and refreshes the cache")

	b.Stop()
	_, err = c.Fresh(ctx, []string{"bac-kan"})
	require.ErrorAs(t, err, new(*domainerr.UnavailableError))
}
