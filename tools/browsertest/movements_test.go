package browsertest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() { register("movements", testMovements) }

// testMovements checks the list of movements, the report of Directive
// 11's movement and the exemplars of Bắc Kạn's against the API's.
func testMovements(t *testing.T, s *site) {
	for _, person := range []int{Officer, OtherClerk, Anonymous} {
		p := s.as(t, person)
		p.open(t, "/movements")
		assert.Equal(t, num(len(s.listAll(t, person, "/v1/movements", "movements"))), p.text(t, `[data-figure="movements"]`), "person %d: movements", person)
		p.open(t, "/movements?query=11-CT")
		assert.Equal(t, num(len(s.listAll(t, person, "/v1/movements?query=11-CT", "movements"))), p.text(t, `[data-figure="movements"]`), "person %d: Directive 11", person)

		var report struct {
			ParticipantCount int    `json:"participantCount"`
			EventCount       int    `json:"eventCount"`
			ExemplarCount    int    `json:"exemplarCount"`
			HonourCount      string `json:"honourCount"`
			HonourRewardVnd  string `json:"honourRewardVnd"`
		}
		s.api(t, person, "/v1/movements/tn-nong-thon-moi:report", &report)
		p.open(t, "/movements/tn-nong-thon-moi")
		figure := func(name string) string { return p.text(t, `[data-figure="`+name+`"]`) }
		assert.Equal(t, num(report.ParticipantCount), figure("participants"), "person %d: participants", person)
		assert.Equal(t, num(report.EventCount), figure("events"), "person %d: events", person)
		assert.Equal(t, num(report.ExemplarCount), figure("exemplars"), "person %d: exemplars", person)
		assert.Equal(t, num(atoi(t, report.HonourCount)), figure("honours"), "person %d: honours", person)
		assert.Equal(t, num(atoi(t, report.HonourRewardVnd))+" đ", figure("money"), "person %d: money", person)
		assert.Equal(t, "15", figure("honours"), "person %d: the demo's 15 Bằng khen of 25/QĐ-UBND", person)
		assert.Len(t, p.texts(t, "#events-table tbody tr"), len(s.listAll(t, person, "/v1/events?movement=movements/tn-nong-thon-moi", "events")), "person %d: events listed", person)
		if person == Officer {
			p.screenshot(t, "movements")
		}

		exemplars := s.listAll(t, person, "/v1/movements/bk-nong-thon-moi/exemplars", "exemplars")
		require.Len(t, exemplars, 23, "the Bắc Kạn conference's exemplars")
		p.open(t, "/movements/bk-nong-thon-moi")
		assert.Equal(t, num(len(exemplars)), figure("exemplars"), "person %d: exemplars of Bắc Kạn", person)
		assert.Len(t, p.texts(t, "#exemplars-table tbody tr"), len(exemplars), "person %d: exemplar rows", person)
		links := eval[int](t, p, `document.querySelectorAll('#exemplars-table a[href="/decisions/bac-kan-946-qd-ubnd-2023"]').length`)
		assert.Equal(t, len(exemplars), links, "person %d: each exemplar links to 946/QĐ-UBND", person)
	}
}
