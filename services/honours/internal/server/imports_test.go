package server_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
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
		require.Len(t, resp.GetResults(), len(items))
		require.EqualValues(t, 2, resp.GetSucceeded())
		require.EqualValues(t, 4, resp.GetFailed())
		for i, r := range resp.GetResults() {
			require.EqualValues(t, i, r.GetIndex())
		}
		ok := resp.GetResults()[0]
		require.EqualValues(t, codes.OK, ok.GetStatus().GetCode())
		require.Equal(t, "decisions/bk-946-2023", ok.GetDecision())
		require.EqualValues(t, 3, ok.GetHonourCount())
		require.EqualValues(t, codes.InvalidArgument, resp.GetResults()[1].GetStatus().GetCode(), "refused by protovalidate")
		require.Contains(t, resp.GetResults()[1].GetStatus().GetMessage(), "decisionId")
		require.EqualValues(t, codes.InvalidArgument, resp.GetResults()[2].GetStatus().GetCode())
		require.Contains(t, resp.GetResults()[2].GetStatus().GetMessage(), "entries[0].awardType")
		again := resp.GetResults()[3]
		require.EqualValues(t, codes.OK, again.GetStatus().GetCode())
		require.Equal(t, ok.GetDecision(), again.GetDecision())
		require.EqualValues(t, codes.FailedPrecondition, resp.GetResults()[4].GetStatus().GetCode())
		require.EqualValues(t, codes.AlreadyExists, resp.GetResults()[5].GetStatus().GetCode(), "the id is taken")

		// A whole stream sent again changes nothing.
		stream, err = c.ImportDecisions(ctx)
		require.NoError(t, err)
		require.NoError(t, stream.Send(good))
		resp, err = stream.CloseAndRecv()
		require.NoError(t, err)
		require.EqualValues(t, 1, resp.GetSucceeded())

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

		// A decision recorded without a signer cannot be printed.
		unsigned := decisionMsg("bac-kan", "947/QĐ-UBND", d(2023, 5, 31))
		unsigned.Document.SignerName = ""
		u, err := c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{Decision: unsigned})
		require.NoError(t, err)
		addEntries(t, c, u.GetName(), entry(person("Lục Văn Ơn", cid(2), ""), "BK_TINH", 2023))
		_, _, err = recvFile(c.RenderDecision(ctx, &honoursv1.RenderDecisionRequest{Name: u.GetName()}))
		requireCode(t, err, codes.FailedPrecondition, "DOCUMENT_INCOMPLETE")
		_, err = c.RenderCertificate(ctx, &honoursv1.RenderCertificateRequest{Name: "honours/khong-co"})
		requireCode(t, err, codes.NotFound, "")
	})
}
