package grpcserver

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/rpcerr"
)

// ReceiveItems serves a client stream of independent items, such as an
// import: it reads the messages until the client closes the stream and runs
// fn on each, in order. Each item's outcome goes to done with its index:
// fn's result and an OK status, or the status of its failure, mapped as
// the server maps a handler's error (an unmapped error is logged here with
// the item's index and becomes Internal). A message the server's validator
// refused gets its InvalidArgument without fn running. The stream goes on
// after a failed item; an error reading it ends it.
func ReceiveItems[M any, PM interface {
	*M
	proto.Message
}, R any](stream grpc.ServerStream, fn func(ctx context.Context, item PM) (R, error), done func(index int32, item PM, result R, st *status.Status)) error {
	ctx := stream.Context()
	for index := int32(0); ; index++ {
		item := PM(new(M))
		err := stream.RecvMsg(item)
		if errors.Is(err, io.EOF) {
			return nil
		}
		var result R
		switch {
		case status.Code(err) == codes.InvalidArgument:
			// The validator refused this item; the message itself was
			// read, so the stream goes on.
		case err != nil:
			return err
		default:
			result, err = fn(ctx, item)
		}
		done(index, item, result, itemStatus(ctx, index, err))
	}
}

// itemStatus is the status of one item's error.
func itemStatus(ctx context.Context, index int32, err error) *status.Status {
	if st, ok := rpcerr.FromDomain(err); ok {
		err = st
	}
	st := status.Convert(contextStatus(err))
	if st.Code() == codes.Internal || st.Code() == codes.Unknown {
		loggerFrom(ctx).LogAttrs(ctx, slog.LevelError, "stream item failed",
			slog.Int("item.index", int(index)), slog.String("error", err.Error()))
		return status.Convert(rpcerr.Internal())
	}
	return st
}

type loggerKey struct{}

// withLogger keeps the server's logger in a call's context, for the
// helpers handlers call.
func withLogger(ctx context.Context, log *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, log)
}

func loggerFrom(ctx context.Context) *slog.Logger {
	if log, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return log
	}
	return slog.Default()
}
