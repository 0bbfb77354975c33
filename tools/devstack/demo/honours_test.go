package demo

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"

	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

func TestPlanDecisions(t *testing.T) {
	p, err := NewPlan()
	require.NoError(t, err)
	units := make(map[string]bool)
	for _, r := range p.Units {
		units["units/"+r.GetUnitId()] = true
	}

	type counts struct{ collectives, households, individuals int }
	want := map[string]struct {
		number, signedOn, authority string
		counts                      counts
	}{
		"decisions/bac-kan-946-qd-ubnd-2023":        {"946/QĐ-UBND", "2023-05-31", "units/bac-kan", counts{30, 24, 52}},
		"decisions/thai-nguyen-khoi-3-dai-hoi-2020": {"2115/QĐ-UBND", "2020-07-27", "units/thai-nguyen-cu", counts{9, 0, 52}},
		"decisions/thai-nguyen-chi-thi-11-2022":     {"25/QĐ-UBND", "2022-01-05", "units/thai-nguyen-cu", counts{15, 0, 0}},
	}
	require.Len(t, p.Decisions, len(want))
	names := make(map[string]bool)
	for _, d := range p.Decisions {
		w, ok := want[d.Name()]
		require.True(t, ok, d.Name())
		doc := d.Create.GetDecision().GetDocument()
		require.Equal(t, w.number, doc.GetNumber())
		require.Equal(t, w.signedOn, formatDate(doc.GetSignedOn()))
		require.Equal(t, w.authority, d.Create.GetDecision().GetAuthority())
		require.Equal(t, w.authority, doc.GetIssuer())
		require.NotEmpty(t, doc.GetSignerName())
		require.Contains(t, []string{"Chủ tịch", "Phó Chủ tịch"}, doc.GetSignerTitle())
		// A deputy signs for the chairman ("KT. CHỦ TỊCH"), and says so.
		if doc.GetSignerTitle() == "Phó Chủ tịch" {
			require.Equal(t, typev1.SigningCapacity_SIGNING_CAPACITY_DEPUTY, doc.GetSigningCapacity(), d.Name())
		}
		require.NotEmpty(t, doc.GetRecipients(), "%s: Nơi nhận", d.Name())
		require.True(t, strings.HasPrefix(doc.GetRecipients()[len(doc.GetRecipients())-1], "Lưu: VT"), d.Name())

		var got counts
		for _, e := range d.Entries() {
			r := e.GetRecipient()
			require.Equal(t, "awardTypes/BK_TINH", e.GetAwardType())
			require.NotZero(t, e.GetPeriod().GetStartYear())
			require.GreaterOrEqual(t, e.GetPeriod().GetEndYear(), e.GetPeriod().GetStartYear())
			switch r.GetKind() {
			case typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE:
				got.collectives++
				require.True(t, units[r.GetUnit()], "collective %s is a demo unit", r.GetUnit())
			case typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD:
				got.households++
				require.True(t, units[r.GetCommune()], "commune %s is a demo unit", r.GetCommune())
				require.NotEmpty(t, r.GetHeadName())
				require.Contains(t, r.GetAddress(), "tỉnh Bắc Kạn")
				require.False(t, names[r.GetHeadName()], "names are unique: %s", r.GetHeadName())
				names[r.GetHeadName()] = true
			case typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL:
				got.individuals++
				require.True(t, units[r.GetUnit()], "unit %s is a demo unit", r.GetUnit())
				require.GreaterOrEqual(t, r.GetBirthYear(), int32(1965))
				require.LessOrEqual(t, r.GetBirthYear(), int32(1995))
				require.NotContains(t, r.GetPosition(), "{")
				parts := strings.Fields(r.GetFullName())
				require.Len(t, parts, 3, r.GetFullName())
				if parts[1] == "Thị" {
					require.Equal(t, typev1.Gender_GENDER_FEMALE, r.GetGender(), r.GetFullName())
				}
				if strings.Contains(r.GetPosition(), "Phụ nữ") {
					require.Equal(t, typev1.Gender_GENDER_FEMALE, r.GetGender(), r.GetPosition())
				}
				require.NotEqual(t, typev1.Gender_GENDER_UNSPECIFIED, r.GetGender())
				require.False(t, names[r.GetFullName()], "names are unique: %s", r.GetFullName())
				names[r.GetFullName()] = true
			default:
				t.Fatalf("entry without a kind: %v", e)
			}
			s := proto.Message(e).(interface{ String() string }).String()
			require.True(t, norm.NFC.IsNormalString(s), "NFC: %s", s)
		}
		require.Equal(t, w.counts, got, d.Name())
		for _, a := range d.Add {
			require.LessOrEqual(t, len(a.GetEntries()), maxEntriesPerCall)
		}
	}
	s := p.Summary()
	require.Equal(t, 3, s.Decisions)
	require.Equal(t, 106+61+15, s.Honours)
}

func TestPlanDecisionsAreDeterministic(t *testing.T) {
	p1, err := NewPlan()
	require.NoError(t, err)
	p2, err := NewPlan()
	require.NoError(t, err)
	require.Len(t, p2.Decisions, len(p1.Decisions))
	ids := make(map[string]bool)
	for i, d := range p1.Decisions {
		e := p2.Decisions[i]
		require.True(t, proto.Equal(d.Create, e.Create))
		require.True(t, proto.Equal(d.Issue, e.Issue))
		require.Len(t, e.Add, len(d.Add))
		for j := range d.Add {
			require.True(t, proto.Equal(d.Add[j], e.Add[j]))
		}
		for _, id := range []string{d.Create.GetRequestId(), d.Issue.GetRequestId(), d.Add[0].GetRequestId()} {
			require.False(t, ids[id], "request ids differ between calls")
			ids[id] = true
		}
	}
	// A few fixed people, so that a change of the generator is noticed.
	first := p1.Decisions[0].Entries()[30].GetRecipient()
	require.NotEmpty(t, first.GetHeadName())
	t.Logf("first household: %s, %s", first.GetHeadName(), first.GetAddress())
}

func TestNamer(t *testing.T) {
	n := newNamer("test")
	seen := make(map[string]bool)
	for i := range 500 {
		g := []typev1.Gender{typev1.Gender_GENDER_UNSPECIFIED, typev1.Gender_GENDER_FEMALE, typev1.Gender_GENDER_MALE}[i%3]
		p := n.person("k"+string(rune('a'+i%26))+strings.Repeat("x", i/26), g)
		require.False(t, seen[p.fullName])
		seen[p.fullName] = true
		if g != typev1.Gender_GENDER_UNSPECIFIED {
			require.Equal(t, g, p.gender)
		}
		if strings.Contains(p.fullName, " Thị ") {
			require.Equal(t, typev1.Gender_GENDER_FEMALE, p.gender)
		}
	}
	a, b := newNamer("s").person("x", 0), newNamer("s").person("x", 0)
	require.Equal(t, a, b)
}

func formatDate(d interface {
	GetYear() int32
	GetMonth() int32
	GetDay() int32
},
) string {
	return fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
}
