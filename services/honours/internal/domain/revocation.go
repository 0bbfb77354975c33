package domain

import (
	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
)

// DecisionState is where a decision is in its life. Values match
// tdkt.honours.v1.DecisionState.
type DecisionState int32

// Decision states.
const (
	DecisionStateUnspecified DecisionState = iota
	DecisionDraft
	DecisionIssued
	DecisionRevoked
)

func (s DecisionState) String() string {
	switch s {
	case DecisionDraft:
		return "DRAFT"
	case DecisionIssued:
		return "ISSUED"
	case DecisionRevoked:
		return "REVOKED"
	}
	return "DECISION_STATE_UNSPECIFIED"
}

// HonourState is whether an honour stands. Values match
// tdkt.honours.v1.HonourState.
type HonourState int32

// Honour states.
const (
	HonourStateUnspecified HonourState = iota
	HonourActive
	HonourRevoked
)

func (s HonourState) String() string {
	switch s {
	case HonourActive:
		return "ACTIVE"
	case HonourRevoked:
		return "REVOKED"
	}
	return "HONOUR_STATE_UNSPECIFIED"
}

// CheckDraft allows changes (adding entries) only to a draft decision;
// subject is the decision's name. Reason: DECISION_NOT_DRAFT.
func (s DecisionState) CheckDraft(subject string) error {
	if s != DecisionDraft {
		return rule("DECISION_NOT_DRAFT", subject, "the decision is %s; only a DRAFT decision can change", s)
	}
	return nil
}

// Issue moves a draft decision to ISSUED. Reason: DECISION_NOT_DRAFT.
func (s DecisionState) Issue(subject string) (DecisionState, error) {
	if err := s.CheckDraft(subject); err != nil {
		return s, err
	}
	return DecisionIssued, nil
}

// Revoke moves an issued decision to REVOKED (domain.md §8); the caller
// revokes its ACTIVE honours with the same Revocation. A draft is not a
// legal act and cannot be revoked. Reasons: DECISION_ALREADY_REVOKED,
// DECISION_NOT_ISSUED.
func (s DecisionState) Revoke(subject string) (DecisionState, error) {
	switch s {
	case DecisionIssued:
		return DecisionRevoked, nil
	case DecisionRevoked:
		return s, rule("DECISION_ALREADY_REVOKED", subject, "the decision is already revoked")
	}
	return s, rule("DECISION_NOT_ISSUED", subject, "the decision is %s; only an ISSUED decision can be revoked", s)
}

// Revoke moves an ACTIVE honour to REVOKED, once (domain.md §8). Reasons:
// HONOUR_ALREADY_REVOKED, HONOUR_NOT_ACTIVE.
func (s HonourState) Revoke(subject string) (HonourState, error) {
	switch s {
	case HonourActive:
		return HonourRevoked, nil
	case HonourRevoked:
		return s, rule("HONOUR_ALREADY_REVOKED", subject, "the honour is already revoked")
	}
	return s, rule("HONOUR_NOT_ACTIVE", subject, "the honour is %s; only an ACTIVE honour can be revoked", s)
}

// Document is a legal document as tdkt.type.v1.DocumentRef holds it.
type Document struct {
	Number      string // "12/QĐ-UBND"
	SignedOn    civil.Date
	SignerName  string
	SignerTitle string // the signer's own title: "Phó Chủ tịch"
	Issuer      string // units/{unit}
	Capacity    SigningCapacity
	// Recipients are the "Nơi nhận" lines in order: "Như Điều 3",
	// "Lưu: VT, NC".
	Recipients []string
}

// SigningCapacity is in what capacity the signer signed (Decree
// 30/2020/NĐ-CP, Appendix I). Values match tdkt.type.v1.SigningCapacity.
type SigningCapacity int32

// Signing capacities.
const (
	SignedInPerson      SigningCapacity = iota // the head: "CHỦ TỊCH"
	SignedAsDeputy                             // "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"
	SignedForCollective                        // "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH"
	SignedAsActing                             // "Q. CHỦ TỊCH"
)

// Revocation is why and by which document a decision or an honour was
// revoked (domain.md §8). It stays in the register with the revoked thing.
type Revocation struct {
	Reason   string
	Document Document
}

// NewRevocation builds a revocation of something conferred on conferredOn
// (the decision's signing date): the reason and the revoking document's
// number and date are required, text is normalised, and the document cannot
// be signed before the decision it revokes. Errors are FieldErrors on
// "reason" and "revokingDocument.*".
func NewRevocation(reason string, doc Document, conferredOn civil.Date) (Revocation, error) {
	r := Revocation{Reason: vnfold.Normalize(reason), Document: doc}
	r.Document.Number = vnfold.Normalize(doc.Number)
	r.Document.SignerName = vnfold.Normalize(doc.SignerName)
	r.Document.SignerTitle = vnfold.Normalize(doc.SignerTitle)
	var errs FieldErrors
	if r.Reason == "" {
		errs.Add("reason", "is required")
	}
	if r.Document.Number == "" {
		errs.Add("revokingDocument.number", "is required")
	}
	switch {
	case doc.SignedOn.IsZero():
		errs.Add("revokingDocument.signedOn", "is required")
	case !doc.SignedOn.Valid():
		errs.Add("revokingDocument.signedOn", "%s is not a valid date", doc.SignedOn)
	case doc.SignedOn.Before(conferredOn):
		errs.Add("revokingDocument.signedOn", "%s is before the decision it revokes, signed on %s", doc.SignedOn, conferredOn)
	}
	if err := errs.Err(); err != nil {
		return Revocation{}, err
	}
	return r, nil
}

// CheckRevoker enforces "whoever conferred it cancels it" (domain.md §8):
// the revoking document's issuer must be the decision's authority. Both
// are unit names the caller has resolved through lineage to the units that
// exist now, so a merged province revokes its predecessor's honours. A
// state honorary title is conferred by the State President, so this rule
// also gives "only the State President strips it". An empty issuer is not
// checked (the document reference does not require one). Reason:
// REVOKER_NOT_AUTHORITY.
func CheckRevoker(issuer, authority, subject string) error {
	if issuer == "" || issuer == authority {
		return nil
	}
	return rule("REVOKER_NOT_AUTHORITY", subject, "%s did not confer it; only its authority %s can revoke it", issuer, authority)
}
