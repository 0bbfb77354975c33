package server_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/cache/redistest"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
)

// redisPrefix is the key prefix blocs.New gives the cache.
const redisPrefix = "tdkt:blocs:"

// TestRedisGoesAway runs the service on a Redis of its own and stops it:
// reads and writes keep working from the database, and when Redis comes back
// (with the entries it held, as a Redis with persistence does) nothing that
// changed during the outage is served stale.
func TestRedisGoesAway(t *testing.T) {
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			srv := redistest.StartServer(t)
			cfg := cache.Config{RedisAddr: srv.Addr(), Prefix: redisPrefix}
			c, closeCache, err := cache.Open(t.Context(), cfg, nil)
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, closeCache()) })
			// probe reads and writes the same Redis keys as the service.
			probe, closeProbe, err := cache.Open(t.Context(), cfg, nil)
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, closeProbe()) })
			client := start(t, e.URL(t), c)
			testRedisGoesAway(t, client, srv, probe)
		})
	}
}

func testRedisGoesAway(t *testing.T, c blocsv1.BlocsServiceClient, srv *redistest.Server, probe cache.Cache) {
	ctx := t.Context()
	g := cluster(t, c) // units a, b, c in groups/cum-1
	cov, err := c.CreateCovenant(ctx, &blocsv1.CreateCovenantRequest{Parent: g.GetName(), CovenantId: "2023",
		Covenant: &blocsv1.Covenant{
			Criteria: []*blocsv1.Criterion{{Id: "kinh-te", Title: "Phát triển kinh tế – xã hội", MaxPoints: 100}},
		}})
	require.NoError(t, err)
	score := func(unit string, points float64) {
		t.Helper()
		_, err := c.SubmitScore(ctx, &blocsv1.SubmitScoreRequest{Parent: cov.GetName(), Score: &blocsv1.Score{
			Unit: unit, Points: map[string]float64{"kinh-te": points},
		}})
		require.NoError(t, err)
	}
	getUnit := func(t require.TestingT) *blocsv1.Unit {
		u, err := c.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/a"})
		require.NoError(t, err)
		return u
	}
	getRanking := func(t require.TestingT) *blocsv1.Ranking {
		r, err := c.GetRanking(ctx, &blocsv1.GetRankingRequest{Name: cov.GetName() + "/ranking"})
		require.NoError(t, err)
		return r
	}
	// inRedis returns what Redis holds under the service's key, or nil.
	inRedis := func(t require.TestingT, key string, m proto.Message) proto.Message {
		b, ok, err := probe.Get(ctx, key)
		require.NoError(t, err)
		if !ok {
			return nil
		}
		require.NoError(t, proto.Unmarshal(b, m))
		return m
	}
	score("units/a", 50)
	score("units/b", 40)

	// Reads fill Redis, and the next read is served from it.
	before := getUnit(t)
	require.Equal(t, "Tỉnh Bắc Kạn", before.GetDisplayName())
	require.True(t, proto.Equal(before, inRedis(t, "unit:a", new(blocsv1.Unit))), "GetUnit cached the unit in Redis")
	planted := proto.CloneOf(before)
	planted.DisplayName = "planted in Redis"
	b, err := proto.Marshal(planted)
	require.NoError(t, err)
	require.NoError(t, probe.Set(ctx, "unit:a", b, time.Minute))
	require.Equal(t, "planted in Redis", getUnit(t).GetDisplayName(), "the second GetUnit is served from Redis")
	require.NoError(t, probe.Delete(ctx, "unit:a"))
	require.Equal(t, "Tỉnh Bắc Kạn", getUnit(t).GetDisplayName())
	require.NotNil(t, inRedis(t, "unit:a", new(blocsv1.Unit)))
	ranking := getRanking(t)
	require.Len(t, ranking.GetEntries(), 2)
	require.NotNil(t, inRedis(t, "ranking:cum-1:2023", new(blocsv1.Ranking)), "GetRanking cached the ranking in Redis")

	// Redis goes away: everything works from the database, and writes are
	// seen at once.
	srv.Stop()
	require.Equal(t, "Tỉnh Bắc Kạn", getUnit(t).GetDisplayName())
	list, err := c.ListUnits(ctx, &blocsv1.ListUnitsRequest{})
	require.NoError(t, err)
	require.EqualValues(t, 4, list.GetTotalSize())
	updated, err := c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{
		Unit:       &blocsv1.Unit{Name: "units/a", DisplayName: "Tỉnh Bắc Kạn (mới)", Etag: before.GetEtag()},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}},
	})
	require.NoError(t, err)
	require.Equal(t, "Tỉnh Bắc Kạn (mới)", getUnit(t).GetDisplayName(), "an update during the outage is seen")
	require.Equal(t, updated.GetEtag(), getUnit(t).GetEtag())
	list, err = c.ListUnits(ctx, &blocsv1.ListUnitsRequest{Query: "moi"})
	require.NoError(t, err)
	require.Len(t, list.GetUnits(), 1)
	score("units/c", 90)
	during := getRanking(t)
	require.Len(t, during.GetEntries(), 3, "a score submitted during the outage is ranked")
	require.Equal(t, "units/c", during.GetEntries()[0].GetUnit())
	require.Equal(t, "Tỉnh Bắc Kạn (mới)", during.GetEntries()[1].GetUnitDisplayName())

	// Redis comes back holding the entries from before the outage, whose
	// invalidation failed: they must never be served, neither while the
	// client reconnects nor once Redis answers again.
	srv.Start()
	fresh := func(t assert.TestingT) bool {
		u, err := c.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/a"})
		r, rerr := c.GetRanking(ctx, &blocsv1.GetRankingRequest{Name: cov.GetName() + "/ranking"})
		return assert.NoError(t, err) && assert.NoError(t, rerr) &&
			assert.Equal(t, "Tỉnh Bắc Kạn (mới)", u.GetDisplayName(), "stale unit served after Redis returned") &&
			assert.Equal(t, updated.GetEtag(), u.GetEtag(), "stale unit served after Redis returned") &&
			assert.Len(t, r.GetEntries(), 3, "stale ranking served after Redis returned")
	}
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		if !fresh(t) { // t, not c: one stale answer fails the test
			return
		}
		// Redis serves again, with the fresh entries.
		cached, _ := inRedis(c, "unit:a", new(blocsv1.Unit)).(*blocsv1.Unit)
		require.NotNil(c, cached)
		require.Equal(c, updated.GetEtag(), cached.GetEtag())
		r, _ := inRedis(c, "ranking:cum-1:2023", new(blocsv1.Ranking)).(*blocsv1.Ranking)
		require.NotNil(c, r)
		require.Len(c, r.GetEntries(), 3)
	}, 10*time.Second, 50*time.Millisecond)
	for range 3 { // from Redis now
		require.True(t, fresh(t))
	}
}
