package cache

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/cache/redistest"
)

// TestRedisTooManyFailedDeletes checks that past the bound on remembered
// keys, everything under the prefix is deleted, and nothing else.
func TestRedisTooManyFailedDeletes(t *testing.T) {
	srv := redistest.StartServer(t)
	r, err := NewRedis(Config{RedisAddr: srv.Addr(), Prefix: "many*[x]:"}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, r.Close()) })
	r.pending.max = 2
	other, err := NewRedis(Config{RedisAddr: srv.Addr(), Prefix: "many-other:"}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, other.Close()) })
	ctx := t.Context()
	for _, k := range []string{"a", "b", "c", "untouched"} {
		require.NoError(t, r.Set(ctx, k, []byte(k), time.Hour))
		require.NoError(t, other.Set(ctx, k, []byte(k), time.Hour))
	}

	srv.Stop()
	require.Error(t, r.Delete(ctx, "a", "b"))
	require.Error(t, r.Delete(ctx, "c"))
	r.pending.mu.Lock()
	require.True(t, r.pending.all, "past the bound, the whole prefix is to delete")
	r.pending.mu.Unlock()

	srv.Start()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		_, ok, err := r.Get(ctx, "untouched")
		require.NoError(c, err)
		require.False(c, ok, "every key under the prefix is gone")
	}, 10*time.Second, 20*time.Millisecond)
	require.False(t, r.pending.any.Load())

	raw := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { _ = raw.Close() })
	n, err := raw.Exists(ctx, "many-other:a", "many-other:b", "many-other:c", "many-other:untouched").Result()
	require.NoError(t, err)
	require.EqualValues(t, 4, n, "keys under other prefixes are kept")
}
