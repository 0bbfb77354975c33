package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// mutationPrefixes name the methods that change state, besides those whose
// request has a request_id.
var mutationPrefixes = []string{"Create", "Update", "Dissolve", "Archive", "End", "Submit", "Add", "Issue", "Revoke", "Import"}

// services are the services whose mutations the test makes, by short
// name.
var services = map[string]protoreflect.ServiceDescriptor{
	"blocs":       blocsv1.File_tdkt_blocs_v1_blocs_proto.Services().ByName("BlocsService"),
	"honours":     honoursv1.File_tdkt_honours_v1_honours_proto.Services().ByName("HonoursService"),
	"movements":   movementsv1.File_tdkt_movements_v1_movements_proto.Services().ByName("MovementsService"),
	"nominations": nominationsv1.File_tdkt_nominations_v1_nominations_proto.Services().ByName("NominationsService"),
}

// mutations returns the full names of the methods of every service that
// change state: those whose request has a request_id field, or whose name
// says so.
func mutations() []string {
	var out []string
	for _, sd := range services {
		for i := range sd.Methods().Len() {
			md := sd.Methods().Get(i)
			name := string(md.Name())
			if md.Input().Fields().ByName("request_id") != nil ||
				slices.ContainsFunc(mutationPrefixes, func(p string) bool { return strings.HasPrefix(name, p) }) {
				out = append(out, "/"+string(sd.FullName())+"/"+name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// auditStep is one mutation the test makes: its call returns the resource
// its audit record must name.
type auditStep struct {
	method string // full method name
	owner  string // the owner unit its record must name (units/{unit}); "" none
	call   func(ctx context.Context) (resource string, err error)
}

// conferral is the one mutation written in more than one audited
// transaction by design (its contract, proto/tdkt/nominations/v1): a
// conferral spans two services, so its intent is recorded before honours
// is called and its completion after, each with the caller, and a
// conferral a crash left half done shows in the log. In honours, the
// nominations service creates, fills and issues the decision with the
// caller's token, one record each, naming the caller. Every other
// mutation leaves exactly one record, in its own service's log alone.
const conferral = nominationsService + "ConferBatch"

// conferralRecords are the records of one conferral of a batch of one
// nomination: two in nominations, and those of honours' methods.
var conferralRecords = struct {
	own     int32
	honours []string // newest last
}{2, []string{"CreateDecision", "AddDecisionEntries", "IssueDecision"}}

// service is the short name of the service of a full method name.
func (st auditStep) service() string {
	for name, sd := range services {
		if strings.HasPrefix(st.method, "/"+string(sd.FullName())+"/") {
			return name
		}
	}
	return ""
}

func (st auditStep) short() string { return st.method[strings.LastIndexByte(st.method, '/')+1:] }

const (
	blocsService       = "/tdkt.blocs.v1.BlocsService/"
	honoursService     = "/tdkt.honours.v1.HonoursService/"
	movementsService   = "/tdkt.movements.v1.MovementsService/"
	nominationsService = "/tdkt.nominations.v1.NominationsService/"
	provinceA          = "tinh-a"
	provinceB          = "tinh-b"
)

// batchResource stands for the resource of a batch call, which names no
// one resource: its record is not checked for one.
const batchResource = "(batch)"

func day(y, m, d int32) *date.Date { return &date.Date{Year: y, Month: m, Day: d} }

// auditSteps makes every mutation of both services at least once, in
// province A, and a few in province B, as the clients of s (a central
// administrator).
func auditSteps(t *testing.T, s *stacktest.Stack) []auditStep {
	b, h, m, n := s.Blocs, s.Honours, s.Movements, s.Nominations
	unitA, unitB := "units/"+provinceA, "units/"+provinceB
	commune := func(id, prov string) *blocsv1.CreateUnitRequest {
		return &blocsv1.CreateUnitRequest{UnitId: id, Unit: &blocsv1.Unit{DisplayName: "Xã " + id, Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY,
			Level: blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE, Parent: "units/" + prov, Province: "units/" + prov}}
	}
	province := func(id string) *blocsv1.CreateUnitRequest {
		return &blocsv1.CreateUnitRequest{UnitId: id, Unit: &blocsv1.Unit{DisplayName: "Tỉnh " + id, ShortName: id,
			Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE}}
	}
	group := func(id, organizer string) *blocsv1.CreateGroupRequest {
		return &blocsv1.CreateGroupRequest{GroupId: id, Group: &blocsv1.Group{Kind: blocsv1.GroupKind_GROUP_KIND_BLOC,
			DisplayName: "Khối thi đua " + id, Organizer: organizer}}
	}
	document := func(id, authority string) *typev1.DocumentRef {
		return &typev1.DocumentRef{Number: id + "/QĐ-UBND", SignedOn: day(2025, 6, 1), SignerName: "Nguyễn Văn Bình",
			SignerTitle: "Chủ tịch", Issuer: authority}
	}
	entry := func(unit string) *honoursv1.DecisionEntry {
		return &honoursv1.DecisionEntry{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: unit},
			AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2024, EndYear: 2024},
			Achievements: "Đã có thành tích xuất sắc trong phong trào thi đua yêu nước",
		}
	}
	movement := func(id, launcher string) *movementsv1.CreateMovementRequest {
		return &movementsv1.CreateMovementRequest{MovementId: id, Movement: &movementsv1.Movement{
			Title: "Chung sức xây dựng nông thôn mới", Kind: movementsv1.MovementKind_MOVEMENT_KIND_THEMATIC, LaunchedBy: launcher,
			LaunchDocument: &typev1.DocumentRef{Number: "11-CT/TU", SignedOn: day(2016, 3, 1), SignerName: "Trần Quốc Tỏ",
				SignerTitle: "Bí thư", Issuer: launcher},
			Period: &typev1.DateRange{StartDate: day(2016, 3, 1), EndDate: day(2020, 12, 31)}}}
	}
	decision := func(id, authority string, entries ...*honoursv1.DecisionEntry) *honoursv1.CreateDecisionRequest {
		return &honoursv1.CreateDecisionRequest{DecisionId: id, Decision: &honoursv1.Decision{Document: document(id, authority),
			Title: "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", Authority: authority, Entries: entries}}
	}
	honourOf := func(ctx context.Context, decision string) (string, error) {
		hs, err := h.ListHonours(ctx, &honoursv1.ListHonoursRequest{Authority: unitA, PageSize: 1000})
		if err != nil {
			return "", err
		}
		for _, x := range hs.GetHonours() {
			if x.GetDecision() == decision {
				return x.GetName(), nil
			}
		}
		return "", fmt.Errorf("no honour on %s", decision)
	}
	revocation := &typev1.DocumentRef{Number: "9/QĐ-UBND", SignedOn: day(2025, 9, 1), SignerName: "Nguyễn Văn Bình",
		SignerTitle: "Chủ tịch", Issuer: unitA}
	const group1 = "groups/khoi-a"

	// named returns the name of a response, for a step's call.
	named := func(r interface{ GetName() string }, err error) (string, error) { return r.GetName(), err }
	return append([]auditStep{
		{blocsService + "CreateUnit", "", func(ctx context.Context) (string, error) { return named(b.CreateUnit(ctx, province(provinceA))) }},
		{blocsService + "CreateUnit", unitA, func(ctx context.Context) (string, error) {
			return named(b.CreateUnit(ctx, commune("xa-a1", provinceA)))
		}},
		{blocsService + "CreateUnit", unitA, func(ctx context.Context) (string, error) {
			return named(b.CreateUnit(ctx, commune("xa-a2", provinceA)))
		}},
		{blocsService + "CreateUnit", unitA, func(ctx context.Context) (string, error) {
			return named(b.CreateUnit(ctx, commune("xa-a3", provinceA)))
		}},
		{blocsService + "UpdateUnit", "units/xa-a1", func(ctx context.Context) (string, error) {
			return named(b.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{Unit: &blocsv1.Unit{Name: "units/xa-a1", ShortName: "A1"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"short_name"}}}))
		}},
		{blocsService + "DissolveUnit", "units/xa-a3", func(ctx context.Context) (string, error) {
			return named(b.DissolveUnit(ctx, &blocsv1.DissolveUnitRequest{Name: "units/xa-a3", Successor: "units/xa-a2",
				EffectiveOn: day(2025, 7, 1), RequestId: "3f0c9a52-8d1e-4b7a-9c2f-0e1d2c3b4a51"}))
		}},
		{blocsService + "CreateGroup", unitA, func(ctx context.Context) (string, error) { return named(b.CreateGroup(ctx, group("khoi-a", unitA))) }},
		{blocsService + "UpdateGroup", unitA, func(ctx context.Context) (string, error) {
			return named(b.UpdateGroup(ctx, &blocsv1.UpdateGroupRequest{Group: &blocsv1.Group{Name: group1, Description: "Khối các xã"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"description"}}}))
		}},
		{blocsService + "CreateMembership", unitA, func(ctx context.Context) (string, error) {
			return named(b.CreateMembership(ctx, &blocsv1.CreateMembershipRequest{Parent: group1, MembershipId: "m1",
				Membership: &blocsv1.Membership{Unit: "units/xa-a1", JoinedOn: day(2024, 1, 1)}}))
		}},
		{blocsService + "CreateMembership", unitA, func(ctx context.Context) (string, error) {
			return named(b.CreateMembership(ctx, &blocsv1.CreateMembershipRequest{Parent: group1, MembershipId: "m2",
				Membership: &blocsv1.Membership{Unit: "units/xa-a2", JoinedOn: day(2024, 1, 1)}}))
		}},
		{blocsService + "CreateTerm", unitA, func(ctx context.Context) (string, error) {
			return named(b.CreateTerm(ctx, &blocsv1.CreateTermRequest{Parent: group1, TermId: "2025",
				Term: &blocsv1.Term{Head: "units/xa-a1", Deputy: "units/xa-a2"}}))
		}},
		{blocsService + "CreateCovenant", unitA, func(ctx context.Context) (string, error) {
			return named(b.CreateCovenant(ctx, &blocsv1.CreateCovenantRequest{Parent: group1, CovenantId: "2025",
				Covenant: &blocsv1.Covenant{
					Criteria:    []*blocsv1.Criterion{{Id: "tdkt", Title: "Công tác thi đua, khen thưởng", MaxPoints: 100}},
					SignedOn:    day(2025, 3, 1),
					Signatories: []string{"units/xa-a1", "units/xa-a2"},
				}}))
		}},
		{blocsService + "UpdateCovenant", unitA, func(ctx context.Context) (string, error) {
			return named(b.UpdateCovenant(ctx, &blocsv1.UpdateCovenantRequest{
				Covenant:   &blocsv1.Covenant{Name: group1 + "/covenants/2025", SignedOn: day(2025, 3, 2)},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"signed_on"}}}))
		}},
		{blocsService + "SubmitScore", unitA, func(ctx context.Context) (string, error) {
			return named(b.SubmitScore(ctx, &blocsv1.SubmitScoreRequest{Parent: group1 + "/covenants/2025",
				Score: &blocsv1.Score{Unit: "units/xa-a1", Points: map[string]float64{"tdkt": 90}}}))
		}},
		{blocsService + "EndMembership", unitA, func(ctx context.Context) (string, error) {
			return named(b.EndMembership(ctx, &blocsv1.EndMembershipRequest{Name: group1 + "/memberships/m2", LeftOn: day(2025, 12, 31)}))
		}},
		{blocsService + "ArchiveGroup", unitA, func(ctx context.Context) (string, error) {
			return named(b.ArchiveGroup(ctx, &blocsv1.ArchiveGroupRequest{Name: group1}))
		}},
		// Province B's.
		{blocsService + "CreateUnit", "", func(ctx context.Context) (string, error) { return named(b.CreateUnit(ctx, province(provinceB))) }},
		{blocsService + "CreateGroup", unitB, func(ctx context.Context) (string, error) { return named(b.CreateGroup(ctx, group("khoi-b", unitB))) }},

		{honoursService + "CreateDecision", unitA, func(ctx context.Context) (string, error) {
			return named(h.CreateDecision(ctx, decision("qd-a1", unitA)))
		}},
		{honoursService + "AddDecisionEntries", unitA, func(ctx context.Context) (string, error) {
			return named(h.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: "decisions/qd-a1",
				Entries: []*honoursv1.DecisionEntry{entry("units/xa-a1")}}))
		}},
		{honoursService + "IssueDecision", unitA, func(ctx context.Context) (string, error) {
			return named(h.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: "decisions/qd-a1"}))
		}},
		{honoursService + "RevokeHonour", unitA, func(ctx context.Context) (string, error) {
			name, err := honourOf(ctx, "decisions/qd-a1")
			if err != nil {
				return "", err
			}
			_, err = h.RevokeHonour(ctx, &honoursv1.RevokeHonourRequest{Name: name, Reason: "Hồ sơ không đúng sự thật",
				RevokingDocument: revocation})
			return name, err
		}},
		{honoursService + "CreateDecision", unitA, func(ctx context.Context) (string, error) {
			return named(h.CreateDecision(ctx, decision("qd-a2", unitA, entry("units/xa-a2"))))
		}},
		{honoursService + "IssueDecision", unitA, func(ctx context.Context) (string, error) {
			return named(h.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: "decisions/qd-a2"}))
		}},
		{honoursService + "RevokeDecision", unitA, func(ctx context.Context) (string, error) {
			return named(h.RevokeDecision(ctx, &honoursv1.RevokeDecisionRequest{Name: "decisions/qd-a2",
				Reason: "Hồ sơ không đúng sự thật", RevokingDocument: revocation}))
		}},
		{honoursService + "ImportDecisions", "", func(ctx context.Context) (string, error) {
			stream, err := h.ImportDecisions(ctx)
			if err != nil {
				return "", err
			}
			req := decision("qd-a3", unitA)
			err = stream.Send(&honoursv1.ImportDecisionsRequest{DecisionId: "qd-a3", RequestId: "5b0e7c1d-2f3a-4e5b-8c6d-7e8f9a0b1c2d",
				Decision: req.GetDecision(), Entries: []*honoursv1.DecisionEntry{entry("units/xa-a1")}})
			if err != nil && err != io.EOF {
				return "", err
			}
			resp, err := stream.CloseAndRecv()
			if err == nil && resp.GetSucceeded() != 1 {
				err = fmt.Errorf("import: %v", resp)
			}
			return "decisions/qd-a3", err
		}},
		// Province B's.
		{honoursService + "CreateDecision", unitB, func(ctx context.Context) (string, error) {
			return named(h.CreateDecision(ctx, decision("qd-b1", unitB)))
		}},

		{movementsService + "CreateMovement", unitA, func(ctx context.Context) (string, error) {
			return named(m.CreateMovement(ctx, movement("nong-thon-moi", unitA)))
		}},
		{movementsService + "UpdateMovement", unitA, func(ctx context.Context) (string, error) {
			return named(m.UpdateMovement(ctx, &movementsv1.UpdateMovementRequest{
				Movement:   &movementsv1.Movement{Name: "movements/nong-thon-moi", Objectives: "Nâng cao đời sống nhân dân"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"objectives"}}}))
		}},
		{movementsService + "CreateParticipant", unitA, func(ctx context.Context) (string, error) {
			return named(m.CreateParticipant(ctx, &movementsv1.CreateParticipantRequest{Parent: "movements/nong-thon-moi",
				Participant: &movementsv1.Participant{Unit: "units/xa-a1", RegisteredOn: day(2016, 4, 1)}}))
		}},
		{movementsService + "BatchCreateParticipants", unitA, func(ctx context.Context) (string, error) {
			_, err := m.BatchCreateParticipants(ctx, &movementsv1.BatchCreateParticipantsRequest{Parent: "movements/nong-thon-moi",
				Requests: []*movementsv1.CreateParticipantRequest{{Participant: &movementsv1.Participant{Unit: "units/xa-a2", RegisteredOn: day(2016, 4, 1)}}}})
			return batchResource, err
		}},
		{movementsService + "CreateExemplar", unitA, func(ctx context.Context) (string, error) {
			return named(m.CreateExemplar(ctx, &movementsv1.CreateExemplarRequest{Parent: "movements/nong-thon-moi", ExemplarId: "xa-a1",
				Exemplar: &movementsv1.Exemplar{Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE,
					Unit: "units/xa-a1"}, Field: "Nông nghiệp", Model: "Dồn điền đổi thửa"}}))
		}},
		{movementsService + "UpdateExemplar", unitA, func(ctx context.Context) (string, error) {
			return named(m.UpdateExemplar(ctx, &movementsv1.UpdateExemplarRequest{
				Exemplar:   &movementsv1.Exemplar{Name: "movements/nong-thon-moi/exemplars/xa-a1", Model: "Nhân rộng mô hình"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"model"}}}))
		}},
		{movementsService + "LaunchMovement", unitA, func(ctx context.Context) (string, error) {
			return named(m.LaunchMovement(ctx, &movementsv1.LaunchMovementRequest{Name: "movements/nong-thon-moi"}))
		}},
		{movementsService + "CloseMovement", unitA, func(ctx context.Context) (string, error) {
			return named(m.CloseMovement(ctx, &movementsv1.CloseMovementRequest{Name: "movements/nong-thon-moi",
				ClosingReview: &movementsv1.ClosingReview{Document: document("25-bc", unitA), Summary: "Tổng kết 5 năm"}}))
		}},
		{movementsService + "CreateEvent", unitA, func(ctx context.Context) (string, error) {
			return named(m.CreateEvent(ctx, &movementsv1.CreateEventRequest{EventId: "dai-hoi-khoi-a-3", Event: &movementsv1.Event{
				Kind: movementsv1.EventKind_EVENT_KIND_CONGRESS, Organizer: unitA, Group: "groups/khoi-a", Movement: "movements/nong-thon-moi",
				HeldOn: day(2020, 7, 30), Ordinal: 3, Summary: "Đại hội thi đua yêu nước lần thứ III"}}))
		}},
		// Province B's.
		{movementsService + "CreateMovement", unitB, func(ctx context.Context) (string, error) {
			return named(m.CreateMovement(ctx, movement("vi-nguoi-ngheo", unitB)))
		}},
	}, nominationSteps(n)...)
}

// nominationSteps are the nominations service's mutations: a batch that
// commune xa-a1 proposes to province A (its records name the proposer),
// its nominations taken through every step of the workflow, and one of
// them conferred.
func nominationSteps(n nominationsv1.NominationsServiceClient) []auditStep {
	const batch = "batches/tt-a1"
	owner := "units/xa-a1"
	nomination := func(i int) string { return fmt.Sprintf("%s/nominations/dn-%d", batch, i) }
	person := func(i int) *nominationsv1.Nomination {
		return &nominationsv1.Nomination{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, FullName: fmt.Sprintf("Lò Văn Cán Bộ %d", i),
				CitizenId: fmt.Sprintf("0012900000%02d", i), Gender: typev1.Gender_GENDER_MALE, BirthYear: 1980, Position: "Chuyên viên",
				Unit: owner},
			AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2025, EndYear: 2025},
			Achievements: "Hoàn thành xuất sắc nhiệm vụ năm 2025",
		}
	}
	create := func(i int) *nominationsv1.CreateNominationRequest {
		return &nominationsv1.CreateNominationRequest{Parent: batch, NominationId: fmt.Sprintf("dn-%d", i), Nomination: person(i)}
	}
	named := func(r interface{ GetName() string }, err error) (string, error) { return r.GetName(), err }
	const reason = "Hồ sơ chưa đủ minh chứng thành tích"
	return []auditStep{
		{nominationsService + "CreateBatch", owner, func(ctx context.Context) (string, error) {
			return named(n.CreateBatch(ctx, &nominationsv1.CreateBatchRequest{BatchId: "tt-a1", Batch: &nominationsv1.Batch{
				Proposer: owner, Authority: "units/" + provinceA, Title: "Tờ trình đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"}}))
		}},
		{nominationsService + "CreateNomination", owner, func(ctx context.Context) (string, error) {
			return named(n.CreateNomination(ctx, create(1)))
		}},
		{nominationsService + "BatchCreateNominations", owner, func(ctx context.Context) (string, error) {
			_, err := n.BatchCreateNominations(ctx, &nominationsv1.BatchCreateNominationsRequest{Parent: batch,
				Requests: []*nominationsv1.CreateNominationRequest{create(2), create(3), create(4)}})
			return batchResource, err
		}},
		{nominationsService + "ImportNominations", owner, func(ctx context.Context) (string, error) {
			stream, err := n.ImportNominations(ctx)
			if err != nil {
				return "", err
			}
			row := create(5)
			row.RequestId = "7d1e2f3a-4b5c-4d6e-8f70-81a2b3c4d5e6"
			if err := stream.Send(&nominationsv1.ImportNominationsRequest{Row: row}); err != nil && err != io.EOF {
				return "", err
			}
			resp, err := stream.CloseAndRecv()
			if err == nil && resp.GetAccepted() != 1 {
				err = fmt.Errorf("import: %v", resp)
			}
			return nomination(5), err
		}},
		{nominationsService + "SubmitBatch", owner, func(ctx context.Context) (string, error) {
			return named(n.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: batch}))
		}},
		{nominationsService + "AppraiseNomination", owner, func(ctx context.Context) (string, error) {
			return named(n.AppraiseNomination(ctx, &nominationsv1.AppraiseNominationRequest{Name: nomination(1)}))
		}},
		{nominationsService + "RecordVote", owner, func(ctx context.Context) (string, error) {
			return named(n.RecordVote(ctx, &nominationsv1.RecordVoteRequest{Name: nomination(1), Vote: &nominationsv1.Vote{
				Members: []*nominationsv1.CouncilMember{{FullName: "Trịnh Việt Hùng", Present: true}, {FullName: "Nguyễn Huy Dũng", Present: true},
					{FullName: "Đặng Xuân Trường", Present: true}}, Yes: 3, HeldOn: day(2025, 12, 1)}}))
		}},
		{nominationsService + "PublishNomination", owner, func(ctx context.Context) (string, error) {
			return named(n.PublishNomination(ctx, &nominationsv1.PublishNominationRequest{Name: nomination(1)}))
		}},
		// A Bằng khen of the province's chairman has no minimum comment
		// window: it is approved the day it is published, with an
		// override when its eligibility report fails.
		{nominationsService + "ApproveNomination", owner, func(ctx context.Context) (string, error) {
			p, err := n.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: nomination(1)})
			if err != nil {
				return "", err
			}
			req := &nominationsv1.ApproveNominationRequest{Name: nomination(1)}
			if p.GetEligibility().GetOutcome() == nominationsv1.Outcome_OUTCOME_FAIL {
				req.OverrideReason = "Hội đồng đã xác minh hồ sơ gốc"
			}
			return named(n.ApproveNomination(ctx, req))
		}},
		{nominationsService + "ReturnNomination", owner, func(ctx context.Context) (string, error) {
			return named(n.ReturnNomination(ctx, &nominationsv1.ReturnNominationRequest{Name: nomination(2), Reason: reason}))
		}},
		{nominationsService + "RejectNomination", owner, func(ctx context.Context) (string, error) {
			return named(n.RejectNomination(ctx, &nominationsv1.RejectNominationRequest{Name: nomination(3), Reason: reason}))
		}},
		{nominationsService + "WithdrawNomination", owner, func(ctx context.Context) (string, error) {
			return named(n.WithdrawNomination(ctx, &nominationsv1.WithdrawNominationRequest{Name: nomination(4), Reason: "Cá nhân xin rút hồ sơ"}))
		}},
		// Two records here, three in honours: see conferral.
		{conferral, owner, func(ctx context.Context) (string, error) {
			return named(n.ConferBatch(ctx, &nominationsv1.ConferBatchRequest{Name: batch, RequestId: "0c2d4e6f-8a1b-4c3d-9e5f-a7b9c1d3e5f7",
				Title: "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
				Document: &typev1.DocumentRef{Number: "1200/QĐ-UBND", SignedOn: day(2025, 12, 1), SignerName: "Nguyễn Văn Bình",
					SignerTitle: "Chủ tịch", Issuer: "units/" + provinceA}}))
		}},
		{nominationsService + "UpdateCalendar", "", func(ctx context.Context) (string, error) {
			return named(n.UpdateCalendar(ctx, &nominationsv1.UpdateCalendarRequest{Calendar: &nominationsv1.Calendar{Name: "calendars/2030",
				Holidays: []*nominationsv1.Holiday{{Date: day(2030, 1, 1), Name: "Tết Dương lịch", Kind: nominationsv1.HolidayKind_HOLIDAY_KIND_HOLIDAY,
					Source: "Bộ luật Lao động 2019, Điều 112"}}}}))
		}},
		// Province B's.
		{nominationsService + "CreateBatch", "units/" + provinceB, func(ctx context.Context) (string, error) {
			return named(n.CreateBatch(ctx, &nominationsv1.CreateBatchRequest{BatchId: "tt-b1", Batch: &nominationsv1.Batch{
				Proposer: "units/" + provinceB, Authority: "units/" + provinceB, Title: "Tờ trình đề nghị khen thưởng"}}))
		}},
	}
}

// TestEveryMutationAudited makes every mutation of every service (found
// from their descriptors) as a central administrator signed in with a
// bearer token, through the guarded services, and finds exactly one admin
// activity record for each call, naming the caller, the method, the
// resource and the unit owning it; a province's board officer lists only
// its province's records. tdktctl audit verify passes on both services'
// databases, while the services run and after they stop, and fails after
// a record is edited in the database.
func TestEveryMutationAudited(t *testing.T) {
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			urls := map[string]string{"blocs": e.URL(t), "honours": e.URL(t), "movements": e.URL(t), "nominations": e.URL(t)}
			spans := tracetest.NewSpanRecorder()
			s := stacktest.Start(t, func(o *stack.Options) {
				o.Blocs.DatabaseURL, o.Honours.DatabaseURL, o.Movements.DatabaseURL = urls["blocs"], urls["honours"], urls["movements"]
				o.Nominations.DatabaseURL = urls["nominations"]
				o.SpanProcessor = spans
			})
			ctx := t.Context()
			list := map[string]func(context.Context, *typev1.ListAuditEntriesRequest) (*typev1.ListAuditEntriesResponse, error){
				"blocs": func(ctx context.Context, r *typev1.ListAuditEntriesRequest) (*typev1.ListAuditEntriesResponse, error) {
					return s.Blocs.ListAuditEntries(ctx, r)
				},
				"honours": func(ctx context.Context, r *typev1.ListAuditEntriesRequest) (*typev1.ListAuditEntriesResponse, error) {
					return s.Honours.ListAuditEntries(ctx, r)
				},
				"movements": func(ctx context.Context, r *typev1.ListAuditEntriesRequest) (*typev1.ListAuditEntriesResponse, error) {
					return s.Movements.ListAuditEntries(ctx, r)
				},
				"nominations": func(ctx context.Context, r *typev1.ListAuditEntriesRequest) (*typev1.ListAuditEntriesResponse, error) {
					return s.Nominations.ListAuditEntries(ctx, r)
				},
			}
			// newest returns the n newest admin activity records of svc.
			newest := func(svc string, n int32) *typev1.ListAuditEntriesResponse {
				t.Helper()
				r, err := list[svc](ctx, &typev1.ListAuditEntriesRequest{PageSize: n, LogName: typev1.AuditLogName_AUDIT_LOG_NAME_ACTIVITY})
				require.NoError(t, err)
				return r
			}
			// nominations stores a year's public holidays from the official
			// list the first time a year's working days are counted, as
			// the service itself ("system", method SeedCalendar): the years
			// the steps count in are stored first, so that each step's
			// records are its own.
			for _, y := range []int{2025, time.Now().Year(), time.Now().Year() + 1} {
				_, err := s.Nominations.GetCalendar(ctx, &nominationsv1.GetCalendarRequest{Name: fmt.Sprintf("calendars/%d", y)})
				require.True(t, err == nil || status.Code(err) == codes.NotFound, "calendars/%d: %v", y, err)
			}

			steps := auditSteps(t, s)
			var called []string
			for _, st := range steps {
				require.NotEmpty(t, st.service(), st.method)
				called = append(called, st.method)
			}
			all := mutations()
			for _, m := range all {
				require.Contains(t, called, m, "%s changes state (its request has a request_id, or its name says so), "+
					"but this test does not know how to call it: add a step to auditSteps", m)
			}
			for _, m := range called {
				require.Contains(t, all, m, "%s is not a mutation", m)
			}

			hexTrace := regexp.MustCompile(`^[0-9a-f]{32}$`)
			traces := map[string]string{} // trace id -> method
			for i, st := range steps {
				before := map[string]int32{}
				for svc := range services {
					before[svc] = newest(svc, 1).GetTotalSize()
				}
				resource, err := st.call(ctx)
				require.NoError(t, err, "step %d: %s", i, st.method)
				for svc, n := range before {
					if st.method == conferral && svc == "honours" {
						checkConferralInHonours(t, newest(svc, int32(len(conferralRecords.honours))), n, resource)
						continue
					}
					records := int32(1)
					if st.method == conferral {
						records = conferralRecords.own
					}
					after := newest(svc, records)
					if svc != st.service() {
						require.Equal(t, n, after.GetTotalSize(), "step %d: %s wrote to the audit log of %s", i, st.method, svc)
						continue
					}
					require.Equal(t, n+records, after.GetTotalSize(), "step %d: %s: exactly %d admin activity record(s)", i, st.method, records)
					for _, got := range after.GetAuditEntries() {
						require.Equal(t, st.short(), got.GetMethod(), "step %d", i)
						if resource != batchResource {
							require.Equal(t, resource, got.GetResource(), "step %d: %s", i, st.method)
						}
						require.Equal(t, st.owner, got.GetOwnerUnit(), "step %d: %s %s", i, st.method, resource)
						require.Equal(t, &typev1.AuditCaller{Subject: stacktest.Admin.Subject, AuthenticationMethod: auth.MethodBearer,
							Roles: []string{devissuer.CentralUnit + ":CENTRAL_ADMIN"}}, got.GetCaller(), "step %d", i)
						require.Equal(t, typev1.AuditLogName_AUDIT_LOG_NAME_ACTIVITY, got.GetLogName())
						require.Equal(t, "OK", got.GetResult())
						require.Regexp(t, hexTrace, got.GetTraceId(), "step %d: %s", i, st.method)
						traces[got.GetTraceId()] = st.method
					}
				}
			}
			// Each record's trace is its call's.
			require.Eventually(t, func() bool {
				for id, method := range traces {
					if !slices.ContainsFunc(spans.Ended(), func(sp sdktrace.ReadOnlySpan) bool {
						return sp.SpanContext().TraceID().String() == id && sp.Name() == strings.TrimPrefix(method, "/")
					}) {
						return false
					}
				}
				return true
			}, 10*time.Second, 50*time.Millisecond, "a server span of each call, in the trace its record names")

			t.Run("scoped to a province", func(t *testing.T) {
				testAuditScope(t, s, list)
			})
			t.Run("over REST", func(t *testing.T) {
				for svc, method := range map[string]string{"blocs": "DissolveUnit", "honours": "RevokeDecision"} {
					u := s.BaseURL + "/v1/services/" + svc + "/auditEntries?logName=AUDIT_LOG_NAME_ACTIVITY&method=" + method +
						"&startTime=2020-01-01T00:00:00Z"
					req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
					require.NoError(t, err)
					req.Header.Set("Authorization", "Bearer "+s.AdminToken)
					resp, err := http.DefaultClient.Do(req)
					require.NoError(t, err)
					body, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					require.NoError(t, err)
					require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", u, body)
					var page typev1.ListAuditEntriesResponse
					require.NoError(t, protojson.Unmarshal(body, &page), "%s", body)
					require.EqualValues(t, 1, page.GetTotalSize(), "%s", body)
					require.Equal(t, method, page.GetAuditEntries()[0].GetMethod())
					require.Contains(t, string(body), `"logName":"AUDIT_LOG_NAME_ACTIVITY"`)
				}
			})

			// tdktctl audit verify, while the services run and after they
			// stopped; then a record is edited.
			verify := func(url string, args ...string) (int, string, string) {
				var stdout, stderr bytes.Buffer
				code := run(ctx, append([]string{"audit", "verify", "-database-url", url}, args...), &stdout, &stderr, false)
				return code, stdout.String(), stderr.String()
			}
			totals := map[string]int32{}
			for svc := range urls {
				r, err := list[svc](ctx, &typev1.ListAuditEntriesRequest{PageSize: 1})
				require.NoError(t, err)
				totals[svc] = r.GetTotalSize()
				code, out, errOut := verify(urls[svc])
				require.Equal(t, exitOK, code, "%s: %s%s", svc, out, errOut)
				require.True(t, strings.HasPrefix(out, fmt.Sprintf("audit chain of %d records intact\nhead %d:", totals[svc], totals[svc])), "%s: %s", svc, out)
			}
			require.NoError(t, s.Stop())
			for svc, url := range urls {
				code, out, errOut := verify(url)
				require.Equal(t, exitOK, code, "%s: %s%s", svc, out, errOut)
				require.True(t, strings.HasPrefix(out, fmt.Sprintf("audit chain of %d records intact\n", totals[svc])), "%s: %s", svc, out)
				anchor := regexp.MustCompile(`head ([0-9]+:[0-9a-f]{64})`).FindStringSubmatch(out)
				require.Len(t, anchor, 2, out)

				// Someone who can write the database cuts the chain's
				// last two records and moves the head to match: the chain
				// alone cannot tell, the head kept elsewhere can.
				db, err := sqlstore.Connect(ctx, url, nil)
				require.NoError(t, err)
				cut := totals[svc] - 2
				_, err = db.ExecContext(ctx, `DELETE FROM audit_log WHERE seq > $1`, cut)
				require.NoError(t, err)
				_, err = db.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = (SELECT hash FROM audit_log WHERE seq = $1) WHERE id = 1`, cut)
				require.NoError(t, err)
				code, out, errOut = verify(url)
				require.Equal(t, exitOK, code, "%s: %s%s", svc, out, errOut)
				code, out, errOut = verify(url, "-anchor", anchor[1])
				require.Equal(t, exitFailed, code, "%s: %s%s", svc, out, errOut)
				require.Contains(t, out, fmt.Sprintf("audit chain broken: audit record %d: missing", totals[svc]), svc)
				code, _, errOut = verify(url, "-anchor", "12:zz")
				require.Equal(t, exitUsage, code)
				require.Contains(t, errOut, "the hash is not 64 hex digits")

				_, err = db.ExecContext(ctx, `UPDATE audit_log SET caller = 'someone else' WHERE seq = 2`)
				require.NoError(t, err)
				require.NoError(t, db.Close())
				code, out, errOut = verify(url)
				require.Equal(t, exitFailed, code, "%s: %s%s", svc, out, errOut)
				require.Contains(t, out, "audit chain broken: audit record 2 (id ", svc)
				require.Contains(t, out, "altered", svc)
			}
		})
	}
}

// checkConferralInHonours checks the records a conferral of batch left in
// honours (page: its newest, which held total records before): the
// decision created, filled and issued by the nominations service with
// the caller's token, in province A: each record names the caller.
func checkConferralInHonours(t *testing.T, page *typev1.ListAuditEntriesResponse, total int32, batch string) {
	t.Helper()
	want := conferralRecords.honours
	require.Equal(t, total+int32(len(want)), page.GetTotalSize(), "ConferBatch: honours' records")
	decision := "decisions/tt-" + strings.TrimPrefix(batch, "batches/")
	for i, got := range page.GetAuditEntries() {
		require.Equal(t, want[len(want)-1-i], got.GetMethod())
		require.Equal(t, decision, got.GetResource())
		require.Equal(t, "units/"+provinceA, got.GetOwnerUnit())
		require.Equal(t, &typev1.AuditCaller{Subject: stacktest.Admin.Subject, AuthenticationMethod: auth.MethodBearer,
			Roles: []string{devissuer.CentralUnit + ":CENTRAL_ADMIN"}}, got.GetCaller(), "%s", got.GetMethod())
		require.Equal(t, "OK", got.GetResult())
	}
}

// testAuditScope lists both services' audit logs as a board officer of
// each province: it sees exactly the records of its province's units, as
// a central administrator sees them; a viewer may not list them.
func testAuditScope(t *testing.T, s *stacktest.Stack,
	list map[string]func(context.Context, *typev1.ListAuditEntriesRequest) (*typev1.ListAuditEntriesResponse, error),
) {
	ctx := t.Context()
	as := func(unit string, role auth.Role) context.Context {
		tok := s.Token(&auth.Caller{Subject: string(role) + "@" + unit, Method: auth.MethodBearer,
			Grants: []auth.Grant{{Unit: unit, Roles: []auth.Role{role}}}})
		return metadata.AppendToOutgoingContext(ctx, auth.AuthorizationKey, "Bearer "+tok)
	}
	ids := func(ctx context.Context, svc string, keep func(*typev1.AuditEntry) bool) []string {
		t.Helper()
		var out []string
		req := &typev1.ListAuditEntriesRequest{PageSize: 7}
		for {
			r, err := list[svc](ctx, req)
			require.NoError(t, err)
			for _, e := range r.GetAuditEntries() {
				if keep(e) {
					out = append(out, e.GetId())
				}
			}
			if r.GetNextPageToken() == "" {
				return out
			}
			req.PageToken = r.GetNextPageToken()
		}
	}
	everything := func(*typev1.AuditEntry) bool { return true }
	provinces := map[string][]string{
		provinceA: {"units/" + provinceA, "units/xa-a1", "units/xa-a2", "units/xa-a3"},
		provinceB: {"units/" + provinceB},
	}
	for svc := range list {
		for prov, units := range provinces {
			want := ids(ctx, svc, func(e *typev1.AuditEntry) bool { return slices.Contains(units, e.GetOwnerUnit()) })
			require.NotEmpty(t, want, "%s: records of %s", svc, prov)
			got := ids(as(prov, auth.BoardOfficer), svc, everything)
			require.Equal(t, want, got, "%s: what a board officer of %s sees", svc, prov)
		}
		_, err := list[svc](as(provinceA, auth.Viewer), &typev1.ListAuditEntriesRequest{})
		require.Equal(t, codes.PermissionDenied, status.Code(err), "%s: a viewer lists the audit log: %v", svc, err)
		_, err = list[svc](metadata.AppendToOutgoingContext(ctx, auth.AuthorizationKey, ""), &typev1.ListAuditEntriesRequest{})
		require.Equal(t, codes.Unauthenticated, status.Code(err), "%s: without credentials: %v", svc, err)
	}
}
