// Package workdays counts working days for the time limits of the
// nominations workflow: weekends and public holidays are excluded, the
// official swaps of a weekday off for a Saturday worked are applied, and a
// year the calendar does not hold is an error, never a year without
// holidays.
package workdays

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

// Kind says what a listed day is.
type Kind string

// The kinds of day a calendar lists.
const (
	// Holiday is a day off by law or by the yearly notice (Tết included).
	Holiday Kind = "holiday"
	// SwappedDayOff is a weekday made a day off by an official swap.
	SwappedDayOff Kind = "swapped_day_off"
	// MakeUpWorkingDay is the weekend day worked in exchange.
	MakeUpWorkingDay Kind = "make_up_working_day"
)

// CheckMark starts the note of a day that is not confirmed.
const CheckMark = "[check]"

// Day is one listed date of a calendar.
type Day struct {
	Date   civil.Date
	Kind   Kind
	Name   string // Vietnamese, e.g. "Tết Nguyên đán"
	Source string // the law or notice the day rests on
	// Check is empty for a confirmed day; otherwise a note starting with
	// CheckMark that says what is not confirmed.
	Check string
}

// Unconfirmed reports whether d is marked [check].
func (d Day) Unconfirmed() bool { return d.Check != "" }

// MissingYearError reports a date in a year the calendar does not hold.
type MissingYearError struct{ Year int }

func (e *MissingYearError) Error() string {
	return fmt.Sprintf("workdays: the calendar does not hold the year %d", e.Year)
}

// Calendar holds the listed days of one or more whole years. It is
// immutable and safe for concurrent use.
type Calendar struct {
	years map[int]bool
	days  map[civil.Date]Day
}

// New returns the calendar of years with the given days. A year without a
// listed day is held as a year of plain weekdays and weekends. Every day must
// fall in one of the years, at most once.
func New(years []int, days []Day) (*Calendar, error) {
	if len(years) == 0 {
		return nil, errors.New("workdays: a calendar needs at least one year")
	}
	c := &Calendar{years: make(map[int]bool, len(years)), days: make(map[civil.Date]Day, len(days))}
	for _, y := range years {
		if y < civil.MinYear || y > civil.MaxYear {
			return nil, fmt.Errorf("workdays: year %d is out of range", y)
		}
		c.years[y] = true
	}
	for _, d := range days {
		if err := d.validate(); err != nil {
			return nil, fmt.Errorf("workdays: %s: %w", d.Date, err)
		}
		if !c.years[d.Date.Year] {
			return nil, fmt.Errorf("workdays: %s is outside the years of the calendar", d.Date)
		}
		if _, dup := c.days[d.Date]; dup {
			return nil, fmt.Errorf("workdays: %s is listed twice", d.Date)
		}
		c.days[d.Date] = d
	}
	return c, nil
}

// Years returns the years c holds, in order.
func (c *Calendar) Years() []int { return slices.Sorted(maps.Keys(c.years)) }

// Days returns the listed days in date order.
func (c *Calendar) Days() []Day { return c.filter(func(Day) bool { return true }) }

// Day returns the listed day at d, if any.
func (c *Calendar) Day(d civil.Date) (Day, bool) {
	day, ok := c.days[d]
	return day, ok
}

// Unconfirmed returns the days marked [check], in date order.
func (c *Calendar) Unconfirmed() []Day { return c.filter(Day.Unconfirmed) }

// UnconfirmedBetween returns the days marked [check] from a to b, both
// included, in date order: the doubtful days a count over that span rests on.
func (c *Calendar) UnconfirmedBetween(a, b civil.Date) []Day {
	if b.Before(a) {
		a, b = b, a
	}
	return c.filter(func(d Day) bool {
		return d.Unconfirmed() && !d.Date.Before(a) && !d.Date.After(b)
	})
}

func (c *Calendar) filter(keep func(Day) bool) []Day {
	var out []Day
	for _, d := range c.days {
		if keep(d) {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(x, y Day) int { return x.Date.Compare(y.Date) })
	return out
}

// IsWorkingDay reports whether d is a working day: a weekday that is neither
// a holiday nor a swapped day off, or a make-up working day.
func (c *Calendar) IsWorkingDay(d civil.Date) (bool, error) {
	if !d.Valid() {
		return false, fmt.Errorf("workdays: %w: %s", civil.ErrInvalid, d)
	}
	if !c.years[d.Year] {
		return false, &MissingYearError{Year: d.Year}
	}
	if day, ok := c.days[d]; ok {
		return day.Kind == MakeUpWorkingDay, nil
	}
	return !isWeekend(d), nil
}

// AddWorkingDays returns the date n working days after from, from itself not
// counted: with n = 5 and from a Monday of an ordinary week, the next Monday.
// A negative n counts back from from; n = 0 returns from.
func (c *Calendar) AddWorkingDays(from civil.Date, n int) (civil.Date, error) {
	if !from.Valid() {
		return civil.Date{}, fmt.Errorf("workdays: %w: %s", civil.ErrInvalid, from)
	}
	step := 1
	if n < 0 {
		n, step = -n, -1
	}
	d := from
	for n > 0 {
		d = d.AddDays(step)
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return civil.Date{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// WorkingDaysBetween returns the number of working days after a up to and
// including b, so that AddWorkingDays(a, n) is b for any working day b. When
// b is before a, it is minus the number of working days from b up to but
// not including a.
func (c *Calendar) WorkingDaysBetween(a, b civil.Date) (int, error) {
	if !a.Valid() || !b.Valid() {
		return 0, fmt.Errorf("workdays: %w: %s or %s", civil.ErrInvalid, a, b)
	}
	sign := 1
	if b.Before(a) {
		a, b, sign = b.AddDays(-1), a.AddDays(-1), -1
	}
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return sign * n, nil
}

// fieldError is a day a calendar cannot hold, naming the field at fault.
type fieldError struct {
	field string
	msg   string
}

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

// validate checks d on its own, field by field.
func (d Day) validate() error {
	if !d.Date.Valid() {
		return &fieldError{"date", "not a valid date"}
	}
	switch d.Kind {
	case Holiday:
	case SwappedDayOff:
		if isWeekend(d.Date) {
			return &fieldError{"kind", fmt.Sprintf("a swapped day off is a weekday, %s is a %s", d.Date, weekday(d.Date))}
		}
	case MakeUpWorkingDay:
		if !isWeekend(d.Date) {
			return &fieldError{"kind", fmt.Sprintf("a make-up working day falls on a weekend, %s is a %s", d.Date, weekday(d.Date))}
		}
	default:
		return &fieldError{"kind", fmt.Sprintf("unknown kind %q (want %s, %s or %s)", d.Kind, Holiday, SwappedDayOff, MakeUpWorkingDay)}
	}
	for _, f := range []struct{ name, text string }{{"name", d.Name}, {"source", d.Source}, {"check", d.Check}} {
		switch {
		case f.text == "" && f.name != "check":
			return &fieldError{f.name, "empty"}
		case !utf8.ValidString(f.text):
			return &fieldError{f.name, "not valid UTF-8"}
		case !norm.NFC.IsNormalString(f.text):
			return &fieldError{f.name, "not in Unicode NFC"}
		case f.text != strings.TrimSpace(f.text):
			return &fieldError{f.name, "leading or trailing space"}
		}
	}
	if d.Check != "" && !strings.HasPrefix(d.Check, CheckMark) {
		return &fieldError{"check", fmt.Sprintf("a note must start with %s", CheckMark)}
	}
	return nil
}

func weekday(d civil.Date) time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Weekday()
}

func isWeekend(d civil.Date) bool {
	wd := weekday(d)
	return wd == time.Saturday || wd == time.Sunday
}
