// Package cache is the read cache of the services: Redis when one is
// configured, an in-process LRU otherwise, used cache-aside through GetOrLoad.
//
// The cache never decides an answer: when Redis is slow or down, GetOrLoad
// serves what the loader (the database) returns, and the failure is counted
// (tdkt.cache.errors) and logged. Callers delete keys after the transaction
// that changed the data commits, and never share a key across authorisation
// scopes. A delete that fails is not lost: Redis deletes those keys before it
// serves a read again (see Redis).
package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"golang.org/x/sync/singleflight"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

// Cache stores bytes under string keys for a while.
type Cache interface {
	// Get returns the value under key; found is false when there is none.
	Get(ctx context.Context, key string) (value []byte, found bool, err error)
	// Set stores value under key for ttl (ttl <= 0: no expiry).
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Delete removes keys; missing keys are not an error.
	Delete(ctx context.Context, keys ...string) error
}

// Config selects and configures the cache.
type Config struct {
	RedisAddr     string // host:port; empty means the in-process cache
	RedisPassword string
	RedisDB       int
	Prefix        string // prepended to every Redis key, e.g. "blocs:"
	MemoryEntries int    // bound of the in-process cache (<= 0: DefaultMemoryEntries)
	// RedisTimeout bounds each dial, read and write (<= 0: DefaultRedisTimeout).
	RedisTimeout time.Duration
	// RedisProbeInterval spaces the probes of an open circuit breaker (<= 0:
	// DefaultRedisProbeInterval).
	RedisProbeInterval time.Duration
}

// RegisterFlags registers the Redis settings on f: -redis-addr,
// -redis-password and -redis-db (TDKT_REDIS_ADDR, … at the root; under a
// Sub, its prefix). Prefix and MemoryEntries are the service's to choose.
func (c *Config) RegisterFlags(f config.Flags) {
	f.String(&c.RedisAddr, "redis-addr", "", "Redis host:port for the cache; empty means an in-process cache")
	f.String(&c.RedisPassword, "redis-password", "", "Redis password")
	f.Int(&c.RedisDB, "redis-db", 0, "Redis database number")
	f.Duration(&c.RedisTimeout, "redis-timeout", DefaultRedisTimeout,
		"timeout of each Redis dial, read and write; a slower Redis opens the circuit breaker and reads go to the database")
}

// Open returns the cache cfg asks for, instrumented with tel (nil: no
// telemetry), and the function that releases it. With a Redis address it
// returns a Redis cache (see NewRedis) even when Redis cannot be reached yet:
// that is logged, and the cache misses until Redis is back.
func Open(ctx context.Context, cfg Config, tel *telemetry.Telemetry) (Cache, func() error, error) {
	logger, mp := slog.New(slog.DiscardHandler), metric.MeterProvider(metricnoop.NewMeterProvider())
	if tel != nil {
		if tel.Logger != nil {
			logger = tel.Logger
		}
		if tel.MeterProvider != nil {
			mp = tel.MeterProvider
		}
	}
	if cfg.RedisAddr == "" {
		c, err := instrument(NewMemory(cfg.MemoryEntries), "memory", mp, logger)
		if err != nil {
			return nil, nil, err
		}
		return c, func() error { return nil }, nil
	}
	quietRedisLogs(logger)
	r, err := NewRedis(cfg, tel)
	if err != nil {
		return nil, nil, err
	}
	if err := r.Ping(ctx); err != nil {
		logger.WarnContext(ctx, "redis cache unreachable; serving from the database until it is back",
			slog.String("addr", cfg.RedisAddr), slog.Any("error", err))
	}
	c, err := instrument(r, "redis", mp, logger)
	if err != nil {
		_ = r.Close()
		return nil, nil, err
	}
	return c, r.Close, nil
}

// errorLogInterval spaces out the warnings about a failing cache: during an
// outage every request would log one.
const errorLogInterval = 10 * time.Second

// instrumented counts hits, misses and errors of a Cache and logs its errors.
type instrumented struct {
	next   Cache
	logger *slog.Logger

	lookups metric.Int64Counter // attribute cache.result: hit, miss
	errs    metric.Int64Counter // attribute cache.operation: get, set, delete
	backend attribute.KeyValue
	// Attribute sets of the lookups counter, built once: building a set on
	// every lookup showed up in the hot path of cached reads.
	hit, miss metric.AddOption

	lastLog atomic.Int64 // unix nanoseconds of the last error logged
	flights singleflight.Group
}

func instrument(next Cache, backend string, mp metric.MeterProvider, logger *slog.Logger) (*instrumented, error) {
	meter := mp.Meter("github.com/tdkt-vn/tdkt/platform/cache")
	lookups, err := meter.Int64Counter("tdkt.cache.lookups",
		metric.WithDescription("Cache lookups by result (hit or miss; an error is a miss)."),
		metric.WithUnit("{lookup}"))
	if err != nil {
		return nil, fmt.Errorf("cache: metrics: %w", err)
	}
	errs, err := meter.Int64Counter("tdkt.cache.errors",
		metric.WithDescription("Failed cache operations; the request was served without the cache."),
		metric.WithUnit("{error}"))
	if err != nil {
		return nil, fmt.Errorf("cache: metrics: %w", err)
	}
	b := attribute.String("cache.backend", backend)
	return &instrumented{
		next: next, logger: logger, lookups: lookups, errs: errs, backend: b,
		hit:  metric.WithAttributeSet(attribute.NewSet(b, attribute.String("cache.result", "hit"))),
		miss: metric.WithAttributeSet(attribute.NewSet(b, attribute.String("cache.result", "miss"))),
	}, nil
}

func (c *instrumented) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, ok, err := c.next.Get(ctx, key)
	c.looked(ctx, ok, err)
	return v, ok, err
}

// looked counts a lookup, and its failure.
func (c *instrumented) looked(ctx context.Context, found bool, err error) {
	if err != nil {
		c.fail(ctx, "get", err)
	}
	result := c.miss
	if found {
		result = c.hit
	}
	c.lookups.Add(ctx, 1, result)
}

func (c *instrumented) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	err := c.next.Set(ctx, key, value, ttl)
	if err != nil {
		c.fail(ctx, "set", err)
	}
	return err
}

func (c *instrumented) Delete(ctx context.Context, keys ...string) error {
	err := c.next.Delete(ctx, keys...)
	if err != nil {
		c.fail(ctx, "delete", err)
	}
	return err
}

func (c *instrumented) fail(ctx context.Context, op string, err error) {
	c.errs.Add(ctx, 1, metric.WithAttributes(c.backend, attribute.String("cache.operation", op)))
	if errors.Is(err, ErrCircuitOpen) {
		return // the breaker logged that it opened
	}
	now := time.Now().UnixNano()
	last := c.lastLog.Load()
	if now-last < int64(errorLogInterval) || !c.lastLog.CompareAndSwap(last, now) {
		return
	}
	c.logger.WarnContext(ctx, "cache operation failed; serving without the cache",
		slog.String("backend", c.backend.Value.AsString()), slog.String("operation", op), slog.Any("error", err))
}

func (c *instrumented) loadGroup() *singleflight.Group { return &c.flights }

func (c *instrumented) getForFill(ctx context.Context, key string) ([]byte, bool, fillToken, error) {
	f, ok := c.next.(filler)
	if !ok {
		v, found, err := c.Get(ctx, key)
		return v, found, fillToken{}, err
	}
	v, found, tok, err := f.getForFill(ctx, key)
	c.looked(ctx, found, err)
	return v, found, tok, err
}

func (c *instrumented) setFilled(ctx context.Context, key string, value []byte, ttl time.Duration, tok fillToken) error {
	f, ok := c.next.(filler)
	if !ok {
		return c.Set(ctx, key, value, ttl)
	}
	err := f.setFilled(ctx, key, value, ttl, tok)
	if err != nil {
		c.fail(ctx, "set", err)
	}
	return err
}

func (c *instrumented) watchHealth(f func(healthy bool)) (stop func()) {
	return Watch(c.next, f)
}

// fillToken is what a fill of a key knows of the key's invalidations when
// its load began: a value loaded then is stored only if the key has not
// been invalidated since. version also names the flight: a reader that
// misses after an invalidation does not join a load that began before it.
type fillToken struct {
	start   time.Time
	version string // the key's last invalidation ("": none known)
	seq     uint64 // Memory: invalidations counted
	epoch   uint64 // Redis: see Redis.epoch
}

// filler is implemented by this package's caches: getForFill is Get plus,
// on a miss, the token that setFilled checks before storing. Its value may
// be the cache's own, which the caller only reads.
type filler interface {
	getForFill(ctx context.Context, key string) ([]byte, bool, fillToken, error)
	setFilled(ctx context.Context, key string, value []byte, ttl time.Duration, tok fillToken) error
}

// healthWatcher is implemented by caches that can be degraded.
type healthWatcher interface {
	watchHealth(f func(healthy bool)) (stop func())
}

// Watch calls f with whether c is healthy, now and whenever that changes,
// until stop is called. A Redis cache is degraded (not healthy) while its
// circuit breaker is open: reads are served by the database, correctly but
// without the cache. Other caches are always healthy. f must not block.
func Watch(c Cache, f func(healthy bool)) (stop func()) {
	if w, ok := c.(healthWatcher); ok {
		return w.watchHealth(f)
	}
	f(true)
	return func() {}
}

// peeker is implemented by caches that count lookups: peek looks without
// counting.
type peeker interface {
	peek(ctx context.Context, key string) ([]byte, bool, error)
}

func (c *instrumented) peek(ctx context.Context, key string) ([]byte, bool, error) {
	return c.next.Get(ctx, key)
}

// grouped is implemented by this package's caches: one singleflight group per
// cache, so that concurrent misses on a key load once.
type grouped interface {
	loadGroup() *singleflight.Group
}

// GetOrLoad returns the value under key, or calls load, caches its result for
// ttl and returns it. Concurrent misses on one key in this process share one
// load (for caches from this package). A failing cache is treated as a miss:
// GetOrLoad fails only when load fails, and load's errors are not cached.
// Every caller gets a message of its own.
//
// newT returns an empty message to unmarshal into, e.g.
// func() *pb.Unit { return new(pb.Unit) }.
func GetOrLoad[T proto.Message](ctx context.Context, c Cache, key string, ttl time.Duration, newT func() T, load func(context.Context) (T, error)) (T, error) {
	var zero T
	var (
		b        []byte
		found    bool
		tok      fillToken
		cacheErr error
	)
	f, isFiller := c.(filler)
	if isFiller {
		b, found, tok, cacheErr = f.getForFill(ctx, key)
	} else {
		b, found, cacheErr = c.Get(ctx, key)
	}
	if v, ok := decode(b, found && cacheErr == nil, newT); ok {
		return v, nil
	}
	g, grouped := c.(grouped)
	fill := func(ctx context.Context) (T, error) {
		// A flight that starts just after another one filled the key finds it
		// here, at the cost of one more look on a miss (not counted again).
		if grouped && cacheErr == nil {
			get := c.Get
			if p, ok := c.(peeker); ok {
				get = p.peek
			}
			if v, ok, _ := cached(ctx, get, key, newT); ok {
				return v, nil
			}
		}
		v, err := load(ctx)
		if err != nil {
			return v, err
		}
		if b, err := proto.Marshal(v); err == nil {
			// Counted and logged by the cache. A filler does not store a
			// value loaded before an invalidation of key.
			if isFiller {
				_ = f.setFilled(ctx, key, b, ttl, tok)
			} else {
				_ = c.Set(ctx, key, b, ttl)
			}
		}
		return v, nil
	}
	if !grouped {
		return fill(ctx)
	}

	// The shared load must not fail for everyone because the first caller
	// went away: it keeps ctx's values and deadline, not its cancellation.
	// Each caller still stops waiting when its own ctx is done.
	// A reader that saw an invalidation of key does not share a load that
	// began before it: the flight is named by the key's last invalidation.
	flight := key + "\x00" + string(newT().ProtoReflect().Descriptor().FullName()) + "\x00" + tok.version
	ch := g.loadGroup().DoChan(flight, func() (_ any, err error) {
		// DoChan would crash the process on a panic: hand it to the callers.
		defer func() {
			if p := recover(); p != nil {
				err = &loadPanic{value: p, stack: debug.Stack()}
			}
		}()
		lctx := context.WithoutCancel(ctx)
		if deadline, ok := ctx.Deadline(); ok {
			var cancel context.CancelFunc
			lctx, cancel = context.WithDeadline(lctx, deadline)
			defer cancel()
		}
		return fill(lctx)
	})
	select {
	case <-ctx.Done():
		return zero, ctx.Err()
	case r := <-ch:
		if lp, ok := r.Err.(*loadPanic); ok {
			panic(lp) // in each caller's goroutine, where recovery middleware sits
		}
		v, _ := r.Val.(T)
		if r.Err != nil {
			return v, r.Err
		}
		if r.Shared {
			// Callers may modify what they get: never hand one message out twice.
			v = proto.CloneOf(v)
		}
		return v, nil
	}
}

// loadPanic carries a loader's panic from the shared load to its callers.
type loadPanic struct {
	value any
	stack []byte
}

func (p *loadPanic) Error() string {
	return fmt.Sprintf("cache: loader panicked: %v\n\n%s", p.value, p.stack)
}

func (p *loadPanic) Unwrap() error {
	err, _ := p.value.(error)
	return err
}

// cached returns the value under key, if the cache has a valid one, and the
// cache's error.
func cached[T proto.Message](ctx context.Context, get func(context.Context, string) ([]byte, bool, error), key string, newT func() T) (T, bool, error) {
	b, ok, err := get(ctx, key)
	v, ok := decode(b, ok && err == nil, newT)
	return v, ok, err
}

// decode returns the message b holds, when found and valid. The message is
// new and shares nothing with b (proto.Unmarshal copies strings and bytes),
// so b may be the cache's own copy.
func decode[T proto.Message](b []byte, found bool, newT func() T) (T, bool) {
	var zero T
	if !found {
		return zero, false
	}
	v := newT()
	if err := proto.Unmarshal(b, v); err != nil {
		return zero, false // corrupt or of another type: load and overwrite it
	}
	return v, true
}
