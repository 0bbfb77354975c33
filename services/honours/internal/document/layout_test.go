package document

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/services/honours/internal/document/pdftext"
)

// decisionDeputy is decision946 signed by a deputy for the chairman on 5
// January 2024, under number 5, with a "Nơi nhận" line long enough to wrap.
func decisionDeputy(n int) Decision {
	d := decision946(n)
	d.Number = "5/QĐ-UBND"
	d.SignedOn = civil.Date{Year: 2024, Month: time.January, Day: 5}
	d.IssuerName = "ỦY BAN NHÂN DÂN\nTỈNH BẮC KẠN"
	d.SignerTitle = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
	d.SignerName = "Đỗ Thị Minh Phượng"
	d.Recipients = []string{
		"Như Điều 3",
		"Ban Thi đua - Khen thưởng Trung ương (Bộ Nội vụ) để báo cáo",
		"Chủ tịch, các PCT UBND tỉnh;",
		"Lưu: VT, NCPC.",
	}
	return d
}

// one returns the only place s stands on page p.
func one(t *testing.T, p pdftext.Page, s string) pdftext.Line {
	t.Helper()
	found := p.Find(s)
	require.Len(t, found, 1, "%q on page %d: %q", s, p.Number, p.Text())
	return found[0]
}

// top returns the highest place s stands on page p.
func top(t *testing.T, p pdftext.Page, s string) pdftext.Line {
	t.Helper()
	found := p.Find(s)
	require.NotEmpty(t, found, "%q on page %d: %q", s, p.Number, p.Text())
	best := found[0]
	for _, l := range found[1:] {
		if l.YMin < best.YMin {
			best = l
		}
	}
	return best
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// TestDecisionLayout reads a rendered decision back with the positions of
// its text and checks the layout Decree 30/2020/NĐ-CP, Appendix I asks for.
func TestDecisionLayout(t *testing.T) {
	b, err := RenderDecision(decisionDeputy(106))
	require.NoError(t, err)
	keep(t, "decision-deputy.pdf", b)
	pages := pdftext.Read(t, b)
	require.GreaterOrEqual(t, len(pages), 5, "decision on two pages and a multi-page annex")

	const eps = 0.5 // mm: glyph boxes against the layout's lines
	textLeft, textRight := decLeft, 210-decRight
	textTop, textBottom := decTop, 297-decBottom
	centre := (textLeft + textRight) / 2

	// Margins (I.3): top and bottom 20–25 mm, left 30–35 mm, right
	// 15–20 mm. Every line but the page number stays inside the text area,
	// and text reaches each edge of it (the margins are not wider).
	require.InDelta(t, 210, pages[0].Width, 0.1)
	require.InDelta(t, 297, pages[0].Height, 0.1)
	require.True(t, decTop >= 20 && decTop <= 25 && decBottom >= 20 && decBottom <= 25 &&
		decLeft >= 30 && decLeft <= 35 && decRight >= 15 && decRight <= 20, "margins of the decree")
	minX, maxX, minY, maxY := 1e9, 0.0, 1e9, 0.0
	for _, p := range pages {
		for _, l := range p.Lines {
			if digits.MatchString(l.Text) && l.YMax < textTop {
				continue // the page number, in the top margin
			}
			require.GreaterOrEqual(t, l.XMin, textLeft-eps, "page %d: %q left of the margin", p.Number, l.Text)
			require.LessOrEqual(t, l.XMax, textRight+eps, "page %d: %q right of the margin", p.Number, l.Text)
			require.GreaterOrEqual(t, l.YMin, textTop-eps, "page %d: %q above the margin", p.Number, l.Text)
			require.LessOrEqual(t, l.YMax, textBottom+eps, "page %d: %q below the margin", p.Number, l.Text)
			minX, maxX = min(minX, l.XMin), max(maxX, l.XMax)
			minY, maxY = min(minY, l.YMin), max(maxY, l.YMax)
		}
	}
	require.Less(t, minX, 35.0, "left margin at most 35 mm")
	require.Greater(t, maxX, 210-20.0, "right margin at most 20 mm")
	require.Less(t, minY, 25.0, "top margin at most 25 mm")
	// The bottom is reached only as far as whole table rows fill a page:
	// less than the tallest row above it.
	require.Greater(t, maxY, 297-25.0-16, "bottom margin at most 25 mm")

	// Issuer (II.2): the People's Committee over the province, in the left
	// column, and the authority heading above the preamble.
	p1 := pages[0]
	committee, province := top(t, p1, "ỦY BAN NHÂN DÂN"), top(t, p1, "TỈNH BẮC KẠN")
	require.Less(t, committee.YMax, province.YMin+eps, "ỦY BAN NHÂN DÂN above TỈNH BẮC KẠN")
	require.InDelta(t, committee.CentreX(), province.CentreX(), 1, "issuer lines centred on each other")
	require.Less(t, committee.XMax, decLeft+headerLeftW, "issuer in the left column")
	nation := one(t, p1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
	require.InDelta(t, committee.YMin, nation.YMin, eps, "issuer and national name on the first line")
	require.Greater(t, nation.XMin, committee.XMax)
	authority := one(t, p1, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN")
	require.InDelta(t, centre, authority.CentreX(), 1, "authority heading centred")
	require.Greater(t, authority.YMin, one(t, p1, "QUYẾT ĐỊNH").YMax)
	require.Less(t, authority.YMax, top(t, p1, "Căn cứ").YMin)

	// Number (II.3) with a leading zero, and the place and date (II.4)
	// with leading zeros for a day below 10 and January, under the motto.
	number := one(t, p1, "Số: 05/QĐ-UBND")
	date := one(t, p1, "Bắc Kạn, ngày 05 tháng 01 năm 2024")
	require.InDelta(t, number.YMin, date.YMin, eps, "number and date on one line")
	require.InDelta(t, committee.CentreX(), number.CentreX(), 1, "number centred under the issuer")
	require.InDelta(t, one(t, p1, "Độc lập - Tự do - Hạnh phúc").CentreX(), date.CentreX(), 1, "date centred under the motto")

	// Page numbers (I.7, III.1.đ): centred in the top margin, none on the
	// first page of the decision or of the annex, the annex numbered on
	// its own.
	annexStart := 0
	for i, p := range pages {
		if len(p.Find("DANH SÁCH")) > 0 {
			annexStart = i
			break
		}
	}
	require.Greater(t, annexStart, 1, "the decision takes two pages, then the annex")
	for i, p := range pages {
		want := i + 1
		if i >= annexStart {
			want = i - annexStart + 1
		}
		var numbers []pdftext.Line
		for _, l := range p.Lines {
			if digits.MatchString(l.Text) && l.YMax < textTop {
				numbers = append(numbers, l)
			}
		}
		if want == 1 {
			require.Empty(t, numbers, "no number on page %d, the first of its part", p.Number)
			continue
		}
		require.Len(t, numbers, 1, "page %d: one number in the top margin", p.Number)
		n := numbers[0]
		require.Equal(t, strconv.Itoa(want), n.Text, "page %d", p.Number)
		require.InDelta(t, centre, n.CentreX(), 1, "page %d: number centred", p.Number)
		require.Greater(t, n.YMin, 0.0)
		require.Less(t, n.YMax, textTop, "page %d: number in the top margin", p.Number)
	}

	// Signature (II.7): "KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH" over the name,
	// at the right; "Nơi nhận:" (II.9) at the left margin level with the
	// signer's first line, the list under it, left of the signer's column.
	var sig pdftext.Page
	for _, p := range pages[:annexStart] {
		if len(p.Find("KT. CHỦ TỊCH")) > 0 {
			sig = p
		}
	}
	require.NotZero(t, sig.Number, "signature on the decision's pages")
	kt, deputy := one(t, sig, "KT. CHỦ TỊCH"), one(t, sig, "PHÓ CHỦ TỊCH")
	name := one(t, sig, "Đỗ Thị Minh Phượng")
	require.Less(t, kt.YMax, deputy.YMin+eps)
	require.Greater(t, name.YMin, deputy.YMax+15, "room for the signature and seal")
	require.InDelta(t, kt.CentreX(), deputy.CentreX(), 1)
	require.InDelta(t, kt.CentreX(), name.CentreX(), 1)
	require.Greater(t, kt.XMin, centre, "signer at the right")
	recipients := one(t, sig, "Nơi nhận:")
	require.InDelta(t, textLeft, recipients.XMin, eps, "Nơi nhận at the left margin")
	require.InDelta(t, (kt.YMin+kt.YMax)/2, (recipients.YMin+recipients.YMax)/2, 1.5, "Nơi nhận level with the signer's authority")
	prev := recipients
	for _, want := range []string{"- Như Điều 3;", "- Ban Thi đua - Khen thưởng Trung ương", "- Chủ tịch, các PCT UBND tỉnh;", "- Lưu: VT, NCPC."} {
		l := one(t, sig, want)
		require.InDelta(t, textLeft, l.XMin, eps, "%q at the left margin", want)
		require.Greater(t, l.YMin, prev.YMin, "%q below the line before", want)
		prev = l
	}
	require.Len(t, sig.Find("để báo cáo;"), 1, "a long recipient wraps under its text")
	for _, l := range sig.Lines {
		if l.YMin >= recipients.YMin-eps && l.XMin < centre-20 {
			require.Less(t, l.XMax, kt.XMin, "%q left of the signer", l.Text)
		}
	}
}

func TestDocumentNumber(t *testing.T) {
	for in, want := range map[string]string{
		"5/QĐ-UBND": "05/QĐ-UBND", "05/QĐ-UBND": "05/QĐ-UBND", "946/QĐ-UBND": "946/QĐ-UBND",
		"10/QĐ-UBND": "10/QĐ-UBND", "7": "07", "11-CT/TU": "11-CT/TU", "QĐ-1": "QĐ-1",
	} {
		require.Equal(t, want, documentNumber(in), in)
	}
}
