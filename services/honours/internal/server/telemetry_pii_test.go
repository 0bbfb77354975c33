package server_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/tdkt-vn/tdkt/platform/telemetry/telemetrytest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/cache/redistest"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

// TestNoPersonalDataInLogsTracesOrCache runs full decision flows (create
// with entries, add, issue, a retry, refused requests, an import, a
// revocation, every read as the public, a viewer and a PII reader) on each
// engine, with Redis as the cache, the console trace exporter and every
// log line down to debug, then looks for the citizen ids used in the logs,
// the spans and every key and value in Redis: none is there. Nor in the
// errors the clients got.
func TestNoPersonalDataInLogsTracesOrCache(t *testing.T) {
	ctx := t.Context()
	addr := redistest.Addr(t)
	prefix := redistest.Prefix(t, addr)

	// The console exporter (stdouttrace, as OTEL_TRACES_EXPORTER=console
	// has telemetry.Setup build it: each span written as it ends), into a
	// buffer rather than the standard output.
	var logs, spans telemetrytest.Buffer
	tel, err := telemetry.Setup(ctx, telemetry.Config{
		ServiceName: "tdkt-honours-test", LogOutput: &logs, LogFormat: "json", LogLevel: slog.LevelDebug,
	})
	require.NoError(t, err)
	console, err := stdouttrace.New(stdouttrace.WithWriter(&spans))
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(console))
	tel.TracerProvider = tp
	c, closeCache, err := cache.Open(ctx, cache.Config{RedisAddr: addr, Prefix: prefix}, tel)
	require.NoError(t, err)
	t.Cleanup(func() { _ = closeCache() })

	ids := []string{flowPeople[0].id, flowPeople[1].id}
	const (
		imported = "004185077731" // an import's
		refused  = "004192000417" // in requests refused
		badID    = "00419200041x" // not a citizen id
	)
	ids = append(ids, imported, refused)
	var clientErrors []string
	for _, eng := range sqlstoretest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := startGuarded(t, eng.URL(t), guardedOptions{tel: tel, cache: c, sealer: testSealer(t)})
			officer := as(ctx, officerBK)
			dec := flow(t, e.c, "qd-nhat-ky")

			// A retry: the same request, its first answer.
			created, added := flowEntries()
			msg := decisionMsg("bac-kan", "7/QĐ-UBND", d(2024, 12, 20))
			msg.Entries = created
			again, err := e.c.CreateDecision(officer, &honoursv1.CreateDecisionRequest{DecisionId: "qd-nhat-ky", Decision: msg,
				RequestId: "0b9c6a1e-2f3d-4e5a-8b7c-6d5e4f3a2b1c"})
			require.NoError(t, err)
			require.Equal(t, dec.GetName(), again.GetName())

			// Refused requests: the same request id with another citizen id,
			// a malformed id, a duplicate, an entry of an issued decision.
			created, _ = flowEntries()
			created[0].Recipient.CitizenId = refused
			msg.Entries = created
			_, err = e.c.CreateDecision(officer, &honoursv1.CreateDecisionRequest{DecisionId: "qd-nhat-ky", Decision: msg,
				RequestId: "0b9c6a1e-2f3d-4e5a-8b7c-6d5e4f3a2b1c"})
			require.Error(t, err, "another request under the same id")
			clientErrors = append(clientErrors, errorText(err))
			bad := entry(person("Tạ Thị Lan", badID, "so-noi-vu-bk"), "BK_TINH", 2024)
			draft, err := e.c.CreateDecision(officer, &honoursv1.CreateDecisionRequest{DecisionId: "qd-nhap",
				Decision: decisionMsg("bac-kan", "9/QĐ-UBND", d(2024, 12, 22))})
			require.NoError(t, err)
			_, err = e.c.AddDecisionEntries(officer, &honoursv1.AddDecisionEntriesRequest{Name: draft.GetName(),
				Entries: []*honoursv1.DecisionEntry{bad}})
			requireCode(t, err, codes.InvalidArgument, "")
			clientErrors = append(clientErrors, errorText(err))
			twice := entry(person("Tạ Thị Lan", refused, "so-noi-vu-bk"), "BK_TINH", 2024)
			_, err = e.c.AddDecisionEntries(officer, &honoursv1.AddDecisionEntriesRequest{Name: draft.GetName(),
				Entries: []*honoursv1.DecisionEntry{twice, proto.Clone(twice).(*honoursv1.DecisionEntry)}})
			requireCode(t, err, codes.FailedPrecondition, "")
			clientErrors = append(clientErrors, errorText(err))
			_, err = e.c.AddDecisionEntries(officer, &honoursv1.AddDecisionEntriesRequest{Name: dec.GetName(), Entries: added})
			requireCode(t, err, codes.FailedPrecondition, "")
			clientErrors = append(clientErrors, errorText(err))

			// An import, by a central administrator.
			stream, err := e.c.ImportDecisions(as(ctx, centralAll))
			require.NoError(t, err)
			require.NoError(t, stream.Send(importItem("qd-nhap-khau", "2d1e8c3a-4b5f-4a7c-8d9e-8f7a6b5c4d3e", "bac-kan", "3/QĐ-UBND",
				entry(withBirth(person("Đinh Văn Bảy", imported, "so-noi-vu-bk"), 1985), "BK_TINH", 2023))))
			resp, err := stream.CloseAndRecv()
			require.NoError(t, err)
			require.EqualValues(t, 1, resp.GetSucceeded(), "%v", resp.GetResults())

			// Every read, by everyone; statistics fill the cache.
			keys := []string{"unit:truong-cho-don"}
			for _, rc := range readAll(t, e.c, piiBK, dec, nil).recipients {
				if rc.GetRecipientKey() != "" && !slices.Contains(keys, rc.GetRecipientKey()) {
					keys = append(keys, rc.GetRecipientKey())
				}
			}
			for _, grants := range []string{"", viewerBK, viewerTN, piiBK, centralAll} {
				readAll(t, e.c, grants, dec, keys)
			}
			for _, by := range []string{"award_type", "province", "authority", "year"} {
				_, err := e.c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: []string{by}})
				require.NoError(t, err)
			}
			list, err := e.c.ListHonours(ctx, &honoursv1.ListHonoursRequest{Query: flowPeople[0].name})
			require.NoError(t, err)
			require.Len(t, list.GetHonours(), 1)
			_, err = e.c.RevokeHonour(officer, &honoursv1.RevokeHonourRequest{Name: list.GetHonours()[0].GetName(),
				Reason: "Thu hồi do hồ sơ không đúng", RevokingDocument: decisionMsg("bac-kan", "10/QĐ-UBND", d(2025, 1, 5)).GetDocument()})
			require.NoError(t, err)
			readAll(t, e.c, piiBK, dec, keys)
		})
	}
	require.NoError(t, tp.Shutdown(context.Background()), "flush the spans")

	// The search would find something: spans of every layer, log lines
	// of every call, cache entries.
	for _, want := range []string{"tdkt.honours.v1.HonoursService/CreateDecision", "tdkt.honours.v1.HonoursService/GetDecision",
		`"db.system.name"`, "redis"} {
		require.Contains(t, spans.String(), want)
	}
	require.Contains(t, logs.String(), "GetDecision")
	redisText := redisDump(t, addr, prefix)
	require.NotEmpty(t, redisText, "the cache holds entries")

	where := map[string]string{
		"the logs": logs.String(), "the spans": spans.String(), "Redis": redisText,
		"the errors clients got": strings.Join(clientErrors, "\n"),
	}
	for what, text := range where {
		// Whole ids: their hidden digits alone, 7 digits, would turn up by
		// chance among the logs' numbers and the spans' ids.
		for _, id := range append(ids, badID) {
			requireAbsent(t, text, id, "a citizen id in "+what)
		}
		for _, p := range flowPeople {
			requireAbsent(t, text, legacyKey(p.id)[4:], "an unkeyed recipient key in "+what)
		}
	}
}

// requireAbsent fails when text holds s, showing where.
func requireAbsent(t *testing.T, text, s, what string) {
	t.Helper()
	if i := strings.Index(text, s); i >= 0 {
		t.Fatalf("%s: …%s…", what, text[max(0, i-200):min(len(text), i+len(s)+50)])
	}
}

// errorText is everything of a status error a client reads: its message
// and details.
func errorText(err error) string {
	st, _ := status.FromError(err)
	var b strings.Builder
	b.WriteString(st.Message())
	for _, d := range st.Proto().GetDetails() {
		b.WriteString("\n")
		b.Write(d.GetValue())
	}
	return b.String()
}

// redisDump returns every key under prefix in the Redis at addr and its
// value (DUMP: whatever its type).
func redisDump(t *testing.T, addr, prefix string) string {
	t.Helper()
	ctx := t.Context()
	client := redis.NewClient(&redis.Options{Addr: addr})
	defer client.Close()
	var b strings.Builder
	iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		v, err := client.Dump(ctx, key).Result()
		if errors.Is(err, redis.Nil) {
			continue // expired meanwhile
		}
		require.NoError(t, err)
		b.WriteString(key + "\n" + v + "\n")
	}
	require.NoError(t, iter.Err())
	return b.String()
}
