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
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
	"github.com/tdkt-vn/tdkt/tools/internal/procstat"
)

type options struct {
	n, perDec, recipients, streams, batch, sqliteN, searchReps int
	seed                                                       uint64
	adminURL, dbName, sqlitePath, cpuProfile, memProfile       string
	keep                                                       bool
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
	fs.BoolVar(&o.keep, "keep", false, "keep the bench databases (PostgreSQL and SQLite)")
	fs.StringVar(&o.dbName, "db", "", "the PostgreSQL bench database: one that holds a register already is measured again, without generating or importing it (implies -keep); default a new one")
	fs.IntVar(&o.sqliteN, "sqlite-n", 200_000, "honours of the register searched on SQLite; 0: none")
	fs.StringVar(&o.sqlitePath, "sqlite-db", "", "the SQLite bench database file: one that holds a register already is searched again; default a new one in a temporary directory")
	fs.IntVar(&o.searchReps, "search-reps", 30, "queries per register search case")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the import (the service runs in this process) to this file; of the PostgreSQL reads with a -db that holds a register")
	fs.StringVar(&o.memProfile, "memprofile", "", "write heap profiles from before and after the import to this file and this file.base (compare with pprof -base)")
	_ = fs.Parse(os.Args[1:])
	if o.recipients == 0 {
		o.recipients = recipientsFor(o.n, o.perDec)
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "honoursbench:", err)
		os.Exit(1)
	}
}

// recipientsFor is the default number of distinct individuals of a
// register of n honours.
func recipientsFor(n, perDec int) int {
	return max(n*3/10, len(provinces)*perDec*((n/perDec)/(len(provinces)*12)+1))
}

func run(ctx context.Context, o options) (err error) {
	if o.adminURL == "" {
		return fmt.Errorf("no PostgreSQL: set -postgres-url or TDKT_TEST_POSTGRES_URL")
	}
	name := o.dbName
	if name == "" {
		name = fmt.Sprintf("tdkt_bench_%d", os.Getpid())
	}
	dbURL, drop, existed, err := benchDatabase(ctx, o.adminURL, name)
	if err != nil {
		return err
	}
	if !o.keep && o.dbName == "" {
		defer func() { err = joinErr(err, drop()) }()
	} else {
		fmt.Fprintf(os.Stderr, "PostgreSQL bench database: %s\n", name)
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
	client, stopHonours, err := startHonours(ctx, tel, dbURL, blocsAddr)
	if err != nil {
		return err
	}
	defer stopHonours()
	r := &report{streams: o.streams, copyConns: o.streams}
	db, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	if existed {
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM honours").Scan(&r.rows); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%d honours already in %s: not generated nor imported\n", r.rows, name)
	}
	if r.rows == 0 {
		if err := load(ctx, client, dbURL, o, r); err != nil {
			return err
		}
	}
	// What autovacuum does after a bulk load, before the reads: statistics
	// for the planner, and the visibility map that lets index-only scans
	// skip the table.
	if _, err := db.Exec(ctx, "VACUUM (ANALYZE)"); err != nil {
		return err
	}
	readAll := func() error {
		if err := reads(ctx, client, db, o, r); err != nil {
			return fmt.Errorf("reads: %w", err)
		}
		r.search, err = searches(ctx, client, o, r.rows)
		return err
	}
	if existed { // nothing imported: the profiles are of the reads
		err = profiled(o.cpuProfile, o.memProfile, readAll)
	} else {
		err = readAll()
	}
	if err != nil {
		return err
	}
	if o.sqliteN > 0 {
		if err := onSQLite(ctx, tel, blocsAddr, o, r); err != nil {
			return fmt.Errorf("SQLite: %w", err)
		}
	}
	r.peakRSS, err = procstat.PeakRSS(os.Getpid())
	if err != nil {
		return err
	}
	r.print(os.Stdout)
	return nil
}

// startHonours runs the honours service on the database at dbURL and
// returns a client of it.
func startHonours(ctx context.Context, tel *telemetry.Telemetry, dbURL, blocsAddr string) (honoursv1.HonoursServiceClient, func(), error) {
	svc, err := honours.New(ctx, honours.Config{Config: service.Config{DatabaseURL: dbURL, Auth: unguardedAuth}, BlocsAddr: blocsAddr,
		PersonalData: personaldata.Config{RecipientKeySecret: "aG9ub3Vyc2JlbmNoIHJlY2lwaWVudCBrZXkgc2VjcmV0IQ=="}}, tel)
	if err != nil {
		return nil, nil, err
	}
	addr, stop, err := serve(ctx, tel, svc.Register)
	if err != nil {
		svc.Close()
		return nil, nil, err
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(256<<20)))
	if err != nil {
		stop()
		svc.Close()
		return nil, nil, err
	}
	return honoursv1.NewHonoursServiceClient(conn), func() { conn.Close(); stop(); svc.Close() }, nil
}

// onSQLite runs the honours service on SQLite with a register of
// o.sqliteN honours, imported unless the database holds one, and measures
// its searches.
func onSQLite(ctx context.Context, tel *telemetry.Telemetry, blocsAddr string, o options, r *report) error {
	path := o.sqlitePath
	if path == "" {
		dir, err := os.MkdirTemp("", "honoursbench-sqlite-")
		if err != nil {
			return err
		}
		path = filepath.Join(dir, "honours.db")
		if o.keep {
			fmt.Fprintf(os.Stderr, "SQLite bench database: %s\n", path)
		} else {
			defer os.RemoveAll(dir)
		}
	}
	client, stop, err := startHonours(ctx, tel, "sqlite:"+path, blocsAddr)
	if err != nil {
		return err
	}
	defer stop()
	resp, err := client.ListHonours(ctx, &honoursv1.ListHonoursRequest{PageSize: 1})
	if err != nil {
		return err
	}
	r.sqliteRows = int(resp.GetTotalSize())
	if r.sqliteRows == 0 {
		g := &generator{seed: o.seed, perDec: o.perDec, recipients: recipientsFor(o.sqliteN, o.perDec)}
		reg, err := generate(g, (o.sqliteN+o.perDec-1)/o.perDec)
		if err != nil {
			return err
		}
		reg.rows = nil
		var imp report
		if err := importAll(ctx, client, reg, o, &imp); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		r.sqliteImp, r.sqliteRows = imp.imp, int(imp.imp.rows)
	}
	r.sqliteSearch, err = searches(ctx, client, o, r.sqliteRows)
	return err
}

// load generates the register of o.n honours, COPYs it as the baseline and
// imports it through client.
func load(ctx context.Context, client honoursv1.HonoursServiceClient, dbURL string, o options, r *report) error {
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
	return nil
}

// benchDatabase creates database name on the server of adminURL unless
// it exists (existed), and returns its URL and a func that drops it.
func benchDatabase(ctx context.Context, adminURL, name string) (_ string, _ func() error, existed bool, _ error) {
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", nil, false, fmt.Errorf("connect %s: %w", redact(adminURL), err)
	}
	defer admin.Close(ctx)
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&existed); err != nil {
		return "", nil, false, err
	}
	if !existed {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			return "", nil, false, fmt.Errorf("create database: %w", err)
		}
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", nil, false, err
	}
	u.Path = "/" + name
	drop := func() error {
		c, err := pgx.Connect(context.Background(), adminURL)
		if err != nil {
			return err
		}
		defer c.Close(context.Background())
		_, err = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		return err
	}
	return u.String(), drop, existed, nil
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
