package browsertest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() { register("audit", testAudit) }

// auditServiceIDs are the services whose audit logs the screen merges.
var auditServiceIDs = []string{"blocs", "honours", "movements", "nominations"}

// testAudit checks that a central administrator sees the audit streams
// with the API's counts, that a clerk gets a refusal or only what the
// API gives them, and that someone not signed in is sent to sign in.
func testAudit(t *testing.T, s *site) {
	p := s.as(t, Central)
	p.open(t, "/audit?service=blocs&stream=activity")
	total, ok := auditTotal(t, s, Central, "blocs", "logName=AUDIT_LOG_NAME_ACTIVITY")
	require.True(t, ok, "a central administrator reads the audit log")
	require.Positive(t, total, "loading the demo is audited")
	assert.Equal(t, num(total), p.text(t, `[data-figure="total-blocs"]`), "central: blocs activity")
	assert.NotEmpty(t, p.texts(t, "#audit-table tbody tr"))

	p.open(t, "/audit?service=movements&resource=movements/tn-nong-thon-moi")
	total, _ = auditTotal(t, s, Central, "movements", "resource=movements/tn-nong-thon-moi")
	assert.Equal(t, num(total), p.text(t, `[data-figure="total-movements"]`), "central: a movement's entries")

	p.open(t, "/audit")
	sum := 0
	for _, svc := range auditServiceIDs {
		n, ok := auditTotal(t, s, Central, svc, "")
		require.True(t, ok, "central reads the audit of %s", svc)
		sum += n
	}
	// Reading the audit may itself be audited as data access; the page
	// counts at least what the API counted just before.
	assert.GreaterOrEqual(t, atoi(t, strings.ReplaceAll(p.text(t, `[data-figure="total"]`), ".", "")), sum, "central: every stream of every service")
	p.screenshot(t, "audit")

	clerk := s.as(t, Clerk)
	clerk.open(t, "/audit?stream=activity")
	refused := 0
	for _, svc := range auditServiceIDs {
		n, ok := auditTotal(t, s, Clerk, svc, "logName=AUDIT_LOG_NAME_ACTIVITY")
		t.Logf("clerk and the audit of %s: API allows %v (%d entries)", svc, ok, n)
		shown := eval[int](t, clerk, `document.querySelectorAll('[data-figure="total-`+svc+`"]').length`)
		if ok {
			require.Equal(t, 1, shown, "clerk: the API gives %s's audit, so does the page", svc)
			assert.Equal(t, num(n), clerk.text(t, `[data-figure="total-`+svc+`"]`), "clerk: %s", svc)
		} else {
			assert.Zero(t, shown, "clerk: no figures for %s, refused by the API", svc)
			refused++
		}
	}
	denied := clerk.texts(t, "[data-denied]")
	assert.Len(t, denied, refused, "clerk: the page says which services refuse")
	for _, d := range denied {
		assert.Contains(t, d, "không có quyền", "clerk: the page says what is refused")
	}

	anon := s.as(t, Anonymous)
	anon.run(t, chromedp.Navigate(s.BaseURL+"/audit"), chromedp.WaitReady(chromedp.CSS("body")))
	loc := value(t, anon, chromedp.Location())
	assert.False(t, strings.HasPrefix(loc, s.BaseURL+"/audit"), "anonymous is sent to sign in, not shown %s", loc)
	assert.True(t, strings.Contains(loc, "/login") || strings.Contains(loc, "/authorize"), "anonymous is sent to sign in: %s", loc)
	assert.NotContains(t, anon.html(t), "audit-table")
}

// auditTotal is the API's count of a service's audit entries matching
// query, as person, and whether the API let them read it at all.
func auditTotal(t *testing.T, s *site, person int, service, query string) (int, bool) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.BaseURL+"/v1/services/"+service+"/auditEntries?pageSize=1&"+query, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+s.Token(caller(person)))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode == http.StatusForbidden {
		return 0, false
	}
	require.Equal(t, http.StatusOK, resp.StatusCode, "GET audit of %s: %s", service, body)
	var out struct {
		TotalSize int `json:"totalSize"`
	}
	require.NoError(t, json.Unmarshal(body, &out))
	return out.TotalSize, true
}
