package document

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

// Every Vietnamese letter with a diacritic, in both cases.
const (
	vietLower = "á à ả ã ạ ă ắ ằ ẳ ẵ ặ â ấ ầ ẩ ẫ ậ đ é è ẻ ẽ ẹ ê ế ề ể ễ ệ í ì ỉ ĩ ị " +
		"ó ò ỏ õ ọ ô ố ồ ổ ỗ ộ ơ ớ ờ ở ỡ ợ ú ù ủ ũ ụ ư ứ ừ ử ữ ự ý ỳ ỷ ỹ ỵ"
	vietUpper = "Á À Ả Ã Ạ Ă Ắ Ằ Ẳ Ẵ Ặ Â Ấ Ầ Ẩ Ẫ Ậ Đ É È Ẻ Ẽ Ẹ Ê Ế Ề Ể Ễ Ệ Í Ì Ỉ Ĩ Ị " +
		"Ó Ò Ỏ Õ Ọ Ô Ố Ồ Ổ Ỗ Ộ Ơ Ớ Ờ Ở Ỡ Ợ Ú Ù Ủ Ũ Ụ Ư Ứ Ừ Ử Ữ Ự Ý Ỳ Ỷ Ỹ Ỵ"
)

const award946 = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"

var signed946 = civil.Date{Year: 2023, Month: time.May, Day: 31}

// Names of people and units modelled on Bắc Kạn (Tày, Nùng, Dao and Kinh
// names), covering every tone mark and đ/Đ, ơ/Ơ, ư/Ư, ă/Ă, â/Â, ê/Ê, ô/Ô.
var (
	familyNames = []string{"Nguyễn", "Hoàng", "Nông", "Triệu", "Đặng", "Lục", "Hà", "Ma", "Lương", "Đàm", "Bế", "Hứa", "Dương", "Lý", "Phùng", "Đỗ"}
	middleNames = []string{"Văn", "Thị", "Đức", "Ngọc", "Thu", "Hữu", "Xuân", "Quốc", "Thanh", "Mỹ"}
	givenNames  = []string{"Ánh", "Ước", "Ơn", "Ẩn", "Ấn", "Ổn", "Ưng", "Ân", "Ắng", "Ễnh", "Ỷ", "Hằng", "Thắng", "Dũng", "Phượng", "Hưởng", "Tuyết", "Lộc", "Đông", "Ngữ", "Khoa", "Sỹ", "Quỳnh", "Mẫn", "Thoả"}
	units       = []string{
		"Ủy ban nhân dân xã Nam Mẫu, huyện Ba Bể",
		"Sở Nội vụ tỉnh Bắc Kạn",
		"Trường Phổ thông Dân tộc nội trú huyện Chợ Đồn",
		"Hội Liên hiệp Phụ nữ thị trấn Bằng Lũng",
		"Ban Thi đua – Khen thưởng tỉnh",
		"Xã Cốc Đán, huyện Ngân Sơn",
		"Bệnh viện Đa khoa huyện Pác Nặm",
	}
	positions   = []string{"Chủ tịch", "Phó Chủ tịch", "Chuyên viên", "Giáo viên", "Trưởng thôn Nà Ổ,", "Bí thư Chi bộ thôn Khuổi Ổ,", "Nông dân thôn Bản Ỏm,"}
	collectives = []string{
		"Ủy ban nhân dân xã Đồng Phúc, huyện Ba Bể",
		"Thôn Nà Ưng, xã Đôn Phong",
		"Hội Nông dân huyện Bạch Thông",
		"Phòng Nội vụ thành phố Bắc Kạn",
		"Trường Mầm non Ơn Ỷ",
		"Hợp tác xã Ẩm thực Ắc Ơ",
		"Đoàn Thanh niên xã Quảng Khê",
		"Đồn Biên phòng Đức Vân",
		"Chi hội Cựu chiến binh thôn Ổn",
	}
)

const (
	achievementMovement = "Đã có thành tích xuất sắc trong phong trào thi đua “Bắc Kạn chung sức xây dựng nông thôn mới” giai đoạn 2021–2025"
	achievementCOVID    = "Đã có thành tích xuất sắc trong công tác phòng, chống dịch COVID-19 năm 2022"
)

// decision946 returns a decision modelled on 946/QĐ-UBND of 31/5/2023 by
// the chairman of Bắc Kạn, with n entries: 9 collectives (2,980,000 VND)
// then individuals (1,490,000 VND). Every third name is given in NFD to
// check that output is NFC.
func decision946(n int) Decision {
	d := Decision{
		Number:      "946/QĐ-UBND",
		SignedOn:    signed946,
		Place:       "Bắc Kạn",
		IssuerName:  "ỦY BAN NHÂN DÂN TỈNH BẮC KẠN",
		SignerTitle: "CHỦ TỊCH",
		SignerName:  "Nguyễn Đăng Bình",
		Title:       "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
		Preamble: []string{
			"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
			"Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013;",
			"Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
			"Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 120/TTr-SNV ngày 25 tháng 5 năm 2023 (kiểm tra phông chữ: " + vietLower + "; " + vietUpper + ").",
		},
		Achievement:   "đã có thành tích xuất sắc trong phong trào thi đua yêu nước",
		FundingSource: "từ nguồn Quỹ Thi đua, khen thưởng của tỉnh năm 2023",
		Executors:     "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Giám đốc Sở Tài chính, Thủ trưởng các cơ quan, đơn vị có liên quan",
		Recipients: []string{
			"Như Điều 3;",
			"Chủ tịch, các PCT UBND tỉnh;",
			"Ban TĐKT tỉnh (Sở Nội vụ);",
			"Lãnh đạo VP;",
			"Lưu: VT, NCPC.",
		},
	}
	for i := range n {
		e := Entry{AwardName: award946, Achievement: achievementMovement}
		switch {
		case i < 9:
			e.Collective = true
			e.RecipientName = collectives[i%len(collectives)]
			e.RecipientDescription = "Tập thể lao động tỉnh Bắc Kạn"
			e.RewardVND = 2_980_000
		default:
			e.RecipientName = individualName(i)
			e.RecipientDescription = positions[i%len(positions)] + " " + units[i%len(units)]
			e.RewardVND = 1_490_000
		}
		if i >= n*3/4 {
			e.Achievement = achievementCOVID
		}
		if i%3 == 0 {
			e.RecipientName = norm.NFD.String(e.RecipientName)
			e.RecipientDescription = norm.NFD.String(e.RecipientDescription)
		}
		d.Entries = append(d.Entries, e)
	}
	return d
}

func individualName(i int) string {
	title := "Ông"
	if i%2 == 1 {
		title = "Bà"
	}
	return fmt.Sprintf("%s %s %s %s", title,
		familyNames[i%len(familyNames)], middleNames[(i/3)%len(middleNames)], givenNames[(i/2)%len(givenNames)])
}

func certificate946() Certificate {
	return Certificate{
		AwardHeading:         "TẶNG BẰNG KHEN",
		IssuerTitle:          "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN",
		AwardName:            award946,
		RecipientName:        "Bà Đặng Thị Ước",
		RecipientDescription: "Bí thư Chi bộ thôn Khuổi Ổ, xã Cốc Đán, huyện Ngân Sơn",
		Achievement:          "Đã có thành tích xuất sắc trong phong trào thi đua “Bắc Kạn chung sức xây dựng nông thôn mới” giai đoạn 2021–2025, góp phần vào sự nghiệp xây dựng và bảo vệ Tổ quốc",
		DecisionNumber:       "946/QĐ-UBND",
		DecisionDate:         signed946,
		Place:                "Bắc Kạn",
		SignerTitle:          "CHỦ TỊCH",
		SignerName:           "Nguyễn Đăng Bình",
		GoldenBookNumber:     "1523/SV-2023",
	}
}

// keep writes b to $TDKT_DOCUMENT_OUT/name when that variable is set, for a
// person to look at the output (pdftoppm -png -r 80 …).
func keep(t *testing.T, name string, b []byte) {
	t.Helper()
	if dir := os.Getenv("TDKT_DOCUMENT_OUT"); dir != "" {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}
}
