package stack_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/proto"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

type response struct {
	status int
	header http.Header
	body   []byte
}

// call makes a REST call with headers (name, value, name, value, …).
func call(t *testing.T, method, u string, body io.Reader, headers ...string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, body)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{resp.StatusCode, resp.Header, b}
}

// rpcStatus is the JSON error body: google.rpc.Status.
type rpcStatus struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Details []struct {
		Type            string `json:"@type"`
		FieldViolations []struct {
			Field string `json:"field"`
		} `json:"fieldViolations"`
	} `json:"details"`
}

func (s rpcStatus) fields() []string {
	var fs []string
	for _, d := range s.Details {
		for _, v := range d.FieldViolations {
			fs = append(fs, v.Field)
		}
	}
	return fs
}

func errorOf(t *testing.T, r response) rpcStatus {
	t.Helper()
	require.Equal(t, "application/json", r.header.Get("Content-Type"), "%s", r.body)
	var s rpcStatus
	require.NoError(t, json.Unmarshal(r.body, &s), "%s", r.body)
	return s
}

func TestStack(t *testing.T) {
	s := stacktest.Start(t)
	ctx := t.Context()

	// Demo data, loaded twice: the second load changes nothing.
	clients := demo.Clients{Blocs: s.Blocs, Honours: s.Honours}
	first, err := demo.Load(ctx, clients)
	require.NoError(t, err)
	require.Equal(t, 34, first.Provinces)
	require.Equal(t, 3, first.Decisions)
	require.Equal(t, 182, first.Honours)
	listHonours := &honoursv1.ListHonoursRequest{PageSize: 1}
	honoursBefore, err := s.Honours.ListHonours(ctx, listHonours)
	require.NoError(t, err)
	require.EqualValues(t, first.Honours, honoursBefore.GetTotalSize())
	decisionBefore, err := s.Honours.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: "decisions/bac-kan-946-qd-ubnd-2023"})
	require.NoError(t, err)
	listAll := &blocsv1.ListUnitsRequest{PageSize: 1}
	before, err := s.Blocs.ListUnits(ctx, listAll)
	require.NoError(t, err)
	require.EqualValues(t, first.Units, before.GetTotalSize())
	bacKan, err := s.Blocs.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/bac-kan"})
	require.NoError(t, err)
	hue, err := s.Blocs.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/hue"})
	require.NoError(t, err)
	require.Equal(t, "Thành phố Huế", hue.GetDisplayName())
	require.Len(t, hue.GetHistory(), 1, "Huế became a centrally-run city on 2025-01-01")
	require.Equal(t, "Tỉnh Thừa Thiên Huế", hue.GetHistory()[0].GetDisplayName())
	require.EqualValues(t, 2025, hue.GetHistory()[0].GetUntil().GetYear())

	second, err := demo.Load(ctx, clients)
	require.NoError(t, err)
	require.Equal(t, first, second)
	after, err := s.Blocs.ListUnits(ctx, listAll)
	require.NoError(t, err)
	require.Equal(t, before.GetTotalSize(), after.GetTotalSize())
	bacKanAgain, err := s.Blocs.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/bac-kan"})
	require.NoError(t, err)
	require.Equal(t, bacKan.GetEtag(), bacKanAgain.GetEtag())
	hueAgain, err := s.Blocs.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/hue"})
	require.NoError(t, err)
	require.Equal(t, hue.GetEtag(), hueAgain.GetEtag(), "the rename is loaded once")
	require.True(t, bacKan.GetUpdateTime().AsTime().Equal(bacKanAgain.GetUpdateTime().AsTime()))
	honoursAfter, err := s.Honours.ListHonours(ctx, listHonours)
	require.NoError(t, err)
	require.Equal(t, honoursBefore.GetTotalSize(), honoursAfter.GetTotalSize())
	decisionAfter, err := s.Honours.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: "decisions/bac-kan-946-qd-ubnd-2023"})
	require.NoError(t, err)
	require.True(t, proto.Equal(decisionBefore, decisionAfter), "the second load changes no decision")

	active, err := s.Blocs.ListUnits(ctx, &blocsv1.ListUnitsRequest{
		Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE,
		Kind:  blocsv1.UnitKind_UNIT_KIND_LOCALITY,
		State: blocsv1.UnitState_UNIT_STATE_ACTIVE,
	})
	require.NoError(t, err)
	require.EqualValues(t, 34, active.GetTotalSize())

	api := s.BaseURL

	t.Run("dissolved province", func(t *testing.T) {
		r := call(t, http.MethodGet, api+"/v1/units/bac-kan", nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		require.NotEmpty(t, r.header.Get("ETag"))
		var u struct {
			DisplayName string `json:"displayName"`
			State       string `json:"state"`
			Successor   string `json:"successor"`
			Current     string `json:"current"`
		}
		require.NoError(t, json.Unmarshal(r.body, &u))
		require.Equal(t, "Tỉnh Bắc Kạn", u.DisplayName)
		require.Equal(t, "UNIT_STATE_DISSOLVED", u.State)
		require.Equal(t, "units/thai-nguyen", u.Successor)
		require.Equal(t, "units/thai-nguyen", u.Current)
	})

	t.Run("accent-insensitive search", func(t *testing.T) {
		r := call(t, http.MethodGet, api+"/v1/units?query="+url.QueryEscape("thai nguyen")+"&level=UNIT_LEVEL_PROVINCE&kind=UNIT_KIND_LOCALITY", nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var list struct {
			Units []struct {
				Name        string `json:"name"`
				DisplayName string `json:"displayName"`
			} `json:"units"`
			TotalSize int `json:"totalSize"`
		}
		require.NoError(t, json.Unmarshal(r.body, &list))
		var names []string
		for _, u := range list.Units {
			names = append(names, u.Name)
			require.Equal(t, "Tỉnh Thái Nguyên", u.DisplayName)
		}
		require.ElementsMatch(t, []string{"units/thai-nguyen", "units/thai-nguyen-cu"}, names)
	})

	t.Run("ranking of 2023 after the mergers", func(t *testing.T) {
		r := call(t, http.MethodGet, api+"/v1/groups/cum-trung-du-mien-nui-phia-bac/covenants/2023/ranking", nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var ranking struct {
			Entries []struct {
				Unit     string  `json:"unit"`
				Rank     int     `json:"rank"`
				Total    float64 `json:"total"`
				Proposal string  `json:"proposal"`
			} `json:"entries"`
		}
		require.NoError(t, json.Unmarshal(r.body, &ranking))
		require.Len(t, ranking.Entries, 7)
		require.Equal(t, "units/thai-nguyen-cu", ranking.Entries[0].Unit)
		require.Equal(t, "PROPOSAL_FLAG", ranking.Entries[0].Proposal)
		require.Equal(t, "PROPOSAL_CERTIFICATE", ranking.Entries[1].Proposal)
		require.Equal(t, "PROPOSAL_CERTIFICATE", ranking.Entries[2].Proposal)
		require.Equal(t, "PROPOSAL_NONE", ranking.Entries[3].Proposal)
	})

	t.Run("health, readiness, OpenAPI, metrics", func(t *testing.T) {
		r := call(t, http.MethodGet, api+"/healthz", nil)
		require.Equal(t, http.StatusOK, r.status)
		require.JSONEq(t, `{"status":"ok"}`, string(r.body))
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			r := call(t, http.MethodGet, api+"/readyz", nil)
			assert.Equal(c, http.StatusOK, r.status, "%s", r.body)
		}, 5*time.Second, 20*time.Millisecond)

		r = call(t, http.MethodGet, api+"/openapi.json", nil)
		require.Equal(t, http.StatusOK, r.status)
		var doc struct {
			Paths map[string]json.RawMessage `json:"paths"`
		}
		require.NoError(t, json.Unmarshal(r.body, &doc))
		require.Contains(t, doc.Paths, "/v1/units")
		require.Contains(t, doc.Paths, "/v1/decisions")
		require.Contains(t, doc.Paths, "/v1/batches")

		r = call(t, http.MethodGet, api+"/readyz", nil)
		require.JSONEq(t, `{"status":"ok","backends":{"blocs":"SERVING","honours":"SERVING","movements":"SERVING","nominations":"SERVING"}}`, string(r.body))

		r = call(t, http.MethodGet, api+"/metrics", nil)
		require.Equal(t, http.StatusOK, r.status)
		require.Contains(t, string(r.body), `service="blocs"`)
		require.Contains(t, string(r.body), `service="honours"`)
		require.Contains(t, string(r.body), `service="gateway"`)
	})

	t.Run("bad requests", func(t *testing.T) {
		tests := []struct {
			name   string
			method string
			path   string
			body   io.Reader
			status int
			code   int
			field  string
		}{
			{"10 MB body", http.MethodPost, "/v1/units",
				strings.NewReader(`{"displayName":"` + strings.Repeat("a", 10<<20) + `"}`),
				http.StatusRequestEntityTooLarge, 3, "body"},
			{"malformed JSON", http.MethodPost, "/v1/units", strings.NewReader(`{"displayName": "x",`), http.StatusBadRequest, 3, ""},
			{"negative page size", http.MethodGet, "/v1/units?pageSize=-1", nil, http.StatusBadRequest, 3, "pageSize"},
			{"forged page token", http.MethodGet, "/v1/units?pageToken=" + url.QueryEscape("eyJrIjoiQUFBQSIsImkiOiJ4In0.forged"), nil, http.StatusBadRequest, 3, "pageToken"},
			{"unknown enum value", http.MethodGet, "/v1/units?level=FOO", nil, http.StatusBadRequest, 3, ""},
			{"unknown unit", http.MethodGet, "/v1/units/no-such-unit", nil, http.StatusNotFound, 5, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := call(t, tt.method, api+tt.path, tt.body)
				require.Equal(t, tt.status, r.status, "%s", r.body)
				st := errorOf(t, r)
				require.Equal(t, tt.code, st.Code)
				require.NotEmpty(t, st.Message)
				if tt.field != "" {
					require.Contains(t, st.fields(), tt.field, "%s", r.body)
				}
			})
		}
	})

	t.Run("etags", func(t *testing.T) {
		r := call(t, http.MethodPost, api+"/v1/units?unitId=test-agency", strings.NewReader(
			`{"displayName":"Sở Xây dựng tỉnh Cao Bằng","kind":"UNIT_KIND_AGENCY","level":"UNIT_LEVEL_PROVINCE","province":"units/cao-bang","parent":"units/cao-bang"}`),
			"Authorization", "Bearer "+s.AdminToken)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		etag := r.header.Get("ETag")
		require.NotEmpty(t, etag)

		patch := func(t *testing.T, query, etag string) response {
			t.Helper()
			body, err := json.Marshal(map[string]string{"shortName": "Sở Xây dựng", "etag": etag})
			require.NoError(t, err)
			return call(t, http.MethodPatch, api+"/v1/units/test-agency"+query, bytes.NewReader(body), "Authorization", "Bearer "+s.AdminToken)
		}
		stale := patch(t, "?updateMask=shortName", `"999"`)
		require.Equal(t, http.StatusConflict, stale.status, "%s", stale.body)
		require.Equal(t, 10, errorOf(t, stale).Code) // ABORTED

		fresh := patch(t, "?updateMask=shortName", etag)
		require.Equal(t, http.StatusOK, fresh.status, "%s", fresh.body)
		require.NotEqual(t, etag, fresh.header.Get("ETag"))
		require.Contains(t, string(fresh.body), `"displayName":"Sở Xây dựng tỉnh Cao Bằng"`, "fields outside the mask are untouched")

		// Without updateMask the gateway builds the mask from the body's
		// keys, etag among them (grpc-gateway's PATCH feature): the etag must
		// still be checked, not refused as a field that cannot be updated.
		implicit := patch(t, "", `"999"`)
		require.Equal(t, http.StatusConflict, implicit.status, "%s", implicit.body)
		implicit = patch(t, "", fresh.header.Get("ETag"))
		require.Equal(t, http.StatusOK, implicit.status, "%s", implicit.body)
	})

	t.Run("gRPC reflection and health", func(t *testing.T) {
		require.Contains(t, reflectedServices(t, s.BlocsConn), blocsv1.BlocsService_ServiceDesc.ServiceName)

		require.EventuallyWithT(t, func(c *assert.CollectT) {
			h, err := healthpb.NewHealthClient(s.BlocsConn).Check(ctx, &healthpb.HealthCheckRequest{
				Service: blocsv1.BlocsService_ServiceDesc.ServiceName,
			})
			if assert.NoError(c, err) {
				assert.Equal(c, healthpb.HealthCheckResponse_SERVING, h.GetStatus())
			}
		}, 5*time.Second, 20*time.Millisecond)
	})
}

// TestRestartKeepsData starts a second stack on the data of a first and
// loads the demo again: nothing changes.
func TestRestartKeepsData(t *testing.T) {
	dir := t.TempDir()
	first := stacktest.Start(t, stacktest.WithDataDir(dir))
	_, err := demo.Load(t.Context(), demo.Clients{Blocs: first.Blocs, Honours: first.Honours})
	require.NoError(t, err)
	u1, err := first.Blocs.GetUnit(t.Context(), &blocsv1.GetUnitRequest{Name: "units/thai-nguyen-cu"})
	require.NoError(t, err)
	require.NoError(t, first.Stop())

	second := stacktest.Start(t, stacktest.WithDataDir(dir))
	_, err = demo.Load(t.Context(), demo.Clients{Blocs: second.Blocs, Honours: second.Honours})
	require.NoError(t, err)
	u2, err := second.Blocs.GetUnit(t.Context(), &blocsv1.GetUnitRequest{Name: "units/thai-nguyen-cu"})
	require.NoError(t, err)
	require.Equal(t, u1.GetEtag(), u2.GetEtag())
	require.Equal(t, "units/thai-nguyen", u2.GetSuccessor())
}
