package server

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
)

// Bounds of the response of ImportDecisions: the failures listed with
// their status, and the bytes those results may take; further failures are
// only counted. Successes are counted, never listed.
const (
	maxFailureResults     = 1000
	maxFailureResultBytes = 1 << 20
)

// ImportDecisions loads decisions from a provincial system, one message per
// decision. Each item is created with its entries and issued in one
// transaction keyed by the item's request_id: an item sent again returns
// its first result, and an item killed half-way leaves nothing. An item
// that fails gets its own status in the results; the stream goes on. The
// stream has grpcserver.ReceiveItems' bounds; past one, the call fails and
// its status carries the response for the items done.
func (s *Server) ImportDecisions(stream grpc.ClientStreamingServer[honoursv1.ImportDecisionsRequest, honoursv1.ImportDecisionsResponse]) error {
	ctx := stream.Context()
	resp := &honoursv1.ImportDecisionsResponse{}
	resultBytes := 0
	err := grpcserver.ReceiveItems(stream, s.importDecision,
		func(index int32, item *honoursv1.ImportDecisionsRequest, r *honoursv1.ImportResult, st *status.Status) {
			if st.Code() == codes.OK {
				resp.Succeeded++
				resp.HonourCount += int64(r.GetHonourCount())
				s.registerChanged(ctx)
				return
			}
			resp.Failed++
			r = &honoursv1.ImportResult{Index: index, DecisionId: item.GetDecisionId(), Status: st.Proto()}
			if size := proto.Size(r); len(resp.Results) < maxFailureResults && resultBytes+size <= maxFailureResultBytes &&
				len(resp.Results) == int(resp.Failed)-1 {
				resultBytes += size
				resp.Results = append(resp.Results, r)
			}
		})
	if err != nil {
		return grpcserver.WithPartialResponse(err, resp)
	}
	return stream.SendAndClose(resp)
}

func (s *Server) importDecision(ctx context.Context, item *honoursv1.ImportDecisionsRequest) (*honoursv1.ImportResult, error) {
	if item.GetDecisionId() == "" {
		return nil, domainerr.Field("decisionId", "is required")
	}
	d, err := s.decisionIn(ctx, "decision", item.GetDecision(), item.GetDecisionId())
	if err != nil {
		return nil, err
	}
	entries, err := s.entriesIn(ctx, "entries", item.GetEntries())
	if err != nil {
		return nil, err
	}
	blindCitizenIDs(item.GetEntries(), entries)
	ids := []string{d.Authority}
	for _, e := range entries {
		ids = append(ids, e.Recipient.Unit, e.Recipient.Commune)
	}
	units, err := s.unitsWithProvinces(ctx, ids)
	if err != nil {
		return nil, err
	}
	r := new(honoursv1.ImportResult)
	err = idempotency.Mutate(ctx, s.store.Do, item, r, func(tx *store.Tx) (proto.Message, error) {
		d.CreateTime, d.UpdateTime = tx.Now(), tx.Now()
		if err := tx.InsertDecision(ctx, d); err != nil {
			return nil, err
		}
		if err := s.addEntries(ctx, tx, d, "entries", entries); err != nil {
			return nil, err
		}
		if err := s.issue(ctx, tx, d, units, entries); err != nil {
			return nil, err
		}
		return &honoursv1.ImportResult{
			DecisionId:  d.ID,
			Decision:    d.Name(),
			Status:      status.New(codes.OK, "").Proto(),
			HonourCount: int32(d.EntryCount),
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
