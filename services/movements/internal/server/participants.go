package server

import (
	"context"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/resname"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	"github.com/tdkt-vn/tdkt/services/movements/internal/domain"
	"github.com/tdkt-vn/tdkt/services/movements/internal/store"
)

// CreateParticipant registers one unit in a movement.
func (s *Server) CreateParticipant(ctx context.Context, req *movementsv1.CreateParticipantRequest) (*movementsv1.Participant, error) {
	if req.GetParent() == "" {
		return nil, resname.Field("parent", domain.MovementPattern)
	}
	resp := new(movementsv1.Participant)
	err := s.register(ctx, req, resp, req.GetParent(), []*movementsv1.CreateParticipantRequest{req}, func(int) string { return "participant" },
		func(ps []*domain.Participant) proto.Message { return participantOut(ps[0]) })
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// BatchCreateParticipants registers many units in a movement, all or none
// (AIP-233). The units are checked against the unit mirror in one lookup:
// no call to blocs for units it knows.
func (s *Server) BatchCreateParticipants(ctx context.Context, req *movementsv1.BatchCreateParticipantsRequest) (*movementsv1.BatchCreateParticipantsResponse, error) {
	var errs resname.Fields
	for i, r := range req.GetRequests() {
		if r.GetParent() != "" && r.GetParent() != req.GetParent() {
			errs.Add("requests["+strconv.Itoa(i)+"].parent", "must be empty or the batch's parent %s", req.GetParent())
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	resp := new(movementsv1.BatchCreateParticipantsResponse)
	err := s.register(ctx, req, resp, req.GetParent(), req.GetRequests(),
		func(i int) string { return "requests[" + strconv.Itoa(i) + "].participant" },
		func(ps []*domain.Participant) proto.Message {
			out := &movementsv1.BatchCreateParticipantsResponse{}
			for _, p := range ps {
				out.Participants = append(out.Participants, participantOut(p))
			}
			return out
		})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// register registers the participants of reqs in the movement parent, in
// one transaction saved under req's request id; field names the JSON path
// of each, and out is the response.
func (s *Server) register(ctx context.Context, req, resp proto.Message, parent string, reqs []*movementsv1.CreateParticipantRequest,
	field func(i int) string, out func([]*domain.Participant) proto.Message) error {
	id, err := movementID("parent", parent)
	if err != nil {
		return err
	}
	var errs resname.Fields
	news := make([]domain.NewParticipant, len(reqs))
	ids := make([]string, 0, len(reqs))
	for i, r := range reqs {
		f := field(i)
		p := r.GetParticipant()
		news[i] = domain.NewParticipant{
			Field:        f,
			ID:           r.GetParticipantId(),
			Unit:         errs.RequiredID(f+".unit", p.GetUnit(), resname.Unit),
			RegisteredOn: errs.RequiredDate(f+".registeredOn", p.GetRegisteredOn()),
			Commitment:   p.GetCommitment(),
		}
		ids = append(ids, news[i].Unit)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	// One lookup in the unit mirror for all of them, before the
	// transaction: never a call per unit, nor one while it is open.
	units, err := s.units.Units(ctx, ids)
	if err != nil {
		return err
	}
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		m, err := tx.LockMovement(ctx, id)
		if err != nil {
			return nil, err
		}
		ps, err := domain.Participants(m, news, units, tx.Now())
		if err != nil {
			return nil, err
		}
		if err := tx.InsertParticipants(ctx, m, ps); err != nil {
			return nil, err
		}
		m.UpdateTime, m.Version = tx.Now(), m.Version+1
		if err := tx.UpdateMovement(ctx, m); err != nil {
			return nil, err
		}
		return out(ps), nil
	})
	if err == nil {
		s.invalidate(ctx, movementKeys(id)...)
	}
	return err
}

// ListParticipants lists the participants of a movement.
func (s *Server) ListParticipants(ctx context.Context, req *movementsv1.ListParticipantsRequest) (*movementsv1.ListParticipantsResponse, error) {
	id, err := movementID("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	page, err := pagetoken.PageOf[store.ParticipantCursor](s.tokens, req)
	if err != nil {
		return nil, err
	}
	m, err := s.store.GetMovement(ctx, id)
	if err != nil {
		return nil, err
	}
	ps, next, err := s.store.ListParticipants(ctx, id, page.After, page.Size)
	if err != nil {
		return nil, err
	}
	resp := &movementsv1.ListParticipantsResponse{TotalSize: int32(m.ParticipantCount)}
	for _, p := range ps {
		resp.Participants = append(resp.Participants, participantOut(p))
	}
	if resp.NextPageToken, err = page.NextToken(next); err != nil {
		return nil, err
	}
	return resp, nil
}
