package server

import (
	"context"
	"errors"
	"strconv"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/resname"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
)

// Personal data in responses (domain.md §9, api.md Shared types). What a
// caller sees of a recipient depends on its roles over the authority of
// the decision or honour the recipient is on:
//
//   - sightPublic (anonymous callers, and callers without a reader role
//     over the authority): the public register, with no birth year, no
//     citizen id, masked or not, and no recipient key derived from personal
//     data: only a collective's ("unit:…").
//   - sightReader (policy.Readers over the authority): the birth year, the
//     masked citizen id, and the keys of individuals without a citizen id
//     and of households, which are derived from what it sees.
//   - sightPII (PII_READER over the authority): the full citizen id, opened
//     from its seal, each such read recorded in the data access audit log
//     before the response leaves, and every key. A key derived from a
//     citizen id ("cid:…") is shown to no one else.
//
// Filters follow suit: a recipient key given to ListHonours, ExportHonours
// or BatchGetRecipientHistory finds only the honours on which the caller
// would see that key, so that asking with a key confirms nothing the
// caller may not read.
type sight int

const (
	sightPublic sight = iota
	sightReader
	sightPII
)

// recipientOut is r as a caller with sight sees it. clearID is its full
// citizen id, opened from its seal, shown with sightPII ("" when it is not
// kept: the masked one is shown then).
func recipientOut(r domain.Recipient, sight sight, clearID string) *typev1.Recipient {
	p := &typev1.Recipient{
		Kind:     typev1.RecipientKind(r.Kind),
		FullName: r.FullName,
		Gender:   typev1.Gender(r.Gender),
		Position: r.Position,
		Unit:     resname.Unit.Format(r.Unit),
		HeadName: r.HeadName,
		Address:  r.Address,
		Commune:  resname.Unit.Format(r.Commune),
	}
	if sight >= sightReader {
		p.BirthYear = int32(r.BirthYear)
		p.CitizenId = r.CitizenIDMasked
	}
	if sight == sightPII && clearID != "" {
		p.CitizenId = clearID
	}
	if keyShown(r.Key, sight) {
		p.RecipientKey, p.Weak = r.Key, r.Weak
	}
	return p
}

// keyShown reports whether a caller with sight sees key.
func keyShown(key string, sight sight) bool {
	switch {
	case recipientkey.DerivedFromCitizenID(key):
		return sight == sightPII
	case recipientkey.DerivedFromPersonalData(key):
		return sight >= sightReader
	}
	return true
}

// viewer decides, for one call, what its caller sees of recipients, by
// authority, and what the response reads of personal data.
type viewer struct {
	s      *Server
	ctx    context.Context
	sights map[string]sight
	// sealed says whether full citizen ids are opened for sightPII: not
	// in a mutation's response, which is saved for its retries
	// (idempotency), where no full citizen id may be kept.
	sealed bool
}

// viewer returns the viewer of the call of ctx.
func (s *Server) viewer(ctx context.Context) *viewer {
	return &viewer{s: s, ctx: ctx, sights: map[string]sight{}, sealed: true}
}

// mutationViewer returns the viewer of a mutation's response: citizen ids
// masked whoever the caller is. It may be used inside the mutation's
// transaction: what it asks the policy is answered from the units the
// service mirrors in memory (blocsclient), which the guard has already
// read for this call, not by a call to another service.
func (s *Server) mutationViewer(ctx context.Context) *viewer {
	v := s.viewer(ctx)
	v.sealed = false
	return v
}

// sight is what the caller sees of the recipients of authority's records.
// A server without a policy or a guard (tests) shows all.
func (v *viewer) sight(authority string) (sight, error) {
	if got, ok := v.sights[authority]; ok {
		return got, nil
	}
	got, err := v.lookup(authority)
	if err != nil {
		return sightPublic, err
	}
	v.sights[authority] = got
	return got, nil
}

func (v *viewer) lookup(authority string) (sight, error) {
	if v.s.policy == nil || !auth.Authenticated(v.ctx) {
		return sightPII, nil
	}
	if auth.FromContext(v.ctx).IsAnonymous() {
		return sightPublic, nil
	}
	switch pii, err := v.s.policy.Can(v.ctx, authority, auth.PIIReader); {
	case err != nil:
		return sightPublic, err
	case pii:
		return sightPII, nil
	}
	switch reader, err := v.s.policy.Can(v.ctx, authority, policy.Readers...); {
	case err != nil:
		return sightPublic, err
	case reader:
		return sightReader, nil
	}
	return sightPublic, nil
}

// entries renders entries of decision d, opening their citizen ids for a
// caller with sightPII, which is recorded (one record for the decision).
// The nomination an entry came from is a name of the nominations service,
// whose batches only their units' readers see: it is shown to the
// authority's readers alone, as honours below.
func (v *viewer) entries(d *domain.Decision, entries []domain.DecisionEntry) ([]*honoursv1.DecisionEntry, error) {
	sight, err := v.sight(d.Authority)
	if err != nil {
		return nil, err
	}
	out := make([]*honoursv1.DecisionEntry, len(entries))
	opened := false
	for i, e := range entries {
		full := ""
		if sight == sightPII && v.sealed {
			full = v.open(e.Recipient.CitizenIDSealed, sealRecord(d.ID, e.Ordinal), d.Name())
		}
		opened = opened || full != ""
		out[i] = entryOut(e, recipientOut(e.Recipient, sight, full))
		if sight < sightReader {
			out[i].Nomination = ""
		}
	}
	if opened {
		if err := v.s.recordAccess(v.ctx, idempotency.Read{Resource: d.Name(), OwnerUnit: d.Authority}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// honours renders hs, opening the citizen ids of the recipients the caller
// sees with sightPII (from their entries, where they are sealed), each
// honour so read recorded.
func (v *viewer) honours(hs []*domain.Honour) ([]*honoursv1.Honour, error) {
	sights := make([]sight, len(hs))
	var refs []store.EntryRef
	for i, h := range hs {
		var err error
		if sights[i], err = v.sight(h.Authority); err != nil {
			return nil, err
		}
		if sights[i] == sightPII && v.sealed && h.Recipient.CitizenIDMasked != "" && v.s.sealer != nil {
			refs = append(refs, store.EntryRef{DecisionID: h.DecisionID, Ordinal: h.Ordinal})
		}
	}
	var sealed map[store.EntryRef][]byte
	if len(refs) > 0 {
		var err error
		if sealed, err = v.s.store.SealedCitizenIDs(v.ctx, refs); err != nil {
			return nil, err
		}
	}
	out := make([]*honoursv1.Honour, len(hs))
	var read []idempotency.Read
	for i, h := range hs {
		full := ""
		if b := sealed[store.EntryRef{DecisionID: h.DecisionID, Ordinal: h.Ordinal}]; len(b) > 0 {
			full = v.open(b, sealRecord(h.DecisionID, h.Ordinal), h.Name())
		}
		if full != "" {
			read = append(read, idempotency.Read{Resource: h.Name(), OwnerUnit: h.Authority})
		}
		out[i] = honourOut(h, recipientOut(h.Recipient, sights[i], full))
		if sights[i] < sightReader {
			out[i].Nomination = ""
		}
	}
	if err := v.s.recordAccess(v.ctx, read...); err != nil {
		return nil, err
	}
	return out, nil
}

// open opens a sealed citizen id of resource; "" when there is none, or
// when it does not open (logged, without it: the masked id is shown).
func (v *viewer) open(sealed []byte, record, resource string) string {
	if len(sealed) == 0 || v.s.sealer == nil {
		return ""
	}
	id, err := v.s.sealer.Open(sealed, record)
	if err != nil {
		v.s.log.WarnContext(v.ctx, "a sealed citizen id does not open: shown masked", "resource", resource, "error", err)
		return ""
	}
	return id
}

// recordAccess records reads of personal data in the data access audit
// log. It fails the call when it cannot: a read that is not recorded does
// not happen.
func (s *Server) recordAccess(ctx context.Context, reads ...idempotency.Read) error {
	return idempotency.RecordAccess(ctx, s.store.DB, reads...)
}

// mayFind reports whether a caller with sight over a record's authority
// finds the record by its recipient key: only when it would see the key.
func mayFind(key string, sight sight) bool { return keyShown(key, sight) }

// keyAuthorities returns the authorities whose honours a recipient key
// finds for the caller of ctx (see mayFind): nil for all, an empty slice
// for none.
func (s *Server) keyAuthorities(ctx context.Context, key string) ([]string, error) {
	if s.policy == nil || !auth.Authenticated(ctx) || !recipientkey.DerivedFromPersonalData(key) {
		return nil, nil
	}
	if auth.FromContext(ctx).IsAnonymous() {
		return []string{}, nil
	}
	roles := policy.Readers
	if recipientkey.DerivedFromCitizenID(key) {
		roles = []auth.Role{auth.PIIReader}
	}
	scope, err := s.policy.Scope(ctx, roles...)
	if err != nil || scope.All {
		return nil, err
	}
	return append([]string{}, scope.Units...), nil
}

// currentKey returns a recipient key a client gave as the current
// generation of keys has it (recipientkey.Keyring.Current): a key read before a
// rotation still finds its recipient. Anything else is returned as it is
// and finds nothing.
func (s *Server) currentKey(key string) string {
	k, _ := s.keys.Current(key)
	return k
}

// sealRecord binds a sealed citizen id to its entry: the seal of one
// entry does not open as another's.
func sealRecord(decisionID string, ordinal int) string {
	return domain.DecisionPattern.Format(decisionID) + "/entries/" + strconv.Itoa(ordinal)
}

// legacySealRecord is the binding of the citizen ids sealed before
// recipient keys were keyed: the decision and the unkeyed key.
func legacySealRecord(decisionID, recipientKey string) string {
	return domain.DecisionPattern.Format(decisionID) + "/recipients/" + recipientKey
}

// sealCitizenIDs seals the citizen id of each entry of decision id, whose
// ordinals are assigned, for its entry; without a sealer the ids are not
// kept. The clear ids stay in entries (a transaction may run again) but
// are never stored: InsertEntries writes the masked and sealed forms only.
func (s *Server) sealCitizenIDs(id string, entries []domain.DecisionEntry) {
	for i := range entries {
		r := &entries[i].Recipient
		r.CitizenIDSealed = nil
		if r.CitizenID != "" && s.sealer != nil {
			r.CitizenIDSealed = s.sealer.Seal(r.CitizenID, sealRecord(id, entries[i].Ordinal))
		}
	}
}

// blindCitizenIDs replaces, in the entries ps of a request (read into
// entries, in the same order), each citizen id with its blind index, the
// recipient key: the request's fingerprint (idempotency.Fingerprint, kept
// with the saved request) and whatever sees the request after the handler
// then hold no citizen id in clear, and the same request keeps the same
// fingerprint.
func blindCitizenIDs(ps []*honoursv1.DecisionEntry, entries []domain.DecisionEntry) {
	for i, p := range ps {
		if rc := p.GetRecipient(); rc.GetCitizenId() != "" && i < len(entries) {
			rc.CitizenId = entries[i].Recipient.Key
		}
	}
}

// Rekey brings the recipient keys of st to the current generation of keys
// (store.Rekey), moving citizen ids sealed under the binding of before
// keys were keyed to their entries' with sealer (nil: none kept).
func Rekey(ctx context.Context, st *store.Store, keys *recipientkey.Keyring, sealer *personaldata.Sealer) (store.Rekeyed, error) {
	var rebind store.Rebind
	if sealer != nil {
		rebind = func(decisionID string, ordinal int, oldKey string, sealed []byte) ([]byte, error) {
			id, err := sealer.Open(sealed, legacySealRecord(decisionID, oldKey))
			if errors.Is(err, personaldata.ErrOpen) {
				return nil, errors.New("its sealed citizen id does not open with the personal data key")
			}
			if err != nil {
				return nil, err
			}
			return sealer.Seal(id, sealRecord(decisionID, ordinal)), nil
		}
	}
	return st.Rekey(ctx, keys, rebind)
}
