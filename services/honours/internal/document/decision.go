package document

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

// ErrInvalidInput reports input a document cannot be made from (a missing
// number, date or name, a negative amount); the wrapped message names it.
var ErrInvalidInput = errors.New("invalid document input")

// Decision is a conferring decision (quyết định khen thưởng) as printed: the
// decision itself and, on the following pages, its annex listing every entry.
// Text may come in any Unicode normalisation form; it is printed in NFC with
// white space collapsed. Fields marked optional may be empty.
type Decision struct {
	Number   string     // "946/QĐ-UBND"; a number below 10 is printed with a leading zero ("05/QĐ-UBND")
	SignedOn civil.Date // 2023-05-31
	Place    string     // "Bắc Kạn"
	// GoverningBody is the issuing body's direct governing body, printed
	// upright above it (optional): "UBND TỈNH BẮC NINH" above "SỞ NỘI VỤ".
	GoverningBody string
	// IssuerName is the issuing body's full official name, printed bold:
	// "ỦY BAN NHÂN DÂN\nTỈNH BẮC KẠN"; a "\n" forces a line break, else a
	// line too long is balanced over two.
	IssuerName string
	// SignerTitle is the signer's authority as printed, one line each:
	// "CHỦ TỊCH", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH".
	SignerTitle string
	SignerName  string // "Nguyễn Văn A"
	// Authority is the heading above the preamble, the one who decides
	// ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"). Optional: by default the
	// first line of SignerTitle without "KT."/"Q." followed by IssuerName, or
	// IssuerName alone when SignerTitle starts with "TM." (a collective
	// decision).
	Authority string
	Title     string   // the subject: "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
	Preamble  []string // the "Căn cứ …" lines, each printed as its own paragraph
	// Achievement is appended to Article 1 (optional): "đã có thành tích
	// xuất sắc trong phong trào thi đua …".
	Achievement string
	// FundingSource is appended to Article 2 (optional): "từ nguồn Quỹ thi
	// đua, khen thưởng của tỉnh".
	FundingSource string
	// Executors heads Article 3 (optional; default "Thủ trưởng các cơ quan,
	// đơn vị có liên quan"): "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc
	// Sở Nội vụ".
	Executors string
	// Recipients is the "Nơi nhận" list printed at the bottom left, beside
	// the signature (optional): "Như Điều 3", "Lưu: VT, NC". Each line is
	// printed after "- " and ends with ";", the last one with ".".
	Recipients []string
	// AnnexTitle is the line under "DANH SÁCH" (optional; by default derived
	// from the entries: "TẬP THỂ, CÁ NHÂN ĐƯỢC TẶNG BẰNG KHEN …").
	AnnexTitle string
	Entries    []Entry
}

// Entry is one line of the annex.
type Entry struct {
	Ordinal              int    // STT as printed; 0 means its position (1-based)
	RecipientName        string // "Ông Nguyễn Văn A", "Phòng Nội vụ huyện Chợ Đồn"
	RecipientDescription string // position and unit: "Chuyên viên Sở Nội vụ"
	Collective           bool   // a collective (tập thể) rather than an individual or household
	AwardName            string // "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
	// Achievement heads a group of consecutive entries in the annex: a row
	// spanning the table is printed wherever it differs from the previous
	// entry's. Optional.
	Achievement string
	RewardVND   int64
}

func (d *Decision) normalize() error {
	d.Number, d.Place, d.SignerName = documentNumber(cleanPDF(d.Number)), cleanPDF(d.Place), cleanPDF(d.SignerName)
	d.GoverningBody = cleanPDF(d.GoverningBody)
	d.Title, d.Achievement, d.FundingSource = cleanPDF(d.Title), cleanPDF(d.Achievement), cleanPDF(d.FundingSource)
	d.Executors, d.AnnexTitle, d.Authority = cleanPDF(d.Executors), cleanPDF(d.AnnexTitle), cleanPDF(d.Authority)
	switch {
	case d.Number == "":
		return fmt.Errorf("%w: decision number is empty", ErrInvalidInput)
	case !d.SignedOn.Valid():
		return fmt.Errorf("%w: decision date %v is not a valid date", ErrInvalidInput, d.SignedOn)
	case len(cleanLines(d.IssuerName)) == 0:
		return fmt.Errorf("%w: issuer name is empty", ErrInvalidInput)
	case d.Title == "":
		return fmt.Errorf("%w: decision title is empty", ErrInvalidInput)
	case len(cleanLines(d.SignerTitle)) == 0:
		return fmt.Errorf("%w: signer title is empty", ErrInvalidInput)
	case d.SignerName == "":
		return fmt.Errorf("%w: signer name is empty", ErrInvalidInput)
	case len(d.Entries) == 0:
		return fmt.Errorf("%w: decision has no entries", ErrInvalidInput)
	}
	entries := make([]Entry, len(d.Entries))
	for i, e := range d.Entries {
		e.RecipientName, e.RecipientDescription = cleanPDF(e.RecipientName), cleanPDF(e.RecipientDescription)
		e.AwardName, e.Achievement = cleanPDF(e.AwardName), cleanPDF(e.Achievement)
		switch {
		case e.RecipientName == "":
			return fmt.Errorf("%w: entry %d: recipient name is empty", ErrInvalidInput, i+1)
		case e.AwardName == "":
			return fmt.Errorf("%w: entry %d: award name is empty", ErrInvalidInput, i+1)
		case e.RewardVND < 0:
			return fmt.Errorf("%w: entry %d: reward %d is negative", ErrInvalidInput, i+1, e.RewardVND)
		}
		if e.Ordinal == 0 {
			e.Ordinal = i + 1
		}
		entries[i] = e
	}
	d.Entries = entries
	preamble := make([]string, 0, len(d.Preamble))
	for _, p := range d.Preamble {
		if p = cleanPDF(p); p != "" {
			preamble = append(preamble, p)
		}
	}
	d.Preamble = preamble
	recipients := make([]string, 0, len(d.Recipients))
	for _, r := range d.Recipients {
		if r = strings.TrimRight(cleanPDF(r), ";.,: "); r != "" {
			recipients = append(recipients, r)
		}
	}
	for i := range recipients {
		if i == len(recipients)-1 {
			recipients[i] += "."
		} else {
			recipients[i] += ";"
		}
	}
	d.Recipients = recipients
	if d.Authority == "" {
		d.Authority = defaultAuthority(d.SignerTitle, d.IssuerName)
	}
	if d.Executors == "" {
		d.Executors = "Thủ trưởng các cơ quan, đơn vị có liên quan"
	}
	return nil
}

// documentNumber writes a document number below 10 with a leading zero, as
// Decree 30/2020/NĐ-CP asks: "5/QĐ-UBND" -> "05/QĐ-UBND".
func documentNumber(n string) string {
	i := strings.IndexFunc(n, func(r rune) bool { return r < '0' || r > '9' })
	if i == 1 || (i < 0 && len(n) == 1) {
		return "0" + n
	}
	return n
}

func defaultAuthority(signerTitle, issuer string) string {
	issuer = cleanPDF(issuer)
	first := cleanLines(signerTitle)[0]
	upperFirst := upper(first)
	switch {
	case strings.HasPrefix(upperFirst, "TM."):
		return issuer
	case strings.HasPrefix(upperFirst, "KT."), strings.HasPrefix(upperFirst, "Q."):
		first = strings.TrimSpace(first[strings.IndexByte(first, '.')+1:])
	}
	return first + " " + issuer
}

// awardCount is how many collectives and individuals receive one award.
type awardCount struct {
	name                     string
	collectives, individuals int
}

func recipientsPhrase(collectives, individuals int) string {
	switch {
	case collectives > 0 && individuals > 0:
		return strconv.Itoa(collectives) + " tập thể và " + strconv.Itoa(individuals) + " cá nhân"
	case collectives > 0:
		return strconv.Itoa(collectives) + " tập thể"
	default:
		return strconv.Itoa(individuals) + " cá nhân"
	}
}

func recipientsNoun(collectives, individuals int) string {
	switch {
	case collectives > 0 && individuals > 0:
		return "tập thể, cá nhân"
	case collectives > 0:
		return "tập thể"
	default:
		return "cá nhân"
	}
}

// decisionText is the wording derived from the entries.
type decisionText struct {
	articles   []string // bodies of Điều 1, 2, …
	annexTitle string
	total      int64
}

func composeDecision(d *Decision) decisionText {
	var (
		awards      []awardCount
		index       = map[string]int{}
		colls, inds int
		total       int64
	)
	for _, e := range d.Entries {
		i, ok := index[e.AwardName]
		if !ok {
			i = len(awards)
			index[e.AwardName] = i
			awards = append(awards, awardCount{name: e.AwardName})
		}
		if e.Collective {
			awards[i].collectives++
			colls++
		} else {
			awards[i].individuals++
			inds++
		}
		total += e.RewardVND
	}
	var t decisionText
	t.total = total
	noun := recipientsNoun(colls, inds)

	var art1 string
	if len(awards) == 1 {
		art1 = "Tặng " + awards[0].name + " cho " + recipientsPhrase(colls, inds) + " có tên trong danh sách kèm theo"
	} else {
		parts := make([]string, len(awards))
		for i, a := range awards {
			parts[i] = a.name + ": " + recipientsPhrase(a.collectives, a.individuals)
		}
		art1 = "Khen thưởng " + recipientsPhrase(colls, inds) + " có tên trong danh sách kèm theo, gồm: " + strings.Join(parts, "; ")
	}
	if d.Achievement != "" {
		art1 += ", " + d.Achievement
	}
	t.articles = append(t.articles, strings.TrimRight(art1, ".;, ")+".")

	if total > 0 {
		art2 := "Tiền thưởng kèm theo thực hiện theo quy định hiện hành, mức thưởng của từng " + noun +
			" theo danh sách kèm theo; tổng số tiền: " + formatVND(total) + " đồng (Bằng chữ: " + vndWords(total) + ")"
		if d.FundingSource != "" {
			art2 += ", " + d.FundingSource
		}
		t.articles = append(t.articles, strings.TrimRight(art2, ".;, ")+".")
	}

	t.articles = append(t.articles, "Quyết định này có hiệu lực kể từ ngày ký. "+d.Executors+
		" và các "+noun+" có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.")

	t.annexTitle = d.AnnexTitle
	if t.annexTitle == "" {
		if len(awards) == 1 {
			t.annexTitle = upper(noun + " được tặng " + awards[0].name)
		} else {
			t.annexTitle = upper(noun + " được khen thưởng")
		}
	}
	return t
}

// Layout of the decision: A4 portrait with the margins of Decree
// 30/2020/NĐ-CP, Appendix I, I.3 (top and bottom 20–25 mm, left 30–35 mm,
// right 15–20 mm).
const (
	decLeft, decTop, decRight, decBottom = 30.0, 20.0, 15.0, 20.0
	bodySize                             = 14.0
	tableSize                            = 11.0
	cellPadH, cellPadV                   = 1.2, 0.8
	pageNumberSize                       = 13.0
	headerLeftW                          = 68.0 // the issuer's column; the national name's takes the rest
)

// RenderDecision renders the decision and its annex as an A4 PDF: page 1
// the decision (header, subject, preamble, articles, signature and "Nơi
// nhận"), then the annex table on as many pages as the entries need, its
// header row repeated on every page.
//
// Pages are numbered as Decree 30/2020/NĐ-CP, Appendix I asks: the number
// centred in the top margin, none on the first page; the annex is numbered
// on its own from 1 (III.1.đ: "Số trang của Phụ lục được đánh số riêng"),
// and its first page, like the decision's, shows none [check: the decree
// does not say whether an annex shows the number of its first page].
func RenderDecision(d Decision) ([]byte, error) {
	if err := d.normalize(); err != nil {
		return nil, err
	}
	t := composeDecision(&d)
	doc := newPDFDoc(docInfo{
		orientation: "P",
		title:       "Quyết định số " + d.Number,
		subject:     d.Title,
		date:        d.SignedOn,
	}, decLeft, decTop, decRight, decBottom)
	f := doc.f
	sectionStart := 1 // the first page of the decision, then of the annex
	f.SetHeaderFunc(func() {
		if n := f.PageNo() - sectionStart + 1; n > 1 {
			doc.pageNumber(n)
		}
	})
	f.AddPage()

	doc.decisionHeader(&d)
	doc.decisionBody(&d, t)
	doc.signature(&d)

	sectionStart = f.PageNo() + 1
	f.AddPage()
	doc.annex(&d, t)
	return doc.bytes()
}

// pageNumber prints n upright, centred across the text area in the top
// margin.
func (doc *pdfDoc) pageNumber(n int) {
	doc.font(regular, pageNumberSize)
	h := lineHeight(pageNumberSize)
	doc.text(doc.left, (doc.top-h)/2, doc.contentWidth(), h, strconv.Itoa(n), "C")
}

// decisionHeader draws the two header blocks, the title and the subject.
// Left (Appendix I, II.2–3): the governing body upright, the issuing body
// bold with a rule under it of 2/5 of its longest line, the number; right
// (II.1, II.4): the national name, the motto with a rule of its length,
// the place and date.
func (doc *pdfDoc) decisionHeader(d *Decision) {
	const issuerSize = 12.5
	lw := headerLeftW
	lx, rx := doc.left, doc.left+headerLeftW
	rw := doc.pageW - doc.right - rx

	// Left: governing body, issuer, rule, number.
	y := doc.top
	if d.GoverningBody != "" {
		doc.font(regular, issuerSize)
		y = doc.centred(doc.balanced(d.GoverningBody, lw), lx, y, lw, regular, issuerSize)
	}
	doc.font(bold, issuerSize)
	issuer := doc.balanced(d.IssuerName, lw)
	y = doc.centred(issuer, lx, y, lw, bold, issuerSize)
	widest := 0.0
	for _, l := range issuer {
		widest = max(widest, doc.width(l))
	}
	doc.rule(lx+lw/2, y+0.8, min(widest, lw)*0.4)
	yl := y + 3

	// Right: national name and motto, rule under the motto.
	yr := doc.centred([]string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}, rx, doc.top, rw, bold, 12.5)
	yr = doc.centred([]string{"Độc lập - Tự do - Hạnh phúc"}, rx, yr, rw, bold, 13.5)
	doc.rule(rx+rw/2, yr+0.8, doc.width("Độc lập - Tự do - Hạnh phúc"))
	yr += 3

	y = max(yl, yr)
	doc.centred([]string{"Số: " + d.Number}, lx, y, lw, regular, 13)
	doc.centred([]string{placeDate(d.Place, d.SignedOn)}, rx, y, rw, italic, 13.5)
	y += lineHeight(13.5) + 8

	w := doc.contentWidth()
	y = doc.centred([]string{"QUYẾT ĐỊNH"}, doc.left, y, w, bold, bodySize)
	doc.font(bold, bodySize)
	title := doc.balanced(d.Title, w-20)
	y = doc.centred(title, doc.left, y, w, bold, bodySize)
	widest = 0
	for _, l := range title {
		widest = max(widest, doc.width(l))
	}
	doc.rule(doc.left+w/2, y+1, widest*0.4)
	y += 6
	doc.font(bold, bodySize)
	y = doc.centred(doc.balanced(d.Authority, w), doc.left, y, w, bold, bodySize)
	doc.f.SetY(y + 3)
}

func (doc *pdfDoc) decisionBody(d *Decision, t decisionText) {
	const indent = 10.0
	for _, p := range d.Preamble {
		doc.paragraph("", regular, p, italic, bodySize, indent)
		doc.f.SetY(doc.f.GetY() + 1)
	}
	doc.ensure(3 * lineHeight(bodySize))
	y := doc.f.GetY() + 2
	y = doc.centred([]string{"QUYẾT ĐỊNH:"}, doc.left, y, doc.contentWidth(), bold, bodySize)
	doc.f.SetY(y + 2)
	for i, a := range t.articles {
		lead := "Điều " + strconv.Itoa(i+1) + "."
		if i == len(t.articles)-1 {
			// Keep the last article with the signature: a signature alone
			// on a page is not accepted.
			if h := doc.paragraphHeight(lead, bold, a, regular, bodySize, indent) + doc.signatureHeight(d); !doc.fits(h) {
				doc.f.AddPage()
				doc.f.SetY(doc.top)
			}
		}
		doc.paragraph(lead, bold, a, regular, bodySize, indent)
		doc.f.SetY(doc.f.GetY() + 1.5)
	}
}

const (
	signatureGap = 26.0 // room for the signature and seal
	signerW      = 80.0 // the signer's column, at the right margin
	// Appendix I, II.9: "Nơi nhận:" bold italic 12, the list upright 11.
	recipientsHead, recipientsSize = 12.0, 11.0
)

// recipientLine is a printed line of the "Nơi nhận" list.
type recipientLine struct {
	text         string
	continuation bool // a further line of an item, printed under its text
}

// recipientsWidth is the width of the "Nơi nhận" column, left of the
// signer's.
func (doc *pdfDoc) recipientsWidth() float64 { return doc.contentWidth() - signerW - 4 }

// recipientLines wraps the "Nơi nhận" list into its column, each item
// after "- " at the left margin.
func (doc *pdfDoc) recipientLines(d *Decision) []recipientLine {
	doc.font(regular, recipientsSize)
	w := doc.recipientsWidth() - doc.width("- ")
	var out []recipientLine
	for _, r := range d.Recipients {
		for i, l := range doc.wrap(r, w, w) {
			if i == 0 {
				l = "- " + l
			}
			out = append(out, recipientLine{text: l, continuation: i > 0})
		}
	}
	return out
}

// signatureHeight is the height of the block signature draws.
func (doc *pdfDoc) signatureHeight(d *Decision) float64 {
	rightH := float64(len(cleanLines(d.SignerTitle)))*lineHeight(bodySize) + signatureGap + lineHeight(bodySize)
	leftH := 0.0
	if len(d.Recipients) > 0 {
		leftH = lineHeight(recipientsHead) + float64(len(doc.recipientLines(d)))*lineHeight(recipientsSize)
	}
	return 4 + max(leftH, rightH)
}

// signature draws the signer's block at the right (authority, room for the
// signature and seal, name) and, beside it at the left margin, the "Nơi
// nhận" list, its heading level with the signer's first line (Appendix I,
// II.9); both are kept together on one page.
func (doc *pdfDoc) signature(d *Decision) {
	titleLines := cleanLines(d.SignerTitle)
	doc.ensure(doc.signatureHeight(d))
	y0 := doc.f.GetY() + 4
	leftH := 0.0

	if len(d.Recipients) > 0 {
		lines := doc.recipientLines(d)
		// Centre the heading's line on the signer's first line.
		y := y0 + (lineHeight(bodySize)-lineHeight(recipientsHead))/2
		doc.font(boldItalic, recipientsHead)
		doc.text(doc.left, y, doc.width("Nơi nhận:")+1, lineHeight(recipientsHead), "Nơi nhận:", "L")
		y += lineHeight(recipientsHead)
		doc.font(regular, recipientsSize)
		indent, w := doc.width("- "), doc.recipientsWidth()
		for _, l := range lines {
			x := doc.left
			if l.continuation {
				x += indent
			}
			doc.text(x, y, w-(x-doc.left), lineHeight(recipientsSize), l.text, "L")
			y += lineHeight(recipientsSize)
		}
		leftH = y - y0
	}

	rx := doc.pageW - doc.right - signerW
	y := doc.centred(titleLines, rx, y0, signerW, bold, bodySize)
	y = doc.centred([]string{d.SignerName}, rx, y+signatureGap, signerW, bold, bodySize)
	doc.f.SetY(max(y, y0+leftH))
}

// column of the annex table.
type column struct {
	title  string
	width  float64
	align  string
	noWrap bool // a number: never wrapped, set smaller if too wide
}

var annexColumns = []column{
	{"STT", 11, "C", true},
	{"Họ và tên / Tên tập thể", 41, "L", false},
	{"Chức vụ – đơn vị", 50, "L", false},
	{"Hình thức", 41, "L", false},
	{"Số tiền (VND)", 22, "R", true},
}

func (doc *pdfDoc) annex(d *Decision, t decisionText) {
	w := doc.contentWidth()
	y := doc.centred([]string{"DANH SÁCH"}, doc.left, doc.top, w, bold, bodySize)
	doc.font(bold, 13)
	y = doc.centred(doc.balanced(t.annexTitle, w-10), doc.left, y, w, bold, 13)
	doc.font(italic, 13)
	ref := "(Kèm theo Quyết định số " + d.Number + " ngày " + shortDate(d.SignedOn) + ")"
	y = doc.centred(doc.wrap(ref, w, w), doc.left, y, w, italic, 13)
	doc.rule(doc.left+w/2, y+1.5, 40)
	doc.f.SetY(y + 5)

	header := make([]string, len(annexColumns))
	for i, c := range annexColumns {
		header[i] = c.title
	}
	doc.tableRow(header, bold, true)
	prevAchievement := ""
	for _, e := range d.Entries {
		if e.Achievement != "" && e.Achievement != prevAchievement {
			doc.spanRow(e.Achievement, header)
		}
		prevAchievement = e.Achievement
		amount := ""
		if e.RewardVND > 0 {
			amount = formatVND(e.RewardVND)
		}
		if !doc.fits(doc.rowHeight([]string{"", e.RecipientName, e.RecipientDescription, e.AwardName, amount}, regular, false)) {
			doc.newTablePage(header)
		}
		doc.tableRow([]string{strconv.Itoa(e.Ordinal), e.RecipientName, e.RecipientDescription, e.AwardName, amount}, regular, false)
	}
	total := []string{"", "Tổng cộng", recipientsPhrase(countKinds(d.Entries)), "", formatVND(t.total)}
	if !doc.fits(doc.rowHeight(total, bold, false)) {
		doc.newTablePage(header)
	}
	doc.tableRow(total, bold, false)
}

func countKinds(entries []Entry) (collectives, individuals int) {
	for _, e := range entries {
		if e.Collective {
			collectives++
		} else {
			individuals++
		}
	}
	return collectives, individuals
}

func (doc *pdfDoc) fits(h float64) bool { return doc.f.GetY()+h <= doc.pageH-doc.bottom }

func (doc *pdfDoc) newTablePage(header []string) {
	doc.f.AddPage()
	doc.f.SetY(doc.top)
	doc.tableRow(header, bold, true)
}

// cellLines wraps the cells of a row in their columns.
func (doc *pdfDoc) cellLines(cells []string, st style, header bool) [][]string {
	doc.font(st, tableSize)
	out := make([][]string, len(cells))
	for i, c := range cells {
		inner := annexColumns[i].width - 2*cellPadH
		if annexColumns[i].noWrap && !header {
			out[i] = []string{c}
			continue
		}
		out[i] = doc.wrap(c, inner, inner)
	}
	return out
}

func (doc *pdfDoc) rowHeight(cells []string, st style, header bool) float64 {
	n := 1
	for _, l := range doc.cellLines(cells, st, header) {
		n = max(n, len(l))
	}
	return float64(n)*lineHeight(tableSize) + 2*cellPadV
}

// tableRow draws one bordered row at the current y, each cell's lines
// vertically centred, and moves below it.
func (doc *pdfDoc) tableRow(cells []string, st style, header bool) {
	lines := doc.cellLines(cells, st, header)
	h := doc.rowHeight(cells, st, header)
	lh := lineHeight(tableSize)
	y, x := doc.f.GetY(), doc.left
	doc.f.SetLineWidth(0.2)
	if header {
		doc.f.SetFillColor(235, 235, 235)
	}
	for i, c := range annexColumns {
		if header {
			doc.f.Rect(x, y, c.width, h, "FD")
		} else {
			doc.f.Rect(x, y, c.width, h, "D")
		}
		align := c.align
		if header {
			align = "C"
		}
		ly := y + (h-float64(len(lines[i]))*lh)/2
		for _, l := range lines[i] {
			if c.noWrap && !header {
				doc.fitSize([]string{l}, c.width-2*cellPadH, st, tableSize, 7)
			}
			doc.text(x+cellPadH, ly, c.width-2*cellPadH, lh, l, align)
			doc.font(st, tableSize)
			ly += lh
		}
		x += c.width
	}
	if header {
		// Back to the text's colour: while the fill colour differs from
		// it, fpdf wraps every piece of text in a colour change.
		doc.f.SetFillColor(0, 0, 0)
	}
	doc.f.SetY(y + h)
}

// spanRow draws a row across the whole table heading a group of entries.
func (doc *pdfDoc) spanRow(text string, header []string) {
	w := doc.contentWidth()
	doc.font(italic, tableSize)
	lines := doc.wrap(text, w-2*cellPadH, w-2*cellPadH)
	lh := lineHeight(tableSize)
	h := float64(len(lines))*lh + 2*cellPadV
	// keep the heading with at least one entry below it
	if !doc.fits(h + lh + 2*cellPadV) {
		doc.newTablePage(header)
	}
	y := doc.f.GetY()
	doc.f.SetLineWidth(0.2)
	doc.f.Rect(doc.left, y, w, h, "D")
	doc.font(italic, tableSize)
	for i, l := range lines {
		doc.text(doc.left+cellPadH, y+cellPadV+float64(i)*lh, w-2*cellPadH, lh, l, "L")
	}
	doc.f.SetY(y + h)
}
