// Package telemetrytest helps tests read what the system logs and traces.
package telemetrytest

import (
	"bytes"
	"sync"
)

// Buffer collects what concurrent writers write (log handlers, span
// exporters, servers' loggers), for a test to read.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
