// Package stack runs the whole of tdkt in one process: every service on its
// own loopback gRPC listener with its own telemetry and SQLite database, and
// the gateway dialling them over real gRPC exactly as in production. Unless
// the components are given an OpenID Connect issuer of their own, a dev
// issuer (platform/auth/devissuer) runs first, on a listener of its own,
// and every component believes it.
//
// Components start in order and stop in reverse; the first one to fail
// stops them all. tools/devstack is the command; stacktest starts a stack
// for a test.
package stack

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/gateway"
	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/platform/command"
	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	"github.com/tdkt-vn/tdkt/services/blocs"
	"github.com/tdkt-vn/tdkt/services/honours"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
	"github.com/tdkt-vn/tdkt/services/movements"
	"github.com/tdkt-vn/tdkt/services/nominations"
)

// Default addresses, those of the services run alone, and that of the dev
// issuer.
const (
	DefaultHTTPAddr        = "127.0.0.1:8080"
	DefaultBlocsGRPCAddr   = "127.0.0.1:9101"
	DefaultHonoursGRPCAddr = "127.0.0.1:9104"
	// DefaultMovementsGRPCAddr is where the movements service listens.
	DefaultMovementsGRPCAddr = "127.0.0.1:9102"
	// DefaultNominationsGRPCAddr is where the nominations service listens.
	DefaultNominationsGRPCAddr = "127.0.0.1:9103"
	DefaultIssuerAddr          = "127.0.0.1:9100"
)

// Options configure Start.
type Options struct {
	// DataDir holds the SQLite databases (DataDir/blocs.db,
	// DataDir/honours.db); it is created when missing. Required.
	DataDir string
	// HTTPAddr is where the gateway listens; "127.0.0.1:0" picks a free
	// port. Default DefaultHTTPAddr.
	HTTPAddr string
	// BlocsGRPCAddr is where the blocs service listens. Default
	// DefaultBlocsGRPCAddr.
	BlocsGRPCAddr string
	// HonoursGRPCAddr is where the honours service listens. Default
	// DefaultHonoursGRPCAddr.
	HonoursGRPCAddr string
	// MovementsGRPCAddr is where the movements service listens. Default
	// DefaultMovementsGRPCAddr.
	MovementsGRPCAddr string
	// NominationsGRPCAddr is where the nominations service listens.
	// Default DefaultNominationsGRPCAddr.
	NominationsGRPCAddr string
	// RedisAddr is the host:port of a Redis the services cache in, unless
	// a service's own Cache.RedisAddr names another; empty means each
	// service's in-process cache.
	RedisAddr string
	// Blocs configures the blocs service. What is empty is filled in:
	// DatabaseURL with sqlite:DataDir/blocs.db, Cache.RedisAddr with
	// RedisAddr.
	Blocs blocs.Config
	// Honours configures the honours service. What is empty is filled in:
	// DatabaseURL with sqlite:DataDir/honours.db, Cache.RedisAddr with
	// RedisAddr, BlocsAddr with the address the stack's blocs service
	// listens on, RecipientKeySecret with the one kept in
	// DataDir/honours-recipient-key-secret (made on the first start).
	Honours honours.Config
	// Movements configures the movements service. What is empty is filled
	// in: DatabaseURL with sqlite:DataDir/movements.db, Cache.RedisAddr with
	// RedisAddr, BlocsAddr and HonoursAddr with the addresses the stack's
	// blocs and honours services listen on.
	Movements movements.Config
	// Nominations configures the nominations service. What is empty is
	// filled in: DatabaseURL with sqlite:DataDir/nominations.db,
	// Cache.RedisAddr with RedisAddr, BlocsAddr and HonoursAddr with the
	// addresses the stack's blocs and honours services listen on,
	// PersonalData with honours' (the two must share it), and, with the
	// dev issuer, a client of its own for the client-credentials grant.
	Nominations nominations.Config
	// Gateway configures the gateway. What is empty is filled in: the
	// services' addresses with those the stack's services listen on, a
	// zero MaxBodyBytes with gateway.DefaultMaxBodyBytes.
	Gateway gateway.Config
	// SpanProcessor, when set, also receives every component's spans, for
	// tests (tracetest.SpanRecorder); its Shutdown is called once per
	// component.
	SpanProcessor sdktrace.SpanProcessor
	// LogOutput receives every component's logs. Default os.Stderr.
	LogOutput io.Writer
	// LogFormat is the format of the logs, "text" or "json". Default
	// "text".
	LogFormat string
	// LogLevel is the minimum level logged.
	LogLevel slog.Level
	// HTTPTimeouts bound the requests and idle connections of the REST
	// edge. Default command.DefaultHTTPTimeouts, as cmd/gateway.
	HTTPTimeouts command.HTTPTimeouts
	// IssuerAddr is where the dev OpenID Connect issuer listens. It runs
	// only when a component has no issuer of its own (Auth.Issuer, set by
	// TDKT_OIDC_ISSUER or the component's -oidc-issuer); those without one
	// believe it. Default DefaultIssuerAddr.
	IssuerAddr string
	// DevIssuer configures the dev issuer: its clients for the
	// client-credentials grant, its key's algorithm, its tokens' lifetime.
	DevIssuer devissuer.Options
}

// Endpoint is a service's name and the address it listens on.
type Endpoint struct {
	Name string // "blocs"
	Addr string // "127.0.0.1:9101"
}

// Stack is a running system.
type Stack struct {
	// HTTPAddr is the gateway's address.
	HTTPAddr string
	// Services are the gRPC services in start order, with their addresses.
	Services []Endpoint
	// Registry holds every component's metrics, labelled service=<name>;
	// the gateway serves it at /metrics.
	Registry *prometheus.Registry
	// Issuer is the dev issuer, which mints tokens for any caller (Token,
	// and its /token endpoint); nil when every component was given an
	// issuer of its own.
	Issuer *devissuer.Issuer

	opts     Options
	cancel   context.CancelFunc
	group    *errgroup.Group
	mu       sync.Mutex
	run      []*running // started components, in start order
	stopping bool       // stopAll has begun: start nothing more
	once     sync.Once
	err      error
}

// GRPCAddr returns the address of the named service, or "" when it is not
// running.
func (s *Stack) GRPCAddr(name string) string {
	for _, e := range s.Services {
		if e.Name == name {
			return e.Addr
		}
	}
	return ""
}

// IssuerURL is the OpenID Connect issuer the services believe: the dev
// issuer's URL when it runs, else the one the blocs service was given.
func (s *Stack) IssuerURL() string {
	if s.Issuer != nil {
		return s.Issuer.URL()
	}
	return s.opts.Blocs.Auth.Issuer
}

// component is a part of the stack. start builds it and binds its
// listener; the returned running serves until its context is done. A
// component that has nothing to run returns a nil running.
type component struct {
	name  string
	start func(ctx context.Context, s *Stack) (*running, error)
}

// running is a started component.
type running struct {
	name string
	// serve blocks until ctx is done or the component fails.
	serve func(ctx context.Context) error
	// close releases what start acquired, after serve returned.
	close func() error
	// log is the component's logger.
	log *slog.Logger

	cancel context.CancelFunc
	done   chan struct{}
}

// components is every part of the system in start order: the dev issuer,
// which every other one believes, the services, each after those it calls
// (honours calls blocs), then the gateway that dials them. Starting a
// subset would filter this list by name.
func components() []component {
	return []component{
		{"issuer", startIssuer},
		{"blocs", startBlocs},
		{"honours", startHonours},
		{"movements", startMovements},
		{"nominations", startNominations},
		{"gateway", startGateway},
	}
}

// Start starts every component. The stack runs until ctx is done, Stop is
// called or a component fails; Wait says why it ended.
func Start(ctx context.Context, o Options) (*Stack, error) {
	if o.DataDir == "" {
		return nil, errors.New("devstack: a data directory is required")
	}
	if err := os.MkdirAll(o.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("devstack: create data directory: %w", err)
	}
	o = o.withDefaults()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	ctx, cancel := context.WithCancel(ctx)
	g, gctx := errgroup.WithContext(ctx)
	s := &Stack{Registry: reg, opts: o, cancel: cancel, group: g}

	// Stop everything, in reverse order, once anything fails or the stack
	// is stopped.
	g.Go(func() error {
		<-gctx.Done()
		return s.stopAll()
	})
	for _, c := range components() {
		r, err := c.start(gctx, s)
		if err != nil {
			cancel()
			return nil, errors.Join(fmt.Errorf("devstack: start %s: %w", c.name, err), s.Wait())
		}
		if r == nil {
			continue
		}
		r.name = c.name
		var rctx context.Context
		rctx, r.cancel = context.WithCancel(context.WithoutCancel(gctx))
		r.done = make(chan struct{})
		s.mu.Lock()
		if s.stopping { // an earlier component failed meanwhile
			s.mu.Unlock()
			cancel()
			return nil, errors.Join(fmt.Errorf("devstack: stopped while starting %s", c.name), r.close(), s.Wait())
		}
		s.run = append(s.run, r)
		s.mu.Unlock()
		g.Go(func() error {
			defer close(r.done)
			err := r.serve(rctx)
			if err == nil && rctx.Err() == nil {
				err = errors.New("stopped unexpectedly")
			}
			if err != nil {
				return fmt.Errorf("devstack: %s: %w", r.name, err)
			}
			return nil
		})
	}
	return s, nil
}

// stopAll stops the started components, last first: each one's serve ends
// before the next is stopped, and its resources are released.
func (s *Stack) stopAll() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopping = true
	var errs []error
	for i := len(s.run) - 1; i >= 0; i-- {
		r := s.run[i]
		r.cancel()
		<-r.done
		r.log.Info("stopped")
		if err := r.close(); err != nil {
			errs = append(errs, fmt.Errorf("devstack: close %s: %w", r.name, err))
		}
	}
	s.run = nil
	return errors.Join(errs...)
}

// Wait blocks until the stack has stopped and returns the first failure,
// if any, with errors met while closing.
func (s *Stack) Wait() error {
	s.once.Do(func() { s.err = s.group.Wait() })
	return s.err
}

// Stop stops the stack and waits for it.
func (s *Stack) Stop() error {
	s.cancel()
	return s.Wait()
}

// telemetry sets up the telemetry of one component: its own providers and
// logger, its metrics in the shared registry under service=name.
func (s *Stack) telemetry(ctx context.Context, name string) (*telemetry.Telemetry, error) {
	tel, err := telemetry.Setup(ctx, telemetry.Config{
		ServiceName: "tdkt-" + name,
		Registerer:  prometheus.WrapRegistererWith(prometheus.Labels{"service": name}, s.Registry),
		LogFormat:   cmp.Or(s.opts.LogFormat, "text"),
		LogLevel:    s.opts.LogLevel,
		LogOutput:   s.opts.LogOutput,
	})
	if err != nil || s.opts.SpanProcessor == nil {
		return tel, err
	}
	tp, ok := tel.TracerProvider.(*sdktrace.TracerProvider)
	if !ok {
		return nil, errors.Join(fmt.Errorf("cannot add a span processor to a %T", tel.TracerProvider), shutdownTelemetry(tel))
	}
	tp.RegisterSpanProcessor(s.opts.SpanProcessor)
	return tel, nil
}

// shutdownTelemetry flushes a component's telemetry.
func shutdownTelemetry(tel *telemetry.Telemetry) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return tel.Shutdown(ctx)
}

// service is what the stack needs of a service: the seam every
// services/<name> package exports.
type service interface {
	Register(*grpc.Server)
	Guard() grpcserver.Guard
	Close() error
}

// withDefaults fills the empty settings Start chooses before it binds
// anything: see the fields of Options. The services' peer addresses are
// left to the start functions, which know the bound addresses.
func (o Options) withDefaults() Options {
	o.HTTPAddr = cmp.Or(o.HTTPAddr, DefaultHTTPAddr)
	o.BlocsGRPCAddr = cmp.Or(o.BlocsGRPCAddr, DefaultBlocsGRPCAddr)
	o.HonoursGRPCAddr = cmp.Or(o.HonoursGRPCAddr, DefaultHonoursGRPCAddr)
	o.Blocs.DatabaseURL = cmp.Or(o.Blocs.DatabaseURL, "sqlite:"+filepath.Join(o.DataDir, "blocs.db"))
	o.Blocs.Cache.RedisAddr = cmp.Or(o.Blocs.Cache.RedisAddr, o.RedisAddr)
	o.Honours.DatabaseURL = cmp.Or(o.Honours.DatabaseURL, "sqlite:"+filepath.Join(o.DataDir, "honours.db"))
	o.Honours.Cache.RedisAddr = cmp.Or(o.Honours.Cache.RedisAddr, o.RedisAddr)
	o.MovementsGRPCAddr = cmp.Or(o.MovementsGRPCAddr, DefaultMovementsGRPCAddr)
	o.Movements.DatabaseURL = cmp.Or(o.Movements.DatabaseURL, "sqlite:"+filepath.Join(o.DataDir, "movements.db"))
	o.Movements.Cache.RedisAddr = cmp.Or(o.Movements.Cache.RedisAddr, o.RedisAddr)
	o.NominationsGRPCAddr = cmp.Or(o.NominationsGRPCAddr, DefaultNominationsGRPCAddr)
	o.Nominations.DatabaseURL = cmp.Or(o.Nominations.DatabaseURL, "sqlite:"+filepath.Join(o.DataDir, "nominations.db"))
	o.Nominations.Cache.RedisAddr = cmp.Or(o.Nominations.Cache.RedisAddr, o.RedisAddr)
	o.Gateway.MaxBodyBytes = cmp.Or(o.Gateway.MaxBodyBytes, gateway.DefaultMaxBodyBytes)
	o.IssuerAddr = cmp.Or(o.IssuerAddr, DefaultIssuerAddr)
	if o.LogOutput == nil {
		o.LogOutput = os.Stderr
	}
	return o
}

// WithDefaults returns o with every empty setting filled in as Start fills
// it, to show the configuration a stack would run with. The services' peer
// addresses become the listen addresses: Start uses the addresses it
// bound, which differ only when a listen address asks for port 0.
func (o Options) WithDefaults() Options {
	o = o.withDefaults()
	o.Honours.BlocsAddr = cmp.Or(o.Honours.BlocsAddr, o.BlocsGRPCAddr)
	o.Gateway.BlocsAddr = cmp.Or(o.Gateway.BlocsAddr, o.BlocsGRPCAddr)
	o.Gateway.HonoursAddr = cmp.Or(o.Gateway.HonoursAddr, o.HonoursGRPCAddr)
	o.Movements.BlocsAddr = cmp.Or(o.Movements.BlocsAddr, o.BlocsGRPCAddr)
	o.Movements.HonoursAddr = cmp.Or(o.Movements.HonoursAddr, o.HonoursGRPCAddr)
	o.Gateway.MovementsAddr = cmp.Or(o.Gateway.MovementsAddr, o.MovementsGRPCAddr)
	o.Nominations.BlocsAddr = cmp.Or(o.Nominations.BlocsAddr, o.BlocsGRPCAddr)
	o.Nominations.HonoursAddr = cmp.Or(o.Nominations.HonoursAddr, o.HonoursGRPCAddr)
	o.Gateway.NominationsAddr = cmp.Or(o.Gateway.NominationsAddr, o.NominationsGRPCAddr)
	if o.needsDevIssuer() {
		dev := "http://" + o.IssuerAddr
		o.Blocs.Auth.Issuer = cmp.Or(o.Blocs.Auth.Issuer, dev)
		o.Honours.Auth.Issuer = cmp.Or(o.Honours.Auth.Issuer, dev)
		o.Movements.Auth.Issuer = cmp.Or(o.Movements.Auth.Issuer, dev)
		o.Nominations.Auth.Issuer = cmp.Or(o.Nominations.Auth.Issuer, dev)
		o.Gateway.Auth.Issuer = cmp.Or(o.Gateway.Auth.Issuer, dev)
	}
	return o
}

// needsDevIssuer reports whether a component has no issuer of its own.
func (o Options) needsDevIssuer() bool {
	return o.Blocs.Auth.Issuer == "" || o.Honours.Auth.Issuer == "" || o.Movements.Auth.Issuer == "" ||
		o.Nominations.Auth.Issuer == "" || o.Gateway.Auth.Issuer == ""
}

// issuerFor returns the issuer a component believes: its own, else the
// dev issuer's.
func (s *Stack) issuerFor(own string) string {
	if own != "" || s.Issuer == nil {
		return own
	}
	return s.Issuer.URL()
}

// startIssuer starts the dev issuer on its listener, unless every
// component has an issuer of its own.
func startIssuer(ctx context.Context, s *Stack) (*running, error) {
	if !s.opts.needsDevIssuer() {
		return nil, nil
	}
	const name = "issuer"
	tel, err := s.telemetry(ctx, name)
	if err != nil {
		return nil, err
	}
	lis, err := net.Listen("tcp", s.opts.IssuerAddr)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("listen on %s: %w (is another devstack running? choose another address with --issuer)", s.opts.IssuerAddr, err), shutdownTelemetry(tel))
	}
	iss, err := devissuer.New("http://"+lis.Addr().String(), s.opts.DevIssuer)
	if err != nil {
		return nil, errors.Join(err, lis.Close(), shutdownTelemetry(tel))
	}
	s.Issuer = iss
	return &running{
		log: tel.Logger,
		serve: func(ctx context.Context) error {
			tel.Logger.InfoContext(ctx, "serving the dev OpenID Connect issuer", "addr", lis.Addr().String(), "url", iss.URL())
			return command.ServeHTTP(ctx, tel.Logger, lis, iss, 5*time.Second)
		},
		close: func() error { return shutdownTelemetry(tel) },
	}, nil
}

// startBlocs starts the blocs service on its gRPC listener.
func startBlocs(ctx context.Context, s *Stack) (*running, error) {
	cfg := s.opts.Blocs
	cfg.Auth.Issuer = s.issuerFor(cfg.Auth.Issuer)
	tlsConfig, err := cfg.ServerTLS()
	if err != nil {
		return nil, err
	}
	return s.startService(ctx, "blocs", s.opts.BlocsGRPCAddr, "--blocs-grpc", cfg.DatabaseURL, tlsConfig,
		func(tel *telemetry.Telemetry) (service, error) {
			return blocs.New(ctx, cfg, tel)
		})
}

// startHonours starts the honours service on its gRPC listener. It calls
// blocs, started before it, for units and their lineage, unless its
// configuration names another blocs.
func startHonours(ctx context.Context, s *Stack) (*running, error) {
	cfg := s.opts.Honours
	cfg.Auth.Issuer = s.issuerFor(cfg.Auth.Issuer)
	cfg.BlocsAddr = cmp.Or(cfg.BlocsAddr, s.GRPCAddr("blocs"))
	if cfg.PersonalData.RecipientKeySecret == "" {
		secret, err := recipientKeySecret(s.opts.DataDir)
		if err != nil {
			return nil, err
		}
		cfg.PersonalData.RecipientKeySecret = secret
	}
	tlsConfig, err := cfg.ServerTLS()
	if err != nil {
		return nil, err
	}
	return s.startService(ctx, "honours", s.opts.HonoursGRPCAddr, "--honours-grpc", cfg.DatabaseURL, tlsConfig,
		func(tel *telemetry.Telemetry) (service, error) {
			return honours.New(ctx, cfg, tel)
		})
}

// startMovements starts the movements service on its gRPC listener. It
// follows the units of blocs and asks honours, both started before it,
// unless its configuration names others.
func startMovements(ctx context.Context, s *Stack) (*running, error) {
	cfg := s.opts.Movements
	cfg.Auth.Issuer = s.issuerFor(cfg.Auth.Issuer)
	cfg.BlocsAddr = cmp.Or(cfg.BlocsAddr, s.GRPCAddr("blocs"))
	cfg.HonoursAddr = cmp.Or(cfg.HonoursAddr, s.GRPCAddr("honours"))
	tlsConfig, err := cfg.ServerTLS()
	if err != nil {
		return nil, err
	}
	return s.startService(ctx, "movements", s.opts.MovementsGRPCAddr, "--movements-grpc", cfg.DatabaseURL, tlsConfig,
		func(tel *telemetry.Telemetry) (service, error) {
			return movements.New(ctx, cfg, tel)
		})
}

// startNominations starts the nominations service on its gRPC listener.
// It follows the units of blocs and calls honours, both started before
// it, unless its configuration names others; it shares honours' personal
// data keys. With the dev issuer, it gets a client of its own, to finish
// a conferral after a restart.
func startNominations(ctx context.Context, s *Stack) (*running, error) {
	cfg := s.opts.Nominations
	cfg.Auth.Issuer = s.issuerFor(cfg.Auth.Issuer)
	cfg.BlocsAddr = cmp.Or(cfg.BlocsAddr, s.GRPCAddr("blocs"))
	cfg.HonoursAddr = cmp.Or(cfg.HonoursAddr, s.GRPCAddr("honours"))
	if cfg.PersonalData == (personaldata.Config{}) {
		cfg.PersonalData = s.opts.Honours.PersonalData
	}
	if cfg.PersonalData.RecipientKeySecret == "" {
		secret, err := recipientKeySecret(s.opts.DataDir)
		if err != nil {
			return nil, err
		}
		cfg.PersonalData.RecipientKeySecret = secret
	}
	if cfg.ClientID == "" && s.Issuer != nil && cfg.Auth.Issuer == s.Issuer.URL() {
		cfg.ClientID, cfg.ClientSecret = "tdkt-nominations", rand.Text()
		if err := s.Issuer.AddClient(devissuer.Client{ID: cfg.ClientID, Secret: cfg.ClientSecret,
			Grants: []auth.Grant{{Unit: devissuer.CentralUnit, Roles: []auth.Role{auth.CentralAdmin}}}}); err != nil {
			return nil, err
		}
	}
	tlsConfig, err := cfg.ServerTLS()
	if err != nil {
		return nil, err
	}
	return s.startService(ctx, "nominations", s.opts.NominationsGRPCAddr, "--nominations-grpc", cfg.DatabaseURL, tlsConfig,
		func(tel *telemetry.Telemetry) (service, error) {
			return nominations.New(ctx, cfg, tel)
		})
}

// startService builds the service name with its own telemetry, and binds
// its gRPC listener on addr, serving TLS when tlsConfig is not nil;
// flagName is the devstack flag that chooses another address, dbURL the
// database the service uses, for the log.
func (s *Stack) startService(ctx context.Context, name, addr, flagName, dbURL string, tlsConfig *tls.Config,
	build func(tel *telemetry.Telemetry) (service, error),
) (*running, error) {
	tel, err := s.telemetry(ctx, name)
	if err != nil {
		return nil, err
	}
	svc, err := build(tel)
	if err != nil {
		return nil, errors.Join(err, shutdownTelemetry(tel))
	}
	release := func() error { return errors.Join(svc.Close(), shutdownTelemetry(tel)) }
	srv, err := grpcserver.New(grpcserver.Options{Telemetry: tel, Guard: svc.Guard(), TLS: tlsConfig})
	if err != nil {
		return nil, errors.Join(err, release())
	}
	svc.Register(srv.GRPC)
	if h, ok := svc.(command.HealthReporter); ok {
		h.RegisterHealth(srv.Health)
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("listen on %s: %w (is %s already running? choose another address with %s)", addr, err, name, flagName), release())
	}
	s.Services = append(s.Services, Endpoint{Name: name, Addr: lis.Addr().String()})
	return &running{
		log: tel.Logger,
		serve: func(ctx context.Context) error {
			tel.Logger.InfoContext(ctx, "serving gRPC", "addr", lis.Addr().String(), "database", config.Redact("database-url", dbURL))
			return srv.Serve(ctx, lis)
		},
		close: release,
	}, nil
}

// startGateway starts the REST edge, dialling the services started before
// it.
func startGateway(ctx context.Context, s *Stack) (*running, error) {
	const name = "gateway"
	tel, err := s.telemetry(ctx, name)
	if err != nil {
		return nil, err
	}
	cfg := s.opts.Gateway
	cfg.Auth.Issuer = s.issuerFor(cfg.Auth.Issuer)
	cfg.BlocsAddr = cmp.Or(cfg.BlocsAddr, s.GRPCAddr("blocs"))
	cfg.HonoursAddr = cmp.Or(cfg.HonoursAddr, s.GRPCAddr("honours"))
	cfg.MovementsAddr = cmp.Or(cfg.MovementsAddr, s.GRPCAddr("movements"))
	cfg.NominationsAddr = cmp.Or(cfg.NominationsAddr, s.GRPCAddr("nominations"))
	tlsConfig, err := cfg.TLS()
	if err != nil {
		return nil, errors.Join(err, shutdownTelemetry(tel))
	}
	lis, err := net.Listen("tcp", s.opts.HTTPAddr)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("listen on %s: %w (is something else serving there? choose another address with --http)", s.opts.HTTPAddr, err), shutdownTelemetry(tel))
	}
	s.HTTPAddr = lis.Addr().String()
	if err := s.signInDashboard(&cfg, tlsConfig != nil); err != nil {
		return nil, errors.Join(err, lis.Close(), shutdownTelemetry(tel))
	}
	gw, err := gateway.New(ctx, cfg, tel)
	if err != nil {
		return nil, errors.Join(err, lis.Close(), shutdownTelemetry(tel))
	}
	release := func() error { return errors.Join(gw.Close(), shutdownTelemetry(tel)) }
	if tlsConfig != nil { // HTTPS, as cmd/gateway serves it when given a certificate
		lis = tls.NewListener(lis, tlsConfig)
	}
	metrics := telemetry.MetricsHandler(s.Registry)
	api := gw.Handler()
	// The shared registry is served beside the gateway's routes; a plain
	// switch rather than http.ServeMux keeps the request's Pattern free for
	// the gateway's route names. The server is cmd/gateway's, with its
	// timeouts.
	srv := command.NewHTTPServer(tel.Logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" && r.Method == http.MethodGet {
			metrics.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	}), s.opts.HTTPTimeouts)
	return &running{
		log: tel.Logger,
		serve: func(ctx context.Context) error {
			tel.Logger.InfoContext(ctx, "serving HTTP", "addr", lis.Addr().String())
			served := make(chan error, 1)
			go func() { served <- srv.Serve(lis) }()
			select {
			case err := <-served:
				return err
			case <-ctx.Done():
			}
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return srv.Shutdown(sctx)
		},
		close: release,
	}, nil
}

// DashboardClientID is the dashboard's client id at the dev issuer.
const DashboardClientID = "tdkt-dashboard"

// signInDashboard registers the gateway's dashboard at the dev issuer, as
// a relying party sent back to this gateway's address, unless the
// dashboard was given a client of its own.
func (s *Stack) signInDashboard(cfg *gateway.Config, https bool) error {
	if s.Issuer == nil || cfg.Dashboard.ClientID != "" {
		return nil
	}
	scheme := "http://"
	if https {
		scheme = "https://"
	}
	cfg.Dashboard.PublicURL = cmp.Or(cfg.Dashboard.PublicURL, scheme+s.HTTPAddr)
	cfg.Dashboard.ClientID, cfg.Dashboard.ClientSecret = DashboardClientID, "dev-secret-"+DashboardClientID
	return s.Issuer.AddRelyingParty(devissuer.RelyingParty{ID: cfg.Dashboard.ClientID, Secret: cfg.Dashboard.ClientSecret,
		RedirectURIs: []string{strings.TrimSuffix(cfg.Dashboard.PublicURL, "/") + "/auth/callback"}})
}
