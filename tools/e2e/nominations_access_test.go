package e2e

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/policy"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// The nominations service in the access matrix. A batch of A is proposed
// by one of A's agencies to province A; a caller whose units cover either
// sees it and its nominations, and to anyone else they do not exist. The
// policy admits the roles that take a step of the workflow; which side of
// the batch takes it (the proposer's clerks and officers submit, fill and
// withdraw; the authority's officers appraise, return, reject, publish,
// approve and confer; the authority's council votes) is the workflow's
// rule, checked by the service after the policy. A's province-wide roles
// hold every side of A's batches, so the matrix also calls the
// nominations service as each role of the proposing agency alone: its
// officers are let through by the policy to appraise, and the workflow
// refuses them.

const ns = "/tdkt.nominations.v1.NominationsService/"

// sideOf is the side of the batch that takes each step, as the service's
// contract says (proto/tdkt/nominations/v1: "Access"); methods absent
// take no side.
var sideOf = map[string]string{
	ns + "SubmitBatch":            "proposer",
	ns + "CreateNomination":       "proposer",
	ns + "BatchCreateNominations": "proposer",
	ns + "WithdrawNomination":     "proposer",
	ns + "AppraiseNomination":     "authority",
	ns + "ReturnNomination":       "authority",
	ns + "RejectNomination":       "authority",
	ns + "PublishNomination":      "authority",
	ns + "ApproveNomination":      "authority",
	ns + "ConferBatch":            "authority",
	ns + "RecordVote":             "council",
}

// holdsSide reports whether the caller of ctx, to the policy p, holds
// side of the batch owned by o: the proposer's clerks and officers are its proposer, the
// authority's officers its authority, the authority's council members its
// council; a central administrator is every side.
func holdsSide(ctx context.Context, p *policy.Policy, side string, o policy.Owner) bool {
	unit, roles := o.Unit, []auth.Role{auth.CentralAdmin, auth.BoardOfficer, auth.UnitClerk}
	if len(o.Also) > 0 && side != "proposer" {
		unit = o.Also[0]
	}
	switch side {
	case "authority":
		roles = []auth.Role{auth.CentralAdmin, auth.BoardOfficer}
	case "council":
		roles = []auth.Role{auth.CentralAdmin, auth.CouncilMember}
	}
	ok, err := p.Can(ctx, unit, roles...)
	return err == nil && ok
}

// batchOf returns the batch a nominations request names in its name or
// parent ("batches/{b}" of "batches/{b}/nominations/{n}"); "" when none.
func batchOf(req proto.Message) string {
	m := req.ProtoReflect()
	for _, f := range []protoreflect.Name{"name", "parent"} {
		fd := m.Descriptor().Fields().ByName(f)
		if fd == nil || fd.Kind() != protoreflect.StringKind {
			continue
		}
		if rest, ok := strings.CutPrefix(m.Get(fd).String(), "batches/"); ok {
			id, _, _ := strings.Cut(rest, "/")
			return "batches/" + id
		}
	}
	return ""
}

// nominationCitizenID matches the citizen ids of the people nominated in
// A's batches (001290 and six digits); B's are 002290 and six digits.
var nominationCitizenID = regexp.MustCompile(`001290[0-9]{6}`)

// hiddenNames is the names of batches and nominations, with their owners,
// that only their owners' readers may see.
type hiddenNames map[string]policy.Owner

// shows reports whether shown holds name as a whole name (not the start
// of a longer one), quoted or inside a message.
func shows(shown, name string) bool {
	for rest := shown; ; {
		i := strings.Index(rest, name)
		if i < 0 {
			return false
		}
		rest = rest[i+len(name):]
		if rest == "" || !strings.ContainsRune("abcdefghijklmnopqrstuvwxyz0123456789-_", rune(rest[0])) {
			return true
		}
	}
}

// leakNominations names what shown, the answer to asked (a request in
// JSON), holds of the nominations service that its caller may not see: a
// batch or nomination whose owners it does not read (unless the request
// named it: "batches/x not found" tells the caller nothing), a clear
// citizen id of A's nominations when it is no PII_READER of their
// proposer (A's agency) or authority (A).
func (w *world) leakNominations(ctx context.Context, p *policy.Policy, shown, asked string) string {
	for name, o := range w.hidden {
		if shows(shown, name) && !shows(asked, name) && !sees(ctx, p, o, policy.Readers...) {
			return "the hidden " + name
		}
	}
	if nominationCitizenID.MatchString(shown) && !sees(ctx, p, policy.Owner{Unit: w.agencyA, Also: []string{provA}}, auth.PIIReader) {
		return "the clear citizen id of a nomination of A"
	}
	return ""
}

// sees reports whether the caller of ctx holds one of roles over o's unit
// or one of its Also.
func sees(ctx context.Context, p *policy.Policy, o policy.Owner, roles ...auth.Role) bool {
	for _, u := range append([]string{o.Unit}, o.Also...) {
		if ok, err := p.Can(ctx, u, roles...); err == nil && ok {
			return true
		}
	}
	return false
}

// agency creates an agency of prov (a department of its people's
// committee): a proposer of nominations to the province.
func (w *world) agency(prov string) string {
	id := w.next("so")
	_, err := w.blocs.CreateUnit(w.admin, &blocsv1.CreateUnitRequest{UnitId: id, Unit: &blocsv1.Unit{
		DisplayName: "Sở Nội vụ " + id, Kind: blocsv1.UnitKind_UNIT_KIND_AGENCY, Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE,
		Parent: "units/" + prov, Province: "units/" + prov,
	}})
	require.NoError(w.t, err)
	w.units[id] = prov
	return id
}

// batch creates a draft batch proposed by proposer to authority (unit
// ids), hidden but to their readers.
func (w *world) batch(proposer, authority string) string {
	b, err := w.nominations.CreateBatch(w.admin, &nominationsv1.CreateBatchRequest{BatchId: w.next("tt"), Batch: &nominationsv1.Batch{
		Proposer: "units/" + proposer, Authority: "units/" + authority,
		Title: "Tờ trình đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"}})
	require.NoError(w.t, err)
	o := policy.Owner{Unit: proposer, Also: []string{authority}}
	w.owners[b.GetName()], w.hidden[b.GetName()] = o, o
	return b.GetName()
}

// nominee is a new individual of prov nominated for the chairman's Bằng
// khen of 2025: A's citizen ids are 001290…, B's 002290… . Each has a
// name of its own too: honours takes the same name, birth year and unit
// for the same person.
func (w *world) nominee(prov string) *nominationsv1.Nomination {
	prefix := "001290"
	if prov != provA {
		prefix = "002290"
	}
	k := w.n.Add(1)
	return &nominationsv1.Nomination{
		Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, FullName: fmt.Sprintf("Lò Thị Mai %d", k),
			CitizenId: fmt.Sprintf("%s%06d", prefix, k), Gender: typev1.Gender_GENDER_FEMALE, BirthYear: 1982,
			Position: "Chuyên viên", Unit: "units/" + prov},
		AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2025, EndYear: 2025},
		Achievements: "Hoàn thành xuất sắc nhiệm vụ năm 2025",
		Ratings:      []*nominationsv1.YearRating{{Year: 2025, Rating: nominationsv1.Rating_RATING_EXCELLENT}},
	}
}

// nomination adds a nominee of prov to the draft batch; it returns its
// name.
func (w *world) nomination(batch, prov string) string {
	name, _ := w.nominated(batch, prov)
	return name
}

// nominated adds a nominee of prov to the draft batch; it returns its
// name and what was sent.
func (w *world) nominated(batch, prov string) (string, *nominationsv1.Nomination) {
	p := w.nominee(prov)
	n, err := w.nominations.CreateNomination(w.admin, &nominationsv1.CreateNominationRequest{Parent: batch,
		NominationId: w.next("dn"), Nomination: proto.Clone(p).(*nominationsv1.Nomination)})
	require.NoError(w.t, err)
	w.hidden[n.GetName()] = w.hidden[batch]
	return n.GetName(), p
}

// submitted creates a batch of A (A's agency to A) with one nomination,
// submitted: the nomination is SUBMITTED.
func (w *world) submitted() (batch, nomination string) {
	batch = w.batch(w.agencyA, provA)
	nomination = w.nomination(batch, provA)
	_, err := w.nominations.SubmitBatch(w.admin, &nominationsv1.SubmitBatchRequest{Name: batch})
	require.NoError(w.t, err)
	return batch, nomination
}

// passing is a vote of the authority's council that passes.
func passing() *nominationsv1.Vote {
	return &nominationsv1.Vote{Members: []*nominationsv1.CouncilMember{
		{FullName: "Nguyễn Văn Bình", Unit: "units/" + provA, HeadsUnit: true, Present: true},
		{FullName: "Trần Thị Cúc", Present: true},
		{FullName: "Hoàng Văn Dũng", Present: true},
	}, Yes: 3, HeldOn: on(2025, 12, 1)}
}

// appraised returns a nomination of A appraised, with a passing vote when
// voted.
func (w *world) appraised(voted bool) (batch, nomination string) {
	batch, nomination = w.submitted()
	_, err := w.nominations.AppraiseNomination(w.admin, &nominationsv1.AppraiseNominationRequest{Name: nomination})
	require.NoError(w.t, err)
	if voted {
		_, err = w.nominations.RecordVote(w.admin, &nominationsv1.RecordVoteRequest{Name: nomination, Vote: passing()})
		require.NoError(w.t, err)
	}
	return batch, nomination
}

// published returns a nomination of A published for comment. A Bằng
// khen of the province's chairman has no minimum comment window
// (domain.CommentWindows): it may be approved from the day of its
// publication, so the test needs no other day than the service's.
func (w *world) published() (batch, nomination string) {
	batch, nomination = w.appraised(true)
	_, err := w.nominations.PublishNomination(w.admin, &nominationsv1.PublishNominationRequest{Name: nomination})
	require.NoError(w.t, err)
	return batch, nomination
}

// approved returns a batch of A with one APPROVED nomination; an
// eligibility report that fails is overridden, with a reason.
func (w *world) approved() (batch, nomination string) {
	batch, nomination = w.published()
	_, err := w.nominations.ApproveNomination(w.admin, w.approval(nomination))
	require.NoError(w.t, err)
	return batch, nomination
}

// approval is the request that approves the published nomination: with
// an override reason when its eligibility report fails (as one with no
// prior honours does), without one otherwise.
func (w *world) approval(nomination string) *nominationsv1.ApproveNominationRequest {
	n, err := w.nominations.GetNomination(w.admin, &nominationsv1.GetNominationRequest{Name: nomination})
	require.NoError(w.t, err)
	req := &nominationsv1.ApproveNominationRequest{Name: nomination}
	if n.GetEligibility().GetOutcome() == nominationsv1.Outcome_OUTCOME_FAIL {
		req.OverrideReason = "Hội đồng xét thấy thành tích đặc biệt xuất sắc"
	}
	return req
}

// nominationsWorld is what the nominations service's requests act on: a
// draft batch of A with a nomination, a submitted one with a nomination,
// and a batch of B.
type nominationsWorld struct {
	draft, draftNomination         string
	submitted, submittedNomination string
	submittedNominee               *nominationsv1.Nomination // as sent
}

func (w *world) nominationsWorld() nominationsWorld {
	var nw nominationsWorld
	w.agencyA = w.agency(provA)
	nw.draft = w.batch(w.agencyA, provA)
	nw.draftNomination = w.nomination(nw.draft, provA)
	nw.submitted = w.batch(w.agencyA, provA)
	nw.submittedNomination, nw.submittedNominee = w.nominated(nw.submitted, provA)
	_, err := w.nominations.SubmitBatch(w.admin, &nominationsv1.SubmitBatchRequest{Name: nw.submitted})
	require.NoError(w.t, err)
	agencyB := w.agency(provB)
	batchB := w.batch(agencyB, provB)
	w.nomination(batchB, provB)
	return nw
}

// nominationsRequests returns the requests of the nominations service, by
// full method name: each acts on A's batches, made afresh where the call
// changes them.
func (w *world) nominationsRequests(nw nominationsWorld) map[string]func() (proto.Message, call) {
	n := w.nominations
	reason := "Hồ sơ chưa đủ minh chứng thành tích"
	return map[string]func() (proto.Message, call){
		ns + "CreateBatch": func() (proto.Message, call) {
			return unary(n.CreateBatch, &nominationsv1.CreateBatchRequest{BatchId: w.next("tt"), Batch: &nominationsv1.Batch{
				Proposer: "units/" + w.agencyA, Authority: "units/" + provA, Title: "Tờ trình đề nghị khen thưởng"}})
		},
		ns + "GetBatch": func() (proto.Message, call) { return unary(n.GetBatch, &nominationsv1.GetBatchRequest{Name: nw.draft}) },
		ns + "ListBatches": func() (proto.Message, call) {
			return unary(n.ListBatches, &nominationsv1.ListBatchesRequest{PageSize: 1000})
		},
		ns + "SubmitBatch": func() (proto.Message, call) {
			b := w.batch(w.agencyA, provA)
			w.nomination(b, provA)
			return unary(n.SubmitBatch, &nominationsv1.SubmitBatchRequest{Name: b})
		},
		ns + "ConferBatch": func() (proto.Message, call) {
			b, _ := w.approved()
			return unary(n.ConferBatch, &nominationsv1.ConferBatchRequest{Name: b, RequestId: uuid(w.n.Add(1)),
				Title: "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
				Document: &typev1.DocumentRef{Number: w.next("qd") + "/QĐ-UBND", SignedOn: on(2025, 12, 1),
					SignerName: "Nguyễn Văn Bình", SignerTitle: "Chủ tịch", Issuer: "units/" + provA}})
		},
		ns + "CreateNomination": func() (proto.Message, call) {
			return unary(n.CreateNomination, &nominationsv1.CreateNominationRequest{Parent: w.batch(w.agencyA, provA),
				NominationId: w.next("dn"), Nomination: w.nominee(provA)})
		},
		ns + "BatchCreateNominations": func() (proto.Message, call) {
			return unary(n.BatchCreateNominations, &nominationsv1.BatchCreateNominationsRequest{Parent: w.batch(w.agencyA, provA),
				Requests: []*nominationsv1.CreateNominationRequest{{Nomination: w.nominee(provA)}, {Nomination: w.nominee(provA)}}})
		},
		ns + "ImportNominations": func() (proto.Message, call) {
			b := w.batch(w.agencyA, provA)
			row := &nominationsv1.ImportNominationsRequest{Row: &nominationsv1.CreateNominationRequest{Parent: b,
				NominationId: w.next("dn"), RequestId: uuid(w.n.Add(1)), Nomination: w.nominee(provA)}}
			return row, func(ctx context.Context) (proto.Message, []byte, error) {
				s, err := n.ImportNominations(ctx)
				if err != nil {
					return nil, nil, err
				}
				if err := s.Send(row); err != nil && err != io.EOF {
					return nil, nil, err
				}
				resp, err := s.CloseAndRecv()
				return resp, nil, err
			}
		},
		ns + "GetNomination": func() (proto.Message, call) {
			return unary(n.GetNomination, &nominationsv1.GetNominationRequest{Name: nw.submittedNomination})
		},
		ns + "ListNominations": func() (proto.Message, call) {
			return unary(n.ListNominations, &nominationsv1.ListNominationsRequest{Parent: nw.submitted, PageSize: 1000})
		},
		ns + "AppraiseNomination": func() (proto.Message, call) {
			_, nom := w.submitted()
			return unary(n.AppraiseNomination, &nominationsv1.AppraiseNominationRequest{Name: nom})
		},
		ns + "ReturnNomination": func() (proto.Message, call) {
			_, nom := w.submitted()
			return unary(n.ReturnNomination, &nominationsv1.ReturnNominationRequest{Name: nom, Reason: reason})
		},
		ns + "RejectNomination": func() (proto.Message, call) {
			_, nom := w.submitted()
			return unary(n.RejectNomination, &nominationsv1.RejectNominationRequest{Name: nom, Reason: reason})
		},
		ns + "RecordVote": func() (proto.Message, call) {
			_, nom := w.appraised(false)
			return unary(n.RecordVote, &nominationsv1.RecordVoteRequest{Name: nom, Vote: passing()})
		},
		ns + "PublishNomination": func() (proto.Message, call) {
			_, nom := w.appraised(true)
			return unary(n.PublishNomination, &nominationsv1.PublishNominationRequest{Name: nom})
		},
		ns + "ApproveNomination": func() (proto.Message, call) {
			_, nom := w.published()
			return unary(n.ApproveNomination, w.approval(nom))
		},
		ns + "WithdrawNomination": func() (proto.Message, call) {
			_, nom := w.submitted()
			return unary(n.WithdrawNomination, &nominationsv1.WithdrawNominationRequest{Name: nom, Reason: "Cá nhân xin rút hồ sơ"})
		},
		ns + "CheckEligibility": func() (proto.Message, call) {
			// The person nominated in A's submitted batch, for the same
			// award and year: the report must not name A's nomination to
			// a caller who does not see it.
			p := nw.submittedNominee
			return unary(n.CheckEligibility, &nominationsv1.CheckEligibilityRequest{Recipient: p.GetRecipient(), AwardType: p.GetAwardType(),
				Period: p.GetPeriod()})
		},
		ns + "GetCalendar": func() (proto.Message, call) {
			return unary(n.GetCalendar, &nominationsv1.GetCalendarRequest{Name: fmt.Sprintf("calendars/%d", time.Now().Year())})
		},
		ns + "UpdateCalendar": func() (proto.Message, call) {
			return unary(n.UpdateCalendar, &nominationsv1.UpdateCalendarRequest{Calendar: &nominationsv1.Calendar{Name: "calendars/2030",
				Holidays: []*nominationsv1.Holiday{{Date: on(2030, 1, 1), Name: "Tết Dương lịch", Kind: nominationsv1.HolidayKind_HOLIDAY_KIND_HOLIDAY,
					Source: "Bộ luật Lao động 2019, Điều 112"}}}})
		},
		ns + "ListAuditEntries": func() (proto.Message, call) {
			return unary(n.ListAuditEntries, &typev1.ListAuditEntriesRequest{PageSize: 1000})
		},
	}
}

// agencySubjects are the roles of A's proposing agency alone: the
// proposer's side of A's batches, never their authority's.
func (w *world) agencySubjects() []subject {
	var out []subject
	for _, r := range auth.Roles {
		out = append(out, subject{string(r) + ", A's proposing agency", &auth.Caller{
			Subject: strings.ToLower(string(r)) + "@" + w.agencyA, Method: auth.MethodBearer,
			Grants: []auth.Grant{{Unit: w.agencyA, Roles: []auth.Role{r}}},
		}, ns})
	}
	return out
}

// provincialNominations is TestProvincialSystemStaysInItsProvince for the
// nominations service: province B's system (b, its board) proposes and
// submits its own batch, and every call naming A's batches or
// nominations is NOT_FOUND, as if they did not exist; its lists hold
// none of them; nothing of A's changes.
func provincialNominations(t *testing.T, w *world, b context.Context) {
	n := w.nominations
	w.agencyA = w.agency(provA)
	draftA := w.batch(w.agencyA, provA)
	draftNominationA, nomineeA := w.nominated(draftA, provA)
	submittedA, submittedNominationA := w.submitted()
	_, appraisedA := w.appraised(true)
	code := func(_ any, err error) codes.Code { return status.Code(err) }

	// Its own: a batch of B to B, a nomination, submitted.
	own, err := n.CreateBatch(b, &nominationsv1.CreateBatchRequest{BatchId: "tt-cua-b", Batch: &nominationsv1.Batch{
		Proposer: "units/" + provB, Authority: "units/" + provB, Title: "Tờ trình đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"}})
	require.NoError(t, err)
	ownNomination, err := n.CreateNomination(b, &nominationsv1.CreateNominationRequest{Parent: own.GetName(), Nomination: w.nominee(provB)})
	require.NoError(t, err)
	submitted, err := n.SubmitBatch(b, &nominationsv1.SubmitBatchRequest{Name: own.GetName()})
	require.NoError(t, err)
	require.Equal(t, nominationsv1.BatchState_BATCH_STATE_SUBMITTED, submitted.GetState())
	require.Equal(t, codes.OK, code(n.GetNomination(b, &nominationsv1.GetNominationRequest{Name: ownNomination.GetName()})))

	// A's: not found, in any form.
	for _, name := range []string{draftA, submittedA} {
		require.Equal(t, codes.NotFound, code(n.GetBatch(b, &nominationsv1.GetBatchRequest{Name: name})), name)
		require.Equal(t, codes.NotFound, code(n.ListNominations(b, &nominationsv1.ListNominationsRequest{Parent: name})), name)
	}
	for _, name := range []string{draftNominationA, submittedNominationA, appraisedA} {
		require.Equal(t, codes.NotFound, code(n.GetNomination(b, &nominationsv1.GetNominationRequest{Name: name})), name)
	}
	batches, err := n.ListBatches(b, &nominationsv1.ListBatchesRequest{PageSize: 1000})
	require.NoError(t, err)
	require.Len(t, batches.GetBatches(), 1)
	require.Equal(t, own.GetName(), batches.GetBatches()[0].GetName())
	all, err := n.ListNominations(b, &nominationsv1.ListNominationsRequest{Parent: "batches/-", PageSize: 1000})
	require.NoError(t, err)
	require.Len(t, all.GetNominations(), 1)
	require.Equal(t, ownNomination.GetName(), all.GetNominations()[0].GetName())

	// Nothing of A's changes: every step of the workflow on A's batches
	// and nominations is NOT_FOUND too.
	reason := "Hồ sơ chưa đủ minh chứng thành tích"
	require.Equal(t, codes.NotFound, code(n.CreateNomination(b, &nominationsv1.CreateNominationRequest{Parent: draftA, Nomination: w.nominee(provB)})))
	require.Equal(t, codes.NotFound, code(n.BatchCreateNominations(b, &nominationsv1.BatchCreateNominationsRequest{Parent: draftA,
		Requests: []*nominationsv1.CreateNominationRequest{{Nomination: w.nominee(provB)}}})))
	require.Equal(t, codes.NotFound, code(n.SubmitBatch(b, &nominationsv1.SubmitBatchRequest{Name: draftA})))
	require.Equal(t, codes.NotFound, code(n.ConferBatch(b, &nominationsv1.ConferBatchRequest{Name: submittedA, RequestId: uuid(w.n.Add(1)),
		Title: "Về việc tặng Bằng khen", Document: &typev1.DocumentRef{Number: "1/QĐ-UBND", SignedOn: on(2025, 12, 1),
			SignerName: "Nguyễn Văn Bình", SignerTitle: "Chủ tịch", Issuer: "units/" + provB}})))
	require.Equal(t, codes.NotFound, code(n.AppraiseNomination(b, &nominationsv1.AppraiseNominationRequest{Name: submittedNominationA})))
	require.Equal(t, codes.NotFound, code(n.ReturnNomination(b, &nominationsv1.ReturnNominationRequest{Name: submittedNominationA, Reason: reason})))
	require.Equal(t, codes.NotFound, code(n.RejectNomination(b, &nominationsv1.RejectNominationRequest{Name: submittedNominationA, Reason: reason})))
	require.Equal(t, codes.NotFound, code(n.WithdrawNomination(b, &nominationsv1.WithdrawNominationRequest{Name: submittedNominationA, Reason: reason})))
	// Voting needs a council member's role, which the system does not
	// hold: refused before the request is read.
	require.Equal(t, codes.PermissionDenied, code(n.RecordVote(b, &nominationsv1.RecordVoteRequest{Name: appraisedA, Vote: passing()})))
	require.Equal(t, codes.NotFound, code(n.PublishNomination(b, &nominationsv1.PublishNominationRequest{Name: appraisedA})))
	require.Equal(t, codes.NotFound, code(n.ApproveNomination(b, &nominationsv1.ApproveNominationRequest{Name: appraisedA})))
	// A batch under A's agency's name is refused as any change in A is:
	// A's units are public, so PERMISSION_DENIED.
	require.Equal(t, codes.PermissionDenied, code(n.CreateBatch(b, &nominationsv1.CreateBatchRequest{Batch: &nominationsv1.Batch{
		Proposer: "units/" + w.agencyA, Authority: "units/" + provA, Title: "Tờ trình đề nghị khen thưởng"}})))
	// An import's row into A's batch is refused in its result.
	stream, err := n.ImportNominations(b)
	require.NoError(t, err)
	require.NoError(t, stream.Send(&nominationsv1.ImportNominationsRequest{Row: &nominationsv1.CreateNominationRequest{Parent: draftA,
		RequestId: uuid(w.n.Add(1)), Nomination: w.nominee(provB)}}))
	imported, err := stream.CloseAndRecv()
	require.NoError(t, err)
	require.EqualValues(t, 0, imported.GetAccepted())
	require.Len(t, imported.GetRows(), 1)
	require.EqualValues(t, codes.NotFound, imported.GetRows()[0].GetError().GetCode(), "%v", imported)

	for name, state := range map[string]nominationsv1.NominationState{draftNominationA: nominationsv1.NominationState_NOMINATION_STATE_DRAFT,
		submittedNominationA: nominationsv1.NominationState_NOMINATION_STATE_SUBMITTED, appraisedA: nominationsv1.NominationState_NOMINATION_STATE_APPRAISED} {
		got, err := n.GetNomination(w.admin, &nominationsv1.GetNominationRequest{Name: name})
		require.NoError(t, err)
		require.Equal(t, state, got.GetState(), "%s is as A left it", name)
	}
	got, err := n.GetBatch(w.admin, &nominationsv1.GetBatchRequest{Name: draftA})
	require.NoError(t, err)
	require.EqualValues(t, 1, got.GetNominationsCount(), "A's draft batch is as A left it")

	// Nominating in its own batch the person A nominated, for the same
	// award and year, is refused as a duplicate: the refusal must not
	// name A's nomination, which B cannot see.
	t.Run("a duplicate of A's nomination", func(t *testing.T) {
		dup, err := n.CreateBatch(b, &nominationsv1.CreateBatchRequest{Batch: &nominationsv1.Batch{
			Proposer: "units/" + provB, Authority: "units/" + provB, Title: "Tờ trình đề nghị khen thưởng"}})
		require.NoError(t, err)
		same := proto.Clone(nomineeA).(*nominationsv1.Nomination)
		_, err = n.CreateNomination(b, &nominationsv1.CreateNominationRequest{Parent: dup.GetName(), Nomination: same})
		require.Error(t, err)
		require.NotContains(t, status.Convert(err).Proto().String(), draftA, "the refusal names A's nomination: %v", err)
	})
}
