package server

import (
	"context"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/fieldmask"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/resname"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/domain"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/store"
)

var updatableCovenantFields = []string{"criteria", "signed_on", "signatories", "certificate_quota"}

// CreateCovenant records a group's covenant for a year.
func (s *Server) CreateCovenant(ctx context.Context, req *blocsv1.CreateCovenantRequest) (*blocsv1.Covenant, error) {
	gid, err := groupID("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	year, ok := resname.Year(req.GetCovenantId())
	if !ok {
		return nil, domainerr.Field("covenantId", "must be a year from 1945 to 2200")
	}
	f, err := covenantFields(req.GetCovenant())
	if err != nil {
		return nil, err
	}
	resp := new(blocsv1.Covenant)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		g, err := tx.GetGroup(ctx, gid)
		if err != nil {
			return nil, err
		}
		ms, err := tx.Memberships(ctx, gid, "")
		if err != nil {
			return nil, err
		}
		c, err := domain.NewCovenant(g, year, f, domain.MembersInYear(ms, year), tx.Now())
		if err != nil {
			return nil, err
		}
		if err := tx.InsertCovenant(ctx, c); err != nil {
			return nil, err
		}
		return covenantToProto(c), nil
	})
	return resp, err
}

// GetCovenant returns a covenant.
func (s *Server) GetCovenant(ctx context.Context, req *blocsv1.GetCovenantRequest) (*blocsv1.Covenant, error) {
	gid, year, ok := domain.ParseYearName(req.GetName(), domain.CovenantPattern)
	if !ok {
		return nil, domainerr.Field("name", "must be groups/{group}/covenants/{year}")
	}
	c, err := s.store.GetCovenant(ctx, gid, year)
	if err != nil {
		return nil, err
	}
	return covenantToProto(c), nil
}

// UpdateCovenant changes a covenant's fields named by the update mask.
func (s *Server) UpdateCovenant(ctx context.Context, req *blocsv1.UpdateCovenantRequest) (*blocsv1.Covenant, error) {
	gid, year, ok := domain.ParseYearName(req.GetCovenant().GetName(), domain.CovenantPattern)
	if !ok {
		return nil, domainerr.Field("covenant.name", "must be groups/{group}/covenants/{year}")
	}
	resp := new(blocsv1.Covenant)
	err := idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		g, err := tx.GetGroup(ctx, gid)
		if err != nil {
			return nil, err
		}
		c, err := tx.GetCovenant(ctx, gid, year)
		if err != nil {
			return nil, err
		}
		merged := covenantToProto(c)
		if err := fieldmask.Apply(merged, req.GetCovenant(), req.GetUpdateMask(), updatableCovenantFields); err != nil {
			return nil, maskError(err)
		}
		f, err := covenantFields(merged)
		if err != nil {
			return nil, err
		}
		hasScores, err := tx.HasScores(ctx, gid, year)
		if err != nil {
			return nil, err
		}
		ms, err := tx.Memberships(ctx, gid, "")
		if err != nil {
			return nil, err
		}
		changed := !slices.Equal(f.Criteria, c.Criteria)
		if err := c.Update(g, f, changed, hasScores, domain.MembersInYear(ms, year), req.GetCovenant().GetEtag(), tx.Now()); err != nil {
			return nil, err
		}
		if err := tx.UpdateCovenant(ctx, c); err != nil {
			return nil, err
		}
		return covenantToProto(c), nil
	})
	if err != nil {
		return nil, err
	}
	s.invalidate(ctx, rankingKey(gid, year))
	return resp, nil
}

// SubmitScore records or replaces a member's score.
func (s *Server) SubmitScore(ctx context.Context, req *blocsv1.SubmitScoreRequest) (*blocsv1.Score, error) {
	gid, year, ok := domain.ParseYearName(req.GetParent(), domain.CovenantPattern)
	if !ok {
		return nil, domainerr.Field("parent", "must be groups/{group}/covenants/{year}")
	}
	var errs resname.Fields
	unit := errs.ID("score.unit", req.GetScore().GetUnit(), resname.Unit)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	resp := new(blocsv1.Score)
	err := idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		g, err := tx.GetGroup(ctx, gid)
		if err != nil {
			return nil, err
		}
		c, err := tx.GetCovenant(ctx, gid, year)
		if err != nil {
			return nil, err
		}
		ms, err := tx.Memberships(ctx, gid, "")
		if err != nil {
			return nil, err
		}
		sc := req.GetScore()
		score, err := domain.NewScore(g, c, unit, sc.GetPoints(), sc.GetWomenShare(), sc.GetSubmittedBy(),
			domain.MembersInYear(ms, year), tx.Now())
		if err != nil {
			return nil, err
		}
		if err := tx.PutScore(ctx, score); err != nil {
			return nil, err
		}
		return scoreToProto(score), nil
	})
	if err != nil {
		return nil, err
	}
	s.invalidate(ctx, rankingKey(gid, year))
	return resp, nil
}

// ListScores lists a covenant's scores.
func (s *Server) ListScores(ctx context.Context, req *blocsv1.ListScoresRequest) (*blocsv1.ListScoresResponse, error) {
	gid, year, ok := domain.ParseYearName(req.GetParent(), domain.CovenantPattern)
	if !ok {
		return nil, domainerr.Field("parent", "must be groups/{group}/covenants/{year}")
	}
	if _, err := s.store.GetCovenant(ctx, gid, year); err != nil {
		return nil, err
	}
	page, err := pagetoken.PageOf[store.ScoreCursor](s.tokens, req)
	if err != nil {
		return nil, err
	}
	scores, next, total, err := s.store.ListScores(ctx, gid, year, page.After, page.Size)
	if err != nil {
		return nil, err
	}
	resp := &blocsv1.ListScoresResponse{TotalSize: int32(total)}
	for _, sc := range scores {
		resp.Scores = append(resp.Scores, scoreToProto(sc))
	}
	if resp.NextPageToken, err = page.NextToken(next); err != nil {
		return nil, err
	}
	return resp, nil
}

// GetRanking ranks a covenant's members, from the cache when it can.
func (s *Server) GetRanking(ctx context.Context, req *blocsv1.GetRankingRequest) (*blocsv1.Ranking, error) {
	gid, year, ok := domain.ParseYearName(trimSuffix(req.GetName(), "/ranking"), domain.CovenantPattern)
	if !ok {
		return nil, domainerr.Field("name", "must be groups/{group}/covenants/{year}/ranking")
	}
	r, err := cache.GetOrLoad(ctx, s.cache, rankingKey(gid, year), rankingTTL,
		func() *blocsv1.Ranking { return new(blocsv1.Ranking) },
		func(ctx context.Context) (*blocsv1.Ranking, error) {
			return s.loadRanking(ctx, req.GetName(), gid, year)
		})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (s *Server) loadRanking(ctx context.Context, name, gid string, year int) (*blocsv1.Ranking, error) {
	c, err := s.store.GetCovenant(ctx, gid, year)
	if err != nil {
		return nil, err
	}
	scores, err := s.store.Scores(ctx, gid, year)
	if err != nil {
		return nil, err
	}
	ms, err := s.store.Memberships(ctx, gid, "")
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(ms))
	for _, m := range ms {
		names[m.Unit] = m.UnitDisplayName
	}
	r := domain.Rank(gid, year, scores, names, domain.MembersInYear(ms, year), c.Quota())
	return rankingToProto(name, r), nil
}

func trimSuffix(s, suffix string) string {
	if len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix {
		return s[:len(s)-len(suffix)]
	}
	return ""
}
