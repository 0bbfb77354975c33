package eligibility

// Share is a minimum share of a collective's members.
type Share struct {
	Percent int
	Strict  bool // more than Percent, rather than at least
}

// met reports whether n of total meets the share; total > 0.
func (s Share) met(n, total int) bool {
	got, want := float64(n)*100, float64(s.Percent)*float64(total)
	if s.Strict {
		return got > want
	}
	return got >= want
}

// Thresholds are the numbers of the rules that an officer may correct or a
// province may set. Items marked [check] are not confirmed from the text of
// the law (domain.md).
type Thresholds struct {
	R6Years     int // BK_TTG: consecutive years rated GOOD or better since BK_TINH
	R6CSTDCS    int // BK_TTG: CSTD_CS among those years
	R7Years     int // HCLD_3: consecutive years rated GOOD or better since BK_TTG
	R7CSTDCS    int // HCLD_3: CSTD_CS among those years
	R7Excellent int // HCLD_3: EXCELLENT years among those years

	R8MovementYears int // CO_TINH: minimum length of a thematic movement led
	R9MovementYears int // CO_CP: minimum length of a Prime Minister's movement led
	R9QuotaPercent  int // CO_CP: quota, a share of the year's flag holders, rounded down

	R10Completed Share // TTLDXS: members who completed their tasks
	R10LDTT      Share // TTLDXS: members holding LDTT
	R10CSTDCS    int   // TTLDXS: members holding CSTD_CS
	R11LDTT      Share // TTLDTT: members holding LDTT
}

// Defaults returns the thresholds of the law as tdkt knows it.
func Defaults() Thresholds {
	return Thresholds{
		R6Years:     5,
		R6CSTDCS:    3,
		R7Years:     5,
		R7CSTDCS:    3,
		R7Excellent: 1,

		R8MovementYears: 3,
		R9MovementYears: 5,
		R9QuotaPercent:  20, // [check]

		R10Completed: Share{Percent: 100},
		R10LDTT:      Share{Percent: 70}, // configurable
		R10CSTDCS:    1,
		R11LDTT:      Share{Percent: 70}, // configurable per province
	}
}

// R11Before2024 is the older R11 share, more than half the members holding
// LDTT, for provinces or periods still under it.
var R11Before2024 = Share{Percent: 50, Strict: true}

// Config holds the thresholds in force: a default and overrides per
// province.
type Config struct {
	Default Thresholds
	// Provinces maps a province (or ministry) code to its full set of
	// thresholds, usually Defaults() with a field changed.
	Provinces map[string]Thresholds
}

// For returns the thresholds in force for the province.
func (c Config) For(province string) Thresholds {
	if t, ok := c.Provinces[province]; ok {
		return t
	}
	return c.Default
}
