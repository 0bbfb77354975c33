package server

import (
	"context"
	"slices"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/resname"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Ranking is a bloc's or cluster's ranking of a year, as the flag rules
// read it (R8, R9).
type Ranking struct {
	Group     string // the group's display name
	Organiser string // unit id of the province or ministry that runs it
	Year      int
	Ranks     map[string]int // unit id → rank, 1 the first
}

// Rankings is what eligibility needs of the blocs service for flags.
type Rankings interface {
	// Rankings returns the rankings with names
	// (groups/{g}/covenants/{year}/ranking): one read of each ranking and
	// of its group; a name blocs does not hold is absent.
	Rankings(ctx context.Context, names []string) (map[string]Ranking, error)
}

// BlocsRankings asks the blocs service.
type BlocsRankings struct{ Client blocsv1.BlocsServiceClient }

// Rankings implements Rankings with GetRanking and GetGroup for each name.
func (b BlocsRankings) Rankings(ctx context.Context, names []string) (map[string]Ranking, error) {
	out := make(map[string]Ranking, len(names))
	for _, name := range slices.Compact(slices.Sorted(slices.Values(names))) {
		r, err := b.Client.GetRanking(ctx, &blocsv1.GetRankingRequest{Name: name})
		if status.Code(err) == codes.NotFound {
			continue
		}
		if err != nil {
			return nil, grpcclient.Failure("blocs", "GetRanking", err)
		}
		group, _, _ := strings.Cut(name, "/covenants/")
		g, err := b.Client.GetGroup(ctx, &blocsv1.GetGroupRequest{Name: group})
		if err != nil {
			return nil, grpcclient.Failure("blocs", "GetGroup", err)
		}
		organiser, _ := resname.Unit.ID(g.GetOrganizer())
		ranks := make(map[string]int, len(r.GetEntries()))
		for _, e := range r.GetEntries() {
			if id, ok := resname.Unit.ID(e.GetUnit()); ok {
				ranks[id] = int(e.GetRank())
			}
		}
		out[name] = Ranking{Group: g.GetDisplayName(), Organiser: organiser, Year: int(r.GetYear()), Ranks: ranks}
	}
	return out, nil
}

// rankingsOf reads the rankings the nominations fs rely on (one read per
// group and year); none asked when none relies on one.
func (s *Server) rankingsOf(ctx context.Context, fs []domain.NominationFields) (map[string]Ranking, error) {
	var names []string
	for _, f := range fs {
		if f.Ranking != "" {
			names = append(names, f.Ranking)
		}
	}
	if len(names) == 0 || s.rankings == nil {
		return nil, nil
	}
	return s.rankings.Rankings(ctx, names)
}

// standing is where a collective stands for flags, from the ranking its
// nomination relies on: nil (UNKNOWN) when it names none, or the ranking
// could not be read. A group is the central council's when its organiser
// is a unit at the central level.
func (s *Server) standing(ctx context.Context, f domain.NominationFields, rankings map[string]Ranking) *eligibility.Standing {
	r, ok := rankings[f.Ranking]
	if f.Ranking == "" || !ok {
		return nil
	}
	st := &eligibility.Standing{}
	if rank, ranked := r.Ranks[f.Recipient.Unit]; ranked {
		central := false
		if units, err := s.units.Units(ctx, []string{r.Organiser}); err == nil {
			central = units[r.Organiser].Level == lineage.LevelCentral
		}
		st.Placements = []eligibility.Placement{{Group: r.Group, Organiser: r.Organiser, Central: central, Year: r.Year, Rank: rank}}
	}
	return st
}
