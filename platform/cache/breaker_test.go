package cache_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/cache/redistest"
)

// fakeDB stands in for the database: a value per key, changed by writes,
// read by loads that take loadTime.
type fakeDB struct {
	mu       sync.Mutex
	values   map[string]int64
	loadTime time.Duration
	loads    atomic.Int64
}

func (db *fakeDB) write(key string, v int64) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.values[key] = v
}

func (db *fakeDB) loader(key string) func(context.Context) (*wrapperspb.StringValue, error) {
	return func(context.Context) (*wrapperspb.StringValue, error) {
		db.loads.Add(1)
		db.mu.Lock()
		v := db.values[key]
		db.mu.Unlock()
		time.Sleep(db.loadTime) // the rest of the query, after its snapshot
		return wrapperspb.String(strconv.FormatInt(v, 10)), nil
	}
}

// p99 returns the 99th percentile of ds.
func p99(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)*99/100]
}

// readFor reads keys through read from workers goroutines for d, and
// returns each read's latency.
func readFor(workers int, d time.Duration, keys []string, read func(key string) error) ([]time.Duration, error) {
	var (
		mu   sync.Mutex
		lats []time.Duration
		errs []error
		wg   sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	for w := range workers {
		wg.Go(func() {
			var mine []time.Duration
			for i := w; time.Now().Before(deadline); i++ {
				start := time.Now()
				err := read(keys[i%len(keys)])
				mine = append(mine, time.Since(start))
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
			}
			mu.Lock()
			lats = append(lats, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return lats, nil
}

// TestRedisFrozen freezes Redis (SIGSTOP) under load: reads keep the speed
// they have without a cache, the cache reports itself degraded, and once
// Redis answers again the cache is used and serves nothing invalidated
// meanwhile.
func TestRedisFrozen(t *testing.T) {
	srv := redistest.StartServer(t)
	tel := newTelemetry()
	c := openRedis(t, srv.Addr(), "frozen:", tel.Telemetry)
	var healthy atomic.Bool
	stop := cache.Watch(c, healthy.Store)
	t.Cleanup(stop)
	require.True(t, healthy.Load())

	const workers = 4
	db := &fakeDB{values: map[string]int64{}, loadTime: 2 * time.Millisecond}
	keys := make([]string, 20)
	for i := range keys {
		keys[i] = fmt.Sprintf("units/%d", i)
		db.write(keys[i], 1)
	}
	read := func(key string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		v, err := cache.GetOrLoad(ctx, c, key, time.Hour, newString, db.loader(key))
		if err == nil && v.GetValue() == "" {
			err = fmt.Errorf("%s: empty value", key)
		}
		return err
	}

	// Without a cache: every read is a load.
	direct, err := readFor(workers, 500*time.Millisecond, keys, func(key string) error {
		_, err := db.loader(key)(context.Background())
		return err
	})
	require.NoError(t, err)
	// With the cache: hits.
	for _, k := range keys {
		require.NoError(t, read(k))
	}
	loads := db.loads.Load()
	cached, err := readFor(workers, 300*time.Millisecond, keys, read)
	require.NoError(t, err)
	require.Equal(t, loads, db.loads.Load(), "every read is a hit")

	srv.Pause()
	resumed := false
	defer func() {
		if !resumed {
			srv.Resume()
		}
	}()
	frozen, err := readFor(workers, time.Second, keys, read)
	require.NoError(t, err)
	require.False(t, healthy.Load(), "the cache reports itself degraded")

	// A write while Redis is frozen: its invalidation cannot reach Redis,
	// which still holds the old value.
	db.write(keys[0], 2)
	require.ErrorIs(t, c.Delete(t.Context(), keys[0]), cache.ErrCircuitOpen)

	t.Logf("p99 of %d reads without a cache %v, cached %v (%d reads), with Redis frozen %v (%d reads, max %v)",
		len(direct), p99(direct), p99(cached), len(cached), p99(frozen), len(frozen), slices.Max(frozen))
	assert.Less(t, p99(frozen), p99(direct)+50*time.Millisecond,
		"with Redis frozen, reads are about as fast as without a cache")
	assert.Contains(t, tel.logs.String(), "cache circuit open")

	srv.Resume()
	resumed = true
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.True(c, healthy.Load(), "healthy again")
	}, 10*time.Second, 10*time.Millisecond)
	assert.Contains(t, tel.logs.String(), "cache circuit closed")

	// Nothing invalidated meanwhile is served, and the cache is used again.
	get := func(key string) string {
		v, err := cache.GetOrLoad(t.Context(), c, key, time.Hour, newString, db.loader(key))
		require.NoError(t, err)
		return v.GetValue()
	}
	require.Equal(t, "2", get(keys[0]), "the entry invalidated while Redis was frozen is not served")
	require.EventuallyWithT(t, func(collect *assert.CollectT) {
		before := db.loads.Load()
		for _, k := range keys {
			want := "1"
			if k == keys[0] {
				want = "2"
			}
			require.Equal(t, want, get(k))
		}
		assert.Equal(collect, before, db.loads.Load(), "served from Redis again")
	}, 10*time.Second, 20*time.Millisecond)
	assert.NotContains(t, tel.logs.String(), "redis: ", "go-redis's own log lines stay out")
}

// TestReadYourWrite has writers that each change a value, invalidate it and
// read it back, beside readers that fill the cache: a fill whose load began
// before a write must not be stored after its invalidation, nor handed to a
// reader that began after it.
func TestReadYourWrite(t *testing.T) {
	for _, backend := range []string{"memory", "redis"} {
		t.Run(backend, func(t *testing.T) {
			var cfg cache.Config
			if backend == "redis" {
				addr := redistest.Addr(t)
				cfg = cache.Config{RedisAddr: addr, Prefix: redistest.Prefix(t, addr), RedisTimeout: time.Second}
			}
			c, closeCache, err := cache.Open(t.Context(), cfg, nil)
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, closeCache()) })

			const (
				writers = 7
				readers = 4
				writes  = 150
				key     = "groups/1/covenants/2023/ranking"
			)
			db := &fakeDB{values: map[string]int64{}, loadTime: 200 * time.Microsecond}
			var (
				version atomic.Int64 // the last value committed
				stale   atomic.Int64
				checks  atomic.Int64
				done    = make(chan struct{})
				rw, ww  sync.WaitGroup
			)
			get := func() int64 {
				v, err := cache.GetOrLoad(t.Context(), c, key, time.Hour, newString, db.loader(key))
				require.NoError(t, err)
				n, err := strconv.ParseInt(v.GetValue(), 10, 64)
				require.NoError(t, err)
				return n
			}
			for range readers {
				rw.Go(func() {
					for {
						select {
						case <-done:
							return
						default:
							get()
						}
					}
				})
			}
			for range writers {
				ww.Go(func() {
					for range writes {
						db.mu.Lock() // the transaction: the value and its commit
						mine := version.Add(1)
						db.values[key] = mine
						db.mu.Unlock()
						if err := c.Delete(t.Context(), key); !assert.NoError(t, err) {
							return
						}
						checks.Add(1)
						if got := get(); got < mine {
							stale.Add(1)
						}
					}
				})
			}
			ww.Wait()
			close(done)
			rw.Wait()
			t.Logf("%s: %d stale of %d reads after one's own write; %d loads", backend, stale.Load(), checks.Load(), db.loads.Load())
			require.Zero(t, stale.Load(), "a read after one's own write saw an older value")
			require.Equal(t, int64(writers*writes), checks.Load())
		})
	}
}
