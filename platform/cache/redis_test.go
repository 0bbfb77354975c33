package cache_test

import (
	"context"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tdkt-vn/tdkt/platform/telemetry/telemetrytest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/cache/redistest"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

// testTelemetry records metrics, spans and logs for inspection.
type testTelemetry struct {
	*telemetry.Telemetry
	metrics *sdkmetric.ManualReader
	spans   *tracetest.SpanRecorder
	logs    *telemetrytest.Buffer
}

func newTelemetry() *testTelemetry {
	reader := sdkmetric.NewManualReader()
	spans := tracetest.NewSpanRecorder()
	logs := &telemetrytest.Buffer{}
	return &testTelemetry{
		Telemetry: &telemetry.Telemetry{
			TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
			MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
			Logger:         slog.New(slog.NewTextHandler(logs, nil)),
		},
		metrics: reader, spans: spans, logs: logs,
	}
}

// counter sums the data points of an Int64 counter whose attributes include
// every key=value of attrs.
func (tt *testTelemetry) counter(t require.TestingT, name string, attrs map[string]string) int64 {
	var rm metricdata.ResourceMetrics
	require.NoError(t, tt.metrics.Collect(context.Background(), &rm))
	var n int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			sum, ok := m.Data.(metricdata.Sum[int64])
			require.True(t, ok, "%s is a %T", name, m.Data)
		points:
			for _, dp := range sum.DataPoints {
				for k, v := range attrs {
					got, ok := dp.Attributes.Value(attribute.Key(k))
					if !ok || got.AsString() != v {
						continue points
					}
				}
				n += dp.Value
			}
		}
	}
	return n
}

func newString() *wrapperspb.StringValue { return new(wrapperspb.StringValue) }

type countingLoader struct {
	calls atomic.Int64
	value string
}

func (l *countingLoader) load(context.Context) (*wrapperspb.StringValue, error) {
	l.calls.Add(1)
	return wrapperspb.String(l.value), nil
}

func openRedis(t *testing.T, addr, prefix string, tel *telemetry.Telemetry) cache.Cache {
	t.Helper()
	c, closeCache, err := cache.Open(t.Context(), cache.Config{RedisAddr: addr, Prefix: prefix}, tel)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, closeCache()) })
	return c
}

func TestRedis(t *testing.T) {
	addr := redistest.Addr(t)
	prefix := redistest.Prefix(t, addr)
	tel := newTelemetry()
	c := openRedis(t, addr, prefix, tel.Telemetry)
	ctx := t.Context()
	raw := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { _ = raw.Close() })

	_, ok, err := c.Get(ctx, "units/1")
	require.NoError(t, err)
	require.False(t, ok)

	require.NoError(t, c.Set(ctx, "units/1", []byte("một"), time.Minute))
	v, ok, err := c.Get(ctx, "units/1")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, []byte("một"), v)

	// Keys carry the prefix; the TTL is set (or not).
	ttl, err := raw.PTTL(ctx, prefix+"units/1").Result()
	require.NoError(t, err)
	require.InDelta(t, time.Minute, ttl, float64(5*time.Second))
	require.NoError(t, c.Set(ctx, "units/2", []byte("hai"), 0))
	ttl, err = raw.TTL(ctx, prefix+"units/2").Result()
	require.NoError(t, err)
	require.Equal(t, time.Duration(-1), ttl, "ttl 0: no expiry")

	require.NoError(t, c.Delete(ctx, "units/1", "units/2", "units/missing"))
	require.NoError(t, c.Delete(ctx))
	n, err := raw.Exists(ctx, prefix+"units/1", prefix+"units/2").Result()
	require.NoError(t, err)
	require.Zero(t, n)

	// Entries expire.
	require.NoError(t, c.Set(ctx, "short", []byte("x"), 20*time.Millisecond))
	require.EventuallyWithT(t, func(c2 *assert.CollectT) {
		_, ok, err := c.Get(ctx, "short")
		assert.NoError(c2, err)
		assert.False(c2, ok)
	}, 5*time.Second, 10*time.Millisecond)

	// Cache-aside through Redis.
	l := &countingLoader{value: "Sở Nội vụ"}
	for range 3 {
		got, err := cache.GetOrLoad(ctx, c, "units/3", time.Minute, newString, l.load)
		require.NoError(t, err)
		require.Equal(t, "Sở Nội vụ", got.GetValue())
	}
	require.Equal(t, int64(1), l.calls.Load())

	require.Positive(t, tel.counter(t, "tdkt.cache.lookups", map[string]string{"cache.backend": "redis", "cache.result": "hit"}))
	require.Positive(t, tel.counter(t, "tdkt.cache.lookups", map[string]string{"cache.backend": "redis", "cache.result": "miss"}))
	require.Zero(t, tel.counter(t, "tdkt.cache.errors", nil))
	var redisSpans int
	for _, s := range tel.spans.Ended() {
		if s.Name() == "get" || s.Name() == "set" {
			redisSpans++
		}
	}
	require.Positive(t, redisSpans, "redis commands are traced")
}

// TestRedisOutage stops Redis under a running cache: reads are served by the
// loader, quickly, and the cache is used again once Redis is back.
func TestRedisOutage(t *testing.T) {
	srv := redistest.StartServer(t)
	tel := newTelemetry()
	c := openRedis(t, srv.Addr(), "outage:", tel.Telemetry)
	l := &countingLoader{value: "Bằng khen"}
	get := func(t require.TestingT) string {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		v, err := cache.GetOrLoad(ctx, c, "honours/1", time.Minute, newString, l.load)
		require.NoError(t, err)
		return v.GetValue()
	}

	require.Equal(t, "Bằng khen", get(t))
	require.Equal(t, "Bằng khen", get(t))
	require.Equal(t, int64(1), l.calls.Load(), "the second read is a hit")

	srv.Stop()
	for i := range 3 {
		require.Equal(t, "Bằng khen", get(t))
		require.Equal(t, int64(2+i), l.calls.Load(), "with Redis down every read loads")
	}
	require.Positive(t, tel.counter(t, "tdkt.cache.errors", map[string]string{"cache.backend": "redis", "cache.operation": "get"}))
	require.Contains(t, tel.logs.String(), "cache operation failed")

	srv.Start()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		get(c) // fills the cache once Redis answers
		before := l.calls.Load()
		get(c)
		assert.Equal(c, before, l.calls.Load(), "served from Redis again")
	}, 10*time.Second, 50*time.Millisecond)
}

func TestOpenRedisUnreachable(t *testing.T) {
	// A port that nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	tel := newTelemetry()
	c := openRedis(t, addr, "", tel.Telemetry)
	require.Contains(t, tel.logs.String(), "redis cache unreachable")

	loader := &countingLoader{value: "v"}
	v, err := cache.GetOrLoad(t.Context(), c, "k", time.Minute, newString, loader.load)
	require.NoError(t, err)
	require.Equal(t, "v", v.GetValue())
}

func TestOpenMemory(t *testing.T) {
	tel := newTelemetry()
	c, closeCache, err := cache.Open(t.Context(), cache.Config{MemoryEntries: 2}, tel.Telemetry)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, closeCache()) })

	l := &countingLoader{value: "v"}
	for range 2 {
		_, err := cache.GetOrLoad(t.Context(), c, "k", time.Minute, newString, l.load)
		require.NoError(t, err)
	}
	require.Equal(t, int64(1), l.calls.Load())
	memory := map[string]string{"cache.backend": "memory"}
	require.Equal(t, int64(1), tel.counter(t, "tdkt.cache.lookups", map[string]string{"cache.backend": "memory", "cache.result": "hit"}))
	require.Equal(t, int64(1), tel.counter(t, "tdkt.cache.lookups", map[string]string{"cache.backend": "memory", "cache.result": "miss"}))
	require.Equal(t, int64(2), tel.counter(t, "tdkt.cache.lookups", memory))

	// The bound applies.
	for _, k := range []string{"a", "b", "c"} {
		require.NoError(t, c.Set(t.Context(), k, []byte(k), 0))
	}
	_, ok, err := c.Get(t.Context(), "a")
	require.NoError(t, err)
	require.False(t, ok)

	// Without telemetry too.
	c2, close2, err := cache.Open(t.Context(), cache.Config{}, nil)
	require.NoError(t, err)
	require.NoError(t, c2.Set(t.Context(), "k", []byte("v"), 0))
	require.NoError(t, close2())
}

// TestRedisFailedDeleteIsRetried deletes a key while Redis is down. Redis
// comes back with the old entry (it persists its data); neither this cache
// nor another process's cache on the same Redis may serve it.
func TestRedisFailedDeleteIsRetried(t *testing.T) {
	srv := redistest.StartServer(t)
	c := openRedis(t, srv.Addr(), "retry:", nil)
	replica := openRedis(t, srv.Addr(), "retry:", nil) // saw no failure
	ctx := t.Context()
	require.NoError(t, c.Set(ctx, "units/1", []byte("old"), time.Hour))

	srv.Stop()
	require.Error(t, c.Delete(ctx, "units/1"))
	_, _, err := c.Get(ctx, "units/1")
	require.Error(t, err, "a read while the delete is pending misses")

	srv.Start()
	// The entry is still in Redis, but this cache deletes it before reading.
	require.EventuallyWithT(t, func(collect *assert.CollectT) {
		v, ok, err := c.Get(ctx, "units/1")
		assert.NotEqual(t, "old", string(v), "this cache served the entry whose deletion failed")
		require.NoError(collect, err)
		require.False(collect, ok)
	}, 10*time.Second, 20*time.Millisecond)
	v, ok, err := replica.Get(ctx, "units/1")
	require.NoError(t, err)
	require.False(t, ok, "deleted for every process: got %q", v)
}

// TestRedisFailedDeleteIsRetriedInBackground checks that the retry does not
// wait for this process to read: other processes stop seeing the stale entry
// soon after Redis returns.
func TestRedisFailedDeleteIsRetriedInBackground(t *testing.T) {
	srv := redistest.StartServer(t)
	c := openRedis(t, srv.Addr(), "retry:", nil)
	replica := openRedis(t, srv.Addr(), "retry:", nil)
	ctx := t.Context()
	require.NoError(t, c.Set(ctx, "units/1", []byte("old"), time.Hour))
	require.NoError(t, c.Set(ctx, "units/2", []byte("kept"), time.Hour))

	srv.Stop()
	require.Error(t, c.Delete(ctx, "units/1"))
	srv.Start()
	require.EventuallyWithT(t, func(collect *assert.CollectT) {
		_, ok, err := replica.Get(ctx, "units/1")
		require.NoError(collect, err)
		require.False(collect, ok)
	}, 10*time.Second, 20*time.Millisecond)
	v, ok, err := replica.Get(ctx, "units/2")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "kept", string(v), "only the failed delete is replayed")
}
