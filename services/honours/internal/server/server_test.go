package server_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/grpctest"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocsclient"
	"github.com/tdkt-vn/tdkt/services/blocs/blocstest"
	"github.com/tdkt-vn/tdkt/services/honours/internal/server"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
)

// env is an honours service over real gRPC on loopback, with the real blocs
// service beside it.
type env struct {
	c     honoursv1.HonoursServiceClient
	blocs *blocstest.Blocs
	units *blocsclient.Client
	dbURL string
}

// synced waits until the service has followed every change made through
// e.blocs.
func (e *env) synced(t *testing.T) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.GreaterOrEqual(c, e.units.Revision(), e.blocs.Revision)
	}, 5*time.Second, 5*time.Millisecond)
}

// options change what start builds.
type options struct {
	cache  func(t *testing.T) cache.Cache // nil: an in-process cache
	sealer *personaldata.Sealer           // nil: no personal data key
}

// testLog passes the service's warnings and errors to the test log until
// the test ends.
type testLog struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Log(strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

// start serves the honours handlers over a store on dbURL, following the
// units of blocs b.
func start(t *testing.T, dbURL string, b *blocstest.Blocs, o options) (honoursv1.HonoursServiceClient, *blocsclient.Client) {
	t.Helper()
	ctx := t.Context()
	tel := testTelemetry(t)
	st, err := store.Open(ctx, dbURL, tel.TracerProvider)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	c := cache.Cache(cache.NewMemory(1000))
	if o.cache != nil {
		c = o.cache(t)
	}
	units, _ := b.Follow(t, tel.Logger)
	signer, err := pagetoken.NewSigner([]byte("0123456789abcdef-test-key"))
	require.NoError(t, err)
	h, err := server.New(server.Options{
		Store: st, Units: units, Cache: c,
		Tokens: signer, Sealer: o.sealer, Keys: testKeys, Log: tel.Logger,
	})
	require.NoError(t, err)
	return serve(t, grpcserver.Options{Unguarded: true, Telemetry: tel}, h), units
}

// serve serves the handlers h behind the interceptors opts builds and
// returns a client of them.
func serve(t *testing.T, opts grpcserver.Options, h honoursv1.HonoursServiceServer) honoursv1.HonoursServiceClient {
	conn := grpctest.Serve(t, opts, func(g *grpc.Server) { honoursv1.RegisterHonoursServiceServer(g, h) },
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)))
	return honoursv1.NewHonoursServiceClient(conn)
}

// testTelemetry passes the service's warnings and errors to the test log.
func testTelemetry(t *testing.T) *telemetry.Telemetry {
	logs := &testLog{t: t}
	t.Cleanup(func() { logs.mu.Lock(); logs.done = true; logs.mu.Unlock() })
	tel, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "tdkt-honours-test", LogOutput: logs, LogFormat: "text"})
	require.NoError(t, err)
	return tel
}

// forEachEngine runs fn against SQLite and, when configured, PostgreSQL,
// each with a blocs service of its own holding the world fixture.
func forEachEngine(t *testing.T, fn func(t *testing.T, e *env)) {
	forEachEngineWith(t, options{}, fn)
}

func forEachEngineWith(t *testing.T, o options, fn func(t *testing.T, e *env)) {
	for _, eng := range sqlstoretest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			b := blocstest.Start(t)
			world(b)
			url := eng.URL(t)
			c, units := start(t, url, b, o)
			e := &env{c: c, blocs: b, units: units, dbURL: url}
			e.synced(t)
			fn(t, e)
		})
	}
}

// world creates the units the tests use: the Government, two provinces
// with some of their units.
func world(b *blocstest.Blocs) {
	b.Unit("chinh-phu", "Chính phủ", "Chính phủ", blocsv1.UnitKind_UNIT_KIND_AGENCY, blocsv1.UnitLevel_UNIT_LEVEL_CENTRAL, "")
	b.Province("bac-kan", "Bắc Kạn")
	b.Province("thai-nguyen", "Thái Nguyên")
	b.Unit("so-noi-vu-bk", "Sở Nội vụ tỉnh Bắc Kạn", "", blocsv1.UnitKind_UNIT_KIND_AGENCY, blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, "bac-kan")
	b.Unit("so-noi-vu-tn", "Sở Nội vụ tỉnh Thái Nguyên", "", blocsv1.UnitKind_UNIT_KIND_AGENCY, blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, "thai-nguyen")
	b.Unit("xa-nam-mau", "Ủy ban nhân dân xã Nam Mẫu", "Nam Mẫu", blocsv1.UnitKind_UNIT_KIND_LOCALITY, blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE, "bac-kan")
	b.Unit("truong-cho-don", "Trường Phổ thông Dân tộc nội trú huyện Chợ Đồn", "", blocsv1.UnitKind_UNIT_KIND_AGENCY, blocsv1.UnitLevel_UNIT_LEVEL_GRASSROOTS, "bac-kan")
}

func d(y, m, day int32) *date.Date { return &date.Date{Year: y, Month: m, Day: day} }

// newDecision creates a draft decision of authority (a unit id) signed on
// the day given.
func newDecision(t *testing.T, c honoursv1.HonoursServiceClient, id, authority, number string, on *date.Date) *honoursv1.Decision {
	t.Helper()
	dec, err := c.CreateDecision(t.Context(), &honoursv1.CreateDecisionRequest{DecisionId: id, Decision: decisionMsg(authority, number, on)})
	require.NoError(t, err)
	return dec
}

func decisionMsg(authority, number string, on *date.Date) *honoursv1.Decision {
	return &honoursv1.Decision{
		Document: &typev1.DocumentRef{
			Number: number, SignedOn: on, SignerName: "Nguyễn Đăng Bình", SignerTitle: "Chủ tịch",
			Issuer: "units/" + authority,
		},
		Title:     "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
		Authority: "units/" + authority,
	}
}

func person(name, cid, unit string) *typev1.Recipient {
	r := &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, FullName: name, CitizenId: cid,
		Gender: typev1.Gender_GENDER_FEMALE, Position: "Chuyên viên", BirthYear: 1980}
	if unit != "" {
		r.Unit = "units/" + unit
	}
	return r
}

func collective(unit string) *typev1.Recipient {
	return &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + unit}
}

func entry(r *typev1.Recipient, code string, year int32) *honoursv1.DecisionEntry {
	return &honoursv1.DecisionEntry{
		Recipient: r, AwardType: "awardTypes/" + code, Period: &typev1.Period{StartYear: year, EndYear: year},
		Achievements: "Đã có thành tích xuất sắc trong phong trào thi đua yêu nước",
	}
}

func addEntries(t *testing.T, c honoursv1.HonoursServiceClient, name string, entries ...*honoursv1.DecisionEntry) *honoursv1.Decision {
	t.Helper()
	dec, err := c.AddDecisionEntries(t.Context(), &honoursv1.AddDecisionEntriesRequest{Name: name, Entries: entries})
	require.NoError(t, err)
	return dec
}

func issue(t *testing.T, c honoursv1.HonoursServiceClient, name string) *honoursv1.Decision {
	t.Helper()
	dec, err := c.IssueDecision(t.Context(), &honoursv1.IssueDecisionRequest{Name: name})
	require.NoError(t, err)
	return dec
}

// listAll pages through ListHonours.
func listAll(t *testing.T, c honoursv1.HonoursServiceClient, req *honoursv1.ListHonoursRequest) []*honoursv1.Honour {
	t.Helper()
	var out []*honoursv1.Honour
	for page := 0; ; page++ {
		resp, err := c.ListHonours(t.Context(), req)
		require.NoError(t, err)
		out = append(out, resp.GetHonours()...)
		if resp.GetNextPageToken() == "" {
			return out
		}
		require.Less(t, page, 10000)
		req.PageToken = resp.GetNextPageToken()
	}
}

// requireCode checks the status code and, when field is given, that a
// field violation or precondition failure names it (as field, type or
// subject).
func requireCode(t *testing.T, err error, code codes.Code, field string) {
	t.Helper()
	st, ok := status.FromError(err)
	require.True(t, ok, "not a status: %v", err)
	require.Equal(t, code, st.Code(), "message: %s", st.Message())
	if field == "" {
		return
	}
	var names []string
	for _, det := range st.Details() {
		switch det := det.(type) {
		case *errdetails.BadRequest:
			for _, v := range det.GetFieldViolations() {
				names = append(names, v.GetField())
			}
		case *errdetails.PreconditionFailure:
			for _, v := range det.GetViolations() {
				names = append(names, v.GetType(), v.GetSubject())
			}
		case *errdetails.ErrorInfo:
			names = append(names, det.GetReason())
		}
	}
	require.Contains(t, names, field, "details: %v", st.Details())
}

func cid(i int) string { return fmt.Sprintf("0010%08d", i) }
