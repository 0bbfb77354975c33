package domain

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
)

// AwardType is a row of the award catalogue (domain.md §4).
type AwardType struct {
	Code        string // tdkt's code, e.g. BK_TINH
	DisplayName string // Vietnamese, NFC
	EnglishName string
	Category    Category
	// RecipientKinds are who may receive it, in RecipientKind order.
	RecipientKinds []RecipientKind
	// Authorities are who may confer it, in Authority order.
	Authorities []Authority
	// Coefficients per recipient kind. An accepted kind has NoCoefficient
	// only on a [check] row whose coefficient is not confirmed (GD_VH).
	Coefficients Coefficients
	LegalBasis   string
	ValidFrom    civil.Date
	ValidTo      civil.Date // zero while in force
	// Check marks a row with something not confirmed from the text of the
	// law (domain.md [check]); CheckNote says what.
	Check     bool
	CheckNote string
	Note      string

	pos int // position in the catalogue, for ties
}

// AwardTypeName is awardTypes/{code}.
func AwardTypeName(code string) string { return "awardTypes/" + code }

// Name is awardTypes/{code}.
func (t AwardType) Name() string { return AwardTypeName(t.Code) }

// IsEmulationTitle reports whether t is an emulation title, the kind of
// award the same-period rule of domain.md §7 applies to.
func (t AwardType) IsEmulationTitle() bool { return t.Category == CategoryEmulationTitle }

// Accepts reports whether t may be conferred on recipients of kind k.
func (t AwardType) Accepts(k RecipientKind) bool { return slices.Contains(t.RecipientKinds, k) }

// Coefficient returns t's coefficient for recipients of kind k; false when
// t does not go to k or its coefficient for k is not confirmed.
func (t AwardType) Coefficient(k RecipientKind) (Coefficient, bool) {
	c := t.Coefficients.For(k)
	return c, t.Accepts(k) && c > 0
}

// ConferringLevels are the levels of the units whose head may confer t
// (the union of its authorities' levels), in Level order.
func (t AwardType) ConferringLevels() []Level {
	var ls []Level
	for _, a := range t.Authorities {
		ls = append(ls, a.Levels()...)
	}
	slices.Sort(ls)
	return slices.Compact(ls)
}

// ConferredBy names who confers t as the law does, in Vietnamese, e.g.
// "Bộ trưởng, …; Chủ tịch Ủy ban nhân dân cấp tỉnh".
func (t AwardType) ConferredBy() string {
	titles := make([]string, len(t.Authorities))
	for i, a := range t.Authorities {
		titles[i] = a.Title()
	}
	return strings.Join(titles, "; ")
}

// ValidOn reports whether the row is valid on d.
func (t AwardType) ValidOn(d civil.Date) bool {
	return !d.Before(t.ValidFrom) && (t.ValidTo.IsZero() || !d.After(t.ValidTo))
}

func (t AwardType) clone() AwardType {
	t.RecipientKinds = slices.Clone(t.RecipientKinds)
	t.Authorities = slices.Clone(t.Authorities)
	return t
}

// Catalogue is the award catalogue, in its order (lower awards first). It
// is immutable: Get and All return copies.
type Catalogue struct {
	types  []AwardType
	byCode map[string]int
}

// loadCatalogue parses the embedded catalogue once, at first use.
var loadCatalogue = sync.OnceValues(func() (*Catalogue, error) {
	f, err := data.Open("data/award_types.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseCatalogue(f)
})

// LoadCatalogue returns the catalogue embedded in the service
// (data/award_types.csv), parsed and validated at first use. An error means
// the embedded file is broken; the tests catch it before a release.
func LoadCatalogue() (*Catalogue, error) { return loadCatalogue() }

// Get returns the award type with the code, or a *NotFoundError.
func (c *Catalogue) Get(code string) (AwardType, error) {
	i, ok := c.byCode[code]
	if !ok {
		return AwardType{}, &NotFoundError{Name: AwardTypeName(code)}
	}
	return c.types[i].clone(), nil
}

// All returns every award type in catalogue order.
func (c *Catalogue) All() []AwardType {
	all := make([]AwardType, len(c.types))
	for i, t := range c.types {
		all[i] = t.clone()
	}
	return all
}

var catalogueColumns = []string{
	"code", "display_name", "english_name", "category", "recipient_kinds",
	"conferring_authorities", "coefficient_individual", "coefficient_collective",
	"coefficient_household", "legal_basis", "valid_from", "valid_to", "check",
	"check_note", "note",
}

var codePattern = regexp.MustCompile(`^[A-Z0-9_]{1,32}$`)

// ParseCatalogue reads and validates a catalogue in the CSV form of
// data/award_types.csv, reporting every broken cell. Columns:
//
//	code                    ^[A-Z0-9_]{1,32}$, unique
//	display_name            Vietnamese, NFC, tidy spaces
//	english_name            required
//	category                EMULATION_TITLE | COMMENDATION | ORDER | STATE_HONORARY_TITLE
//	recipient_kinds         ';'-separated INDIVIDUAL | COLLECTIVE | HOUSEHOLD
//	conferring_authorities  ';'-separated UNIT_HEAD | COMMUNE | PROVINCE | MINISTRY | PRIME_MINISTER | PRESIDENT
//	coefficient_*           decimal, at most two decimals; set for every accepted
//	                        kind (empty only on a check row) and for no other
//	legal_basis             required
//	valid_from, valid_to    ISO dates; valid_to empty while in force
//	check, check_note       true|false; a check row says what to check
//	note                    free text
func ParseCatalogue(r io.Reader) (*Catalogue, error) {
	rows, err := readTable(r, catalogueColumns)
	if err != nil {
		return nil, fmt.Errorf("award types: %w", err)
	}
	errs := &cellErrors{file: "award types"}
	c := &Catalogue{byCode: map[string]int{}}
	for _, rw := range rows {
		t, ok := parseAwardType(rw, errs)
		if !ok {
			continue
		}
		if _, dup := c.byCode[t.Code]; dup {
			errs.add(rw.line, "code", "duplicate code %s", t.Code)
			continue
		}
		t.pos = len(c.types)
		c.byCode[t.Code] = t.pos
		c.types = append(c.types, t)
	}
	if len(rows) == 0 {
		errs.add(1, "code", "no award types")
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return c, nil
}

func parseAwardType(rw row, errs *cellErrors) (AwardType, bool) {
	n := len(errs.errs)
	bad := func(col, format string, args ...any) { errs.add(rw.line, col, format, args...) }
	cell := func(col string) string { return rw.cells[slices.Index(catalogueColumns, col)] }

	t := AwardType{
		Code:        cell("code"),
		DisplayName: cell("display_name"),
		EnglishName: cell("english_name"),
		LegalBasis:  cell("legal_basis"),
		CheckNote:   cell("check_note"),
		Note:        cell("note"),
	}
	if !codePattern.MatchString(t.Code) {
		bad("code", "%q is not a code (A-Z, 0-9, _)", t.Code)
	}
	switch {
	case t.DisplayName == "":
		bad("display_name", "is required")
	case !norm.NFC.IsNormalString(t.DisplayName) || vnfold.Normalize(t.DisplayName) != t.DisplayName:
		bad("display_name", "%q is not in NFC with single spaces", t.DisplayName)
	}
	if t.EnglishName == "" {
		bad("english_name", "is required")
	}
	if t.LegalBasis == "" {
		bad("legal_basis", "is required")
	}

	var ok bool
	if t.Category, ok = parseEnum(cell("category"), CategoryEmulationTitle, CategoryCommendation, CategoryOrder, CategoryStateHonoraryTitle); !ok {
		bad("category", "%q is not one of EMULATION_TITLE, COMMENDATION, ORDER, STATE_HONORARY_TITLE", cell("category"))
	}
	t.RecipientKinds = parseList(cell("recipient_kinds"), "recipient_kinds", bad,
		RecipientIndividual, RecipientCollective, RecipientHousehold)
	t.Authorities = parseList(cell("conferring_authorities"), "conferring_authorities", bad,
		AuthorityUnitHead, AuthorityCommune, AuthorityProvince, AuthorityMinistry, AuthorityPrimeMinister, AuthorityPresident)

	if t.Check, ok = parseBool(cell("check")); !ok {
		bad("check", "%q is not true or false", cell("check"))
	}
	if t.Check && t.CheckNote == "" {
		bad("check_note", "a check row must say what is to be checked")
	}
	if !t.Check && t.CheckNote != "" {
		bad("check_note", "is set but check is false")
	}

	t.Coefficients = Coefficients{NoCoefficient, NoCoefficient, NoCoefficient}
	for _, k := range []RecipientKind{RecipientIndividual, RecipientCollective, RecipientHousehold} {
		col := "coefficient_" + strings.ToLower(k.String())
		s := cell(col)
		co := NoCoefficient
		switch {
		case s == "" && t.Accepts(k) && !t.Check:
			bad(col, "is required: %s goes to %s recipients (leave it empty only on a check row)", t.Code, k)
		case s == "":
		case !t.Accepts(k):
			bad(col, "is set but %s does not go to %s recipients", t.Code, k)
		default:
			c, err := ParseCoefficient(s)
			if err != nil {
				bad(col, "%v", err)
			}
			co = c
		}
		switch k {
		case RecipientIndividual:
			t.Coefficients.Individual = co
		case RecipientCollective:
			t.Coefficients.Collective = co
		case RecipientHousehold:
			t.Coefficients.Household = co
		}
	}

	var err error
	if t.ValidFrom, err = civil.Parse(cell("valid_from")); err != nil {
		bad("valid_from", "%v", err)
	}
	if s := cell("valid_to"); s != "" {
		if t.ValidTo, err = civil.Parse(s); err != nil {
			bad("valid_to", "%v", err)
		} else if t.ValidTo.Before(t.ValidFrom) {
			bad("valid_to", "%s is before valid_from %s", t.ValidTo, t.ValidFrom)
		}
	}
	return t, len(errs.errs) == n
}

// parseList reads a ';'-separated list of enum names, none repeated, and
// returns it in enum order.
func parseList[T interface {
	~int32
	String() string
}](s, col string, bad func(col, format string, args ...any), candidates ...T) []T {
	if s == "" {
		bad(col, "is required")
		return nil
	}
	var out []T
	for _, name := range strings.Split(s, ";") {
		v, ok := parseEnum(strings.TrimSpace(name), candidates...)
		switch {
		case !ok:
			bad(col, "%q is not one of %v", name, candidates)
		case slices.Contains(out, v):
			bad(col, "%s is listed twice", v)
		default:
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}
