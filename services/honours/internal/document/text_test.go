package document

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

func TestFormatVND(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0"}, {5, "5"}, {999, "999"}, {1000, "1.000"}, {10000, "10.000"},
		{1490000, "1.490.000"}, {171350000, "171.350.000"}, {-2980000, "-2.980.000"},
		{9223372036854775807, "9.223.372.036.854.775.807"},
	} {
		require.Equal(t, tc.want, formatVND(tc.n), tc.n)
	}
}

func TestVNDWords(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "Không đồng"},
		{5, "Năm đồng"},
		{10, "Mười đồng"},
		{15, "Mười lăm đồng"},
		{21, "Hai mươi mốt đồng"},
		{25, "Hai mươi lăm đồng"},
		{105, "Một trăm linh năm đồng"},
		{110, "Một trăm mười đồng"},
		{1_490_000, "Một triệu bốn trăm chín mươi nghìn đồng"},
		{2_980_000, "Hai triệu chín trăm tám mươi nghìn đồng"},
		{1_005_000, "Một triệu không trăm linh năm nghìn đồng"},
		{1_000_050, "Một triệu không trăm năm mươi đồng"},
		{171_350_000, "Một trăm bảy mươi mốt triệu ba trăm năm mươi nghìn đồng"},
		{4_483_410_000, "Bốn tỷ bốn trăm tám mươi ba triệu bốn trăm mười nghìn đồng"},
		{1_000_000_000, "Một tỷ đồng"},
		{2_000_000_015, "Hai tỷ không trăm mười lăm đồng"},
		{1_500_000_000_000, "Một nghìn năm trăm tỷ đồng"},
	} {
		require.Equal(t, tc.want, vndWords(tc.n), tc.n)
	}
}

func TestPlaceDate(t *testing.T) {
	for _, tc := range []struct {
		d    civil.Date
		want string
	}{
		{civil.Date{Year: 2023, Month: time.May, Day: 31}, "Bắc Kạn, ngày 31 tháng 5 năm 2023"},
		{civil.Date{Year: 2024, Month: time.February, Day: 5}, "Bắc Kạn, ngày 05 tháng 02 năm 2024"},
		{civil.Date{Year: 2025, Month: time.January, Day: 10}, "Bắc Kạn, ngày 10 tháng 01 năm 2025"},
		{civil.Date{Year: 2025, Month: time.December, Day: 1}, "Bắc Kạn, ngày 01 tháng 12 năm 2025"},
	} {
		require.Equal(t, tc.want, placeDate(" Bắc  Kạn ", tc.d))
	}
	require.Equal(t, "ngày 31 tháng 5 năm 2023", placeDate("", civil.Date{Year: 2023, Month: 5, Day: 31}))
	require.Equal(t, "05/02/2024", shortDate(civil.Date{Year: 2024, Month: 2, Day: 5}))
}
