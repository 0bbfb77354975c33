package command_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/command"
)

// TestServeHTTPSlowBody sends headers announcing a body, then the body a
// byte at a time: the server closes the connection at its read timeout.
// An idle keep-alive connection is closed at the idle timeout.
func TestServeHTTPSlowBody(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() {
		served <- command.ServeHTTP(ctx, slog.New(slog.DiscardHandler), lis, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
		}), time.Second, command.HTTPTimeouts{ReadHeader: time.Second, Read: 300 * time.Millisecond, Idle: 300 * time.Millisecond})
	}()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-served)
	})

	took := RequireSlowBodyCut(t, lis.Addr().String(), "POST /things HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
	require.GreaterOrEqual(t, took, 250*time.Millisecond, "not before the read timeout")

	conn, err := net.Dial("tcp", lis.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET /things HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	closed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, conn) // the response, then EOF at the idle timeout
		close(closed)
	}()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		select {
		case <-closed:
		default:
			c.Errorf("the idle connection is still open")
		}
	}, 5*time.Second, 20*time.Millisecond)
}

// RequireSlowBodyCut sends head to addr, then a byte of body every 50ms,
// and requires the server to close the connection within 5s. It returns
// how long the server took.
func RequireSlowBodyCut(t *testing.T, addr, head string) time.Duration {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	began := time.Now()
	_, err = io.WriteString(conn, head)
	require.NoError(t, err)
	closed := make(chan time.Duration, 1)
	go func() {
		_, _ = io.Copy(io.Discard, conn) // until the server closes it
		closed <- time.Since(began)
	}()
	var took time.Duration
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		select {
		case took = <-closed:
			return
		default:
		}
		_, err := conn.Write([]byte("x"))
		assert.Error(c, err, "the server still reads the body")
	}, 5*time.Second, 50*time.Millisecond)
	if took == 0 {
		took = <-closed
	}
	t.Logf("the server closed the connection after %s", took)
	return took
}
