package server

import (
	"context"
	"errors"
	"slices"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/rpcerr"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/store"
)

// importGroup is how many checked rows ImportNominations writes in one
// transaction.
const importGroup = 250

// maxRowMessage bounds the message of a refused row in the response.
const maxRowMessage = 500

// rowPrefix is the JSON path of a row in the stream's messages: a
// refused row's fields are named from the message it came in
// ("row.nomination.recipient.unit"), as the request validator names them.
const rowPrefix = "row"

// ImportNominations streams nominations into draft batches, one
// CreateNominationRequest per message (the row), answered with one result
// per row in the order sent.
//
// Each row is what CreateNomination would do with it: the caller must be
// able to add nominations to the row's batch (the access policy of
// CreateNomination, then the PROPOSER side), the batch must be DRAFT, the
// row's fields are read and checked the same way, its recipient keyed, its
// citizen id sealed, and a nomination repeating an open or conferred one
// of the same recipient, award and period (in any batch, or earlier in the
// stream) is ALREADY_EXISTS naming that one, when the caller may see it.
// Rows may name different batches.
//
// Each row needs a request id: a row sent again is answered as the first
// time (its nomination named, nothing written again), and the id sent with
// another row is refused for that row (ALREADY_EXISTS, REQUEST_ID_REUSED),
// so an import broken off is resumed by sending it again. A refused row
// gets its code, message and the fields at fault, named from the stream's
// message ("row.parent", "row.nomination.recipient.fullName"); the stream
// goes on.
//
// Checked rows are written up to importGroup in one transaction, each with
// its own saved answer and audit record; a row refused inside the
// transaction is left out of it and never costs the others theirs. The
// stream has grpcserver.ReceiveItems' bounds; past one, the rows read
// before are still written and the call's status carries their results.
func (s *Server) ImportNominations(stream grpc.ClientStreamingServer[nominationsv1.ImportNominationsRequest, nominationsv1.ImportNominationsResponse]) error {
	ctx := stream.Context()
	im := &importer{s: s, ctx: ctx, resp: &nominationsv1.ImportNominationsResponse{}, access: map[string]checkedBatch{}}
	err := grpcserver.ReceiveItems(stream, im.receive,
		func(index int32, item *nominationsv1.ImportNominationsRequest, r *importRow, st *status.Status) {
			res := &nominationsv1.ImportRowResult{RequestId: item.GetRow().GetRequestId()}
			if r != nil {
				res = r.result
			}
			res.Row = index + 1
			if st.Code() != codes.OK {
				res.Error = rowError(st)
			}
			im.resp.Rows = append(im.resp.Rows, res)
		})
	im.flush(ctx)
	for _, r := range im.resp.Rows {
		if r.GetError() != nil {
			im.resp.Refused++
		} else {
			im.resp.Accepted++
		}
	}
	if err != nil {
		return grpcserver.WithPartialResponse(err, im.resp)
	}
	return stream.SendAndClose(im.resp)
}

// importer is the state of one ImportNominations stream.
type importer struct {
	s *Server
	// ctx is the stream's: rows are written with it, also those written
	// after the stream reached a bound.
	ctx  context.Context
	resp *nominationsv1.ImportNominationsResponse
	// access is the policy's answer for each batch the stream named.
	access map[string]checkedBatch
	// pending are the checked rows not written yet.
	pending []*importRow
}

// checkedBatch is the policy's answer for a batch: the context of a call
// on it (with the unit owning it, for the audit record) or the refusal.
type checkedBatch struct {
	ctx context.Context
	err error
}

// importRow is a row checked and waiting for its transaction.
type importRow struct {
	ctx    context.Context // the call's, with the owner of the row's batch
	row    *nominationsv1.CreateNominationRequest
	batch  string
	fields domain.NominationFields
	result *nominationsv1.ImportRowResult
	done   bool
}

// receive checks one row as CreateNomination would before its
// transaction, and queues it; every importGroup rows the queue is
// written.
func (im *importer) receive(_ context.Context, item *nominationsv1.ImportNominationsRequest) (*importRow, error) {
	s, row, ctx := im.s, item.GetRow(), im.ctx
	if row.GetRequestId() == "" {
		return nil, domainerr.Field(rowPrefix+".requestId", "is required: a row sent again is known by it")
	}
	if row.GetParent() == "" {
		return nil, domainerr.Field(rowPrefix+".parent", "is required")
	}
	batch, err := batchID(rowPrefix+".parent", row.GetParent())
	if err != nil {
		return nil, err
	}
	if ctx, err = im.check(ctx, batch, row); err != nil {
		return nil, err
	}
	prefix := rowPrefix + ".nomination"
	f, err := nominationFields(prefix, row.GetNomination())
	if err != nil {
		return nil, err
	}
	f.Recipient.Key, f.Recipient.Weak = s.keys.Key(identity(f.Recipient))
	if err := s.checkRecipientUnits(ctx, []string{prefix}, []domain.NominationFields{f}); err != nil {
		return nil, err
	}
	blindCitizenIDs([]*nominationsv1.Nomination{row.GetNomination()}, []string{f.Recipient.Key})
	r := &importRow{ctx: ctx, row: row, batch: batch, fields: f,
		result: &nominationsv1.ImportRowResult{RequestId: row.GetRequestId()}}
	if len(im.pending) >= importGroup {
		im.flush(ctx)
	}
	im.pending = append(im.pending, r)
	return r, nil
}

// check decides, once per batch of the stream, whether the caller may add
// a nomination to it: the access policy of CreateNomination, for the row
// as its request. Without a policy (tests) every call may.
func (im *importer) check(ctx context.Context, batch string, row *nominationsv1.CreateNominationRequest) (context.Context, error) {
	if im.s.unguarded(ctx) {
		return ctx, nil
	}
	c, ok := im.access[batch]
	if !ok {
		c.ctx, c.err = im.s.policy.Check(ctx, nominationsv1.NominationsService_CreateNomination_FullMethodName, row)
		if _, answer := rpcerr.FromDomain(c.err); answer {
			im.access[batch] = c // a fault is not kept: the next row asks again
		}
	}
	return c.ctx, c.err
}

// flush writes the pending rows, in transactions of consecutive rows
// (chains), and answers each.
func (im *importer) flush(ctx context.Context) {
	rows := im.pending
	im.pending = nil
	for i := range rows {
		if !rows[i].done {
			im.s.chain(ctx, rows[i:], true)
		}
	}
}

// answer records the outcome of a row: its nomination, or why it was
// refused.
func (s *Server) answer(ctx context.Context, r *importRow, n *nominationsv1.Nomination, err error) {
	r.done = true
	if err != nil {
		r.result.Nomination, r.result.Error = "", rowError(s.rowStatus(ctx, err))
		return
	}
	r.result.Nomination, r.result.Error = n.GetName(), nil
}

// rowStatus is the status of a row's error, mapped as a handler's is; an
// error nothing maps is logged and is Internal.
func (s *Server) rowStatus(ctx context.Context, err error) *status.Status {
	if mapped, ok := rpcerr.FromDomain(err); ok {
		return status.Convert(mapped)
	}
	s.log.ErrorContext(ctx, "import row failed", "error", err)
	return status.Convert(rpcerr.Internal())
}

// rowError is a refused row's answer: the code, the message and the
// fields a BadRequest detail names.
func rowError(st *status.Status) *nominationsv1.RowError {
	msg := st.Message()
	if len(msg) > maxRowMessage {
		cut := maxRowMessage
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	e := &nominationsv1.RowError{Code: int32(st.Code()), Message: msg}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				e.Fields = append(e.Fields, v.GetField())
			}
		}
	}
	return e
}

// chain writes rows[0] and as many of the rows after it as are not done
// yet in one transaction, the one idempotency.Mutate runs for rows[0]
// (its saved answer and audit record are Mutate's); every other row's
// answer is saved and audited in it beside (placement.do). A row refused
// inside the transaction is left out of its writes. When rows[0] itself
// is refused, the rows after it are tried until one would be written,
// which heads the next chain. When the transaction fails after rows[0] was
// placed: a row whose nomination id another nomination holds is refused
// and the chain written again without it; after any other failure (a
// request id raced) the rows are written one transaction each when
// fallback is set, each then getting its own answer.
func (s *Server) chain(ctx context.Context, rows []*importRow, fallback bool) {
	head := rows[0]
	var g *placement
	resp := new(nominationsv1.Nomination)
	err := idempotency.Mutate(head.ctx, s.store.Do, head.row, resp, func(tx *store.Tx) (proto.Message, error) {
		g = s.newPlacement(tx, rows)
		if err := g.lock(ctx); err != nil {
			return nil, err
		}
		n, err := g.place(head)
		if err != nil {
			// Rows refused before the first that would be written are
			// answered now: reading is all they did.
			g.dry = true
			for _, r := range rows[1:] {
				if !r.done && !g.try(r) {
					break
				}
			}
			return nil, err
		}
		g.placed = true
		for _, r := range rows[1:] {
			if !r.done {
				g.try(r)
				if g.broken != nil {
					return nil, g.broken
				}
			}
		}
		if err := g.write(ctx); err != nil {
			return nil, err
		}
		return n, nil
	})
	if err != nil && g != nil && g.placed {
		if r := s.taken(ctx, g, err); r != nil {
			// The row's nomination id is another nomination's: that row
			// alone is refused, and the chain written again without it.
			s.answer(ctx, r, nil, err)
			for i := range rows {
				if !rows[i].done {
					s.chain(ctx, rows[i:], fallback)
					break
				}
			}
			return
		}
		if !fallback {
			s.answer(ctx, head, nil, err)
			return
		}
		for i, r := range rows {
			if !r.done {
				s.chain(ctx, rows[i:i+1], false)
			}
		}
		return
	}
	s.answer(ctx, head, resp, err)
	if g == nil {
		return
	}
	for _, a := range g.answers {
		if err != nil && !a.final {
			continue // written in the transaction that failed
		}
		s.answer(ctx, a.row, a.n, a.err)
	}
	if err == nil {
		s.invalidate(ctx, g.written...)
	}
}

// taken returns the row placed in g whose nomination the failed write
// err says exists already, when it does (another's, committed): a row
// whose client-chosen id is taken, which only the bulk insert finds. nil
// for any other failure.
func (s *Server) taken(ctx context.Context, g *placement, err error) *importRow {
	var exists *domainerr.ExistsError
	if !errors.As(err, &exists) {
		return nil
	}
	for i, n := range g.added {
		if n.Name() == exists.Name {
			if _, gerr := s.store.GetNomination(ctx, n.Batch, n.ID); gerr == nil {
				return g.addedRows[i]
			}
			return nil
		}
	}
	return nil
}

// placement is the state of a chain's transaction: the batches its rows
// name, locked, and the claims of their recipients, with the rows placed
// so far.
type placement struct {
	s    *Server
	tx   *store.Tx
	rows []*importRow
	// batches are the locked batches, or why a row may not go in one.
	batches map[string]*domain.Batch
	refused map[string]error
	claims  []domain.Claim
	actor   string
	// added are the nominations to insert, in order; written the names
	// to drop from the cache after the commit.
	added     []*domain.Nomination
	addedRows []*importRow
	written   []string
	answers   []placed
	// placed is set once the chain's head is placed: from then on the
	// transaction writes. dry is set when the head was refused: rows are
	// only tried, until one would be written. broken is a write that
	// failed, which fails the transaction.
	placed, dry bool
	broken      error
}

// placed is the answer of a row tried in a chain: final when it stands
// whether or not the transaction commits (a refusal, an earlier answer).
type placed struct {
	row   *importRow
	n     *nominationsv1.Nomination
	err   error
	final bool
}

func (s *Server) newPlacement(tx *store.Tx, rows []*importRow) *placement {
	return &placement{s: s, tx: tx, rows: rows, batches: map[string]*domain.Batch{}, refused: map[string]error{},
		actor: s.actor(rows[0].ctx)}
}

// errNotWritten ends a row tried while the chain is dry: it would be
// written.
var errNotWritten = errors.New("server: the row would be written")

// lock locks the batches the chain's rows name, in the order of their
// ids, and reads the claims of their recipients (serialised with other
// writers of the same keys), the names of those the caller may not see
// hidden (a duplicate names only a nomination the caller sees), as
// CreateNomination does for one.
func (g *placement) lock(ctx context.Context) error {
	var ids, keys []string
	for _, r := range g.rows {
		if !r.done {
			ids = append(ids, r.batch)
			keys = append(keys, r.fields.Recipient.Key)
		}
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		b, err := g.tx.LockBatch(ctx, id)
		if err == nil {
			err = b.CheckDraft()
		}
		if err == nil {
			err = g.s.mayAdd(g.rows[0].ctx, b)
		}
		if err == nil {
			g.batches[id] = b
		} else if _, refusal := rpcerr.FromDomain(err); refusal {
			g.refused[id] = err // every row naming the batch gets it
		} else {
			return err
		}
	}
	var err error
	if g.claims, err = g.tx.Claims(ctx, keys); err == nil {
		g.claims, err = g.s.seen(g.rows[0].ctx, g.claims)
	}
	return err
}

// place adds r's nomination to its batch, unless the batch refuses it or
// it repeats a claim: CreateNomination's rules, in memory until write.
func (g *placement) place(r *importRow) (*nominationsv1.Nomination, error) {
	if err := g.refused[r.batch]; err != nil {
		return nil, err
	}
	id := r.row.GetNominationId()
	if id == "" {
		id = domain.NewID()
	}
	n := domain.NewNomination(r.batch, id, r.fields, g.actor, g.tx.Now())
	if other, dup := domain.FindDuplicate(n.Claim(), g.claims); dup {
		return nil, &domainerr.ExistsError{Name: other}
	}
	for _, a := range g.added {
		if a.Batch == n.Batch && a.ID == n.ID {
			return nil, &domainerr.ExistsError{Name: a.Name()}
		}
	}
	if g.dry {
		return nil, errNotWritten
	}
	g.claims = append(g.claims, n.Claim())
	g.s.seal(n)
	g.added, g.addedRows = append(g.added, n), append(g.addedRows, r)
	return &nominationsv1.Nomination{Name: n.Name()}, nil
}

// try places r in the chain's transaction under its own request id, and
// records its answer; false when the chain is dry and r would be written.
func (g *placement) try(r *importRow) bool {
	resp := new(nominationsv1.Nomination)
	written := false
	err := idempotency.Mutate(r.ctx, g.do(&written), r.row, resp, func(*store.Tx) (proto.Message, error) {
		return g.place(r)
	})
	if errors.Is(err, errNotWritten) {
		return false
	}
	if err != nil {
		resp = nil
	}
	g.answers = append(g.answers, placed{row: r, n: resp, err: err, final: !written})
	return true
}

// do is sqlstore.Store.Do within the chain's open transaction, for one
// row: an answer saved under the row's request id is returned as it is;
// otherwise fn places the row, and its answer and audit record are
// written. written is set when they were; a failed write breaks the
// chain.
func (g *placement) do(written *bool) idempotency.Do[*store.Tx] {
	return func(ctx context.Context, op sqlstore.Op, fn func(tx *store.Tx) (string, []byte, error)) ([]byte, error) {
		prev, found, err := sqlstore.LookupRequest(ctx, g.tx.Tx.Tx, op.RequestID, op.Method, op.Fingerprint)
		if err != nil || found {
			if err != nil && !errors.Is(err, sqlstore.ErrRequestReused) {
				g.broken = err
			}
			return prev, err
		}
		resource, resp, err := fn(g.tx)
		if err != nil {
			return nil, err
		}
		*written = true
		err = sqlstore.SaveRequest(ctx, g.tx.Tx.Tx, op.RequestID, op.Method, op.Fingerprint, resp)
		if err == nil {
			err = sqlstore.Audit(ctx, g.tx.Tx, sqlstore.AuditEntry{
				Log: sqlstore.LogActivity, Caller: op.Caller, CallerRoles: op.CallerRoles, AuthMethod: op.AuthMethod,
				Method: op.Method, Resource: resource, OwnerUnit: op.OwnerUnit, RequestID: op.RequestID,
				Result: sqlstore.ResultOK, TraceID: op.TraceID, At: g.tx.Now(),
			})
		}
		if err != nil {
			g.broken = err
			return nil, err
		}
		return resp, nil
	}
}

// write inserts the placed nominations in one bulk insert and counts them
// in their batches.
func (g *placement) write(ctx context.Context) error {
	if err := g.tx.InsertNominations(ctx, g.added); err != nil {
		return err
	}
	counts := map[string]int{}
	for _, n := range g.added {
		counts[n.Batch]++
		g.written = append(g.written, nominationKey(n.Batch, n.ID))
	}
	for id, c := range counts {
		b := g.batches[id]
		b.NominationsCount += c
		b.UpdateTime, b.Version = g.tx.Now(), b.Version+1
		if err := g.tx.UpdateBatch(ctx, b); err != nil {
			return err
		}
		g.written = append(g.written, batchKey(id))
	}
	return nil
}
