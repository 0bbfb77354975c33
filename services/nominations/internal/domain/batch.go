package domain

import (
	"time"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
)

// BatchState is where a batch stands. Values match
// tdkt.nominations.v1.BatchState.
type BatchState int32

// Batch states: DRAFT → SUBMITTED → CLOSED.
const (
	BatchStateUnspecified BatchState = iota
	BatchDraft
	BatchSubmitted
	BatchClosed
)

func (s BatchState) String() string {
	switch s {
	case BatchDraft:
		return "DRAFT"
	case BatchSubmitted:
		return "SUBMITTED"
	case BatchClosed:
		return "CLOSED"
	}
	return "BATCH_STATE_UNSPECIFIED"
}

// Document is a legal document as tdkt.type.v1.DocumentRef describes it:
// the submission letter of a batch, the decision that confers it.
type Document struct {
	Number      string     `json:"number"` // "946/QĐ-UBND"
	SignedOn    civil.Date `json:"signedOn"`
	SignerName  string     `json:"signerName,omitempty"`
	SignerTitle string     `json:"signerTitle,omitempty"`
	Issuer      string     `json:"issuer,omitempty"` // unit id
}

// BatchFields are the fields a client sets of a batch.
type BatchFields struct {
	Proposer  string    // unit id of the proposing unit
	Authority string    // unit id of the unit whose head decides
	Title     string    // of the submission letter (tờ trình)
	Document  *Document // nil until numbered
}

// Dated is the day the batch's document was signed: the day its units
// must have been active on; zero when it has no signed document.
func (f *BatchFields) Dated() civil.Date {
	if f.Document == nil {
		return civil.Date{}
	}
	return f.Document.SignedOn
}

// CheckReceivedOn checks the day the authority received the batch's
// dossier, given today: not after today; not before the day its document
// was signed when it has a signed one (a historical batch may be received
// long ago), else not more than a year before today.
func (f *BatchFields) CheckReceivedOn(received, today civil.Date) error {
	dated := f.Dated()
	switch {
	case received.After(today):
		return domainerr.Field("receivedOn", "%s is after today, %s", received, today)
	case !dated.IsZero() && received.Before(dated):
		return domainerr.Field("receivedOn", "%s is before the batch's document was signed, on %s", received, dated)
	case dated.IsZero() && received.Before(today.AddDays(-366)):
		return domainerr.Field("receivedOn", "%s is more than a year before today and the batch has no signed document dating it", received)
	}
	return nil
}

// Batch (tờ trình) is a proposer's submission of nominations to the
// authority that will decide them.
type Batch struct {
	ID string
	BatchFields
	State            BatchState
	NominationsCount int
	Decision         string // decisions/{d} of the honours service, once conferred
	CreateTime       time.Time
	UpdateTime       time.Time
	SubmitTime       time.Time // zero until submitted
	Version          int64
}

// Name is batches/{id}.
func (b *Batch) Name() string { return BatchName(b.ID) }

// Etag is the batch's etag.
func (b *Batch) Etag() string { return resid.Etag(b.Version) }

// Normalize puts the text fields in NFC with tidy spaces.
func (f *BatchFields) Normalize() {
	f.Title = vnfold.Normalize(f.Title)
	if d := f.Document; d != nil {
		d.Number, d.SignerName, d.SignerTitle = vnfold.Normalize(d.Number), vnfold.Normalize(d.SignerName), vnfold.Normalize(d.SignerTitle)
	}
}

// Validate checks the fields; prefix is their JSON path ("batch"). Whether
// the units exist is the server's to check, against the unit mirror.
func (f *BatchFields) Validate(prefix string) error {
	var errs domainerr.FieldErrors
	for _, r := range []struct{ field, value string }{
		{".proposer", f.Proposer}, {".authority", f.Authority}, {".title", f.Title},
	} {
		if r.value == "" {
			errs.Add(prefix+r.field, "is required")
		}
	}
	if d := f.Document; d != nil && d.Number == "" {
		errs.Add(prefix+".document.number", "is required")
	}
	return errs.Err()
}

// NewBatch builds a draft batch from validated fields.
func NewBatch(id string, f BatchFields, now time.Time) *Batch {
	return &Batch{ID: id, BatchFields: f, State: BatchDraft, CreateTime: now, UpdateTime: now, Version: 1}
}

// CheckDraft fails unless nominations may be added to b: while it is a
// draft.
func (b *Batch) CheckDraft() error {
	if b.State != BatchDraft {
		return rule("BATCH_NOT_DRAFT", b.Name(), "the batch is %s: nominations are added to a DRAFT batch only", b.State)
	}
	return nil
}

// Submit sends b to its authority; drafts is the number of its DRAFT
// nominations, which the caller submits with it (see Nomination.Submit). A
// submitted batch is submitted again when nominations returned to its
// proposer have been supplemented (DRAFT again).
func (b *Batch) Submit(drafts int, etag string, now time.Time) error {
	if err := resid.CheckEtag(etag, b.Version); err != nil {
		return err
	}
	switch {
	case b.State == BatchClosed:
		return rule("BATCH_CLOSED", b.Name(), "the batch is CLOSED")
	case drafts == 0 && b.State == BatchDraft:
		return rule("BATCH_EMPTY", b.Name(), "the batch holds no DRAFT nomination to submit")
	case drafts == 0:
		return rule("BATCH_NOTHING_TO_SUBMIT", b.Name(), "the batch is SUBMITTED and none of its nominations is a DRAFT again")
	}
	b.State, b.SubmitTime, b.UpdateTime, b.Version = BatchSubmitted, now, now, b.Version+1
	return nil
}

// Close closes a submitted batch once its approved nominations were
// conferred by decision (decisions/{d}; "" when none was left to confer).
func (b *Batch) Close(decision string, now time.Time) error {
	if b.State != BatchSubmitted {
		return rule("BATCH_NOT_SUBMITTED", b.Name(), "the batch is %s: only a SUBMITTED batch is closed", b.State)
	}
	b.State, b.Decision, b.UpdateTime, b.Version = BatchClosed, decision, now, b.Version+1
	return nil
}
