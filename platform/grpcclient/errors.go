package grpcclient

import (
	"context"
	"fmt"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
)

// Failure maps the error of a call to another tdkt service (service is
// its short name, "blocs"; method the RPC): one the caller may recover
// from by trying later is a *domainerr.UnavailableError; any other (an
// InvalidArgument is our bug, an Internal theirs) is a fault of ours. Its
// text keeps the cause for the log, but it does not wrap the other
// service's status: a wrapped status would still be found by status.Code
// and errors.As and reach our caller with its code and message (a 400
// quoting another service's field names). The server answers a fault as
// Internal and logs it.
func Failure(service, method string, err error) error {
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Aborted:
		return &domainerr.UnavailableError{Service: service, Cause: fmt.Errorf("%s: %s", method, status.Code(err))}
	case codes.Canceled:
		return context.Canceled
	}
	return &callError{call: service + " " + method, cause: err.Error()}
}

// callError is a failed call that our caller cannot act on. It holds the
// text of the other service's error, not the error, so that nothing
// unwraps to its status.
type callError struct {
	call, cause string
}

func (e *callError) Error() string { return e.call + ": " + e.cause }

// NotFoundName returns the resource a NotFound status names in its
// ResourceInfo (AIP-193), as tdkt services answer a batch get naming an
// unknown resource.
func NotFoundName(err error) (string, bool) {
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.NotFound {
		return "", false
	}
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.ResourceInfo); ok {
			return ri.GetResourceName(), true
		}
	}
	return "", false
}
