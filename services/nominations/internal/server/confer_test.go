package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/grpctest"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// approvedBatch creates batch id of two schools' nominations for the
// provincial Bằng khen of 2023 and takes them to APPROVED: submit,
// appraise, a council's vote, publication, approval the next day.
func approvedBatch(t *testing.T, e *env, id string, schools ...string) *nominationsv1.Batch {
	t.Helper()
	ctx := t.Context()
	b := createBatch(t, e, id)
	var reqs []*nominationsv1.CreateNominationRequest
	for _, s := range schools {
		reqs = append(reqs, &nominationsv1.CreateNominationRequest{NominationId: s, Nomination: &nominationsv1.Nomination{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + s},
			AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2023, EndYear: 2023},
			Achievements: "Hoàn thành xuất sắc nhiệm vụ năm học 2022–2023",
		}})
	}
	_, err := e.c.BatchCreateNominations(ctx, &nominationsv1.BatchCreateNominationsRequest{Parent: b.GetName(), Requests: reqs})
	require.NoError(t, err)
	_, err = e.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: b.GetName()})
	require.NoError(t, err)
	for _, s := range schools {
		name := b.GetName() + "/nominations/" + s
		_, err := e.c.AppraiseNomination(ctx, &nominationsv1.AppraiseNominationRequest{Name: name})
		require.NoError(t, err)
		_, err = e.c.RecordVote(ctx, &nominationsv1.RecordVoteRequest{Name: name, Vote: council(10, 0)})
		require.NoError(t, err)
		_, err = e.c.PublishNomination(ctx, &nominationsv1.PublishNominationRequest{Name: name})
		require.NoError(t, err)
	}
	e.clock.Set(e.clock.Now().Add(24 * time.Hour))
	for _, s := range schools {
		_, err := e.c.ApproveNomination(ctx, &nominationsv1.ApproveNominationRequest{Name: b.GetName() + "/nominations/" + s})
		require.NoError(t, err)
	}
	return b
}

// schools creates schools of Thái Nguyên in blocs.
func schools(e *env, ids ...string) []string {
	for _, id := range ids {
		e.blocs.Unit(id, "Trường Trung học phổ thông "+id, "", blocsv1.UnitKind_UNIT_KIND_AGENCY, blocsv1.UnitLevel_UNIT_LEVEL_GRASSROOTS, "thai-nguyen")
	}
	return ids
}

func conferReq(batch, requestID string) *nominationsv1.ConferBatchRequest {
	return &nominationsv1.ConferBatchRequest{Name: batch, RequestId: requestID,
		Title: "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho các tập thể có thành tích xuất sắc",
		Document: &typev1.DocumentRef{Number: "512/QĐ-UBND", SignedOn: on(2024, 3, 6), SignerName: "Trịnh Việt Hùng",
			SignerTitle: "Chủ tịch", Issuer: authority}}
}

// TestConferBatch confers a batch's approved nominations: one issued
// decision in honours, whose honours have the legal money and point back
// at their nominations, which are CONFERRED with them; the batch is
// CLOSED. The same call again changes nothing; another is refused.
func TestConferBatch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		b := approvedBatch(t, e, "thpt-2023", schools(e, "thpt-chu-van-an", "thpt-luong-ngoc-quyen")...)
		req := conferReq(b.GetName(), "3c1f9a2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b")

		got, err := e.c.ConferBatch(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, nominationsv1.BatchState_BATCH_STATE_CLOSED, got.GetState())
		assert.Equal(t, "decisions/tt-thpt-2023", got.GetDecision())
		dec, err := e.honours.Client.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: got.GetDecision(),
			View: honoursv1.DecisionView_DECISION_VIEW_FULL})
		require.NoError(t, err)
		assert.Equal(t, honoursv1.DecisionState_DECISION_STATE_ISSUED, dec.GetState())
		assert.Equal(t, "512/QĐ-UBND", dec.GetDocument().GetNumber())
		require.Len(t, dec.GetEntries(), 2)
		for _, entry := range dec.GetEntries() {
			n, err := e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: entry.GetNomination()})
			require.NoError(t, err)
			assert.Equal(t, nominationsv1.NominationState_NOMINATION_STATE_CONFERRED, n.GetState())
			assert.Equal(t, entry.GetHonour(), n.GetHonour())
			assert.NotNil(t, n.GetDueOn(), "forward within 10 working days of the decision")
			h, err := e.honours.Client.GetHonour(ctx, &honoursv1.GetHonourRequest{Name: n.GetHonour()})
			require.NoError(t, err)
			assert.EqualValues(t, 2*1_800_000, h.GetRewardVnd(), "a collective's Bằng khen: 2.0 × the base salary of March 2024")
			assert.Equal(t, n.GetName(), h.GetNomination())
		}

		again, err := e.c.ConferBatch(ctx, req)
		require.NoError(t, err, "the same call again")
		assert.Equal(t, got.GetDecision(), again.GetDecision())
		list, err := e.honours.Client.ListHonours(ctx, &honoursv1.ListHonoursRequest{PageSize: 100})
		require.NoError(t, err)
		assert.EqualValues(t, 2, list.GetTotalSize(), "no second honour")

		_, err = e.c.ConferBatch(ctx, conferReq(b.GetName(), "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"))
		assert.Equal(t, codes.FailedPrecondition, status.Code(err), "a closed batch: %v", err)

		// Nothing approved: refused, and nothing asked of honours.
		empty := createBatch(t, e, "chua-duyet")
		_, err = e.c.CreateNomination(ctx, &nominationsv1.CreateNominationRequest{Parent: empty.GetName(), Nomination: &nominationsv1.Nomination{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + schools(e, "thpt-ngo-quyen")[0]},
			AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2023, EndYear: 2023}}})
		require.NoError(t, err)
		_, err = e.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: empty.GetName()})
		require.NoError(t, err)
		before := e.honoursCalls.Load()
		_, err = e.c.ConferBatch(ctx, conferReq(empty.GetName(), "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"))
		assert.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
		assert.Equal(t, before, e.honoursCalls.Load())
		_, err = e.c.ConferBatch(ctx, &nominationsv1.ConferBatchRequest{Name: b.GetName(), RequestId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4e",
			Title: "Quyết định", Document: &typev1.DocumentRef{Number: "1/QĐ-UBND", Issuer: authority}})
		assert.Contains(t, grpctest.Violations(t, err), "document.signedOn")
	})
}

// TestConferralResumed confers while honours is down: UNAVAILABLE, the
// nominations stay APPROVED and the conferral PENDING. Once honours is
// back, the service finishes it by itself (ResumeConferrals, as it does
// when it starts): one decision, every nomination CONFERRED.
func TestConferralResumed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		b := approvedBatch(t, e, "thpt-2023", schools(e, "thpt-chu-van-an", "thpt-luong-ngoc-quyen")...)
		e.honours.Stop()
		_, err := e.c.ConferBatch(ctx, conferReq(b.GetName(), "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b"))
		require.Equal(t, codes.Unavailable, status.Code(err), "%v", err)
		n, err := e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: b.GetName() + "/nominations/thpt-chu-van-an"})
		require.NoError(t, err)
		assert.Equal(t, nominationsv1.NominationState_NOMINATION_STATE_APPROVED, n.GetState())

		e.honours.Restart()
		resume, stop := context.WithTimeout(ctx, 20*time.Second)
		defer stop()
		e.server.ResumeConferrals(resume, 50*time.Millisecond)
		require.NoError(t, resume.Err(), "finished before the timeout")
		got, err := e.c.GetBatch(ctx, &nominationsv1.GetBatchRequest{Name: b.GetName()})
		require.NoError(t, err)
		assert.Equal(t, nominationsv1.BatchState_BATCH_STATE_CLOSED, got.GetState())
		for _, s := range []string{"thpt-chu-van-an", "thpt-luong-ngoc-quyen"} {
			n, err := e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: b.GetName() + "/nominations/" + s})
			require.NoError(t, err)
			assert.Equal(t, nominationsv1.NominationState_NOMINATION_STATE_CONFERRED, n.GetState())
		}
		decisions, err := e.honours.Client.ListDecisions(ctx, &honoursv1.ListDecisionsRequest{PageSize: 100})
		require.NoError(t, err)
		assert.EqualValues(t, 1, decisions.GetTotalSize(), "one decision")
	})
}

// TestApproveBeforeTheWindowEnds publishes an order (Huân chương Lao động
// hạng Ba) for its public comment window of 10 working days: approving it
// on the last day is FAILED_PRECONDITION naming the day the window ends;
// the day after, approval goes on to its other conditions.
func TestApproveBeforeTheWindowEnds(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		b := createBatch(t, e, "huan-chuong")
		n, err := e.c.CreateNomination(ctx, &nominationsv1.CreateNominationRequest{Parent: b.GetName(), Nomination: &nominationsv1.Nomination{
			Recipient: teacher(), AwardType: "awardTypes/HCLD_3", Period: &typev1.Period{StartYear: 2019, EndYear: 2023},
			Achievements: "Có quá trình cống hiến lâu dài trong ngành giáo dục"}})
		require.NoError(t, err)
		_, err = e.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: b.GetName()})
		require.NoError(t, err)
		_, err = e.c.AppraiseNomination(ctx, &nominationsv1.AppraiseNominationRequest{Name: n.GetName()})
		require.NoError(t, err)
		_, err = e.c.RecordVote(ctx, &nominationsv1.RecordVoteRequest{Name: n.GetName(), Vote: council(9, 0)})
		require.NoError(t, err)
		n, err = e.c.PublishNomination(ctx, &nominationsv1.PublishNominationRequest{Name: n.GetName()})
		require.NoError(t, err)
		assert.Equal(t, on(2024, 3, 18), n.GetCommentWindowEndsOn(), "10 working days after Monday 4 March 2024")

		e.clock.Set(at(2024, time.March, 18))
		_, err = e.c.ApproveNomination(ctx, &nominationsv1.ApproveNominationRequest{Name: n.GetName()})
		require.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
		assert.Contains(t, err.Error(), "ends on 2024-03-18")
		e.clock.Set(at(2024, time.March, 19))
		_, err = e.c.ApproveNomination(ctx, &nominationsv1.ApproveNominationRequest{Name: n.GetName()})
		require.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
		assert.NotContains(t, err.Error(), "ends on", "the window has ended: the eligibility report's FAIL is what stops it now")
	})
}

// TestSubmitReceivedEarlier submits a dossier the authority received on
// paper on 15 January 2024, before it was entered on 4 March: its
// appraisal was due 20 working days after, on 19 February (Tết 8–14
// February off), so the overdue list shows it. A day after today is
// refused.
func TestSubmitReceivedEarlier(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		b := createBatch(t, e, "giay")
		_, err := e.c.CreateNomination(ctx, &nominationsv1.CreateNominationRequest{Parent: b.GetName(), NominationId: "truong",
			Nomination: &nominationsv1.Nomination{
				Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + schools(e, "thpt-ngo-quyen")[0]},
				AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2023, EndYear: 2023}}})
		require.NoError(t, err)
		_, err = e.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: b.GetName(), ReceivedOn: on(2024, 3, 5)})
		assert.Contains(t, grpctest.Violations(t, err), "receivedOn", "after today")
		_, err = e.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: b.GetName(), ReceivedOn: on(2024, 1, 15)})
		require.NoError(t, err)
		n, err := e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: b.GetName() + "/nominations/truong"})
		require.NoError(t, err)
		assert.Equal(t, on(2024, 2, 19), n.GetDueOn())
		late, err := e.c.ListNominations(ctx, &nominationsv1.ListNominationsRequest{Parent: "batches/-", Overdue: true})
		require.NoError(t, err)
		require.Len(t, late.GetNominations(), 1)
		assert.Equal(t, n.GetName(), late.GetNominations()[0].GetName())
	})
}
