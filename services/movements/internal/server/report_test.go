package server_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/grpctest"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// launched creates and launches the movement movements/id.
func launched(t *testing.T, e *env, id string) *movementsv1.Movement {
	t.Helper()
	m, err := e.c.CreateMovement(t.Context(), &movementsv1.CreateMovementRequest{MovementId: id, Movement: movement()})
	require.NoError(t, err)
	m, err = e.c.LaunchMovement(t.Context(), &movementsv1.LaunchMovementRequest{Name: m.GetName()})
	require.NoError(t, err)
	return m
}

// communes creates communes of Thái Nguyên in blocs.
func communes(e *env, ids ...string) {
	for _, id := range ids {
		e.blocs.Unit(id, "Ủy ban nhân dân xã "+id, "", blocsv1.UnitKind_UNIT_KIND_LOCALITY, blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE, "thai-nguyen")
	}
}

func collectiveExemplar(unit string, honours ...string) *movementsv1.Exemplar {
	return &movementsv1.Exemplar{
		Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + unit},
		Field:     "Nông nghiệp", Model: "Dồn điền đổi thửa, cơ giới hóa đồng ruộng",
		RecognizedOn: on(2023, 6, 2), State: movementsv1.ExemplarState_EXEMPLAR_STATE_RECOGNIZED, Honours: honours,
	}
}

// TestExemplarHonours links exemplars to honours of the real honours
// service: each change asks it once, whatever the number of honours; an
// unknown honour is refused naming it; honours down is UNAVAILABLE, and the
// same request succeeds once it is back.
func TestExemplarHonours(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		communes(e, "xa-a", "xa-b", "xa-c")
		hs := e.honours.Issue("qd-946", "thai-nguyen", "", 2023, "xa-a", "xa-b", "xa-c")
		require.Len(t, hs, 3)
		m := launched(t, e, "ntm")

		before := e.honoursCalls.Load()
		got, err := e.c.CreateExemplar(ctx, &movementsv1.CreateExemplarRequest{Parent: m.GetName(), ExemplarId: "xa-a",
			Exemplar: collectiveExemplar("xa-a", hs...)})
		require.NoError(t, err)
		assert.Equal(t, hs, got.GetHonours())
		assert.Equal(t, before+1, e.honoursCalls.Load(), "one batch call for three honours")

		_, err = e.c.CreateExemplar(ctx, &movementsv1.CreateExemplarRequest{Parent: m.GetName(),
			Exemplar: collectiveExemplar("xa-b", hs[1], "honours/khong-co")})
		assert.Equal(t, []string{"exemplar.honours[1]"}, grpctest.Violations(t, err), "the unknown honour is named")
		assert.Contains(t, status.Convert(err).Proto().String(), "honours/khong-co")

		before = e.honoursCalls.Load()
		_, err = e.c.CreateExemplar(ctx, &movementsv1.CreateExemplarRequest{Parent: m.GetName(),
			Exemplar: collectiveExemplar("xa-b", "decisions/qd-946")})
		assert.Equal(t, []string{"exemplar.honours[0]"}, grpctest.Violations(t, err))
		assert.Equal(t, before, e.honoursCalls.Load(), "a malformed name is refused without asking honours")

		// An update naming honours asks once; one that leaves them alone
		// does not ask.
		before = e.honoursCalls.Load()
		up, err := e.c.UpdateExemplar(ctx, &movementsv1.UpdateExemplarRequest{
			Exemplar: &movementsv1.Exemplar{Name: got.GetName(), Honours: hs[:1], Etag: got.GetEtag()}, UpdateMask: mask("honours")})
		require.NoError(t, err)
		assert.Equal(t, hs[:1], up.GetHonours())
		_, err = e.c.UpdateExemplar(ctx, &movementsv1.UpdateExemplarRequest{
			Exemplar: &movementsv1.Exemplar{Name: got.GetName(), Field: "Giảm nghèo"}, UpdateMask: mask("field")})
		require.NoError(t, err)
		assert.Equal(t, before+1, e.honoursCalls.Load())
		_, err = e.c.UpdateExemplar(ctx, &movementsv1.UpdateExemplarRequest{
			Exemplar: &movementsv1.Exemplar{Name: got.GetName(), Honours: []string{"honours/khong-co"}}, UpdateMask: mask("honours")})
		assert.Equal(t, []string{"exemplar.honours[0]"}, grpctest.Violations(t, err))

		// Honours down: UNAVAILABLE, not INTERNAL; the same request
		// succeeds once it is back.
		e.honours.Stop()
		req := &movementsv1.CreateExemplarRequest{Parent: m.GetName(), ExemplarId: "xa-c", Exemplar: collectiveExemplar("xa-c", hs[2]),
			RequestId: "7d0a3c64-5b7e-4f51-9a43-3c0e2f1b6a10"}
		_, err = e.c.CreateExemplar(ctx, req)
		assert.Equal(t, codes.Unavailable, status.Code(err), "%v", err)
		_, err = e.c.UpdateExemplar(ctx, &movementsv1.UpdateExemplarRequest{
			Exemplar: &movementsv1.Exemplar{Name: got.GetName(), Field: "Nông nghiệp"}, UpdateMask: mask("field")})
		assert.NoError(t, err, "a change that names no honour does not need honours")
		e.honours.Restart()
		// The connection to honours reconnects with a backoff: the client
		// retries, with the same request id.
		var again *movementsv1.Exemplar
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			again, err = e.c.CreateExemplar(ctx, req)
			assert.NoError(c, err)
		}, 10*time.Second, 50*time.Millisecond)
		assert.Equal(t, []string{hs[2]}, again.GetHonours())
	})
}

// TestMovementReport checks a report against what was recorded, and that
// each kind of change is seen at once although the report is cached.
func TestMovementReport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		communes(e, "xa-a", "xa-b", "xa-c")
		m := launched(t, e, "ntm")
		other := launched(t, e, "khac")
		report := func() *movementsv1.MovementReport {
			t.Helper()
			r, err := e.c.GetMovementReport(ctx, &movementsv1.GetMovementReportRequest{Name: m.GetName()})
			require.NoError(t, err)
			return r
		}
		empty := report()
		assert.Equal(t, "movements/ntm", empty.GetMovement().GetName())
		assert.Zero(t, empty.GetParticipantCount())
		assert.Empty(t, empty.GetEvents())
		assert.Empty(t, empty.GetExemplars())
		assert.Empty(t, empty.GetHonours())

		_, err := e.c.BatchCreateParticipants(ctx, &movementsv1.BatchCreateParticipantsRequest{Parent: m.GetName(),
			Requests: []*movementsv1.CreateParticipantRequest{
				{Participant: &movementsv1.Participant{Unit: "units/xa-a", RegisteredOn: on(2016, 4, 1)}},
				{Participant: &movementsv1.Participant{Unit: "units/xa-b", RegisteredOn: on(2016, 4, 1)}},
			}})
		require.NoError(t, err)
		assert.EqualValues(t, 2, report().GetParticipantCount(), "participants seen at once")

		midterm := &movementsv1.Event{Kind: movementsv1.EventKind_EVENT_KIND_MIDTERM_REVIEW, Organizer: "units/thai-nguyen",
			Movement: m.GetName(), HeldOn: on(2019, 3, 15), Summary: "Sơ kết 3 năm thực hiện Chỉ thị 11-CT/TU"}
		_, err = e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{EventId: "so-ket", Event: midterm})
		require.NoError(t, err)
		final := &movementsv1.Event{Kind: movementsv1.EventKind_EVENT_KIND_FINAL_REVIEW, Organizer: "units/thai-nguyen",
			Movement: m.GetName(), HeldOn: on(2021, 12, 20), Summary: "Tổng kết Chỉ thị 11-CT/TU"}
		_, err = e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{EventId: "tong-ket", Event: final})
		require.NoError(t, err)
		unrelated := &movementsv1.Event{Kind: movementsv1.EventKind_EVENT_KIND_FINAL_REVIEW, Organizer: "units/thai-nguyen",
			Movement: other.GetName(), HeldOn: on(2021, 12, 21), Summary: "Tổng kết phong trào khác"}
		_, err = e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{EventId: "khac", Event: unrelated})
		require.NoError(t, err)
		r := report()
		assert.EqualValues(t, 2, r.GetEventCount())
		require.Len(t, r.GetEvents(), 2)
		assert.Equal(t, "events/tong-ket", r.GetEvents()[0].GetName(), "newest first")
		assert.Equal(t, "events/so-ket", r.GetEvents()[1].GetName())

		hs := e.honours.Issue("qd-25", "thai-nguyen", m.GetName(), 2022, "xa-a", "xa-b")
		e.honours.Issue("qd-26", "thai-nguyen", other.GetName(), 2022, "xa-c")
		a, err := e.c.CreateExemplar(ctx, &movementsv1.CreateExemplarRequest{Parent: m.GetName(), Exemplar: collectiveExemplar("xa-a", hs[0])})
		require.NoError(t, err)
		proposed := collectiveExemplar("xa-b")
		proposed.State = movementsv1.ExemplarState_EXEMPLAR_STATE_PROPOSED
		_, err = e.c.CreateExemplar(ctx, &movementsv1.CreateExemplarRequest{Parent: m.GetName(), Exemplar: proposed})
		require.NoError(t, err)
		_, err = e.c.CreateExemplar(ctx, &movementsv1.CreateExemplarRequest{Parent: m.GetName(), Exemplar: collectiveExemplar("xa-c")})
		require.NoError(t, err)

		r = report()
		assert.EqualValues(t, 3, r.GetExemplarCount())
		assert.Equal(t, []string{"EXEMPLAR_STATE_PROPOSED:1", "EXEMPLAR_STATE_RECOGNIZED:2"}, stateCounts(r))
		require.Len(t, r.GetHonours(), 1, "only the honours citing this movement")
		assert.Equal(t, "awardTypes/BK_TINH", r.GetHonours()[0].GetAwardType())
		assert.EqualValues(t, 2022, r.GetHonours()[0].GetYear())
		assert.EqualValues(t, 2, r.GetHonours()[0].GetCount())
		assert.EqualValues(t, 2, r.GetHonourCount())
		assert.Positive(t, r.GetHonourRewardVnd())

		_, err = e.c.UpdateExemplar(ctx, &movementsv1.UpdateExemplarRequest{
			Exemplar:   &movementsv1.Exemplar{Name: a.GetName(), State: movementsv1.ExemplarState_EXEMPLAR_STATE_REPLICATED},
			UpdateMask: mask("state")})
		require.NoError(t, err)
		assert.Equal(t, []string{"EXEMPLAR_STATE_PROPOSED:1", "EXEMPLAR_STATE_RECOGNIZED:1", "EXEMPLAR_STATE_REPLICATED:1"},
			stateCounts(report()), "an update is seen at once")

		_, err = e.c.CloseMovement(ctx, &movementsv1.CloseMovementRequest{Name: m.GetName(), ClosingReview: review()})
		require.NoError(t, err)
		assert.Equal(t, movementsv1.MovementState_MOVEMENT_STATE_CLOSED, report().GetMovement().GetState())

		_, err = e.c.GetMovementReport(ctx, &movementsv1.GetMovementReportRequest{Name: "movements/khong-co"})
		assert.Equal(t, codes.NotFound, status.Code(err))
		_, err = e.c.GetMovementReport(ctx, &movementsv1.GetMovementReportRequest{Name: "events/so-ket"})
		assert.Equal(t, codes.InvalidArgument, status.Code(err))

		e.honours.Stop()
		_, err = e.c.GetMovementReport(ctx, &movementsv1.GetMovementReportRequest{Name: m.GetName()})
		assert.Equal(t, codes.Unavailable, status.Code(err), "%v", err)
	})
}

func stateCounts(r *movementsv1.MovementReport) []string {
	var out []string
	for _, c := range r.GetExemplars() {
		out = append(out, c.GetState().String()+":"+strconv.Itoa(int(c.GetCount())))
	}
	return out
}
