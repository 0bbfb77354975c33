package sqlstore

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// JSON keeps a value as JSON text in a TEXT column, nil and empty slices
// as the empty string. It is both a query argument (driver.Valuer) and a
// Scan destination (sql.Scanner, given a pointer), so that rows are written
// and read through the same call: JSON(m.Criteria), JSON(&m.Criteria). The
// empty string and NULL leave the destination as it is.
func JSON(v any) JSONValue { return JSONValue{v} }

// JSONValue is what JSON returns.
type JSONValue struct{ v any }

// Value implements driver.Valuer.
func (j JSONValue) Value() (driver.Value, error) {
	b, err := json.Marshal(j.v)
	if err != nil || string(b) == "null" || string(b) == "[]" {
		return "", err
	}
	return string(b), nil
}

// Scan implements sql.Scanner.
func (j JSONValue) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case nil:
	default:
		return fmt.Errorf("sqlstore: cannot scan %T as JSON text", src)
	}
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), j.v)
}

var _ sql.Scanner = JSONValue{}

// Scanner is a row or rows, to scan.
type Scanner interface{ Scan(dest ...any) error }

// Collect scans every row of a query's result with scan, and closes the
// rows; err is the query's, returned as it is.
func Collect[T any](rows *sql.Rows, err error, scan func(Scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
