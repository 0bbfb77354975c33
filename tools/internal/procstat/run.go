package procstat

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Commands are the services' commands, built from the workspace (run from
// its root) into a directory of their own.
var Commands = map[string]string{
	"blocs":       "./services/blocs/cmd/blocs",
	"honours":     "./services/honours/cmd/honours",
	"movements":   "./services/movements/cmd/movements",
	"nominations": "./services/nominations/cmd/nominations",
	"gateway":     "./gateway/cmd/gateway",
}

// Procs are services running each in a process of its own.
type Procs struct {
	dir   string   // where the commands are built
	env   []string // of every process
	procs []*proc
}

type proc struct {
	name string
	cmd  *exec.Cmd
}

// Build builds the commands names (keys of Commands) into dir and returns
// the Procs that runs them with the environment of this process, without
// its TDKT_* and OTEL_* settings, and with GOMEMLIMIT=memLimit (empty: none).
func Build(ctx context.Context, dir, memLimit string, names ...string) (*Procs, error) {
	for _, name := range names {
		pkg, ok := Commands[name]
		if !ok {
			return nil, fmt.Errorf("no command %q", name)
		}
		out, err := exec.CommandContext(ctx, "go", "build", "-o", dir, pkg).CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("go build %s (run from the workspace root): %v\n%s", pkg, err, out)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TDKT_") && !strings.HasPrefix(kv, "OTEL_") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
			env = append(env, kv)
		}
	}
	if memLimit != "" {
		env = append(env, "GOMEMLIMIT="+memLimit)
	}
	return &Procs{dir: dir, env: env}, nil
}

// Start starts the built command name with args; its output goes to this
// process's standard error.
func (p *Procs) Start(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(p.dir, name), args...)
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	p.procs = append(p.procs, &proc{name, cmd})
	return nil
}

// Stop interrupts the processes, the last started first (a client
// before the services it calls), and waits for each to end.
func (p *Procs) Stop() {
	for _, pr := range slices.Backward(p.procs) {
		_ = pr.cmd.Process.Signal(os.Interrupt)
		_ = pr.cmd.Wait()
	}
	p.procs = nil
}

// Peak is the peak resident set of one process.
type Peak struct {
	Name  string
	Bytes int64
	Err   error // the peak could not be read
}

// MB is the peak in mebibytes.
func (p Peak) MB() float64 { return float64(p.Bytes) / (1 << 20) }

// Peaks returns the peak resident set (VmHWM) of each process so far, in
// the order they were started.
func (p *Procs) Peaks() []Peak {
	var out []Peak
	for _, pr := range p.procs {
		b, err := PeakRSS(pr.cmd.Process.Pid)
		out = append(out, Peak{Name: pr.name, Bytes: b, Err: err})
	}
	return out
}

// FreeAddr is a loopback address nothing listens on now.
func FreeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// WaitReady waits, at most 30 seconds, for GET url to answer 200 OK.
func WaitReady(ctx context.Context, url string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return errors.New(url + " does not answer 200 after 30s")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
