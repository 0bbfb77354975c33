package server

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/resname"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
)

// dimensions are the names GetStatistics groups by, and their columns.
var dimensions = map[string]store.Dimension{
	"award_type":     store.ByAwardType,
	"year":           store.ByYear,
	"province":       store.ByProvince,
	"authority":      store.ByAuthority,
	"recipient_kind": store.ByRecipientKind,
}

// maxDimensions is the most dimensions GetStatistics groups by, counted
// after the comma-separated items are split (the REST form is
// group_by=award_type,year); there are five, so more means a repeat.
const maxDimensions = 5

// groupByIn reads the dimensions of group_by: each item may hold several,
// separated by commas; empty ones ("year,") are ignored. An unknown or
// repeated dimension, or more than maxDimensions of them, is a violation
// of groupBy.
func groupByIn(errs *resname.Fields, items []string) ([]store.Dimension, []string) {
	var dims []store.Dimension
	var names []string
	repeated := map[string]bool{}
	count := 0
	for _, item := range items {
		for name := range strings.SplitSeq(item, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			count++
			d, ok := dimensions[name]
			switch {
			case !ok:
				errs.Add("groupBy", "unknown dimension %q: use award_type, year, province, authority or recipient_kind", name)
			case slices.Contains(dims, d):
				if !repeated[name] {
					repeated[name] = true
					errs.Add("groupBy", "dimension %q is given more than once", name)
				}
			default:
				dims, names = append(dims, d), append(names, name)
			}
		}
	}
	if count > maxDimensions {
		errs.Add("groupBy", "at most %d dimensions, got %d", maxDimensions, count)
	}
	return dims, names
}

// GetStatistics counts the ACTIVE honours and sums their rewards, grouped
// by the dimensions asked, from the register's running totals. Grouped by
// province, honours count under the province that exists now (lineage);
// the province and authority filters take in the units dissolved into the
// unit asked for. Results are cached per filters, generation of the
// register (see registerChanged) and revision of the units. Filtered by
// movement, they count the honours that cite it.
func (s *Server) GetStatistics(ctx context.Context, req *honoursv1.GetStatisticsRequest) (*honoursv1.Statistics, error) {
	var errs resname.Fields
	dims, names := groupByIn(&errs, req.GetGroupBy())
	f := store.StatsFilter{YearFrom: int(req.GetYearFrom()), YearTo: int(req.GetYearTo()), Movement: req.GetMovement()}
	if req.GetAwardType() != "" {
		code, ok := awardCode(req.GetAwardType())
		if !ok {
			errs.Add("awardType", "must be awardTypes/{code}")
		}
		f.AwardCode = code
	}
	authority := errs.ID("authority", req.GetAuthority(), resname.Unit)
	province := errs.ID("province", req.GetProvince(), resname.Unit)
	if f.YearFrom != 0 && f.YearTo != 0 && f.YearTo < f.YearFrom {
		errs.Add("yearTo", "must not be before yearFrom")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	// The key names the units' revision: statistics grouped or filtered by
	// province follow lineage, so a change of units makes new ones.
	key := "stats:" + s.statsGeneration(ctx) + ":" + strconv.FormatInt(s.units.Revision(), 10) + ":" +
		pagetoken.Scope(strings.Join(names, ","), f.AwardCode, authority, province, strconv.Itoa(f.YearFrom), strconv.Itoa(f.YearTo), f.Movement)
	st, err := cache.GetOrLoad(ctx, s.cache, key, statsTTL, func() *honoursv1.Statistics { return new(honoursv1.Statistics) },
		func(ctx context.Context) (*honoursv1.Statistics, error) {
			var err error
			if authority != "" {
				if f.Authorities, err = s.lineageOf(ctx, authority); err != nil {
					return nil, err
				}
			}
			if province != "" {
				if f.Provinces, err = s.lineageOf(ctx, province); err != nil {
					return nil, err
				}
			}
			return s.statistics(ctx, f, dims)
		})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// statistics computes what GetStatistics returns, from the store.
func (s *Server) statistics(ctx context.Context, f store.StatsFilter, dims []store.Dimension) (*honoursv1.Statistics, error) {
	rows, err := s.store.Statistics(ctx, f, dims)
	if err != nil {
		return nil, err
	}
	st := &honoursv1.Statistics{}
	for _, r := range rows {
		st.TotalCount += r.Count
		st.TotalRewardVnd += r.RewardVND
	}
	if len(dims) == 0 {
		return st, nil
	}
	if slices.Contains(dims, store.ByProvince) {
		// An honour counts under the province that exists now.
		provinces := make([]string, len(rows))
		for i, r := range rows {
			provinces[i] = r.Province
		}
		units, err := s.units.Units(ctx, provinces)
		if err != nil {
			return nil, err
		}
		merged := make(map[store.StatsRow]int) // row without its sums -> index in out
		var out []store.StatsRow
		for _, r := range rows {
			if u, ok := units[r.Province]; ok {
				r.Province = u.Current
			}
			k := r
			k.Count, k.RewardVND = 0, 0
			if i, ok := merged[k]; ok {
				out[i].Count += r.Count
				out[i].RewardVND += r.RewardVND
				continue
			}
			merged[k] = len(out)
			out = append(out, r)
		}
		rows = out
	}
	position := make(map[string]int)
	for i, t := range s.catalogue.All() {
		position[t.Code] = i
	}
	slices.SortFunc(rows, func(a, b store.StatsRow) int {
		for _, d := range dims {
			var c int
			switch d {
			case store.ByAwardType:
				c = cmp.Or(cmp.Compare(position[a.AwardCode], position[b.AwardCode]), strings.Compare(a.AwardCode, b.AwardCode))
			case store.ByYear:
				c = cmp.Compare(a.Year, b.Year)
			case store.ByProvince:
				c = strings.Compare(a.Province, b.Province)
			case store.ByAuthority:
				c = strings.Compare(a.Authority, b.Authority)
			case store.ByRecipientKind:
				c = cmp.Compare(a.RecipientKind, b.RecipientKind)
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	for _, r := range rows {
		row := &honoursv1.StatisticsRow{
			Year:          int32(r.Year),
			Province:      resname.Unit.Format(r.Province),
			Authority:     resname.Unit.Format(r.Authority),
			RecipientKind: typev1.RecipientKind(r.RecipientKind),
			Count:         r.Count,
			RewardVnd:     r.RewardVND,
		}
		if r.AwardCode != "" {
			row.AwardType = awardTypesPrefix + r.AwardCode
		}
		st.Rows = append(st.Rows, row)
	}
	return st, nil
}
