package domain

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Coefficient is a reward coefficient (hệ số) in hundredths: 150 is 1.5.
// It is fixed-point so that the money rule is exact integer arithmetic;
// 1.1 × 1,800,000 is 1,980,000, not the 1,990,000 that float rounding gives.
type Coefficient int64

// NoCoefficient stands for "no coefficient": the award does not go to that
// kind of recipient, or its coefficient is not confirmed ([check]).
const NoCoefficient Coefficient = -1

// MaxCoefficient bounds coefficients (1000.00) so that the money rule
// cannot overflow.
const MaxCoefficient Coefficient = 100_000

// ParseCoefficient reads a positive decimal with at most two decimals,
// "0.3", "12", "12.0", "0.25". It never goes through a float.
func ParseCoefficient(s string) (Coefficient, error) {
	whole, frac, dotted := strings.Cut(s, ".")
	if whole == "" || (dotted && frac == "") || len(frac) > 2 || len(whole) > 4 ||
		strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return 0, fmt.Errorf("coefficient %q: want a decimal such as 1.5, with at most two decimals", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("coefficient %q: %w", s, err)
	}
	frac += strings.Repeat("0", 2-len(frac))
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("coefficient %q: %w", s, err)
	}
	c := Coefficient(w*100 + f)
	if c <= 0 || c > MaxCoefficient {
		return 0, errors.New("coefficient " + strconv.Quote(s) + ": must be above 0 and at most 1000")
	}
	return c, nil
}

// String writes c as a short decimal: 0.3, 1.5, 12, 0.25.
func (c Coefficient) String() string {
	if c < 0 {
		return "none"
	}
	s := fmt.Sprintf("%d.%02d", c/100, c%100)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// Float64 returns c as a float, for display and the API's double field.
// Never compute money with it: use RewardVND.
func (c Coefficient) Float64() float64 { return float64(c) / 100 }

// Coefficients are an award type's coefficients per recipient kind;
// NoCoefficient where there is none.
type Coefficients struct {
	Individual Coefficient
	Collective Coefficient
	Household  Coefficient
}

// For returns the coefficient for recipients of kind k, NoCoefficient when
// there is none.
func (c Coefficients) For(k RecipientKind) Coefficient {
	switch k {
	case RecipientIndividual:
		return c.Individual
	case RecipientCollective:
		return c.Collective
	case RecipientHousehold:
		return c.Household
	}
	return NoCoefficient
}
