package e2e

import (
	"bytes"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// honoursPage is the JSON of ListHonours.
type honoursPage struct {
	Honours []struct {
		Name     string `json:"name"`
		Province string `json:"province"`
	} `json:"honours"`
	TotalSize int `json:"totalSize"`
}

// statistics is the JSON of GetStatistics.
type statistics struct {
	Rows []struct {
		Province string `json:"province"`
		Count    string `json:"count"` // int64: a string in JSON
	} `json:"rows"`
}

// histories is the JSON of BatchGetRecipientHistory.
type histories struct {
	Histories []struct {
		Honours []struct {
			Name string `json:"name"`
		} `json:"honours"`
	} `json:"histories"`
}

// province creates a province-level locality and an agency of it.
func (s *system) province(t *testing.T, id, name string) {
	t.Helper()
	s.ok(t, http.MethodPost, "/v1/units?unitId="+id, map[string]any{
		"displayName": "Tỉnh " + name, "shortName": name, "kind": "UNIT_KIND_LOCALITY", "level": "UNIT_LEVEL_PROVINCE",
	}, nil)
	s.ok(t, http.MethodPost, "/v1/units?unitId=so-"+id, map[string]any{
		"displayName": "Sở Nội vụ tỉnh " + name, "kind": "UNIT_KIND_AGENCY", "level": "UNIT_LEVEL_PROVINCE",
		"province": "units/" + id,
	}, nil)
}

// issue creates and issues a decision of the province id conferring a
// Bằng khen on its agency and on a person of it.
func (s *system) issue(t *testing.T, id, province string) {
	t.Helper()
	s.ok(t, http.MethodPost, "/v1/decisions?decisionId="+id, map[string]any{
		"document": map[string]any{
			"number": "1/QĐ-UBND", "signedOn": map[string]int{"year": 2024, "month": 5, "day": 10},
			"signerName": "Nguyễn Văn An", "signerTitle": "Chủ tịch", "issuer": "units/" + province,
		},
		"title": "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "authority": "units/" + province,
	}, nil)
	period := map[string]int{"startYear": 2023, "endYear": 2023}
	s.ok(t, http.MethodPost, "/v1/decisions/"+id+":addEntries", map[string]any{"entries": []any{
		map[string]any{"recipient": map[string]any{"kind": "RECIPIENT_KIND_COLLECTIVE", "unit": "units/so-" + province},
			"awardType": "awardTypes/BK_TINH", "period": period},
		map[string]any{"recipient": map[string]any{"kind": "RECIPIENT_KIND_INDIVIDUAL", "fullName": "Trần Thị Bình", "unit": "units/so-" + province},
			"awardType": "awardTypes/BK_TINH", "period": period},
	}}, nil)
	s.ok(t, http.MethodPost, "/v1/decisions/"+id+":issue", map[string]any{}, nil)
}

// dissolve dissolves unit id into successor on 2025-07-01.
func (s *system) dissolve(t *testing.T, id, successor string) {
	t.Helper()
	s.ok(t, http.MethodPost, "/v1/units/"+id+":dissolve", map[string]any{
		"successor": "units/" + successor, "effectiveOn": map[string]int{"year": 2025, "month": 7, "day": 1},
	}, nil)
}

// provinceCounts is GetStatistics grouped by province, as province → count.
func (s *system) provinceCounts(t require.TestingT) map[string]string {
	var st statistics
	s.ok(t, http.MethodGet, "/v1/honours:statistics?groupBy=province", nil, &st)
	out := make(map[string]string)
	for _, r := range st.Rows {
		out[r.Province] = r.Count
	}
	return out
}

// TestUnitChangesReachHonours dissolves a province and its agency in blocs
// and reads honours within a second: the register by province, statistics
// by province (one of them cached before the change), a collective's
// history and an export all follow the successor. Three processes; with an
// in-process cache and with Redis.
func TestUnitChangesReachHonours(t *testing.T) {
	caches := map[string]string{"in-process cache": ""}
	if redis := os.Getenv("TDKT_TEST_REDIS_ADDR"); redis != "" {
		caches["Redis"] = redis
	} else if os.Getenv("TDKT_TEST_REQUIRE_SERVICES") == "1" {
		t.Fatal("TDKT_TEST_REDIS_ADDR is not set (TDKT_TEST_REQUIRE_SERVICES=1)")
	}
	for name, redis := range caches {
		t.Run(name, func(t *testing.T) {
			if redis != "" {
				flushRedis(t, redis)
			}
			s := newSystem(t, redis)
			s.province(t, "tinh-a", "Bắc Ái")
			s.province(t, "tinh-b", "Nam Bình")
			s.issue(t, "qd-a", "tinh-a")
			require.Equal(t, map[string]string{"units/tinh-a": "2"}, s.provinceCounts(t), "before: under the province of issue")

			s.dissolve(t, "tinh-a", "tinh-b")
			s.dissolve(t, "so-tinh-a", "so-tinh-b")
			dissolved := time.Now()
			require.EventuallyWithT(t, func(c *assert.CollectT) {
				var page honoursPage
				s.ok(c, http.MethodGet, "/v1/honours?province=units/tinh-b", nil, &page)
				assert.Equal(c, 2, page.TotalSize, "the register by province follows the successor")

				assert.Equal(c, map[string]string{"units/tinh-b": "2"}, s.provinceCounts(c),
					"statistics by province, cached before the change, follow it")

				var h histories
				s.ok(c, http.MethodPost, "/v1/honours:recipientHistory", map[string]any{"recipientKeys": []string{"unit:so-tinh-b"}}, &h)
				if assert.Len(c, h.Histories, 1) {
					assert.Len(c, h.Histories[0].Honours, 1, "the agency's successor holds its honour")
				}

				code, body := s.call(c, http.MethodGet, "/v1/honours:export?province=units/tinh-b", nil)
				if assert.Equal(c, http.StatusOK, code, "%s", body) {
					assert.Equal(c, 2, exportRows(c, body), "the export follows the successor")
				}
			}, time.Second, 20*time.Millisecond)
			t.Logf("honours followed the dissolutions in %v", time.Since(dissolved).Round(time.Millisecond))
		})
	}
}

// flushRedis empties the Redis database the processes cache in, so that
// nothing a run before left there answers for this one.
func flushRedis(t *testing.T, addr string) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, DB: redisDB})
	defer c.Close()
	require.NoError(t, c.FlushDB(t.Context()).Err())
}

// exportRows counts the honours of an XLSX export: the rows of its first
// sheet after the header.
func exportRows(t assert.TestingT, body []byte) int {
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if !assert.NoError(t, err) {
		return -1
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if !assert.NoError(t, err) {
		return -1
	}
	return len(rows) - 1
}

// TestHonoursFollowsBlocsAcrossRestarts kills blocs while honours follows
// its units, changes a unit once blocs is back and finds the change in
// honours; then starts honours while blocs is down: the register is served
// at once, and what needs units once blocs appears.
func TestHonoursFollowsBlocsAcrossRestarts(t *testing.T) {
	s := newSystem(t, "")
	s.province(t, "tinh-a", "Bắc Ái")
	s.province(t, "tinh-b", "Nam Bình")
	s.issue(t, "qd-a", "tinh-a")

	s.blocs.kill()
	s.startBlocs(t) // same database, same address
	s.dissolve(t, "tinh-a", "tinh-b")
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var page honoursPage
		s.ok(c, http.MethodGet, "/v1/honours?province=units/tinh-b", nil, &page)
		assert.Equal(c, 2, page.TotalSize, "honours resumed following blocs and saw the dissolution")
	}, 10*time.Second, 50*time.Millisecond)

	// honours starts while blocs is down.
	s.honours.kill()
	s.blocs.kill()
	s.startHonours(t, s.blocsURL)
	s.gateway.kill()
	s.startGateway(t, s.blocsURL)
	var page honoursPage
	s.ok(t, http.MethodGet, "/v1/honours", nil, &page)
	require.Equal(t, 2, page.TotalSize, "the register is served without blocs")
	code, body := s.call(t, http.MethodGet, "/v1/honours?province=units/tinh-b", nil)
	require.Equal(t, http.StatusServiceUnavailable, code, "lineage needs the units: %s", body)

	s.startBlocs(t)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var page honoursPage
		s.ok(c, http.MethodGet, "/v1/honours?province=units/tinh-b", nil, &page)
		assert.Equal(c, 2, page.TotalSize, "honours caught up once blocs appeared")
	}, 15*time.Second, 50*time.Millisecond)
}
