package domain

import "github.com/tdkt-vn/tdkt/services/blocs/lineage"

// Category is what sort of award a type is. Values match
// tdkt.honours.v1.AwardCategory. domain.md §4 names four kinds (title,
// commendation, order, honorary title); api.md lists the first two, and the
// proto and this package add ORDER and STATE_HONORARY_TITLE for the rest of
// the catalogue.
type Category int32

// Categories.
const (
	CategoryUnspecified Category = iota
	// EMULATION_TITLE, danh hiệu thi đua: LDTT, CSTD_*, TTLD*, CO_*, ...
	CategoryEmulationTitle
	// COMMENDATION, hình thức khen thưởng: Giấy khen, Bằng khen.
	CategoryCommendation
	// ORDER, huân chương.
	CategoryOrder
	// STATE_HONORARY_TITLE, danh hiệu vinh dự nhà nước: Anh hùng Lao động.
	CategoryStateHonoraryTitle
)

func (c Category) String() string {
	switch c {
	case CategoryEmulationTitle:
		return "EMULATION_TITLE"
	case CategoryCommendation:
		return "COMMENDATION"
	case CategoryOrder:
		return "ORDER"
	case CategoryStateHonoraryTitle:
		return "STATE_HONORARY_TITLE"
	}
	return "CATEGORY_UNSPECIFIED"
}

// RecipientKind says who is honoured. Values match tdkt.type.v1.RecipientKind.
type RecipientKind int32

// Recipient kinds.
const (
	RecipientUnspecified RecipientKind = iota
	RecipientIndividual
	RecipientCollective
	RecipientHousehold
)

func (k RecipientKind) String() string {
	switch k {
	case RecipientIndividual:
		return "INDIVIDUAL"
	case RecipientCollective:
		return "COLLECTIVE"
	case RecipientHousehold:
		return "HOUSEHOLD"
	}
	return "RECIPIENT_KIND_UNSPECIFIED"
}

// Level is the administrative level of a unit, as the blocs service keeps
// it.
type Level = lineage.Level

// Authority is the capacity in which the head of a decision's authority
// unit confers an award: the "conferred by" column of domain.md §4. The
// catalogue names authorities rather than unit levels because one level
// holds several of them: the Prime Minister and the State President both
// head CENTRAL units, and a province's Department director (a unit head) and
// its People's Committee chairman both head PROVINCE units.
//
// Each authority sits at fixed levels (Levels):
//
//	UNIT_HEAD       thủ trưởng cơ quan, tổ chức, đơn vị  GRASSROOTS, COMMUNE, PROVINCE, MINISTRY
//	COMMUNE         chủ tịch UBND cấp xã                  COMMUNE
//	PROVINCE        chủ tịch UBND cấp tỉnh                PROVINCE
//	MINISTRY        bộ trưởng, thủ trưởng cơ quan trung ương MINISTRY
//	PRIME_MINISTER  Thủ tướng Chính phủ                   CENTRAL
//	PRESIDENT       Chủ tịch nước                          CENTRAL
//
// A unit head is the head of an agency or a grassroots unit below the
// central level (a school, a Department of a province, a department of a
// ministry); CENTRAL units in tdkt are the Government and the central
// council and board, whose heads confer as Prime Minister or President.
type Authority int32

// Authorities, in the order of the table above.
const (
	AuthorityUnspecified Authority = iota
	AuthorityUnitHead
	AuthorityCommune
	AuthorityProvince
	AuthorityMinistry
	AuthorityPrimeMinister
	AuthorityPresident
)

func (a Authority) String() string {
	switch a {
	case AuthorityUnitHead:
		return "UNIT_HEAD"
	case AuthorityCommune:
		return "COMMUNE"
	case AuthorityProvince:
		return "PROVINCE"
	case AuthorityMinistry:
		return "MINISTRY"
	case AuthorityPrimeMinister:
		return "PRIME_MINISTER"
	case AuthorityPresident:
		return "PRESIDENT"
	}
	return "AUTHORITY_UNSPECIFIED"
}

// Title is how the law names the authority, in Vietnamese (for the
// conferred_by text of an award type).
func (a Authority) Title() string {
	switch a {
	case AuthorityUnitHead:
		return "Thủ trưởng cơ quan, tổ chức, đơn vị"
	case AuthorityCommune:
		return "Chủ tịch Ủy ban nhân dân cấp xã"
	case AuthorityProvince:
		return "Chủ tịch Ủy ban nhân dân cấp tỉnh"
	case AuthorityMinistry:
		return "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, cơ quan trung ương"
	case AuthorityPrimeMinister:
		return "Thủ tướng Chính phủ"
	case AuthorityPresident:
		return "Chủ tịch nước"
	}
	return ""
}

// Levels returns the levels of the units whose head may act as a, in
// Level order.
func (a Authority) Levels() []Level {
	switch a {
	case AuthorityUnitHead:
		return []Level{lineage.LevelMinistry, lineage.LevelProvince, lineage.LevelCommune, lineage.LevelGrassroots}
	case AuthorityCommune:
		return []Level{lineage.LevelCommune}
	case AuthorityProvince:
		return []Level{lineage.LevelProvince}
	case AuthorityMinistry:
		return []Level{lineage.LevelMinistry}
	case AuthorityPrimeMinister, AuthorityPresident:
		return []Level{lineage.LevelCentral}
	}
	return nil
}

// sitsAt reports whether a unit at level l may act as a.
func (a Authority) sitsAt(l Level) bool {
	for _, x := range a.Levels() {
		if x == l {
			return true
		}
	}
	return false
}

// parseEnum finds the value among candidates whose String is s.
func parseEnum[T interface {
	~int32
	String() string
}](s string, candidates ...T) (T, bool) {
	for _, c := range candidates {
		if c.String() == s {
			return c, true
		}
	}
	return 0, false
}
