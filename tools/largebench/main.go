// Command largebench takes a decision of -n entries (50,000 by default)
// through its whole life over REST, with blocs, honours and the gateway
// each in a process of its own (built from this workspace, SQLite in a
// temporary directory, signed in as a central administrator at a dev
// issuer that runs in this process): create (a first part of 2500 entries, then
// addEntries 1000 at a time), issue, read the BASIC view, page through the
// entries, render the PDF and export the workbook. It prints the time of
// each step and the peak resident set (VmHWM) of each process; it asserts
// little and fails only when a call does.
//
//	go run ./tools/largebench            # make bench-large-decision
//	go run ./tools/largebench -n 20000
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tdkt-vn/tdkt/tools/internal/procstat"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
)

func main() {
	n := flag.Int("n", 50_000, "entries of the decision")
	flag.StringVar(&memLimit, "gomemlimit", "100MiB",
		"GOMEMLIMIT of the processes, as docker-compose.yml sets it; empty for none")
	flag.Parse()
	if err := run(context.Background(), *n); err != nil {
		fmt.Fprintln(os.Stderr, "largebench:", err)
		os.Exit(1)
	}
}

// memLimit is the processes' GOMEMLIMIT (the -gomemlimit flag).
var memLimit string

func run(ctx context.Context, n int) (err error) {
	dir, err := os.MkdirTemp("", "largebench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Printf("building blocs, honours and gateway (GOMEMLIMIT=%q)\n", memLimit)
	procs, err := procstat.Build(ctx, dir, memLimit, "blocs", "honours", "gateway")
	if err != nil {
		return err
	}
	iss, err := devissuer.Start(ctx, "127.0.0.1:0", devissuer.Options{})
	if err != nil {
		return err
	}
	blocsAddr, honoursAddr, httpAddr := procstat.FreeAddr(), procstat.FreeAddr(), procstat.FreeAddr()
	defer procs.Stop()
	start := func(name string, args ...string) error {
		return procs.Start(ctx, name, append(args, "-log-level", "warn", "-oidc-issuer", iss.URL())...)
	}
	if err := start("blocs", "-database-url", "sqlite:"+filepath.Join(dir, "blocs.db"), "-grpc-addr", blocsAddr); err != nil {
		return err
	}
	if err := start("honours", "-database-url", "sqlite:"+filepath.Join(dir, "honours.db"), "-grpc-addr", honoursAddr, "-blocs-addr", blocsAddr,
		"-recipient-key-secret", "bGFyZ2ViZW5jaCByZWNpcGllbnQga2V5IHNlY3JldCEhIQ=="); err != nil {
		return err
	}
	if err := start("gateway", "-http-addr", httpAddr, "-blocs-addr", blocsAddr, "-honours-addr", honoursAddr); err != nil {
		return err
	}
	api := "http://" + httpAddr
	if err := procstat.WaitReady(ctx, api+"/readyz"); err != nil {
		return err
	}
	report := func() {
		fmt.Println("peak resident set (VmHWM):")
		for _, p := range procs.Peaks() {
			if p.Err != nil {
				fmt.Printf("  %-8s %v\n", p.Name, p.Err)
				continue
			}
			fmt.Printf("  %-8s %6.1f MB\n", p.Name, p.MB())
		}
	}
	fmt.Println("after start:")
	report()
	peaks := func() string {
		var parts []string
		for _, p := range procs.Peaks() {
			if p.Err != nil {
				return p.Err.Error()
			}
			parts = append(parts, fmt.Sprintf("%s %.0f MB", p.Name, p.MB()))
		}
		return "peaks so far: " + strings.Join(parts, ", ")
	}
	admin := &auth.Caller{Subject: "largebench", Method: auth.MethodBearer,
		Grants: []auth.Grant{{Unit: devissuer.CentralUnit, Roles: []auth.Role{auth.CentralAdmin}}}}
	if err := flow(ctx, api, iss.Token(admin, 0), n, peaks); err != nil {
		return err
	}
	fmt.Printf("after the %d-entry flow:\n", n)
	report()
	return nil
}

// flow is the life of one decision of n entries, over REST, with the
// bearer token token.
func flow(ctx context.Context, api, token string, n int, peaks func() string) error {
	c := &client{ctx: ctx, api: api, token: token}
	started := time.Now()
	step := func(name string, extra string) {
		fmt.Printf("  %-8s %8v  %-24s %s\n", name, time.Since(started).Round(time.Millisecond), extra, peaks())
		started = time.Now()
	}
	c.post("/v1/units?unitId=tinh-lon", `{"displayName":"Ủy ban nhân dân tỉnh Lớn","shortName":"Lớn","kind":"UNIT_KIND_LOCALITY","level":"UNIT_LEVEL_PROVINCE"}`)
	c.post("/v1/units?unitId=so-noi-vu-lon", `{"displayName":"Sở Nội vụ tỉnh Lớn","kind":"UNIT_KIND_AGENCY","level":"UNIT_LEVEL_PROVINCE","province":"units/tinh-lon"}`)
	const first = 2500
	c.post("/v1/decisions?decisionId=qd-lon", mustJSON(map[string]any{
		"document": map[string]any{
			"number": "1/QĐ-UBND", "signedOn": map[string]any{"year": 2025, "month": 1, "day": 15},
			"signerName": "Trần Văn Lớn", "signerTitle": "Chủ tịch", "issuer": "units/tinh-lon",
		},
		"title":     "Về việc tặng Bằng khen của Chủ tịch UBND tỉnh",
		"authority": "units/tinh-lon",
		"entries":   entries(0, min(first, n)),
	}))
	for from := first; from < n; from += 1000 {
		c.post("/v1/decisions/qd-lon:addEntries", mustJSON(map[string]any{"entries": entries(from, min(from+1000, n))}))
	}
	step("create", "")
	c.post("/v1/decisions/qd-lon:issue", `{}`)
	step("issue", "")
	c.get("/v1/decisions/qd-lon?view=DECISION_VIEW_BASIC")
	seen := 0
	for token := ""; c.err == nil; {
		var page struct {
			Entries       []json.RawMessage `json:"entries"`
			NextPageToken string            `json:"nextPageToken"`
		}
		c.decode(c.get("/v1/decisions/qd-lon/entries?pageSize=1000&pageToken="+url.QueryEscape(token)), &page)
		seen += len(page.Entries)
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	step("list", fmt.Sprintf("%d entries", seen))
	pdf := c.get("/v1/decisions/qd-lon:render")
	step("render", fmt.Sprintf("%d bytes of PDF", len(pdf)))
	xlsx := c.get("/v1/honours:export?authority=units/tinh-lon")
	step("export", fmt.Sprintf("%d bytes of XLSX", len(xlsx)))
	if c.err == nil && seen != n {
		return fmt.Errorf("listed %d entries of %d", seen, n)
	}
	return c.err
}

func entries(from, to int) []map[string]any {
	out := make([]map[string]any, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, map[string]any{
			"recipient": map[string]any{
				"kind": "RECIPIENT_KIND_INDIVIDUAL", "fullName": fmt.Sprintf("Nguyễn Văn Lớn %05d", i),
				"gender": "GENDER_MALE", "birthYear": 1970 + i%30, "position": "Chuyên viên", "unit": "units/so-noi-vu-lon",
			},
			"awardType":    "awardTypes/BK_TINH",
			"period":       map[string]any{"startYear": 2024, "endYear": 2024},
			"achievements": "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2024",
		})
	}
	return out
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// client makes REST calls and keeps the first error.
type client struct {
	ctx   context.Context
	api   string
	token string
	err   error
}

func (c *client) do(method, path, body string) []byte {
	if c.err != nil {
		return nil
	}
	req, err := http.NewRequestWithContext(c.ctx, method, c.api+path, strings.NewReader(body))
	if err != nil {
		c.err = err
		return nil
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.err = err
		return nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		c.err = fmt.Errorf("%s %s: %w", method, path, err)
	case resp.StatusCode != http.StatusOK:
		c.err = fmt.Errorf("%s %s: %s: %.300s", method, path, resp.Status, b)
	}
	return b
}

func (c *client) get(path string) []byte        { return c.do(http.MethodGet, path, "") }
func (c *client) post(path, body string) []byte { return c.do(http.MethodPost, path, body) }

func (c *client) decode(b []byte, v any) {
	if c.err == nil {
		c.err = json.Unmarshal(b, v)
	}
}
