package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/tools/internal/procstat"
)

// maxRSS is the most resident memory a service process may reach under the
// load (the limit).
const maxRSS = 150 << 20

// measureRSS runs blocs, honours, movements and the gateway each in a
// process of its own (built from the workspace, SQLite in a temporary
// directory, GOMEMLIMIT from -gomemlimit, the dev issuer in this process),
// puts the GetUnit load on them through the gateway for a warm-up and one
// measured phase, and reports the peak resident set (VmHWM) of each
// process. A process over maxRSS fails the run.
func measureRSS(ctx context.Context, o options, client *http.Client) (err error) {
	dir, err := os.MkdirTemp("", "tdkt-loadgen-rss-")
	if err != nil {
		return fmt.Errorf("rss: %w", err)
	}
	defer os.RemoveAll(dir)
	fmt.Printf("\nmemory: blocs, honours, movements, nominations and gateway each in a process (GOMEMLIMIT=%q), GetUnit load through the gateway\n", o.memLimit)
	procs, err := procstat.Build(ctx, dir, o.memLimit, "blocs", "honours", "movements", "nominations", "gateway")
	if err != nil {
		return fmt.Errorf("rss: %w", err)
	}
	defer procs.Stop()
	issCtx, stopIssuer := context.WithCancel(ctx)
	defer stopIssuer()
	iss, err := devissuer.Start(issCtx, "127.0.0.1:0", devissuer.Options{})
	if err != nil {
		return fmt.Errorf("rss: %w", err)
	}
	limit := strconv.Itoa(benchLimits.Rate)
	common := []string{"-log-level", "warn", "-oidc-issuer", iss.URL(), "-rate-limit", limit, "-rate-burst", limit}
	blocs, honours, movements, nominations, edge := procstat.FreeAddr(), procstat.FreeAddr(), procstat.FreeAddr(), procstat.FreeAddr(), procstat.FreeAddr()
	const keySecret = "bG9hZGdlbiByZWNpcGllbnQga2V5IHNlY3JldCEhISEh"
	db := func(name string) string { return "sqlite:" + filepath.Join(dir, name+".db") }
	for _, p := range []struct {
		name string
		args []string
	}{
		{"blocs", []string{"-database-url", db("blocs"), "-grpc-addr", blocs}},
		{"honours", []string{"-database-url", db("honours"), "-grpc-addr", honours, "-blocs-addr", blocs,
			"-recipient-key-secret", keySecret}},
		{"movements", []string{"-database-url", db("movements"), "-grpc-addr", movements, "-blocs-addr", blocs, "-honours-addr", honours}},
		{"nominations", []string{"-database-url", db("nominations"), "-grpc-addr", nominations, "-blocs-addr", blocs, "-honours-addr", honours,
			"-recipient-key-secret", keySecret}},
		{"gateway", []string{"-http-addr", edge, "-blocs-addr", blocs, "-honours-addr", honours, "-movements-addr", movements,
			"-nominations-addr", nominations}},
	} {
		if err := procs.Start(ctx, p.name, append(p.args, common...)...); err != nil {
			return fmt.Errorf("rss: start %s: %w", p.name, err)
		}
	}
	base := "http://" + edge
	if err := procstat.WaitReady(ctx, base+"/readyz"); err != nil {
		return fmt.Errorf("rss: %w", err)
	}
	token := adminToken(iss)
	url, err := prepareUnit(ctx, client, base, token)
	if err != nil {
		return fmt.Errorf("rss: %w", err)
	}
	header := http.Header{"Authorization": {"Bearer " + token}}
	if o.warmup > 0 {
		if _, err := run(ctx, client, url, header, o.workers, o.warmup, o.max); err != nil {
			return fmt.Errorf("rss: %w", err)
		}
	}
	r, err := run(ctx, client, url, header, o.workers, o.duration, o.max)
	if err != nil {
		return fmt.Errorf("rss: %w", err)
	}
	fmt.Printf("GetUnit over 5 processes: %d requests, %d errors, %.0f req/s, p50 %v, p99 %v\n",
		r.requests, r.errors, r.rps(), shorten(r.hist.quantile(0.50)), shorten(r.hist.quantile(0.99)))
	fmt.Printf("peak resident set (VmHWM), limit %d MB:\n", maxRSS>>20)
	var over []string
	for _, p := range procs.Peaks() {
		if p.Err != nil {
			return fmt.Errorf("rss: %s: %w", p.Name, p.Err)
		}
		fmt.Printf("  %-9s %6.1f MB\n", p.Name, p.MB())
		if p.Bytes >= maxRSS {
			over = append(over, fmt.Sprintf("%s %.1f MB", p.Name, p.MB()))
		}
	}
	switch {
	case r.errors > 0:
		return fmt.Errorf("rss: %d of %d requests failed, first: %s", r.errors, r.requests, r.firstErr)
	case over != nil:
		return fmt.Errorf("rss: over %d MB: %s", maxRSS>>20, strings.Join(over, ", "))
	}
	return nil
}
