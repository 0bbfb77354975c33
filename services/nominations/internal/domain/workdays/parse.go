package workdays

import (
	"bufio"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

//go:embed holidays-vn.csv
var holidaysCSV string

// columns are the columns of a holidays file, in order; check may be left
// out.
var columns = []string{"date", "kind", "name", "source", "check"}

// ParseError reports a line of a holidays file that cannot be read.
type ParseError struct {
	Line   int    // 1-based
	Column int    // 1-based column, 0 when the line as a whole is at fault
	Field  string // the column's name, "" when Column is 0
	Err    error
}

func (e *ParseError) Error() string {
	if e.Column == 0 {
		return fmt.Sprintf("holidays: line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("holidays: line %d, column %d (%s): %v", e.Line, e.Column, e.Field, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads a holidays file: UTF-8 CSV with the header
// date,kind,name,source[,check], one row per date with an ISO date. Fields
// are trimmed of surrounding space; a leading byte order mark is skipped.
func Parse(r io.Reader) ([]Day, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	var (
		width int
		days  []Day
		seen  = map[civil.Date]int{} // date → line
	)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &ParseError{Line: pe.Line, Err: fmt.Errorf("%w (byte %d)", pe.Err, pe.Column)}
		}
		if err != nil {
			return nil, fmt.Errorf("holidays: %w", err)
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if width == 0 {
			if (len(rec) != 4 && len(rec) != 5) || !slices.Equal(rec, columns[:len(rec)]) {
				return nil, &ParseError{Line: line, Err: fmt.Errorf("header %q, want %s", strings.Join(rec, ","), strings.Join(columns, ","))}
			}
			width = len(rec)
			continue
		}
		if len(rec) != width {
			return nil, &ParseError{Line: line, Err: fmt.Errorf("%d fields, want %d", len(rec), width)}
		}
		day, err := parseRow(rec)
		if first, dup := seen[day.Date]; err == nil && dup {
			err = &fieldError{"date", fmt.Sprintf("%s is already listed on line %d", day.Date, first)}
		}
		if err != nil {
			return nil, rowError(line, err)
		}
		seen[day.Date] = line
		days = append(days, day)
	}
	if width == 0 {
		return nil, &ParseError{Line: 1, Err: errors.New("no header")}
	}
	return days, nil
}

// rowError places err, found in the row at line, in its column.
func rowError(line int, err error) *ParseError {
	fe, ok := errors.AsType[*fieldError](err)
	if !ok {
		return &ParseError{Line: line, Err: err}
	}
	return &ParseError{Line: line, Column: slices.Index(columns, fe.field) + 1, Field: fe.field, Err: errors.New(fe.msg)}
}

func parseRow(rec []string) (Day, error) {
	date, err := civil.Parse(rec[0])
	if err != nil {
		return Day{}, &fieldError{"date", fmt.Sprintf("%q is not an ISO date from %d to %d", rec[0], civil.MinYear, civil.MaxYear)}
	}
	d := Day{Date: date, Kind: Kind(rec[1]), Name: rec[2], Source: rec[3]}
	if len(rec) == 5 {
		d.Check = rec[4]
	}
	return d, d.validate()
}

// Load parses a holidays file into the calendar of the years its rows fall in.
func Load(r io.Reader) (*Calendar, error) {
	days, err := Parse(r)
	if err != nil {
		return nil, err
	}
	var years []int
	for _, d := range days {
		years = append(years, d.Date.Year)
	}
	return New(years, days)
}

// Default returns the calendar of the holidays file embedded in the package,
// holidays-vn.csv: Vietnam's public sector, Monday to Friday.
var Default = sync.OnceValues(func() (*Calendar, error) {
	return Load(strings.NewReader(holidaysCSV))
})
