package grpcserver

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// Guard decides who may call (platform/policy implements it). The server
// consults it on every call of a tdkt service, in this order:
// Authenticate (bad credentials are Unauthenticated), Allow before the
// request is read (PermissionDenied, or Unauthenticated for an anonymous
// caller), then Check of each validated request message (NotFound for
// what the caller may not see, PermissionDenied for what it may not
// change).
type Guard interface {
	Authenticate(ctx context.Context) (context.Context, error)
	Allow(ctx context.Context, method string) error
	Check(ctx context.Context, method string, req proto.Message) (context.Context, error)
}

// unguarded are the services every client may call: health and reflection.
func unguarded(method string) bool {
	return strings.HasPrefix(method, "/grpc.health.v1.Health/") ||
		strings.HasPrefix(method, "/grpc.reflection.")
}

type guardInterceptors struct{ guard Guard }

// authUnary authenticates the caller and refuses a method it may not call,
// before the request is looked at.
func (gi guardInterceptors) authUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if unguarded(info.FullMethod) {
		return handler(ctx, req)
	}
	ctx, err := gi.guard.Authenticate(ctx)
	if err != nil {
		return nil, err
	}
	if err := gi.guard.Allow(ctx, info.FullMethod); err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

// checkUnary decides the validated request: whether the caller may see
// and act on what it names.
func (gi guardInterceptors) checkUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if m, ok := req.(proto.Message); ok && !unguarded(info.FullMethod) {
		var err error
		if ctx, err = gi.guard.Check(ctx, info.FullMethod, m); err != nil {
			return nil, err
		}
	}
	return handler(ctx, req)
}

func (gi guardInterceptors) authStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if unguarded(info.FullMethod) {
		return handler(srv, ss)
	}
	ctx, err := gi.guard.Authenticate(ss.Context())
	if err != nil {
		return err
	}
	if err := gi.guard.Allow(ctx, info.FullMethod); err != nil {
		return err
	}
	return handler(srv, &guardedStream{ServerStream: ss, ctx: ctx})
}

// checkStream decides every message the client sends, after validation.
func (gi guardInterceptors) checkStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if unguarded(info.FullMethod) {
		return handler(srv, ss)
	}
	return handler(srv, &guardedStream{ServerStream: ss, ctx: ss.Context(), guard: gi.guard, method: info.FullMethod})
}

// guardedStream carries the caller in its context and, with a guard,
// checks every message the client sends (RecvMsg of the stream it wraps
// returns a validated message).
type guardedStream struct {
	grpc.ServerStream
	ctx    context.Context
	guard  Guard
	method string
}

func (s *guardedStream) Context() context.Context { return s.ctx }

func (s *guardedStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	if msg, ok := m.(proto.Message); ok && s.guard != nil {
		ctx, err := s.guard.Check(s.ctx, s.method, msg)
		if err != nil {
			return err
		}
		s.ctx = ctx
	}
	return nil
}
