package server

import (
	"context"

	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

// Honours is what the handlers need of the honours service.
type Honours interface {
	// Unknown returns the first of names (honours/{h}) that the honours
	// service does not hold, "" when it holds them all: one call, however
	// many names.
	Unknown(ctx context.Context, names []string) (string, error)
	// CitingMovement counts the active honours that cite movement
	// (movements/{m}), by award type and year.
	CitingMovement(ctx context.Context, movement string) (*honoursv1.Statistics, error)
}

// HonoursService asks the honours service. A failure it may recover from
// is a *domainerr.UnavailableError (UNAVAILABLE to our caller).
type HonoursService struct {
	Client honoursv1.HonoursServiceClient
}

// Unknown implements Honours with one BatchGetHonours call.
func (h HonoursService) Unknown(ctx context.Context, names []string) (string, error) {
	if len(names) == 0 {
		return "", nil
	}
	_, err := h.Client.BatchGetHonours(ctx, &honoursv1.BatchGetHonoursRequest{Names: names})
	if err == nil {
		return "", nil
	}
	if name, ok := grpcclient.NotFoundName(err); ok {
		return name, nil
	}
	return "", grpcclient.Failure("honours", "BatchGetHonours", err)
}

// CitingMovement implements Honours with one GetStatistics call.
func (h HonoursService) CitingMovement(ctx context.Context, movement string) (*honoursv1.Statistics, error) {
	st, err := h.Client.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{Movement: movement, GroupBy: []string{"award_type", "year"}})
	if err != nil {
		return nil, grpcclient.Failure("honours", "GetStatistics", err)
	}
	return st, nil
}
