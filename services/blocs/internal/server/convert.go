package server

import (
	"fmt"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tdkt-vn/tdkt/platform/resname"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/domain"
)

// Conversions between the API's messages and the domain's types. Enum
// values are the same numbers on both sides.

func unitToProto(u *domain.Unit) *blocsv1.Unit {
	return &blocsv1.Unit{
		Name:         u.Name(),
		DisplayName:  u.DisplayName,
		ShortName:    u.ShortName,
		Kind:         blocsv1.UnitKind(u.Kind),
		Level:        blocsv1.UnitLevel(u.Level),
		Province:     resname.Unit.Format(u.Province),
		Parent:       resname.Unit.Format(u.Parent),
		Code:         u.Code,
		State:        blocsv1.UnitState(u.State),
		Successor:    resname.Unit.Format(u.Successor),
		DissolvedOn:  u.DissolvedOn.Proto(),
		Predecessors: resname.Unit.FormatAll(u.Predecessors),
		Current:      resname.Unit.Format(u.Current),
		CreateTime:   timestamppb.New(u.CreateTime),
		UpdateTime:   timestamppb.New(u.UpdateTime),
		Etag:         u.Etag(),
		Revision:     u.Revision,
		History:      periodsToProto(u.History),
	}
}

func periodsToProto(ps []domain.Period) []*blocsv1.UnitPeriod {
	out := make([]*blocsv1.UnitPeriod, len(ps))
	for i, p := range ps {
		out[i] = &blocsv1.UnitPeriod{
			DisplayName: p.DisplayName, ShortName: p.ShortName, Kind: blocsv1.UnitKind(p.Kind),
			Level: blocsv1.UnitLevel(p.Level), Until: p.Until.Proto(),
		}
	}
	return out
}

// unitFields reads the settable fields of a unit message; prefix is its
// JSON path in the request.
func unitFields(prefix string, p *blocsv1.Unit) (domain.UnitFields, error) {
	var errs resname.Fields
	f := domain.UnitFields{
		DisplayName: p.GetDisplayName(),
		ShortName:   p.GetShortName(),
		Kind:        domain.UnitKind(p.GetKind()),
		Level:       domain.Level(p.GetLevel()),
		Province:    errs.ID(prefix+".province", p.GetProvince(), resname.Unit),
		Parent:      errs.ID(prefix+".parent", p.GetParent(), resname.Unit),
		Code:        p.GetCode(),
	}
	f.Normalize()
	return f, errs.Err()
}

func groupToProto(g *domain.Group) *blocsv1.Group {
	return &blocsv1.Group{
		Name:        g.Name(),
		Kind:        blocsv1.GroupKind(g.Kind),
		DisplayName: g.DisplayName,
		Organizer:   resname.Unit.Format(g.Organizer),
		Description: g.Description,
		State:       blocsv1.GroupState(g.State),
		CreateTime:  timestamppb.New(g.CreateTime),
		UpdateTime:  timestamppb.New(g.UpdateTime),
		Etag:        g.Etag(),
	}
}

func groupFields(prefix string, p *blocsv1.Group) (domain.GroupFields, error) {
	var errs resname.Fields
	f := domain.GroupFields{
		Kind:        domain.GroupKind(p.GetKind()),
		DisplayName: p.GetDisplayName(),
		Organizer:   errs.ID(prefix+".organizer", p.GetOrganizer(), resname.Unit),
		Description: p.GetDescription(),
	}
	f.Normalize()
	return f, errs.Err()
}

func membershipToProto(m *domain.Membership) *blocsv1.Membership {
	return &blocsv1.Membership{
		Name:            m.Name(),
		Unit:            resname.Unit.Format(m.Unit),
		JoinedOn:        m.JoinedOn.Proto(),
		LeftOn:          m.LeftOn.Proto(),
		UnitDisplayName: m.UnitDisplayName,
		CreateTime:      timestamppb.New(m.CreateTime),
	}
}

func termToProto(t *domain.Term) *blocsv1.Term {
	return &blocsv1.Term{
		Name:       t.Name(),
		Year:       int32(t.Year),
		Head:       resname.Unit.Format(t.Head),
		Deputy:     resname.Unit.Format(t.Deputy),
		CreateTime: timestamppb.New(t.CreateTime),
	}
}

func covenantToProto(c *domain.Covenant) *blocsv1.Covenant {
	p := &blocsv1.Covenant{
		Name:        c.Name(),
		Year:        int32(c.Year),
		SignedOn:    c.SignedOn.Proto(),
		Signatories: resname.Unit.FormatAll(c.Signatories),
		CreateTime:  timestamppb.New(c.CreateTime),
		UpdateTime:  timestamppb.New(c.UpdateTime),
		Etag:        c.Etag(),
	}
	for _, cr := range c.Criteria {
		p.Criteria = append(p.Criteria, &blocsv1.Criterion{Id: cr.ID, Title: cr.Title, MaxPoints: cr.MaxPoints})
	}
	if c.CertificateQuota != nil {
		q := int32(*c.CertificateQuota)
		p.CertificateQuota = &q
	}
	return p
}

func covenantFields(p *blocsv1.Covenant) (domain.CovenantFields, error) {
	var errs resname.Fields
	f := domain.CovenantFields{SignedOn: errs.Date("covenant.signedOn", p.GetSignedOn())}
	for _, cr := range p.GetCriteria() {
		f.Criteria = append(f.Criteria, domain.Criterion{ID: cr.GetId(), Title: cr.GetTitle(), MaxPoints: cr.GetMaxPoints()})
	}
	for i, s := range p.GetSignatories() {
		f.Signatories = append(f.Signatories, errs.ID(fmt.Sprintf("covenant.signatories[%d]", i), s, resname.Unit))
	}
	if p.CertificateQuota != nil {
		q := int(p.GetCertificateQuota())
		f.CertificateQuota = &q
	}
	return f, errs.Err()
}

func scoreToProto(s *domain.Score) *blocsv1.Score {
	return &blocsv1.Score{
		Name:        s.Name(),
		Unit:        resname.Unit.Format(s.Unit),
		Points:      s.Points,
		WomenShare:  s.WomenShare,
		Total:       s.Total,
		SubmittedBy: s.SubmittedBy,
		SubmitTime:  timestamppb.New(s.SubmitTime),
	}
}

func rankingToProto(name string, r *domain.Ranking) *blocsv1.Ranking {
	p := &blocsv1.Ranking{Name: name, Year: int32(r.Year), Unscored: resname.Unit.FormatAll(r.Unscored)}
	for _, e := range r.Entries {
		p.Entries = append(p.Entries, &blocsv1.RankingEntry{
			Unit: resname.Unit.Format(e.Unit), UnitDisplayName: e.UnitDisplayName, Rank: int32(e.Rank),
			Total: e.Total, WomenMajority: e.WomenMajority, Proposal: blocsv1.Proposal(e.Proposal),
		})
	}
	return p
}
