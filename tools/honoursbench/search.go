package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

// searchPage is the page size of the register searches.
const searchPage = 50

// laterPage is the page a "later page" search reads (1-based).
const laterPage = 5

// searchClass is a kind of register search: queries of 1–3 words that
// select about as many honours as each other.
type searchClass struct {
	label   string
	queries func(rng *rand.Rand) string
}

// searchClasses are the searches measured, from the names the generator
// gives (families, middle and given names; gen.go).
var searchClasses = []searchClass{
	{"common, 1 word (a family name, 5–10%)", func(rng *rand.Rand) string { return pick(rng, longFamilies()) }},
	{"common, 2 words (family + a short name)", func(rng *rand.Rand) string {
		return pick(rng, longFamilies()) + " " + pick(rng, []string{"An", "Hà", "Mai", "Lan"})
	}},
	{"rare, 1 word (a family name nobody has)", func(rng *rand.Rand) string {
		return pick(rng, []string{"Khuất", "Doãn", "Quách", "Giáp", "Khổng", "Mạc"})
	}},
	{"rare, 2 words (family + given, ~0.15%)", func(rng *rand.Rand) string { return pick(rng, families) + " " + pick(rng, givenM) }},
	{"rare, 3 words (a full name, ~0.02%)", func(rng *rand.Rand) string {
		return pick(rng, families) + " " + pick(rng, middlesF) + " " + pick(rng, givenF)
	}},
}

// longFamilies are the family names of three letters or more (folded).
func longFamilies() []string {
	var out []string
	for _, f := range families {
		if len([]rune(f)) >= 3 {
			out = append(out, f)
		}
	}
	return out
}

func pick(rng *rand.Rand, s []string) string { return s[rng.IntN(len(s))] }

// searchFilter is a filter a search is measured with, in a register
// whose decisions are of years 2014 to 2014+years-1.
type searchFilter struct {
	label string
	apply func(req *honoursv1.ListHonoursRequest, rng *rand.Rand, years int32)
}

var searchFilters = []searchFilter{
	{"", func(*honoursv1.ListHonoursRequest, *rand.Rand, int32) {}},
	{"province", func(req *honoursv1.ListHonoursRequest, rng *rand.Rand, _ int32) {
		req.Province = unitName(provinceID(rng.IntN(len(provinces))))
	}},
	{"year", func(req *honoursv1.ListHonoursRequest, rng *rand.Rand, years int32) {
		y := 2014 + rng.Int32N(years)
		req.YearFrom, req.YearTo = y, y
	}},
}

// registerYears is the number of years of the decisions of a register of
// n honours (decision i is of year 2014 + (i/34) % 12; gen.go).
func registerYears(n, perDec int) int32 {
	return int32(min(12, ((n+perDec-1)/perDec+len(provinces)-1)/len(provinces)))
}

// searchResult is the timing of one case: a class, a filter, a page.
type searchResult struct {
	label string
	took  []time.Duration
	total int32 // matches of the last query
}

// searches measures ListHonours with a query of each class, with each
// filter, on the first page and on page laterPage (the pages before it
// read untimed, for their tokens): reps queries per case, on a register of
// n honours.
func searches(ctx context.Context, c honoursv1.HonoursServiceClient, o options, n int) ([]searchResult, error) {
	years := registerYears(n, o.perDec)
	var out []searchResult
	for ci, cl := range searchClasses {
		for fi, f := range searchFilters {
			rng := rand.New(rand.NewPCG(o.seed, uint64(100*ci+fi)))
			first := searchResult{label: cl.label}
			later := searchResult{label: cl.label}
			if f.label != "" {
				first.label += ", by " + f.label
				later.label += ", by " + f.label
			}
			first.label += ", first page"
			later.label += fmt.Sprintf(", page %d", laterPage)
			for range o.searchReps {
				req := &honoursv1.ListHonoursRequest{Query: cl.queries(rng), PageSize: searchPage}
				f.apply(req, rng, years)
				for page := 1; page <= laterPage; page++ {
					t := time.Now()
					resp, err := c.ListHonours(ctx, req)
					if err != nil {
						return nil, fmt.Errorf("search %q: %w", req.GetQuery(), err)
					}
					switch page {
					case 1:
						first.took, first.total = append(first.took, time.Since(t)), resp.GetTotalSize()
					case laterPage:
						later.took, later.total = append(later.took, time.Since(t)), resp.GetTotalSize()
					}
					if resp.GetNextPageToken() == "" {
						break // fewer pages: no later page for this query
					}
					req.PageToken = resp.GetNextPageToken()
				}
			}
			out = append(out, first)
			if len(later.took) > 0 {
				out = append(out, later)
			}
		}
	}
	return out, nil
}

// printSearches prints the p50 and p99 of each case.
func printSearches(w io.Writer, engine string, rows int, rs []searchResult) {
	fmt.Fprintf(w, "\nregister search (ListHonours query=, %d a page) on %s, %d honours\n\n", searchPage, engine, rows)
	fmt.Fprintf(w, "%-70s %-22s %s\n", "case", "p50 / p99 (n)", "matches (last)")
	for _, r := range rs {
		fmt.Fprintf(w, "%-70s %-22s %d\n", r.label, fmt.Sprintf("%s / %s (%d)", ms(pct(r.took, .5)), ms(pct(r.took, .99)), len(r.took)), r.total)
	}
}
