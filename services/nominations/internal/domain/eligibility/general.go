package eligibility

import (
	"fmt"
	"strings"
)

// g1: no discipline, investigation, inspection or complaint pending.
func (f facts) g1() finding {
	if len(f.Pending) > 0 {
		vi, en := make([]string, len(f.Pending)), make([]string, len(f.Pending))
		for i, p := range f.Pending {
			vi[i], en[i] = p.names()
		}
		return fail("PENDING", "đối tượng "+strings.Join(vi, ", "), "recipient: "+strings.Join(en, ", "))
	}
	if !f.Attested {
		return unknown("NOT_ATTESTED",
			"chưa có xác nhận không đang bị kỷ luật, điều tra, thanh tra, kiểm tra, khiếu nại, tố cáo",
			"no attestation that no discipline, investigation, inspection or complaint is pending")
	}
	return pass("CLEAR",
		"đã xác nhận không đang bị kỷ luật, điều tra, thanh tra, kiểm tra, khiếu nại, tố cáo",
		"attested: no discipline, investigation, inspection or complaint pending")
}

// g2: one achievement, one award. The same award type and year held or
// nominated again fails; another award for the same named achievement
// fails too, to be reviewed.
func (f facts) g2() finding {
	var dup, same [2][]string // Vietnamese, English
	add := func(g Grant, achievement, whatVi, whatEn string) {
		to := &same
		switch {
		case g == Grant{f.Award, f.Year}:
			to = &dup
		case f.Achievement == "" || achievement != f.Achievement:
			return
		}
		to[0], to[1] = append(to[0], whatVi+" "+g.vi()), append(to[1], whatEn+" "+g.en())
	}
	for _, h := range f.Honours {
		if h.State == Active {
			add(Grant{h.Award, h.Year}, h.Achievement, "đã được tặng", "holds")
		}
	}
	for _, n := range f.Nominations {
		add(Grant{n.Award, n.Year}, n.Achievement, "đề nghị "+n.ID+":", "nomination "+n.ID+":")
	}
	var vi, en []string
	if len(dup[0]) > 0 {
		vi, en = append(vi, "trùng loại và kỳ khen thưởng: "+strings.Join(dup[0], ", ")), append(en, "same award type and period: "+strings.Join(dup[1], ", "))
	}
	if len(same[0]) > 0 {
		vi, en = append(vi, "cùng thành tích đã khen thưởng hoặc đề nghị: "+strings.Join(same[0], ", ")), append(en, "same achievement already honoured or nominated: "+strings.Join(same[1], ", "))
	}
	switch {
	case len(dup[0]) > 0:
		return fail("DUPLICATE", strings.Join(vi, "; "), strings.Join(en, "; "))
	case len(same[0]) > 0:
		return fail("SAME_ACHIEVEMENT", strings.Join(vi, "; "), strings.Join(en, "; "))
	case !f.HonoursKnown:
		return honoursUnknown("cần không trùng khen thưởng đã nhận", "needs no duplicate of a prior honour")
	case !f.NominationsKnown:
		return unknown("NOMINATIONS_UNKNOWN", "chưa có dữ liệu các đề nghị khác", "other nominations not available")
	}
	return pass("UNIQUE", "không có khen thưởng hay đề nghị khác cùng loại, cùng kỳ hoặc cùng thành tích",
		"no other honour or nomination of the same type and period or for the same achievement")
}

// g3: an initiative grounds one award only.
func (f facts) g3() finding {
	var vi, en []string
	for _, in := range f.Initiatives {
		if u := in.UsedFor; u.Award != "" && u != (Grant{f.Award, f.Year}) {
			vi = append(vi, fmt.Sprintf("sáng kiến %s đã làm căn cứ cho %s", quoted(in.name()), u.vi()))
			en = append(en, fmt.Sprintf("initiative %s already grounded %s", quoted(in.name()), u.en()))
		}
	}
	switch {
	case len(vi) > 0:
		return fail("REUSED", strings.Join(vi, "; "), strings.Join(en, "; "))
	case len(f.Initiatives) == 0:
		return pass("UNIQUE", "không kê khai sáng kiến", "no initiative declared")
	case !f.InitiativeUsesKnown:
		return unknown("USES_UNKNOWN", "chưa tra cứu việc sáng kiến đã làm căn cứ cho khen thưởng khác hay chưa", "earlier uses of the initiatives not looked up")
	}
	return pass("UNIQUE", "không sáng kiến nào đã làm căn cứ cho khen thưởng khác", "no initiative grounded another award")
}

// chainRule returns the merit chain rule (R3–R7) the nomination is held
// to, or nil.
func (f facts) chainRule() func(facts) finding {
	switch f.Award {
	case CSTDTinh:
		return facts.r3
	case CSTDTQ:
		return facts.r4
	}
	if f.Recipient != Individual || f.Basis != Merit {
		return nil
	}
	switch f.Award {
	case BKTinh:
		return facts.r5
	case BKTTG:
		return facts.r6
	case HCLD3:
		return facts.r7
	}
	return nil
}

// g4: honours for unexpected achievements or thematic movements do not
// count towards merit chains. The chain rules never count them; this line
// names them, and fails when the chain would hold only by counting them.
func (f facts) g4() finding {
	rule := f.chainRule()
	if rule == nil {
		return pass("NO_CHAIN", "không xét chuỗi thành tích (R3–R7)", "no merit chain (R3–R7) applies")
	}
	if !f.HonoursKnown {
		return honoursUnknown("cần xét khen thưởng đột xuất, theo chuyên đề trong chuỗi thành tích", "needs to check the chain for honours for unexpected achievements or thematic movements")
	}
	var vi, en []string
	for _, h := range f.Honours {
		if h.State == Active && !h.Basis.chain() {
			g := Grant{h.Award, h.Year}
			vi = append(vi, fmt.Sprintf("%s (%s)", g.vi(), h.Basis.vi()))
			en = append(en, fmt.Sprintf("%s (%s)", g.en(), h.Basis.en()))
		}
	}
	if len(vi) == 0 {
		return pass("CLEAR", "không có khen thưởng đột xuất, theo chuyên đề", "no honour for an unexpected achievement or a thematic movement")
	}
	excluded, excludedEn := strings.Join(vi, ", "), strings.Join(en, ", ")
	if rule(f).outcome != Pass && rule(newFacts(f.Input, f.t, func(Basis) bool { return true })).outcome == Pass {
		return fail("RELIES_ON_EXCLUDED", "chuỗi thành tích chỉ đủ nếu tính khen thưởng không được tính: "+excluded,
			"the chain holds only by counting honours that do not count: "+excludedEn)
	}
	return pass("CLEAR", "không tính vào chuỗi thành tích: "+excluded, "not counted towards the chain: "+excludedEn)
}
