package stack_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/tdkt-vn/tdkt/gateway"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// largeEntries is the size of the decision TestLargeDecision makes: the
// largest the honours service accepts.
const largeEntries = 50_000

// TestLargeDecision takes a decision of 50,000 entries through its whole
// life over REST, through the real gateway: created (as many entries as
// one request body of the gateway holds, then the rest with addEntries,
// 1000 a call), issued, read (the BASIC view; the FULL one is refused),
// paged through, rendered as a PDF and exported as a workbook, with no
// message-size error on the way.
func TestLargeDecision(t *testing.T) {
	s := stacktest.Start(t)
	api := s.BaseURL
	started := time.Now()
	step := func(name string) {
		t.Logf("%-8s %v", name, time.Since(started).Round(time.Millisecond))
		started = time.Now()
	}
	post := func(t *testing.T, path string, body []byte) response {
		t.Helper()
		r := call(t, http.MethodPost, api+path, bytes.NewReader(body), "Authorization", "Bearer "+s.AdminToken)
		require.Equal(t, http.StatusOK, r.status, "POST %s: %.500s", path, r.body)
		return r
	}
	mustJSON := func(v any) []byte {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return b
	}

	post(t, "/v1/units?unitId=tinh-lon", []byte(`{"displayName":"Ủy ban nhân dân tỉnh Lớn","shortName":"Lớn","kind":"UNIT_KIND_LOCALITY","level":"UNIT_LEVEL_PROVINCE"}`))
	post(t, "/v1/units?unitId=so-noi-vu-lon", []byte(`{"displayName":"Sở Nội vụ tỉnh Lớn","kind":"UNIT_KIND_AGENCY","level":"UNIT_LEVEL_PROVINCE","province":"units/tinh-lon"}`))

	entry := func(i int) map[string]any {
		return map[string]any{
			"recipient": map[string]any{
				"kind": "RECIPIENT_KIND_INDIVIDUAL", "fullName": fmt.Sprintf("Nguyễn Văn Lớn %05d", i),
				"gender": "GENDER_MALE", "birthYear": 1970 + i%30, "position": "Chuyên viên", "unit": "units/so-noi-vu-lon",
			},
			"awardType":    "awardTypes/BK_TINH",
			"period":       map[string]any{"startYear": 2024, "endYear": 2024},
			"achievements": "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2024",
		}
	}
	entries := func(from, to int) []map[string]any {
		out := make([]map[string]any, 0, to-from)
		for i := from; i < to; i++ {
			out = append(out, entry(i))
		}
		return out
	}

	// The first part: 2500 entries (~360 bytes of JSON each) make a body
	// under the gateway's 1 MiB; 50,000 would be ~17 MiB.
	const first = 2500
	decision := map[string]any{
		"document": map[string]any{
			"number": "1/QĐ-UBND", "signedOn": map[string]any{"year": 2025, "month": 1, "day": 15},
			"signerName": "Trần Văn Lớn", "signerTitle": "Chủ tịch", "issuer": "units/tinh-lon",
		},
		"title":     "Về việc tặng Bằng khen của Chủ tịch UBND tỉnh",
		"authority": "units/tinh-lon",
		"entries":   entries(0, first),
	}
	body := mustJSON(decision)
	require.Less(t, len(body), gateway.DefaultMaxBodyBytes)
	r := post(t, "/v1/decisions?decisionId=qd-lon&requestId=9d0c6f1e-2b3a-4c5d-8e7f-0a1b2c3d4e5f", body)
	var created struct {
		EntryCount int `json:"entryCount"`
		Entries    []any
	}
	require.NoError(t, json.Unmarshal(r.body, &created))
	require.Equal(t, first, created.EntryCount)
	require.Empty(t, created.Entries)
	for from := first; from < largeEntries; from += 1000 {
		post(t, "/v1/decisions/qd-lon:addEntries", mustJSON(map[string]any{
			"requestId": fmt.Sprintf("9d0c6f1e-2b3a-4c5d-8e7f-%012d", from),
			"entries":   entries(from, min(from+1000, largeEntries)),
		}))
	}
	step("create")

	r = post(t, "/v1/decisions/qd-lon:issue", []byte(`{"requestId":"5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"}`))
	var issued struct {
		State          string `json:"state"`
		EntryCount     int    `json:"entryCount"`
		RewardTotalVnd string `json:"rewardTotalVnd"`
	}
	require.NoError(t, json.Unmarshal(r.body, &issued))
	require.Equal(t, "DECISION_STATE_ISSUED", issued.State)
	require.Equal(t, largeEntries, issued.EntryCount)
	step("issue")

	full := call(t, http.MethodGet, api+"/v1/decisions/qd-lon", nil)
	require.Equal(t, http.StatusBadRequest, full.status, "%.300s", full.body)
	require.Contains(t, string(full.body), "DECISION_TOO_LARGE_FOR_VIEW")
	basic := call(t, http.MethodGet, api+"/v1/decisions/qd-lon?view=DECISION_VIEW_BASIC", nil)
	require.Equal(t, http.StatusOK, basic.status, "%.300s", basic.body)
	require.Contains(t, string(basic.body), `"entryCount":50000`)

	seen := 0
	for token := ""; ; {
		r := call(t, http.MethodGet, api+"/v1/decisions/qd-lon/entries?pageSize=1000&pageToken="+url.QueryEscape(token), nil)
		require.Equal(t, http.StatusOK, r.status, "%.300s", r.body)
		var page struct {
			Entries []struct {
				Ordinal int    `json:"ordinal"`
				Honour  string `json:"honour"`
			} `json:"entries"`
			NextPageToken string `json:"nextPageToken"`
			TotalSize     int    `json:"totalSize"`
		}
		require.NoError(t, json.Unmarshal(r.body, &page))
		require.Equal(t, largeEntries, page.TotalSize)
		for _, e := range page.Entries {
			seen++
			require.Equal(t, seen, e.Ordinal, "entries in ordinal order, none skipped")
			require.NotEmpty(t, e.Honour)
		}
		if page.NextPageToken == "" {
			break
		}
		token = page.NextPageToken
	}
	require.Equal(t, largeEntries, seen)
	step("list")

	pdf := call(t, http.MethodGet, api+"/v1/decisions/qd-lon:render", nil)
	require.Equal(t, http.StatusOK, pdf.status, "%.300s", pdf.body)
	require.Equal(t, "application/pdf", pdf.header.Get("Content-Type"))
	require.Equal(t, `attachment; filename="quyet-dinh-qd-lon.pdf"`, pdf.header.Get("Content-Disposition"))
	require.True(t, bytes.HasPrefix(pdf.body, []byte("%PDF-")))
	require.True(t, bytes.HasSuffix(bytes.TrimRight(pdf.body, "\r\n"), []byte("%%EOF")), "the PDF is whole")
	require.Greater(t, len(pdf.body), 4<<20, "a 50,000-entry annex is more than one gRPC message")
	t.Logf("PDF: %d bytes", len(pdf.body))
	step("render")

	xlsx := call(t, http.MethodGet, api+"/v1/honours:export?authority=units/tinh-lon", nil)
	require.Equal(t, http.StatusOK, xlsx.status, "%.300s", xlsx.body)
	require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.header.Get("Content-Type"))
	require.Equal(t, `attachment; filename="khen-thuong.xlsx"`, xlsx.header.Get("Content-Disposition"))
	t.Logf("XLSX: %d bytes", len(xlsx.body))
	f, err := excelize.OpenReader(bytes.NewReader(xlsx.body))
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.Rows("Khen thưởng")
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		n++
	}
	require.NoError(t, rows.Close())
	require.Equal(t, largeEntries+1, n, "a header and one row per honour")
	step("export")
}
