package service

import (
	"errors"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
)

// Running is a running service, what a service's seam New returns: its
// shared parts, the guard that decides who may call it, its handlers and
// what Close releases. It gives the commands and devstack Register, Guard,
// RegisterHealth and Close.
type Running struct {
	parts    *Parts
	guard    grpcserver.Guard
	register func(*grpc.Server)
	release  []func() error
}

// NewRunning returns a running service: its parts, its guard (its
// policy), register, which puts its handlers on a gRPC server, and what
// Close releases, in order, before the parts (its store, its connections to
// other services).
func NewRunning(parts *Parts, guard grpcserver.Guard, register func(*grpc.Server), release ...func() error) *Running {
	return &Running{parts: parts, guard: guard, register: register, release: release}
}

// Register adds the service's handlers to g.
func (r *Running) Register(g *grpc.Server) { r.register(g) }

// Guard decides who may call the service.
func (r *Running) Guard() grpcserver.Guard { return r.guard }

// RegisterHealth reports the health of the service's cache in hs (see
// CacheHealthService).
func (r *Running) RegisterHealth(hs *health.Server) { r.parts.ReportHealth(hs) }

// Close releases what the service holds, then its parts.
func (r *Running) Close() error {
	var errs []error
	for _, release := range r.release {
		errs = append(errs, release())
	}
	return errors.Join(append(errs, r.parts.Close())...)
}
