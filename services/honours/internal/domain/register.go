package domain

import (
	"time"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/resname"
)

// The service's resource names.
const (
	DecisionPattern resname.Pattern = "decisions/{decision}"
	HonourPattern   resname.Pattern = "honours/{honour}"
)

// Decision is a decision as stored. Unit references (Authority,
// Document.Issuer, the revoking document's issuer) are unit ids.
type Decision struct {
	ID          string
	Document    Document
	Title       string
	Authority   string
	Movement    string
	State       DecisionState
	EntryCount  int
	RewardTotal int64
	Revoked     *Revoked
	CreateTime  time.Time
	IssueTime   time.Time
	UpdateTime  time.Time
	Version     int64
}

// Name is decisions/{id}.
func (d *Decision) Name() string { return DecisionPattern.Format(d.ID) }

// DecisionEntry is one line of a decision. HonourID and RewardVND are set once the
// decision is issued.
type DecisionEntry struct {
	Ordinal      int
	Recipient    Recipient
	AwardCode    string
	Period       Period
	Achievements string
	Nomination   string
	HonourID     string
	RewardVND    int64
}

// Honour is an honour of the register as stored. Unit references are unit
// ids. Province is the province the honour counted under when it was
// issued, resolved through lineage then; ProvinceOriginal is the province
// of RecipientUnit (or of the authority) before that resolution.
type Honour struct {
	ID                string
	DecisionID        string
	Ordinal           int
	DecisionNumber    string
	Authority         string
	AwardCode         string
	Recipient         Recipient
	RecipientName     string // what the register sorts and searches by
	Period            Period
	Achievements      string
	ConferredOn       civil.Date
	RewardVND         int64
	RewardNote        string
	CertificateNumber string
	Nomination        string
	Movement          string
	Province          string
	ProvinceOriginal  string
	RecipientUnit     string
	State             HonourState
	Revoked           *Revoked
	CreateTime        time.Time
	UpdateTime        time.Time
	Version           int64
}

// Name is honours/{id}.
func (h *Honour) Name() string { return HonourPattern.Format(h.ID) }

// Recipient is who is honoured (api.md, tdkt.type.v1.Recipient): who an
// entry or an honour names. Unit and Commune are unit ids. The full
// citizen id is kept in clear only while a request is read (CitizenID, for
// the recipient key and the seal) and never stored so: CitizenIDSealed
// holds it encrypted (entries only), CitizenIDMasked shows it.
type Recipient struct {
	Kind RecipientKind
	// Individual.
	FullName        string
	Gender          int32
	BirthYear       int // 0 when unknown
	Position        string
	Unit            string
	CitizenID       string // 12 digits, in clear; personal data
	CitizenIDMasked string
	CitizenIDSealed []byte
	// Household.
	HeadName string
	Address  string
	Commune  string
	// Key finds the same recipient across decisions (RecipientKey); Weak
	// when it is derived from a name.
	Key  string
	Weak bool
}

// Revoked is a revocation with its time.
type Revoked struct {
	Revocation
	Time time.Time
}
