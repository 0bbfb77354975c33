// Package civil holds civil dates: a day in the calendar with no time of day
// and no time zone, as legal dates are written (signed on 31/05/2023). It
// converts to and from google.type.Date and to the ISO text used in storage.
package civil

import (
	"cmp"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
)

// Date is a calendar date. The zero Date is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Bounds of the dates tdkt accepts: the Democratic Republic of Vietnam was
// founded in 1945; nothing legal is dated after 2200.
const (
	MinYear = 1945
	MaxYear = 2200
)

// ErrInvalid reports a date that is not in the calendar or out of bounds.
var ErrInvalid = errors.New("invalid date")

// Of returns the date of t in t's location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// New returns the date, checking it exists and lies in [MinYear, MaxYear].
func New(year int, month time.Month, day int) (Date, error) {
	d := Date{year, month, day}
	if !d.Valid() {
		return Date{}, fmt.Errorf("%w: %04d-%02d-%02d", ErrInvalid, year, int(month), day)
	}
	return d, nil
}

// Valid reports whether d is a real calendar date within the bounds.
func (d Date) Valid() bool {
	if d.Year < MinYear || d.Year > MaxYear || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return t.Day() == d.Day && t.Month() == d.Month
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String returns the ISO form, 2023-05-31.
func (d Date) String() string {
	if d.Year < 0 || d.Year > 9999 || d.Month < 0 || d.Month > 99 || d.Day < 0 || d.Day > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) // not a date of the range New allows
	}
	// The register formats a date per row: no fmt.
	b := []byte("0000-00-00")
	y, m := d.Year, int(d.Month)
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[5], b[6] = byte('0'+m/10), byte('0'+m%10)
	b[8], b[9] = byte('0'+d.Day/10), byte('0'+d.Day%10)
	return string(b)
}

// Parse reads the ISO form written by String.
func Parse(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%w: %q", ErrInvalid, s)
	}
	return New(t.Year(), t.Month(), t.Day())
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp.Compare(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp.Compare(d.Month, e.Month)
	default:
		return cmp.Compare(d.Day, e.Day)
	}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// AddDays returns the date n days after d (before, for negative n).
func (d Date) AddDays(n int) Date {
	return Of(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// FromProto converts a google.type.Date. A nil or all-zero message is the
// zero Date; a partial date (year only, month and year) is invalid, since
// every legal date tdkt records is a full date.
func FromProto(p *date.Date) (Date, error) {
	if p == nil || (p.GetYear() == 0 && p.GetMonth() == 0 && p.GetDay() == 0) {
		return Date{}, nil
	}
	return New(int(p.GetYear()), time.Month(p.GetMonth()), int(p.GetDay()))
}

// Proto converts d to a google.type.Date; the zero Date becomes nil.
func (d Date) Proto() *date.Date {
	if d.IsZero() {
		return nil
	}
	return &date.Date{Year: int32(d.Year), Month: int32(d.Month), Day: int32(d.Day)}
}

// Value stores a Date as its ISO text (a TEXT column), the zero Date as
// "": it implements driver.Valuer.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return "", nil
	}
	return d.String(), nil
}

// Scan reads what Value stored: it implements sql.Scanner. NULL and ""
// are the zero Date.
func (d *Date) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("civil: cannot scan %T as a date", src)
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	parsed, err := Parse(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// Vietnam is the time zone legal dates are reckoned in (Asia/Ho_Chi_Minh,
// UTC+7 all year, without daylight saving time).
var Vietnam = time.FixedZone("ICT", 7*60*60)

// Today is the date of t in Vietnam.
func Today(t time.Time) Date { return Of(t.In(Vietnam)) }
