package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// nomColumn is a column of a nominations file.
type nomColumn struct {
	name     string
	required bool
	maxLen   int // in characters; 0 for columns that are not free text
	help     string
	// field is the JSON path, under row.nomination, of what the column
	// fills: a refusal naming it is reported under the column.
	field string
}

// nomColumns are the columns of tdktctl import-nominations, in the order
// of the usage text.
var nomColumns = []nomColumn{
	{"batch", true, 0, "the DRAFT batch the row goes in: its id or batches/{id}", "parent"},
	{"nomination_id", false, 0, "your id of the nomination (a-z, 0-9, '-'); empty: the service picks one", "nominationId"},
	{"recipient_kind", true, 0, "INDIVIDUAL, COLLECTIVE or HOUSEHOLD (or cá nhân, tập thể, hộ gia đình)", "recipient.kind"},
	{"full_name", false, 200, "individual: full name (required)", "recipient.fullName"},
	{"gender", false, 0, "individual: MALE or FEMALE (or nam, nữ); may be empty", "recipient.gender"},
	{"birth_year", false, 0, "individual: year of birth", "recipient.birthYear"},
	{"position", false, 300, "individual: position (chức vụ)", "recipient.position"},
	{"unit", false, 0, "collective: the unit nominated (required); individual: where they work", "recipient.unit"},
	{"citizen_id", false, 0, "individual: citizen id (CCCD), 12 digits (a number a spreadsheet kept without its leading zero gets it back); may be empty", "recipient.citizenId"},
	{"head_name", false, 200, "household: name of the head (required)", "recipient.headName"},
	{"address", false, 500, "household: address", "recipient.address"},
	{"commune", false, 0, "household: the commune unit (required)", "recipient.commune"},
	{"award_type", true, 0, "award type code, e.g. CSTD_CS or awardTypes/CSTD_CS", "awardType"},
	{"period_start", true, 0, "first year the nomination is for", "period"},
	{"period_end", false, 0, "last year; empty means period_start", "period"},
	{"achievements", false, 8000, "the achievements (tóm tắt thành tích); line breaks kept", "achievements"},
	{"basis", false, 0, "MERIT (default), UNEXPECTED or MOVEMENT (or thường xuyên, đột xuất, chuyên đề)", "basis"},
	{"ratings", false, 0, `yearly task ratings, "2023:EXCELLENT;2024:GOOD" (EXCELLENT, GOOD, COMPLETED, NOT_COMPLETED)`, "ratings"},
	{"initiatives", false, 0, `initiatives, "title|scope|year|document number" separated by ";" (scope GRASSROOTS, PROVINCE or NATIONAL)`, "initiatives"},
	{"members_total", false, 0, "collective: members", "membersTotal"},
	{"members_completed", false, 0, "collective: members who completed their tasks", "membersCompleted"},
	{"members_ldtt", false, 0, "collective: members who are Lao động tiên tiến", "membersLdtt"},
	{"members_cstd", false, 0, "collective: members who are Chiến sĩ thi đua cơ sở", "membersCstd"},
	{"members_disciplined", false, 0, "collective: members disciplined", "membersDisciplined"},
	{"discipline_pending", false, 0, "yes when a disciplinary matter is pending (yes/no, có/không, true/false, 1/0)", "disciplinePending"},
}

// nomRow is one row of a nominations file: sent as req, or refused before
// sending with why.
type nomRow struct {
	line    int
	req     *nominationsv1.CreateNominationRequest
	refusal *rowRefusal
	// answered is set when the service answered the row: nomination is
	// the nomination when it accepted it.
	answered   bool
	nomination string
}

// rowRefusal is why a row was refused: by tdktctl before sending (code
// "") or by the service.
type rowRefusal struct {
	code    string
	message string
	columns []string // the columns at fault, or the service's field paths it names no column for
}

// readNominations reads the rows of a nominations file. A file that is not
// a table of the known columns is an error; a row with a bad value is
// refused on its own, and the others are read.
func readNominations(name string, data []byte, sheet string) (*table, []*nomRow, error) {
	// In CSV, a byte that is not UTF-8 refuses its row, not the file: it is
	// read as U+FFFD and reported where it is.
	if strings.EqualFold(filepath.Ext(name), ".csv") {
		data = bytes.ToValidUTF8(data, []byte(string(utf8.RuneError)))
	}
	t, err := readTable(name, data, sheet)
	if err != nil {
		return nil, nil, err
	}
	index := map[string]int{}
	for i, raw := range t.header {
		n := strings.ToLower(strings.TrimSpace(raw))
		known := false
		for _, c := range nomColumns {
			known = known || c.name == n
		}
		switch {
		case !known:
			return nil, nil, t.errAt(t.headerLine, i, "unknown column %q; the columns are %s", raw, nomColumnNames())
		case index[n] > 0:
			return nil, nil, t.errAt(t.headerLine, i, "column %q appears twice", n)
		}
		index[n] = i + 1
	}
	for _, c := range nomColumns {
		if c.required && index[c.name] == 0 {
			return nil, nil, t.errAt(t.headerLine, -1, "the header lacks the column %s", c.name)
		}
	}
	rows := make([]*nomRow, len(t.records))
	seen := map[[32]byte]int{}
	for i, rec := range t.records {
		get := func(col string) string {
			if j := index[col] - 1; j >= 0 && j < len(rec.cells) {
				return rec.cells[j]
			}
			return ""
		}
		r := &nomRow{line: rec.line}
		r.req, r.refusal = parseNomination(get)
		if r.refusal == nil {
			sum := rowHash(r.req)
			seen[sum]++
			r.req.RequestId = rowRequestID(sum, seen[sum])
		}
		rows[i] = r
	}
	return t, rows, nil
}

func nomColumnNames() string {
	names := make([]string, len(nomColumns))
	for i, c := range nomColumns {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// parseNomination reads one row: Vietnamese text NFC, trimmed, inner runs
// of spaces made one (achievements keep their line breaks).
func parseNomination(get func(string) string) (*nominationsv1.CreateNominationRequest, *rowRefusal) {
	bad := func(col, format string, args ...any) *rowRefusal {
		return &rowRefusal{message: fmt.Sprintf(format, args...), columns: []string{col}}
	}
	text := func(col string, maxLen int) (string, *rowRefusal) {
		v := get(col)
		if strings.ContainsRune(v, utf8.RuneError) {
			return "", bad(col, "is not valid UTF-8: save the file as UTF-8 (CSV UTF-8 in Excel)")
		}
		for _, r := range v {
			if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
				return "", bad(col, "contains the control character %U", r)
			}
		}
		if col == "achievements" {
			lines := strings.Split(strings.ReplaceAll(v, "\r\n", "\n"), "\n")
			for i, l := range lines {
				lines[i] = vnfold.Normalize(l)
			}
			v = norm.NFC.String(strings.TrimSpace(strings.Join(lines, "\n")))
		} else {
			v = vnfold.Normalize(v)
		}
		if maxLen > 0 && utf8.RuneCountInString(v) > maxLen {
			return "", bad(col, "is longer than %d characters", maxLen)
		}
		return v, nil
	}
	ref := func(col, prefix string) (string, *rowRefusal) {
		v := strings.TrimPrefix(strings.TrimSpace(get(col)), prefix)
		if v == "" {
			return "", nil
		}
		if !idPattern.MatchString(v) {
			return "", bad(col, "%q is not an id (a-z, 0-9 and '-', e.g. %sbac-kan)", get(col), prefix)
		}
		return prefix + v, nil
	}
	number := func(col string, lo, hi int) (int32, *rowRefusal) {
		v := strings.TrimSuffix(strings.TrimSpace(get(col)), ".0") // XLSX may store 1980 as 1980.0
		if v == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return 0, bad(col, "%q is not a number from %d to %d", v, lo, hi)
		}
		return int32(n), nil
	}

	req := &nominationsv1.CreateNominationRequest{}
	n := &nominationsv1.Nomination{Recipient: &typev1.Recipient{}}
	req.Nomination = n
	var r *rowRefusal
	if req.Parent, r = ref("batch", "batches/"); r != nil {
		return nil, r
	}
	if req.Parent == "" {
		return nil, bad("batch", "is required")
	}
	if id, r := ref("nomination_id", ""); r != nil {
		return nil, r
	} else {
		req.NominationId = id
	}
	kind, err := parseKind(get("recipient_kind"))
	if err != nil {
		return nil, bad("recipient_kind", "%v", err)
	}
	rc := n.Recipient
	rc.Kind = kind
	if rc.Gender, err = parseGender(get("gender")); err != nil {
		return nil, bad("gender", "%v", err)
	}
	for _, f := range []struct {
		col string
		dst *string
	}{{"full_name", &rc.FullName}, {"position", &rc.Position}, {"head_name", &rc.HeadName}, {"address", &rc.Address},
		{"achievements", &n.Achievements}} {
		if *f.dst, r = text(f.col, maxLenOf(f.col)); r != nil {
			return nil, r
		}
	}
	rc.CitizenId = citizenID(get("citizen_id"))
	if rc.Unit, r = ref("unit", "units/"); r != nil {
		return nil, r
	}
	if rc.Commune, r = ref("commune", "units/"); r != nil {
		return nil, r
	}
	if rc.BirthYear, r = number("birth_year", 1880, 2200); r != nil {
		return nil, r
	}
	code := strings.ToUpper(strings.TrimPrefix(strings.TrimSpace(get("award_type")), "awardTypes/"))
	if !awardTypePattern.MatchString(code) {
		return nil, bad("award_type", "%q is not an award type code (e.g. CSTD_CS)", get("award_type"))
	}
	n.AwardType = "awardTypes/" + code
	start, r := number("period_start", 1945, 2200)
	if r != nil {
		return nil, r
	}
	if start == 0 {
		return nil, bad("period_start", "is required")
	}
	end, r := number("period_end", 1945, 2200)
	if r != nil {
		return nil, r
	}
	n.Period = &typev1.Period{StartYear: start, EndYear: max(end, start)}
	if end != 0 && end < start {
		return nil, bad("period_end", "%d is before period_start %d", end, start)
	}
	if n.Basis, r = parseBasis(get("basis")); r != nil {
		return nil, r
	}
	if n.Ratings, r = parseRatings(get("ratings")); r != nil {
		return nil, r
	}
	if n.Initiatives, r = parseInitiatives(get("initiatives")); r != nil {
		return nil, r
	}
	for _, m := range []struct {
		col string
		dst *int32
	}{{"members_total", &n.MembersTotal}, {"members_completed", &n.MembersCompleted}, {"members_ldtt", &n.MembersLdtt},
		{"members_cstd", &n.MembersCstd}, {"members_disciplined", &n.MembersDisciplined}} {
		if *m.dst, r = number(m.col, 0, 1_000_000); r != nil {
			return nil, r
		}
	}
	switch strings.ToLower(strings.TrimSpace(vnfold.Normalize(get("discipline_pending")))) {
	case "", "no", "false", "0", "không":
	case "yes", "true", "1", "có":
		n.DisciplinePending = true
	default:
		return nil, bad("discipline_pending", "%q is not yes or no", get("discipline_pending"))
	}
	return req, nil
}

// citizenID reads a citizen id (CCCD, 12 digits) as a spreadsheet may
// have kept it: as a number, without its leading zero (11 digits), or in
// scientific notation. Anything else is left for the service to check.
func citizenID(s string) string {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil && strings.ContainsAny(s, "eE.") && f == math.Trunc(f) && f >= 1e10 && f < 1e12 {
		return fmt.Sprintf("%012.0f", f)
	}
	if len(s) == 11 && strings.Trim(s, "0123456789") == "" {
		return "0" + s
	}
	return s
}

func maxLenOf(col string) int {
	for _, c := range nomColumns {
		if c.name == col {
			return c.maxLen
		}
	}
	return 0
}

// parseBasis reads MERIT, UNEXPECTED or MOVEMENT, or their Vietnamese
// names; empty is MERIT.
func parseBasis(s string) (nominationsv1.Basis, *rowRefusal) {
	switch strings.ToLower(vnfold.Normalize(s)) {
	case "", "merit", "thường xuyên":
		return nominationsv1.Basis_BASIS_MERIT, nil
	case "unexpected", "đột xuất":
		return nominationsv1.Basis_BASIS_UNEXPECTED, nil
	case "movement", "chuyên đề", "theo chuyên đề":
		return nominationsv1.Basis_BASIS_MOVEMENT, nil
	}
	return 0, &rowRefusal{message: fmt.Sprintf("%q is not MERIT, UNEXPECTED or MOVEMENT", s), columns: []string{"basis"}}
}

// parseRatings reads "2023:EXCELLENT;2024:GOOD".
func parseRatings(s string) ([]*nominationsv1.YearRating, *rowRefusal) {
	var out []*nominationsv1.YearRating
	for part := range strings.SplitSeq(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		y, rating, ok := strings.Cut(part, ":")
		year, err := strconv.Atoi(strings.TrimSpace(y))
		value, known := nominationsv1.Rating_value["RATING_"+strings.ToUpper(strings.TrimSpace(rating))]
		if !ok || err != nil || !known || value == 0 {
			return nil, &rowRefusal{message: fmt.Sprintf("%q is not YEAR:RATING (e.g. 2023:EXCELLENT; ratings EXCELLENT, GOOD, COMPLETED, NOT_COMPLETED)", part),
				columns: []string{"ratings"}}
		}
		out = append(out, &nominationsv1.YearRating{Year: int32(year), Rating: nominationsv1.Rating(value)})
	}
	return out, nil
}

// parseInitiatives reads "title|scope|year|document number" items
// separated by ";".
func parseInitiatives(s string) ([]*nominationsv1.Initiative, *rowRefusal) {
	var out []*nominationsv1.Initiative
	for part := range strings.SplitSeq(s, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		f := strings.Split(part, "|")
		for len(f) < 4 {
			f = append(f, "")
		}
		scope, known := nominationsv1.InitiativeScope_value["INITIATIVE_SCOPE_"+strings.ToUpper(strings.TrimSpace(f[1]))]
		year, err := strconv.Atoi(strings.TrimSpace(f[2]))
		title := vnfold.Normalize(f[0])
		if len(f) > 4 || title == "" || !known || scope == 0 || err != nil {
			return nil, &rowRefusal{message: fmt.Sprintf("%q is not title|scope|year|document number (scope GRASSROOTS, PROVINCE or NATIONAL)",
				strings.TrimSpace(part)), columns: []string{"initiatives"}}
		}
		out = append(out, &nominationsv1.Initiative{Title: title, Scope: nominationsv1.InitiativeScope(scope), Year: int32(year),
			DocumentNumber: vnfold.Normalize(f[3])})
	}
	return out, nil
}

// rowHash is a SHA-256 of what a row says, after parsing: the same data
// hash the same whatever the column order, the spelling of its values or
// the file type; any edit of the row changes it.
func rowHash(req *nominationsv1.CreateNominationRequest) [32]byte {
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	return sha256.Sum256(b)
}

// rowRequestID is the request id of a row of content sum, the nth such row
// of its file: the same row imported again carries the same request id,
// so the service answers it as the first time; an edited row carries
// another one, and editing one row changes no other's.
func rowRequestID(sum [32]byte, nth int) string {
	return requestID("nomination-row-"+strconv.Itoa(nth), sum)
}
