package stack_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/cache/redistest"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// readiness is the JSON of /readyz.
type readiness struct {
	Status   string   `json:"status"`
	Degraded []string `json:"degraded"`
}

func readyz(t require.TestingT, base string) readiness {
	resp, err := http.Get(base + "/readyz")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "a degraded cache does not fail readiness")
	var r readiness
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
	return r
}

// TestFrozenRedis freezes the Redis the whole system caches in (SIGSTOP)
// while clients read: reads keep answering quickly from the database,
// /readyz says the cache is degraded, a unit changed meanwhile is read as
// changed; after SIGCONT the cache is healthy again and serves nothing
// stale.
func TestFrozenRedis(t *testing.T) {
	redis := redistest.StartServer(t)
	s := stacktest.Start(t, func(o *stack.Options) { o.RedisAddr = redis.Addr() })
	ctx := t.Context()
	_, err := s.Blocs.CreateUnit(ctx, &blocsv1.CreateUnitRequest{UnitId: "ha-giang", Unit: &blocsv1.Unit{
		DisplayName: "Tỉnh Hà Giang", ShortName: "Hà Giang",
		Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE,
	}})
	require.NoError(t, err)
	get := func(t require.TestingT) (string, time.Duration) {
		start := time.Now()
		resp, err := http.Get(s.BaseURL + "/v1/units/ha-giang")
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var u struct {
			DisplayName string `json:"displayName"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&u))
		return u.DisplayName, time.Since(start)
	}
	get(t) // cached from now on
	require.Equal(t, "ok", readyz(t, s.BaseURL).Status)

	redis.Pause()
	t.Cleanup(redis.Resume)
	var took []time.Duration
	for i := range 40 {
		if i == 20 {
			_, err := s.Blocs.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{Unit: &blocsv1.Unit{
				Name: "units/ha-giang", DisplayName: "Tỉnh Hà Giang (sửa)", ShortName: "Hà Giang",
				Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE,
			}})
			require.NoError(t, err, "writes go on while Redis is frozen")
		}
		name, d := get(t)
		took = append(took, d)
		if i > 20 {
			require.Equal(t, "Tỉnh Hà Giang (sửa)", name, "read %d after the change", i)
		}
	}
	slices.Sort(took)
	p99 := took[len(took)*99/100]
	t.Logf("reads while Redis is frozen: median %v, p99 %v", took[len(took)/2], p99)
	require.Less(t, p99, 250*time.Millisecond, "reads do not wait on a frozen Redis (went to the database)")
	r := readyz(t, s.BaseURL)
	require.Equal(t, "degraded", r.Status)
	require.True(t, slices.ContainsFunc(r.Degraded, func(d string) bool { return strings.HasPrefix(d, "blocs") }),
		"the degraded cache is named: %v", r.Degraded)

	redis.Resume()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "ok", readyz(c, s.BaseURL).Status, "the cache is healthy again")
	}, 10*time.Second, 50*time.Millisecond)
	for i := range 5 {
		name, _ := get(t)
		require.Equal(t, "Tỉnh Hà Giang (sửa)", name, fmt.Sprintf("read %d once Redis is back: nothing stale", i))
	}
}
