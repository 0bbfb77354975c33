package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

// importer is the client side of HonoursService.ImportDecisions.
type importer interface {
	ImportDecisions(ctx context.Context, opts ...grpc.CallOption) (honoursv1.HonoursService_ImportDecisionsClient, error)
}

// outcome is what an import did.
type outcome struct {
	sent, succeeded, failed, unconfirmed int
	honours                              int
}

// batchSize is the most items sent in one stream, within the server's
// bound of a stream (10000 items); a larger file is sent as several
// streams, one after the other.
const batchSize = 5000

// send streams the items of p to c, in streams of at most batchSize items,
// reporting progress, then prints one line per failed item and a summary
// to out. It returns an error only when a stream itself failed, after
// reporting what the server answered for the items it did; failed items
// are counted in the outcome.
func send(ctx context.Context, c importer, p *plan, prog *progress, out io.Writer) (outcome, error) {
	var o outcome
	prog.start(len(p.items), p.rows)
	confirmed := make([]bool, len(p.items))
	var streamErr error
	for first := 0; first < len(p.items) && streamErr == nil; first += batchSize {
		items := p.items[first:min(first+batchSize, len(p.items))]
		resp, err := sendBatch(ctx, c, items, prog, &o)
		if err != nil {
			streamErr = fmt.Errorf("import stopped after sending %d of %d decisions: %w", o.sent, len(p.items), err)
		}
		if resp != nil {
			report(resp, p.items, first, len(items), confirmed, &o, out)
		}
	}
	prog.done()
	for i, it := range p.items {
		if !confirmed[i] {
			o.unconfirmed++
			fmt.Fprintf(out, "NOT CONFIRMED decision %s (%s): the server gave no result for it; run the import again (decisions already imported are left as they are)\n",
				it.req.GetDecisionId(), linesOf(it.lines))
		}
	}
	fmt.Fprintf(out, "%d decisions in the file: %d imported or already there (%d honours), %d failed",
		len(p.items), o.succeeded, o.honours, o.failed)
	if o.unconfirmed > 0 {
		fmt.Fprintf(out, ", %d not confirmed", o.unconfirmed)
	}
	fmt.Fprintln(out)
	return o, streamErr
}

// sendBatch streams items in one stream. When the stream fails, the
// response the server attached to its status (the items it did before a
// bound of the stream) comes back with the error.
func sendBatch(ctx context.Context, c importer, items []*item, prog *progress, o *outcome) (*honoursv1.ImportDecisionsResponse, error) {
	stream, err := c.ImportDecisions(ctx)
	if err != nil {
		return nil, fmt.Errorf("start the import: %w", err)
	}
	var sendErr error
	for _, it := range items {
		if err := stream.Send(it.req); err != nil {
			// io.EOF: the server ended the stream; CloseAndRecv says why.
			if !errors.Is(err, io.EOF) {
				sendErr = err
			}
			break
		}
		o.sent++
		prog.add(len(it.req.GetEntries()))
	}
	resp, err := stream.CloseAndRecv()
	if err == nil {
		return resp, nil
	}
	for _, d := range status.Convert(err).Details() {
		if partial, ok := d.(*honoursv1.ImportDecisionsResponse); ok {
			resp = partial
		}
	}
	return resp, errors.Join(err, sendErr)
}

// report accounts for the response to a stream of n items, the first of
// which is items[first]. The response lists failures only: the first
// succeeded+failed items were done, and those not listed succeeded, up to
// the last failure listed when the server listed only the first ones.
func report(resp *honoursv1.ImportDecisionsResponse, items []*item, first, n int, confirmed []bool, o *outcome, out io.Writer) {
	done := min(int(resp.GetSucceeded()+resp.GetFailed()), n)
	for i := range done {
		confirmed[first+i] = true
	}
	o.succeeded += int(resp.GetSucceeded())
	o.failed += int(resp.GetFailed())
	o.honours += int(resp.GetHonourCount())
	for _, r := range resp.GetResults() {
		if i := int(r.GetIndex()); i >= 0 && i < done {
			fmt.Fprintln(out, describeFailure(items[first+i], r.GetDecisionId(), status.FromProto(r.GetStatus())))
		}
	}
	if omitted := int(resp.GetFailed()) - len(resp.GetResults()); omitted > 0 {
		from := 0
		if rs := resp.GetResults(); len(rs) > 0 {
			from = int(rs[len(rs)-1].GetIndex()) + 1
		}
		var lines []int
		for _, it := range items[first+min(from, done) : first+done] {
			lines = append(lines, it.lines...)
		}
		fmt.Fprintf(out, "FAILED %d more decisions, not listed (the server lists the first %d failures of a stream), among %s: fix the failures above and run the import again\n",
			omitted, len(resp.GetResults()), linesOf(lines))
	}
}

var entryField = regexp.MustCompile(`^entries\[(\d+)\]`)

// describeFailure is the report line of a failed item: the decision, its
// lines, the status and, for each field violation, the file line of the
// entry it names.
func describeFailure(it *item, id string, st *status.Status) string {
	if id == "" {
		id = it.req.GetDecisionId()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "FAILED decision %s (%s): %s: %s", id, linesOf(it.lines), st.Code(), st.Message())
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				where := ""
				if m := entryField.FindStringSubmatch(v.GetField()); m != nil {
					if n, err := strconv.Atoi(m[1]); err == nil && n < len(it.lines) {
						where = fmt.Sprintf("line %d: ", it.lines[n])
					}
				}
				fmt.Fprintf(&b, "\n    %s%s: %s", where, v.GetField(), v.GetDescription())
			}
		case *errdetails.PreconditionFailure:
			for _, v := range d.GetViolations() {
				fmt.Fprintf(&b, "\n    %s %s: %s", v.GetType(), v.GetSubject(), v.GetDescription())
			}
		case *errdetails.ErrorInfo:
			if d.GetReason() == "REQUEST_ID_REUSED" || st.Code() == codes.AlreadyExists {
				fmt.Fprintf(&b, "\n    hint: decisions/%s exists with other content (its rows changed since it was imported, or the id is taken): "+
					"an import never changes an existing decision; revoke it and import under a new decision_id", id)
			}
		}
	}
	return b.String()
}

// linesOf names the lines of a decision: "line 4", "lines 4–9" or
// "lines 4, 7, 12–15".
func linesOf(lines []int) string {
	if len(lines) == 1 {
		return "line " + strconv.Itoa(lines[0])
	}
	var parts []string
	for i := 0; i < len(lines); {
		j := i
		for j+1 < len(lines) && lines[j+1] == lines[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", lines[i], lines[j]))
		} else {
			parts = append(parts, strconv.Itoa(lines[i]))
		}
		i = j + 1
	}
	if len(parts) > 8 {
		parts = append(parts[:8], "…")
	}
	return "lines " + strings.Join(parts, ", ")
}

// progress prints how far the sending is: on a terminal one line
// rewritten in place (at most every tick), elsewhere a line every
// interval.
type progress struct {
	w        io.Writer
	terminal bool
	interval time.Duration
	now      func() time.Time

	items, rows    int // totals
	sent, rowsSent int // items and rows sent
	began, last    time.Time
}

// tick is the shortest time between two redraws on a terminal.
const tick = 100 * time.Millisecond

func (p *progress) start(items, rows int) {
	p.items, p.rows = items, rows
	p.began = p.now()
	p.last = p.began
}

func (p *progress) add(rows int) {
	p.sent++
	p.rowsSent += rows
	now := p.now()
	every := p.interval
	if p.terminal {
		every = tick
	}
	if now.Sub(p.last) >= every {
		p.last = now
		p.print(now, false)
	}
}

// done prints the final line.
func (p *progress) done() { p.print(p.now(), true) }

func (p *progress) print(now time.Time, final bool) {
	elapsed := now.Sub(p.began)
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(p.rowsSent) / s
	}
	line := fmt.Sprintf("sent %d/%d decisions, %d/%d rows, %.0f rows/s", p.sent, p.items, p.rowsSent, p.rows, rate)
	if final {
		line += fmt.Sprintf(" in %s", elapsed.Round(time.Millisecond))
	}
	switch {
	case p.terminal && final:
		fmt.Fprintf(p.w, "\r\x1b[K%s\n", line)
	case p.terminal:
		fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	default:
		fmt.Fprintln(p.w, line)
	}
}
