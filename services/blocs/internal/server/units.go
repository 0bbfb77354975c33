package server

import (
	"context"
	"errors"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/fieldmask"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/resname"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/domain"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/store"
)

func unitKey(id string) string { return "unit:" + id }

// updatableUnitFields are the paths UpdateUnit accepts in its mask.
var updatableUnitFields = []string{"display_name", "short_name", "kind", "level", "province", "parent", "code"}

// CreateUnit creates a unit.
func (s *Server) CreateUnit(ctx context.Context, req *blocsv1.CreateUnitRequest) (*blocsv1.Unit, error) {
	f, err := unitFields("unit", req.GetUnit())
	if err == nil {
		err = f.Validate("unit")
	}
	if err == nil {
		err = s.mayShape(ctx, f.Level)
	}
	if err != nil {
		return nil, err
	}
	id := req.GetUnitId()
	if id == "" {
		id = domain.NewID()
	}
	resp := new(blocsv1.Unit)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		if err := s.checkUnitRefs(ctx, tx, id, &f); err != nil {
			return nil, err
		}
		u := domain.NewUnit(id, f, tx.Now())
		if err := tx.InsertUnit(ctx, u); err != nil {
			return nil, err
		}
		return unitToProto(u), nil
	})
	if err != nil {
		return nil, err
	}
	s.feed.notify()
	return resp, nil
}

func (s *Server) checkUnitRefs(ctx context.Context, tx *store.Tx, id string, f *domain.UnitFields) error {
	province, err := tx.FindUnit(ctx, f.Province)
	if err != nil {
		return err
	}
	parent, err := tx.FindUnit(ctx, f.Parent)
	if err != nil {
		return err
	}
	if err := f.CheckRefs("unit", id, province, parent); err != nil {
		return err
	}
	// A unit may not sit below itself: walk up from its new parent.
	for up, depth := parent, 0; up != nil && up.Parent != ""; depth++ {
		if up.Parent == id || depth > maxParentDepth {
			return domainerr.Field("unit.parent", "%s is below this unit: a unit may not sit below itself", resname.Unit.Format(f.Parent))
		}
		if up, err = tx.FindUnit(ctx, up.Parent); err != nil {
			return err
		}
	}
	return nil
}

// maxParentDepth bounds the walk up the parents; real units are a handful
// of levels deep.
const maxParentDepth = 32

// GetUnit returns a unit, from the cache when it can.
func (s *Server) GetUnit(ctx context.Context, req *blocsv1.GetUnitRequest) (*blocsv1.Unit, error) {
	id, ok := resname.Unit.ID(req.GetName())
	if !ok {
		return nil, domainerr.Field("name", "must be units/{unit}")
	}
	u, err := cache.GetOrLoad(ctx, s.cache, unitKey(id), unitTTL, func() *blocsv1.Unit { return new(blocsv1.Unit) },
		func(ctx context.Context) (*blocsv1.Unit, error) {
			u, err := s.store.GetUnit(ctx, id)
			if err != nil {
				return nil, err
			}
			return unitToProto(u), nil
		})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// ListUnits lists units.
func (s *Server) ListUnits(ctx context.Context, req *blocsv1.ListUnitsRequest) (*blocsv1.ListUnitsResponse, error) {
	var errs resname.Fields
	f := store.UnitFilter{
		Query:    req.GetQuery(),
		Level:    domain.Level(req.GetLevel()),
		Kind:     domain.UnitKind(req.GetKind()),
		Province: errs.ID("province", req.GetProvince(), resname.Unit),
		Parent:   errs.ID("parent", req.GetParent(), resname.Unit),
		State:    domain.UnitState(req.GetState()),
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	page, err := pagetoken.PageOf[store.UnitCursor](s.tokens, req)
	if err != nil {
		return nil, err
	}
	l, err := pagetoken.List(ctx, page, s.store.ListUnits, f, unitToProto)
	if err != nil {
		return nil, err
	}
	return &blocsv1.ListUnitsResponse{Units: l.Items, TotalSize: l.TotalSize, NextPageToken: l.NextPageToken}, nil
}

// UpdateUnit changes the fields of a unit named by its update mask.
func (s *Server) UpdateUnit(ctx context.Context, req *blocsv1.UpdateUnitRequest) (*blocsv1.Unit, error) {
	id, ok := resname.Unit.ID(req.GetUnit().GetName())
	if !ok {
		return nil, domainerr.Field("unit.name", "must be units/{unit}")
	}
	var errs resname.Fields
	effectiveOn := errs.Date("effectiveOn", req.GetEffectiveOn())
	if err := errs.Err(); err != nil {
		return nil, err
	}
	resp := new(blocsv1.Unit)
	err := idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		u, err := tx.GetUnit(ctx, id)
		if err != nil {
			return nil, err
		}
		merged := unitToProto(u)
		if err := fieldmask.Apply(merged, req.GetUnit(), req.GetUpdateMask(), updatableUnitFields); err != nil {
			return nil, maskError(err)
		}
		f, err := unitFields("unit", merged)
		if err != nil {
			return nil, err
		}
		if err := f.Validate("unit"); err != nil {
			return nil, err
		}
		if err := s.mayShape(ctx, u.Level, f.Level); err != nil {
			return nil, err
		}
		if err := s.checkUnitRefs(ctx, tx, id, &f); err != nil {
			return nil, err
		}
		added, err := u.Update(f, effectiveOn, civil.Today(tx.Now()), req.GetUnit().GetEtag(), tx.Now())
		if err != nil {
			return nil, err
		}
		if added != nil {
			if err := tx.AddPeriod(ctx, id, *added); err != nil {
				return nil, err
			}
		}
		if err := tx.UpdateUnit(ctx, u); err != nil {
			return nil, err
		}
		return unitToProto(u), nil
	})
	if err != nil {
		return nil, err
	}
	s.invalidate(ctx, unitKey(id))
	s.feed.notify()
	return resp, nil
}

// DissolveUnit dissolves a unit into its successor and ends its
// memberships the day before the dissolution takes effect.
func (s *Server) DissolveUnit(ctx context.Context, req *blocsv1.DissolveUnitRequest) (*blocsv1.Unit, error) {
	var errs resname.Fields
	id := errs.ID("name", req.GetName(), resname.Unit)
	succ := errs.ID("successor", req.GetSuccessor(), resname.Unit)
	on := errs.RequiredDate("effectiveOn", req.GetEffectiveOn())
	if err := errs.Err(); err != nil {
		return nil, err
	}
	resp := new(blocsv1.Unit)
	var affected []string
	err := idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		u, err := tx.GetUnit(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.mayShape(ctx, u.Level); err != nil {
			return nil, err
		}
		successor, err := tx.FindUnit(ctx, succ)
		if err != nil {
			return nil, err
		}
		if successor == nil {
			return nil, domainerr.Field("successor", "unit %s does not exist", req.GetSuccessor())
		}
		if err := u.Dissolve(successor, on, req.GetEtag(), tx.Now()); err != nil {
			return nil, err
		}
		if err := tx.UpdateUnit(ctx, u); err != nil {
			return nil, err
		}
		open, err := tx.OpenMembershipsOf(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, m := range open {
			if err := m.End(maxDate(m.JoinedOn, on.AddDays(-1))); err != nil {
				return nil, err
			}
			if err := tx.SetMembershipEnd(ctx, m); err != nil {
				return nil, err
			}
			affected = append(affected, rankingKeysFor(m)...)
		}
		// Every unit whose chain passes through u now ends elsewhere.
		ancestors, err := tx.Ancestors(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, a := range append(ancestors, id, succ) {
			affected = append(affected, unitKey(a))
		}
		u, err = tx.GetUnit(ctx, id)
		if err != nil {
			return nil, err
		}
		return unitToProto(u), nil
	})
	if err != nil {
		return nil, err
	}
	s.invalidate(ctx, affected...)
	s.feed.notify()
	return resp, nil
}

// BatchGetUnits returns many units in one call.
func (s *Server) BatchGetUnits(ctx context.Context, req *blocsv1.BatchGetUnitsRequest) (*blocsv1.BatchGetUnitsResponse, error) {
	var errs resname.Fields
	ids := make([]string, len(req.GetNames()))
	for i, n := range req.GetNames() {
		ids[i] = errs.ID("names["+strconv.Itoa(i)+"]", n, resname.Unit)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	units, err := s.store.BatchGetUnits(ctx, ids)
	if err != nil {
		return nil, err
	}
	resp := &blocsv1.BatchGetUnitsResponse{Units: make([]*blocsv1.Unit, len(units))}
	for i, u := range units {
		resp.Units[i] = unitToProto(u)
	}
	return resp, nil
}

// maskError turns a bad update mask path into a field violation.
func maskError(err error) error {
	var fe *fieldmask.Error
	if errors.As(err, &fe) {
		return domainerr.Field("updateMask", "%s", fe.Error())
	}
	return err
}
