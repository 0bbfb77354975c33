package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"golang.org/x/sync/singleflight"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func newString() *wrapperspb.StringValue { return new(wrapperspb.StringValue) }

// countingCache counts Gets, and closes reached when the count hits at.
type countingCache struct {
	*Memory
	gets    atomic.Int64
	at      int64
	reached chan struct{}
}

func (c *countingCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if c.gets.Add(1) == c.at {
		close(c.reached)
	}
	return c.Memory.Get(ctx, key)
}

func (c *countingCache) getForFill(ctx context.Context, key string) ([]byte, bool, fillToken, error) {
	if c.gets.Add(1) == c.at {
		close(c.reached)
	}
	return c.Memory.getForFill(ctx, key)
}

var _ grouped = (*countingCache)(nil)

// failingCache fails every operation, like Redis when it is down.
type failingCache struct{ sets atomic.Int64 }

var errDown = errors.New("cache down")

func (c *failingCache) Get(context.Context, string) ([]byte, bool, error) { return nil, false, errDown }
func (c *failingCache) Set(context.Context, string, []byte, time.Duration) error {
	c.sets.Add(1)
	return errDown
}
func (c *failingCache) Delete(context.Context, ...string) error { return errDown }

// loader returns a load function that counts its calls.
type loader struct {
	calls atomic.Int64
	value string
	err   error
}

func (l *loader) load(context.Context) (*wrapperspb.StringValue, error) {
	l.calls.Add(1)
	if l.err != nil {
		return nil, l.err
	}
	return wrapperspb.String(l.value), nil
}

func TestGetOrLoadCachesValue(t *testing.T) {
	c := NewMemory(10)
	l := &loader{value: "Nguyễn Văn Khoa"}
	for range 3 {
		v, err := GetOrLoad(t.Context(), c, "k", time.Minute, newString, l.load)
		require.NoError(t, err)
		require.Equal(t, "Nguyễn Văn Khoa", v.GetValue())
	}
	require.Equal(t, int64(1), l.calls.Load())

	b, ok, err := c.Get(t.Context(), "k")
	require.NoError(t, err)
	require.True(t, ok)
	want, err := proto.Marshal(wrapperspb.String("Nguyễn Văn Khoa"))
	require.NoError(t, err)
	require.Equal(t, want, b, "values are stored as proto.Marshal bytes")

	// After Delete (invalidation) the next call loads again.
	require.NoError(t, c.Delete(t.Context(), "k"))
	_, err = GetOrLoad(t.Context(), c, "k", time.Minute, newString, l.load)
	require.NoError(t, err)
	require.Equal(t, int64(2), l.calls.Load())
}

// A hit decodes the cache's own bytes: what a caller does to its message,
// bytes included, reaches neither the cache nor the next caller.
func TestGetOrLoadHitsAreCallersOwn(t *testing.T) {
	ctx := t.Context()
	newBytes := func() *wrapperspb.BytesValue { return new(wrapperspb.BytesValue) }
	load := func(context.Context) (*wrapperspb.BytesValue, error) { return wrapperspb.Bytes([]byte("etag-1")), nil }
	for name, c := range map[string]Cache{"memory": NewMemory(10), "instrumented memory": must(instrument(NewMemory(10), "memory", metricnoop.NewMeterProvider(), slog.New(slog.DiscardHandler)))} {
		t.Run(name, func(t *testing.T) {
			_, err := GetOrLoad(ctx, c, "k", time.Minute, newBytes, load) // the miss fills the key
			require.NoError(t, err)
			first, err := GetOrLoad(ctx, c, "k", time.Minute, newBytes, load)
			require.NoError(t, err)
			first.Value[0] = 'X'
			first.Value = append(first.Value, "-changed"...)
			second, err := GetOrLoad(ctx, c, "k", time.Minute, newBytes, load)
			require.NoError(t, err)
			require.Equal(t, "etag-1", string(second.GetValue()))
			require.Equal(t, "Xtag-1-changed", string(first.GetValue()))
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestGetOrLoadStampede(t *testing.T) {
	const callers = 50
	// Every caller misses (50 Gets) and the first flight checks again (1):
	// the load is held until all of them are waiting.
	c := &countingCache{Memory: NewMemory(10), at: callers + 1, reached: make(chan struct{})}
	var calls atomic.Int64
	load := func(ctx context.Context) (*wrapperspb.StringValue, error) {
		calls.Add(1)
		select {
		case <-c.reached:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return wrapperspb.String("v"), nil
	}
	results := make([]*wrapperspb.StringValue, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			v, err := GetOrLoad(t.Context(), c, "k", time.Minute, newString, load)
			assert.NoError(t, err)
			results[i] = v
		})
	}
	wg.Wait()
	require.Equal(t, int64(1), calls.Load(), "one load for all callers")
	for i, v := range results {
		require.Equal(t, "v", v.GetValue())
		for _, w := range results[:i] {
			require.NotSame(t, w, v, "every caller gets a message of its own")
		}
	}
}

func TestGetOrLoadErrorsAreNotCached(t *testing.T) {
	c := NewMemory(10)
	errDB := errors.New("database unavailable")
	l := &loader{err: errDB}
	_, err := GetOrLoad(t.Context(), c, "k", time.Minute, newString, l.load)
	require.ErrorIs(t, err, errDB)
	require.Zero(t, c.Len())

	l.err, l.value = nil, "v"
	for range 2 {
		v, err := GetOrLoad(t.Context(), c, "k", time.Minute, newString, l.load)
		require.NoError(t, err)
		require.Equal(t, "v", v.GetValue())
	}
	require.Equal(t, int64(2), l.calls.Load())
}

func TestGetOrLoadFailsOpen(t *testing.T) {
	c := &failingCache{}
	l := &loader{value: "v"}
	for range 3 {
		v, err := GetOrLoad(t.Context(), c, "k", time.Minute, newString, l.load)
		require.NoError(t, err)
		require.Equal(t, "v", v.GetValue())
	}
	require.Equal(t, int64(3), l.calls.Load(), "every call reaches the loader")
	require.Equal(t, int64(3), c.sets.Load(), "and tries to fill the cache")
}

func TestGetOrLoadCorruptEntry(t *testing.T) {
	c := NewMemory(10)
	require.NoError(t, c.Set(t.Context(), "k", []byte{0xff, 0xff, 0xff}, time.Minute))
	l := &loader{value: "fresh"}
	v, err := GetOrLoad(t.Context(), c, "k", time.Minute, newString, l.load)
	require.NoError(t, err)
	require.Equal(t, "fresh", v.GetValue())

	v, err = GetOrLoad(t.Context(), c, "k", time.Minute, newString, l.load)
	require.NoError(t, err)
	require.Equal(t, "fresh", v.GetValue())
	require.Equal(t, int64(1), l.calls.Load(), "the corrupt entry was overwritten")
}

func TestGetOrLoadCallerGivesUp(t *testing.T) {
	c := NewMemory(10)
	release := make(chan struct{})
	started := make(chan struct{})
	var once sync.Once
	load := func(ctx context.Context) (*wrapperspb.StringValue, error) {
		once.Do(func() { close(started) })
		<-release
		return wrapperspb.String("v"), ctx.Err()
	}
	first, cancel := context.WithCancel(t.Context())
	errs := make(chan error, 1)
	go func() {
		_, err := GetOrLoad(first, c, "k", time.Minute, newString, load)
		errs <- err
	}()
	<-started
	cancel()
	require.ErrorIs(t, <-errs, context.Canceled, "a caller stops waiting when its context is done")

	// The shared load was not cancelled with the first caller: it completes
	// and fills the cache for the others.
	second := make(chan *wrapperspb.StringValue, 1)
	go func() {
		v, err := GetOrLoad(t.Context(), c, "k", time.Minute, newString, load)
		assert.NoError(t, err)
		second <- v
	}()
	close(release)
	require.Equal(t, "v", (<-second).GetValue())
}

// foreignCache is a Cache from elsewhere: GetOrLoad works without singleflight.
type foreignCache struct{ m *Memory }

func (f foreignCache) Get(ctx context.Context, k string) ([]byte, bool, error) {
	return f.m.Get(ctx, k)
}
func (f foreignCache) Set(ctx context.Context, k string, v []byte, ttl time.Duration) error {
	return f.m.Set(ctx, k, v, ttl)
}
func (f foreignCache) Delete(ctx context.Context, k ...string) error { return f.m.Delete(ctx, k...) }

func TestGetOrLoadForeignCache(t *testing.T) {
	c := foreignCache{m: NewMemory(10)}
	l := &loader{value: "v"}
	for i := range 2 {
		v, err := GetOrLoad(t.Context(), c, "k", time.Minute, newString, l.load)
		require.NoError(t, err, "call %d", i)
		require.Equal(t, "v", v.GetValue())
	}
	require.Equal(t, int64(1), l.calls.Load())
}

func (c *countingCache) loadGroup() *singleflight.Group { return c.Memory.loadGroup() }

func ExampleGetOrLoad() {
	c := NewMemory(100)
	ctx := context.Background()
	load := func(context.Context) (*wrapperspb.StringValue, error) {
		return wrapperspb.String("Ủy ban nhân dân tỉnh Nghệ An"), nil // from the database
	}
	v, err := GetOrLoad(ctx, c, "units/42", 5*time.Minute, newString, load)
	fmt.Println(v.GetValue(), err)
	// Output: Ủy ban nhân dân tỉnh Nghệ An <nil>
}

func TestGetOrLoadLoaderPanics(t *testing.T) {
	c := NewMemory(10)
	boom := func(context.Context) (*wrapperspb.StringValue, error) { panic("boom") }
	require.PanicsWithError(t, "boom", func() {
		defer func() {
			p := recover()
			err, ok := p.(error)
			require.True(t, ok, "panic value %T", p)
			require.ErrorContains(t, err, "cache: loader panicked: boom")
			panic(errors.New("boom")) // for PanicsWithError
		}()
		_, _ = GetOrLoad(t.Context(), c, "k", time.Minute, newString, boom)
	}, "the caller panics, not a background goroutine")

	// The key is usable afterwards.
	l := &loader{value: "v"}
	v, err := GetOrLoad(t.Context(), c, "k", time.Minute, newString, l.load)
	require.NoError(t, err)
	require.Equal(t, "v", v.GetValue())
}
