package stack_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/genproto/googleapis/type/date"

	"github.com/tdkt-vn/tdkt/platform/cache/redistest"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// TestOneTraceAcrossTheSystem follows one REST call through the stack: the
// gateway's HTTP server span, its gRPC client span, the blocs gRPC server
// span and, under it, the SQL (and, with Redis, the cache) spans all share
// one trace, and each component reports its own service.name.
func TestOneTraceAcrossTheSystem(t *testing.T) {
	for _, tc := range []struct {
		name  string
		redis bool
	}{
		{name: "in-process cache"},
		{name: "redis", redis: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			spans := tracetest.NewSpanRecorder()
			opts := []stacktest.Option{func(o *stack.Options) { o.SpanProcessor = spans }}
			if tc.redis {
				srv := redistest.StartServer(t)
				opts = append(opts, func(o *stack.Options) { o.RedisAddr = srv.Addr() })
			}
			s := stacktest.Start(t, opts...)
			_, err := s.Blocs.CreateUnit(t.Context(), &blocsv1.CreateUnitRequest{UnitId: "bac-kan", Unit: &blocsv1.Unit{
				DisplayName: "Tỉnh Bắc Kạn", Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE,
			}})
			require.NoError(t, err)

			const path = "/v1/units/bac-kan"
			restOK(t, s.BaseURL, http.MethodGet, path, "")

			// Server spans end after the response is written: wait for them.
			require.EventuallyWithT(t, func(c *assert.CollectT) {
				root, childOf := traceOf(spans.Ended(), path)
				require.NotNil(c, root, "gateway HTTP server span")
				require.Equal(c, "tdkt-gateway", service(root))
				getUnit := func(n string) bool { return n == "tdkt.blocs.v1.BlocsService/GetUnit" }
				client := childOf(root, trace.SpanKindClient, getUnit)
				require.NotNil(c, client, "gateway gRPC client span under the HTTP span")
				require.Equal(c, "tdkt-gateway", service(client))
				server := childOf(client, trace.SpanKindServer, getUnit)
				require.NotNil(c, server, "blocs gRPC server span under the client span")
				require.Equal(c, "tdkt-blocs", service(server))
				sql := childOf(server, trace.SpanKindClient, func(n string) bool { return strings.HasPrefix(n, "sql.") })
				require.NotNil(c, sql, "SQL span under the blocs server span")
				require.Equal(c, "tdkt-blocs", service(sql))
				if tc.redis {
					// A read is one MGET (the entry and its tombstone); a
					// fill, a script that stores it unless it was
					// invalidated meanwhile.
					for what, is := range map[string]func(string) bool{"read (mget)": isCmd("mget"), "fill (script)": isCmd("evalsha", "eval")} {
						sp := childOf(server, trace.SpanKindClient, is)
						require.NotNil(c, sp, "Redis %s span under the blocs server span", what)
						require.Equal(c, "tdkt-blocs", service(sp))
					}
				}
			}, 10*time.Second, 20*time.Millisecond)
		})
	}
}

// restOK calls the gateway, with headers (name, value, …), and requires
// 200 OK.
func restOK(t *testing.T, baseURL, method, path, body string, headers ...string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, baseURL+path, strings.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// traceOf finds the gateway's HTTP server span for path among ended (nil
// when it has not ended) and returns it with a finder of the children of a
// span in its trace.
func traceOf(ended []sdktrace.ReadOnlySpan, path string) (root sdktrace.ReadOnlySpan,
	childOf func(parent sdktrace.ReadOnlySpan, kind trace.SpanKind, name func(string) bool) sdktrace.ReadOnlySpan) {
	root = find(ended, func(sp sdktrace.ReadOnlySpan) bool {
		return sp.SpanKind() == trace.SpanKindServer && !sp.Parent().IsValid() && hasAttr(sp, semconv.URLPath(path))
	})
	childOf = func(parent sdktrace.ReadOnlySpan, kind trace.SpanKind, name func(string) bool) sdktrace.ReadOnlySpan {
		if root == nil || parent == nil {
			return nil
		}
		return find(ended, func(sp sdktrace.ReadOnlySpan) bool {
			return sp.SpanContext().TraceID() == root.SpanContext().TraceID() &&
				sp.Parent().SpanID() == parent.SpanContext().SpanID() && sp.SpanKind() == kind && name(sp.Name())
		})
	}
	return root, childOf
}

func find(spans []sdktrace.ReadOnlySpan, match func(sdktrace.ReadOnlySpan) bool) sdktrace.ReadOnlySpan {
	for _, sp := range spans {
		if match(sp) {
			return sp
		}
	}
	return nil
}

func hasAttr(sp sdktrace.ReadOnlySpan, want attribute.KeyValue) bool {
	for _, kv := range sp.Attributes() {
		if kv == want {
			return true
		}
	}
	return false
}

// service is the service.name of the component that made sp.
func service(sp sdktrace.ReadOnlySpan) string {
	v, _ := sp.Resource().Set().Value(semconv.ServiceNameKey)
	return v.AsString()
}

// TestIssueTraceAcrossTheSystem issues a decision through the REST edge and
// follows the call: the gateway's spans, the honours server span and, under
// it, its call to blocs for the units (with the blocs server span), its SQL
// and its Redis spans, all in one trace.
func TestIssueTraceAcrossTheSystem(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	redis := redistest.StartServer(t)
	s := stacktest.Start(t, func(o *stack.Options) { o.SpanProcessor = spans; o.RedisAddr = redis.Addr() })
	ctx := t.Context()
	for _, u := range []*blocsv1.CreateUnitRequest{
		{UnitId: "bac-kan", Unit: &blocsv1.Unit{DisplayName: "Tỉnh Bắc Kạn", Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY,
			Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE}},
		{UnitId: "so-noi-vu-bk", Unit: &blocsv1.Unit{DisplayName: "Sở Nội vụ tỉnh Bắc Kạn", Kind: blocsv1.UnitKind_UNIT_KIND_AGENCY,
			Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, Province: "units/bac-kan"}},
	} {
		_, err := s.Blocs.CreateUnit(ctx, u)
		require.NoError(t, err)
	}
	_, err := s.Honours.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: "qd-1", Decision: &honoursv1.Decision{
		Document: &typev1.DocumentRef{Number: "946/QĐ-UBND", SignedOn: &date.Date{Year: 2023, Month: 5, Day: 31},
			SignerName: "Nguyễn Văn An", SignerTitle: "Chủ tịch", Issuer: "units/bac-kan"},
		Title: "Về việc tặng Bằng khen của Chủ tịch UBND tỉnh", Authority: "units/bac-kan",
	}})
	require.NoError(t, err)
	_, err = s.Honours.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: "decisions/qd-1", Entries: []*honoursv1.DecisionEntry{{
		Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/so-noi-vu-bk"},
		AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2022, EndYear: 2022},
	}}})
	require.NoError(t, err)

	const path = "/v1/decisions/qd-1:issue"
	restOK(t, s.BaseURL, http.MethodPost, path, `{"requestId":"3f2e1d0c-9b8a-4765-8432-10fedcba9876"}`, "Authorization", "Bearer "+s.AdminToken)

	require.EventuallyWithT(t, func(c *assert.CollectT) {
		root, childOf := traceOf(spans.Ended(), path)
		require.NotNil(c, root, "gateway HTTP server span")
		is := func(want string) func(string) bool { return func(n string) bool { return n == want } }
		const issue = "tdkt.honours.v1.HonoursService/IssueDecision"
		client := childOf(root, trace.SpanKindClient, is(issue))
		require.NotNil(c, client, "gateway gRPC client span under the HTTP span")
		server := childOf(client, trace.SpanKindServer, is(issue))
		require.NotNil(c, server, "honours gRPC server span under the client span")
		require.Equal(c, "tdkt-honours", service(server))

		const units = "tdkt.blocs.v1.BlocsService/BatchGetUnits"
		blocsClient := childOf(server, trace.SpanKindClient, is(units))
		require.NotNil(c, blocsClient, "honours' call to blocs under the honours server span")
		require.Equal(c, "tdkt-honours", service(blocsClient))
		blocsServer := childOf(blocsClient, trace.SpanKindServer, is(units))
		require.NotNil(c, blocsServer, "blocs server span under honours' call")
		require.Equal(c, "tdkt-blocs", service(blocsServer))

		sql := childOf(server, trace.SpanKindClient, func(n string) bool { return strings.HasPrefix(n, "sql.") })
		require.NotNil(c, sql, "honours SQL span under the honours server span")
		require.Equal(c, "tdkt-honours", service(sql))
		del := childOf(server, trace.SpanKindClient, isCmd("evalsha", "eval"))
		require.NotNil(c, del, "Redis invalidation (the statistics generation) under the honours server span")
		require.Equal(c, "tdkt-honours", service(del))
	}, 10*time.Second, 20*time.Millisecond)
}

// isCmd matches the spans of the Redis commands names.
func isCmd(names ...string) func(string) bool {
	return func(n string) bool { return slices.Contains(names, n) }
}

// TestExemplarHonoursTraceAcrossTheSystem links an exemplar to three
// honours through the REST edge: the gateway's spans, the movements server
// span and, under it, exactly one call to honours (BatchGetHonours, with
// the honours server span), movements' SQL and its Redis spans, all in one
// trace.
func TestExemplarHonoursTraceAcrossTheSystem(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	redis := redistest.StartServer(t)
	s := stacktest.Start(t, func(o *stack.Options) { o.SpanProcessor = spans; o.RedisAddr = redis.Addr() })
	ctx := t.Context()
	_, err := s.Blocs.CreateUnit(ctx, &blocsv1.CreateUnitRequest{UnitId: "thai-nguyen", Unit: &blocsv1.Unit{
		DisplayName: "Tỉnh Thái Nguyên", Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE}})
	require.NoError(t, err)
	var entries []*honoursv1.DecisionEntry
	for _, id := range []string{"xa-a", "xa-b", "xa-c"} {
		_, err := s.Blocs.CreateUnit(ctx, &blocsv1.CreateUnitRequest{UnitId: id, Unit: &blocsv1.Unit{DisplayName: "Xã " + id,
			Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE, Province: "units/thai-nguyen"}})
		require.NoError(t, err)
		entries = append(entries, &honoursv1.DecisionEntry{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + id},
			AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: 2022, EndYear: 2022}})
	}
	doc := &typev1.DocumentRef{Number: "25/QĐ-UBND", SignedOn: &date.Date{Year: 2022, Month: 1, Day: 5},
		SignerName: "Trịnh Việt Hùng", SignerTitle: "Chủ tịch", Issuer: "units/thai-nguyen"}
	_, err = s.Honours.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: "qd-25", Decision: &honoursv1.Decision{
		Document: doc, Title: "Về việc tặng Bằng khen của Chủ tịch UBND tỉnh", Authority: "units/thai-nguyen"}})
	require.NoError(t, err)
	_, err = s.Honours.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: "decisions/qd-25", Entries: entries})
	require.NoError(t, err)
	_, err = s.Honours.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: "decisions/qd-25"})
	require.NoError(t, err)
	issued, err := s.Honours.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: "decisions/qd-25"})
	require.NoError(t, err)
	var honours []string
	for _, e := range issued.GetEntries() {
		honours = append(honours, `"`+e.GetHonour()+`"`)
	}
	_, err = s.Movements.CreateMovement(ctx, &movementsv1.CreateMovementRequest{MovementId: "ntm", Movement: &movementsv1.Movement{
		Title: "Thái Nguyên chung sức xây dựng nông thôn mới", Kind: movementsv1.MovementKind_MOVEMENT_KIND_THEMATIC,
		LaunchedBy: "units/thai-nguyen", LaunchDocument: &typev1.DocumentRef{Number: "11-CT/TU", SignedOn: &date.Date{Year: 2016, Month: 3, Day: 1},
			Issuer: "units/thai-nguyen"},
		Period: &typev1.DateRange{StartDate: &date.Date{Year: 2016, Month: 1, Day: 1}, EndDate: &date.Date{Year: 2020, Month: 12, Day: 31}}}})
	require.NoError(t, err)

	const path = "/v1/movements/ntm/exemplars"
	restOK(t, s.BaseURL, http.MethodPost, path, `{"recipient":{"kind":"RECIPIENT_KIND_COLLECTIVE","unit":"units/xa-a"},`+
		`"field":"Nông nghiệp","model":"Dồn điền đổi thửa","honours":[`+strings.Join(honours, ",")+`]}`,
		"Authorization", "Bearer "+s.AdminToken)

	require.EventuallyWithT(t, func(c *assert.CollectT) {
		root, childOf := traceOf(spans.Ended(), path)
		require.NotNil(c, root, "gateway HTTP server span")
		is := func(want string) func(string) bool { return func(n string) bool { return n == want } }
		const create = "tdkt.movements.v1.MovementsService/CreateExemplar"
		client := childOf(root, trace.SpanKindClient, is(create))
		require.NotNil(c, client, "gateway gRPC client span under the HTTP span")
		server := childOf(client, trace.SpanKindServer, is(create))
		require.NotNil(c, server, "movements gRPC server span under the client span")
		require.Equal(c, "tdkt-movements", service(server))

		const batch = "tdkt.honours.v1.HonoursService/BatchGetHonours"
		var calls []sdktrace.ReadOnlySpan
		for _, sp := range spans.Ended() {
			if sp.SpanContext().TraceID() == server.SpanContext().TraceID() && strings.HasPrefix(sp.Name(), "tdkt.honours.") &&
				sp.SpanKind() == trace.SpanKindClient {
				calls = append(calls, sp)
			}
		}
		require.Len(c, calls, 1, "a single call to honours for three honours")
		require.Equal(c, batch, calls[0].Name())
		require.Equal(c, server.SpanContext().SpanID(), calls[0].Parent().SpanID(), "under the movements server span")
		require.Equal(c, "tdkt-movements", service(calls[0]))
		honoursServer := childOf(calls[0], trace.SpanKindServer, is(batch))
		require.NotNil(c, honoursServer, "honours server span under movements' call")
		require.Equal(c, "tdkt-honours", service(honoursServer))

		sql := childOf(server, trace.SpanKindClient, func(n string) bool { return strings.HasPrefix(n, "sql.") })
		require.NotNil(c, sql, "movements SQL span under the movements server span")
		require.Equal(c, "tdkt-movements", service(sql))
		cached := childOf(server, trace.SpanKindClient, isCmd("evalsha", "eval", "del", "unlink"))
		require.NotNil(c, cached, "Redis invalidation of the movement's report under the movements server span")
		require.Equal(c, "tdkt-movements", service(cached))
	}, 10*time.Second, 20*time.Millisecond)
}
