package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/rpcerr"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// The access matrix calls every RPC of every service, found from the
// services' descriptors, as each role in its own province (A, whose
// resources every call names), in another province (B) and anonymously,
// over gRPC to the service processes, and compares what the services
// answer with what the policy (platform/policy) decides for the same
// caller and resource. A leak is a call the policy refuses that the
// service answered, or an answer that shows what its caller may not see:
// a draft of A to a caller that does not cover A, a batch or nomination
// to a caller that covers neither its proposer nor its authority, a clear
// citizen id to anyone but a PII_READER of A (of the batch's proposer or
// authority, for a nomination's). A method without a rule, or without a
// request below, fails the test.

const (
	provA = "tinh-a"
	provB = "tinh-b"
	bs    = "/tdkt.blocs.v1.BlocsService/"
	hs    = "/tdkt.honours.v1.HonoursService/"
	ms    = "/tdkt.movements.v1.MovementsService/"
)

// world is what the matrix acts on: A's and B's units, groups, decisions
// and honours, created by a central administrator, and whom each belongs
// to (for the policy's expectation).
type world struct {
	t           *testing.T
	blocs       blocsv1.BlocsServiceClient
	honours     honoursv1.HonoursServiceClient
	movements   movementsv1.MovementsServiceClient
	nominations nominationsv1.NominationsServiceClient
	admin       context.Context
	n           atomic.Int64
	owners      map[string]policy.Owner // resource name -> owner
	units       map[string]string       // unit id -> its province
	honourA     string                  // an honour on A's issued decision
	agencyA     string                  // the agency of A that proposes A's batches
	hidden      hiddenNames             // batches and nominations, seen by their owners' readers only
}

func (w *world) next(prefix string) string { return fmt.Sprintf("%s-%d", prefix, w.n.Add(1)) }

// Owner and Covers/Covered make w the policy's model of the world.
func (w *world) Owner(_ context.Context, name string) (policy.Owner, error) {
	for prefix, o := range w.owners {
		if name == prefix || strings.HasPrefix(name, prefix+"/") {
			return o, nil
		}
	}
	return policy.Owner{}, &domainerr.NotFoundError{Name: name}
}

func (w *world) Covers(_ context.Context, grant, id string) (bool, error) {
	return grant == id || w.units[id] == grant, nil
}

func (w *world) Covered(_ context.Context, grant string) ([]string, error) {
	var out []string
	for id, p := range w.units {
		if p == grant || id == grant {
			out = append(out, id)
		}
	}
	return out, nil
}

func on(y, m, d int32) *date.Date { return &date.Date{Year: y, Month: m, Day: d} }

func (w *world) unit(parent string) string {
	t := w.t
	id := w.next("xa")
	_, err := w.blocs.CreateUnit(w.admin, &blocsv1.CreateUnitRequest{UnitId: id, Unit: &blocsv1.Unit{
		DisplayName: "Xã " + id, Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE,
		Parent: "units/" + parent, Province: "units/" + parent,
	}})
	require.NoError(t, err)
	w.units[id] = parent
	return id
}

func (w *world) province(id, name string) {
	_, err := w.blocs.CreateUnit(w.admin, &blocsv1.CreateUnitRequest{UnitId: id, Unit: &blocsv1.Unit{
		DisplayName: "Tỉnh " + name, ShortName: name,
		Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE,
	}})
	require.NoError(w.t, err)
	w.units[id] = id
}

// group creates a group of prov with two members, a term and a covenant
// for 2025.
func (w *world) group(prov string) string {
	t := w.t
	id := w.next("khoi")
	g, err := w.blocs.CreateGroup(w.admin, &blocsv1.CreateGroupRequest{GroupId: id, Group: &blocsv1.Group{
		Kind: blocsv1.GroupKind_GROUP_KIND_BLOC, DisplayName: "Khối thi đua " + id, Organizer: "units/" + prov,
	}})
	require.NoError(t, err)
	w.owners[g.GetName()] = policy.Owner{Unit: prov, Public: true}
	members := []string{w.unit(prov), w.unit(prov)}
	for _, m := range members {
		_, err := w.blocs.CreateMembership(w.admin, &blocsv1.CreateMembershipRequest{Parent: g.GetName(), MembershipId: m,
			Membership: &blocsv1.Membership{Unit: "units/" + m, JoinedOn: on(2024, 1, 1)}})
		require.NoError(t, err)
	}
	_, err = w.blocs.CreateTerm(w.admin, &blocsv1.CreateTermRequest{Parent: g.GetName(), TermId: "2025",
		Term: &blocsv1.Term{Head: "units/" + members[0], Deputy: "units/" + members[1]}})
	require.NoError(t, err)
	_, err = w.blocs.CreateCovenant(w.admin, &blocsv1.CreateCovenantRequest{Parent: g.GetName(), CovenantId: "2025",
		Covenant: &blocsv1.Covenant{
			Criteria:    []*blocsv1.Criterion{{Id: "tdkt", Title: "Công tác thi đua, khen thưởng", MaxPoints: 100}},
			SignedOn:    on(2025, 3, 1),
			Signatories: []string{"units/" + members[0], "units/" + members[1]},
		}})
	require.NoError(t, err)
	return g.GetName()
}

// draft creates a draft decision of prov with one person on it.
func (w *world) draft(prov string) string {
	t := w.t
	id := w.next("qd")
	d, err := w.honours.CreateDecision(w.admin, &honoursv1.CreateDecisionRequest{DecisionId: id, Decision: &honoursv1.Decision{
		Document: &typev1.DocumentRef{Number: id + "/QĐ-UBND", SignedOn: on(2025, 6, 1), SignerName: "Nguyễn Văn Bình",
			SignerTitle: "Chủ tịch", Issuer: "units/" + prov},
		Title:     "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
		Authority: "units/" + prov,
	}})
	require.NoError(t, err)
	w.owners[d.GetName()] = policy.Owner{Unit: prov}
	_, err = w.honours.AddDecisionEntries(w.admin, &honoursv1.AddDecisionEntriesRequest{Name: d.GetName(),
		Entries: []*honoursv1.DecisionEntry{w.entry(prov)}})
	require.NoError(t, err)
	return d.GetName()
}

func (w *world) entry(prov string) *honoursv1.DecisionEntry {
	return &honoursv1.DecisionEntry{
		Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, FullName: "Đặng Thị Ước",
			CitizenId: fmt.Sprintf("001190%06d", w.n.Add(1)), Gender: typev1.Gender_GENDER_FEMALE, Position: "Chuyên viên", BirthYear: 1980, Unit: "units/" + prov},
		AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2024, EndYear: 2024},
		Achievements: "Đã có thành tích xuất sắc trong phong trào thi đua yêu nước",
	}
}

// issued creates and issues a decision of prov; it returns the decision
// and its honour.
func (w *world) issued(prov string) (string, string) {
	t := w.t
	name := w.draft(prov)
	_, err := w.honours.IssueDecision(w.admin, &honoursv1.IssueDecisionRequest{Name: name})
	require.NoError(t, err)
	w.owners[name] = policy.Owner{Unit: prov, Public: true}
	hs, err := w.honours.ListHonours(w.admin, &honoursv1.ListHonoursRequest{Authority: "units/" + prov, PageSize: 1000})
	require.NoError(t, err)
	for _, h := range hs.GetHonours() {
		if h.GetDecision() == name {
			w.owners[h.GetName()] = policy.Owner{Unit: prov, Public: true}
			return name, h.GetName()
		}
	}
	t.Fatalf("no honour on %s", name)
	return "", ""
}

// movement creates a movement of prov, launched or a draft, with one of
// prov's communes taking part.
func (w *world) movement(prov string, launched bool) string {
	t := w.t
	m, err := w.movements.CreateMovement(w.admin, &movementsv1.CreateMovementRequest{MovementId: w.next("pt"), Movement: &movementsv1.Movement{
		Title: "Chung sức xây dựng nông thôn mới", Kind: movementsv1.MovementKind_MOVEMENT_KIND_THEMATIC, LaunchedBy: "units/" + prov,
		LaunchDocument: &typev1.DocumentRef{Number: "11-CT/TU", SignedOn: on(2016, 3, 1), SignerName: "Trần Quốc Tỏ",
			SignerTitle: "Bí thư", Issuer: "units/" + prov},
		Period: &typev1.DateRange{StartDate: on(2016, 3, 1), EndDate: on(2020, 12, 31)},
	}})
	require.NoError(t, err)
	w.owners[m.GetName()] = policy.Owner{Unit: prov, Public: launched}
	_, err = w.movements.CreateParticipant(w.admin, &movementsv1.CreateParticipantRequest{Parent: m.GetName(),
		Participant: &movementsv1.Participant{Unit: "units/" + w.unit(prov), RegisteredOn: on(2016, 4, 1)}})
	require.NoError(t, err)
	if launched {
		_, err := w.movements.LaunchMovement(w.admin, &movementsv1.LaunchMovementRequest{Name: m.GetName()})
		require.NoError(t, err)
	}
	return m.GetName()
}

// event records the congress of prov's group, in movement (launched):
// public, like every event.
func (w *world) event(prov, group, movement string) string {
	e, err := w.movements.CreateEvent(w.admin, &movementsv1.CreateEventRequest{EventId: w.next("dai-hoi"), Event: &movementsv1.Event{
		Kind: movementsv1.EventKind_EVENT_KIND_CONGRESS, Organizer: "units/" + prov, Group: group, Movement: movement,
		HeldOn: on(2020, 7, 30), Ordinal: 3, Period: &typev1.DateRange{StartDate: on(2020, 1, 1), EndDate: on(2025, 12, 31)},
		Summary: "Đại hội thi đua yêu nước lần thứ III"}})
	require.NoError(w.t, err)
	w.owners[e.GetName()] = policy.Owner{Unit: prov, Public: true}
	return e.GetName()
}

// exemplar records an exemplar of movement, a collective: one of prov's
// communes. It is the movement's: public once the movement is launched.
func (w *world) exemplar(prov, movement string) string {
	e, err := w.movements.CreateExemplar(w.admin, &movementsv1.CreateExemplarRequest{Parent: movement, ExemplarId: w.next("dh"),
		Exemplar: &movementsv1.Exemplar{Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE,
			Unit: "units/" + w.unit(prov)}, Field: "Nông nghiệp", Model: "Dồn điền đổi thửa, cơ giới hóa đồng ruộng"}})
	require.NoError(w.t, err)
	return e.GetName()
}

func revocation() *typev1.DocumentRef {
	return &typev1.DocumentRef{Number: "9/QĐ-UBND", SignedOn: on(2025, 9, 1), SignerName: "Nguyễn Văn Bình",
		SignerTitle: "Chủ tịch", Issuer: "units/" + provA}
}

// call is one RPC made by a caller.
type call func(ctx context.Context) (proto.Message, []byte, error)

func unary[Req, Resp proto.Message](fn func(context.Context, Req, ...grpc.CallOption) (Resp, error), req Req) (proto.Message, call) {
	return req, func(ctx context.Context) (proto.Message, []byte, error) {
		resp, err := fn(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		return resp, nil, nil
	}
}

// serverStream reads a server stream to its end (or its first message,
// for a watch) and returns what it sent.
func serverStream[Req proto.Message, Msg any, PMsg interface {
	*Msg
	proto.Message
}](open func(context.Context, Req, ...grpc.CallOption) (grpc.ServerStreamingClient[Msg], error), req Req, first bool) (proto.Message, call) {
	return req, func(ctx context.Context) (proto.Message, []byte, error) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		s, err := open(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		var all []byte
		for {
			m, err := s.Recv()
			if err == io.EOF {
				return nil, all, nil
			}
			if err != nil {
				return nil, nil, err
			}
			b, _ := protojson.Marshal(PMsg(m))
			all = append(all, b...)
			if first {
				return nil, all, nil
			}
		}
	}
}

// requests returns, for each method (its full name), the request that acts on A's
// resources, built afresh (with new resources where the call changes or
// ends them) for each case.
func (w *world) requests(groupA, draftA, movementA string, nw nominationsWorld) map[string]func() (proto.Message, call) {
	b, h, m := w.blocs, w.honours, w.movements
	eventA := w.event(provA, groupA, w.movement(provA, true))
	out := w.nominationsRequests(nw)
	for method, r := range map[string]func() (proto.Message, call){
		bs + "CreateUnit": func() (proto.Message, call) {
			return unary(b.CreateUnit, &blocsv1.CreateUnitRequest{UnitId: w.next("moi"), Unit: &blocsv1.Unit{
				DisplayName: "Xã Mới", Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE,
				Parent: "units/" + provA, Province: "units/" + provA}})
		},
		bs + "GetUnit":   func() (proto.Message, call) { return unary(b.GetUnit, &blocsv1.GetUnitRequest{Name: "units/" + provA}) },
		bs + "ListUnits": func() (proto.Message, call) { return unary(b.ListUnits, &blocsv1.ListUnitsRequest{}) },
		bs + "BatchGetUnits": func() (proto.Message, call) {
			return unary(b.BatchGetUnits, &blocsv1.BatchGetUnitsRequest{Names: []string{"units/" + provA}})
		},
		bs + "WatchUnits": func() (proto.Message, call) {
			return serverStream(b.WatchUnits, &blocsv1.WatchUnitsRequest{}, true)
		},
		bs + "UpdateUnit": func() (proto.Message, call) {
			return unary(b.UpdateUnit, &blocsv1.UpdateUnitRequest{Unit: &blocsv1.Unit{Name: "units/" + w.unit(provA), ShortName: "Mới"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"short_name"}}})
		},
		bs + "DissolveUnit": func() (proto.Message, call) {
			return unary(b.DissolveUnit, &blocsv1.DissolveUnitRequest{Name: "units/" + w.unit(provA), Successor: "units/" + provA,
				EffectiveOn: on(2025, 7, 1)})
		},
		bs + "CreateGroup": func() (proto.Message, call) {
			return unary(b.CreateGroup, &blocsv1.CreateGroupRequest{GroupId: w.next("cum"), Group: &blocsv1.Group{
				Kind: blocsv1.GroupKind_GROUP_KIND_CLUSTER, DisplayName: "Cụm thi đua", Organizer: "units/" + provA}})
		},
		bs + "GetGroup":   func() (proto.Message, call) { return unary(b.GetGroup, &blocsv1.GetGroupRequest{Name: groupA}) },
		bs + "ListGroups": func() (proto.Message, call) { return unary(b.ListGroups, &blocsv1.ListGroupsRequest{}) },
		bs + "UpdateGroup": func() (proto.Message, call) {
			return unary(b.UpdateGroup, &blocsv1.UpdateGroupRequest{Group: &blocsv1.Group{Name: groupA, Description: "Khối các sở"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"description"}}})
		},
		bs + "ArchiveGroup": func() (proto.Message, call) {
			return unary(b.ArchiveGroup, &blocsv1.ArchiveGroupRequest{Name: w.group(provA)})
		},
		bs + "CreateMembership": func() (proto.Message, call) {
			return unary(b.CreateMembership, &blocsv1.CreateMembershipRequest{Parent: groupA,
				Membership: &blocsv1.Membership{Unit: "units/" + w.unit(provA), JoinedOn: on(2025, 1, 1)}})
		},
		bs + "ListMemberships": func() (proto.Message, call) {
			return unary(b.ListMemberships, &blocsv1.ListMembershipsRequest{Parent: groupA})
		},
		bs + "EndMembership": func() (proto.Message, call) {
			u := w.unit(provA)
			m, err := b.CreateMembership(w.admin, &blocsv1.CreateMembershipRequest{Parent: groupA,
				Membership: &blocsv1.Membership{Unit: "units/" + u, JoinedOn: on(2025, 1, 1)}})
			require.NoError(w.t, err)
			return unary(b.EndMembership, &blocsv1.EndMembershipRequest{Name: m.GetName(), LeftOn: on(2025, 12, 31)})
		},
		bs + "CreateTerm": func() (proto.Message, call) {
			g := w.group(provA)
			ms, err := b.ListMemberships(w.admin, &blocsv1.ListMembershipsRequest{Parent: g})
			require.NoError(w.t, err)
			return unary(b.CreateTerm, &blocsv1.CreateTermRequest{Parent: g, TermId: "2026", Term: &blocsv1.Term{
				Head: ms.GetMemberships()[1].GetUnit(), Deputy: ms.GetMemberships()[0].GetUnit()}})
		},
		bs + "GetTerm": func() (proto.Message, call) {
			return unary(b.GetTerm, &blocsv1.GetTermRequest{Name: groupA + "/terms/2025"})
		},
		bs + "ListTerms": func() (proto.Message, call) { return unary(b.ListTerms, &blocsv1.ListTermsRequest{Parent: groupA}) },
		bs + "CreateCovenant": func() (proto.Message, call) {
			return unary(b.CreateCovenant, &blocsv1.CreateCovenantRequest{Parent: w.group(provA), CovenantId: "2026",
				Covenant: &blocsv1.Covenant{Criteria: []*blocsv1.Criterion{{Id: "a", Title: "Tiêu chí", MaxPoints: 10}}}})
		},
		bs + "GetCovenant": func() (proto.Message, call) {
			return unary(b.GetCovenant, &blocsv1.GetCovenantRequest{Name: groupA + "/covenants/2025"})
		},
		bs + "UpdateCovenant": func() (proto.Message, call) {
			return unary(b.UpdateCovenant, &blocsv1.UpdateCovenantRequest{
				Covenant:   &blocsv1.Covenant{Name: w.group(provA) + "/covenants/2025", SignedOn: on(2025, 3, 2)},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"signed_on"}}})
		},
		bs + "SubmitScore": func() (proto.Message, call) {
			g := w.group(provA)
			ms, err := b.ListMemberships(w.admin, &blocsv1.ListMembershipsRequest{Parent: g})
			require.NoError(w.t, err)
			return unary(b.SubmitScore, &blocsv1.SubmitScoreRequest{Parent: g + "/covenants/2025", Score: &blocsv1.Score{
				Unit: ms.GetMemberships()[0].GetUnit(), Points: map[string]float64{"tdkt": 90}}})
		},
		bs + "ListScores": func() (proto.Message, call) {
			return unary(b.ListScores, &blocsv1.ListScoresRequest{Parent: groupA + "/covenants/2025"})
		},
		bs + "GetRanking": func() (proto.Message, call) {
			return unary(b.GetRanking, &blocsv1.GetRankingRequest{Name: groupA + "/covenants/2025/ranking"})
		},

		ms + "CreateMovement": func() (proto.Message, call) {
			return unary(m.CreateMovement, &movementsv1.CreateMovementRequest{MovementId: w.next("moi"), Movement: &movementsv1.Movement{
				Title: "Toàn dân bảo vệ an ninh Tổ quốc", Kind: movementsv1.MovementKind_MOVEMENT_KIND_REGULAR, LaunchedBy: "units/" + provA,
				Period: &typev1.DateRange{StartDate: on(2026, 1, 1), EndDate: on(2030, 12, 31)}}})
		},
		ms + "GetMovement": func() (proto.Message, call) {
			return unary(m.GetMovement, &movementsv1.GetMovementRequest{Name: movementA})
		},
		ms + "GetMovementReport": func() (proto.Message, call) {
			return unary(m.GetMovementReport, &movementsv1.GetMovementReportRequest{Name: movementA})
		},
		ms + "ListMovements": func() (proto.Message, call) {
			return unary(m.ListMovements, &movementsv1.ListMovementsRequest{PageSize: 1000})
		},
		ms + "UpdateMovement": func() (proto.Message, call) {
			return unary(m.UpdateMovement, &movementsv1.UpdateMovementRequest{
				Movement:   &movementsv1.Movement{Name: w.movement(provA, false), Objectives: "Nâng cao đời sống nhân dân"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"objectives"}}})
		},
		ms + "LaunchMovement": func() (proto.Message, call) {
			return unary(m.LaunchMovement, &movementsv1.LaunchMovementRequest{Name: w.movement(provA, false)})
		},
		ms + "CloseMovement": func() (proto.Message, call) {
			return unary(m.CloseMovement, &movementsv1.CloseMovementRequest{Name: w.movement(provA, true), ClosingReview: &movementsv1.ClosingReview{
				Document: &typev1.DocumentRef{Number: "25-BC/TU", SignedOn: on(2020, 12, 1), SignerName: "Trần Quốc Tỏ",
					SignerTitle: "Bí thư", Issuer: "units/" + provA},
				Summary: "Tổng kết 5 năm thực hiện phong trào"}})
		},
		ms + "CreateParticipant": func() (proto.Message, call) {
			return unary(m.CreateParticipant, &movementsv1.CreateParticipantRequest{Parent: movementA,
				Participant: &movementsv1.Participant{Unit: "units/" + w.unit(provA), RegisteredOn: on(2016, 5, 1)}})
		},
		ms + "BatchCreateParticipants": func() (proto.Message, call) {
			return unary(m.BatchCreateParticipants, &movementsv1.BatchCreateParticipantsRequest{Parent: movementA,
				Requests: []*movementsv1.CreateParticipantRequest{
					{Participant: &movementsv1.Participant{Unit: "units/" + w.unit(provA), RegisteredOn: on(2016, 5, 1)}},
					{Participant: &movementsv1.Participant{Unit: "units/" + w.unit(provA), RegisteredOn: on(2016, 5, 1)}},
				}})
		},
		ms + "ListParticipants": func() (proto.Message, call) {
			return unary(m.ListParticipants, &movementsv1.ListParticipantsRequest{Parent: movementA})
		},
		ms + "CreateEvent": func() (proto.Message, call) {
			return unary(m.CreateEvent, &movementsv1.CreateEventRequest{EventId: w.next("su-kien"), Event: &movementsv1.Event{
				Kind: movementsv1.EventKind_EVENT_KIND_MIDTERM_REVIEW, Organizer: "units/" + provA, Group: groupA,
				HeldOn: on(2023, 7, 29), Summary: "Sơ kết giữa nhiệm kỳ"}})
		},
		ms + "GetEvent": func() (proto.Message, call) {
			return unary(m.GetEvent, &movementsv1.GetEventRequest{Name: eventA})
		},
		ms + "ListEvents": func() (proto.Message, call) {
			return unary(m.ListEvents, &movementsv1.ListEventsRequest{PageSize: 1000})
		},
		ms + "CreateExemplar": func() (proto.Message, call) {
			return unary(m.CreateExemplar, &movementsv1.CreateExemplarRequest{Parent: movementA, ExemplarId: w.next("dien-hinh"),
				Exemplar: &movementsv1.Exemplar{Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL,
					FullName: "Nguyễn Thị Hoa", Unit: "units/" + w.unit(provA)}, Field: "Giảm nghèo", Model: "Tổ hợp tác chăn nuôi"}})
		},
		ms + "ListExemplars": func() (proto.Message, call) {
			// Across movements (AIP-159): the draft's exemplar appears only
			// to A's readers.
			return unary(m.ListExemplars, &movementsv1.ListExemplarsRequest{Parent: "movements/-", PageSize: 1000})
		},
		ms + "UpdateExemplar": func() (proto.Message, call) {
			return unary(m.UpdateExemplar, &movementsv1.UpdateExemplarRequest{
				Exemplar:   &movementsv1.Exemplar{Name: w.exemplar(provA, movementA), Model: "Nhân rộng mô hình"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"model"}}})
		},
		ms + "ListAuditEntries": func() (proto.Message, call) {
			return unary(m.ListAuditEntries, &typev1.ListAuditEntriesRequest{PageSize: 1000})
		},
		bs + "ListAuditEntries": func() (proto.Message, call) {
			return unary(b.ListAuditEntries, &typev1.ListAuditEntriesRequest{PageSize: 1000})
		},
		hs + "ListAuditEntries": func() (proto.Message, call) {
			return unary(h.ListAuditEntries, &typev1.ListAuditEntriesRequest{PageSize: 1000})
		},
		hs + "ListAwardTypes": func() (proto.Message, call) { return unary(h.ListAwardTypes, &honoursv1.ListAwardTypesRequest{}) },
		hs + "GetAwardType": func() (proto.Message, call) {
			return unary(h.GetAwardType, &honoursv1.GetAwardTypeRequest{Name: "awardTypes/BK_TINH"})
		},
		hs + "ListBaseSalaries": func() (proto.Message, call) { return unary(h.ListBaseSalaries, &honoursv1.ListBaseSalariesRequest{}) },
		hs + "CreateDecision": func() (proto.Message, call) {
			id := w.next("moi")
			return unary(h.CreateDecision, &honoursv1.CreateDecisionRequest{DecisionId: id, Decision: &honoursv1.Decision{
				Document: &typev1.DocumentRef{Number: id + "/QĐ-UBND", SignedOn: on(2025, 6, 1), SignerName: "Nguyễn Văn Bình",
					SignerTitle: "Chủ tịch", Issuer: "units/" + provA},
				Title: "Về việc tặng Bằng khen", Authority: "units/" + provA}})
		},
		hs + "GetDecision": func() (proto.Message, call) {
			return unary(h.GetDecision, &honoursv1.GetDecisionRequest{Name: draftA, View: honoursv1.DecisionView_DECISION_VIEW_FULL})
		},
		hs + "ListDecisionEntries": func() (proto.Message, call) {
			return unary(h.ListDecisionEntries, &honoursv1.ListDecisionEntriesRequest{Parent: draftA})
		},
		hs + "ListDecisions": func() (proto.Message, call) {
			return unary(h.ListDecisions, &honoursv1.ListDecisionsRequest{PageSize: 1000})
		},
		hs + "AddDecisionEntries": func() (proto.Message, call) {
			return unary(h.AddDecisionEntries, &honoursv1.AddDecisionEntriesRequest{Name: w.draft(provA),
				Entries: []*honoursv1.DecisionEntry{w.entry(provA)}})
		},
		hs + "IssueDecision": func() (proto.Message, call) {
			return unary(h.IssueDecision, &honoursv1.IssueDecisionRequest{Name: w.draft(provA)})
		},
		hs + "RevokeDecision": func() (proto.Message, call) {
			d, _ := w.issued(provA)
			return unary(h.RevokeDecision, &honoursv1.RevokeDecisionRequest{Name: d, Reason: "Hồ sơ không đúng sự thật",
				RevokingDocument: revocation()})
		},
		hs + "GetHonour": func() (proto.Message, call) { return unary(h.GetHonour, &honoursv1.GetHonourRequest{Name: w.honourA}) },
		hs + "BatchGetHonours": func() (proto.Message, call) {
			return unary(h.BatchGetHonours, &honoursv1.BatchGetHonoursRequest{Names: []string{w.honourA}})
		},
		hs + "ListHonours": func() (proto.Message, call) {
			return unary(h.ListHonours, &honoursv1.ListHonoursRequest{PageSize: 1000})
		},
		hs + "RevokeHonour": func() (proto.Message, call) {
			_, hon := w.issued(provA)
			return unary(h.RevokeHonour, &honoursv1.RevokeHonourRequest{Name: hon, Reason: "Hồ sơ không đúng sự thật",
				RevokingDocument: revocation()})
		},
		hs + "BatchGetRecipientHistory": func() (proto.Message, call) {
			return unary(h.BatchGetRecipientHistory, &honoursv1.BatchGetRecipientHistoryRequest{RecipientKeys: []string{"unit:" + provA}})
		},
		hs + "GetStatistics": func() (proto.Message, call) { return unary(h.GetStatistics, &honoursv1.GetStatisticsRequest{}) },
		hs + "RenderDecision": func() (proto.Message, call) {
			return serverStream(h.RenderDecision, &honoursv1.RenderDecisionRequest{Name: draftA}, false)
		},
		hs + "RenderCertificate": func() (proto.Message, call) {
			return unary(h.RenderCertificate, &honoursv1.RenderCertificateRequest{Name: w.honourA})
		},
		hs + "ExportHonours": func() (proto.Message, call) {
			return serverStream(h.ExportHonours, &honoursv1.ExportHonoursRequest{}, false)
		},
		hs + "ImportDecisions": func() (proto.Message, call) {
			id := w.next("cu")
			req := &honoursv1.ImportDecisionsRequest{DecisionId: id, RequestId: uuid(w.n.Add(1)), Decision: &honoursv1.Decision{
				Document: &typev1.DocumentRef{Number: id + "/QĐ-UBND", SignedOn: on(2020, 6, 1), SignerName: "Nguyễn Văn Bình",
					SignerTitle: "Chủ tịch", Issuer: "units/" + provA},
				Title: "Về việc tặng Bằng khen", Authority: "units/" + provA},
				Entries: []*honoursv1.DecisionEntry{w.entry(provA)}}
			return req, func(ctx context.Context) (proto.Message, []byte, error) {
				s, err := h.ImportDecisions(ctx)
				if err != nil {
					return nil, nil, err
				}
				if err := s.Send(req); err != nil && err != io.EOF {
					return nil, nil, err
				}
				resp, err := s.CloseAndRecv()
				return resp, nil, err
			}
		},
	} {
		out[method] = r
	}
	return out
}

func uuid(n int64) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// subject is a caller of the matrix.
type subject struct {
	name   string
	caller *auth.Caller
	// only is the prefix of the methods it calls; "" all.
	only string
}

func subjects() []subject {
	out := []subject{{"anonymous", auth.Anonymous, ""}}
	for _, r := range auth.Roles {
		for _, p := range []string{provA, provB} {
			rel := "own province"
			if p == provB {
				rel = "other province"
			}
			out = append(out, subject{string(r) + ", " + rel, &auth.Caller{
				Subject: strings.ToLower(string(r)) + "@" + p, Method: auth.MethodBearer,
				Grants: []auth.Grant{{Unit: p, Roles: []auth.Role{r}}},
			}, ""})
		}
	}
	return out
}

func TestAccessMatrix(t *testing.T) {
	// The administrator builds the world quickly: past a caller's rate.
	t.Setenv("TDKT_RATE_LIMIT", "100000")
	t.Setenv("TDKT_RATE_BURST", "100000")
	s := newSystem(t, "")
	dial := func(addr string) *grpc.ClientConn {
		conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
		return conn
	}
	w := &world{
		t: t, blocs: blocsv1.NewBlocsServiceClient(dial(s.blocs.addr)), honours: honoursv1.NewHonoursServiceClient(dial(s.honours.addr)),
		movements:   movementsv1.NewMovementsServiceClient(dial(s.movements.addr)),
		nominations: nominationsv1.NewNominationsServiceClient(dial(s.nominations.addr)),
		owners:      map[string]policy.Owner{}, units: map[string]string{}, hidden: hiddenNames{},
	}
	bearer := func(c *auth.Caller) context.Context {
		if c.IsAnonymous() {
			return t.Context()
		}
		return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+s.token(t, c))
	}
	w.admin = bearer(&auth.Caller{Subject: "admin", Grants: []auth.Grant{{Unit: "ban-tdkt-tw", Roles: []auth.Role{auth.CentralAdmin}}}})
	w.province(provA, "An")
	w.province(provB, "Bình")
	groupA := w.group(provA)
	draftA := w.draft(provA)
	_, w.honourA = w.issued(provA)
	movementA := w.movement(provA, false) // a draft: A's alone
	w.exemplar(provA, movementA)
	w.owners["movements/-"] = policy.Owner{Public: true}
	w.movement(provA, true)
	w.group(provB)
	w.draft(provB)
	w.issued(provB)
	w.movement(provB, false)
	nw := w.nominationsWorld()
	requests := w.requests(groupA, draftA, movementA, nw)
	expect := policy.New(nil, w, w)

	var methods []string
	for _, sd := range []protoreflect.ServiceDescriptor{
		blocsv1.File_tdkt_blocs_v1_blocs_proto.Services().Get(0),
		honoursv1.File_tdkt_honours_v1_honours_proto.Services().Get(0),
		movementsv1.File_tdkt_movements_v1_movements_proto.Services().Get(0),
		nominationsv1.File_tdkt_nominations_v1_nominations_proto.Services().Get(0),
	} {
		for i := range sd.Methods().Len() {
			md := sd.Methods().Get(i)
			full := "/" + string(sd.FullName()) + "/" + string(md.Name())
			_, ok := expect.Rule(full)
			require.True(t, ok, "%s has no rule in platform/policy.Rules", full)
			_, ok = requests[full]
			require.True(t, ok, "%s has no request in the access matrix", full)
			methods = append(methods, full)
		}
	}

	var cases, allowed, denied, leaks, wrongSides int
	for _, sub := range append(subjects(), w.agencySubjects()...) {
		ctx := bearer(sub.caller)
		pctx := auth.NewContext(t.Context(), sub.caller)
		for _, method := range methods {
			if !strings.HasPrefix(method, sub.only) {
				continue
			}
			short := method[strings.LastIndexByte(method, '/')+1:]
			req, do := requests[method]()
			want := codes.OK
			if err := expect.Allow(pctx, method); err != nil {
				want = codeOf(err)
			} else if _, err := expect.Check(pctx, method, req); err != nil {
				want = codeOf(err)
			}
			// A step of the nominations workflow that the policy lets
			// the caller call over the batch is still the workflow's to
			// refuse when the caller holds the wrong side of the batch
			// (an officer of the proposing agency appraising).
			wrongSide := false
			if side, ok := sideOf[method]; ok && want == codes.OK {
				o, err := w.Owner(t.Context(), batchOf(req))
				require.NoError(t, err, "%s names no batch of the world", method)
				wrongSide = !holdsSide(pctx, expect, side, o)
			}
			resp, stream, err := do(ctx)
			got := status.Code(err)
			cases++
			label := fmt.Sprintf("%s as %s", short, sub.name)
			if want != codes.OK {
				denied++
				if got != want {
					leaks++
					t.Errorf("%s: the policy says %v, the service answered %v (%v)", label, want, got, err)
				}
				continue
			}
			allowed++
			if wrongSide {
				// Allowed by the policy, refused by the workflow: it must
				// be PERMISSION_DENIED (the caller sees the batch), and
				// the refusal shows nothing the caller may not see. A
				// wrong side whose step is taken is a leak.
				wrongSides++
				if got != codes.PermissionDenied {
					if got == codes.OK {
						leaks++
					}
					t.Errorf("%s: the caller holds no %s side of the batch; the service answered %v (%v)", label, sideOf[method], got, err)
				}
				asked, _ := protojson.Marshal(req)
				refusal, _ := protojson.Marshal(status.Convert(err).Proto())
				if leak := w.leakNominations(pctx, expect, string(refusal), string(asked)); leak != "" {
					leaks++
					t.Errorf("%s: the refusal shows %s", label, leak)
				}
				continue
			}
			if slices.Contains([]codes.Code{codes.Unauthenticated, codes.PermissionDenied, codes.NotFound}, got) {
				t.Errorf("%s: the policy allows it, the service refused: %v", label, err)
				continue
			}
			if sub.caller.Has(auth.CentralAdmin) && got != codes.OK {
				t.Errorf("%s: a central administrator's call failed: %v", label, err)
			}
			shown := string(stream)
			if resp != nil {
				b, _ := protojson.Marshal(resp)
				shown = string(b)
			}
			asked, _ := protojson.Marshal(req)
			leak := w.leak(pctx, expect, sub.caller, shown, draftA, movementA)
			if leak == "" {
				leak = w.leakNominations(pctx, expect, shown, string(asked))
			}
			if leak != "" {
				leaks++
				t.Errorf("%s: the answer shows %s", label, leak)
			}
		}
	}
	t.Logf("access matrix: %d cases, %d allowed, %d denied, %d leaks", cases, allowed, denied, leaks)
	t.Logf("of the allowed, %d refused by the nominations workflow: the caller holds the wrong side of the batch", wrongSides)
}

// leak names what shown holds that caller may not see: A's drafts when it
// does not cover A, the clear citizen id when it is not a PII_READER of A.
func (w *world) leak(ctx context.Context, p *policy.Policy, c *auth.Caller, shown string, draftsA ...string) string {
	sees, err := p.Can(ctx, provA, policy.Readers...)
	require.NoError(w.t, err)
	for _, d := range draftsA {
		if !sees && strings.Contains(shown, `"`+d+`"`) {
			return "A's draft " + d
		}
	}
	if clearCitizenID.MatchString(shown) {
		if ok, _ := p.Can(ctx, provA, auth.PIIReader); !ok {
			return "the clear citizen id"
		}
	}
	return ""
}

// clearCitizenID matches the citizen ids of the people on the world's
// decisions (001190 and six digits), so that a clear one is found in any
// answer.
var clearCitizenID = regexp.MustCompile(`001190[0-9]{6}`)

func codeOf(err error) codes.Code {
	st, ok := rpcerr.FromDomain(err)
	if !ok {
		return codes.Internal
	}
	return status.Code(st)
}

// A provincial system signs in with the client-credentials grant as
// province B's board and calls the services' gRPC directly: it reads and
// changes its own province's, and can neither read A's drafts nor change
// anything of A's; A's batches of nominations and their nominations do
// not exist to it.
func TestProvincialSystemStaysInItsProvince(t *testing.T) {
	t.Setenv("TDKT_RATE_LIMIT", "100000")
	t.Setenv("TDKT_RATE_BURST", "100000")
	s := newSystem(t, "")
	require.NoError(t, s.issuer.AddClient(devissuer.Client{ID: "he-thong-tinh-b", Secret: "bi-mat-cua-tinh-b",
		Grants: []auth.Grant{{Unit: provB, Roles: []auth.Role{auth.BoardOfficer, auth.Viewer}}}}))
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequest(http.MethodPost, s.issuer.URL()+"/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("he-thong-tinh-b", "bi-mat-cua-tinh-b")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))

	dial := func(addr string) *grpc.ClientConn {
		conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
		return conn
	}
	w := &world{t: t, blocs: blocsv1.NewBlocsServiceClient(dial(s.blocs.addr)), honours: honoursv1.NewHonoursServiceClient(dial(s.honours.addr)),
		nominations: nominationsv1.NewNominationsServiceClient(dial(s.nominations.addr)),
		owners:      map[string]policy.Owner{}, units: map[string]string{}, hidden: hiddenNames{}}
	w.admin = metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+s.admin)
	w.province(provA, "An")
	w.province(provB, "Bình")
	groupA, draftA := w.group(provA), w.draft(provA)
	issuedA, honourA := w.issued(provA)
	draftB := w.draft(provB)

	b := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+tok.AccessToken)
	code := func(_ any, err error) codes.Code { return status.Code(err) }
	h, bl := w.honours, w.blocs

	// Its own province: it reads its draft and changes it.
	require.Equal(t, codes.OK, code(h.GetDecision(b, &honoursv1.GetDecisionRequest{Name: draftB})))
	require.Equal(t, codes.OK, code(h.AddDecisionEntries(b, &honoursv1.AddDecisionEntriesRequest{Name: draftB,
		Entries: []*honoursv1.DecisionEntry{w.entry(provB)}})))
	require.Equal(t, codes.OK, code(bl.CreateUnit(b, &blocsv1.CreateUnitRequest{UnitId: "xa-cua-b", Unit: &blocsv1.Unit{
		DisplayName: "Xã của B", Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE,
		Parent: "units/" + provB, Province: "units/" + provB}})))

	// A's drafts: not found, in any form.
	require.Equal(t, codes.NotFound, code(h.GetDecision(b, &honoursv1.GetDecisionRequest{Name: draftA})))
	require.Equal(t, codes.NotFound, code(h.ListDecisionEntries(b, &honoursv1.ListDecisionEntriesRequest{Parent: draftA})))
	list, err := h.ListDecisions(b, &honoursv1.ListDecisionsRequest{PageSize: 1000})
	require.NoError(t, err)
	var names []string
	for _, d := range list.GetDecisions() {
		names = append(names, d.GetName())
	}
	require.Contains(t, names, draftB)
	require.Contains(t, names, issuedA, "issued decisions are public")
	require.NotContains(t, names, draftA)
	stream, err := h.RenderDecision(b, &honoursv1.RenderDecisionRequest{Name: draftA})
	require.NoError(t, err)
	_, err = stream.Recv()
	require.Equal(t, codes.NotFound, status.Code(err))

	// Nothing of A's changes.
	require.Equal(t, codes.NotFound, code(h.AddDecisionEntries(b, &honoursv1.AddDecisionEntriesRequest{Name: draftA,
		Entries: []*honoursv1.DecisionEntry{w.entry(provA)}})))
	require.Equal(t, codes.NotFound, code(h.IssueDecision(b, &honoursv1.IssueDecisionRequest{Name: draftA})))
	require.Equal(t, codes.PermissionDenied, code(h.RevokeDecision(b, &honoursv1.RevokeDecisionRequest{Name: issuedA,
		Reason: "Sai", RevokingDocument: revocation()})))
	require.Equal(t, codes.PermissionDenied, code(h.RevokeHonour(b, &honoursv1.RevokeHonourRequest{Name: honourA,
		Reason: "Sai", RevokingDocument: revocation()})))
	require.Equal(t, codes.PermissionDenied, code(h.CreateDecision(b, &honoursv1.CreateDecisionRequest{Decision: &honoursv1.Decision{
		Document: revocation(), Title: "Về việc tặng Bằng khen", Authority: "units/" + provA}})))
	require.Equal(t, codes.PermissionDenied, code(bl.UpdateGroup(b, &blocsv1.UpdateGroupRequest{
		Group: &blocsv1.Group{Name: groupA, Description: "Đã sửa"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"description"}}})))
	require.Equal(t, codes.PermissionDenied, code(bl.DissolveUnit(b, &blocsv1.DissolveUnitRequest{Name: "units/" + provA,
		Successor: "units/" + provB, EffectiveOn: on(2025, 7, 1)})))
	require.Equal(t, codes.PermissionDenied, code(bl.CreateUnit(b, &blocsv1.CreateUnitRequest{UnitId: "xa-cua-a", Unit: &blocsv1.Unit{
		DisplayName: "Xã của A", Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE,
		Parent: "units/" + provA, Province: "units/" + provA}})))

	// Nor anything it would put in A, or under A's name.
	groupB := w.group(provB)
	require.Equal(t, codes.PermissionDenied, code(bl.UpdateGroup(b, &blocsv1.UpdateGroupRequest{
		Group: &blocsv1.Group{Name: groupB, Organizer: "units/" + provA}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"organizer"}}})))
	require.Equal(t, codes.PermissionDenied, code(bl.CreateMembership(b, &blocsv1.CreateMembershipRequest{Parent: groupB,
		Membership: &blocsv1.Membership{Unit: "units/" + w.unit(provA), JoinedOn: on(2025, 1, 1)}})))
	letterhead := revocation() // A's letterhead
	require.Equal(t, codes.PermissionDenied, code(h.CreateDecision(b, &honoursv1.CreateDecisionRequest{Decision: &honoursv1.Decision{
		Document: letterhead, Title: "Về việc tặng Bằng khen", Authority: "units/" + provB}})))

	// Units at province level and above, whose level decides what they may
	// confer, are set up centrally: not even its own province's.
	require.Equal(t, codes.PermissionDenied, code(bl.CreateUnit(b, &blocsv1.CreateUnitRequest{UnitId: "chu-tich-nuoc-gia", Unit: &blocsv1.Unit{
		DisplayName: "Chủ tịch nước", Kind: blocsv1.UnitKind_UNIT_KIND_AGENCY, Level: blocsv1.UnitLevel_UNIT_LEVEL_CENTRAL,
		Parent: "units/" + provB}})))
	require.Equal(t, codes.PermissionDenied, code(bl.UpdateUnit(b, &blocsv1.UpdateUnitRequest{
		Unit:       &blocsv1.Unit{Name: "units/" + provB, DisplayName: "Tỉnh Bình Mới"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}})))
	require.Equal(t, codes.PermissionDenied, code(bl.UpdateUnit(b, &blocsv1.UpdateUnitRequest{
		Unit:       &blocsv1.Unit{Name: "units/xa-cua-b", Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"level"}}})))

	got, err := h.GetDecision(w.admin, &honoursv1.GetDecisionRequest{Name: draftA})
	require.NoError(t, err)
	require.EqualValues(t, 1, got.GetEntryCount(), "A's draft is as A left it")
	require.Equal(t, honoursv1.DecisionState_DECISION_STATE_DRAFT, got.GetState())

	t.Run("nominations", func(t *testing.T) { provincialNominations(t, w, b) })
}
