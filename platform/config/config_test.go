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

// component is a component's configuration registered through Flags, as
// services do.
type component struct {
	DatabaseURL string
	MaxBody     int64
	Redis       redisConfig
}

// redisConfig is a part that registers its own flags.
type redisConfig struct {
	Addr     string
	Password string
}

func (c *redisConfig) registerFlags(f config.Flags) {
	f.String(&c.Addr, "redis-addr", "", "redis host:port")
	f.String(&c.Password, "redis-password", "", "redis password")
}

func (c *component) registerFlags(f config.Flags) {
	f.String(&c.DatabaseURL, "database-url", "sqlite::memory:", "database")
	f.Int64(&c.MaxBody, "max-body", 1<<20, "largest body")
	c.Redis.registerFlags(f)
}

func TestNames(t *testing.T) {
	root := config.NewFlags(newFlagSet())
	tests := []struct {
		f          config.Flags
		name, env  string
		wantPrefix string
	}{
		{root, "database-url", "TDKT_DATABASE_URL", ""},
		{root.Sub("honours"), "honours.database-url", "TDKT_HONOURS_DATABASE_URL", "honours."},
		{root.Sub("gateway"), "gateway.http-max-body", "TDKT_GATEWAY_HTTP_MAX_BODY", "gateway."},
		{root.Sub("a").Sub("b-c"), "a.b-c.x", "TDKT_A_B_C_X", "a.b-c."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			short := strings.TrimPrefix(tt.name, tt.wantPrefix)
			require.Equal(t, tt.name, tt.f.Name(short))
			require.Equal(t, tt.env, tt.f.Env(short))
		})
	}
}

func TestPrefixAppliesToFlagsAndEnv(t *testing.T) {
	t.Setenv("TDKT_DATABASE_URL", "sqlite:root.db")
	t.Setenv("TDKT_HONOURS_DATABASE_URL", "postgres://u:p@h/honours")
	t.Setenv("TDKT_HONOURS_REDIS_ADDR", "redis:6379")
	t.Setenv("TDKT_BLOCS_MAX_BODY", "4096")

	fs := newFlagSet()
	root := config.NewFlags(fs)
	var top, blocs, honours component
	top.registerFlags(root)
	blocs.registerFlags(root.Sub("blocs"))
	honours.registerFlags(root.Sub("honours"))

	for _, name := range []string{"database-url", "blocs.database-url", "honours.database-url", "honours.redis-password", "blocs.max-body"} {
		require.NotNil(t, fs.Lookup(name), name)
	}
	require.Contains(t, fs.Lookup("honours.database-url").Usage, "(env TDKT_HONOURS_DATABASE_URL)")

	require.NoError(t, config.Parse(fs, []string{"-blocs.database-url", "sqlite:blocs.db", "-honours.redis-password", "pw"}))
	require.Equal(t, component{DatabaseURL: "sqlite:root.db", MaxBody: 1 << 20}, top)
	require.Equal(t, component{DatabaseURL: "sqlite:blocs.db", MaxBody: 4096}, blocs)
	require.Equal(t, component{DatabaseURL: "postgres://u:p@h/honours", MaxBody: 1 << 20,
		Redis: redisConfig{Addr: "redis:6379", Password: "pw"}}, honours)

	var b strings.Builder
	config.Dump(fs, &b)
	require.Contains(t, b.String(), "honours.database-url=postgres://u:xxxxx@h/honours\n")
	require.Contains(t, b.String(), "honours.redis-password=xxxxx\n")
	require.NotContains(t, b.String(), "pw")
}

func TestInt64(t *testing.T) {
	tests := []struct {
		name    string
		env     string
		args    []string
		want    int64
		wantErr string
	}{
		{name: "default", want: 1 << 20},
		{name: "env beyond 32 bits", env: "8589934592", want: 1 << 33},
		{name: "env hex", env: "0x400", want: 1024},
		{name: "flag wins", env: "2048", args: []string{"-x.max-body", "-5"}, want: -5},
		{name: "invalid env", env: "lots", wantErr: `invalid value "lots" for environment variable TDKT_X_MAX_BODY (flag -x.max-body): invalid syntax`},
		{name: "env out of range", env: "9223372036854775808", wantErr: "TDKT_X_MAX_BODY (flag -x.max-body): value out of range"},
		{name: "invalid flag", args: []string{"-x.max-body", "1.5"}, wantErr: "-x.max-body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("TDKT_X_MAX_BODY", tt.env)
			fs := newFlagSet()
			var c component
			c.registerFlags(config.NewFlags(fs).Sub("x"))
			err := config.Parse(fs, tt.args)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, c.MaxBody)
			require.Equal(t, tt.want, fs.Lookup("x.max-body").Value.(flag.Getter).Get())
		})
	}
}

func TestInvalidEnvUnderPrefix(t *testing.T) {
	t.Setenv("TDKT_MAX_BODY", "invalid, but only the root reads it")
	t.Setenv("TDKT_GATEWAY_MAX_BODY", "big")
	t.Setenv("TDKT_GATEWAY_SUB_MAX_BODY", "0x")

	fs := newFlagSet()
	var gw, sub component
	root := config.NewFlags(fs)
	gw.registerFlags(root.Sub("gateway"))
	sub.registerFlags(root.Sub("gateway").Sub("sub"))
	err := config.Parse(fs, []string{"-gateway.max-body", "10"})
	require.Error(t, err)
	msg := err.Error()
	require.Contains(t, msg, `invalid value "big" for environment variable TDKT_GATEWAY_MAX_BODY (flag -gateway.max-body)`)
	require.Contains(t, msg, `invalid value "0x" for environment variable TDKT_GATEWAY_SUB_MAX_BODY (flag -gateway.sub.max-body)`)
	require.NotContains(t, msg, "TDKT_MAX_BODY")
	require.Equal(t, int64(10), gw.MaxBody)
	require.Equal(t, int64(1<<20), sub.MaxBody)
}

func TestIsSet(t *testing.T) {
	t.Setenv("TDKT_BLOCS_DATABASE_URL", "sqlite:env.db")
	t.Setenv("TDKT_BLOCS_REDIS_ADDR", "")       // empty counts as unset
	t.Setenv("TDKT_HONOURS_MAX_BODY", "plenty") // invalid is not set
	fs := newFlagSet()
	root := config.NewFlags(fs)
	var blocs, honours component
	blocs.registerFlags(root.Sub("blocs"))
	honours.registerFlags(root.Sub("honours"))
	var plain string
	fs.StringVar(&plain, "plain", "", "a standard flag")
	_ = config.Parse(fs, []string{"-honours.database-url", "sqlite:flag.db", "-plain", "x"})

	b, h := root.Sub("blocs"), root.Sub("honours")
	require.True(t, b.IsSet("database-url"), "from env")
	require.True(t, h.IsSet("database-url"), "from flag")
	require.True(t, root.IsSet("plain"), "a standard flag given")
	require.False(t, b.IsSet("redis-addr"))
	require.False(t, b.IsSet("max-body"))
	require.False(t, h.IsSet("max-body"))
	require.Panics(t, func() { root.IsSet("database-url") })
}

func TestTwoFlagsReadingOneVariablePanic(t *testing.T) {
	fs := newFlagSet()
	root := config.NewFlags(fs)
	var a, b string
	root.Sub("blocs").String(&a, "addr", "", "")
	require.PanicsWithValue(t, "config: flags -blocs.addr and -blocs-addr both read TDKT_BLOCS_ADDR", func() {
		root.String(&b, "blocs-addr", "", "")
	})
}
