package server_test

import (
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/grpctest"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocstest"
	"github.com/tdkt-vn/tdkt/services/honours/honourstest"
	"github.com/tdkt-vn/tdkt/services/movements/internal/server"
	"github.com/tdkt-vn/tdkt/services/movements/internal/store"
)

// env is a movements service over real gRPC on loopback, following the
// units of a real blocs service; blocsCalls counts the unary calls it made
// to blocs.
type env struct {
	c          movementsv1.MovementsServiceClient
	conn       *grpc.ClientConn
	blocs      *blocstest.Blocs
	blocsCalls atomic.Int64
	// honours is a real honours service; honoursCalls counts the unary
	// calls movements made to it.
	honours      *honourstest.Honours
	honoursCalls atomic.Int64
}

func start(t *testing.T, dbURL string, b *blocstest.Blocs) *env {
	t.Helper()
	e := &env{blocs: b}
	ctx := t.Context()
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "tdkt-movements-test", LogOutput: io.Discard})
	require.NoError(t, err)
	st, err := store.Open(ctx, dbURL, tel.TracerProvider)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	units, blocsConn := b.Follow(t, tel.Logger, grpctest.CountCalls(&e.blocsCalls))
	signer, err := pagetoken.NewSigner([]byte("0123456789abcdef-test-key"))
	require.NoError(t, err)
	e.honours = honourstest.Start(t, b.Addr)
	honoursConn := grpctest.Dial(t, e.honours.Addr, grpctest.CountCalls(&e.honoursCalls))
	h := server.New(server.Options{Store: st, Units: units, Groups: server.BlocsGroups{Client: blocsv1.NewBlocsServiceClient(blocsConn)},
		Honours: server.HonoursService{Client: honoursv1.NewHonoursServiceClient(honoursConn)}, Cache: cache.NewMemory(1000), Tokens: signer, Log: tel.Logger})
	e.conn = grpctest.Serve(t, grpcserver.Options{Unguarded: true, Telemetry: tel}, func(g *grpc.Server) {
		movementsv1.RegisterMovementsServiceServer(g, h)
	})
	e.c = movementsv1.NewMovementsServiceClient(e.conn)
	return e
}

// forEachEngine runs fn on SQLite and, when configured, PostgreSQL, with
// a blocs of its own holding Thái Nguyên, Bắc Kạn dissolved into it, and
// communes of Thái Nguyên.
func forEachEngine(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, eng := range sqlstoretest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			b := blocstest.Start(t)
			b.Province("thai-nguyen", "Thái Nguyên")
			b.Province("bac-kan", "Bắc Kạn")
			b.Dissolve("bac-kan", "thai-nguyen", 2025, 7, 1)
			fn(t, start(t, eng.URL(t), b))
		})
	}
}

func on(y, m, d int32) *date.Date { return &date.Date{Year: y, Month: m, Day: d} }

func movement() *movementsv1.Movement {
	return &movementsv1.Movement{
		Title: "Thái Nguyên chung sức xây dựng nông thôn mới", Kind: movementsv1.MovementKind_MOVEMENT_KIND_THEMATIC,
		LaunchedBy: "units/thai-nguyen",
		LaunchDocument: &typev1.DocumentRef{Number: "11-CT/TU", SignedOn: on(2016, 3, 1), SignerName: "Trần Quốc Tỏ",
			SignerTitle: "Bí thư", Issuer: "units/thai-nguyen"},
		Period:     &typev1.DateRange{StartDate: on(2016, 1, 1), EndDate: on(2020, 12, 31)},
		Objectives: "Xây dựng nông thôn mới\nbền vững",
		Criteria:   []string{"Hoàn thành chỉ tiêu", "Có mô hình mới"},
	}
}

func TestLifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		m, err := e.c.CreateMovement(ctx, &movementsv1.CreateMovementRequest{MovementId: "chi-thi-11", Movement: movement()})
		require.NoError(t, err)
		assert.Equal(t, movementsv1.MovementState_MOVEMENT_STATE_DRAFT, m.GetState())
		assert.Equal(t, "11-CT/TU", m.GetLaunchDocument().GetNumber())

		_, err = e.c.CreateMovement(ctx, &movementsv1.CreateMovementRequest{MovementId: "chi-thi-11", Movement: movement()})
		assert.Equal(t, codes.AlreadyExists, status.Code(err))

		// Closing a draft, then launching, then editing what the launch fixed.
		_, err = e.c.CloseMovement(ctx, &movementsv1.CloseMovementRequest{Name: m.GetName(), ClosingReview: review()})
		assert.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
		launched, err := e.c.LaunchMovement(ctx, &movementsv1.LaunchMovementRequest{Name: m.GetName(), Etag: m.GetEtag()})
		require.NoError(t, err)
		assert.Equal(t, movementsv1.MovementState_MOVEMENT_STATE_ACTIVE, launched.GetState())
		got, err := e.c.GetMovement(ctx, &movementsv1.GetMovementRequest{Name: m.GetName()})
		require.NoError(t, err)
		assert.Equal(t, movementsv1.MovementState_MOVEMENT_STATE_ACTIVE, got.GetState(), "the cache was invalidated")

		changed := movement()
		changed.Name = m.GetName()
		changed.Period.StartDate = on(2016, 2, 1)
		_, err = e.c.UpdateMovement(ctx, &movementsv1.UpdateMovementRequest{Movement: changed, UpdateMask: mask("period")})
		assert.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
		changed = &movementsv1.Movement{Name: m.GetName(), Title: "Thái Nguyên chung sức xây dựng nông thôn mới giai đoạn 2016–2020", Etag: `"1"`}
		_, err = e.c.UpdateMovement(ctx, &movementsv1.UpdateMovementRequest{Movement: changed, UpdateMask: mask("title")})
		assert.Equal(t, codes.Aborted, status.Code(err), "a stale etag")
		changed.Etag = launched.GetEtag()
		updated, err := e.c.UpdateMovement(ctx, &movementsv1.UpdateMovementRequest{Movement: changed, UpdateMask: mask("title")})
		require.NoError(t, err)
		assert.Equal(t, changed.GetTitle(), updated.GetTitle())
		assert.Equal(t, "11-CT/TU", updated.GetLaunchDocument().GetNumber(), "outside the mask: untouched")

		closed, err := e.c.CloseMovement(ctx, &movementsv1.CloseMovementRequest{Name: m.GetName(), ClosingReview: review()})
		require.NoError(t, err)
		assert.Equal(t, movementsv1.MovementState_MOVEMENT_STATE_CLOSED, closed.GetState())
		assert.Equal(t, "Tổng kết 5 năm thực hiện Chỉ thị 11", closed.GetClosingReview().GetSummary())
		_, err = e.c.LaunchMovement(ctx, &movementsv1.LaunchMovementRequest{Name: m.GetName()})
		assert.Equal(t, codes.FailedPrecondition, status.Code(err), "launching a closed movement")
		_, err = e.c.CreateParticipant(ctx, &movementsv1.CreateParticipantRequest{Parent: m.GetName(),
			Participant: &movementsv1.Participant{Unit: "units/thai-nguyen", RegisteredOn: on(2016, 4, 1)}})
		assert.Equal(t, codes.FailedPrecondition, status.Code(err), "joining a closed movement")
	})
}

func review() *movementsv1.ClosingReview {
	return &movementsv1.ClosingReview{Document: &typev1.DocumentRef{Number: "25-BC/TU", SignedOn: on(2021, 3, 1), Issuer: "units/thai-nguyen"},
		Summary: "Tổng kết 5 năm thực hiện Chỉ thị 11"}
}

func TestHostileInput(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		create := func(change func(m *movementsv1.Movement)) error {
			m := movement()
			change(m)
			_, err := e.c.CreateMovement(ctx, &movementsv1.CreateMovementRequest{Movement: m})
			return err
		}
		assert.Contains(t, grpctest.Violations(t, create(func(m *movementsv1.Movement) { m.Period.EndDate = on(2015, 12, 31) })), "movement.period.endDate")
		assert.Contains(t, grpctest.Violations(t, create(func(m *movementsv1.Movement) { m.Period.StartDate = on(2016, 2, 30) })), "movement.period.startDate")
		assert.Contains(t, grpctest.Violations(t, create(func(m *movementsv1.Movement) { m.LaunchedBy = "units/khong-co" })), "movement.launchedBy")
		err := create(func(m *movementsv1.Movement) { m.LaunchedBy = "units/bac-kan" })
		assert.Contains(t, grpctest.Violations(t, err), "movement.launchedBy")
		assert.Contains(t, err.Error(), "units/thai-nguyen", "names the successor")
		// Invalid UTF-8 and oversized or control-laden text.
		inner := protowire.AppendString(protowire.AppendTag(nil, 2, protowire.BytesType), "Phong tr\xe0o")
		raw := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), inner)
		err = grpctest.InvokeRaw(ctx, e.conn, movementsv1.MovementsService_CreateMovement_FullMethodName, raw)
		assert.Equal(t, codes.InvalidArgument, status.Code(err), "invalid UTF-8: %v", err)
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(m *movementsv1.Movement) { m.Title = strings.Repeat("á", 501) })))
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(m *movementsv1.Movement) { m.Title = "Phong\ttrào" })))
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(m *movementsv1.Movement) { m.Objectives = strings.Repeat("x", 8001) })))
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(m *movementsv1.Movement) { m.Criteria = []string{"a\x00b"} })))

		m, err := e.c.CreateMovement(ctx, &movementsv1.CreateMovementRequest{MovementId: "vi-nguoi-ngheo", Movement: movement()})
		require.NoError(t, err)
		part := func(unit string) *movementsv1.CreateParticipantRequest {
			return &movementsv1.CreateParticipantRequest{Participant: &movementsv1.Participant{Unit: unit, RegisteredOn: on(2016, 4, 1),
				Commitment: "Phấn đấu hoàn thành"}}
		}
		r := part("units/thai-nguyen")
		r.Parent = m.GetName()
		p, err := e.c.CreateParticipant(ctx, r)
		require.NoError(t, err)
		assert.Equal(t, m.GetName()+"/participants/thai-nguyen", p.GetName())
		_, err = e.c.CreateParticipant(ctx, r)
		require.Equal(t, codes.AlreadyExists, status.Code(err), "a duplicate participant: %v", err)
		assert.Contains(t, err.Error(), p.GetName())
		r = part("units/khong-co")
		r.Parent = m.GetName()
		_, err = e.c.CreateParticipant(ctx, r)
		assert.Contains(t, grpctest.Violations(t, err), "participant.unit")
		_, err = e.c.BatchCreateParticipants(ctx, &movementsv1.BatchCreateParticipantsRequest{Parent: m.GetName(),
			Requests: []*movementsv1.CreateParticipantRequest{part("units/bac-kan")}})
		assert.Contains(t, grpctest.Violations(t, err), "requests[0].participant.unit")
	})
}

// Adding 500 participants in one call checks them in the unit mirror:
// no call to blocs.
func TestBatchOf500MakesNoCallToBlocs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		var reqs []*movementsv1.CreateParticipantRequest
		for i := range 500 {
			id := fmt.Sprintf("xa-%03d", i)
			e.blocs.Unit(id, fmt.Sprintf("Xã số %d", i), "", blocsv1.UnitKind_UNIT_KIND_LOCALITY, blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE, "thai-nguyen")
			reqs = append(reqs, &movementsv1.CreateParticipantRequest{Participant: &movementsv1.Participant{
				Unit: "units/" + id, RegisteredOn: on(2016, 4, 1)}})
		}
		m, err := e.c.CreateMovement(ctx, &movementsv1.CreateMovementRequest{Movement: movement()})
		require.NoError(t, err)
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			_, err := e.c.ListMovements(ctx, &movementsv1.ListMovementsRequest{})
			assert.NoError(c, err)
		}, 5*time.Second, 10*time.Millisecond)
		time.Sleep(200 * time.Millisecond) // the mirror follows the 500 units
		before := e.blocsCalls.Load()
		resp, err := e.c.BatchCreateParticipants(ctx, &movementsv1.BatchCreateParticipantsRequest{Parent: m.GetName(), Requests: reqs})
		require.NoError(t, err)
		require.Len(t, resp.GetParticipants(), 500)
		assert.Equal(t, before, e.blocsCalls.Load(), "no call to blocs")

		// Listed in Vietnamese order, a page at a time.
		page, err := e.c.ListParticipants(ctx, &movementsv1.ListParticipantsRequest{Parent: m.GetName(), PageSize: 2})
		require.NoError(t, err)
		assert.EqualValues(t, 500, page.GetTotalSize())
		require.Len(t, page.GetParticipants(), 2)
		assert.Equal(t, "Xã số 0", page.GetParticipants()[0].GetUnitDisplayName())
		next, err := e.c.ListParticipants(ctx, &movementsv1.ListParticipantsRequest{Parent: m.GetName(), PageSize: 2, PageToken: page.GetNextPageToken()})
		require.NoError(t, err)
		assert.NotEqual(t, page.GetParticipants()[1].GetName(), next.GetParticipants()[0].GetName())
		got, err := e.c.GetMovement(ctx, &movementsv1.GetMovementRequest{Name: m.GetName()})
		require.NoError(t, err)
		assert.EqualValues(t, 500, got.GetParticipantCount())
	})
}

func TestListMovements(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		for id, title := range map[string]string{"an-ninh": "Toàn dân bảo vệ an ninh Tổ quốc", "ngheo": "Chung tay vì người nghèo", "ntm": "Thái Nguyên chung sức xây dựng nông thôn mới"} {
			m := movement()
			m.Title = title
			_, err := e.c.CreateMovement(ctx, &movementsv1.CreateMovementRequest{MovementId: id, Movement: m})
			require.NoError(t, err)
		}
		_, err := e.c.LaunchMovement(ctx, &movementsv1.LaunchMovementRequest{Name: "movements/ntm"})
		require.NoError(t, err)
		list, err := e.c.ListMovements(ctx, &movementsv1.ListMovementsRequest{Query: "NONG THON"})
		require.NoError(t, err)
		require.Len(t, list.GetMovements(), 1)
		assert.Equal(t, "movements/ntm", list.GetMovements()[0].GetName())
		list, err = e.c.ListMovements(ctx, &movementsv1.ListMovementsRequest{State: movementsv1.MovementState_MOVEMENT_STATE_DRAFT, PageSize: 1})
		require.NoError(t, err)
		assert.EqualValues(t, 2, list.GetTotalSize())
		assert.Equal(t, "movements/ngheo", list.GetMovements()[0].GetName(), "Vietnamese order: Chung before Toàn")
		list, err = e.c.ListMovements(ctx, &movementsv1.ListMovementsRequest{Year: 2021})
		require.NoError(t, err)
		assert.Empty(t, list.GetMovements())
		list, err = e.c.ListMovements(ctx, &movementsv1.ListMovementsRequest{LaunchedBy: "units/thai-nguyen", Year: 2018})
		require.NoError(t, err)
		assert.EqualValues(t, 3, list.GetTotalSize())
	})
}
