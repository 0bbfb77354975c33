// Package ratelimit limits how fast each caller may call: a token bucket
// (golang.org/x/time/rate) per caller, the authenticated subject when
// there is one, else the client's address. The gateway answers a caller
// over its limit 429 with Retry-After; a service answers
// RESOURCE_EXHAUSTED with a google.rpc.RetryInfo (platform/grpcserver).
//
// Memory is bounded: a caller's bucket is dropped once it has been idle
// long enough to be full again (it then holds nothing a new bucket would
// not), and at most MaxKeys buckets are kept.
package ratelimit

import (
	"fmt"
	"math"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/config"
)

// Defaults of the flags: a person clicking through the console, or a
// script reading page after page, stays well below them.
const (
	DefaultRate  = 50
	DefaultBurst = 100
)

// MaxKeys is the most callers whose buckets are kept at once. Beyond it,
// buckets are dropped to make room, so that a flood of addresses (an IPv6
// range) cannot grow the memory without bound; a dropped caller starts
// again with a full bucket.
const MaxKeys = 100_000

// Limits say how fast each caller may call. The zero value sets no limit.
type Limits struct {
	// Rate is how many calls per second a caller may make, sustained;
	// 0 (or less) sets no limit.
	Rate int
	// Burst is how many calls a caller may make at once, after being
	// idle; less than 1 means Rate.
	Burst int
	// TrustedProxies are the addresses (comma-separated IPs or CIDR
	// prefixes) of proxies whose X-Forwarded-For is believed: the client of
	// a call relayed by one of them is the address it names (the gateway
	// in front of a service, a load balancer in front of the gateway).
	TrustedProxies string
}

// RegisterFlags registers -rate-limit, -rate-burst and -trusted-proxies on
// f.
func (l *Limits) RegisterFlags(f config.Flags) {
	f.Int(&l.Rate, "rate-limit", DefaultRate,
		"calls per second each caller (token subject, else client address) may make, sustained; 0 means no limit")
	f.Int(&l.Burst, "rate-burst", DefaultBurst,
		"calls each caller may make at once after being idle")
	f.String(&l.TrustedProxies, "trusted-proxies", "",
		"comma-separated IPs or CIDRs of proxies (such as the gateway, or a load balancer) whose X-Forwarded-For names the client")
}

// Off reports whether l sets no limit.
func (l Limits) Off() bool { return l.Rate <= 0 }

// Limiter keeps a token bucket per caller. A nil *Limiter allows every
// call. It is safe for concurrent use.
type Limiter struct {
	limit   rate.Limit
	burst   int
	idle    time.Duration // a bucket idle this long is full again
	trusted []netip.Prefix
	now     func() time.Time

	buckets   sync.Map // key string → *bucket
	n         atomic.Int64
	nextSweep atomic.Int64 // unix nanoseconds
	sweeping  sync.Mutex
}

type bucket struct {
	lim  *rate.Limiter
	last atomic.Int64 // unix nanoseconds of the last call
}

// New returns the Limiter of l; nil when l sets no limit.
func New(l Limits) (*Limiter, error) {
	trusted, err := parsePrefixes(l.TrustedProxies)
	if err != nil {
		return nil, err
	}
	if l.Off() {
		return nil, nil
	}
	burst := l.Burst
	if burst < 1 {
		burst = l.Rate
	}
	idle := time.Duration(math.Ceil(float64(burst)/float64(l.Rate)*float64(time.Second))) + time.Second
	return &Limiter{limit: rate.Limit(l.Rate), burst: burst, idle: idle, trusted: trusted, now: time.Now}, nil
}

// Allow takes one call from key's bucket. When the bucket is empty it
// reports false and how long until the call would be allowed.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	if l == nil {
		return true, 0
	}
	now := l.now()
	b := l.bucket(key, now)
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, l.idle
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Exhausted reports, without taking a call, whether key's bucket is empty.
func (l *Limiter) Exhausted(key string) bool {
	if l == nil {
		return false
	}
	v, ok := l.buckets.Load(key)
	return ok && v.(*bucket).lim.TokensAt(l.now()) < 1
}

func (l *Limiter) bucket(key string, now time.Time) *bucket {
	ns := now.UnixNano()
	if v, ok := l.buckets.Load(key); ok {
		b := v.(*bucket)
		// A coarse clock: one write of the shared word per quarter
		// second, not per call; idle has a second to spare.
		if ns-b.last.Load() > int64(time.Second/4) {
			b.last.Store(ns)
		}
		return b
	}
	l.sweep(ns)
	b := &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
	b.last.Store(ns)
	if v, loaded := l.buckets.LoadOrStore(key, b); loaded {
		return v.(*bucket)
	}
	l.n.Add(1)
	return b
}

// sweep drops the buckets idle long enough to be full, at most once per
// idle period or whenever MaxKeys is reached; then, if MaxKeys is still
// reached, any buckets until there is room.
func (l *Limiter) sweep(now int64) {
	full := l.n.Load() >= MaxKeys
	if now < l.nextSweep.Load() && !full {
		return
	}
	if !l.sweeping.TryLock() {
		return
	}
	defer l.sweeping.Unlock()
	l.nextSweep.Store(now + int64(l.idle))
	cutoff := now - int64(l.idle)
	l.buckets.Range(func(k, v any) bool {
		if v.(*bucket).last.Load() < cutoff {
			l.drop(k)
		}
		return true
	})
	if l.n.Load() < MaxKeys {
		return
	}
	// Still full of active callers: make room for a tenth more. Map
	// iteration order is random, so no caller is dropped on purpose.
	room := MaxKeys - MaxKeys/10
	l.buckets.Range(func(k, _ any) bool {
		l.drop(k)
		return l.n.Load() > int64(room)
	})
}

func (l *Limiter) drop(k any) {
	if _, ok := l.buckets.LoadAndDelete(k); ok {
		l.n.Add(-1)
	}
}

// Len is how many buckets are kept.
func (l *Limiter) Len() int {
	if l == nil {
		return 0
	}
	return int(l.n.Load())
}

// Key is the bucket of a call's caller: its subject when it authenticated
// ("sub:…"), else its address ("ip:…"; an IPv6 client's /64, which is what
// one client usually holds).
func Key(c *auth.Caller, client netip.Addr) string {
	if !c.IsAnonymous() {
		return "sub:" + c.Subject
	}
	return AddrKey(client)
}

// AddrKey is the bucket of the client address a: "ip:192.0.2.1",
// "ip:2001:db8:1:2::/64".
func AddrKey(a netip.Addr) string {
	a = a.Unmap()
	if a.Is6() {
		p, err := a.Prefix(64)
		if err == nil {
			return "ip:" + p.String()
		}
	}
	return "ip:" + a.String()
}

// Client returns the address of a call's client: peer, the address the
// call came from, unless it is a trusted proxy; then the last address of
// forwardedFor (the X-Forwarded-For values, as the proxy sent them) that
// is not a trusted proxy itself.
func (l *Limiter) Client(peer netip.Addr, forwardedFor []string) netip.Addr {
	peer = peer.Unmap()
	if l == nil || len(l.trusted) == 0 || !l.isTrusted(peer) {
		return peer
	}
	client := peer
	for i := len(forwardedFor) - 1; i >= 0; i-- {
		parts := strings.Split(forwardedFor[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return client // a malformed hop: believe nothing before it
			}
			client = a.Unmap()
			if !l.isTrusted(client) {
				return client
			}
		}
	}
	return client
}

func (l *Limiter) isTrusted(a netip.Addr) bool {
	for _, p := range l.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParseAddr reads the address of a host:port or a bare host; the zero
// Addr when it is neither (a Unix socket).
func ParseAddr(hostport string) netip.Addr {
	if ap, err := netip.ParseAddrPort(hostport); err == nil {
		return ap.Addr()
	}
	a, _ := netip.ParseAddr(hostport)
	return a
}

// RetryAfterSeconds is d in whole seconds, rounded up, at least 1: the
// value of a Retry-After header.
func RetryAfterSeconds(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	return max(s, 1)
}

func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("ratelimit: trusted proxy %q: %w", f, err)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("ratelimit: trusted proxy %q is not an IP address or CIDR prefix", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
