package document

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/services/honours/internal/document/pdftext"
)

// pdfPages checks that b is a complete PDF and returns its page count as
// the page tree states it.
func pdfPages(t *testing.T, b []byte) int {
	t.Helper()
	require.True(t, bytes.HasPrefix(b, []byte("%PDF-")), "PDF header")
	require.True(t, bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")), "PDF trailer")
	m := regexp.MustCompile(`/Type /Pages\s*/Kids \[[^\]]*\]\s*/Count (\d+)`).FindSubmatch(b)
	require.NotNil(t, m, "page tree")
	n, err := strconv.Atoi(string(m[1]))
	require.NoError(t, err)
	require.Equal(t, n, len(regexp.MustCompile(`/Type /Page\b[^s]`).FindAll(b, -1)), "page objects")
	return n
}

// pdfText extracts the text of b with poppler's pdftotext, NFC-normalised
// with every white-space run made one space (lines wrap anywhere). The test
// is skipped where poppler-utils is not installed, and fails then when
// TDKT_TEST_REQUIRE_SERVICES=1.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv(pdftext.RequireServicesEnv) == "1" {
			t.Fatalf("pdftotext (poppler-utils) is not installed and %s=1", pdftext.RequireServicesEnv)
		}
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	out, err := exec.CommandContext(t.Context(), bin, "-enc", "UTF-8", path, "-").Output()
	require.NoError(t, err, "pdftotext")
	return oneLine(norm.NFC.String(string(out)))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestRenderDecision(t *testing.T) {
	d := decision946(106)
	b, err := RenderDecision(d)
	require.NoError(t, err)
	keep(t, "decision-106.pdf", b)
	pages := pdfPages(t, b)
	require.GreaterOrEqual(t, pages, 4, "decision page(s) and a multi-page annex")

	text := pdfText(t, b)
	for _, want := range []string{
		"ỦY BAN NHÂN DÂN TỈNH BẮC KẠN",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc",
		"Số: 946/QĐ-UBND",
		"Bắc Kạn, ngày 31 tháng 5 năm 2023",
		"QUYẾT ĐỊNH",
		"Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
		"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN",
		"Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
		"QUYẾT ĐỊNH:",
		"Điều 1. Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho 9 tập thể và 97 cá nhân có tên trong danh sách kèm theo, đã có thành tích xuất sắc trong phong trào thi đua yêu nước.",
		// 9 × 2,980,000 + 97 × 1,490,000
		"Điều 2. Tiền thưởng kèm theo thực hiện theo quy định hiện hành, mức thưởng của từng tập thể, cá nhân theo danh sách kèm theo; tổng số tiền: 171.350.000 đồng (Bằng chữ: Một trăm bảy mươi mốt triệu ba trăm năm mươi nghìn đồng), từ nguồn Quỹ Thi đua, khen thưởng của tỉnh năm 2023.",
		"Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ,",
		"Nơi nhận:",
		"- Như Điều 3;",
		"Nguyễn Đăng Bình",
		"DANH SÁCH",
		"TẬP THỂ, CÁ NHÂN ĐƯỢC TẶNG BẰNG KHEN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
		"(Kèm theo Quyết định số 946/QĐ-UBND ngày 31/05/2023)",
		"STT",
		"Hình thức",
		"Số tiền (VND)",
		achievementMovement,
		achievementCOVID,
		"2.980.000",
		"1.490.000",
		"Tổng cộng",
		"171.350.000",
	} {
		require.Contains(t, text, oneLine(want))
	}
	// Every letter comes back in order (pdftotext drops the spaces of a
	// justified line of single capitals, taking it for letter-spaced text,
	// so compare without spaces).
	noSpace := strings.ReplaceAll(text, " ", "")
	require.Contains(t, noSpace, strings.ReplaceAll(vietLower+";"+vietUpper, " ", ""))
	// Every individual's name comes back exactly, NFD input included.
	for _, e := range d.Entries[9:] {
		require.Contains(t, text, norm.NFC.String(e.RecipientName))
	}
	require.NotContains(t, text, "Trang", "page numbers are bare, in the top margin")
}

func TestRenderDecisionIsReproducible(t *testing.T) {
	a, err := RenderDecision(decision946(30))
	require.NoError(t, err)
	b, err := RenderDecision(decision946(30))
	require.NoError(t, err)
	require.Equal(t, a, b)
}

func TestRenderDecisionLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("3,000 entries: skipped with -short")
	}
	d := decision946(3000)
	start := time.Now()
	b, err := RenderDecision(d)
	elapsed := time.Since(start)
	require.NoError(t, err)
	keep(t, "decision-3000.pdf", b)
	pages := pdfPages(t, b)
	t.Logf("3,000 entries: %d pages, %d bytes, rendered in %v", pages, len(b), elapsed)
	require.Greater(t, pages, 50)

	text := pdfText(t, b)
	require.Contains(t, text, "cho 9 tập thể và 2991 cá nhân")
	require.Contains(t, text, norm.NFC.String(d.Entries[2999].RecipientName))
	require.Contains(t, text, "4.483.410.000") // 9 × 2,980,000 + 2,991 × 1,490,000
}

func TestRenderCertificate(t *testing.T) {
	c := certificate946()
	c.RecipientName = norm.NFD.String(c.RecipientName)
	b, err := RenderCertificate(c)
	require.NoError(t, err)
	keep(t, "certificate.pdf", b)
	require.Equal(t, 1, pdfPages(t, b))
	require.Contains(t, string(b), "/MediaBox [0 0 841.89 595.28]", "landscape A4")

	text := pdfText(t, b)
	for _, want := range []string{
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc",
		"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN",
		"TẶNG BẰNG KHEN",
		"Bà Đặng Thị Ước",
		"Bí thư Chi bộ thôn Khuổi Ổ, xã Cốc Đán, huyện Ngân Sơn",
		"Đã có thành tích xuất sắc trong phong trào thi đua “Bắc Kạn chung sức xây dựng nông thôn mới” giai đoạn 2021–2025, góp phần vào sự nghiệp xây dựng và bảo vệ Tổ quốc",
		"Quyết định số: 946/QĐ-UBND",
		"ngày 31/05/2023",
		"Số vào sổ vàng: 1523/SV-2023",
		"Bắc Kạn, ngày 31 tháng 5 năm 2023",
		"Nguyễn Đăng Bình",
	} {
		require.Contains(t, text, oneLine(want))
	}
}

func TestRenderCertificateTitle(t *testing.T) {
	c := certificate946()
	c.AwardHeading = "TẶNG DANH HIỆU"
	c.AwardName = "Chiến sĩ thi đua cấp tỉnh"
	c.GoldenBookNumber = ""
	b, err := RenderCertificate(c)
	require.NoError(t, err)
	keep(t, "certificate-title.pdf", b)
	require.Equal(t, 1, pdfPages(t, b))
	text := pdfText(t, b)
	require.Contains(t, text, "TẶNG DANH HIỆU CHIẾN SĨ THI ĐUA CẤP TỈNH")
	require.NotContains(t, text, "sổ vàng")
}

func TestRenderRejectsIncompleteInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Decision)
	}{
		{"no number", func(d *Decision) { d.Number = "  " }},
		{"no date", func(d *Decision) { d.SignedOn = civil.Date{} }},
		{"impossible date", func(d *Decision) { d.SignedOn = civil.Date{Year: 2023, Month: 2, Day: 30} }},
		{"no issuer", func(d *Decision) { d.IssuerName = "\n" }},
		{"no title", func(d *Decision) { d.Title = "" }},
		{"no signer", func(d *Decision) { d.SignerName = "" }},
		{"no entries", func(d *Decision) { d.Entries = nil }},
		{"entry without name", func(d *Decision) { d.Entries[1].RecipientName = " " }},
		{"entry without award", func(d *Decision) { d.Entries[0].AwardName = "" }},
		{"negative reward", func(d *Decision) { d.Entries[2].RewardVND = -1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := decision946(3)
			tc.mutate(&d)
			_, err := RenderDecision(d)
			require.ErrorIs(t, err, ErrInvalidInput)
		})
	}
	for _, tc := range []struct {
		name   string
		mutate func(*Certificate)
	}{
		{"no heading", func(c *Certificate) { c.AwardHeading = "" }},
		{"no recipient", func(c *Certificate) { c.RecipientName = "" }},
		{"no decision", func(c *Certificate) { c.DecisionNumber = "" }},
		{"no date", func(c *Certificate) { c.DecisionDate = civil.Date{} }},
		{"title without name", func(c *Certificate) { c.AwardHeading, c.AwardName = "TẶNG DANH HIỆU", "" }},
	} {
		t.Run("certificate "+tc.name, func(t *testing.T) {
			c := certificate946()
			tc.mutate(&c)
			_, err := RenderCertificate(c)
			require.ErrorIs(t, err, ErrInvalidInput)
		})
	}
}

func TestArticlesForMixedAwards(t *testing.T) {
	d := decision946(4)
	d.Entries[3].AwardName = "Danh hiệu Chiến sĩ thi đua cấp tỉnh"
	d.Entries[3].RewardVND = 4_470_000
	d.Achievement, d.FundingSource, d.Executors = "", "", ""
	require.NoError(t, d.normalize())
	text := composeDecision(&d)
	require.Equal(t, []string{
		"Khen thưởng 4 tập thể có tên trong danh sách kèm theo, gồm: Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: 3 tập thể; Danh hiệu Chiến sĩ thi đua cấp tỉnh: 1 tập thể.",
		"Tiền thưởng kèm theo thực hiện theo quy định hiện hành, mức thưởng của từng tập thể theo danh sách kèm theo; tổng số tiền: 13.410.000 đồng (Bằng chữ: Mười ba triệu bốn trăm mười nghìn đồng).",
		"Quyết định này có hiệu lực kể từ ngày ký. Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
	}, text.articles)
	require.Equal(t, "TẬP THỂ ĐƯỢC KHEN THƯỞNG", text.annexTitle)

	d.Entries[3].RewardVND = 0
	for i := range d.Entries {
		d.Entries[i].RewardVND = 0
	}
	require.Len(t, composeDecision(&d).articles, 2, "no money article without money")
}

func TestDefaultAuthority(t *testing.T) {
	const issuer = "ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"
	for _, tc := range []struct{ signer, want string }{
		{"CHỦ TỊCH", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"},
		{"KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"},
		{"TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", issuer},
	} {
		require.Equal(t, tc.want, defaultAuthority(tc.signer, issuer), tc.signer)
	}
}

func TestRenderOddText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"emoji beyond the BMP", "Bà Ước 😀", "Bà Ước \uFFFD"},
		{"control and format characters", "Bà\x00 Ư\u200bớc\x07", "Bà Ước"},
		{"NFD with a stray mark", "\u0301" + norm.NFD.String("Ông Đỗ Ẩn"), "\u0301Ông Đỗ Ẩn"},
		{"glyph missing from the font", "Ông 漢 Ẩn", "Ông 漢 Ẩn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, cleanPDF(tc.in))
			c := certificate946()
			c.RecipientName = tc.in
			b, err := RenderCertificate(c)
			require.NoError(t, err)
			require.Equal(t, 1, pdfPages(t, b))
			d := decision946(12)
			d.Entries[10].RecipientName = tc.in
			b, err = RenderDecision(d)
			require.NoError(t, err)
			pdfPages(t, b)
		})
	}
}
