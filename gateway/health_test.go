package gateway_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/tdkt-vn/tdkt/gateway"
)

// TestReadinessDegradedCache checks that a backend whose cache is degraded
// (its "tdkt.cache" health NOT_SERVING) keeps the gateway ready, and that
// /readyz says so.
func TestReadinessDegradedCache(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes)
	type ready struct {
		Status   string            `json:"status"`
		Degraded []string          `json:"degraded"`
		Backends map[string]string `json:"backends"`
	}
	get := func() (int, ready) {
		r := e.do(t, http.MethodGet, "/readyz", nil)
		var body ready
		require.NoError(t, json.Unmarshal(r.body, &body), "%s", r.body)
		return r.status, body
	}

	code, body := get()
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ok", body.Status, "a backend that does not report its cache is not degraded")

	// The backends of the test share one health server.
	e.health.SetServingStatus("tdkt.cache", healthpb.HealthCheckResponse_NOT_SERVING)
	code, body = get()
	require.Equal(t, http.StatusOK, code, "a degraded cache does not make the service unready")
	require.Equal(t, "degraded", body.Status)
	require.Equal(t, []string{"blocs/cache", "honours/cache", "movements/cache", "nominations/cache"}, body.Degraded)
	require.Equal(t, map[string]string{"blocs": "SERVING", "honours": "SERVING", "movements": "SERVING", "nominations": "SERVING"}, body.Backends)

	e.health.SetServingStatus("tdkt.cache", healthpb.HealthCheckResponse_SERVING)
	code, body = get()
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ok", body.Status)
	require.Empty(t, body.Degraded)
}
