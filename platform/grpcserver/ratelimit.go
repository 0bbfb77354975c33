package grpcserver

import (
	"context"
	"net"
	"net/netip"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/ratelimit"
	"github.com/tdkt-vn/tdkt/platform/rpcerr"
)

// forwardedForKey is the metadata the gateway (grpc-gateway) names the
// HTTP client's address in.
const forwardedForKey = "x-forwarded-for"

// rateLimiter refuses a call whose caller is over its rate limit with
// RESOURCE_EXHAUSTED and a RetryInfo. It sits after authentication, so
// that its key is the authenticated caller; health and reflection are not
// limited.
type rateLimiter struct{ lim *ratelimit.Limiter }

func (rl rateLimiter) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := rl.allow(ctx, info.FullMethod); err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

func (rl rateLimiter) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if err := rl.allow(ss.Context(), info.FullMethod); err != nil {
		return err
	}
	return handler(srv, ss)
}

func (rl rateLimiter) allow(ctx context.Context, method string) error {
	if unguarded(method) {
		return nil
	}
	c := auth.FromContext(ctx)
	var key string
	if c.IsAnonymous() {
		key = ratelimit.AddrKey(rl.client(ctx))
	} else {
		key = ratelimit.Key(c, netip.Addr{})
	}
	if ok, retry := rl.lim.Allow(key); !ok {
		return rpcerr.RateLimited(retry)
	}
	return nil
}

// client is the address of the call's client: its peer, or the address a
// trusted proxy names.
func (rl rateLimiter) client(ctx context.Context) netip.Addr {
	var a netip.Addr
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		if tcp, ok := p.Addr.(*net.TCPAddr); ok {
			a, _ = netip.AddrFromSlice(tcp.IP)
		} else {
			a = ratelimit.ParseAddr(p.Addr.String())
		}
	}
	return rl.lim.Client(a, metadata.ValueFromIncomingContext(ctx, forwardedForKey))
}
