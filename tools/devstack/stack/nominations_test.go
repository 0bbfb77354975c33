package stack_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/cache/redistest"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// rest calls the gateway as the bearer of token and decodes a 200 answer
// into out (nil: ignored).
func rest(t *testing.T, base, token, method, path string, body, out any) {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	r := call(t, method, base+path, strings.NewReader(string(b)), "Authorization", "Bearer "+token)
	require.Equal(t, http.StatusOK, r.status, "%s %s: %s", method, path, r.body)
	if out != nil {
		require.NoError(t, json.Unmarshal(r.body, out), "%s", r.body)
	}
}

// spansOf returns the ended spans of the trace whose gateway HTTP span
// served path, and that root.
func spansOf(spans *tracetest.SpanRecorder, path string) (sdktrace.ReadOnlySpan, []sdktrace.ReadOnlySpan) {
	root, _ := traceOf(spans.Ended(), path)
	if root == nil {
		return nil, nil
	}
	var out []sdktrace.ReadOnlySpan
	for _, sp := range spans.Ended() {
		if sp.SpanContext().TraceID() == root.SpanContext().TraceID() {
			out = append(out, sp)
		}
	}
	return root, out
}

// count counts the spans of kind named name, by service.
func count(spans []sdktrace.ReadOnlySpan, kind trace.SpanKind, name func(string) bool, svc string) int {
	n := 0
	for _, sp := range spans {
		if sp.SpanKind() == kind && name(sp.Name()) && service(sp) == svc {
			n++
		}
	}
	return n
}

// TestNominationPathOverREST walks a batch through the REST edge as the
// people who work on it would: a clerk of Sở Giáo dục creates it with
// 1,000 nominations and submits it (its eligibility evaluated with exactly
// one BatchGetRecipientHistory span in the trace of the submission); the
// province's board officer appraises, its council member records the
// vote, the officer publishes, approves and confers two of them. The
// conferral's trace crosses gateway → nominations → honours with SQL and
// cache spans on both sides; the register then holds the two honours with
// the legal money, and the nominations point at them.
func TestNominationPathOverREST(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	redis := redistest.StartServer(t)
	s := stacktest.Start(t, func(o *stack.Options) { o.SpanProcessor = spans; o.RedisAddr = redis.Addr() })
	ctx := t.Context()
	for _, u := range []*blocsv1.CreateUnitRequest{
		{UnitId: "thai-nguyen", Unit: &blocsv1.Unit{DisplayName: "Tỉnh Thái Nguyên", Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY,
			Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE}},
		{UnitId: "so-gd-tn", Unit: &blocsv1.Unit{DisplayName: "Sở Giáo dục và Đào tạo tỉnh Thái Nguyên", Kind: blocsv1.UnitKind_UNIT_KIND_AGENCY,
			Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, Province: "units/thai-nguyen"}},
	} {
		_, err := s.Blocs.CreateUnit(ctx, u)
		require.NoError(t, err)
	}
	token := func(subject, unit string, role auth.Role) string {
		return s.Issuer.Token(&auth.Caller{Subject: subject, Method: auth.MethodBearer,
			Grants: []auth.Grant{{Unit: unit, Roles: []auth.Role{role}}}}, 0)
	}
	clerk := token("van-thu-so-gd", "so-gd-tn", auth.UnitClerk)
	officer := token("chuyen-vien-ban-tdkt", "thai-nguyen", auth.BoardOfficer)
	member := token("uy-vien-hoi-dong", "thai-nguyen", auth.CouncilMember)
	base := s.BaseURL

	// The clerk: a batch of 1,000 teachers, submitted.
	rest(t, base, clerk, http.MethodPost, "/v1/batches?batchId=gd-2024", map[string]any{
		"proposer": "units/so-gd-tn", "authority": "units/thai-nguyen",
		"title": "Tờ trình đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm học 2023–2024"}, nil)
	var reqs []any
	for i := range 1000 {
		reqs = append(reqs, map[string]any{"nominationId": fmt.Sprintf("gv-%04d", i), "nomination": map[string]any{
			"recipient": map[string]any{"kind": "RECIPIENT_KIND_INDIVIDUAL", "fullName": fmt.Sprintf("Giáo viên Số %d", i),
				"birthYear": 1985, "unit": "units/so-gd-tn", "position": "Giáo viên"},
			"awardType": "awardTypes/BK_TINH", "period": map[string]int{"startYear": 2024, "endYear": 2024},
			"achievements": "Hoàn thành xuất sắc nhiệm vụ năm học 2023–2024",
		}})
	}
	rest(t, base, clerk, http.MethodPost, "/v1/batches/gd-2024/nominations:batchCreate", map[string]any{"requests": reqs}, nil)
	const submit = "/v1/batches/gd-2024:submit"
	rest(t, base, clerk, http.MethodPost, submit, map[string]any{}, nil)
	history := func(n string) bool { return n == "tdkt.honours.v1.HonoursService/BatchGetRecipientHistory" }
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		root, inTrace := spansOf(spans, submit)
		require.NotNil(c, root)
		assert.Equal(c, 1, count(inTrace, trace.SpanKindClient, history, "tdkt-nominations"), "one history call for 1,000 nominations")
		assert.Equal(c, 1, count(inTrace, trace.SpanKindServer, history, "tdkt-honours"))
	}, 10*time.Second, 20*time.Millisecond)

	// The clerk may not appraise: the authority's officers do.
	r := call(t, http.MethodPost, base+"/v1/batches/gd-2024/nominations/gv-0000:appraise", strings.NewReader("{}"),
		"Authorization", "Bearer "+clerk)
	require.Equal(t, http.StatusForbidden, r.status, "%s", r.body)

	members := []any{}
	for _, name := range []string{"Trịnh Việt Hùng", "Nguyễn Huy Dũng", "Đặng Xuân Trường", "Phạm Hoàng Sơn", "Nguyễn Thanh Bình"} {
		members = append(members, map[string]any{"fullName": name, "present": true})
	}
	today := time.Now().In(time.FixedZone("ICT", 7*3600))
	vote := map[string]any{"vote": map[string]any{"members": members, "yes": 5,
		"heldOn": map[string]int{"year": today.Year(), "month": int(today.Month()), "day": today.Day()}}}
	for _, id := range []string{"gv-0000", "gv-0001"} {
		path := "/v1/batches/gd-2024/nominations/" + id
		rest(t, base, officer, http.MethodPost, path+":appraise", map[string]any{}, nil)
		rest(t, base, member, http.MethodPost, path+":recordVote", vote, nil)
		rest(t, base, officer, http.MethodPost, path+":publish", map[string]any{}, nil)
		rest(t, base, officer, http.MethodPost, path+":approve", map[string]any{"overrideReason": "Hội đồng đã xác minh thành tích"}, nil)
	}

	const confer = "/v1/batches/gd-2024:confer"
	var batch struct {
		State    string `json:"state"`
		Decision string `json:"decision"`
	}
	rest(t, base, officer, http.MethodPost, confer, map[string]any{"requestId": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
		"title": "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho các cá nhân có thành tích xuất sắc",
		"document": map[string]any{"number": "15/QĐ-UBND", "signedOn": map[string]int{"year": 2025, "month": 1, "day": 6},
			"signerName": "Trịnh Việt Hùng", "signerTitle": "Chủ tịch", "issuer": "units/thai-nguyen"}}, &batch)
	require.Equal(t, "BATCH_STATE_CLOSED", batch.State)

	for _, id := range []string{"gv-0000", "gv-0001"} {
		var n struct {
			State  string `json:"state"`
			Honour string `json:"honour"`
		}
		rest(t, base, clerk, http.MethodGet, "/v1/batches/gd-2024/nominations/"+id, nil, &n)
		require.Equal(t, "NOMINATION_STATE_CONFERRED", n.State)
		h, err := s.Honours.GetHonour(ctx, &honoursv1.GetHonourRequest{Name: n.Honour})
		require.NoError(t, err)
		require.Equal(t, batch.Decision, h.GetDecision())
		require.EqualValues(t, 2_340_000, h.GetRewardVnd(), "an individual's Bằng khen: 1.0 × the base salary of January 2025")
	}

	is := func(want string) func(string) bool { return func(n string) bool { return n == want } }
	sql := func(n string) bool { return strings.HasPrefix(n, "sql.") }
	redisCmd := isCmd("evalsha", "eval", "del", "unlink", "get", "set")
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		root, childOf := traceOf(spans.Ended(), confer)
		require.NotNil(c, root, "gateway HTTP server span")
		const method = "tdkt.nominations.v1.NominationsService/ConferBatch"
		client := childOf(root, trace.SpanKindClient, is(method))
		require.NotNil(c, client)
		server := childOf(client, trace.SpanKindServer, is(method))
		require.NotNil(c, server)
		require.Equal(c, "tdkt-nominations", service(server))
		require.NotNil(c, childOf(server, trace.SpanKindClient, sql), "nominations' SQL")
		require.NotNil(c, childOf(server, trace.SpanKindClient, redisCmd), "nominations' cache")
		for _, step := range []string{"CreateDecision", "AddDecisionEntries", "IssueDecision", "ListDecisionEntries"} {
			name := "tdkt.honours.v1.HonoursService/" + step
			out := childOf(server, trace.SpanKindClient, is(name))
			require.NotNil(c, out, "nominations calls honours' %s", step)
			require.NotNil(c, childOf(out, trace.SpanKindServer, is(name)), "honours serves %s", step)
		}
		issue := childOf(childOf(server, trace.SpanKindClient, is("tdkt.honours.v1.HonoursService/IssueDecision")),
			trace.SpanKindServer, is("tdkt.honours.v1.HonoursService/IssueDecision"))
		require.NotNil(c, childOf(issue, trace.SpanKindClient, sql), "honours' SQL")
		require.NotNil(c, childOf(issue, trace.SpanKindClient, redisCmd), "honours' cache")
	}, 10*time.Second, 20*time.Millisecond)
}

// TestDemoNominations loads the demo twice: its batches of this year hold
// a nomination in every state of the workflow, the conferred one with its
// honour in the register; the Chiến sĩ thi đua cấp tỉnh nominations FAIL
// on R3 (no Chiến sĩ thi đua cơ sở on the register); the second load
// changes nothing. The two received on paper 60 days before are overdue.
func TestDemoNominations(t *testing.T) {
	s := stacktest.Start(t)
	ctx := t.Context()
	clients := demo.Clients{Blocs: s.Blocs, Honours: s.Honours, Movements: s.Movements, Nominations: s.Nominations}
	_, err := demo.Load(ctx, clients)
	require.NoError(t, err)
	all := func() *nominationsv1.ListNominationsResponse {
		t.Helper()
		l, err := s.Nominations.ListNominations(ctx, &nominationsv1.ListNominationsRequest{Parent: "batches/-", PageSize: 1000})
		require.NoError(t, err)
		return l
	}
	first := all()
	states := map[nominationsv1.NominationState]int{}
	for _, n := range first.GetNominations() {
		states[n.GetState()]++
		switch {
		case strings.HasPrefix(n.GetName(), demo.BacKan2023Batch+"/"):
			require.Equal(t, nominationsv1.NominationState_NOMINATION_STATE_CONFERRED, n.GetState()) // the rest: TestDemoBacKan2023
		case n.GetState() == nominationsv1.NominationState_NOMINATION_STATE_CONFERRED:
			h, err := s.Honours.GetHonour(ctx, &honoursv1.GetHonourRequest{Name: n.GetHonour()})
			require.NoError(t, err)
			require.Equal(t, "units/thai-nguyen-van-phong-ubnd", h.GetRecipient().GetUnit())
		case n.GetAwardType() == "awardTypes/CSTD_TINH":
			require.Equal(t, nominationsv1.Outcome_OUTCOME_FAIL, n.GetEligibility().GetOutcome())
		}
	}
	for st := nominationsv1.NominationState_NOMINATION_STATE_DRAFT; st <= nominationsv1.NominationState_NOMINATION_STATE_WITHDRAWN; st++ {
		require.Positive(t, states[st], "a nomination %s", st)
	}
	late, err := s.Nominations.ListNominations(ctx, &nominationsv1.ListNominationsRequest{Parent: "batches/-", Overdue: true})
	require.NoError(t, err)
	require.Len(t, late.GetNominations(), 2, "the dossier received on paper 60 days ago is past its appraisal's limit")

	_, err = demo.Load(ctx, clients)
	require.NoError(t, err)
	require.True(t, proto.Equal(first, all()), "the second load changes nothing")
}
