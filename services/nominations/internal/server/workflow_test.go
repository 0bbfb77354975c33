package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/grpctest"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// council is ten members, Nguyễn Thị Hoa among them: she is recused from
// the vote on her own nomination, but still counts among all members.
func council(yes, no int32) *nominationsv1.Vote {
	v := &nominationsv1.Vote{Yes: yes, No: no, HeldOn: on(2024, 3, 4)}
	names := []string{"Trịnh Việt Hùng", "Nguyễn Huy Dũng", "Đặng Xuân Trường", "Phạm Hoàng Sơn", "Nguyễn Thanh Bình",
		"Lê Quang Tiến", "Vũ Duy Hưng", "Hoàng Văn Hùng", "Nguyễn Thị Loan"}
	for _, n := range names {
		v.Members = append(v.Members, &nominationsv1.CouncilMember{FullName: n, Present: true})
	}
	v.Members = append(v.Members, &nominationsv1.CouncilMember{FullName: "NGUYỄN THỊ HOA", Unit: proposer, Present: true})
	return v
}

func TestWorkflow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		issueCSTDCS(t, e, 2021)
		issueCSTDCS(t, e, 2023)

		b := createBatch(t, e, "cstd-tinh-2023")
		assert.Equal(t, nominationsv1.BatchState_BATCH_STATE_DRAFT, b.GetState())
		n, err := e.c.CreateNomination(ctx, &nominationsv1.CreateNominationRequest{Parent: b.GetName(), NominationId: "nguyen-thi-hoa",
			Nomination: cstdTinh()})
		require.NoError(t, err)
		assert.Equal(t, "019*******34", n.GetRecipient().GetCitizenId(), "a mutation's response holds the citizen id masked")
		assert.True(t, strings.HasPrefix(n.GetRecipient().GetRecipientKey(), "cid:"), n.GetRecipient().GetRecipientKey())
		got, err := e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: n.GetName()})
		require.NoError(t, err)
		assert.Equal(t, citizenID, got.GetRecipient().GetCitizenId(), "opened from its seal for a PII reader")
		gotBatch, err := e.c.GetBatch(ctx, &nominationsv1.GetBatchRequest{Name: b.GetName()})
		require.NoError(t, err)
		assert.EqualValues(t, 1, gotBatch.GetNominationsCount(), "the cache was invalidated")

		// Submitting evaluates eligibility: CSTD_CS is held for 2021 and
		// 2023 only.
		before := e.honoursCalls.Load()
		submitted, err := e.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: b.GetName(), Etag: gotBatch.GetEtag()})
		require.NoError(t, err)
		assert.Equal(t, before+1, e.honoursCalls.Load())
		assert.Equal(t, nominationsv1.BatchState_BATCH_STATE_SUBMITTED, submitted.GetState())
		n, err = e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: n.GetName()})
		require.NoError(t, err)
		assert.Equal(t, nominationsv1.NominationState_NOMINATION_STATE_SUBMITTED, n.GetState())
		assert.NotNil(t, n.GetDueOn(), "the time limit to appraise runs")
		require.NotNil(t, n.GetEligibility())
		assert.Equal(t, nominationsv1.Outcome_OUTCOME_FAIL, n.GetEligibility().GetOutcome())
		var r3 *nominationsv1.EligibilityLine
		for _, l := range n.GetEligibility().GetLines() {
			if l.GetRule() == "R3" {
				r3 = l
			}
		}
		require.NotNil(t, r3, "%v", n.GetEligibility())
		assert.Equal(t, nominationsv1.Outcome_OUTCOME_FAIL, r3.GetOutcome())
		assert.Contains(t, r3.GetEnglishMessage(), "missing 2022")

		_, err = e.c.PublishNomination(ctx, &nominationsv1.PublishNominationRequest{Name: n.GetName()})
		require.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
		assert.Contains(t, err.Error(), "SUBMITTED", "an illegal transition names the state")

		n, err = e.c.AppraiseNomination(ctx, &nominationsv1.AppraiseNominationRequest{Name: n.GetName(), Etag: n.GetEtag()})
		require.NoError(t, err)
		assert.Equal(t, nominationsv1.NominationState_NOMINATION_STATE_APPRAISED, n.GetState())

		// Eight of ten is below 90% of all members, the recused one
		// included.
		n, err = e.c.RecordVote(ctx, &nominationsv1.RecordVoteRequest{Name: n.GetName(), Vote: council(8, 1)})
		require.NoError(t, err)
		assert.False(t, n.GetVote().GetPassed())
		require.Len(t, n.GetVote().GetRecusals(), 1)
		assert.Equal(t, "NOMINEE", n.GetVote().GetRecusals()[0].GetReason())
		assert.EqualValues(t, 90, n.GetVote().GetThresholdPercent())
		_, err = e.c.PublishNomination(ctx, &nominationsv1.PublishNominationRequest{Name: n.GetName()})
		require.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
		_, err = e.c.RecordVote(ctx, &nominationsv1.RecordVoteRequest{Name: n.GetName(), Vote: council(9, 1)})
		assert.Equal(t, []string{"vote.yes"}, grpctest.Violations(t, err), "the recused member's ballot is not counted")
		n, err = e.c.RecordVote(ctx, &nominationsv1.RecordVoteRequest{Name: n.GetName(), Vote: council(9, 0)})
		require.NoError(t, err)
		assert.True(t, n.GetVote().GetPassed())

		n, err = e.c.PublishNomination(ctx, &nominationsv1.PublishNominationRequest{Name: n.GetName()})
		require.NoError(t, err)
		assert.Equal(t, nominationsv1.NominationState_NOMINATION_STATE_PUBLISHED, n.GetState())
		e.clock.Set(at(2024, time.March, 5))
		_, err = e.c.ApproveNomination(ctx, &nominationsv1.ApproveNominationRequest{Name: n.GetName()})
		require.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
		assert.Contains(t, err.Error(), "R3_")
		n, err = e.c.ApproveNomination(ctx, &nominationsv1.ApproveNominationRequest{Name: n.GetName(),
			OverrideReason: "Năm 2022 được công nhận theo Quyết định bổ sung của Sở"})
		require.NoError(t, err)
		assert.Equal(t, nominationsv1.NominationState_NOMINATION_STATE_APPROVED, n.GetState())
		assert.Equal(t, "Năm 2022 được công nhận theo Quyết định bổ sung của Sở", n.GetOverride().GetReason())
		assert.Equal(t, "system", n.GetOverride().GetActor())

		_, err = e.c.AppraiseNomination(ctx, &nominationsv1.AppraiseNominationRequest{Name: n.GetName()})
		require.Equal(t, codes.FailedPrecondition, status.Code(err))
		assert.Contains(t, err.Error(), "APPROVED")
		_, err = e.c.WithdrawNomination(ctx, &nominationsv1.WithdrawNominationRequest{Name: n.GetName(), Reason: "Rút hồ sơ"})
		require.Equal(t, codes.FailedPrecondition, status.Code(err))
		assert.Contains(t, err.Error(), "APPROVED")

		// The same recipient, award and year again: ALREADY_EXISTS naming
		// the first.
		other := createBatch(t, e, "bo-sung-2023")
		_, err = e.c.CreateNomination(ctx, &nominationsv1.CreateNominationRequest{Parent: other.GetName(), Nomination: cstdTinh()})
		require.Equal(t, codes.AlreadyExists, status.Code(err), "%v", err)
		assert.Contains(t, err.Error(), n.GetName())

		// Lists across batches, by recipient key, and the audit log.
		l, err := e.c.ListNominations(ctx, &nominationsv1.ListNominationsRequest{Parent: "batches/-",
			RecipientKey: n.GetRecipient().GetRecipientKey()})
		require.NoError(t, err)
		require.Len(t, l.GetNominations(), 1)
		assert.Equal(t, citizenID, l.GetNominations()[0].GetRecipient().GetCitizenId())
		bl, err := e.c.ListBatches(ctx, &nominationsv1.ListBatchesRequest{Proposer: proposer})
		require.NoError(t, err)
		assert.EqualValues(t, 2, bl.GetTotalSize())
		audit, err := e.c.ListAuditEntries(ctx, &typev1.ListAuditEntriesRequest{})
		require.NoError(t, err)
		assert.NotEmpty(t, audit.GetAuditEntries())
	})
}
