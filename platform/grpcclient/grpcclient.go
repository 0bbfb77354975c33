// Package grpcclient dials tdkt gRPC services: OTel stats handler, retries of
// UNAVAILABLE within a retry budget (reads always, writes only when they
// carry a request id), and a default deadline for calls whose context has
// none.
package grpcclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

// Defaults for Options.
const (
	DefaultTimeout    = 10 * time.Second
	DefaultMaxMsgSize = 4 << 20
)

// serviceConfig retries UNAVAILABLE: 4 attempts in all, with exponential
// backoff from 0.1s to 1s, within a retry budget per connection (gRFC A6
// retry throttling): every failed attempt spends a token, every successful
// call earns back a tenth of one, and once half of the 10 tokens are gone
// (five failed attempts with no success between) no call is retried until
// enough calls succeed. A backend that is down thus costs each client a
// handful of retries in all, not three per call.
//
// The policy names every method; retrySafety takes it away from calls that
// must not be sent twice (see there).
const serviceConfig = `{
  "methodConfig": [{
    "name": [{}],
    "retryPolicy": {
      "maxAttempts": 4,
      "initialBackoff": "0.1s",
      "maxBackoff": "1s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }],
  "retryThrottling": {
    "maxTokens": 10,
    "tokenRatio": 0.1
  }
}`

// Options configures Dial.
type Options struct {
	// Telemetry provides the tracer, meter and propagator. Required.
	Telemetry *telemetry.Telemetry
	// Timeout is the deadline given to calls whose context has none; 0 means 10s.
	Timeout time.Duration
	// MaxMsgSize caps sent and received messages; 0 means 4 MiB, like the
	// server's default.
	MaxMsgSize int
	// Token, when set, is sent as the bearer token of every call that
	// carries no authorization already (forwarded from the incoming call,
	// or put in the context's outgoing metadata): for a client that acts
	// as one caller, such as tdktctl or the demo loader.
	Token string
	// Tokens, when set, gives the bearer token of every call that carries
	// no authorization already: the service's own identity (a client
	// credentials grant, ClientCredentials), for work no caller asked for
	// (a conferral resumed after a crash). Calls made for a caller forward
	// the caller's token instead.
	Tokens oauth2.TokenSource
}

// Dial returns a client connection to target (any grpc.NewClient target, such
// as "dns:///blocs:9090" or "127.0.0.1:9090"). It connects lazily: errors
// from the network show up on the first call.
func Dial(target string, o Options) (*grpc.ClientConn, error) {
	tel := o.Telemetry
	switch {
	case tel == nil:
		return nil, errors.New("grpcclient: Options.Telemetry is required")
	case tel.TracerProvider == nil, tel.MeterProvider == nil, tel.Propagator == nil:
		return nil, errors.New("grpcclient: Telemetry needs TracerProvider, MeterProvider and Propagator")
	case o.Timeout < 0 || o.MaxMsgSize < 0:
		return nil, errors.New("grpcclient: Timeout and MaxMsgSize must not be negative")
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxMsgSize == 0 {
		o.MaxMsgSize = DefaultMaxMsgSize
	}
	d := deadline(o.Timeout)
	r := &retrySafety{}
	conn, err := grpc.NewClient(target,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(otelgrpc.NewClientHandler(
			otelgrpc.WithTracerProvider(tel.TracerProvider),
			otelgrpc.WithMeterProvider(tel.MeterProvider),
			otelgrpc.WithPropagators(tel.Propagator),
		)),
		grpc.WithDefaultServiceConfig(serviceConfig),
		grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(o.MaxMsgSize),
			grpc.MaxCallSendMsgSize(o.MaxMsgSize),
		),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{
			Time:                30 * time.Second, // grpcserver allows pings every 10s
			Timeout:             10 * time.Second,
			PermitWithoutStream: true,
		}),
		grpc.WithChainUnaryInterceptor(auth.ForwardUnary, bearer{o.Token, o.Tokens}.unary, d.unary, r.unary),
		grpc.WithChainStreamInterceptor(auth.ForwardStream, bearer{o.Token, o.Tokens}.stream, d.stream, r.stream),
	)
	if err != nil {
		return nil, fmt.Errorf("grpcclient: dial %s: %w", target, err)
	}
	return conn, nil
}

// bearer is the token of Options.Token, or of Options.Tokens.
type bearer struct {
	token  string
	tokens oauth2.TokenSource
}

func (b bearer) with(ctx context.Context) (context.Context, error) {
	if b.token == "" && b.tokens == nil {
		return ctx, nil
	}
	if md, ok := metadata.FromOutgoingContext(ctx); ok && len(md.Get(auth.AuthorizationKey)) > 0 {
		return ctx, nil
	}
	token := b.token
	if token == "" {
		t, err := b.tokens.Token()
		if err != nil {
			// The issuer cannot give the service its token: the call may
			// succeed later.
			return ctx, status.Errorf(codes.Unavailable, "grpcclient: the service's own token: %v", err)
		}
		token = t.AccessToken
	}
	return metadata.AppendToOutgoingContext(ctx, auth.AuthorizationKey, "Bearer "+token), nil
}

func (b bearer) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	ctx, err := b.with(ctx)
	if err != nil {
		return err
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

func (b bearer) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	ctx, err := b.with(ctx)
	if err != nil {
		return nil, err
	}
	return streamer(ctx, desc, cc, method, opts...)
}

// ClientCredentials is the token source of a service's own identity: the
// client credentials grant (RFC 6749 §4.4) at the token endpoint of issuer,
// read from its discovery document on the first token (an issuer that is
// down at start delays only the calls that need the token); tokens are
// reused until they expire.
func ClientCredentials(issuer, clientID, clientSecret string) oauth2.TokenSource {
	return &clientCredentials{issuer: issuer, id: clientID, secret: clientSecret}
}

type clientCredentials struct {
	issuer, id, secret string
	mu                 sync.Mutex
	src                oauth2.TokenSource // nil until the issuer was discovered
}

func (c *clientCredentials) Token() (*oauth2.Token, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.src == nil {
		ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
		defer cancel()
		p, err := oidc.NewProvider(ctx, c.issuer)
		if err != nil {
			return nil, fmt.Errorf("the issuer's discovery document: %w", err)
		}
		cfg := clientcredentials.Config{ClientID: c.id, ClientSecret: c.secret, TokenURL: p.Endpoint().TokenURL}
		c.src = cfg.TokenSource(context.Background())
	}
	return c.src.Token()
}

// deadline is the default per-call timeout.
type deadline time.Duration

func (d deadline) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(d))
		defer cancel()
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

// stream gives a client stream the default deadline. A server stream
// (a watch, a download) lasts as long as the caller's context: a watch
// never ends by itself, and a download takes as long as the file.
func (d deadline) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	if _, ok := ctx.Deadline(); ok || desc.ServerStreams {
		return streamer(ctx, desc, cc, method, opts...)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(d))
	cs, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil {
		cancel()
		return nil, err
	}
	return &cancelingStream{ClientStream: cs, cancel: cancel}, nil
}

// cancelingStream releases the deadline's timer once the stream is over,
// which grpc signals by a non-nil error from RecvMsg.
type cancelingStream struct {
	grpc.ClientStream
	cancel context.CancelFunc
}

func (s *cancelingStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	if err != nil {
		s.cancel()
	}
	return err
}
