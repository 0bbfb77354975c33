package stack_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// expectedReward is the table the demo's rewards are checked against by
// hand (domain.md §4, §7): Bằng khen cấp tỉnh (BK_TINH) is 1.0 × the base
// salary for an individual or a household and 2.0 × for a collective,
// rounded up to 10,000 VND; every demo decision was signed while the base
// salary was 1,490,000 VND (1 Jul 2019 – 30 Jun 2023).
func expectedReward(t *testing.T, h *honoursv1.Honour) int64 {
	t.Helper()
	require.Equal(t, "awardTypes/BK_TINH", h.GetAwardType(), "%s: the demo confers BK_TINH only", h.GetName())
	on := h.GetConferredOn()
	require.True(t, dateIn(on, 2019, 7, 1, 2023, 6, 30), "%s: conferred on %v, outside the 1,490,000 VND base salary", h.GetName(), on)
	switch k := h.GetRecipient().GetKind(); k {
	case typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD:
		return 1_490_000
	case typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE:
		return 2_980_000
	default:
		t.Fatalf("%s: recipient kind %s", h.GetName(), k)
		return 0
	}
}

// dateIn reports whether d is within [y1-m1-d1, y2-m2-d2].
func dateIn(d *date.Date, y1, m1, d1, y2, m2, d2 int32) bool {
	v := d.GetYear()*10000 + d.GetMonth()*100 + d.GetDay()
	return v >= y1*10000+m1*100+d1 && v <= y2*10000+m2*100+d2
}

// TestDemoHonourRewards loads the demo and checks the reward of every
// honour it confers, each decision's total, and where the honours count.
func TestDemoHonourRewards(t *testing.T) {
	s := stacktest.Start(t)
	ctx := t.Context()
	sum, err := demo.Load(ctx, demo.Clients{Blocs: s.Blocs, Honours: s.Honours})
	require.NoError(t, err)

	type totals struct {
		count  int
		reward int64
	}
	byDecision := make(map[string]totals)
	var all []*honoursv1.Honour
	req := &honoursv1.ListHonoursRequest{PageSize: 1000}
	for {
		resp, err := s.Honours.ListHonours(ctx, req)
		require.NoError(t, err)
		all = append(all, resp.GetHonours()...)
		if resp.GetNextPageToken() == "" {
			break
		}
		req.PageToken = resp.GetNextPageToken()
	}
	require.Len(t, all, sum.Honours)
	for _, h := range all {
		require.Equal(t, expectedReward(t, h), h.GetRewardVnd(), "reward of %s (%s, %s)", h.GetName(), h.GetRecipient().GetKind(), h.GetDecisionNumber())
		require.Equal(t, honoursv1.HonourState_HONOUR_STATE_ACTIVE, h.GetState())
		tot := byDecision[h.GetDecision()]
		tot.count++
		tot.reward += h.GetRewardVnd()
		byDecision[h.GetDecision()] = tot
	}

	want := map[string]totals{
		// 30 collectives, 24 households, 52 individuals.
		"decisions/bac-kan-946-qd-ubnd-2023": {106, 30*2_980_000 + 76*1_490_000},
		// 9 collectives, 52 individuals.
		"decisions/thai-nguyen-khoi-3-dai-hoi-2020": {61, 9*2_980_000 + 52*1_490_000},
		// 15 collectives.
		"decisions/thai-nguyen-chi-thi-11-2022": {15, 15 * 2_980_000},
	}
	require.Equal(t, want, byDecision)
	for name, w := range want {
		d, err := s.Honours.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: name})
		require.NoError(t, err)
		require.Equal(t, honoursv1.DecisionState_DECISION_STATE_ISSUED, d.GetState())
		require.Equal(t, w.reward, d.GetRewardTotalVnd(), name)
		require.EqualValues(t, w.count, d.GetEntryCount(), name)
	}

	// Bắc Kạn and the old Thái Nguyên were merged into the new Thái
	// Nguyên: every demo honour counts under it now.
	inProvince, err := s.Honours.ListHonours(ctx, &honoursv1.ListHonoursRequest{Province: "units/thai-nguyen", PageSize: 1})
	require.NoError(t, err)
	require.EqualValues(t, sum.Honours, inProvince.GetTotalSize())

	t.Run("statistics over REST", func(t *testing.T) {
		r := call(t, http.MethodGet, s.BaseURL+"/v1/honours:statistics?group_by=award_type,year", nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var st struct {
			Rows []struct {
				AwardType string `json:"awardType"`
				Year      int    `json:"year"`
				Count     string `json:"count"`
				RewardVnd string `json:"rewardVnd"`
			} `json:"rows"`
			TotalCount     string `json:"totalCount"`
			TotalRewardVnd string `json:"totalRewardVnd"`
		}
		require.NoError(t, json.Unmarshal(r.body, &st))
		got := make(map[int][2]string)
		for _, row := range st.Rows {
			require.Equal(t, "awardTypes/BK_TINH", row.AwardType)
			got[row.Year] = [2]string{row.Count, row.RewardVnd}
		}
		require.Equal(t, map[int][2]string{
			2020: {"61", fmt.Sprint(9*2_980_000 + 52*1_490_000)},
			2022: {"15", fmt.Sprint(15 * 2_980_000)},
			2023: {"106", fmt.Sprint(30*2_980_000 + 76*1_490_000)},
		}, got)
		require.Equal(t, "182", st.TotalCount)
		require.Equal(t, fmt.Sprint(54*2_980_000+128*1_490_000), st.TotalRewardVnd)
	})

	t.Run("files over REST", func(t *testing.T) {
		tests := []struct {
			path, contentType, magic string
		}{
			{"/v1/decisions/bac-kan-946-qd-ubnd-2023:render", "application/pdf", "%PDF-"},
			{"/v1/" + all[0].GetName() + ":certificate", "application/pdf", "%PDF-"},
			{"/v1/honours:export?authority=units/bac-kan", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04"},
		}
		for _, tt := range tests {
			t.Run(tt.path, func(t *testing.T) {
				r := call(t, http.MethodGet, s.BaseURL+tt.path, nil)
				require.Equal(t, http.StatusOK, r.status, "%.300s", r.body)
				require.Equal(t, tt.contentType, r.header.Get("Content-Type"))
				require.Regexp(t, `^(attachment|inline); filename="[A-Za-z0-9._-]+"`, r.header.Get("Content-Disposition"))
				require.Equal(t, tt.magic, string(r.body[:min(len(r.body), len(tt.magic))]))
			})
		}
	})
}
