package server_test

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/grpctest"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocstest"
	"github.com/tdkt-vn/tdkt/services/honours/honourstest"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/server"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/store"
)

// recipientKeySecret is the secret honourstest keys its register with:
// the same recipient gets the same key in both services.
const recipientKeySecret = "aG9ub3Vyc3Rlc3QgcmVjaXBpZW50IGtleSBzZWNyZXQhIQ=="

// env is a nominations service over real gRPC on loopback, following the
// units of a real blocs service and reading histories from a real honours
// service; honoursCalls counts the unary calls it made to honours.
type env struct {
	c            nominationsv1.NominationsServiceClient
	conn         *grpc.ClientConn
	blocs        *blocstest.Blocs
	honours      *honourstest.Honours
	honoursCalls atomic.Int64
	clock        *clock
	// server is the handlers, for what no RPC reaches (ResumeConferrals).
	server *server.Server
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// at is 9 o'clock on a day in Vietnam.
func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, civil.Vietnam) }

func start(t *testing.T, dbURL string, b *blocstest.Blocs) *env {
	t.Helper()
	e := &env{blocs: b, clock: &clock{t: at(2024, time.March, 4)}}
	ctx := t.Context()
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "tdkt-nominations-test", LogOutput: io.Discard})
	require.NoError(t, err)
	st, err := store.Open(ctx, dbURL, tel.TracerProvider)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	units, blocsConn := b.Follow(t, tel.Logger)
	signer, err := pagetoken.NewSigner([]byte("0123456789abcdef-test-key"))
	require.NoError(t, err)
	e.honours = honourstest.Start(t, b.Addr)
	honoursConn := grpctest.Dial(t, e.honours.Addr, grpctest.CountCalls(&e.honoursCalls))
	keys, err := recipientkey.ParseKeyring(recipientKeySecret)
	require.NoError(t, err)
	sealer, err := personaldata.NewSealer([]byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	h := server.New(server.Options{Store: st, Units: units, History: server.HonoursHistory{Client: honoursv1.NewHonoursServiceClient(honoursConn)},
		Rankings:  server.BlocsRankings{Client: blocsv1.NewBlocsServiceClient(blocsConn)},
		Decisions: server.HonoursDecisions{Client: honoursv1.NewHonoursServiceClient(honoursConn)},
		Keys:      keys, Sealer: sealer, Cache: cache.NewMemory(1000), Tokens: signer, Log: tel.Logger, Now: e.clock.Now})
	e.server = h
	e.conn = grpctest.Serve(t, grpcserver.Options{Unguarded: true, Telemetry: tel}, func(g *grpc.Server) {
		nominationsv1.RegisterNominationsServiceServer(g, h)
	})
	e.c = nominationsv1.NewNominationsServiceClient(e.conn)
	return e
}

// forEachEngine runs fn on SQLite and, when configured, PostgreSQL, with
// a blocs of its own holding Thái Nguyên, its department of education,
// and Bắc Kạn dissolved into it.
func forEachEngine(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, eng := range sqlstoretest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			b := blocstest.Start(t)
			b.Province("thai-nguyen", "Thái Nguyên")
			b.Province("bac-kan", "Bắc Kạn")
			b.Unit("so-gddt-thai-nguyen", "Sở Giáo dục và Đào tạo tỉnh Thái Nguyên", "Sở GD&ĐT", blocsv1.UnitKind_UNIT_KIND_AGENCY,
				blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, "thai-nguyen")
			b.Dissolve("bac-kan", "thai-nguyen", 2025, 7, 1)
			fn(t, start(t, eng.URL(t), b))
		})
	}
}

func on(y, m, d int32) *date.Date { return &date.Date{Year: y, Month: m, Day: d} }

const (
	proposer  = "units/so-gddt-thai-nguyen"
	authority = "units/thai-nguyen"
	citizenID = "019185001234"
)

func batch() *nominationsv1.Batch {
	return &nominationsv1.Batch{Proposer: proposer, Authority: authority,
		Title: "Tờ trình đề nghị tặng danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2023"}
}

func createBatch(t *testing.T, e *env, id string) *nominationsv1.Batch {
	t.Helper()
	b, err := e.c.CreateBatch(t.Context(), &nominationsv1.CreateBatchRequest{BatchId: id, Batch: batch()})
	require.NoError(t, err)
	return b
}

// teacher is Nguyễn Thị Hoa, a teacher of the department of education.
func teacher() *typev1.Recipient {
	return &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, FullName: "Nguyễn Thị Hoa",
		Gender: typev1.Gender_GENDER_FEMALE, BirthYear: 1985, Position: "Giáo viên", Unit: proposer, CitizenId: citizenID}
}

// cstdTinh nominates teacher for Chiến sĩ thi đua cấp tỉnh 2023, with
// three excellent years and an initiative of provincial scope.
func cstdTinh() *nominationsv1.Nomination {
	return &nominationsv1.Nomination{
		Recipient: teacher(), AwardType: "awardTypes/CSTD_TINH", Period: &typev1.Period{StartYear: 2023, EndYear: 2023},
		Basis:        nominationsv1.Basis_BASIS_MERIT,
		Achievements: "Ba năm liền hoàn thành xuất sắc nhiệm vụ;\nsáng kiến được công nhận cấp tỉnh.",
		Ratings: []*nominationsv1.YearRating{
			{Year: 2021, Rating: nominationsv1.Rating_RATING_EXCELLENT},
			{Year: 2022, Rating: nominationsv1.Rating_RATING_EXCELLENT},
			{Year: 2023, Rating: nominationsv1.Rating_RATING_EXCELLENT},
		},
		Initiatives: []*nominationsv1.Initiative{{Title: "Dạy học theo dự án ở trường trung học cơ sở",
			Scope: nominationsv1.InitiativeScope_INITIATIVE_SCOPE_PROVINCE, Year: 2022, DocumentNumber: "1520/QĐ-SGDĐT"}},
	}
}

// issueCSTDCS confers Chiến sĩ thi đua cơ sở for year on teacher, in the
// honours register.
func issueCSTDCS(t *testing.T, e *env, year int32) {
	t.Helper()
	ctx := t.Context()
	c := e.honours.Client
	d, err := c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{Decision: &honoursv1.Decision{
		Document: &typev1.DocumentRef{Number: fmt.Sprintf("%d/QĐ-SGDĐT", 100+year%100), SignedOn: on(year, 8, 15),
			SignerName: "Phạm Văn Sỹ", SignerTitle: "Giám đốc", Issuer: proposer},
		Title: "Về việc công nhận danh hiệu Chiến sĩ thi đua cơ sở", Authority: proposer,
	}})
	require.NoError(t, err)
	_, err = c.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: d.GetName(), Entries: []*honoursv1.DecisionEntry{{
		Recipient: teacher(), AwardType: "awardTypes/CSTD_CS", Period: &typev1.Period{StartYear: year, EndYear: year},
		Achievements: "Hoàn thành xuất sắc nhiệm vụ năm học",
	}}})
	require.NoError(t, err)
	_, err = c.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: d.GetName()})
	require.NoError(t, err)
}
