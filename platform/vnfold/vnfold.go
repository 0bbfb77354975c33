// Package vnfold normalises, folds and orders Vietnamese text.
//
// Vietnamese names reach the system in many shapes: precomposed (NFC) or
// decomposed (NFD) Unicode, with stray spaces, in upper or lower case, with
// or without diacritics. The functions here give one canonical spelling to
// store (Normalize), one accent- and case-insensitive key to search
// (Fold, EscapeLike) and the Vietnamese alphabetical order to sort
// (Compare, SortKey: a ă â b c d đ e ê …, tones at the secondary level).
package vnfold

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Normalize returns s in Unicode NFC with leading and trailing white space
// removed and every inner run of white space replaced by a single ASCII
// space. Invalid UTF-8 bytes become U+FFFD, so the result is always valid
// UTF-8. Store user-entered text in this form.
func Normalize(s string) string {
	if isNormal(s) {
		return s // most text arrives normalised: no copy
	}
	s = strings.ToValidUTF8(s, string(utf8.RuneError))
	// Collapse before composing: NFC never turns a non-space into a space,
	// so the result stays trimmed and collapsed.
	return norm.NFC.String(strings.Join(strings.Fields(s), " "))
}

// isNormal reports whether Normalize would return s as it is: valid UTF-8
// in NFC whose only white space is single ASCII spaces between words.
func isNormal(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return false
	}
	for _, r := range s {
		if r == utf8.RuneError || (r != ' ' && unicode.IsSpace(r)) {
			return false // RuneError: invalid UTF-8, or U+FFFD itself (kept either way)
		}
	}
	return norm.NFC.IsNormalString(s)
}

// Fold returns a search key for s: normalised, lower-case, without
// diacritics (every nonspacing mark, category Mn, is dropped) and with đ/Đ
// spelled d. "Nguyễn Văn Khoa" and "NGUYEN  van khoa" both fold to
// "nguyen van khoa". Fold is idempotent: Fold(Fold(s)) == Fold(s).
func Fold(s string) string {
	s = strings.ToLower(strings.ToValidUTF8(s, string(utf8.RuneError)))
	t := stripMarks.Get().(transform.Transformer)
	stripped, _, err := transform.String(t, s) // String resets t first
	stripMarks.Put(t)
	if err != nil {
		// The transformers in the chain do not fail on valid UTF-8; keep the
		// lower-cased text rather than lose the input.
		stripped = s
	}
	stripped = strings.Map(func(r rune) rune {
		if r == 'đ' || r == 'Đ' {
			return 'd'
		}
		return r
	}, stripped)
	// Normalize last: dropping a mark that stood between two spaces leaves a
	// double space behind.
	return Normalize(stripped)
}

// stripMarks holds transformers that decompose text and drop its
// nonspacing marks. A Transformer keeps state, so one serves one call at a
// time; building a chain costs more than folding a name, so they are kept.
var stripMarks = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// EscapeLike escapes \, % and _ in s so that it matches literally inside a
// SQL LIKE pattern written with ESCAPE '\'. Example:
//
//	"%" + vnfold.EscapeLike(vnfold.Fold(query)) + "%"
func EscapeLike(s string) string {
	if !strings.ContainsAny(s, `\%_`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	for _, r := range s {
		switch r {
		case '\\', '%', '_':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// collators holds Vietnamese collators, each with a key buffer: a
// *collate.Collator keeps internal buffers and must not be used by two
// goroutines at once, and a collate.Buffer is 4 KiB, too much to allocate
// for every key.
var collators = sync.Pool{
	New: func() any { return &collator{Collator: collate.New(language.Vietnamese)} },
}

type collator struct {
	*collate.Collator
	buf collate.Buffer
}

// Compare compares a and b in Vietnamese alphabetical order and returns -1,
// 0 or +1. Base letters decide first (a < ă < â < b … d < đ …), then tones
// and other accents, then case. Strings that differ only in their Unicode
// normal form compare equal. Safe for concurrent use.
func Compare(a, b string) int {
	c := collators.Get().(*collator)
	defer collators.Put(c)
	return c.CompareString(a, b)
}

// SortKey returns a binary key for s such that bytes.Compare on two keys
// orders their strings as Compare does. Store it in a BLOB/bytea column to
// sort by Vietnamese order in SQL. Safe for concurrent use.
func SortKey(s string) []byte {
	c := collators.Get().(*collator)
	defer collators.Put(c)
	c.buf.Reset()
	key := c.KeyFromString(&c.buf, s)
	// key aliases the buffer; hand back a copy the caller owns.
	return append([]byte(nil), key...)
}
