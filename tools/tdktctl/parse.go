package main

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/type/date"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// column is a column of an import file.
type column int

const (
	colDecisionID column = iota
	colNumber
	colSignedOn
	colAuthority
	colSignerName
	colSignerTitle
	colTitle
	colAwardType
	colRecipientKind
	colFullName
	colUnit
	colHeadName
	colGender
	colBirthYear
	colPosition
	colCommune
	colAddress
	colPeriodStart
	colPeriodEnd
	colAchievements
	numColumns
)

// columns describes every column, in the order of the usage text.
var columns = [numColumns]struct {
	name     string
	required bool   // the header must have it
	maxLen   int    // in characters; 0 for columns that are not free text
	help     string // for the usage text
}{
	colDecisionID:    {"decision_id", true, 0, "your id of the decision (a-z, 0-9, '-'; up to 63): decisions/{decision_id}"},
	colNumber:        {"number", true, 64, "number as printed, e.g. 946/QĐ-UBND"},
	colSignedOn:      {"signed_on", true, 0, "signing date, YYYY-MM-DD or DD/MM/YYYY (an XLSX date cell too)"},
	colAuthority:     {"authority", true, 0, "the unit whose head decides, e.g. bac-kan or units/bac-kan"},
	colSignerName:    {"signer_name", false, 200, "who signed (the service requires it)"},
	colSignerTitle:   {"signer_title", false, 200, "the signer's title, e.g. Chủ tịch (the service requires it)"},
	colTitle:         {"title", false, 500, "subject of the decision (the service requires it)"},
	colAwardType:     {"award_type", true, 0, "award type code, e.g. BK_TINH or awardTypes/BK_TINH"},
	colRecipientKind: {"recipient_kind", true, 0, "INDIVIDUAL, COLLECTIVE or HOUSEHOLD (or cá nhân, tập thể, hộ gia đình)"},
	colFullName:      {"full_name", false, 200, "individual: full name (required)"},
	colUnit:          {"unit", false, 0, "collective: the unit honoured (required); individual: where they work"},
	colHeadName:      {"head_name", false, 200, "household: name of the head (required)"},
	colGender:        {"gender", false, 0, "individual: MALE or FEMALE (or nam, nữ); may be empty"},
	colBirthYear:     {"birth_year", false, 0, "individual: year of birth; may be empty"},
	colPosition:      {"position", false, 300, "individual: position (chức vụ)"},
	colCommune:       {"commune", false, 0, "household: the commune unit (required)"},
	colAddress:       {"address", false, 500, "household: address"},
	colPeriodStart:   {"period_start", true, 0, "first year the award is for"},
	colPeriodEnd:     {"period_end", false, 0, "last year; empty means period_start"},
	colAchievements:  {"achievements", false, 2000, "the achievement, as printed"},
}

// decisionColumns hold the decision's own fields: every row of a decision
// repeats them or leaves them empty.
var decisionColumns = []column{colNumber, colSignedOn, colAuthority, colSignerName, colSignerTitle, colTitle}

var (
	idPattern        = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	awardTypePattern = regexp.MustCompile(`^[A-Z0-9_]{1,32}$`)
	isoDate          = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	vnDate           = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
)

// header maps each known column to its index in the file, -1 if absent.
type header [numColumns]int

// parseHeader reads the header of t: known names only (case and spaces
// around them do not matter), each once, every required one present.
func parseHeader(t *table) (header, error) {
	var h header
	for i := range h {
		h[i] = -1
	}
	byName := make(map[string]column, numColumns)
	for c := range numColumns {
		byName[columns[c].name] = c
	}
	for i, raw := range t.header {
		name := strings.ToLower(strings.TrimSpace(raw))
		c, ok := byName[name]
		switch {
		case name == "":
			return h, t.errAt(t.headerLine, i, "the header has an empty column name")
		case !ok:
			return h, &inputError{file: t.file, sheet: t.sheet, line: t.headerLine, col: i + 1,
				msg: fmt.Sprintf("unknown column %q; the columns are %s", raw, strings.Join(columnNames(), ", "))}
		case h[c] >= 0:
			return h, &inputError{file: t.file, sheet: t.sheet, line: t.headerLine, col: i + 1,
				msg: fmt.Sprintf("column %q appears twice (also column %d)", name, h[c]+1)}
		}
		h[c] = i
	}
	var missing []string
	for c := range numColumns {
		if columns[c].required && h[c] < 0 {
			missing = append(missing, columns[c].name)
		}
	}
	if len(missing) > 0 {
		return h, &inputError{file: t.file, sheet: t.sheet, line: t.headerLine,
			msg: "the header lacks the required columns " + strings.Join(missing, ", ")}
	}
	return h, nil
}

func columnNames() []string {
	names := make([]string, numColumns)
	for c := range numColumns {
		names[c] = columns[c].name
	}
	return names
}

// row is one parsed line: an entry of a decision, with the decision's
// fields as this line gives them ("" where it leaves them empty).
type row struct {
	line       int
	decisionID string
	// doc holds the decision columns as normalised text (signed_on as
	// YYYY-MM-DD, authority as units/…), "" when empty.
	doc      map[column]string
	signedOn *date.Date

	awardType    string // awardTypes/{code}
	recipient    *typev1.Recipient
	period       *typev1.Period
	achievements string
}

// parseRow parses one record of t.
func parseRow(t *table, h header, rec record) (*row, error) {
	get := func(c column) string {
		if h[c] < 0 || h[c] >= len(rec.cells) {
			return ""
		}
		return rec.cells[h[c]]
	}
	bad := func(c column, format string, args ...any) error {
		if h[c] < 0 { // the file has no such column
			return t.errAt(rec.line, -1, "column %s %s (the file has no %s column)", columns[c].name, fmt.Sprintf(format, args...), columns[c].name)
		}
		return t.errAt(rec.line, h[c], format, args...)
	}
	// Text: NFC, trimmed, inner runs of spaces made one; no control
	// characters other than line breaks and tabs.
	text := func(c column) (string, error) {
		v := get(c)
		for _, r := range v {
			if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
				return "", bad(c, "contains the control character %U", r)
			}
		}
		v = vnfold.Normalize(v)
		if max := columns[c].maxLen; max > 0 && utf8.RuneCountInString(v) > max {
			return "", bad(c, "is longer than %d characters", max)
		}
		return v, nil
	}
	unitRef := func(c column) (string, error) {
		v := strings.TrimPrefix(strings.TrimSpace(get(c)), "units/")
		if v == "" {
			return "", nil
		}
		if !idPattern.MatchString(v) {
			return "", bad(c, "%q is not a unit id (a-z, 0-9 and '-', e.g. bac-kan or units/bac-kan)", get(c))
		}
		return "units/" + v, nil
	}
	year := func(c column, required bool) (int32, error) {
		v := strings.TrimSpace(get(c))
		if v == "" {
			if required {
				return 0, bad(c, "is required")
			}
			return 0, nil
		}
		n, err := strconv.Atoi(strings.TrimSuffix(v, ".0")) // XLSX may store 1980 as 1980.0
		if err != nil || n < 1880 || n > 2200 {
			return 0, bad(c, "%q is not a year", v)
		}
		return int32(n), nil
	}

	r := &row{line: rec.line, doc: make(map[column]string)}
	r.decisionID = strings.TrimSpace(get(colDecisionID))
	switch {
	case r.decisionID == "":
		return nil, bad(colDecisionID, "is required")
	case !idPattern.MatchString(r.decisionID):
		return nil, bad(colDecisionID, "%q is not an id: use a-z, 0-9 and '-' (not at either end), up to 63 characters", r.decisionID)
	}

	for _, c := range []column{colNumber, colSignerName, colSignerTitle, colTitle} {
		v, err := text(c)
		if err != nil {
			return nil, err
		}
		if v != "" {
			r.doc[c] = v
		}
	}
	if v := strings.TrimSpace(get(colSignedOn)); v != "" {
		d, err := parseDate(v, t.xlsx)
		if err != nil {
			return nil, bad(colSignedOn, "%v", err)
		}
		r.signedOn = d
		r.doc[colSignedOn] = fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
	}
	authority, err := unitRef(colAuthority)
	if err != nil {
		return nil, err
	}
	if authority != "" {
		r.doc[colAuthority] = authority
	}

	code := strings.ToUpper(strings.TrimPrefix(strings.TrimSpace(get(colAwardType)), "awardTypes/"))
	switch {
	case code == "":
		return nil, bad(colAwardType, "is required")
	case !awardTypePattern.MatchString(code):
		return nil, bad(colAwardType, "%q is not an award type code (e.g. BK_TINH)", get(colAwardType))
	}
	r.awardType = "awardTypes/" + code

	kind, err := parseKind(get(colRecipientKind))
	if err != nil {
		return nil, bad(colRecipientKind, "%v", err)
	}
	rc := &typev1.Recipient{Kind: kind}
	if rc.FullName, err = text(colFullName); err != nil {
		return nil, err
	}
	if rc.HeadName, err = text(colHeadName); err != nil {
		return nil, err
	}
	if rc.Position, err = text(colPosition); err != nil {
		return nil, err
	}
	if rc.Address, err = text(colAddress); err != nil {
		return nil, err
	}
	if rc.Unit, err = unitRef(colUnit); err != nil {
		return nil, err
	}
	if rc.Commune, err = unitRef(colCommune); err != nil {
		return nil, err
	}
	if rc.Gender, err = parseGender(get(colGender)); err != nil {
		return nil, bad(colGender, "%v", err)
	}
	if rc.BirthYear, err = year(colBirthYear, false); err != nil {
		return nil, err
	}
	if err := checkKind(rc, func(c column, msg string) error { return bad(c, "%s", msg) }); err != nil {
		return nil, err
	}
	r.recipient = rc

	start, err := year(colPeriodStart, true)
	if err != nil {
		return nil, err
	}
	end, err := year(colPeriodEnd, false)
	if err != nil {
		return nil, err
	}
	if end == 0 {
		end = start
	}
	if end < start {
		return nil, bad(colPeriodEnd, "%d is before period_start %d", end, start)
	}
	r.period = &typev1.Period{StartYear: start, EndYear: end}
	if r.achievements, err = text(colAchievements); err != nil {
		return nil, err
	}
	return r, nil
}

// checkKind checks that rc has what its kind needs and nothing that
// belongs to another kind.
func checkKind(rc *typev1.Recipient, bad func(column, string) error) error {
	kind := map[typev1.RecipientKind]string{
		typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL: "an individual",
		typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE: "a collective",
		typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD:  "a household",
	}[rc.GetKind()]
	fields := []struct {
		c        column
		set      bool
		required typev1.RecipientKind   // the kind that must have it, if any
		allowed  []typev1.RecipientKind // the kinds that may have it
	}{
		{colFullName, rc.GetFullName() != "", typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, []typev1.RecipientKind{typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL}},
		{colUnit, rc.GetUnit() != "", typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, []typev1.RecipientKind{typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE}},
		{colHeadName, rc.GetHeadName() != "", typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD, []typev1.RecipientKind{typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD}},
		{colGender, rc.GetGender() != typev1.Gender_GENDER_UNSPECIFIED, 0, []typev1.RecipientKind{typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL}},
		{colBirthYear, rc.GetBirthYear() != 0, 0, []typev1.RecipientKind{typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL}},
		{colPosition, rc.GetPosition() != "", 0, []typev1.RecipientKind{typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL}},
		{colCommune, rc.GetCommune() != "", typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD, []typev1.RecipientKind{typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD}},
		{colAddress, rc.GetAddress() != "", 0, []typev1.RecipientKind{typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD}},
	}
	for _, f := range fields {
		if !f.set && f.required == rc.GetKind() {
			return bad(f.c, "is required for "+kind)
		}
		if f.set && !containsKind(f.allowed, rc.GetKind()) {
			return bad(f.c, "must be empty for "+kind)
		}
	}
	return nil
}

func containsKind(ks []typev1.RecipientKind, k typev1.RecipientKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// parseKind reads a recipient kind: its English name (with or without the
// RECIPIENT_KIND_ prefix) or its Vietnamese name, in any case, with or
// without diacritics.
func parseKind(s string) (typev1.RecipientKind, error) {
	switch v := strings.TrimPrefix(vnfold.Fold(s), "recipient_kind_"); v {
	case "individual", "ca nhan":
		return typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, nil
	case "collective", "tap the":
		return typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, nil
	case "household", "ho gia dinh", "ho":
		return typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD, nil
	case "":
		return 0, fmt.Errorf("is required: INDIVIDUAL, COLLECTIVE or HOUSEHOLD")
	default:
		return 0, fmt.Errorf("%q is not a recipient kind: want INDIVIDUAL, COLLECTIVE or HOUSEHOLD (or cá nhân, tập thể, hộ gia đình)", s)
	}
}

// parseGender reads MALE/FEMALE or nam/nữ in any case; "" is unspecified.
func parseGender(s string) (typev1.Gender, error) {
	switch v := strings.TrimPrefix(vnfold.Fold(s), "gender_"); v {
	case "":
		return typev1.Gender_GENDER_UNSPECIFIED, nil
	case "male", "nam":
		return typev1.Gender_GENDER_MALE, nil
	case "female", "nu":
		return typev1.Gender_GENDER_FEMALE, nil
	default:
		return 0, fmt.Errorf("%q is not a gender: want MALE or FEMALE (or nam, nữ), or leave it empty", s)
	}
}

// Spreadsheet serial numbers of 1945-01-01 and 2200-12-31: a number in
// between in an XLSX date cell is a date.
const (
	firstSerial = 16438
	lastSerial  = 110997
)

// parseDate reads YYYY-MM-DD or D/M/YYYY (day first, as written in
// Vietnam); in an XLSX file also a date cell's serial number.
func parseDate(s string, serial bool) (*date.Date, error) {
	var y, m, d int
	switch {
	case isoDate.MatchString(s):
		p := isoDate.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case vnDate.MatchString(s):
		p := vnDate.FindStringSubmatch(s)
		d, m, y = atoi(p[1]), atoi(p[2]), atoi(p[3])
	default:
		f, err := strconv.ParseFloat(s, 64)
		if !serial || err != nil || f < firstSerial || f > lastSerial || math.IsNaN(f) {
			return nil, fmt.Errorf("%q is not a date: want YYYY-MM-DD or DD/MM/YYYY", s)
		}
		t, err := excelize.ExcelDateToTime(math.Floor(f), false)
		if err != nil {
			return nil, fmt.Errorf("%q is not a date: %w", s, err)
		}
		y, m, d = t.Year(), int(t.Month()), t.Day()
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d || y < 1945 || y > 2200 {
		return nil, fmt.Errorf("%q is not a date between 1945 and 2200", s)
	}
	return &date.Date{Year: int32(y), Month: int32(m), Day: int32(d)}, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
