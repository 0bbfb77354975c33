package domain

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

func day(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }

// catalogue returns the embedded catalogue, failing the test if it is broken.
func catalogue(t *testing.T) *Catalogue {
	t.Helper()
	c, err := LoadCatalogue()
	require.NoError(t, err)
	return c
}

// award returns the embedded catalogue's row for code.
func award(t *testing.T, code string) AwardType {
	t.Helper()
	a, err := catalogue(t).Get(code)
	require.NoError(t, err)
	return a
}

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
	require.Equal(t, reason, re.Reason, "%v", err)
	require.Equal(t, subject, re.Subject, "%v", err)
	require.NotEmpty(t, re.Description)
	return re
}
