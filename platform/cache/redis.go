package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"

	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

// Redis timeouts: a cache that answers slower than this is worse than none.
// A stalled or dead server costs the first few requests about one timeout
// each; then the circuit breaker opens and requests skip Redis (see
// breaker). Config.RedisTimeout and Config.RedisProbeInterval override them.
const (
	DefaultRedisTimeout       = 50 * time.Millisecond
	DefaultRedisProbeInterval = 500 * time.Millisecond
	redisPoolSize             = 16
)

// Invalidation tombstones. Delete leaves, beside each deleted key, a
// tombstone holding a value unique to that Delete, for invalidationTTL. A
// read that misses returns the key's tombstone with the miss (one MGET), and
// the fill stores its value only if the tombstone is still the same (a Lua
// script), so a value loaded before an invalidation is never stored after
// it. A fill older than maxFillAge is not stored: its tombstone may have
// expired meanwhile.
const (
	invalidationTTL = time.Minute
	maxFillAge      = invalidationTTL / 2
)

// setIfUnchanged stores ARGV[1] under KEYS[1] for ARGV[2] ms (0: no
// expiry) if KEYS[2], the key's tombstone, still holds ARGV[3] ("" for
// none); it returns 1 when stored.
var setIfUnchanged = redis.NewScript(`
local t = redis.call('GET', KEYS[2])
if (t or '') ~= ARGV[3] then return 0 end
if tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1
`)

// invalidate deletes the first half of KEYS and sets each one's tombstone,
// the second half, to ARGV[2] for ARGV[1] ms.
var invalidate = redis.NewScript(`
local n = #KEYS / 2
for i = 1, n do
  redis.call('DEL', KEYS[i])
  redis.call('SET', KEYS[i + n], ARGV[2], 'PX', ARGV[1])
end
return n
`)

// invalidateBatch bounds the keys of one invalidate call.
const invalidateBatch = 500

// Failed invalidations. When a Delete fails (Redis down, unreachable or too
// slow), Redis may still hold the entries the caller meant to remove, and
// would serve them once it answers again: a Redis with persistence comes
// back with its data, and a network fault loses none. So a Redis remembers
// the keys of failed deletes and deletes them before it reads again: while
// some remain, Get first retries their deletion and, if that fails too,
// misses (the caller serves the database). A background loop retries every
// pendingRetryInterval as well, so that other processes sharing the Redis
// (replicas, which know nothing of this process's failures) stop seeing
// the stale entries within about that interval of Redis returning; the TTL
// bounds what they can see before.
//
// Past maxPendingKeys remembered keys, a Redis with a Prefix forgets them and
// deletes every key under its prefix instead (SCAN + UNLINK).
const (
	pendingRetryInterval = time.Second
	maxPendingKeys       = 10_000
)

// errFlushing is Get's error while another goroutine is deleting the keys of
// failed deletes: the value read now could be one of them.
var errFlushing = errors.New("stale entries are being deleted")

// Redis is a Cache in Redis. Keys are prefixed with Config.Prefix.
type Redis struct {
	client    *redis.Client
	prefix    string
	closeCh   chan struct{} // stops the pool metrics and the retry loop
	closeOnce sync.Once
	flights   singleflight.Group
	timeout   time.Duration

	pending pendingDeletes
	brk     breaker
	// epoch changes when the breaker opens and when a delete fails: a fill
	// that began in another epoch is not stored, as an invalidation may have
	// been missed.
	epoch   atomic.Uint64
	probing atomic.Bool // the half-open probe runs
}

// pendingDeletes are the keys (with prefix) of failed deletes, to delete
// before Redis is read again.
type pendingDeletes struct {
	any      atomic.Bool // keys or all: something to delete
	flushing sync.Mutex  // held while deleting them

	mu       sync.Mutex
	max      int                 // maxPendingKeys
	keys     map[string]struct{} // when !all
	all      bool                // delete every key under the prefix
	gen      uint64              // bumped by every failed delete
	retrying bool                // the retry loop runs
}

var _ Cache = (*Redis)(nil)

// NewRedis returns a Redis cache for cfg.RedisAddr, traced and measured with
// tel (nil: not instrumented). It does not connect: see Ping.
//
// Dials, reads and writes time out after cfg.RedisTimeout (default 50ms) and
// are not retried; after breakerFailures failures in a row the circuit
// breaker opens, and operations fail at once with ErrCircuitOpen until a
// probe (every cfg.RedisProbeInterval, default 500ms) finds Redis answering.
func NewRedis(cfg Config, tel *telemetry.Telemetry) (*Redis, error) {
	if cfg.RedisAddr == "" {
		return nil, errors.New("cache: empty Redis address")
	}
	timeout := cfg.RedisTimeout
	if timeout <= 0 {
		timeout = DefaultRedisTimeout
	}
	probe := cfg.RedisProbeInterval
	if probe <= 0 {
		probe = DefaultRedisProbeInterval
	}
	client := redis.NewClient(&redis.Options{
		Addr:                  cfg.RedisAddr,
		Password:              cfg.RedisPassword,
		DB:                    cfg.RedisDB,
		DialTimeout:           timeout,
		DialerRetries:         1,
		ReadTimeout:           timeout,
		WriteTimeout:          timeout,
		ContextTimeoutEnabled: true,
		MaxRetries:            -1, // the breaker decides; a retry doubles the wait
		PoolSize:              redisPoolSize,
		PoolTimeout:           2 * timeout,
		ConnMaxIdleTime:       5 * time.Minute,
	})
	logger := slog.New(slog.DiscardHandler)
	if tel != nil && tel.Logger != nil {
		logger = tel.Logger
	}
	r := &Redis{client: client, prefix: cfg.Prefix, closeCh: make(chan struct{}), timeout: timeout}
	r.pending.max = maxPendingKeys
	r.brk = breaker{logger: logger, addr: cfg.RedisAddr, interval: probe}
	if tel != nil {
		if tel.TracerProvider != nil {
			// No db.statement: values are serialised messages.
			if err := redisotel.InstrumentTracing(client,
				redisotel.WithTracerProvider(tel.TracerProvider),
				redisotel.WithDBStatement(false),
				redisotel.WithCallerEnabled(false)); err != nil {
				_ = client.Close()
				return nil, fmt.Errorf("cache: redis tracing: %w", err)
			}
		}
		if tel.MeterProvider != nil {
			if err := redisotel.InstrumentMetrics(client,
				redisotel.WithMeterProvider(tel.MeterProvider),
				redisotel.WithCloseChan(r.closeCh)); err != nil {
				_ = client.Close()
				return nil, fmt.Errorf("cache: redis metrics: %w", err)
			}
		}
	}
	return r, nil
}

// Ping checks that the server answers.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("cache: redis ping %s: %w", r.client.Options().Addr, err)
	}
	return nil
}

// Get returns the value under key. While keys of failed deletes remain, it
// deletes them first, and fails when it cannot.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, bool, error) {
	b, ok, _, err := r.getForFill(ctx, key)
	return b, ok, err
}

// getForFill is Get, and on a miss the token a fill of key hands to
// setFilled: the key's tombstone, read with the miss.
func (r *Redis) getForFill(ctx context.Context, key string) ([]byte, bool, fillToken, error) {
	tok := fillToken{start: time.Now(), epoch: r.epoch.Load()}
	if !r.brk.allow() {
		return nil, false, tok, fmt.Errorf("cache: redis get: %w", ErrCircuitOpen)
	}
	if err := r.flushPending(ctx); err != nil {
		r.observe(err)
		return nil, false, tok, fmt.Errorf("cache: redis get: entries whose deletion failed remain: %w", err)
	}
	vals, err := r.client.MGet(ctx, r.prefix+key, tombstone(r.prefix+key)).Result()
	r.observe(err)
	if err != nil {
		return nil, false, tok, fmt.Errorf("cache: redis get: %w", err)
	}
	if t, ok := vals[1].(string); ok {
		tok.version = t
	}
	v, ok := vals[0].(string)
	if !ok {
		return nil, false, tok, nil
	}
	return []byte(v), true, tok, nil
}

// Set stores value under key for ttl (ttl <= 0: no expiry).
func (r *Redis) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if !r.brk.allow() {
		return fmt.Errorf("cache: redis set: %w", ErrCircuitOpen)
	}
	err := r.client.Set(ctx, r.prefix+key, value, redisTTL(ttl)).Err()
	r.observe(err)
	if err != nil {
		return fmt.Errorf("cache: redis set: %w", err)
	}
	return nil
}

// setFilled stores value under key for ttl unless key was invalidated
// since tok was read, or the fill is too old to tell.
func (r *Redis) setFilled(ctx context.Context, key string, value []byte, ttl time.Duration, tok fillToken) error {
	if time.Since(tok.start) > maxFillAge || r.epoch.Load() != tok.epoch {
		return nil
	}
	if !r.brk.allow() {
		return fmt.Errorf("cache: redis set: %w", ErrCircuitOpen)
	}
	k := r.prefix + key
	err := setIfUnchanged.Run(ctx, r.client, []string{k, tombstone(k)},
		value, redisTTL(ttl).Milliseconds(), tok.version).Err()
	r.observe(err)
	if err != nil {
		return fmt.Errorf("cache: redis set: %w", err)
	}
	return nil
}

// redisTTL is ttl as Redis takes it: 0 for no expiry, at least 1ms.
func redisTTL(ttl time.Duration) time.Duration {
	switch {
	case ttl < 0:
		return 0
	case ttl > 0 && ttl < time.Millisecond:
		return time.Millisecond // Redis's finest resolution
	}
	return ttl
}

// tombstone is the key of the tombstone of the (prefixed) key k.
func tombstone(k string) string { return k + "\x00invalidated" }

// Delete removes keys and leaves their tombstones. When it fails, or while
// the circuit is open, the keys are deleted later, before Redis is read
// again.
func (r *Redis) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	prefixed := make([]string, len(keys))
	for i, k := range keys {
		prefixed[i] = r.prefix + k
	}
	if !r.brk.allow() {
		r.remember(prefixed)
		return fmt.Errorf("cache: redis delete (retried before the next read): %w", ErrCircuitOpen)
	}
	err := r.invalidate(ctx, prefixed)
	r.observe(err)
	if err != nil {
		r.remember(prefixed)
		return fmt.Errorf("cache: redis delete (retried before the next read): %w", err)
	}
	return nil
}

// invalidate deletes the (prefixed) keys and sets their tombstones.
func (r *Redis) invalidate(ctx context.Context, keys []string) error {
	var nonce [12]byte
	_, _ = rand.Read(nonce[:])
	version := hex.EncodeToString(nonce[:])
	for len(keys) > 0 {
		batch := keys[:min(len(keys), invalidateBatch)]
		keys = keys[len(batch):]
		args := make([]string, 0, 2*len(batch))
		args = append(args, batch...)
		for _, k := range batch {
			args = append(args, tombstone(k))
		}
		if err := invalidate.Run(ctx, r.client, args, invalidationTTL.Milliseconds(), version).Err(); err != nil {
			return err
		}
	}
	return nil
}

// observe gives the outcome of a command to the breaker, and starts the
// probe when it opens.
func (r *Redis) observe(err error) {
	if err == nil {
		r.brk.record(nil)
		return
	}
	if r.brk.record(err) {
		r.opened()
	}
}

// opened starts a new epoch (fills that began before are not stored) and
// the probe that closes the circuit again.
func (r *Redis) opened() {
	r.epoch.Add(1)
	if r.probing.CompareAndSwap(false, true) {
		go r.probe()
	}
}

// probe is the half-open state: every probe interval, one PING; once Redis
// answers and the deletes that failed or were skipped while open are done,
// the circuit closes.
func (r *Redis) probe() {
	defer r.probing.Store(false)
	tick := time.NewTicker(r.brk.interval)
	defer tick.Stop()
	for {
		select {
		case <-r.closeCh:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*r.timeout)
		err := r.client.Ping(ctx).Err()
		if err == nil {
			err = r.flushPending(ctx)
		}
		cancel()
		if err == nil {
			r.epoch.Add(1)
			r.brk.reset()
			return
		}
	}
}

// watchHealth calls f with whether the circuit is closed, now and on every
// change, until stop is called.
func (r *Redis) watchHealth(f func(healthy bool)) (stop func()) { return r.brk.watch(f) }

// remember records the keys of a failed delete and starts the retry loop.
func (r *Redis) remember(keys []string) {
	p := &r.pending
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gen++
	r.epoch.Add(1)
	if !p.all {
		if p.keys == nil {
			p.keys = make(map[string]struct{}, len(keys))
		}
		for _, k := range keys {
			p.keys[k] = struct{}{}
		}
		if len(p.keys) > p.max && r.prefix != "" {
			p.keys, p.all = nil, true
		}
	}
	p.any.Store(true)
	if !p.retrying {
		p.retrying = true
		go r.retryPending()
	}
}

// retryPending deletes the keys of failed deletes every
// pendingRetryInterval until none remain or r is closed.
func (r *Redis) retryPending() {
	tick := time.NewTicker(pendingRetryInterval)
	defer tick.Stop()
	for {
		select {
		case <-r.closeCh:
			return
		case <-tick.C:
		}
		if r.brk.allow() { // while open, the probe deletes them
			ctx, cancel := context.WithTimeout(context.Background(), 20*r.timeout)
			r.observe(r.flushPending(ctx))
			cancel()
		}
		p := &r.pending
		p.mu.Lock()
		if !p.any.Load() {
			p.retrying = false
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
	}
}

// flushPending deletes the keys of failed deletes, if any. It fails when
// they cannot be deleted now, or while another goroutine is deleting them.
func (r *Redis) flushPending(ctx context.Context) error {
	p := &r.pending
	if !p.any.Load() {
		return nil
	}
	if !p.flushing.TryLock() {
		return errFlushing
	}
	defer p.flushing.Unlock()

	p.mu.Lock()
	gen, all := p.gen, p.all
	keys := make([]string, 0, len(p.keys))
	for k := range p.keys {
		keys = append(keys, k)
	}
	p.mu.Unlock()

	var err error
	if all {
		err = r.deletePrefix(ctx)
	} else if len(keys) > 0 {
		err = r.invalidate(ctx, keys)
	}
	if err != nil {
		return err
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.gen == gen: // nothing failed meanwhile
		p.keys, p.all = nil, false
	case !p.all:
		for _, k := range keys {
			delete(p.keys, k)
		}
	}
	p.any.Store(p.all || len(p.keys) > 0)
	return nil
}

// deletePrefix deletes every key under r's prefix (never empty here).
func (r *Redis) deletePrefix(ctx context.Context) error {
	iter := r.client.Scan(ctx, 0, globEscape(r.prefix)+"*", 1000).Iterator()
	batch := make([]string, 0, 1000)
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == cap(batch) {
			if err := r.client.Unlink(ctx, batch...).Err(); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return r.client.Unlink(ctx, batch...).Err()
	}
	return nil
}

// globEscape escapes the characters special to Redis's glob-style patterns.
func globEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`*?[]\^`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Close closes the connections and stops the pool metrics.
func (r *Redis) Close() error {
	var err error
	r.closeOnce.Do(func() {
		close(r.closeCh)
		err = r.client.Close()
	})
	return err
}

func (r *Redis) loadGroup() *singleflight.Group { return &r.flights }
