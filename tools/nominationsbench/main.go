// Command nominationsbench measures the nominations service with blocs,
// honours and nominations each in a process of its own (built from this
// workspace; SQLite in a temporary directory, or fresh PostgreSQL
// databases with -postgres; signed in at a dev issuer that runs in this
// process), over gRPC:
//
//   - ImportNominations: -n rows streamed into a draft batch, in rows/s,
//     then the same rows streamed again (each answered as the first time);
//   - BatchCreateNominations (:batchCreate): the same rows, for another
//     year (the duplicates rule refuses the same recipient, award and
//     period twice), 1000 per call, in rows/s;
//   - SubmitBatch of a 1,000-nomination batch, which evaluates the
//     eligibility of each nomination with one BatchGetRecipientHistory call
//     to honours: p50 and p99 over -runs batches;
//   - the peak resident set (VmHWM) of each process.
//
// It asserts little and fails only when a call does.
//
//	go run ./tools/nominationsbench            # make bench-nominations
//	go run ./tools/nominationsbench -n 2000 -runs 3
//	go run ./tools/nominationsbench -postgres "$TDKT_TEST_POSTGRES_URL"
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/tools/internal/procstat"
)

type options struct {
	n, runs, submitSize int
	memLimit, postgres  string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 5000, "rows imported, and created with :batchCreate (at most 10000, one stream)")
	flag.IntVar(&o.runs, "runs", 7, "1,000-nomination batches submitted, for the eligibility evaluation's p50 and p99")
	flag.IntVar(&o.submitSize, "submit-size", 1000, "nominations of each submitted batch")
	flag.StringVar(&o.memLimit, "gomemlimit", "100MiB", "GOMEMLIMIT of the processes, as docker-compose.yml sets it; empty for none")
	flag.StringVar(&o.postgres, "postgres", "", "admin URL of a PostgreSQL server: the services get fresh databases there instead of SQLite")
	flag.Parse()
	if o.n < 1 || o.n > 10_000 || o.runs < 1 || o.submitSize < 1 || o.submitSize > 1000 {
		fmt.Fprintln(os.Stderr, "nominationsbench: -n from 1 to 10000, -runs at least 1, -submit-size from 1 to 1000")
		os.Exit(2)
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "nominationsbench:", err)
		os.Exit(1)
	}
}

const (
	province  = "tinh-do-kiem"
	proposer  = "so-noi-vu-do-kiem"
	keySecret = "bm9taW5hdGlvbnNiZW5jaCByZWNpcGllbnQga2V5ISE="
	dataKey   = "bm9taW5hdGlvbnNiZW5jaCBwZXJzb25hbCBkYXRhISE="
)

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "nominationsbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	engine := "SQLite"
	if o.postgres != "" {
		engine = "PostgreSQL"
	}
	fmt.Printf("building blocs, honours and nominations (%s, GOMEMLIMIT=%q)\n", engine, o.memLimit)
	procs, err := procstat.Build(ctx, dir, o.memLimit, "blocs", "honours", "nominations")
	if err != nil {
		return err
	}
	defer procs.Stop()
	iss, err := devissuer.Start(ctx, "127.0.0.1:0", devissuer.Options{})
	if err != nil {
		return err
	}
	db := func(name string) (string, error) {
		if o.postgres == "" {
			return "sqlite:" + filepath.Join(dir, name+".db"), nil
		}
		return freshDatabase(ctx, o.postgres, "nominationsbench_"+name)
	}
	blocs, honours, nominations := procstat.FreeAddr(), procstat.FreeAddr(), procstat.FreeAddr()
	common := []string{"-log-level", "warn", "-oidc-issuer", iss.URL(), "-rate-limit", "100000", "-rate-burst", "100000"}
	for _, p := range []struct {
		name string
		args []string
	}{
		{"blocs", []string{"-grpc-addr", blocs}},
		{"honours", []string{"-grpc-addr", honours, "-blocs-addr", blocs, "-recipient-key-secret", keySecret, "-personal-data-key", dataKey}},
		{"nominations", []string{"-grpc-addr", nominations, "-blocs-addr", blocs, "-honours-addr", honours,
			"-recipient-key-secret", keySecret, "-personal-data-key", dataKey}},
	} {
		url, err := db(p.name)
		if err != nil {
			return err
		}
		if err := procs.Start(ctx, p.name, append(append(p.args, "-database-url", url), common...)...); err != nil {
			return fmt.Errorf("start %s: %w", p.name, err)
		}
	}

	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "nominationsbench", LogOutput: io.Discard})
	if err != nil {
		return err
	}
	admin := iss.Token(&auth.Caller{Subject: "nominationsbench", Method: auth.MethodBearer,
		Grants: []auth.Grant{{Unit: devissuer.CentralUnit, Roles: []auth.Role{auth.CentralAdmin}}}}, 0)
	dial := func(addr string) (*grpc.ClientConn, error) {
		return grpcclient.Dial(addr, grpcclient.Options{Telemetry: tel, Timeout: 10 * time.Minute, Token: admin, MaxMsgSize: 64 << 20})
	}
	bconn, err := dial(blocs)
	if err != nil {
		return err
	}
	defer bconn.Close()
	nconn, err := dial(nominations)
	if err != nil {
		return err
	}
	defer nconn.Close()
	b := &bench{o: o, blocs: blocsv1.NewBlocsServiceClient(bconn), c: nominationsv1.NewNominationsServiceClient(nconn)}
	if err := b.units(ctx); err != nil {
		return err
	}
	peaks := func() string {
		var parts []string
		for _, p := range procs.Peaks() {
			if p.Err != nil {
				return p.Err.Error()
			}
			parts = append(parts, fmt.Sprintf("%s %.0f MB", p.Name, p.MB()))
		}
		return strings.Join(parts, ", ")
	}
	fmt.Printf("after start, peak RSS: %s\n", peaks())
	if err := b.imports(ctx); err != nil {
		return err
	}
	if err := b.submits(ctx); err != nil {
		return err
	}
	fmt.Printf("peak resident set (VmHWM): %s\n", peaks())
	return nil
}

type bench struct {
	o     options
	blocs blocsv1.BlocsServiceClient
	c     nominationsv1.NominationsServiceClient
}

// units creates the province and its agency that proposes every batch,
// waiting for blocs to answer.
func (b *bench) units(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for _, u := range []*blocsv1.CreateUnitRequest{
		{UnitId: province, Unit: &blocsv1.Unit{DisplayName: "Ủy ban nhân dân tỉnh Đo Kiểm", ShortName: "Đo Kiểm",
			Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE}},
		{UnitId: proposer, Unit: &blocsv1.Unit{DisplayName: "Sở Nội vụ tỉnh Đo Kiểm", Kind: blocsv1.UnitKind_UNIT_KIND_AGENCY,
			Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, Province: "units/" + province, Parent: "units/" + province}},
	} {
		for {
			_, err := b.blocs.CreateUnit(ctx, u)
			if err == nil || status.Code(err) == codes.AlreadyExists {
				break
			}
			if status.Code(err) != codes.Unavailable || time.Now().After(deadline) {
				return fmt.Errorf("create %s: %w", u.GetUnitId(), err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return nil
}

// batch creates a draft batch, waiting for the nominations service to
// know the proposer.
func (b *bench) batch(ctx context.Context, id string) (string, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := b.c.CreateBatch(ctx, &nominationsv1.CreateBatchRequest{BatchId: id, Batch: &nominationsv1.Batch{
			Proposer: "units/" + proposer, Authority: "units/" + province, Title: "Tờ trình đề nghị khen thưởng (đo kiểm) " + id}})
		if err == nil {
			return got.GetName(), nil
		}
		if c := status.Code(err); (c != codes.Unavailable && c != codes.InvalidArgument) || time.Now().After(deadline) {
			return "", fmt.Errorf("create batch %s: %w", id, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// rows are n nominations of officials of the proposer for Lao động tiên
// tiến of year, each with a citizen id (keyed and sealed), a rating and
// achievements; tag makes their names differ from other sets'.
func rows(parent string, n, year int, tag string) []*nominationsv1.CreateNominationRequest {
	family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"}
	given := []string{"Thị Hoa", "Văn Bình", "Thị Lan", "Minh Tuấn", "Thu Hằng", "Quốc Việt", "Ngọc Anh", "Đức Thắng"}
	out := make([]*nominationsv1.CreateNominationRequest, n)
	for i := range out {
		out[i] = &nominationsv1.CreateNominationRequest{Parent: parent, NominationId: fmt.Sprintf("%s-%05d", tag, i),
			RequestId: requestID(tag, i),
			Nomination: &nominationsv1.Nomination{
				Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL,
					FullName: fmt.Sprintf("%s %s %s%d", family[i%len(family)], given[i%len(given)], tag, i), Gender: typev1.Gender_GENDER_FEMALE,
					BirthYear: 1970 + int32(i%30), Position: "Chuyên viên", Unit: "units/" + proposer,
					CitizenId: fmt.Sprintf("0011%02d%06d", year%100, i)},
				AwardType: "awardTypes/LDTT", Period: &typev1.Period{StartYear: int32(year), EndYear: int32(year)},
				Achievements: "Hoàn thành tốt nhiệm vụ được giao năm " + fmt.Sprint(year) + "; tích cực tham gia phong trào thi đua.",
				Ratings:      []*nominationsv1.YearRating{{Year: int32(year), Rating: nominationsv1.Rating_RATING_GOOD}},
			}}
	}
	return out
}

// requestID is a UUID of tag and i, the same in every run.
func requestID(tag string, i int) string {
	var h uint32 = 2166136261
	for _, c := range []byte(tag) {
		h = (h ^ uint32(c)) * 16777619
	}
	return fmt.Sprintf("%08x-0000-4000-8000-%012d", h, i)
}

// imports streams -n rows, then the same rows again, and creates the same
// number with :batchCreate.
func (b *bench) imports(ctx context.Context) error {
	parent, err := b.batch(ctx, "nhap-luong")
	if err != nil {
		return err
	}
	rs := rows(parent, b.o.n, 2024, "nhap")
	for _, pass := range []string{"ImportNominations", "ImportNominations again"} {
		started := time.Now()
		stream, err := b.c.ImportNominations(ctx)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if err := stream.Send(&nominationsv1.ImportNominationsRequest{Row: r}); err != nil {
				return fmt.Errorf("%s: send: %w", pass, err)
			}
		}
		resp, err := stream.CloseAndRecv()
		if err != nil {
			return fmt.Errorf("%s: %w", pass, err)
		}
		if int(resp.GetAccepted()) != len(rs) {
			return fmt.Errorf("%s: %d of %d rows accepted; first refusal: %v", pass, resp.GetAccepted(), len(rs), firstRefusal(resp))
		}
		report(pass, len(rs), time.Since(started))
	}

	parent, err = b.batch(ctx, "tao-lo")
	if err != nil {
		return err
	}
	rs = rows(parent, b.o.n, 2023, "lo")
	started := time.Now()
	for chunk := range slices.Chunk(rs, 1000) {
		for _, r := range chunk {
			r.RequestId = ""
		}
		if _, err := b.c.BatchCreateNominations(ctx, &nominationsv1.BatchCreateNominationsRequest{Parent: parent, Requests: chunk,
			RequestId: requestID("lo-"+chunk[0].GetNominationId(), 0)}); err != nil {
			return fmt.Errorf(":batchCreate: %w", err)
		}
	}
	report(":batchCreate (1000 a call)", len(rs), time.Since(started))
	return nil
}

func firstRefusal(resp *nominationsv1.ImportNominationsResponse) *nominationsv1.RowError {
	for _, r := range resp.GetRows() {
		if r.GetError() != nil {
			return r.GetError()
		}
	}
	return nil
}

func report(what string, n int, d time.Duration) {
	fmt.Printf("  %-28s %6d rows in %8v  %8.0f rows/s\n", what, n, d.Round(time.Millisecond), float64(n)/d.Seconds())
}

// submits fills -runs batches of -submit-size nominations (untimed) and
// times the submission of each, which evaluates every nomination's
// eligibility with one history call to honours.
func (b *bench) submits(ctx context.Context) error {
	var times []time.Duration
	for run := range b.o.runs {
		id := fmt.Sprintf("nop-%d", run)
		parent, err := b.batch(ctx, id)
		if err != nil {
			return err
		}
		rs := rows(parent, b.o.submitSize, 2010+run, id)
		for _, r := range rs {
			r.RequestId = ""
		}
		if _, err := b.c.BatchCreateNominations(ctx, &nominationsv1.BatchCreateNominationsRequest{Parent: parent, Requests: rs}); err != nil {
			return fmt.Errorf("fill %s: %w", parent, err)
		}
		started := time.Now()
		got, err := b.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: parent})
		if err != nil {
			return fmt.Errorf("submit %s: %w", parent, err)
		}
		times = append(times, time.Since(started))
		if int(got.GetNominationsCount()) != b.o.submitSize {
			return fmt.Errorf("submit %s: %d nominations", parent, got.GetNominationsCount())
		}
	}
	slices.Sort(times)
	q := func(p float64) time.Duration { return times[min(len(times)-1, int(p*float64(len(times))))] }
	fmt.Printf("  SubmitBatch of %d nominations (eligibility, one history call): p50 %v, p99 %v over %d runs (min %v, max %v)\n",
		b.o.submitSize, q(0.50).Round(time.Millisecond), q(0.99).Round(time.Millisecond), len(times),
		times[0].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
	return nil
}

// freshDatabase drops and creates the database name on the PostgreSQL
// server of adminURL and returns its URL.
func freshDatabase(ctx context.Context, adminURL, name string) (string, error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("postgres: %w", err)
	}
	defer conn.Close(ctx)
	for _, stmt := range []string{"DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize() + " WITH (FORCE)",
		"CREATE DATABASE " + pgx.Identifier{name}.Sanitize()} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return "", fmt.Errorf("postgres: %s: %w", stmt, err)
		}
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", fmt.Errorf("postgres: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}
