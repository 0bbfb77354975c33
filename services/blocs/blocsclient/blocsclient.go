// Package blocsclient follows the units of the blocs service for the other
// services, the way a Kubernetes informer follows the API server: it lists
// the units once through WatchUnits, then applies each change as blocs
// commits it, resuming after a lost stream from the last revision it saw
// and listing again when blocs cannot resume from there. Units and their
// lineage (the active unit at the end of a dissolved unit's successor
// chain, the units dissolved into a unit) are answered from this mirror in
// memory, without a call per request; Revision says which changes it has
// seen, for caches of answers derived from units. Each consumer declares
// the narrow interface it needs of Client; the package blocstest runs the
// real blocs service for their tests.
package blocsclient

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/resname"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// Client follows the units of blocs. Run keeps it up to date; its other
// methods are safe for concurrent use.
type Client struct {
	blocs blocsv1.BlocsServiceClient
	log   *slog.Logger
	// syncWait bounds how long a read waits for the first listing before
	// it answers Unavailable.
	syncWait time.Duration

	mu    sync.RWMutex
	state *mirror // nil until the first listing is complete

	revision atomic.Int64
	synced   chan struct{} // closed when state is first set
	once     sync.Once
	// down is set when a watch failed before the first listing: reads then
	// answer at once rather than wait for it.
	down atomic.Bool

	scopeMu  sync.Mutex
	scope    *lineage.Scope // of the units at scopeRev
	scopeRev int64
}

// mirror is the units as of a revision, and who was dissolved into whom.
type mirror struct {
	units map[string]lineage.Unit    // without Current and Predecessors
	preds map[string]map[string]bool // unit id -> ids dissolved directly into it
}

func newMirror() *mirror {
	return &mirror{units: make(map[string]lineage.Unit), preds: make(map[string]map[string]bool)}
}

// DefaultSyncWait is how long a read waits, at most, for a client that has
// not listed the units yet (blocs is down or starting).
const DefaultSyncWait = 2 * time.Second

// New returns a client of the blocs service on conn. It knows no unit until
// Run has listed them.
func New(conn grpc.ClientConnInterface, log *slog.Logger) *Client {
	return &Client{blocs: blocsv1.NewBlocsServiceClient(conn), log: log, syncWait: DefaultSyncWait, synced: make(chan struct{})}
}

// Revision is the revision of the last change of units the client has
// applied; 0 before the first listing. A cached answer derived from units
// is keyed by it, so that a change of units makes a new one.
func (c *Client) Revision() int64 { return c.revision.Load() }

// Synced is closed once the client has listed the units.
func (c *Client) Synced() <-chan struct{} { return c.synced }

// Run follows the units until ctx is done: it watches from the last
// revision seen, retries a lost stream with a growing pause (up to 5 s),
// and lists from revision 0 again when blocs answers that the revision is
// ahead of its own (its database was restored).
func (c *Client) Run(ctx context.Context) {
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		progressed, err := c.watch(ctx)
		if ctx.Err() != nil {
			return
		}
		c.down.Store(true)
		if progressed {
			pause = 100 * time.Millisecond
		}
		c.log.WarnContext(ctx, "following the units of blocs: stream lost; resuming",
			"revision", c.Revision(), "retry_in", pause, "error", err)
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// watch reads one WatchUnits stream until it fails; progressed says
// whether it applied anything.
func (c *Client) watch(ctx context.Context) (progressed bool, err error) {
	c.mu.RLock()
	relist := c.state == nil
	c.mu.RUnlock()
	since := c.Revision()
	if relist {
		since = 0
	}
	stream, err := c.blocs.WatchUnits(ctx, &blocsv1.WatchUnitsRequest{SinceRevision: since})
	if err != nil {
		return false, err
	}
	// A listing is built apart and replaces the mirror once complete, so
	// that reads meanwhile see the old one, whole.
	var listing *mirror
	if relist {
		listing = newMirror()
	}
	for {
		msg, err := stream.Recv()
		if err != nil {
			if reason(err) == "REVISION_AHEAD" {
				c.log.WarnContext(ctx, "blocs is behind the revision seen: listing the units again", "revision", since)
				c.mu.Lock()
				c.state = nil
				c.mu.Unlock()
			}
			return progressed, err
		}
		progressed = true
		if listing != nil {
			for _, u := range msg.GetUnits() {
				listing.apply(u)
			}
			if len(msg.GetUnits()) == 0 { // up to date: the listing is whole
				c.mu.Lock()
				c.state = listing
				c.mu.Unlock()
				c.revision.Store(msg.GetRevision())
				c.once.Do(func() { close(c.synced) })
				listing = nil
			}
			continue
		}
		if len(msg.GetUnits()) > 0 {
			c.mu.Lock()
			for _, u := range msg.GetUnits() {
				c.state.apply(u)
			}
			c.mu.Unlock()
		}
		c.revision.Store(msg.GetRevision())
	}
}

// apply records a unit as it is after a change.
func (m *mirror) apply(p *blocsv1.Unit) {
	u := fromProto(p)
	if old, ok := m.units[u.ID]; ok && old.Successor != "" {
		delete(m.preds[old.Successor], u.ID)
	}
	if u.Successor != "" {
		if m.preds[u.Successor] == nil {
			m.preds[u.Successor] = make(map[string]bool)
		}
		m.preds[u.Successor][u.ID] = true
	}
	m.units[u.ID] = u
}

// maxDepth bounds the walk along successors and predecessors; real chains
// are a handful of mergers long.
const maxDepth = 64

// unit returns a unit with its lineage.
func (m *mirror) unit(id string) (lineage.Unit, bool) {
	u, ok := m.units[id]
	if !ok {
		return u, false
	}
	u.Current = id
	for cur, depth := u, 0; cur.Successor != "" && depth < maxDepth; depth++ {
		next, ok := m.units[cur.Successor]
		if !ok {
			u.Current = cur.Successor
			break
		}
		u.Current, cur = next.ID, next
	}
	for p := range m.preds[id] {
		u.Predecessors = append(u.Predecessors, p)
	}
	slices.Sort(u.Predecessors)
	return u, true
}

// read runs fn on the mirror, waiting for the first listing for at most
// syncWait (or ctx's end) unless blocs is known to be down; without one it
// is an UnavailableError.
func (c *Client) read(ctx context.Context, fn func(m *mirror)) error {
	select {
	case <-c.synced:
	default:
		if c.down.Load() {
			return &domainerr.UnavailableError{Service: "blocs", Cause: fmt.Errorf("the units are not listed yet")}
		}
		t := time.NewTimer(c.syncWait)
		defer t.Stop()
		select {
		case <-c.synced:
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return &domainerr.UnavailableError{Service: "blocs", Cause: fmt.Errorf("the units are not listed yet")}
		}
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.state == nil { // being listed again after a restore
		return &domainerr.UnavailableError{Service: "blocs", Cause: fmt.Errorf("the units are being listed again")}
	}
	fn(c.state)
	return nil
}

// Units returns the units with the given ids, with their lineage. An id
// the mirror lacks is asked of blocs (it may have been created a moment
// ago: a caller that has just created a unit finds it); an id blocs does
// not know either is absent from the map; an empty id is ignored. Before
// the first listing (blocs is down or starting) it waits a little, then is
// a *domainerr.UnavailableError.
func (c *Client) Units(ctx context.Context, ids []string) (map[string]lineage.Unit, error) {
	out := make(map[string]lineage.Unit, len(ids))
	var missing []string
	err := c.read(ctx, func(m *mirror) {
		for _, id := range ids {
			if u, ok := m.unit(id); ok {
				out[id] = u
			} else if id != "" {
				missing = append(missing, id)
			}
		}
	})
	if err != nil || len(missing) == 0 {
		return out, err
	}
	fresh, err := c.Fresh(ctx, missing)
	if err != nil {
		return nil, err
	}
	maps.Copy(out, fresh)
	return out, nil
}

// Ancestors returns, for each of ids, the ids of every unit whose successor
// chain passes through it: the units dissolved into it, those dissolved into
// them, and so on (not the unit itself), sorted. Unknown ids have none.
func (c *Client) Ancestors(ctx context.Context, ids []string) (map[string][]string, error) {
	out := make(map[string][]string, len(ids))
	err := c.read(ctx, func(m *mirror) {
		for _, id := range ids {
			seen := map[string]bool{id: true}
			var all []string
			stack := []string{id}
			for len(stack) > 0 && len(all) < len(m.units) {
				cur := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				for p := range m.preds[cur] {
					if !seen[p] {
						seen[p] = true
						all = append(all, p)
						stack = append(stack, p)
					}
				}
			}
			slices.Sort(all)
			out[id] = all
		}
	})
	return out, err
}

// Scope returns the lineage.Scope of the units the client knows, built
// again only after they change.
func (c *Client) Scope(ctx context.Context) (*lineage.Scope, error) {
	c.scopeMu.Lock()
	defer c.scopeMu.Unlock()
	var (
		scope *lineage.Scope
		rev   int64
	)
	err := c.read(ctx, func(m *mirror) {
		rev = c.revision.Load()
		if c.scope != nil && rev == c.scopeRev {
			scope = c.scope
			return
		}
		scope = lineage.NewScope(maps.Clone(m.units))
	})
	if err != nil {
		return nil, err
	}
	c.scope, c.scopeRev = scope, rev
	return scope, nil
}

// batchSize is the most names BatchGetUnits takes.
const batchSize = 1000

// Fresh asks blocs itself for the units with ids, not the mirror: issuing
// a decision checks its authority this way, since a legal act must see the
// authority as it is at that moment. Unknown ids are absent.
func (c *Client) Fresh(ctx context.Context, ids []string) (map[string]lineage.Unit, error) {
	out := make(map[string]lineage.Unit, len(ids))
	for chunk := range slices.Chunk(distinct(ids), batchSize) {
		units, err := c.fetch(ctx, chunk)
		if err != nil {
			return nil, err
		}
		for _, p := range units {
			u := fromProto(p)
			u.Current = idOf(p.GetCurrent())
			if u.Current == "" {
				u.Current = u.ID
			}
			for _, n := range p.GetPredecessors() {
				u.Predecessors = append(u.Predecessors, idOf(n))
			}
			out[u.ID] = u
		}
	}
	return out, nil
}

// fetch calls BatchGetUnits for ids. blocs refuses a batch with an unknown
// name (NotFound naming it): that name is left out and the rest asked
// again; after a few unknown names the batch is halved, so that a batch
// full of them costs O(n log n) names sent rather than O(n²).
func (c *Client) fetch(ctx context.Context, ids []string) ([]*blocsv1.Unit, error) {
	return c.fetchNames(ctx, resname.Unit.FormatAll(ids))
}

func (c *Client) fetchNames(ctx context.Context, names []string) ([]*blocsv1.Unit, error) {
	for misses := 0; len(names) > 0; misses++ {
		if misses == 3 && len(names) > 1 {
			half := len(names) / 2
			a, err := c.fetchNames(ctx, names[:half])
			if err != nil {
				return nil, err
			}
			b, err := c.fetchNames(ctx, names[half:])
			return append(a, b...), err
		}
		resp, err := c.blocs.BatchGetUnits(ctx, &blocsv1.BatchGetUnitsRequest{Names: names})
		if err == nil {
			return resp.GetUnits(), nil
		}
		unknown, ok := grpcclient.NotFoundName(err)
		if !ok || !slices.Contains(names, unknown) {
			return nil, blocsError("BatchGetUnits", err)
		}
		names = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == unknown })
	}
	return nil, nil
}

// reason returns the ErrorInfo reason of a status error.
func reason(err error) string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}

// blocsError maps an error of a call to blocs (grpcclient.Failure).
func blocsError(method string, err error) error { return grpcclient.Failure("blocs", method, err) }

// fromProto converts a unit of blocs, without its lineage.
func fromProto(p *blocsv1.Unit) lineage.Unit {
	u := lineage.Unit{
		ID:          idOf(p.GetName()),
		DisplayName: p.GetDisplayName(),
		ShortName:   p.GetShortName(),
		Level:       lineage.Level(p.GetLevel()),
		Province:    idOf(p.GetProvince()),
		Parent:      idOf(p.GetParent()),
		Dissolved:   p.GetState() == blocsv1.UnitState_UNIT_STATE_DISSOLVED,
		Successor:   idOf(p.GetSuccessor()),
	}
	if d, err := civil.FromProto(p.GetDissolvedOn()); err == nil {
		u.DissolvedOn = d
	}
	for _, h := range p.GetHistory() {
		until, _ := civil.FromProto(h.GetUntil())
		u.History = append(u.History, lineage.Period{
			DisplayName: h.GetDisplayName(), ShortName: h.GetShortName(), Level: lineage.Level(h.GetLevel()), Until: until,
		})
	}
	return u
}

// idOf returns the id of units/{id}, as blocs names its units.
func idOf(name string) string {
	id, _ := resname.Unit.ID(name)
	return id
}

// distinct returns the non-empty ids, each once, in first-seen order.
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Follow runs c.Run in the background until the returned function is
// called (a seam's Close), which waits for it to end. A blocs that is down
// is followed once it is back.
func Follow(ctx context.Context, c *Client) (stop func()) {
	follow, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(follow)
	}()
	return func() { cancel(); <-done }
}
