package stack_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// The demo's events: the third congress of Khối thi đua số 3 and the
// review of the bloc of Party agencies, newest first; loading the demo
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
	second, err := s.Movements.ListEvents(ctx, &movementsv1.ListEventsRequest{})
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
