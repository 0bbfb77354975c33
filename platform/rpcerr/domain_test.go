package rpcerr_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/rpcerr"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
)

func TestFromDomain(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code codes.Code
	}{
		{domainerr.Field("unit.kind", "is required"), codes.InvalidArgument},
		{fmt.Errorf("wrapped: %w", domainerr.FieldErrors{{Field: "a", Description: "b"}}), codes.InvalidArgument},
		{domainerr.Rule("NOT_A_MEMBER", "units/a", "no"), codes.FailedPrecondition},
		{&domainerr.NotFoundError{Name: "units/a"}, codes.NotFound},
		{&domainerr.ExistsError{Name: "units/a"}, codes.AlreadyExists},
		{domainerr.ErrStaleEtag, codes.Aborted},
		{pagetoken.ErrNegativeSize, codes.InvalidArgument},
		{pagetoken.ErrInvalidToken, codes.InvalidArgument},
		{sqlstore.ErrRequestReused, codes.AlreadyExists},
		{context.Canceled, codes.Canceled},
		{context.DeadlineExceeded, codes.DeadlineExceeded},
	} {
		st, ok := rpcerr.FromDomain(tc.err)
		require.True(t, ok, "%v", tc.err)
		require.Equal(t, tc.code, status.Code(st), "%v", tc.err)
	}
	_, ok := rpcerr.FromDomain(errors.New("disk on fire"))
	require.False(t, ok, "unknown errors are left to the caller")
}
