package server

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tdkt-vn/tdkt/platform/resname"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/movements/internal/domain"
)

// Conversions between the API's messages and the domain's types. Enum
// values are the same numbers on both sides.

// movementFields reads the settable fields of a movement message; prefix
// is its JSON path in the request.
func movementFields(prefix string, p *movementsv1.Movement) (domain.MovementFields, error) {
	var errs resname.Fields
	f := domain.MovementFields{
		Title:      p.GetTitle(),
		Kind:       domain.Kind(p.GetKind()),
		LaunchedBy: errs.ID(prefix+".launchedBy", p.GetLaunchedBy(), resname.Unit),
		Period: domain.Period{
			Start: errs.Date(prefix+".period.startDate", p.GetPeriod().GetStartDate()),
			End:   errs.Date(prefix+".period.endDate", p.GetPeriod().GetEndDate()),
		},
		Objectives: p.GetObjectives(),
		Criteria:   append([]string(nil), p.GetCriteria()...),
	}
	if p.GetLaunchDocument() != nil {
		d := documentIn(&errs, prefix+".launchDocument", p.GetLaunchDocument())
		f.LaunchDocument = &d
	}
	f.Normalize()
	return f, errs.Err()
}

// documentIn reads a document; prefix is its JSON path.
func documentIn(errs *resname.Fields, prefix string, p *typev1.DocumentRef) domain.Document {
	return domain.Document{
		Number:      p.GetNumber(),
		SignedOn:    errs.Date(prefix+".signedOn", p.GetSignedOn()),
		SignerName:  p.GetSignerName(),
		SignerTitle: p.GetSignerTitle(),
		Issuer:      errs.ID(prefix+".issuer", p.GetIssuer(), resname.Unit),
		Capacity:    int32(p.GetSigningCapacity()),
		Recipients:  append([]string(nil), p.GetRecipients()...),
	}
}

func documentOut(d *domain.Document) *typev1.DocumentRef {
	if d == nil {
		return nil
	}
	return &typev1.DocumentRef{
		Number: d.Number, SignedOn: d.SignedOn.Proto(), SignerName: d.SignerName, SignerTitle: d.SignerTitle,
		Issuer: resname.Unit.Format(d.Issuer), SigningCapacity: typev1.SigningCapacity(d.Capacity), Recipients: d.Recipients,
	}
}

// optionalTime is t, or nil for the zero time.
func optionalTime(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func movementOut(m *domain.Movement) *movementsv1.Movement {
	p := &movementsv1.Movement{
		Name:             m.Name(),
		Title:            m.Title,
		Kind:             movementsv1.MovementKind(m.Kind),
		LaunchedBy:       resname.Unit.Format(m.LaunchedBy),
		LaunchDocument:   documentOut(m.LaunchDocument),
		Period:           &typev1.DateRange{StartDate: m.Period.Start.Proto(), EndDate: m.Period.End.Proto()},
		Objectives:       m.Objectives,
		Criteria:         m.Criteria,
		State:            movementsv1.MovementState(m.State),
		ParticipantCount: int32(m.ParticipantCount),
		CreateTime:       timestamppb.New(m.CreateTime),
		UpdateTime:       timestamppb.New(m.UpdateTime),
		LaunchTime:       optionalTime(m.LaunchTime),
		CloseTime:        optionalTime(m.CloseTime),
		Etag:             m.Etag(),
	}
	if r := m.Review; r != nil {
		p.ClosingReview = &movementsv1.ClosingReview{Document: documentOut(&r.Document), Summary: r.Summary}
	}
	return p
}

func participantOut(p *domain.Participant) *movementsv1.Participant {
	return &movementsv1.Participant{
		Name:            p.Name(),
		Unit:            resname.Unit.Format(p.Unit),
		RegisteredOn:    p.RegisteredOn.Proto(),
		Commitment:      p.Commitment,
		UnitDisplayName: p.UnitDisplayName,
		CreateTime:      timestamppb.New(p.CreateTime),
	}
}
