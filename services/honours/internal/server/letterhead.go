package server

import (
	"strings"

	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/internal/document"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
)

// A decision's letterhead and signature as Decree 30/2020/NĐ-CP, Appendix I
// writes them, worked out from the issuing unit and the signing capacity:
//
//   - The issuing body is named in full, with its direct governing body
//     above it where there is one (II.2). A locality (a province or a
//     commune) issues through its People's Committee: "ỦY BAN NHÂN DÂN" over
//     "TỈNH BẮC KẠN", and no governing body. An agency of a province is
//     headed by its province's committee, abbreviated as the decree allows:
//     "UBND TỈNH BẮC NINH" over "SỞ NỘI VỤ". [check: the direct governing
//     body is taken to be the province's committee; an agency under a
//     commune or a ministry's department would name its own parent, which
//     lineage.Unit does not carry.]
//   - blocs' lineage.Unit has no kind, so a locality is recognised by its
//     display name: "Ủy ban nhân dân tỉnh …", or a province or commune level
//     unit named "Tỉnh …", "Thành phố …", "Xã …", "Phường …", "Đặc khu …".
//   - The signer's authority (II.7): the head in person "CHỦ TỊCH"; a
//     deputy "KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH"; for a collective body
//     "TM. ỦY BAN NHÂN DÂN" over "CHỦ TỊCH"; an acting head "Q. CHỦ TỊCH".
//     The head of a People's Committee is its Chủ tịch; of another body,
//     the deputy's title without "Phó" ("Phó Giám đốc" → "Giám đốc",
//     "Thứ trưởng" → "Bộ trưởng") [check]. A signer whose title is a
//     deputy's signs for the head even when the capacity is not recorded
//     (decisions imported from provincial systems carry none).
//   - The authority heading above the preamble is the head's title and the
//     body's full name, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN", or the
//     body alone for a collective decision.

// committee is the name a locality issues under.
const committee = "Ủy ban nhân dân"

// localityPrefixes begin the display names of localities.
var localityPrefixes = []string{"Tỉnh ", "Thành phố ", "Xã ", "Phường ", "Thị trấn ", "Đặc khu ", "Huyện ", "Quận ", "Thị xã "}

// issuingBody is how a document names the unit that issues it.
type issuingBody struct {
	governing  string // the direct governing body, upper case; "" for none
	lines      string // the body's name as printed, upper case, lines split by "\n"
	fullName   string // the body's full name on one line, upper case
	collective string // the collective body a "TM." signature names
	locality   bool   // a People's Committee
}

// bodyOf names unit id (a bare id, looked up in units with its province).
func bodyOf(id string, units map[string]lineage.Unit) issuingBody {
	u, ok := units[id]
	if !ok {
		name := strings.ToUpper(unitName(units, id))
		return issuingBody{lines: name, fullName: name, collective: name}
	}
	if place, ok := localityName(u); ok {
		upperPlace := strings.ToUpper(place)
		return issuingBody{
			lines:      strings.ToUpper(committee) + "\n" + upperPlace,
			fullName:   strings.ToUpper(committee) + " " + upperPlace,
			collective: strings.ToUpper(committee),
			locality:   true,
		}
	}
	b := issuingBody{fullName: strings.ToUpper(u.DisplayName)}
	name := u.DisplayName
	if p, ok := units[u.Province]; ok && u.Province != u.ID {
		if place, ok := localityName(p); ok {
			b.governing = "UBND " + strings.ToUpper(place)
			// "Sở Nội vụ tỉnh Bắc Ninh" under "UBND TỈNH BẮC NINH" is "SỞ NỘI VỤ".
			if i := len(name) - len(place); i > 0 && strings.EqualFold(name[i:], place) && name[i-1] == ' ' {
				name = name[:i-1]
			}
		}
	}
	b.lines = strings.ToUpper(name)
	b.collective = b.lines
	return b
}

// localityName is the locality u governs, in running text ("tỉnh Bắc
// Kạn"), when u is a locality or its People's Committee.
func localityName(u lineage.Unit) (string, bool) {
	name := strings.TrimSpace(u.DisplayName)
	for _, c := range []string{committee, "Uỷ ban nhân dân"} {
		if len(name) > len(c) && strings.EqualFold(name[:len(c)], c) && name[len(c)] == ' ' {
			return strings.TrimSpace(name[len(c):]), true
		}
	}
	if u.Level != lineage.LevelProvince && u.Level != lineage.LevelCommune {
		return "", false
	}
	for _, p := range localityPrefixes {
		if strings.HasPrefix(name, p) {
			return strings.ToLower(p[:1]) + name[1:], true
		}
	}
	return "", false
}

// headTitle is the title of the head a deputy signs for.
func headTitle(signerTitle string, b issuingBody) string {
	if b.locality {
		return "CHỦ TỊCH"
	}
	t := strings.ToUpper(signerTitle)
	if t == "THỨ TRƯỞNG" {
		return "BỘ TRƯỞNG"
	}
	if rest, ok := strings.CutPrefix(t, "PHÓ "); ok {
		return strings.TrimSpace(rest)
	}
	return t
}

// isDeputyTitle tells a deputy's title: "Phó Chủ tịch", "Thứ trưởng".
func isDeputyTitle(title string) bool {
	t := strings.ToUpper(title)
	return strings.HasPrefix(t, "PHÓ ") || t == "THỨ TRƯỞNG"
}

// letterhead fills the issuer, the signer's authority and the authority
// heading of a decision issued by unit issuer (a bare id) and signed as doc
// records.
func letterhead(dec *document.Decision, doc domain.Document, issuer string, units map[string]lineage.Unit) {
	b := bodyOf(issuer, units)
	dec.GoverningBody, dec.IssuerName = b.governing, b.lines
	title := strings.ToUpper(doc.SignerTitle)
	capacity := doc.Capacity
	if capacity == domain.SignedInPerson && isDeputyTitle(doc.SignerTitle) {
		capacity = domain.SignedAsDeputy
	}
	switch capacity {
	case domain.SignedAsDeputy:
		head := headTitle(doc.SignerTitle, b)
		dec.SignerTitle = "KT. " + head + "\n" + title
		dec.Authority = head + " " + b.fullName
	case domain.SignedForCollective:
		dec.SignerTitle = "TM. " + b.collective + "\n" + title
		dec.Authority = b.fullName
	case domain.SignedAsActing:
		title = strings.TrimSpace(strings.TrimPrefix(title, "QUYỀN "))
		dec.SignerTitle = "Q. " + title
		dec.Authority = title + " " + b.fullName
	default:
		dec.SignerTitle = title
		dec.Authority = title + " " + b.fullName
	}
}
