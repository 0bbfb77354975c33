// Package grpcserver builds the gRPC server every tdkt service runs: OTel
// stats handler, panic recovery, protovalidate request validation (with
// undecodable requests answered InvalidArgument), If-Match as the request's
// etag, the caller's x-request-id in logs and spans, one place that maps
// errors to statuses and logs server errors, retry pushback on Unavailable,
// the guard (who may call what), per-caller rate limits, reflection, health
// and graceful shutdown.
//
// Handlers return domain errors (platform/domainerr) as they are; the
// server maps them to statuses (rpcerr.FromDomain). Anything else (a plain
// error, or a status with code Internal or Unknown) is logged here once,
// with the trace id, and the client receives rpcerr.Internal() — so a
// service returns an unmapped error as it is instead of logging it itself.
package grpcserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"buf.build/go/protovalidate"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/reflection"

	"github.com/tdkt-vn/tdkt/platform/ratelimit"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

// Defaults for Options.
const (
	DefaultMaxRecvMsgSize  = 4 << 20
	DefaultShutdownTimeout = 10 * time.Second
)

// Options configures New.
type Options struct {
	// Telemetry provides the tracer, meter, propagator and logger. Required.
	Telemetry *telemetry.Telemetry
	// MaxRecvMsgSize caps incoming messages; 0 means 4 MiB.
	MaxRecvMsgSize int
	// ShutdownTimeout bounds the graceful stop; 0 means 10s.
	ShutdownTimeout time.Duration
	// Guard decides who may call. Required, unless Unguarded.
	Guard Guard
	// Unguarded serves without a guard: every caller may call everything.
	// For tests of handlers and of this package only.
	Unguarded bool
	// RateLimit limits how fast each caller may call, keyed by the
	// authenticated caller (else its address): a caller over it gets
	// RESOURCE_EXHAUSTED with a RetryInfo. The zero value sets no limit.
	RateLimit ratelimit.Limits
	// TLS, when set, serves TLS only: the server's certificate and, for
	// mutual TLS, the client authorities it verifies (ClientCAs,
	// ClientAuth), whose verified certificates the guard maps to callers.
	// Nil serves plaintext.
	TLS *tls.Config
}

// Server is a gRPC server with health and reflection registered. Register
// services on GRPC before calling Serve.
type Server struct {
	GRPC   *grpc.Server
	Health *health.Server

	shutdownTimeout time.Duration
	stopping        chan struct{} // closed when shutdown begins
}

// New builds a Server.
func New(o Options) (*Server, error) {
	if err := check(o.Telemetry); err != nil {
		return nil, err
	}
	if o.MaxRecvMsgSize < 0 || o.ShutdownTimeout < 0 {
		return nil, errors.New("grpcserver: MaxRecvMsgSize and ShutdownTimeout must not be negative")
	}
	if o.MaxRecvMsgSize == 0 {
		o.MaxRecvMsgSize = DefaultMaxRecvMsgSize
	}
	if o.ShutdownTimeout == 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	if o.Guard == nil && !o.Unguarded {
		return nil, errors.New("grpcserver: Options.Guard is required (who may call what)")
	}
	limiter, err := ratelimit.New(o.RateLimit)
	if err != nil {
		return nil, fmt.Errorf("grpcserver: %w", err)
	}
	validator, err := protovalidate.New()
	if err != nil {
		return nil, fmt.Errorf("grpcserver: protovalidate: %w", err)
	}

	codec, err := newRequestCodec()
	if err != nil {
		return nil, err
	}

	tel := o.Telemetry
	stopping := make(chan struct{})
	ic := interceptors{logger: requestIDLogger(tel.Logger), validator: validator, stopping: stopping}
	// Outermost first: the request id is in the context of every log
	// line; recovery also catches panics in the others, and sits outside
	// the error logger so a panic is logged once, with stack; retry
	// pushback sees the status the error logger maps; the guard knows the
	// caller before anything reads the request; the rate limit counts the
	// calls of the authenticated caller; If-Match fills the etag before
	// validation; the guard checks the validated request.
	unary := []grpc.UnaryServerInterceptor{requestIDUnary, ic.recoverUnary, pushbackUnary, ic.logUnary}
	stream := []grpc.StreamServerInterceptor{requestIDStream, ic.recoverStream, pushbackStream, ic.logStream}
	gi := guardInterceptors{guard: o.Guard}
	if o.Guard != nil {
		unary = append(unary, gi.authUnary)
		stream = append(stream, gi.authStream)
	}
	if limiter != nil {
		rl := rateLimiter{lim: limiter}
		unary = append(unary, rl.unary)
		stream = append(stream, rl.stream)
	}
	unary = append(unary, ifMatchUnary, ic.validateUnary)
	stream = append(stream, ifMatchStream, ic.validateStream)
	if o.Guard != nil {
		unary = append(unary, gi.checkUnary)
		stream = append(stream, gi.checkStream)
	}
	opts := []grpc.ServerOption{
		grpc.StatsHandler(otelgrpc.NewServerHandler(
			otelgrpc.WithTracerProvider(tel.TracerProvider),
			otelgrpc.WithMeterProvider(tel.MeterProvider),
			otelgrpc.WithPropagators(tel.Propagator),
		)),
		// Undecodable requests become InvalidArgument, not Internal.
		grpc.ForceServerCodecV2(codec),
		grpc.MaxRecvMsgSize(o.MaxRecvMsgSize),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime:             10 * time.Second, // grpcclient pings every 30s
			PermitWithoutStream: true,
		}),
		grpc.KeepaliveParams(keepalive.ServerParameters{
			Time:    time.Minute,
			Timeout: 20 * time.Second,
		}),
		grpc.ChainUnaryInterceptor(unary...),
		grpc.ChainStreamInterceptor(stream...),
	}
	if o.TLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(o.TLS)))
	}
	g := grpc.NewServer(opts...)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(g, hs)
	reflection.Register(g)

	return &Server{GRPC: g, Health: hs, shutdownTimeout: o.ShutdownTimeout, stopping: stopping}, nil
}

func check(tel *telemetry.Telemetry) error {
	switch {
	case tel == nil:
		return errors.New("grpcserver: Options.Telemetry is required")
	case tel.Logger == nil, tel.TracerProvider == nil, tel.MeterProvider == nil, tel.Propagator == nil:
		return errors.New("grpcserver: Telemetry needs Logger, TracerProvider, MeterProvider and Propagator")
	}
	return nil
}

// Serve marks every registered service SERVING and serves lis until ctx is
// done. It then marks them NOT_SERVING, stops gracefully within the shutdown
// timeout and stops hard after it. It returns nil after a shutdown caused by
// ctx, and the error from grpc.Server.Serve if serving fails.
func (s *Server) Serve(ctx context.Context, lis net.Listener) error {
	s.Health.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	for name := range s.GRPC.GetServiceInfo() {
		s.Health.SetServingStatus(name, healthpb.HealthCheckResponse_SERVING)
	}

	served := make(chan error, 1)
	go func() { served <- s.GRPC.Serve(lis) }()

	select {
	case err := <-served:
		s.Health.Shutdown()
		s.GRPC.Stop()
		return fmt.Errorf("grpcserver: serve: %w", err)
	case <-ctx.Done():
	}

	s.Health.Shutdown() // NOT_SERVING everywhere; watchers are told
	close(s.stopping)   // endless streams end (Stopping)
	stopped := make(chan struct{})
	go func() {
		s.GRPC.GracefulStop()
		close(stopped)
	}()
	timer := time.NewTimer(s.shutdownTimeout)
	defer timer.Stop()
	select {
	case <-stopped:
	case <-timer.C:
		s.GRPC.Stop()
		<-stopped
	}
	if err := <-served; err != nil {
		return fmt.Errorf("grpcserver: serve: %w", err)
	}
	return nil
}
