package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// nameSeed seeds the generated names of the demo's people. Changing it
// changes every generated person.
const nameSeed = "tdkt-devstack-demo-2025"

// maxEntriesPerCall is the most entries one AddDecisionEntries call takes.
const maxEntriesPerCall = 1000

// DecisionPlan is one demo decision as API requests: create it as a
// draft, add its entries, issue it.
type DecisionPlan struct {
	Create *honoursv1.CreateDecisionRequest
	Add    []*honoursv1.AddDecisionEntriesRequest
	Issue  *honoursv1.IssueDecisionRequest
}

// Name is decisions/{id}.
func (d *DecisionPlan) Name() string { return "decisions/" + d.Create.GetDecisionId() }

// Entries returns every entry of the decision, in order.
func (d *DecisionPlan) Entries() []*honoursv1.DecisionEntry {
	var es []*honoursv1.DecisionEntry
	for _, a := range d.Add {
		es = append(es, a.GetEntries()...)
	}
	return es
}

// honoursData is the shape of honours.json. Unit references are bare ids.
type honoursData struct {
	Units     []unitData     `json:"units"`
	Decisions []decisionData `json:"decisions"`
}

type unitData struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	ShortName   string `json:"shortName"`
	Kind        string `json:"kind"`
	Level       string `json:"level"`
	Province    string `json:"province"`
	Parent      string `json:"parent"`
	Code        string `json:"code"`
	// District is the district (huyện) a commune belonged to before 2025,
	// used in household addresses only: units have no district level.
	District string `json:"district"`
}

type decisionData struct {
	ID string `json:"id"`
	// Movement is the movement the decision cites (movements/{m}), if any.
	Movement     string   `json:"movement"`
	Number       string   `json:"number"`
	SignedOn     string   `json:"signedOn"`
	Authority    string   `json:"authority"`
	SignerTitle  string   `json:"signerTitle"`
	SignerSeed   string   `json:"signerSeed"`
	Title        string   `json:"title"`
	AwardType    string   `json:"awardType"`
	PeriodStart  int32    `json:"periodStart"`
	PeriodEnd    int32    `json:"periodEnd"`
	Achievements string   `json:"achievements"`
	Collectives  []string `json:"collectives"`
	Households   *struct {
		Count    int      `json:"count"`
		Communes []string `json:"communes"`
		Villages []string `json:"villages"`
	} `json:"households"`
	Individuals *struct {
		Count     int      `json:"count"`
		Units     []string `json:"units"`
		Villages  []string `json:"villages"`
		Positions []struct {
			Text   string `json:"text"`
			Gender string `json:"gender"`
		} `json:"positions"`
	} `json:"individuals"`

	// SigningCapacity is a tdkt.type.v1.SigningCapacity without its
	// prefix ("DEPUTY"); empty: the head signs in person.
	SigningCapacity string `json:"signingCapacity"`
	// Recipients are the "Nơi nhận" lines of the decision.
	Recipients []string `json:"recipients"`
}

// addHonoursJSON adds the units of honours.json to p.Units and its
// decisions to p.Decisions. Units named by the decisions are looked up
// among every unit of p, so honours.json must come last.
func (p *Plan) addHonoursJSON(b []byte) error {
	var d honoursData
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return err
	}
	var errs []error
	districts := make(map[string]string)
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
		districts[u.ID] = u.District
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	units := make(map[string]*blocsv1.Unit, len(p.Units))
	for _, r := range p.Units {
		units[r.GetUnitId()] = r.GetUnit()
	}
	n := newNamer(nameSeed)
	for _, dd := range d.Decisions {
		dp, err := decisionPlan(dd, units, districts, n)
		if err != nil {
			return fmt.Errorf("decision %s: %w", dd.ID, err)
		}
		p.Decisions = append(p.Decisions, dp)
	}
	return nil
}

// decisionPlan turns a decision of honours.json into requests, generating
// its households and individuals with n.
func decisionPlan(d decisionData, units map[string]*blocsv1.Unit, districts map[string]string, n *namer) (*DecisionPlan, error) {
	signed, err := parseDate(d.SignedOn)
	if err != nil || signed == nil {
		return nil, fmt.Errorf("signedOn %q: want YYYY-MM-DD", d.SignedOn)
	}
	if units[d.Authority] == nil {
		return nil, fmt.Errorf("authority %q is not a unit of the demo", d.Authority)
	}
	capacity := typev1.SigningCapacity_SIGNING_CAPACITY_UNSPECIFIED
	if d.SigningCapacity != "" {
		c, err := enumValue(typev1.SigningCapacity_value, "SIGNING_CAPACITY_", d.SigningCapacity)
		if err != nil {
			return nil, fmt.Errorf("signingCapacity: %w", err)
		}
		capacity = typev1.SigningCapacity(c)
	}
	if d.SignerSeed == "" || d.SignerTitle == "" || d.Number == "" || d.AwardType == "" {
		return nil, errors.New("number, awardType, signerTitle and signerSeed are required")
	}
	unit := func(id string) (*blocsv1.Unit, error) {
		u := units[id]
		if u == nil {
			return nil, fmt.Errorf("unit %q is not a unit of the demo", id)
		}
		return u, nil
	}
	period := &typev1.Period{StartYear: d.PeriodStart, EndYear: d.PeriodEnd}
	entry := func(r *typev1.Recipient) *honoursv1.DecisionEntry {
		return &honoursv1.DecisionEntry{
			Recipient:    r,
			AwardType:    "awardTypes/" + d.AwardType,
			Period:       period,
			Achievements: d.Achievements,
		}
	}

	var entries []*honoursv1.DecisionEntry
	for _, id := range d.Collectives {
		if _, err := unit(id); err != nil {
			return nil, fmt.Errorf("collectives: %w", err)
		}
		entries = append(entries, entry(&typev1.Recipient{
			Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE,
			Unit: unitName(id),
		}))
	}
	if h := d.Households; h != nil {
		if len(h.Communes) == 0 || len(h.Villages) == 0 {
			return nil, errors.New("households: communes and villages are required")
		}
		for i := range h.Count {
			key := d.ID + "/household/" + strconv.Itoa(i)
			communeID := h.Communes[n.index(key+"/commune", len(h.Communes))]
			commune, err := unit(communeID)
			if err != nil {
				return nil, fmt.Errorf("households: %w", err)
			}
			village := h.Villages[n.index(key+"/village", len(h.Villages))]
			head := n.person(key, typev1.Gender_GENDER_UNSPECIFIED)
			entries = append(entries, entry(&typev1.Recipient{
				Kind:     typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD,
				HeadName: head.fullName,
				Address:  address(village, commune, districts[communeID], units[strings.TrimPrefix(commune.GetProvince(), "units/")]),
				Commune:  unitName(communeID),
			}))
		}
	}
	if ind := d.Individuals; ind != nil {
		if len(ind.Units) == 0 || len(ind.Positions) == 0 {
			return nil, errors.New("individuals: units and positions are required")
		}
		for i := range ind.Count {
			key := d.ID + "/individual/" + strconv.Itoa(i)
			unitID := ind.Units[n.index(key+"/unit", len(ind.Units))]
			u, err := unit(unitID)
			if err != nil {
				return nil, fmt.Errorf("individuals: %w", err)
			}
			pos := ind.Positions[n.index(key+"/position", len(ind.Positions))]
			gender := typev1.Gender_GENDER_UNSPECIFIED
			if pos.Gender != "" {
				g, err := enumValue(typev1.Gender_value, "GENDER_", pos.Gender)
				if err != nil {
					return nil, fmt.Errorf("individuals: position %q: %w", pos.Text, err)
				}
				gender = typev1.Gender(g)
			}
			village := ""
			if len(ind.Villages) > 0 {
				village = ind.Villages[n.index(key+"/village", len(ind.Villages))]
			} else if strings.Contains(pos.Text, "{village}") {
				return nil, fmt.Errorf("individuals: position %q names a village but there are no villages", pos.Text)
			}
			who := n.person(key, gender)
			entries = append(entries, entry(&typev1.Recipient{
				Kind:      typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL,
				FullName:  who.fullName,
				Gender:    who.gender,
				BirthYear: who.birthYear,
				Position: strings.NewReplacer(
					"{village}", village,
					"{commune}", u.GetShortName(),
					"{unit}", u.GetShortName(),
				).Replace(pos.Text),
				Unit: unitName(unitID),
			}))
		}
	}
	if len(entries) == 0 {
		return nil, errors.New("no entries")
	}

	name := "decisions/" + d.ID
	signer := n.person(d.SignerSeed, typev1.Gender_GENDER_UNSPECIFIED)
	dp := &DecisionPlan{
		Create: &honoursv1.CreateDecisionRequest{
			DecisionId: d.ID,
			Decision: &honoursv1.Decision{
				Document: &typev1.DocumentRef{
					Number:          d.Number,
					SignedOn:        signed,
					SignerName:      signer.fullName,
					SignerTitle:     d.SignerTitle,
					Issuer:          unitName(d.Authority),
					SigningCapacity: capacity,
					Recipients:      d.Recipients,
				},
				Title:     d.Title,
				Authority: unitName(d.Authority),
				Movement:  d.Movement,
			},
			RequestId: requestID("CreateDecision", name),
		},
		Issue: &honoursv1.IssueDecisionRequest{Name: name, RequestId: requestID("IssueDecision", name)},
	}
	for i := 0; i < len(entries); i += maxEntriesPerCall {
		batch := entries[i:min(i+maxEntriesPerCall, len(entries))]
		dp.Add = append(dp.Add, &honoursv1.AddDecisionEntriesRequest{
			Name:      name,
			Entries:   batch,
			RequestId: requestID("AddDecisionEntries", name, strconv.Itoa(i/maxEntriesPerCall)),
		})
	}
	return dp, nil
}

// address is a household's address before 2025: village, commune,
// district, province.
func address(village string, commune *blocsv1.Unit, district string, province *blocsv1.Unit) string {
	parts := []string{"Thôn " + village, "xã " + commune.GetShortName()}
	if district != "" {
		parts = append(parts, "huyện "+district)
	}
	if province.GetShortName() != "" {
		parts = append(parts, "tỉnh "+province.GetShortName())
	}
	return strings.Join(parts, ", ")
}

// loadDecision creates a demo decision as a draft, adds its entries and
// issues it. Every call carries its plan's request id, so a second load
// replays the first answers. A decision that exists already under other
// request ids counts as loaded once issued with as many entries.
func loadDecision(ctx context.Context, h honoursv1.HonoursServiceClient, d *DecisionPlan) error {
	want := len(d.Entries())
	dec, err := h.CreateDecision(ctx, d.Create)
	if status.Code(err) == codes.AlreadyExists {
		dec, err = h.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: d.Name()})
	}
	if err != nil {
		return fmt.Errorf("demo: create %s: %w", d.Name(), err)
	}
	switch dec.GetState() {
	case honoursv1.DecisionState_DECISION_STATE_ISSUED:
		return checkIssued(dec, want)
	case honoursv1.DecisionState_DECISION_STATE_DRAFT:
	default:
		return fmt.Errorf("demo: %s is %s, not a draft", d.Name(), dec.GetState())
	}
	for _, a := range d.Add {
		if _, err := h.AddDecisionEntries(ctx, a); err != nil {
			return fmt.Errorf("demo: add %d entries to %s: %w", len(a.GetEntries()), d.Name(), err)
		}
	}
	dec, err = h.IssueDecision(ctx, d.Issue)
	if err != nil {
		return fmt.Errorf("demo: issue %s: %w", d.Name(), err)
	}
	return checkIssued(dec, want)
}

func checkIssued(dec *honoursv1.Decision, want int) error {
	if dec.GetState() != honoursv1.DecisionState_DECISION_STATE_ISSUED || int(dec.GetEntryCount()) != want {
		return fmt.Errorf("demo: %s is %s with %d entries; the demo data have %d issued (start with a fresh -data directory)",
			dec.GetName(), dec.GetState(), dec.GetEntryCount(), want)
	}
	return nil
}
