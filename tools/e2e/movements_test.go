package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// movement creates and launches movements/id of the province.
func (s *system) movement(t *testing.T, id, province string) {
	t.Helper()
	s.ok(t, http.MethodPost, "/v1/movements?movementId="+id, map[string]any{
		"title": "Chung tay vì người nghèo – không để ai bị bỏ lại phía sau", "kind": "MOVEMENT_KIND_THEMATIC",
		"launchedBy": "units/" + province,
		"launchDocument": map[string]any{"number": "11-CT/TU", "signedOn": map[string]int{"year": 2016, "month": 3, "day": 1},
			"issuer": "units/" + province},
		"period": map[string]any{"startDate": map[string]int{"year": 2016, "month": 1, "day": 1},
			"endDate": map[string]int{"year": 2020, "month": 12, "day": 31}},
	}, nil)
	s.ok(t, http.MethodPost, "/v1/movements/"+id+":launch", map[string]any{}, nil)
}

// decisionHonours returns the honours a decision conferred.
func (s *system) decisionHonours(t *testing.T, decision string) []string {
	t.Helper()
	var page struct {
		Entries []struct {
			Honour string `json:"honour"`
		} `json:"entries"`
	}
	s.ok(t, http.MethodGet, "/v1/decisions/"+decision+"/entries", nil, &page)
	var out []string
	for _, e := range page.Entries {
		out = append(out, e.Honour)
	}
	return out
}

// TestMovementsWithoutBlocsOrHonours runs movements as a process beside
// blocs, honours and the gateway. With blocs killed, movements serves
// reads and writes from its unit mirror. With honours killed, linking an
// exemplar to an honour is UNAVAILABLE (503), not INTERNAL; once honours
// is back on its address, the same request succeeds.
func TestMovementsWithoutBlocsOrHonours(t *testing.T) {
	s := newSystem(t, "")
	s.province(t, "tinh-a", "Bắc Ái")
	s.issue(t, "qd-a", "tinh-a")
	honours := s.decisionHonours(t, "qd-a")
	require.Len(t, honours, 2)
	s.movement(t, "vi-nguoi-ngheo", "tinh-a")

	s.blocs.kill()
	s.ok(t, http.MethodPost, "/v1/movements/vi-nguoi-ngheo/participants", map[string]any{
		"unit": "units/so-tinh-a", "registeredOn": map[string]int{"year": 2016, "month": 4, "day": 1},
	}, nil)
	var participants struct {
		Participants []struct {
			UnitDisplayName string `json:"unitDisplayName"`
		} `json:"participants"`
	}
	s.ok(t, http.MethodGet, "/v1/movements/vi-nguoi-ngheo/participants", nil, &participants)
	require.Len(t, participants.Participants, 1)
	assert.Equal(t, "Sở Nội vụ tỉnh Bắc Ái", participants.Participants[0].UnitDisplayName, "named from the mirror")
	exemplar := map[string]any{
		"recipient": map[string]any{"kind": "RECIPIENT_KIND_COLLECTIVE", "unit": "units/so-tinh-a"},
		"field":     "Giảm nghèo", "model": "Mỗi phòng nhận đỡ đầu một hộ nghèo", "honours": honours[:1],
	}
	s.ok(t, http.MethodPost, "/v1/movements/vi-nguoi-ngheo/exemplars?exemplarId=so-noi-vu", exemplar, nil)
	var exemplars struct {
		Exemplars []struct {
			Name string `json:"name"`
		} `json:"exemplars"`
	}
	s.ok(t, http.MethodGet, "/v1/exemplars?province=units/tinh-a", nil, &exemplars)
	require.Len(t, exemplars.Exemplars, 1, "lineage from the mirror")

	s.honours.kill()
	exemplar["honours"] = honours[1:]
	const path = "/v1/movements/vi-nguoi-ngheo/exemplars?exemplarId=ca-nhan&requestId=0b6f7c1e-2d4a-4e8b-9f3c-5a1d2e3f4b5c"
	code, body := s.call(t, http.MethodPost, path, exemplar)
	require.Equal(t, http.StatusServiceUnavailable, code, "%s", body)
	assert.Contains(t, string(body), `"code":14`, "UNAVAILABLE")
	code, body = s.call(t, http.MethodGet, "/v1/movements/vi-nguoi-ngheo:report", nil)
	require.Equal(t, http.StatusServiceUnavailable, code, "the report counts honours: %s", body)

	s.startHonours(t, s.blocsURL) // same database, same address
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		code, body := s.call(c, http.MethodPost, path, exemplar)
		assert.Equal(c, http.StatusOK, code, "%s", body)
	}, 15*time.Second, 100*time.Millisecond)
	var report struct {
		ParticipantCount int `json:"participantCount"`
		ExemplarCount    int `json:"exemplarCount"`
	}
	s.ok(t, http.MethodGet, "/v1/movements/vi-nguoi-ngheo:report", nil, &report)
	assert.Equal(t, 1, report.ParticipantCount)
	assert.Equal(t, 2, report.ExemplarCount, "the retried request made one exemplar")
}
