package server

import (
	"context"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

// ListAwardTypes lists the award catalogue in its order.
func (s *Server) ListAwardTypes(context.Context, *honoursv1.ListAwardTypesRequest) (*honoursv1.ListAwardTypesResponse, error) {
	resp := &honoursv1.ListAwardTypesResponse{}
	for _, t := range s.catalogue.All() {
		resp.AwardTypes = append(resp.AwardTypes, awardTypeOut(t))
	}
	return resp, nil
}

// GetAwardType returns a row of the catalogue.
func (s *Server) GetAwardType(ctx context.Context, req *honoursv1.GetAwardTypeRequest) (*honoursv1.AwardType, error) {
	code, ok := awardCode(req.GetName())
	if !ok {
		return nil, domainerr.Field("name", "must be awardTypes/{code}")
	}
	t, err := s.catalogue.Get(code)
	if err != nil {
		return nil, err
	}
	return awardTypeOut(t), nil
}

// ListBaseSalaries lists the base salary table, oldest first.
func (s *Server) ListBaseSalaries(context.Context, *honoursv1.ListBaseSalariesRequest) (*honoursv1.ListBaseSalariesResponse, error) {
	resp := &honoursv1.ListBaseSalariesResponse{}
	for _, b := range s.salaries.All() {
		resp.BaseSalaries = append(resp.BaseSalaries, baseSalaryOut(b))
	}
	return resp, nil
}
