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

const auditUsage = `usage: tdktctl audit verify -database-url URL [-anchor SEQ:HASH …]

Walks the hash chain of a service's audit log (both of its streams, admin
activity and data access, and records of both hash formats), from its first
record to the chain's head, and prints "audit chain of N records intact" or
the first broken record: one edited, deleted, reordered or added outside
the chain. It then prints the chain's head as SEQ:HASH: keep it outside
the database, and pass it later with -anchor, which fails when the chain
no longer holds that record with that hash (someone who can write the
database cut the chain's end or rewrote it and its head to match, which
the chain alone cannot show).
It only reads the database and applies no migration. The exit code is 0
when the chain is intact, 1 when it is broken or cannot be read, 2 for a
usage error.

Flags:
`

func auditFlags(url *string, anchors *[]sqlstore.AuditHead, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tdktctl audit verify", flag.ContinueOnError)
	fs.SetOutput(out)
	config.String(fs, url, "database-url", "TDKT_DATABASE_URL", "",
		"the service's database: sqlite:PATH or postgres://user:pass@host/db")
	fs.Func("anchor", "a head printed by an earlier run (SEQ:HASH) that the chain must still hold; repeat for several", func(s string) error {
		a, err := sqlstore.ParseAuditHead(s)
		*anchors = append(*anchors, a)
		return err
	})
	return fs
}

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprint(stderr, auditUsage)
		auditFlags(new(string), new([]sqlstore.AuditHead), stderr).PrintDefaults()
		return exitUsage
	}
	var (
		url     string
		anchors []sqlstore.AuditHead
	)
	fs := auditFlags(&url, &anchors, stderr)
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
	for _, a := range anchors {
		if err == nil {
			err = sqlstore.CheckAuditAnchor(ctx, db, a)
		}
	}
	var head sqlstore.AuditHead
	if err == nil {
		head, err = sqlstore.ReadAuditHead(ctx, db)
	}
	if errors.Is(err, sqlstore.ErrAuditBroken) {
		fmt.Fprintf(stdout, "audit chain broken: %v\n", err)
		return exitFailed
	}
	if err != nil {
		fmt.Fprintf(stderr, "tdktctl audit verify: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "audit chain of %d records intact\n", n)
	if n > 0 {
		fmt.Fprintf(stdout, "head %s (keep it elsewhere; a later run with -anchor %s shows the chain was not cut or rewritten)\n", head, head)
	}
	return exitOK
}
