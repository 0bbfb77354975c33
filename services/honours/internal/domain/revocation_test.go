package domain

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

func TestDecisionStateTransitions(t *testing.T) {
	const d = "decisions/qd-946"
	tests := []struct {
		name   string
		from   DecisionState
		op     func(DecisionState) (DecisionState, error)
		to     DecisionState
		reason string
	}{
		{"issue a draft", DecisionDraft, func(s DecisionState) (DecisionState, error) { return s.Issue(d) }, DecisionIssued, ""},
		{"issue twice", DecisionIssued, func(s DecisionState) (DecisionState, error) { return s.Issue(d) }, DecisionIssued, "DECISION_NOT_DRAFT"},
		{"issue a revoked decision", DecisionRevoked, func(s DecisionState) (DecisionState, error) { return s.Issue(d) }, DecisionRevoked, "DECISION_NOT_DRAFT"},
		{"revoke an issued decision", DecisionIssued, func(s DecisionState) (DecisionState, error) { return s.Revoke(d) }, DecisionRevoked, ""},
		{"revoke twice", DecisionRevoked, func(s DecisionState) (DecisionState, error) { return s.Revoke(d) }, DecisionRevoked, "DECISION_ALREADY_REVOKED"},
		{"revoke a draft", DecisionDraft, func(s DecisionState) (DecisionState, error) { return s.Revoke(d) }, DecisionDraft, "DECISION_NOT_ISSUED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.op(tc.from)
			require.Equal(t, tc.to, got)
			if tc.reason == "" {
				require.NoError(t, err)
				return
			}
			requireRule(t, err, tc.reason, d)
		})
	}
	require.NoError(t, DecisionDraft.CheckDraft(d))
	requireRule(t, DecisionIssued.CheckDraft(d), "DECISION_NOT_DRAFT", d)
}

func TestHonourRevoke(t *testing.T) {
	const h = "honours/h1"
	got, err := HonourActive.Revoke(h)
	require.NoError(t, err)
	require.Equal(t, HonourRevoked, got)

	got, err = got.Revoke(h)
	requireRule(t, err, "HONOUR_ALREADY_REVOKED", h)
	require.Equal(t, HonourRevoked, got)

	_, err = HonourStateUnspecified.Revoke(h)
	requireRule(t, err, "HONOUR_NOT_ACTIVE", h)
}

func TestNewRevocation(t *testing.T) {
	conferred := day(2023, 5, 31)
	doc := Document{Number: " 12/QĐ-UBND ", SignedOn: day(2024, 2, 1), SignerName: "Nguyễn  Đăng Bình", Issuer: "units/bac-kan"}
	r, err := NewRevocation("  Khai man thành tích ", doc, conferred)
	require.NoError(t, err)
	require.Equal(t, "Khai man thành tích", r.Reason)
	require.Equal(t, "12/QĐ-UBND", r.Document.Number)
	require.Equal(t, "Nguyễn Đăng Bình", r.Document.SignerName)
	require.Equal(t, "units/bac-kan", r.Document.Issuer)

	_, err = NewRevocation("x", Document{Number: "1/QĐ", SignedOn: conferred}, conferred)
	require.NoError(t, err, "the same day as the decision is allowed")

	tests := []struct {
		name   string
		reason string
		doc    Document
		fields []string
	}{
		{"nothing", " ", Document{}, []string{"reason", "revokingDocument.number", "revokingDocument.signedOn"}},
		{"before the decision", "x", Document{Number: "1/QĐ", SignedOn: day(2023, 5, 30)}, []string{"revokingDocument.signedOn"}},
		{"not a date", "x", Document{Number: "1/QĐ", SignedOn: civil.Date{Year: 2024, Month: 2, Day: 30}}, []string{"revokingDocument.signedOn"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewRevocation(tc.reason, tc.doc, conferred)
			requireFields(t, err, tc.fields...)
		})
	}
}

func TestCheckRevoker(t *testing.T) {
	require.NoError(t, CheckRevoker("units/thai-nguyen", "units/thai-nguyen", "honours/h1"))
	require.NoError(t, CheckRevoker("", "units/thai-nguyen", "honours/h1"))
	requireRule(t, CheckRevoker("units/so-noi-vu", "units/thai-nguyen", "honours/h1"), "REVOKER_NOT_AUTHORITY", "honours/h1")
}
