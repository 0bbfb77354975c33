package browsertest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() { register("units", testUnits) }

// testUnits checks the list of provinces and merged Thái Nguyên's
// predecessors and what they left it against the API's.
func testUnits(t *testing.T, s *site) {
	for _, person := range []int{Officer, Anonymous} {
		p := s.as(t, person)
		p.open(t, "/units?level=province&kind=locality&state=active")
		provinces := s.listAll(t, person, "/v1/units?level=UNIT_LEVEL_PROVINCE&kind=UNIT_KIND_LOCALITY&state=UNIT_STATE_ACTIVE", "units")
		assert.Equal(t, num(len(provinces)), p.text(t, `[data-figure="units"]`), "person %d: provinces", person)
		assert.Equal(t, "34", p.text(t, `[data-figure="units"]`), "person %d: the 34 provinces of 2025", person)

		p.open(t, "/units/thai-nguyen")
		preds := p.texts(t, "#predecessors-table tbody th a")
		assert.Contains(t, preds, "Tỉnh Bắc Kạn", "person %d: Bắc Kạn is among Thái Nguyên's predecessors", person)
		var unit struct {
			Predecessors []string `json:"predecessors"`
		}
		s.api(t, person, "/v1/units/thai-nguyen", &unit)
		require.Contains(t, unit.Predecessors, "units/bac-kan")
		assert.Equal(t, num(len(unit.Predecessors)), p.text(t, `[data-figure="predecessors"]`), "person %d: predecessors", person)

		var stats struct {
			TotalCount     string `json:"totalCount"`
			TotalRewardVnd string `json:"totalRewardVnd"`
		}
		s.api(t, person, "/v1/honours:statistics?province=units/thai-nguyen", &stats)
		assert.Equal(t, num(atoi(t, stats.TotalCount)), p.text(t, `[data-figure="honours"]`), "person %d: honours", person)
		assert.Equal(t, num(atoi(t, stats.TotalRewardVnd))+" đ", p.text(t, `[data-figure="money"]`), "person %d: money", person)
		exemplars := s.listAll(t, person, "/v1/exemplars?province=units/thai-nguyen", "exemplars")
		assert.GreaterOrEqual(t, len(exemplars), 23, "Bắc Kạn's exemplars count for Thái Nguyên")
		assert.Equal(t, num(len(exemplars)), p.text(t, `[data-figure="exemplars"]`), "person %d: exemplars", person)

		var bk struct {
			TotalCount string `json:"totalCount"`
		}
		s.api(t, person, "/v1/honours:statistics?authority=units/bac-kan", &bk)
		rows := p.texts(t, "#predecessors-table tbody tr")
		found := false
		for _, r := range rows {
			if strings.Contains(r, "Tỉnh Bắc Kạn") {
				found = true
				assert.Contains(t, r, num(atoi(t, bk.TotalCount)), "person %d: Bắc Kạn's honours as authority", person)
			}
		}
		assert.True(t, found)
		assert.Equal(t, 1, eval[int](t, p, `document.querySelectorAll('a[href="/register?province=units%2Fthai-nguyen"]').length`), "person %d: link to the province's register", person)
		if person == Officer {
			p.screenshot(t, "units")
		}
	}
}
