package e2e

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// patient makes a REST call as a well-behaved client does: a 429 (the
// per-caller rate limit) is retried after a short wait.
func (s *system) patient(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	for {
		code, b := s.call(t, method, path, body)
		if code != http.StatusTooManyRequests {
			return code, b
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// approvedBatch creates batch id of province tinh-a (its agency proposes,
// the province decides) with n individuals proposed for the provincial
// Bằng khen, and takes each to APPROVED over REST: submit, appraise, a
// council's vote, publication, approval (with an override of what the
// eligibility report cannot confirm).
func (s *system) approvedBatch(t *testing.T, id string, n int) {
	t.Helper()
	s.ok(t, http.MethodPost, "/v1/batches?batchId="+id, map[string]any{
		"proposer": "units/so-tinh-a", "authority": "units/tinh-a",
		"title": "Tờ trình đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
	}, nil)
	var reqs []any
	for i := range n {
		reqs = append(reqs, map[string]any{"nominationId": fmt.Sprintf("cb-%04d", i), "nomination": map[string]any{
			"recipient": map[string]any{"kind": "RECIPIENT_KIND_INDIVIDUAL", "fullName": fmt.Sprintf("Nguyễn Văn Cán Bộ %d", i),
				"birthYear": 1980, "unit": "units/so-tinh-a", "position": "Chuyên viên"},
			"awardType": "awardTypes/BK_TINH", "period": map[string]int{"startYear": 2024, "endYear": 2024},
			"achievements": "Hoàn thành xuất sắc nhiệm vụ năm 2024",
		}})
	}
	s.ok(t, http.MethodPost, "/v1/batches/"+id+"/nominations:batchCreate", map[string]any{"requests": reqs}, nil)
	s.ok(t, http.MethodPost, "/v1/batches/"+id+":submit", map[string]any{}, nil)
	members := []any{}
	for _, name := range []string{"Trịnh Việt Hùng", "Nguyễn Huy Dũng", "Đặng Xuân Trường", "Phạm Hoàng Sơn", "Nguyễn Thanh Bình"} {
		members = append(members, map[string]any{"fullName": name, "present": true})
	}
	today := time.Now().In(time.FixedZone("ICT", 7*3600))
	vote := map[string]any{"members": members, "yes": 5, "heldOn": map[string]int{"year": today.Year(), "month": int(today.Month()), "day": today.Day()}}
	for i := range n {
		path := fmt.Sprintf("/v1/batches/%s/nominations/cb-%04d", id, i)
		for _, step := range []struct {
			action string
			body   map[string]any
		}{{":appraise", map[string]any{}}, {":recordVote", map[string]any{"vote": vote}}, {":publish", map[string]any{}}} {
			code, b := s.patient(t, http.MethodPost, path+step.action, step.body)
			require.Equal(t, http.StatusOK, code, "%s%s: %s", path, step.action, b)
		}
		if code, _ := s.patient(t, http.MethodPost, path+":approve", map[string]any{}); code != http.StatusOK {
			code, b := s.patient(t, http.MethodPost, path+":approve", map[string]any{"overrideReason": "Hội đồng đã xác minh hồ sơ gốc"})
			require.Equal(t, http.StatusOK, code, "%s:approve: %s", path, b)
		}
	}
}

// TestConferralSurvivesAKill confers a batch of 300 nominations and
// SIGKILLs the nominations process as soon as honours shows the decision
// issued: before nominations has recorded it (the honours' entries are
// read and 300 nominations written after that). Restarted on the same
// database, nominations finishes the conferral by itself, with its own
// identity at the issuer: exactly one decision, one honour per nomination,
// every nomination CONFERRED with its honour. The kill may land after the
// recording; the test then tries again with another batch, and requires
// that the window was hit once.
func TestConferralSurvivesAKill(t *testing.T) {
	s := newSystem(t, "")
	s.province(t, "tinh-a", "Bắc Ái")
	const n = 300
	hit := false
	for attempt := 0; attempt < 3 && !hit; attempt++ {
		id := fmt.Sprintf("dot-%d", attempt)
		s.approvedBatch(t, id, n)

		done := make(chan struct{})
		go func() {
			defer close(done)
			// The caller sees the call fail when the process dies.
			code, body := s.patient(t, http.MethodPost, "/v1/batches/"+id+":confer", map[string]any{
				"requestId": fmt.Sprintf("6f1c2d3e-4a5b-4c6d-8e7f-%012d", attempt),
				"title":     "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
				"document": map[string]any{"number": fmt.Sprintf("%d/QĐ-UBND", 700+attempt),
					"signedOn":   map[string]int{"year": 2025, "month": 1, "day": 6},
					"signerName": "Nguyễn Văn An", "signerTitle": "Chủ tịch", "issuer": "units/tinh-a"},
			})
			t.Logf("confer: %d %s", code, body)
		}()
		decision := "/v1/decisions/tt-" + id
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			// Anonymously: an issued decision is public, and the admin's
			// rate limit is left to the conferral.
			resp, err := http.Get("http://" + s.gateway.addr + decision + "?view=DECISION_VIEW_BASIC")
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			if resp.StatusCode == http.StatusOK && strings.Contains(string(body), "DECISION_STATE_ISSUED") {
				break
			}
			time.Sleep(time.Millisecond)
		}
		s.nominations.kill()
		<-done

		var batch struct {
			State string `json:"state"`
		}
		s.startNominations(t, s.blocsURL) // same database, same address
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			s.ok(c, http.MethodGet, "/v1/batches/"+id, nil, &batch)
			assert.Equal(c, "BATCH_STATE_CLOSED", batch.State)
		}, 30*time.Second, 100*time.Millisecond)
		hit = strings.Contains(s.nominations.logs.String(), `"msg":"conferral finished"`)

		var page struct {
			Nominations []struct {
				State  string `json:"state"`
				Honour string `json:"honour"`
			} `json:"nominations"`
			TotalSize int `json:"totalSize"`
		}
		s.ok(t, http.MethodGet, "/v1/batches/"+id+"/nominations?pageSize=1000", nil, &page)
		require.Equal(t, n, page.TotalSize)
		honours := map[string]bool{}
		for _, nm := range page.Nominations {
			require.Equal(t, "NOMINATION_STATE_CONFERRED", nm.State)
			require.NotEmpty(t, nm.Honour)
			honours[nm.Honour] = true
		}
		require.Len(t, honours, n, "one honour per nomination")
		var entries struct {
			TotalSize int `json:"totalSize"`
		}
		s.ok(t, http.MethodGet, decision+"/entries?pageSize=1", nil, &entries)
		require.Equal(t, n, entries.TotalSize, "one decision of 300 entries, none twice")
		var register struct {
			TotalSize int `json:"totalSize"`
		}
		s.ok(t, http.MethodGet, "/v1/honours?query=can%20bo&pageSize=1", nil, &register)
		require.Equal(t, n*(attempt+1), register.TotalSize, "no second honour in the register")
	}
	require.True(t, hit, "the kill landed between honours' issue and nominations' record in one of the attempts")
}
