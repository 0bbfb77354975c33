package document

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
)

// clean returns s as one NFC line: trimmed, inner white space collapsed,
// control and format characters (NUL, zero-width space…) removed: XML
// cannot carry most of them and they print as nothing.
func clean(s string) string {
	s = vnfold.Normalize(s)
	if strings.IndexFunc(s, invisible) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, s)
}

func invisible(r rune) bool { return unicode.In(r, unicode.Cc, unicode.Cf) }

// cleanPDF is clean for text drawn in a PDF: the PDF writer knows only the
// Basic Multilingual Plane, so a rune beyond it (an emoji) becomes U+FFFD,
// drawn as the font's missing-glyph box.
func cleanPDF(s string) string {
	s = clean(s)
	if strings.IndexFunc(s, func(r rune) bool { return r > 0xFFFF }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return utf8.RuneError
		}
		return r
	}, s)
}

// cleanLines splits s at line breaks and cleans each line, dropping empty
// ones: fields such as a signer title may carry an explicit line break
// ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH").
func cleanLines(s string) []string {
	var out []string
	for line := range strings.Lines(s) {
		if l := cleanPDF(line); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// placeDate writes the place and date line of an administrative document as
// Decree 30/2020/NĐ-CP prescribes: days below 10 and the months January and
// February take a leading zero ("Bắc Kạn, ngày 05 tháng 02 năm 2024",
// "Bắc Kạn, ngày 31 tháng 5 năm 2023").
func placeDate(place string, d civil.Date) string {
	day := strconv.Itoa(d.Day)
	if d.Day < 10 {
		day = "0" + day
	}
	month := strconv.Itoa(int(d.Month))
	if d.Month < 3 {
		month = "0" + month
	}
	s := "ngày " + day + " tháng " + month + " năm " + strconv.Itoa(d.Year)
	if place = clean(place); place != "" {
		s = place + ", " + s
	}
	return s
}

// shortDate writes d as dd/mm/yyyy (31/05/2023).
func shortDate(d civil.Date) string {
	return twoDigits(d.Day) + "/" + twoDigits(int(d.Month)) + "/" + strconv.Itoa(d.Year)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// formatVND writes an amount the Vietnamese way, with '.' between groups of
// three digits: 1490000 -> "1.490.000".
func formatVND(n int64) string {
	digits := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

var digitWords = [10]string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// vndWords spells a non-negative amount in Vietnamese words with the first
// letter capitalised and "đồng" at the end, as the "Bằng chữ" of a money
// article: 166880000 -> "Một trăm sáu mươi sáu triệu tám trăm tám mươi nghìn
// đồng". Callers reject negative amounts before.
func vndWords(n int64) string {
	words := spell(uint64(max(n, 0)), true)
	if len(words) == 0 {
		words = []string{digitWords[0]}
	}
	s := strings.Join(append(words, "đồng"), " ")
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// spell returns the words of n; leading tells whether nothing precedes n
// (so that no "không trăm" or "linh" is needed in front).
func spell(n uint64, leading bool) []string {
	const billion = 1_000_000_000
	if n >= billion {
		words := append(spell(n/billion, leading), "tỷ")
		return append(words, spell(n%billion, false)...)
	}
	var words []string
	for _, g := range []struct {
		div   uint64
		scale string
	}{{1_000_000, "triệu"}, {1_000, "nghìn"}, {1, ""}} {
		group := n / g.div % 1000
		if group == 0 {
			continue
		}
		words = append(words, spellGroup(int(group), leading)...)
		if g.scale != "" {
			words = append(words, g.scale)
		}
		leading = false
	}
	return words
}

// spellGroup spells 1..999; a group that is not leading reads its hundreds
// even when zero ("một nghìn không trăm linh năm").
func spellGroup(g int, leading bool) []string {
	h, t, u := g/100, g/10%10, g%10
	var w []string
	if h > 0 || !leading {
		w = append(w, digitWords[h], "trăm")
	}
	switch {
	case t == 0 && u > 0 && len(w) > 0:
		w = append(w, "linh")
	case t == 1:
		w = append(w, "mười")
	case t > 1:
		w = append(w, digitWords[t], "mươi")
	}
	switch {
	case u == 0:
	case u == 1 && t > 1:
		w = append(w, "mốt")
	case u == 5 && t > 0:
		w = append(w, "lăm")
	default:
		w = append(w, digitWords[u])
	}
	return w
}

// upper upper-cases Vietnamese text (Unicode case mapping keeps the tone
// marks: "Bằng khen" -> "BẰNG KHEN").
func upper(s string) string { return strings.ToUpper(s) }
