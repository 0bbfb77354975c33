package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/telemetry"
	"github.com/tdkt-vn/tdkt/proto/openapi"
)

// readyTimeout bounds the health check of each backend in /readyz.
const readyTimeout = time.Second

// handleExtras adds the routes that are not backend methods: the OpenAPI
// document, liveness, readiness and, when the telemetry owns a registry,
// the Prometheus metrics.
func (g *Gateway) handleExtras(rt *router, tel *telemetry.Telemetry) error {
	routes := []struct {
		path string
		h    http.Handler
	}{
		{"/openapi.json", http.HandlerFunc(serveOpenAPI)},
		{"/healthz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		})},
		{"/readyz", http.HandlerFunc(g.serveReady)},
	}
	if tel.Registry != nil {
		routes = append(routes, struct {
			path string
			h    http.Handler
		}{"/metrics", telemetry.MetricsHandler(tel.Registry)})
	}
	for _, route := range routes {
		err := rt.handlePath(http.MethodGet, route.path, func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
			setRoute(r.Context(), r, route.path)
			route.h.ServeHTTP(w, r)
		})
		if err != nil {
			return fmt.Errorf("gateway: route %s: %w", route.path, err)
		}
	}
	return nil
}

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openapi.JSON)
}

// cacheHealthService is the health a service reports for its cache
// (service.CacheHealthService); the gateway links no service code.
const cacheHealthService = "tdkt.cache"

// serveReady answers 200 when every backend reports its service SERVING
// within readyTimeout, and 503 naming those that do not. A backend whose
// cache is degraded (its health of "tdkt.cache" NOT_SERVING: Redis failing,
// reads served by the database) is still ready: the answer stays 200, with
// status "degraded" and the backend listed under "degraded".
func (g *Gateway) serveReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	states := make(map[string]string, len(g.backends))
	var degraded []string
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for _, b := range g.backends {
		wg.Go(func() {
			state := checkHealth(ctx, b)
			cacheDegraded := state == healthpb.HealthCheckResponse_SERVING.String() && cacheIsDegraded(ctx, b)
			mu.Lock()
			states[b.name] = state
			if cacheDegraded {
				degraded = append(degraded, b.name+"/cache")
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	code, overall := http.StatusOK, "ok"
	var failing []string
	for _, b := range g.backends {
		if states[b.name] != healthpb.HealthCheckResponse_SERVING.String() {
			failing = append(failing, b.name)
		}
	}
	switch {
	case len(failing) > 0:
		code, overall = http.StatusServiceUnavailable, "unavailable"
	case len(degraded) > 0:
		overall = "degraded"
	}
	slices.Sort(degraded)
	writeJSON(w, code, struct {
		Status   string            `json:"status"`
		Failing  []string          `json:"failing,omitempty"`
		Degraded []string          `json:"degraded,omitempty"`
		Backends map[string]string `json:"backends"`
	}{overall, failing, degraded, states})
}

// cacheIsDegraded reports whether the backend says its cache is degraded.
// A backend that does not report its cache (NotFound) is not.
func cacheIsDegraded(ctx context.Context, b dialled) bool {
	resp, err := healthpb.NewHealthClient(b.conn).Check(ctx, &healthpb.HealthCheckRequest{Service: cacheHealthService})
	return err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_NOT_SERVING
}

// checkHealth returns the backend's health status name, or the gRPC code
// of the failed check ("Unavailable", "DeadlineExceeded"); the backend's
// address stays out of the answer.
func checkHealth(ctx context.Context, b dialled) string {
	resp, err := healthpb.NewHealthClient(b.conn).Check(ctx, &healthpb.HealthCheckRequest{Service: b.service})
	if err != nil {
		return status.Code(err).String()
	}
	return resp.GetStatus().String()
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
