package domain

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// data holds the catalogue and the base salary table. They are data, not
// constants, so that an officer can correct a [check] row (domain.md).
//
//go:embed data/award_types.csv data/base_salaries.csv
var data embed.FS

// row is one data line of a CSV table, its cells in the order of the
// columns asked for.
type row struct {
	line  int
	cells []string
}

// readTable reads a CSV file whose header names exactly columns (in any
// order; the reader's field count rules out extra ones) and returns its rows
// with cells reordered to columns. Cells are
// trimmed of surrounding spaces.
func readTable(r io.Reader, columns []string) ([]row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(columns)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty file: no header")
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	pos := make([]int, len(columns)) // pos[i]: index in the file of columns[i]
	for i, c := range columns {
		pos[i] = slices.Index(header, c)
		if pos[i] < 0 {
			return nil, fmt.Errorf("header: column %q is missing", c)
		}
	}
	var rows []row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		cells := make([]string, len(columns))
		for i, p := range pos {
			cells[i] = strings.TrimSpace(rec[p])
		}
		rows = append(rows, row{line: line, cells: cells})
	}
}

// cellErrors collects the problems of one table, each naming its line and
// column, so that a broken file reports everything at once.
type cellErrors struct {
	file string
	errs []error
}

func (c *cellErrors) add(line int, column, format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s line %d, column %s: %s", c.file, line, column, fmt.Sprintf(format, args...)))
}

func (c *cellErrors) err() error { return errors.Join(c.errs...) }

// parseBool reads the check column: "true" or "false".
func parseBool(s string) (bool, bool) {
	switch s {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}
