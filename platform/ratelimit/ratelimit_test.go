package ratelimit

import (
	"flag"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/config"
)

// clock is a settable time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newLimiter(t *testing.T, l Limits) (*Limiter, *clock) {
	t.Helper()
	lim, err := New(l)
	require.NoError(t, err)
	c := &clock{t: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)}
	lim.now = c.now
	return lim, c
}

func TestBurstThenRate(t *testing.T) {
	lim, c := newLimiter(t, Limits{Rate: 2, Burst: 3})
	for i := range 3 {
		ok, _ := lim.Allow("sub:a")
		require.True(t, ok, "call %d of the burst", i+1)
	}
	ok, retry := lim.Allow("sub:a")
	require.False(t, ok, "over the burst")
	require.Equal(t, 500*time.Millisecond, retry, "one call's worth at 2/s")
	require.True(t, lim.Exhausted("sub:a"))

	ok, _ = lim.Allow("sub:b")
	require.True(t, ok, "another caller has its own bucket")
	require.False(t, lim.Exhausted("sub:b"))
	require.False(t, lim.Exhausted("sub:never-seen"))

	c.advance(500 * time.Millisecond)
	ok, _ = lim.Allow("sub:a")
	require.True(t, ok, "refilled by one")
	ok, _ = lim.Allow("sub:a")
	require.False(t, ok, "a refused call took nothing, an allowed one did")
}

func TestOffAllowsEverything(t *testing.T) {
	lim, err := New(Limits{})
	require.NoError(t, err)
	require.Nil(t, lim)
	for range 1000 {
		ok, _ := lim.Allow("sub:a")
		require.True(t, ok)
	}
	require.False(t, lim.Exhausted("sub:a"))
	require.Zero(t, lim.Len())
	require.Equal(t, netip.MustParseAddr("10.0.0.1"), lim.Client(netip.MustParseAddr("10.0.0.1"), []string{"1.2.3.4"}))
}

func TestBurstDefaultsToRate(t *testing.T) {
	lim, _ := newLimiter(t, Limits{Rate: 5})
	for range 5 {
		ok, _ := lim.Allow("k")
		require.True(t, ok)
	}
	ok, _ := lim.Allow("k")
	require.False(t, ok)
}

// TestIdleBucketsAreDropped: a bucket idle long enough to be full again is
// dropped by the next sweep; an active one is kept.
func TestIdleBucketsAreDropped(t *testing.T) {
	lim, c := newLimiter(t, Limits{Rate: 10, Burst: 20})
	for i := range 100 {
		lim.Allow("ip:10.0.0." + strconv.Itoa(i))
	}
	require.Equal(t, 100, lim.Len())
	c.advance(time.Second)
	lim.Allow("ip:10.0.0.1") // stays active
	c.advance(lim.idle)
	lim.Allow("ip:10.0.1.1") // a new key sweeps
	require.Equal(t, 2, lim.Len(), "the 99 idle buckets are gone")
}

// TestMemoryIsBounded: a flood of new callers, none idle, keeps at most
// MaxKeys buckets.
func TestMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("inserts over 100,000 keys")
	}
	lim, _ := newLimiter(t, Limits{Rate: 1, Burst: 1})
	for i := range MaxKeys + 5000 {
		lim.Allow("ip:" + strconv.Itoa(i))
	}
	require.LessOrEqual(t, lim.Len(), MaxKeys)
	n := 0
	lim.buckets.Range(func(_, _ any) bool { n++; return true })
	require.Equal(t, lim.Len(), n, "the count matches the map")
}

func TestKey(t *testing.T) {
	bob := &auth.Caller{Subject: "bob", Method: auth.MethodBearer}
	ip := netip.MustParseAddr("192.0.2.7")
	require.Equal(t, "sub:bob", Key(bob, ip))
	require.Equal(t, "ip:192.0.2.7", Key(auth.Anonymous, ip))
	require.Equal(t, "ip:192.0.2.7", Key(nil, ip))
	require.Equal(t, "ip:192.0.2.7", AddrKey(netip.MustParseAddr("::ffff:192.0.2.7")))
	require.Equal(t, "ip:2001:db8:1:2::/64", AddrKey(netip.MustParseAddr("2001:db8:1:2:aaaa::1")),
		"one IPv6 client holds a /64")
}

func TestClientBehindTrustedProxies(t *testing.T) {
	lim, _ := newLimiter(t, Limits{Rate: 1, TrustedProxies: "10.0.0.0/8, 192.0.2.1"})
	a := netip.MustParseAddr
	tests := []struct {
		name string
		peer string
		xff  []string
		want string
	}{
		{"direct", "198.51.100.9", nil, "198.51.100.9"},
		{"an untrusted peer's header is ignored", "198.51.100.9", []string{"203.0.113.5"}, "198.51.100.9"},
		{"through the gateway", "10.1.2.3", []string{"203.0.113.5"}, "203.0.113.5"},
		{"a spoofed first hop is not believed", "10.1.2.3", []string{"6.6.6.6, 203.0.113.5"}, "203.0.113.5"},
		{"two trusted hops", "10.1.2.3", []string{"203.0.113.5, 192.0.2.1", "10.9.9.9"}, "203.0.113.5"},
		{"all trusted", "10.1.2.3", []string{"10.0.0.7"}, "10.0.0.7"},
		{"no header", "10.1.2.3", nil, "10.1.2.3"},
		{"malformed hop", "10.1.2.3", []string{"203.0.113.5, nonsense"}, "10.1.2.3"},
		{"mapped peer", "::ffff:10.1.2.3", []string{"203.0.113.5"}, "203.0.113.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, a(tt.want), lim.Client(a(tt.peer), tt.xff))
		})
	}
	_, err := New(Limits{Rate: 1, TrustedProxies: "10.0.0.0/33"})
	require.Error(t, err)
	_, err = New(Limits{Rate: 1, TrustedProxies: "gateway"})
	require.ErrorContains(t, err, "not an IP address")
}

func TestParseAddr(t *testing.T) {
	require.Equal(t, netip.MustParseAddr("127.0.0.1"), ParseAddr("127.0.0.1:8080"))
	require.Equal(t, netip.MustParseAddr("::1"), ParseAddr("[::1]:8080"))
	require.Equal(t, netip.MustParseAddr("::1"), ParseAddr("::1"))
	require.False(t, ParseAddr("@").IsValid())
}

func TestRetryAfterSeconds(t *testing.T) {
	require.Equal(t, 1, RetryAfterSeconds(0))
	require.Equal(t, 1, RetryAfterSeconds(20*time.Millisecond))
	require.Equal(t, 2, RetryAfterSeconds(1001*time.Millisecond))
}

func TestFlags(t *testing.T) {
	t.Setenv("TDKT_RATE_BURST", "7")
	var l Limits
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	l.RegisterFlags(config.NewFlags(fs))
	require.NoError(t, config.Parse(fs, []string{"-rate-limit", "3", "-trusted-proxies", "10.0.0.0/8"}))
	require.Equal(t, Limits{Rate: 3, Burst: 7, TrustedProxies: "10.0.0.0/8"}, l)

	var d Limits
	fs = flag.NewFlagSet("t", flag.ContinueOnError)
	d.RegisterFlags(config.NewFlags(fs))
	require.NoError(t, config.Parse(fs, nil))
	require.Equal(t, Limits{Rate: DefaultRate, Burst: 7}, d)
}

func BenchmarkAllowOneCaller(b *testing.B) {
	lim, err := New(Limits{Rate: 1 << 30, Burst: 1 << 30})
	require.NoError(b, err)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			lim.Allow("sub:bench")
		}
	})
}
