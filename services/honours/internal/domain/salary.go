package domain

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

// BaseSalary is a row of the base salary (lương cơ sở) table of domain.md
// §7: the monthly amount in force from EffectiveFrom until the next row.
type BaseSalary struct {
	EffectiveFrom civil.Date
	AmountVND     int64
	LegalBasis    string // the decree, e.g. "Nghị định số 73/2024/NĐ-CP"; empty when unknown
	// Check marks a row not confirmed from the text of a decree; CheckNote
	// says what.
	Check     bool
	CheckNote string
	Note      string
}

// MaxBaseSalaryVND bounds the amounts so that the money rule cannot
// overflow.
const MaxBaseSalaryVND = 1_000_000_000_000

// SalaryTable is the base salary table, oldest row first. It is immutable.
type SalaryTable struct {
	rows []BaseSalary
}

// loadSalaryTable parses the embedded table once, at first use.
var loadSalaryTable = sync.OnceValues(func() (*SalaryTable, error) {
	f, err := data.Open("data/base_salaries.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseSalaryTable(f)
})

// LoadSalaryTable returns the table embedded in the service
// (data/base_salaries.csv), parsed and validated at first use.
func LoadSalaryTable() (*SalaryTable, error) { return loadSalaryTable() }

// BaseSalaryOn returns the base salary in force on d from the embedded
// table; ErrNoBaseSalary (wrapped) before its first row.
func BaseSalaryOn(d civil.Date) (BaseSalary, error) {
	t, err := LoadSalaryTable()
	if err != nil {
		return BaseSalary{}, err
	}
	return t.On(d)
}

// All returns the rows, oldest first.
func (t *SalaryTable) All() []BaseSalary { return slices.Clone(t.rows) }

// On returns the row in force on d: the last row whose EffectiveFrom is on
// or before d. Before the first row it returns ErrNoBaseSalary.
func (t *SalaryTable) On(d civil.Date) (BaseSalary, error) {
	if !d.Valid() {
		return BaseSalary{}, fmt.Errorf("base salary on %s: %w", d, civil.ErrInvalid)
	}
	// The first row that takes effect after d; the one before it is in force.
	i, _ := slices.BinarySearchFunc(t.rows, d, func(r BaseSalary, d civil.Date) int {
		if r.EffectiveFrom.After(d) {
			return 1
		}
		return -1
	})
	if i == 0 {
		return BaseSalary{}, fmt.Errorf("%w: %s is before %s", ErrNoBaseSalary, d, t.rows[0].EffectiveFrom)
	}
	return t.rows[i-1], nil
}

var salaryColumns = []string{"effective_from", "amount_vnd", "legal_basis", "check", "check_note", "note"}

// ParseSalaryTable reads and validates a table in the CSV form of
// data/base_salaries.csv: effective_from (ISO date, strictly increasing),
// amount_vnd (positive integer), legal_basis (required unless check),
// check (true|false), check_note (required on a check row), note.
func ParseSalaryTable(r io.Reader) (*SalaryTable, error) {
	rows, err := readTable(r, salaryColumns)
	if err != nil {
		return nil, fmt.Errorf("base salaries: %w", err)
	}
	errs := &cellErrors{file: "base salaries"}
	t := &SalaryTable{}
	for _, rw := range rows {
		n := len(errs.errs)
		s := BaseSalary{LegalBasis: rw.cells[2], CheckNote: rw.cells[4], Note: rw.cells[5]}
		if s.EffectiveFrom, err = civil.Parse(rw.cells[0]); err != nil {
			errs.add(rw.line, "effective_from", "%v", err)
		} else if len(t.rows) > 0 && !s.EffectiveFrom.After(t.rows[len(t.rows)-1].EffectiveFrom) {
			errs.add(rw.line, "effective_from", "%s is not after the previous row's %s", s.EffectiveFrom, t.rows[len(t.rows)-1].EffectiveFrom)
		}
		if s.AmountVND, err = strconv.ParseInt(rw.cells[1], 10, 64); err != nil || s.AmountVND <= 0 || s.AmountVND > MaxBaseSalaryVND {
			errs.add(rw.line, "amount_vnd", "%q is not a positive amount of VND", rw.cells[1])
		}
		var ok bool
		if s.Check, ok = parseBool(rw.cells[3]); !ok {
			errs.add(rw.line, "check", "%q is not true or false", rw.cells[3])
		}
		if s.LegalBasis == "" && !s.Check {
			errs.add(rw.line, "legal_basis", "is required (leave it empty only on a check row)")
		}
		if s.Check && s.CheckNote == "" {
			errs.add(rw.line, "check_note", "a check row must say what is to be checked")
		}
		if !s.Check && s.CheckNote != "" {
			errs.add(rw.line, "check_note", "is set but check is false")
		}
		if len(errs.errs) == n {
			t.rows = append(t.rows, s)
		}
	}
	if len(rows) == 0 {
		errs.add(1, "effective_from", "no rows")
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return t, nil
}
