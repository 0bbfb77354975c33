package server

import (
	"context"
	"errors"
	"io"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/rpcerr"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
)

// ImportDecisions loads decisions from a provincial system, one message per
// decision. Each item is created with its entries and issued in one
// transaction keyed by the item's request_id: an item sent again returns
// its first result, and an item killed half-way leaves nothing. An item
// that fails gets its own status in the results; the stream goes on.
func (s *Server) ImportDecisions(stream grpc.ClientStreamingServer[honoursv1.ImportDecisionsRequest, honoursv1.ImportDecisionsResponse]) error {
	ctx := stream.Context()
	resp := &honoursv1.ImportDecisionsResponse{}
	for index := int32(0); ; index++ {
		item := new(honoursv1.ImportDecisionsRequest)
		err := stream.RecvMsg(item)
		if errors.Is(err, io.EOF) {
			break
		}
		var result *honoursv1.ImportResult
		switch {
		case status.Code(err) == codes.InvalidArgument:
			// The server's interceptor refused this item (protovalidate);
			// the message itself was read, so the stream goes on.
			result = &honoursv1.ImportResult{DecisionId: item.GetDecisionId(), Status: status.Convert(err).Proto()}
		case err != nil:
			return err
		default:
			result = s.importItem(ctx, item)
		}
		result.Index = index
		if result.GetStatus().GetCode() == int32(codes.OK) {
			resp.Succeeded++
		} else {
			resp.Failed++
		}
		resp.Results = append(resp.Results, result)
	}
	return stream.SendAndClose(resp)
}

// importItem imports one decision and returns its result (Index unset).
func (s *Server) importItem(ctx context.Context, item *honoursv1.ImportDecisionsRequest) *honoursv1.ImportResult {
	r, err := s.importDecision(ctx, item)
	if err != nil {
		st := status.Convert(s.status(ctx, err))
		if st.Code() == codes.Internal || st.Code() == codes.Unknown {
			s.log.ErrorContext(ctx, "import of a decision failed", "decision_id", item.GetDecisionId(), "error", err)
			st = status.Convert(rpcerr.Internal())
		}
		return &honoursv1.ImportResult{DecisionId: item.GetDecisionId(), Status: st.Proto()}
	}
	s.registerChanged(ctx)
	return r
}

func (s *Server) importDecision(ctx context.Context, item *honoursv1.ImportDecisionsRequest) (*honoursv1.ImportResult, error) {
	if item.GetDecisionId() == "" {
		return nil, badField("decisionId", "is required")
	}
	d, err := s.decisionIn(ctx, "decision", item.GetDecision(), item.GetDecisionId())
	if err != nil {
		return nil, err
	}
	entries, err := s.entriesIn(ctx, d.ID, "entries", item.GetEntries())
	if err != nil {
		return nil, err
	}
	ids := []string{d.Authority}
	for _, e := range entries {
		ids = append(ids, e.Recipient.Unit, e.Recipient.Commune)
	}
	units, err := s.unitsWithProvinces(ctx, ids)
	if err != nil {
		return nil, err
	}
	requestID, fp, err := idempotency.Fingerprint(item)
	if err != nil {
		return nil, err
	}
	op := sqlstore.Op{Method: "ImportDecisions", RequestID: requestID, Fingerprint: fp, Caller: grpcserver.Caller(ctx)}
	out, err := s.store.Do(ctx, op, func(tx *store.Tx) (string, []byte, error) {
		d.CreateTime, d.UpdateTime = tx.Now(), tx.Now()
		if err := tx.InsertDecision(ctx, d); err != nil {
			return "", nil, err
		}
		if err := s.addEntries(ctx, tx, d, "entries", entries); err != nil {
			return "", nil, err
		}
		if err := s.issue(ctx, tx, d, units, entries); err != nil {
			return "", nil, err
		}
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(&honoursv1.ImportResult{
			DecisionId:  d.ID,
			Decision:    d.Name(),
			Status:      status.New(codes.OK, "").Proto(),
			HonourCount: int32(d.EntryCount),
		})
		return d.Name(), b, err
	})
	if err != nil {
		return nil, err
	}
	r := new(honoursv1.ImportResult)
	if err := proto.Unmarshal(out, r); err != nil {
		return nil, err
	}
	return r, nil
}
