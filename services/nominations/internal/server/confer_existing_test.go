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
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// issuedDecision creates in honours a decision of by, signed on signed,
// conferring the provincial Bằng khen of period on each unit, and issues it
// unless draft.
func issuedDecision(t *testing.T, e *env, id, by string, signed *typev1.DocumentRef, period int32, draft bool, units ...string) *honoursv1.Decision {
	t.Helper()
	ctx := t.Context()
	c := e.honours.Client
	d, err := c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: id, Decision: &honoursv1.Decision{
		Document: signed, Authority: by,
		Title: "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho các tập thể có thành tích xuất sắc",
	}})
	require.NoError(t, err)
	var entries []*honoursv1.DecisionEntry
	for _, u := range units {
		entries = append(entries, &honoursv1.DecisionEntry{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + u},
			AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: period, EndYear: period},
			Achievements: "Hoàn thành xuất sắc nhiệm vụ năm học",
		})
	}
	_, err = c.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: d.GetName(), Entries: entries})
	require.NoError(t, err)
	if draft {
		return d
	}
	d, err = c.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: d.GetName()})
	require.NoError(t, err)
	return d
}

func provinceDocument(number string, y, m, d int32) *typev1.DocumentRef {
	return &typev1.DocumentRef{Number: number, SignedOn: on(y, m, d), SignerName: "Trịnh Việt Hùng", SignerTitle: "Chủ tịch", Issuer: authority}
}

func totals(t *testing.T, e *env) (decisions, honours int32) {
	t.Helper()
	d, err := e.honours.Client.ListDecisions(t.Context(), &honoursv1.ListDecisionsRequest{PageSize: 100})
	require.NoError(t, err)
	h, err := e.honours.Client.ListHonours(t.Context(), &honoursv1.ListHonoursRequest{PageSize: 100})
	require.NoError(t, err)
	return d.GetTotalSize(), h.GetTotalSize()
}

// TestConferBatchByIssuedDecision confers a batch by a decision honours
// had issued already (it holds one more school than the batch): each
// nomination is CONFERRED with the honour of its own entry, the batch is
// CLOSED citing the decision, and honours holds no new decision or
// honour. The same call again answers the same; another is refused.
func TestConferBatchByIssuedDecision(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		ids := schools(e, "thpt-chu-van-an", "thpt-luong-ngoc-quyen", "thpt-ngo-quyen")
		b := approvedBatch(t, e, "thpt-2023", ids[:2]...)
		dec := issuedDecision(t, e, "qd-512-2024", authority, provinceDocument("512/QĐ-UBND", 2024, 3, 6), 2023, false, ids...)
		decisions, honours := totals(t, e)
		req := &nominationsv1.ConferBatchRequest{Name: b.GetName(), Decision: dec.GetName(), RequestId: "6b1e2d3c-4a5f-4b6c-8d7e-9f0a1b2c3d4e"}

		_, err := e.c.ConferBatch(ctx, &nominationsv1.ConferBatchRequest{Name: b.GetName(), Decision: dec.GetName(),
			RequestId: "6b1e2d3c-4a5f-4b6c-8d7e-9f0a1b2c3d4f", Title: "Quyết định", Document: provinceDocument("1/QĐ-UBND", 2024, 3, 6)})
		v := grpctest.Violations(t, err)
		assert.Contains(t, v, "document", "a decision and a document to create: %v", err)
		assert.Contains(t, v, "title")

		got, err := e.c.ConferBatch(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, nominationsv1.BatchState_BATCH_STATE_CLOSED, got.GetState())
		assert.Equal(t, dec.GetName(), got.GetDecision())
		entries, err := e.honours.Client.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: dec.GetName(), PageSize: 100})
		require.NoError(t, err)
		byUnit := map[string]string{}
		for _, en := range entries.GetEntries() {
			byUnit[en.GetRecipient().GetUnit()] = en.GetHonour()
		}
		for _, s := range ids[:2] {
			n, err := e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: b.GetName() + "/nominations/" + s})
			require.NoError(t, err)
			assert.Equal(t, nominationsv1.NominationState_NOMINATION_STATE_CONFERRED, n.GetState())
			require.NotEmpty(t, byUnit["units/"+s])
			assert.Equal(t, byUnit["units/"+s], n.GetHonour(), "the honour of its own entry")
			assert.Equal(t, on(2024, 3, 20), n.GetDueOn(), "forward within 10 working days of 6 March 2024")
		}
		d2, h2 := totals(t, e)
		assert.Equal(t, decisions, d2, "no decision created")
		assert.Equal(t, honours, h2, "no honour created")

		calls := e.honoursCalls.Load()
		again, err := e.c.ConferBatch(ctx, req)
		require.NoError(t, err, "the same call again")
		assert.Equal(t, got.GetDecision(), again.GetDecision())
		assert.Equal(t, nominationsv1.BatchState_BATCH_STATE_CLOSED, again.GetState())
		assert.Equal(t, calls, e.honoursCalls.Load(), "a retry is answered from the recorded conferral")

		req.RequestId = "7c2f3e4d-5b6a-4c7d-8e9f-0a1b2c3d4e5f"
		_, err = e.c.ConferBatch(ctx, req)
		assert.Equal(t, codes.FailedPrecondition, status.Code(err), "a closed batch: %v", err)
	})
}

// TestConferBatchByIssuedDecisionRefused: a decision honours does not
// hold is an invalid field; a draft one is FAILED_PRECONDITION naming its
// state; one without an entry for an approved nomination is
// FAILED_PRECONDITION naming that nomination. Each time nothing changes.
func TestConferBatchByIssuedDecisionRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		ids := schools(e, "thpt-chu-van-an", "thpt-luong-ngoc-quyen")
		b := approvedBatch(t, e, "thpt-2023", ids...)
		draft := issuedDecision(t, e, "qd-nhap", authority, provinceDocument("600/QĐ-UBND", 2024, 3, 6), 2023, true, ids...)
		short := issuedDecision(t, e, "qd-thieu", authority, provinceDocument("601/QĐ-UBND", 2024, 3, 6), 2023, false, ids[0])
		other := issuedDecision(t, e, "qd-nam-khac", authority, provinceDocument("602/QĐ-UBND", 2024, 3, 6), 2022, false, ids...)
		confer := func(decision, requestID string) error {
			_, err := e.c.ConferBatch(ctx, &nominationsv1.ConferBatchRequest{Name: b.GetName(), Decision: decision, RequestId: requestID})
			return err
		}

		err := confer("decisions/khong-co", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")
		assert.Contains(t, grpctest.Violations(t, err), "decision", "%v", err)

		err = confer(draft.GetName(), "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e")
		require.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
		assert.Contains(t, err.Error(), "DRAFT")

		err = confer(short.GetName(), "3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f")
		require.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
		assert.Contains(t, err.Error(), b.GetName()+"/nominations/"+ids[1])
		assert.False(t, strings.Contains(err.Error(), b.GetName()+"/nominations/"+ids[0]), "the matched one is not named: %v", err)

		err = confer(other.GetName(), "4d5e6f7a-8b9c-4d0e-9f1a-3b4c5d6e7f8a")
		require.Equal(t, codes.FailedPrecondition, status.Code(err), "another period: %v", err)

		got, err := e.c.GetBatch(ctx, &nominationsv1.GetBatchRequest{Name: b.GetName()})
		require.NoError(t, err)
		assert.Equal(t, nominationsv1.BatchState_BATCH_STATE_SUBMITTED, got.GetState())
		for _, s := range ids {
			n, err := e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: b.GetName() + "/nominations/" + s})
			require.NoError(t, err)
			assert.Equal(t, nominationsv1.NominationState_NOMINATION_STATE_APPROVED, n.GetState())
		}
	})
}

// TestHistoricalBatch records a batch of Bắc Kạn, dissolved into Thái
// Nguyên on 1 July 2025, by its submission letter of 15 May 2023: its
// units were active that day. Without the letter's date, or with a date
// after the dissolution, Bắc Kạn is refused naming its successor. The
// dossier received on 16 May 2023 (more than a year ago, not before the
// letter) goes through the workflow and is conferred by Bắc Kạn's
// decision of 31 May 2023 in honours, due for forwarding by 14 June 2023
// (the 2023 calendar).
func TestHistoricalBatch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		e.clock.Set(at(2025, time.September, 8))
		const bacKan = "units/bac-kan"
		letter := func(y, m, d int32) *nominationsv1.Batch {
			return &nominationsv1.Batch{Proposer: bacKan, Authority: bacKan, Title: "Tờ trình đề nghị tặng Bằng khen năm 2023",
				Document: &typev1.DocumentRef{Number: "85/TTr-SNV", SignedOn: on(y, m, d), SignerName: "Hoàng Văn Đức", Issuer: bacKan}}
		}
		_, err := e.c.CreateBatch(ctx, &nominationsv1.CreateBatchRequest{BatchId: "khong-ngay", Batch: &nominationsv1.Batch{
			Proposer: bacKan, Authority: bacKan, Title: "Tờ trình"}})
		assert.Contains(t, grpctest.Violations(t, err), "batch.proposer", "%v", err)
		assert.Contains(t, err.Error(), "its successor is units/thai-nguyen")
		_, err = e.c.CreateBatch(ctx, &nominationsv1.CreateBatchRequest{BatchId: "sau-sap-nhap", Batch: letter(2025, 7, 1)})
		assert.Contains(t, grpctest.Violations(t, err), "batch.authority", "%v", err)
		assert.Contains(t, err.Error(), "its successor is units/thai-nguyen")

		b, err := e.c.CreateBatch(ctx, &nominationsv1.CreateBatchRequest{BatchId: "bac-kan-2023", Batch: letter(2023, 5, 15)})
		require.NoError(t, err)
		school := schools(e, "thcs-thuong-quan")[0]
		_, err = e.c.CreateNomination(ctx, &nominationsv1.CreateNominationRequest{Parent: b.GetName(), NominationId: school,
			Nomination: &nominationsv1.Nomination{
				Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + school},
				AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2022, EndYear: 2022},
				Achievements: "Hoàn thành xuất sắc nhiệm vụ năm học 2021–2022"}})
		require.NoError(t, err)
		_, err = e.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: b.GetName(), ReceivedOn: on(2023, 5, 14)})
		assert.Contains(t, grpctest.Violations(t, err), "receivedOn", "before the letter")
		_, err = e.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: b.GetName(), ReceivedOn: on(2023, 5, 16)})
		require.NoError(t, err)
		name := b.GetName() + "/nominations/" + school
		n, err := e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: name})
		require.NoError(t, err)
		assert.Equal(t, on(2023, 6, 13), n.GetDueOn(), "20 working days from 16 May 2023")
		_, err = e.c.AppraiseNomination(ctx, &nominationsv1.AppraiseNominationRequest{Name: name})
		require.NoError(t, err)
		vote := council(10, 0)
		vote.HeldOn = on(2023, 5, 25)
		_, err = e.c.RecordVote(ctx, &nominationsv1.RecordVoteRequest{Name: name, Vote: vote})
		require.NoError(t, err)
		_, err = e.c.PublishNomination(ctx, &nominationsv1.PublishNominationRequest{Name: name})
		require.NoError(t, err)
		n, err = e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: name})
		require.NoError(t, err)
		approve := &nominationsv1.ApproveNominationRequest{Name: name}
		if n.GetEligibility().GetOutcome() == nominationsv1.Outcome_OUTCOME_FAIL {
			approve.OverrideReason = "Hồ sơ lịch sử đã được Chủ tịch UBND tỉnh quyết định khen thưởng năm 2023"
		}
		_, err = e.c.ApproveNomination(ctx, approve)
		require.NoError(t, err)

		dec := issuedDecision(t, e, "bac-kan-946-2023", bacKan, &typev1.DocumentRef{Number: "946/QĐ-UBND", SignedOn: on(2023, 5, 31),
			SignerName: "Nguyễn Đăng Bình", SignerTitle: "Chủ tịch", Issuer: bacKan}, 2022, false, school)
		got, err := e.c.ConferBatch(ctx, &nominationsv1.ConferBatchRequest{Name: b.GetName(), Decision: dec.GetName(),
			RequestId: "5e6f7a8b-9c0d-4e1f-8a2b-4c5d6e7f8a9b"})
		require.NoError(t, err)
		assert.Equal(t, dec.GetName(), got.GetDecision())
		n, err = e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: name})
		require.NoError(t, err)
		assert.Equal(t, nominationsv1.NominationState_NOMINATION_STATE_CONFERRED, n.GetState())
		assert.NotEmpty(t, n.GetHonour())
		assert.Equal(t, on(2023, 6, 14), n.GetDueOn(), "10 working days from 31 May 2023")
	})
}
