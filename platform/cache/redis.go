package cache

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"

	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

// Redis timeouts: a cache that answers slower than this is worse than none, so
// a stalled or dead server costs a request about one timeout, then misses.
const (
	redisTimeout  = 250 * time.Millisecond
	redisPoolSize = 16
)

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

	pending pendingDeletes
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
// Commands time out after 250ms and are retried once; a dead server is dialled
// once per command (and, after a run of failed dials, at most once a second
// in the background) instead of being waited for.
func NewRedis(cfg Config, tel *telemetry.Telemetry) (*Redis, error) {
	if cfg.RedisAddr == "" {
		return nil, errors.New("cache: empty Redis address")
	}
	client := redis.NewClient(&redis.Options{
		Addr:                  cfg.RedisAddr,
		Password:              cfg.RedisPassword,
		DB:                    cfg.RedisDB,
		DialTimeout:           redisTimeout,
		DialerRetries:         1,
		ReadTimeout:           redisTimeout,
		WriteTimeout:          redisTimeout,
		ContextTimeoutEnabled: true,
		MaxRetries:            1,
		PoolSize:              redisPoolSize,
		PoolTimeout:           2 * redisTimeout,
		ConnMaxIdleTime:       5 * time.Minute,
	})
	r := &Redis{client: client, prefix: cfg.Prefix, closeCh: make(chan struct{})}
	r.pending.max = maxPendingKeys
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
	if err := r.flushPending(ctx); err != nil {
		return nil, false, fmt.Errorf("cache: redis get: entries whose deletion failed remain: %w", err)
	}
	b, err := r.client.Get(ctx, r.prefix+key).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("cache: redis get: %w", err)
	}
	return b, true, nil
}

// Set stores value under key for ttl (ttl <= 0: no expiry).
func (r *Redis) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	switch {
	case ttl < 0:
		ttl = 0
	case ttl > 0 && ttl < time.Millisecond:
		ttl = time.Millisecond // Redis's finest resolution
	}
	if err := r.client.Set(ctx, r.prefix+key, value, ttl).Err(); err != nil {
		return fmt.Errorf("cache: redis set: %w", err)
	}
	return nil
}

// Delete removes keys. When it fails, the keys are deleted later, before
// Redis is read again.
func (r *Redis) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	prefixed := make([]string, len(keys))
	for i, k := range keys {
		prefixed[i] = r.prefix + k
	}
	if err := r.client.Del(ctx, prefixed...).Err(); err != nil {
		r.remember(prefixed)
		return fmt.Errorf("cache: redis delete (retried before the next read): %w", err)
	}
	return nil
}

// remember records the keys of a failed delete and starts the retry loop.
func (r *Redis) remember(keys []string) {
	p := &r.pending
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gen++
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
		ctx, cancel := context.WithTimeout(context.Background(), 20*redisTimeout)
		_ = r.flushPending(ctx)
		cancel()
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
		err = r.client.Del(ctx, keys...).Err()
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
