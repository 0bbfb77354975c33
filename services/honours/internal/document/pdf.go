package document

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

// The typeface: Liberation Serif, metric-compatible with Times New Roman
// (the face Decree 30/2020/NĐ-CP prescribes), SIL OFL 1.1; see fonts/README.md.
var (
	//go:embed fonts/LiberationSerif-Regular.ttf
	serifRegular []byte
	//go:embed fonts/LiberationSerif-Bold.ttf
	serifBold []byte
	//go:embed fonts/LiberationSerif-Italic.ttf
	serifItalic []byte
	//go:embed fonts/LiberationSerif-BoldItalic.ttf
	serifBoldItalic []byte
)

const family = "LiberationSerif"

// style is an fpdf font style of the embedded family.
type style string

const (
	regular    style = ""
	bold       style = "B"
	italic     style = "I"
	boldItalic style = "BI" // registered on first use: only the decision's "Nơi nhận:" needs it
)

// ptMM is one typographic point in millimetres.
const ptMM = 25.4 / 72

// vietnam is the civil time zone of every document (UTC+7, no daylight
// saving); a fixed zone needs no tzdata.
var vietnam = time.FixedZone("ICT", 7*60*60)

// pdfDoc is an fpdf document in millimetres with the embedded fonts and the
// layout helpers the decision and the certificate share. Page breaks are
// explicit (ensure), never automatic, so that a table row or a signature
// block is never split.
type pdfDoc struct {
	f                        *fpdf.Fpdf
	left, top, right, bottom float64
	pageW, pageH             float64
	haveBoldItalic           bool
	// The font last set: fpdf writes a UTF-8 font's selection into the
	// page each time it is set, used or not (50 bytes a cell of an annex of
	// thousands of rows).
	fontStyle style
	fontSize  float64
}

type docInfo struct {
	orientation string // "P" or "L"
	title       string
	subject     string
	date        civil.Date // the document's date, used as creation date so output is reproducible
}

func newPDFDoc(info docInfo, left, top, right, bottom float64) *pdfDoc {
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: info.orientation, UnitStr: "mm", SizeStr: "A4"})
	f.AddUTF8FontFromBytes(family, string(regular), serifRegular)
	f.AddUTF8FontFromBytes(family, string(bold), serifBold)
	f.AddUTF8FontFromBytes(family, string(italic), serifItalic)
	f.SetMargins(left, top, right)
	f.SetCellMargin(0)
	f.SetAutoPageBreak(false, bottom)
	f.SetCatalogSort(true)
	at := time.Date(info.date.Year, info.date.Month, info.date.Day, 0, 0, 0, 0, vietnam)
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetTitle(info.title, true)
	f.SetSubject(info.subject, true)
	f.SetCreator("tdkt honours", true)
	f.SetLang("vi-VN")
	w, h := f.GetPageSize()
	return &pdfDoc{f: f, left: left, top: top, right: right, bottom: bottom, pageW: w, pageH: h}
}

// bytes closes the document and returns it.
func (d *pdfDoc) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return buf.Bytes(), nil
}

func (d *pdfDoc) contentWidth() float64 { return d.pageW - d.left - d.right }

func (d *pdfDoc) font(st style, size float64) {
	if st == boldItalic && !d.haveBoldItalic {
		d.f.AddUTF8FontFromBytes(family, string(boldItalic), serifBoldItalic)
		d.haveBoldItalic = true
	}
	if st == d.fontStyle && size == d.fontSize {
		return
	}
	d.f.SetFont(family, string(st), size)
	d.fontStyle, d.fontSize = st, size
}

// lineHeight is the leading for a font size: 1.3 em leaves room for the
// stacked Vietnamese marks (Ễ, Ặ) above capitals.
func lineHeight(size float64) float64 { return size * ptMM * 1.3 }

func (d *pdfDoc) width(s string) float64 { return d.f.GetStringWidth(s) }

// ensure starts a new page unless h millimetres fit above the bottom margin.
func (d *pdfDoc) ensure(h float64) {
	if d.f.GetY()+h > d.pageH-d.bottom && d.f.GetY() > d.top+0.01 {
		d.f.AddPage()
		d.f.SetY(d.top)
	}
}

// text draws one line in a box of width w at (x, y).
func (d *pdfDoc) text(x, y, w, h float64, s, align string) {
	d.f.SetXY(x, y)
	d.f.CellFormat(w, h, s, "", 0, align, false, 0, "")
}

// fitSize returns the largest size <= size (down to minSize) at which every
// line fits in w with style st.
func (d *pdfDoc) fitSize(lines []string, w float64, st style, size, minSize float64) float64 {
	for ; size > minSize; size -= 0.5 {
		d.font(st, size)
		fits := true
		for _, l := range lines {
			if d.width(l) > w {
				fits = false
				break
			}
		}
		if fits {
			return size
		}
	}
	return minSize
}

// wrap breaks text into lines no wider than first (the first line) and rest
// (the others) in the current font, at spaces; a word longer than a line is
// broken between letters.
func (d *pdfDoc) wrap(text string, first, rest float64) []string {
	const eps = 0.01
	var (
		lines []string
		cur   strings.Builder
		curW  float64
		limit = first
	)
	space := d.width(" ")
	flush := func() {
		lines = append(lines, cur.String())
		cur.Reset()
		curW = 0
		limit = rest
	}
	for _, word := range strings.Fields(text) {
		ww := d.width(word)
		if cur.Len() > 0 && curW+space+ww > limit+eps {
			flush()
		}
		for cur.Len() == 0 && ww > limit+eps {
			head := d.fitPrefix(word, limit)
			lines = append(lines, head)
			limit = rest
			word = word[len(head):]
			ww = d.width(word)
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
			curW += space
		}
		cur.WriteString(word)
		curW += ww
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// fitPrefix returns the longest prefix of word (at least one letter) that
// fits in w.
func (d *pdfDoc) fitPrefix(word string, w float64) string {
	end := 0
	for i, r := range word {
		next := i + len(string(r))
		if end > 0 && d.width(word[:next]) > w {
			break
		}
		end = next
	}
	return word[:end]
}

// balanced wraps a heading into as few lines as wrap would but with the
// break chosen so the lines are as even as possible: "ỦY BAN NHÂN DÂN" /
// "TỈNH BẮC KẠN" rather than "ỦY BAN NHÂN DÂN TỈNH" / "BẮC KẠN". Explicit
// line breaks in text are kept.
func (d *pdfDoc) balanced(text string, w float64) []string {
	var out []string
	for _, line := range cleanLines(text) {
		greedy := d.wrap(line, w, w)
		if len(greedy) != 2 {
			out = append(out, greedy...)
			continue
		}
		words := strings.Fields(line)
		best, bestW := greedy, max(d.width(greedy[0]), d.width(greedy[1]))
		for i := 1; i < len(words); i++ {
			a, b := strings.Join(words[:i], " "), strings.Join(words[i:], " ")
			wa, wb := d.width(a), d.width(b)
			if wa <= w && wb <= w && max(wa, wb) < bestW {
				best, bestW = []string{a, b}, max(wa, wb)
			}
		}
		out = append(out, best...)
	}
	return out
}

// centred draws lines centred in [x, x+w] from y with style st and size
// (shrunk to fit when a line is too wide), and returns the y below them.
func (d *pdfDoc) centred(lines []string, x, y, w float64, st style, size float64) float64 {
	size = d.fitSize(lines, w, st, size, size*0.7)
	d.font(st, size)
	lh := lineHeight(size)
	for _, l := range lines {
		d.text(x, y, w, lh, l, "C")
		y += lh
	}
	return y
}

// rule draws a horizontal line of length w centred on cx.
func (d *pdfDoc) rule(cx, y, w float64) {
	d.f.SetLineWidth(0.3)
	d.f.Line(cx-w/2, y, cx+w/2, y)
}

// paragraphHeight is the height paragraph would take on one page.
func (d *pdfDoc) paragraphHeight(lead string, leadStyle style, body string, st style, size, indent float64) float64 {
	leadW := 0.0
	if lead != "" {
		d.font(leadStyle, size)
		leadW = d.width(lead + " ")
	}
	d.font(st, size)
	w := d.contentWidth()
	return float64(max(1, len(d.wrap(body, w-indent-leadW, w)))) * lineHeight(size)
}

// paragraph lays out a justified paragraph from the current y across the
// content width: an optional lead ("Điều 1.") in leadStyle, then body in
// st, the first line indented. It breaks pages between lines.
func (d *pdfDoc) paragraph(lead string, leadStyle style, body string, st style, size, indent float64) {
	lh := lineHeight(size)
	w := d.contentWidth()
	leadW := 0.0
	if lead != "" {
		d.font(leadStyle, size)
		leadW = d.width(lead + " ")
	}
	d.font(st, size)
	lines := d.wrap(body, w-indent-leadW, w)
	if len(lines) == 0 {
		lines = []string{""}
	}
	for i, line := range lines {
		d.ensure(lh)
		y := d.f.GetY()
		x, lw := d.left, w
		if i == 0 {
			x += indent
			lw -= indent
			if lead != "" {
				d.font(leadStyle, size)
				d.text(x, y, leadW, lh, lead, "L")
				x += leadW
				lw -= leadW
			}
		}
		d.font(st, size)
		align := "J"
		if i == len(lines)-1 || !strings.Contains(line, " ") {
			align = "L"
		}
		d.text(x, y, lw, lh, line, align)
		d.f.SetY(y + lh)
	}
}
