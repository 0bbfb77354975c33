package server

import (
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tdkt-vn/tdkt/platform/resname"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
)

// Conversions between the API's messages and the domain's types. Enum
// values are the same numbers on both sides unless said otherwise.

// batchFields reads the settable fields of a batch; prefix is its JSON
// path.
func batchFields(prefix string, p *nominationsv1.Batch) (domain.BatchFields, error) {
	var errs resname.Fields
	f := domain.BatchFields{
		Proposer:  errs.RequiredID(prefix+".proposer", p.GetProposer(), resname.Unit),
		Authority: errs.RequiredID(prefix+".authority", p.GetAuthority(), resname.Unit),
		Title:     p.GetTitle(),
	}
	if d := p.GetDocument(); d != nil {
		doc := documentIn(&errs, prefix+".document", d)
		f.Document = &doc
	}
	f.Normalize()
	if err := errs.Err(); err != nil {
		return f, err
	}
	return f, f.Validate(prefix)
}

func batchOut(b *domain.Batch) *nominationsv1.Batch {
	p := &nominationsv1.Batch{
		Name:             b.Name(),
		Proposer:         resname.Unit.Format(b.Proposer),
		Authority:        resname.Unit.Format(b.Authority),
		Title:            b.Title,
		State:            nominationsv1.BatchState(b.State),
		NominationsCount: int32(b.NominationsCount),
		Decision:         b.Decision,
		CreateTime:       timestamppb.New(b.CreateTime),
		UpdateTime:       timestamppb.New(b.UpdateTime),
		SubmitTime:       optionalTime(b.SubmitTime),
		Etag:             b.Etag(),
	}
	if d := b.Document; d != nil {
		p.Document = documentOut(*d)
	}
	return p
}

// documentIn reads a document; prefix is its JSON path.
func documentIn(errs *resname.Fields, prefix string, d *typev1.DocumentRef) domain.Document {
	return domain.Document{
		Number:      d.GetNumber(),
		SignedOn:    errs.Date(prefix+".signedOn", d.GetSignedOn()),
		SignerName:  d.GetSignerName(),
		SignerTitle: d.GetSignerTitle(),
		Issuer:      errs.ID(prefix+".issuer", d.GetIssuer(), resname.Unit),
	}
}

func documentOut(d domain.Document) *typev1.DocumentRef {
	return &typev1.DocumentRef{Number: d.Number, SignedOn: d.SignedOn.Proto(), SignerName: d.SignerName,
		SignerTitle: d.SignerTitle, Issuer: optionalUnit(d.Issuer)}
}

// optionalTime is t, or nil for the zero time.
func optionalTime(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// optionalUnit is units/{id}, or "" for none.
func optionalUnit(id string) string {
	if id == "" {
		return ""
	}
	return resname.Unit.Format(id)
}

var (
	ratings = map[nominationsv1.Rating]eligibility.Rating{
		nominationsv1.Rating_RATING_EXCELLENT: eligibility.Excellent, nominationsv1.Rating_RATING_GOOD: eligibility.Good,
		nominationsv1.Rating_RATING_COMPLETED: eligibility.Completed, nominationsv1.Rating_RATING_NOT_COMPLETED: eligibility.NotCompleted,
	}
	scopes = map[nominationsv1.InitiativeScope]eligibility.Scope{
		nominationsv1.InitiativeScope_INITIATIVE_SCOPE_GRASSROOTS: eligibility.Grassroots,
		nominationsv1.InitiativeScope_INITIATIVE_SCOPE_PROVINCE:   eligibility.Province,
		nominationsv1.InitiativeScope_INITIATIVE_SCOPE_NATIONAL:   eligibility.National,
	}
	outcomes = map[eligibility.Outcome]nominationsv1.Outcome{
		eligibility.Pass: nominationsv1.Outcome_OUTCOME_PASS, eligibility.Fail: nominationsv1.Outcome_OUTCOME_FAIL,
		eligibility.Unknown: nominationsv1.Outcome_OUTCOME_UNKNOWN,
	}
)

// movementPattern names the movements service's movements.
const movementPattern resname.Pattern = "movements/{movement}"

func indexed(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

// key returns the value of m whose key is v.
func key[K comparable, V comparable](m map[K]V, v V) K {
	for k, x := range m {
		if x == v {
			return k
		}
	}
	var zero K
	return zero
}

// recipientIn reads a recipient; units are bare ids. Malformed unit names
// are recorded in errs under prefix.
func recipientIn(errs *resname.Fields, prefix string, p *typev1.Recipient) domain.Recipient {
	return domain.Recipient{
		Kind:      domain.RecipientKind(p.GetKind()),
		FullName:  p.GetFullName(),
		Gender:    int32(p.GetGender()),
		BirthYear: int(p.GetBirthYear()),
		Position:  p.GetPosition(),
		Unit:      errs.ID(prefix+".unit", p.GetUnit(), resname.Unit),
		CitizenID: strings.TrimSpace(p.GetCitizenId()),
		HeadName:  p.GetHeadName(),
		Address:   p.GetAddress(),
		Commune:   errs.ID(prefix+".commune", p.GetCommune(), resname.Unit),
	}
}

// nominationFields reads the settable fields of a nomination, normalized
// and validated; prefix is its JSON path ("nomination",
// "requests[3].nomination").
func nominationFields(prefix string, p *nominationsv1.Nomination) (domain.NominationFields, error) {
	var errs resname.Fields
	f := domain.NominationFields{
		Recipient:         recipientIn(&errs, prefix+".recipient", p.GetRecipient()),
		Award:             eligibility.Award(strings.TrimPrefix(p.GetAwardType(), "awardTypes/")),
		Period:            domain.Period{StartYear: int(p.GetPeriod().GetStartYear()), EndYear: int(p.GetPeriod().GetEndYear())},
		Movement:          errs.ID(prefix+".movement", p.GetMovement(), movementPattern),
		Ranking:           p.GetRanking(),
		Achievements:      p.GetAchievements(),
		Basis:             basisIn(p.GetBasis()),
		DisciplinePending: p.GetDisciplinePending(),
		Members: eligibility.Members{Total: int(p.GetMembersTotal()), Completed: int(p.GetMembersCompleted()),
			LDTT: int(p.GetMembersLdtt()), CSTDCS: int(p.GetMembersCstd()), Disciplined: int(p.GetMembersDisciplined())},
	}
	if f.Award == "" {
		errs.Add(prefix+".awardType", "is required")
	}
	if p.GetPeriod() == nil {
		errs.Add(prefix+".period", "is required")
	}
	for _, r := range p.GetRatings() {
		f.Ratings = append(f.Ratings, eligibility.YearRating{Year: int(r.GetYear()), Rating: ratings[r.GetRating()]})
	}
	for _, in := range p.GetInitiatives() {
		f.Initiatives = append(f.Initiatives, domain.Initiative{Title: in.GetTitle(), Scope: scopes[in.GetScope()],
			Year: int(in.GetYear()), DocumentNumber: in.GetDocumentNumber()})
	}
	for _, a := range p.GetAttachments() {
		f.Attachments = append(f.Attachments, domain.Attachment{Name: a.GetName(), MediaType: a.GetMediaType(),
			SHA256: a.GetSha256(), SizeBytes: a.GetSizeBytes()})
	}
	if err := errs.Err(); err != nil {
		return f, err
	}
	f.Normalize()
	return f, f.Validate(prefix)
}

// basisIn maps the API's basis (MERIT 1, UNEXPECTED 2, MOVEMENT 3; none is
// merit) to the domain's (0, 1, 2).
func basisIn(b nominationsv1.Basis) eligibility.Basis {
	if b == nominationsv1.Basis_BASIS_UNSPECIFIED {
		return eligibility.Merit
	}
	return eligibility.Basis(b - 1)
}

// nominationOut renders n; recipient is its recipient as the caller sees
// it (viewer.recipient).
func nominationOut(n *domain.Nomination, recipient *typev1.Recipient) *nominationsv1.Nomination {
	p := &nominationsv1.Nomination{
		Name:                n.Name(),
		Recipient:           recipient,
		AwardType:           "awardTypes/" + string(n.Award),
		Period:              &typev1.Period{StartYear: int32(n.Period.StartYear), EndYear: int32(n.Period.EndYear)},
		Ranking:             n.Ranking,
		Achievements:        n.Achievements,
		Basis:               nominationsv1.Basis(n.Basis + 1),
		DisciplinePending:   n.DisciplinePending,
		MembersTotal:        int32(n.Members.Total),
		MembersCompleted:    int32(n.Members.Completed),
		MembersLdtt:         int32(n.Members.LDTT),
		MembersCstd:         int32(n.Members.CSTDCS),
		MembersDisciplined:  int32(n.Members.Disciplined),
		State:               nominationsv1.NominationState(n.State),
		DueOn:               n.DueOn.Proto(),
		CommentWindowEndsOn: n.CommentWindowEndsOn.Proto(),
		Honour:              n.Honour,
		CreateTime:          timestamppb.New(n.CreateTime),
		UpdateTime:          timestamppb.New(n.UpdateTime),
		Etag:                n.Etag(),
	}
	if n.Movement != "" {
		p.Movement = "movements/" + n.Movement
	}
	for _, r := range n.Ratings {
		p.Ratings = append(p.Ratings, &nominationsv1.YearRating{Year: int32(r.Year), Rating: key(ratings, r.Rating)})
	}
	for _, in := range n.Initiatives {
		p.Initiatives = append(p.Initiatives, &nominationsv1.Initiative{Title: in.Title, Scope: key(scopes, in.Scope),
			Year: int32(in.Year), DocumentNumber: in.DocumentNumber})
	}
	for _, a := range n.Attachments {
		p.Attachments = append(p.Attachments, &nominationsv1.Attachment{Name: a.Name, MediaType: a.MediaType, Sha256: a.SHA256, SizeBytes: a.SizeBytes})
	}
	if v := n.Vote; v != nil {
		p.Vote = voteOut(v)
	}
	if e := n.Eligibility; e != nil {
		p.Eligibility = reportOut(e.Report, e.Time)
	}
	if o := n.Override; o != nil {
		p.Override = &nominationsv1.Override{Reason: o.Reason, Actor: o.Actor, Time: timestamppb.New(o.Time)}
	}
	for _, t := range n.History {
		p.History = append(p.History, &nominationsv1.Transition{From: nominationsv1.NominationState(t.From),
			To: nominationsv1.NominationState(t.To), Actor: t.Actor, Time: timestamppb.New(t.Time), Reason: t.Reason})
	}
	return p
}

func voteIn(errs *resname.Fields, p *nominationsv1.Vote) domain.Vote {
	v := domain.Vote{Yes: int(p.GetYes()), No: int(p.GetNo()), Abstain: int(p.GetAbstain()),
		HeldOn: errs.RequiredDate("vote.heldOn", p.GetHeldOn())}
	for i, m := range p.GetMembers() {
		v.Members = append(v.Members, domain.Member{FullName: m.GetFullName(),
			Unit: errs.ID(indexed("vote.members", i)+".unit", m.GetUnit(), resname.Unit), HeadsUnit: m.GetHeadsUnit(), Present: m.GetPresent()})
	}
	return v
}

func voteOut(v *domain.Vote) *nominationsv1.Vote {
	p := &nominationsv1.Vote{Yes: int32(v.Yes), No: int32(v.No), Abstain: int32(v.Abstain), HeldOn: v.HeldOn.Proto(),
		ThresholdPercent: int32(v.ThresholdPercent), Quorum: v.Quorum, Passed: v.Passed}
	for _, m := range v.Members {
		p.Members = append(p.Members, &nominationsv1.CouncilMember{FullName: m.FullName, Unit: optionalUnit(m.Unit),
			HeadsUnit: m.HeadsUnit, Present: m.Present})
	}
	for _, r := range v.Recusals {
		p.Recusals = append(p.Recusals, &nominationsv1.Recusal{FullName: r.FullName, Reason: string(r.Reason)})
	}
	return p
}

func reportOut(r eligibility.Report, t time.Time) *nominationsv1.EligibilityReport {
	p := &nominationsv1.EligibilityReport{Outcome: outcomes[r.Overall], EvaluateTime: optionalTime(t)}
	for _, l := range r.Lines {
		p.Lines = append(p.Lines, &nominationsv1.EligibilityLine{Rule: string(l.Rule), Outcome: outcomes[l.Outcome],
			Reason: l.Reason, Message: l.Vi, EnglishMessage: l.En})
	}
	return p
}
