package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCommandLine(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"no command", nil, exitUsage, "", "usage: tdktctl COMMAND"},
		{"unknown command", []string{"export"}, exitUsage, "", `unknown command "export"`},
		{"help", []string{"help"}, exitOK, "usage: tdktctl COMMAND", ""},
		{"help import", []string{"help", "import"}, exitOK, "period_start", ""},
		{"import without a file", []string{"import"}, exitUsage, "", "want one FILE, got 0"},
		{"import two files", []string{"import", "a.csv", "-timeout", "1m", "b.csv"}, exitUsage, "", "want one FILE, got 2"},
		{"bad flag", []string{"import", "-timeout", "soon", "a.csv"}, exitUsage, "", "invalid value"},
		{"missing file", []string{"import", "testdata/no-such.csv"}, exitFailed, "", "no such file"},
		{"bad file: nothing sent", []string{"import", "-addr", "127.0.0.1:1", "testdata/bad.csv"}, exitFailed, "",
			"testdata/bad.csv, line 3, column 3 (signed_on): \"2023-02-30\" is not a date between 1945 and 2200\nNothing was sent.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr, false)
			require.Equal(t, tt.code, code, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
			require.Contains(t, stdout.String(), tt.stdout)
			require.Contains(t, stderr.String(), tt.stderr)
		})
	}
}

func TestProgress(t *testing.T) {
	clock := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }

	var plain bytes.Buffer
	p := &progress{w: &plain, interval: 5 * time.Second, now: now}
	p.start(4, 400)
	for range 4 {
		clock = clock.Add(2 * time.Second)
		p.add(100)
	}
	p.done()
	require.Equal(t, "sent 3/4 decisions, 300/400 rows, 50 rows/s\n"+
		"sent 4/4 decisions, 400/400 rows, 50 rows/s in 8s\n", plain.String(), "a line every 5 s, then the last")

	var tty bytes.Buffer
	p = &progress{w: &tty, terminal: true, interval: time.Hour, now: now}
	p.start(2, 20)
	clock = clock.Add(time.Second)
	p.add(10)
	clock = clock.Add(time.Second)
	p.add(10)
	p.done()
	out := tty.String()
	require.Equal(t, 3, strings.Count(out, "\r\x1b[K"), "%q", out)
	require.True(t, strings.HasSuffix(out, "\r\x1b[Ksent 2/2 decisions, 20/20 rows, 10 rows/s in 2s\n"), "%q", out)
}
