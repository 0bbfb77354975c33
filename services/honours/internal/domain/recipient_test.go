package domain

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
	"golang.org/x/text/unicode/norm"
)

// testKeys is a keyring for the tests of this package.
var testKeys = func() *recipientkey.Keyring {
	k, err := recipientkey.NewKeyring(bytes.Repeat([]byte{1}, recipientkey.MinKeySecretBytes))
	if err != nil {
		panic(err)
	}
	return k
}()

func TestRecipientKeySameRecipient(t *testing.T) {
	person := Recipient{Kind: I, FullName: "Nguyễn Văn Đức", BirthYear: 1980, Unit: "units/so-noi-vu"}
	family := Recipient{Kind: H, HeadName: "Hoàng Thị Lụa", Commune: "units/xa-coc-dan", Address: "Thôn Khuổi Ổ"}
	tests := []struct {
		name string
		a, b Recipient
	}{
		{"upper case, no accents", person, Recipient{Kind: I, FullName: "NGUYEN VAN DUC", BirthYear: 1980, Unit: "units/so-noi-vu"}},
		{"extra spaces", person, Recipient{Kind: I, FullName: "  Nguyễn   Văn\tĐức ", BirthYear: 1980, Unit: "units/so-noi-vu"}},
		{"decomposed Unicode", person, Recipient{Kind: I, FullName: norm.NFD.String("Nguyễn Văn Đức"), BirthYear: 1980, Unit: "units/so-noi-vu"}},
		{"bare unit id", person, Recipient{Kind: I, FullName: "nguyễn văn đức", BirthYear: 1980, Unit: "so-noi-vu"}},
		{"position and gender do not matter", person, Recipient{Kind: I, FullName: "Nguyễn Văn Đức", BirthYear: 1980, Unit: "units/so-noi-vu", Address: "x"}},
		{"citizen id wins over name and unit",
			Recipient{Kind: I, FullName: "Nguyễn Văn Đức", CitizenID: "001234567889", Unit: "units/a"},
			Recipient{Kind: I, FullName: "Nguyen Duc", CitizenID: "001234567889", Unit: "units/b", BirthYear: 1981}},
		{"collective by unit", Recipient{Kind: C, Unit: "units/truong-mn"}, Recipient{Kind: C, Unit: "truong-mn", FullName: "ignored"}},
		{"household: folded head name", family, Recipient{Kind: H, HeadName: "HOANG THI LUA", Commune: "xa-coc-dan"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ka, wa := testKeys.Key(tc.a.Identity())
			kb, wb := testKeys.Key(tc.b.Identity())
			require.NotEmpty(t, ka)
			require.Equal(t, ka, kb)
			require.Equal(t, wa, wb)
		})
	}
}

func TestRecipientKeyOtherRecipient(t *testing.T) {
	base := Recipient{Kind: I, FullName: "Nguyễn Văn Đức", BirthYear: 1980, Unit: "units/so-noi-vu"}
	others := map[string]Recipient{
		"another birth year":         {Kind: I, FullName: "Nguyễn Văn Đức", BirthYear: 1981, Unit: "units/so-noi-vu"},
		"no birth year":              {Kind: I, FullName: "Nguyễn Văn Đức", Unit: "units/so-noi-vu"},
		"another unit":               {Kind: I, FullName: "Nguyễn Văn Đức", BirthYear: 1980, Unit: "units/so-y-te"},
		"another name":               {Kind: I, FullName: "Nguyễn Văn Đúc Anh", BirthYear: 1980, Unit: "units/so-noi-vu"},
		"same name with citizen id":  {Kind: I, FullName: "Nguyễn Văn Đức", BirthYear: 1980, Unit: "units/so-noi-vu", CitizenID: "001234567889"},
		"household of the same name": {Kind: H, HeadName: "Nguyễn Văn Đức", Commune: "units/so-noi-vu"},
		// Fields run together must not collide: name "a 1" + year 980 vs name "a" + year 1980 …
		"fields shifted": {Kind: I, FullName: "Nguyễn Văn Đức 1980", BirthYear: 0, Unit: "units/so-noi-vu"},
	}
	k, _ := testKeys.Key(base.Identity())
	seen := map[string]string{k: "base"}
	for name, r := range others {
		kr, _ := testKeys.Key(r.Identity())
		require.NotEmpty(t, kr, name)
		prev, dup := seen[kr]
		require.False(t, dup, "%s has the key of %s", name, prev)
		seen[kr] = name
	}
	// Two citizen ids, two keys.
	a, _ := testKeys.Key(Recipient{Kind: I, CitizenID: "001234567889"}.Identity())
	b, _ := testKeys.Key(Recipient{Kind: I, CitizenID: "001234567888"}.Identity())
	require.NotEqual(t, a, b)
}

func TestRecipientKeyShape(t *testing.T) {
	const id = "001234567889"
	tests := []struct {
		name    string
		r       Recipient
		pattern string
		weak    bool
	}{
		{"citizen id", Recipient{Kind: I, FullName: "A", CitizenID: id}, `^cid:[0-9a-f]{8}\.[0-9a-f]{32}$`, false},
		{"collective", Recipient{Kind: C, Unit: "units/bac-kan"}, `^unit:bac-kan$`, false},
		{"household", Recipient{Kind: H, HeadName: "Lò Văn Ơn", Commune: "units/x"}, `^hh:[0-9a-f]{8}\.[0-9a-f]{32}$`, true},
		{"individual by name", Recipient{Kind: I, FullName: "Lò Văn Ơn", BirthYear: 1970, Unit: "units/x"}, `^ind:[0-9a-f]{8}\.[0-9a-f]{32}$`, true},
		{"individual without unit or year", Recipient{Kind: I, FullName: "Lò Văn Ơn"}, `^ind:[0-9a-f]{8}\.[0-9a-f]{32}$`, true},
		{"individual without name", Recipient{Kind: I, BirthYear: 1970, Unit: "units/x"}, `^$`, false},
		{"collective without unit", Recipient{Kind: C, FullName: "x"}, `^$`, false},
		{"household without commune", Recipient{Kind: H, HeadName: "x"}, `^$`, false},
		{"household without head", Recipient{Kind: H, Commune: "units/x"}, `^$`, false},
		{"no kind", Recipient{FullName: "x", CitizenID: id, Unit: "units/x"}, `^$`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, weak := testKeys.Key(tc.r.Identity())
			require.Regexp(t, regexp.MustCompile(tc.pattern), k)
			require.Equal(t, tc.weak, weak)
			require.NotContains(t, k, id, "a key never holds a citizen id")
			require.NotContains(t, k, "1234567", "a key never holds part of a citizen id")
			require.LessOrEqual(t, len(k), 200, "keys fit BatchGetRecipientHistory's limit")
		})
	}
}

func TestRecipientValidate(t *testing.T) {
	tests := []struct {
		name   string
		r      Recipient
		fields []string
	}{
		{"individual", Recipient{Kind: I, FullName: "Lò Văn Ơn", CitizenID: "001234567889"}, nil},
		{"individual without name", Recipient{Kind: I, FullName: "  "}, []string{"r.fullName"}},
		{"bad citizen id", Recipient{Kind: I, FullName: "A", CitizenID: "00123456788"}, []string{"r.citizenId"}},
		{"citizen id with letters", Recipient{Kind: I, FullName: "A", CitizenID: "00123456788x"}, []string{"r.citizenId"}},
		{"collective", Recipient{Kind: C, Unit: "units/a"}, nil},
		{"collective without unit", Recipient{Kind: C}, []string{"r.unit"}},
		{"household", Recipient{Kind: H, HeadName: "A", Commune: "units/x"}, nil},
		{"household without head and commune", Recipient{Kind: H}, []string{"r.headName", "r.commune"}},
		{"no kind", Recipient{FullName: "A"}, []string{"r.kind"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.r.Validate("r")
			if tc.fields == nil {
				require.NoError(t, err)
				k, _ := testKeys.Key(tc.r.Identity())
				require.NotEmpty(t, k, "a valid recipient has a key")
				return
			}
			requireFields(t, err, tc.fields...)
		})
	}
}
