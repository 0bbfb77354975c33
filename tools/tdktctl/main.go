// Command tdktctl is the operator's command line for tdkt.
//
//	go run ./tools/tdktctl import [-addr host:port] [-token TOKEN] [-timeout 10m] FILE
//	go run ./tools/tdktctl import-nominations [-addr host:port] [-token TOKEN] FILE
//	go run ./tools/tdktctl audit verify -database-url URL
//	go run ./tools/tdktctl token --unit units/bac-kan --role BOARD_OFFICER [--role PII_READER] [--sub NAME]
//
// import loads decisions with their entries from a CSV or XLSX file into
// the honours service (ImportDecisions), signed in with a central
// administrator's bearer token (-token, TDKT_TOKEN). Run tdktctl help
// import for the columns.
//
// import-nominations streams nominations, one per row of a CSV or XLSX
// file, into draft batches of the nominations service
// (ImportNominations). Run tdktctl help import-nominations for the
// columns.
//
// token prints a bearer token from devstack's dev issuer, for curl,
// grpcurl and tdktctl import (tdktctl help token).
//
// audit verify walks the hash chain of a service's audit log and reports
// the first broken record (tdktctl help audit).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // bad input, a failed import or an item that failed, a broken audit chain
	exitUsage  = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, isTerminal(os.Stderr))
	stop()
	os.Exit(code)
}

const usage = `usage: tdktctl COMMAND [flags] [args]

commands:
  import FILE   load decisions and their entries from a CSV or XLSX file
                into the honours service
  import-nominations FILE
                stream nominations from a CSV or XLSX file into draft
                batches of the nominations service
  audit verify  check the hash chain of a service's audit log
                (-database-url URL)
  token         print a bearer token from devstack's dev issuer
                (--unit units/bac-kan --role BOARD_OFFICER)
  help [COMMAND]

Run tdktctl help import (or import-nominations) for the file's columns.
`

// run runs the command line args and returns the exit code. stderrTTY says
// whether stderr is a terminal (progress is then redrawn in place).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, stderrTTY bool) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "import":
		return runImport(ctx, args[1:], stdout, stderr, stderrTTY)
	case "import-nominations":
		return runImportNominations(ctx, args[1:], stdout, stderr, stderrTTY)
	case "audit":
		return runAudit(ctx, args[1:], stdout, stderr)
	case "token":
		return runToken(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && args[1] == "import" {
			fmt.Fprint(stdout, importUsage())
			importFlags(new(importOptions), stdout).PrintDefaults()
			return exitOK
		}
		if len(args) > 1 && args[1] == "import-nominations" {
			fmt.Fprint(stdout, nomImportUsage())
			nomImportFlags(new(nomImportOptions), stdout).PrintDefaults()
			return exitOK
		}
		if len(args) > 1 && args[1] == "token" {
			fmt.Fprint(stdout, tokenUsage)
			tokenFlags(new(tokenOptions), stdout).PrintDefaults()
			return exitOK
		}
		if len(args) > 1 && args[1] == "audit" {
			fmt.Fprint(stdout, auditUsage)
			auditFlags(new(string), new([]sqlstore.AuditHead), stdout).PrintDefaults()
			return exitOK
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "tdktctl: unknown command %q\n%s", args[0], usage)
		return exitUsage
	}
}

// importOptions are the flags of tdktctl import.
type importOptions struct {
	addr     string
	token    string
	timeout  time.Duration
	sheet    string
	interval time.Duration
}

func importFlags(o *importOptions, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tdktctl import", flag.ContinueOnError)
	fs.SetOutput(out)
	config.String(fs, &o.addr, "addr", "TDKT_HONOURS_ADDR", "127.0.0.1:9104", "host:port of the honours service's gRPC server")
	config.String(fs, &o.token, "token", "TDKT_TOKEN", "",
		"bearer token of a central administrator (with devstack: $(tdktctl token --role CENTRAL_ADMIN))")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up when the whole import takes longer")
	fs.StringVar(&o.sheet, "sheet", "", "XLSX: the sheet to read (default the first)")
	fs.DurationVar(&o.interval, "progress-every", 5*time.Second, "when stderr is not a terminal, print progress this often")
	return fs
}

func importUsage() string {
	var b strings.Builder
	b.WriteString(`usage: tdktctl import [flags] FILE

Loads decisions (quyết định) with their entries into the honours service.
FILE is CSV (UTF-8 without BOM, comma-separated, a header line) or XLSX (the
first sheet unless -sheet, a header row), chosen by its extension. Each row
after the header is one entry; rows with the same decision_id form one
decision, contiguous or not, and become decisions/{decision_id}, issued with
one honour per entry. The decision's columns (number, signed_on, authority,
signer_name, signer_title, title) may be repeated on every row of a decision
or given once; they must not differ.

Columns (any order; * required in the header):
`)
	for c := range numColumns {
		mark := " "
		if columns[c].required {
			mark = "*"
		}
		fmt.Fprintf(&b, "  %s %-15s %s\n", mark, columns[c].name, columns[c].help)
	}
	b.WriteString(`
The whole file is checked before anything is sent: a bad value stops the
import with the line and column named. Each decision carries a request id
derived from its decision_id and its content, so importing the same file
again changes nothing; a decision edited after it was imported is refused
and reported (an import never changes an imported decision).

Progress goes to stderr; failures and a summary to stdout. The exit code is
0 when every decision was imported (or already was), 1 otherwise, 2 for a
usage error.

Flags:
`)
	return b.String()
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer, stderrTTY bool) int {
	var o importOptions
	fs := importFlags(&o, stderr)
	file, code, ok := oneFile("import", fs, importUsage, args, stderr)
	if !ok {
		return code
	}
	if o.timeout <= 0 || o.interval <= 0 {
		fmt.Fprintln(stderr, "tdktctl import: -timeout and -progress-every must be positive")
		return exitUsage
	}

	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "tdktctl import: %v\n", err)
		return exitFailed
	}
	t, err := readTable(file, data, o.sheet)
	if err != nil {
		fmt.Fprintf(stderr, "tdktctl import: %v\n", err)
		return exitFailed
	}
	p, err := buildPlan(t)
	if err != nil {
		fmt.Fprintf(stderr, "tdktctl import: %v\nNothing was sent.\n", err)
		return exitFailed
	}

	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	conn, closeConn, err := dial(ctx, o.addr, o.timeout, o.token, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "tdktctl import: %v (check -addr or TDKT_HONOURS_ADDR)\n", err)
		return exitFailed
	}
	defer closeConn()

	prog := &progress{w: stderr, terminal: stderrTTY, interval: o.interval, now: time.Now}
	out, err := send(ctx, honoursv1.NewHonoursServiceClient(conn), p, prog, stdout)
	if err != nil {
		hint := fmt.Sprintf("is the honours service at %s? -addr or TDKT_HONOURS_ADDR", o.addr)
		switch status.Code(err) {
		case codes.Unauthenticated, codes.PermissionDenied:
			hint = `an import needs a central administrator's token: -token or TDKT_TOKEN; with devstack, -token "$(tdktctl token --role CENTRAL_ADMIN)"`
		}
		fmt.Fprintf(stderr, "tdktctl import: %v (%s)\n", err, hint)
		return exitFailed
	}
	if out.failed > 0 || out.unconfirmed > 0 {
		return exitFailed
	}
	return exitOK
}

// isTerminal reports whether f is a character device, as a terminal is.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
