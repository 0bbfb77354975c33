package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrCircuitOpen is the error of a Redis operation that was not attempted
// because the circuit breaker is open: Redis failed or timed out on the last
// calls, and reads go to the database until a probe finds it answering.
var ErrCircuitOpen = errors.New("cache: redis circuit open")

// Circuit breaker of a Redis cache. It opens after breakerFailures
// consecutive failed commands (errors, timeouts), and from then on every
// operation fails at once with ErrCircuitOpen. While open, one goroutine
// probes Redis (half-open) every probe interval with a PING; once Redis
// answers and the invalidations that failed or were skipped meanwhile are
// applied, it closes. Opening and closing are logged, once each.
const breakerFailures = 3

type breaker struct {
	logger   *slog.Logger
	addr     string
	interval time.Duration // between probes while open

	open     atomic.Bool
	failures atomic.Int64 // consecutive

	mu       sync.Mutex
	watchers map[int]func(healthy bool)
	nextID   int
}

// allow reports whether a command may be sent.
func (b *breaker) allow() bool { return !b.open.Load() }

// record counts the outcome of a command; it returns true when this failure
// opened the circuit.
func (b *breaker) record(err error) bool {
	if !countsAsFailure(err) {
		if b.failures.Load() != 0 {
			b.failures.Store(0)
		}
		return false
	}
	if b.failures.Add(1) < breakerFailures {
		return false
	}
	return b.trip(err)
}

// trip opens the circuit; it returns false when it was open already.
func (b *breaker) trip(err error) bool {
	if !b.open.CompareAndSwap(false, true) {
		return false
	}
	b.logger.Warn("cache circuit open: redis is failing or slow; reads go to the database",
		slog.String("addr", b.addr), slog.Any("error", err))
	b.notify(false)
	return true
}

// reset closes the circuit.
func (b *breaker) reset() {
	b.failures.Store(0)
	if !b.open.CompareAndSwap(true, false) {
		return
	}
	b.logger.Info("cache circuit closed: redis answers again", slog.String("addr", b.addr))
	b.notify(true)
}

func (b *breaker) notify(healthy bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, f := range b.watchers {
		f(healthy)
	}
}

// watch calls f with the health now and on every change, until stop.
func (b *breaker) watch(f func(healthy bool)) (stop func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.watchers == nil {
		b.watchers = make(map[int]func(bool))
	}
	id := b.nextID
	b.nextID++
	b.watchers[id] = f
	f(!b.open.Load())
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.watchers, id)
	}
}

// countsAsFailure tells whether err says Redis is unavailable or slow: not
// a miss, not an error reply of a server that answered, not a caller that
// went away.
func countsAsFailure(err error) bool {
	var reply redis.Error
	switch {
	case err == nil, errors.Is(err, redis.Nil), errors.Is(err, context.Canceled), errors.Is(err, ErrCircuitOpen), errors.Is(err, errFlushing):
		return false
	case errors.As(err, &reply):
		return false
	}
	return true
}

// slogRedisLogger sends go-redis's own log lines to slog at debug level.
type slogRedisLogger struct{ logger *slog.Logger }

func (l slogRedisLogger) Printf(ctx context.Context, format string, v ...any) {
	if l.logger.Enabled(ctx, slog.LevelDebug) {
		l.logger.DebugContext(ctx, "redis client", slog.String("message", fmt.Sprintf(format, v...)))
	}
}

var setRedisLogger sync.Once

// quietRedisLogs routes go-redis's global logger (dial failures, pool
// messages, one line per failure during an outage) to logger at debug level.
// go-redis has one logger per process: the first cache opened chooses it.
func quietRedisLogs(logger *slog.Logger) {
	setRedisLogger.Do(func() { redis.SetLogger(slogRedisLogger{logger: logger}) })
}
