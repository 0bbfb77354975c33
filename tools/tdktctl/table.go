package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// table is a file's cells as text: the header and the records after it,
// each with its line (CSV) or row (XLSX) number. Empty records are left
// out.
type table struct {
	file    string
	xlsx    bool   // dates may be spreadsheet serial numbers
	sheet   string // XLSX: the sheet read
	header  []string
	records []record
	// headerLine is the line (row) of the header.
	headerLine int
}

type record struct {
	line  int
	cells []string
}

// inputError is bad input, named by its place in the file.
type inputError struct {
	file   string
	sheet  string // XLSX only
	line   int    // 0 when the file as a whole is wrong
	col    int    // 1-based; 0 when the line as a whole is wrong
	column string // the column's name, when known
	msg    string
}

func (e *inputError) Error() string {
	var b strings.Builder
	b.WriteString(e.file)
	if e.sheet != "" {
		fmt.Fprintf(&b, ", sheet %q", e.sheet)
	}
	if e.line > 0 {
		if e.sheet != "" {
			fmt.Fprintf(&b, ", row %d", e.line)
		} else {
			fmt.Fprintf(&b, ", line %d", e.line)
		}
	}
	if e.col > 0 {
		if e.sheet != "" {
			name, _ := excelize.ColumnNumberToName(e.col)
			fmt.Fprintf(&b, ", column %s", name)
		} else {
			fmt.Fprintf(&b, ", column %d", e.col)
		}
		if e.column != "" {
			fmt.Fprintf(&b, " (%s)", e.column)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.msg)
	return b.String()
}

// errAt is bad input at a cell of t; col is 0-based, -1 for the whole line.
func (t *table) errAt(line, col int, format string, args ...any) *inputError {
	e := &inputError{file: t.file, sheet: t.sheet, line: line, msg: fmt.Sprintf(format, args...)}
	if col >= 0 {
		e.col = col + 1
		if col < len(t.header) {
			e.column = t.header[col]
		}
	}
	return e
}

// readTable reads a CSV or XLSX file, chosen by the extension of name.
// sheet names the XLSX sheet to read; "" is the first.
func readTable(name string, data []byte, sheet string) (*table, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".csv":
		return readCSV(name, data)
	case ".xlsx":
		return readXLSX(name, data, sheet)
	default:
		return nil, &inputError{file: name, msg: fmt.Sprintf("unknown file type %q: want .csv or .xlsx", ext)}
	}
}

var bom = []byte{0xef, 0xbb, 0xbf}

// readCSV reads comma-separated UTF-8 text without a byte order mark. Every
// record must have as many fields as the header.
func readCSV(name string, data []byte) (*table, error) {
	t := &table{file: name}
	if bytes.HasPrefix(data, bom) {
		return nil, t.errAt(1, -1, "the file starts with a byte order mark (BOM): save it as CSV UTF-8 without BOM")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, t.errAt(0, -1, "the file is empty: want a header line and one line per entry")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.ReuseRecord = false
	for {
		rec, err := r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			if pe, ok := errors.AsType[*csv.ParseError](err); ok {
				e := t.errAt(pe.Line, -1, "%v", pe.Err)
				if pe.Column > 0 {
					e.col = 0
					e.msg = fmt.Sprintf("character %d: %v", pe.Column, pe.Err)
				}
				if errors.Is(pe.Err, csv.ErrFieldCount) {
					e.msg = fmt.Sprintf("has %d fields, the header has %d", len(rec), len(t.header))
				}
				return nil, e
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		for i, cell := range rec {
			if !utf8.ValidString(cell) {
				l, _ := r.FieldPos(i)
				return nil, t.errAt(l, i, "is not valid UTF-8: save the file as CSV UTF-8")
			}
		}
		if t.header == nil {
			t.header, t.headerLine = rec, line
			continue
		}
		if isEmpty(rec) {
			continue
		}
		t.records = append(t.records, record{line: line, cells: rec})
	}
	if len(t.records) == 0 {
		return nil, t.errAt(0, -1, "no entries after the header line")
	}
	return t, nil
}

// readXLSX reads the cells of one sheet as they are stored (dates as serial
// numbers). The header is the first row that is not empty.
func readXLSX(name string, data []byte, sheet string) (*table, error) {
	t := &table{file: name, xlsx: true}
	if len(data) == 0 {
		return nil, t.errAt(0, -1, "the file is empty: want a workbook with a header row and one row per entry")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, t.errAt(0, -1, "not a readable XLSX workbook: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	switch {
	case sheet == "" && len(sheets) > 0:
		sheet = sheets[0]
	case sheet == "":
		return nil, t.errAt(0, -1, "the workbook has no sheet")
	default:
		found := false
		for _, s := range sheets {
			found = found || s == sheet
		}
		if !found {
			return nil, t.errAt(0, -1, "no sheet %q; the sheets are %q", sheet, sheets)
		}
	}
	t.sheet = sheet
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, t.errAt(0, -1, "read the sheet: %v", err)
	}
	for i, cells := range rows {
		line := i + 1
		if isEmpty(cells) {
			continue
		}
		for j, c := range cells {
			if !utf8.ValidString(c) {
				return nil, t.errAt(line, j, "is not valid UTF-8")
			}
		}
		if t.header == nil {
			for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
				cells = cells[:len(cells)-1]
			}
			t.header, t.headerLine = cells, line
			continue
		}
		for j := len(t.header); j < len(cells); j++ {
			if strings.TrimSpace(cells[j]) != "" {
				return nil, t.errAt(line, j, "has a value but no header")
			}
		}
		rec := make([]string, len(t.header))
		copy(rec, cells)
		t.records = append(t.records, record{line: line, cells: rec})
	}
	if t.header == nil {
		return nil, t.errAt(0, -1, "the sheet is empty: want a header row and one row per entry")
	}
	if len(t.records) == 0 {
		return nil, t.errAt(0, -1, "no entries after the header row")
	}
	return t, nil
}

func isEmpty(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
