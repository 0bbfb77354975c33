package grpctest

import (
	"context"

	"google.golang.org/grpc"
)

// InvokeRaw calls fullMethod ("/tdkt.movements.v1.MovementsService/
// CreateMovement") on conn with raw as the request message, byte for byte,
// and discards the response. It sends what a generated client refuses to,
// such as strings of invalid UTF-8, to test what the server makes of them.
func InvokeRaw(ctx context.Context, conn grpc.ClientConnInterface, fullMethod string, raw []byte) error {
	var out []byte
	return conn.Invoke(ctx, fullMethod, raw, &out, grpc.ForceCodec(rawCodec{}))
}

// rawCodec sends []byte as the message as it is and receives into *[]byte.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return v.([]byte), nil }

func (rawCodec) Unmarshal(data []byte, v any) error {
	*v.(*[]byte) = data
	return nil
}

func (rawCodec) Name() string { return "proto" }
