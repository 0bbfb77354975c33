package domain

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

// now is the clock every test passes to the domain.
var now = time.Date(2024, 3, 15, 9, 30, 0, 0, time.UTC)

// later is a second clock reading, for updates.
var later = now.Add(time.Hour)

func day(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }

// requireFields checks that err is a FieldErrors naming exactly fields, in
// that order, and returns it.
func requireFields(t *testing.T, err error, fields ...string) FieldErrors {
	t.Helper()
	require.Error(t, err)
	var fe FieldErrors
	require.True(t, errors.As(err, &fe), "want FieldErrors, got %T: %v", err, err)
	got := make([]string, len(fe))
	for i, e := range fe {
		got[i] = e.Field
		require.NotEmpty(t, e.Description, "field %s", e.Field)
	}
	require.Equal(t, fields, got, "violated fields of %v", err)
	return fe
}

// requireRule checks that err is a *RuleError with reason and subject.
func requireRule(t *testing.T, err error, reason, subject string) *RuleError {
	t.Helper()
	require.Error(t, err)
	var re *RuleError
	require.True(t, errors.As(err, &re), "want *RuleError, got %T: %v", err, err)
	require.Equal(t, reason, re.Reason, "reason of %v", err)
	require.Equal(t, subject, re.Subject, "subject of %v", err)
	require.NotEmpty(t, re.Description)
	return re
}

// wantErr describes the error a case expects: none, a stale etag, field
// violations or a broken rule.
type wantErr struct {
	stale   bool
	fields  []string
	reason  string
	subject string
}

func (w wantErr) check(t *testing.T, err error) {
	t.Helper()
	switch {
	case w.stale:
		require.ErrorIs(t, err, ErrStaleEtag)
	case w.fields != nil:
		requireFields(t, err, w.fields...)
	case w.reason != "":
		requireRule(t, err, w.reason, w.subject)
	default:
		require.NoError(t, err)
	}
}

func (w wantErr) ok() bool { return !w.stale && w.fields == nil && w.reason == "" }

func TestErrorTypes(t *testing.T) {
	fe := FieldErrors{{Field: "unit.kind", Description: "is required"}, {Field: "unit.level", Description: "is required"}}
	require.Equal(t, "invalid argument: unit.kind: is required; unit.level: is required", fe.Error())
	require.NoError(t, FieldErrors(nil).Err())
	require.NoError(t, FieldErrors{}.Err())
	require.Equal(t, error(fe), fe.Err())

	re := rule("UNIT_DISSOLVED", "units/x", "dissolved on %s", day(2025, 7, 1))
	require.Equal(t, "UNIT_DISSOLVED: units/x: dissolved on 2025-07-01", re.Error())
	require.Equal(t, "units/x not found", (&NotFoundError{Name: "units/x"}).Error())
	require.Equal(t, "groups/g already exists", (&ExistsError{Name: "groups/g"}).Error())
}
