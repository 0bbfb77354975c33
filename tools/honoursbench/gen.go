package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"

	"google.golang.org/genproto/googleapis/type/date"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// provinces are the 34 provinces since 1 July 2025.
var provinces = []string{
	"Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
	"Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
	"Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
	"Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
}

// dissolved are the provinces merged on 1 July 2025, with the index in
// provinces of the one each was merged into.
var dissolved = []struct {
	name      string
	successor int
}{
	{"Hà Giang", 11}, {"Yên Bái", 12}, {"Bắc Kạn", 13}, {"Vĩnh Phúc", 14}, {"Hòa Bình", 14}, {"Bắc Giang", 15},
	{"Thái Bình", 16}, {"Hải Dương", 17}, {"Hà Nam", 18}, {"Nam Định", 18}, {"Quảng Bình", 19}, {"Quảng Nam", 20},
	{"Kon Tum", 21}, {"Bình Định", 22}, {"Phú Yên", 25}, {"Ninh Thuận", 23}, {"Đắk Nông", 24}, {"Bình Thuận", 24},
	{"Bà Rịa - Vũng Tàu", 26}, {"Bình Dương", 26}, {"Bình Phước", 27}, {"Long An", 28}, {"Tiền Giang", 31},
	{"Bến Tre", 30}, {"Trà Vinh", 30}, {"Sóc Trăng", 29}, {"Hậu Giang", 29}, {"Bạc Liêu", 32}, {"Kiên Giang", 33},
}

const (
	agenciesPerProvince = 3 // Sở …: units of individuals
	basesPerProvince    = 8 // grassroots units: collectives
)

var agencyNames = []string{"Sở Nội vụ", "Sở Giáo dục và Đào tạo", "Sở Y tế"}

func provinceID(p int) string    { return fmt.Sprintf("tinh-%02d", p+1) }
func oldProvinceID(o int) string { return fmt.Sprintf("tinh-cu-%02d", o+1) }
func agencyID(p, j int) string   { return fmt.Sprintf("so-%02d-%d", p+1, j+1) }
func baseID(p, j int) string     { return fmt.Sprintf("co-so-%02d-%d", p+1, j+1) }
func unitName(id string) string  { return "units/" + id }
func citizenID(r int) string     { return fmt.Sprintf("0%02d%09d", 1+r%96, r) }
func requestID(seed uint64, i int) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", uint32(seed), i)
}

// unitReq is one unit to create in blocs.
type unitReq struct {
	id   string
	unit *blocsv1.Unit
}

// units returns the units of the register: provinces, their agencies and
// grassroots units, then the dissolved provinces (dissolve them after).
func units() []unitReq {
	var us []unitReq
	loc, prov := blocsv1.UnitKind_UNIT_KIND_LOCALITY, blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE
	for p, name := range provinces {
		us = append(us, unitReq{provinceID(p), &blocsv1.Unit{DisplayName: "Ủy ban nhân dân tỉnh " + name, ShortName: name, Kind: loc, Level: prov}})
		for j := range agenciesPerProvince {
			us = append(us, unitReq{agencyID(p, j), &blocsv1.Unit{DisplayName: agencyNames[j] + " tỉnh " + name,
				Kind: blocsv1.UnitKind_UNIT_KIND_AGENCY, Level: prov, Province: unitName(provinceID(p))}})
		}
		for j := range basesPerProvince {
			us = append(us, unitReq{baseID(p, j), &blocsv1.Unit{DisplayName: fmt.Sprintf("Trường Trung học cơ sở số %d tỉnh %s", j+1, name),
				Kind: blocsv1.UnitKind_UNIT_KIND_AGENCY, Level: blocsv1.UnitLevel_UNIT_LEVEL_GRASSROOTS, Province: unitName(provinceID(p))}})
		}
	}
	for o, d := range dissolved {
		us = append(us, unitReq{oldProvinceID(o), &blocsv1.Unit{DisplayName: "Ủy ban nhân dân tỉnh " + d.name, ShortName: d.name, Kind: loc, Level: prov}})
	}
	return us
}

var (
	families = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Lục", "Hà", "Triệu"}
	middlesM = []string{"Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân"}
	middlesF = []string{"Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Phương", "Kim", "Mai"}
	givenM   = []string{"An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân", "Sơn", "Thắng", "Tuấn", "Việt"}
	givenF   = []string{"Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Loan", "Nga", "Ngân", "Thảo", "Trang", "Yến"}
	jobs     = []string{"Chuyên viên", "Giáo viên", "Bác sĩ", "Phó Giám đốc", "Trưởng phòng", "Kế toán", "Điều dưỡng", "Cán sự"}
)

// generator builds the register deterministically: decision i depends
// only on the seed and i.
type generator struct {
	seed       uint64
	perDec     int
	recipients int // distinct individuals; each belongs to province r % 34
}

// individual returns person r, the same in every decision.
func (g *generator) individual(r int) *typev1.Recipient {
	h := sha256.Sum256([]byte(fmt.Sprint(g.seed, "person", r)))
	female := h[0]&1 == 1
	fam := families[int(h[1])%len(families)]
	name := fam + " " + middlesM[int(h[2])%len(middlesM)] + " " + givenM[int(h[3])%len(givenM)]
	gender := typev1.Gender_GENDER_MALE
	if female {
		name = fam + " " + middlesF[int(h[2])%len(middlesF)] + " " + givenF[int(h[3])%len(givenF)]
		gender = typev1.Gender_GENDER_FEMALE
	}
	p := r % len(provinces)
	return &typev1.Recipient{
		Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, FullName: name, Gender: gender,
		BirthYear: 1960 + int32(h[4])%40, Position: jobs[int(h[5])%len(jobs)],
		Unit: unitName(agencyID(p, int(h[6])%agenciesPerProvince)), CitizenId: citizenID(r),
	}
}

// decision returns decision i (0-based) as an import item. Decision i is
// of province i % 34 and year 2014 + (i/34) % 12; the j-th decision of a
// province and year takes its individuals from a window of the province's
// pool that the others of that province and year do not touch, so nobody
// gets the same award for the same year twice, while the windows of
// different years overlap, so recipients collect several honours.
func (g *generator) decision(i int) *honoursv1.ImportDecisionsRequest {
	rng := rand.New(rand.NewPCG(g.seed, uint64(i)))
	p := i % len(provinces)
	y := (i / len(provinces)) % 12
	j := i / (len(provinces) * 12)
	year := int32(2014 + y)
	month, day := int32(1+rng.IntN(12)), int32(1+rng.IntN(28))
	if year == 2025 && month > 6 {
		month = 6 // the old provinces sign until 30 June 2025
	}
	authority := provinceID(p)
	if year < 2025 && rng.IntN(3) == 0 { // a province since dissolved
		var olds []int
		for o, d := range dissolved {
			if d.successor == p {
				olds = append(olds, o)
			}
		}
		if len(olds) > 0 {
			authority = oldProvinceID(olds[rng.IntN(len(olds))])
		}
	}
	number := fmt.Sprintf("%d/QĐ-UBND", 100+i)
	item := &honoursv1.ImportDecisionsRequest{
		DecisionId: fmt.Sprintf("qd-%07d", i+1),
		RequestId:  requestID(g.seed, i),
		Decision: &honoursv1.Decision{
			Document: &typev1.DocumentRef{
				Number: number, SignedOn: &date.Date{Year: year, Month: month, Day: day},
				SignerName: "Nguyễn Văn Bình", SignerTitle: "Chủ tịch", Issuer: unitName(authority),
			},
			Title:     "Về việc tặng Bằng khen và danh hiệu thi đua năm " + fmt.Sprint(year-1),
			Authority: unitName(authority),
			Movement:  "Phong trào thi đua yêu nước",
		},
	}
	add := func(r *typev1.Recipient, award string) {
		item.Entries = append(item.Entries, &honoursv1.DecisionEntry{
			Recipient: r, AwardType: "awardTypes/" + award,
			Period:       &typev1.Period{StartYear: year - 1, EndYear: year - 1},
			Achievements: "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm " + fmt.Sprint(year-1),
		})
	}
	if collectiveAwards := []string{"BK_TINH", "TTLDXS", "CO_TINH"}; j < len(collectiveAwards) && g.perDec > 4*basesPerProvince {
		for b := range basesPerProvince {
			add(&typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: unitName(baseID(p, b))}, collectiveAwards[j])
		}
	}
	perProvince := g.recipients / len(provinces)
	start := int(rand.New(rand.NewPCG(g.seed, uint64(p*100+y))).IntN(perProvince)) + j*g.perDec
	for k := 0; len(item.Entries) < g.perDec; k++ {
		award := "BK_TINH"
		if rng.IntN(4) == 0 {
			award = "CSTD_TINH"
		}
		add(g.individual(p+len(provinces)*((start+k)%perProvince)), award)
	}
	return item
}

// digest mimics the service's recipient key digest (domain.RecipientKey).
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}
