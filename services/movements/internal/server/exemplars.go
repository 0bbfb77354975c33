package server

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"golang.org/x/text/unicode/norm"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/fieldmask"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/resname"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/movements/internal/domain"
	"github.com/tdkt-vn/tdkt/services/movements/internal/store"
)

var updatableExemplarFields = []string{"recipient", "field", "model", "recognized_on", "state", "honours"}

// honourPattern is the name of an honour of the honours service.
const honourPattern resname.Pattern = "honours/{honour}"

// exemplarID reads movements/{movement}/exemplars/{exemplar}.
func exemplarID(field, name string) (movement, id string, err error) {
	ids, ok := domain.ExemplarPattern.Parse(name)
	if !ok || len(ids) != 2 {
		return "", "", resname.Field(field, domain.ExemplarPattern)
	}
	return ids[0], ids[1], nil
}

// exemplarInput is an exemplar message read before the units it names are
// known: fields and the ids to look up.
type exemplarInput struct {
	fields    domain.ExemplarFields
	unitField string
	recipient *typev1.Recipient
}

// readExemplar reads the settable fields of an exemplar message; prefix
// is its JSON path in the request. Exemplars are public, so the
// recipient's personal data (citizen id, birth year) is refused.
func readExemplar(prefix string, p *movementsv1.Exemplar) (*exemplarInput, error) {
	var errs resname.Fields
	r := p.GetRecipient()
	if r.GetCitizenId() != "" {
		errs.Add(prefix+".recipient.citizenId", "is personal data, which exemplars (public) do not keep")
	}
	if r.GetBirthYear() != 0 {
		errs.Add(prefix+".recipient.birthYear", "is personal data, which exemplars (public) do not keep")
	}
	in := &exemplarInput{unitField: prefix + ".recipient.unit"}
	unit := r.GetUnit()
	if r.GetKind() == typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD && r.GetCommune() != "" {
		unit, in.unitField = r.GetCommune(), prefix+".recipient.commune"
	}
	in.fields = domain.ExemplarFields{
		Unit:         errs.ID(in.unitField, unit, resname.Unit),
		Field:        p.GetField(),
		Model:        p.GetModel(),
		RecognizedOn: errs.Date(prefix+".recognizedOn", p.GetRecognizedOn()),
		State:        domain.ExemplarState(p.GetState()),
		Honours:      append([]string(nil), p.GetHonours()...),
	}
	for i, h := range in.fields.Honours {
		if _, ok := honourPattern.ID(h); !ok {
			errs.Add(prefix+".honours["+itoa(i)+"]", "must be %s", honourPattern)
		}
	}
	if r.GetKind() == typev1.RecipientKind_RECIPIENT_KIND_UNSPECIFIED {
		errs.Add(prefix+".recipient.kind", "is required")
	}
	if r.GetKind() == typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE && unit == "" {
		errs.Add(in.unitField, "is required for a collective")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	in.recipient = &typev1.Recipient{
		Kind: r.GetKind(), FullName: r.GetFullName(), Gender: r.GetGender(), Position: r.GetPosition(),
		Unit: r.GetUnit(), HeadName: r.GetHeadName(), Address: r.GetAddress(), Commune: r.GetCommune(),
	}
	return in, nil
}

// complete fills what in needs of the units (the recipient's name for a
// collective, the province) and validates it.
func (in *exemplarInput) complete(prefix, launchedBy string, units map[string]lineage.Unit) (domain.ExemplarFields, string, error) {
	f := in.fields
	switch in.recipient.GetKind() {
	case typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE:
		f.RecipientName = units[f.Unit].DisplayName
	case typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD:
		f.RecipientName = in.recipient.GetHeadName()
	default:
		f.RecipientName = in.recipient.GetFullName()
	}
	b, err := protojson.Marshal(in.recipient)
	if err != nil {
		return f, "", err
	}
	f.Recipient = string(b)
	f.Normalize()
	if err := f.Validate(prefix, in.unitField, units); err != nil {
		return f, "", err
	}
	province := units[launchedBy].Province
	if u, ok := units[f.Unit]; ok && u.Province != "" {
		province = u.Province
	}
	return f, province, nil
}

func exemplarOut(e *domain.Exemplar) *movementsv1.Exemplar {
	r := new(typev1.Recipient)
	_ = protojson.Unmarshal([]byte(e.Recipient), r)
	p := &movementsv1.Exemplar{
		Name:         e.Name(),
		Recipient:    r,
		Field:        e.Field,
		Model:        e.Model,
		RecognizedOn: e.RecognizedOn.Proto(),
		State:        movementsv1.ExemplarState(e.State),
		Honours:      e.Honours,
		CreateTime:   timestamppb.New(e.CreateTime),
		UpdateTime:   timestamppb.New(e.UpdateTime),
		Etag:         e.Etag(),
	}
	if e.Province != "" {
		p.Province = resname.Unit.Format(e.Province)
	}
	return p
}

// unitsFor looks up, in the unit mirror and before any transaction, the
// recipient's unit and the launching unit.
func (s *Server) unitsFor(ctx context.Context, unit, launchedBy string) (map[string]lineage.Unit, error) {
	ids := []string{launchedBy}
	if unit != "" {
		ids = append(ids, unit)
	}
	return s.units.Units(ctx, ids)
}

// CreateExemplar records an exemplar of a movement. The units it names
// are looked up in the unit mirror, and its honours in the honours
// service (one call), before the transaction.
func (s *Server) CreateExemplar(ctx context.Context, req *movementsv1.CreateExemplarRequest) (*movementsv1.Exemplar, error) {
	movement, err := movementID("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	in, err := readExemplar("exemplar", req.GetExemplar())
	if err != nil {
		return nil, err
	}
	m, err := s.store.GetMovement(ctx, movement)
	if err != nil {
		return nil, err
	}
	units, err := s.unitsFor(ctx, in.fields.Unit, m.LaunchedBy)
	if err != nil {
		return nil, err
	}
	f, province, err := in.complete("exemplar", m.LaunchedBy, units)
	if err != nil {
		return nil, err
	}
	if err := s.checkHonours(ctx, "exemplar", f.Honours); err != nil {
		return nil, err
	}
	id := req.GetExemplarId()
	if id == "" {
		id = domain.NewID()
	}
	resp := new(movementsv1.Exemplar)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		if _, err := tx.LockMovement(ctx, movement); err != nil {
			return nil, err
		}
		e := domain.NewExemplar(movement, id, f, province, tx.Now())
		if err := tx.InsertExemplar(ctx, e); err != nil {
			return nil, err
		}
		return exemplarOut(e), nil
	})
	if err == nil {
		s.reportChanged(ctx, movement)
	}
	return resp, err
}

// UpdateExemplar changes an exemplar (update mask, etag). Honours it is
// given are looked up in the honours service (one call) before the
// transaction.
func (s *Server) UpdateExemplar(ctx context.Context, req *movementsv1.UpdateExemplarRequest) (*movementsv1.Exemplar, error) {
	movement, id, err := exemplarID("exemplar.name", req.GetExemplar().GetName())
	if err != nil {
		return nil, err
	}
	m, err := s.store.GetMovement(ctx, movement)
	if err != nil {
		return nil, err
	}
	if honours := req.GetExemplar().GetHonours(); masks(req.GetUpdateMask(), "honours") && wellFormedHonours(honours) {
		if err := s.checkHonours(ctx, "exemplar", honours); err != nil {
			return nil, err
		}
	}
	known := map[string]bool{}
	units := map[string]lineage.Unit{}
	// The units are looked up before the transaction; one the merged
	// exemplar names that was not expected is looked up and the
	// transaction run again.
	want := []string{m.LaunchedBy}
	if u := req.GetExemplar().GetRecipient().GetUnit(); u != "" {
		if uid, ok := resname.Unit.ID(u); ok {
			want = append(want, uid)
		}
	}
	if e, err := s.store.GetExemplar(ctx, movement, id); err == nil && e.Unit != "" {
		want = append(want, e.Unit)
	}
	for range 3 {
		found, err := s.units.Units(ctx, want)
		if err != nil {
			return nil, err
		}
		for _, u := range want {
			known[u] = true
		}
		for k, v := range found {
			units[k] = v
		}
		var missing string
		resp := new(movementsv1.Exemplar)
		err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
			e, err := tx.LockExemplar(ctx, movement, id)
			if err != nil {
				return nil, err
			}
			merged := exemplarOut(e)
			if err := fieldmask.Apply(merged, req.GetExemplar(), req.GetUpdateMask(), updatableExemplarFields); err != nil {
				if fe, ok := errors.AsType[*fieldmask.Error](err); ok {
					return nil, domainerr.Field("updateMask", "%s", fe.Error())
				}
				return nil, err
			}
			in, err := readExemplar("exemplar", merged)
			if err != nil {
				return nil, err
			}
			if in.fields.Unit != "" && !known[in.fields.Unit] {
				missing = in.fields.Unit
				return nil, errRetryUnits
			}
			f, province, err := in.complete("exemplar", m.LaunchedBy, units)
			if err != nil {
				return nil, err
			}
			if err := e.Update(f, province, req.GetExemplar().GetEtag(), tx.Now()); err != nil {
				return nil, err
			}
			if err := tx.UpdateExemplar(ctx, e); err != nil {
				return nil, err
			}
			return exemplarOut(e), nil
		})
		if !errors.Is(err, errRetryUnits) {
			if err == nil {
				s.reportChanged(ctx, movement)
			}
			return resp, err
		}
		want = []string{missing}
	}
	return nil, &domainerr.UnavailableError{Service: "blocs", Cause: errors.New("the units of the exemplar kept changing")}
}

// checkHonours asks the honours service, in one call, whether it holds
// the honours an exemplar names; prefix is the exemplar's JSON path.
func (s *Server) checkHonours(ctx context.Context, prefix string, names []string) error {
	unknown, err := s.honours.Unknown(ctx, names)
	if err != nil || unknown == "" {
		return err
	}
	return domainerr.Field(prefix+".honours["+itoa(slices.Index(names, unknown))+"]", "%s does not exist", unknown)
}

// wellFormedHonours reports whether names are distinct honours/{h}; a
// name that is not, or a repeat, is refused in the transaction, naming it,
// and honours is not asked.
func wellFormedHonours(names []string) bool {
	for i, h := range names {
		if _, ok := honourPattern.ID(h); !ok || slices.Contains(names[:i], h) {
			return false
		}
	}
	return true
}

// masks reports whether an update mask (AIP-134: empty or "*" is every
// field) names field, by its proto name.
func masks(mask *fieldmaskpb.FieldMask, field string) bool {
	paths := mask.GetPaths()
	return len(paths) == 0 || slices.Equal(paths, []string{"*"}) || slices.Contains(paths, field)
}

// errRetryUnits says that a transaction needs a unit it was not given.
var errRetryUnits = errors.New("units to look up")

// ListExemplars lists the exemplars of a movement, or of every movement
// (parent movements/- or none); drafts' only within the caller's scope.
func (s *Server) ListExemplars(ctx context.Context, req *movementsv1.ListExemplarsRequest) (*movementsv1.ListExemplarsResponse, error) {
	var errs resname.Fields
	f := store.ExemplarFilter{
		Field: domainNFC(req.GetField()),
		State: domain.ExemplarState(req.GetState()),
		Year:  int(req.GetYear()),
		Query: req.GetQuery(),
	}
	if p := req.GetParent(); p != "" && p != "movements/-" {
		f.Movement = errs.ID("parent", p, domain.MovementPattern)
	}
	province := errs.ID("province", req.GetProvince(), resname.Unit)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	// A dissolved province's exemplars are its successor's.
	var err error
	if f.Province, err = lineage.WithDissolved(ctx, s.units.Ancestors, province); err != nil {
		return nil, err
	}
	if f.Drafts, err = s.scope(ctx); err != nil {
		return nil, err
	}
	page, err := pagetoken.PageOf[store.ExemplarCursor](s.tokens, req)
	if err != nil {
		return nil, err
	}
	l, err := pagetoken.List(ctx, page, s.store.ListExemplars, f, exemplarOut)
	if err != nil {
		return nil, err
	}
	return &movementsv1.ListExemplarsResponse{Exemplars: l.Items, TotalSize: l.TotalSize, NextPageToken: l.NextPageToken}, nil
}

func itoa(i int) string { return strconv.Itoa(i) }

func domainNFC(s string) string { return norm.NFC.String(s) }
