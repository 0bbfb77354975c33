package server

import (
	"context"

	"github.com/tdkt-vn/tdkt/platform/rpcerr"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/domain"
)

// status maps an error to the gRPC status the client sees. An error it does
// not know is returned as it is: the server's interceptor logs its cause,
// once, with the trace id, and answers Internal with a fixed message.
func (s *Server) status(_ context.Context, err error) error {
	if st, ok := rpcerr.FromDomain(err); ok {
		return st
	}
	return err
}

// badField is InvalidArgument naming one field.
func badField(field, description string) error {
	return domain.FieldErrors{{Field: field, Description: description}}
}
