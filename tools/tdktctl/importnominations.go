package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
)

// nomImportOptions are the flags of tdktctl import-nominations.
type nomImportOptions struct {
	addr, token, sheet string
	timeout, interval  time.Duration
	streamRows         int
}

func nomImportFlags(o *nomImportOptions, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tdktctl import-nominations", flag.ContinueOnError)
	fs.SetOutput(out)
	config.String(fs, &o.addr, "addr", "TDKT_NOMINATIONS_ADDR", "127.0.0.1:9103", "host:port of the nominations service's gRPC server")
	config.String(fs, &o.token, "token", "TDKT_TOKEN", "",
		"bearer token of a clerk or officer of the batches' proposer, or a central administrator (with devstack: $(tdktctl token --unit units/… --role UNIT_CLERK))")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Minute, "give up when the whole import takes longer")
	fs.StringVar(&o.sheet, "sheet", "", "XLSX: the sheet to read (default the first)")
	fs.DurationVar(&o.interval, "progress-every", 5*time.Second, "when stderr is not a terminal, print progress this often")
	fs.IntVar(&o.streamRows, "stream-rows", 2000, "rows sent in one stream (at most 10000, the service's bound)")
	return fs
}

func nomImportUsage() string {
	var b strings.Builder
	b.WriteString(`usage: tdktctl import-nominations [flags] FILE

Streams nominations (đề nghị khen thưởng) into DRAFT batches of the
nominations service (ImportNominations), one nomination per row. FILE is CSV
(UTF-8 without BOM, comma-separated, a header line) or XLSX (the first sheet
unless -sheet, a header row), chosen by its extension. Rows may go to
different batches; each must be a DRAFT batch whose proposer the token's
caller works for.

Columns (any order; * required in the header):
`)
	for _, c := range nomColumns {
		mark := " "
		if c.required {
			mark = "*"
		}
		fmt.Fprintf(&b, "  %s %-19s %s\n", mark, c.name, c.help)
	}
	b.WriteString(`
Text is read as Unicode NFC (decomposed accents are composed), trimmed, with
runs of spaces made one. A row with a value tdktctl cannot read (a byte that
is not UTF-8, a year that is not one) is refused without being sent; the
others are sent. Each row carries a request id derived from its content (and
from how many identical rows come before it): importing the same file again
writes nothing new and answers each row as the first time, so an import that
stopped is resumed by running it again; an edited row is a new request.

Progress (rows sent, accepted, refused, rows/s) goes to stderr; the refused
rows (line or row number, column, message) and a summary to stdout. The exit
code is 0 when every row was accepted (now or before), 1 otherwise, 2 for a
usage error.

Flags:
`)
	return b.String()
}

func runImportNominations(ctx context.Context, args []string, stdout, stderr io.Writer, stderrTTY bool) int {
	var o nomImportOptions
	fs := nomImportFlags(&o, stderr)
	file, code, ok := oneFile("import-nominations", fs, nomImportUsage, args, stderr)
	if !ok {
		return code
	}
	if o.timeout <= 0 || o.interval <= 0 || o.streamRows <= 0 || o.streamRows > 10_000 {
		fmt.Fprintln(stderr, "tdktctl import-nominations: -timeout and -progress-every must be positive, -stream-rows from 1 to 10000")
		return exitUsage
	}
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "tdktctl import-nominations: %v\n", err)
		return exitFailed
	}
	t, rows, err := readNominations(file, data, o.sheet)
	if err != nil {
		fmt.Fprintf(stderr, "tdktctl import-nominations: %v\nNothing was sent.\n", err)
		return exitFailed
	}

	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	conn, closeConn, err := dial(ctx, o.addr, o.timeout, o.token, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "tdktctl import-nominations: %v (check -addr or TDKT_NOMINATIONS_ADDR)\n", err)
		return exitFailed
	}
	defer closeConn()

	prog := &rowProgress{w: stderr, terminal: stderrTTY, interval: o.interval, now: time.Now}
	err = sendNominations(ctx, nominationsv1.NewNominationsServiceClient(conn), rows, o.streamRows, prog)
	allAccepted := reportNominations(t, rows, stdout)
	if err != nil {
		hint := fmt.Sprintf("is the nominations service at %s? -addr or TDKT_NOMINATIONS_ADDR", o.addr)
		if c := status.Code(err); c == codes.Unauthenticated || c == codes.PermissionDenied {
			hint = `an import needs the token of a clerk or officer of the batches' proposer: -token or TDKT_TOKEN`
		}
		fmt.Fprintf(stderr, "tdktctl import-nominations: %v (%s); run the import again to resume\n", err, hint)
		return exitFailed
	}
	if !allAccepted {
		return exitFailed
	}
	return exitOK
}

// oneFile parses the arguments of the command name, flags before or after
// its one FILE, and returns the file; when it returns false, code is the
// exit code.
func oneFile(name string, fs *flag.FlagSet, usage func() string, args []string, stderr io.Writer) (file string, code int, ok bool) {
	fs.Usage = func() {
		fmt.Fprint(stderr, usage())
		fs.PrintDefaults()
	}
	var files []string
	for {
		if err := config.Parse(fs, args); errors.Is(err, flag.ErrHelp) {
			return "", exitOK, false
		} else if err != nil {
			fmt.Fprintf(stderr, "tdktctl %s: %v\n", name, err)
			return "", exitUsage, false
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintf(stderr, "tdktctl %s: want one FILE, got %d (tdktctl help %s)\n", name, len(files), name)
		return "", exitUsage, false
	}
	return files[0], 0, true
}

// dial connects to the service at addr as the bearer of token, with
// warnings logged to stderr; closeConn closes the connection and flushes
// the telemetry.
func dial(ctx context.Context, addr string, timeout time.Duration, token string, stderr io.Writer) (_ *grpc.ClientConn, closeConn func(), _ error) {
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "tdktctl", LogFormat: "text", LogLevel: slog.LevelWarn, LogOutput: stderr})
	if err != nil {
		return nil, nil, err
	}
	conn, err := grpcclient.Dial(addr, grpcclient.Options{Telemetry: tel, Timeout: timeout, Token: token})
	if err != nil {
		_ = tel.Shutdown(context.WithoutCancel(ctx))
		return nil, nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	return conn, func() {
		conn.Close()
		_ = tel.Shutdown(context.WithoutCancel(ctx))
	}, nil
}

// nominationsImporter is the client side of
// NominationsService.ImportNominations.
type nominationsImporter interface {
	ImportNominations(ctx context.Context, opts ...grpc.CallOption) (
		grpc.ClientStreamingClient[nominationsv1.ImportNominationsRequest, nominationsv1.ImportNominationsResponse], error)
}

// sendNominations streams the rows tdktctl could read, streamRows per
// stream, and records each row's answer in it. It returns an error when a
// stream failed; the rows the service answered before are recorded.
func sendNominations(ctx context.Context, c nominationsImporter, rows []*nomRow, streamRows int, prog *rowProgress) error {
	var todo []*nomRow
	for _, r := range rows {
		if r.refusal == nil {
			todo = append(todo, r)
		} else {
			prog.refused++
		}
	}
	prog.start(len(rows))
	defer prog.done()
	for first := 0; first < len(todo); first += streamRows {
		chunk := todo[first:min(first+streamRows, len(todo))]
		resp, err := sendStream(ctx, c, chunk, prog)
		for _, res := range resp.GetRows() {
			i := int(res.GetRow()) - 1
			if i < 0 || i >= len(chunk) {
				continue
			}
			r := chunk[i]
			r.answered = true
			if e := res.GetError(); e != nil {
				r.refusal = &rowRefusal{code: codes.Code(e.GetCode()).String(), message: e.GetMessage(), columns: columnsOf(e.GetFields())}
				prog.refused++
			} else {
				r.nomination = res.GetNomination()
				prog.accepted++
			}
		}
		prog.last = time.Time{} // the answers' counts are news
		prog.show(false)
		if err != nil {
			return fmt.Errorf("the import stopped after %d of %d rows: %w", prog.sent, len(todo), err)
		}
	}
	return nil
}

// sendStream sends rows in one stream. When the stream fails, the answer
// the service attached to its status (the rows it did before a bound of
// the stream) comes back with the error.
func sendStream(ctx context.Context, c nominationsImporter, rows []*nomRow, prog *rowProgress) (*nominationsv1.ImportNominationsResponse, error) {
	stream, err := c.ImportNominations(ctx)
	if err != nil {
		return nil, err
	}
	var sendErr error
	for _, r := range rows {
		if err := stream.Send(&nominationsv1.ImportNominationsRequest{Row: r.req}); err != nil {
			if !errors.Is(err, io.EOF) { // io.EOF: the server ended the stream; CloseAndRecv says why
				sendErr = err
			}
			break
		}
		prog.add()
	}
	resp, err := stream.CloseAndRecv()
	if err == nil {
		return resp, nil
	}
	for _, d := range status.Convert(err).Details() {
		if partial, ok := d.(*nominationsv1.ImportNominationsResponse); ok {
			resp = partial
		}
	}
	return resp, errors.Join(err, sendErr)
}

// columnsOf names the columns of the service's field paths
// ("row.nomination.recipient.fullName" is full_name); a path no column
// fills is kept as it is.
func columnsOf(fields []string) []string {
	var out []string
	for _, f := range fields {
		rest := strings.TrimPrefix(strings.TrimPrefix(f, "row."), "nomination.")
		name, best := f, 0
		for _, c := range nomColumns {
			if (rest == c.field || strings.HasPrefix(rest, c.field+".") || strings.HasPrefix(rest, c.field+"[")) && len(c.field) > best {
				name, best = c.name, len(c.field)
			}
		}
		out = append(out, name)
	}
	return out
}

// reportNominations prints a line per refused or unconfirmed row and a
// summary to out, and reports whether every row was accepted.
func reportNominations(t *table, rows []*nomRow, out io.Writer) bool {
	where := "line"
	if t.sheet != "" {
		where = "row"
	}
	var accepted, refused, unconfirmed int
	for _, r := range rows {
		switch {
		case r.refusal != nil:
			refused++
			by := "tdktctl"
			if r.refusal.code != "" {
				by = r.refusal.code
			}
			columns := strings.Join(r.refusal.columns, ", ")
			if columns != "" {
				columns += ": "
			}
			fmt.Fprintf(out, "REFUSED %s %d: %s%s (%s)\n", where, r.line, columns, r.refusal.message, by)
		case !r.answered:
			unconfirmed++
			fmt.Fprintf(out, "NOT CONFIRMED %s %d: the service gave no answer for it; run the import again\n", where, r.line)
		default:
			accepted++
		}
	}
	fmt.Fprintf(out, "%d rows in the file: %d accepted (now or before), %d refused", len(rows), accepted, refused)
	if unconfirmed > 0 {
		fmt.Fprintf(out, ", %d not confirmed", unconfirmed)
	}
	fmt.Fprintln(out)
	return refused == 0 && unconfirmed == 0
}

// rowProgress prints how far an import is: on a terminal one line
// rewritten in place (at most every tick), elsewhere a line every
// interval, and a last line when it ends.
type rowProgress struct {
	w        io.Writer
	terminal bool
	interval time.Duration
	now      func() time.Time

	rows, sent, accepted, refused int
	began, last                   time.Time
}

func (p *rowProgress) start(rows int) {
	p.rows, p.began = rows, p.now()
	p.last = p.began
}

// add counts a row sent.
func (p *rowProgress) add() {
	p.sent++
	p.show(false)
}

func (p *rowProgress) done() { p.show(true) }

// show prints the line when final, or when the last is old enough.
func (p *rowProgress) show(final bool) {
	now := p.now()
	every := p.interval
	if p.terminal {
		every = tick
	}
	if !final && now.Sub(p.last) < every {
		return
	}
	p.last = now
	elapsed := now.Sub(p.began)
	line := fmt.Sprintf("sent %d/%d rows, %d accepted, %d refused, %.0f rows/s", p.sent, p.rows, p.accepted, p.refused,
		float64(p.sent)/max(elapsed.Seconds(), 1e-9))
	if final {
		line += " in " + elapsed.Round(time.Millisecond).String()
	}
	start, end := "", "\n"
	if p.terminal {
		start = "\r\x1b[K"
		if !final {
			end = ""
		}
	}
	fmt.Fprint(p.w, start+line+end)
}
