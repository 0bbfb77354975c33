package server_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/honours/internal/document/pdftext"
)

// TestDecisionLetterhead stores a decision signed by a deputy in January
// with its recipients, reads them back, and reads its PDF back with the
// positions of the text: the letterhead the province's committee issues
// under, "KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH", the date with leading zeros
// and "Nơi nhận" at the bottom left beside the signature.
func TestDecisionLetterhead(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		// A province named as the demo names them.
		e.blocs.Unit("lang-son", "Tỉnh Lạng Sơn", "Lạng Sơn", blocsv1.UnitKind_UNIT_KIND_LOCALITY, blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, "")

		msg := decisionMsg("lang-son", "5/QĐ-UBND", d(2024, 1, 5))
		msg.Document.SignerName = "Hoàng Văn Nghiệm"
		msg.Document.SignerTitle = "Phó Chủ tịch"
		msg.Document.SigningCapacity = typev1.SigningCapacity_SIGNING_CAPACITY_DEPUTY
		msg.Document.Recipients = []string{"Như Điều 3", "Ban Thi đua - Khen thưởng Trung ương", "Lưu: VT, NC"}

		bad := decisionMsg("lang-son", "6/QĐ-UBND", d(2024, 1, 5))
		bad.Document.Recipients = []string{"Như Điều 3", "  "}
		_, err := c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{Decision: bad})
		requireCode(t, err, codes.InvalidArgument, "")

		dec, err := c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: "ls-5", Decision: msg})
		require.NoError(t, err)
		addEntries(t, c, dec.GetName(),
			entry(person("Đặng Thị Ước", cid(1), "so-noi-vu-bk"), "BK_TINH", 2023),
			entry(collective("truong-cho-don"), "BK_TINH", 2023))
		issue(t, c, dec.GetName())
		got, err := c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName()})
		require.NoError(t, err)
		require.Equal(t, typev1.SigningCapacity_SIGNING_CAPACITY_DEPUTY, got.GetDocument().GetSigningCapacity())
		require.Equal(t, msg.Document.Recipients, got.GetDocument().GetRecipients())

		_, pdf, err := recvFile(c.RenderDecision(ctx, &honoursv1.RenderDecisionRequest{Name: dec.GetName()}))
		require.NoError(t, err)
		pages := pdftext.Read(t, pdf)
		require.GreaterOrEqual(t, len(pages), 2)
		p := pages[0]
		find := func(s string) pdftext.Line {
			t.Helper()
			found := p.Find(s)
			require.NotEmpty(t, found, "%q in %q", s, p.Text())
			return found[0] // the first in reading order: the letterhead's
		}
		committee, province := find("ỦY BAN NHÂN DÂN"), find("TỈNH LẠNG SƠN")
		require.Less(t, committee.YMax, province.YMin+0.5, "ỦY BAN NHÂN DÂN over TỈNH LẠNG SƠN")
		require.Less(t, committee.XMax, find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").XMin, "issuer at the left of the national name")
		find("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN")
		find("Số: 05/QĐ-UBND")
		find("Lạng Sơn, ngày 05 tháng 01 năm 2024")
		kt, deputy := find("KT. CHỦ TỊCH"), find("PHÓ CHỦ TỊCH")
		require.Less(t, kt.YMax, deputy.YMin+0.5, "KT. CHỦ TỊCH over PHÓ CHỦ TỊCH")
		require.Greater(t, find("Hoàng Văn Nghiệm").YMin, deputy.YMax)
		recipients := find("Nơi nhận:")
		require.InDelta(t, 30, recipients.XMin, 0.5, "Nơi nhận at the left margin")
		require.InDelta(t, kt.YMin, recipients.YMin, 2, "Nơi nhận level with the signer's authority")
		require.Less(t, recipients.XMax, kt.XMin)
		for _, s := range []string{"- Như Điều 3;", "- Ban Thi đua - Khen thưởng Trung ương;", "- Lưu: VT, NC."} {
			l := find(s)
			require.InDelta(t, 30, l.XMin, 0.5, s)
			require.Greater(t, l.YMin, recipients.YMax-0.5, s)
			require.Less(t, l.XMax, kt.XMin, s)
		}
		for _, l := range p.Lines {
			require.NotRegexp(t, `^[0-9]+$`, l.Text, "no page number on the first page")
		}

		// The certificate is signed as the decision is.
		hs, err := c.ListHonours(ctx, &honoursv1.ListHonoursRequest{Query: "Đặng Thị Ước"})
		require.NoError(t, err)
		require.Len(t, hs.GetHonours(), 1)
		cert, err := c.RenderCertificate(ctx, &honoursv1.RenderCertificateRequest{Name: hs.GetHonours()[0].GetName()})
		require.NoError(t, err)
		text := pdftext.Read(t, cert.GetData())[0].Text()
		require.Contains(t, text, "KT. CHỦ TỊCH")
		require.Contains(t, text, "PHÓ CHỦ TỊCH")
		require.Contains(t, text, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN")
	})
}
