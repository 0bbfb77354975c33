// Package redistest gives cache tests a Redis: the shared test server named by
// TDKT_TEST_REDIS_ADDR (Addr, Prefix), or a redis-server of their own that they
// can stop and start (StartServer).
//
// Without a Redis the tests skip, unless TDKT_TEST_REQUIRE_SERVICES=1, which
// makes that a failure.
package redistest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Environment variables read by this package.
const (
	AddrEnv            = "TDKT_TEST_REDIS_ADDR"
	RequireServicesEnv = "TDKT_TEST_REQUIRE_SERVICES"
)

// unavailable skips the test, or fails it when services are required.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(RequireServicesEnv) == "1" {
		t.Fatalf(format+" (and "+RequireServicesEnv+"=1)", args...)
	}
	t.Skipf(format, args...)
}

// Addr returns the address of the shared test Redis (TDKT_TEST_REDIS_ADDR).
// Tests share its keyspace: use Prefix for keys of their own.
func Addr(t testing.TB) string {
	t.Helper()
	addr := os.Getenv(AddrEnv)
	if addr == "" {
		unavailable(t, "%s is not set", AddrEnv)
	}
	return addr
}

// Prefix returns a key prefix unique to this call, and deletes the keys that
// start with it from the Redis at addr when t ends.
func Prefix(t testing.TB, addr string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "tdkt-test:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		// Not t.Context(): it is cancelled before cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		client := redis.NewClient(&redis.Options{Addr: addr})
		defer client.Close()
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Logf("redistest: scan %s*: %v", prefix, err)
			return
		}
		if len(keys) > 0 {
			if err := client.Del(ctx, keys...).Err(); err != nil {
				t.Logf("redistest: delete %s*: %v", prefix, err)
			}
		}
	})
	return prefix
}

// Server is a redis-server started for one test, on a loopback port that stays
// the same across Stop and Start. Like a Redis with persistence, it keeps its
// data across Stop and Start (Stop saves a snapshot, Start loads it), so a
// test can see what an outage leaves behind.
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// StartServer starts a redis-server (from PATH) and stops it when t ends. It
// skips the test when there is no redis-server, unless services are required.
func StartServer(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		unavailable(t, "redis-server is not on PATH")
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir(), port: freePort(t)}
	t.Cleanup(s.Stop)
	s.Start()
	return s
}

// Addr returns the server's host:port.
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// Start starts the server again after Stop (a no-op while it runs) and returns
// once it answers PING.
func (s *Server) Start() {
	s.t.Helper()
	if s.cmd != nil {
		return
	}
	logFile := filepath.Join(s.dir, "redis.log")
	cmd := exec.Command(s.bin,
		"--bind", "127.0.0.1", "--port", strconv.Itoa(s.port),
		"--save", "", "--appendonly", "no", "--daemonize", "no",
		"--dir", s.dir, "--logfile", logFile)
	require.NoError(s.t, cmd.Start(), "start redis-server")
	s.cmd = cmd
	s.done = make(chan struct{})
	done := s.done
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	exited := func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
	ok := assert.EventuallyWithT(s.t, func(c *assert.CollectT) {
		if !exited() { // a server that exited will not answer: stop waiting
			assert.NoError(c, ping(s.Addr()))
		}
	}, 10*time.Second, 20*time.Millisecond, "redis-server on %s does not answer", s.Addr())
	if !ok || exited() {
		log, _ := os.ReadFile(logFile)
		s.Stop()
		s.t.Fatalf("redis-server on %s did not start; its log:\n%s", s.Addr(), log)
	}
}

// Stop saves the data, stops the server and waits for it to exit. A no-op
// when stopped.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGCONT) // in case it is paused
	if err := command(s.Addr(), "SAVE", "+OK", 10*time.Second); err != nil {
		s.t.Logf("redistest: SAVE before stopping %s: %v", s.Addr(), err)
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// Pause freezes the server (SIGSTOP): connections stay open and new ones
// are accepted by the kernel, but nothing is answered, like a Redis that
// hangs. Resume undoes it; Stop resumes a paused server first.
func (s *Server) Pause() {
	s.t.Helper()
	require.NotNil(s.t, s.cmd, "redis-server on %s is not running", s.Addr())
	require.NoError(s.t, s.cmd.Process.Signal(syscall.SIGSTOP))
}

// Resume lets a paused server answer again (SIGCONT).
func (s *Server) Resume() {
	s.t.Helper()
	require.NotNil(s.t, s.cmd, "redis-server on %s is not running", s.Addr())
	require.NoError(s.t, s.cmd.Process.Signal(syscall.SIGCONT))
}

// ping sends PING over a new connection and expects +PONG.
func ping(addr string) error { return command(addr, "PING", "+PONG", time.Second) }

// command sends cmd (an inline command) over a new connection and expects a
// reply line starting with want within timeout.
func command(addr, cmd, want string, timeout time.Duration) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	if _, err := conn.Write([]byte(cmd + "\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, want) {
		return &net.AddrError{Err: "unexpected reply " + strconv.Quote(line), Addr: addr}
	}
	return nil
}

// freePort returns a loopback port that was free a moment ago. redis-server
// takes a port number, not a listener, so the port is probed and released.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}
