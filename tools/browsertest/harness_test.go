// Package browsertest drives the dashboard in Debian's chromium, headless,
// as the board's people use it: it signs in through the dev issuer's page,
// walks the screens, runs axe-core in each, compares their figures with
// the API's, times each page and, with TDKT_SCREENSHOTS=dir, saves a
// screenshot of each main screen.
//
// The whole system runs once for the suite (TestDashboard), with the demo
// loaded; each screen's checks register themselves in an init function
// (screenTests) and run as its subtests, in file order.
package browsertest

import (
	"cmp"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// The demo's people (demo.People), by what they do.
const (
	Clerk        = 0 // Văn thư, Sở Nội vụ tỉnh Thái Nguyên (UNIT_CLERK)
	Officer      = 1 // Chuyên viên, tỉnh Thái Nguyên (BOARD_OFFICER)
	Council      = 2 // Ủy viên Hội đồng TĐKT tỉnh Thái Nguyên (COUNCIL_MEMBER)
	Central      = 3 // Quản trị viên, Ban TĐKT Trung ương (CENTRAL_ADMIN)
	OtherClerk   = 4 // Văn thư, UBND tỉnh Tuyên Quang (UNIT_CLERK)
	Anonymous    = -1
	pageDeadline = 20 * time.Second
)

// screenTest is the checks of one screen, run as a subtest of
// TestDashboard.
type screenTest struct {
	name string
	run  func(t *testing.T, s *site)
}

var screenTests []screenTest

// register adds a screen's checks; call it from an init function.
func register(name string, run func(t *testing.T, s *site)) {
	screenTests = append(screenTests, screenTest{name, run})
}

// site is the running system and the browser.
type site struct {
	*stacktest.Stack
	browser context.Context // the chromium process; each person gets a browser context of it

	mu     sync.Mutex
	timing []pageTime
}

// pageTime is how long a page took to load in the browser.
type pageTime struct {
	Path     string
	Load     time.Duration // navigation start to the load event
	Transfer int64         // bytes over the wire: the page and what it loaded
}

//go:embed testdata/axe-core/axe.min.js
var axeSource string

const axeSHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"

// chromium finds the browser: TDKT_CHROMIUM, else Debian's.
func chromium() string {
	if p := os.Getenv("TDKT_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	return ""
}

// TestDashboard starts the system with the demo and chromium, and runs
// every screen's checks, then prints how long each page took.
func TestDashboard(t *testing.T) {
	sum := sha256.Sum256([]byte(axeSource))
	require.Equal(t, axeSHA256, hex.EncodeToString(sum[:]), "testdata/axe-core/axe.min.js is not the pinned axe-core")
	bin := chromium()
	if bin == "" {
		if os.Getenv("TDKT_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("chromium is required (TDKT_TEST_REQUIRE_SERVICES=1): apt-get install chromium, or set TDKT_CHROMIUM")
		}
		t.Skip("no chromium: apt-get install chromium, or set TDKT_CHROMIUM")
	}
	s := &site{Stack: stacktest.Start(t, func(o *stack.Options) { o.DevIssuer.People = demo.People })}
	_, err := demo.Load(t.Context(), demo.Clients{Blocs: s.Blocs, Honours: s.Honours, Movements: s.Movements, Nominations: s.Nominations})
	require.NoError(t, err, "load the demo")

	alloc, cancelAlloc := chromedp.NewExecAllocator(t.Context(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1366, 768), chromedp.UserDataDir(t.TempDir()))...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	require.NoError(t, chromedp.Do(browser), "start chromium")
	s.browser = browser

	for _, st := range screenTests {
		t.Run(st.name, func(t *testing.T) { st.run(t, s) })
	}

	printTimes(t, s.timing)
}

// printTimes prints, per page, how many times it was loaded and its
// median and slowest load, slowest first.
func printTimes(t *testing.T, times []pageTime) {
	byPath := map[string][]pageTime{}
	for _, p := range times {
		path, _, _ := strings.Cut(p.Path, "?")
		byPath[path] = append(byPath[path], p)
	}
	type row struct {
		path        string
		n           int
		median, max time.Duration
		transfer    int64
	}
	var rows []row
	for path, ts := range byPath {
		slices.SortFunc(ts, func(a, b pageTime) int { return cmp.Compare(a.Load, b.Load) })
		rows = append(rows, row{path, len(ts), ts[len(ts)/2].Load, ts[len(ts)-1].Load, ts[len(ts)-1].Transfer})
	}
	slices.SortFunc(rows, func(a, b row) int { return cmp.Compare(b.max, a.max) })
	t.Log("page loads in chromium, navigation start to load event (slowest first):")
	t.Logf("  %-50s %5s %10s %10s %10s", "page", "loads", "median ms", "max ms", "bytes")
	for _, r := range rows {
		t.Logf("  %-50s %5d %10.0f %10.0f %10d", r.path, r.n, ms(r.median), ms(r.max), r.transfer)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// page is one person's browser tab.
type page struct {
	s      *site
	ctx    context.Context
	person int
}

// as opens a browser context of its own (its own cookies) for person,
// signed in through the dev issuer's page; Anonymous stays signed out.
func (s *site) as(t *testing.T, person int) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(s.browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(ctx), "open a tab") // the tab lives as long as the context of its first run
	p := &page{s: s, ctx: ctx, person: person}
	if person == Anonymous {
		return p
	}
	want := demo.People[person].Name
	button := fmt.Sprintf(`button[name="person"][value="%d"]`, person)
	p.run(t, chromedp.Navigate(s.BaseURL+"/login?back=/"), chromedp.WaitVisible(chromedp.CSS(button)))
	p.submit(t, button)
	require.Equal(t, want, p.text(t, ".person"), "signed in as %s", want)
	return p
}

// run runs actions in the tab, failing the test on error or after
// pageDeadline.
func (p *page) run(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	_ = value(t, p, chromedp.Steps(actions...))
}

// value runs one action in the tab and returns its value.
func value[T any](t *testing.T, p *page, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, pageDeadline)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err)
	return v
}

// open loads path, checks it answered 200, times it, runs axe-core on it
// (no serious or critical violation) and returns the page.
func (p *page) open(t *testing.T, path string) *page {
	t.Helper()
	p.run(t, chromedp.Navigate(p.s.BaseURL+path), chromedp.WaitReady(chromedp.CSS("main")))
	p.check(t, path)
	return p
}

// check times the page now shown, and runs axe-core on it.
func (p *page) check(t *testing.T, path string) {
	t.Helper()
	type navTiming struct {
		Start, Load, Transfer float64
	}
	nav := eval[navTiming](t, p, `(() => { const n = performance.getEntriesByType('navigation')[0];
		const r = performance.getEntriesByType('resource').reduce((a, e) => a + e.transferSize, 0);
		return {Start: n.startTime, Load: n.loadEventEnd || performance.now(), Transfer: n.transferSize + r}; })()`)
	p.s.mu.Lock()
	p.s.timing = append(p.s.timing, pageTime{Path: path, Load: time.Duration((nav.Load - nav.Start) * float64(time.Millisecond)), Transfer: int64(nav.Transfer)})
	p.s.mu.Unlock()
	p.axe(t, path)
	overflow := eval[int](t, p, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
	assert.LessOrEqual(t, overflow, 0, "%s is wider than the window (%d px more): wrap wide tables in .scroll", path, overflow)
}

// phone makes the tab a phone's screen, 390 × 844.
func (p *page) phone(t *testing.T) {
	t.Helper()
	p.run(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
}

// axe runs axe-core in the page and fails on a serious or critical
// violation of WCAG 2.1 A or AA.
func (p *page) axe(t *testing.T, path string) {
	t.Helper()
	if !eval[bool](t, p, "typeof axe !== 'undefined'") {
		require.True(t, eval[bool](t, p, axeSource+";true"), "load axe-core")
	}
	type violation struct {
		ID, Impact, Help string
		Nodes            []struct{ Target []any }
	}
	violations := value(t, p, chromedp.Evaluate[[]violation](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, fmt.Sprint(n.Target...))
			}
			t.Errorf("axe on %s: %s (%s): %s at %s", path, v.ID, v.Impact, v.Help, strings.Join(where, ", "))
		}
	}
}

// eval evaluates js in the page as a T.
func eval[T any](t *testing.T, p *page, js string) T {
	t.Helper()
	return value(t, p, chromedp.Evaluate[T](js))
}

// text is the text of the first element matching sel, trimmed.
func (p *page) text(t *testing.T, sel string) string {
	t.Helper()
	return strings.TrimSpace(value(t, p, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)))
}

// texts are the texts of every element matching sel (none: empty).
func (p *page) texts(t *testing.T, sel string) []string {
	t.Helper()
	js, _ := json.Marshal(sel)
	return eval[[]string](t, p, fmt.Sprintf(`Array.from(document.querySelectorAll(%s)).map(e => e.textContent.trim())`, js))
}

// html is the page's HTML.
func (p *page) html(t *testing.T) string {
	t.Helper()
	return value(t, p, chromedp.OuterHTML(chromedp.CSS("html")))
}

// status is the HTTP status of the page shown.
func (p *page) status(t *testing.T) int {
	t.Helper()
	return eval[int](t, p, `performance.getEntriesByType('navigation')[0].responseStatus`)
}

// submit clicks sel, a submit button or a link, and waits until the next
// page has loaded; it then times it and runs axe-core on it, as open does.
func (p *page) submit(t *testing.T, sel string) {
	t.Helper()
	eval[bool](t, p, "window.__tdktOld = true")
	p.run(t, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	deadline := time.Now().Add(pageDeadline)
	for {
		ctx, cancel := context.WithTimeout(p.ctx, time.Second)
		fresh, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__tdktOld === undefined && document.readyState === 'complete'`))
		cancel()
		if err == nil && fresh {
			break
		}
		require.True(t, time.Now().Before(deadline), "no new page %s after clicking %s", pageDeadline, sel)
		time.Sleep(20 * time.Millisecond)
	}
	p.check(t, strings.TrimPrefix(value(t, p, chromedp.Location()), p.s.BaseURL))
}

// fill sets the value of the form field sel (an input, a select or a
// textarea).
func (p *page) fill(t *testing.T, sel, v string) {
	t.Helper()
	p.run(t, chromedp.SetValue(chromedp.CSS(sel), v))
}

// screenshot saves what the window shows (1366 × 768, or a phone's
// screen) as dir/name.jpg, JPEG of quality 85, when TDKT_SCREENSHOTS=dir.
func (p *page) screenshot(t *testing.T, name string) {
	t.Helper()
	dir := os.Getenv("TDKT_SCREENSHOTS")
	if dir == "" {
		return
	}
	jpeg := value(t, p, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		quality := int64(85)
		r, err := cdp.Call(ctx, tg, cdppage.CaptureScreenshot, cdppage.CaptureScreenshotParams{
			Format: cdppage.CaptureScreenshotFormatJpeg, Quality: &quality})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	})
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".jpg"), jpeg, 0o644))
}

// caller is the person's caller, as the dev issuer signs them in.
func caller(person int) *auth.Caller {
	if person == Anonymous {
		return auth.Anonymous
	}
	p := demo.People[person]
	return &auth.Caller{Subject: p.Subject, Method: auth.MethodBearer, Grants: p.Grants}
}

// api calls the REST API as person and decodes the JSON answer into out.
func (s *site) api(t *testing.T, person int, path string, out any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.BaseURL+path, nil)
	require.NoError(t, err)
	if person != Anonymous {
		req.Header.Set("Authorization", "Bearer "+s.Token(caller(person)))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s: %s", path, body)
	require.NoError(t, json.Unmarshal(body, out), "GET %s", path)
}
