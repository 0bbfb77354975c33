package eligibility

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// bytes draws values from fuzzer input; past its end every draw is 0.
type bytes []byte

func (b *bytes) next() int {
	if len(*b) == 0 {
		return 0
	}
	v := (*b)[0]
	*b = (*b)[1:]
	return int(v)
}

// pick returns one of the choices.
func pick[T any](b *bytes, choices ...T) T { return choices[b.next()%len(choices)] }

// num is a small number around 2020, or an extreme.
func (b *bytes) num() int {
	switch v := b.next(); v {
	case 255:
		return math.MaxInt
	case 254:
		return math.MinInt
	case 253:
		return -1
	default:
		return 2000 + v%30
	}
}

// count is a small count, sometimes negative or extreme.
func (b *bytes) count() int {
	return pick(b, 0, 1, 2, 3, 5, 7, 10, -1, math.MaxInt, math.MinInt)
}

func (b *bytes) str() string { return pick(b, "", "tinh-19", "tinh-20", "central", "x\xff") }

var (
	fuzzAwards = append(
		[]Award{LDTT, CSTDCS, CSTDTinh, CSTDTQ, TTLDTT, TTLDXS, CoTinh, CoCP, GDVH, GiayKhen, BKTinh, BKTTG, HCLD3, AHLD},
		"", "NO_SUCH_AWARD")
	fuzzRatings = []Rating{Excellent, Good, Completed, NotCompleted, "", "X"}
	fuzzScopes  = []Scope{Grassroots, Province, National, "", "X"}
)

// fuzzInput builds an input and thresholds from fuzzer bytes.
func fuzzInput(data []byte) (Input, Thresholds) {
	b := bytes(data)
	in := Input{
		Award: pick(&b, fuzzAwards...), Recipient: Kind(b.next()%4 - 1), Year: b.num(), Basis: Basis(b.next()%4 - 1),
		Authority: b.str(), Achievement: b.str(),
		InitiativeUsesKnown: b.next()%2 == 0, Attested: b.next()%2 == 0,
		HonoursKnown: b.next()%2 == 0, NominationsKnown: b.next()%2 == 0,
	}
	for range b.next() % 12 {
		in.Ratings = append(in.Ratings, YearRating{b.num(), pick(&b, fuzzRatings...)})
	}
	for range b.next() % 12 {
		in.Honours = append(in.Honours, Honour{pick(&b, fuzzAwards...), b.num(), Basis(b.next() % 4), State(b.next() % 3), b.str()})
	}
	for range b.next() % 5 {
		in.Initiatives = append(in.Initiatives, Initiative{b.str(), b.str(), pick(&b, fuzzScopes...), b.num(), Grant{pick(&b, fuzzAwards...), b.num()}})
	}
	for range b.next() % 4 {
		in.Nominations = append(in.Nominations, Nomination{b.str(), pick(&b, fuzzAwards...), b.num(), b.str()})
	}
	for range b.next() % 3 {
		in.Pending = append(in.Pending, pick(&b, Discipline, Investigation, Inspection, Complaint, ""))
	}
	if b.next()%3 > 0 {
		in.Members = &Members{b.count(), b.count(), b.count(), b.count(), b.count()}
	}
	if b.next()%3 > 0 {
		in.Standing = &Standing{}
		for range b.next() % 4 {
			in.Standing.Placements = append(in.Standing.Placements, Placement{b.str(), b.str(), b.next()%2 == 0, b.num(), b.count()})
		}
		for range b.next() % 4 {
			in.Standing.Leads = append(in.Standing.Leads, Lead{b.str(), b.str(), b.next()%2 == 0, b.next()%2 == 0, b.count(), b.num()})
		}
		if b.next()%2 == 0 {
			in.Standing.Flags = &Flags{b.count(), b.count()}
		}
	}
	t := Defaults()
	if b.next()%2 == 0 {
		t = Thresholds{
			b.count(), b.count(), b.count(), b.count(), b.count(), b.count(), b.count(), b.count(),
			Share{b.count(), b.next()%2 == 0}, Share{b.count(), b.next()%2 == 0}, b.count(), Share{b.count(), b.next()%2 == 0},
		}
	}
	return in, t
}

// FuzzCheck checks that Check never panics and always returns a
// well-formed report.
func FuzzCheck(f *testing.F) {
	for _, seed := range [][]byte{
		{},
		{2, 0, 23}, // CSTD_TINH 2023
		{11, 0, 23, 0, 1, 1, 1, 1, 1, 1, 1, 6, 0, 24}, // BK_TTG with a rating
		{7, 1, 23, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 23, 1, 0, 1, 2, 3},
		{11, 0, 255, 0, 0, 0, 0, 0, 0, 0, 3, 255, 0, 3, 254, 0, 2, 10, 1, 0, 0, 0},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, th := fuzzInput(data)
		rep := Check(in, th)
		worst := Pass
		var rules []Rule
		for _, l := range rep.Lines {
			if l.Outcome != Pass && l.Outcome != Fail && l.Outcome != Unknown {
				t.Fatalf("%s: outcome %q", l.Rule, l.Outcome)
			}
			if !strings.HasPrefix(l.Reason, string(l.Rule)+"_") || l.Vi == "" || l.En == "" {
				t.Fatalf("malformed line %+v", l)
			}
			if l.Outcome.severity() > worst.severity() {
				worst = l.Outcome
			}
			rules = append(rules, l.Rule)
		}
		if rep.Overall != worst {
			t.Fatalf("overall %s, worst line %s", rep.Overall, worst)
		}
		if n := len(rules); n < 4 || n > 5 || strings.Join(toStrings(rules[n-4:]), " ") != "G1 G2 G3 G4" {
			t.Fatalf("rules %v", rules)
		}
		for _, l := range rep.Lines {
			if !utf8.ValidString(l.Reason) {
				t.Fatalf("reason %q", l.Reason)
			}
		}
	})
}

func toStrings(rs []Rule) []string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return s
}
