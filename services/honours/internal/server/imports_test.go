package server_test

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocstest"
)

func importItem(decisionID, requestID, authority, number string, entries ...*honoursv1.DecisionEntry) *honoursv1.ImportDecisionsRequest {
	return &honoursv1.ImportDecisionsRequest{
		DecisionId: decisionID, RequestId: requestID,
		Decision: decisionMsg(authority, number, d(2023, 5, 31)), Entries: entries,
	}
}

func TestImportDecisions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		good := importItem("bk-946-2023", "5b0f0c2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "bac-kan", "946/QĐ-UBND",
			entry(person("Đặng Thị Ước", cid(1), "so-noi-vu-bk"), "BK_TINH", 2023),
			entry(person("Hoàng Văn Ân", cid(2), "so-noi-vu-bk"), "BK_TINH", 2023),
			entry(collective("truong-cho-don"), "BK_TINH", 2023))
		items := []*honoursv1.ImportDecisionsRequest{
			good,
			importItem("Bad ID!", "6b0f0c2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "bac-kan", "1/QĐ", entry(person("A", cid(3), ""), "BK_TINH", 2023)),
			importItem("bk-2", "7b0f0c2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "bac-kan", "2/QĐ", entry(person("B", cid(4), ""), "NO_SUCH", 2023)),
			good, // sent again: its first result
			importItem("xa-3", "8b0f0c2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "xa-nam-mau", "3/QĐ", entry(person("C", cid(5), ""), "BK_TINH", 2023)),
			importItem("bk-946-2023", "9b0f0c2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "bac-kan", "946/QĐ-UBND", entry(person("D", cid(6), ""), "BK_TINH", 2023)),
		}
		stream, err := c.ImportDecisions(ctx)
		require.NoError(t, err)
		for _, it := range items {
			require.NoError(t, stream.Send(it))
		}
		resp, err := stream.CloseAndRecv()
		require.NoError(t, err)
		require.EqualValues(t, 2, resp.GetSucceeded())
		require.EqualValues(t, 4, resp.GetFailed())
		require.EqualValues(t, 6, resp.GetHonourCount(), "twice the 3 honours of the decision imported")
		require.Len(t, resp.GetResults(), 4, "the failures alone are listed")
		for i, index := range []int32{1, 2, 4, 5} {
			require.Equal(t, index, resp.GetResults()[i].GetIndex())
			require.Equal(t, items[index].GetDecisionId(), resp.GetResults()[i].GetDecisionId())
		}
		require.EqualValues(t, codes.InvalidArgument, resp.GetResults()[0].GetStatus().GetCode(), "refused by protovalidate")
		require.Contains(t, resp.GetResults()[0].GetStatus().GetMessage(), "decisionId")
		require.EqualValues(t, codes.InvalidArgument, resp.GetResults()[1].GetStatus().GetCode())
		require.Contains(t, resp.GetResults()[1].GetStatus().GetMessage(), "entries[0].awardType")
		require.EqualValues(t, codes.FailedPrecondition, resp.GetResults()[2].GetStatus().GetCode())
		require.EqualValues(t, codes.AlreadyExists, resp.GetResults()[3].GetStatus().GetCode(), "the id is taken")

		// A whole stream sent again changes nothing.
		stream, err = c.ImportDecisions(ctx)
		require.NoError(t, err)
		require.NoError(t, stream.Send(good))
		resp, err = stream.CloseAndRecv()
		require.NoError(t, err)
		require.EqualValues(t, 1, resp.GetSucceeded())
		require.EqualValues(t, 3, resp.GetHonourCount())
		require.Empty(t, resp.GetResults())

		dec, err := c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: "decisions/bk-946-2023"})
		require.NoError(t, err)
		require.Equal(t, honoursv1.DecisionState_DECISION_STATE_ISSUED, dec.GetState())
		require.EqualValues(t, 1_490_000*2+2_980_000, dec.GetRewardTotalVnd())
		require.Len(t, listAll(t, c, &honoursv1.ListHonoursRequest{}), 3, "one honour per entry")
		_, err = c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: "decisions/xa-3"})
		requireCode(t, err, codes.NotFound, "") // a failed item leaves nothing
	})
}

func TestDocuments(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		dec := newDecision(t, c, "qd-946", "bac-kan", "946/QĐ-UBND", d(2023, 5, 31))
		addEntries(t, c, dec.GetName(),
			entry(person("Đặng Thị Ước", cid(1), "so-noi-vu-bk"), "BK_TINH", 2023),
			entry(collective("truong-cho-don"), "BK_TINH", 2023))
		issue(t, c, dec.GetName())

		var header metadata.MD
		pdfType, pdf, err := recvFile(c.RenderDecision(ctx, &honoursv1.RenderDecisionRequest{Name: dec.GetName()}, grpc.Header(&header)))
		require.NoError(t, err)
		require.Equal(t, "application/pdf", pdfType)
		require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")))
		require.Contains(t, header.Get("content-disposition")[0], "attachment")

		hs := listAll(t, c, &honoursv1.ListHonoursRequest{})
		cert, err := c.RenderCertificate(ctx, &honoursv1.RenderCertificateRequest{Name: hs[0].GetName()})
		require.NoError(t, err)
		require.Equal(t, "application/pdf", cert.GetContentType())
		require.True(t, bytes.HasPrefix(cert.GetData(), []byte("%PDF-")))

		xlsxType, xlsx, err := recvFile(c.ExportHonours(ctx, &honoursv1.ExportHonoursRequest{Province: "units/bac-kan"}))
		require.NoError(t, err)
		require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsxType)
		f, err := excelize.OpenReader(bytes.NewReader(xlsx))
		require.NoError(t, err)
		rows, err := f.GetRows("Khen thưởng")
		require.NoError(t, err)
		require.Len(t, rows, 3, "a header and one row per honour")
		require.Contains(t, rows[1:][0], "946/QĐ-UBND")
		require.NoError(t, f.Close())

		// A decision without a signer could not be printed: it is refused
		// when created (TestDecisionRenderableFieldsRequired).
		unsigned := decisionMsg("bac-kan", "947/QĐ-UBND", d(2023, 5, 31))
		unsigned.Document.SignerName = ""
		_, err = c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{Decision: unsigned})
		requireCode(t, err, codes.InvalidArgument, "decision.document.signerName")
		_, err = c.RenderCertificate(ctx, &honoursv1.RenderCertificateRequest{Name: "honours/khong-co"})
		requireCode(t, err, codes.NotFound, "")
	})
}

// TestImportDecisionsBounded streams far more refused items than a stream
// takes, as a hostile client would: the server stops reading at the bound,
// answers the items it did in the status, lists a bounded number of their
// failures, and its heap stays bounded while it does.
func TestImportDecisionsBounded(t *testing.T) {
	// One engine, not in parallel with other tests, so that the heap
	// measured is this stream's.
	eng := sqlstoretest.Engines(t)[0]
	b := blocstest.Start(t)
	world(b)
	c, _ := start(t, eng.URL(t), b, options{})
	ctx := t.Context()

	const sent = 200_000
	bad := importItem("Bad ID!", "6b0f0c2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "bac-kan", "1/QĐ",
		entry(person("Đặng Thị Ước", cid(1), "so-noi-vu-bk"), "BK_TINH", 2023))
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	sampling, stopSampling := context.WithCancel(ctx)
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-sampling.Done():
				return
			case <-tick.C:
			}
		}
	}()

	stream, err := c.ImportDecisions(ctx)
	require.NoError(t, err)
	n := 0
	for ; n < sent; n++ {
		if err := stream.Send(bad); err != nil {
			require.ErrorIs(t, err, io.EOF, "the server ended the stream")
			break
		}
	}
	_, err = stream.CloseAndRecv()
	stopSampling()
	<-sampled

	require.Less(t, n, sent, "the server ended the stream before the client was done")
	st := status.Convert(err)
	require.Equal(t, codes.ResourceExhausted, st.Code(), "%v", err)
	require.Contains(t, st.Message(), "at most 10000 items")
	require.Equal(t, grpcserver.ReasonTooManyItems, grpcserver.StreamBound(err))
	var partial *honoursv1.ImportDecisionsResponse
	for _, d := range st.Details() {
		if r, ok := d.(*honoursv1.ImportDecisionsResponse); ok {
			partial = r
		}
	}
	require.NotNil(t, partial, "the items done are answered: %v", st.Details())
	require.EqualValues(t, grpcserver.DefaultMaxItems, partial.GetFailed())
	require.Zero(t, partial.GetSucceeded())
	require.Len(t, partial.GetResults(), 1000, "the first failures alone are listed")
	require.EqualValues(t, 999, partial.GetResults()[999].GetIndex())
	require.EqualValues(t, codes.InvalidArgument, partial.GetResults()[0].GetStatus().GetCode())

	growth := int64(peak.Load()) - int64(before.HeapAlloc)
	t.Logf("heap: %d MB before, %d MB at the peak (%d items sent, %d read)",
		before.HeapAlloc>>20, peak.Load()>>20, n, partial.GetFailed())
	require.Less(t, growth, int64(128<<20), "the heap grew by %d MB", growth>>20)
}
