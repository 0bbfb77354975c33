package blocsclient

import (
	"context"
	"errors"

	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

// Start is how a service that follows the units of blocs begins: it dials
// blocs at addr (lazily: a blocs that is down is followed once it is
// back, and meanwhile only what needs units waits for it), and follows its
// units until release is called (a seam's Close), which also closes the
// connection. The connection serves the service's other calls to blocs.
func Start(ctx context.Context, addr string, tel *telemetry.Telemetry) (units *Client, conn *grpc.ClientConn, release func() error, err error) {
	if addr == "" {
		return nil, nil, nil, errors.New("the blocs address is required")
	}
	conn, err = grpcclient.Dial(addr, grpcclient.Options{Telemetry: tel})
	if err != nil {
		return nil, nil, nil, err
	}
	units = New(conn, tel.Logger)
	stop := Follow(ctx, units)
	return units, conn, func() error { stop(); return conn.Close() }, nil
}
