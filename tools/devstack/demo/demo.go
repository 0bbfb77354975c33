// Package demo loads the devstack's demo data — the provinces before and
// after the 2025 mergers, a central emulation cluster and two blocs of Tỉnh
// Thái Nguyên through the blocs gRPC API, then three decisions conferring
// Bằng khen through the honours gRPC API.
//
// The data are the embedded files beside this one (see README.md); this
// package only turns them into API calls. Every call carries a request id
// derived from the resource it creates, so loading twice changes nothing:
// the service answers a repeated call with its first result.
package demo

import (
	"bytes"
	"context"
	"crypto/sha1"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
)

//go:embed provinces-2025.csv demo.json honours.json
var files embed.FS

// Caller is who loads the demo: a central administrator, who may create
// units, groups and decisions of every province. The clients given to Load
// must call as such a caller (a bearer token of Caller from the dev
// issuer, or another central administrator's), and the audit log records
// it.
var Caller = &auth.Caller{Subject: "devstack-demo", Method: auth.MethodBearer,
	Grants: []auth.Grant{{Unit: devissuer.CentralUnit, Roles: []auth.Role{auth.CentralAdmin}}}}

// Summary counts what the demo data hold.
type Summary struct {
	// Units counts every unit; Provinces the provinces and centrally-run
	// cities in force, Dissolved those merged into them.
	Units, Provinces, Dissolved                   int
	Groups, Memberships, Terms, Covenants, Scores int
	// Decisions counts the issued decisions, Honours their entries.
	Decisions, Honours int
}

func (s Summary) String() string {
	return fmt.Sprintf("demo data: units %d (%d provinces and cities in force, %d dissolved into them), groups %d, "+
		"memberships %d, terms %d, covenants %d, scores %d, decisions %d (honours %d)",
		s.Units, s.Provinces, s.Dissolved, s.Groups, s.Memberships, s.Terms, s.Covenants, s.Scores, s.Decisions, s.Honours)
}

// Plan is the demo data as API requests, in the order they are sent.
type Plan struct {
	Units        []*blocsv1.CreateUnitRequest
	Groups       []*blocsv1.CreateGroupRequest
	Memberships  []*blocsv1.CreateMembershipRequest
	Terms        []*blocsv1.CreateTermRequest
	Covenants    []*blocsv1.CreateCovenantRequest
	Scores       []*blocsv1.SubmitScoreRequest
	Dissolutions []*blocsv1.DissolveUnitRequest
	// Renames are dated changes of name, recorded in the units' history.
	Renames []Rename
	// Decisions are sent to the honours service once the blocs data are
	// loaded.
	Decisions []*DecisionPlan
}

// Rename is a unit's dated change of name: it was called Before (display
// and short name) until EffectiveOn, and is called as the plan creates it
// from then on.
type Rename struct {
	Unit                   string // units/{unit}
	DisplayName, ShortName string // before
	EffectiveOn            *date.Date
}

// Summary counts what p holds.
func (p *Plan) Summary() Summary {
	var provinces int
	for _, r := range p.Units {
		if u := r.GetUnit(); u.GetLevel() == blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE && u.GetKind() == blocsv1.UnitKind_UNIT_KIND_LOCALITY {
			provinces++
		}
	}
	var honours int
	for _, d := range p.Decisions {
		honours += len(d.Entries())
	}
	return Summary{
		Decisions:   len(p.Decisions),
		Honours:     honours,
		Units:       len(p.Units),
		Provinces:   provinces - len(p.Dissolutions),
		Dissolved:   len(p.Dissolutions),
		Groups:      len(p.Groups),
		Memberships: len(p.Memberships),
		Terms:       len(p.Terms),
		Covenants:   len(p.Covenants),
		Scores:      len(p.Scores),
	}
}

// Clients are the services the demo data go to, each calling as a central
// administrator such as Caller.
type Clients struct {
	Blocs   blocsv1.BlocsServiceClient
	Honours honoursv1.HonoursServiceClient
	// Movements, when set, receives the demo's movements.
	Movements movementsv1.MovementsServiceClient
	// Nominations, when set, receives the demo's batches of nominations.
	Nominations nominationsv1.NominationsServiceClient
}

// Load sends the demo data to the services: to blocs the units, groups,
// memberships, terms, covenants and scores first, then the dissolutions of
// 2025-07-01, which end the memberships of the dissolved provinces; then to
// honours the decisions, each created as a draft, filled and issued. A
// create that meets an existing resource under another request id (loaded
// by hand, or by an older version of the data) counts as already loaded.
func Load(ctx context.Context, clients Clients) (Summary, error) {
	if clients.Blocs == nil || clients.Honours == nil {
		return Summary{}, errors.New("demo: clients of blocs and honours are required")
	}
	p, err := NewPlan()
	if err != nil {
		return Summary{}, err
	}
	c := clients.Blocs
	for _, r := range p.Units {
		if err := send(ctx, c.CreateUnit, r, "unit "+r.GetUnitId()); err != nil {
			return Summary{}, err
		}
	}
	for _, r := range p.Groups {
		if err := send(ctx, c.CreateGroup, r, "group "+r.GetGroupId()); err != nil {
			return Summary{}, err
		}
	}
	for _, r := range p.Memberships {
		if err := send(ctx, c.CreateMembership, r, "membership "+r.GetParent()+"/memberships/"+r.GetMembershipId()); err != nil {
			return Summary{}, err
		}
	}
	for _, r := range p.Terms {
		if err := send(ctx, c.CreateTerm, r, "term "+r.GetParent()+"/terms/"+r.GetTermId()); err != nil {
			return Summary{}, err
		}
	}
	for _, r := range p.Covenants {
		if err := send(ctx, c.CreateCovenant, r, "covenant "+r.GetParent()+"/covenants/"+r.GetCovenantId()); err != nil {
			return Summary{}, err
		}
	}
	for _, r := range p.Scores {
		if err := send(ctx, c.SubmitScore, r, "score of "+r.GetScore().GetUnit()+" in "+r.GetParent()); err != nil {
			return Summary{}, err
		}
	}
	for _, r := range p.Renames {
		if err := rename(ctx, c, r); err != nil {
			return Summary{}, err
		}
	}
	for _, r := range p.Dissolutions {
		if err := dissolve(ctx, c, r); err != nil {
			return Summary{}, err
		}
	}
	for _, d := range p.Decisions {
		if err := loadDecision(ctx, clients.Honours, d); err != nil {
			return Summary{}, err
		}
	}
	if clients.Movements != nil {
		if err := loadMovements(ctx, clients.Movements, clients.Honours); err != nil {
			return Summary{}, err
		}
	}
	if clients.Nominations != nil {
		if err := loadNominations(ctx, clients.Nominations, p, time.Now()); err != nil {
			return Summary{}, err
		}
	}
	return p.Summary(), nil
}

// send makes one create call; ALREADY_EXISTS means the resource is there.
func send[Req, Resp any](ctx context.Context, call func(context.Context, Req, ...grpc.CallOption) (Resp, error), req Req, what string) error {
	if _, err := call(ctx, req); err != nil && status.Code(err) != codes.AlreadyExists {
		return fmt.Errorf("demo: create %s: %w", what, err)
	}
	return nil
}

// rename records a unit's dated change of name unless its history has it:
// the unit, created under its present name, is set back to its name of
// before (a correction, which keeps no history), then renamed in law on the
// day the change took effect.
func rename(ctx context.Context, c blocsv1.BlocsServiceClient, r Rename) error {
	u, err := c.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: r.Unit})
	if err != nil {
		return fmt.Errorf("demo: rename %s: %w", r.Unit, err)
	}
	for _, h := range u.GetHistory() {
		if proto.Equal(h.GetUntil(), r.EffectiveOn) {
			return nil
		}
	}
	now := proto.CloneOf(u)
	before := proto.CloneOf(u)
	before.DisplayName, before.ShortName = r.DisplayName, r.ShortName
	mask := &fieldmaskpb.FieldMask{Paths: []string{"display_name", "short_name"}}
	if _, err := c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{Unit: before, UpdateMask: mask}); err != nil {
		return fmt.Errorf("demo: rename %s: %w", r.Unit, err)
	}
	now.Etag = ""
	if _, err := c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{Unit: now, UpdateMask: mask, EffectiveOn: r.EffectiveOn}); err != nil {
		return fmt.Errorf("demo: rename %s: %w", r.Unit, err)
	}
	return nil
}

// dissolve dissolves a unit unless it already is, into the same successor.
func dissolve(ctx context.Context, c blocsv1.BlocsServiceClient, r *blocsv1.DissolveUnitRequest) error {
	_, err := c.DissolveUnit(ctx, r)
	if status.Code(err) == codes.FailedPrecondition || status.Code(err) == codes.AlreadyExists {
		u, gerr := c.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: r.GetName()})
		if gerr == nil && u.GetState() == blocsv1.UnitState_UNIT_STATE_DISSOLVED && u.GetSuccessor() == r.GetSuccessor() {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("demo: dissolve %s into %s: %w", r.GetName(), r.GetSuccessor(), err)
	}
	return nil
}

// NewPlan reads the embedded data into requests.
func NewPlan() (*Plan, error) {
	f, err := files.Open("provinces-2025.csv")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer f.Close()
	p, err := provincePlan(f)
	if err != nil {
		return nil, fmt.Errorf("demo: provinces-2025.csv: %w", err)
	}
	b, err := files.ReadFile("demo.json")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := p.addJSON(b); err != nil {
		return nil, fmt.Errorf("demo: demo.json: %w", err)
	}
	b, err = files.ReadFile("honours.json")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := p.addHonoursJSON(b); err != nil {
		return nil, fmt.Errorf("demo: honours.json: %w", err)
	}
	seen := make(map[string]bool, len(p.Units))
	for _, u := range p.Units {
		if seen[u.GetUnitId()] {
			return nil, fmt.Errorf("demo: unit id %q is used twice", u.GetUnitId())
		}
		seen[u.GetUnitId()] = true
	}
	return p, nil
}

// data is the shape of demo.json. Unit references are bare ids.
type data struct {
	Renames []struct {
		Unit   string `json:"unit"`
		Before struct {
			DisplayName string `json:"displayName"`
			ShortName   string `json:"shortName"`
		} `json:"before"`
		EffectiveOn string `json:"effectiveOn"`
		Source      string `json:"source"`
	} `json:"renames"`
	Units []struct {
		ID          string `json:"id"`
		DisplayName string `json:"displayName"`
		ShortName   string `json:"shortName"`
		Kind        string `json:"kind"`
		Level       string `json:"level"`
		Province    string `json:"province"`
		Parent      string `json:"parent"`
		Code        string `json:"code"`
	} `json:"units"`
	Groups []struct {
		ID          string `json:"id"`
		Kind        string `json:"kind"`
		DisplayName string `json:"displayName"`
		Organizer   string `json:"organizer"`
		Description string `json:"description"`
		Members     []struct {
			Unit     string `json:"unit"`
			JoinedOn string `json:"joinedOn"`
		} `json:"members"`
		Terms []struct {
			Year   int    `json:"year"`
			Head   string `json:"head"`
			Deputy string `json:"deputy"`
		} `json:"terms"`
		Covenants []struct {
			Year        int      `json:"year"`
			SignedOn    string   `json:"signedOn"`
			Signatories []string `json:"signatories"`
			Criteria    []struct {
				ID        string  `json:"id"`
				Title     string  `json:"title"`
				MaxPoints float64 `json:"maxPoints"`
			} `json:"criteria"`
			Scores []struct {
				Unit        string             `json:"unit"`
				WomenShare  float64            `json:"womenShare"`
				Points      map[string]float64 `json:"points"`
				SubmittedBy string             `json:"submittedBy"`
			} `json:"scores"`
		} `json:"covenants"`
	} `json:"groups"`
}

// addJSON adds the units and groups of demo.json to p.
func (p *Plan) addJSON(b []byte) error {
	var d data
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return err
	}
	var errs []error
	for _, r := range d.Renames {
		on, err := parseDate(r.EffectiveOn)
		errs = append(errs, err)
		p.Renames = append(p.Renames, Rename{Unit: unitName(r.Unit), DisplayName: r.Before.DisplayName, ShortName: r.Before.ShortName, EffectiveOn: on})
	}
	for _, u := range d.Units {
		kind, err := enumValue(blocsv1.UnitKind_value, "UNIT_KIND_", u.Kind)
		errs = append(errs, err)
		level, err := enumValue(blocsv1.UnitLevel_value, "UNIT_LEVEL_", u.Level)
		errs = append(errs, err)
		p.Units = append(p.Units, createUnit(u.ID, &blocsv1.Unit{
			DisplayName: u.DisplayName,
			ShortName:   u.ShortName,
			Kind:        blocsv1.UnitKind(kind),
			Level:       blocsv1.UnitLevel(level),
			Province:    unitName(u.Province),
			Parent:      unitName(u.Parent),
			Code:        u.Code,
		}))
	}
	for _, g := range d.Groups {
		kind, err := enumValue(blocsv1.GroupKind_value, "GROUP_KIND_", g.Kind)
		errs = append(errs, err)
		group := "groups/" + g.ID
		p.Groups = append(p.Groups, &blocsv1.CreateGroupRequest{
			GroupId: g.ID,
			Group: &blocsv1.Group{
				Kind:        blocsv1.GroupKind(kind),
				DisplayName: g.DisplayName,
				Organizer:   unitName(g.Organizer),
				Description: g.Description,
			},
			RequestId: requestID("CreateGroup", group),
		})
		for _, m := range g.Members {
			joined, err := parseDate(m.JoinedOn)
			errs = append(errs, err)
			p.Memberships = append(p.Memberships, &blocsv1.CreateMembershipRequest{
				Parent:       group,
				MembershipId: m.Unit,
				Membership:   &blocsv1.Membership{Unit: unitName(m.Unit), JoinedOn: joined},
				RequestId:    requestID("CreateMembership", group, m.Unit),
			})
		}
		for _, t := range g.Terms {
			year := fmt.Sprint(t.Year)
			p.Terms = append(p.Terms, &blocsv1.CreateTermRequest{
				Parent:    group,
				TermId:    year,
				Term:      &blocsv1.Term{Head: unitName(t.Head), Deputy: unitName(t.Deputy)},
				RequestId: requestID("CreateTerm", group, year),
			})
		}
		for _, c := range g.Covenants {
			year := fmt.Sprint(c.Year)
			signed, err := parseDate(c.SignedOn)
			errs = append(errs, err)
			cov := &blocsv1.Covenant{SignedOn: signed}
			for _, s := range c.Signatories {
				cov.Signatories = append(cov.Signatories, unitName(s))
			}
			for _, cr := range c.Criteria {
				cov.Criteria = append(cov.Criteria, &blocsv1.Criterion{Id: cr.ID, Title: cr.Title, MaxPoints: cr.MaxPoints})
			}
			covenant := group + "/covenants/" + year
			p.Covenants = append(p.Covenants, &blocsv1.CreateCovenantRequest{
				Parent:     group,
				CovenantId: year,
				Covenant:   cov,
				RequestId:  requestID("CreateCovenant", covenant),
			})
			for _, s := range c.Scores {
				by := s.SubmittedBy
				if by == "" {
					by = g.DisplayName
				}
				p.Scores = append(p.Scores, &blocsv1.SubmitScoreRequest{
					Parent: covenant,
					Score: &blocsv1.Score{
						Unit:        unitName(s.Unit),
						Points:      s.Points,
						WomenShare:  s.WomenShare,
						SubmittedBy: by,
					},
					RequestId: requestID("SubmitScore", covenant, s.Unit),
				})
			}
		}
	}
	return errors.Join(errs...)
}

func createUnit(id string, u *blocsv1.Unit) *blocsv1.CreateUnitRequest {
	return &blocsv1.CreateUnitRequest{Unit: u, UnitId: id, RequestId: requestID("CreateUnit", "units/"+id)}
}

// unitName is units/{id}, or "" for no id.
func unitName(id string) string {
	if id == "" {
		return ""
	}
	return "units/" + id
}

// enumValue looks up prefix+name in an enum's value map: "AGENCY" is
// UNIT_KIND_AGENCY.
func enumValue(values map[string]int32, prefix, name string) (int32, error) {
	v, ok := values[prefix+name]
	if !ok || v == 0 {
		return 0, fmt.Errorf("unknown value %q for %s*", name, prefix)
	}
	return v, nil
}

// parseDate reads YYYY-MM-DD; "" is no date.
func parseDate(s string) (*date.Date, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return &date.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}, nil
}

// namespace is the UUID namespace of the demo's request ids.
var namespace = [16]byte{0x6f, 0x1e, 0x1c, 0x3a, 0x9b, 0x52, 0x4d, 0x0e, 0x8a, 0x33, 0x5d, 0x27, 0x0c, 0x91, 0xe4, 0x70}

// requestID is a name-based (version 5, SHA-1) UUID of parts: the same
// call always carries the same request id.
func requestID(parts ...string) string {
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(strings.Join(parts, "\x00")))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
