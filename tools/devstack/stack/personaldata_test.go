package stack_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tdkt-vn/tdkt/platform/telemetry/telemetrytest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/cache/redistest"
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// TestDemoLeaksNoCitizenID runs the demo and then a full decision flow with
// citizen ids through the whole system, over gRPC and REST: a province's
// board officer creates, fills and issues a decision, and the public, a
// viewer and a PII reader read it, its honours, its documents and the
// register. Every component caches in one Redis, exports its spans to the
// console exporter and logs down to debug. Then the logs, the spans and
// every key and value in Redis are searched for the citizen ids used:
// none is there.
func TestDemoLeaksNoCitizenID(t *testing.T) {
	ctx := t.Context()
	redisSrv := redistest.StartServer(t)
	var logs, spans telemetrytest.Buffer
	console, err := stdouttrace.New(stdouttrace.WithWriter(&spans))
	require.NoError(t, err)
	s := stacktest.Start(t, func(o *stack.Options) {
		o.RedisAddr = redisSrv.Addr()
		o.SpanProcessor = sdktrace.NewSimpleSpanProcessor(console)
		o.LogOutput = &logs
		o.LogFormat = "json"
		o.LogLevel = slog.LevelDebug
		o.Honours.PersonalData.PersonalDataKey = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{42}, 32))
	})
	_, err = demo.Load(ctx, demo.Clients{Blocs: s.Blocs, Honours: s.Honours})
	require.NoError(t, err, "the demo")

	ids := []string{"019185000123", "019179004567", "019190007788"}
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "personaldata-test-client", LogOutput: io.Discard})
	require.NoError(t, err)
	honours := func(c *auth.Caller) honoursv1.HonoursServiceClient {
		var token string
		if c != nil {
			token = s.Issuer.Token(c, 0)
		}
		conn, err := grpcclient.Dial(s.GRPCAddr("honours"), grpcclient.Options{Telemetry: tel, Token: token})
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close() })
		return honoursv1.NewHonoursServiceClient(conn)
	}
	in := func(role auth.Role) *auth.Caller {
		return &auth.Caller{Subject: "tn-" + strings.ToLower(string(role)), Method: auth.MethodBearer,
			Grants: []auth.Grant{{Unit: "thai-nguyen", Roles: []auth.Role{role}}}}
	}
	officerCaller := in(auth.BoardOfficer)
	officer, pii, viewer, public := honours(officerCaller), honours(in(auth.PIIReader)), honours(in(auth.Viewer)), honours(nil)

	person := func(name, id string, born int32) *honoursv1.DecisionEntry {
		return &honoursv1.DecisionEntry{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, FullName: name, CitizenId: id,
				BirthYear: born, Gender: typev1.Gender_GENDER_FEMALE, Position: "Chuyên viên", Unit: "units/thai-nguyen-so-noi-vu"},
			AwardType:    "awardTypes/BK_TINH",
			Period:       &typev1.Period{StartYear: 2025, EndYear: 2025},
			Achievements: "Đã có thành tích xuất sắc trong công tác năm 2025",
		}
	}
	doc := &typev1.DocumentRef{Number: "1234/QĐ-UBND", SignedOn: &date.Date{Year: 2025, Month: 12, Day: 20},
		SignerName: "Phạm Hoàng Sơn", SignerTitle: "Chủ tịch", Issuer: "units/thai-nguyen"}
	dec, err := officer.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: "qd-1234-tn", RequestId: "3e2d1c0b-4a5f-4e6d-8c7b-9a8f7e6d5c4b",
		Decision: &honoursv1.Decision{Document: doc, Title: "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
			Authority: "units/thai-nguyen", Entries: []*honoursv1.DecisionEntry{person("Đỗ Thị Thu Hà", ids[0], 1985)}}})
	require.NoError(t, err)
	// Over REST, with a request id.
	restOK(t, s.BaseURL, http.MethodPost, "/v1/"+dec.GetName()+":addEntries",
		`{"requestId": "4f3e2d1c-5b6a-4f7e-9d8c-0b9a8f7e6d5c", "entries": [{"recipient": {"kind": "RECIPIENT_KIND_INDIVIDUAL",
		"fullName": "Ma Văn Khoa", "citizenId": "`+ids[1]+`", "birthYear": 1979, "unit": "units/thai-nguyen-so-noi-vu"},
		"awardType": "awardTypes/BK_TINH", "period": {"startYear": 2025, "endYear": 2025}}]}`,
		"Authorization", "Bearer "+s.Issuer.Token(officerCaller, 0), "Content-Type", "application/json")
	_, err = officer.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: dec.GetName(),
		Entries: []*honoursv1.DecisionEntry{person("Lục Thị Duyên", ids[2], 1990)}})
	require.NoError(t, err)
	_, err = officer.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: dec.GetName(),
		Entries: []*honoursv1.DecisionEntry{person("Lục Thị Duyên", "01919000778x", 1990)}})
	require.Error(t, err, "not a citizen id")
	_, err = officer.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: dec.GetName()})
	require.NoError(t, err)

	// Every read, by each caller.
	full, err := pii.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName()})
	require.NoError(t, err)
	var keys []string
	for i, e := range full.GetEntries() {
		require.Equal(t, ids[i], e.GetRecipient().GetCitizenId(), "a PII reader of the province reads the full id")
		keys = append(keys, e.GetRecipient().GetRecipientKey())
	}
	restOK(t, s.BaseURL, http.MethodGet, "/v1/"+dec.GetName(), "", "Authorization", "Bearer "+s.Issuer.Token(in(auth.PIIReader), 0))
	restOK(t, s.BaseURL, http.MethodGet, "/v1/honours?recipientKey="+keys[0], "")
	for _, c := range []honoursv1.HonoursServiceClient{public, viewer, pii} {
		got, err := c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName()})
		require.NoError(t, err)
		for _, e := range got.GetEntries() {
			if c != pii {
				require.NotEqual(t, ids[0], e.GetRecipient().GetCitizenId())
			}
		}
		list, err := c.ListHonours(ctx, &honoursv1.ListHonoursRequest{Authority: "units/thai-nguyen"})
		require.NoError(t, err)
		require.NotEmpty(t, list.GetHonours())
		for _, h := range list.GetHonours() {
			_, err := c.GetHonour(ctx, &honoursv1.GetHonourRequest{Name: h.GetName()})
			require.NoError(t, err)
		}
		_, err = c.BatchGetRecipientHistory(ctx, &honoursv1.BatchGetRecipientHistoryRequest{RecipientKeys: keys})
		require.NoError(t, err)
		_, err = c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: []string{"province"}})
		require.NoError(t, err)
		require.NoError(t, drain(c.ExportHonours(ctx, &honoursv1.ExportHonoursRequest{Authority: "units/thai-nguyen"})))
		require.NoError(t, drain(c.RenderDecision(ctx, &honoursv1.RenderDecisionRequest{Name: dec.GetName()})))
	}
	const last = "tdkt.honours.v1.HonoursService/RenderDecision"
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.GreaterOrEqual(c, strings.Count(spans.String(), `"Name":"`+last+`"`), 3, "the server spans of the last calls")
	}, 5*time.Second, 10*time.Millisecond)

	redisText := redisDumpAll(t, redisSrv.Addr())
	require.NotEmpty(t, redisText)
	require.Contains(t, spans.String(), "tdkt-gateway", "the gateway's spans too")
	require.Contains(t, logs.String(), "AddDecisionEntries")
	for what, text := range map[string]string{"the logs": logs.String(), "the spans": spans.String(), "Redis": redisText} {
		for _, id := range append(ids, "01919000778x") {
			if i := strings.Index(text, id); i >= 0 {
				t.Fatalf("a citizen id in %s: …%s…", what, text[max(0, i-200):min(len(text), i+60)])
			}
		}
	}
}

// drain reads a stream to its end.
func drain[T any](stream grpc.ServerStreamingClient[T], err error) error {
	if err != nil {
		return err
	}
	for {
		if _, err := stream.Recv(); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// redisDumpAll returns every key in the Redis at addr and its value.
func redisDumpAll(t *testing.T, addr string) string {
	t.Helper()
	ctx := t.Context()
	client := redis.NewClient(&redis.Options{Addr: addr})
	defer client.Close()
	var b strings.Builder
	iter := client.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		v, err := client.Dump(ctx, iter.Val()).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		require.NoError(t, err)
		b.WriteString(iter.Val() + "\n" + v + "\n")
	}
	require.NoError(t, iter.Err())
	return b.String()
}
