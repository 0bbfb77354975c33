package domain

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

// Every boundary of domain.md §7: the day before and the day each amount
// takes effect.
func TestBaseSalaryOn(t *testing.T) {
	tests := []struct {
		on    civil.Date
		want  int64 // 0: ErrNoBaseSalary
		from  civil.Date
		check bool
	}{
		{day(1945, 1, 1), 0, civil.Date{}, false},
		{day(2013, 6, 30), 0, civil.Date{}, false},
		{day(2013, 7, 1), 1_150_000, day(2013, 7, 1), false},
		{day(2016, 4, 30), 1_150_000, day(2013, 7, 1), false},
		{day(2016, 5, 1), 1_210_000, day(2016, 5, 1), false},
		{day(2017, 6, 30), 1_210_000, day(2016, 5, 1), false},
		{day(2017, 7, 1), 1_300_000, day(2017, 7, 1), false},
		{day(2018, 6, 30), 1_300_000, day(2017, 7, 1), false},
		{day(2018, 7, 1), 1_390_000, day(2018, 7, 1), false},
		{day(2019, 6, 30), 1_390_000, day(2018, 7, 1), false},
		{day(2019, 7, 1), 1_490_000, day(2019, 7, 1), false},
		{day(2023, 5, 31), 1_490_000, day(2019, 7, 1), false}, // decision 946/QĐ-UBND
		{day(2023, 6, 30), 1_490_000, day(2019, 7, 1), false},
		{day(2023, 7, 1), 1_800_000, day(2023, 7, 1), false},
		{day(2024, 6, 30), 1_800_000, day(2023, 7, 1), false},
		{day(2024, 7, 1), 2_340_000, day(2024, 7, 1), false},
		{day(2026, 6, 30), 2_340_000, day(2024, 7, 1), false},
		{day(2026, 7, 1), 2_530_000, day(2026, 7, 1), true},
		{day(2200, 12, 31), 2_530_000, day(2026, 7, 1), true},
	}
	for _, tc := range tests {
		t.Run(tc.on.String(), func(t *testing.T) {
			got, err := BaseSalaryOn(tc.on)
			if tc.want == 0 {
				require.ErrorIs(t, err, ErrNoBaseSalary)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got.AmountVND)
			require.Equal(t, tc.from, got.EffectiveFrom)
			require.Equal(t, tc.check, got.Check)
			if tc.check {
				require.Contains(t, got.CheckNote, "not confirmed from the text of a decree")
				require.Empty(t, got.LegalBasis)
			} else {
				require.Contains(t, got.LegalBasis, "/NĐ-CP")
			}
		})
	}
}

func TestBaseSalaryOnInvalidDate(t *testing.T) {
	for _, d := range []civil.Date{{}, day(2023, 2, 29)} {
		_, err := BaseSalaryOn(d)
		require.ErrorIs(t, err, civil.ErrInvalid, d.String())
		require.False(t, errors.Is(err, ErrNoBaseSalary))
	}
}

func TestSalaryTableRows(t *testing.T) {
	tab, err := LoadSalaryTable()
	require.NoError(t, err)
	all := tab.All()
	var got []string
	for _, r := range all {
		got = append(got, r.EffectiveFrom.String()+" "+vnd(r.AmountVND)+" "+r.LegalBasis)
	}
	require.Equal(t, []string{
		"2013-07-01 1,150,000 Nghị định số 66/2013/NĐ-CP",
		"2016-05-01 1,210,000 Nghị định số 47/2016/NĐ-CP",
		"2017-07-01 1,300,000 Nghị định số 47/2017/NĐ-CP",
		"2018-07-01 1,390,000 Nghị định số 72/2018/NĐ-CP",
		"2019-07-01 1,490,000 Nghị định số 38/2019/NĐ-CP",
		"2023-07-01 1,800,000 Nghị định số 24/2023/NĐ-CP",
		"2024-07-01 2,340,000 Nghị định số 73/2024/NĐ-CP",
		"2026-07-01 2,530,000 ",
	}, got)
	all[0].AmountVND = 1
	require.Equal(t, int64(1_150_000), tab.All()[0].AmountVND, "All returns a copy")
}

const salaryHeader = "effective_from,amount_vnd,legal_basis,check,check_note,note\n"

func TestParseSalaryTableRejects(t *testing.T) {
	tests := []struct{ name, csv, want string }{
		{"empty", "", "no header"},
		{"no rows", salaryHeader, "no rows"},
		{"bad date", salaryHeader + "2013-13-01,1150000,NĐ,false,,\n", "line 2, column effective_from"},
		{"not increasing", salaryHeader + "2016-05-01,1210000,NĐ,false,,\n2013-07-01,1150000,NĐ,false,,\n", "line 3, column effective_from"},
		{"same date twice", salaryHeader + "2013-07-01,1150000,NĐ,false,,\n2013-07-01,1150000,NĐ,false,,\n", "line 3, column effective_from"},
		{"thousands separator", salaryHeader + `2013-07-01,"1,150,000",NĐ,false,,` + "\n", "column amount_vnd"},
		{"zero amount", salaryHeader + "2013-07-01,0,NĐ,false,,\n", "column amount_vnd"},
		{"negative amount", salaryHeader + "2013-07-01,-5,NĐ,false,,\n", "column amount_vnd"},
		{"no legal basis", salaryHeader + "2013-07-01,1150000,,false,,\n", "column legal_basis"},
		{"check without note", salaryHeader + "2013-07-01,1150000,,true,,\n", "column check_note"},
		{"bad check", salaryHeader + "2013-07-01,1150000,NĐ,TRUE,,\n", "column check"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := ParseSalaryTable(strings.NewReader(tc.csv))
			require.Error(t, err)
			require.Nil(t, tab)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}
