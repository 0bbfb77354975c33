package server

import (
	"context"

	"github.com/tdkt-vn/tdkt/platform/cache"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	"github.com/tdkt-vn/tdkt/services/movements/internal/store"
)

// reportKey caches what a movement's report holds of this service: every
// change to the movement, its participants, events or exemplars deletes it
// after the commit.
func reportKey(id string) string { return "movement-report:" + id }

// movementKeys are the cache keys a change of movement id deletes.
func movementKeys(id string) []string { return []string{movementKey(id), reportKey(id)} }

// reportEvents is how many of its events a report lists.
const reportEvents = 100

// GetMovementReport returns a movement's results: what this service holds
// (cached), and the honours citing it, which the honours service counts
// (and caches) in one call.
func (s *Server) GetMovementReport(ctx context.Context, req *movementsv1.GetMovementReportRequest) (*movementsv1.MovementReport, error) {
	id, err := movementID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	r, err := cache.GetOrLoad(ctx, s.cache, reportKey(id), movementTTL, func() *movementsv1.MovementReport { return new(movementsv1.MovementReport) },
		func(ctx context.Context) (*movementsv1.MovementReport, error) { return s.localReport(ctx, id) })
	if err != nil {
		return nil, err
	}
	st, err := s.honours.CitingMovement(ctx, req.GetName())
	if err != nil {
		return nil, err
	}
	for _, row := range st.GetRows() {
		r.Honours = append(r.Honours, &movementsv1.HonourCount{
			AwardType: row.GetAwardType(), Year: row.GetYear(), Count: row.GetCount(), RewardVnd: row.GetRewardVnd(),
		})
	}
	r.HonourCount, r.HonourRewardVnd = st.GetTotalCount(), st.GetTotalRewardVnd()
	return r, nil
}

// localReport reads what a report holds of this service: the movement, its
// events and its exemplars by state.
func (s *Server) localReport(ctx context.Context, id string) (*movementsv1.MovementReport, error) {
	m, err := s.store.GetMovement(ctx, id)
	if err != nil {
		return nil, err
	}
	events, _, total, err := s.store.ListEvents(ctx, store.EventFilter{Movement: id}, nil, reportEvents)
	if err != nil {
		return nil, err
	}
	states, err := s.store.ExemplarStates(ctx, id)
	if err != nil {
		return nil, err
	}
	r := &movementsv1.MovementReport{
		Movement:         movementOut(m),
		ParticipantCount: int32(m.ParticipantCount),
		EventCount:       int32(total),
	}
	for _, e := range events {
		r.Events = append(r.Events, eventOut(e))
	}
	for _, c := range states {
		r.Exemplars = append(r.Exemplars, &movementsv1.ExemplarStateCount{State: movementsv1.ExemplarState(c.State), Count: int32(c.Count)})
		r.ExemplarCount += int32(c.Count)
	}
	return r, nil
}

// reportChanged deletes the cached report of movement after a change to
// its events or exemplars.
func (s *Server) reportChanged(ctx context.Context, movement string) {
	if movement != "" {
		s.invalidate(ctx, reportKey(movement))
	}
}
