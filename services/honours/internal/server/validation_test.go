package server_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

// A recipient key naming a unit id blocs would refuse is refused here,
// naming the field of this request, before anything is asked of blocs.
func TestRecipientKeyUnitID(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		for _, key := range []string{"unit:BAC-KAN", "unit:", "unit:bac kan", "unit:-bac-kan", "unit:units/bac-kan"} {
			_, err := c.ListHonours(ctx, &honoursv1.ListHonoursRequest{RecipientKey: key})
			requireCode(t, err, codes.InvalidArgument, "recipientKey")
			require.NotContains(t, status.Convert(err).Message(), "blocs", key)
			require.NotContains(t, status.Convert(err).Message(), "names[0]", key)

			_, _, err = recvFile(c.ExportHonours(ctx, &honoursv1.ExportHonoursRequest{RecipientKey: key}))
			requireCode(t, err, codes.InvalidArgument, "recipientKey")
		}
		_, err := c.BatchGetRecipientHistory(ctx, &honoursv1.BatchGetRecipientHistoryRequest{
			RecipientKeys: []string{"unit:bac-kan", "unit:BAC-KAN"}})
		requireCode(t, err, codes.InvalidArgument, "recipientKeys[1]")

		// Well-formed keys that match nothing find nothing.
		require.Empty(t, listAll(t, c, &honoursv1.ListHonoursRequest{RecipientKey: "unit:khong-co"}))
		require.Empty(t, listAll(t, c, &honoursv1.ListHonoursRequest{RecipientKey: "cid:khong-co"}))
	})
}

func TestStatisticsGroupBy(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		for _, groupBy := range [][]string{
			{"year,year,year,year,year,year"},
			{"year,year"},
			{"year", "year"},
			{"award_type,year", "year"},
			{"award_type,year,province,authority,recipient_kind,year"},
			{"award_type,year,province,authority,recipient_kind,nam"},
		} {
			_, err := c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: groupBy})
			requireCode(t, err, codes.InvalidArgument, "groupBy")
		}
		for _, groupBy := range [][]string{
			{"award_type,year,province,authority,recipient_kind"},
			{"year,", "award_type"},
			nil,
		} {
			_, err := c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: groupBy})
			require.NoError(t, err, "%q", groupBy)
		}
	})
}

// Control characters are refused in the free text of a request, by the
// protos' rules, naming the field; tabs and line breaks only where a text
// may have several lines.
func TestControlCharacters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		create := func(edit func(*honoursv1.Decision)) error {
			dec := decisionMsg("bac-kan", "946/QĐ-UBND", d(2023, 5, 31))
			dec.Entries = append(dec.Entries, entry(person("Đặng Thị Ước", cid(1), "so-noi-vu-bk"), "BK_TINH", 2023))
			edit(dec)
			_, err := c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{Decision: dec})
			return err
		}
		for _, tc := range []struct {
			field string
			edit  func(*honoursv1.Decision)
		}{
			{"decision.title", func(d *honoursv1.Decision) { d.Title = "Về việc\x00 tặng" }},
			{"decision.title", func(d *honoursv1.Decision) { d.Title = "Về việc\ntặng" }},
			{"decision.title", func(d *honoursv1.Decision) { d.Title = "Về việc\u0085tặng" }},
			{"decision.movement", func(d *honoursv1.Decision) { d.Movement = "movements/\x1b[31m" }},
			{"decision.document.number", func(d *honoursv1.Decision) { d.Document.Number = "946\x00/QĐ" }},
			{"decision.document.signerName", func(d *honoursv1.Decision) { d.Document.SignerName = "Nguyễn\tBình" }},
			{"decision.document.signerTitle", func(d *honoursv1.Decision) { d.Document.SignerTitle = "Chủ\x7ftịch" }},
			{"decision.document.recipients[1]", func(d *honoursv1.Decision) { d.Document.Recipients = []string{"Như Điều 3", "Lưu\x00"} }},
			{"decision.entries[0].recipient.fullName", func(d *honoursv1.Decision) { d.Entries[0].Recipient.FullName = "Đặng\x00Ước" }},
			{"decision.entries[0].recipient.position", func(d *honoursv1.Decision) { d.Entries[0].Recipient.Position = "Chuyên\rviên" }},
			{"decision.entries[0].achievements", func(d *honoursv1.Decision) { d.Entries[0].Achievements = "Thành\x00tích" }},
			{"decision.entries[0].nomination", func(d *honoursv1.Decision) { d.Entries[0].Nomination = "a\x01" }},
		} {
			requireCode(t, create(tc.edit), codes.InvalidArgument, tc.field)
		}
		// Achievements may run over several lines.
		require.NoError(t, create(func(d *honoursv1.Decision) { d.Entries[0].Achievements = "Dòng một;\r\n\tdòng hai" }))

		_, err := c.ListHonours(ctx, &honoursv1.ListHonoursRequest{Query: "nguyen\x00"})
		requireCode(t, err, codes.InvalidArgument, "query")
		_, err = c.ListDecisions(ctx, &honoursv1.ListDecisionsRequest{Query: "946\n"})
		requireCode(t, err, codes.InvalidArgument, "query")
	})
}

// What the PDF of a decision needs is required when it is created or
// imported, naming the field, rather than found missing when it is
// rendered.
func TestDecisionRenderableFieldsRequired(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		for _, tc := range []struct {
			field string
			edit  func(*honoursv1.Decision)
		}{
			{"decision.title", func(d *honoursv1.Decision) { d.Title = "" }},
			{"decision.title", func(d *honoursv1.Decision) { d.Title = "   " }},
			{"decision.document.signerName", func(d *honoursv1.Decision) { d.Document.SignerName = "" }},
			{"decision.document.signerTitle", func(d *honoursv1.Decision) { d.Document.SignerTitle = "" }},
			{"decision.document.number", func(d *honoursv1.Decision) { d.Document.Number = "" }},
			{"decision.document.signedOn", func(d *honoursv1.Decision) { d.Document.SignedOn = nil }},
		} {
			dec := decisionMsg("bac-kan", "946/QĐ-UBND", d(2023, 5, 31))
			tc.edit(dec)
			_, err := c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{Decision: dec})
			requireCode(t, err, codes.InvalidArgument, tc.field)
		}

		untitled := importItem("bk-1-2023", "1c0f0c2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "bac-kan", "1/QĐ-UBND",
			entry(person("Đặng Thị Ước", cid(1), "so-noi-vu-bk"), "BK_TINH", 2023))
		untitled.Decision.Title = ""
		unsigned := importItem("bk-2-2023", "2c0f0c2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "bac-kan", "2/QĐ-UBND",
			entry(person("Hoàng Văn Ân", cid(2), "so-noi-vu-bk"), "BK_TINH", 2023))
		unsigned.Decision.Document.SignerName = ""
		stream, err := c.ImportDecisions(ctx)
		require.NoError(t, err)
		require.NoError(t, stream.Send(untitled))
		require.NoError(t, stream.Send(unsigned))
		resp, err := stream.CloseAndRecv()
		require.NoError(t, err)
		require.EqualValues(t, 2, resp.GetFailed())
		require.Len(t, resp.GetResults(), 2)
		for i, field := range []string{"decision.title", "decision.document.signerName"} {
			st := resp.GetResults()[i].GetStatus()
			require.EqualValues(t, codes.InvalidArgument, st.GetCode())
			require.Contains(t, st.GetMessage(), field)
		}
	})
}

// The same request id in another case is the same request.
func TestRequestIDCase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		const id = "6b1d2c3e-8f4a-4b5c-9d6e-7f8091a2b3c4"
		req := &honoursv1.CreateDecisionRequest{DecisionId: "tn-15", RequestId: id,
			Decision: decisionMsg("thai-nguyen", "15/QĐ-UBND", d(2024, 3, 1))}
		first, err := c.CreateDecision(ctx, req)
		require.NoError(t, err)
		again := proto.Clone(req).(*honoursv1.CreateDecisionRequest)
		again.RequestId = strings.ToUpper(id)
		second, err := c.CreateDecision(ctx, again)
		require.NoError(t, err, "a retry in upper case gets the first answer, not ALREADY_EXISTS for the decision")
		require.True(t, proto.Equal(first, second))

		other := proto.Clone(again).(*honoursv1.CreateDecisionRequest)
		other.DecisionId = "tn-16"
		_, err = c.CreateDecision(ctx, other)
		requireCode(t, err, codes.AlreadyExists, "REQUEST_ID_REUSED")
	})
}
