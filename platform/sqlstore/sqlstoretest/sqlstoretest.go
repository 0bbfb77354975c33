// Package sqlstoretest gives store tests a database URL for every engine, so
// that one suite runs against SQLite and PostgreSQL.
//
// SQLite always runs (a file in t.TempDir). PostgreSQL runs when
// TDKT_TEST_POSTGRES_URL names a server (a URL; its database is used only to
// create and drop test databases). When it is unset the PostgreSQL engine is
// left out, unless TDKT_TEST_REQUIRE_SERVICES=1, which makes that a failure.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Environment variables read by this package.
const (
	PostgresURLEnv     = "TDKT_TEST_POSTGRES_URL"
	RequireServicesEnv = "TDKT_TEST_REQUIRE_SERVICES"
)

// Engine is one database engine to run store tests on.
type Engine struct {
	Name string // "sqlite" or "postgres"
	// URL returns the URL of a new, empty database for sqlstore.Open, removed
	// when t ends. Every call makes another database.
	URL func(t testing.TB) string
}

// Engines returns the engines to test on: SQLite always, PostgreSQL when
// TDKT_TEST_POSTGRES_URL is set.
func Engines(t testing.TB) []Engine {
	t.Helper()
	engines := []Engine{{Name: "sqlite", URL: sqliteURL}}
	admin := os.Getenv(PostgresURLEnv)
	if admin == "" {
		if os.Getenv(RequireServicesEnv) == "1" {
			t.Fatalf("%s is not set and %s=1", PostgresURLEnv, RequireServicesEnv)
		}
		t.Logf("%s is not set: PostgreSQL engine skipped", PostgresURLEnv)
		return engines
	}
	return append(engines, Engine{Name: "postgres", URL: func(t testing.TB) string {
		t.Helper()
		return postgresURL(t, admin)
	}})
}

func sqliteURL(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
}

// postgresURL creates a database tdkt_test_<random> on the admin URL's server
// and drops it (disconnecting its sessions) when t ends.
func postgresURL(t testing.TB, admin string) string {
	t.Helper()
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL", PostgresURLEnv)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := "tdkt_test_" + hex.EncodeToString(b[:])

	exec(t, admin, "CREATE DATABASE "+name)
	t.Cleanup(func() {
		exec(t, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u.Path = "/" + name
	return u.String()
}

// exec runs one statement on a short-lived connection to the admin database.
func exec(t testing.TB, admin, stmt string) {
	t.Helper()
	cfg, err := pgx.ParseConfig(admin)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresURLEnv, err)
	}
	db := sql.OpenDB(stdlib.GetConnector(*cfg))
	defer db.Close()
	// Not t.Context(): this also runs in t.Cleanup, after it is cancelled.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		t.Fatalf("%s: %v", stmt, fmt.Errorf("postgres at %s: %w", redactedHost(admin), err))
	}
}

func redactedHost(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Host
}
