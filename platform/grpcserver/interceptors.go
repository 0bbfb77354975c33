package grpcserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"buf.build/go/protovalidate"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/rpcerr"
)

// interceptors holds what the server interceptors share.
type interceptors struct {
	logger    *slog.Logger
	validator protovalidate.Validator
	stopping  <-chan struct{}
}

// recoverUnary turns a panic into codes.Internal, logged with its stack.
func (ic interceptors) recoverUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer ic.recover(ctx, info.FullMethod, &err)
	return handler(ctx, req)
}

func (ic interceptors) recoverStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
	defer ic.recover(ss.Context(), info.FullMethod, &err)
	return handler(srv, ss)
}

func (ic interceptors) recover(ctx context.Context, method string, err *error) {
	r := recover()
	if r == nil {
		return
	}
	ic.logger.LogAttrs(ctx, slog.LevelError, "panic in gRPC handler",
		slog.String("rpc.method", method),
		slog.String("panic", fmt.Sprint(r)),
		slog.String("stack", string(debug.Stack())),
	)
	*err = rpcerr.Internal()
}

// logUnary maps the handler's error to the status the client sees
// (rpcerr.FromDomain: handlers return domain errors as they are), logs
// every call at debug level and server errors (codes Internal and Unknown,
// which includes every error nothing maps) at error level with their
// cause; the client then gets rpcerr.Internal() and nothing of the cause.
func (ic interceptors) logUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	start := time.Now()
	resp, err := handler(ctx, req)
	return resp, ic.finish(ctx, info.FullMethod, start, err)
}

func (ic interceptors) logStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	start := time.Now()
	ctx := context.WithValue(withLogger(ss.Context(), ic.logger), stoppingKey{}, ic.stopping)
	err := handler(srv, loggingStream{ServerStream: ss, ctx: ctx})
	return ic.finish(ss.Context(), info.FullMethod, start, err)
}

func (ic interceptors) finish(ctx context.Context, method string, start time.Time, err error) error {
	cause := err
	// An error nothing maps, a status wrapped in it included (a call to
	// another service), is a fault of ours: Internal, its cause logged.
	// Success skips the mapping, which allocates its targets.
	code := codes.OK
	if err != nil {
		code = codes.Internal
		if st, ok := rpcerr.FromDomain(contextStatus(err)); ok {
			err, code = st, status.Code(st)
		}
	}
	level, msg, out := slog.LevelDebug, "gRPC call", err
	switch code {
	case codes.Internal, codes.Unknown:
		level, msg, out = slog.LevelError, "gRPC call failed", rpcerr.Internal()
	case codes.Unavailable:
		// A dependency is down: worth a line, since the client sees only
		// that it may retry.
		level, msg = slog.LevelWarn, "gRPC call failed"
	}
	if !ic.logger.Enabled(ctx, level) {
		return out // the line is not built only to be dropped
	}
	attrs := []slog.Attr{
		slog.String("rpc.method", method),
		slog.String("rpc.code", code.String()),
		slog.Duration("duration", time.Since(start)),
	}
	if level > slog.LevelDebug {
		attrs = append(attrs, slog.String("error", cause.Error()))
	}
	ic.logger.LogAttrs(ctx, level, msg, attrs...)
	return out
}

type stoppingKey struct{}

// Stopping returns a channel closed when the server of a stream's context
// begins to shut down. A stream that would otherwise never end (a watch)
// ends then, so that the graceful stop need not wait for it; the client
// resumes elsewhere.
func Stopping(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(stoppingKey{}).(<-chan struct{})
	return ch
}

// loggingStream carries the server's logger, and its Stopping channel, in
// its context.
type loggingStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s loggingStream) Context() context.Context { return s.ctx }

// contextStatus gives a bare context error the matching status code
// (Canceled, DeadlineExceeded) instead of Unknown.
func contextStatus(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return status.FromContextError(err).Err()
	}
	return err
}

// validateUnary checks the request against its protovalidate rules.
func (ic interceptors) validateUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := ic.validate(req); err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

// validateStream checks every message the client sends on the stream.
func (ic interceptors) validateStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	return handler(srv, validatingStream{ServerStream: ss, ic: ic})
}

type validatingStream struct {
	grpc.ServerStream
	ic interceptors
}

func (s validatingStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return s.ic.validate(m)
}

// validate returns an InvalidArgument status for a message the codec could
// not decode (see requestCodec) and for rule violations, and a plain error
// (logged and answered as Internal) when rules cannot be evaluated.
func (ic interceptors) validate(m any) error {
	msg, ok := m.(proto.Message)
	if !ok {
		return nil
	}
	if v, ok := decodeError(msg); ok {
		return rpcerr.InvalidArgument(v)
	}
	err := ic.validator.Validate(msg)
	if err == nil {
		return nil
	}
	if st, ok := rpcerr.FromValidation(err, msg.ProtoReflect().Descriptor()); ok {
		return st
	}
	return fmt.Errorf("validate %s: %w", msg.ProtoReflect().Descriptor().FullName(), err)
}
