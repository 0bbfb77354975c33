package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAuditVerifyUsage(t *testing.T) {
	t.Setenv("TDKT_DATABASE_URL", "")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"help audit", []string{"help", "audit"}, exitOK, "tdktctl audit verify -database-url URL", ""},
		{"no subcommand", []string{"audit"}, exitUsage, "", "usage: tdktctl audit verify"},
		{"no database", []string{"audit", "verify"}, exitUsage, "", "-database-url (or TDKT_DATABASE_URL) is required"},
		{"extra argument", []string{"audit", "verify", "-database-url", "sqlite:x.db", "y"}, exitUsage, "", `unexpected argument "y"`},
		{"missing file", []string{"audit", "verify", "-database-url", "sqlite:" + filepath.Join(t.TempDir(), "none.db")}, exitFailed, "", "no such file"},
		{"not a service database", []string{"audit", "verify", "-database-url", "sqlite:testdata/bad.csv"}, exitFailed, "", "tdktctl audit verify:"},
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
