package demo_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// TestDemoBacKan2023 loads the demo on a real stack, twice: Bắc Kạn's
// batch of 2023 (Bắc Kạn proposer and authority, dissolved since) holds a
// nomination for each entry of decision 946/QĐ-UBND, every one CONFERRED
// with the honour of an entry of that decision, overriding its FAIL with
// a recorded reason; the batch is CLOSED citing 946. The nominations demo
// creates no decision in honours (loading without it gives as many), and
// the second load changes nothing.
func TestDemoBacKan2023(t *testing.T) {
	ctx := t.Context()
	plan, err := demo.NewPlan()
	require.NoError(t, err)
	reqs, err := demo.BacKan2023Nominations(plan)
	require.NoError(t, err)
	require.Len(t, reqs, 106, "30 collectives, 24 households, 52 individuals")

	s := stacktest.Start(t)
	clients := demo.Clients{Blocs: s.Blocs, Honours: s.Honours, Movements: s.Movements}
	_, err = demo.Load(ctx, clients)
	require.NoError(t, err)
	decisions := func() int32 {
		t.Helper()
		l, err := s.Honours.ListDecisions(ctx, &honoursv1.ListDecisionsRequest{PageSize: 100})
		require.NoError(t, err)
		return l.GetTotalSize()
	}
	withoutNominations := decisions()

	clients.Nominations = s.Nominations
	_, err = demo.Load(ctx, clients)
	require.NoError(t, err)
	assert.Equal(t, withoutNominations+1, decisions(), "the nominations demo creates one decision: this year's Văn phòng UBND conferral, not 946")

	b, err := s.Nominations.GetBatch(ctx, &nominationsv1.GetBatchRequest{Name: demo.BacKan2023Batch})
	require.NoError(t, err)
	assert.Equal(t, "units/bac-kan", b.GetProposer())
	assert.Equal(t, "units/bac-kan", b.GetAuthority())
	assert.Equal(t, nominationsv1.BatchState_BATCH_STATE_CLOSED, b.GetState())
	assert.Equal(t, demo.BacKan946Decision, b.GetDecision())
	assert.EqualValues(t, len(reqs), b.GetNominationsCount())

	entries, err := s.Honours.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: demo.BacKan946Decision, PageSize: 1000})
	require.NoError(t, err)
	of946 := map[string]bool{}
	for _, e := range entries.GetEntries() {
		of946[e.GetHonour()] = true
	}
	require.Len(t, of946, len(reqs))
	list := func() *nominationsv1.ListNominationsResponse {
		t.Helper()
		l, err := s.Nominations.ListNominations(ctx, &nominationsv1.ListNominationsRequest{Parent: demo.BacKan2023Batch, PageSize: 1000})
		require.NoError(t, err)
		return l
	}
	first := list()
	require.Len(t, first.GetNominations(), len(reqs))
	honours := map[string]bool{}
	for _, n := range first.GetNominations() {
		assert.Equal(t, nominationsv1.NominationState_NOMINATION_STATE_CONFERRED, n.GetState(), n.GetName())
		assert.True(t, of946[n.GetHonour()], "%s: %q is an honour of 946/QĐ-UBND", n.GetName(), n.GetHonour())
		assert.False(t, honours[n.GetHonour()], "%s: an honour of its own", n.GetName())
		honours[n.GetHonour()] = true
		if n.GetEligibility().GetOutcome() == nominationsv1.Outcome_OUTCOME_FAIL {
			assert.Contains(t, n.GetOverride().GetReason(), "946/QĐ-UBND", n.GetName())
		}
	}
	one, err := s.Nominations.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: demo.BacKan2023Batch + "/nominations/muc-001"})
	require.NoError(t, err)
	h, err := s.Honours.GetHonour(ctx, &honoursv1.GetHonourRequest{Name: one.GetHonour()})
	require.NoError(t, err)
	assert.Equal(t, reqs[0].GetNomination().GetRecipient().GetUnit(), h.GetRecipient().GetUnit(), "the first entry's collective")

	_, err = demo.Load(ctx, clients)
	require.NoError(t, err)
	again, err := s.Nominations.GetBatch(ctx, &nominationsv1.GetBatchRequest{Name: demo.BacKan2023Batch})
	require.NoError(t, err)
	assert.True(t, proto.Equal(b, again), "the batch unchanged")
	assert.True(t, proto.Equal(first, list()), "its nominations unchanged")
	assert.Equal(t, withoutNominations+1, decisions())
}
