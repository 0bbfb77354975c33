package workdays

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLimitsTable(t *testing.T) {
	days := map[Step]int{}
	for _, l := range Limits() {
		days[l.Step] = l.Days
	}
	require.Equal(t, map[Step]int{
		ReturnIneligible: 5, Appraise: 20, AppraiseWithConsultation: 30, PublicComment: 10, Forward: 10,
	}, days)

	l, err := LimitOf(PublicComment)
	require.NoError(t, err)
	require.Equal(t, AtLeast, l.Bound)
	require.Contains(t, l.Scope, "Huân chương")

	Limits()[0].Days = 99 // a copy
	l, err = LimitOf(ReturnIneligible)
	require.NoError(t, err)
	require.Equal(t, 5, l.Days)
}

func TestDue(t *testing.T) {
	cal := vietnam(t)
	for _, tc := range []struct {
		step Step
		from string
		want string
	}{
		// Tết Ất Tỵ: 23, 24/1, then 3, 4, 5/2.
		{ReturnIneligible, "2025-01-22", "2025-02-05"},
		// 25/4, Sat 26/4, 28/4, 29/4, then 5/5 after 30/4–4/5.
		{ReturnIneligible, "2025-04-24", "2025-05-05"},
		// 29/4, then 5–9/5 and 12–15/5.
		{Forward, "2025-04-28", "2025-05-15"},
		// 28, 29/8, then 3–5/9 and 8–12/9 after 30/8–2/9.
		{PublicComment, "2025-08-27", "2025-09-12"},
		// 3–6/2, 9–13/2, Tết Bính Ngọ 14–22/2, 23–27/2, 2–6/3, 9/3.
		{Appraise, "2026-02-02", "2026-03-09"},
		// ten more: 10–13/3, 16–20/3, 23/3.
		{AppraiseWithConsultation, "2026-02-02", "2026-03-23"},
		// 24/4, 28/4, 29/4 (27/4 nghỉ bù, 30/4–1/5 off), 4–8/5, 11, 12/5.
		{Forward, "2026-04-23", "2026-05-12"},
		// 21/8, Sat 22/8, 24–28/8, then 3, 4, 7/9 after 29/8–2/9.
		{PublicComment, "2026-08-20", "2026-09-07"},
	} {
		got, err := Due(cal, tc.step, date(t, tc.from))
		require.NoError(t, err, "%s from %s", tc.step, tc.from)
		require.Equal(t, date(t, tc.want), got, "%s from %s", tc.step, tc.from)
	}

	_, err := Due(cal, Step("hop_hoi_dong"), date(t, "2026-03-02"))
	require.ErrorContains(t, err, "hop_hoi_dong")
}
