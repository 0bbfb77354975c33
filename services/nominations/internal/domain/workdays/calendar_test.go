package workdays

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

func date(t testing.TB, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	require.NoError(t, err)
	return d
}

func vietnam(t testing.TB) *Calendar {
	t.Helper()
	cal, err := Default()
	require.NoError(t, err)
	return cal
}

func TestDefaultHoldsTheFileYears(t *testing.T) {
	cal := vietnam(t)
	require.Equal(t, []int{2023, 2024, 2025, 2026, 2027}, cal.Years())
	require.Len(t, cal.Days(), 85)

	day, ok := cal.Day(date(t, "2026-02-17"))
	require.True(t, ok)
	require.Equal(t, Day{
		Date: date(t, "2026-02-17"), Kind: Holiday, Name: "Tết Nguyên đán",
		Source: "Thông báo 9441/TB-BNV ngày 16/10/2025",
	}, day)
}

func TestIsWorkingDay(t *testing.T) {
	cal := vietnam(t)
	for _, tc := range []struct {
		date string
		want bool
	}{
		{"2025-01-24", true},  // Fri before Tết
		{"2025-01-25", false}, // Sat, first day of the Tết break
		{"2025-01-29", false}, // Wed, mùng 1 Tết Ất Tỵ
		{"2025-02-03", true},  // Mon after Tết
		{"2025-04-26", true},  // Sat worked for Fri 2/5
		{"2025-04-29", true},  // Tue
		{"2025-05-02", false}, // Fri given off for Sat 26/4
		{"2025-05-03", false}, // an ordinary Saturday
		{"2025-09-01", false}, // Quốc khánh (ngày liền kề)
		{"2025-09-03", true},  // Wed
		{"2026-01-02", false}, // Fri given off for Sat 10/1
		{"2026-01-10", true},  // Sat worked
		{"2026-02-20", false}, // Fri, last statutory day of Tết Bính Ngọ
		{"2026-02-23", true},  // Mon after Tết
		{"2026-04-27", false}, // Mon, nghỉ bù for Giỗ Tổ on Sun 26/4
		{"2026-08-22", true},  // Sat worked for Mon 31/8
		{"2026-08-31", false}, // Mon given off
		{"2026-09-03", true},  // Thu
	} {
		got, err := cal.IsWorkingDay(date(t, tc.date))
		require.NoError(t, err, tc.date)
		require.Equal(t, tc.want, got, tc.date)
	}
}

func TestAddWorkingDaysAndBetween(t *testing.T) {
	cal := vietnam(t)
	for _, tc := range []struct {
		name string
		from string
		n    int
		want string
	}{
		{"Tết 2025 closes 25/1 to 2/2", "2025-01-24", 1, "2025-02-03"},
		{"Tết 2025, five days", "2025-01-22", 5, "2025-02-05"},
		{"30/4 2025, the worked Saturday counts", "2025-04-25", 1, "2025-04-26"},
		{"30/4 2025, over 30/4 to 4/5", "2025-04-25", 4, "2025-05-05"},
		{"2/9 2025", "2025-08-29", 1, "2025-09-03"},
		{"new year 2026 into the worked Saturday", "2026-01-05", 5, "2026-01-10"},
		{"across the new year, 2/1/2026 off", "2025-12-30", 5, "2026-01-08"},
		{"Tết 2026 closes 14/2 to 22/2", "2026-02-13", 1, "2026-02-23"},
		{"Giỗ Tổ nghỉ bù and 30/4 2026", "2026-04-24", 3, "2026-05-04"},
		{"2/9 2026, the worked Saturday counts", "2026-08-21", 1, "2026-08-22"},
		{"2/9 2026, 31/8 to 2/9 off", "2026-08-28", 1, "2026-09-03"},
		{"2/9 2026, back over the break", "2026-09-03", -1, "2026-08-28"},
		{"zero days", "2026-02-14", 0, "2026-02-14"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from, want := date(t, tc.from), date(t, tc.want)
			got, err := cal.AddWorkingDays(from, tc.n)
			require.NoError(t, err)
			require.Equal(t, want, got)

			n, err := cal.WorkingDaysBetween(from, want)
			require.NoError(t, err)
			require.Equal(t, tc.n, n)
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	cal := vietnam(t)
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2025-01-20", "2025-02-07", 9},  // 21–24/1 and 3–7/2
		{"2025-04-25", "2025-05-02", 3},  // Sat 26/4, 28/4, 29/4
		{"2026-08-21", "2026-09-04", 8},  // Sat 22/8, 24–28/8, 3–4/9
		{"2026-02-14", "2026-02-22", 0},  // the whole Tết break
		{"2026-09-04", "2026-08-21", -8}, // 21/8 counts, 4/9 does not
		{"2026-03-09", "2026-03-09", 0},
	} {
		got, err := cal.WorkingDaysBetween(date(t, tc.a), date(t, tc.b))
		require.NoError(t, err, "%s..%s", tc.a, tc.b)
		require.Equal(t, tc.want, got, "%s..%s", tc.a, tc.b)
	}
}

func TestMissingYearIsAnError(t *testing.T) {
	cal := vietnam(t)
	var missing *MissingYearError

	_, err := cal.IsWorkingDay(date(t, "2022-06-01"))
	require.ErrorAs(t, err, &missing)
	require.Equal(t, 2022, missing.Year)
	require.ErrorContains(t, err, "2022")

	// 31/12/2027 is the first working day; the next one would be in 2028.
	_, err = cal.AddWorkingDays(date(t, "2027-12-30"), 2)
	require.ErrorAs(t, err, &missing)
	require.Equal(t, 2028, missing.Year)

	_, err = cal.WorkingDaysBetween(date(t, "2022-12-29"), date(t, "2023-01-05"))
	require.ErrorAs(t, err, &missing)
	require.Equal(t, 2022, missing.Year)

	_, err = Due(cal, Forward, date(t, "2027-12-24"))
	require.ErrorContains(t, err, "2028")
}

func TestProgrammaticHolidaysAreSkipped(t *testing.T) {
	src := "quyết định của tỉnh"
	set := []Day{
		{Date: date(t, "2030-05-01"), Kind: Holiday, Name: "Quốc tế Lao động", Source: src},
		{Date: date(t, "2030-05-02"), Kind: SwappedDayOff, Name: "Nghỉ hoán đổi", Source: src},
		{Date: date(t, "2030-05-04"), Kind: MakeUpWorkingDay, Name: "Làm bù", Source: src, Check: "[check] not yet announced"},
	}
	plain, err := New([]int{2030}, nil)
	require.NoError(t, err)
	cal, err := New([]int{2030}, set)
	require.NoError(t, err)

	// Tue 30/4/2030: without the days, Wed 1/5 and Thu 2/5 count.
	from := date(t, "2030-04-30")
	got, err := plain.AddWorkingDays(from, 2)
	require.NoError(t, err)
	require.Equal(t, date(t, "2030-05-02"), got)

	got, err = cal.AddWorkingDays(from, 2) // Fri 3/5, Sat 4/5
	require.NoError(t, err)
	require.Equal(t, date(t, "2030-05-04"), got)

	got, err = Due(cal, ReturnIneligible, from) // 3/5, 4/5, 6/5, 7/5, 8/5
	require.NoError(t, err)
	require.Equal(t, date(t, "2030-05-08"), got)

	require.Equal(t, []Day{set[2]}, cal.Unconfirmed())
}

func TestNewRejects(t *testing.T) {
	src := "test"
	for name, tc := range map[string]struct {
		years []int
		days  []Day
		msg   string
	}{
		"no year":           {nil, nil, "at least one year"},
		"year out of range": {[]int{1900}, nil, "1900"},
		"outside the years": {[]int{2030}, []Day{{Date: date(t, "2031-01-01"), Kind: Holiday, Name: "x", Source: src}}, "outside"},
		"twice": {[]int{2030}, []Day{
			{Date: date(t, "2030-01-01"), Kind: Holiday, Name: "x", Source: src},
			{Date: date(t, "2030-01-01"), Kind: Holiday, Name: "y", Source: src},
		}, "twice"},
		"swap on a Saturday":  {[]int{2030}, []Day{{Date: date(t, "2030-05-04"), Kind: SwappedDayOff, Name: "x", Source: src}}, "Saturday"},
		"make-up on a Monday": {[]int{2030}, []Day{{Date: date(t, "2030-05-06"), Kind: MakeUpWorkingDay, Name: "x", Source: src}}, "Monday"},
		"no source":           {[]int{2030}, []Day{{Date: date(t, "2030-01-01"), Kind: Holiday, Name: "x"}}, "source: empty"},
		"NFD name":            {[]int{2030}, []Day{{Date: date(t, "2030-01-01"), Kind: Holiday, Name: "Te\u0302\u0301t", Source: src}}, "NFC"},
		"unmarked check":      {[]int{2030}, []Day{{Date: date(t, "2030-01-01"), Kind: Holiday, Name: "x", Source: src, Check: "maybe"}}, CheckMark},
	} {
		_, err := New(tc.years, tc.days)
		require.ErrorContains(t, err, tc.msg, name)
	}
}

func TestUnconfirmedDaysAreExposed(t *testing.T) {
	cal := vietnam(t)
	var dates []string
	for _, d := range cal.Unconfirmed() {
		require.Contains(t, d.Check, CheckMark)
		dates = append(dates, d.Date.String())
	}
	require.Equal(t, []string{
		"2023-01-01", "2023-01-02", "2023-01-20", "2023-01-21", "2023-01-22", "2023-01-23", "2023-01-24",
		"2023-01-25", "2023-01-26", "2023-04-29", "2023-04-30", "2023-05-01", "2023-05-02", "2023-05-03",
		"2023-09-01", "2023-09-02", "2023-09-04",
		"2026-01-10", "2026-11-24",
		"2027-01-01", "2027-02-04", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08",
		"2027-02-09", "2027-02-10", "2027-04-16", "2027-04-30", "2027-05-01", "2027-05-03",
		"2027-09-02", "2027-09-03", "2027-11-24",
	}, dates)

	// A count from 20/11/2026 to 30/11/2026 passes over 24/11, which is in doubt.
	between := cal.UnconfirmedBetween(date(t, "2026-11-30"), date(t, "2026-11-20"))
	require.Len(t, between, 1)
	require.Equal(t, "Ngày Văn hóa Việt Nam", between[0].Name)

	ok, err := cal.IsWorkingDay(date(t, "2027-09-03")) // loaded although in doubt
	require.NoError(t, err)
	require.False(t, ok)
}

// TestYear2023 counts in 2023, the year of Bắc Kạn's historical batch:
// Tết 20–26/01, 29/4–3/5 and 1–4/9 off; a decision signed on Wednesday
// 31/05/2023 is forwarded within 10 working days, by 14/06/2023.
func TestYear2023(t *testing.T) {
	cal := vietnam(t)
	for _, tc := range []struct {
		date string
		want bool
	}{
		{"2023-01-02", false}, // nghỉ bù for Sunday 1/1
		{"2023-01-19", true},
		{"2023-01-20", false},
		{"2023-01-26", false},
		{"2023-01-27", true},
		{"2023-05-02", false},
		{"2023-05-03", false},
		{"2023-05-04", true},
		{"2023-09-01", false},
		{"2023-09-04", false},
		{"2023-09-05", true},
	} {
		got, err := cal.IsWorkingDay(date(t, tc.date))
		require.NoError(t, err, tc.date)
		require.Equal(t, tc.want, got, tc.date)
	}
	due, err := Due(cal, Forward, date(t, "2023-05-31"))
	require.NoError(t, err)
	require.Equal(t, "2023-06-14", due.String())
	require.NotEmpty(t, cal.UnconfirmedBetween(date(t, "2023-05-31"), date(t, "2023-04-25")), "29/4–3/5/2023 rest on [check] rows")
}

func TestWeekday(t *testing.T) {
	require.Equal(t, time.Wednesday, weekday(date(t, "2025-01-29")))
	require.Equal(t, time.Saturday, weekday(date(t, "2026-08-22")))
}
