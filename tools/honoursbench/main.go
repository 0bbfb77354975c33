// Command honoursbench measures the honours service on a generated
// register in PostgreSQL: import throughput through ImportDecisions next
// to a bare COPY of the same rows, then ListHonours by recipient,
// GetStatistics cold and cached and BatchGetRecipientHistory. It prints
// figures next to the targets of the issue; it asserts nothing.
//
//	go run ./tools/honoursbench -n 20000                 # quick check
//	go run ./tools/honoursbench                          # 2,000,000 honours
//
// The PostgreSQL server is -postgres-url (default TDKT_TEST_POSTGRES_URL),
// an admin URL: the bench creates a database of its own and drops it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/service"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/blocs"
	"github.com/tdkt-vn/tdkt/services/honours"
)

type options struct {
	n, perDec, recipients, streams, batch int
	seed                                  uint64
	adminURL, cpuProfile, memProfile      string
	keep                                  bool
}

func main() {
	var o options
	fs := flag.NewFlagSet("honoursbench", flag.ExitOnError)
	fs.IntVar(&o.n, "n", 2_000_000, "honours in the generated register")
	fs.IntVar(&o.perDec, "per-decision", 2000, "entries per decision")
	fs.IntVar(&o.recipients, "recipients", 0, "distinct individuals; 0 means 30% of -n (or more if needed: nobody gets an award twice for a year)")
	fs.IntVar(&o.streams, "streams", 2, "concurrent ImportDecisions streams")
	fs.IntVar(&o.batch, "batch", 5, "decisions per ImportDecisions stream before it is closed and a new one opened")
	fs.Uint64Var(&o.seed, "seed", 2025, "generator seed")
	fs.StringVar(&o.adminURL, "postgres-url", os.Getenv("TDKT_TEST_POSTGRES_URL"), "PostgreSQL admin URL (default TDKT_TEST_POSTGRES_URL)")
	fs.BoolVar(&o.keep, "keep", false, "keep the bench database")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the import (the service runs in this process) to this file")
	fs.StringVar(&o.memProfile, "memprofile", "", "write heap profiles from before and after the import to this file and this file.base (compare with pprof -base)")
	_ = fs.Parse(os.Args[1:])
	if o.recipients == 0 {
		o.recipients = max(o.n*3/10, len(provinces)*o.perDec*((o.n/o.perDec)/(len(provinces)*12)+1))
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "honoursbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) (err error) {
	if o.adminURL == "" {
		return fmt.Errorf("no PostgreSQL: set -postgres-url or TDKT_TEST_POSTGRES_URL")
	}
	dbURL, drop, err := createDatabase(ctx, o.adminURL, fmt.Sprintf("tdkt_bench_%d", os.Getpid()))
	if err != nil {
		return err
	}
	if !o.keep {
		defer func() { err = joinErr(err, drop()) }()
	}
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "tdkt-honoursbench", LogFormat: "text", LogLevel: slog.LevelWarn})
	if err != nil {
		return err
	}
	defer tel.Shutdown(context.Background())

	blocsAddr, stopBlocs, err := startBlocs(ctx, tel)
	if err != nil {
		return err
	}
	defer stopBlocs()
	svc, err := honours.New(ctx, honours.Config{Config: service.Config{DatabaseURL: dbURL, Auth: unguardedAuth}, BlocsAddr: blocsAddr,
		RecipientKeySecret: "aG9ub3Vyc2JlbmNoIHJlY2lwaWVudCBrZXkgc2VjcmV0IQ=="}, tel)
	if err != nil {
		return err
	}
	defer svc.Close()
	addr, stop, err := serve(ctx, tel, svc.Register)
	if err != nil {
		return err
	}
	defer stop()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(256<<20)))
	if err != nil {
		return err
	}
	defer conn.Close()
	client := honoursv1.NewHonoursServiceClient(conn)
	g := &generator{seed: o.seed, perDec: o.perDec, recipients: o.recipients}
	decisions := (o.n + o.perDec - 1) / o.perDec
	fmt.Printf("honoursbench: %d honours = %d decisions × %d entries, %d distinct individuals, seed %d, %d import streams\n",
		decisions*o.perDec, decisions, o.perDec, o.recipients, o.seed, o.streams)
	t := time.Now()
	reg, err := generate(g, decisions)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "generated %d decisions (requests and COPY rows) in %s, before any timer\n", decisions, time.Since(t).Round(time.Millisecond))
	r := &report{streams: o.streams, copyConns: o.streams}
	if r.copy1, err = copyBaseline(ctx, dbURL, reg, 1); err != nil {
		return fmt.Errorf("COPY baseline: %w", err)
	}
	if r.copyN, err = copyBaseline(ctx, dbURL, reg, o.streams); err != nil {
		return fmt.Errorf("COPY baseline x%d: %w", o.streams, err)
	}
	r.rows = int(r.copy1.rows)
	// The COPY rows are not needed any more: the import should not pay for
	// the collector walking them.
	reg.rows = nil
	runtime.GC()
	if err := profiled(o.cpuProfile, o.memProfile, func() error { return importAll(ctx, client, reg, o, r) }); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	db, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	if _, err := db.Exec(ctx, "ANALYZE"); err != nil {
		return err
	}
	if err := reads(ctx, client, db, o, r); err != nil {
		return fmt.Errorf("reads: %w", err)
	}
	r.print(os.Stdout)
	return nil
}

// createDatabase creates database name on the server of adminURL and
// returns its URL and a func that drops it.
func createDatabase(ctx context.Context, adminURL, name string) (string, func() error, error) {
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("connect %s: %w", redact(adminURL), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() error {
		c, err := pgx.Connect(context.Background(), adminURL)
		if err != nil {
			return err
		}
		defer c.Close(context.Background())
		_, err = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		return err
	}
	return u.String(), drop, nil
}

func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "(bad URL)"
}

// unguardedAuth is the sign-in the services are configured with: serve's
// servers are unguarded, as the import is measured without sign-in, so no
// token is ever verified against this issuer.
var unguardedAuth = service.AuthConfig{Issuer: "http://127.0.0.1:1/unguarded"}

// serve runs an unguarded gRPC server on loopback with the handlers
// register adds.
func serve(ctx context.Context, tel *telemetry.Telemetry, register func(*grpc.Server)) (string, func(), error) {
	srv, err := grpcserver.New(grpcserver.Options{Unguarded: true, Telemetry: tel, MaxRecvMsgSize: 64 << 20, ShutdownTimeout: time.Second})
	if err != nil {
		return "", nil, err
	}
	register(srv.GRPC)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis) }()
	return lis.Addr().String(), func() { cancel(); <-done }, nil
}

// startBlocs runs blocs on a SQLite database in a temporary directory
// with the units of the register; 29 old provinces are dissolved into the
// 34 on 1 July 2025.
func startBlocs(ctx context.Context, tel *telemetry.Telemetry) (string, func(), error) {
	dir, err := os.MkdirTemp("", "honoursbench-blocs-")
	if err != nil {
		return "", nil, err
	}
	svc, err := blocs.New(ctx, blocs.Config{Config: service.Config{DatabaseURL: "sqlite:" + filepath.Join(dir, "blocs.db"), Auth: unguardedAuth}}, tel)
	if err != nil {
		return "", nil, err
	}
	addr, stop, err := serve(ctx, tel, svc.Register)
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { stop(); svc.Close(); os.RemoveAll(dir) }
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		cleanup()
		return "", nil, err
	}
	defer conn.Close()
	c := blocsv1.NewBlocsServiceClient(conn)
	for _, u := range units() {
		if _, err := c.CreateUnit(ctx, &blocsv1.CreateUnitRequest{UnitId: u.id, Unit: u.unit}); err != nil {
			cleanup()
			return "", nil, fmt.Errorf("create unit %s: %w", u.id, err)
		}
	}
	for o, d := range dissolved {
		if _, err := c.DissolveUnit(ctx, &blocsv1.DissolveUnitRequest{
			Name: unitName(oldProvinceID(o)), Successor: unitName(provinceID(d.successor)),
			EffectiveOn: &date.Date{Year: 2025, Month: 7, Day: 1},
		}); err != nil {
			cleanup()
			return "", nil, fmt.Errorf("dissolve %s: %w", oldProvinceID(o), err)
		}
	}
	return addr, cleanup, nil
}

// profiled runs fn, under the CPU profiler when cpu is not empty, with heap
// profiles written before (mem.base) and after (mem) when mem is not empty.
func profiled(cpu, mem string, fn func() error) error {
	if mem != "" {
		if err := writeHeap(mem + ".base"); err != nil {
			return err
		}
		defer func() { _ = writeHeap(mem) }()
	}
	if cpu == "" {
		return fn()
	}
	f, err := os.Create(cpu)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return err
	}
	err = fn()
	pprof.StopCPUProfile()
	return joinErr(err, f.Close())
}

func writeHeap(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return joinErr(pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
}

func joinErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
