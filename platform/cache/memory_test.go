package cache

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newTestMemory(max int) (*Memory, *fakeClock) {
	clock := &fakeClock{now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	m := NewMemory(max)
	m.now = clock.Now
	return m, clock
}

func keys(t *testing.T, m *Memory, candidates ...string) []string {
	t.Helper()
	var present []string
	for _, k := range candidates {
		_, ok, err := m.Get(t.Context(), k)
		require.NoError(t, err)
		if ok {
			present = append(present, k)
		}
	}
	return present
}

func TestMemoryLRU(t *testing.T) {
	tests := []struct {
		name string
		ops  func(t *testing.T, m *Memory)
		want []string // of a, b, c, d
	}{
		{
			name: "oldest evicted",
			ops: func(t *testing.T, m *Memory) {
				for _, k := range []string{"a", "b", "c", "d"} {
					require.NoError(t, m.Set(t.Context(), k, []byte(k), 0))
				}
			},
			want: []string{"b", "c", "d"},
		},
		{
			name: "get refreshes",
			ops: func(t *testing.T, m *Memory) {
				for _, k := range []string{"a", "b", "c"} {
					require.NoError(t, m.Set(t.Context(), k, []byte(k), 0))
				}
				_, _, _ = m.Get(t.Context(), "a")
				require.NoError(t, m.Set(t.Context(), "d", []byte("d"), 0))
			},
			want: []string{"a", "c", "d"},
		},
		{
			name: "set of an existing key refreshes, does not grow",
			ops: func(t *testing.T, m *Memory) {
				for _, k := range []string{"a", "b", "c", "a"} {
					require.NoError(t, m.Set(t.Context(), k, []byte(k), 0))
				}
				require.NoError(t, m.Set(t.Context(), "d", []byte("d"), 0))
			},
			want: []string{"a", "c", "d"},
		},
		{
			name: "delete frees room",
			ops: func(t *testing.T, m *Memory) {
				for _, k := range []string{"a", "b", "c"} {
					require.NoError(t, m.Set(t.Context(), k, []byte(k), 0))
				}
				require.NoError(t, m.Delete(t.Context(), "b", "missing"))
				require.NoError(t, m.Set(t.Context(), "d", []byte("d"), 0))
			},
			want: []string{"a", "c", "d"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newTestMemory(3)
			tc.ops(t, m)
			require.Equal(t, tc.want, keys(t, m, "a", "b", "c", "d"))
			require.LessOrEqual(t, m.Len(), 3)
		})
	}
}

func TestMemoryTTL(t *testing.T) {
	m, clock := newTestMemory(10)
	ctx := t.Context()
	require.NoError(t, m.Set(ctx, "short", []byte("1"), time.Second))
	require.NoError(t, m.Set(ctx, "long", []byte("2"), time.Minute))
	require.NoError(t, m.Set(ctx, "forever", []byte("3"), 0))

	clock.Advance(999 * time.Millisecond)
	require.Equal(t, []string{"short", "long", "forever"}, keys(t, m, "short", "long", "forever"))

	clock.Advance(time.Millisecond)
	require.Equal(t, []string{"long", "forever"}, keys(t, m, "short", "long", "forever"))
	require.Equal(t, 2, m.Len(), "an expired entry found by Get is removed")

	clock.Advance(time.Hour)
	require.Equal(t, []string{"forever"}, keys(t, m, "short", "long", "forever"))

	// Setting again restarts the TTL.
	require.NoError(t, m.Set(ctx, "short", []byte("4"), time.Second))
	v, ok, err := m.Get(ctx, "short")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, []byte("4"), v)
}

func TestMemoryCopiesValues(t *testing.T) {
	m, _ := newTestMemory(10)
	ctx := t.Context()
	in := []byte("value")
	require.NoError(t, m.Set(ctx, "k", in, 0))
	in[0] = 'X'

	out, ok, err := m.Get(ctx, "k")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, []byte("value"), out)
	out[0] = 'Y'

	again, _, _ := m.Get(ctx, "k")
	require.Equal(t, []byte("value"), again)
}

func TestMemoryConcurrent(t *testing.T) {
	m := NewMemory(64)
	ctx := t.Context()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				k := fmt.Sprintf("k%d", (g*31+i)%100)
				assert.NoError(t, m.Set(ctx, k, []byte(k), time.Minute))
				if v, ok, err := m.Get(ctx, k); err == nil && ok {
					assert.Equal(t, k, string(v))
				}
				if i%50 == 0 {
					assert.NoError(t, m.Delete(ctx, k))
				}
			}
		})
	}
	wg.Wait()
	require.LessOrEqual(t, m.Len(), 64)
}

func TestNewMemoryDefaultBound(t *testing.T) {
	require.Equal(t, DefaultMemoryEntries, NewMemory(0).max)
	require.Equal(t, DefaultMemoryEntries, NewMemory(-1).max)
}
