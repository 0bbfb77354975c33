package server

import (
	"context"
	"errors"
	"maps"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/fieldmask"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/resname"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/movements/internal/domain"
	"github.com/tdkt-vn/tdkt/services/movements/internal/store"
)

var updatableMovementFields = []string{"title", "kind", "launched_by", "launch_document", "period", "objectives", "criteria"}

// movementID reads movements/{movement}.
func movementID(field, name string) (string, error) {
	return domain.MovementPattern.FieldID(field, name)
}

func movementKey(id string) string { return "movement:" + id }

// unitsOf looks up, in the unit mirror, the units f names.
func (s *Server) unitsOf(ctx context.Context, f domain.MovementFields) (map[string]lineage.Unit, error) {
	ids := []string{f.LaunchedBy}
	if f.LaunchDocument != nil {
		ids = append(ids, f.LaunchDocument.Issuer)
	}
	return s.units.Units(ctx, ids)
}

// CreateMovement creates a draft movement.
func (s *Server) CreateMovement(ctx context.Context, req *movementsv1.CreateMovementRequest) (*movementsv1.Movement, error) {
	f, err := movementFields("movement", req.GetMovement())
	if err != nil {
		return nil, err
	}
	units, err := s.unitsOf(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := f.Validate("movement", units); err != nil {
		return nil, err
	}
	id := req.GetMovementId()
	if id == "" {
		id = domain.NewID()
	}
	resp := new(movementsv1.Movement)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		m := domain.NewMovement(id, f, tx.Now())
		if err := tx.InsertMovement(ctx, m); err != nil {
			return nil, err
		}
		return movementOut(m), nil
	})
	return resp, err
}

// GetMovement returns a movement, from the cache when it can.
func (s *Server) GetMovement(ctx context.Context, req *movementsv1.GetMovementRequest) (*movementsv1.Movement, error) {
	id, err := movementID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	return cache.GetOrLoad(ctx, s.cache, movementKey(id), movementTTL, func() *movementsv1.Movement { return new(movementsv1.Movement) },
		func(ctx context.Context) (*movementsv1.Movement, error) {
			m, err := s.store.GetMovement(ctx, id)
			if err != nil {
				return nil, err
			}
			return movementOut(m), nil
		})
}

// ListMovements lists movements; drafts only within the caller's scope.
func (s *Server) ListMovements(ctx context.Context, req *movementsv1.ListMovementsRequest) (*movementsv1.ListMovementsResponse, error) {
	var errs resname.Fields
	launcher := errs.ID("launchedBy", req.GetLaunchedBy(), resname.Unit)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	f := store.MovementFilter{State: domain.State(req.GetState()), Year: int(req.GetYear()), Query: req.GetQuery()}
	var err error
	if f.Drafts, err = s.scope(ctx); err != nil {
		return nil, err
	}
	page, err := pagetoken.PageOf[store.MovementCursor](s.tokens, req)
	if err != nil {
		return nil, err
	}
	if f.LaunchedBy, err = lineage.WithDissolved(ctx, s.units.Ancestors, launcher); err != nil {
		return nil, err
	}
	l, err := pagetoken.List(ctx, page, s.store.ListMovements, f, movementOut)
	if err != nil {
		return nil, err
	}
	return &movementsv1.ListMovementsResponse{Movements: l.Items, TotalSize: l.TotalSize, NextPageToken: l.NextPageToken}, nil
}

// UpdateMovement changes a movement's fields named by the update mask.
func (s *Server) UpdateMovement(ctx context.Context, req *movementsv1.UpdateMovementRequest) (*movementsv1.Movement, error) {
	id, err := movementID("movement.name", req.GetMovement().GetName())
	if err != nil {
		return nil, err
	}
	// The units the new values name are looked up before the transaction
	// (never a call to another service while it is open); those it did not
	// expect are looked up and the transaction run again.
	known, asked := map[string]lineage.Unit{}, map[string]bool{}
	for range 3 {
		resp := new(movementsv1.Movement)
		err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
			m, err := tx.LockMovement(ctx, id)
			if err != nil {
				return nil, err
			}
			merged := movementOut(m)
			if err := fieldmask.Apply(merged, req.GetMovement(), req.GetUpdateMask(), updatableMovementFields); err != nil {
				var fe *fieldmask.Error
				if errors.As(err, &fe) {
					return nil, domainerr.Field("updateMask", "%s", fe.Error())
				}
				return nil, err
			}
			f, err := movementFields("movement", merged)
			if err != nil {
				return nil, err
			}
			if missing := missingUnits(f, asked); len(missing) > 0 {
				return nil, &missingUnitsError{fields: f}
			}
			if err := f.Validate("movement", known); err != nil {
				return nil, err
			}
			if err := m.Update(f, req.GetMovement().GetEtag(), tx.Now()); err != nil {
				return nil, err
			}
			if err := tx.UpdateMovement(ctx, m); err != nil {
				return nil, err
			}
			return movementOut(m), nil
		})
		missing, ok := errors.AsType[*missingUnitsError](err)
		if !ok {
			if err == nil {
				s.invalidate(ctx, movementKeys(id)...)
			}
			return resp, err
		}
		found, err := s.unitsOf(ctx, missing.fields)
		if err != nil {
			return nil, err
		}
		for _, id := range missingUnits(missing.fields, asked) {
			asked[id] = true
		}
		maps.Copy(known, found)
	}
	return nil, &domainerr.UnavailableError{Service: "blocs", Cause: errors.New("the units of the movement kept changing")}
}

// LaunchMovement launches a draft.
func (s *Server) LaunchMovement(ctx context.Context, req *movementsv1.LaunchMovementRequest) (*movementsv1.Movement, error) {
	id, err := movementID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	m, err := s.store.GetMovement(ctx, id)
	if err != nil {
		return nil, err
	}
	units, err := s.units.Units(ctx, []string{m.LaunchedBy})
	if err != nil {
		return nil, err
	}
	return s.changeMovement(ctx, req, id, func(m *domain.Movement, now time.Time) error {
		// launched_by changes only in a draft, and only with the etag
		// checked below: a different unit now is a stale read.
		u, ok := units[m.LaunchedBy]
		return m.Launch(u, ok, req.GetEtag(), now)
	})
}

// CloseMovement closes an active movement with its closing review.
func (s *Server) CloseMovement(ctx context.Context, req *movementsv1.CloseMovementRequest) (*movementsv1.Movement, error) {
	id, err := movementID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	var errs resname.Fields
	review := domain.ClosingReview{
		Document: documentIn(&errs, "closingReview.document", req.GetClosingReview().GetDocument()),
		Summary:  req.GetClosingReview().GetSummary(),
	}
	if review.Document.SignedOn.IsZero() && !errs.Has("closingReview.document.signedOn") {
		errs.Add("closingReview.document.signedOn", "is required")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return s.changeMovement(ctx, req, id, func(m *domain.Movement, now time.Time) error {
		return m.Close(review, req.GetEtag(), now)
	})
}

// changeMovement applies change to movement id, locked, in one
// transaction made safe to retry (idempotency.Mutate) that saves it, and
// once committed drops it from the cache.
func (s *Server) changeMovement(ctx context.Context, req proto.Message, id string, change func(m *domain.Movement, now time.Time) error) (*movementsv1.Movement, error) {
	resp := new(movementsv1.Movement)
	err := idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		m, err := tx.LockMovement(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := change(m, tx.Now()); err != nil {
			return nil, err
		}
		if err := tx.UpdateMovement(ctx, m); err != nil {
			return nil, err
		}
		return movementOut(m), nil
	})
	if err == nil {
		s.invalidate(ctx, movementKeys(id)...)
	}
	return resp, err
}

// missingUnitsError says that a transaction needs units it was not given.
type missingUnitsError struct{ fields domain.MovementFields }

func (e *missingUnitsError) Error() string { return "units to look up" }

// missingUnits returns the units f names that were not asked of the unit
// mirror yet.
func missingUnits(f domain.MovementFields, asked map[string]bool) []string {
	var out []string
	for _, id := range []string{f.LaunchedBy, issuerOf(f)} {
		if id != "" && !asked[id] {
			out = append(out, id)
		}
	}
	return out
}

func issuerOf(f domain.MovementFields) string {
	if f.LaunchDocument == nil {
		return ""
	}
	return f.LaunchDocument.Issuer
}
