package server

import (
	"context"
	"slices"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
)

// History is what the handlers need of the honours service: the prior
// honours of recipients, by recipient key.
type History interface {
	// RecipientHistory returns the active honours of each of keys that
	// the register holds; a key without honours is absent.
	RecipientHistory(ctx context.Context, keys []string) (map[string][]eligibility.Honour, error)
}

// historyBatch is the most keys BatchGetRecipientHistory takes.
const historyBatch = 1000

// HonoursHistory asks the honours service. A failure it may recover from
// is a *domainerr.UnavailableError (UNAVAILABLE to our caller).
type HonoursHistory struct {
	Client honoursv1.HonoursServiceClient
}

// RecipientHistory implements History with one BatchGetRecipientHistory
// call per 1000 distinct keys ("" left out): one call for a batch of up
// to 1000 recipients.
func (h HonoursHistory) RecipientHistory(ctx context.Context, keys []string) (map[string][]eligibility.Honour, error) {
	keys = slices.Compact(slices.Sorted(slices.Values(keys)))
	if len(keys) > 0 && keys[0] == "" {
		keys = keys[1:]
	}
	out := make(map[string][]eligibility.Honour, len(keys))
	for chunk := range slices.Chunk(keys, historyBatch) {
		resp, err := h.Client.BatchGetRecipientHistory(ctx, &honoursv1.BatchGetRecipientHistoryRequest{RecipientKeys: chunk})
		if err != nil {
			return nil, grpcclient.Failure("honours", "BatchGetRecipientHistory", err)
		}
		for _, rh := range resp.GetHistories() {
			for _, h := range rh.GetHonours() {
				out[rh.GetRecipientKey()] = append(out[rh.GetRecipientKey()], honourIn(h))
			}
		}
	}
	return out, nil
}

// honourIn is what the eligibility rules read of an honour: one citing a
// movement is on that movement's basis (and the movement is its named
// achievement); any other counts as merit. The register does not record
// an honour for an unexpected achievement as such.
func honourIn(h *honoursv1.Honour) eligibility.Honour {
	out := eligibility.Honour{
		Award: eligibility.Award(strings.TrimPrefix(h.GetAwardType(), "awardTypes/")),
		Year:  int(h.GetPeriod().GetEndYear()),
		Basis: eligibility.Merit,
	}
	if m := h.GetMovement(); m != "" {
		out.Basis, out.Achievement = eligibility.Movement, m
	}
	if h.GetState() == honoursv1.HonourState_HONOUR_STATE_REVOKED {
		out.State = eligibility.Revoked
	}
	return out
}
