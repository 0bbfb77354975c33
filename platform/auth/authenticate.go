package auth

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
)

// AuthorizationKey is the metadata key of the bearer token (the HTTP
// Authorization header, as the gateway forwards it).
const AuthorizationKey = "authorization"

// Authenticator finds the caller of an incoming gRPC call: the bearer
// token of its authorization metadata, verified; else the client
// certificate of a mutual TLS connection, mapped by Certificates; else
// Anonymous.
type Authenticator struct {
	Verifier     *Verifier
	Certificates Certificates
}

// Authenticate returns the caller of ctx, an incoming call. Credentials
// that do not verify are a *domainerr.UnauthenticatedError; an issuer that
// cannot be reached is a *domainerr.UnavailableError.
func (a *Authenticator) Authenticate(ctx context.Context) (*Caller, error) {
	raw, present := bearer(ctx)
	if present {
		if raw == "" {
			return nil, &domainerr.UnauthenticatedError{Reason: "the authorization metadata is not \"Bearer <token>\""}
		}
		c, err := a.Verifier.Verify(ctx, raw)
		if te, ok := errors.AsType[*TokenError](err); ok {
			return nil, &domainerr.UnauthenticatedError{Reason: te.Error()}
		}
		if _, ok := errors.AsType[*IssuerError](err); ok {
			return nil, &domainerr.UnavailableError{Service: "OpenID Connect issuer", Cause: err}
		}
		return c, err
	}
	if id, ok := certificateIdentity(ctx); ok {
		c, found := a.Certificates[id]
		if !found {
			return nil, &domainerr.UnauthenticatedError{Reason: "the client certificate is not mapped to a unit; ask an administrator"}
		}
		return c, nil
	}
	return Anonymous, nil
}

// bearer returns the token of the call's authorization metadata, and
// whether the call had one; "" when it is not a bearer token.
func bearer(ctx context.Context) (string, bool) {
	// ValueFromIncomingContext copies one key's values, not the whole
	// metadata: this runs on every call.
	v := metadata.ValueFromIncomingContext(ctx, AuthorizationKey)
	if len(v) == 0 {
		return "", false
	}
	if len(v) > 1 {
		return "", true
	}
	scheme, token, ok := strings.Cut(v[0], " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return "", true
	}
	return strings.TrimSpace(token), true
}

// certificateIdentity returns the identity of the verified client
// certificate of a TLS connection: its first URI SAN, else its subject's
// common name.
func certificateIdentity(ctx context.Context) (string, bool) {
	p, ok := peer.FromContext(ctx)
	if !ok {
		return "", false
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok || len(info.State.VerifiedChains) == 0 || len(info.State.VerifiedChains[0]) == 0 {
		return "", false
	}
	return Identity(info.State.VerifiedChains[0][0]), true
}

// Identity is how a client certificate is named in Certificates: its first
// URI SAN ("spiffe://tinh-thai-nguyen/tdkt"), else "CN=" + its common name.
func Identity(cert *x509.Certificate) string {
	if len(cert.URIs) > 0 {
		return cert.URIs[0].String()
	}
	return "CN=" + cert.Subject.CommonName
}

// Certificates maps the identities of client certificates (Identity) to
// the callers they stand for: the data an administrator keeps for the
// provincial systems that call with mutual TLS.
type Certificates map[string]*Caller

// LoadCertificates reads Certificates from a JSON file:
//
//	{"clients": [{"identity": "CN=he-thong-thai-nguyen",
//	              "grants": [{"unit": "thai-nguyen", "roles": ["BOARD_OFFICER"]}]}]}
func LoadCertificates(path string) (Certificates, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("client certificates: %w", err)
	}
	var doc struct {
		Clients []struct {
			Identity string       `json:"identity"`
			Grants   []claimGrant `json:"grants"`
		} `json:"clients"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("client certificates %s: %w", path, err)
	}
	out := Certificates{}
	for i, cl := range doc.Clients {
		if cl.Identity == "" {
			return nil, fmt.Errorf("client certificates %s: clients[%d]: identity is empty", path, i)
		}
		c, err := claims{Subject: cl.Identity, Grants: cl.Grants}.caller()
		if err != nil {
			return nil, fmt.Errorf("client certificates %s: clients[%d]: %w", path, i, err)
		}
		c.Method = MethodMTLS
		out[cl.Identity] = c
	}
	return out, nil
}

// ForwardUnary and ForwardStream carry the authorization of the incoming
// call to the calls a service makes on its behalf, so that every service
// down the chain decides with the end user's identity. Calls a service
// makes for itself (outside any incoming call) carry none.
func ForwardUnary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	return invoker(forward(ctx), method, req, reply, cc, opts...)
}

// ForwardStream: see ForwardUnary.
func ForwardStream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	return streamer(forward(ctx), desc, cc, method, opts...)
}

func forward(ctx context.Context) context.Context {
	v := metadata.ValueFromIncomingContext(ctx, AuthorizationKey)
	if len(v) != 1 {
		return ctx
	}
	if out, ok := metadata.FromOutgoingContext(ctx); ok && len(out.Get(AuthorizationKey)) > 0 {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, AuthorizationKey, v[0])
}
