package stack_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// The demo's events of 2020: the third congress of Khối thi đua số 3 and
// the review of the bloc of Party agencies, newest first; loading the demo
// twice changes nothing; they are public, over gRPC and REST.
func TestDemoEvents(t *testing.T) {
	s := stacktest.Start(t)
	ctx := t.Context()
	clients := demo.Clients{Blocs: s.Blocs, Honours: s.Honours, Movements: s.Movements}
	_, err := demo.Load(ctx, clients)
	require.NoError(t, err)
	first, err := s.Movements.ListEvents(ctx, &movementsv1.ListEventsRequest{Year: 2020})
	require.NoError(t, err)
	require.Len(t, first.GetEvents(), 2)
	congress := first.GetEvents()[0]
	require.Equal(t, "events/khoi-3-dai-hoi-lan-thu-3", congress.GetName())
	require.Equal(t, movementsv1.EventKind_EVENT_KIND_CONGRESS, congress.GetKind())
	require.EqualValues(t, 3, congress.GetOrdinal())
	require.Equal(t, "groups/khoi-thi-dua-so-3", congress.GetGroup())
	require.Equal(t, []string{"decisions/thai-nguyen-khoi-3-dai-hoi-2020"}, congress.GetDecisions())
	require.EqualValues(t, 2025, congress.GetPeriod().GetEndDate().GetYear())
	require.Equal(t, "events/khoi-co-quan-dang-tong-ket-2020", first.GetEvents()[1].GetName())

	_, err = demo.Load(ctx, clients)
	require.NoError(t, err)
	second, err := s.Movements.ListEvents(ctx, &movementsv1.ListEventsRequest{Year: 2020})
	require.NoError(t, err)
	require.True(t, proto.Equal(first, second), "the second load changes no event")

	// Over REST, anonymously: the list filtered by kind, group and year,
	// and one event.
	r := call(t, http.MethodGet, s.BaseURL+"/v1/events?kind=EVENT_KIND_CONGRESS&group=groups/khoi-thi-dua-so-3&year=2020", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var list struct {
		Events []struct {
			Name    string `json:"name"`
			Ordinal int    `json:"ordinal"`
		} `json:"events"`
		TotalSize int `json:"totalSize"`
	}
	require.NoError(t, json.Unmarshal(r.body, &list))
	require.Equal(t, 1, list.TotalSize)
	require.Equal(t, "events/khoi-3-dai-hoi-lan-thu-3", list.Events[0].Name)
	require.Equal(t, 3, list.Events[0].Ordinal)
	r = call(t, http.MethodGet, s.BaseURL+"/v1/events/khoi-co-quan-dang-tong-ket-2020", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Contains(t, string(r.body), "Khối các cơ quan Đảng")
}

// report is the JSON of GetMovementReport.
type report struct {
	Movement struct {
		Name  string `json:"name"`
		State string `json:"state"`
	} `json:"movement"`
	ParticipantCount int `json:"participantCount"`
	Events           []struct {
		Name      string   `json:"name"`
		Decisions []string `json:"decisions"`
	} `json:"events"`
	EventCount int `json:"eventCount"`
	Exemplars  []struct {
		State string `json:"state"`
		Count int    `json:"count"`
	} `json:"exemplars"`
	ExemplarCount int `json:"exemplarCount"`
	Honours       []struct {
		AwardType string `json:"awardType"`
		Year      int    `json:"year"`
		Count     string `json:"count"`     // int64: a string in JSON
		RewardVnd string `json:"rewardVnd"` // int64
	} `json:"honours"`
	HonourCount     string `json:"honourCount"`
	HonourRewardVnd string `json:"honourRewardVnd"`
}

// TestDemoMovementReports reads the reports of the demo's movements over
// REST, anonymously, and compares them with the demo data counted by hand
// (demo/README.md): Directive 11's movement with its three agencies, its
// 3-year and final reviews and the 15 collectives of 25/QĐ-UBND (15 ×
// 2,980,000 VND); Bắc Kạn's movement with the conference of 2 Jun 2023, its
// 23 exemplars and the 106 honours of 946/QĐ-UBND. The exemplars of
// dissolved Bắc Kạn are found under its successor. Loading twice changes
// nothing.
func TestDemoMovementReports(t *testing.T) {
	s := stacktest.Start(t)
	ctx := t.Context()
	clients := demo.Clients{Blocs: s.Blocs, Honours: s.Honours, Movements: s.Movements}
	_, err := demo.Load(ctx, clients)
	require.NoError(t, err)
	get := func(path string, out any) []byte {
		t.Helper()
		r := call(t, http.MethodGet, s.BaseURL+path, nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		require.NoError(t, json.Unmarshal(r.body, out), "%s", r.body)
		return r.body
	}

	var d11 report
	first := get("/v1/movements/tn-nong-thon-moi:report", &d11)
	require.Equal(t, "MOVEMENT_STATE_ACTIVE", d11.Movement.State)
	require.Equal(t, 3, d11.ParticipantCount, "Sở Nội vụ, Sở Tài chính, Sở Tư pháp")
	require.Equal(t, 2, d11.EventCount)
	require.Len(t, d11.Events, 2)
	require.Equal(t, "events/chi-thi-11-tong-ket", d11.Events[0].Name, "the final review, newest first")
	require.Equal(t, []string{"decisions/thai-nguyen-chi-thi-11-2022"}, d11.Events[0].Decisions)
	require.Equal(t, "events/chi-thi-11-so-ket-3-nam", d11.Events[1].Name)
	require.Zero(t, d11.ExemplarCount)
	require.Len(t, d11.Honours, 1)
	require.Equal(t, "awardTypes/BK_TINH", d11.Honours[0].AwardType)
	require.Equal(t, 2022, d11.Honours[0].Year)
	require.Equal(t, "15", d11.Honours[0].Count)
	require.Equal(t, "44700000", d11.Honours[0].RewardVnd, "15 collectives × 2.0 × 1,490,000")
	require.Equal(t, "15", d11.HonourCount)
	require.Equal(t, "44700000", d11.HonourRewardVnd)

	var bk report
	get("/v1/movements/bk-nong-thon-moi:report", &bk)
	require.Zero(t, bk.ParticipantCount)
	require.Equal(t, 1, bk.EventCount)
	require.Equal(t, "events/bac-kan-bieu-duong-dien-hinh-2023", bk.Events[0].Name)
	require.Equal(t, 23, bk.ExemplarCount)
	require.Len(t, bk.Exemplars, 1)
	require.Equal(t, "EXEMPLAR_STATE_RECOGNIZED", bk.Exemplars[0].State)
	require.Equal(t, "106", bk.HonourCount)
	require.Equal(t, "202640000", bk.HonourRewardVnd, "30 × 2,980,000 + 76 × 1,490,000")
	require.Len(t, bk.Honours, 1)
	require.Equal(t, 2023, bk.Honours[0].Year)

	// Each of the 23 is recognised by an honour of 946/QĐ-UBND whose
	// recipient is the exemplar's unit.
	var exemplars struct {
		Exemplars []struct {
			Recipient struct {
				Unit string `json:"unit"`
			} `json:"recipient"`
			Honours  []string `json:"honours"`
			Province string   `json:"province"`
		} `json:"exemplars"`
		TotalSize int `json:"totalSize"`
	}
	get("/v1/movements/bk-nong-thon-moi/exemplars?pageSize=100", &exemplars)
	require.Len(t, exemplars.Exemplars, 23)
	for _, e := range exemplars.Exemplars {
		require.Len(t, e.Honours, 1)
		h, err := s.Honours.GetHonour(ctx, &honoursv1.GetHonourRequest{Name: e.Honours[0]})
		require.NoError(t, err)
		require.Equal(t, "decisions/bac-kan-946-qd-ubnd-2023", h.GetDecision())
		require.Equal(t, e.Recipient.Unit, h.GetRecipient().GetUnit())
	}
	get("/v1/exemplars?province=units/thai-nguyen&pageSize=100", &exemplars)
	require.Equal(t, 25, exemplars.TotalSize, "Bắc Kạn's 23 under its successor, and Thái Nguyên's 2")

	_, err = demo.Load(ctx, clients)
	require.NoError(t, err)
	var again report
	require.JSONEq(t, string(first), string(get("/v1/movements/tn-nong-thon-moi:report", &again)), "the second load changes nothing")
	get("/v1/movements/bk-nong-thon-moi:report", &again)
	require.Equal(t, 23, again.ExemplarCount)
}
