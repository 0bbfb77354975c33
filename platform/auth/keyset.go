package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/time/rate"
)

// keySet is the issuer's published keys (its JWKS), for go-oidc's
// verifier. Keys are fetched again only when a token names a key id not
// seen yet (the issuer rotated its keys), and then at most a few times in
// a row and once every refetchEvery after: a flood of forged tokens,
// naming unknown key ids or bearing bad signatures, costs the issuer no
// more than that. A key verifies only tokens of the algorithm it declares.
type keySet struct {
	url    string
	algs   []jose.SignatureAlgorithm
	client *http.Client

	mu      sync.Mutex
	keys    []jose.JSONWebKey
	refetch *rate.Limiter
}

// refetchEvery and refetchBurst bound the fetches of the key set.
const (
	refetchEvery = 10 * time.Second
	refetchBurst = 3
)

func newKeySet(url string, algs []string) *keySet {
	ks := &keySet{
		url:     url,
		client:  &http.Client{Timeout: 5 * time.Second},
		refetch: rate.NewLimiter(rate.Every(refetchEvery), refetchBurst),
	}
	for _, a := range algs {
		ks.algs = append(ks.algs, jose.SignatureAlgorithm(a))
	}
	return ks
}

var errUnknownKey = errors.New("signed by a key the issuer does not publish")

// VerifySignature returns the payload of the compact JWS raw when one of
// the issuer's keys, of the token's algorithm, verifies it.
func (ks *keySet) VerifySignature(ctx context.Context, raw string) ([]byte, error) {
	jws, err := jose.ParseSigned(raw, ks.algs)
	if err != nil {
		return nil, err
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("not signed exactly once")
	}
	h := jws.Signatures[0].Header
	keys, err := ks.keysFor(ctx, h.KeyID)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.Algorithm != "" && k.Algorithm != h.Algorithm {
			continue
		}
		if payload, err := jws.Verify(k); err == nil {
			return payload, nil
		}
	}
	return nil, errors.New("signature does not verify")
}

// keysFor returns the keys with id kid (every key, when kid is ""),
// fetching the set again when none has it and a fetch is allowed.
func (ks *keySet) keysFor(ctx context.Context, kid string) ([]jose.JSONWebKey, error) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if found := match(ks.keys, kid); len(found) > 0 {
		return found, nil
	}
	if ks.keys != nil && !ks.refetch.Allow() {
		return nil, errUnknownKey
	}
	keys, err := ks.fetch(ctx)
	if err != nil {
		return nil, err
	}
	ks.keys = keys
	if found := match(keys, kid); len(found) > 0 {
		return found, nil
	}
	return nil, errUnknownKey
}

func match(keys []jose.JSONWebKey, kid string) []jose.JSONWebKey {
	var out []jose.JSONWebKey
	for _, k := range keys {
		if kid == "" || k.KeyID == kid {
			out = append(out, k)
		}
	}
	return out
}

// fetch reads the key set: public signing keys only.
func (ks *keySet) fetch(ctx context.Context) ([]jose.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ks.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := ks.client.Do(req)
	if err != nil {
		return nil, &IssuerError{}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &IssuerError{}
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&set); err != nil {
		return nil, fmt.Errorf("the issuer's key set: %w", err)
	}
	var keys []jose.JSONWebKey
	for _, k := range set.Keys {
		if k.Valid() && k.IsPublic() && k.Use != "enc" {
			keys = append(keys, k)
		}
	}
	return keys, nil
}
