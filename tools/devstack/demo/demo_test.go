package demo

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
)

func TestPlanProvinces(t *testing.T) {
	p, err := NewPlan()
	require.NoError(t, err)

	units := make(map[string]*blocsv1.Unit)
	var provinces int
	for _, r := range p.Units {
		units[r.GetUnitId()] = r.GetUnit()
		if r.GetUnit().GetLevel() == blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE && r.GetUnit().GetKind() == blocsv1.UnitKind_UNIT_KIND_LOCALITY {
			provinces++
			require.Equal(t, "units/"+r.GetUnitId(), r.GetUnit().GetProvince(), "a province is its own province")
		}
	}
	require.Equal(t, 63+23, provinces, "the 63 units of 30/06/2025 and the 23 formed on 01/07/2025")
	require.Len(t, p.Dissolutions, 52)

	dissolved := make(map[string]string)
	for _, d := range p.Dissolutions {
		dissolved[d.GetName()] = d.GetSuccessor()
		require.Equal(t, int32(2025), d.GetEffectiveOn().GetYear())
		require.Equal(t, int32(7), d.GetEffectiveOn().GetMonth())
		require.Equal(t, int32(1), d.GetEffectiveOn().GetDay())
	}
	require.Equal(t, 34, provinces-len(dissolved), "34 provincial units from 01/07/2025")

	tests := []struct {
		id, display, code, successor string
	}{
		{"ha-noi", "Thành phố Hà Nội", "01", ""},
		{"cao-bang", "Tỉnh Cao Bằng", "04", ""},
		{"hue", "Thành phố Huế", "46", ""},
		{"bac-kan", "Tỉnh Bắc Kạn", "06", "units/thai-nguyen"},
		{"thai-nguyen-cu", "Tỉnh Thái Nguyên", "19", "units/thai-nguyen"},
		{"thai-nguyen", "Tỉnh Thái Nguyên", "19", ""},
		{"tuyen-quang-cu", "Tỉnh Tuyên Quang", "08", "units/tuyen-quang"},
		{"yen-bai", "Tỉnh Yên Bái", "15", "units/lao-cai"},
		{"lao-cai", "Tỉnh Lào Cai", "15", ""},
		{"lao-cai-cu", "Tỉnh Lào Cai", "10", "units/lao-cai"},
		{"hoa-binh", "Tỉnh Hòa Bình", "17", "units/phu-tho"},
		{"ba-ria-vung-tau", "Tỉnh Bà Rịa - Vũng Tàu", "77", "units/ho-chi-minh"},
		{"ho-chi-minh", "Thành phố Hồ Chí Minh", "79", ""},
		{"hai-phong", "Thành phố Hải Phòng", "31", ""},
		{"hai-phong-cu", "Thành phố Hải Phòng", "31", "units/hai-phong"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			u, ok := units[tt.id]
			require.True(t, ok, "unit %s", tt.id)
			require.Equal(t, tt.display, u.GetDisplayName())
			require.Equal(t, tt.code, u.GetCode())
			require.Equal(t, tt.successor, dissolved["units/"+tt.id])
		})
	}
}

func TestPlanReferencesAndText(t *testing.T) {
	p, err := NewPlan()
	require.NoError(t, err)
	ids := make(map[string]bool)
	for _, r := range p.Units {
		require.Regexp(t, `^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`, r.GetUnitId())
		ids["units/"+r.GetUnitId()] = true
	}
	known := func(name string) {
		t.Helper()
		require.True(t, ids[name], "%s is a unit of the plan", name)
	}
	for _, r := range p.Units {
		for _, ref := range []string{r.GetUnit().GetProvince(), r.GetUnit().GetParent()} {
			if ref != "" {
				known(ref)
			}
		}
	}
	for _, g := range p.Groups {
		known(g.GetGroup().GetOrganizer())
	}
	for _, m := range p.Memberships {
		known(m.GetMembership().GetUnit())
	}
	for _, tm := range p.Terms {
		known(tm.GetTerm().GetHead())
		known(tm.GetTerm().GetDeputy())
	}
	for _, s := range p.Scores {
		known(s.GetScore().GetUnit())
	}
	require.Len(t, p.Groups, 3)
	require.Len(t, p.Covenants, 1)
	require.Len(t, p.Scores, 7)

	var total float64
	for _, c := range p.Covenants[0].GetCovenant().GetCriteria() {
		total += c.GetMaxPoints()
	}
	require.InDelta(t, 100, total, 1e-9, "the criteria's max points sum to 100")

	// Every text is NFC.
	all := []proto.Message{}
	for _, r := range p.Units {
		all = append(all, r)
	}
	for _, r := range p.Groups {
		all = append(all, r)
	}
	for _, r := range p.Covenants {
		all = append(all, r)
	}
	for _, m := range all {
		s := m.(interface{ String() string }).String()
		require.True(t, norm.NFC.IsNormalString(s), "NFC: %s", s)
	}
}

func TestRequestIDs(t *testing.T) {
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b := requestID("CreateUnit", "units/bac-kan"), requestID("CreateUnit", "units/bac-kan")
	require.Equal(t, a, b)
	require.Regexp(t, uuid, a)
	require.NotEqual(t, a, requestID("CreateUnit", "units/cao-bang"))

	p1, err := NewPlan()
	require.NoError(t, err)
	p2, err := NewPlan()
	require.NoError(t, err)
	seen := make(map[string]bool)
	for i, r := range p1.Units {
		require.Equal(t, r.GetRequestId(), p2.Units[i].GetRequestId())
		require.False(t, seen[r.GetRequestId()])
		seen[r.GetRequestId()] = true
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Bắc Kạn":           "bac-kan",
		"Bà Rịa - Vũng Tàu": "ba-ria-vung-tau",
		"Đắk Lắk":           "dak-lak",
		"  Hồ Chí Minh ":    "ho-chi-minh",
		"Thừa Thiên Huế":    "thua-thien-hue",
	} {
		require.Equal(t, want, slug(in), in)
		require.False(t, strings.Contains(slug(in), "--"))
	}
}
