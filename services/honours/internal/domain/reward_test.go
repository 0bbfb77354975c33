package domain

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

func TestRewardVND(t *testing.T) {
	tests := []struct {
		name string
		c    Coefficient
		base int64
		want int64
	}{
		{"0.3 × 1,490,000 = 447,000 rounds up", 30, 1_490_000, 450_000},
		{"1.0 × 1,490,000 exact", 100, 1_490_000, 1_490_000},
		{"2.0 × 1,490,000 exact (domain.md §7 example)", 200, 1_490_000, 2_980_000},
		{"4.5 × 2,340,000 exact", 450, 2_340_000, 10_530_000},
		{"0.3 × 1,390,000 = 417,000 rounds up", 30, 1_390_000, 420_000},
		{"0.8 × 1,490,000 = 1,192,000 rounds up", 80, 1_490_000, 1_200_000},
		{"0.6 × 1,490,000 = 894,000 rounds up", 60, 1_490_000, 900_000},
		{"30.5 × 1,490,000 = 45,445,000 rounds up", 3050, 1_490_000, 45_450_000},
		{"1 VND over a step rounds up", 100, 1_490_001, 1_500_000},
		{"1 VND under a step rounds up to it", 100, 1_489_999, 1_490_000},
		{"a hundredth of a VND rounds up", 1, 1, 10_000},
		// Float arithmetic gets these wrong by 10,000 (1.1*1800000 = 1980000.0000000002).
		{"1.1 × 1,800,000 exact", 110, 1_800_000, 1_980_000},
		{"2.2 × 1,800,000 exact", 220, 1_800_000, 3_960_000},
		{"8.3 × 1,000,000 exact", 830, 1_000_000, 8_300_000},
		{"4.4 × 3,000,000 exact", 440, 3_000_000, 13_200_000},
		{"largest inputs do not overflow", MaxCoefficient, MaxBaseSalaryVND, 1_000 * MaxBaseSalaryVND},
		{"no coefficient", NoCoefficient, 1_490_000, 0},
		{"zero coefficient", 0, 1_490_000, 0},
		{"coefficient out of range", MaxCoefficient + 1, 1_490_000, 0},
		{"zero base", 100, 0, 0},
		{"negative base", 100, -1_490_000, 0},
		{"base out of range", 100, MaxBaseSalaryVND + 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, RewardVND(tc.c, tc.base))
		})
	}
}

// Every award type for every recipient kind at 1,490,000 VND (1 Jul 2019 –
// 30 Jun 2023), checked by hand: coefficient × 1,490,000, rounded up.
// 0 means the award does not go to that kind (or, for GD_VH, has no
// confirmed coefficient).
func TestRewardOfEveryAwardType(t *testing.T) {
	const base = 1_490_000
	tests := []struct {
		code                              string
		individual, collective, household int64
	}{
		{"LDTT", 450_000, 0, 0},                      // 0.3: 447,000
		{"CSTD_CS", 1_490_000, 0, 0},                 // 1.0
		{"CSTD_TINH", 4_470_000, 0, 0},               // 3.0
		{"CSTD_TQ", 6_710_000, 0, 0},                 // 4.5: 6,705,000
		{"TTLDTT", 0, 1_200_000, 0},                  // 0.8: 1,192,000
		{"TTLDXS", 0, 2_240_000, 0},                  // 1.5: 2,235,000
		{"CO_TINH", 0, 11_920_000, 0},                // 8.0
		{"CO_CP", 0, 17_880_000, 0},                  // 12.0
		{"XA_TIEU_BIEU", 0, 2_980_000, 0},            // 2.0
		{"THON_VH", 0, 2_240_000, 0},                 // 1.5: 2,235,000
		{"GD_VH", 0, 0, 0},                           // [check]: no coefficient
		{"GIAY_KHEN", 450_000, 900_000, 450_000},     // 0.3 / 0.6: 894,000 / 0.3
		{"BK_TINH", 1_490_000, 2_980_000, 1_490_000}, // 1.0 / 2.0 / 1.0
		{"BK_TTG", 5_220_000, 10_430_000, 5_220_000}, // 3.5: 5,215,000 / 7.0 / 3.5
		{"HCLD_3", 6_710_000, 13_410_000, 0},         // 4.5: 6,705,000 / 9.0
		{"HCLD_2", 11_180_000, 22_350_000, 0},        // 7.5: 11,175,000 / 15.0
		{"HCLD_1", 13_410_000, 26_820_000, 0},        // 9.0 / 18.0
		{"HCDL_3", 15_650_000, 31_290_000, 0},        // 10.5: 15,645,000 / 21.0
		{"HCDL_2", 18_630_000, 37_250_000, 0},        // 12.5: 18,625,000 / 25.0
		{"HCDL_1", 22_350_000, 44_700_000, 0},        // 15.0 / 30.0
		{"HC_HCM", 45_450_000, 90_890_000, 0},        // 30.5: 45,445,000 / 61.0
		{"HC_SAO_VANG", 68_540_000, 137_080_000, 0},  // 46.0 / 92.0
		{"AH_LD", 23_100_000, 46_190_000, 0},         // 15.5: 23,095,000 / 31.0
	}
	require.Len(t, tests, len(catalogue(t).All()), "every award type is in the table")
	for _, tc := range tests {
		for k, want := range map[RecipientKind]int64{I: tc.individual, C: tc.collective, H: tc.household} {
			t.Run(tc.code+"/"+k.String(), func(t *testing.T) {
				a := award(t, tc.code)
				c, ok := a.Coefficient(k)
				require.Equal(t, want != 0, ok)
				if ok {
					require.Equal(t, want, RewardVND(c, base))
				}
			})
		}
	}
}

// The same, through ComputeRewards on 1 Mar 2025 (2,340,000 VND), one
// recipient per entry so that no same-period rule applies.
func TestComputeRewardsEveryAwardType(t *testing.T) {
	type row struct {
		code  string
		kind  RecipientKind
		want  int64
		check bool
	}
	rows := []row{
		{"LDTT", I, 710_000, false}, // 702,000
		{"CSTD_CS", I, 2_340_000, false},
		{"CSTD_TINH", I, 7_020_000, false},
		{"CSTD_TQ", I, 10_530_000, false},
		{"TTLDTT", C, 1_880_000, false}, // 1,872,000
		{"TTLDXS", C, 3_510_000, false},
		{"CO_TINH", C, 18_720_000, false},
		{"CO_CP", C, 28_080_000, false},
		{"XA_TIEU_BIEU", C, 4_680_000, false},
		{"THON_VH", C, 3_510_000, false},
		{"GD_VH", H, 0, true},
		{"GIAY_KHEN", I, 710_000, true},
		{"GIAY_KHEN", C, 1_410_000, true}, // 1,404,000
		{"GIAY_KHEN", H, 710_000, true},
		{"BK_TINH", I, 2_340_000, false},
		{"BK_TINH", C, 4_680_000, false},
		{"BK_TINH", H, 2_340_000, false},
		{"BK_TTG", I, 8_190_000, true},
		{"BK_TTG", C, 16_380_000, true},
		{"BK_TTG", H, 8_190_000, true},
		{"HCLD_3", I, 10_530_000, false},
		{"HCLD_3", C, 21_060_000, false},
		{"HCLD_2", I, 17_550_000, false},
		{"HCLD_2", C, 35_100_000, false},
		{"HCLD_1", I, 21_060_000, false},
		{"HCLD_1", C, 42_120_000, false},
		{"HCDL_3", I, 24_570_000, false},
		{"HCDL_3", C, 49_140_000, false},
		{"HCDL_2", I, 29_250_000, false},
		{"HCDL_2", C, 58_500_000, false},
		{"HCDL_1", I, 35_100_000, false},
		{"HCDL_1", C, 70_200_000, false},
		{"HC_HCM", I, 71_370_000, false},
		{"HC_HCM", C, 142_740_000, false},
		{"HC_SAO_VANG", I, 107_640_000, false},
		{"HC_SAO_VANG", C, 215_280_000, false},
		{"AH_LD", I, 36_270_000, false},
		{"AH_LD", C, 72_540_000, false},
	}
	entries := make([]Entry, len(rows))
	for i, r := range rows {
		entries[i] = Entry{RecipientKey: fmt.Sprintf("r%d", i), RecipientKind: r.kind, AwardCode: r.code, Period: Period{2024, 2024}}
	}
	got, err := ComputeRewards(day(2025, 3, 1), entries, nil)
	require.NoError(t, err)
	require.Len(t, got, len(rows))
	for i, r := range rows {
		name := r.code + "/" + r.kind.String()
		require.Equal(t, r.want, got[i].AmountVND, name)
		require.Equal(t, r.want, got[i].FullVND, name)
		require.Equal(t, int64(2_340_000), got[i].BaseSalaryVND, name)
		require.Equal(t, r.check, got[i].Check, name)
		if r.check {
			require.Contains(t, got[i].Note, "[check]", name)
		} else {
			require.Empty(t, got[i].Note, name)
		}
	}
	require.Equal(t, NoCoefficient, got[10].Coefficient, "GD_VH")
	require.Contains(t, got[10].Note, "not paid: no coefficient of GD_VH for a household recipient is confirmed [check]")
	require.Equal(t, Coefficient(60), got[12].Coefficient, "GIAY_KHEN collective")
}

// domain.md §7: decision 946/QĐ-UBND of 31 May 2023, Bằng khen of the
// provincial chairman: 1,490,000 for an individual, 2,980,000 for a
// collective. The catalogue row is valid from 2024, so the reward is
// computed and flagged.
func TestComputeRewardsDecision946(t *testing.T) {
	got, err := ComputeRewards(day(2023, 5, 31), []Entry{
		{RecipientKey: "a", RecipientKind: I, AwardCode: "BK_TINH", Period: Period{2022, 2022}},
		{RecipientKey: "b", RecipientKind: C, AwardCode: "BK_TINH", Period: Period{2022, 2022}},
	}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1_490_000), got[0].AmountVND)
	require.Equal(t, int64(2_980_000), got[1].AmountVND)
	require.True(t, got[0].Check)
	require.Equal(t, "the catalogue row of BK_TINH is valid from 2024-01-01; applied to a decision of 2023-05-31 [check]", got[0].Note)
}

func TestComputeRewardsBaseSalaryCheck(t *testing.T) {
	got, err := ComputeRewards(day(2026, 7, 1), []Entry{{RecipientKey: "a", RecipientKind: I, AwardCode: "CSTD_CS", Period: Period{2026, 2026}}}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2_530_000), got[0].AmountVND)
	require.True(t, got[0].Check)
	require.Contains(t, got[0].Note, "base salary 2,530,000 VND from 2026-07-01 is marked [check]")
}

func TestComputeRewardsBeforeTheSalaryTable(t *testing.T) {
	_, err := ComputeRewards(day(2013, 6, 30), []Entry{{RecipientKey: "a", RecipientKind: I, AwardCode: "LDTT", Period: Period{2012, 2012}}}, nil)
	require.ErrorIs(t, err, ErrNoBaseSalary)
}

// The same-period rule of domain.md §7, on 1 Mar 2025 (2,340,000 VND).
func TestComputeRewardsSamePeriod(t *testing.T) {
	y := func(a, b int) Period { return Period{a, b} }
	ind := func(key, code string, p Period) Entry { return Entry{key, I, code, p} }
	col := func(key, code string, p Period) Entry { return Entry{key, C, code, p} }
	notPaid := func(code string) string {
		return "not paid: the recipient holds " + code + " for the same period (domain.md §7: only the highest title is paid)"
	}
	type want struct {
		amount int64
		note   string
	}
	tests := []struct {
		name    string
		entries []Entry
		held    []Held
		want    []want
	}{
		{
			name:    "two titles, same period: only the higher is paid, in either order",
			entries: []Entry{ind("a", "LDTT", y(2024, 2024)), ind("a", "CSTD_CS", y(2024, 2024))},
			want:    []want{{0, notPaid("CSTD_CS")}, {2_340_000, ""}},
		},
		{
			name:    "two titles, same period, higher first",
			entries: []Entry{ind("a", "CSTD_CS", y(2024, 2024)), ind("a", "LDTT", y(2024, 2024))},
			want:    []want{{2_340_000, ""}, {0, notPaid("CSTD_CS")}},
		},
		{
			name:    "three titles, same period",
			entries: []Entry{ind("a", "CSTD_CS", y(2024, 2024)), ind("a", "CSTD_TQ", y(2024, 2024)), ind("a", "LDTT", y(2024, 2024))},
			want:    []want{{0, notPaid("CSTD_TQ")}, {10_530_000, ""}, {0, notPaid("CSTD_TQ")}},
		},
		{
			name:    "a title and a commendation are both paid",
			entries: []Entry{ind("a", "CSTD_CS", y(2024, 2024)), ind("a", "BK_TINH", y(2024, 2024))},
			want:    []want{{2_340_000, ""}, {2_340_000, ""}},
		},
		{
			name:    "a title and an order are both paid",
			entries: []Entry{col("u", "CO_TINH", y(2024, 2024)), col("u", "HCLD_3", y(2024, 2024))},
			want:    []want{{18_720_000, ""}, {21_060_000, ""}},
		},
		{
			name:    "titles for different periods are each paid",
			entries: []Entry{ind("a", "CSTD_CS", y(2023, 2023)), ind("a", "CSTD_CS", y(2024, 2024)), ind("a", "CSTD_TINH", y(2022, 2024))},
			want:    []want{{2_340_000, ""}, {2_340_000, ""}, {7_020_000, ""}},
		},
		{
			name:    "same titles for different recipients are each paid",
			entries: []Entry{ind("a", "LDTT", y(2024, 2024)), ind("b", "CSTD_CS", y(2024, 2024))},
			want:    []want{{710_000, ""}, {2_340_000, ""}},
		},
		{
			name:    "tie: the earlier type in the catalogue is paid",
			entries: []Entry{col("u", "THON_VH", y(2024, 2024)), col("u", "TTLDXS", y(2024, 2024))},
			want:    []want{{0, notPaid("TTLDXS")}, {3_510_000, ""}},
		},
		{
			name:    "held: a lower title already paid, the higher one pays the difference",
			entries: []Entry{ind("a", "CSTD_CS", y(2024, 2024))},
			held:    []Held{{"a", "LDTT", y(2024, 2024), 710_000}},
			want:    []want{{1_630_000, "paid the difference: 710,000 VND were already paid for LDTT of the same period by an earlier decision (domain.md §7: only the highest title is paid) [check]"}},
		},
		{
			name:    "held: a higher title already paid, nothing more",
			entries: []Entry{ind("a", "LDTT", y(2024, 2024)), ind("a", "CSTD_CS", y(2024, 2024))},
			held:    []Held{{"a", "CSTD_TINH", y(2024, 2024), 7_020_000}},
			want: []want{
				{0, "not paid: the recipient holds CSTD_TINH for the same period from an earlier decision, which paid 7,020,000 VND (domain.md §7: only the highest title is paid)"},
				{0, "not paid: the recipient holds CSTD_TINH for the same period from an earlier decision, which paid 7,020,000 VND (domain.md §7: only the highest title is paid)"},
			},
		},
		{
			name:    "held: an equal amount already paid, nothing more",
			entries: []Entry{col("u", "THON_VH", y(2024, 2024))},
			held:    []Held{{"u", "TTLDXS", y(2024, 2024), 3_510_000}},
			want:    []want{{0, "not paid: the recipient holds TTLDXS for the same period from an earlier decision, which paid 3,510,000 VND (domain.md §7: only the highest title is paid)"}},
		},
		{
			name:    "held: another period, another recipient or a commendation do not count",
			entries: []Entry{ind("a", "CSTD_CS", y(2024, 2024))},
			held: []Held{
				{"a", "CSTD_CS", y(2023, 2023), 1_800_000},
				{"b", "CSTD_TINH", y(2024, 2024), 7_020_000},
				{"a", "BK_TTG", y(2024, 2024), 8_190_000},
			},
			want: []want{{2_340_000, ""}},
		},
		{
			name:    "held: a title held unpaid changes nothing",
			entries: []Entry{ind("a", "CSTD_CS", y(2024, 2024))},
			held:    []Held{{"a", "LDTT", y(2024, 2024), 0}},
			want:    []want{{2_340_000, ""}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ComputeRewards(day(2025, 3, 1), tc.entries, tc.held)
			require.NoError(t, err)
			require.Len(t, got, len(tc.want))
			for i, w := range tc.want {
				require.Equal(t, w.amount, got[i].AmountVND, "entry %d", i)
				require.Equal(t, w.note, got[i].Note, "entry %d", i)
				require.Equal(t, RewardVND(got[i].Coefficient, 2_340_000), got[i].FullVND, "entry %d: FullVND is before the rule", i)
			}
		})
	}
}

func TestComputeRewardsRejects(t *testing.T) {
	on := day(2025, 3, 1)
	p := Period{2024, 2024}
	tests := []struct {
		name    string
		entries []Entry
		held    []Held
		check   func(t *testing.T, err error)
	}{
		{"unknown award", []Entry{{"a", I, "NOPE", p}}, nil, func(t *testing.T, err error) {
			requireFields(t, err, "entries[0].awardType")
		}},
		{"kind not accepted", []Entry{{"a", I, "LDTT", p}, {"a", H, "CSTD_CS", p}}, nil, func(t *testing.T, err error) {
			requireFields(t, err, "entries[1].recipient.kind")
		}},
		{"kind missing", []Entry{{"a", RecipientUnspecified, "LDTT", p}}, nil, func(t *testing.T, err error) {
			requireFields(t, err, "entries[0].recipient.kind")
		}},
		{"no key", []Entry{{"", I, "LDTT", p}}, nil, func(t *testing.T, err error) {
			requireFields(t, err, "entries[0].recipient")
		}},
		{"period reversed", []Entry{{"a", I, "LDTT", Period{2024, 2023}}}, nil, func(t *testing.T, err error) {
			requireFields(t, err, "entries[0].period.endYear")
		}},
		{"period missing", []Entry{{"a", I, "LDTT", Period{}}}, nil, func(t *testing.T, err error) {
			requireFields(t, err, "entries[0].period.startYear", "entries[0].period.endYear")
		}},
		{"same award twice", []Entry{{"a", I, "LDTT", p}, {"b", I, "LDTT", p}, {"a", I, "LDTT", p}}, nil, func(t *testing.T, err error) {
			requireRule(t, err, "DUPLICATE_AWARD", "entries[2]")
		}},
		{"already held", []Entry{{"a", I, "LDTT", p}, {"a", I, "CSTD_CS", p}}, []Held{{"a", "CSTD_CS", p, 2_340_000}}, func(t *testing.T, err error) {
			requireRule(t, err, "DUPLICATE_AWARD", "entries[1]")
		}},
		{"unknown held award", []Entry{{"a", I, "LDTT", p}}, []Held{{"a", "OLD", p, 1}}, func(t *testing.T, err error) {
			var nf *NotFoundError
			require.True(t, errors.As(err, &nf), "%v", err)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ComputeRewards(on, tc.entries, tc.held)
			require.Nil(t, got)
			tc.check(t, err)
		})
	}
}

func TestComputeRewardsEmpty(t *testing.T) {
	got, err := ComputeRewards(day(2025, 3, 1), nil, nil)
	require.NoError(t, err)
	require.Empty(t, got)
}

func TestPeriod(t *testing.T) {
	require.Equal(t, "2024", Period{2024, 2024}.String())
	require.Equal(t, "2022-2024", Period{2022, 2024}.String())
	require.NoError(t, Period{civil.MinYear, civil.MaxYear}.Validate("period"))
	requireFields(t, Period{1944, 2201}.Validate("period"), "period.startYear", "period.endYear")
}

func TestVND(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1_490_000: "1,490,000", 215_280_000: "215,280,000", -10_000: "-10,000"} {
		require.Equal(t, want, vnd(n))
	}
}
