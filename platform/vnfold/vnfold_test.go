package vnfold_test

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"only spaces", " \t\n ", ""},
		{"already clean", "Đắk Lắk", "Đắk Lắk"},
		{"trim and collapse", "  Nguyễn \t Văn\u00a0\u00a0Khoa \n", "Nguyễn Văn Khoa"},
		{"NFD to NFC", norm.NFD.String("Nguyễn Văn Khoa"), "Nguyễn Văn Khoa"},
		{"invalid UTF-8", "a\xffb", "a\ufffdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := vnfold.Normalize(tt.in)
			require.Equal(t, tt.want, got)
			require.True(t, norm.NFC.IsNormalString(got))
		})
	}
}

func TestNormalizeDecomposedIsNFC(t *testing.T) {
	in := "Nguye\u0302\u0303n" // e + circumflex + tilde
	require.NotEqual(t, "Nguyễn", in)
	require.Equal(t, "Nguyễn", vnfold.Normalize(in))
}

func TestFold(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Nguyễn Văn Khoa", "nguyen van khoa"},
		{"Đắk Lắk", "dak lak"},
		{"đồng ĐỒNG", "dong dong"},
		{"  Thừa   Thiên\tHuế ", "thua thien hue"},
		{norm.NFD.String("Bà Rịa – Vũng Tàu"), "ba ria – vung tau"},
		{"Ủy ban nhân dân", "uy ban nhan dan"},
		{"ƯƠNG Ơ", "uong o"},
		{"", ""},
		{"a \u0301 b", "a b"}, // a lone mark between spaces must not leave two spaces
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := vnfold.Fold(tt.in)
			require.Equal(t, tt.want, got)
			require.Equal(t, got, vnfold.Fold(got), "idempotent")
		})
	}
}

func TestEscapeLike(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"nguyen", "nguyen"},
		{"100%", `100\%`},
		{"a_b", `a\_b`},
		{`c:\x`, `c:\\x`},
		{`%_\`, `\%\_\\`},
		{"Đắk_Lắk", `Đắk\_Lắk`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			require.Equal(t, tt.want, vnfold.EscapeLike(tt.in))
		})
	}
}

func TestCompareVietnameseOrder(t *testing.T) {
	want := []string{"An", "Ăn", "Ân", "Bắc Ninh", "Dung", "Đà Nẵng", "Yên Bái"}
	in := []string{"Yên Bái", "Ân", "An", "Ăn", "Bắc Ninh", "Đà Nẵng", "Dung"}

	got := slices.Clone(in)
	slices.SortFunc(got, vnfold.Compare)
	require.Equal(t, want, got)

	byKey := slices.Clone(in)
	slices.SortFunc(byKey, func(a, b string) int {
		return bytes.Compare(vnfold.SortKey(a), vnfold.SortKey(b))
	})
	require.Equal(t, want, byKey)
}

func TestCompareLetters(t *testing.T) {
	// Each pair is in strictly increasing Vietnamese order.
	tests := []struct{ a, b string }{
		{"a", "ă"}, {"ă", "â"}, {"â", "b"},
		{"d", "đ"}, {"đ", "e"}, {"e", "ê"}, {"ê", "g"},
		{"o", "ô"}, {"ô", "ơ"}, {"ơ", "p"},
		{"u", "ư"}, {"ư", "v"},
		{"dz", "đa"}, // the letter decides before later letters
		{"ma", "má"}, // tone is secondary: base letters equal, then tone
		{"má", "mb"}, // ... and loses to a later base letter
	}
	for _, tt := range tests {
		t.Run(tt.a+"<"+tt.b, func(t *testing.T) {
			require.Equal(t, -1, vnfold.Compare(tt.a, tt.b))
			require.Equal(t, 1, vnfold.Compare(tt.b, tt.a))
			require.Equal(t, -1, bytes.Compare(vnfold.SortKey(tt.a), vnfold.SortKey(tt.b)))
		})
	}
}

func TestCompareNormalForms(t *testing.T) {
	s := "Nguyễn Văn Khoa"
	require.Zero(t, vnfold.Compare(s, norm.NFD.String(s)))
	require.Equal(t, vnfold.SortKey(s), vnfold.SortKey(norm.NFD.String(s)))
}

// vietnameseRunes are the letters (both cases), tone-marked vowels, a space
// and a digit from which random test strings are drawn.
var vietnameseRunes = []rune("aăâbcdđeêghiklmnoôơpqrstuưvxy" +
	"AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY" +
	"àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ" +
	"ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ 0")

func randomVietnamese(r *rand.Rand) string {
	n := r.IntN(8)
	var b strings.Builder
	for range n {
		b.WriteRune(vietnameseRunes[r.IntN(len(vietnameseRunes))])
	}
	s := b.String()
	if r.IntN(4) == 0 {
		s = norm.NFD.String(s)
	}
	return s
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// TestSortKeyAgreesWithCompare is a property test: for random Vietnamese
// strings, comparing sort keys gives the same answer as Compare.
func TestSortKeyAgreesWithCompare(t *testing.T) {
	r := rand.New(rand.NewPCG(20250101, 42))
	for range 20000 {
		a, b := randomVietnamese(r), randomVietnamese(r)
		if r.IntN(10) == 0 {
			b = a // exercise equality
		}
		want := vnfold.Compare(a, b)
		got := sign(bytes.Compare(vnfold.SortKey(a), vnfold.SortKey(b)))
		require.Equalf(t, want, got, "Compare(%q, %q)", a, b)
		require.Equalf(t, -want, vnfold.Compare(b, a), "antisymmetry for %q, %q", a, b)
	}
}

func TestConcurrentUse(t *testing.T) {
	want := vnfold.SortKey("Đà Nẵng")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 500 {
				if !bytes.Equal(want, vnfold.SortKey("Đà Nẵng")) || vnfold.Compare("Ân", "Ăn") != 1 {
					t.Error("concurrent collation gave a different answer")
					return
				}
			}
		})
	}
	wg.Wait()
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", " a  b ", "Nguyễn Văn Khoa", norm.NFD.String("Đắk Lắk"), "a\xffb", "\u0301 x", "\u2000\u00a0", "a\tb", "a\u00a0b", "e\u0301", "\ufffd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := vnfold.Normalize(s)
		// The definition, which Normalize skips for text already normal.
		if want := norm.NFC.String(strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")); got != want {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, want)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, got)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Fatalf("Normalize(%q) = %q: not NFC", s, got)
		}
		if again := vnfold.Normalize(got); again != got {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q", s, got, again)
		}
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Fatalf("Normalize(%q) = %q: untrimmed or uncollapsed", s, got)
		}
	})
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "Nguyễn Văn Khoa", "Đắk Lắk", norm.NFD.String("Thừa Thiên Huế"), "a\xffb", "a \u0301 b", "İ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := vnfold.Fold(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q: invalid UTF-8", s, got)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Fatalf("Fold(%q) = %q: not NFC", s, got)
		}
		if again := vnfold.Fold(got); again != got {
			t.Fatalf("Fold not idempotent: %q -> %q -> %q", s, got, again)
		}
		if strings.ContainsAny(got, "đĐ") {
			t.Fatalf("Fold(%q) = %q: kept đ", s, got)
		}
	})
}
