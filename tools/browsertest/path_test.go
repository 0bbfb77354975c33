package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() { register("path", testPath) }

// testPath walks a nomination's whole path through the dashboard: a
// clerk of the Sở Nội vụ creates a batch, adds a nomination and submits
// it; a clerk of another province sees none of it; the province's officer
// appraises it, the council member records the vote, the officer
// publishes, approves and confers it with a decision, whose page and PDF
// the nomination then links to. On the way, a clerk gets no appraise
// button, and a forged appraisal is refused with the service's words.
func testPath(t *testing.T, s *site) {
	batchID := fmt.Sprintf("duong-di-%d", time.Now().UnixNano()%1_000_000_000)
	batch := "batches/" + batchID
	title := "Tờ trình đề nghị tặng Bằng khen (kiểm thử " + batchID + ")"
	nominee := "Trần Thị Bích Ngọc " + batchID[len(batchID)-4:]

	// The clerk creates the batch through the form.
	clerk := s.as(t, Clerk)
	clerk.open(t, "/batches/new")
	clerk.fill(t, "#b-proposer", "units/thai-nguyen-so-noi-vu")
	clerk.fill(t, "#b-authority", "units/thai-nguyen")
	clerk.fill(t, "#b-title", title)
	clerk.fill(t, "#b-id", batchID)
	clerk.submit(t, "#create-batch")
	require.Equal(t, 200, clerk.status(t), clerk.pageError(t))
	require.Equal(t, "/"+batch, clerk.path(t))
	assert.Equal(t, "Đang soạn", clerk.text(t, `[data-figure="batch-state"]`))

	// … adds a nomination for a person …
	clerk.fill(t, "#n-kind", "INDIVIDUAL")
	clerk.fill(t, "#n-name", nominee)
	clerk.fill(t, "#n-gender", "FEMALE")
	clerk.fill(t, "#n-birth", "1982")
	clerk.fill(t, "#n-position", "Trưởng phòng Công chức, viên chức")
	clerk.fill(t, "#n-unit", "units/thai-nguyen-so-noi-vu")
	clerk.fill(t, "#n-award", "awardTypes/BK_TINH")
	clerk.fill(t, "#n-achievements", "Hoàn thành xuất sắc nhiệm vụ, chủ trì sắp xếp tổ chức bộ máy của tỉnh")
	clerk.submit(t, "#add-nomination")
	require.Equal(t, 200, clerk.status(t), clerk.pageError(t))
	nomination := strings.TrimPrefix(clerk.path(t), "/")
	require.True(t, strings.HasPrefix(nomination, batch+"/nominations/"), "the nomination's page: %s", nomination)
	assert.Equal(t, nominee, clerk.text(t, `[data-figure="recipient"]`))
	assert.Equal(t, "NOMINATION_STATE_DRAFT", clerk.stateOf(t))

	// The clerk of Tuyên Quang sees neither the draft nor its batch.
	testPathHidden(t, s, batch, nomination, title, nominee)

	// … and submits the batch.
	clerk.open(t, "/"+batch)
	clerk.submit(t, "#submit-batch")
	require.Equal(t, 200, clerk.status(t), clerk.pageError(t))
	assert.Equal(t, "Đã trình cấp quyết định", clerk.text(t, `[data-figure="batch-state"]`))

	// The clerk may not appraise: no button, and a forged POST is refused
	// by the service, shown on a page (403), never a fault.
	clerk.open(t, "/"+nomination)
	assert.Equal(t, "NOMINATION_STATE_SUBMITTED", clerk.stateOf(t))
	assert.Equal(t, 0, eval[int](t, clerk, `document.querySelectorAll('#act-appraise').length`), "a clerk sees no appraise button")
	clerk.forge(t, "/"+nomination+"/appraise")
	assert.Equal(t, 403, clerk.status(t), "a forged appraisal")
	assert.Contains(t, clerk.text(t, ".error"), "BOARD_OFFICER", "the service's refusal is shown")

	// The officer finds it in the worklist and appraises it.
	officer := s.as(t, Officer)
	officer.open(t, "/worklist")
	officer.submit(t, `#appraise a[href="/`+nomination+`"]`)
	officer.submit(t, "#act-appraise")
	require.Equal(t, 200, officer.status(t), officer.pageError(t))
	assert.Equal(t, "NOMINATION_STATE_APPRAISED", officer.stateOf(t))
	assert.Equal(t, 0, eval[int](t, officer, `document.querySelectorAll('#act-publish').length`), "no publication before a vote")

	// The council member records the vote.
	council := s.as(t, Council)
	council.open(t, "/worklist")
	council.submit(t, `#votes a[href="/`+nomination+`"]`)
	council.fill(t, "#v-members", "Trịnh Việt Hùng\nNguyễn Huy Dũng\nĐặng Xuân Trường\nPhạm Hoàng Sơn\nNguyễn Thanh Bình\nLê Quang Tiến\nVũ Duy Hưng; units/thai-nguyen; ; vắng")
	council.fill(t, "#v-yes", "7")
	council.submit(t, "#act-vote")
	require.Equal(t, 200, council.status(t), council.pageError(t))
	assert.Equal(t, "Đạt", council.text(t, `[data-figure="vote-passed"]`))
	assert.Equal(t, "7", council.text(t, `[data-figure="vote-members"]`))

	// The officer publishes and approves it (Bằng khen has no comment
	// window: it may be approved the day it is published).
	officer.open(t, "/"+nomination)
	officer.submit(t, "#act-publish")
	require.Equal(t, 200, officer.status(t), officer.pageError(t))
	assert.Equal(t, "NOMINATION_STATE_PUBLISHED", officer.stateOf(t))
	if eval[int](t, officer, `document.querySelectorAll('#a-override').length`) > 0 {
		officer.fill(t, "#a-override", "Hội đồng xét thành tích đột xuất trong sắp xếp bộ máy")
	}
	officer.submit(t, "#act-approve")
	require.Equal(t, 200, officer.status(t), officer.pageError(t))
	assert.Equal(t, "NOMINATION_STATE_APPROVED", officer.stateOf(t))

	// … and confers the batch with its decision.
	officer.open(t, "/worklist")
	officer.submit(t, `#confer a[href="/`+batch+`"]`)
	number := fmt.Sprintf("%d/QĐ-UBND", 2000+time.Now().Nanosecond()%7000)
	officer.fill(t, "#c-number", number)
	officer.fill(t, "#c-signer", "Trịnh Việt Hùng")
	officer.fill(t, "#c-title", "Chủ tịch")
	officer.fill(t, "#c-dtitle", "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh ("+batchID+")")
	officer.submit(t, "#confer-batch")
	require.Equal(t, 200, officer.status(t), officer.pageError(t))

	// The nomination is conferred and links to its decision.
	officer.open(t, "/"+nomination)
	assert.Equal(t, "NOMINATION_STATE_CONFERRED", officer.stateOf(t))
	var n struct{ Honour string }
	s.api(t, Officer, "/v1/"+nomination, &n)
	require.NotEmpty(t, n.Honour, "the nomination's honour")
	var h struct{ Decision string }
	s.api(t, Officer, "/v1/"+n.Honour, &h)
	require.NotEmpty(t, h.Decision)
	link := eval[string](t, officer, `document.querySelector('#decision-link').getAttribute('href')`)
	assert.Equal(t, "/"+h.Decision, link, "the nomination links to its decision's page")
	assert.Contains(t, officer.text(t, "#decision-link"), number)

	// The decision's page, and its PDF fetched in the browser.
	officer.submit(t, "#decision-link")
	assert.Equal(t, 200, officer.status(t), "the decision's page %s", link)
	testPathPDF(t, s, link)

	testPathNominationPage(t, s)
}

// testPathPDF fetches the decision's PDF in the browser, as the officer,
// from the decision's page. The dashboard's Content Security Policy lets
// no script of a page fetch anything, so this tab bypasses it.
func testPathPDF(t *testing.T, s *site, decision string) {
	p := s.as(t, Officer)
	p.run(t, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, cdppage.SetBypassCSP, cdppage.SetBypassCSPParams{Enabled: true})
		return chromedp.Void{}, err
	})
	p.open(t, decision)
	type fetched struct {
		Status int
		Type   string
		Head   string
	}
	pdf := value(t, p, chromedp.Evaluate[fetched](`fetch('`+decision+`/pdf').then(async r => ({Status: r.status,
		Type: r.headers.get('content-type') || '', Head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))}))`, chromedp.EvalAwaitPromise))
	assert.Equal(t, 200, pdf.Status, "GET %s/pdf", decision)
	assert.True(t, strings.HasPrefix(pdf.Type, "application/pdf"), "content type %q", pdf.Type)
	assert.Equal(t, "%PDF-", pdf.Head)
}

// testPathHidden checks that the clerk of another province sees neither
// the batch nor its draft: not in the worklist, the batches, the
// overview's counts, nor by its address.
func testPathHidden(t *testing.T, s *site, batch, nomination, title, nominee string) {
	other := s.as(t, OtherClerk)
	for _, path := range []string{"/worklist", "/batches", "/"} {
		other.open(t, path)
		html := other.html(t)
		assert.NotContains(t, html, batch, "%s as another province's clerk", path)
		assert.NotContains(t, html, title, "%s as another province's clerk", path)
		assert.NotContains(t, html, nominee, "%s as another province's clerk", path)
	}
	other.open(t, "/")
	noms := s.listAll(t, OtherClerk, "/v1/batches/-/nominations", "nominations")
	for _, n := range noms {
		assert.NotEqual(t, nomination, n["name"], "the API hides the draft")
	}
	assert.Equal(t, num(len(noms)), other.text(t, `[data-figure="nominations"]`), "the overview counts what the API shows")
	for _, path := range []string{"/" + batch, "/" + nomination} {
		other.open(t, path)
		assert.Contains(t, []int{403, 404}, other.status(t), "%s as another province's clerk", path)
		assert.NotContains(t, other.html(t), nominee)
	}
}

// testPathNominationPage checks a demo nomination's page against the API:
// Chiến sĩ thi đua cấp tỉnh for Hoàng Thị Lan, whose report FAILs (no
// Chiến sĩ thi đua cơ sở on the register), with its timeline.
func testPathNominationPage(t *testing.T, s *site) {
	name := fmt.Sprintf("batches/thai-nguyen-so-tai-chinh-cstd-tinh-%d/nominations/hoang-thi-lan", time.Now().Year())
	var n struct {
		Eligibility struct {
			Outcome string
			Lines   []struct{ Rule, Outcome, Reason, Message string }
		}
		History []map[string]any
	}
	s.api(t, Officer, "/v1/"+name, &n)
	p := s.as(t, Officer)
	p.open(t, "/"+name)
	require.Equal(t, 200, p.status(t), p.pageError(t))
	p.screenshot(t, "nomination")
	assert.Equal(t, "OUTCOME_FAIL", n.Eligibility.Outcome)
	assert.Equal(t, "KHÔNG ĐẠT", p.text(t, `[data-figure="eligibility"]`))
	outcomes := eval[[]string](t, p, `Array.from(document.querySelectorAll('#eligibility td[data-outcome]')).map(e => e.dataset.outcome)`)
	reasons := p.texts(t, "#eligibility tbody code")
	messages := p.texts(t, "#eligibility tbody td:last-child")
	require.Len(t, outcomes, len(n.Eligibility.Lines))
	for i, l := range n.Eligibility.Lines {
		assert.Equal(t, l.Outcome, outcomes[i], "line %s", l.Rule)
		assert.Equal(t, l.Reason, reasons[i], "line %s", l.Rule)
		assert.Equal(t, l.Message, messages[i], "line %s", l.Rule)
	}
	assert.Contains(t, outcomes, "OUTCOME_FAIL")
	assert.Len(t, p.texts(t, "#timeline tbody tr"), len(n.History), "one row per transition")
}

// stateOf is the state the nomination page shows, as its enum name.
func (p *page) stateOf(t *testing.T) string {
	t.Helper()
	return eval[string](t, p, `(document.querySelector('[data-figure="state"]') || {dataset: {}}).dataset.state || ''`)
}

// path is the address of the page shown, without the site.
func (p *page) path(t *testing.T) string {
	t.Helper()
	return eval[string](t, p, `location.pathname`)
}

// pageError is the error message the page shows, if any, for failure
// messages.
func (p *page) pageError(t *testing.T) string {
	t.Helper()
	return eval[string](t, p, `(document.querySelector('.error') || {textContent: ''}).textContent`)
}

// forge posts an empty form with the page's CSRF token to action, as a
// hand-made request would, and waits for the answer.
func (p *page) forge(t *testing.T, action string) {
	t.Helper()
	eval[bool](t, p, `(() => { const f = document.createElement('form'); f.method = 'post'; f.action = '`+action+`';
		const c = document.createElement('input'); c.type = 'hidden'; c.name = 'csrf';
		c.value = document.querySelector('input[name=csrf]').value; f.appendChild(c);
		const b = document.createElement('button'); b.type = 'submit'; b.id = 'forged'; b.textContent = 'forge'; f.appendChild(b);
		document.querySelector('main').appendChild(f); return true; })()`)
	p.submit(t, "#forged")
}
