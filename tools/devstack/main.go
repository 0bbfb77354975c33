// Command devstack runs the whole of tdkt in one process — every service on
// its own loopback gRPC port and the REST gateway dialling them — with
// SQLite databases under -data and, with -demo, demo data.
//
//	go run ./tools/devstack --demo
//
// Each component takes the settings it takes when run alone, under its
// name: -blocs.page-token-key (TDKT_BLOCS_PAGE_TOKEN_KEY),
// -honours.personal-data-key (TDKT_HONOURS_PERSONAL_DATA_KEY),
// -gateway.http-max-body (TDKT_GATEWAY_HTTP_MAX_BODY) and so on; -h lists
// them and -print-config prints the effective values, secrets redacted.
// A flag wins over its variable. The variables of a binary run alone
// whose meaning is the same here apply too, below the component's own:
// TDKT_PERSONAL_DATA_KEY and TDKT_RECIPIENT_KEY_SECRET (honours),
// TDKT_PAGE_TOKEN_KEY (blocs and honours), TDKT_HTTP_MAX_BODY (the
// gateway), TDKT_LOG_FORMAT and TDKT_LOG_LEVEL (every component),
// TDKT_REDIS_ADDR (-redis). Those naming
// one service's database or address (TDKT_DATABASE_URL, TDKT_BLOCS_ADDR,
// TDKT_GRPC_ADDR, …) would be ambiguous here and do not apply. Devstack
// chooses some of them itself
// unless the flag or the variable is given: the databases are
// sqlite:DATA/blocs.db and sqlite:DATA/honours.db, a service caches in the
// Redis of -redis (TDKT_REDIS_ADDR) unless its own -<name>.redis-addr says
// otherwise, and honours and the gateway dial the services this process
// runs.
//
// Sign-in: every component believes the OpenID Connect issuer of
// TDKT_OIDC_ISSUER (or its own -<name>.oidc-issuer); without one, devstack
// runs a dev issuer on -issuer (default 127.0.0.1:9100) that signs tokens
// for anyone (go run ./tools/tdktctl token --unit units/bac-kan --role
// BOARD_OFFICER), and -demo loads the demo as a central administrator
// with one of its tokens. With a real issuer, -demo reads a central
// administrator's token from TDKT_TOKEN.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack"
	"google.golang.org/grpc"
)

type options struct {
	stack       stack.Options
	demo        bool
	logLevel    string
	printConfig bool
}

// inherited are the settings of a component that devstack also takes from
// the variable a binary run alone reads (TDKT_ and the flag's own name),
// when neither the component's flag nor its prefixed variable is given:
// those with one meaning whichever component reads them.
var inherited = []struct{ component, name string }{
	{"blocs", "page-token-key"},
	{"honours", "page-token-key"},
	{"honours", "personal-data-key"},
	{"honours", "recipient-key-secret"},
	{"movements", "page-token-key"},
	{"nominations", "page-token-key"},
	{"gateway", "http-max-body"},
	{"blocs", "oidc-issuer"},
	{"honours", "oidc-issuer"},
	{"movements", "oidc-issuer"},
	{"nominations", "oidc-issuer"},
	{"gateway", "oidc-issuer"},
	{"blocs", "oidc-audience"},
	{"honours", "oidc-audience"},
	{"movements", "oidc-audience"},
	{"nominations", "oidc-audience"},
	{"gateway", "oidc-audience"},
	{"blocs", "oidc-jwks-url"},
	{"honours", "oidc-jwks-url"},
	{"movements", "oidc-jwks-url"},
	{"nominations", "oidc-jwks-url"},
	{"gateway", "oidc-jwks-url"},
	{"blocs", "client-certificates"},
	{"honours", "client-certificates"},
	{"movements", "client-certificates"},
	{"nominations", "client-certificates"},
}

// registerFlags registers devstack's own flags at the root of f and each
// component's flags under the component's name.
func (o *options) registerFlags(f config.Flags) {
	fs := f.FlagSet()
	fs.StringVar(&o.stack.DataDir, "data", "var", "directory for the SQLite databases (created if missing)")
	fs.StringVar(&o.stack.HTTPAddr, "http", stack.DefaultHTTPAddr, "host:port of the REST gateway")
	fs.StringVar(&o.stack.BlocsGRPCAddr, "blocs-grpc", stack.DefaultBlocsGRPCAddr, "host:port of the blocs service's gRPC server")
	fs.StringVar(&o.stack.HonoursGRPCAddr, "honours-grpc", stack.DefaultHonoursGRPCAddr, "host:port of the honours service's gRPC server")
	fs.StringVar(&o.stack.MovementsGRPCAddr, "movements-grpc", stack.DefaultMovementsGRPCAddr, "host:port of the movements service's gRPC server")
	fs.StringVar(&o.stack.NominationsGRPCAddr, "nominations-grpc", stack.DefaultNominationsGRPCAddr, "host:port of the nominations service's gRPC server")
	fs.StringVar(&o.stack.IssuerAddr, "issuer", stack.DefaultIssuerAddr,
		"host:port of the dev OpenID Connect issuer, which runs unless TDKT_OIDC_ISSUER (or every component's -<name>.oidc-issuer) names a real one")
	config.String(fs, &o.stack.RedisAddr, "redis", "TDKT_REDIS_ADDR", "",
		"host:port of a Redis the services cache in (unless -<service>.redis-addr is given); empty means in-process caches")
	fs.BoolVar(&o.demo, "demo", false, "load the demo data (provinces, a cluster and two blocs, three decisions of honours) once the servers are up; loading twice changes nothing")
	f.String(&o.logLevel, "log-level", "info", "minimum log level: debug, info, warn or error")
	f.String(&o.stack.LogFormat, "log-format", "text", "log format of every component: text or json")
	fs.BoolVar(&o.printConfig, "print-config", false, "print the effective configuration, secrets redacted, and exit")
	o.stack.Blocs.RegisterFlags(f.Sub("blocs"))
	o.stack.Honours.RegisterFlags(f.Sub("honours"))
	o.stack.Movements.RegisterFlags(f.Sub("movements"))
	o.stack.Nominations.RegisterFlags(f.Sub("nominations"))
	o.stack.Gateway.RegisterFlags(f.Sub("gateway"))
}

// inheritRoot gives each inherited setting whose flag and prefixed
// variable are both absent the value of the unprefixed variable, read with
// getenv (os.Getenv), as if its flag had been given.
func inheritRoot(root config.Flags, getenv func(string) string) error {
	for _, in := range inherited {
		f := root.Sub(in.component)
		if f.IsSet(in.name) {
			continue
		}
		env := root.Env(in.name)
		v := getenv(env)
		if v == "" {
			continue
		}
		if err := root.FlagSet().Set(f.Name(in.name), v); err != nil {
			return fmt.Errorf("invalid value %q for %s (-%s): %w", config.Redact(in.name, v), env, f.Name(in.name), err)
		}
	}
	return nil
}

// leaveToStack empties, after parsing, the settings devstack chooses itself
// when neither their flag nor their variable is given, so that stack.Start
// fills them in: the databases, and the addresses of the services this
// process runs. (The components' Redis addresses default to empty anyway.)
func (o *options) leaveToStack(f config.Flags) {
	b, h, m, n, g := f.Sub("blocs"), f.Sub("honours"), f.Sub("movements"), f.Sub("nominations"), f.Sub("gateway")
	for _, s := range []struct {
		f    config.Flags
		name string
		p    *string
	}{
		{b, "database-url", &o.stack.Blocs.DatabaseURL},
		{h, "database-url", &o.stack.Honours.DatabaseURL},
		{h, "blocs-addr", &o.stack.Honours.BlocsAddr},
		{g, "blocs-addr", &o.stack.Gateway.BlocsAddr},
		{g, "honours-addr", &o.stack.Gateway.HonoursAddr},
		{m, "database-url", &o.stack.Movements.DatabaseURL},
		{m, "blocs-addr", &o.stack.Movements.BlocsAddr},
		{m, "honours-addr", &o.stack.Movements.HonoursAddr},
		{g, "movements-addr", &o.stack.Gateway.MovementsAddr},
		{n, "database-url", &o.stack.Nominations.DatabaseURL},
		{n, "blocs-addr", &o.stack.Nominations.BlocsAddr},
		{n, "honours-addr", &o.stack.Nominations.HonoursAddr},
		{g, "nominations-addr", &o.stack.Gateway.NominationsAddr},
	} {
		if !s.f.IsSet(s.name) {
			*s.p = ""
		}
	}
}

func main() {
	var o options
	fs := flag.NewFlagSet("devstack", flag.ContinueOnError)
	root := config.NewFlags(fs)
	o.registerFlags(root)
	if err := config.Parse(fs, os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintf(os.Stderr, "devstack: %v\nFix the flag or environment variable named above; devstack -h lists them all.\n", err)
		os.Exit(2)
	}
	if err := inheritRoot(root, os.Getenv); err != nil {
		fmt.Fprintf(os.Stderr, "devstack: %v\n", err)
		os.Exit(2)
	}
	o.leaveToStack(root)
	if o.demo && len(o.stack.DevIssuer.People) == 0 {
		o.stack.DevIssuer.People = demo.People // the sign-in page offers the demo's people
	}
	if o.printConfig {
		o.stack = o.stack.WithDefaults() // the registered flags show o.stack
		config.Dump(fs, os.Stdout)
		return
	}
	if err := o.checkLogs(); err != nil {
		fmt.Fprintf(os.Stderr, "devstack: %v\n", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "devstack: %v\n", err)
		os.Exit(1)
	}
}

// checkLogs reads -log-level into the stack's options and checks
// -log-format.
func (o *options) checkLogs() error {
	if err := o.stack.LogLevel.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("invalid -log-level (TDKT_LOG_LEVEL) %q: use debug, info, warn or error", o.logLevel)
	}
	switch o.stack.LogFormat {
	case "text", "json":
		return nil
	}
	return fmt.Errorf("invalid -log-format (TDKT_LOG_FORMAT) %q: use text or json", o.stack.LogFormat)
}

// run starts the stack, prints its addresses to out, loads the demo data
// when asked, and runs until ctx is done or a component fails.
func run(ctx context.Context, o options, out io.Writer) error {
	s, err := stack.Start(ctx, o.stack)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Web    http://%s/ (the dashboard)\n", s.HTTPAddr)
	fmt.Fprintf(out, "REST   http://%s/v1/\n", s.HTTPAddr)
	for _, e := range s.Services {
		fmt.Fprintf(out, "gRPC   %-8s %s\n", e.Name, e.Addr)
	}
	if s.Issuer != nil {
		fmt.Fprintf(out, "OIDC   %s (dev issuer; a token: go run ./tools/tdktctl token --role CENTRAL_ADMIN)\n", s.Issuer.URL())
	} else {
		fmt.Fprintf(out, "OIDC   %s\n", s.IssuerURL())
	}
	if o.demo {
		sum, err := loadDemo(ctx, s, o.stack.LogFormat, o.stack.LogLevel)
		if err != nil {
			return errors.Join(fmt.Errorf("%w (the servers are up; fix the data in tools/devstack/demo or start with a fresh -data directory)", err), s.Stop())
		}
		fmt.Fprintln(out, sum)
	}
	return s.Wait()
}

// loadDemo loads the demo data over gRPC, as any client would: as
// demo.Caller, signed in at the dev issuer, or with the token of TDKT_TOKEN
// when the services believe a real issuer.
func loadDemo(ctx context.Context, s *stack.Stack, format string, level slog.Level) (demo.Summary, error) {
	token := os.Getenv("TDKT_TOKEN")
	if s.Issuer != nil {
		token = s.Issuer.Token(demo.Caller, 0)
	}
	if token == "" {
		return demo.Summary{}, fmt.Errorf("the services believe the issuer %s, not devstack's: to load the demo, set TDKT_TOKEN to a central administrator's token from it", s.IssuerURL())
	}
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "tdkt-devstack-demo", LogFormat: format, LogLevel: level})
	if err != nil {
		return demo.Summary{}, err
	}
	defer func() { _ = tel.Shutdown(context.WithoutCancel(ctx)) }()
	conns := map[string]*grpc.ClientConn{}
	for _, name := range []string{"blocs", "honours", "movements", "nominations"} {
		conn, err := grpcclient.Dial(s.GRPCAddr(name), grpcclient.Options{Telemetry: tel, Token: token})
		if err != nil {
			return demo.Summary{}, fmt.Errorf("dial %s: %w", name, err)
		}
		defer conn.Close()
		conns[name] = conn
	}
	return demo.Load(ctx, demo.Clients{
		Blocs:       blocsv1.NewBlocsServiceClient(conns["blocs"]),
		Honours:     honoursv1.NewHonoursServiceClient(conns["honours"]),
		Movements:   movementsv1.NewMovementsServiceClient(conns["movements"]),
		Nominations: nominationsv1.NewNominationsServiceClient(conns["nominations"]),
	})
}
