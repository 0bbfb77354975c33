// Package lineage reads units from the blocs service as the honours service
// needs them: their level and province, their names, and their lineage (the
// active unit at the end of a dissolved unit's successor chain, and the units
// dissolved into a unit). Units are cached for a short while, so that a
// register query that expands a province into its predecessors does not call
// blocs each time; a merger recorded in blocs shows here within the TTL.
package blocsclient

import (
	"context"
	"fmt"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/resname"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// Client reads units from blocs through a cache. It is safe for concurrent
// use.
type Client struct {
	blocs blocsv1.BlocsServiceClient
	cache cache.Cache
	ttl   time.Duration
}

// DefaultTTL is how long a unit is cached: how late a merger recorded in
// blocs may show in honours' lineage queries.
const DefaultTTL = 2 * time.Minute

// batchSize is the most names BatchGetUnits takes.
const batchSize = 1000

// maxDepth bounds the walk along predecessors; real chains are a handful of
// mergers long.
const maxDepth = 64

// New returns a client of the blocs service on conn, caching units in c
// for ttl (0: DefaultTTL).
func New(conn grpc.ClientConnInterface, c cache.Cache, ttl time.Duration) *Client {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Client{blocs: blocsv1.NewBlocsServiceClient(conn), cache: c, ttl: ttl}
}

func key(id string) string { return "unit:" + id }

// Units returns the units with the given ids. An id blocs does not know is
// absent from the map; an empty id is ignored. Errors: *domainerr.UnavailableError
// when blocs cannot answer; anything else is a fault of ours or
// of blocs, not the caller's.
func (c *Client) Units(ctx context.Context, ids []string) (map[string]lineage.Unit, error) {
	ids = distinct(ids)
	out := make(map[string]lineage.Unit, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// Look every id up in the cache, a few at a time (a Redis round trip
	// each).
	found := make([]*blocsv1.Unit, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for i, id := range ids {
		g.Go(func() error {
			b, ok, err := c.cache.Get(gctx, key(id))
			if err != nil || !ok {
				return nil // a failing cache is a miss
			}
			u := new(blocsv1.Unit)
			if proto.Unmarshal(b, u) == nil && u.GetName() == resname.Unit.Format(id) {
				found[i] = u
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var missing []string
	for i, id := range ids {
		switch {
		case found[i] == nil:
			missing = append(missing, id)
		case found[i].GetState() != blocsv1.UnitState_UNIT_STATE_UNSPECIFIED:
			out[id] = fromProto(found[i])
		}
		// else: known to be unknown (forget).
	}
	if err := c.load(ctx, missing, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Fresh is Units without the cache: it asks blocs and refreshes the cache
// with the answers. Issuing a decision checks its authority this way, since
// a legal act must see the authority as it is now, not as cached.
func (c *Client) Fresh(ctx context.Context, ids []string) (map[string]lineage.Unit, error) {
	out := make(map[string]lineage.Unit, len(ids))
	if err := c.load(ctx, distinct(ids), out); err != nil {
		return nil, err
	}
	return out, nil
}

// load asks blocs for ids, caches the answers and adds them to out.
func (c *Client) load(ctx context.Context, ids []string, out map[string]lineage.Unit) error {
	for chunk := range slices.Chunk(ids, batchSize) {
		units, err := c.fetch(ctx, chunk)
		if err != nil {
			return err
		}
		for _, u := range units {
			slim := slimUnit(u)
			if b, err := proto.Marshal(slim); err == nil {
				_ = c.cache.Set(ctx, key(idOf(u.GetName())), b, c.ttl) // a failure is logged by the cache
			}
			out[idOf(u.GetName())] = fromProto(slim)
		}
	}
	return nil
}

// fetch calls BatchGetUnits for ids. blocs refuses a batch with an unknown
// name (NotFound naming it): that name is left out and the rest asked
// again; after a few unknown names the batch is halved, so that a batch
// full of them costs O(n log n) names sent rather than O(n²).
func (c *Client) fetch(ctx context.Context, ids []string) ([]*blocsv1.Unit, error) {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = resname.Unit.Format(id)
	}
	return c.fetchNames(ctx, names)
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
		unknown, ok := notFoundName(err)
		if !ok || !slices.Contains(names, unknown) {
			return nil, blocsError("BatchGetUnits", err)
		}
		c.forget(ctx, idOf(unknown))
		names = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == unknown })
	}
	return nil, nil
}

// unknownTTL is how long a unit blocs does not know is remembered as
// unknown: short, since it may be created any moment.
const unknownTTL = 10 * time.Second

// forget remembers for a while that blocs does not know id: a unit with a
// name and no state, which blocs never returns.
func (c *Client) forget(ctx context.Context, id string) {
	if b, err := proto.Marshal(&blocsv1.Unit{Name: resname.Unit.Format(id)}); err == nil {
		_ = c.cache.Set(ctx, key(id), b, min(unknownTTL, c.ttl))
	}
}

// notFoundName returns the resource of a NotFound status.
func notFoundName(err error) (string, bool) {
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.NotFound {
		return "", false
	}
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.ResourceInfo); ok {
			return ri.GetResourceName(), true
		}
	}
	return "", false
}

// blocsError maps an error of a call to blocs: one it may recover from is
// a *domainerr.UnavailableError; any other (an InvalidArgument is our bug, an Internal
// theirs) is wrapped for the log, never forwarded to our caller as it is.
func blocsError(method string, err error) error {
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Aborted:
		return &domainerr.UnavailableError{Service: "blocs", Cause: fmt.Errorf("%s: %s", method, status.Code(err))}
	case codes.Canceled:
		return context.Canceled
	}
	return fmt.Errorf("blocs %s: %w", method, err)
}

// Ancestors returns, for each of ids, the ids of every unit whose successor
// chain passes through it: the units dissolved into it, those dissolved into
// them, and so on (not the unit itself). Unknown ids have none.
func (c *Client) Ancestors(ctx context.Context, ids []string) (map[string][]string, error) {
	ids = distinct(ids)
	preds := make(map[string][]string) // unit id -> direct predecessors
	frontier := ids
	for depth := 0; len(frontier) > 0; depth++ {
		if depth == maxDepth {
			return nil, fmt.Errorf("lineage deeper than %d units", maxDepth)
		}
		units, err := c.Units(ctx, frontier)
		if err != nil {
			return nil, err
		}
		var next []string
		for _, id := range frontier {
			u, ok := units[id]
			preds[id] = nil
			if !ok {
				continue
			}
			preds[id] = u.Predecessors
			for _, p := range u.Predecessors {
				if _, seen := preds[p]; !seen && !slices.Contains(next, p) {
					next = append(next, p)
				}
			}
		}
		frontier = next
	}
	out := make(map[string][]string, len(ids))
	for _, id := range ids {
		seen := map[string]bool{id: true}
		var all []string
		stack := slices.Clone(preds[id])
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[p] {
				continue
			}
			seen[p] = true
			all = append(all, p)
			stack = append(stack, preds[p]...)
		}
		slices.Sort(all)
		out[id] = all
	}
	return out, nil
}

// slimUnit keeps what lineage.Unit needs, for the cache.
func slimUnit(u *blocsv1.Unit) *blocsv1.Unit {
	return &blocsv1.Unit{
		Name: u.GetName(), DisplayName: u.GetDisplayName(), ShortName: u.GetShortName(),
		Level: u.GetLevel(), Province: u.GetProvince(), State: u.GetState(),
		DissolvedOn: u.GetDissolvedOn(), Current: u.GetCurrent(), Predecessors: u.GetPredecessors(),
	}
}

func fromProto(p *blocsv1.Unit) lineage.Unit {
	u := lineage.Unit{
		ID:          idOf(p.GetName()),
		DisplayName: p.GetDisplayName(),
		ShortName:   p.GetShortName(),
		Level:       lineage.Level(p.GetLevel()),
		Province:    idOf(p.GetProvince()),
		Dissolved:   p.GetState() == blocsv1.UnitState_UNIT_STATE_DISSOLVED,
		Current:     idOf(p.GetCurrent()),
	}
	if d, err := civil.FromProto(p.GetDissolvedOn()); err == nil {
		u.DissolvedOn = d
	}
	if u.Current == "" {
		u.Current = u.ID
	}
	for _, n := range p.GetPredecessors() {
		u.Predecessors = append(u.Predecessors, idOf(n))
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
