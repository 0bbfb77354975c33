package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
)

func init() { register("register", testRegister) }

// bacKanDecision is the demo's decision of dissolved Bắc Kạn, whose
// honours now count under Thái Nguyên.
const bacKanDecision = "decisions/bac-kan-946-qd-ubnd-2023"

// testRegister checks the register's search, filters and figures against
// the API's, the decision page with its PDF and the XLSX export.
func testRegister(t *testing.T, s *site) {
	for _, person := range []int{Officer, Anonymous} {
		p := s.as(t, person)

		// Search without accents finds names with them.
		p.open(t, "/register?q=nguyen")
		api := registerTotal(t, s, person, "query=nguyen")
		require.Positive(t, api, "the demo register has a Nguyễn")
		assert.Equal(t, num(api), p.text(t, `[data-figure="total"]`), "person %d: total for q=nguyen", person)
		names := p.texts(t, "#register-table tbody td:first-child")
		require.NotEmpty(t, names)
		accented := false
		for _, n := range names {
			assert.Contains(t, strings.ToLower(vnfold.Fold(n)), "nguyen", "person %d: %q matches nguyen", person, n)
			accented = accented || strings.Contains(n, "Nguyễn")
		}
		assert.True(t, accented, "person %d: q=nguyen finds Nguyễn", person)
		if person == Officer {
			p.screenshot(t, "register")
		}

		// A merged province's filter counts its predecessors' honours.
		filter := "province=units%2Fthai-nguyen"
		p.open(t, "/register?"+filter)
		all := s.listAll(t, person, "/v1/honours?"+filter, "honours")
		assert.Equal(t, num(len(all)), p.text(t, `[data-figure="total"]`), "person %d: total for Thái Nguyên", person)
		fromBacKan := 0
		for _, h := range all {
			if h["authority"] == "units/bac-kan" {
				fromBacKan++
			}
		}
		assert.Positive(t, fromBacKan, "person %d: Thái Nguyên's register holds Bắc Kạn's honours", person)
		rows := p.texts(t, "#register-table tbody tr")
		assert.Equal(t, min(len(all), 50), len(rows), "person %d: first page", person)

		// Filters together, and the export of what is shown.
		filter = "province=units%2Fthai-nguyen&authority=units%2Fbac-kan&year=2023"
		p.open(t, "/register?"+filter)
		all = s.listAll(t, person, "/v1/honours?province=units%2Fthai-nguyen&authority=units%2Fbac-kan&yearFrom=2023&yearTo=2023", "honours")
		assert.Equal(t, num(len(all)), p.text(t, `[data-figure="total"]`), "person %d: total for Bắc Kạn 2023", person)
		f := regGet(t, p, "/register.xlsx?"+filter)
		assert.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f.ContentType)
		assert.Contains(t, f.Disposition, "attachment")
		raw := f.Body
		x, err := excelize.OpenReader(bytes.NewReader(raw))
		require.NoError(t, err, "the export is an XLSX workbook")
		sheetRows, err := x.GetRows(x.GetSheetName(0))
		require.NoError(t, err)
		require.NotEmpty(t, sheetRows)
		assert.Equal(t, "Người, tập thể được khen", sheetRows[0][1], "Vietnamese headers")
		assert.Len(t, sheetRows, len(all)+1, "person %d: the export has every honour shown", person)
		if len(sheetRows) > 1 {
			assert.Regexp(t, `^\d\d/\d\d/2023$`, sheetRows[1][5], "dates dd/mm/yyyy")
		}
	}
	testDecision(t, s)
}

// registerTotal is the API's number of honours for the query.
func registerTotal(t *testing.T, s *site, person int, query string) int {
	t.Helper()
	var out struct {
		TotalSize int `json:"totalSize"`
	}
	s.api(t, person, "/v1/honours?pageSize=1&"+query, &out)
	return out.TotalSize
}

// regFile is a file the dashboard answered.
type regFile struct {
	ContentType, Disposition string
	Body                     []byte
}

// regGet fetches path with the tab's cookies (the page's Content
// Security Policy forbids fetch from the page itself) and requires 200.
func regGet(t *testing.T, p *page, path string) regFile {
	t.Helper()
	cookies := value(t, p, chromedp.Action[*network.GetCookiesResult](func(ctx context.Context, tg *chromedp.Target) (*network.GetCookiesResult, error) {
		r, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{p.s.BaseURL}})
		return &r, err
	}))
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, p.s.BaseURL+path, nil)
	require.NoError(t, err)
	for _, c := range cookies.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s: %s", path, body)
	return regFile{resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), body}
}

// testDecision checks the decision page's entries and money against the
// API's, and its PDF.
func testDecision(t *testing.T, s *site) {
	p := s.as(t, Officer)
	p.open(t, "/register?authority=units%2Fbac-kan")
	p.submit(t, `#register-table a[href="/`+bacKanDecision+`"]`)
	assert.Equal(t, "/"+bacKanDecision, strings.TrimPrefix(value(t, p, chromedp.Location()), s.BaseURL))
	entries := s.listAll(t, Officer, "/v1/"+bacKanDecision+"/entries", "entries")
	money := 0
	for _, e := range entries {
		money += atoi(t, fmt.Sprint(orEmpty(e["rewardVnd"])))
	}
	assert.Equal(t, num(len(entries)), p.text(t, `[data-figure="entries"]`), "entries")
	assert.Equal(t, num(money)+" đ", p.text(t, `[data-figure="money"]`), "total money")
	assert.Len(t, p.texts(t, "#entries-table tbody tr"), len(entries))
	var d struct {
		Document struct{ Number string }
	}
	s.api(t, Officer, "/v1/"+bacKanDecision, &d)
	assert.Equal(t, d.Document.Number, p.text(t, `[data-figure="decision-number"]`))
	p.screenshot(t, "decision")

	f := regGet(t, p, regAttr(t, p, "#decision-pdf", "href"))
	assert.Equal(t, "application/pdf", f.ContentType)
	assert.Contains(t, f.Disposition, "inline")
	raw := f.Body
	assert.True(t, bytes.HasPrefix(raw, []byte("%PDF")), "the PDF starts with %%PDF")

	// A recipient's history: every honour the API has for the key.
	p.open(t, "/register?authority=units%2Fbac-kan")
	href := regAttr(t, p, "#register-table tbody td:first-child a", "href")
	key, err := url.PathUnescape(strings.TrimPrefix(href, "/people/"))
	require.NoError(t, err)
	p.open(t, href)
	hist := s.listAll(t, Officer, "/v1/honours?recipientKey="+url.QueryEscape(key), "honours")
	assert.Equal(t, num(len(hist)), p.text(t, `[data-figure="count"]`), "history of %s", key)

	// A decision that does not exist.
	p.open(t, "/decisions/khong-co")
	assert.Equal(t, 404, p.status(t))
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// regAttr is the attribute name of the first element matching sel.
func regAttr(t *testing.T, p *page, sel, name string) string {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? (e.getAttribute(%q) || '') : ''; })()`, sel, name)
	v := eval[string](t, p, js)
	require.NotEmpty(t, v, "%s[%s]", sel, name)
	return v
}
