package eligibility

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// awardNames are the Vietnamese names of the catalogue (domain.md §4).
var awardNames = map[Award]string{
	LDTT:       "Lao động tiên tiến",
	CSTDCS:     "Chiến sĩ thi đua cơ sở",
	CSTDTinh:   "Chiến sĩ thi đua cấp bộ, ngành, tỉnh",
	CSTDTQ:     "Chiến sĩ thi đua toàn quốc",
	TTLDTT:     "Tập thể lao động tiên tiến",
	TTLDXS:     "Tập thể lao động xuất sắc",
	CoTinh:     "Cờ thi đua cấp bộ, ngành, tỉnh",
	CoCP:       "Cờ thi đua của Chính phủ",
	XaTieuBieu: "Xã, phường, đặc khu tiêu biểu",
	ThonVH:     "Thôn, tổ dân phố văn hóa",
	GDVH:       "Gia đình văn hóa",
	GiayKhen:   "Giấy khen",
	BKTinh:     "Bằng khen cấp bộ, ngành, tỉnh",
	BKTTG:      "Bằng khen của Thủ tướng Chính phủ",
	HCLD3:      "Huân chương Lao động hạng Ba",
	HCLD2:      "Huân chương Lao động hạng Nhì",
	HCLD1:      "Huân chương Lao động hạng Nhất",
	HCDL3:      "Huân chương Độc lập hạng Ba",
	HCDL2:      "Huân chương Độc lập hạng Nhì",
	HCDL1:      "Huân chương Độc lập hạng Nhất",
	HCHCM:      "Huân chương Hồ Chí Minh",
	HCSaoVang:  "Huân chương Sao vàng",
	AHLD:       "Anh hùng Lao động",
}

// vi returns the award's Vietnamese name, or its code if it has none.
func (a Award) vi() string {
	if n, ok := awardNames[a]; ok {
		return n
	}
	return string(a)
}

var ratingNames = map[Rating]string{
	Excellent:    "hoàn thành xuất sắc nhiệm vụ",
	Good:         "hoàn thành tốt nhiệm vụ",
	Completed:    "hoàn thành nhiệm vụ",
	NotCompleted: "không hoàn thành nhiệm vụ",
}

// vi returns the rating in Vietnamese.
func (r Rating) vi() string { return ratingNames[r] }

// atLeast names "this rating or better" in Vietnamese and English.
func (r Rating) atLeast() (vi, en string) {
	return orAbove(r.vi(), string(r), "better", r == Excellent)
}

var scopeNames = map[Scope]string{
	Grassroots: "cấp cơ sở",
	Province:   "cấp bộ, ngành, tỉnh",
	National:   "toàn quốc",
}

func (s Scope) vi() string { return scopeNames[s] }

// atLeast names "this scope or wider" in Vietnamese and English.
func (s Scope) atLeast() (vi, en string) {
	vi, en = orAbove(s.vi(), string(s)+" scope", "wider", s == National)
	return "phạm vi " + vi, "of " + en
}

// orAbove is "từ X trở lên" and "X or more", or X alone at the top of its
// scale.
func orAbove(vi, en, more string, top bool) (string, string) {
	if top {
		return vi, en
	}
	return "từ " + vi + " trở lên", en + " or " + more
}

func (b Basis) vi() string {
	if b == Unexpected {
		return "thành tích đột xuất"
	}
	return "phong trào thi đua theo chuyên đề"
}

func (b Basis) en() string {
	if b == Unexpected {
		return "an unexpected achievement"
	}
	return "a thematic movement"
}

var proceedingNames = map[Proceeding][2]string{
	Discipline:    {"đang bị xem xét kỷ luật", "discipline pending"},
	Investigation: {"đang bị điều tra", "under investigation"},
	Inspection:    {"đang bị thanh tra, kiểm tra", "under inspection"},
	Complaint:     {"có khiếu nại, tố cáo đang giải quyết", "a complaint pending"},
}

// names returns the proceeding in Vietnamese and English.
func (p Proceeding) names() (vi, en string) {
	if n, ok := proceedingNames[p]; ok {
		return n[0], n[1]
	}
	return string(p), string(p)
}

// yearList is "2021, 2022, 2023", sorted, or none when empty.
func yearList(ys []int, none string) string {
	if len(ys) == 0 {
		return none
	}
	ys = slices.Sorted(slices.Values(ys))
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, ", ")
}

// viYears is "năm 2023" or "các năm 2021, 2023"; in English the years
// are a yearList.
func viYears(ys []int) string {
	if len(ys) == 1 {
		return "năm " + strconv.Itoa(ys[0])
	}
	return "các năm " + yearList(ys, "")
}

// viSpan is "năm 2023" or "các năm 2021–2023"; enSpan is "2023" or
// "2021–2023".
func viSpan(from, to int) string {
	if from == to {
		return "năm " + strconv.Itoa(to)
	}
	return "các năm " + enSpan(from, to)
}

func enSpan(from, to int) string {
	if from == to {
		return strconv.Itoa(to)
	}
	return fmt.Sprintf("%d–%d", from, to)
}

// quoted is a name in quotation marks: “title”.
func quoted(s string) string { return "“" + s + "”" }

// vi and en name an award of a year.
func (g Grant) vi() string { return fmt.Sprintf("%s năm %d", g.Award.vi(), g.Year) }
func (g Grant) en() string { return fmt.Sprintf("%s %d", g.Award, g.Year) }
