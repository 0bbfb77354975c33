package server_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
)

// importRows streams rows to ImportNominations and returns its answer.
func importRows(t *testing.T, e *env, rows []*nominationsv1.CreateNominationRequest) *nominationsv1.ImportNominationsResponse {
	t.Helper()
	stream, err := e.c.ImportNominations(t.Context())
	require.NoError(t, err)
	for _, r := range rows {
		require.NoError(t, stream.Send(&nominationsv1.ImportNominationsRequest{Row: r}))
	}
	resp, err := stream.CloseAndRecv()
	require.NoError(t, err)
	require.Len(t, resp.GetRows(), len(rows))
	for i, r := range resp.GetRows() {
		require.EqualValues(t, i+1, r.GetRow())
		require.Equal(t, rows[i].GetRequestId(), r.GetRequestId())
	}
	return resp
}

// requestID is the request id of row i of an import numbered n.
func requestID(n, i int) string { return fmt.Sprintf("00000000-0000-4000-8%03d-%012d", n, i) }

// TestImportNominations streams more rows than one transaction takes, to
// two batches, with bad rows among them: each bad row is refused with its
// code and fields and the others are written; sent again, the import
// answers the same and writes nothing; a request id sent with another row
// is refused for that row.
func TestImportNominations(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		a, b := createBatch(t, e, "nhap-a"), createBatch(t, e, "nhap-b")
		rows := laborers(a.GetName(), 600)
		for i, r := range rows {
			r.RequestId = requestID(1, i)
			if i%3 == 0 {
				r.Parent = b.GetName()
			}
		}
		rows[10].Nomination.Recipient.Unit = "units/khong-co"
		rows[20].RequestId = ""
		rows[30].Nomination.Ratings[0].Year = 2024
		rows[40].Parent = "batches/khong-co"
		dup := rows[301].Nomination
		rows[450].Nomination, rows[450].NominationId = dup, "trung-lap"
		rows[451].NominationId = rows[452].NominationId // the same id in the same batch
		rows[452].Parent = rows[451].Parent

		// A nomination id taken before the import, by another recipient:
		// found only when the rows are written, and refused alone.
		_, err := e.c.CreateNomination(ctx, &nominationsv1.CreateNominationRequest{Parent: a.GetName(), NominationId: "ldtt-0500",
			Nomination: cstdTinh()})
		require.NoError(t, err)

		resp := importRows(t, e, rows)
		refused := map[int]*nominationsv1.RowError{}
		for i, r := range resp.GetRows() {
			if r.GetError() != nil {
				refused[i] = r.GetError()
				assert.Empty(t, r.GetNomination(), "row %d", i)
				continue
			}
			assert.Equal(t, rows[i].GetParent()+"/nominations/"+rows[i].GetNominationId(), r.GetNomination(), "row %d", i)
		}
		require.Len(t, refused, 7, "%v", refused)
		assert.Equal(t, []string{"row.nomination.recipient.unit"}, refused[10].GetFields())
		assert.Contains(t, refused[10].GetMessage(), "units/khong-co")
		assert.Equal(t, []string{"row.requestId"}, refused[20].GetFields())
		assert.Equal(t, []string{"row.nomination.ratings[0].year"}, refused[30].GetFields())
		assert.EqualValues(t, codes.NotFound, refused[40].GetCode())
		assert.EqualValues(t, codes.AlreadyExists, refused[450].GetCode())
		assert.Contains(t, refused[450].GetMessage(), a.GetName()+"/nominations/ldtt-0301", "names the other nomination")
		assert.EqualValues(t, codes.AlreadyExists, refused[452].GetCode())
		assert.Contains(t, refused[452].GetMessage(), rows[451].GetNominationId())
		assert.EqualValues(t, codes.AlreadyExists, refused[500].GetCode())
		assert.Contains(t, refused[500].GetMessage(), a.GetName()+"/nominations/ldtt-0500")
		assert.EqualValues(t, 593, resp.GetAccepted())
		assert.EqualValues(t, 7, resp.GetRefused())

		count := func(name string) int32 {
			got, err := e.c.GetBatch(ctx, &nominationsv1.GetBatchRequest{Name: name})
			require.NoError(t, err)
			return got.GetNominationsCount()
		}
		ca, cb := count(a.GetName()), count(b.GetName())
		assert.EqualValues(t, 594, ca+cb, "593 imported and the one created before")
		l, err := e.c.ListNominations(ctx, &nominationsv1.ListNominationsRequest{Parent: "batches/-", PageSize: 1})
		require.NoError(t, err)
		assert.EqualValues(t, 594, l.GetTotalSize())

		// Sent again: the same answers, nothing written.
		again := importRows(t, e, rows)
		for i := range rows {
			assert.Equal(t, resp.GetRows()[i].GetNomination(), again.GetRows()[i].GetNomination(), "row %d", i)
			assert.Equal(t, resp.GetRows()[i].GetError().GetCode(), again.GetRows()[i].GetError().GetCode(), "row %d", i)
		}
		assert.Equal(t, ca, count(a.GetName()))
		assert.Equal(t, cb, count(b.GetName()))

		// A request id sent with another row, and a batch no longer a
		// draft.
		other := laborers(a.GetName(), 1)[0]
		other.NominationId, other.RequestId = "khac", requestID(1, 5)
		_, err = e.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: b.GetName()})
		require.NoError(t, err)
		late := laborers(b.GetName(), 1)[0]
		late.NominationId, late.RequestId = "muon", requestID(2, 1)
		last := importRows(t, e, []*nominationsv1.CreateNominationRequest{other, late, rows[6]})
		assert.EqualValues(t, codes.AlreadyExists, last.GetRows()[0].GetError().GetCode())
		assert.Contains(t, last.GetRows()[0].GetError().GetMessage(), "request_id")
		assert.EqualValues(t, codes.FailedPrecondition, last.GetRows()[1].GetError().GetCode())
		assert.Equal(t, resp.GetRows()[6].GetNomination(), last.GetRows()[2].GetNomination(), "a row of a submitted batch sent again")
		assert.EqualValues(t, 1, last.GetAccepted())
	})
}
