package demo

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
)

// provinceRow is one line of provinces-2025.csv: a provincial unit in force
// on 30/06/2025 and the unit it belongs to from the effective date.
type provinceRow struct {
	oldCode, oldName, oldKind string
	newCode, newName, newKind string
	effective                 string
}

// provincePlan turns the province table into units and dissolutions. A
// unit of 01/07/2025 made of one old unit of the same name and code is that
// unit, unchanged. Any other is a new unit (new code), and each old unit in
// it is dissolved into it on the effective date; an old unit whose id would
// be the new unit's gets the suffix "-cu".
func provincePlan(r io.Reader) (*Plan, error) {
	rows, err := readProvinces(r)
	if err != nil {
		return nil, err
	}
	var (
		order []string // new codes in order of first appearance
		byNew = make(map[string][]provinceRow)
	)
	for _, row := range rows {
		if _, ok := byNew[row.newCode]; !ok {
			order = append(order, row.newCode)
		}
		byNew[row.newCode] = append(byNew[row.newCode], row)
	}

	p := &Plan{}
	var created []*blocsv1.CreateUnitRequest // the new units, after the old ones
	for _, code := range order {
		group := byNew[code]
		first := group[0]
		if len(group) == 1 && first.oldName == first.newName && first.oldCode == first.newCode {
			u, err := provinceUnit(slug(first.newName), first.newName, first.newKind, first.newCode)
			if err != nil {
				return nil, err
			}
			p.Units = append(p.Units, u)
			continue
		}
		newID := slug(first.newName)
		nu, err := provinceUnit(newID, first.newName, first.newKind, first.newCode)
		if err != nil {
			return nil, err
		}
		created = append(created, nu)
		for _, row := range group {
			if row.newName != first.newName || row.effective != first.effective {
				return nil, fmt.Errorf("new code %s has two names or dates (%q, %q)", code, first.newName, row.newName)
			}
			oldID := slug(row.oldName)
			if oldID == newID {
				oldID += "-cu"
			}
			ou, err := provinceUnit(oldID, row.oldName, row.oldKind, row.oldCode)
			if err != nil {
				return nil, err
			}
			p.Units = append(p.Units, ou)
			on, err := parseDate(row.effective)
			if err != nil || on == nil {
				return nil, fmt.Errorf("%s: effective date %q: want YYYY-MM-DD", row.oldName, row.effective)
			}
			name := unitName(oldID)
			p.Dissolutions = append(p.Dissolutions, &blocsv1.DissolveUnitRequest{
				Name:        name,
				Successor:   unitName(newID),
				EffectiveOn: on,
				RequestId:   requestID("DissolveUnit", name),
			})
		}
	}
	p.Units = append(p.Units, created...)
	return p, nil
}

// readProvinces reads the rows of the table, finding columns by header.
func readProvinces(r io.Reader) ([]provinceRow, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	col := make(map[string]int, len(header))
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, h := range []string{"old_code", "old_name", "old_kind", "new_code", "new_name", "new_kind", "effective"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("no column %q", h)
		}
	}
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	rows := make([]provinceRow, len(recs))
	for i, rec := range recs {
		get := func(h string) string { return vnfold.Normalize(rec[col[h]]) }
		rows[i] = provinceRow{
			oldCode: get("old_code"), oldName: get("old_name"), oldKind: get("old_kind"),
			newCode: get("new_code"), newName: get("new_name"), newKind: get("new_kind"),
			effective: get("effective"),
		}
	}
	return rows, nil
}

// provinceUnit is the create request of a province or centrally-run city,
// its own province.
func provinceUnit(id, name, kind, code string) (*blocsv1.CreateUnitRequest, error) {
	var prefix string
	switch kind {
	case "tỉnh":
		prefix = "Tỉnh "
	case "thành phố trực thuộc trung ương":
		prefix = "Thành phố "
	default:
		return nil, fmt.Errorf("%s: unknown kind %q (want tỉnh or thành phố trực thuộc trung ương)", name, kind)
	}
	return createUnit(id, &blocsv1.Unit{
		DisplayName: prefix + name,
		ShortName:   name,
		Kind:        blocsv1.UnitKind_UNIT_KIND_LOCALITY,
		Level:       blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE,
		Province:    unitName(id),
		Code:        code,
	}), nil
}

// slug is a unit id from a name: folded to lower-case ASCII, every run of
// other characters one '-'. "Bà Rịa - Vũng Tàu" is ba-ria-vung-tau.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range vnfold.Fold(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}
