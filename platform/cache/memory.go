package cache

import (
	"container/list"
	"context"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// DefaultMemoryEntries bounds a Memory cache made with maxEntries <= 0.
const DefaultMemoryEntries = 10_000

// Memory is an in-process cache: least recently used entries are evicted past
// maxEntries, and entries expire after their TTL. It is safe for concurrent
// use, and it copies values in and out.
type Memory struct {
	mu      sync.Mutex
	max     int
	entries map[string]*list.Element // of *memoryEntry
	order   *list.List               // front: most recently used
	now     func() time.Time
	flights singleflight.Group

	// Invalidations: seq counts Deletes; tombs holds, for each key deleted
	// in the last invalidationTTL, the seq and time of its last Delete. A
	// fill stores its value only if the key was not deleted after its
	// load began (see setFilled).
	seq       uint64
	tombs     map[string]memoryTomb
	lastPrune time.Time
}

type memoryTomb struct {
	seq uint64
	at  time.Time
}

type memoryEntry struct {
	key     string
	value   []byte
	expires time.Time // zero: never
}

var _ Cache = (*Memory)(nil)

// NewMemory returns an empty Memory cache holding at most maxEntries entries
// (DefaultMemoryEntries when maxEntries <= 0).
func NewMemory(maxEntries int) *Memory {
	if maxEntries <= 0 {
		maxEntries = DefaultMemoryEntries
	}
	return &Memory{
		max:     maxEntries,
		entries: make(map[string]*list.Element),
		tombs:   make(map[string]memoryTomb),
		order:   list.New(),
		now:     time.Now,
	}
}

// Get returns a copy of the value under key, if present and not expired.
func (m *Memory) Get(_ context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.get(key)
	if !ok {
		return nil, false, nil
	}
	return append([]byte(nil), v...), true, nil
}

// get is Get with m.mu held, without the copy: the value returned is the
// entry's, which nothing changes (set stores a new one), but which the
// caller must not change either.
func (m *Memory) get(key string) ([]byte, bool) {
	el, ok := m.entries[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*memoryEntry)
	if !e.expires.IsZero() && !m.now().Before(e.expires) {
		m.remove(el)
		return nil, false
	}
	m.order.MoveToFront(el)
	return e.value, true
}

// Set stores a copy of value under key for ttl (ttl <= 0: until evicted),
// evicting the least recently used entry when the cache is full.
func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.set(key, value, ttl)
	return nil
}

// set is Set with m.mu held.
func (m *Memory) set(key string, value []byte, ttl time.Duration) {
	e := &memoryEntry{key: key, value: append([]byte(nil), value...)}
	if ttl > 0 {
		e.expires = m.now().Add(ttl)
	}
	if el, ok := m.entries[key]; ok {
		el.Value = e
		m.order.MoveToFront(el)
		return
	}
	m.entries[key] = m.order.PushFront(e)
	for m.order.Len() > m.max {
		m.remove(m.order.Back())
	}
}

// Delete removes keys; missing keys are ignored. A fill of one of them
// whose load began before is not stored.
func (m *Memory) Delete(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.seq++
	for _, k := range keys {
		if el, ok := m.entries[k]; ok {
			m.remove(el)
		}
		m.tombs[k] = memoryTomb{seq: m.seq, at: now}
	}
	if now.Sub(m.lastPrune) > invalidationTTL {
		for k, t := range m.tombs {
			if now.Sub(t.at) > invalidationTTL {
				delete(m.tombs, k)
			}
		}
		m.lastPrune = now
	}
	return nil
}

// getForFill is Get, and the token a fill hands to setFilled. Its value
// is not a copy: GetOrLoad only decodes it.
func (m *Memory) getForFill(_ context.Context, key string) ([]byte, bool, fillToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	tok := fillToken{start: m.now(), seq: m.seq}
	if t, ok := m.tombs[key]; ok {
		tok.version = strconv.FormatUint(t.seq, 10)
	}
	v, ok := m.get(key)
	return v, ok, tok, nil
}

// setFilled stores value under key unless key was deleted since tok was
// taken, or the fill is too old to tell.
func (m *Memory) setFilled(_ context.Context, key string, value []byte, ttl time.Duration, tok fillToken) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, deleted := m.tombs[key]; deleted && t.seq > tok.seq || m.now().Sub(tok.start) > maxFillAge {
		return nil
	}
	m.set(key, value, ttl)
	return nil
}

// Len returns the number of entries held, expired ones included until they
// are looked up or evicted.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}

func (m *Memory) remove(el *list.Element) {
	m.order.Remove(el)
	delete(m.entries, el.Value.(*memoryEntry).key)
}

func (m *Memory) loadGroup() *singleflight.Group { return &m.flights }
