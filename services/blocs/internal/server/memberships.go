package server

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/resname"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/domain"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/store"
)

// CreateMembership adds a unit to a group.
func (s *Server) CreateMembership(ctx context.Context, req *blocsv1.CreateMembershipRequest) (*blocsv1.Membership, error) {
	gid, err := groupID("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	var errs resname.Fields
	unit := errs.ID("membership.unit", req.GetMembership().GetUnit(), resname.Unit)
	if unit == "" && errs.Err() == nil {
		errs.Add("membership.unit", "is required")
	}
	joined := errs.RequiredDate("membership.joinedOn", req.GetMembership().GetJoinedOn())
	if err := errs.Err(); err != nil {
		return nil, err
	}
	id := req.GetMembershipId()
	if id == "" {
		id = domain.NewID()
	}
	resp := new(blocsv1.Membership)
	var m *domain.Membership
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		g, err := tx.GetGroup(ctx, gid)
		if err != nil {
			return nil, err
		}
		u, err := tx.FindUnit(ctx, unit)
		if err != nil {
			return nil, err
		}
		if u == nil {
			return nil, domainerr.Field("membership.unit", "unit %s does not exist", domain.UnitName(unit))
		}
		existing, err := tx.Memberships(ctx, gid, unit)
		if err != nil {
			return nil, err
		}
		m, err = domain.NewMembership(g, id, u, joined, existing, tx.Now())
		if err != nil {
			return nil, err
		}
		if err := tx.InsertMembership(ctx, m); err != nil {
			return nil, err
		}
		m.UnitDisplayName = u.DisplayName
		return membershipToProto(m), nil
	})
	if err != nil {
		return nil, err
	}
	if m != nil {
		s.invalidate(ctx, rankingKeysFor(m)...)
	}
	return resp, nil
}

// ListMemberships lists a group's memberships.
func (s *Server) ListMemberships(ctx context.Context, req *blocsv1.ListMembershipsRequest) (*blocsv1.ListMembershipsResponse, error) {
	gid, err := groupID("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	if _, err := s.store.GetGroup(ctx, gid); err != nil {
		return nil, err
	}
	year := int(req.GetYear())
	page, err := pagetoken.PageOf[store.MembershipCursor](s.tokens, req)
	if err != nil {
		return nil, err
	}
	ms, next, total, err := s.store.ListMemberships(ctx, gid, year, page.After, page.Size)
	if err != nil {
		return nil, err
	}
	resp := &blocsv1.ListMembershipsResponse{TotalSize: int32(total)}
	for _, m := range ms {
		resp.Memberships = append(resp.Memberships, membershipToProto(m))
	}
	if resp.NextPageToken, err = page.NextToken(next); err != nil {
		return nil, err
	}
	return resp, nil
}

// EndMembership ends a membership.
func (s *Server) EndMembership(ctx context.Context, req *blocsv1.EndMembershipRequest) (*blocsv1.Membership, error) {
	ids, ok := domain.MembershipPattern.Parse(req.GetName())
	var errs resname.Fields
	if !ok {
		errs.Add("name", "must be groups/{group}/memberships/{membership}")
	}
	left := errs.RequiredDate("leftOn", req.GetLeftOn())
	if err := errs.Err(); err != nil {
		return nil, err
	}
	resp := new(blocsv1.Membership)
	var m *domain.Membership
	err := idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		g, err := tx.GetGroup(ctx, ids[0])
		if err != nil {
			return nil, err
		}
		if err := g.CheckActive(); err != nil {
			return nil, err
		}
		m, err = tx.GetMembership(ctx, ids[0], ids[1])
		if err != nil {
			return nil, err
		}
		if err := m.End(left); err != nil {
			return nil, err
		}
		if err := tx.SetMembershipEnd(ctx, m); err != nil {
			return nil, err
		}
		return membershipToProto(m), nil
	})
	if err != nil {
		return nil, err
	}
	if m != nil {
		s.invalidate(ctx, rankingKeysFor(m)...)
	}
	return resp, nil
}

// CreateTerm records the head and deputy of a year.
func (s *Server) CreateTerm(ctx context.Context, req *blocsv1.CreateTermRequest) (*blocsv1.Term, error) {
	gid, err := groupID("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	year, ok := resname.Year(req.GetTermId())
	var errs resname.Fields
	if !ok {
		errs.Add("termId", "must be a year from 1945 to 2200")
	}
	head := errs.ID("term.head", req.GetTerm().GetHead(), resname.Unit)
	deputy := errs.ID("term.deputy", req.GetTerm().GetDeputy(), resname.Unit)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	resp := new(blocsv1.Term)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		g, err := tx.GetGroup(ctx, gid)
		if err != nil {
			return nil, err
		}
		ms, err := tx.Memberships(ctx, gid, "")
		if err != nil {
			return nil, err
		}
		t, err := domain.NewTerm(g, year, head, deputy, ms, tx.Now())
		if err != nil {
			return nil, err
		}
		if err := tx.InsertTerm(ctx, t); err != nil {
			return nil, err
		}
		return termToProto(t), nil
	})
	return resp, err
}

// GetTerm returns the term of a year.
func (s *Server) GetTerm(ctx context.Context, req *blocsv1.GetTermRequest) (*blocsv1.Term, error) {
	gid, year, ok := domain.ParseYearName(req.GetName(), domain.TermPattern)
	if !ok {
		return nil, domainerr.Field("name", "must be groups/{group}/terms/{year}")
	}
	t, err := s.store.GetTerm(ctx, gid, year)
	if err != nil {
		return nil, err
	}
	return termToProto(t), nil
}

// ListTerms lists a group's terms, newest first.
func (s *Server) ListTerms(ctx context.Context, req *blocsv1.ListTermsRequest) (*blocsv1.ListTermsResponse, error) {
	gid, err := groupID("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	if _, err := s.store.GetGroup(ctx, gid); err != nil {
		return nil, err
	}
	page, err := pagetoken.PageOf[store.TermCursor](s.tokens, req)
	if err != nil {
		return nil, err
	}
	l, err := pagetoken.List(ctx, page, s.store.ListTerms, gid, termToProto)
	if err != nil {
		return nil, err
	}
	return &blocsv1.ListTermsResponse{Terms: l.Items, TotalSize: l.TotalSize, NextPageToken: l.NextPageToken}, nil
}

// rankingKeysFor returns the cache keys of the rankings a membership
// change can alter: those of the years it covers, up to next year.
func rankingKeysFor(m *domain.Membership) []string {
	last := civil.Of(time.Now()).Year + 1
	if !m.LeftOn.IsZero() && m.LeftOn.Year < last {
		last = m.LeftOn.Year
	}
	var keys []string
	for y := m.JoinedOn.Year; y <= last; y++ {
		keys = append(keys, rankingKey(m.Group, y))
	}
	return keys
}

func rankingKey(group string, year int) string { return fmt.Sprintf("ranking:%s:%d", group, year) }

// maxDate returns the later of two dates.
func maxDate(a, b civil.Date) civil.Date {
	if a.After(b) {
		return a
	}
	return b
}
