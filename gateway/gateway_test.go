package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/gateway"
	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/platform/rpcerr"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
)

// fakeBlocs answers GetUnit by name, echoes CreateUnit and ListUnits, and
// remembers the metadata of the last call.
type fakeBlocs struct {
	blocsv1.UnimplementedBlocsServiceServer

	mu   sync.Mutex
	md   metadata.MD
	list *blocsv1.ListUnitsRequest
}

func (f *fakeBlocs) remember(ctx context.Context) {
	md, _ := metadata.FromIncomingContext(ctx)
	f.mu.Lock()
	f.md = md
	f.mu.Unlock()
}

func (f *fakeBlocs) lastMD() metadata.MD {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.md
}

var unitErrors = map[string]error{
	"units/missing": status.Error(codes.NotFound, "units/missing not found"),
	"units/stale":   status.Error(codes.Aborted, "the resource changed"),
	"units/rule":    status.Error(codes.FailedPrecondition, "the unit is dissolved"),
	"units/exists":  status.Error(codes.AlreadyExists, "units/exists already exists"),
	"units/bug":     status.Error(codes.Internal, "internal error"),
	"units/anon":    status.Error(codes.Unauthenticated, "sign in to call GetUnit"),
	"units/denied":  status.Error(codes.PermissionDenied, "the caller holds none of the roles GetUnit needs"),
	"units/busy":    rpcerr.RateLimited(1500 * time.Millisecond),
}

// WatchUnits sends two revisions, then fails.
func (f *fakeBlocs) WatchUnits(_ *blocsv1.WatchUnitsRequest, stream grpc.ServerStreamingServer[blocsv1.WatchUnitsResponse]) error {
	for rev := int64(1); rev <= 2; rev++ {
		if err := stream.Send(&blocsv1.WatchUnitsResponse{Revision: rev}); err != nil {
			return err
		}
	}
	return status.Error(codes.OutOfRange, "revision 3 is beyond the service's")
}

func (f *fakeBlocs) GetUnit(ctx context.Context, req *blocsv1.GetUnitRequest) (*blocsv1.Unit, error) {
	f.remember(ctx)
	if err, ok := unitErrors[req.GetName()]; ok {
		return nil, err
	}
	_ = grpc.SetHeader(ctx, metadata.Pairs("x-internal", "secret", "etag", `"7"`))
	_ = grpc.SetTrailer(ctx, metadata.Pairs("x-internal-trailer", "secret"))
	return &blocsv1.Unit{
		Name:        req.GetName(),
		DisplayName: "Tỉnh Bắc Kạn",
		ShortName:   "Bắc Kạn",
		Kind:        blocsv1.UnitKind_UNIT_KIND_LOCALITY,
		Level:       blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE,
		Etag:        `"7"`,
	}, nil
}

func (f *fakeBlocs) CreateUnit(ctx context.Context, req *blocsv1.CreateUnitRequest) (*blocsv1.Unit, error) {
	f.remember(ctx)
	u := req.GetUnit()
	u.Name = "units/" + req.GetUnitId()
	return u, nil
}

func (f *fakeBlocs) ListUnits(ctx context.Context, req *blocsv1.ListUnitsRequest) (*blocsv1.ListUnitsResponse, error) {
	f.remember(ctx)
	f.mu.Lock()
	f.list = req
	f.mu.Unlock()
	return &blocsv1.ListUnitsResponse{}, nil
}

type env struct {
	url     string
	handler http.Handler // the gateway's
	issuer  *devissuer.Issuer
	fake    *fakeBlocs
	honours *fakeHonours
	health  *health.Server
	spans   *tracetest.SpanRecorder
}

// start runs the fakes behind a real gRPC server and the gateway in front of
// it; both backends are served by the one server.
func start(t *testing.T, maxBody int64, configure ...func(*gateway.Config)) *env {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer()
	fake := &fakeBlocs{}
	blocsv1.RegisterBlocsServiceServer(srv, fake)
	honours := &fakeHonours{}
	honoursv1.RegisterHonoursServiceServer(srv, honours)
	hs := health.NewServer()
	hs.SetServingStatus(blocsv1.BlocsService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus(honoursv1.HonoursService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus(movementsv1.MovementsService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus(nominationsv1.NominationsService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)

	iss, err := devissuer.Start(t.Context(), "127.0.0.1:0", devissuer.Options{})
	require.NoError(t, err)

	spans := tracetest.NewSpanRecorder()
	tel := &telemetry.Telemetry{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
		MeterProvider:  metricnoop.NewMeterProvider(),
		Propagator:     propagation.TraceContext{},
		Logger:         slog.New(slog.NewTextHandler(t.Output(), nil)),
		Registry:       prometheus.NewRegistry(),
	}
	addr := lis.Addr().String()
	cfg := gateway.Config{BlocsAddr: addr, HonoursAddr: addr, MovementsAddr: addr, NominationsAddr: addr, MaxBodyBytes: maxBody, Auth: auth.VerifierConfig{Issuer: iss.URL()}}
	for _, c := range configure {
		c(&cfg)
	}
	gw, err := gateway.New(t.Context(), cfg, tel)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, gw.Close()) })
	hts := httptest.NewServer(gw.Handler())
	t.Cleanup(hts.Close)
	return &env{url: hts.URL, handler: gw.Handler(), issuer: iss, fake: fake, honours: honours, health: hs, spans: spans}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) do(t *testing.T, method, path string, body io.Reader, header ...string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, e.url+path, body)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return e.send(t, req)
}

// send sends req and reads the answer.
func (e *env) send(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{resp.StatusCode, resp.Header, b}
}

// rpcStatus is the JSON error body.
type rpcStatus struct {
	Code    int               `json:"code"`
	Message string            `json:"message"`
	Details []json.RawMessage `json:"details"`
}

func decodeStatus(t *testing.T, r response) rpcStatus {
	t.Helper()
	var s rpcStatus
	require.NoError(t, json.Unmarshal(r.body, &s), "body %s", r.body)
	return s
}

func TestGetUnit(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes)
	r := e.do(t, http.MethodGet, "/v1/units/bac-kan", nil,
		"X-Request-Id", "abc", "If-Match", `"7"`, "Grpc-Metadata-X-Tdkt-Caller", "mallory", "X-Other", "x")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Equal(t, `"7"`, r.header.Get("ETag"))
	for k := range r.header {
		require.NotContains(t, strings.ToLower(k), "grpc-", "header %s leaks gRPC metadata", k)
		require.NotContains(t, strings.ToLower(k), "internal", "header %s leaks gRPC metadata", k)
	}
	var got map[string]any
	require.NoError(t, json.Unmarshal(r.body, &got))
	require.Equal(t, "Tỉnh Bắc Kạn", got["displayName"], "lowerCamelCase names")
	require.Equal(t, "UNIT_KIND_LOCALITY", got["kind"], "enums as strings")
	require.NotContains(t, got, "code", "unpopulated fields are left out")

	md := e.fake.lastMD()
	require.Equal(t, []string{"abc"}, md.Get("x-request-id"))
	require.Equal(t, []string{`"7"`}, md.Get("if-match"))
	require.Empty(t, md.Get("x-tdkt-caller"), "Grpc-Metadata-* is not forwarded")
	require.Empty(t, md.Get("x-other"))
}

func TestErrorMapping(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes)
	tests := []struct {
		path   string
		status int
		code   codes.Code
	}{
		{"/v1/units/missing", http.StatusNotFound, codes.NotFound},
		{"/v1/units/stale", http.StatusConflict, codes.Aborted},
		{"/v1/units/rule", http.StatusBadRequest, codes.FailedPrecondition},
		{"/v1/units/exists", http.StatusConflict, codes.AlreadyExists},
		{"/v1/units/bug", http.StatusInternalServerError, codes.Internal},
		{"/v1/units/anon", http.StatusUnauthorized, codes.Unauthenticated},
		{"/v1/units/denied", http.StatusForbidden, codes.PermissionDenied},
		{"/v1/units/busy", http.StatusTooManyRequests, codes.ResourceExhausted},
		{"/v1/nothing-here", http.StatusNotFound, codes.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := e.do(t, http.MethodGet, tt.path, nil)
			require.Equal(t, tt.status, r.status, "%s", r.body)
			require.Equal(t, "application/json", r.header.Get("Content-Type"))
			require.Equal(t, int(tt.code), decodeStatus(t, r).Code)
		})
	}
}

func TestBadRequests(t *testing.T) {
	const limit = 1024
	e := start(t, limit)
	big := `{"displayName":"` + strings.Repeat("a", 2*limit) + `"}`
	tests := []struct {
		name   string
		method string
		path   string
		body   io.Reader
		status int
		field  string // a field violation expected in the details
	}{
		{"body over the limit", http.MethodPost, "/v1/units", strings.NewReader(big), http.StatusRequestEntityTooLarge, "body"},
		{"chunked body over the limit", http.MethodPost, "/v1/units", io.MultiReader(strings.NewReader(big)), http.StatusRequestEntityTooLarge, "body"},
		{"malformed JSON", http.MethodPost, "/v1/units", strings.NewReader(`{"displayName":`), http.StatusBadRequest, ""},
		{"data after the JSON value", http.MethodPost, "/v1/units", strings.NewReader(`{"displayName":"x"}}`), http.StatusBadRequest, ""},
		{"two JSON values", http.MethodPost, "/v1/units", strings.NewReader(`{} {}`), http.StatusBadRequest, ""},
		{"unknown field", http.MethodPost, "/v1/units", strings.NewReader(`{"displayNam":"x"}`), http.StatusBadRequest, ""},
		{"unknown enum in body", http.MethodPost, "/v1/units", strings.NewReader(`{"kind":"UNIT_KIND_FOO"}`), http.StatusBadRequest, ""},
		{"invalid UTF-8 in body", http.MethodPost, "/v1/units", bytes.NewReader([]byte("{\"displayName\":\"\xff\"}")), http.StatusBadRequest, ""},
		{"unknown enum in query", http.MethodGet, "/v1/units?level=FOO", nil, http.StatusBadRequest, ""},
		{"invalid UTF-8 in query", http.MethodGet, "/v1/units?query=%FF", nil, http.StatusBadRequest, "query"},
		{"invalid UTF-8 in path", http.MethodGet, "/v1/units/%FF", nil, http.StatusBadRequest, "path"},
		{"malformed query escape", http.MethodGet, "/v1/units?query=%zz", nil, http.StatusBadRequest, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, tt.method, tt.path, tt.body, "Content-Type", "application/json")
			require.Equal(t, tt.status, r.status, "%s", r.body)
			s := decodeStatus(t, r)
			require.Equal(t, int(codes.InvalidArgument), s.Code, "%s", r.body)
			if tt.field != "" {
				require.Contains(t, string(r.body), `"field":"`+tt.field+`"`)
			}
			if tt.status == http.StatusRequestEntityTooLarge {
				require.Equal(t, fmt.Sprintf("request body exceeds %d bytes", limit), s.Message)
				require.Contains(t, string(r.body), "google.rpc.BadRequest")
			}
		})
	}
}

func TestQueryParameters(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes)
	r := e.do(t, http.MethodGet, "/v1/units?query=th%C3%A1i+nguy%C3%AAn&level=UNIT_LEVEL_PROVINCE&pageSize=5", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	e.fake.mu.Lock()
	defer e.fake.mu.Unlock()
	require.Equal(t, "thái nguyên", e.fake.list.GetQuery())
	require.Equal(t, blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, e.fake.list.GetLevel())
	require.Equal(t, int32(5), e.fake.list.GetPageSize())
}

func TestMethodOverrideIsIgnored(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes)
	// With the override, this would be UpdateUnit (unimplemented by the
	// fake: 501). Without it, it is a POST, which grpc-gateway's path length
	// fallback serves with the GET handler.
	r := e.do(t, http.MethodPost, "/v1/units/bac-kan", strings.NewReader(""),
		"X-HTTP-Method-Override", "PATCH", "Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Contains(t, string(r.body), "Tỉnh Bắc Kạn")
}

func TestHealthAndReadiness(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes)
	r := e.do(t, http.MethodGet, "/healthz", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.JSONEq(t, `{"status":"ok"}`, string(r.body))

	r = e.do(t, http.MethodGet, "/readyz", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)

	var body struct {
		Failing  []string          `json:"failing"`
		Backends map[string]string `json:"backends"`
	}
	require.NoError(t, json.Unmarshal(r.body, &body))
	require.Equal(t, map[string]string{"blocs": "SERVING", "honours": "SERVING", "movements": "SERVING", "nominations": "SERVING"}, body.Backends)

	for _, svc := range []struct{ name, service string }{
		{"honours", honoursv1.HonoursService_ServiceDesc.ServiceName},
		{"blocs", blocsv1.BlocsService_ServiceDesc.ServiceName},
	} {
		e.health.SetServingStatus(svc.service, healthpb.HealthCheckResponse_NOT_SERVING)
		r = e.do(t, http.MethodGet, "/readyz", nil)
		require.Equal(t, http.StatusServiceUnavailable, r.status, "%s", r.body)
		body.Failing, body.Backends = nil, nil
		require.NoError(t, json.Unmarshal(r.body, &body))
		require.Contains(t, body.Failing, svc.name)
		require.Equal(t, "NOT_SERVING", body.Backends[svc.name])
	}
	require.Equal(t, []string{"blocs", "honours"}, body.Failing, "in backend order")
}

func TestReadinessWithoutBackend(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := lis.Addr().String()
	require.NoError(t, lis.Close()) // nothing listens there now

	tel := &telemetry.Telemetry{
		TracerProvider: tracenoop.NewTracerProvider(),
		MeterProvider:  metricnoop.NewMeterProvider(),
		Propagator:     propagation.TraceContext{},
		Logger:         slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
	gw, err := gateway.New(t.Context(), gateway.Config{BlocsAddr: addr, HonoursAddr: addr, MovementsAddr: addr, NominationsAddr: addr, MaxBodyBytes: 1 << 20,
		Auth: auth.VerifierConfig{Issuer: "http://127.0.0.1:1"}}, tel)
	require.NoError(t, err, "dialling does not wait for the backend")
	t.Cleanup(func() { require.NoError(t, gw.Close()) })
	hts := httptest.NewServer(gw.Handler())
	t.Cleanup(hts.Close)

	e := &env{url: hts.URL}
	require.Equal(t, http.StatusOK, e.do(t, http.MethodGet, "/healthz", nil).status)
	r := e.do(t, http.MethodGet, "/readyz", nil)
	require.Equal(t, http.StatusServiceUnavailable, r.status, "%s", r.body)
	require.Contains(t, string(r.body), `"blocs"`)
	require.Contains(t, string(r.body), `"honours"`)
	require.NotContains(t, string(r.body), addr, "the backend's address stays private")
	require.Equal(t, http.StatusNotFound, e.do(t, http.MethodGet, "/metrics", nil).status, "no registry, no /metrics")

	// A call to a backend nobody answers: 503, UNAVAILABLE with a message
	// of its own, naming nothing of the network behind the edge.
	r = e.do(t, http.MethodGet, "/v1/units/bac-kan", nil)
	require.Equal(t, http.StatusServiceUnavailable, r.status, "%s", r.body)
	require.Contains(t, string(r.body), `"code":14`)
	require.Contains(t, string(r.body), "SERVICE_UNREACHABLE")
	require.NotContains(t, string(r.body), addr)
	require.NotContains(t, string(r.body), "dial")
}

func TestOpenAPIAndMetrics(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes)
	r := e.do(t, http.MethodGet, "/openapi.json", nil)
	require.Equal(t, http.StatusOK, r.status)
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(r.body, &doc))
	require.Contains(t, doc.Paths, "/v1/units")
	require.Contains(t, doc.Paths, "/v1/decisions")
	require.Contains(t, doc.Paths, "/v1/honours:statistics")

	r = e.do(t, http.MethodGet, "/metrics", nil)
	require.Equal(t, http.StatusOK, r.status)
}

func TestSpanNames(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes)
	e.do(t, http.MethodGet, "/v1/units/bac-kan", nil)
	e.do(t, http.MethodGet, "/healthz", nil)
	e.do(t, http.MethodGet, "/v1/nothing-here", nil)
	// A server span ends just after its response is written.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var names []string
		for _, s := range e.spans.Ended() {
			if s.SpanKind() == trace.SpanKindServer {
				names = append(names, s.Name())
			}
		}
		assert.Contains(c, names, "GET /v1/{name=units/*}")
		assert.Contains(c, names, "GET /healthz")
		assert.Contains(c, names, "GET", "an unmatched request keeps the method alone")
	}, 5*time.Second, 10*time.Millisecond)
}

// fakeHonours answers the file methods and GetStatistics, and remembers the
// last statistics request.
type fakeHonours struct {
	honoursv1.UnimplementedHonoursServiceServer

	mu    sync.Mutex
	stats *honoursv1.GetStatisticsRequest
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// pdfData is a PDF-looking payload with bytes that are not valid UTF-8 and
// would not survive a JSON round trip.
var pdfData = []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")

// sendChunks sends data in chunks of size bytes, the first with
// contentType, as the honours service streams a file.
func sendChunks(stream grpc.ServerStreamingServer[httpbody.HttpBody], contentType string, data []byte, size int) error {
	for i := 0; i == 0 || len(data) > 0; i++ {
		k := min(size, len(data))
		m := &httpbody.HttpBody{Data: data[:k]}
		if i == 0 {
			m.ContentType = contentType
		}
		if err := stream.Send(m); err != nil {
			return err
		}
		data = data[k:]
	}
	return nil
}

// RenderDecision streams pdfData in chunks of 7 bytes; decisions/missing
// fails before the first, decisions/broken after the second.
func (f *fakeHonours) RenderDecision(req *honoursv1.RenderDecisionRequest, stream grpc.ServerStreamingServer[httpbody.HttpBody]) error {
	switch req.GetName() {
	case "decisions/missing":
		return status.Error(codes.NotFound, "decisions/missing not found")
	case "decisions/broken":
		if err := sendChunks(stream, "application/pdf", pdfData[:14], 7); err != nil {
			return err
		}
		return status.Error(codes.Unavailable, "the database went away")
	}
	_ = stream.SetHeader(metadata.Pairs("content-disposition",
		`attachment; filename="946-QD-UBND.pdf"; filename*=UTF-8''946-Q%C4%90-UBND.pdf`))
	return sendChunks(stream, "application/pdf", pdfData, 7)
}

func (f *fakeHonours) RenderCertificate(_ context.Context, req *honoursv1.RenderCertificateRequest) (*httpbody.HttpBody, error) {
	// No content-disposition: the gateway names the file.
	return &httpbody.HttpBody{ContentType: "application/pdf", Data: pdfData}, nil
}

func (f *fakeHonours) ExportHonours(req *honoursv1.ExportHonoursRequest, stream grpc.ServerStreamingServer[httpbody.HttpBody]) error {
	_ = stream.SetHeader(metadata.Pairs("content-disposition", `attachment; filename="honours-2023.xlsx"`))
	return sendChunks(stream, xlsxType, []byte("PK\x03\x04\x14\x00\x06\x00"), 3)
}

func (f *fakeHonours) GetHonour(_ context.Context, req *honoursv1.GetHonourRequest) (*honoursv1.Honour, error) {
	return &honoursv1.Honour{Name: req.GetName(), AwardType: "awardTypes/BK_TINH", RewardVnd: 1_490_000}, nil
}

func (f *fakeHonours) GetStatistics(_ context.Context, req *honoursv1.GetStatisticsRequest) (*honoursv1.Statistics, error) {
	f.mu.Lock()
	f.stats = req
	f.mu.Unlock()
	return &honoursv1.Statistics{
		Rows:           []*honoursv1.StatisticsRow{{AwardType: "awardTypes/BK_TINH", Year: 2023, Count: 106, RewardVnd: 190_720_000}},
		TotalCount:     106,
		TotalRewardVnd: 190_720_000,
	}, nil
}

func (f *fakeHonours) lastStats() *honoursv1.GetStatisticsRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats
}

func TestFileResponses(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes)
	tests := []struct {
		name        string
		path        string
		contentType string
		disposition string
		data        []byte
	}{
		{
			name:        "decision named by the service",
			path:        "/v1/decisions/946-qd-ubnd:render",
			contentType: "application/pdf",
			disposition: `attachment; filename="946-QD-UBND.pdf"; filename*=UTF-8''946-Q%C4%90-UBND.pdf`,
			data:        pdfData,
		},
		{
			name:        "certificate named by the gateway",
			path:        "/v1/honours/h-0001:certificate",
			contentType: "application/pdf",
			disposition: `attachment; filename="honours-h-0001-certificate.pdf"`,
			data:        pdfData,
		},
		{
			name:        "export with filters",
			path:        "/v1/honours:export?awardType=awardTypes/BK_TINH&yearFrom=2023&province=units/thai-nguyen",
			contentType: xlsxType,
			disposition: `attachment; filename="honours-2023.xlsx"`,
			data:        []byte("PK\x03\x04\x14\x00\x06\x00"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, http.MethodGet, tt.path, nil)
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			require.Equal(t, tt.contentType, r.header.Get("Content-Type"))
			require.Equal(t, []string{tt.disposition}, r.header.Values("Content-Disposition"))
			require.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
			require.Equal(t, tt.data, r.body, "the bytes as the service sent them, not JSON")
			for k := range r.header {
				require.NotContains(t, strings.ToLower(k), "grpc-", "header %s leaks gRPC metadata", k)
			}
		})
	}

	t.Run("an error is JSON", func(t *testing.T) {
		r := e.do(t, http.MethodGet, "/v1/decisions/missing:render", nil)
		require.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
		require.Equal(t, "application/json", r.header.Get("Content-Type"))
		require.Empty(t, r.header.Get("Content-Disposition"))
		st := decodeStatus(t, r)
		require.Equal(t, int(codes.NotFound), st.Code, "the status JSON, not a stream's {\"error\": …}")
		require.Equal(t, "decisions/missing not found", st.Message)
	})

	t.Run("a file that fails half-way is cut off", func(t *testing.T) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, e.url+"/v1/decisions/broken:render", nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "the status went out with the first chunk")
		require.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
		b, err := io.ReadAll(resp.Body)
		require.ErrorIs(t, err, io.ErrUnexpectedEOF, "the transfer does not end as if complete")
		require.Equal(t, pdfData[:14], b, "the chunks sent, and no error message after them")
	})

	t.Run("a plain GET of the honour is JSON", func(t *testing.T) {
		r := e.do(t, http.MethodGet, "/v1/honours/h-0001", nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		require.Equal(t, "application/json", r.header.Get("Content-Type"))
		require.Empty(t, r.header.Get("Content-Disposition"))
		require.JSONEq(t, `{"name":"honours/h-0001","awardType":"awardTypes/BK_TINH","rewardVnd":"1490000"}`, string(r.body))
	})
}

func TestStatisticsGroupBy(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes)
	tests := []struct {
		query string
		want  []string
	}{
		// group_by is repeated: the comma-separated form reaches the service
		// as one value, which the service splits.
		{"group_by=award_type,year", []string{"award_type,year"}},
		{"group_by=award_type%2Cyear", []string{"award_type,year"}},
		{"group_by=award_type&group_by=year", []string{"award_type", "year"}},
		{"groupBy=province", []string{"province"}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := e.do(t, http.MethodGet, "/v1/honours:statistics?"+tt.query+"&yearFrom=2020&authority=units/bac-kan", nil)
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			require.Equal(t, "application/json", r.header.Get("Content-Type"))
			require.JSONEq(t, `{"rows":[{"awardType":"awardTypes/BK_TINH","year":2023,"count":"106","rewardVnd":"190720000"}],
				"totalCount":"106","totalRewardVnd":"190720000"}`, string(r.body))
			got := e.honours.lastStats()
			require.Equal(t, tt.want, got.GetGroupBy())
			require.Equal(t, int32(2020), got.GetYearFrom())
			require.Equal(t, "units/bac-kan", got.GetAuthority())
		})
	}
}

// TestJSONStream checks that a stream of JSON messages (WatchUnits) is
// still one envelope per line, its error included.
func TestJSONStream(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes)
	r := e.do(t, http.MethodGet, "/v1/units:watch", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Equal(t, "application/json", r.header.Get("Content-Type"))
	require.True(t, bytes.HasSuffix(r.body, []byte("\n")), "%q", r.body)
	lines := strings.Split(strings.TrimSuffix(string(r.body), "\n"), "\n")
	require.Len(t, lines, 3, "%s", r.body)
	require.Equal(t, `{"result":{"revision":"1"}}`, lines[0])
	require.Equal(t, `{"result":{"revision":"2"}}`, lines[1])
	var last struct {
		Error struct {
			Code int `json:"code"`
		} `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(lines[2]), &last))
	require.Equal(t, int(codes.OutOfRange), last.Error.Code)
}
