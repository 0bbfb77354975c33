// Command devissuer runs the development OpenID Connect issuer alone, for
// a deployment of separate processes without a real issuer (the
// docker-compose stack); devstack runs the same issuer in its process.
//
//	go run ./tools/devissuer [-addr 127.0.0.1:9100] [-url http://issuer:9100] [-clients clients.json]
//
// -url is the issuer URL the services are given (TDKT_OIDC_ISSUER) and the
// iss of its tokens; it defaults to http://ADDR. -clients registers machine
// clients for the client-credentials grant, and web applications (the
// gateway's dashboard) for the authorization-code flow:
//
//	{"clients": [{"id": "he-thong-thai-nguyen", "secret": "…",
//	              "grants": [{"unit": "thai-nguyen", "roles": ["BOARD_OFFICER"]}]}],
//	 "relyingParties": [{"id": "tdkt-dashboard", "secret": "…",
//	              "redirectURIs": ["http://localhost:8080/auth/callback"]}]}
//
// Never run it where a real issuer is wanted: its dev grant gives anyone
// any role (tdktctl token).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/platform/config"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "devissuer:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("devissuer", flag.ContinueOnError)
	var addr, issuerURL, clients string
	config.String(fs, &addr, "addr", "TDKT_ISSUER_ADDR", "127.0.0.1:9100", "host:port to serve the issuer on")
	config.String(fs, &issuerURL, "url", "TDKT_ISSUER_URL", "", "the issuer URL the services are given; empty means http://ADDR")
	config.String(fs, &clients, "clients", "TDKT_ISSUER_CLIENTS", "", "JSON file of machine clients (client-credentials grant) and relying parties (authorization-code flow)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if issuerURL == "" {
		issuerURL = "http://" + addr
	}
	var opts devissuer.Options
	if clients != "" {
		b, err := os.ReadFile(clients)
		if err != nil {
			return err
		}
		var doc struct {
			Clients        []devissuer.Client
			RelyingParties []devissuer.RelyingParty
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return fmt.Errorf("%s: %w", clients, err)
		}
		opts.Clients, opts.RelyingParties = doc.Clients, doc.RelyingParties
	}
	iss, err := devissuer.New(issuerURL, opts)
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (choose another address with -addr)", addr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Handler: iss, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	fmt.Fprintf(os.Stderr, "devissuer: issuer %s serving on %s (%d clients)\n", iss.URL(), lis.Addr(), len(opts.Clients))
	if err := srv.Serve(lis); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
