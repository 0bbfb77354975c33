package eligibility

import (
	"fmt"
	"strings"
)

// facts is the input indexed for the rules.
type facts struct {
	Input
	t       Thresholds
	ratings map[int]Rating // the lowest rating declared for each year
	active  map[Grant]bool // honours in force
	chain   map[Grant]bool // honours in force that count towards chains (G4)
}

// newFacts indexes the input; counts tells which bases count towards
// chains.
func newFacts(in Input, t Thresholds, counts func(Basis) bool) facts {
	f := facts{Input: in, t: t, ratings: map[int]Rating{}, active: map[Grant]bool{}, chain: map[Grant]bool{}}
	for _, r := range in.Ratings {
		if old, ok := f.ratings[r.Year]; r.Rating.rank() > 0 && (!ok || r.Rating.rank() < old.rank()) {
			f.ratings[r.Year] = r.Rating
		}
	}
	for _, h := range in.Honours {
		if h.State != Active {
			continue
		}
		g := Grant{h.Award, h.Year}
		f.active[g] = true
		if counts(h.Basis) {
			f.chain[g] = true
		}
	}
	return f
}

func honoursUnknown(needVi, needEn string) finding {
	return unknown("HONOURS_UNKNOWN", needVi+"; chưa có dữ liệu khen thưởng đã nhận", needEn+"; prior honours not available")
}

// ratingsAtLeast checks that each year is rated min or better.
func (f facts) ratingsAtLeast(min Rating, years ...int) finding {
	atLeastVi, atLeastEn := min.atLeast()
	needVi := fmt.Sprintf("cần xếp loại %s %s", atLeastVi, viYears(years))
	needEn := fmt.Sprintf("needs %s in %s", atLeastEn, yearList(years, ""))
	var foundVi, foundEn []string
	var missing []int
	low := false
	for _, y := range years {
		r, ok := f.ratings[y]
		if !ok {
			missing = append(missing, y)
			continue
		}
		low = low || r.rank() < min.rank()
		foundVi = append(foundVi, fmt.Sprintf("năm %d: %s", y, r.vi()))
		foundEn = append(foundEn, fmt.Sprintf("%d: %s", y, r))
	}
	vi := needVi + "; có " + strings.Join(foundVi, ", ")
	en := needEn + "; found " + strings.Join(foundEn, ", ")
	switch {
	case low:
		return fail("RATING_TOO_LOW", vi, en)
	case len(missing) > 0:
		return unknown("RATING_MISSING", needVi+"; chưa có xếp loại "+viYears(missing), needEn+"; no rating for "+yearList(missing, ""))
	}
	return pass("RATING_OK", vi, en)
}

// holds checks that the recipient holds the award for each year; chain
// tells whether only honours that count towards chains are taken.
func (f facts) holds(a Award, chain bool, years ...int) finding {
	needVi := fmt.Sprintf("cần %s %s", a.vi(), viYears(years))
	needEn := fmt.Sprintf("needs %s in %s", a, yearList(years, ""))
	if !f.HonoursKnown {
		return honoursUnknown(needVi, needEn)
	}
	held := f.active
	if chain {
		held = f.chain
	}
	var found, missing []int
	for _, y := range years {
		if held[Grant{a, y}] {
			found = append(found, y)
		} else {
			missing = append(missing, y)
		}
	}
	switch {
	case len(found) == 0:
		return fail("MISSING_"+string(a), needVi+"; không có", needEn+"; found none")
	case len(missing) > 0:
		return fail("MISSING_"+string(a),
			fmt.Sprintf("%s; có %s; thiếu %s", needVi, yearList(found, ""), yearList(missing, "")),
			fmt.Sprintf("%s; found %s; missing %s", needEn, yearList(found, ""), yearList(missing, "")))
	}
	return pass(string(a)+"_HELD", needVi+"; có "+yearList(found, ""), needEn+"; found "+yearList(found, ""))
}

// initiatives checks that at least n distinct initiatives of the scope or
// wider were recognised in the years from–to.
func (f facts) initiatives(n int, min Scope, from, to int) finding {
	count := "1 sáng kiến"
	countEn := "an initiative"
	if n != 1 {
		count, countEn = fmt.Sprintf("%d sáng kiến", n), fmt.Sprintf("%d initiatives", n)
	}
	atLeastVi, atLeastEn := min.atLeast()
	needVi := fmt.Sprintf("cần %s %s, công nhận trong %s", count, atLeastVi, viSpan(from, to))
	needEn := fmt.Sprintf("needs %s %s recognised in %s", countEn, atLeastEn, enSpan(from, to))
	seen := map[string]bool{}
	var foundVi, foundEn []string
	for _, in := range f.Initiatives {
		key := in.ID
		if key == "" {
			key = "title:" + in.Title
		}
		if seen[key] || in.Scope.rank() < min.rank() || in.Year < from || in.Year > to {
			continue
		}
		seen[key] = true
		foundVi = append(foundVi, fmt.Sprintf("%s (%s, %d)", quoted(in.name()), in.Scope.vi(), in.Year))
		foundEn = append(foundEn, fmt.Sprintf("%s (%s, %d)", quoted(in.name()), in.Scope, in.Year))
	}
	vi := needVi + "; " + orNone("có ", foundVi, "không có")
	en := needEn + "; " + orNone("found ", foundEn, "found none")
	if len(foundVi) < n {
		return fail("MISSING_INITIATIVE", vi, en)
	}
	return pass("INITIATIVE_OK", vi, en)
}

// name is the initiative's title, or its id if untitled.
func (in Initiative) name() string {
	if in.Title != "" {
		return in.Title
	}
	return in.ID
}

// orNone is the list after the prefix, or none when empty.
func orNone(prefix string, s []string, none string) string {
	if len(s) == 0 {
		return none
	}
	return prefix + strings.Join(s, ", ")
}

// notMerit is the finding of a chain rule for a nomination on another
// route, which needs no chain (R5–R7).
func (f facts) notMerit() finding {
	return pass("NO_CHAIN",
		fmt.Sprintf("khen thưởng theo %s, không xét chuỗi thành tích", f.Basis.vi()),
		fmt.Sprintf("nominated for %s: no chain required", f.Basis.en()))
}

// since checks R6 and R7: the recipient holds pre, and since it has at
// least years consecutive years rated GOOD or better up to Year, with
// CSTD_CS in cstd of them and excellent of them EXCELLENT. The earliest
// pre held before Year is taken, which allows the longest run.
func (f facts) since(pre Award, years, cstd, excellent int) finding {
	needVi := fmt.Sprintf("cần đã được tặng %s, sau đó ít nhất %d năm liên tục đến năm %d xếp loại từ hoàn thành tốt nhiệm vụ trở lên, trong đó %d năm Chiến sĩ thi đua cơ sở",
		pre.vi(), years, f.Year, cstd)
	needEn := fmt.Sprintf("needs %s, then at least %d consecutive years up to %d rated GOOD or better, with CSTD_CS in %d of them",
		pre, years, f.Year, cstd)
	if excellent > 0 {
		needVi += fmt.Sprintf(" và %d năm hoàn thành xuất sắc nhiệm vụ", excellent)
		needEn += fmt.Sprintf(" and %d EXCELLENT", excellent)
	}
	if !f.HonoursKnown {
		return honoursUnknown(needVi, needEn)
	}
	b, ok := 0, false
	for g := range f.chain {
		if g.Award == pre && g.Year < f.Year && (!ok || g.Year < b) {
			b, ok = g.Year, true
		}
	}
	if !ok {
		return fail("MISSING_"+string(pre), needVi+"; không có "+pre.vi(), needEn+"; no "+string(pre)+" held")
	}
	var run, cstdYears []int
	nExcellent, stopVi, stopEn, missing := 0, "", "", false
	for y := f.Year; y > b; y-- {
		r, ok := f.ratings[y]
		if !ok {
			stopVi, stopEn, missing = fmt.Sprintf("; chưa có xếp loại năm %d", y), fmt.Sprintf("; no rating for %d", y), true
			break
		}
		if r.rank() < Good.rank() {
			stopVi, stopEn = fmt.Sprintf("; năm %d: %s", y, r.vi()), fmt.Sprintf("; %d: %s", y, r)
			break
		}
		run = append(run, y)
		if r == Excellent {
			nExcellent++
		}
		if f.chain[Grant{CSTDCS, y}] {
			cstdYears = append(cstdYears, y)
		}
	}
	span, excVi, excEn := "", "", ""
	if len(run) > 0 {
		span = " (" + enSpan(run[len(run)-1], run[0]) + ")"
	}
	if excellent > 0 {
		excVi, excEn = fmt.Sprintf(", %d năm hoàn thành xuất sắc nhiệm vụ", nExcellent), fmt.Sprintf(", %d EXCELLENT", nExcellent)
	}
	vi := fmt.Sprintf("%s; có %s năm %d, %d năm liên tục%s, Chiến sĩ thi đua cơ sở: %s%s%s",
		needVi, pre.vi(), b, len(run), span, yearList(cstdYears, "không năm nào"), excVi, stopVi)
	en := fmt.Sprintf("%s; found %s %d, %d consecutive years%s, CSTD_CS: %s%s%s",
		needEn, pre, b, len(run), span, yearList(cstdYears, "none"), excEn, stopEn)
	short := func(cause string) finding {
		if missing {
			return unknown("RATING_MISSING", vi, en)
		}
		return fail(cause, vi, en)
	}
	switch {
	case len(run) < years:
		return short("TOO_FEW_YEARS")
	case len(cstdYears) < cstd:
		return short("TOO_FEW_CSTD_CS")
	case nExcellent < excellent:
		return short("NO_EXCELLENT")
	}
	return pass("CHAIN_OK", vi, en)
}
