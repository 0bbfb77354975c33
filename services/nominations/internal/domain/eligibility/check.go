package eligibility

import "strings"

// Outcome is the result of a rule.
type Outcome string

// Outcomes.
const (
	Pass    Outcome = "PASS"
	Fail    Outcome = "FAIL"
	Unknown Outcome = "UNKNOWN" // the data needed is missing
)

// severity orders outcomes: a report is as bad as its worst line.
func (o Outcome) severity() int {
	switch o {
	case Pass:
		return 0
	case Unknown:
		return 1
	}
	return 2
}

// Rule is a rule id of domain.md §5.
type Rule string

// Rule ids.
const (
	R1  Rule = "R1"  // LDTT
	R2  Rule = "R2"  // CSTD_CS
	R3  Rule = "R3"  // CSTD_TINH
	R4  Rule = "R4"  // CSTD_TQ
	R5  Rule = "R5"  // BK_TINH, individual
	R6  Rule = "R6"  // BK_TTG, individual
	R7  Rule = "R7"  // HCLD_3, individual, merit
	R8  Rule = "R8"  // CO_TINH
	R9  Rule = "R9"  // CO_CP
	R10 Rule = "R10" // TTLDXS
	R11 Rule = "R11" // TTLDTT
	G1  Rule = "G1"  // no pending discipline, investigation, inspection or complaint
	G2  Rule = "G2"  // one achievement, one award
	G3  Rule = "G3"  // an initiative grounds one award
	G4  Rule = "G4"  // unexpected and thematic honours do not count towards chains
)

// Line is one rule's result.
type Line struct {
	Rule    Rule
	Outcome Outcome
	Reason  string // stable code, e.g. R3_MISSING_CSTD_CS
	Vi      string // what was found, in Vietnamese (NFC), for the officers
	En      string // the same in English
}

// Report is the result of Check.
type Report struct {
	Overall Outcome // FAIL if any line fails, else UNKNOWN if any is unknown, else PASS
	Lines   []Line
}

// Line returns the report's line for the rule, if present.
func (r Report) Line(rule Rule) (Line, bool) {
	for _, l := range r.Lines {
		if l.Rule == rule {
			return l, true
		}
	}
	return Line{}, false
}

// rule is a rule of the table: when it applies and what it finds.
type rule struct {
	id      Rule
	applies func(Input) bool
	check   func(facts) finding
}

// rules is every rule, in report order.
var rules = []rule{
	{R1, award(LDTT), facts.r1},
	{R2, award(CSTDCS), facts.r2},
	{R3, award(CSTDTinh), facts.r3},
	{R4, award(CSTDTQ), facts.r4},
	{R5, individual(BKTinh), facts.r5},
	{R6, individual(BKTTG), facts.r6},
	{R7, individual(HCLD3), facts.r7},
	{R8, award(CoTinh), facts.r8},
	{R9, award(CoCP), facts.r9},
	{R10, award(TTLDXS), facts.r10},
	{R11, award(TTLDTT), facts.r11},
	{G1, always, facts.g1},
	{G2, always, facts.g2},
	{G3, always, facts.g3},
	{G4, always, facts.g4},
}

// Rules returns every rule id, in report order.
func Rules() []Rule {
	ids := make([]Rule, len(rules))
	for i, r := range rules {
		ids[i] = r.id
	}
	return ids
}

func award(a Award) func(Input) bool { return func(in Input) bool { return in.Award == a } }

func individual(a Award) func(Input) bool {
	return func(in Input) bool { return in.Award == a && in.Recipient == Individual }
}

func always(Input) bool { return true }

// Check evaluates the rules that apply to the nomination.
func Check(in Input, t Thresholds) Report {
	f := newFacts(in, t, Basis.chain)
	rep := Report{Overall: Pass}
	for _, r := range rules {
		if !r.applies(in) {
			continue
		}
		l := r.check(f).line(r.id)
		rep.Lines = append(rep.Lines, l)
		if l.Outcome.severity() > rep.Overall.severity() {
			rep.Overall = l.Outcome
		}
	}
	return rep
}

// finding is what a rule, or one condition of it, found.
type finding struct {
	outcome Outcome
	cause   string // the reason code without the rule id
	vi, en  string
}

func (f finding) line(id Rule) Line {
	return Line{Rule: id, Outcome: f.outcome, Reason: string(id) + "_" + f.cause, Vi: f.vi, En: f.en}
}

func pass(cause, vi, en string) finding    { return finding{Pass, cause, vi, en} }
func fail(cause, vi, en string) finding    { return finding{Fail, cause, vi, en} }
func unknown(cause, vi, en string) finding { return finding{Unknown, cause, vi, en} }

// allOf holds when every condition holds; its cause is the first of the
// worst, its sentences all of them.
func allOf(fs ...finding) finding {
	worst := fs[0]
	for _, f := range fs[1:] {
		if f.outcome.severity() > worst.outcome.severity() {
			worst = f
		}
	}
	return joined(worst, fs, "; ", "; ")
}

// oneOf holds when one route holds, and then names that route alone;
// otherwise its cause is the first unknown route's, or else the first
// route's, with the sentences of all of them.
func oneOf(fs ...finding) finding {
	best := fs[0]
	for _, f := range fs[1:] {
		if f.outcome.severity() < best.outcome.severity() {
			best = f
		}
	}
	if best.outcome == Pass {
		return best
	}
	if best.outcome == Fail {
		best = fs[0]
	}
	return joined(best, fs, "; hoặc ", "; or ")
}

func joined(head finding, fs []finding, sepVi, sepEn string) finding {
	vi, en := make([]string, len(fs)), make([]string, len(fs))
	for i, f := range fs {
		vi[i], en[i] = f.vi, f.en
	}
	head.vi, head.en = strings.Join(vi, sepVi), strings.Join(en, sepEn)
	return head
}
