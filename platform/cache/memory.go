package cache

import (
	"container/list"
	"context"
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
		order:   list.New(),
		now:     time.Now,
	}
}

// Get returns a copy of the value under key, if present and not expired.
func (m *Memory) Get(_ context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.entries[key]
	if !ok {
		return nil, false, nil
	}
	e := el.Value.(*memoryEntry)
	if !e.expires.IsZero() && !m.now().Before(e.expires) {
		m.remove(el)
		return nil, false, nil
	}
	m.order.MoveToFront(el)
	return append([]byte(nil), e.value...), true, nil
}

// Set stores a copy of value under key for ttl (ttl <= 0: until evicted),
// evicting the least recently used entry when the cache is full.
func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	e := &memoryEntry{key: key, value: append([]byte(nil), value...)}
	m.mu.Lock()
	defer m.mu.Unlock()
	if ttl > 0 {
		e.expires = m.now().Add(ttl)
	}
	if el, ok := m.entries[key]; ok {
		el.Value = e
		m.order.MoveToFront(el)
		return nil
	}
	m.entries[key] = m.order.PushFront(e)
	for m.order.Len() > m.max {
		m.remove(m.order.Back())
	}
	return nil
}

// Delete removes keys; missing keys are ignored.
func (m *Memory) Delete(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		if el, ok := m.entries[k]; ok {
			m.remove(el)
		}
	}
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
