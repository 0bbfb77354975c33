// Package server holds the blocs service's gRPC handlers: it turns requests
// into domain calls and store transactions, and results and errors into
// API messages and statuses. Request shape is checked by protovalidate
// before a handler runs; business rules live in the domain package.
package server

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"time"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/store"
)

// Cache lifetimes. Entries are also deleted after every commit that
// changes what they hold; the TTL bounds what a missed invalidation (a unit
// renamed after a ranking was cached) can show.
const (
	unitTTL    = 10 * time.Minute
	rankingTTL = 10 * time.Minute
)

// Server implements blocsv1.BlocsServiceServer.
type Server struct {
	blocsv1.UnimplementedBlocsServiceServer
	store  *store.Store
	cache  cache.Cache
	tokens *pagetoken.Signer
	log    *slog.Logger
}

// New returns the handlers.
func New(st *store.Store, c cache.Cache, tokens *pagetoken.Signer, log *slog.Logger) *Server {
	return &Server{store: st, cache: c, tokens: tokens, log: log}
}

// callerKey is the metadata key that names the caller until authentication
// is in place; it is recorded in the audit log.
const callerKey = "x-tdkt-caller"

func caller(ctx context.Context) string {
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get(callerKey); len(v) > 0 && v[0] != "" && len(v[0]) <= 200 {
			return v[0]
		}
	}
	return "anonymous"
}

// mutate runs fn as one store transaction made safe to retry by the
// request's request_id, and decodes the response into resp. On a retry
// with the same request_id, fn does not run and resp is the first answer.
func (s *Server) mutate(ctx context.Context, method string, req proto.Message, resp proto.Message,
	fn func(tx *store.Tx) (proto.Message, error),
) error {
	requestID, fp, err := fingerprint(req)
	if err != nil {
		return s.status(ctx, err)
	}
	op := store.Op{Method: method, RequestID: requestID, Fingerprint: fp, Caller: caller(ctx)}
	out, err := s.store.Do(ctx, op, func(tx *store.Tx) (string, []byte, error) {
		m, err := fn(tx)
		if err != nil {
			return "", nil, err
		}
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
		return resourceName(m), b, err
	})
	if err != nil {
		return s.status(ctx, err)
	}
	if err := proto.Unmarshal(out, resp); err != nil {
		return s.status(ctx, err)
	}
	return nil
}

// fingerprint returns the request's request_id and a hash of the request
// without it, so that reusing the id for another request is detected.
func fingerprint(req proto.Message) (string, []byte, error) {
	m := proto.Clone(req).ProtoReflect()
	var requestID string
	if fd := m.Descriptor().Fields().ByName("request_id"); fd != nil {
		requestID = m.Get(fd).String()
		m.Clear(fd)
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m.Interface())
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(append([]byte(m.Descriptor().FullName()+"\x00"), b...))
	return requestID, sum[:], nil
}

// resourceName returns the name field of a resource message, for the audit
// log.
func resourceName(m proto.Message) string {
	r := m.ProtoReflect()
	if fd := r.Descriptor().Fields().ByName("name"); fd != nil && fd.Kind() == protoreflect.StringKind {
		return r.Get(fd).String()
	}
	return ""
}

// pageSize reads page_size (0: the default; more than the maximum:
// clamped).
func pageSize(n int32) (int, error) {
	size, err := pagetoken.Size(n)
	if err != nil {
		return 0, badField("pageSize", "must not be negative")
	}
	return size, nil
}

// decodePage reads a page token issued for the same list request (scope)
// into cursor; "" is the first page and leaves cursor nil.
func decodePage[C any](s *Server, token, scope string) (*C, error) {
	if token == "" {
		return nil, nil
	}
	var c C
	if err := s.tokens.Decode(token, scope, &c); err != nil {
		return nil, badField("pageToken", "is not a token this list issued for these filters")
	}
	return &c, nil
}

// encodePage returns the token of the page after cursor ("" when there is
// none).
func encodePage[C any](s *Server, cursor *C, scope string) (string, error) {
	if cursor == nil {
		return "", nil
	}
	return s.tokens.Encode(scope, cursor)
}

// invalidate deletes cache entries after a commit. The cache fails open: an
// error is logged, and the TTL bounds the staleness.
func (s *Server) invalidate(ctx context.Context, keys ...string) {
	if len(keys) == 0 {
		return
	}
	if err := s.cache.Delete(ctx, keys...); err != nil {
		s.log.WarnContext(ctx, "cache invalidation failed", "keys", keys, "error", err)
	}
}
