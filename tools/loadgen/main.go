// Command loadgen is the benchmark behind `make bench`. It measures how fast
// the REST edge serves a cached read, GET /v1/units/{unit} (blocs GetUnit)
// with a bearer token, against the fastest thing the same stack of
// libraries can do: a bare grpc-gateway mux in front of a bare gRPC server
// whose Echo method only answers. The target from the issue is GetUnit at
// 70% or more of the echo's throughput.
//
// Everything runs in this one process on loopback: the real system (the dev
// OpenID Connect issuer, the blocs service over real gRPC, the gateway's
// real handler on a real HTTP listener, SQLite in a temporary directory, the
// in-process cache or Redis with -redis), the baseline, and a closed-loop
// load generator. Its -c workers share one keep-alive HTTP client. GetUnit
// is called with one token, as a signed-in console does: the gateway and
// blocs each verify it (once, then from their cache of verified tokens) and
// count the call against the caller's rate limit, set too high to refuse
// anything. Each round measures both targets, one after the other, each
// after a warm-up; the order alternates between rounds so that the
// machine's noise falls on both.
//
// Then (unless -rss=false) it runs blocs, honours, movements and the
// gateway each in a process of its own and puts the GetUnit load on them,
// to report the peak resident set of each (see measureRSS). Speed is
// reported, not asserted: the exit status is non-zero only when requests
// failed or a process went over the memory limit.
package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tdkt-vn/tdkt/tools/internal/procstat"

	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/platform/ratelimit"
	benchmarkv1 "github.com/tdkt-vn/tdkt/proto/tdkt/benchmark/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack"
)

// The unit GetUnit reads.
const unitID = "bench-unit"

// options are the command's flags.
type options struct {
	workers    int
	duration   time.Duration
	warmup     time.Duration
	rounds     int
	max        int64
	redis      string
	cpuprofile string
	memprofile string
	rss        bool
	memLimit   string
}

func main() {
	if err := mainErr(); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func mainErr() error {
	var o options
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.IntVar(&o.workers, "c", 16, "concurrent workers (closed loop: each sends its next request when the previous one is answered)")
	fs.DurationVar(&o.duration, "d", 10*time.Second, "measured duration per target and round")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured warm-up before each measured phase")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds; each measures both targets, in alternating order")
	fs.Int64Var(&o.max, "max", 10_000_000, "at most this many requests per phase (0: no limit)")
	fs.StringVar(&o.redis, "redis", "", "Redis host:port for the blocs cache; empty means the in-process cache")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write CPU profiles of the first round to PREFIX.echo.pprof and PREFIX.GetUnit.pprof")
	fs.BoolVar(&o.rss, "rss", true, "then run blocs, honours, movements and the gateway each in a process of its own under the same load, and report the peak resident set of each")
	fs.StringVar(&o.memLimit, "gomemlimit", "100MiB", "GOMEMLIMIT of those processes, as docker-compose.yml sets it; empty for none")
	fs.StringVar(&o.memprofile, "memprofile", "", "write allocation profiles of the first round to PREFIX.echo.pprof and PREFIX.GetUnit.pprof")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return err
	}
	if o.workers < 1 || o.rounds < 1 || o.duration <= 0 || o.warmup < 0 {
		return errors.New("-c and -rounds must be at least 1, -d positive and -warmup not negative")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	client := &http.Client{
		Timeout: 10 * time.Second, // a stuck request fails rather than hangs the run
		Transport: &http.Transport{
			// One kept-alive connection per worker and target, never more.
			MaxIdleConns:        0, // no limit on the total
			MaxIdleConnsPerHost: o.workers,
			MaxConnsPerHost:     o.workers,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		},
	}
	defer client.CloseIdleConnections()

	unitURL, token, stop, err := startSystem(ctx, o, client)
	if err != nil {
		return err
	}
	stopSystem := sync.OnceFunc(stop)
	defer stopSystem()
	echoURL, stop, err := startBaseline(ctx)
	if err != nil {
		return err
	}
	stopBaseline := sync.OnceFunc(stop)
	defer stopBaseline()

	err = measure(ctx, o, client, []target{
		{name: "echo", what: "bare grpc-gateway + gRPC", url: echoURL},
		{name: "GetUnit", what: "tdkt gateway + blocs, cached", url: unitURL,
			header: http.Header{"Authorization": {"Bearer " + token}}},
	})
	if err != nil || !o.rss {
		return err
	}
	// The in-process system is done with: its memory is not the processes'.
	stopBaseline()
	stopSystem()
	return measureRSS(ctx, o, client)
}

// target is one URL under load and what was measured on it.
type target struct {
	name, what, url string
	header          http.Header // sent with every request; nil: none
	total           result
}

// measure runs the rounds and prints the report.
func measure(ctx context.Context, o options, client *http.Client, targets []target) error {
	cache := "in-process"
	if o.redis != "" {
		cache = "Redis at " + o.redis
	}
	fmt.Printf("go: %s %s/%s, GOMAXPROCS=%d, CPU: %s (%d logical)\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), cpuModel(), runtime.NumCPU())
	traces := "not exported (OTEL_TRACES_EXPORTER unset)"
	if e := os.Getenv("OTEL_TRACES_EXPORTER"); e != "" {
		traces = "OTEL_TRACES_EXPORTER=" + e
	}
	fmt.Printf("system: cache %s, SQLite, traces %s, logs at warn; GetUnit with a bearer token (ES256), rate limits on\n", cache, traces)
	fmt.Printf("load: %d workers, closed loop, keep-alive; %d rounds of %s per target after %s warm-up, alternating\n\n",
		o.workers, o.rounds, o.duration, o.warmup)

	var ratios []float64 // GetUnit/echo of each round
	for round := range o.rounds {
		fmt.Printf("round %d/%d:", round+1, o.rounds)
		rps := make([]float64, len(targets))
		for i := range targets {
			// Round 1 goes in order, round 2 backwards, and so on.
			k := i
			if round%2 == 1 {
				k = len(targets) - 1 - i
			}
			t := &targets[k]
			runtime.GC() // the previous phase's garbage is not this one's cost
			if o.warmup > 0 {
				if _, err := run(ctx, client, t.url, t.header, o.workers, o.warmup, o.max); err != nil {
					return err
				}
			}
			stopProfile := func() error { return nil }
			if round == 0 {
				var err error
				if stopProfile, err = startProfiles(o.cpuprofile, o.memprofile, "."+t.name+".pprof"); err != nil {
					return err
				}
			}
			cpu0 := cpuTime()
			r, err := run(ctx, client, t.url, t.header, o.workers, o.duration, o.max)
			if err := errors.Join(err, stopProfile()); err != nil {
				return err
			}
			// CPUs this process kept busy: the load, the system and the
			// baseline all share them.
			r.cpu = cpuTime() - cpu0
			cores := r.cpu.Seconds() / r.elapsed.Seconds()
			t.total.add(r)
			rps[k] = r.rps()
			fmt.Printf("  %s %.0f req/s (%.2f CPUs, %.0f µs/req),", t.name, rps[k], cores, r.cpuPerRequest())
		}
		ratios = append(ratios, 100*rps[1]/rps[0])
		fmt.Printf("  ratio %.1f%%\n", ratios[round])
	}
	fmt.Println()

	const row = "%-8s %-30s %9v %6v %8v %8v %8v\n"
	fmt.Printf(row, "target", "", "requests", "errors", "req/s", "p50", "p99")
	var failed []string
	for _, t := range targets {
		r := &t.total
		fmt.Printf(row, t.name, t.what, r.requests, r.errors, fmt.Sprintf("%.0f", r.rps()),
			shorten(r.hist.quantile(0.50)), shorten(r.hist.quantile(0.99)))
		if r.errors > 0 {
			failed = append(failed, fmt.Sprintf("%s: %d of %d requests failed, first: %s", t.name, r.errors, r.requests, r.firstErr))
		}
	}
	echo, unit := &targets[0].total, &targets[1].total
	fmt.Printf("\nratio: GetUnit/echo = %.1f%% (target >= 70%%)\n", 100*unit.rps()/echo.rps())
	// The CPU time of a request (this process's, the load's included) is
	// what the throughput comes from, and other work on the machine moves
	// it less than the throughput.
	fmt.Printf("CPU per request: echo %.0f µs, GetUnit %.0f µs; echo/GetUnit = %.1f%%\n",
		echo.cpuPerRequest(), unit.cpuPerRequest(), 100*echo.cpuPerRequest()/unit.cpuPerRequest())
	if len(ratios) > 1 {
		// A round much below the others means something else took the CPU
		// during it; the median ignores such a round.
		slices.Sort(ratios)
		n := len(ratios)
		median := (ratios[(n-1)/2] + ratios[n/2]) / 2
		fmt.Printf("rounds: median %.1f%%, min %.1f%%, max %.1f%%\n", median, ratios[0], ratios[n-1])
	}
	// The gateway and the services run in this process: its peak resident
	// set is theirs, the echo's and the load's, together (-rss measures
	// each service alone).
	if rss, err := procstat.PeakRSS(os.Getpid()); err == nil {
		fmt.Printf("peak resident set of this process (system, echo and load): %.0f MiB\n", float64(rss)/(1<<20))
	}
	if failed != nil {
		return fmt.Errorf("invalid run: failed requests:\n  %s", strings.Join(failed, "\n  "))
	}
	return nil
}

// shorten rounds a latency to three significant digits or so.
func shorten(d time.Duration) time.Duration {
	switch {
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	case d >= time.Microsecond:
		return d.Round(time.Microsecond)
	}
	return d
}

// startProfiles starts a CPU profile written to cpuPrefix+suffix and an
// allocation profile written to memPrefix+suffix, with the allocations
// counted before it in memPrefix+".base"+suffix (a prefix empty: no such
// profile). What was allocated in between is the difference:
// go tool pprof -sample_index=alloc_space -base BASE PROFILE. The function
// it returns stops the profiles.
func startProfiles(cpuPrefix, memPrefix, suffix string) (func() error, error) {
	stopCPU := func() error { return nil }
	if cpuPrefix != "" {
		f, err := os.Create(cpuPrefix + suffix)
		if err != nil {
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		stopCPU = func() error {
			pprof.StopCPUProfile()
			return f.Close()
		}
	}
	if memPrefix == "" {
		return stopCPU, nil
	}
	if err := writeAllocs(memPrefix + ".base" + suffix); err != nil {
		return nil, errors.Join(err, stopCPU())
	}
	return func() error {
		return errors.Join(stopCPU(), writeAllocs(memPrefix+suffix))
	}, nil
}

// writeAllocs writes the allocations counted so far to path.
func writeAllocs(path string) error {
	runtime.GC() // the counts are complete as of the last collection
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("memory profile: %w", err)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("memory profile: %w", err)
	}
	return f.Close()
}

// cpuTime is the CPU time, user and system, this process has used so far.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// cpuModel is the processor's model name from /proc/cpuinfo, when there is one.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return cmp.Or(strings.TrimSpace(v), "unknown")
		}
	}
	return "unknown"
}

// benchLimits are the rate limits of the system under load: on, so that
// their cost is measured, and too high to refuse a call of the one caller.
var benchLimits = ratelimit.Limits{Rate: 1 << 30, Burst: 1 << 30}

// startSystem starts the real system with its data in a new temporary
// directory, creates the unit GetUnit reads and reads it once, so that it is
// in the cache. It returns the URL to GET, the bearer token to send (a
// central administrator's, from the dev issuer) and a function that stops
// the system and removes the directory.
func startSystem(ctx context.Context, o options, client *http.Client) (string, string, func(), error) {
	dir, err := os.MkdirTemp("", "tdkt-loadgen-")
	if err != nil {
		return "", "", nil, fmt.Errorf("system: %w", err)
	}
	opts := stack.Options{
		DataDir:           dir,
		HTTPAddr:          "127.0.0.1:0",
		BlocsGRPCAddr:     "127.0.0.1:0",
		HonoursGRPCAddr:   "127.0.0.1:0",
		MovementsGRPCAddr: "127.0.0.1:0",
		IssuerAddr:        "127.0.0.1:0",
		RedisAddr:         o.redis,
		LogLevel:          slog.LevelWarn, // a log line per request would be measured too
	}
	opts.Gateway.RateLimit = benchLimits
	opts.Blocs.RateLimit = benchLimits
	opts.Honours.RateLimit = benchLimits
	s, err := stack.Start(ctx, opts)
	if err != nil {
		os.RemoveAll(dir)
		return "", "", nil, fmt.Errorf("system: %w", err)
	}
	stop := func() {
		if err := s.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen: stop the system:", err)
		}
		os.RemoveAll(dir)
	}
	token, err := benchToken(s)
	if err != nil {
		stop()
		return "", "", nil, fmt.Errorf("system: %w", err)
	}
	url, err := prepareUnit(ctx, client, "http://"+s.HTTPAddr, token)
	if err != nil {
		stop()
		return "", "", nil, fmt.Errorf("system: %w", err)
	}
	return url, token, stop, nil
}

// prepareUnit creates the unit GetUnit reads through the gateway at base
// and reads it once, so that it is in the cache. It returns its URL.
func prepareUnit(ctx context.Context, client *http.Client, base, token string) (string, error) {
	unit := `{"displayName": "Ban Thi đua – Khen thưởng Trung ương", "kind": "UNIT_KIND_AGENCY", "level": "UNIT_LEVEL_CENTRAL"}`
	if _, err := call(ctx, client, http.MethodPost, base+"/v1/units?unitId="+unitID, token, unit); err != nil {
		return "", fmt.Errorf("create the unit: %w", err)
	}
	url := base + "/v1/units/" + unitID
	got, err := call(ctx, client, http.MethodGet, url, token, "")
	if err == nil && !strings.Contains(got, `"units/`+unitID+`"`) {
		err = fmt.Errorf("GET %s: not the unit: %s", url, got)
	}
	if err != nil {
		return "", fmt.Errorf("read the unit: %w", err)
	}
	return url, nil
}

// benchToken is the bearer token of the load: a central administrator's,
// from the stack's dev issuer, valid longer than any run.
func benchToken(s *stack.Stack) (string, error) {
	if s.Issuer == nil {
		return "", errors.New("the stack runs no dev issuer to sign in with")
	}
	return adminToken(s.Issuer), nil
}

// adminToken is a central administrator's token from iss, valid longer
// than any run.
func adminToken(iss *devissuer.Issuer) string {
	admin := &auth.Caller{Subject: "loadgen", Method: auth.MethodBearer,
		Grants: []auth.Grant{{Unit: devissuer.CentralUnit, Roles: []auth.Role{auth.CentralAdmin}}}}
	return iss.Token(admin, 12*time.Hour)
}

// call sends one request with a bearer token and a JSON body (none when
// body is empty), wants 200 OK and returns the response body.
func call(ctx context.Context, client *http.Client, method, url, token, body string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", method, url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, b)
	}
	return string(b), nil
}

// startBaseline starts the bare echo: a gRPC server with no options and no
// interceptors, and a default grpc-gateway mux that calls it over a loopback
// connection, served by net/http. It returns the URL to GET.
func startBaseline(ctx context.Context) (string, func(), error) {
	glis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("baseline: %w", err)
	}
	g := grpc.NewServer()
	benchmarkv1.RegisterEchoServiceServer(g, echoServer{})
	go g.Serve(glis) //nolint:errcheck // returns when g stops

	conn, err := grpc.NewClient(glis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		g.Stop()
		return "", nil, fmt.Errorf("baseline: %w", err)
	}
	mux := gwruntime.NewServeMux()
	if err := benchmarkv1.RegisterEchoServiceHandler(ctx, mux, conn); err != nil {
		conn.Close()
		g.Stop()
		return "", nil, fmt.Errorf("baseline: %w", err)
	}
	hlis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		conn.Close()
		g.Stop()
		return "", nil, fmt.Errorf("baseline: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(hlis) //nolint:errcheck // returns when srv closes

	stop := func() {
		srv.Close()
		conn.Close()
		g.Stop()
	}
	return "http://" + hlis.Addr().String() + "/v1/echo/hello", stop, nil
}

// echoServer answers Echo with its request's message and does nothing else.
type echoServer struct {
	benchmarkv1.UnimplementedEchoServiceServer
}

func (echoServer) Echo(_ context.Context, req *benchmarkv1.EchoRequest) (*benchmarkv1.EchoResponse, error) {
	return &benchmarkv1.EchoResponse{Message: req.GetMessage()}, nil
}
