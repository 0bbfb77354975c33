package service

import (
	"errors"

	"google.golang.org/grpc/health"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
)

// Running is what a service's seam embeds in its Service besides its
// handlers: the shared parts, the guard that decides who may call it and
// what Close releases. It gives the seam Guard, RegisterHealth and Close,
// which the commands and devstack call.
type Running struct {
	parts   *Parts
	guard   grpcserver.Guard
	release []func() error
}

// NewRunning returns the Running of a service: its parts, its guard (its
// policy) and what Close releases, in order, before the parts (its store,
// its connections to other services).
func NewRunning(parts *Parts, guard grpcserver.Guard, release ...func() error) Running {
	return Running{parts: parts, guard: guard, release: release}
}

// Guard decides who may call the service.
func (r Running) Guard() grpcserver.Guard { return r.guard }

// RegisterHealth reports the health of the service's cache in hs (see
// CacheHealthService).
func (r Running) RegisterHealth(hs *health.Server) { r.parts.ReportHealth(hs) }

// Close releases what the service holds, then its parts.
func (r Running) Close() error {
	var errs []error
	for _, release := range r.release {
		errs = append(errs, release())
	}
	return errors.Join(append(errs, r.parts.Close())...)
}
