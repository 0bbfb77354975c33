package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tdkt-vn/tdkt/platform/grpctest"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// congress is the third patriotic emulation congress of Khối thi đua số 3.
func congress() *movementsv1.Event {
	return &movementsv1.Event{
		Kind: movementsv1.EventKind_EVENT_KIND_CONGRESS, Organizer: "units/thai-nguyen", Group: "groups/khoi-3",
		HeldOn: on(2020, 7, 30), Ordinal: 3,
		Period:    &typev1.DateRange{StartDate: on(2020, 1, 1), EndDate: on(2025, 12, 31)},
		Summary:   "Đại hội thi đua yêu nước lần thứ III Khối thi đua số 3",
		Decisions: []string{"decisions/946-qd-ubnd-2020"},
	}
}

// startWithGroup creates groups/khoi-3 of Thái Nguyên in blocs.
func startWithGroup(t *testing.T, e *env) {
	t.Helper()
	_, err := e.blocs.Client.CreateGroup(t.Context(), &blocsv1.CreateGroupRequest{GroupId: "khoi-3", Group: &blocsv1.Group{
		Kind: blocsv1.GroupKind_GROUP_KIND_BLOC, DisplayName: "Khối thi đua số 3", Organizer: "units/thai-nguyen"}})
	require.NoError(t, err)
}

func TestEvents(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		startWithGroup(t, e)
		m, err := e.c.CreateMovement(ctx, &movementsv1.CreateMovementRequest{MovementId: "ntm", Movement: movement()})
		require.NoError(t, err)
		draft := &movementsv1.Event{Kind: movementsv1.EventKind_EVENT_KIND_MIDTERM_REVIEW, Organizer: "units/thai-nguyen",
			Movement: m.GetName(), HeldOn: on(2018, 7, 29)}
		_, err = e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{Event: draft})
		assert.Contains(t, grpctest.Violations(t, err), "event.movement", "a draft is not public")
		_, err = e.c.LaunchMovement(ctx, &movementsv1.LaunchMovementRequest{Name: m.GetName()})
		require.NoError(t, err)

		c := congress()
		c.Summary = norm.NFD.String(c.GetSummary())
		before := e.blocsCalls.Load()
		got, err := e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{EventId: "dai-hoi-3", Event: c})
		require.NoError(t, err)
		assert.Equal(t, int64(1), e.blocsCalls.Load()-before, "one GetGroup call")
		assert.Equal(t, "events/dai-hoi-3", got.GetName())
		assert.Equal(t, "Đại hội thi đua yêu nước lần thứ III Khối thi đua số 3", got.GetSummary(), "NFC")
		assert.Equal(t, "groups/khoi-3", got.GetGroup())
		assert.EqualValues(t, 2025, got.GetPeriod().GetEndDate().GetYear())
		// A retry with the same request id gets the first answer; reused
		// for another request, it is refused.
		const requestID = "5b0e3c1e-8f4a-4f7e-9a53-2d3c7f1b9e01"
		signing := &movementsv1.Event{Kind: movementsv1.EventKind_EVENT_KIND_COVENANT_SIGNING, Organizer: "units/thai-nguyen",
			Group: "groups/khoi-3", HeldOn: on(2020, 3, 1)}
		signed, err := e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{Event: signing, RequestId: requestID})
		require.NoError(t, err)
		again, err := e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{Event: signing, RequestId: requestID})
		require.NoError(t, err)
		assert.Equal(t, signed.GetName(), again.GetName())
		signing.HeldOn = on(2020, 3, 2)
		_, err = e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{Event: signing, RequestId: requestID})
		assert.Equal(t, codes.AlreadyExists, status.Code(err), "%v", err)
		read, err := e.c.GetEvent(ctx, &movementsv1.GetEventRequest{Name: got.GetName()})
		require.NoError(t, err)
		assert.Equal(t, got.GetDecisions(), read.GetDecisions())

		// The third congress of the bloc exists: another organizer's third
		// congress of the same bloc is a duplicate, naming it.
		e.blocs.Unit("so-noi-vu", "Sở Nội vụ tỉnh Thái Nguyên", "Sở Nội vụ", blocsv1.UnitKind_UNIT_KIND_AGENCY,
			blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, "thai-nguyen")
		dup := congress()
		dup.Organizer = "units/so-noi-vu"
		_, err = e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{Event: dup})
		require.Equal(t, codes.AlreadyExists, status.Code(err), "%v", err)
		assert.Contains(t, err.Error(), "events/dai-hoi-3")
		// Without a group, the ordinal is the organizer's own.
		own := congress()
		own.Group = ""
		_, err = e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{EventId: "dai-hoi-tinh-3", Event: own})
		require.NoError(t, err)
		_, err = e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{Event: own})
		require.Equal(t, codes.AlreadyExists, status.Code(err), "%v", err)
		assert.Contains(t, err.Error(), "events/dai-hoi-tinh-3")
		// Reviews repeat ordinals freely.
		review := &movementsv1.Event{Kind: movementsv1.EventKind_EVENT_KIND_FINAL_REVIEW, Organizer: "units/thai-nguyen",
			Movement: m.GetName(), HeldOn: on(2020, 7, 29), Ordinal: 3, Summary: "Tổng kết Khối các cơ quan Đảng"}
		for _, id := range []string{"tong-ket-a", "tong-ket-b"} {
			_, err = e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{EventId: id, Event: review})
			require.NoError(t, err)
		}

		// Newest first, a page at a time, with filters.
		list, err := e.c.ListEvents(ctx, &movementsv1.ListEventsRequest{PageSize: 2})
		require.NoError(t, err)
		assert.EqualValues(t, 5, list.GetTotalSize())
		require.Len(t, list.GetEvents(), 2)
		assert.Equal(t, "events/dai-hoi-tinh-3", list.GetEvents()[0].GetName())
		assert.Equal(t, "events/dai-hoi-3", list.GetEvents()[1].GetName())
		next, err := e.c.ListEvents(ctx, &movementsv1.ListEventsRequest{PageSize: 2, PageToken: list.GetNextPageToken()})
		require.NoError(t, err)
		require.Len(t, next.GetEvents(), 2)
		assert.Equal(t, "events/tong-ket-b", next.GetEvents()[0].GetName())
		assert.NotEmpty(t, next.GetNextPageToken())
		last, err := e.c.ListEvents(ctx, &movementsv1.ListEventsRequest{PageSize: 2, PageToken: next.GetNextPageToken()})
		require.NoError(t, err)
		require.Len(t, last.GetEvents(), 1)
		assert.Equal(t, signed.GetName(), last.GetEvents()[0].GetName(), "the oldest last")
		assert.Empty(t, last.GetNextPageToken())
		_, err = e.c.ListEvents(ctx, &movementsv1.ListEventsRequest{PageSize: 2, Year: 2020, PageToken: list.GetNextPageToken()})
		assert.Equal(t, codes.InvalidArgument, status.Code(err), "a token of another request")
		for _, tc := range []struct {
			req  *movementsv1.ListEventsRequest
			want int32
		}{
			{&movementsv1.ListEventsRequest{Kind: movementsv1.EventKind_EVENT_KIND_CONGRESS}, 2},
			{&movementsv1.ListEventsRequest{Group: "groups/khoi-3"}, 2},
			{&movementsv1.ListEventsRequest{Movement: m.GetName()}, 2},
			{&movementsv1.ListEventsRequest{Organizer: "units/thai-nguyen", Year: 2020}, 5},
			{&movementsv1.ListEventsRequest{Year: 2021}, 0},
			{&movementsv1.ListEventsRequest{Organizer: "units/bac-kan"}, 0},
		} {
			got, err := e.c.ListEvents(ctx, tc.req)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.GetTotalSize(), "%v", tc.req)
		}
	})
}

func TestEventHostileInput(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		startWithGroup(t, e)
		create := func(change func(ev *movementsv1.Event)) error {
			ev := congress()
			change(ev)
			_, err := e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{Event: ev})
			return err
		}
		assert.Contains(t, grpctest.Violations(t, create(func(ev *movementsv1.Event) { ev.Period.EndDate = on(2019, 12, 31) })), "event.period.endDate")
		assert.Contains(t, grpctest.Violations(t, create(func(ev *movementsv1.Event) { ev.Period.StartDate = nil })), "event.period.startDate")
		assert.Contains(t, grpctest.Violations(t, create(func(ev *movementsv1.Event) { ev.HeldOn = on(2020, 2, 30) })), "event.heldOn")
		assert.Contains(t, grpctest.Violations(t, create(func(ev *movementsv1.Event) { ev.HeldOn = nil })), "event.heldOn")
		assert.Contains(t, grpctest.Violations(t, create(func(ev *movementsv1.Event) { ev.Kind = 0 })), "event.kind")
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(ev *movementsv1.Event) { ev.Kind = 99 })))
		assert.Contains(t, grpctest.Violations(t, create(func(ev *movementsv1.Event) { ev.Ordinal = 0 })), "event.ordinal")
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(ev *movementsv1.Event) { ev.Ordinal = -3 })))
		assert.Contains(t, grpctest.Violations(t, create(func(ev *movementsv1.Event) { ev.Organizer = "" })), "event.organizer")
		assert.Contains(t, grpctest.Violations(t, create(func(ev *movementsv1.Event) { ev.Organizer = "units/khong-co" })), "event.organizer")
		err := create(func(ev *movementsv1.Event) { ev.Organizer = "units/bac-kan" })
		assert.Contains(t, grpctest.Violations(t, err), "event.organizer")
		assert.Contains(t, err.Error(), "units/thai-nguyen", "names the successor")
		assert.Contains(t, grpctest.Violations(t, create(func(ev *movementsv1.Event) { ev.Group = "groups/khong-co" })), "event.group")
		assert.Contains(t, grpctest.Violations(t, create(func(ev *movementsv1.Event) { ev.Movement = "movements/khong-co" })), "event.movement")
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(ev *movementsv1.Event) { ev.Decisions = []string{"honours/946"} })))
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(ev *movementsv1.Event) { ev.Group = "units/thai-nguyen" })))
		assert.Contains(t, grpctest.Violations(t, create(func(ev *movementsv1.Event) {
			ev.Decisions = []string{"decisions/a", "decisions/a"}
		})), "event.decisions[1]")
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(ev *movementsv1.Event) { ev.Summary = strings.Repeat("á", 8001) })))
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(ev *movementsv1.Event) { ev.Summary = "Đại\x00hội" })))
		inner := protowire.AppendString(protowire.AppendTag(nil, 9, protowire.BytesType), "\xe0\xe0")
		raw := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), inner)
		err = grpctest.InvokeRaw(ctx, e.conn, movementsv1.MovementsService_CreateEvent_FullMethodName, raw)
		assert.Equal(t, codes.InvalidArgument, status.Code(err), "invalid UTF-8: %v", err)

		_, err = e.c.GetEvent(ctx, &movementsv1.GetEventRequest{Name: "events/khong-co"})
		assert.Equal(t, codes.NotFound, status.Code(err))
		_, err = e.c.GetEvent(ctx, &movementsv1.GetEventRequest{Name: "movements/x"})
		assert.Equal(t, codes.InvalidArgument, status.Code(err))
		_, err = e.c.ListEvents(ctx, &movementsv1.ListEventsRequest{PageToken: "rác"})
		assert.Equal(t, codes.InvalidArgument, status.Code(err))

		// blocs down: an event with a group is Unavailable, never Internal;
		// one without a group is served from the unit mirror.
		e.blocs.Stop()
		err = create(func(*movementsv1.Event) {})
		assert.Equal(t, codes.Unavailable, status.Code(err), "%v", err)
		_, err = e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{Event: &movementsv1.Event{
			Kind: movementsv1.EventKind_EVENT_KIND_OTHER, Organizer: "units/thai-nguyen", HeldOn: on(2021, 1, 1)}})
		assert.NoError(t, err)
	})
}

// A dissolved organizer's events are listed under its successor.
func TestEventsOfDissolvedOrganizer(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		e.blocs.Unit("dai-tu", "Xã Đại Từ", "Đại Từ", blocsv1.UnitKind_UNIT_KIND_LOCALITY, blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE, "thai-nguyen")
		_, err := e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{EventId: "dai-tu-dai-hoi-2", Event: &movementsv1.Event{
			Kind: movementsv1.EventKind_EVENT_KIND_CONGRESS, Organizer: "units/dai-tu", HeldOn: on(2020, 6, 1), Ordinal: 2}})
		require.NoError(t, err)
		e.blocs.Dissolve("dai-tu", "thai-nguyen", 2025, 7, 1)
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			list, err := e.c.ListEvents(ctx, &movementsv1.ListEventsRequest{Organizer: "units/thai-nguyen"})
			if assert.NoError(c, err) && assert.Len(c, list.GetEvents(), 1) {
				assert.Equal(c, "units/dai-tu", list.GetEvents()[0].GetOrganizer())
			}
		}, 5*time.Second, 10*time.Millisecond)
		// A dissolved unit organizes nothing more.
		_, err = e.c.CreateEvent(ctx, &movementsv1.CreateEventRequest{Event: &movementsv1.Event{
			Kind: movementsv1.EventKind_EVENT_KIND_OTHER, Organizer: "units/dai-tu", HeldOn: on(2025, 8, 1)}})
		assert.Contains(t, grpctest.Violations(t, err), "event.organizer")
	})
}
