package server_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	"github.com/tdkt-vn/tdkt/platform/civil"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
)

func names(hs []*honoursv1.Honour) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.GetRecipient().GetFullName()
		if out[i] == "" {
			out[i] = h.GetRecipient().GetUnit()
		}
	}
	return out
}

func TestLineage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		bk := newDecision(t, c, "qd-946", "bac-kan", "946/QĐ-UBND", d(2023, 5, 31))
		addEntries(t, c, bk.GetName(),
			entry(person("Đặng Thị Ước", cid(1), "so-noi-vu-bk"), "BK_TINH", 2023),
			entry(collective("truong-cho-don"), "BK_TINH", 2023),
			entry(person("Triệu Văn Ổn", cid(2), ""), "BK_TINH", 2023)) // no unit: the authority's province
		issue(t, c, bk.GetName())
		cp := newDecision(t, c, "qd-ttg", "chinh-phu", "100/QĐ-TTg", d(2024, 9, 2))
		addEntries(t, c, cp.GetName(),
			entry(person("Lý Thị Hằng", cid(3), "so-noi-vu-bk"), "BK_TTG", 2024), // the recipient's unit's province
			entry(person("Phùng Văn Sỹ", cid(4), ""), "BK_TTG", 2024))            // central, no unit: no province
		issue(t, c, cp.GetName())

		before := listAll(t, c, &honoursv1.ListHonoursRequest{Province: "units/bac-kan"})
		require.Len(t, before, 4)
		for _, h := range before {
			require.Equal(t, "units/bac-kan", h.GetProvince())
		}

		// The 2025 merger: Bắc Kạn into Thái Nguyên; a school merged too.
		e.blocs.Unit("truong-moi", "Trường Phổ thông Dân tộc nội trú Thái Nguyên", "", blocsv1.UnitKind_UNIT_KIND_AGENCY,
			blocsv1.UnitLevel_UNIT_LEVEL_GRASSROOTS, "thai-nguyen")
		e.blocs.Dissolve("bac-kan", "thai-nguyen", 2025, 7, 1)
		e.blocs.Dissolve("truong-cho-don", "truong-moi", 2025, 7, 1)
		e.synced(t)

		after := listAll(t, c, &honoursv1.ListHonoursRequest{Province: "units/thai-nguyen"})
		require.ElementsMatch(t, names(before), names(after), "a dissolved province's honours are found under its successor")
		for _, h := range after {
			require.Equal(t, "units/thai-nguyen", h.GetProvince(), "the province it counts under now")
		}
		byAuthority := listAll(t, c, &honoursv1.ListHonoursRequest{Authority: "units/thai-nguyen"})
		require.Len(t, byAuthority, 3, "decided by a unit dissolved into the authority")
		decisions, err := c.ListDecisions(ctx, &honoursv1.ListDecisionsRequest{Authority: "units/thai-nguyen"})
		require.NoError(t, err)
		require.Len(t, decisions.GetDecisions(), 1)

		stats, err := c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: []string{"province"}})
		require.NoError(t, err)
		require.EqualValues(t, 5, stats.GetTotalCount())
		byProvince := map[string]int64{}
		for _, r := range stats.GetRows() {
			byProvince[r.GetProvince()] = r.GetCount()
		}
		require.Equal(t, map[string]int64{"units/thai-nguyen": 4, "": 1}, byProvince, "counted under the successor")
		stats, err = c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{Province: "units/thai-nguyen"})
		require.NoError(t, err)
		require.EqualValues(t, 4, stats.GetTotalCount())

		// A collective's history takes in the units dissolved into it.
		hist, err := c.BatchGetRecipientHistory(ctx, &honoursv1.BatchGetRecipientHistoryRequest{
			RecipientKeys: []string{"unit:truong-moi", "unit:truong-cho-don"}})
		require.NoError(t, err)
		require.Len(t, hist.GetHistories()[0].GetHonours(), 1)
		require.Equal(t, "units/truong-cho-don", hist.GetHistories()[0].GetHonours()[0].GetRecipient().GetUnit())
		require.Len(t, hist.GetHistories()[1].GetHonours(), 1)
		require.Len(t, listAll(t, c, &honoursv1.ListHonoursRequest{RecipientKey: "unit:truong-moi"}), 1)

		// A dissolved authority signs nothing after its dissolution, but
		// its earlier decisions are still issued (an import of history).
		late := newDecision(t, c, "qd-muon", "bac-kan", "5/QĐ-UBND", d(2025, 8, 1))
		addEntries(t, c, late.GetName(), entry(person("Hứa Văn Ngữ", cid(5), ""), "BK_TINH", 2025))
		_, err = c.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: late.GetName()})
		requireCode(t, err, codes.FailedPrecondition, "AUTHORITY_DISSOLVED")
		early := newDecision(t, c, "qd-som", "bac-kan", "4/QĐ-UBND", d(2025, 6, 1))
		addEntries(t, c, early.GetName(), entry(person("Hứa Văn Ngữ", cid(5), ""), "BK_TINH", 2025))
		issue(t, c, early.GetName())
		hs := listAll(t, c, &honoursv1.ListHonoursRequest{RecipientKey: "", Query: "Hứa Văn Ngữ"})
		require.Len(t, hs, 1)
		require.Equal(t, "units/thai-nguyen", hs[0].GetProvince())
		old := listAll(t, c, &honoursv1.ListHonoursRequest{Province: "units/bac-kan", Query: "Hứa Văn Ngữ"})
		require.Len(t, old, 1, "issued after the merger, still found under the province it was conferred in")

		// The successor revokes what its predecessor conferred.
		_, err = c.RevokeHonour(ctx, &honoursv1.RevokeHonourRequest{Name: hs[0].GetName(), Reason: "Khai man thành tích",
			RevokingDocument: &typev1.DocumentRef{Number: "9/QĐ-UBND", SignedOn: d(2025, 9, 1), Issuer: "units/so-noi-vu-tn"}})
		requireCode(t, err, codes.FailedPrecondition, "REVOKER_NOT_AUTHORITY")
		revoked, err := c.RevokeHonour(ctx, &honoursv1.RevokeHonourRequest{Name: hs[0].GetName(), Reason: "Khai man thành tích",
			RevokingDocument: &typev1.DocumentRef{Number: "9/QĐ-UBND", SignedOn: d(2025, 9, 1), Issuer: "units/thai-nguyen"}})
		require.NoError(t, err)
		require.Equal(t, honoursv1.HonourState_HONOUR_STATE_REVOKED, revoked.GetState())
		require.Equal(t, "units/thai-nguyen", revoked.GetProvince())
	})
}

func TestMoney(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		p, q, r := person("Nông Thị Phượng", cid(1), "xa-nam-mau"), person("Ma Văn Quỳnh", cid(2), "xa-nam-mau"), person("Lục Văn Lộc", cid(3), "xa-nam-mau")
		a := newDecision(t, c, "qd-a", "xa-nam-mau", "10/QĐ-UBND", d(2024, 6, 1)) // base salary 1,800,000
		aEntries := []*honoursv1.DecisionEntry{
			entry(p, "LDTT", 2024), entry(p, "CSTD_CS", 2024), // two titles of one period: only the higher is paid
			entry(q, "LDTT", 2024),
			entry(r, "GIAY_KHEN", 2024), entry(r, "LDTT", 2024), // a title and a commendation: both paid
			entry(collective("truong-cho-don"), "GIAY_KHEN", 2024),
		}
		addEntries(t, c, a.GetName(), aEntries...)
		issuedA := issue(t, c, a.GetName())
		gotA, err := c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: a.GetName()})
		require.NoError(t, err)
		want := []int64{0, 1_800_000, 540_000, 540_000, 540_000, 1_080_000}
		var total int64
		for i, en := range gotA.GetEntries() {
			require.Equal(t, want[i], en.GetRewardVnd(), "entry %d", i+1)
			total += want[i]
		}
		require.Equal(t, total, issuedA.GetRewardTotalVnd())

		// The same numbers as the domain computes them.
		domainEntries := func(d *honoursv1.Decision) []domain.Entry {
			out := make([]domain.Entry, len(d.GetEntries()))
			for i, en := range d.GetEntries() {
				out[i] = domain.Entry{
					RecipientKey: en.GetRecipient().GetRecipientKey(), RecipientKind: domain.RecipientKind(en.GetRecipient().GetKind()),
					AwardCode: en.GetAwardType()[len("awardTypes/"):],
					Period:    domain.Period{StartYear: int(en.GetPeriod().GetStartYear()), EndYear: int(en.GetPeriod().GetEndYear())},
				}
			}
			return out
		}
		rewards, err := domain.ComputeRewards(civil.Date{Year: 2024, Month: 6, Day: 1}, domainEntries(gotA), nil)
		require.NoError(t, err)
		for i, en := range gotA.GetEntries() {
			require.Equal(t, rewards[i].AmountVND, en.GetRewardVnd())
		}
		hs := listAll(t, c, &honoursv1.ListHonoursRequest{Query: "Nông Thị Phượng", AwardType: "awardTypes/LDTT"})
		require.Len(t, hs, 1)
		require.NotEmpty(t, hs[0].GetRewardNote(), "why nothing is paid")

		// Across decisions: a higher title for the same period later pays
		// the difference (base salary 2,340,000 from 1 Jul 2024).
		b := newDecision(t, c, "qd-b", "xa-nam-mau", "20/QĐ-UBND", d(2024, 12, 1))
		addEntries(t, c, b.GetName(), entry(q, "CSTD_CS", 2024), entry(p, "LDTT", 2025))
		issue(t, c, b.GetName())
		gotB, err := c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: b.GetName()})
		require.NoError(t, err)
		require.EqualValues(t, 2_340_000-540_000, gotB.GetEntries()[0].GetRewardVnd())
		require.EqualValues(t, 710_000, gotB.GetEntries()[1].GetRewardVnd(), "0.3 × 2,340,000 = 702,000, rounded up to 10,000")
		held := []domain.Held{{RecipientKey: gotA.GetEntries()[2].GetRecipient().GetRecipientKey(), AwardCode: "LDTT",
			Period: domain.Period{StartYear: 2024, EndYear: 2024}, AmountVND: 540_000}}
		rewards, err = domain.ComputeRewards(civil.Date{Year: 2024, Month: 12, Day: 1}, domainEntries(gotB), held)
		require.NoError(t, err)
		require.Equal(t, rewards[0].AmountVND, gotB.GetEntries()[0].GetRewardVnd())

		// The same award for the same period again, in another decision:
		// refused at issue (domain.md §5 G2).
		dup := newDecision(t, c, "qd-c", "xa-nam-mau", "30/QĐ-UBND", d(2024, 12, 2))
		addEntries(t, c, dup.GetName(), entry(q, "LDTT", 2024))
		_, err = c.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: dup.GetName()})
		requireCode(t, err, codes.FailedPrecondition, "DUPLICATE_AWARD")
	})
}

func TestListHonoursOrder(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		people := []string{"Yên Thị Lan", "Đặng Văn Bình", "Ân Thị Hoa", "Điền Văn Hải", "An Văn Đức", "Đào Thị Mai", "Nguyễn Văn An", "Bùi Văn Cường"}
		first := newDecision(t, c, "qd-1", "bac-kan", "1/QĐ-UBND", d(2024, 1, 10))
		var entries []*honoursv1.DecisionEntry
		for i, n := range people {
			entries = append(entries, entry(person(n, cid(i), "so-noi-vu-bk"), "BK_TINH", 2023))
		}
		addEntries(t, c, first.GetName(), entries...)
		issue(t, c, first.GetName())
		later := newDecision(t, c, "qd-2", "bac-kan", "2/QĐ-UBND", d(2024, 5, 1))
		addEntries(t, c, later.GetName(), entry(person("Zô Văn Z", cid(99), ""), "BK_TINH", 2024))
		issue(t, c, later.GetName())

		got := listAll(t, c, &honoursv1.ListHonoursRequest{PageSize: 3})
		// Newest first; then Vietnamese order: a < â, d < đ, and within đ:
		// "Đào" < "Đặng" < "Điền".
		require.Equal(t, []string{"Zô Văn Z", "An Văn Đức", "Ân Thị Hoa", "Bùi Văn Cường", "Đào Thị Mai", "Đặng Văn Bình",
			"Điền Văn Hải", "Nguyễn Văn An", "Yên Thị Lan"}, names(got))

		resp, err := c.ListHonours(ctx, &honoursv1.ListHonoursRequest{Query: "dang van"})
		require.NoError(t, err)
		require.Equal(t, []string{"Đặng Văn Bình"}, names(resp.GetHonours()))
		resp, err = c.ListHonours(ctx, &honoursv1.ListHonoursRequest{Query: "ĐIỀN"})
		require.NoError(t, err)
		require.Equal(t, []string{"Điền Văn Hải"}, names(resp.GetHonours()))
		resp, err = c.ListHonours(ctx, &honoursv1.ListHonoursRequest{Query: "100%_"})
		require.NoError(t, err)
		require.Empty(t, resp.GetHonours(), "LIKE wildcards are literal")
		resp, err = c.ListHonours(ctx, &honoursv1.ListHonoursRequest{YearFrom: 2024, YearTo: 2024, PageSize: 2})
		require.NoError(t, err)
		require.EqualValues(t, 9, resp.GetTotalSize())
		resp, err = c.ListHonours(ctx, &honoursv1.ListHonoursRequest{AwardType: "awardTypes/BK_TINH", Movement: "movements/x"})
		require.NoError(t, err)
		require.Zero(t, resp.GetTotalSize())

		page, err := c.ListHonours(ctx, &honoursv1.ListHonoursRequest{PageSize: 2})
		require.NoError(t, err)
		_, err = c.ListHonours(ctx, &honoursv1.ListHonoursRequest{PageSize: 2, PageToken: page.GetNextPageToken(), Query: "an"})
		requireCode(t, err, codes.InvalidArgument, "pageToken")
		_, err = c.ListHonours(ctx, &honoursv1.ListHonoursRequest{PageToken: page.GetNextPageToken() + "x"})
		requireCode(t, err, codes.InvalidArgument, "pageToken")
		big, err := c.ListHonours(ctx, &honoursv1.ListHonoursRequest{PageSize: 5000})
		require.NoError(t, err, "a page size above the maximum is clamped")
		require.Len(t, big.GetHonours(), 9)
	})
}

func TestRecipientHistoryForAThousandKeys(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		dec := newDecision(t, c, "qd-lon", "bac-kan", "1000/QĐ-UBND", d(2024, 1, 10))
		entries := make([]*honoursv1.DecisionEntry, 1000)
		for i := range entries {
			entries[i] = entry(person(fmt.Sprintf("Người thứ %d", i), cid(i), "so-noi-vu-bk"), "BK_TINH", 2023)
		}
		added := addEntries(t, c, dec.GetName(), entries...)
		issue(t, c, dec.GetName())
		older := newDecision(t, c, "qd-cu", "bac-kan", "1/QĐ-UBND", d(2022, 1, 10))
		addEntries(t, c, older.GetName(), entry(person("Người thứ 7", cid(7), "so-noi-vu-bk"), "BK_TINH", 2021))
		issue(t, c, older.GetName())

		keys := make([]string, len(added.GetEntries()))
		for i, en := range added.GetEntries() {
			keys[i] = en.GetRecipient().GetRecipientKey()
		}
		rand.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		resp, err := c.BatchGetRecipientHistory(ctx, &honoursv1.BatchGetRecipientHistoryRequest{RecipientKeys: keys})
		require.NoError(t, err)
		require.Len(t, resp.GetHistories(), 1000)
		for i, h := range resp.GetHistories() {
			require.Equal(t, keys[i], h.GetRecipientKey(), "in the order asked")
			for _, hon := range h.GetHonours() {
				require.Equal(t, keys[i], hon.GetRecipient().GetRecipientKey())
			}
			if h.GetHonours()[0].GetRecipient().GetFullName() == "Người thứ 7" {
				require.Len(t, h.GetHonours(), 2)
				require.EqualValues(t, 2022, h.GetHonours()[0].GetConferredOn().GetYear(), "oldest first")
			} else {
				require.Len(t, h.GetHonours(), 1)
			}
		}

		// Revoked honours only when asked for.
		one := resp.GetHistories()[0].GetHonours()[0]
		_, err = c.RevokeHonour(ctx, &honoursv1.RevokeHonourRequest{Name: one.GetName(), Reason: "Khai man",
			RevokingDocument: &typev1.DocumentRef{Number: "2/QĐ-UBND", SignedOn: d(2024, 3, 1), Issuer: "units/bac-kan"}})
		require.NoError(t, err)
		key := one.GetRecipient().GetRecipientKey()
		resp, err = c.BatchGetRecipientHistory(ctx, &honoursv1.BatchGetRecipientHistoryRequest{RecipientKeys: []string{key, "cid:khong-co"}})
		require.NoError(t, err)
		for _, h := range resp.GetHistories()[0].GetHonours() {
			require.NotEqual(t, one.GetName(), h.GetName())
		}
		require.Empty(t, resp.GetHistories()[1].GetHonours())
		resp, err = c.BatchGetRecipientHistory(ctx, &honoursv1.BatchGetRecipientHistoryRequest{RecipientKeys: []string{key}, IncludeRevoked: true})
		require.NoError(t, err)
		var found bool
		for _, h := range resp.GetHistories()[0].GetHonours() {
			found = found || h.GetName() == one.GetName()
		}
		require.True(t, found)
	})
}

func TestRevocation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		dec := newDecision(t, c, "qd-1", "bac-kan", "1/QĐ-UBND", d(2024, 1, 10))
		addEntries(t, c, dec.GetName(),
			entry(person("Nông Văn A", cid(1), ""), "BK_TINH", 2023),
			entry(person("Nông Văn B", cid(2), ""), "BK_TINH", 2023),
			entry(collective("truong-cho-don"), "BK_TINH", 2023))
		issue(t, c, dec.GetName())
		got, err := c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName()})
		require.NoError(t, err)
		h1 := got.GetEntries()[0].GetHonour()
		doc := func(issuer string, y, m, day int32) *typev1.DocumentRef {
			return &typev1.DocumentRef{Number: "15/QĐ-UBND", SignedOn: d(y, m, day), SignerName: "Nguyễn Văn C", Issuer: "units/" + issuer}
		}

		_, err = c.RevokeHonour(ctx, &honoursv1.RevokeHonourRequest{Name: h1, Reason: "Khai man thành tích", RevokingDocument: doc("thai-nguyen", 2024, 2, 1)})
		requireCode(t, err, codes.FailedPrecondition, "REVOKER_NOT_AUTHORITY")
		_, err = c.RevokeHonour(ctx, &honoursv1.RevokeHonourRequest{Name: h1, Reason: "Khai man thành tích", RevokingDocument: doc("bac-kan", 2023, 12, 1)})
		requireCode(t, err, codes.InvalidArgument, "revokingDocument.signedOn")
		_, err = c.RevokeHonour(ctx, &honoursv1.RevokeHonourRequest{Name: h1, Reason: "Khai man thành tích", RevokingDocument: doc("khong-co", 2024, 2, 1)})
		requireCode(t, err, codes.InvalidArgument, "revokingDocument.issuer")
		req := &honoursv1.RevokeHonourRequest{Name: h1, Reason: "Khai man thành tích", RevokingDocument: doc("bac-kan", 2024, 2, 1),
			RequestId: "3f2c1b0a-9e8d-4c7b-a6f5-e4d3c2b1a098"}
		revoked, err := c.RevokeHonour(ctx, req)
		require.NoError(t, err)
		require.Equal(t, honoursv1.HonourState_HONOUR_STATE_REVOKED, revoked.GetState())
		require.Equal(t, "Khai man thành tích", revoked.GetRevocation().GetReason())
		require.Equal(t, "15/QĐ-UBND", revoked.GetRevocation().GetDocument().GetNumber())
		require.NotNil(t, revoked.GetRevocation().GetRevokeTime())
		again, err := c.RevokeHonour(ctx, req)
		require.NoError(t, err, "a retry answers as the first time")
		require.Equal(t, revoked.GetRevocation().GetRevokeTime().AsTime(), again.GetRevocation().GetRevokeTime().AsTime())
		_, err = c.RevokeHonour(ctx, &honoursv1.RevokeHonourRequest{Name: h1, Reason: "Lần nữa", RevokingDocument: doc("bac-kan", 2024, 2, 1)})
		requireCode(t, err, codes.FailedPrecondition, "HONOUR_ALREADY_REVOKED")

		stats, err := c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{})
		require.NoError(t, err)
		require.EqualValues(t, 2, stats.GetTotalCount(), "revoked honours are not counted")
		require.EqualValues(t, 1_800_000+3_600_000, stats.GetTotalRewardVnd())

		draft := newDecision(t, c, "qd-nhap", "bac-kan", "2/QĐ-UBND", d(2024, 1, 10))
		_, err = c.RevokeDecision(ctx, &honoursv1.RevokeDecisionRequest{Name: draft.GetName(), Reason: "x", RevokingDocument: doc("bac-kan", 2024, 2, 1)})
		requireCode(t, err, codes.FailedPrecondition, "DECISION_NOT_ISSUED")
		rd, err := c.RevokeDecision(ctx, &honoursv1.RevokeDecisionRequest{Name: dec.GetName(), Reason: "Thẩm định sai quy trình", RevokingDocument: doc("bac-kan", 2024, 3, 1)})
		require.NoError(t, err)
		require.Equal(t, honoursv1.DecisionState_DECISION_STATE_REVOKED, rd.GetState())
		require.Equal(t, "Thẩm định sai quy trình", rd.GetRevocation().GetReason())
		for _, h := range listAll(t, c, &honoursv1.ListHonoursRequest{}) {
			require.Equal(t, honoursv1.HonourState_HONOUR_STATE_REVOKED, h.GetState(), h.GetName())
			if h.GetName() == h1 {
				require.Equal(t, "Khai man thành tích", h.GetRevocation().GetReason(), "an honour revoked before keeps its own revocation")
			} else {
				require.Equal(t, "Thẩm định sai quy trình", h.GetRevocation().GetReason())
			}
		}
		_, err = c.RevokeDecision(ctx, &honoursv1.RevokeDecisionRequest{Name: dec.GetName(), Reason: "x", RevokingDocument: doc("bac-kan", 2024, 3, 1)})
		requireCode(t, err, codes.FailedPrecondition, "DECISION_ALREADY_REVOKED")
		stats, err = c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{})
		require.NoError(t, err)
		require.Zero(t, stats.GetTotalCount())
		active := listAll(t, c, &honoursv1.ListHonoursRequest{State: honoursv1.HonourState_HONOUR_STATE_ACTIVE})
		require.Empty(t, active)
		require.Len(t, listAll(t, c, &honoursv1.ListHonoursRequest{State: honoursv1.HonourState_HONOUR_STATE_REVOKED}), 3,
			"nothing is deleted")
	})
}

func TestIssueLargeDecisionConcurrently(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		const n = 5000
		dec := newDecision(t, c, "qd-5000", "bac-kan", "5000/QĐ-UBND", d(2024, 12, 20))
		for start := 0; start < n; start += 1000 {
			batch := make([]*honoursv1.DecisionEntry, 1000)
			for i := range batch {
				batch[i] = entry(person(fmt.Sprintf("Hoàng Thị %d", start+i), cid(start+i), "so-noi-vu-bk"), "BK_TINH", 2024)
			}
			addEntries(t, c, dec.GetName(), batch...)
		}
		// Copies of one request, and another request, at once: the issue
		// happens once; the copies get its response; the other request is
		// refused because the decision is no longer a draft.
		req := &honoursv1.IssueDecisionRequest{Name: dec.GetName(), RequestId: "e1e2e3e4-0000-4000-8000-000000000001"}
		other := &honoursv1.IssueDecisionRequest{Name: dec.GetName(), RequestId: "e1e2e3e4-0000-4000-8000-000000000002"}
		type result struct {
			resp *honoursv1.Decision
			err  error
		}
		results := make(chan result, 4)
		begin := time.Now()
		for _, r := range []*honoursv1.IssueDecisionRequest{req, req, req, other} {
			go func() {
				resp, err := c.IssueDecision(ctx, r)
				results <- result{resp, err}
			}()
		}
		var ok []*honoursv1.Decision
		var refused int
		for range 4 {
			r := <-results
			if r.err != nil {
				requireCode(t, r.err, codes.FailedPrecondition, "DECISION_NOT_DRAFT")
				refused++
				continue
			}
			ok = append(ok, r.resp)
		}
		t.Logf("issued %d entries in %v", n, time.Since(begin).Round(time.Millisecond))
		require.NotEmpty(t, ok)
		for _, r := range ok[1:] {
			require.Equal(t, ok[0].GetEtag(), r.GetEtag(), "every successful answer is the one issue")
		}
		require.LessOrEqual(t, refused, 3)
		require.EqualValues(t, int64(n)*2_340_000, ok[0].GetRewardTotalVnd())
		resp, err := c.ListHonours(ctx, &honoursv1.ListHonoursRequest{PageSize: 1})
		require.NoError(t, err)
		require.EqualValues(t, n, resp.GetTotalSize(), "one honour per entry")
	})
}
