package eligibility

// year is the year the test nominations are for.
const year = 2023

// edit changes a test input.
type edit func(*Input)

// person is a nomination of an individual for the award in 2023, with
// every list known, attested, and nothing found.
func person(a Award, edits ...edit) Input {
	in := Input{
		Award: a, Recipient: Individual, Year: year,
		Attested: true, HonoursKnown: true, NominationsKnown: true, InitiativeUsesKnown: true,
	}
	for _, e := range edits {
		e(&in)
	}
	return in
}

// unit is a nomination of a collective of province tinh-19, with an empty
// standing.
func unit(a Award, edits ...edit) Input {
	return person(a, append([]edit{func(in *Input) {
		in.Recipient, in.Authority, in.Standing = Collective, "tinh-19", &Standing{}
	}}, edits...)...)
}

// held adds honours in force on the merit route.
func held(a Award, years ...int) edit {
	return func(in *Input) {
		for _, y := range years {
			in.Honours = append(in.Honours, Honour{Award: a, Year: y})
		}
	}
}

// heldFor adds an honour in force on another basis.
func heldFor(a Award, b Basis, y int) edit {
	return func(in *Input) { in.Honours = append(in.Honours, Honour{Award: a, Year: y, Basis: b}) }
}

// rated rates the years.
func rated(r Rating, years ...int) edit {
	return func(in *Input) {
		for _, y := range years {
			in.Ratings = append(in.Ratings, YearRating{y, r})
		}
	}
}

// span is the years from–to.
func span(from, to int) []int {
	var ys []int
	for y := from; y <= to; y++ {
		ys = append(ys, y)
	}
	return ys
}

// initiative adds an initiative recognised at the scope in the year.
func initiative(s Scope, y int) edit {
	return func(in *Input) {
		n := string(rune('A' + len(in.Initiatives)))
		in.Initiatives = append(in.Initiatives, Initiative{ID: "sk-" + n, Title: "Sáng kiến " + n, Scope: s, Year: y})
	}
}

// members declares the member counts.
func members(total, completed, ldtt, cstd, disciplined int) edit {
	return func(in *Input) { in.Members = &Members{total, completed, ldtt, cstd, disciplined} }
}

// placed adds a 2023 placement in a group run by the organiser.
func placed(organiser string, central bool, rank int) edit {
	return func(in *Input) {
		in.Standing.Placements = append(in.Standing.Placements,
			Placement{Group: "Khối thi đua số 3", Organiser: organiser, Central: central, Year: year, Rank: rank})
	}
}

// leading adds a movement the collective leads at its 2023 review.
func leading(organiser string, central, thematic bool, years int) edit {
	return func(in *Input) {
		in.Standing.Leads = append(in.Standing.Leads,
			Lead{Movement: "Chung sức xây dựng nông thôn mới", Organiser: organiser, Central: central, Thematic: thematic, Years: years, ReviewYear: year})
	}
}

// flags sets the R9 context.
func flags(holders, place int) edit {
	return func(in *Input) { in.Standing.Flags = &Flags{Holders: holders, Place: place} }
}

// nominated adds another open nomination.
func nominated(id string, a Award, y int, achievement string) edit {
	return func(in *Input) {
		in.Nominations = append(in.Nominations, Nomination{ID: id, Award: a, Year: y, Achievement: achievement})
	}
}
