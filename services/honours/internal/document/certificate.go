package document

import (
	"fmt"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

// Certificate is the printed award (Bằng khen, Giấy chứng nhận danh hiệu)
// of one honour. Text may come in any normalisation form; it is printed in
// NFC with white space collapsed.
type Certificate struct {
	AwardHeading         string     // "TẶNG BẰNG KHEN" or "TẶNG DANH HIỆU"
	IssuerTitle          string     // "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"
	AwardName            string     // printed under a "TẶNG DANH HIỆU" heading ("Chiến sĩ thi đua cấp tỉnh"); a commendation's heading already names it
	RecipientName        string     // "Ông Nguyễn Văn A", "Phòng Nội vụ huyện Chợ Đồn"
	RecipientDescription string     // position and unit (optional)
	Achievement          string     // "Đã có thành tích xuất sắc trong …" (optional)
	DecisionNumber       string     // "946/QĐ-UBND"
	DecisionDate         civil.Date // 2023-05-31
	Place                string     // "Bắc Kạn"
	SignerTitle          string     // "CHỦ TỊCH", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" (optional)
	SignerName           string
	GoldenBookNumber     string // số vào sổ vàng (optional)
}

func (c *Certificate) normalize() error {
	c.AwardHeading, c.IssuerTitle, c.AwardName = cleanPDF(c.AwardHeading), cleanPDF(c.IssuerTitle), cleanPDF(c.AwardName)
	c.RecipientName, c.RecipientDescription = cleanPDF(c.RecipientName), cleanPDF(c.RecipientDescription)
	c.Achievement, c.DecisionNumber, c.Place = cleanPDF(c.Achievement), cleanPDF(c.DecisionNumber), cleanPDF(c.Place)
	c.SignerName, c.GoldenBookNumber = cleanPDF(c.SignerName), cleanPDF(c.GoldenBookNumber)
	switch {
	case c.AwardHeading == "":
		return fmt.Errorf("%w: award heading is empty", ErrInvalidInput)
	case c.IssuerTitle == "":
		return fmt.Errorf("%w: issuer title is empty", ErrInvalidInput)
	case c.RecipientName == "":
		return fmt.Errorf("%w: recipient name is empty", ErrInvalidInput)
	case c.DecisionNumber == "":
		return fmt.Errorf("%w: decision number is empty", ErrInvalidInput)
	case !c.DecisionDate.Valid():
		return fmt.Errorf("%w: decision date %v is not a valid date", ErrInvalidInput, c.DecisionDate)
	case c.SignerName == "":
		return fmt.Errorf("%w: signer name is empty", ErrInvalidInput)
	case isTitleHeading(c.AwardHeading) && c.AwardName == "":
		return fmt.Errorf("%w: award name is empty under %q", ErrInvalidInput, c.AwardHeading)
	}
	return nil
}

// textBlock is a group of centred lines of the certificate.
type textBlock struct {
	lines  []string
	st     style
	size   float64
	before float64 // space above, mm
	red    bool
}

func blocksHeight(blocks []textBlock) float64 {
	h := 0.0
	for _, b := range blocks {
		h += b.before + float64(len(b.lines))*lineHeight(b.size)
	}
	return h
}

// isTitleHeading reports a heading that names no award by itself ("TẶNG
// DANH HIỆU"), so the award name follows it.
func isTitleHeading(h string) bool { return strings.HasSuffix(upper(h), "DANH HIỆU") }

// Colours of the certificate.
var (
	certRed  = [3]int{170, 20, 20}
	certGold = [3]int{184, 134, 11}
)

// RenderCertificate renders one award certificate on a landscape A4 page:
// a double frame; the national name and motto; the issuer's title; the
// heading in large red capitals (and, for a title, its name); the
// recipient, their position and unit, and the achievement; at the foot, left,
// the decision number and date and the golden-book number, right, the place
// and date, the signer's title and name.
func RenderCertificate(c Certificate) ([]byte, error) {
	if err := c.normalize(); err != nil {
		return nil, err
	}
	doc := newPDFDoc(docInfo{
		orientation: "L",
		title:       upper(c.AwardHeading) + " – " + c.RecipientName,
		subject:     "Quyết định số " + c.DecisionNumber,
		date:        c.DecisionDate,
	}, 25, 20, 25, 18)
	f := doc.f
	f.AddPage()

	// Frame: a thick red line and a thin gold one inside it.
	f.SetDrawColor(certRed[0], certRed[1], certRed[2])
	f.SetLineWidth(1.6)
	f.Rect(8, 8, doc.pageW-16, doc.pageH-16, "D")
	f.SetDrawColor(certGold[0], certGold[1], certGold[2])
	f.SetLineWidth(0.5)
	f.Rect(11.5, 11.5, doc.pageW-23, doc.pageH-23, "D")
	f.SetDrawColor(0, 0, 0)

	x, w := doc.left, doc.contentWidth()
	cx := x + w/2
	y := doc.centred([]string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}, x, 18, w, bold, 14)
	y = doc.centred([]string{"Độc lập - Tự do - Hạnh phúc"}, x, y, w, bold, 15)
	doc.font(bold, 15)
	doc.rule(cx, y+0.8, doc.width("Độc lập - Tự do - Hạnh phúc"))
	y += 7

	doc.font(bold, 17)
	y = doc.centred(doc.balanced(c.IssuerTitle, w-40), x, y, w, bold, 17)
	y += 3

	// The middle: heading, recipient and achievement, centred vertically
	// between the issuer and the foot; a long achievement is set smaller.
	const footTop = 150.0
	var blocks []textBlock
	blocks = append(blocks, textBlock{lines: []string{upper(c.AwardHeading)}, st: bold, size: 36, red: true})
	if isTitleHeading(c.AwardHeading) {
		doc.font(bold, 24)
		blocks = append(blocks, textBlock{lines: doc.balanced(upper(c.AwardName), w-20), st: bold, size: 24, red: true})
	}
	doc.font(bold, 22)
	blocks = append(blocks, textBlock{lines: doc.balanced(c.RecipientName, w-20), st: bold, size: 22, before: 4})
	if c.RecipientDescription != "" {
		doc.font(regular, 15)
		blocks = append(blocks, textBlock{lines: doc.wrap(c.RecipientDescription, w-40, w-40), st: regular, size: 15, before: 1})
	}
	if c.Achievement != "" {
		used := blocksHeight(blocks)
		ach := textBlock{st: italic, before: 4}
		for ach.size = 16; ach.size >= 11; ach.size -= 0.5 {
			doc.font(italic, ach.size)
			ach.lines = doc.wrap(c.Achievement, w-30, w-30)
			if used+blocksHeight([]textBlock{ach}) <= footTop-y-2 {
				break
			}
		}
		blocks = append(blocks, ach)
	}
	y += max(0, (footTop-y-blocksHeight(blocks))/2)
	for _, b := range blocks {
		if b.red {
			f.SetTextColor(certRed[0], certRed[1], certRed[2])
		}
		y = doc.centred(b.lines, x, y+b.before, w, b.st, b.size)
		f.SetTextColor(0, 0, 0)
	}

	// Foot, left: decision and golden book.
	const lw = 105.0
	doc.font(regular, 13)
	lh := lineHeight(13)
	ly := footTop + lineHeight(14)
	doc.text(x+5, ly, lw, lh, "Quyết định số: "+c.DecisionNumber, "L")
	ly += lh
	doc.text(x+5, ly, lw, lh, "ngày "+shortDate(c.DecisionDate), "L")
	ly += lh
	if c.GoldenBookNumber != "" {
		doc.text(x+5, ly, lw, lh, "Số vào sổ vàng: "+c.GoldenBookNumber, "L")
	}

	// Foot, right: place and date, signer.
	const rw = 110.0
	rx := doc.pageW - doc.right - rw
	ry := doc.centred([]string{placeDate(c.Place, c.DecisionDate)}, rx, footTop, rw, italic, 14)
	if lines := cleanLines(c.SignerTitle); len(lines) > 0 {
		ry = doc.centred(lines, rx, ry, rw, bold, 14)
	}
	ry = max(ry+22, doc.pageH-30)
	doc.centred([]string{c.SignerName}, rx, ry, rw, bold, 15)
	return doc.bytes()
}
