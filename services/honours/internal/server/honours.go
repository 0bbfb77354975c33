package server

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/platform/resname"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
)

// GetHonour returns an honour.
func (s *Server) GetHonour(ctx context.Context, req *honoursv1.GetHonourRequest) (*honoursv1.Honour, error) {
	id, err := honourIDOf("name", req.GetName())
	if err != nil {
		return nil, err
	}
	h, err := s.store.GetHonour(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.provincesNow(ctx, []*domain.Honour{h}); err != nil {
		return nil, err
	}
	out, err := s.viewer(ctx).honours([]*domain.Honour{h})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// BatchGetHonours returns honours by name, in the order asked; the first
// unknown name fails the call (NotFound naming it).
func (s *Server) BatchGetHonours(ctx context.Context, req *honoursv1.BatchGetHonoursRequest) (*honoursv1.BatchGetHonoursResponse, error) {
	ids := make([]string, len(req.GetNames()))
	for i, name := range req.GetNames() {
		id, err := honourIDOf("names["+strconv.Itoa(i)+"]", name)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	found, err := s.store.GetHonours(ctx, ids)
	if err == nil {
		err = s.provincesNow(ctx, found)
	}
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*domain.Honour, len(found))
	for _, h := range found {
		byID[h.ID] = h
	}
	asked := make([]*domain.Honour, len(ids))
	for i, id := range ids {
		if asked[i] = byID[id]; asked[i] == nil {
			return nil, &domainerr.NotFoundError{Name: req.GetNames()[i]}
		}
	}
	out, err := s.viewer(ctx).honours(asked)
	if err != nil {
		return nil, err
	}
	return &honoursv1.BatchGetHonoursResponse{Honours: out}, nil
}

// provincesNow sets the Province of each honour to the province it counts
// under now: the end of the successor chain of the province stored when it
// was issued. While the units of blocs cannot be had (honours started while
// blocs is down), the register is still served, with the provinces as they
// were resolved when each honour was issued.
func (s *Server) provincesNow(ctx context.Context, hs []*domain.Honour) error {
	ids := make([]string, 0, len(hs))
	for _, h := range hs {
		ids = append(ids, h.Province)
	}
	units, err := s.units.Units(ctx, ids)
	if _, down := errors.AsType[*domainerr.UnavailableError](err); down {
		s.log.WarnContext(ctx, "provinces of honours shown as issued: the units of blocs are not at hand", "error", err)
		return nil
	}
	if err != nil {
		return err
	}
	for _, h := range hs {
		if u, ok := units[h.Province]; ok {
			h.Province = u.Current
		}
	}
	return nil
}

// honourFilterRequest is what ListHonours and ExportHonours filter by.
type honourFilterRequest interface {
	proto.Message
	GetRecipientKey() string
	GetQuery() string
	GetAwardType() string
	GetAuthority() string
	GetProvince() string
	GetMovement() string
	GetYearFrom() int32
	GetYearTo() int32
	GetState() honoursv1.HonourState
}

// honourFilter reads the filters of req and the page token scope they
// make. authority= and province= take in the units dissolved into the unit
// asked for, and a collective's recipient_key the keys of those units. A
// recipient key of an earlier generation is brought to the current one;
// one derived from personal data finds only the honours on which the
// caller would see it (keyAuthorities).
func (s *Server) honourFilter(ctx context.Context, req honourFilterRequest) (store.HonourFilter, string, error) {
	var errs resname.Fields
	f := store.HonourFilter{
		Query:    req.GetQuery(),
		Movement: req.GetMovement(),
		YearFrom: int(req.GetYearFrom()),
		YearTo:   int(req.GetYearTo()),
		State:    domain.HonourState(req.GetState()),
	}
	if req.GetAwardType() != "" {
		code, ok := awardCode(req.GetAwardType())
		if !ok {
			errs.Add("awardType", "must be awardTypes/{code}")
		}
		f.AwardCode = code
	}
	authority := errs.ID("authority", req.GetAuthority(), resname.Unit)
	province := errs.ID("province", req.GetProvince(), resname.Unit)
	recipientKeyIn(&errs, "recipientKey", req.GetRecipientKey())
	if f.YearFrom != 0 && f.YearTo != 0 && f.YearTo < f.YearFrom {
		errs.Add("yearTo", "must not be before yearFrom")
	}
	if err := errs.Err(); err != nil {
		return f, "", err
	}
	scope := pagetoken.ScopeOf(req)
	var err error
	if authority != "" {
		if f.Authorities, err = s.lineageOf(ctx, authority); err != nil {
			return f, "", err
		}
	}
	if province != "" {
		if f.Provinces, err = s.lineageOf(ctx, province); err != nil {
			return f, "", err
		}
	}
	if key := s.currentKey(req.GetRecipientKey()); key != "" {
		keys, err := s.recipientKeys(ctx, []string{key})
		if err != nil {
			return f, "", err
		}
		f.RecipientKeys = keys[key]
		if f.KeyAuthorities, err = s.keyAuthorities(ctx, key); err != nil {
			return f, "", err
		}
	}
	return f, scope, nil
}

// collectivePrefix starts the recipient key of a collective: "unit:" + its
// unit id (domain.RecipientKey).
const collectivePrefix = "unit:"

// recipientKeyIn checks the recipient key of field: a collective's key
// names a unit ("unit:" + its id), whose id must be a valid unit id before
// it is looked up in blocs. Other keys are digests; one that matches no
// recipient finds nothing.
func recipientKeyIn(errs *resname.Fields, field, key string) {
	if id, ok := strings.CutPrefix(key, collectivePrefix); ok && !resid.Valid(id) {
		errs.Add(field, "a collective's key must be %s{unit id}, the id 1-63 lowercase letters, digits and '-'", collectivePrefix)
	}
}

// recipientKeys returns, for each key, the keys whose honours are that
// recipient's: the key itself and, for a collective, the keys of the units
// dissolved into it.
func (s *Server) recipientKeys(ctx context.Context, keys []string) (map[string][]string, error) {
	var units []string
	for _, k := range keys {
		if id, ok := strings.CutPrefix(k, collectivePrefix); ok {
			units = append(units, id)
		}
	}
	ancestors, err := s.units.Ancestors(ctx, units)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(keys))
	for _, k := range keys {
		out[k] = []string{k}
		if id, ok := strings.CutPrefix(k, collectivePrefix); ok {
			for _, a := range ancestors[id] {
				out[k] = append(out[k], collectivePrefix+a)
			}
		}
	}
	return out, nil
}

// ListHonours lists the register.
func (s *Server) ListHonours(ctx context.Context, req *honoursv1.ListHonoursRequest) (*honoursv1.ListHonoursResponse, error) {
	size, err := pagetoken.Size(req.GetPageSize())
	if err != nil {
		return nil, err
	}
	f, scope, err := s.honourFilter(ctx, req)
	if err != nil {
		return nil, err
	}
	after, err := pagetoken.DecodeCursor[store.HonourCursor](s.tokens, req.GetPageToken(), scope)
	if err != nil {
		return nil, err
	}
	hs, next, total, err := s.store.ListHonours(ctx, f, after, size)
	if err == nil {
		err = s.provincesNow(ctx, hs)
	}
	if err != nil {
		return nil, err
	}
	resp := &honoursv1.ListHonoursResponse{TotalSize: int32(total)}
	if resp.Honours, err = s.viewer(ctx).honours(hs); err != nil {
		return nil, err
	}
	if resp.NextPageToken, err = pagetoken.EncodeCursor(s.tokens, next, scope); err != nil {
		return nil, err
	}
	return resp, nil
}

// BatchGetRecipientHistory returns the honours of many recipients with one
// query: a collective's history includes the honours of the units dissolved
// into it. A key derived from personal data finds only the honours on
// which the caller would see it (mayFind): they are left out here, before
// anything of them is rendered.
func (s *Server) BatchGetRecipientHistory(ctx context.Context, req *honoursv1.BatchGetRecipientHistoryRequest) (*honoursv1.BatchGetRecipientHistoryResponse, error) {
	asked := req.GetRecipientKeys()
	var errs resname.Fields
	for i, k := range asked {
		recipientKeyIn(&errs, "recipientKeys["+strconv.Itoa(i)+"]", k)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	current := make([]string, len(asked))
	for i, k := range asked {
		current[i] = s.currentKey(k)
	}
	expanded, err := s.recipientKeys(ctx, current)
	if err != nil {
		return nil, err
	}
	owners := make(map[string][]int) // key in the register -> positions asked
	var all []string
	for i := range asked {
		for _, e := range expanded[current[i]] {
			if _, seen := owners[e]; !seen {
				all = append(all, e)
			}
			owners[e] = append(owners[e], i)
		}
	}
	hs, err := s.store.HonoursOf(ctx, all, req.GetIncludeRevoked())
	if err == nil {
		err = s.provincesNow(ctx, hs)
	}
	if err != nil {
		return nil, err
	}
	v := s.viewer(ctx)
	found := hs[:0]
	for _, h := range hs {
		sight, err := v.sight(h.Authority)
		if err != nil {
			return nil, err
		}
		if mayFind(h.Recipient.Key, sight) {
			found = append(found, h)
		}
	}
	shown, err := v.honours(found)
	if err != nil {
		return nil, err
	}
	resp := &honoursv1.BatchGetRecipientHistoryResponse{Histories: make([]*honoursv1.RecipientHistory, len(asked))}
	for i, k := range asked {
		resp.Histories[i] = &honoursv1.RecipientHistory{RecipientKey: k}
	}
	for j, h := range found {
		for _, i := range owners[h.Recipient.Key] {
			resp.Histories[i].Honours = append(resp.Histories[i].Honours, shown[j])
		}
	}
	return resp, nil
}

// revocationIn reads the reason and revoking document of a revocation of
// something conferred by authority, and checks "whoever conferred it
// cancels it" (domain.md §8) through lineage: the issuer of the revoking
// document must be the authority, or the unit it was merged into.
func (s *Server) revocationIn(ctx context.Context, reason string, doc *typev1.DocumentRef, authority, subject string) (domain.Revocation, *domain.RuleError, error) {
	var errs resname.Fields
	d := documentIn(&errs, "revokingDocument", doc)
	if err := errs.Err(); err != nil {
		return domain.Revocation{}, nil, err
	}
	units, err := s.units.Units(ctx, []string{authority, d.Issuer})
	if err != nil {
		return domain.Revocation{}, nil, err
	}
	issuer, ok := units[d.Issuer]
	if !ok && d.Issuer != "" {
		return domain.Revocation{}, nil, domainerr.Field("revokingDocument.issuer", "%s does not exist", resname.Unit.Format(d.Issuer))
	}
	current := authority
	if a, ok := units[authority]; ok {
		current = a.Current
	}
	var rule *domain.RuleError
	if d.Issuer != "" {
		if err := domain.CheckRevoker(resname.Unit.Format(issuer.Current), resname.Unit.Format(current), subject); err != nil {
			rule, _ = err.(*domain.RuleError)
			if rule == nil {
				return domain.Revocation{}, nil, err
			}
		}
	}
	return domain.Revocation{Reason: reason, Document: d}, rule, nil
}

// RevokeHonour revokes one honour (domain.md §8): it stays in the register
// as REVOKED with the reason and the revoking document.
func (s *Server) RevokeHonour(ctx context.Context, req *honoursv1.RevokeHonourRequest) (*honoursv1.Honour, error) {
	id, err := honourIDOf("name", req.GetName())
	if err != nil {
		return nil, err
	}
	h, err := s.store.GetHonour(ctx, id)
	if err != nil {
		return nil, err
	}
	var (
		rev  domain.Revocation
		rule *domain.RuleError
	)
	// Revoked already: a retry gets its first answer, anything else is
	// refused in the transaction; neither needs blocs.
	if h.State != domain.HonourRevoked {
		rev, rule, err = s.revocationIn(ctx, req.GetReason(), req.GetRevokingDocument(), h.Authority, h.Name())
		if err == nil {
			err = s.provincesNow(ctx, []*domain.Honour{h})
		}
		if err != nil {
			return nil, err
		}
	}
	provinceNow := h.Province
	resp := new(honoursv1.Honour)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		h, err := tx.LockHonour(ctx, id)
		if err != nil {
			return nil, err
		}
		next, err := h.State.Revoke(h.Name())
		if err != nil {
			return nil, err
		}
		if rule != nil {
			return nil, rule
		}
		r, err := domain.NewRevocation(rev.Reason, rev.Document, h.ConferredOn)
		if err != nil {
			return nil, err
		}
		h.State, h.Revoked = next, &domain.Revoked{Revocation: r, Time: tx.Now()}
		h.UpdateTime = tx.Now()
		h.Version++
		if err := tx.RevokeHonour(ctx, h); err != nil {
			return nil, err
		}
		h.Province = provinceNow
		// Saved for retries: no full citizen id (mutationViewer).
		out, err := s.mutationViewer(ctx).honours([]*domain.Honour{h})
		if err != nil {
			return nil, err
		}
		return out[0], nil
	})
	if err != nil {
		return nil, err
	}
	s.registerChanged(ctx)
	return resp, nil
}

// RevokeDecision revokes an issued decision and, in the same transaction,
// every honour of it still active.
func (s *Server) RevokeDecision(ctx context.Context, req *honoursv1.RevokeDecisionRequest) (*honoursv1.Decision, error) {
	id, err := decisionID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	d, err := s.store.GetDecision(ctx, id)
	if err != nil {
		return nil, err
	}
	var (
		rev  domain.Revocation
		rule *domain.RuleError
	)
	if d.State != domain.DecisionRevoked { // see RevokeHonour
		if rev, rule, err = s.revocationIn(ctx, req.GetReason(), req.GetRevokingDocument(), d.Authority, d.Name()); err != nil {
			return nil, err
		}
	}
	resp := new(honoursv1.Decision)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		d, err := tx.LockDecision(ctx, id)
		if err != nil {
			return nil, err
		}
		next, err := d.State.Revoke(d.Name())
		if err != nil {
			return nil, err
		}
		if rule != nil {
			return nil, rule
		}
		r, err := domain.NewRevocation(rev.Reason, rev.Document, d.Document.SignedOn)
		if err != nil {
			return nil, err
		}
		revoked := &domain.Revoked{Revocation: r, Time: tx.Now()}
		if _, err := tx.RevokeHonoursOf(ctx, id, revoked); err != nil {
			return nil, err
		}
		d.State, d.Revoked = next, revoked
		d.UpdateTime = tx.Now()
		d.Version++
		if err := tx.UpdateDecision(ctx, d); err != nil {
			return nil, err
		}
		return decisionOut(d, nil), nil
	})
	if err != nil {
		return nil, err
	}
	s.registerChanged(ctx)
	return resp, nil
}
