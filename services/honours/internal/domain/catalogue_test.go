package domain

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"golang.org/x/text/unicode/norm"
)

const (
	I  = RecipientIndividual
	C  = RecipientCollective
	H  = RecipientHousehold
	no = NoCoefficient
)

// TestCatalogueRows pins every row of domain.md §4, in order.
func TestCatalogueRows(t *testing.T) {
	type want struct {
		code, name string
		category   Category
		kinds      []RecipientKind
		by         []Authority
		coef       Coefficients // hundredths
		check      bool
	}
	uh, com, prov, min, pm, pres := AuthorityUnitHead, AuthorityCommune, AuthorityProvince, AuthorityMinistry, AuthorityPrimeMinister, AuthorityPresident
	title, comm, order, hon := CategoryEmulationTitle, CategoryCommendation, CategoryOrder, CategoryStateHonoraryTitle
	rows := []want{
		{"LDTT", "Lao động tiên tiến", title, []RecipientKind{I}, []Authority{uh, com}, Coefficients{30, no, no}, false},
		{"CSTD_CS", "Chiến sĩ thi đua cơ sở", title, []RecipientKind{I}, []Authority{uh, com}, Coefficients{100, no, no}, false},
		{"CSTD_TINH", "Chiến sĩ thi đua cấp bộ, ngành, tỉnh", title, []RecipientKind{I}, []Authority{prov, min}, Coefficients{300, no, no}, false},
		{"CSTD_TQ", "Chiến sĩ thi đua toàn quốc", title, []RecipientKind{I}, []Authority{pm}, Coefficients{450, no, no}, false},
		{"TTLDTT", "Tập thể lao động tiên tiến", title, []RecipientKind{C}, []Authority{uh, com}, Coefficients{no, 80, no}, false},
		{"TTLDXS", "Tập thể lao động xuất sắc", title, []RecipientKind{C}, []Authority{prov, min}, Coefficients{no, 150, no}, false},
		{"CO_TINH", "Cờ thi đua cấp bộ, ngành, tỉnh", title, []RecipientKind{C}, []Authority{prov, min}, Coefficients{no, 800, no}, false},
		{"CO_CP", "Cờ thi đua của Chính phủ", title, []RecipientKind{C}, []Authority{pm}, Coefficients{no, 1200, no}, false},
		{"XA_TIEU_BIEU", "Xã, phường, đặc khu tiêu biểu", title, []RecipientKind{C}, []Authority{prov}, Coefficients{no, 200, no}, false},
		{"THON_VH", "Thôn, tổ dân phố văn hóa", title, []RecipientKind{C}, []Authority{com}, Coefficients{no, 150, no}, false},
		{"GD_VH", "Gia đình văn hóa", title, []RecipientKind{H}, []Authority{com}, Coefficients{no, no, no}, true},
		{"GIAY_KHEN", "Giấy khen", comm, []RecipientKind{I, C, H}, []Authority{uh, com}, Coefficients{30, 60, 30}, true},
		{"BK_TINH", "Bằng khen cấp bộ, ngành, tỉnh", comm, []RecipientKind{I, C, H}, []Authority{prov, min}, Coefficients{100, 200, 100}, false},
		{"BK_TTG", "Bằng khen của Thủ tướng Chính phủ", comm, []RecipientKind{I, C, H}, []Authority{pm}, Coefficients{350, 700, 350}, true},
		{"HCLD_3", "Huân chương Lao động hạng Ba", order, []RecipientKind{I, C}, []Authority{pres}, Coefficients{450, 900, no}, false},
		{"HCLD_2", "Huân chương Lao động hạng Nhì", order, []RecipientKind{I, C}, []Authority{pres}, Coefficients{750, 1500, no}, false},
		{"HCLD_1", "Huân chương Lao động hạng Nhất", order, []RecipientKind{I, C}, []Authority{pres}, Coefficients{900, 1800, no}, false},
		{"HCDL_3", "Huân chương Độc lập hạng Ba", order, []RecipientKind{I, C}, []Authority{pres}, Coefficients{1050, 2100, no}, false},
		{"HCDL_2", "Huân chương Độc lập hạng Nhì", order, []RecipientKind{I, C}, []Authority{pres}, Coefficients{1250, 2500, no}, false},
		{"HCDL_1", "Huân chương Độc lập hạng Nhất", order, []RecipientKind{I, C}, []Authority{pres}, Coefficients{1500, 3000, no}, false},
		{"HC_HCM", "Huân chương Hồ Chí Minh", order, []RecipientKind{I, C}, []Authority{pres}, Coefficients{3050, 6100, no}, false},
		{"HC_SAO_VANG", "Huân chương Sao vàng", order, []RecipientKind{I, C}, []Authority{pres}, Coefficients{4600, 9200, no}, false},
		{"AH_LD", "Anh hùng Lao động", hon, []RecipientKind{I, C}, []Authority{pres}, Coefficients{1550, 3100, no}, false},
	}
	all := catalogue(t).All()
	require.Len(t, all, len(rows))
	for i, w := range rows {
		t.Run(w.code, func(t *testing.T) {
			got := all[i]
			require.Equal(t, w.code, got.Code)
			require.Equal(t, w.name, got.DisplayName)
			require.True(t, norm.NFC.IsNormalString(got.DisplayName))
			require.NotEmpty(t, got.EnglishName)
			require.Equal(t, w.category, got.Category)
			require.Equal(t, w.kinds, got.RecipientKinds)
			require.Equal(t, w.by, got.Authorities)
			require.Equal(t, w.coef, got.Coefficients)
			require.Equal(t, w.check, got.Check)
			if w.check {
				require.Contains(t, got.CheckNote, "[check]")
			} else {
				require.Empty(t, got.CheckNote)
			}
			require.Contains(t, got.LegalBasis, "06/2022/QH15")
			require.Equal(t, day(2024, 1, 1), got.ValidFrom)
			require.True(t, got.ValidTo.IsZero())
			require.Equal(t, "awardTypes/"+w.code, got.Name())

			viaGet, err := catalogue(t).Get(w.code)
			require.NoError(t, err)
			require.Equal(t, got, viaGet)
		})
	}
}

// Orders and Anh hùng Lao động pay a collective twice the individual (×2).
func TestCatalogueOrdersPayCollectivesTwice(t *testing.T) {
	for _, a := range catalogue(t).All() {
		if a.Category == CategoryOrder || a.Category == CategoryStateHonoraryTitle {
			require.Equal(t, 2*a.Coefficients.Individual, a.Coefficients.Collective, a.Code)
		}
	}
}

func TestCatalogueGetUnknown(t *testing.T) {
	_, err := catalogue(t).Get("NOPE")
	var nf *NotFoundError
	require.True(t, errors.As(err, &nf))
	require.Equal(t, "awardTypes/NOPE", nf.Name)
}

// Get and All return copies: a caller cannot change the shared catalogue.
func TestCatalogueIsImmutable(t *testing.T) {
	a := award(t, "BK_TINH")
	a.RecipientKinds[0] = RecipientHousehold
	a.Authorities[0] = AuthorityPresident
	catalogue(t).All()[0].RecipientKinds[0] = RecipientHousehold
	require.Equal(t, []RecipientKind{I, C, H}, award(t, "BK_TINH").RecipientKinds)
	require.Equal(t, []Authority{AuthorityProvince, AuthorityMinistry}, award(t, "BK_TINH").Authorities)
	require.Equal(t, []RecipientKind{I}, award(t, "LDTT").RecipientKinds)
}

func TestAwardTypeDerived(t *testing.T) {
	bk := award(t, "BK_TINH")
	require.Equal(t, []Level{lineage.LevelMinistry, lineage.LevelProvince}, bk.ConferringLevels())
	require.Equal(t, "Chủ tịch Ủy ban nhân dân cấp tỉnh; Bộ trưởng, Thủ trưởng cơ quan ngang bộ, cơ quan trung ương", bk.ConferredBy())
	require.Equal(t, []Level{lineage.LevelMinistry, lineage.LevelProvince, lineage.LevelCommune, lineage.LevelGrassroots}, award(t, "LDTT").ConferringLevels())
	require.Equal(t, []Level{lineage.LevelCentral}, award(t, "HC_SAO_VANG").ConferringLevels())

	co, ok := bk.Coefficient(RecipientCollective)
	require.True(t, ok)
	require.Equal(t, Coefficient(200), co)
	_, ok = award(t, "LDTT").Coefficient(RecipientCollective)
	require.False(t, ok, "LDTT does not go to collectives")
	_, ok = award(t, "GD_VH").Coefficient(RecipientHousehold)
	require.False(t, ok, "GD_VH has no confirmed coefficient")

	require.True(t, bk.ValidOn(day(2024, 1, 1)))
	require.False(t, bk.ValidOn(day(2023, 12, 31)))
	require.True(t, bk.ValidOn(day(2199, 12, 31)))
	bounded := bk
	bounded.ValidTo = day(2025, 6, 30)
	require.True(t, bounded.ValidOn(day(2025, 6, 30)))
	require.False(t, bounded.ValidOn(day(2025, 7, 1)))
}

const catalogueHeader = "code,display_name,english_name,category,recipient_kinds,conferring_authorities,coefficient_individual,coefficient_collective,coefficient_household,legal_basis,valid_from,valid_to,check,check_note,note\n"

const goodRow = "BK_TINH,Bằng khen cấp tỉnh,Certificate,COMMENDATION,INDIVIDUAL;COLLECTIVE,PROVINCE,1.0,2.0,,Luật,2024-01-01,,false,,\n"

// A malformed file is an error naming the line and column, never a panic.
func TestParseCatalogueRejects(t *testing.T) {
	tests := []struct {
		name, csv string
		want      []string // substrings of the error
	}{
		{"empty file", "", []string{"no header"}},
		{"no rows", catalogueHeader, []string{"no award types"}},
		{"missing column", strings.Replace(catalogueHeader, ",note", "", 1), []string{"wrong number of fields"}},
		{"renamed column", strings.Replace(catalogueHeader, ",note\n", ",remark\n", 1), []string{`column "note" is missing`}},
		{"wrong field count", catalogueHeader + "LDTT,x\n", []string{"wrong number of fields"}},
		{"bad code", catalogueHeader + strings.Replace(goodRow, "BK_TINH", "bk-tinh", 1), []string{"line 2, column code"}},
		{"duplicate code", catalogueHeader + goodRow + goodRow, []string{"line 3, column code: duplicate code BK_TINH"}},
		{"decomposed name", catalogueHeader + strings.Replace(goodRow, "Bằng", norm.NFD.String("Bằng"), 1), []string{"column display_name", "NFC"}},
		{"double space in name", catalogueHeader + strings.Replace(goodRow, "Bằng khen", "Bằng  khen", 1), []string{"column display_name"}},
		{"bad category", catalogueHeader + strings.Replace(goodRow, "COMMENDATION", "MEDAL", 1), []string{"column category"}},
		{"bad kind", catalogueHeader + strings.Replace(goodRow, "INDIVIDUAL;", "PERSON;", 1), []string{"column recipient_kinds"}},
		{"repeated kind", catalogueHeader + strings.Replace(goodRow, "INDIVIDUAL;COLLECTIVE", "INDIVIDUAL;INDIVIDUAL", 1), []string{"listed twice"}},
		{"bad authority", catalogueHeader + strings.Replace(goodRow, ",PROVINCE,", ",GOVERNOR,", 1), []string{"column conferring_authorities"}},
		{"no authority", catalogueHeader + strings.Replace(goodRow, ",PROVINCE,", ",,", 1), []string{"column conferring_authorities: is required"}},
		{"missing coefficient", catalogueHeader + strings.Replace(goodRow, ",1.0,2.0,", ",1.0,,", 1), []string{"column coefficient_collective: is required"}},
		{"coefficient for a kind not accepted", catalogueHeader + strings.Replace(goodRow, ",2.0,,", ",2.0,1.0,", 1), []string{"column coefficient_household: is set"}},
		{"comma decimal", catalogueHeader + strings.Replace(goodRow, ",1.0,2.0,", `,"1,5",2.0,`, 1), []string{"column coefficient_individual"}},
		{"three decimals", catalogueHeader + strings.Replace(goodRow, ",1.0,2.0,", ",1.005,2.0,", 1), []string{"column coefficient_individual"}},
		{"zero coefficient", catalogueHeader + strings.Replace(goodRow, ",1.0,2.0,", ",0,2.0,", 1), []string{"column coefficient_individual"}},
		{"no legal basis", catalogueHeader + strings.Replace(goodRow, "Luật", "", 1), []string{"column legal_basis"}},
		{"bad date", catalogueHeader + strings.Replace(goodRow, "2024-01-01", "2024-02-30", 1), []string{"column valid_from"}},
		{"valid_to before valid_from", catalogueHeader + strings.Replace(goodRow, "2024-01-01,,", "2024-01-01,2023-12-31,", 1), []string{"column valid_to"}},
		{"bad check", catalogueHeader + strings.Replace(goodRow, ",false,", ",yes,", 1), []string{"column check"}},
		{"check without note", catalogueHeader + strings.Replace(goodRow, ",false,", ",true,", 1), []string{"column check_note"}},
		{"every broken cell reported", catalogueHeader + strings.Replace(strings.Replace(goodRow, "COMMENDATION", "X", 1), "Luật", "", 1),
			[]string{"column category", "column legal_basis"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseCatalogue(strings.NewReader(tc.csv))
			require.Error(t, err)
			require.Nil(t, c)
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestParseCatalogueAcceptsACheckRowWithoutCoefficient(t *testing.T) {
	row := "GD_VH,Gia đình văn hóa,Cultural Family,EMULATION_TITLE,HOUSEHOLD,COMMUNE,,,,Luật,2024-01-01,,true,coefficient [check],\n"
	c, err := ParseCatalogue(strings.NewReader(catalogueHeader + row))
	require.NoError(t, err)
	gd, err := c.Get("GD_VH")
	require.NoError(t, err)
	require.Equal(t, Coefficients{no, no, no}, gd.Coefficients)
	require.True(t, gd.Check)
	require.Equal(t, "coefficient [check]", gd.CheckNote)
}
