package eligibility

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

// ruleCase is a nomination and what one rule must find.
type ruleCase struct {
	name   string
	in     Input
	t      *Thresholds // nil: Defaults()
	rule   Rule
	want   Outcome
	reason string
}

var (
	unknownHonours  = func(in *Input) { in.HonoursKnown = false }
	unknownStanding = func(in *Input) { in.Standing = nil }
	unexpected      = func(in *Input) { in.Basis = Unexpected }
	olderR11        = func() *Thresholds { t := Defaults(); t.R11LDTT = R11Before2024; return &t }()
)

var ruleCases = []ruleCase{
	{"R1 good", person(LDTT, rated(Good, year)), nil, R1, Pass, "R1_RATING_OK"},
	{"R1 excellent", person(LDTT, rated(Excellent, year)), nil, R1, Pass, "R1_RATING_OK"},
	{"R1 completed", person(LDTT, rated(Completed, year)), nil, R1, Fail, "R1_RATING_TOO_LOW"},
	{"R1 the lower of two ratings", person(LDTT, rated(Good, year), rated(NotCompleted, year)), nil, R1, Fail, "R1_RATING_TOO_LOW"},
	{"R1 no rating for the year", person(LDTT, rated(Good, year-1)), nil, R1, Unknown, "R1_RATING_MISSING"},
	{"R1 a rating that is not one", person(LDTT, rated("VERY_GOOD", year)), nil, R1, Unknown, "R1_RATING_MISSING"},

	{"R2 LDTT held, excellent", person(CSTDCS, held(LDTT, year), rated(Excellent, year)), nil, R2, Pass, "R2_LDTT_HELD"},
	{"R2 LDTT nominated together, initiative", person(CSTDCS, nominated("n-7", LDTT, year, ""), rated(Good, year), initiative(Grassroots, year)), nil, R2, Pass, "R2_LDTT_NOMINATED"},
	{"R2 good without initiative", person(CSTDCS, held(LDTT, year), rated(Good, year)), nil, R2, Fail, "R2_RATING_TOO_LOW"},
	{"R2 initiative of another year", person(CSTDCS, held(LDTT, year), rated(Good, year), initiative(Province, year-1)), nil, R2, Fail, "R2_RATING_TOO_LOW"},
	{"R2 no LDTT", person(CSTDCS, held(LDTT, year-1), rated(Excellent, year)), nil, R2, Fail, "R2_MISSING_LDTT"},
	{"R2 no rating", person(CSTDCS, held(LDTT, year)), nil, R2, Unknown, "R2_RATING_MISSING"},
	{"R2 other nominations unknown", person(CSTDCS, rated(Excellent, year), func(in *Input) { in.NominationsKnown = false }), nil, R2, Unknown, "R2_NOMINATIONS_UNKNOWN"},
	{"R2 honours unknown", person(CSTDCS, rated(Excellent, year), unknownHonours), nil, R2, Unknown, "R2_HONOURS_UNKNOWN"},

	{"R3 three years and a provincial initiative", person(CSTDTinh, held(CSTDCS, span(year-2, year)...), initiative(Province, year-1)), nil, R3, Pass, "R3_CSTD_CS_HELD"},
	{"R3 a year missing", person(CSTDTinh, held(CSTDCS, year-2, year), initiative(National, year)), nil, R3, Fail, "R3_MISSING_CSTD_CS"},
	{"R3 grassroots initiative only", person(CSTDTinh, held(CSTDCS, span(year-2, year)...), initiative(Grassroots, year)), nil, R3, Fail, "R3_MISSING_INITIATIVE"},
	{"R3 initiative before the chain", person(CSTDTinh, held(CSTDCS, span(year-2, year)...), initiative(Province, year-3)), nil, R3, Fail, "R3_MISSING_INITIATIVE"},
	{"R3 revoked CSTD_CS", person(CSTDTinh, held(CSTDCS, year-2, year-1), initiative(Province, year), func(in *Input) {
		in.Honours = append(in.Honours, Honour{Award: CSTDCS, Year: year, State: Revoked})
	}), nil, R3, Fail, "R3_MISSING_CSTD_CS"},
	{"R3 honours unknown", person(CSTDTinh, initiative(Province, year), unknownHonours), nil, R3, Unknown, "R3_HONOURS_UNKNOWN"},

	{"R4 twice in a row and a national initiative", person(CSTDTQ, held(CSTDTinh, year-3, year), initiative(National, year-4)), nil, R4, Pass, "R4_CSTD_TINH_HELD"},
	{"R4 not in a row", person(CSTDTQ, held(CSTDTinh, year-4, year), initiative(National, year)), nil, R4, Fail, "R4_MISSING_CSTD_TINH"},
	{"R4 provincial initiative only", person(CSTDTQ, held(CSTDTinh, year-3, year), initiative(Province, year)), nil, R4, Fail, "R4_MISSING_INITIATIVE"},
	{"R4 honours unknown", person(CSTDTQ, initiative(National, year), unknownHonours), nil, R4, Unknown, "R4_HONOURS_UNKNOWN"},

	{"R5 CSTD_CS two years", person(BKTinh, held(CSTDCS, year-1, year)), nil, R5, Pass, "R5_CSTD_CS_HELD"},
	{"R5 excellent with two initiatives", person(BKTinh, rated(Excellent, year-1, year), initiative(Grassroots, year-1), initiative(Province, year)), nil, R5, Pass, "R5_RATING_OK"},
	{"R5 unexpected achievement", person(BKTinh, unexpected), nil, R5, Pass, "R5_NO_CHAIN"},
	{"R5 CSTD_CS not in a row", person(BKTinh, held(CSTDCS, year-2, year), rated(Excellent, year-1, year), initiative(Grassroots, year)), nil, R5, Fail, "R5_MISSING_CSTD_CS"},
	{"R5 one initiative counted twice", person(BKTinh, rated(Excellent, year-1, year), initiative(Grassroots, year), func(in *Input) {
		in.Initiatives = append(in.Initiatives, in.Initiatives[0])
	}), nil, R5, Fail, "R5_MISSING_CSTD_CS"},
	{"R5 ratings missing", person(BKTinh, held(CSTDCS, year), initiative(Grassroots, year-1), initiative(Grassroots, year)), nil, R5, Unknown, "R5_RATING_MISSING"},
	{"R5 honours unknown", person(BKTinh, unknownHonours, rated(Good, year-1, year)), nil, R5, Unknown, "R5_HONOURS_UNKNOWN"},

	{"R6 five good years with three CSTD_CS since BK_TINH", person(BKTTG, held(BKTinh, 2017), rated(Good, span(2018, year)...), held(CSTDCS, 2019, 2021, 2023)), nil, R6, Pass, "R6_CHAIN_OK"},
	{"R6 earliest BK_TINH counts", person(BKTTG, held(BKTinh, 2016, 2020), rated(Good, span(2017, year)...), held(CSTDCS, 2019, 2021, 2023)), nil, R6, Pass, "R6_CHAIN_OK"},
	{"R6 unexpected achievement", person(BKTTG, unexpected), nil, R6, Pass, "R6_NO_CHAIN"},
	{"R6 no BK_TINH", person(BKTTG, rated(Good, span(2015, year)...), held(CSTDCS, 2019, 2021, 2023)), nil, R6, Fail, "R6_MISSING_BK_TINH"},
	{"R6 BK_TINH for an unexpected achievement", person(BKTTG, heldFor(BKTinh, Unexpected, 2017), rated(Good, span(2018, year)...), held(CSTDCS, 2019, 2021, 2023)), nil, R6, Fail, "R6_MISSING_BK_TINH"},
	{"R6 run broken", person(BKTTG, held(BKTinh, 2017), rated(Good, span(2018, year)...), rated(Completed, 2020), held(CSTDCS, 2021, 2022, 2023)), nil, R6, Fail, "R6_TOO_FEW_YEARS"},
	{"R6 too few years since BK_TINH", person(BKTTG, held(BKTinh, 2019), rated(Good, span(2015, year)...), held(CSTDCS, 2021, 2022, 2023)), nil, R6, Fail, "R6_TOO_FEW_YEARS"},
	{"R6 two CSTD_CS", person(BKTTG, held(BKTinh, 2017), rated(Good, span(2018, year)...), held(CSTDCS, 2016, 2021, 2023)), nil, R6, Fail, "R6_TOO_FEW_CSTD_CS"},
	{"R6 ratings missing", person(BKTTG, held(BKTinh, 2017), rated(Good, span(2020, year)...), held(CSTDCS, 2021, 2022, 2023)), nil, R6, Unknown, "R6_RATING_MISSING"},
	{"R6 honours unknown", person(BKTTG, unknownHonours), nil, R6, Unknown, "R6_HONOURS_UNKNOWN"},

	{"R7 five years, one excellent, three CSTD_CS", person(HCLD3, held(BKTTG, 2017), rated(Good, span(2018, year-1)...), rated(Excellent, year), held(CSTDCS, 2019, 2021, 2023)), nil, R7, Pass, "R7_CHAIN_OK"},
	{"R7 unexpected achievement", person(HCLD3, unexpected), nil, R7, Pass, "R7_NO_CHAIN"},
	{"R7 no excellent year", person(HCLD3, held(BKTTG, 2017), rated(Good, span(2018, year)...), held(CSTDCS, 2019, 2021, 2023)), nil, R7, Fail, "R7_NO_EXCELLENT"},
	{"R7 two CSTD_CS", person(HCLD3, held(BKTTG, 2017), rated(Excellent, span(2018, year)...), held(CSTDCS, 2021, 2023)), nil, R7, Fail, "R7_TOO_FEW_CSTD_CS"},
	{"R7 BK_TINH is not BK_TTG", person(HCLD3, held(BKTinh, 2017), rated(Excellent, span(2018, year)...), held(CSTDCS, 2019, 2021, 2023)), nil, R7, Fail, "R7_MISSING_BK_TTG"},
	{"R7 honours unknown", person(HCLD3, unknownHonours), nil, R7, Unknown, "R7_HONOURS_UNKNOWN"},
	{"R7 ratings missing", person(HCLD3, held(BKTTG, 2017), rated(Excellent, span(2020, year)...), held(CSTDCS, 2021, 2022, 2023)), nil, R7, Unknown, "R7_RATING_MISSING"},
	{"R7 fewer years than a province sets", person(HCLD3, held(BKTTG, 2017), rated(Excellent, span(2018, year)...), held(CSTDCS, 2019, 2021, 2023)),
		func() *Thresholds { t := Defaults(); t.R7Years = 7; return &t }(), R7, Fail, "R7_TOO_FEW_YEARS"},

	{"R8 first in a bloc of the province", unit(CoTinh, placed("tinh-19", false, 1)), nil, R8, Pass, "R8_RANKED_FIRST"},
	{"R8 leads a thematic movement of three years", unit(CoTinh, placed("tinh-19", false, 2), leading("tinh-19", false, true, 3)), nil, R8, Pass, "R8_LEADS_MOVEMENT"},
	{"R8 second", unit(CoTinh, placed("tinh-19", false, 2), leading("tinh-19", false, true, 2)), nil, R8, Fail, "R8_NOT_FIRST"},
	{"R8 first in a bloc of another province", unit(CoTinh, placed("tinh-20", false, 1), leading("tinh-19", false, false, 5)), nil, R8, Fail, "R8_NOT_RANKED"},
	{"R8 standing unknown", unit(CoTinh, unknownStanding), nil, R8, Unknown, "R8_STANDING_UNKNOWN"},
	{"R8 authority unknown", unit(CoTinh, placed("tinh-19", false, 1), func(in *Input) { in.Authority = "" }), nil, R8, Unknown, "R8_AUTHORITY_UNKNOWN"},

	{"R9 outstanding flag within the quota", unit(CoCP, held(CoTinh, year), flags(10, 2)), nil, R9, Pass, "R9_CO_TINH_HELD"},
	{"R9 first in a central bloc", unit(CoCP, placed("central", true, 1)), nil, R9, Pass, "R9_RANKED_FIRST"},
	{"R9 leads a Prime Minister's movement", unit(CoCP, leading("ttg", true, false, 5)), nil, R9, Pass, "R9_LEADS_MOVEMENT"},
	{"R9 over the quota", unit(CoCP, held(CoTinh, year), flags(10, 3), placed("central", true, 2)), nil, R9, Fail, "R9_OVER_QUOTA"},
	{"R9 within a province's wider quota", unit(CoCP, held(CoTinh, year), flags(10, 3)),
		func() *Thresholds { t := Defaults(); t.R9QuotaPercent = 30; return &t }(), R9, Pass, "R9_CO_TINH_HELD"},
	{"R9 not proposed", unit(CoCP, held(CoTinh, year), flags(10, 0)), nil, R9, Fail, "R9_NOT_OUTSTANDING"},
	{"R9 no CO_TINH", unit(CoCP, held(CoTinh, year-1), flags(10, 1), leading("ttg", true, false, 4)), nil, R9, Fail, "R9_MISSING_CO_TINH"},
	{"R9 flag holders unknown", unit(CoCP, held(CoTinh, year)), nil, R9, Unknown, "R9_FLAG_UNKNOWN"},
	{"R9 honours and standing unknown", unit(CoCP, unknownHonours, unknownStanding), nil, R9, Unknown, "R9_HONOURS_UNKNOWN"},
	{"R9 no CO_TINH, standing unknown", unit(CoCP, unknownStanding), nil, R9, Unknown, "R9_STANDING_UNKNOWN"},

	{"R10 all met", unit(TTLDXS, rated(Excellent, year), members(10, 10, 7, 1, 0)), nil, R10, Pass, "R10_RATING_OK"},
	{"R10 good only", unit(TTLDXS, rated(Good, year), members(10, 10, 7, 1, 0)), nil, R10, Fail, "R10_RATING_TOO_LOW"},
	{"R10 a member did not complete", unit(TTLDXS, rated(Excellent, year), members(10, 9, 7, 1, 0)), nil, R10, Fail, "R10_TASKS_INCOMPLETE"},
	{"R10 69% LDTT", unit(TTLDXS, rated(Excellent, year), members(100, 100, 69, 1, 0)), nil, R10, Fail, "R10_TOO_FEW_LDTT"},
	{"R10 no CSTD_CS", unit(TTLDXS, rated(Excellent, year), members(10, 10, 10, 0, 0)), nil, R10, Fail, "R10_TOO_FEW_CSTD_CS"},
	{"R10 members not declared", unit(TTLDXS, rated(Excellent, year)), nil, R10, Unknown, "R10_MEMBERS_MISSING"},
	{"R10 no rating", unit(TTLDXS, members(10, 10, 7, 1, 0)), nil, R10, Unknown, "R10_RATING_MISSING"},
	{"R10 more LDTT than members", unit(TTLDXS, rated(Excellent, year), members(10, 10, 11, 1, 0)), nil, R10, Unknown, "R10_MEMBERS_INVALID"},

	{"R11 70% LDTT", unit(TTLDTT, members(10, 10, 7, 0, 0)), nil, R11, Pass, "R11_LDTT_SHARE_OK"},
	{"R11 60% LDTT under the older rule", unit(TTLDTT, members(10, 10, 6, 0, 0)), olderR11, R11, Pass, "R11_LDTT_SHARE_OK"},
	{"R11 60% LDTT", unit(TTLDTT, members(10, 10, 6, 0, 0)), nil, R11, Fail, "R11_TOO_FEW_LDTT"},
	{"R11 exactly half under the older rule", unit(TTLDTT, members(10, 10, 5, 0, 0)), olderR11, R11, Fail, "R11_TOO_FEW_LDTT"},
	{"R11 a member disciplined", unit(TTLDTT, members(10, 10, 9, 0, 1)), nil, R11, Fail, "R11_MEMBER_DISCIPLINED"},
	{"R11 members not declared", unit(TTLDTT), nil, R11, Unknown, "R11_MEMBERS_MISSING"},
	{"R11 no members", unit(TTLDTT, members(0, 0, 0, 0, 0)), nil, R11, Unknown, "R11_MEMBERS_INVALID"},

	{"G1 attested", person(GiayKhen), nil, G1, Pass, "G1_CLEAR"},
	{"G1 under investigation", person(GiayKhen, func(in *Input) { in.Pending = []Proceeding{Investigation, Complaint} }), nil, G1, Fail, "G1_PENDING"},
	{"G1 not attested", person(GiayKhen, func(in *Input) { in.Attested = false }), nil, G1, Unknown, "G1_NOT_ATTESTED"},

	{"G2 nothing alike", person(BKTinh, held(BKTinh, year-2), nominated("n-2", LDTT, year, "")), nil, G2, Pass, "G2_UNIQUE"},
	{"G2 a revoked honour does not count", person(BKTinh, func(in *Input) {
		in.Honours = []Honour{{Award: BKTinh, Year: year, State: Revoked}}
	}), nil, G2, Pass, "G2_UNIQUE"},
	{"G2 held already", person(LDTT, held(LDTT, year)), nil, G2, Fail, "G2_DUPLICATE"},
	{"G2 nominated already", person(LDTT, nominated("n-9", LDTT, year, "")), nil, G2, Fail, "G2_DUPLICATE"},
	{"G2 same achievement, another award", person(BKTinh, unexpected, nominated("n-3", GiayKhen, year, "lu-2023"), func(in *Input) { in.Achievement = "lu-2023" }), nil, G2, Fail, "G2_SAME_ACHIEVEMENT"},
	{"G2 honours unknown", person(LDTT, unknownHonours), nil, G2, Unknown, "G2_HONOURS_UNKNOWN"},
	{"G2 nominations unknown", person(LDTT, func(in *Input) { in.NominationsKnown = false }), nil, G2, Unknown, "G2_NOMINATIONS_UNKNOWN"},

	{"G3 no initiative", person(LDTT, func(in *Input) { in.InitiativeUsesKnown = false }), nil, G3, Pass, "G3_UNIQUE"},
	{"G3 initiative unused", person(CSTDCS, initiative(Grassroots, year)), nil, G3, Pass, "G3_UNIQUE"},
	{"G3 initiative already grounded this award", person(CSTDCS, initiative(Grassroots, year), func(in *Input) {
		in.Initiatives[0].UsedFor = Grant{CSTDCS, year}
	}), nil, G3, Pass, "G3_UNIQUE"},
	{"G3 initiative reused", person(CSTDTinh, initiative(Province, year), func(in *Input) {
		in.Initiatives[0].UsedFor = Grant{BKTinh, year - 1}
	}), nil, G3, Fail, "G3_REUSED"},
	{"G3 uses not looked up", person(CSTDCS, initiative(Grassroots, year), func(in *Input) { in.InitiativeUsesKnown = false }), nil, G3, Unknown, "G3_USES_UNKNOWN"},

	{"G4 no chain for LDTT", person(LDTT), nil, G4, Pass, "G4_NO_CHAIN"},
	{"G4 no chain on the unexpected route", person(BKTTG, unexpected, unknownHonours), nil, G4, Pass, "G4_NO_CHAIN"},
	{"G4 nothing excluded", person(BKTTG, held(BKTinh, 2017)), nil, G4, Pass, "G4_CLEAR"},
	{"G4 excluded honour not needed", person(BKTTG, held(BKTinh, 2017), heldFor(BKTinh, Movement, 2019), rated(Good, span(2018, year)...), held(CSTDCS, 2019, 2021, 2023)), nil, G4, Pass, "G4_CLEAR"},
	{"G4 chain relies on an unexpected BK_TINH", person(BKTTG, heldFor(BKTinh, Unexpected, 2017), rated(Good, span(2018, year)...), held(CSTDCS, 2019, 2021, 2023)), nil, G4, Fail, "G4_RELIES_ON_EXCLUDED"},
	{"G4 chain relies on a thematic CSTD_TINH", person(CSTDTQ, held(CSTDTinh, year), heldFor(CSTDTinh, Movement, year-3), initiative(National, year)), nil, G4, Fail, "G4_RELIES_ON_EXCLUDED"},
	{"G4 honours unknown", person(CSTDTinh, unknownHonours), nil, G4, Unknown, "G4_HONOURS_UNKNOWN"},
}

var reasonCode = regexp.MustCompile(`^(R([1-9]|1[01])|G[1-4])_[A-Z0-9]+(_[A-Z0-9]+)*$`)

func TestRules(t *testing.T) {
	for _, tc := range ruleCases {
		t.Run(tc.name, func(t *testing.T) {
			th := Defaults()
			if tc.t != nil {
				th = *tc.t
			}
			rep := Check(tc.in, th)
			l, ok := rep.Line(tc.rule)
			require.True(t, ok, "no %s line in %+v", tc.rule, rep.Lines)
			assert.Equal(t, tc.want, l.Outcome, "%s\n%s", l.En, l.Vi)
			assert.Equal(t, tc.reason, l.Reason, "%s\n%s", l.En, l.Vi)
			for _, l := range rep.Lines {
				assert.True(t, strings.HasPrefix(l.Reason, string(l.Rule)+"_") && reasonCode.MatchString(l.Reason), "reason %q", l.Reason)
				assert.NotEmpty(t, l.Vi)
				assert.NotEmpty(t, l.En)
				assert.True(t, norm.NFC.IsNormalString(l.Vi), "not NFC: %q", l.Vi)
			}
		})
	}
}

// TestRulesCovered fails when a rule lacks a PASS, a FAIL or an UNKNOWN
// case in ruleCases, or when the reasons of ruleCases and of the table in
// doc.go differ.
func TestRulesCovered(t *testing.T) {
	seen := map[Rule]map[Outcome]bool{}
	for _, tc := range ruleCases {
		if seen[tc.rule] == nil {
			seen[tc.rule] = map[Outcome]bool{}
		}
		seen[tc.rule][tc.want] = true
	}
	require.Len(t, Rules(), 15)
	tested, documented := map[string]bool{}, map[string]bool{}
	for _, tc := range ruleCases {
		tested[tc.reason] = true
	}
	for _, r := range documentedReasons(t) {
		documented[r] = true
		assert.True(t, tested[r], "documented reason %s has no case", r)
	}
	for r := range tested {
		assert.True(t, documented[r], "reason %s is not documented in doc.go", r)
	}
	for _, r := range Rules() {
		for _, o := range []Outcome{Pass, Fail, Unknown} {
			assert.True(t, seen[r][o], "%s has no %s case", r, o)
		}
	}
}

// documentedReasons reads the reason codes from the table in doc.go.
func documentedReasons(t *testing.T) []string {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	var reasons []string
	rule := ""
	for _, line := range strings.Split(string(doc), "\n") {
		row, ok := strings.CutPrefix(line, "//\t")
		if !ok || strings.HasPrefix(row, "rule ") {
			continue
		}
		if id, _, _ := strings.Cut(row, " "); id != "" {
			rule = id
		}
		for _, cause := range regexp.MustCompile(`[A-Z][A-Z0-9_]+[A-Z]`).FindAllString(row[len(rule):], -1) {
			reasons = append(reasons, rule+"_"+cause)
		}
	}
	require.NotEmpty(t, reasons)
	return reasons
}

// CSTD_TINH for 2023 with CSTD_CS held for 2021 and 2023 only fails R3,
// naming 2022, and nothing else fails.
func TestCSTDTinhMissingAYear(t *testing.T) {
	in := person(CSTDTinh, held(CSTDCS, 2021, 2023), initiative(Province, 2022))
	rep := Check(in, Defaults())
	assert.Equal(t, Fail, rep.Overall)
	var failed []Line
	for _, l := range rep.Lines {
		if l.Outcome != Pass {
			failed = append(failed, l)
		}
	}
	require.Len(t, failed, 1)
	assert.Equal(t, Line{
		Rule: R3, Outcome: Fail, Reason: "R3_MISSING_CSTD_CS",
		Vi: "cần Chiến sĩ thi đua cơ sở các năm 2021, 2022, 2023; có 2021, 2023; thiếu 2022; " +
			"cần 1 sáng kiến phạm vi từ cấp bộ, ngành, tỉnh trở lên, công nhận trong các năm 2021–2023; có “Sáng kiến A” (cấp bộ, ngành, tỉnh, 2022)",
		En: "needs CSTD_CS in 2021, 2022, 2023; found 2021, 2023; missing 2022; " +
			"needs an initiative of PROVINCE scope or wider recognised in 2021–2023; found “Sáng kiến A” (PROVINCE, 2022)",
	}, failed[0])
}

func TestLinesApply(t *testing.T) {
	for _, tc := range []struct {
		award Award
		kind  Kind
		want  []Rule
	}{
		{CSTDTinh, Individual, []Rule{R3, G1, G2, G3, G4}},
		{BKTinh, Individual, []Rule{R5, G1, G2, G3, G4}},
		{BKTinh, Collective, []Rule{G1, G2, G3, G4}},
		{HCLD3, Collective, []Rule{G1, G2, G3, G4}},
		{TTLDTT, Collective, []Rule{R11, G1, G2, G3, G4}},
		{GDVH, Household, []Rule{G1, G2, G3, G4}},
		{"NO_SUCH_AWARD", Individual, []Rule{G1, G2, G3, G4}},
	} {
		var got []Rule
		for _, l := range Check(Input{Award: tc.award, Recipient: tc.kind, Year: year}, Defaults()).Lines {
			got = append(got, l.Rule)
		}
		assert.Equal(t, tc.want, got, "%s", tc.award)
	}
}

func TestOverall(t *testing.T) {
	pass := person(LDTT, rated(Good, year))
	assert.Equal(t, Pass, Check(pass, Defaults()).Overall)
	pass.Attested = false
	assert.Equal(t, Unknown, Check(pass, Defaults()).Overall)
	pass.Ratings = nil
	pass.Pending = []Proceeding{Discipline}
	assert.Equal(t, Fail, Check(pass, Defaults()).Overall, "a FAIL outweighs an UNKNOWN")
}

func TestConfigFor(t *testing.T) {
	hn := Defaults()
	hn.R11LDTT = R11Before2024
	c := Config{Default: Defaults(), Provinces: map[string]Thresholds{"01": hn}}
	assert.Equal(t, R11Before2024, c.For("01").R11LDTT)
	assert.Equal(t, Share{Percent: 70}, c.For("19").R11LDTT)
}
