package demo

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"

	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// Common Vietnamese family names, with some of the Tày and Nùng names
// frequent in Bắc Kạn and Thái Nguyên.
var familyNames = []string{
	"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
	"Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Nông", "Triệu", "Ma", "Hà", "Lục", "Đàm",
}

// Middle and given names by gender. Thị is only a woman's middle name;
// Minh, Thanh and An are given to both.
var (
	maleMiddleNames   = []string{"Văn", "Đức", "Minh", "Hữu", "Quang", "Công", "Xuân", "Thanh"}
	femaleMiddleNames = []string{"Thị", "Thị", "Thị", "Ngọc", "Thu", "Minh", "Thanh", "Hồng"}
	maleGivenNames    = []string{"An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Nam", "Quân", "Sơn", "Thắng", "Toàn", "Tuấn", "Việt"}
	femaleGivenNames  = []string{"An", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Nhung", "Phương", "Thảo", "Trang", "Vân", "Yến"}
)

// Birth years of generated people: 1965 to 1995.
const (
	firstBirthYear = 1965
	birthYears     = 31
)

// person is a generated individual.
type person struct {
	fullName  string
	gender    typev1.Gender
	birthYear int32
}

// namer makes people and choices deterministically: every choice is drawn
// from a SHA-256 of the seed and a key that names what is chosen, so the
// same data give the same people on every run, machine and Go version.
// It never gives two people the same full name.
type namer struct {
	seed string
	used map[string]bool
}

func newNamer(seed string) *namer { return &namer{seed: seed, used: make(map[string]bool)} }

// draw returns four numbers drawn for key.
func (n *namer) draw(key string) [4]uint64 {
	h := sha256.Sum256([]byte(n.seed + "\x00" + key))
	var d [4]uint64
	for i := range d {
		d[i] = binary.BigEndian.Uint64(h[8*i:])
	}
	return d
}

// index returns a number in [0, size) drawn for key.
func (n *namer) index(key string, size int) int {
	return int(n.draw(key)[0] % uint64(size))
}

// person generates a person for key, of the given gender or of either when
// it is unspecified, with a full name not given before.
func (n *namer) person(key string, gender typev1.Gender) person {
	for attempt := 0; ; attempt++ {
		d := n.draw(key + "\x00" + strconv.Itoa(attempt))
		g := gender
		if g == typev1.Gender_GENDER_UNSPECIFIED {
			g = typev1.Gender_GENDER_MALE
			if d[0]%2 == 1 {
				g = typev1.Gender_GENDER_FEMALE
			}
		}
		middles, givens := maleMiddleNames, maleGivenNames
		if g == typev1.Gender_GENDER_FEMALE {
			middles, givens = femaleMiddleNames, femaleGivenNames
		}
		full := familyNames[d[1]%uint64(len(familyNames))] + " " +
			middles[(d[2]>>32)%uint64(len(middles))] + " " +
			givens[(d[2]&0xffffffff)%uint64(len(givens))]
		if n.used[full] {
			continue
		}
		n.used[full] = true
		return person{fullName: full, gender: g, birthYear: firstBirthYear + int32(d[3]%birthYears)}
	}
}
