// Package e2e tests tdkt as it is deployed: blocs, honours and the gateway
// built from their commands and run as separate processes, talking over
// loopback, killed and restarted like real ones. Every process believes a
// dev OpenID Connect issuer the test runs in its own process.
package e2e

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
)

// bin holds the binaries TestMain builds.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tdkt-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = dir
	build := exec.Command("go", "build", "-o", dir+string(os.PathSeparator),
		"./services/blocs/cmd/blocs", "./services/honours/cmd/honours", "./services/movements/cmd/movements",
		"./services/nominations/cmd/nominations", "./gateway/cmd/gateway")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// process is a running command of tdkt.
type process struct {
	name   string
	cmd    *exec.Cmd
	addr   string // what it serves on, from its "serving …" log line
	exited chan struct{}
	logs   *lines
}

// lines keeps a process's log lines for a failing test to show.
type lines struct {
	mu  sync.Mutex
	all []string
}

func (l *lines) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, s)
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.all, "\n")
}

// start runs the command name with env and waits until it logs the address
// it serves (msg "serving gRPC" or "serving HTTP"). It is killed when the
// test ends.
func start(t *testing.T, name string, env ...string) *process {
	t.Helper()
	cmd := exec.Command(filepath.Join(bin, name))
	cmd.Env = append(os.Environ(), "TDKT_LOG_FORMAT=json", "TDKT_LOG_LEVEL=info", "TDKT_METRICS_ADDR=",
		"TDKT_REDIS_ADDR=", "OTEL_TRACES_EXPORTER=none", "TDKT_SHUTDOWN_TIMEOUT=2s")
	cmd.Env = append(cmd.Env, env...)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &process{name: name, cmd: cmd, exited: make(chan struct{}), logs: &lines{}}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.logs.add(sc.Text())
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && (line.Msg == "serving gRPC" || line.Msg == "serving HTTP") {
				select {
				case addr <- line.Addr:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	go func() { _ = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("%s logs:\n%s", name, p.logs)
		}
	})
	select {
	case p.addr = <-addr:
	case <-p.exited:
		t.Fatalf("%s exited before serving: %v\n%s", name, cmd.ProcessState, p.logs)
	case <-time.After(time.Minute):
		t.Fatalf("%s did not start within a minute\n%s", name, p.logs)
	}
	return p
}

// kill sends SIGKILL and waits for the process to die.
func (p *process) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// system is blocs, honours and the gateway as three processes, and the
// issuer they believe.
type system struct {
	issuer    *devissuer.Issuer
	admin     string // a central administrator's token, which call sends
	dir       string
	redis     string // Redis address, or "" for in-process caches
	blocs     *process
	honours   *process
	movements *process
	// nominations is the nominations process.
	nominations *process
	gateway     *process
	blocsURL    string // the address blocs keeps across restarts
	// honoursURL and nominationsURL are the addresses honours and
	// nominations keep across restarts.
	honoursURL, nominationsURL string
}

// redisDB is the Redis database the processes cache in, apart from those of
// the other tests.
const redisDB = 9

// redisEnv is the cache settings of a process.
func (s *system) redisEnv() []string {
	return []string{"TDKT_REDIS_ADDR=" + s.redis, fmt.Sprintf("TDKT_REDIS_DB=%d", redisDB)}
}

// startBlocs starts blocs on its database in s.dir, on the address it had
// before when there was one.
func (s *system) startBlocs(t *testing.T) {
	t.Helper()
	addr := s.blocsURL
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s.blocs = start(t, "blocs", append(s.redisEnv(), "TDKT_OIDC_ISSUER="+s.issuer.URL(), "TDKT_DATABASE_URL=sqlite:"+filepath.Join(s.dir, "blocs.db"),
		"TDKT_GRPC_ADDR="+addr, "TDKT_PAGE_TOKEN_KEY=e2e-blocs-page-token-key")...)
	s.blocsURL = s.blocs.addr
}

// startHonours starts honours, calling blocs at blocsAddr, on the address
// it had before when there was one.
func (s *system) startHonours(t *testing.T, blocsAddr string) {
	t.Helper()
	s.honours = start(t, "honours", append(s.redisEnv(), "TDKT_OIDC_ISSUER="+s.issuer.URL(), "TDKT_DATABASE_URL=sqlite:"+filepath.Join(s.dir, "honours.db"),
		"TDKT_GRPC_ADDR="+cmp.Or(s.honoursURL, "127.0.0.1:0"), "TDKT_BLOCS_ADDR="+blocsAddr, "TDKT_PAGE_TOKEN_KEY=e2e-honours-page-token-key",
		"TDKT_RECIPIENT_KEY_SECRET="+recipientKeySecret)...)
	s.honoursURL = s.honours.addr
}

// startMovements starts movements, calling blocs at blocsAddr and honours
// at honoursAddr.
func (s *system) startMovements(t *testing.T, blocsAddr, honoursAddr string) {
	t.Helper()
	s.movements = start(t, "movements", append(s.redisEnv(), "TDKT_OIDC_ISSUER="+s.issuer.URL(), "TDKT_DATABASE_URL=sqlite:"+filepath.Join(s.dir, "movements.db"),
		"TDKT_GRPC_ADDR=127.0.0.1:0", "TDKT_BLOCS_ADDR="+blocsAddr, "TDKT_HONOURS_ADDR="+honoursAddr,
		"TDKT_PAGE_TOKEN_KEY=e2e-movements-page-token-key")...)
}

// startNominations starts nominations, calling blocs at blocsAddr and
// honours where it is, with honours' personal data keys and a client of
// its own at the issuer.
func (s *system) startNominations(t *testing.T, blocsAddr string) {
	t.Helper()
	s.nominations = start(t, "nominations", append(s.redisEnv(), "TDKT_OIDC_ISSUER="+s.issuer.URL(), "TDKT_DATABASE_URL=sqlite:"+filepath.Join(s.dir, "nominations.db"),
		"TDKT_GRPC_ADDR="+cmp.Or(s.nominationsURL, "127.0.0.1:0"), "TDKT_BLOCS_ADDR="+blocsAddr, "TDKT_HONOURS_ADDR="+s.honoursURL,
		"TDKT_PAGE_TOKEN_KEY=e2e-nominations-page-token-key", "TDKT_RECIPIENT_KEY_SECRET="+recipientKeySecret,
		"TDKT_CLIENT_ID="+nominationsClient.ID, "TDKT_CLIENT_SECRET="+nominationsClient.Secret)...)
	s.nominationsURL = s.nominations.addr
}

// nominationsClient is the nominations service's own identity at the
// issuer.
var nominationsClient = devissuer.Client{ID: "tdkt-nominations", Secret: "e2e nominations client secret",
	Grants: []auth.Grant{{Unit: devissuer.CentralUnit, Roles: []auth.Role{auth.CentralAdmin}}}}

// recipientKeySecret keys the recipient keys of honours and nominations.
const recipientKeySecret = "ZTJlIGhvbm91cnMgcmVjaXBpZW50IGtleSBzZWNyZXQhIQ=="

// startGateway starts the gateway in front of the services.
func (s *system) startGateway(t *testing.T, blocsAddr string) {
	t.Helper()
	s.gateway = start(t, "gateway", "TDKT_OIDC_ISSUER="+s.issuer.URL(), "TDKT_HTTP_ADDR=127.0.0.1:0",
		"TDKT_BLOCS_ADDR="+blocsAddr, "TDKT_HONOURS_ADDR="+s.honours.addr, "TDKT_MOVEMENTS_ADDR="+s.movements.addr,
		"TDKT_NOMINATIONS_ADDR="+s.nominations.addr)
}

// admin is the caller of system.call: a central administrator.
var admin = &auth.Caller{Subject: "e2e-admin", Method: auth.MethodBearer,
	Grants: []auth.Grant{{Unit: devissuer.CentralUnit, Roles: []auth.Role{auth.CentralAdmin}}}}

// newSystem starts the issuer, then the three processes, each on a
// database of its own.
func newSystem(t *testing.T, redis string) *system {
	t.Helper()
	iss, err := devissuer.Start(t.Context(), "127.0.0.1:0", devissuer.Options{Clients: []devissuer.Client{nominationsClient}})
	require.NoError(t, err)
	s := &system{issuer: iss, admin: iss.Token(admin, 0), dir: t.TempDir(), redis: redis}
	s.startBlocs(t)
	s.startHonours(t, s.blocsURL)
	s.startMovements(t, s.blocsURL, s.honours.addr)
	s.startNominations(t, s.blocsURL)
	s.startGateway(t, s.blocsURL)
	return s
}

// token returns a bearer token of c from the issuer the processes believe.
func (s *system) token(_ testing.TB, c *auth.Caller) string { return s.issuer.Token(c, 0) }

// call makes a REST call to the gateway as a central administrator and
// returns the status and body.
func (s *system) call(t require.TestingT, method, path string, body any) (int, []byte) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, "http://"+s.gateway.addr+path, rd)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+s.admin)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

// ok makes a REST call that must succeed and decodes its JSON answer into
// out (nil: ignored).
func (s *system) ok(t require.TestingT, method, path string, body, out any) {
	code, b := s.call(t, method, path, body)
	require.Equal(t, http.StatusOK, code, "%s %s: %s", method, path, b)
	if out != nil {
		require.NoError(t, json.Unmarshal(b, out), "%s", b)
	}
}
