// Package sqlstore opens a service's database (SQLite or PostgreSQL) through
// database/sql, traces it with OpenTelemetry, applies embedded goose
// migrations, and holds the storage helpers every service shares:
// transactions, unique-violation checks, idempotent requests and the audit log.
//
// Queries are written once for both engines with $1, $2, ... placeholders:
// modernc.org/sqlite binds $N positionally, like PostgreSQL, so no rebinding is
// needed. Column types that both engines accept: TEXT, BIGINT, BYTEA (stored as
// a BLOB by SQLite), DOUBLE PRECISION.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/XSAM/otelsql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"go.opentelemetry.io/otel/attribute"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	"modernc.org/sqlite"
)

// Dialect is the SQL engine behind a DB.
type Dialect int

// The supported engines.
const (
	SQLite Dialect = iota + 1
	Postgres
)

func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	default:
		return fmt.Sprintf("Dialect(%d)", int(d))
	}
}

// DB is a database handle that knows its engine.
type DB struct {
	*sql.DB
	Dialect Dialect
	tracer  trace.Tracer // spans of what otelsql does not see (COPY)
}

// Version tables: the platform's own migrations and the service's are tracked
// separately, so their version numbers never collide.
const (
	platformVersionTable = "tdkt_platform_migrations"
	serviceVersionTable  = "goose_db_version"
)

//go:embed migrations/*.sql
var platformMigrations embed.FS

// sqliteParams are added to every SQLite DSN. _txlock=immediate takes the write
// lock at BEGIN, so that concurrent writers wait on busy_timeout instead of
// failing with SQLITE_BUSY when a read transaction tries to upgrade.
const sqliteParams = "_txlock=immediate&_busy_timeout=10000&_foreign_keys=1&_journal_mode=WAL&_synchronous=FULL"

// Open connects to the database named by url, applies the platform's
// migrations (tables requests, audit_log and audit_head, versions in
// tdkt_platform_migrations), then the service's migrations: goose *.sql files
// at the root of migrations (use fs.Sub for an embedded directory; nil means
// none) and goMigrations, numbered in the same sequence.
//
// url is "sqlite:PATH" (a file, created when missing), "sqlite::memory:" (a
// private in-memory database held by a single connection: it lives as long as
// the DB, and a query issued while a transaction is open on the DB blocks) or
// "postgres://..." / "postgresql://..." (pgx). Statements are traced with tp
// (nil means no tracing); Ping, rows iteration and session resets make no
// spans.
func Open(ctx context.Context, url string, migrations fs.FS, tp trace.TracerProvider, goMigrations ...Migration) (*DB, error) {
	db, err := connect(ctx, url, tp)
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx, migrations, goMigrations...); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// Connect connects to the existing database named by url (see Open)
// without applying any migration: for tools that read a service's database,
// such as tdktctl audit verify. A SQLite file must exist.
func Connect(ctx context.Context, url string, tp trace.TracerProvider) (*DB, error) {
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		path = strings.SplitN(strings.TrimPrefix(path, "//"), "?", 2)[0]
		if path != ":memory:" && path != "" {
			if _, err := os.Stat(path); err != nil {
				return nil, fmt.Errorf("sqlstore: %w", err)
			}
		}
	}
	return connect(ctx, url, tp)
}

// connect opens the database, traced with tp (nil: not traced), and checks
// that it answers.
func connect(ctx context.Context, url string, tp trace.TracerProvider) (*DB, error) {
	if tp == nil {
		tp = tracenoop.NewTracerProvider()
	}
	db, err := open(url, tp)
	if err != nil {
		return nil, err
	}
	db.tracer = tp.Tracer("github.com/tdkt-vn/tdkt/platform/sqlstore")
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlstore: connect to %s database: %w", db.Dialect, err)
	}
	return db, nil
}

func open(url string, tp trace.TracerProvider) (*DB, error) {
	opts := func(system attribute.KeyValue) []otelsql.Option {
		return []otelsql.Option{
			otelsql.WithTracerProvider(tp),
			// Open takes no MeterProvider: no SQL metrics for now.
			otelsql.WithMeterProvider(metricnoop.NewMeterProvider()),
			otelsql.WithAttributes(system),
			otelsql.WithSpanOptions(otelsql.SpanOptions{
				Ping:                 false,
				DisableErrSkip:       true,
				OmitConnResetSession: true,
				OmitRows:             true,
			}),
		}
	}
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
		if path == "" {
			return nil, errors.New("sqlstore: empty SQLite path")
		}
		memory := path == ":memory:"
		if !memory {
			// A file under a directory that does not exist yet (./var on a
			// fresh checkout): create the directory.
			dir := filepath.Dir(strings.SplitN(path, "?", 2)[0])
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("sqlstore: create %s: %w", dir, err)
			}
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		connector, err := sqlite.NewConnector(path + sep + sqliteParams)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: SQLite DSN: %w", err)
		}
		db := otelsql.OpenDB(connector, opts(semconv.DBSystemNameSQLite)...)
		if memory {
			// Every connection to ":memory:" is a database of its own: keep
			// exactly one, forever.
			db.SetMaxOpenConns(1)
			db.SetMaxIdleConns(1)
			db.SetConnMaxLifetime(0)
			db.SetConnMaxIdleTime(0)
		} else {
			// Readers run in parallel under WAL; writers queue on the
			// database lock (busy_timeout).
			n := max(4, runtime.GOMAXPROCS(0))
			db.SetMaxOpenConns(n)
			db.SetMaxIdleConns(n)
		}
		return &DB{DB: db, Dialect: SQLite}, nil
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: PostgreSQL URL: %w", err)
		}
		db := otelsql.OpenDB(stdlib.GetConnector(*cfg), opts(semconv.DBSystemNamePostgreSQL)...)
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		db.SetConnMaxIdleTime(5 * time.Minute)
		db.SetConnMaxLifetime(30 * time.Minute)
		return &DB{DB: db, Dialect: Postgres}, nil
	default:
		return nil, fmt.Errorf("sqlstore: unsupported database URL %q: want sqlite:PATH, sqlite::memory: or postgres://", redact(url))
	}
}

// migrate applies the platform's migrations, then the service's: its
// *.sql files and goMigrations, in one sequence of versions.
func (db *DB) migrate(ctx context.Context, migrations fs.FS, goMigrations ...Migration) error {
	platform, err := fs.Sub(platformMigrations, "migrations")
	if err != nil {
		return fmt.Errorf("sqlstore: platform migrations: %w", err)
	}
	if err := db.up(ctx, platform, platformVersionTable, chainAuditMigration); err != nil {
		return fmt.Errorf("sqlstore: platform migrations: %w", err)
	}
	if migrations == nil {
		return nil
	}
	if err := db.up(ctx, migrations, serviceVersionTable, built(db.Dialect, goMigrations)...); err != nil {
		if errors.Is(err, goose.ErrNoMigrations) {
			return errors.New("sqlstore: service migrations: no *.sql files at the root of the migrations FS (embed a directory and pass fs.Sub(fsys, dir))")
		}
		return fmt.Errorf("sqlstore: service migrations: %w", err)
	}
	return nil
}

func (db *DB) up(ctx context.Context, fsys fs.FS, table string, goMigrations ...*goose.Migration) error {
	opts := []goose.ProviderOption{
		goose.WithTableName(table),
		goose.WithDisableGlobalRegistry(true),
		goose.WithGoMigrations(goMigrations...),
	}
	dialect := goose.DialectSQLite3
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
		// Replicas starting together take turns; SQLite needs no lock
		// (immediate transactions serialise the writers).
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.DB, dialectFS{fsys, db.Dialect.String()}, opts...)
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// dialectFS is a migrations directory whose subdirectories "postgres" and
// "sqlite" hold the migrations written for one engine: goose finds the
// *.sql files at the root and those of the engine's subdirectory, and
// numbers them in one sequence (a version is in one place only: at the
// root, or in both subdirectories).
type dialectFS struct {
	fs.FS
	dir string
}

// Glob returns the root's matches of pattern, then the engine's.
func (f dialectFS) Glob(pattern string) ([]string, error) {
	root, err := fs.Glob(f.FS, pattern)
	if err != nil {
		return nil, err
	}
	own, err := fs.Glob(f.FS, path.Join(f.dir, pattern))
	return append(root, own...), err
}

// redact hides a password in a URL-like string for error messages.
func redact(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return s
	}
	if user, _, hasPass := strings.Cut(userinfo, ":"); hasPass {
		return scheme + "://" + user + ":xxxxx@" + host
	}
	return s
}
