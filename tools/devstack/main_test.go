package main

import (
	"flag"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/config"
)

// parse registers devstack's flags, parses args and applies devstack's
// choices as main does before Start, with Start's defaults filled in.
func parse(t *testing.T, args ...string) options {
	t.Helper()
	var o options
	fs := flag.NewFlagSet("devstack", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	root := config.NewFlags(fs)
	o.registerFlags(root)
	require.NoError(t, config.Parse(fs, args))
	require.NoError(t, inheritRoot(root, os.Getenv))
	o.leaveToStack(root)
	o.stack = o.stack.WithDefaults()
	return o
}

func TestDevstackDefaults(t *testing.T) {
	// The variables of a binary run alone that name one service's database
	// or address are ambiguous in devstack and do not reach its services.
	t.Setenv("TDKT_DATABASE_URL", "postgres://u:p@h/shared")
	t.Setenv("TDKT_BLOCS_ADDR", "elsewhere:9101")
	t.Setenv("TDKT_HONOURS_ADDR", "elsewhere:9104")
	for _, v := range []string{"TDKT_PERSONAL_DATA_KEY", "TDKT_PAGE_TOKEN_KEY", "TDKT_HTTP_MAX_BODY", "TDKT_LOG_FORMAT", "TDKT_LOG_LEVEL",
		"TDKT_OIDC_ISSUER", "TDKT_OIDC_AUDIENCE", "TDKT_OIDC_JWKS_URL", "TDKT_CLIENT_CERTIFICATES"} {
		t.Setenv(v, "")
	}

	o := parse(t, "-data", "/tmp/d", "--redis", "r:6379", "--demo")
	require.True(t, o.demo)
	require.Equal(t, "sqlite:/tmp/d/blocs.db", o.stack.Blocs.DatabaseURL)
	require.Equal(t, "sqlite:/tmp/d/honours.db", o.stack.Honours.DatabaseURL)
	require.Equal(t, "r:6379", o.stack.Blocs.Cache.RedisAddr)
	require.Equal(t, "r:6379", o.stack.Honours.Cache.RedisAddr)
	require.Equal(t, "127.0.0.1:9101", o.stack.Honours.BlocsAddr)
	require.Equal(t, "127.0.0.1:9101", o.stack.Gateway.BlocsAddr)
	require.Equal(t, "127.0.0.1:9104", o.stack.Gateway.HonoursAddr)
	require.Equal(t, int64(1<<20), o.stack.Gateway.MaxBodyBytes)
	require.Empty(t, o.stack.Honours.PersonalData.PersonalDataKey)
	require.Equal(t, "text", o.stack.LogFormat)
	require.Equal(t, "info", o.logLevel)
	require.NoError(t, o.checkLogs())
	// No issuer given: every component believes the dev issuer.
	require.Equal(t, "127.0.0.1:9100", o.stack.IssuerAddr)
	require.Equal(t, "http://127.0.0.1:9100", o.stack.Blocs.Auth.Issuer)
	require.Equal(t, "http://127.0.0.1:9100", o.stack.Honours.Auth.Issuer)
	require.Equal(t, "http://127.0.0.1:9100", o.stack.Gateway.Auth.Issuer)
	require.Equal(t, "tdkt", o.stack.Blocs.Auth.Audience)
}

// TDKT_OIDC_ISSUER names the issuer every component believes, and the dev
// issuer is off; a component's own flag wins.
func TestDevstackRealIssuer(t *testing.T) {
	t.Setenv("TDKT_OIDC_ISSUER", "https://sso.tdkt.gov.vn/realms/tdkt")
	t.Setenv("TDKT_OIDC_AUDIENCE", "tdkt-api")
	o := parse(t, "-issuer", "127.0.0.1:9200", "-gateway.oidc-issuer", "https://edge-sso.example")
	require.Equal(t, "https://sso.tdkt.gov.vn/realms/tdkt", o.stack.Blocs.Auth.Issuer)
	require.Equal(t, "https://sso.tdkt.gov.vn/realms/tdkt", o.stack.Honours.Auth.Issuer)
	require.Equal(t, "https://edge-sso.example", o.stack.Gateway.Auth.Issuer)
	require.Equal(t, "tdkt-api", o.stack.Honours.Auth.Audience)
	require.Equal(t, "tdkt-api", o.stack.Gateway.Auth.Audience)
}

// The variables of a binary run alone whose meaning is the same in
// devstack apply to its components; a component's prefixed variable, and
// a flag, win over them.
func TestDevstackRootVariables(t *testing.T) {
	t.Setenv("TDKT_PERSONAL_DATA_KEY", "root-key")
	t.Setenv("TDKT_PAGE_TOKEN_KEY", "root-page-key-0123456789")
	t.Setenv("TDKT_HTTP_MAX_BODY", "4096")
	t.Setenv("TDKT_LOG_FORMAT", "json")
	t.Setenv("TDKT_LOG_LEVEL", "debug")

	o := parse(t)
	require.Equal(t, "root-key", o.stack.Honours.PersonalData.PersonalDataKey)
	require.Equal(t, "root-page-key-0123456789", o.stack.Blocs.PageTokenKey)
	require.Equal(t, "root-page-key-0123456789", o.stack.Honours.PageTokenKey)
	require.Equal(t, int64(4096), o.stack.Gateway.MaxBodyBytes)
	require.Equal(t, "json", o.stack.LogFormat)
	require.NoError(t, o.checkLogs())
	require.Equal(t, slog.LevelDebug, o.stack.LogLevel)

	t.Setenv("TDKT_HONOURS_PERSONAL_DATA_KEY", "honours-key")
	t.Setenv("TDKT_BLOCS_PAGE_TOKEN_KEY", "blocs-page-key-0123456789")
	o = parse(t, "-gateway.http-max-body", "8192", "-log-format", "text")
	require.Equal(t, "honours-key", o.stack.Honours.PersonalData.PersonalDataKey, "the prefixed variable wins")
	require.Equal(t, "blocs-page-key-0123456789", o.stack.Blocs.PageTokenKey)
	require.Equal(t, "root-page-key-0123456789", o.stack.Honours.PageTokenKey, "per component")
	require.Equal(t, int64(8192), o.stack.Gateway.MaxBodyBytes, "a flag wins")
	require.Equal(t, "text", o.stack.LogFormat)

	t.Setenv("TDKT_LOG_FORMAT", "yaml")
	o = parse(t)
	require.ErrorContains(t, o.checkLogs(), "TDKT_LOG_FORMAT")

	// A bad value names the variable it came from, without the secret.
	t.Setenv("TDKT_HTTP_MAX_BODY", "lots")
	var bad options
	fs := flag.NewFlagSet("devstack", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	root := config.NewFlags(fs)
	bad.registerFlags(root)
	require.NoError(t, config.Parse(fs, nil))
	require.ErrorContains(t, inheritRoot(root, os.Getenv), "TDKT_HTTP_MAX_BODY")
}

func TestDevstackComponentSettings(t *testing.T) {
	t.Setenv("TDKT_HONOURS_PERSONAL_DATA_KEY", "env-key")
	t.Setenv("TDKT_HONOURS_DATABASE_URL", "postgres://u:p@h/honours")
	t.Setenv("TDKT_BLOCS_PAGE_TOKEN_KEY", "env-page-key-0123456789")
	t.Setenv("TDKT_GATEWAY_HTTP_MAX_BODY", "2048")

	o := parse(t,
		"-redis", "shared:6379",
		"-blocs.database-url", "sqlite::memory:",
		"-blocs.page-token-key", "flag-page-key-0123456789",
		"-honours.redis-addr", "own:6379", "-honours.redis-password", "pw",
		"-gateway.honours-addr", "remote:9104",
	)
	require.Equal(t, "sqlite::memory:", o.stack.Blocs.DatabaseURL)
	require.Equal(t, "flag-page-key-0123456789", o.stack.Blocs.PageTokenKey, "a flag wins over its variable")
	require.Equal(t, "shared:6379", o.stack.Blocs.Cache.RedisAddr)
	require.Equal(t, "postgres://u:p@h/honours", o.stack.Honours.DatabaseURL)
	require.Equal(t, "env-key", o.stack.Honours.PersonalData.PersonalDataKey)
	require.Equal(t, "own:6379", o.stack.Honours.Cache.RedisAddr)
	require.Equal(t, "pw", o.stack.Honours.Cache.RedisPassword)
	require.Equal(t, "remote:9104", o.stack.Gateway.HonoursAddr)
	require.Equal(t, "127.0.0.1:9101", o.stack.Gateway.BlocsAddr)
	require.Equal(t, int64(2048), o.stack.Gateway.MaxBodyBytes)
}
