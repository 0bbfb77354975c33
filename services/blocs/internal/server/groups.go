package server

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/fieldmask"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/resname"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/domain"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/store"
)

var updatableGroupFields = []string{"kind", "display_name", "organizer", "description"}

// groupID reads groups/{group}.
func groupID(field, name string) (string, error) {
	ids, ok := domain.GroupPattern.Parse(name)
	if !ok {
		return "", domainerr.Field(field, "must be groups/{group}")
	}
	return ids[0], nil
}

// CreateGroup creates a bloc or cluster.
func (s *Server) CreateGroup(ctx context.Context, req *blocsv1.CreateGroupRequest) (*blocsv1.Group, error) {
	f, err := groupFields("group", req.GetGroup())
	if err != nil {
		return nil, err
	}
	id := req.GetGroupId()
	if id == "" {
		id = domain.NewID()
	}
	resp := new(blocsv1.Group)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		organizer, err := tx.FindUnit(ctx, f.Organizer)
		if err != nil {
			return nil, err
		}
		if err := f.Validate("group", organizer); err != nil {
			return nil, err
		}
		g := domain.NewGroup(id, f, tx.Now())
		if err := tx.InsertGroup(ctx, g); err != nil {
			return nil, err
		}
		return groupToProto(g), nil
	})
	return resp, err
}

// GetGroup returns a group.
func (s *Server) GetGroup(ctx context.Context, req *blocsv1.GetGroupRequest) (*blocsv1.Group, error) {
	id, err := groupID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	g, err := s.store.GetGroup(ctx, id)
	if err != nil {
		return nil, err
	}
	return groupToProto(g), nil
}

// ListGroups lists blocs and clusters.
func (s *Server) ListGroups(ctx context.Context, req *blocsv1.ListGroupsRequest) (*blocsv1.ListGroupsResponse, error) {
	var errs resname.Fields
	f := store.GroupFilter{
		Kind:      domain.GroupKind(req.GetKind()),
		Organizer: errs.ID("organizer", req.GetOrganizer(), resname.Unit),
		Query:     req.GetQuery(),
		Year:      int(req.GetYear()),
		Member:    errs.ID("member", req.GetMember(), resname.Unit),
		State:     domain.GroupState(req.GetState()),
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	page, err := pagetoken.PageOf[store.GroupCursor](s.tokens, req)
	if err != nil {
		return nil, err
	}
	l, err := pagetoken.List(ctx, page, s.store.ListGroups, f, groupToProto)
	if err != nil {
		return nil, err
	}
	return &blocsv1.ListGroupsResponse{Groups: l.Items, TotalSize: l.TotalSize, NextPageToken: l.NextPageToken}, nil
}

// UpdateGroup changes a group's fields named by the update mask.
func (s *Server) UpdateGroup(ctx context.Context, req *blocsv1.UpdateGroupRequest) (*blocsv1.Group, error) {
	id, err := groupID("group.name", req.GetGroup().GetName())
	if err != nil {
		return nil, err
	}
	resp := new(blocsv1.Group)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		g, err := tx.GetGroup(ctx, id)
		if err != nil {
			return nil, err
		}
		merged := groupToProto(g)
		if err := fieldmask.Apply(merged, req.GetGroup(), req.GetUpdateMask(), updatableGroupFields); err != nil {
			return nil, maskError(err)
		}
		f, err := groupFields("group", merged)
		if err != nil {
			return nil, err
		}
		organizer, err := tx.FindUnit(ctx, f.Organizer)
		if err != nil {
			return nil, err
		}
		if err := f.Validate("group", organizer); err != nil {
			return nil, err
		}
		if err := g.Update(f, req.GetGroup().GetEtag(), tx.Now()); err != nil {
			return nil, err
		}
		if err := tx.UpdateGroup(ctx, g); err != nil {
			return nil, err
		}
		return groupToProto(g), nil
	})
	return resp, err
}

// ArchiveGroup archives a group.
func (s *Server) ArchiveGroup(ctx context.Context, req *blocsv1.ArchiveGroupRequest) (*blocsv1.Group, error) {
	id, err := groupID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	resp := new(blocsv1.Group)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		g, err := tx.GetGroup(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := g.Archive(req.GetEtag(), tx.Now()); err != nil {
			return nil, err
		}
		if err := tx.UpdateGroup(ctx, g); err != nil {
			return nil, err
		}
		return groupToProto(g), nil
	})
	return resp, err
}
