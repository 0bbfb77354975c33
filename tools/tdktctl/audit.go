package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
)

const auditUsage = `usage: tdktctl audit verify -database-url URL

Walks the hash chain of a service's audit log (both of its streams, admin
activity and data access, and records of both hash formats), from its first
record to the chain's head, and prints "audit chain of N records intact" or
the first broken record: one edited, deleted, reordered or added outside
the chain.
It only reads the database and applies no migration. The exit code is 0
when the chain is intact, 1 when it is broken or cannot be read, 2 for a
usage error.

Flags:
`

func auditFlags(url *string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tdktctl audit verify", flag.ContinueOnError)
	fs.SetOutput(out)
	config.String(fs, url, "database-url", "TDKT_DATABASE_URL", "",
		"the service's database: sqlite:PATH or postgres://user:pass@host/db")
	return fs
}

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprint(stderr, auditUsage)
		auditFlags(new(string), stderr).PrintDefaults()
		return exitUsage
	}
	var url string
	fs := auditFlags(&url, stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, auditUsage)
		fs.PrintDefaults()
	}
	if err := config.Parse(fs, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "tdktctl audit verify: %v\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "tdktctl audit verify: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if url == "" {
		fmt.Fprintln(stderr, "tdktctl audit verify: -database-url (or TDKT_DATABASE_URL) is required")
		return exitUsage
	}
	db, err := sqlstore.Connect(ctx, url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "tdktctl audit verify: %v\n", err)
		return exitFailed
	}
	defer db.Close()
	n, err := sqlstore.VerifyAudit(ctx, db)
	if errors.Is(err, sqlstore.ErrAuditBroken) {
		fmt.Fprintf(stdout, "audit chain broken: %v\n", err)
		return exitFailed
	}
	if err != nil {
		fmt.Fprintf(stderr, "tdktctl audit verify: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "audit chain of %d records intact\n", n)
	return exitOK
}
