package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocstest"
)

// process is the honours binary running on a SQLite file.
type process struct {
	cmd    *exec.Cmd
	client honoursv1.HonoursServiceClient
	conn   *grpc.ClientConn
	exited chan struct{}
}

// admin is who the test calls as: a central administrator.
var admin = &auth.Caller{Subject: "kill-test", Method: auth.MethodBearer,
	Grants: []auth.Grant{{Unit: devissuer.CentralUnit, Roles: []auth.Role{auth.CentralAdmin}}}}

// run starts the binary, believing iss, and waits until it serves gRPC (it
// logs the address it bound). Its client calls as admin.
func run(t *testing.T, bin, dbURL, blocsAddr string, iss *devissuer.Issuer) *process {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"TDKT_DATABASE_URL="+dbURL, "TDKT_BLOCS_ADDR="+blocsAddr, "TDKT_GRPC_ADDR=127.0.0.1:0",
		"TDKT_REDIS_ADDR=", "TDKT_METRICS_ADDR=", "TDKT_LOG_FORMAT=json", "TDKT_LOG_LEVEL=info",
		"TDKT_PAGE_TOKEN_KEY=kill-test-page-token-key", "OTEL_TRACES_EXPORTER=none", "TDKT_OIDC_ISSUER="+iss.URL(),
		"TDKT_RECIPIENT_KEY_SECRET=a2lsbC10ZXN0LXJlY2lwaWVudC1rZXktc2VjcmV0LTMyYg==")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &process{cmd: cmd, exited: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serving gRPC" {
				addr <- line.Addr
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() { p.kill(t) })
	select {
	case a := <-addr:
		token := iss.Token(admin, 0)
		p.conn, err = grpc.NewClient(a, grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
				return invoker(metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token), method, req, reply, cc, opts...)
			}))
		require.NoError(t, err)
		p.client = honoursv1.NewHonoursServiceClient(p.conn)
	case <-p.exited:
		t.Fatalf("honours exited before serving: %v", cmd.ProcessState)
	case <-time.After(time.Minute):
		t.Fatal("honours did not start within a minute")
	}
	return p
}

// kill sends SIGKILL and waits for the process to die.
func (p *process) kill(t *testing.T) {
	_ = p.cmd.Process.Kill()
	<-p.exited
	if p.conn != nil {
		p.conn.Close()
	}
}

func TestKillDuringIssue(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and issues 20,000 honours")
	}
	ctx := t.Context()
	dir := t.TempDir()
	bin := filepath.Join(dir, "honours")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	iss, err := devissuer.Start(ctx, "127.0.0.1:0", devissuer.Options{})
	require.NoError(t, err)
	b := blocstest.Start(t)
	b.Province("bac-kan", "Bắc Kạn")
	b.Unit("so-noi-vu-bk", "Sở Nội vụ tỉnh Bắc Kạn", "", blocsv1.UnitKind_UNIT_KIND_AGENCY, blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, "bac-kan")
	dbFile := filepath.Join(dir, "honours.db")
	dbURL := "sqlite:" + dbFile

	const entries = 20_000
	p := run(t, bin, dbURL, b.Addr, iss)
	start := time.Now()
	for n := 0; n < entries; n += 1000 {
		batch := make([]*honoursv1.DecisionEntry, 1000)
		for i := range batch {
			batch[i] = &honoursv1.DecisionEntry{
				Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL,
					FullName: fmt.Sprintf("Nguyễn Văn %d", n+i), CitizenId: fmt.Sprintf("0010%08d", n+i), Unit: "units/so-noi-vu-bk"},
				AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2024, EndYear: 2024},
			}
		}
		if n == 0 {
			_, err := p.client.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: "qd-lon", Decision: &honoursv1.Decision{
				Document: &typev1.DocumentRef{Number: "2000/QĐ-UBND", SignedOn: &date.Date{Year: 2024, Month: 12, Day: 20},
					SignerName: "Nguyễn Đăng Bình", SignerTitle: "Chủ tịch", Issuer: "units/bac-kan"},
				Title: "Về việc tặng Bằng khen", Authority: "units/bac-kan",
			}})
			require.NoError(t, err)
		}
		_, err := p.client.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: "decisions/qd-lon", Entries: batch})
		require.NoError(t, err)
	}
	t.Logf("added %d entries in %v", entries, time.Since(start).Round(time.Millisecond))
	issueReq := &honoursv1.IssueDecisionRequest{Name: "decisions/qd-lon", RequestId: "c0ffee00-1234-4abc-8def-0123456789ab"}

	// Kill the process while the issue transaction is writing: SQLite
	// spills the transaction's pages to the WAL long before it commits,
	// so the WAL growing past what the entries left there means the
	// transaction is under way. After a restart the decision must still
	// be a draft with no honour: a kill after the commit would not count,
	// so try again (a few times at most).
	killedMidway := false
	for attempt := 0; attempt < 5 && !killedMidway; attempt++ {
		wal := walSize(t, dbFile)
		done := make(chan error, 1)
		go func() {
			_, err := p.client.IssueDecision(ctx, issueReq)
			done <- err
		}()
		tick := time.NewTicker(time.Millisecond)
		var finished bool
	watch:
		for {
			select {
			case err := <-done:
				t.Logf("attempt %d: the issue finished before the kill: %v", attempt, err)
				finished = true
				break watch
			case <-tick.C:
				if walSize(t, dbFile) > wal+1<<20 {
					break watch
				}
			}
		}
		tick.Stop()
		p.kill(t)
		if !finished {
			err := <-done
			require.Error(t, err, "the call cannot succeed: the server died")
		}
		p = run(t, bin, dbURL, b.Addr, iss)
		dec, err := p.client.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: "decisions/qd-lon", View: honoursv1.DecisionView_DECISION_VIEW_BASIC})
		require.NoError(t, err)
		list, err := p.client.ListHonours(ctx, &honoursv1.ListHonoursRequest{PageSize: 1})
		require.NoError(t, err)
		if dec.GetState() == honoursv1.DecisionState_DECISION_STATE_DRAFT {
			require.Zero(t, list.GetTotalSize(), "a killed issue leaves no honour behind")
			killedMidway = !finished
			t.Logf("attempt %d: killed mid-transaction; the decision is still a draft with no honours", attempt)
		} else {
			require.EqualValues(t, entries, list.GetTotalSize())
			t.Logf("attempt %d: the kill came after the commit", attempt)
			break
		}
	}
	require.True(t, killedMidway, "no kill landed while the issue transaction was running")

	// The same request again, on the restarted process: the issue
	// completes once.
	start = time.Now()
	issued, err := p.client.IssueDecision(ctx, issueReq)
	require.NoError(t, err)
	t.Logf("issued %d honours in %v", entries, time.Since(start).Round(time.Millisecond))
	require.Equal(t, honoursv1.DecisionState_DECISION_STATE_ISSUED, issued.GetState())
	require.EqualValues(t, entries, issued.GetEntryCount())
	again, err := p.client.IssueDecision(ctx, issueReq)
	require.NoError(t, err)
	require.True(t, proto.Equal(issued, again), "the same request id returns the same response")
	_, err = p.client.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: "decisions/qd-lon", Etag: `"1"`, RequestId: issueReq.GetRequestId()})
	require.Equal(t, codes.AlreadyExists, status.Code(err))
	require.Contains(t, status.Convert(err).Message(), "request_id")

	p.kill(t)
	db, err := sqlstore.Open(ctx, dbURL, nil, nil)
	require.NoError(t, err)
	defer db.Close()
	var total, distinct, drafts int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT ordinal) FROM honours WHERE decision_id = 'qd-lon'`).Scan(&total, &distinct))
	require.Equal(t, entries, total, "exactly one honour per entry")
	require.Equal(t, entries, distinct, "no (decision, ordinal) twice")
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM honours h LEFT JOIN decision_entries e
		ON e.decision_id = h.decision_id AND e.ordinal = h.ordinal WHERE e.ordinal IS NULL`).Scan(&drafts))
	require.Zero(t, drafts, "every honour has its entry")
	var state int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT state FROM decisions WHERE id = 'qd-lon'`).Scan(&state))
	require.Equal(t, int(honoursv1.DecisionState_DECISION_STATE_ISSUED), state)
	var requests int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM requests WHERE request_id = $1`, issueReq.GetRequestId()).Scan(&requests))
	require.Equal(t, 1, requests)
	var counted int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT CAST(COALESCE(SUM(honours), 0) AS BIGINT) FROM honour_totals`).Scan(&counted))
	require.Equal(t, entries, counted, "the statistics count every honour once")
}

// walSize is the size of the database's write-ahead log (0 when there is
// none).
func walSize(t *testing.T, dbFile string) int64 {
	fi, err := os.Stat(dbFile + "-wal")
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(t, err)
	return fi.Size()
}
