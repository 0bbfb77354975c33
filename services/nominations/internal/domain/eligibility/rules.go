package eligibility

import (
	"fmt"
	"math"
)

// r1: LDTT for Y needs a rating of GOOD or better for Y.
func (f facts) r1() finding { return f.ratingsAtLeast(Good, f.Year) }

// r2: CSTD_CS for Y needs LDTT for Y, held or nominated together, and
// an EXCELLENT rating for Y or an initiative recognised in Y.
func (f facts) r2() finding {
	return allOf(f.ldttHeldOrNominated(), oneOf(f.ratingsAtLeast(Excellent, f.Year), f.initiatives(1, Grassroots, f.Year, f.Year)))
}

func (f facts) ldttHeldOrNominated() finding {
	held := f.holds(LDTT, false, f.Year)
	if held.outcome == Pass {
		return held
	}
	for _, n := range f.Nominations {
		if n.Award == LDTT && n.Year == f.Year {
			return pass("LDTT_NOMINATED",
				fmt.Sprintf("Lao động tiên tiến năm %d được đề nghị đồng thời (đề nghị %s)", f.Year, n.ID),
				fmt.Sprintf("LDTT %d nominated together (%s)", f.Year, n.ID))
		}
	}
	if held.outcome == Fail && !f.NominationsKnown {
		return unknown("NOMINATIONS_UNKNOWN", held.vi+"; chưa có dữ liệu các đề nghị khác", held.en+"; other nominations not available")
	}
	return held
}

// r3: CSTD_TINH for Y needs CSTD_CS in each of Y-2, Y-1, Y and an
// initiative of PROVINCE scope or wider, recognised in those years.
func (f facts) r3() finding {
	y := f.Year
	return allOf(f.holds(CSTDCS, true, y-2, y-1, y), f.initiatives(1, Province, y-2, y))
}

// r4: CSTD_TQ for Y needs CSTD_TINH twice in a row, the later for Y and
// the earlier for the three years before (Y-3), and an initiative of
// NATIONAL scope recognised in those six years.
func (f facts) r4() finding {
	y := f.Year
	return allOf(f.holds(CSTDTinh, true, y-3, y), f.initiatives(1, National, y-5, y))
}

// r5: BK_TINH for an individual, up to Y, on the merit route needs
// CSTD_CS for Y-1 and Y, or EXCELLENT for Y-1 and Y with two grassroots
// initiatives recognised in them.
func (f facts) r5() finding {
	if f.Basis != Merit {
		return f.notMerit()
	}
	y := f.Year
	return oneOf(
		f.holds(CSTDCS, true, y-1, y),
		allOf(f.ratingsAtLeast(Excellent, y-1, y), f.initiatives(2, Grassroots, y-1, y)),
	)
}

// r6: BK_TTG for an individual on the merit route needs BK_TINH, then
// consecutive years rated GOOD or better with CSTD_CS in some of them.
func (f facts) r6() finding {
	if f.Basis != Merit {
		return f.notMerit()
	}
	return f.since(BKTinh, f.t.R6Years, f.t.R6CSTDCS, 0)
}

// r7: HCLD_3 for an individual on the merit route needs BK_TTG, then
// consecutive years rated GOOD or better, some EXCELLENT, with CSTD_CS in
// some of them.
func (f facts) r7() finding {
	if f.Basis != Merit {
		return f.notMerit()
	}
	return f.since(BKTTG, f.t.R7Years, f.t.R7CSTDCS, f.t.R7Excellent)
}

// r8: CO_TINH for Y needs first place in a bloc or cluster run by the
// conferring province or ministry for Y, or leading a thematic movement
// that province or ministry launched, at its review in Y.
func (f facts) r8() finding {
	if f.Authority == "" {
		return unknown("AUTHORITY_UNKNOWN", "chưa rõ cơ quan khen thưởng (bộ, ngành, tỉnh)", "the conferring province or ministry is not known")
	}
	return oneOf(f.ranked(false), f.leads(false, f.t.R8MovementYears))
}

// r9: CO_CP for Y needs CO_TINH for Y and a place among the most
// outstanding flag holders within the quota, or first place in a bloc or
// cluster of the central council for Y, or leading a Prime Minister's
// movement at its review in Y.
func (f facts) r9() finding {
	return oneOf(allOf(f.holds(CoTinh, false, f.Year), f.flagQuota()), f.ranked(true), f.leads(true, f.t.R9MovementYears))
}

// organisers names who runs the groups and movements a flag counts: the
// central council and the Prime Minister, or the conferring authority.
func (f facts) organisers(central bool) (groupVi, groupEn, movementVi, movementEn string) {
	if central {
		return "khối, cụm thi đua của Hội đồng Thi đua – Khen thưởng Trung ương", "bloc or cluster of the central council",
			"phong trào thi đua do Thủ tướng Chính phủ phát động", "Prime Minister's movement"
	}
	return "khối, cụm thi đua do " + f.Authority + " tổ chức", "bloc or cluster of " + f.Authority,
		"phong trào thi đua theo chuyên đề do " + f.Authority + " phát động", "thematic movement launched by " + f.Authority
}

// flagOrganiser reports whether a group or movement is run by an
// organiser the flag counts: a central one, or the conferring authority.
func (f facts) flagOrganiser(central, groupCentral bool, organiser string) bool {
	return groupCentral == central && (central || organiser == f.Authority)
}

func standingUnknown(needVi, needEn string) finding {
	return unknown("STANDING_UNKNOWN", needVi+"; chưa có dữ liệu xếp hạng khối, cụm và phong trào", needEn+"; standing in blocs and movements not available")
}

// ranked checks first place for Year in a bloc or cluster of the central
// council, or of the conferring authority.
func (f facts) ranked(central bool) finding {
	groupVi, groupEn, _, _ := f.organisers(central)
	needVi := fmt.Sprintf("cần xếp thứ nhất %s năm %d", groupVi, f.Year)
	needEn := fmt.Sprintf("needs first place in a %s for %d", groupEn, f.Year)
	if f.Standing == nil {
		return standingUnknown(needVi, needEn)
	}
	var best *Placement
	for i, p := range f.Standing.Placements {
		if f.flagOrganiser(central, p.Central, p.Organiser) && p.Year == f.Year && p.Rank > 0 && (best == nil || p.Rank < best.Rank) {
			best = &f.Standing.Placements[i]
		}
	}
	switch {
	case best == nil:
		return fail("NOT_RANKED", needVi+"; không có xếp hạng", needEn+"; not ranked")
	case best.Rank == 1:
		return pass("RANKED_FIRST", fmt.Sprintf("%s; xếp thứ nhất %s", needVi, quoted(best.Group)), fmt.Sprintf("%s; first in %s", needEn, quoted(best.Group)))
	}
	return fail("NOT_FIRST", fmt.Sprintf("%s; xếp thứ %d tại %s", needVi, best.Rank, quoted(best.Group)), fmt.Sprintf("%s; ranked %d in %s", needEn, best.Rank, quoted(best.Group)))
}

// leads checks leading, at its review in Year, a movement of at least
// years launched by the Prime Minister, or a thematic one launched by the
// conferring authority.
func (f facts) leads(central bool, years int) finding {
	_, _, movementVi, movementEn := f.organisers(central)
	needVi := fmt.Sprintf("cần dẫn đầu %s từ %d năm trở lên, tổng kết năm %d", movementVi, years, f.Year)
	needEn := fmt.Sprintf("needs to lead a %s, of %d years or more, at its review in %d", movementEn, years, f.Year)
	if f.Standing == nil {
		return standingUnknown(needVi, needEn)
	}
	for _, l := range f.Standing.Leads {
		if f.flagOrganiser(central, l.Central, l.Organiser) && (central || l.Thematic) && l.Years >= years && l.ReviewYear == f.Year {
			return pass("LEADS_MOVEMENT", fmt.Sprintf("%s; dẫn đầu %s", needVi, quoted(l.Movement)), fmt.Sprintf("%s; leads %s", needEn, quoted(l.Movement)))
		}
	}
	return fail("NO_MOVEMENT", needVi+"; không có", needEn+"; none")
}

// flagQuota checks R9's place among the flag holders against the quota.
func (f facts) flagQuota() finding {
	needVi := fmt.Sprintf("cần được chọn tiêu biểu trong số đơn vị được tặng Cờ thi đua cấp bộ, ngành, tỉnh năm %d, không quá %d%%", f.Year, f.t.R9QuotaPercent)
	needEn := fmt.Sprintf("needs selection among the %d CO_TINH holders, within %d%%", f.Year, f.t.R9QuotaPercent)
	if f.Standing == nil || f.Standing.Flags == nil || f.Standing.Flags.Holders <= 0 || f.Standing.Flags.Place < 0 {
		return unknown("FLAG_UNKNOWN", needVi+"; chưa có số đơn vị được tặng Cờ và thứ tự đề nghị", needEn+"; flag holders and proposed order not available")
	}
	fl := f.Standing.Flags
	quota := int(math.Floor(float64(fl.Holders) * float64(f.t.R9QuotaPercent) / 100))
	vi := fmt.Sprintf("%s; %d đơn vị được tặng Cờ, hạn mức %d", needVi, fl.Holders, quota)
	en := fmt.Sprintf("%s; %d holders, quota %d", needEn, fl.Holders, quota)
	switch {
	case fl.Place == 0:
		return fail("NOT_OUTSTANDING", vi+", không được đề nghị", en+", not proposed")
	case float64(fl.Place)*100 > float64(fl.Holders)*float64(f.t.R9QuotaPercent):
		return fail("OVER_QUOTA", fmt.Sprintf("%s, xếp thứ %d", vi, fl.Place), fmt.Sprintf("%s, placed %d", en, fl.Place))
	}
	return pass("WITHIN_QUOTA", fmt.Sprintf("%s, xếp thứ %d", vi, fl.Place), fmt.Sprintf("%s, placed %d", en, fl.Place))
}

// r10: TTLDXS for Y needs an EXCELLENT rating, all members completing
// their tasks, a share holding LDTT and some holding CSTD_CS.
func (f facts) r10() finding {
	return allOf(f.ratingsAtLeast(Excellent, f.Year), f.members(func(m Members) finding {
		return allOf(
			share(m.Completed, m.Total, f.t.R10Completed, "TASKS_COMPLETED", "TASKS_INCOMPLETE", "hoàn thành nhiệm vụ", "completed their tasks"),
			share(m.LDTT, m.Total, f.t.R10LDTT, "LDTT_SHARE_OK", "TOO_FEW_LDTT", "đạt Lao động tiên tiến", "hold LDTT"),
			atLeast(m.CSTDCS, f.t.R10CSTDCS, "CSTD_CS_OK", "TOO_FEW_CSTD_CS", "đạt Chiến sĩ thi đua cơ sở", "hold CSTD_CS"),
		)
	}))
}

// r11: TTLDTT for Y needs a share of members holding LDTT and no member
// disciplined at warning or above.
func (f facts) r11() finding {
	return f.members(func(m Members) finding {
		return allOf(
			share(m.LDTT, m.Total, f.t.R11LDTT, "LDTT_SHARE_OK", "TOO_FEW_LDTT", "đạt Lao động tiên tiến", "hold LDTT"),
			noneDisciplined(m.Disciplined),
		)
	})
}

// members checks the member counts are declared and consistent, then
// applies check.
func (f facts) members(check func(Members) finding) finding {
	m := f.Members
	if m == nil {
		return unknown("MEMBERS_MISSING", "chưa kê khai số thành viên của tập thể", "member counts not declared")
	}
	for _, n := range []int{m.Completed, m.LDTT, m.CSTDCS, m.Disciplined} {
		if m.Total <= 0 || n < 0 || n > m.Total {
			return unknown("MEMBERS_INVALID",
				fmt.Sprintf("số thành viên kê khai không hợp lệ: tổng %d, hoàn thành nhiệm vụ %d, Lao động tiên tiến %d, Chiến sĩ thi đua cơ sở %d, bị kỷ luật %d", m.Total, m.Completed, m.LDTT, m.CSTDCS, m.Disciplined),
				fmt.Sprintf("member counts are inconsistent: total %d, completed %d, LDTT %d, CSTD_CS %d, disciplined %d", m.Total, m.Completed, m.LDTT, m.CSTDCS, m.Disciplined))
		}
	}
	return check(*m)
}

// share checks that n of total members meet s.
func share(n, total int, s Share, ok, low, whatVi, whatEn string) finding {
	cmp, cmpEn := "ít nhất", "at least"
	if s.Strict {
		cmp, cmpEn = "trên", "more than"
	}
	vi := fmt.Sprintf("cần %s %d%% thành viên %s; có %d/%d", cmp, s.Percent, whatVi, n, total)
	en := fmt.Sprintf("needs %s %d%% of members who %s; found %d/%d", cmpEn, s.Percent, whatEn, n, total)
	if !s.met(n, total) {
		return fail(low, vi, en)
	}
	return pass(ok, vi, en)
}

// atLeast checks that at least min members qualify.
func atLeast(n, min int, ok, low, whatVi, whatEn string) finding {
	vi := fmt.Sprintf("cần ít nhất %d thành viên %s; có %d", min, whatVi, n)
	en := fmt.Sprintf("needs members who %s: at least %d; found %d", whatEn, min, n)
	if n < min {
		return fail(low, vi, en)
	}
	return pass(ok, vi, en)
}

// noneDisciplined checks that no member is disciplined at warning or above.
func noneDisciplined(n int) finding {
	vi := fmt.Sprintf("cần không có thành viên bị kỷ luật từ cảnh cáo trở lên; có %d", n)
	en := fmt.Sprintf("needs no member disciplined at warning or above; found %d", n)
	if n > 0 {
		return fail("MEMBER_DISCIPLINED", vi, en)
	}
	return pass("NO_DISCIPLINE", vi, en)
}
