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
	Number      string     // "946/QĐ-UBND"
	SignedOn    civil.Date // 2023-05-31
	Place       string     // "Bắc Kạn"
	IssuerName  string     // "ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"; a "\n" forces the line break, else it is balanced
	SignerTitle string     // "CHỦ TỊCH", or "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
	SignerName  string     // "Nguyễn Văn A"
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
	// Recipients is the "Nơi nhận" list printed left of the signature
	// (optional): "Như Điều 3;", "Lưu: VT, NC."
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
	d.Number, d.Place, d.SignerName = cleanPDF(d.Number), cleanPDF(d.Place), cleanPDF(d.SignerName)
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
		if r = cleanPDF(r); r != "" {
			recipients = append(recipients, r)
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

// Layout of the decision (A4 portrait, margins of Decree 30/2020/NĐ-CP).
const (
	decLeft, decTop, decRight, decBottom = 30.0, 20.0, 15.0, 20.0
	bodySize                             = 14.0
	tableSize                            = 11.0
	cellPadH, cellPadV                   = 1.2, 0.8
)

// RenderDecision renders the decision and its annex as an A4 PDF: page 1
// the decision (header, subject, preamble, articles, signature), then the
// annex table on as many pages as the entries need, its header row repeated
// on every page, and "Trang n/N" at the foot of each page.
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
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		doc.font(italic, 10)
		doc.text(doc.left, doc.pageH-12, doc.contentWidth(), 5, fmt.Sprintf("Trang %d/{nb}", f.PageNo()), "C")
	})
	f.AddPage()

	doc.decisionHeader(&d)
	doc.decisionBody(&d, t)
	doc.signature(&d)

	f.AddPage()
	doc.annex(&d, t)
	return doc.bytes()
}

// decisionHeader draws the two header blocks, the title and the subject.
func (doc *pdfDoc) decisionHeader(d *Decision) {
	const leftW = 72.0
	lx, rx := doc.left-8, doc.left+leftW-8
	rw := doc.pageW - doc.right - rx + 4

	// Left: issuer, rule, number.
	doc.font(bold, 12.5)
	issuer := doc.balanced(d.IssuerName, leftW)
	y := doc.centred(issuer, lx, doc.top, leftW, bold, 12.5)
	doc.rule(lx+leftW/2, y+0.8, 24)
	yl := y + 3

	// Right: national name and motto, rule under the motto.
	yr := doc.centred([]string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}, rx, doc.top, rw, bold, 12.5)
	yr = doc.centred([]string{"Độc lập - Tự do - Hạnh phúc"}, rx, yr, rw, bold, 13.5)
	doc.rule(rx+rw/2, yr+0.8, doc.width("Độc lập - Tự do - Hạnh phúc"))
	yr += 3

	y = max(yl, yr)
	doc.centred([]string{"Số: " + d.Number}, lx, y, leftW, regular, 13)
	doc.centred([]string{placeDate(d.Place, d.SignedOn)}, rx, y, rw, italic, 13.5)
	y += lineHeight(13.5) + 8

	w := doc.contentWidth()
	y = doc.centred([]string{"QUYẾT ĐỊNH"}, doc.left, y, w, bold, bodySize)
	doc.font(bold, bodySize)
	y = doc.centred(doc.balanced(d.Title, w-20), doc.left, y, w, bold, bodySize)
	doc.rule(doc.left+w/2, y+1, 40)
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

const signatureGap = 26.0 // room for the signature and seal

// signatureHeight is the height of the block signature draws.
func (doc *pdfDoc) signatureHeight(d *Decision) float64 {
	rightH := float64(len(cleanLines(d.SignerTitle)))*lineHeight(bodySize) + signatureGap + lineHeight(bodySize)
	leftH := 0.0
	if len(d.Recipients) > 0 {
		leftH = lineHeight(12) + float64(len(d.Recipients))*lineHeight(11)
	}
	return 4 + max(leftH, rightH)
}

// signature draws the "Nơi nhận" list (left) and the signer block (right),
// kept together on one page.
func (doc *pdfDoc) signature(d *Decision) {
	titleLines := cleanLines(d.SignerTitle)
	doc.ensure(doc.signatureHeight(d))
	y0 := doc.f.GetY() + 4
	leftH := 0.0

	if len(d.Recipients) > 0 {
		doc.font(bold, 12)
		doc.text(doc.left, y0, 70, lineHeight(12), "Nơi nhận:", "L")
		y := y0 + lineHeight(12)
		doc.font(regular, 11)
		for _, r := range d.Recipients {
			doc.text(doc.left, y, 75, lineHeight(11), "- "+r, "L")
			y += lineHeight(11)
		}
		leftH = y - y0
	}

	const rw = 80.0
	rx := doc.pageW - doc.right - rw
	y := doc.centred(titleLines, rx, y0, rw, bold, bodySize)
	y = doc.centred([]string{d.SignerName}, rx, y+signatureGap, rw, bold, bodySize)
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
