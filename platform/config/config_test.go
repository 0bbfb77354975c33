package config_test

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/config"
)

type testConfig struct {
	Name     string
	Port     int
	Timeout  time.Duration
	Debug    bool
	Database string
	Password string
	NoEnv    string
}

func (c *testConfig) registerFlags(fs *flag.FlagSet) {
	config.String(fs, &c.Name, "name", "TDKT_TEST_NAME", "blocs", "service name")
	config.Int(fs, &c.Port, "port", "TDKT_TEST_PORT", 8080, "listen port")
	config.Duration(fs, &c.Timeout, "timeout", "TDKT_TEST_TIMEOUT", 10*time.Second, "per-call deadline")
	config.Bool(fs, &c.Debug, "debug", "TDKT_TEST_DEBUG", false, "debug logging")
	config.String(fs, &c.Database, "database-url", "TDKT_TEST_DATABASE_URL", "sqlite::memory:", "database")
	config.String(fs, &c.Password, "redis-password", "TDKT_TEST_REDIS_PASSWORD", "", "redis password")
	config.String(fs, &c.NoEnv, "no-env", "", "plain", "a flag without environment variable")
}

func newFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func TestPrecedence(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want testConfig
	}{
		{
			name: "defaults",
			want: testConfig{Name: "blocs", Port: 8080, Timeout: 10 * time.Second, Database: "sqlite::memory:", NoEnv: "plain"},
		},
		{
			name: "env overrides default",
			env: map[string]string{
				"TDKT_TEST_NAME": "honours", "TDKT_TEST_PORT": "0x10", "TDKT_TEST_TIMEOUT": "1m30s",
				"TDKT_TEST_DEBUG": "true", "TDKT_TEST_DATABASE_URL": "postgres://u:p@h/db",
			},
			want: testConfig{Name: "honours", Port: 16, Timeout: 90 * time.Second, Debug: true, Database: "postgres://u:p@h/db", NoEnv: "plain"},
		},
		{
			name: "empty env counts as unset",
			env:  map[string]string{"TDKT_TEST_NAME": "", "TDKT_TEST_PORT": ""},
			want: testConfig{Name: "blocs", Port: 8080, Timeout: 10 * time.Second, Database: "sqlite::memory:", NoEnv: "plain"},
		},
		{
			name: "flag overrides env",
			env:  map[string]string{"TDKT_TEST_NAME": "honours", "TDKT_TEST_PORT": "9000", "TDKT_TEST_DEBUG": "true"},
			args: []string{"-name", "movements", "-port=9100", "-debug=false", "-timeout", "250ms", "-no-env", "x"},
			want: testConfig{Name: "movements", Port: 9100, Timeout: 250 * time.Millisecond, Database: "sqlite::memory:", NoEnv: "x"},
		},
		{
			name: "bool flag without value",
			args: []string{"-debug"},
			want: testConfig{Name: "blocs", Port: 8080, Timeout: 10 * time.Second, Debug: true, Database: "sqlite::memory:", NoEnv: "plain"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var c testConfig
			fs := newFlagSet()
			c.registerFlags(fs)
			require.NoError(t, config.Parse(fs, tt.args))
			require.Equal(t, tt.want, c)
		})
	}
}

func TestEnvIsTheShownDefault(t *testing.T) {
	t.Setenv("TDKT_TEST_PORT", "9000")
	var c testConfig
	fs := newFlagSet()
	c.registerFlags(fs)
	f := fs.Lookup("port")
	require.Equal(t, "9000", f.DefValue)
	require.Contains(t, f.Usage, "TDKT_TEST_PORT")
	require.Equal(t, "a flag without environment variable", fs.Lookup("no-env").Usage)

	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	require.Contains(t, b.String(), "-port value")
	require.Contains(t, b.String(), "(default 9000)")
}

func TestInvalidEnv(t *testing.T) {
	t.Setenv("TDKT_TEST_PORT", "abc")
	t.Setenv("TDKT_TEST_TIMEOUT", "10")
	t.Setenv("TDKT_TEST_DEBUG", "yes please")

	var c testConfig
	fs := newFlagSet()
	c.registerFlags(fs)
	err := config.Parse(fs, nil)
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		`invalid value "abc" for environment variable TDKT_TEST_PORT (flag -port): invalid syntax`,
		`TDKT_TEST_TIMEOUT (flag -timeout)`,
		`TDKT_TEST_DEBUG (flag -debug)`,
	} {
		require.Contains(t, msg, want)
	}
	// Defaults stay in place.
	require.Equal(t, 8080, c.Port)
	require.Equal(t, 10*time.Second, c.Timeout)
}

func TestInvalidEnvReportedEvenWhenFlagOverrides(t *testing.T) {
	t.Setenv("TDKT_TEST_PORT", "abc")
	var c testConfig
	fs := newFlagSet()
	c.registerFlags(fs)
	err := config.Parse(fs, []string{"-port", "9000"})
	require.ErrorContains(t, err, "TDKT_TEST_PORT")
	require.Equal(t, 9000, c.Port)
}

func TestInvalidFlag(t *testing.T) {
	var c testConfig
	fs := newFlagSet()
	c.registerFlags(fs)
	require.ErrorContains(t, config.Parse(fs, []string{"-port", "many"}), "-port")
	require.ErrorIs(t, config.Parse(newFlagSet(), []string{"-h"}), flag.ErrHelp)
}

func TestDump(t *testing.T) {
	t.Setenv("TDKT_TEST_DATABASE_URL", "postgres://tdkt:s3cr%40t@db.local:5432/blocs?sslmode=disable")
	t.Setenv("TDKT_TEST_REDIS_PASSWORD", "hunter2")

	var c testConfig
	fs := newFlagSet()
	c.registerFlags(fs)
	var (
		pageKey, apiToken, clientSecret, emptySecret, dsn, plainURL, userOnly, multiHost string
	)
	config.String(fs, &pageKey, "page-token-key", "", "0123456789abcdef", "")
	config.String(fs, &apiToken, "api-token", "", "tok", "")
	config.String(fs, &clientSecret, "oidc-client-secret", "", "shh", "")
	config.String(fs, &emptySecret, "unused-secret", "", "", "")
	config.String(fs, &dsn, "legacy-dsn", "", "host=db user=tdkt password=pa55 dbname=x", "")
	config.String(fs, &plainURL, "otlp-endpoint", "", "http://collector:4318/v1/traces", "")
	config.String(fs, &userOnly, "user-url", "", "redis://default@cache:6379/0", "")
	config.String(fs, &multiHost, "multi-host", "", "postgres://u:p4ss@h1:5432,h2:5432/db", "")
	require.NoError(t, config.Parse(fs, []string{"-timeout", "3s"}))

	var b strings.Builder
	config.Dump(fs, &b)
	want := strings.Join([]string{
		"api-token=xxxxx",
		"database-url=postgres://tdkt:xxxxx@db.local:5432/blocs?sslmode=disable",
		"debug=false",
		"legacy-dsn=host=db user=tdkt password=xxxxx dbname=x",
		"multi-host=postgres://u:xxxxx@h1:5432,h2:5432/db",
		"name=blocs",
		"no-env=plain",
		"oidc-client-secret=xxxxx",
		"otlp-endpoint=http://collector:4318/v1/traces",
		"page-token-key=xxxxx",
		"port=8080",
		"redis-password=xxxxx",
		"timeout=3s",
		"unused-secret=",
		"user-url=redis://default@cache:6379/0",
	}, "\n") + "\n"
	require.Equal(t, want, b.String())
	require.NotContains(t, b.String(), "s3cr")
	require.NotContains(t, b.String(), "hunter2")
}
