package server

import (
	"fmt"
	"strings"

	gdate "google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tdkt-vn/tdkt/platform/civil"
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
		Province:     unitRef(u.Province),
		Parent:       unitRef(u.Parent),
		Code:         u.Code,
		State:        blocsv1.UnitState(u.State),
		Successor:    unitRef(u.Successor),
		DissolvedOn:  u.DissolvedOn.Proto(),
		Predecessors: unitRefs(u.Predecessors),
		Current:      unitRef(u.Current),
		CreateTime:   timestamppb.New(u.CreateTime),
		UpdateTime:   timestamppb.New(u.UpdateTime),
		Etag:         u.Etag(),
	}
}

// unitFields reads the settable fields of a unit message; prefix is its
// JSON path in the request.
func unitFields(prefix string, p *blocsv1.Unit) (domain.UnitFields, error) {
	var errs domain.FieldErrors
	f := domain.UnitFields{
		DisplayName: p.GetDisplayName(),
		ShortName:   p.GetShortName(),
		Kind:        domain.UnitKind(p.GetKind()),
		Level:       domain.Level(p.GetLevel()),
		Province:    unitID(&errs, prefix+".province", p.GetProvince()),
		Parent:      unitID(&errs, prefix+".parent", p.GetParent()),
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
		Organizer:   unitRef(g.Organizer),
		Description: g.Description,
		State:       blocsv1.GroupState(g.State),
		CreateTime:  timestamppb.New(g.CreateTime),
		UpdateTime:  timestamppb.New(g.UpdateTime),
		Etag:        g.Etag(),
	}
}

func groupFields(prefix string, p *blocsv1.Group) (domain.GroupFields, error) {
	var errs domain.FieldErrors
	f := domain.GroupFields{
		Kind:        domain.GroupKind(p.GetKind()),
		DisplayName: p.GetDisplayName(),
		Organizer:   unitID(&errs, prefix+".organizer", p.GetOrganizer()),
		Description: p.GetDescription(),
	}
	f.Normalize()
	return f, errs.Err()
}

func membershipToProto(m *domain.Membership) *blocsv1.Membership {
	return &blocsv1.Membership{
		Name:            m.Name(),
		Unit:            unitRef(m.Unit),
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
		Head:       unitRef(t.Head),
		Deputy:     unitRef(t.Deputy),
		CreateTime: timestamppb.New(t.CreateTime),
	}
}

func covenantToProto(c *domain.Covenant) *blocsv1.Covenant {
	p := &blocsv1.Covenant{
		Name:        c.Name(),
		Year:        int32(c.Year),
		SignedOn:    c.SignedOn.Proto(),
		Signatories: unitRefs(c.Signatories),
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
	var errs domain.FieldErrors
	f := domain.CovenantFields{SignedOn: date(&errs, "covenant.signedOn", p.GetSignedOn())}
	for _, cr := range p.GetCriteria() {
		f.Criteria = append(f.Criteria, domain.Criterion{ID: cr.GetId(), Title: cr.GetTitle(), MaxPoints: cr.GetMaxPoints()})
	}
	for i, s := range p.GetSignatories() {
		f.Signatories = append(f.Signatories, unitID(&errs, fmt.Sprintf("covenant.signatories[%d]", i), s))
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
		Unit:        unitRef(s.Unit),
		Points:      s.Points,
		WomenShare:  s.WomenShare,
		Total:       s.Total,
		SubmittedBy: s.SubmittedBy,
		SubmitTime:  timestamppb.New(s.SubmitTime),
	}
}

func rankingToProto(name string, r *domain.Ranking) *blocsv1.Ranking {
	p := &blocsv1.Ranking{Name: name, Year: int32(r.Year), Unscored: unitRefs(r.Unscored)}
	for _, e := range r.Entries {
		p.Entries = append(p.Entries, &blocsv1.RankingEntry{
			Unit: unitRef(e.Unit), UnitDisplayName: e.UnitDisplayName, Rank: int32(e.Rank),
			Total: e.Total, WomenMajority: e.WomenMajority, Proposal: blocsv1.Proposal(e.Proposal),
		})
	}
	return p
}

// unitRef turns a unit id into its name; "" stays "".
func unitRef(id string) string {
	if id == "" {
		return ""
	}
	return domain.UnitName(id)
}

func unitRefs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = domain.UnitName(id)
	}
	return out
}

// unitID reads an optional units/{id} reference, recording a violation on
// field when it is malformed. protovalidate checks the shape first; this
// keeps the domain safe from messages built in process.
func unitID(errs *domain.FieldErrors, field, name string) string {
	if name == "" {
		return ""
	}
	id, ok := domain.ParseUnitName(name)
	if !ok {
		*errs = append(*errs, domain.FieldError{Field: field, Description: "must be units/{unit}"})
	}
	return id
}

// date reads an optional google.type.Date.
func date(errs *domain.FieldErrors, field string, p *gdate.Date) civil.Date {
	d, err := civil.FromProto(p)
	if err != nil {
		*errs = append(*errs, domain.FieldError{Field: field, Description: "is not a valid full date between 1945 and 2200"})
	}
	return d
}

// requiredDate reads a date that must be present.
func requiredDate(errs *domain.FieldErrors, field string, p *gdate.Date) civil.Date {
	d := date(errs, field, p)
	if d.IsZero() && !hasViolation(*errs, field) {
		*errs = append(*errs, domain.FieldError{Field: field, Description: "is required"})
	}
	return d
}

func hasViolation(errs domain.FieldErrors, field string) bool {
	for _, e := range errs {
		if e.Field == field {
			return true
		}
	}
	return false
}

// parseYearName reads groups/{g}/<collection>/{year} into the group id and
// year.
func parseYearName(name, collection string) (string, int, bool) {
	parts := strings.Split(name, "/")
	if len(parts) != 4 || parts[0] != "groups" || parts[2] != collection || !domain.ValidID(parts[1]) {
		return "", 0, false
	}
	y, ok := domain.ParseYear(parts[3])
	return parts[1], y, ok
}
