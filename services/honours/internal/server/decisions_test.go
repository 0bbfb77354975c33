package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

func TestCatalogue(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		list, err := e.c.ListAwardTypes(ctx, &honoursv1.ListAwardTypesRequest{})
		require.NoError(t, err)
		require.Greater(t, len(list.GetAwardTypes()), 20)
		require.Equal(t, "awardTypes/LDTT", list.GetAwardTypes()[0].GetName(), "catalogue order")

		bk, err := e.c.GetAwardType(ctx, &honoursv1.GetAwardTypeRequest{Name: "awardTypes/BK_TINH"})
		require.NoError(t, err)
		require.Equal(t, honoursv1.AwardCategory_AWARD_CATEGORY_COMMENDATION, bk.GetCategory())
		require.Equal(t, []string{"UNIT_LEVEL_MINISTRY", "UNIT_LEVEL_PROVINCE"}, bk.GetConferringLevels())
		coef := map[typev1.RecipientKind]float64{}
		for _, c := range bk.GetCoefficients() {
			coef[c.GetRecipientKind()] = c.GetCoefficient()
		}
		require.Equal(t, 1.0, coef[typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL])
		require.Equal(t, 2.0, coef[typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE])

		_, err = e.c.GetAwardType(ctx, &honoursv1.GetAwardTypeRequest{Name: "awardTypes/NO_SUCH"})
		requireCode(t, err, codes.NotFound, "")
		_, err = e.c.GetAwardType(ctx, &honoursv1.GetAwardTypeRequest{Name: "awardTypes/bk"})
		requireCode(t, err, codes.InvalidArgument, "name")

		salaries, err := e.c.ListBaseSalaries(ctx, &honoursv1.ListBaseSalariesRequest{})
		require.NoError(t, err)
		require.EqualValues(t, 1_150_000, salaries.GetBaseSalaries()[0].GetAmountVnd(), "oldest first")
		var last *honoursv1.BaseSalary
		for _, s := range salaries.GetBaseSalaries() {
			last = s
		}
		require.True(t, last.GetCheck(), "the 2026 row is marked [check]")
	})
}

func TestDecisionLifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		dec := newDecision(t, c, "qd-946", "bac-kan", "946/QĐ-UBND", d(2023, 5, 31))
		require.Equal(t, "decisions/qd-946", dec.GetName())
		require.Equal(t, honoursv1.DecisionState_DECISION_STATE_DRAFT, dec.GetState())
		require.Equal(t, "units/bac-kan", dec.GetAuthority())
		require.Equal(t, "946/QĐ-UBND", dec.GetDocument().GetNumber())

		added := addEntries(t, c, dec.GetName(),
			entry(person("Đặng Thị Ước", cid(1), "so-noi-vu-bk"), "BK_TINH", 2023),
			entry(collective("truong-cho-don"), "BK_TINH", 2023))
		require.Len(t, added.GetEntries(), 2, "the response holds the entries added")
		require.EqualValues(t, 2, added.GetEntryCount())
		first := added.GetEntries()[0]
		require.EqualValues(t, 1, first.GetOrdinal())
		require.Equal(t, "001*******01", first.GetRecipient().GetCitizenId(), "read back masked")
		require.True(t, strings.HasPrefix(first.GetRecipient().GetRecipientKey(), "cid:"))
		require.NotContains(t, first.GetRecipient().GetRecipientKey(), cid(1))
		require.False(t, first.GetRecipient().GetWeak())
		require.Equal(t, "unit:truong-cho-don", added.GetEntries()[1].GetRecipient().GetRecipientKey())

		addReq := &honoursv1.AddDecisionEntriesRequest{Name: dec.GetName(), RequestId: "2a7f3c9e-4b1d-4e8a-9c6f-1d2e3f4a5b6c",
			Entries: []*honoursv1.DecisionEntry{entry(person("Hoàng Văn Ân", "", "so-noi-vu-bk"), "BK_TINH", 2023)}}
		added, err := c.AddDecisionEntries(ctx, addReq)
		require.NoError(t, err)
		require.EqualValues(t, 3, added.GetEntries()[0].GetOrdinal())
		require.True(t, added.GetEntries()[0].GetRecipient().GetWeak(), "no citizen id: a weak key")
		retried, err := c.AddDecisionEntries(ctx, addReq)
		require.NoError(t, err)
		require.True(t, proto.Equal(added, retried), "a retried add returns the first answer and adds nothing")

		got, err := c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName()})
		require.NoError(t, err)
		require.Len(t, got.GetEntries(), 3)
		require.EqualValues(t, 3, got.GetEntryCount())

		_, err = c.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: dec.GetName(), Etag: dec.GetEtag()})
		requireCode(t, err, codes.Aborted, "ETAG_MISMATCH")

		req := &honoursv1.IssueDecisionRequest{Name: dec.GetName(), Etag: got.GetEtag(), RequestId: "0b8a8c1e-5d7e-4c1a-9d3f-2a6b4c8e1f00"}
		issued, err := c.IssueDecision(ctx, req)
		require.NoError(t, err)
		require.Equal(t, honoursv1.DecisionState_DECISION_STATE_ISSUED, issued.GetState())
		require.EqualValues(t, 1_490_000+2_980_000+1_490_000, issued.GetRewardTotalVnd())
		require.NotNil(t, issued.GetIssueTime())

		again, err := c.IssueDecision(ctx, req)
		require.NoError(t, err, "a retry with the same request id returns the first response")
		require.True(t, proto.Equal(issued, again))
		other := newDecision(t, c, "qd-khac", "bac-kan", "1/QĐ-UBND", d(2023, 6, 1))
		_, err = c.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: other.GetName(), RequestId: req.GetRequestId()})
		requireCode(t, err, codes.AlreadyExists, "REQUEST_ID_REUSED")
		_, err = c.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: dec.GetName()})
		requireCode(t, err, codes.FailedPrecondition, "DECISION_NOT_DRAFT")
		_, err = c.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: dec.GetName(),
			Entries: []*honoursv1.DecisionEntry{entry(person("Lục Văn Ơn", cid(9), ""), "BK_TINH", 2023)}})
		requireCode(t, err, codes.FailedPrecondition, "DECISION_NOT_DRAFT")

		got, err = c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName()})
		require.NoError(t, err)
		require.Equal(t, honoursv1.DecisionState_DECISION_STATE_ISSUED, got.GetState())
		for _, en := range got.GetEntries() {
			require.NotEmpty(t, en.GetHonour(), "entry %d", en.GetOrdinal())
			require.Positive(t, en.GetRewardVnd())
		}
		all := listAll(t, c, &honoursv1.ListHonoursRequest{})
		require.Len(t, all, 3, "one honour per entry, even after a retried issue")

		h, err := c.GetHonour(ctx, &honoursv1.GetHonourRequest{Name: got.GetEntries()[0].GetHonour()})
		require.NoError(t, err)
		require.Equal(t, "decisions/qd-946", h.GetDecision())
		require.Equal(t, "946/QĐ-UBND", h.GetDecisionNumber())
		require.Equal(t, "units/bac-kan", h.GetAuthority())
		require.Equal(t, "awardTypes/BK_TINH", h.GetAwardType())
		require.Equal(t, "001*******01", h.GetRecipient().GetCitizenId())
		require.Equal(t, "Đặng Thị Ước", h.GetRecipient().GetFullName())
		require.EqualValues(t, 2023, h.GetConferredOn().GetYear())
		require.EqualValues(t, 1_490_000, h.GetRewardVnd())
		require.Equal(t, "946/QĐ-UBND/1", h.GetCertificateNumber())
		require.Equal(t, "units/bac-kan", h.GetProvince())
		require.Equal(t, honoursv1.HonourState_HONOUR_STATE_ACTIVE, h.GetState())
		require.Contains(t, h.GetRewardNote(), "[check]", "a 2023 decision is before the catalogue row's valid_from")
	})
}

func TestCreateDecisionIdempotencyAndList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		req := &honoursv1.CreateDecisionRequest{RequestId: "7d7b2a4e-0f54-4f0e-8d4c-8b7c2f3a9e11",
			Decision: decisionMsg("thai-nguyen", "12/QĐ-UBND", d(2024, 3, 1))}
		first, err := c.CreateDecision(ctx, req)
		require.NoError(t, err)
		again, err := c.CreateDecision(ctx, req)
		require.NoError(t, err)
		require.Equal(t, first.GetName(), again.GetName(), "a retry returns the first decision")
		req.Decision.Title = "Khác"
		_, err = c.CreateDecision(ctx, req)
		requireCode(t, err, codes.AlreadyExists, "REQUEST_ID_REUSED")

		newDecision(t, c, "qd-946", "bac-kan", "946/QĐ-UBND", d(2023, 5, 31))
		_, err = c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: "qd-946", Decision: decisionMsg("bac-kan", "1/QĐ", d(2023, 1, 1))})
		requireCode(t, err, codes.AlreadyExists, "")
		third := newDecision(t, c, "qd-2024-b", "bac-kan", "77/QĐ-UBND", d(2024, 3, 1))
		addEntries(t, c, third.GetName(), entry(person("Ma Thị Ẩn", cid(3), ""), "BK_TINH", 2024))
		issue(t, c, third.GetName())

		list := func(req *honoursv1.ListDecisionsRequest) []string {
			t.Helper()
			var names []string
			for page := 0; ; page++ {
				resp, err := c.ListDecisions(ctx, req)
				require.NoError(t, err)
				for _, d := range resp.GetDecisions() {
					require.Empty(t, d.GetEntries(), "ListDecisions leaves entries out")
					names = append(names, d.GetName())
				}
				if resp.GetNextPageToken() == "" {
					return names
				}
				require.Less(t, page, 10)
				req.PageToken = resp.GetNextPageToken()
			}
		}
		// Newest signing date first, then by id.
		all := list(&honoursv1.ListDecisionsRequest{PageSize: 1})
		require.Len(t, all, 3)
		require.ElementsMatch(t, []string{"decisions/qd-2024-b", first.GetName()}, all[:2], "both signed 2024-03-01")
		require.Less(t, all[0], all[1], "same date: by id")
		require.Equal(t, "decisions/qd-946", all[2], "signed 2023")
		require.Equal(t, []string{"decisions/qd-2024-b", "decisions/qd-946"}, list(&honoursv1.ListDecisionsRequest{Authority: "units/bac-kan"}))
		require.Equal(t, []string{"decisions/qd-946"}, list(&honoursv1.ListDecisionsRequest{Year: 2023}))
		require.Equal(t, []string{"decisions/qd-946"}, list(&honoursv1.ListDecisionsRequest{Query: "946/qđ"}))
		require.Len(t, list(&honoursv1.ListDecisionsRequest{Query: "BANG KHEN chu tich"}), 3, "accent- and case-insensitive")
		require.Equal(t, []string{"decisions/qd-2024-b"}, list(&honoursv1.ListDecisionsRequest{State: honoursv1.DecisionState_DECISION_STATE_ISSUED}))
	})
}

func TestHostileInputs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		for _, tc := range []struct {
			name  string
			req   *honoursv1.CreateDecisionRequest
			field string
		}{
			{"no decision", &honoursv1.CreateDecisionRequest{}, "decision"},
			{"no authority", &honoursv1.CreateDecisionRequest{Decision: func() *honoursv1.Decision {
				m := decisionMsg("bac-kan", "1/QĐ", d(2023, 1, 1))
				m.Authority = ""
				return m
			}()}, "decision.authority"},
			{"unknown authority", &honoursv1.CreateDecisionRequest{Decision: decisionMsg("khong-co", "1/QĐ", d(2023, 1, 1))}, "decision.authority"},
			{"malformed authority", &honoursv1.CreateDecisionRequest{Decision: func() *honoursv1.Decision {
				m := decisionMsg("bac-kan", "1/QĐ", d(2023, 1, 1))
				m.Authority = "bac-kan"
				return m
			}()}, "decision.authority"},
			{"no document", &honoursv1.CreateDecisionRequest{Decision: &honoursv1.Decision{Authority: "units/bac-kan"}}, "decision.document"},
			{"no signing date", &honoursv1.CreateDecisionRequest{Decision: decisionMsg("bac-kan", "1/QĐ", nil)}, "decision.document.signedOn"},
			{"no such date", &honoursv1.CreateDecisionRequest{Decision: decisionMsg("bac-kan", "1/QĐ", d(2023, 2, 30))}, "decision.document.signedOn"},
			{"no number", &honoursv1.CreateDecisionRequest{Decision: decisionMsg("bac-kan", "", d(2023, 1, 1))}, "decision.document.number"},
			{"bad id", &honoursv1.CreateDecisionRequest{DecisionId: "Bad_ID", Decision: decisionMsg("bac-kan", "1/QĐ", d(2023, 1, 1))}, "decisionId"},
			{"bad request id", &honoursv1.CreateDecisionRequest{RequestId: "x", Decision: decisionMsg("bac-kan", "1/QĐ", d(2023, 1, 1))}, "requestId"},
		} {
			t.Run("create/"+tc.name, func(t *testing.T) {
				_, err := c.CreateDecision(ctx, tc.req)
				requireCode(t, err, codes.InvalidArgument, tc.field)
			})
		}

		dec := newDecision(t, c, "qd-1", "bac-kan", "1/QĐ-UBND", d(2024, 1, 10))
		noName := person("", cid(1), "")
		badCID := person("Nông Văn A", "123", "")
		lonely := &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE}
		backwards := entry(person("Nông Văn B", cid(2), ""), "BK_TINH", 2024)
		backwards.Period = &typev1.Period{StartYear: 2024, EndYear: 2020}
		many := make([]*honoursv1.DecisionEntry, 1001)
		for i := range many {
			many[i] = entry(person("Người "+fmt.Sprint(i), cid(i), ""), "BK_TINH", 2024)
		}
		for _, tc := range []struct {
			name    string
			entries []*honoursv1.DecisionEntry
			field   string
		}{
			{"unknown award type", []*honoursv1.DecisionEntry{entry(person("Nông Văn C", cid(3), ""), "NO_SUCH", 2024)}, "entries[0].awardType"},
			{"malformed award type", []*honoursv1.DecisionEntry{{Recipient: person("Nông Văn C", cid(3), ""), AwardType: "BK_TINH",
				Period: &typev1.Period{StartYear: 2024, EndYear: 2024}}}, "entries[0].awardType"},
			{"no name", []*honoursv1.DecisionEntry{entry(noName, "BK_TINH", 2024)}, "entries[0].recipient.fullName"},
			{"bad citizen id", []*honoursv1.DecisionEntry{entry(badCID, "BK_TINH", 2024)}, "entries[0].recipient.citizenId"},
			{"unknown unit", []*honoursv1.DecisionEntry{
				entry(person("Nông Văn D", cid(4), ""), "BK_TINH", 2024),
				entry(person("Nông Văn E", cid(5), "khong-co"), "BK_TINH", 2024)}, "entries[1].recipient.unit"},
			{"collective without unit", []*honoursv1.DecisionEntry{entry(lonely, "BK_TINH", 2024)}, "entries[0].recipient.unit"},
			{"title for the wrong kind", []*honoursv1.DecisionEntry{entry(collective("so-noi-vu-bk"), "LDTT", 2024)}, "entries[0].recipient.kind"},
			{"period backwards", []*honoursv1.DecisionEntry{backwards}, "entries[0].period"},
			{"no entries", nil, "entries"},
			{"too many entries", many, "entries"},
		} {
			t.Run("add/"+tc.name, func(t *testing.T) {
				_, err := c.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: dec.GetName(), Entries: tc.entries})
				requireCode(t, err, codes.InvalidArgument, tc.field)
			})
		}
		_, err := c.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: "decisions/khong-co",
			Entries: []*honoursv1.DecisionEntry{entry(person("Nông Văn F", cid(6), ""), "BK_TINH", 2024)}})
		requireCode(t, err, codes.NotFound, "")
		_, err = c.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: "decisions/../x",
			Entries: []*honoursv1.DecisionEntry{entry(person("Nông Văn F", cid(6), ""), "BK_TINH", 2024)}})
		requireCode(t, err, codes.InvalidArgument, "name")

		// One achievement, one award (G2): in the same request, and against
		// the entries already in the decision.
		twice := entry(person("Nông Văn G", cid(7), ""), "BK_TINH", 2024)
		_, err = c.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: dec.GetName(), Entries: []*honoursv1.DecisionEntry{twice, twice}})
		requireCode(t, err, codes.FailedPrecondition, "entries[1]")
		addEntries(t, c, dec.GetName(), twice)
		_, err = c.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: dec.GetName(), Entries: []*honoursv1.DecisionEntry{twice}})
		requireCode(t, err, codes.FailedPrecondition, "DUPLICATE_AWARD")

		// Issue.
		empty := newDecision(t, c, "qd-trong", "bac-kan", "2/QĐ-UBND", d(2024, 1, 10))
		_, err = c.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: empty.GetName()})
		requireCode(t, err, codes.FailedPrecondition, "DECISION_EMPTY")
		commune := newDecision(t, c, "qd-xa", "xa-nam-mau", "3/QĐ-UBND", d(2024, 1, 10))
		addEntries(t, c, commune.GetName(),
			entry(person("Hà Văn H", cid(8), "xa-nam-mau"), "GIAY_KHEN", 2024),
			entry(person("Hà Văn I", cid(9), "xa-nam-mau"), "BK_TINH", 2024))
		_, err = c.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: commune.GetName()})
		requireCode(t, err, codes.FailedPrecondition, "awardTypes/BK_TINH")
		requireCode(t, err, codes.FailedPrecondition, "AUTHORITY_LEVEL_NOT_ALLOWED")
		_, err = c.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: "decisions/khong-co"})
		requireCode(t, err, codes.NotFound, "")
		_, err = c.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: "decisions/qd-1", Etag: `"99"`})
		requireCode(t, err, codes.Aborted, "")
		all := listAll(t, c, &honoursv1.ListHonoursRequest{})
		require.Empty(t, all, "failed issues leave no honour behind")

		// Lists and reads.
		_, err = c.ListHonours(ctx, &honoursv1.ListHonoursRequest{PageSize: -1})
		requireCode(t, err, codes.InvalidArgument, "pageSize")
		_, err = c.ListHonours(ctx, &honoursv1.ListHonoursRequest{PageToken: "eyJjIjoiMjAyNC0wMS0wMSJ9"})
		requireCode(t, err, codes.InvalidArgument, "pageToken")
		_, err = c.ListHonours(ctx, &honoursv1.ListHonoursRequest{YearFrom: 2024, YearTo: 2020})
		requireCode(t, err, codes.InvalidArgument, "yearTo")
		_, err = c.ListHonours(ctx, &honoursv1.ListHonoursRequest{Province: "bac-kan"})
		requireCode(t, err, codes.InvalidArgument, "province")
		_, err = c.ListDecisions(ctx, &honoursv1.ListDecisionsRequest{State: 42})
		requireCode(t, err, codes.InvalidArgument, "state")
		_, err = c.GetHonour(ctx, &honoursv1.GetHonourRequest{Name: "honours/../../etc"})
		requireCode(t, err, codes.InvalidArgument, "name")
		_, err = c.GetHonour(ctx, &honoursv1.GetHonourRequest{Name: "honours/khong-co"})
		requireCode(t, err, codes.NotFound, "")
		_, err = c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: []string{"year,colour"}})
		requireCode(t, err, codes.InvalidArgument, "groupBy")
		_, err = c.BatchGetRecipientHistory(ctx, &honoursv1.BatchGetRecipientHistoryRequest{RecipientKeys: []string{"a", "a"}})
		requireCode(t, err, codes.InvalidArgument, "recipientKeys")
		_, err = c.RevokeHonour(ctx, &honoursv1.RevokeHonourRequest{Name: "honours/x", RevokingDocument: &typev1.DocumentRef{Number: "1", Issuer: "units/bac-kan"}})
		requireCode(t, err, codes.InvalidArgument, "reason")

		// No message echoes a citizen id back.
		_, err = c.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: dec.GetName(),
			Entries: []*honoursv1.DecisionEntry{entry(person("Nông Văn K", "00123456789x", ""), "BK_TINH", 2024)}})
		requireCode(t, err, codes.InvalidArgument, "entries[0].recipient.citizenId")
		require.NotContains(t, status.Convert(err).Message(), "00123456789x")
	})
}

func TestBlocsUnavailable(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		dec := newDecision(t, e.c, "qd-1", "bac-kan", "1/QĐ-UBND", d(2024, 1, 10))
		addEntries(t, e.c, dec.GetName(), entry(person("Nông Văn A", cid(1), "so-noi-vu-bk"), "BK_TINH", 2024))
		e.blocs.Stop()

		// What the followed units answer still works.
		_, err := e.c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{Decision: decisionMsg("bac-kan", "2/QĐ", d(2024, 1, 10))})
		require.NoError(t, err, "the authority is known from the units followed")
		_, err = e.c.ListHonours(ctx, &honoursv1.ListHonoursRequest{Province: "units/bac-kan"})
		require.NoError(t, err, "lineage comes from the units followed")

		// What needs blocs itself does not.
		for name, call := range map[string]func() error{
			"IssueDecision (the authority as it is now)": func() error {
				_, err := e.c.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: dec.GetName()})
				return err
			},
			"CreateDecision naming a unit not followed": func() error {
				_, err := e.c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{Decision: decisionMsg("moi-tao", "3/QĐ", d(2024, 1, 10))})
				return err
			},
		} {
			err := call()
			requireCode(t, err, codes.Unavailable, "DEPENDENCY_UNAVAILABLE")
			msg := status.Convert(err).Message()
			require.NotContains(t, msg, "127.0.0.1", name)
			require.NotContains(t, msg, "connection", name)
		}
		got, err := e.c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName()})
		require.NoError(t, err, "what needs no unit still works")
		require.Equal(t, honoursv1.DecisionState_DECISION_STATE_DRAFT, got.GetState(), "nothing was issued")
	})
}
