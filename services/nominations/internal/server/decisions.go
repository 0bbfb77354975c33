package server

import (
	"context"
	"crypto/sha256"
	"fmt"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Decisions is what conferral needs of the honours service.
type Decisions interface {
	// Confer creates the decision d describes as a draft, adds its
	// entries and issues it, and returns the honour each entry's
	// nomination became. Every step carries a request id derived from
	// d.RequestID, so that Confer run again with the same d (after a
	// crash, at any point) creates nothing twice and returns the same
	// honours.
	Confer(ctx context.Context, d Conferral) (map[string]string, error)
	// Issued returns the decision name (decisions/{d}) of honours and
	// its entries, each with the honour it became once issued. An unknown
	// decision is a field error on field.
	Issued(ctx context.Context, field, name string) (*honoursv1.Decision, []*honoursv1.DecisionEntry, error)
}

// Conferral is a decision to confer in honours.
type Conferral struct {
	// ID is the decision's id in honours.
	ID string
	// RequestID is the UUID the steps' request ids derive from.
	RequestID string
	// Decision holds its document, title, authority and movement.
	Decision *honoursv1.Decision
	// Entries are its entries, each naming its nomination, in a fixed
	// order.
	Entries []*honoursv1.DecisionEntry
}

// entriesPerCall is the most entries one AddDecisionEntries takes.
const entriesPerCall = 1000

// HonoursDecisions confers decisions in the honours service.
type HonoursDecisions struct {
	Client honoursv1.HonoursServiceClient
}

// Confer implements Decisions: CreateDecision, AddDecisionEntries (1,000
// entries a call), IssueDecision, then ListDecisionEntries for the honours.
func (h HonoursDecisions) Confer(ctx context.Context, d Conferral) (map[string]string, error) {
	name := "decisions/" + d.ID
	if _, err := h.Client.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{
		Decision: d.Decision, DecisionId: d.ID, RequestId: derivedRequestID(d.RequestID, "create"),
	}); err != nil {
		return nil, honoursStep(name, "CreateDecision", err)
	}
	for i := 0; i < len(d.Entries); i += entriesPerCall {
		chunk := d.Entries[i:min(i+entriesPerCall, len(d.Entries))]
		if _, err := h.Client.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{
			Name: name, Entries: chunk, RequestId: derivedRequestID(d.RequestID, fmt.Sprintf("entries-%d", i)),
		}); err != nil {
			return nil, honoursStep(name, "AddDecisionEntries", err)
		}
	}
	if _, err := h.Client.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{
		Name: name, RequestId: derivedRequestID(d.RequestID, "issue"),
	}); err != nil {
		return nil, honoursStep(name, "IssueDecision", err)
	}
	honours := make(map[string]string, len(d.Entries))
	token := ""
	for {
		page, err := h.Client.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: name, PageSize: 1000, PageToken: token})
		if err != nil {
			return nil, honoursStep(name, "ListDecisionEntries", err)
		}
		for _, e := range page.GetEntries() {
			if e.GetNomination() != "" {
				honours[e.GetNomination()] = e.GetHonour()
			}
		}
		if token = page.GetNextPageToken(); token == "" {
			return honours, nil
		}
	}
}

// Issued implements Decisions: GetDecision, then ListDecisionEntries, 1,000
// a page. NOT_FOUND is a field error on field, naming the decision.
func (h HonoursDecisions) Issued(ctx context.Context, field, name string) (*honoursv1.Decision, []*honoursv1.DecisionEntry, error) {
	d, err := h.Client.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: name})
	switch status.Code(err) {
	case codes.OK:
	case codes.NotFound:
		return nil, nil, domainerr.Field(field, "%s does not exist", name)
	default:
		return nil, nil, grpcclient.Failure("honours", "GetDecision", err)
	}
	var entries []*honoursv1.DecisionEntry
	token := ""
	for {
		page, err := h.Client.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: name, PageSize: 1000, PageToken: token})
		if err != nil {
			return nil, nil, grpcclient.Failure("honours", "ListDecisionEntries", err)
		}
		entries = append(entries, page.GetEntries()...)
		if token = page.GetNextPageToken(); token == "" {
			return d, entries, nil
		}
	}
}

// honoursStep maps the error of a step of a conferral: a decision honours
// refuses (an award its authority may not confer, an entry it finds
// wrong) is a broken rule the officer can act on, FAILED_PRECONDITION
// naming the decision with honours' reason; any other failure as
// grpcclient.Failure maps it.
func honoursStep(decision, method string, err error) error {
	switch st := status.Convert(err); st.Code() {
	case codes.FailedPrecondition, codes.InvalidArgument:
		return domainerr.Rule("HONOURS_REFUSED_DECISION", decision, "the honours service refused the decision (%s): %s", method, st.Message())
	}
	return grpcclient.Failure("honours", method, err)
}

// derivedRequestID is the request id of one step of a conferral: a UUID
// (RFC 9562, version 8) made from the conferral's request id and the
// step, the same every time.
func derivedRequestID(requestID, step string) string {
	sum := sha256.Sum256([]byte(requestID + "\x00" + step))
	sum[6] = sum[6]&0x0f | 0x80 // version 8
	sum[8] = sum[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}
