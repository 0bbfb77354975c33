package server

import (
	"strconv"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tdkt-vn/tdkt/platform/resname"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
)

// Conversions between the API's messages and the store's types. Enum values
// are the same numbers on both sides.

// recipientIn reads a recipient of a request; prefix is its JSON path. It
// returns the recipient with its key (a blind index under keys), its
// masked citizen id and the citizen id in clear, which is sealed for
// storage (sealCitizenIDs) and never stored, logged or quoted in an error
// in clear.
func recipientIn(errs *resname.Fields, prefix string, p *typev1.Recipient, keys *recipientkey.Keyring) domain.Recipient {
	r := domain.Recipient{
		Kind:      domain.RecipientKind(p.GetKind()),
		FullName:  vnfold.Normalize(p.GetFullName()),
		Gender:    int32(p.GetGender()),
		BirthYear: int(p.GetBirthYear()),
		Position:  vnfold.Normalize(p.GetPosition()),
		Unit:      errs.ID(prefix+".unit", p.GetUnit(), resname.Unit),
		CitizenID: p.GetCitizenId(),
		HeadName:  vnfold.Normalize(p.GetHeadName()),
		Address:   vnfold.Normalize(p.GetAddress()),
		Commune:   errs.ID(prefix+".commune", p.GetCommune(), resname.Unit),
	}
	if err := errs.Merge(r.Validate(prefix)); err != nil {
		errs.Add(prefix, "%v", err)
	}
	r.Key, r.Weak = keys.Key(r.Identity())
	if r.CitizenID != "" {
		r.CitizenIDMasked = personaldata.MaskCitizenID(r.CitizenID)
	}
	return r
}

// documentIn reads a DocumentRef; prefix is its JSON path. The signing date
// is required.
func documentIn(errs *resname.Fields, prefix string, p *typev1.DocumentRef) domain.Document {
	if p == nil {
		errs.Add(prefix, "is required")
		return domain.Document{}
	}
	d := domain.Document{
		Number:      vnfold.Normalize(p.GetNumber()),
		SignedOn:    errs.RequiredDate(prefix+".signedOn", p.GetSignedOn()),
		SignerName:  vnfold.Normalize(p.GetSignerName()),
		SignerTitle: vnfold.Normalize(p.GetSignerTitle()),
		Issuer:      errs.ID(prefix+".issuer", p.GetIssuer(), resname.Unit),
		Capacity:    domain.SigningCapacity(p.GetSigningCapacity()),
	}
	if d.Number == "" {
		errs.Add(prefix+".number", "is required")
	}
	for i, r := range p.GetRecipients() {
		r = vnfold.Normalize(r)
		if r == "" {
			errs.Add(prefix+".recipients["+strconv.Itoa(i)+"]", "is empty")
		}
		d.Recipients = append(d.Recipients, r)
	}
	return d
}

func documentOut(d domain.Document) *typev1.DocumentRef {
	return &typev1.DocumentRef{
		Number:          d.Number,
		SignedOn:        d.SignedOn.Proto(),
		SignerName:      d.SignerName,
		SignerTitle:     d.SignerTitle,
		Issuer:          resname.Unit.Format(d.Issuer),
		SigningCapacity: typev1.SigningCapacity(d.Capacity),
		Recipients:      d.Recipients,
	}
}

func revocationOut(r *domain.Revoked) *honoursv1.Revocation {
	if r == nil {
		return nil
	}
	return &honoursv1.Revocation{Reason: r.Reason, Document: documentOut(r.Document), RevokeTime: timestamppb.New(r.Time)}
}

// optionalTime is t, or nil for the zero time.
func optionalTime(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// decisionOut is a decision as the API shows it, with entries when given
// (rendered for the caller: viewer.entries).
func decisionOut(d *domain.Decision, entries []*honoursv1.DecisionEntry) *honoursv1.Decision {
	p := &honoursv1.Decision{
		Name:           d.Name(),
		Document:       documentOut(d.Document),
		Title:          d.Title,
		Authority:      resname.Unit.Format(d.Authority),
		EntryCount:     int32(d.EntryCount),
		State:          honoursv1.DecisionState(d.State),
		Movement:       d.Movement,
		RewardTotalVnd: d.RewardTotal,
		Revocation:     revocationOut(d.Revoked),
		CreateTime:     timestamppb.New(d.CreateTime),
		IssueTime:      optionalTime(d.IssueTime),
		Etag:           etag(d.Version),
	}
	p.Entries = entries
	return p
}

// entryOut is an entry as the API shows it, with its recipient as the
// caller sees it (recipientOut).
func entryOut(e domain.DecisionEntry, recipient *typev1.Recipient) *honoursv1.DecisionEntry {
	p := &honoursv1.DecisionEntry{
		Ordinal:      int32(e.Ordinal),
		Recipient:    recipient,
		AwardType:    domain.AwardTypeName(e.AwardCode),
		Period:       periodOut(e.Period),
		Achievements: e.Achievements,
		Nomination:   e.Nomination,
		RewardVnd:    e.RewardVND,
	}
	if e.HonourID != "" {
		p.Honour = domain.HonourPattern.Format(e.HonourID)
	}
	return p
}

func periodOut(p domain.Period) *typev1.Period {
	return &typev1.Period{StartYear: int32(p.StartYear), EndYear: int32(p.EndYear)}
}

// honourOut is an honour as the API shows it, with its recipient as the
// caller sees it (recipientOut).
func honourOut(h *domain.Honour, recipient *typev1.Recipient) *honoursv1.Honour {
	return &honoursv1.Honour{
		Name:              h.Name(),
		Decision:          domain.DecisionPattern.Format(h.DecisionID),
		DecisionNumber:    h.DecisionNumber,
		Authority:         resname.Unit.Format(h.Authority),
		AwardType:         domain.AwardTypeName(h.AwardCode),
		Recipient:         recipient,
		Period:            periodOut(h.Period),
		Achievements:      h.Achievements,
		ConferredOn:       h.ConferredOn.Proto(),
		RewardVnd:         h.RewardVND,
		RewardNote:        h.RewardNote,
		CertificateNumber: h.CertificateNumber,
		Nomination:        h.Nomination,
		Movement:          h.Movement,
		Province:          resname.Unit.Format(h.Province),
		State:             honoursv1.HonourState(h.State),
		Revocation:        revocationOut(h.Revoked),
		CreateTime:        timestamppb.New(h.CreateTime),
	}
}

// awardTypeOut is a catalogue row as the API shows it.
func awardTypeOut(t domain.AwardType) *honoursv1.AwardType {
	p := &honoursv1.AwardType{
		Name:        t.Name(),
		Code:        t.Code,
		DisplayName: t.DisplayName,
		EnglishName: t.EnglishName,
		Category:    honoursv1.AwardCategory(t.Category),
		ConferredBy: t.ConferredBy(),
		LegalBasis:  t.LegalBasis,
		ValidFrom:   t.ValidFrom.Proto(),
		ValidTo:     t.ValidTo.Proto(),
		Check:       t.Check,
		CheckNote:   t.CheckNote,
	}
	for _, k := range t.RecipientKinds {
		p.RecipientKinds = append(p.RecipientKinds, typev1.RecipientKind(k))
		if c, ok := t.Coefficient(k); ok {
			p.Coefficients = append(p.Coefficients, &honoursv1.Coefficient{
				RecipientKind: typev1.RecipientKind(k), Coefficient: c.Float64(),
			})
		}
	}
	for _, l := range t.ConferringLevels() {
		p.ConferringLevels = append(p.ConferringLevels, "UNIT_LEVEL_"+l.String())
	}
	return p
}

func baseSalaryOut(b domain.BaseSalary) *honoursv1.BaseSalary {
	return &honoursv1.BaseSalary{
		EffectiveFrom: b.EffectiveFrom.Proto(),
		AmountVnd:     b.AmountVND,
		LegalBasis:    b.LegalBasis,
		Check:         b.Check,
		CheckNote:     b.CheckNote,
	}
}
