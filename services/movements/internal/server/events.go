package server

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/resname"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/movements/internal/domain"
	"github.com/tdkt-vn/tdkt/services/movements/internal/store"
)

// groupPattern is the name of an emulation group of the blocs service.
const groupPattern resname.Pattern = "groups/{group}"

// Groups is what the handlers need of the blocs service's groups: whether
// one exists. It is asked once per event, outside any transaction.
type Groups interface {
	// GroupExists reports whether the group with id exists; an error
	// means blocs could not say.
	GroupExists(ctx context.Context, id string) (bool, error)
}

// BlocsGroups asks blocs' GetGroup.
type BlocsGroups struct{ Client blocsv1.BlocsServiceClient }

// GroupExists implements Groups: one GetGroup call; NOT_FOUND is false,
// any other failure as grpcclient.Failure maps it.
func (g BlocsGroups) GroupExists(ctx context.Context, id string) (bool, error) {
	_, err := g.Client.GetGroup(ctx, &blocsv1.GetGroupRequest{Name: groupPattern.Format(id)})
	switch status.Code(err) {
	case codes.OK:
		return true, nil
	case codes.NotFound:
		return false, nil
	}
	return false, grpcclient.Failure("blocs", "GetGroup", err)
}

// eventID reads events/{event}.
func eventID(field, name string) (string, error) { return domain.EventPattern.FieldID(field, name) }

// eventFields reads the settable fields of an event message; prefix is
// its JSON path in the request.
func eventFields(prefix string, p *movementsv1.Event) (domain.EventFields, error) {
	var errs resname.Fields
	f := domain.EventFields{
		Kind:      domain.EventKind(p.GetKind()),
		Organizer: errs.ID(prefix+".organizer", p.GetOrganizer(), resname.Unit),
		Group:     errs.ID(prefix+".group", p.GetGroup(), groupPattern),
		Movement:  errs.ID(prefix+".movement", p.GetMovement(), domain.MovementPattern),
		HeldOn:    errs.Date(prefix+".heldOn", p.GetHeldOn()),
		Ordinal:   int(p.GetOrdinal()),
		Period: domain.Period{
			Start: errs.Date(prefix+".period.startDate", p.GetPeriod().GetStartDate()),
			End:   errs.Date(prefix+".period.endDate", p.GetPeriod().GetEndDate()),
		},
		Summary:   p.GetSummary(),
		Decisions: append([]string(nil), p.GetDecisions()...),
	}
	f.Normalize()
	return f, errs.Err()
}

func eventOut(e *domain.Event) *movementsv1.Event {
	p := &movementsv1.Event{
		Name:       e.Name(),
		Kind:       movementsv1.EventKind(e.Kind),
		Organizer:  resname.Unit.Format(e.Organizer),
		HeldOn:     e.HeldOn.Proto(),
		Ordinal:    int32(e.Ordinal),
		Summary:    e.Summary,
		Decisions:  e.Decisions,
		CreateTime: timestamppb.New(e.CreateTime),
	}
	if e.Group != "" {
		p.Group = groupPattern.Format(e.Group)
	}
	if e.Movement != "" {
		p.Movement = domain.MovementName(e.Movement)
	}
	if e.HasPeriod() {
		p.Period = &typev1.DateRange{StartDate: e.Period.Start.Proto(), EndDate: e.Period.End.Proto()}
	}
	return p
}

// CreateEvent records an event. The organizer is checked in the unit
// mirror and the group in blocs (one GetGroup call), both before the
// transaction; the movement (launched: a draft is not public) and the
// congress ordinal inside it.
func (s *Server) CreateEvent(ctx context.Context, req *movementsv1.CreateEventRequest) (*movementsv1.Event, error) {
	f, err := eventFields("event", req.GetEvent())
	if err != nil {
		return nil, err
	}
	units, err := s.units.Units(ctx, []string{f.Organizer})
	if err != nil {
		return nil, err
	}
	if err := f.Validate("event", units); err != nil {
		return nil, err
	}
	if f.Group != "" {
		ok, err := s.groups.GroupExists(ctx, f.Group)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, domainerr.Field("event.group", "%s does not exist", groupPattern.Format(f.Group))
		}
	}
	id := req.GetEventId()
	if id == "" {
		id = domain.NewID()
	}
	resp := new(movementsv1.Event)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		if f.Movement != "" {
			// A public event may not name a draft, which only its unit's
			// readers see: a draft and a movement that does not exist get
			// the same answer.
			m, err := tx.GetMovement(ctx, f.Movement)
			if _, ok := errors.AsType[*domain.NotFoundError](err); ok || (err == nil && m.State == domain.Draft) {
				return nil, domainerr.Field("event.movement", "%s does not exist or is not launched", domain.MovementName(f.Movement))
			}
			if err != nil {
				return nil, err
			}
		}
		e := domain.NewEvent(id, f, tx.Now())
		if err := tx.InsertEvent(ctx, e); err != nil {
			return nil, err
		}
		return eventOut(e), nil
	})
	if err == nil {
		s.reportChanged(ctx, f.Movement)
	}
	return resp, err
}

// GetEvent returns an event.
func (s *Server) GetEvent(ctx context.Context, req *movementsv1.GetEventRequest) (*movementsv1.Event, error) {
	id, err := eventID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	e, err := s.store.GetEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	return eventOut(e), nil
}

// ListEvents lists events newest first.
func (s *Server) ListEvents(ctx context.Context, req *movementsv1.ListEventsRequest) (*movementsv1.ListEventsResponse, error) {
	var errs resname.Fields
	organizer := errs.ID("organizer", req.GetOrganizer(), resname.Unit)
	f := store.EventFilter{
		Kind:     domain.EventKind(req.GetKind()),
		Group:    errs.ID("group", req.GetGroup(), groupPattern),
		Movement: errs.ID("movement", req.GetMovement(), domain.MovementPattern),
		Year:     int(req.GetYear()),
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	// A dissolved unit's events are its successor's.
	var err error
	if f.Organizer, err = lineage.WithDissolved(ctx, s.units.Ancestors, organizer); err != nil {
		return nil, err
	}
	page, err := pagetoken.PageOf[store.EventCursor](s.tokens, req)
	if err != nil {
		return nil, err
	}
	l, err := pagetoken.List(ctx, page, s.store.ListEvents, f, eventOut)
	if err != nil {
		return nil, err
	}
	return &movementsv1.ListEventsResponse{Events: l.Items, TotalSize: l.TotalSize, NextPageToken: l.NextPageToken}, nil
}
