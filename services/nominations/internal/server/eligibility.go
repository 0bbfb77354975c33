package server

import (
	"context"
	"slices"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/domainerr"

	"github.com/tdkt-vn/tdkt/platform/resname"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
)

// kinds maps the domain's recipient kinds to the rules'.
var kinds = map[domain.RecipientKind]eligibility.Kind{
	domain.RecipientIndividual: eligibility.Individual,
	domain.RecipientCollective: eligibility.Collective,
	domain.RecipientHousehold:  eligibility.Household,
}

// evaluate checks the eligibility of a nomination of f named name
// (excluded from others), for authority (a unit id, "" if none), with the
// recipient's prior honours and its other open or conferred nominations
// (others may hold other recipients' claims too: only those of its key
// count).
//
// What the API does not carry yet is left UNKNOWN by the rules: the
// standing of a collective whose nomination names no ranking, and its
// leading of movements (R8, R9), the earlier uses of initiatives (G3),
// and the proposer's attestation that nothing is pending (G1;
// discipline_pending only says that something is).
func evaluate(name, authority string, f domain.NominationFields, honours []eligibility.Honour, others []domain.Claim,
	standing *eligibility.Standing) eligibility.Report {
	in := eligibility.Input{
		Award:        f.Award,
		Recipient:    kinds[f.Recipient.Kind],
		Year:         f.Period.EndYear,
		Basis:        f.Basis,
		Authority:    authority,
		Ratings:      f.Ratings,
		Honours:      honours,
		HonoursKnown: true,
		// Every nomination of the key was read (store.Claims).
		NominationsKnown: true,
		Standing:         standing,
	}
	if f.Basis == eligibility.Movement {
		in.Achievement = movementPattern.Format(f.Movement)
	}
	for i, x := range f.Initiatives {
		in.Initiatives = append(in.Initiatives, eligibility.Initiative{ID: indexed("initiatives", i), Title: x.Title, Scope: x.Scope, Year: x.Year})
	}
	if f.Recipient.Kind == domain.RecipientCollective {
		m := f.Members
		in.Members = &m
	}
	if f.DisciplinePending {
		in.Pending = []eligibility.Proceeding{eligibility.Discipline}
	}
	for _, c := range others {
		if c.Key == f.Recipient.Key && c.Name != name && c.State.Open() {
			in.Nominations = append(in.Nominations, eligibility.Nomination{ID: c.Name, Award: c.Award, Year: c.Period.EndYear})
		}
	}
	return eligibility.Check(in, eligibility.Defaults())
}

// CheckEligibility evaluates a recipient for an award without a
// nomination: one call to the honours service for its history.
func (s *Server) CheckEligibility(ctx context.Context, req *nominationsv1.CheckEligibilityRequest) (*nominationsv1.EligibilityReport, error) {
	p := req.GetDeclared()
	declared := &nominationsv1.Nomination{Recipient: req.GetRecipient(), AwardType: req.GetAwardType(), Period: req.GetPeriod(),
		Movement: p.GetMovement(), Ranking: p.GetRanking(), Basis: p.GetBasis(), Ratings: p.GetRatings(), Initiatives: p.GetInitiatives(),
		MembersTotal: p.GetMembersTotal(), MembersCompleted: p.GetMembersCompleted(), MembersLdtt: p.GetMembersLdtt(),
		MembersCstd: p.GetMembersCstd(), MembersDisciplined: p.GetMembersDisciplined(), DisciplinePending: p.GetDisciplinePending()}
	f, err := nominationFields("", declared)
	if err != nil {
		return nil, rooted(err)
	}
	if err := s.checkRecipientUnits(ctx, []string{""}, []domain.NominationFields{f}); err != nil {
		return nil, err
	}
	key, _ := s.keys.Key(identity(f.Recipient))
	var history map[string][]eligibility.Honour
	var others []domain.Claim
	if key != "" {
		if history, err = s.history.RecipientHistory(ctx, []string{key}); err != nil {
			return nil, err
		}
		if others, err = s.store.Claims(ctx, []string{key}); err == nil {
			others, err = s.seen(ctx, others)
		}
		if err != nil {
			return nil, err
		}
	}
	f.Recipient.Key = key
	rankings, err := s.rankingsOf(ctx, []domain.NominationFields{f})
	if err != nil {
		return nil, err
	}
	return reportOut(evaluate("", "", f, history[key], others, s.standing(ctx, f, rankings)), s.now()), nil
}

// checkRecipientUnits checks that the units the recipients of fs name
// exist, in one lookup; prefixes are their JSON paths.
func (s *Server) checkRecipientUnits(ctx context.Context, prefixes []string, fs []domain.NominationFields) error {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.Recipient.Unit, f.Recipient.Commune)
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return id == "" })
	if len(ids) == 0 {
		return nil
	}
	units, err := s.units.Units(ctx, ids)
	if err != nil {
		return err
	}
	var errs resname.Fields
	for i, f := range fs {
		for _, u := range []struct{ field, id string }{{"unit", f.Recipient.Unit}, {"commune", f.Recipient.Commune}} {
			if _, ok := units[u.id]; u.id != "" && !ok {
				errs.Add(dotted(prefixes[i], "recipient."+u.field), "%s does not exist", resname.Unit.Format(u.id))
			}
		}
	}
	return errs.Err()
}

// rooted names the fields of err read with an empty prefix from the
// request's root: ".recipient.fullName" is "recipient.fullName". The
// declared fields other than the recipient, award and period are under
// "declared".
func rooted(err error) error {
	fe, ok := err.(domainerr.FieldErrors)
	if !ok {
		return err
	}
	out := make(domainerr.FieldErrors, len(fe))
	for i, e := range fe {
		e.Field = strings.TrimPrefix(e.Field, ".")
		if top, _, _ := strings.Cut(e.Field, "."); !slices.Contains([]string{"recipient", "awardType", "period"}, top) {
			e.Field = "declared." + e.Field
		}
		out[i] = e
	}
	return out
}

// dotted joins a JSON path and a field; an empty prefix is the request.
func dotted(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}
