package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/platform/config"
)

const tokenUsage = `usage: tdktctl token [--unit units/UNIT] --role ROLE [--role ROLE…] [--sub NAME] [--ttl 1h] [--issuer URL]

Prints a bearer token from devstack's dev OpenID Connect issuer (its dev
grant, which a real issuer does not have), for the caller the flags
describe: a person with the roles in the unit. Send it as
"Authorization: Bearer TOKEN" (curl -H, grpcurl -H) or with tdktctl
import -token.

Roles: CENTRAL_ADMIN (needs no unit), BOARD_OFFICER, UNIT_CLERK,
COUNCIL_MEMBER, VIEWER, PII_READER.

  TOKEN=$(go run ./tools/tdktctl token --unit units/bac-kan --role BOARD_OFFICER)

Flags:
`

// tokenOptions are the flags of tdktctl token.
type tokenOptions struct {
	issuer string
	unit   string
	roles  []string
	sub    string
	ttl    time.Duration
}

func tokenFlags(o *tokenOptions, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tdktctl token", flag.ContinueOnError)
	fs.SetOutput(out)
	config.String(fs, &o.issuer, "issuer", "TDKT_OIDC_ISSUER", "http://127.0.0.1:9100", "URL of devstack's dev issuer")
	fs.StringVar(&o.unit, "unit", "", "the unit the roles are held in: units/bac-kan (or bac-kan)")
	fs.Func("role", "a role held in the unit; repeat for several", func(s string) error {
		o.roles = append(o.roles, s)
		return nil
	})
	fs.StringVar(&o.sub, "sub", "dev", "the subject: who the caller is, as the audit log records it")
	fs.DurationVar(&o.ttl, "ttl", devissuer.DefaultTTL, "how long the token is valid (at most 24h)")
	return fs
}

func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o tokenOptions
	fs := tokenFlags(&o, stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, tokenUsage)
		fs.PrintDefaults()
	}
	if err := config.Parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "tdktctl token: %v\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "tdktctl token: unexpected argument %q (tdktctl help token)\n", fs.Arg(0))
		return exitUsage
	}
	if len(o.roles) == 0 {
		fmt.Fprintln(stderr, "tdktctl token: give at least one --role (tdktctl help token)")
		return exitUsage
	}
	tok, err := devToken(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "tdktctl token: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout, tok)
	return exitOK
}

// devToken asks the dev issuer's token endpoint for a token (the dev
// grant).
func devToken(ctx context.Context, o tokenOptions) (string, error) {
	form := url.Values{
		"grant_type": {devissuer.DevGrantType},
		"sub":        {o.sub},
		"role":       o.roles,
		"ttl":        {o.ttl.String()},
	}
	if o.unit != "" {
		form.Set("unit", o.unit)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	endpoint := strings.TrimSuffix(o.issuer, "/") + "/token"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("issuer %q: %w", o.issuer, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("%w (is devstack running? its dev issuer is at %s unless --issuer says otherwise)", err, o.issuer)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil {
		return "", fmt.Errorf("POST %s: %s, not a token (is %s devstack's dev issuer?)", endpoint, resp.Status, o.issuer)
	}
	switch {
	case resp.StatusCode == http.StatusOK && body.AccessToken != "":
		return body.AccessToken, nil
	case body.Error == "unsupported_grant_type":
		return "", fmt.Errorf("%s issues no dev tokens: only devstack's dev issuer does (a real issuer signs its users in itself)", o.issuer)
	case body.Error != "":
		return "", fmt.Errorf("the issuer refused: %s: %s", body.Error, body.Description)
	}
	return "", fmt.Errorf("POST %s: %s", endpoint, resp.Status)
}
