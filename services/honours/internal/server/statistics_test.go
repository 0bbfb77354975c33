package server_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/cache/redistest"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// testStatistics is run with the in-process cache and with Redis.
func testStatistics(t *testing.T, e *env) {
	ctx := t.Context()
	c := e.c
	bk := newDecision(t, c, "qd-bk", "bac-kan", "946/QĐ-UBND", d(2023, 5, 31)) // 1,490,000
	addEntries(t, c, bk.GetName(),
		entry(person("Nông Văn A", cid(1), "so-noi-vu-bk"), "BK_TINH", 2023),
		entry(person("Nông Văn B", cid(2), "so-noi-vu-bk"), "BK_TINH", 2023),
		entry(collective("truong-cho-don"), "BK_TINH", 2023))
	issue(t, c, bk.GetName())
	tn := newDecision(t, c, "qd-tn", "thai-nguyen", "12/QĐ-UBND", d(2024, 3, 1)) // 1,800,000
	addEntries(t, c, tn.GetName(), entry(person("Hà Thị C", cid(3), "so-noi-vu-tn"), "BK_TINH", 2024))
	issue(t, c, tn.GetName())
	xa := newDecision(t, c, "qd-xa", "xa-nam-mau", "5/QĐ-UBND", d(2024, 3, 1))
	addEntries(t, c, xa.GetName(), entry(person("Lý Văn D", cid(4), "xa-nam-mau"), "GIAY_KHEN", 2024))
	issue(t, c, xa.GetName())

	stats, err := c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: []string{"award_type", "year"}})
	require.NoError(t, err)
	type row struct {
		award      string
		year       int32
		count, vnd int64
	}
	var got []row
	for _, r := range stats.GetRows() {
		require.Empty(t, r.GetProvince(), "only the dimensions asked")
		got = append(got, row{r.GetAwardType(), r.GetYear(), r.GetCount(), r.GetRewardVnd()})
	}
	require.Equal(t, []row{
		{"awardTypes/GIAY_KHEN", 2024, 1, 540_000}, // catalogue order: Giấy khen before Bằng khen
		{"awardTypes/BK_TINH", 2023, 3, 1_490_000*2 + 2_980_000},
		{"awardTypes/BK_TINH", 2024, 1, 1_800_000},
	}, got)
	require.EqualValues(t, 5, stats.GetTotalCount())
	require.EqualValues(t, 540_000+1_490_000*2+2_980_000+1_800_000, stats.GetTotalRewardVnd())

	stats, err = c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: []string{"province, recipient_kind"}})
	require.NoError(t, err, "comma-separated dimensions in one item")
	require.Len(t, stats.GetRows(), 3)
	require.Equal(t, "units/bac-kan", stats.GetRows()[0].GetProvince())
	require.Equal(t, typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, stats.GetRows()[0].GetRecipientKind())
	require.EqualValues(t, 3, stats.GetRows()[0].GetCount(), "2 individuals and the commune's one, all in Bắc Kạn")
	require.Equal(t, typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, stats.GetRows()[1].GetRecipientKind())
	require.Equal(t, "units/thai-nguyen", stats.GetRows()[2].GetProvince())

	stats, err = c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: []string{"authority"}, YearFrom: 2024})
	require.NoError(t, err)
	require.EqualValues(t, 2, stats.GetTotalCount())
	require.Equal(t, "units/thai-nguyen", stats.GetRows()[0].GetAuthority())
	require.Equal(t, "units/xa-nam-mau", stats.GetRows()[1].GetAuthority())
	stats, err = c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{AwardType: "awardTypes/BK_TINH", Authority: "units/bac-kan", YearTo: 2023})
	require.NoError(t, err)
	require.EqualValues(t, 3, stats.GetTotalCount())
	require.Empty(t, stats.GetRows(), "no dimension: totals only")

	// Cached, and a new issue starts a new generation.
	before, err := c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: []string{"year"}})
	require.NoError(t, err)
	more := newDecision(t, c, "qd-them", "bac-kan", "950/QĐ-UBND", d(2023, 6, 30))
	addEntries(t, c, more.GetName(), entry(person("Nông Văn E", cid(5), "so-noi-vu-bk"), "BK_TINH", 2023))
	issue(t, c, more.GetName())
	after, err := c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: []string{"year"}})
	require.NoError(t, err)
	require.Equal(t, before.GetTotalCount()+1, after.GetTotalCount(), "statistics are not served stale after an issue")
	_, err = c.RevokeDecision(ctx, &honoursv1.RevokeDecisionRequest{Name: more.GetName(), Reason: "Sai sót",
		RevokingDocument: &typev1.DocumentRef{Number: "951/QĐ-UBND", SignedOn: d(2023, 7, 1), Issuer: "units/bac-kan"}})
	require.NoError(t, err)
	after, err = c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: []string{"year"}})
	require.NoError(t, err)
	require.Equal(t, before.GetTotalCount(), after.GetTotalCount(), "nor after a revocation")

	// One honour revoked leaves the counts and the sums; a group with no
	// honour left leaves the rows.
	xaHonours, err := c.ListHonours(ctx, &honoursv1.ListHonoursRequest{Authority: "units/xa-nam-mau"})
	require.NoError(t, err)
	require.Len(t, xaHonours.GetHonours(), 1)
	_, err = c.RevokeHonour(ctx, &honoursv1.RevokeHonourRequest{Name: xaHonours.GetHonours()[0].GetName(), Reason: "Khai man thành tích",
		RevokingDocument: &typev1.DocumentRef{Number: "6/QĐ-UBND", SignedOn: d(2024, 9, 1), Issuer: "units/xa-nam-mau"}})
	require.NoError(t, err)
	stats, err = c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: []string{"award_type", "year"}})
	require.NoError(t, err)
	got = nil
	for _, r := range stats.GetRows() {
		got = append(got, row{r.GetAwardType(), r.GetYear(), r.GetCount(), r.GetRewardVnd()})
	}
	require.Equal(t, []row{
		{"awardTypes/BK_TINH", 2023, 3, 1_490_000*2 + 2_980_000},
		{"awardTypes/BK_TINH", 2024, 1, 1_800_000},
	}, got)
	require.EqualValues(t, 4, stats.GetTotalCount())
	require.EqualValues(t, 1_490_000*2+2_980_000+1_800_000, stats.GetTotalRewardVnd())
	stats, err = c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{Authority: "units/xa-nam-mau"})
	require.NoError(t, err)
	require.Zero(t, stats.GetTotalCount(), "totals of nothing are zero")
	requireTotalsMatchRegister(t, e.dbURL)
}

// requireTotalsMatchRegister recounts the ACTIVE honours of the register
// and compares them with the running totals GetStatistics reads.
func requireTotalsMatchRegister(t *testing.T, dbURL string) {
	t.Helper()
	db, err := sqlstore.Open(t.Context(), dbURL, nil, nil)
	require.NoError(t, err)
	defer db.Close()
	read := func(query string) []string {
		rows, err := db.QueryContext(t.Context(), query)
		require.NoError(t, err)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var (
				award, province, original, authority string
				year, kind                           int
				n, vnd                               int64
			)
			require.NoError(t, rows.Scan(&award, &year, &province, &original, &authority, &kind, &n, &vnd))
			out = append(out, fmt.Sprintf("%s %d %s %s %s %d: %d, %d VND", award, year, province, original, authority, kind, n, vnd))
		}
		require.NoError(t, rows.Err())
		return out
	}
	const cols = `award_code, year, province, province_original, authority, kind`
	recount := read(`SELECT ` + cols + `, COUNT(*), CAST(SUM(reward_vnd) AS BIGINT) FROM honours WHERE state = 1
		GROUP BY ` + cols + ` ORDER BY ` + cols)
	require.NotEmpty(t, recount)
	require.Equal(t, recount, read(`SELECT `+cols+`, honours, reward_vnd FROM honour_totals WHERE honours <> 0 ORDER BY `+cols))
}

func TestStatistics(t *testing.T) {
	forEachEngine(t, testStatistics)
}

func TestStatisticsWithRedis(t *testing.T) {
	addr := redistest.Addr(t)
	redis := func(t *testing.T) cache.Cache {
		c, closeCache, err := cache.Open(t.Context(), cache.Config{RedisAddr: addr, Prefix: redistest.Prefix(t, addr)}, nil)
		require.NoError(t, err)
		t.Cleanup(func() { closeCache() })
		return c
	}
	forEachEngineWith(t, options{cache: redis}, testStatistics)
}
