// Package server holds the honours service's gRPC handlers: it turns
// requests into domain calls and store transactions, and results and errors
// into API messages and statuses. Request shape is checked by protovalidate
// before a handler runs; business rules live in the domain package; units
// and their lineage come from the blocs service through Units.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tdkt-vn/tdkt/platform/policy"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
)

// Units is what the handlers need of the blocs service: units with their
// level, province and names, and their lineage. blocsclient.Client implements
// it over gRPC, with a cache.
type Units interface {
	// Units returns the units with ids; unknown ids are absent.
	Units(ctx context.Context, ids []string) (map[string]lineage.Unit, error)
	// Fresh is Units as blocs has them now, not as cached.
	Fresh(ctx context.Context, ids []string) (map[string]lineage.Unit, error)
	// Ancestors returns, for each id, the units dissolved into it,
	// transitively.
	Ancestors(ctx context.Context, ids []string) (map[string][]string, error)
	// Revision is the revision of the units' last change the answers
	// reflect; cached answers derived from units are keyed by it.
	Revision() int64
}

// Limits.
const (
	// maxEntries bounds a decision: its issue is one transaction. Nothing
	// else holds all its entries in one message: GetDecision's FULL view
	// is bounded by maxFullViewEntries, ListDecisionEntries pages, the PDF
	// and the workbook are streamed in chunks.
	maxEntries = 50_000
	// maxFullViewEntries and maxFullViewBytes bound the decisions that
	// GetDecision returns with their entries (the proto's promise), well
	// within the 4 MiB clients receive by default.
	maxFullViewEntries = 5000
	maxFullViewBytes   = 3 << 20
	// maxEntryPageBytes bounds a page of ListDecisionEntries, whatever its
	// page_size: a page stops before the entry that would pass it.
	maxEntryPageBytes = 2 << 20
	// fileChunkBytes is the size of the chunks a streamed file is sent in.
	fileChunkBytes = 256 << 10
	// maxExportRows bounds ExportHonours (the proto's promise).
	maxExportRows = 200_000
	// statsTTL bounds how long statistics stay in the cache; every issue
	// and revocation starts a new generation of them, and every change of
	// units a new revision, so it only frees memory.
	statsTTL = 5 * time.Minute
)

// Server implements honoursv1.HonoursServiceServer.
type Server struct {
	honoursv1.UnimplementedHonoursServiceServer
	store     *store.Store
	units     Units
	cache     cache.Cache
	tokens    *pagetoken.Signer
	sealer    *personaldata.Sealer // nil: full citizen ids are not kept
	keys      *recipientkey.Keyring
	catalogue *domain.Catalogue
	salaries  *domain.SalaryTable
	log       *slog.Logger
	// exportLimit is maxExportRows; tests lower it.
	exportLimit int
	policy      *policy.Policy
}

// Options are what New needs.
type Options struct {
	Store  *store.Store
	Units  Units
	Cache  cache.Cache
	Tokens *pagetoken.Signer
	// Sealer encrypts citizen ids for storage. Without one, only their
	// masked form (and the recipient key derived from them) is kept.
	Sealer *personaldata.Sealer
	// Keys make recipient keys, blind indexes under the service's secrets
	// (recipientkey.Keyring). Required.
	Keys *recipientkey.Keyring
	Log  *slog.Logger
	// Policy scopes what lists show and who reads personal data.
	Policy *policy.Policy
}

// New returns the handlers. It fails when the embedded award catalogue or
// base salary table is broken.
func New(o Options) (*Server, error) {
	if o.Keys == nil {
		return nil, errors.New("recipient key secrets are required")
	}
	cat, err := domain.LoadCatalogue()
	if err != nil {
		return nil, fmt.Errorf("award catalogue: %w", err)
	}
	salaries, err := domain.LoadSalaryTable()
	if err != nil {
		return nil, fmt.Errorf("base salary table: %w", err)
	}
	return &Server{
		store: o.Store, units: o.Units, cache: o.Cache, tokens: o.Tokens, sealer: o.Sealer, keys: o.Keys,
		catalogue: cat, salaries: salaries, log: o.Log, exportLimit: maxExportRows, policy: o.Policy,
	}, nil
}

// statsGenerationKey holds the current generation of cached statistics.
const statsGenerationKey = "stats:generation"

// statsGeneration returns the generation statistics are cached under,
// starting a new one when there is none.
func (s *Server) statsGeneration(ctx context.Context) string {
	b, ok, err := s.cache.Get(ctx, statsGenerationKey)
	if err == nil && ok && len(b) > 0 {
		return string(b)
	}
	gen := newID()
	if err == nil {
		_ = s.cache.Set(ctx, statsGenerationKey, []byte(gen), 0) // a failure is logged by the cache
	}
	return gen
}

// registerChanged ends the generation of cached statistics after a commit
// that changed the register: the next read starts a new one, and entries of
// the old one are never read again. Deleting the key rather than writing a
// new value means that a statistic loaded before the commit and stored after
// it lands in the dead generation, and that a failed delete is retried by
// the cache before it serves a read again (platform/cache.Redis).
func (s *Server) registerChanged(ctx context.Context) {
	if err := s.cache.Delete(ctx, statsGenerationKey); err != nil {
		s.log.WarnContext(ctx, "cache invalidation failed", "key", statsGenerationKey, "error", err)
	}
}

// lineageOf returns id and the units dissolved into it, transitively: the
// units whose records count under id now.
func (s *Server) lineageOf(ctx context.Context, id string) ([]string, error) {
	return lineage.WithDissolved(ctx, s.units.Ancestors, id)
}
