package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tdkt-vn/tdkt/platform/telemetry/telemetrytest"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
)

// startRun runs devstack with the demo on free ports until the test ends,
// and returns what it printed once the demo is loaded, or the error run
// returned.
func startRun(t *testing.T, o options) (string, error) {
	t.Helper()
	o.demo = true
	o.stack.DataDir = t.TempDir()
	o.stack.HTTPAddr, o.stack.BlocsGRPCAddr, o.stack.HonoursGRPCAddr, o.stack.IssuerAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	o.stack.MovementsGRPCAddr = "127.0.0.1:0"
	o.stack.NominationsGRPCAddr = "127.0.0.1:0"
	o.stack.LogOutput, o.stack.LogLevel = io.Discard, slog.LevelError
	ctx, cancel := context.WithCancel(t.Context())
	var out telemetrytest.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, o, &out) }()
	defer func() {
		cancel()
		<-done
	}()
	deadline := time.After(2 * time.Minute)
	for !strings.Contains(out.String(), "demo data:") {
		select {
		case err := <-done:
			done <- nil
			return out.String(), err
		case <-deadline:
			t.Fatalf("no demo after two minutes:\n%s", out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return out.String(), nil
}

// devstack needs nothing else: it runs its dev issuer, prints its URL and
// loads the demo as a central administrator.
func TestRunWithTheDevIssuer(t *testing.T) {
	out, err := startRun(t, options{})
	require.NoError(t, err)
	require.Regexp(t, `(?m)^OIDC   http://127\.0\.0\.1:\d+ \(dev issuer; a token: go run \./tools/tdktctl token --role CENTRAL_ADMIN\)$`, out)
	require.Regexp(t, `(?m)^Web    http://127\.0\.0\.1:\d+/ \(the dashboard\)$`, out)
	require.Regexp(t, `(?m)^REST   http://127\.0\.0\.1:\d+/v1/$`, out)
	require.Contains(t, out, "demo data: units ")
}

// With a real issuer the dev one is off, and the demo loads with the
// central administrator's token of TDKT_TOKEN; without it, run says so.
func TestRunWithARealIssuer(t *testing.T) {
	iss, err := devissuer.Start(t.Context(), "127.0.0.1:0", devissuer.Options{})
	require.NoError(t, err)
	withRealIssuer := func() options {
		var o options
		o.stack.Blocs.Auth.Issuer = iss.URL()
		o.stack.Honours.Auth.Issuer = iss.URL()
		o.stack.Movements.Auth.Issuer = iss.URL()
		o.stack.Nominations.Auth.Issuer = iss.URL()
		o.stack.Gateway.Auth.Issuer = iss.URL()
		return o
	}

	t.Setenv("TDKT_TOKEN", "")
	_, err = startRun(t, withRealIssuer())
	require.ErrorContains(t, err, "set TDKT_TOKEN to a central administrator's token")

	t.Setenv("TDKT_TOKEN", iss.Token(demo.Caller, 0))
	out, err := startRun(t, withRealIssuer())
	require.NoError(t, err)
	require.Contains(t, out, "OIDC   "+iss.URL()+"\n")
	require.NotContains(t, out, "dev issuer")
	require.Contains(t, out, "demo data: units ")
}
