package server

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
)

// IssueDecision issues a draft decision: in one transaction, it checks the
// authority, computes every reward, adds one honour per entry to the
// register and marks the decision ISSUED, with the request id and the audit
// entry. Killed half-way, it leaves nothing; retried with the same
// request_id after it committed, it answers as the first time; and the
// register's unique key on (decision, entry) makes a second set of honours
// for the same entries impossible whatever happens.
//
// The response is the decision without its entries (GetDecision has them,
// with the honours and rewards).
func (s *Server) IssueDecision(ctx context.Context, req *honoursv1.IssueDecisionRequest) (*honoursv1.Decision, error) {
	id, err := decisionID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	// Ask blocs for the units before the transaction rather than while it
	// holds the decision (and, on SQLite, the database).
	var units map[string]lineage.Unit
	d, err := s.store.GetDecision(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.State == domain.DecisionDraft {
		ids, err := s.store.EntryUnits(ctx, id)
		if err != nil {
			return nil, err
		}
		if units, err = s.unitsWithProvinces(ctx, ids); err != nil {
			return nil, err
		}
		// The authority as it is now: it may have been dissolved since the
		// draft was made.
		authority, err := s.units.Fresh(ctx, []string{d.Authority})
		if err != nil {
			return nil, err
		}
		maps.Copy(units, authority)
	}
	resp := new(honoursv1.Decision)
	for attempt := 1; ; attempt++ {
		err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
			d, err := tx.LockDecision(ctx, id)
			if err != nil {
				return nil, err
			}
			if err := checkEtag(req.GetEtag(), d.Version); err != nil {
				return nil, err
			}
			if err := s.issue(ctx, tx, d, units, nil); err != nil {
				return nil, err
			}
			return decisionOut(d, nil), nil
		})
		missing, ok := errors.AsType[*missingUnitsError](err)
		if !ok {
			break
		}
		if attempt == 3 {
			// Entries naming new units keep arriving: let the client retry.
			return nil, domainerr.ErrStaleEtag
		}
		more, err := s.unitsWithProvinces(ctx, missing.ids)
		if err != nil {
			return nil, err
		}
		maps.Copy(units, more)
	}
	if err != nil {
		return nil, err
	}
	s.registerChanged(ctx)
	return resp, nil
}

// missingUnitsError says that issuing needs units it was not given (entries
// naming them were added after they were looked up): the caller looks them
// up, outside the transaction, and tries again.
type missingUnitsError struct{ ids []string }

func (e *missingUnitsError) Error() string {
	return fmt.Sprintf("issuing needs %d units more", len(e.ids))
}

// unitsWithProvinces returns the units with ids and the provinces they are
// in.
func (s *Server) unitsWithProvinces(ctx context.Context, ids []string) (map[string]lineage.Unit, error) {
	units, err := s.units.Units(ctx, ids)
	if err != nil {
		return nil, err
	}
	var provinces []string
	for _, u := range units {
		if _, ok := units[u.Province]; !ok && u.Province != "" {
			provinces = append(provinces, u.Province)
		}
	}
	more, err := s.units.Units(ctx, provinces)
	if err != nil {
		return nil, err
	}
	maps.Copy(units, more)
	return units, nil
}

// issuePage is how many entries issuing turns into honours at a time.
const issuePage = 2000

// issue issues draft d in tx and writes the honours, a page of entries at a
// time (domain.Issuance). units holds the units its entries name; it calls
// no other service, since the transaction is open: a unit it lacks (of an
// entry added since they were looked up) is a *missingUnitsError. entries
// are d's entries when the caller has them all (it has just added them in
// tx); nil reads them from tx, in pages.
func (s *Server) issue(ctx context.Context, tx *store.Tx, d *domain.Decision, units map[string]lineage.Unit, entries []domain.DecisionEntry) error {
	if _, err := d.State.Issue(d.Name()); err != nil {
		return err
	}
	var (
		lines   []domain.Entry
		unitIDs []string
		err     error
	)
	if entries != nil {
		lines, unitIDs = domain.RewardLines(entries), domain.EntryUnits(entries)
	} else {
		if lines, err = tx.EntryLines(ctx, d.ID); err != nil {
			return err
		}
		if unitIDs, err = tx.EntryUnits(ctx, d.ID); err != nil {
			return err
		}
	}
	if missing := domain.MissingUnits(units, d.Authority, unitIDs); len(missing) > 0 {
		return &missingUnitsError{ids: missing}
	}
	held, err := tx.HeldAwards(ctx, domain.RecipientKeys(lines))
	if err != nil {
		return err
	}
	is, err := s.catalogue.StartIssue(s.salaries, d, lines, units, held, tx.Now())
	if err != nil {
		return err
	}
	write := func(page []domain.DecisionEntry) error {
		honours, err := is.Honours(page)
		if err != nil {
			return err
		}
		return tx.InsertHonours(ctx, honours)
	}
	if entries != nil {
		for page := range slices.Chunk(entries, issuePage) {
			if err := write(page); err != nil {
				return err
			}
		}
	} else {
		for after := 0; ; {
			page, err := tx.EntriesAfter(ctx, d.ID, after, issuePage)
			if err != nil {
				return err
			}
			if len(page) == 0 {
				break
			}
			if err := write(page); err != nil {
				return err
			}
			after = page[len(page)-1].Ordinal
		}
	}
	if err := is.Finish(); err != nil {
		return err
	}
	return tx.UpdateDecision(ctx, d)
}
