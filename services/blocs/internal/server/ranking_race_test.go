package server_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/cache/redistest"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
)

// TestRankingReadsOwnScore has seven members submit scores concurrently,
// each reading the ranking right after its own score, while others read
// it too: every member sees its own latest total every time, with the
// in-process cache and with Redis (a reader's load begun before a write
// must never be stored after the write's invalidation).
func TestRankingReadsOwnScore(t *testing.T) {
	caches := map[string]func(t *testing.T) cache.Cache{
		"in-process cache": func(*testing.T) cache.Cache { return cache.NewMemory(1000) },
		"redis": func(t *testing.T) cache.Cache {
			srv := redistest.StartServer(t)
			c, closeCache, err := cache.Open(t.Context(), cache.Config{RedisAddr: srv.Addr(), Prefix: redisPrefix}, nil)
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, closeCache()) })
			return c
		},
	}
	engine := sqlstoretest.Engines(t)[0] // SQLite: the race is the cache's
	for name, newCache := range caches {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := start(t, engine.URL(t), newCache(t))
			ctx := t.Context()
			g := cluster(t, c) // members a, b, c
			members := []string{"a", "b", "c"}
			for _, id := range []string{"d", "e", "f", "g"} {
				province(t, c, id, "Tỉnh "+id)
				_, err := c.CreateMembership(ctx, &blocsv1.CreateMembershipRequest{Parent: g.GetName(), MembershipId: "m-" + id,
					Membership: &blocsv1.Membership{Unit: "units/" + id, JoinedOn: d(2023, 1, 1)}})
				require.NoError(t, err)
				members = append(members, id)
			}
			cov, err := c.CreateCovenant(ctx, &blocsv1.CreateCovenantRequest{Parent: g.GetName(), CovenantId: "2023",
				Covenant: &blocsv1.Covenant{Criteria: []*blocsv1.Criterion{{Id: "kinh-te", Title: "Kinh tế", MaxPoints: 100}}}})
			require.NoError(t, err)
			ranking := cov.GetName() + "/ranking"

			const rounds = 60
			var eg errgroup.Group
			for w, unit := range members {
				eg.Go(func() error {
					for i := range rounds {
						points := float64((i*7+w)%100) + 0.5
						s, err := c.SubmitScore(ctx, &blocsv1.SubmitScoreRequest{Parent: cov.GetName(), Score: &blocsv1.Score{
							Unit: "units/" + unit, Points: map[string]float64{"kinh-te": points},
						}})
						if err != nil {
							return err
						}
						r, err := c.GetRanking(ctx, &blocsv1.GetRankingRequest{Name: ranking})
						if err != nil {
							return err
						}
						var seen float64 = -1
						for _, e := range r.GetEntries() {
							if e.GetUnit() == "units/"+unit {
								seen = e.GetTotal()
							}
						}
						if seen != s.GetTotal() {
							return fmt.Errorf("round %d: %s read %v right after writing %v", i, unit, seen, s.GetTotal())
						}
					}
					return nil
				})
			}
			for range 2 { // readers that keep the cache filled
				eg.Go(func() error {
					for range rounds * 2 {
						if _, err := c.GetRanking(ctx, &blocsv1.GetRankingRequest{Name: ranking}); err != nil {
							return err
						}
					}
					return nil
				})
			}
			require.NoError(t, eg.Wait())
		})
	}
}
