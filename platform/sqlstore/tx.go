package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
)

// Tx is a transaction of InTx: database/sql's, plus a bulk insert (Copy)
// that runs on the transaction's own connection.
type Tx struct {
	*sql.Tx
	conn *sql.Conn
	db   *DB
	now  time.Time
}

// Now is the time of the transaction: the store's clock when Store.Do
// began it (zero in a transaction of InTx).
func (tx *Tx) Now() time.Time { return tx.now }

// InTx runs fn in a transaction and commits it when fn returns nil. It rolls
// back when fn returns an error (returned as is) or panics (the panic goes on).
//
// Transactions use the engine's default isolation (READ COMMITTED on
// PostgreSQL; SQLite transactions are serialisable and take the write lock at
// BEGIN) and are not retried: code that needs a consistent read-modify-write on
// PostgreSQL locks the rows it reads (SELECT ... FOR UPDATE, not supported by
// SQLite: branch on db.Dialect) or relies on constraints.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	// The transaction is begun on a connection of its own, so that Copy can
	// reach the driver's connection under it.
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: connect: %w", err)
	}
	defer conn.Close()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	tx := &Tx{Tx: sqlTx, conn: conn, db: db}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		if rerr := sqlTx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) && !errors.Is(rerr, driver.ErrBadConn) {
			return errors.Join(err, fmt.Errorf("sqlstore: rollback: %w", rerr))
		}
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// sqliteMaxParams is the most parameters one SQLite statement binds
// (SQLITE_MAX_VARIABLE_NUMBER).
const sqliteMaxParams = 32766

// Copy inserts rows (each with a value per column) into table within the
// transaction: on PostgreSQL with one COPY (binary, no statement to parse,
// no parameters to bind), on SQLite with multi-row INSERTs. Constraint
// violations fail it as they would an INSERT (IsUniqueViolation holds).
func (tx *Tx) Copy(ctx context.Context, table string, columns []string, rows [][]any) error {
	for _, row := range rows {
		if len(row) != len(columns) {
			return fmt.Errorf("sqlstore: copy into %s: a row has %d values for %d columns", table, len(row), len(columns))
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if tx.db.Dialect != Postgres {
		return tx.insertRows(ctx, table, columns, rows)
	}
	ctx, span := tx.db.tracer.Start(ctx, "COPY "+table, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		semconv.DBSystemNamePostgreSQL, semconv.DBOperationName("COPY"), semconv.DBCollectionName(table),
		attribute.Int("db.copy.rows", len(rows))))
	defer span.End()
	err := tx.conn.Raw(func(dc any) error {
		c, err := pgxConn(dc)
		if err != nil {
			return err
		}
		_, err = c.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		return fmt.Errorf("copy into %s: %w", table, err)
	}
	return nil
}

// pgxConn finds the pgx connection under a database/sql driver connection
// (otelsql wraps it).
func pgxConn(dc any) (*pgx.Conn, error) {
	for {
		switch c := dc.(type) {
		case *stdlib.Conn:
			return c.Conn(), nil
		case interface{ Raw() driver.Conn }:
			dc = c.Raw()
		default:
			return nil, fmt.Errorf("sqlstore: %T is not a pgx connection", dc)
		}
	}
}

// insertRows inserts rows with multi-row INSERT statements of as many rows
// as SQLite binds parameters for: one statement per batch, not per row. SQLite binds "$N" as a
// named parameter and looks each name up in a list, which is quadratic in a
// statement of thousands of parameters; its anonymous "?" costs nothing, so
// the statement uses those.
func (tx *Tx) insertRows(ctx context.Context, table string, columns []string, rows [][]any) error {
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?,", len(columns)), ",") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES "
	size := min(1000, sqliteMaxParams/len(columns))
	for start := 0; start < len(rows); start += size {
		batch := rows[start:min(start+size, len(rows))]
		args := make([]any, 0, len(batch)*len(columns))
		for _, row := range batch {
			args = append(args, row...)
		}
		query := head + strings.TrimSuffix(strings.Repeat(tuple+",", len(batch)), ",")
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}
