package grpcserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"

	"github.com/tdkt-vn/tdkt/platform/rpcerr"
)

// Bounds of a client stream of items, unless a call sets its own.
const (
	// DefaultMaxItems is the most items one stream takes. An import of more
	// is sent as several streams.
	DefaultMaxItems = 10_000
	// DefaultItemIdleTimeout is the longest wait for the next message.
	DefaultItemIdleTimeout = 30 * time.Second
	// DefaultItemStreamTimeout is the longest a stream may last, from its
	// first wait to its last item.
	DefaultItemStreamTimeout = 15 * time.Minute
)

// ErrorInfo reasons of a stream of items that ReceiveItems ended.
const (
	ReasonTooManyItems  = "STREAM_TOO_MANY_ITEMS"
	ReasonStreamIdle    = "STREAM_IDLE"
	ReasonStreamTooLong = "STREAM_TOO_LONG"
)

// ItemsOption changes a bound of one ReceiveItems call.
type ItemsOption func(*itemBounds)

type itemBounds struct {
	maxItems    int
	idle, total time.Duration
}

// MaxItems sets the most items the stream takes (n > 0).
func MaxItems(n int) ItemsOption { return func(b *itemBounds) { b.maxItems = n } }

// ItemIdleTimeout sets the longest wait for the next message (d > 0).
func ItemIdleTimeout(d time.Duration) ItemsOption { return func(b *itemBounds) { b.idle = d } }

// ItemStreamTimeout sets the longest the stream may last (d > 0).
func ItemStreamTimeout(d time.Duration) ItemsOption { return func(b *itemBounds) { b.total = d } }

// ReceiveItems serves a client stream of independent items, such as an
// import: it reads the messages until the client closes the stream and runs
// fn on each, in order. Each item's outcome goes to done with its index:
// fn's result and an OK status, or the status of its failure, mapped as
// the server maps a handler's error (an unmapped error is logged here with
// the item's index and becomes Internal). A message the server's validator
// refused gets its InvalidArgument without fn running. The stream goes on
// after a failed item; an error reading it ends it.
//
// The stream is bounded (DefaultMaxItems, DefaultItemIdleTimeout,
// DefaultItemStreamTimeout; opts change them). Past a bound ReceiveItems
// stops reading and returns a status error whose ErrorInfo names the bound
// and says how many items were done (metadata "items_done"):
//   - a message beyond the most items: ResourceExhausted, reason
//     ReasonTooManyItems; that message and the ones after it are not read;
//   - no message within the idle timeout: DeadlineExceeded, reason
//     ReasonStreamIdle;
//   - the stream lasting longer than its timeout: DeadlineExceeded, reason
//     ReasonStreamTooLong (fn's context ends then too).
//
// Every item done before was done and reported to done; the handler can
// answer them with WithPartialResponse.
func ReceiveItems[M any, PM interface {
	*M
	proto.Message
}, R any](stream grpc.ServerStream, fn func(ctx context.Context, item PM) (R, error), done func(index int32, item PM, result R, st *status.Status), opts ...ItemsOption) error {
	b := itemBounds{maxItems: DefaultMaxItems, idle: DefaultItemIdleTimeout, total: DefaultItemStreamTimeout}
	for _, o := range opts {
		o(&b)
	}
	ctx, cancel := context.WithTimeoutCause(stream.Context(), b.total, errStreamTooLong)
	defer cancel()
	idle := time.NewTimer(b.idle)
	defer idle.Stop()
	// One receive runs at a time, in its own goroutine, so that a wait can
	// end at a deadline; a receive left blocked ends with the stream.
	type received struct {
		item PM
		err  error
	}
	next := make(chan received, 1)
	for index := int32(0); ; index++ {
		if errors.Is(context.Cause(ctx), errStreamTooLong) {
			return tooLong(b.total, index)
		}
		go func() {
			item := PM(new(M))
			next <- received{item, stream.RecvMsg(item)}
		}()
		idle.Reset(b.idle)
		var r received
		select {
		case r = <-next:
		case <-idle.C:
			return streamBound(codes.DeadlineExceeded, ReasonStreamIdle, index,
				fmt.Sprintf("no message for %s: the stream was idle too long", b.idle))
		case <-ctx.Done():
			if errors.Is(context.Cause(ctx), errStreamTooLong) {
				return tooLong(b.total, index)
			}
			return contextStatus(ctx.Err())
		}
		if errors.Is(r.err, io.EOF) {
			return nil
		}
		read := r.err == nil || status.Code(r.err) == codes.InvalidArgument // a message, valid or not
		if read && int(index) >= b.maxItems {
			return streamBound(codes.ResourceExhausted, ReasonTooManyItems, index,
				fmt.Sprintf("a stream takes at most %d items: the first %d were done, send the rest in another stream", b.maxItems, index))
		}
		var result R
		err := r.err
		switch {
		case status.Code(err) == codes.InvalidArgument:
			// The validator refused this item; the message itself was
			// read, so the stream goes on.
		case err != nil:
			return err
		default:
			result, err = fn(ctx, r.item)
		}
		done(index, r.item, result, itemStatus(ctx, index, err))
	}
}

var errStreamTooLong = errors.New("the stream lasted too long")

func tooLong(total time.Duration, done int32) error {
	return streamBound(codes.DeadlineExceeded, ReasonStreamTooLong, done,
		fmt.Sprintf("a stream may last at most %s: the first %d items were done, send the rest in another stream", total, done))
}

// streamBound is the error of a stream ended at a bound after done items.
func streamBound(code codes.Code, reason string, done int32, msg string) error {
	st, err := status.New(code, msg).WithDetails(&errdetails.ErrorInfo{
		Reason: reason, Domain: rpcerr.Domain,
		Metadata: map[string]string{"items_done": strconv.Itoa(int(done))},
	})
	if err != nil {
		return status.Error(code, msg)
	}
	return st.Err()
}

// WithPartialResponse adds resp, the answer for the items done, to the
// details of err when err is a bound ReceiveItems ended the stream at;
// other errors are returned as they are. A client reads it from the
// status's details.
func WithPartialResponse(err error, resp proto.Message) error {
	st, ok := status.FromError(err)
	if !ok || StreamBound(err) == "" {
		return err
	}
	withResp, werr := st.WithDetails(protoadapt.MessageV1Of(resp))
	if werr != nil {
		return err
	}
	return withResp.Err()
}

// StreamBound is the reason (ReasonTooManyItems, ReasonStreamIdle,
// ReasonStreamTooLong) of an error ReceiveItems returned at a bound, or ""
// for any other error.
func StreamBound(err error) string {
	st, ok := status.FromError(err)
	if !ok {
		return ""
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetDomain() == rpcerr.Domain {
			switch info.GetReason() {
			case ReasonTooManyItems, ReasonStreamIdle, ReasonStreamTooLong:
				return info.GetReason()
			}
		}
	}
	return ""
}

// itemStatus is the status of one item's error.
func itemStatus(ctx context.Context, index int32, err error) *status.Status {
	st := status.New(codes.Internal, "")
	if mapped, ok := rpcerr.FromDomain(contextStatus(err)); ok {
		st = status.Convert(mapped)
	}
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
