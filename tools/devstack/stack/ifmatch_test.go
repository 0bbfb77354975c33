package stack_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// callWithIfMatch is call as the stack's central administrator with an
// If-Match header (none when ifMatch is empty).
func callWithIfMatch(t *testing.T, s *stacktest.Stack, method, u, ifMatch, body string) response {
	t.Helper()
	if ifMatch == "" {
		return call(t, method, u, strings.NewReader(body), "Authorization", "Bearer "+s.AdminToken)
	}
	return call(t, method, u, strings.NewReader(body), "Authorization", "Bearer "+s.AdminToken, "If-Match", ifMatch)
}

// TestIfMatchOverREST checks that If-Match, forwarded by the gateway, is
// the etag of an update: a stale one is refused exactly like a stale etag
// in the body, a current one lets the update through.
func TestIfMatchOverREST(t *testing.T) {
	s := stacktest.Start(t)
	_, err := s.Blocs.CreateUnit(t.Context(), &blocsv1.CreateUnitRequest{UnitId: "ha-giang", Unit: &blocsv1.Unit{
		DisplayName: "Ủy ban nhân dân tỉnh Hà Giang", ShortName: "Hà Giang",
		Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE,
	}})
	require.NoError(t, err)
	unitURL := s.BaseURL + "/v1/units/ha-giang"
	current := func(t *testing.T) string {
		t.Helper()
		r := call(t, http.MethodGet, unitURL, nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		etag := r.header.Get("ETag")
		require.NotEmpty(t, etag)
		return etag
	}
	patch := func(t *testing.T, ifMatch, body string) response {
		t.Helper()
		return callWithIfMatch(t, s, http.MethodPatch, unitURL+"?updateMask=shortName", ifMatch, body)
	}

	t.Run("stale If-Match is refused like a stale body etag", func(t *testing.T) {
		inBody := patch(t, "", `{"shortName":"HG","etag":"\"999\""}`)
		inHeader := patch(t, `"999"`, `{"shortName":"HG"}`)
		require.Equal(t, http.StatusConflict, inBody.status, "%s", inBody.body)
		require.Equal(t, inBody.status, inHeader.status, "%s", inHeader.body)
		require.Equal(t, errorOf(t, inBody), errorOf(t, inHeader))
	})

	t.Run("weak tag never matches", func(t *testing.T) {
		r := patch(t, "W/"+current(t), `{"shortName":"HG"}`)
		require.Equal(t, http.StatusConflict, r.status, "%s", r.body)
		require.Equal(t, 10, errorOf(t, r).Code) // ABORTED
	})

	t.Run("header and body disagree", func(t *testing.T) {
		r := patch(t, current(t), `{"shortName":"HG","etag":"\"999\""}`)
		require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
		require.Equal(t, []string{"unit.etag"}, errorOf(t, r).fields())
	})

	t.Run("method without an etag", func(t *testing.T) {
		r := callWithIfMatch(t, s, http.MethodPost, s.BaseURL+"/v1/units?unitId=cao-bang", `"1"`,
			`{"displayName":"Ủy ban nhân dân tỉnh Cao Bằng","kind":"UNIT_KIND_LOCALITY","level":"UNIT_LEVEL_PROVINCE"}`)
		require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
		require.Equal(t, []string{"If-Match"}, errorOf(t, r).fields())
	})

	t.Run("current If-Match updates", func(t *testing.T) {
		before := current(t)
		r := patch(t, before, `{"shortName":"HG"}`)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		require.Contains(t, string(r.body), `"shortName":"HG"`)
		require.NotEqual(t, before, r.header.Get("ETag"))

		// The etag it was sent is now stale.
		again := patch(t, before, `{"shortName":"Hà Giang"}`)
		require.Equal(t, http.StatusConflict, again.status, "%s", again.body)
	})

	t.Run("If-Match star is any version", func(t *testing.T) {
		r := patch(t, "*", `{"shortName":"Hà Giang"}`)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	})
}
