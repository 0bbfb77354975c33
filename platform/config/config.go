// Package config registers command-line flags whose defaults come from
// TDKT_* environment variables, in the style of loki's RegisterFlags.
//
// Precedence, lowest first: the default in code, the environment variable,
// the command-line flag. Each component registers its flags on a
// *flag.FlagSet it is handed:
//
//	func (c *Config) RegisterFlags(fs *flag.FlagSet) {
//		config.String(fs, &c.DatabaseURL, "database-url", "TDKT_DATABASE_URL", "sqlite:blocs.db", "database to use")
//		config.Duration(fs, &c.Timeout, "timeout", "TDKT_TIMEOUT", 10*time.Second, "per-call deadline")
//	}
//
// and main calls Parse, which reports flag errors and invalid environment
// values alike, then Dump to print the effective configuration with secrets
// redacted. An environment variable set to the empty string counts as unset.
// An invalid value is reported even when a flag overrides it: the
// deployment is misconfigured either way.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// value is a flag.Value over *T that remembers the environment variable it
// read its default from and whether that value was invalid.
type value[T any] struct {
	p      *T
	parse  func(string) (T, error)
	format func(T) string
	isBool bool
	env    string
	envErr error
}

func (v *value[T]) Set(s string) error {
	x, err := v.parse(s)
	if err != nil {
		return err
	}
	*v.p = x
	return nil
}

func (v *value[T]) String() string {
	if v == nil || v.p == nil {
		// flag.PrintDefaults calls String on a zero value.
		return ""
	}
	return v.format(*v.p)
}

// IsBoolFlag lets a boolean flag be given as -name without a value.
func (v *value[T]) IsBoolFlag() bool { return v.isBool }

// Get returns the flag's value, as the flag.Getter of the standard flags.
func (v *value[T]) Get() any { return *v.p }

// envError is implemented by the flag values registered here.
type envError interface{ envError() error }

func (v *value[T]) envError() error { return v.envErr }

// register sets *p to def, overrides it from env when that variable is set
// and not empty, and defines the flag. An invalid env value is kept for
// Parse to report; *p keeps def then.
func register[T any](fs *flag.FlagSet, v *value[T], name string, def T, usage string) {
	*v.p = def
	if v.env != "" {
		if s := os.Getenv(v.env); s != "" {
			if x, err := v.parse(s); err != nil {
				v.envErr = fmt.Errorf("invalid value %q for environment variable %s (flag -%s): %w", s, v.env, name, err)
			} else {
				*v.p = x
			}
		}
		usage += " (env " + v.env + ")"
	}
	fs.Var(v, name, usage)
}

// String defines a string flag named name, stored in *p, defaulting to the
// environment variable env when set and to def otherwise. Pass env "" for
// no environment variable.
func String(fs *flag.FlagSet, p *string, name, env, def, usage string) {
	register(fs, &value[string]{
		p:      p,
		parse:  func(s string) (string, error) { return s, nil },
		format: func(s string) string { return s },
		env:    env,
	}, name, def, usage)
}

// Int defines an int flag as String does; values parse as Go integer
// literals (decimal, 0x…, 0o…, 0b…).
func Int(fs *flag.FlagSet, p *int, name, env string, def int, usage string) {
	register(fs, &value[int]{
		p: p,
		parse: func(s string) (int, error) {
			n, err := strconv.ParseInt(s, 0, strconv.IntSize)
			if err != nil {
				return 0, numError(err)
			}
			return int(n), nil
		},
		format: strconv.Itoa,
		env:    env,
	}, name, def, usage)
}

// Duration defines a time.Duration flag as String does; values parse with
// time.ParseDuration ("500ms", "10s", "1h30m").
func Duration(fs *flag.FlagSet, p *time.Duration, name, env string, def time.Duration, usage string) {
	register(fs, &value[time.Duration]{
		p:      p,
		parse:  time.ParseDuration,
		format: time.Duration.String,
		env:    env,
	}, name, def, usage)
}

// Bool defines a bool flag as String does; values parse with
// strconv.ParseBool (1, t, true, 0, f, false, …).
func Bool(fs *flag.FlagSet, p *bool, name, env string, def bool, usage string) {
	register(fs, &value[bool]{
		p: p,
		parse: func(s string) (bool, error) {
			b, err := strconv.ParseBool(s)
			if err != nil {
				return false, numError(err)
			}
			return b, nil
		},
		format: strconv.FormatBool,
		isBool: true,
		env:    env,
	}, name, def, usage)
}

// numError drops the function name and input that strconv repeats in its
// errors: "invalid syntax" reads better after our own message.
func numError(err error) error {
	if ne, ok := errors.AsType[*strconv.NumError](err); ok {
		return ne.Err
	}
	return err
}

// Parse parses args into fs, then reports every invalid environment value
// met while the flags were registered, joined into one error that names
// each variable. A flag error is returned as fs.Parse returns it
// (flag.ErrHelp for -h).
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := f.Value.(envError); ok && v.envError() != nil {
			errs = append(errs, v.envError())
		}
	})
	return errors.Join(errs...)
}

// Dump writes the effective configuration, one "name=value" line per flag
// in name order. Non-empty values of flags whose name contains "password",
// "secret", "key" or "token" are replaced by "xxxxx"; in every other value
// the password of a URL (postgres://u:p@h/db) or of a password=… setting is.
func Dump(fs *flag.FlagSet, w io.Writer) {
	fs.VisitAll(func(f *flag.Flag) { // VisitAll goes in lexicographical order.
		fmt.Fprintf(w, "%s=%s\n", f.Name, redact(f.Name, f.Value.String()))
	})
}

const redacted = "xxxxx"

// secretNames are name fragments of flags whose whole value is secret.
var secretNames = []string{"password", "secret", "key", "token"}

var (
	// urlPassword matches the user:password@ part of scheme://user:password@host.
	urlPassword = regexp.MustCompile(`(://[^/@:\s]*:)[^/@\s]*@`)
	// dsnPassword matches password=… in a key=value connection string.
	dsnPassword = regexp.MustCompile(`(?i)(\bpassword=)('[^']*'|\S*)`)
)

func redact(name, v string) string {
	lower := strings.ToLower(name)
	for _, s := range secretNames {
		if strings.Contains(lower, s) {
			if v == "" {
				return ""
			}
			return redacted
		}
	}
	if u, err := url.Parse(v); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			return u.Redacted()
		}
	}
	// Values url.Parse refuses (several hosts, odd characters) or that hold
	// a URL inside other text.
	v = urlPassword.ReplaceAllString(v, "${1}"+redacted+"@")
	return dsnPassword.ReplaceAllString(v, "${1}"+redacted)
}
