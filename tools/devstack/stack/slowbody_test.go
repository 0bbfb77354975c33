package stack_test

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/command"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// TestSlowBodyCut sends the gateway headers announcing a body, then the
// body a byte at a time: devstack's server, cmd/gateway's, closes the
// connection at its read timeout.
func TestSlowBodyCut(t *testing.T) {
	const read = 300 * time.Millisecond
	s := stacktest.Start(t, func(o *stack.Options) {
		o.HTTPTimeouts = command.HTTPTimeouts{ReadHeader: time.Second, Read: read, Idle: time.Second}
	})
	addr := strings.TrimPrefix(s.BaseURL, "http://")
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	began := time.Now()
	_, err = io.WriteString(conn, "POST /v1/units?unitId=u HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
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
		_, err := conn.Write([]byte(" "))
		assert.Error(c, err, "the server still reads the body")
	}, 10*time.Second, 50*time.Millisecond)
	if took == 0 {
		took = <-closed
	}
	t.Logf("the server closed the connection after %s", took)
	require.GreaterOrEqual(t, took, read-50*time.Millisecond, "not before the read timeout")
}
