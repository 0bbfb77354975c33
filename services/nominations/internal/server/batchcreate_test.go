package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tdkt-vn/tdkt/platform/grpctest"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// laborers are n nominations for Lao động tiên tiến 2023, each of another
// employee of the department (no citizen id: a weak key of name, birth
// year and unit).
func laborers(parent string, n int) []*nominationsv1.CreateNominationRequest {
	reqs := make([]*nominationsv1.CreateNominationRequest, n)
	for i := range reqs {
		reqs[i] = &nominationsv1.CreateNominationRequest{Parent: parent, NominationId: fmt.Sprintf("ldtt-%04d", i), Nomination: &nominationsv1.Nomination{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, FullName: fmt.Sprintf("Trần Văn Bình %d", i),
				BirthYear: 1980 + int32(i%20), Unit: proposer},
			AwardType: "awardTypes/LDTT", Period: &typev1.Period{StartYear: 2023, EndYear: 2023},
			Ratings: []*nominationsv1.YearRating{{Year: 2023, Rating: nominationsv1.Rating_RATING_GOOD}},
		}}
	}
	return reqs
}

func TestBatchCreateNominations(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		b := createBatch(t, e, "ldtt-2023")

		_, err := e.c.BatchCreateNominations(ctx, &nominationsv1.BatchCreateNominationsRequest{Parent: b.GetName(), Requests: laborers(b.GetName(), 1001)})
		assert.Equal(t, codes.InvalidArgument, status.Code(err), "1001 nominations: %v", err)

		// One bad item refuses all, naming it.
		reqs := laborers(b.GetName(), 5)
		reqs[3].Nomination.Ratings[0].Year = 2024
		reqs[4].Nomination.Recipient.Unit = "units/khong-co"
		_, err = e.c.BatchCreateNominations(ctx, &nominationsv1.BatchCreateNominationsRequest{Parent: b.GetName(), Requests: reqs})
		assert.Equal(t, []string{"requests[3].nomination.ratings[0].year"}, grpctest.Violations(t, err))
		reqs[3].Nomination.Ratings[0].Year = 2023
		_, err = e.c.BatchCreateNominations(ctx, &nominationsv1.BatchCreateNominationsRequest{Parent: b.GetName(), Requests: reqs})
		assert.Equal(t, []string{"requests[4].nomination.recipient.unit"}, grpctest.Violations(t, err))
		reqs = laborers(b.GetName(), 3)
		reqs[2].Nomination = reqs[0].Nomination
		_, err = e.c.BatchCreateNominations(ctx, &nominationsv1.BatchCreateNominationsRequest{Parent: b.GetName(), Requests: reqs})
		require.Equal(t, codes.AlreadyExists, status.Code(err), "a request repeating one of its own: %v", err)
		assert.Contains(t, err.Error(), b.GetName()+"/nominations/ldtt-0000")
		got, err := e.c.GetBatch(ctx, &nominationsv1.GetBatchRequest{Name: b.GetName()})
		require.NoError(t, err)
		assert.Zero(t, got.GetNominationsCount(), "all or none")

		resp, err := e.c.BatchCreateNominations(ctx, &nominationsv1.BatchCreateNominationsRequest{Parent: b.GetName(), Requests: laborers(b.GetName(), 1000),
			RequestId: "5f1c7f0e-8a55-4a37-9d1e-3f7c2b8a9e01"})
		require.NoError(t, err)
		require.Len(t, resp.GetNominations(), 1000)
		assert.True(t, strings.HasPrefix(resp.GetNominations()[0].GetRecipient().GetRecipientKey(), "ind:"))
		again, err := e.c.BatchCreateNominations(ctx, &nominationsv1.BatchCreateNominationsRequest{Parent: b.GetName(), Requests: laborers(b.GetName(), 1000),
			RequestId: "5f1c7f0e-8a55-4a37-9d1e-3f7c2b8a9e01"})
		require.NoError(t, err, "a retry gets the first answer")
		assert.Len(t, again.GetNominations(), 1000)

		// Submitting a thousand nominations reads their histories in one
		// call.
		before := e.honoursCalls.Load()
		submitted, err := e.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: b.GetName()})
		require.NoError(t, err)
		assert.Equal(t, before+1, e.honoursCalls.Load())
		assert.EqualValues(t, 1000, submitted.GetNominationsCount())
		l, err := e.c.ListNominations(ctx, &nominationsv1.ListNominationsRequest{Parent: b.GetName(), PageSize: 10,
			State: nominationsv1.NominationState_NOMINATION_STATE_SUBMITTED})
		require.NoError(t, err)
		assert.EqualValues(t, 1000, l.GetTotalSize())
		assert.NotEmpty(t, l.GetNextPageToken())
		for _, n := range l.GetNominations() {
			assert.NotNil(t, n.GetEligibility(), n.GetName())
		}
		_, err = e.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: b.GetName()})
		require.Equal(t, codes.FailedPrecondition, status.Code(err))
		_, err = e.c.CreateNomination(ctx, &nominationsv1.CreateNominationRequest{Parent: b.GetName(), Nomination: cstdTinh()})
		require.Equal(t, codes.FailedPrecondition, status.Code(err), "a submitted batch takes no nomination")
		assert.Contains(t, err.Error(), "SUBMITTED")
	})
}

func TestHostileInput(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		create := func(change func(b *nominationsv1.Batch)) error {
			b := batch()
			change(b)
			_, err := e.c.CreateBatch(ctx, &nominationsv1.CreateBatchRequest{Batch: b})
			return err
		}
		assert.Contains(t, grpctest.Violations(t, create(func(b *nominationsv1.Batch) { b.Proposer = "units/khong-co" })), "batch.proposer")
		err := create(func(b *nominationsv1.Batch) { b.Authority = "units/bac-kan" })
		assert.Contains(t, grpctest.Violations(t, err), "batch.authority")
		assert.Contains(t, err.Error(), "units/thai-nguyen", "names the successor")
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(b *nominationsv1.Batch) { b.Title = strings.Repeat("á", 501) })))
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(b *nominationsv1.Batch) { b.Title = "Tờ\ttrình" })))
		inner := protowire.AppendString(protowire.AppendTag(nil, 4, protowire.BytesType), "T\xe1 tr\xecnh")
		raw := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), inner)
		assert.Equal(t, codes.InvalidArgument, status.Code(grpctest.InvokeRaw(ctx, e.conn, nominationsv1.NominationsService_CreateBatch_FullMethodName, raw)), "invalid UTF-8")

		b := createBatch(t, e, "hostile")
		add := func(change func(n *nominationsv1.Nomination)) error {
			n := cstdTinh()
			change(n)
			_, err := e.c.CreateNomination(ctx, &nominationsv1.CreateNominationRequest{Parent: b.GetName(), Nomination: n})
			return err
		}
		assert.Equal(t, []string{"nomination.recipient.unit"}, grpctest.Violations(t, add(func(n *nominationsv1.Nomination) { n.Recipient.Unit = "units/khong-co" })))
		assert.Equal(t, codes.InvalidArgument, status.Code(add(func(n *nominationsv1.Nomination) { n.Achievements = strings.Repeat("x", 8001) })))
		assert.Equal(t, codes.InvalidArgument, status.Code(add(func(n *nominationsv1.Nomination) { n.Recipient.FullName = "a\x00b" })))
		assert.Equal(t, codes.InvalidArgument, status.Code(add(func(n *nominationsv1.Nomination) { n.Recipient.CitizenId = "12345" })))
		assert.Contains(t, grpctest.Violations(t, add(func(n *nominationsv1.Nomination) { n.Recipient.FullName = "" })), "nomination.recipient.fullName")
		assert.Contains(t, grpctest.Violations(t, add(func(n *nominationsv1.Nomination) {
			n.Recipient.Kind = typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD
		})), "nomination.recipient.headName")
		_, err = e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: b.GetName() + "/nominations/khong-co"})
		assert.Equal(t, codes.NotFound, status.Code(err))
		_, err = e.c.ListNominations(ctx, &nominationsv1.ListNominationsRequest{Parent: "batches/-", PageToken: "rác"})
		assert.Equal(t, codes.InvalidArgument, status.Code(err))
		declared := cstdTinh()
		declared.Ratings[0].Year = 2024
		_, err = e.c.CheckEligibility(ctx, &nominationsv1.CheckEligibilityRequest{Recipient: teacher(), AwardType: "awardTypes/CSTD_TINH",
			Period: &typev1.Period{StartYear: 2023, EndYear: 2023}, Declared: declared})
		assert.Equal(t, []string{"declared.ratings[0].year"}, grpctest.Violations(t, err))
	})
}

func TestCheckEligibility(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		issueCSTDCS(t, e, 2021)
		issueCSTDCS(t, e, 2022)
		issueCSTDCS(t, e, 2023)
		n := cstdTinh()
		before := e.honoursCalls.Load()
		r, err := e.c.CheckEligibility(t.Context(), &nominationsv1.CheckEligibilityRequest{Recipient: n.GetRecipient(), AwardType: n.GetAwardType(),
			Period: n.GetPeriod(), Declared: n})
		require.NoError(t, err)
		assert.Equal(t, before+1, e.honoursCalls.Load())
		for _, l := range r.GetLines() {
			if l.GetRule() == "R3" {
				assert.Equal(t, nominationsv1.Outcome_OUTCOME_PASS, l.GetOutcome(), l.GetEnglishMessage())
			}
		}
		assert.NotEqual(t, nominationsv1.Outcome_OUTCOME_FAIL, r.GetOutcome())
	})
}
