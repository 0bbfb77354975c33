package domain

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
)

// DefaultCertificateQuota is how many units after the flag a ranking
// proposes for a certificate of merit when the covenant does not say.
const DefaultCertificateQuota = 2

// Criterion is one line of a covenant.
type Criterion struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	MaxPoints float64 `json:"max_points"`
}

// Covenant (giao ước thi đua) is what a group's members sign for a year.
type Covenant struct {
	Group            string // group id
	Year             int
	Criteria         []Criterion
	SignedOn         civil.Date
	Signatories      []string // unit ids
	CertificateQuota *int     // nil means DefaultCertificateQuota
	CreateTime       time.Time
	UpdateTime       time.Time
	Version          int64
}

// CovenantFields are the fields a client sets.
type CovenantFields struct {
	Criteria         []Criterion
	SignedOn         civil.Date
	Signatories      []string
	CertificateQuota *int
}

// Name is groups/{g}/covenants/{year}.
func (c *Covenant) Name() string {
	return GroupName(c.Group) + "/covenants/" + strconv.Itoa(c.Year)
}

// Etag is the covenant's etag.
func (c *Covenant) Etag() string { return Etag(c.Version) }

// Quota is the number of certificates the ranking proposes.
func (c *Covenant) Quota() int {
	if c.CertificateQuota == nil {
		return DefaultCertificateQuota
	}
	return *c.CertificateQuota
}

// Fields returns the client-settable fields.
func (c *Covenant) Fields() CovenantFields {
	return CovenantFields{c.Criteria, c.SignedOn, c.Signatories, c.CertificateQuota}
}

// Criterion returns the criterion with that id.
func (c *Covenant) Criterion(id string) (Criterion, bool) {
	for _, cr := range c.Criteria {
		if cr.ID == id {
			return cr, true
		}
	}
	return Criterion{}, false
}

// validate checks the fields for year against the members of that year.
func (f *CovenantFields) validate(year int, members map[string]bool) error {
	var errs FieldErrors
	if len(f.Criteria) == 0 {
		errs.Add("covenant.criteria", "at least one criterion is required")
	}
	seen := make(map[string]bool, len(f.Criteria))
	for i := range f.Criteria {
		cr := &f.Criteria[i]
		cr.Title = vnfold.Normalize(cr.Title)
		path := fmt.Sprintf("covenant.criteria[%d]", i)
		if seen[cr.ID] {
			errs.Add(path+".id", "duplicate criterion id %q", cr.ID)
		}
		seen[cr.ID] = true
		if cr.Title == "" {
			errs.Add(path+".title", "is required")
		}
		if !(cr.MaxPoints > 0) || math.IsInf(cr.MaxPoints, 0) {
			errs.Add(path+".maxPoints", "must be greater than 0")
		}
	}
	if !f.SignedOn.IsZero() && f.SignedOn.Year != year {
		errs.Add("covenant.signedOn", "must be in %d", year)
	}
	for i, s := range f.Signatories {
		if !members[s] {
			errs.Add(fmt.Sprintf("covenant.signatories[%d]", i), "%s is not a member in %d", UnitName(s), year)
		}
	}
	return errs.Err()
}

// NewCovenant builds the covenant of g for year; members are the group's
// members that year.
func NewCovenant(g *Group, year int, f CovenantFields, members map[string]bool, now time.Time) (*Covenant, error) {
	if err := g.CheckActive(); err != nil {
		return nil, err
	}
	if err := f.validate(year, members); err != nil {
		return nil, err
	}
	c := &Covenant{Group: g.ID, Year: year, CreateTime: now, UpdateTime: now, Version: 1}
	c.set(f)
	return c, nil
}

func (c *Covenant) set(f CovenantFields) {
	c.Criteria, c.SignedOn, c.Signatories, c.CertificateQuota = f.Criteria, f.SignedOn, f.Signatories, f.CertificateQuota
}

// Update replaces the covenant's fields. Criteria cannot change once a
// score has been submitted (hasScores).
func (c *Covenant) Update(g *Group, f CovenantFields, criteriaChanged, hasScores bool, members map[string]bool, etag string, now time.Time) error {
	if err := CheckEtag(etag, c.Version); err != nil {
		return err
	}
	if err := g.CheckActive(); err != nil {
		return err
	}
	if criteriaChanged && hasScores {
		return rule("COVENANT_HAS_SCORES", c.Name(), "criteria cannot change once scores are submitted")
	}
	if err := f.validate(c.Year, members); err != nil {
		return err
	}
	c.set(f)
	c.UpdateTime, c.Version = now, c.Version+1
	return nil
}
