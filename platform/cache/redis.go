package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"
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

// Redis is a Cache in Redis. Keys are prefixed with Config.Prefix.
type Redis struct {
	client    *redis.Client
	prefix    string
	closeCh   chan struct{} // stops the pool metrics
	closeOnce sync.Once
	flights   singleflight.Group
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

// Get returns the value under key.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, bool, error) {
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

// Delete removes keys.
func (r *Redis) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	prefixed := make([]string, len(keys))
	for i, k := range keys {
		prefixed[i] = r.prefix + k
	}
	if err := r.client.Del(ctx, prefixed...).Err(); err != nil {
		return fmt.Errorf("cache: redis delete: %w", err)
	}
	return nil
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
