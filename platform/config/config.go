// Package config registers command-line flags whose defaults come from
// TDKT_* environment variables, in the style of loki's RegisterFlags.
//
// Precedence, lowest first: the default in code, the environment variable,
// the command-line flag. Each component registers its flags on the Flags it
// is handed, and never spells an environment variable: the variable is
// derived from the flag's full name.
//
//	func (c *Config) RegisterFlags(f config.Flags) {
//		f.String(&c.DatabaseURL, "database-url", "sqlite:blocs.db", "database to use")
//		f.Duration(&c.Timeout, "timeout", 10*time.Second, "per-call deadline")
//		c.Cache.RegisterFlags(f) // a part registers its own flags
//	}
//
// A binary that runs the component alone passes NewFlags(fs): flag
// -database-url, variable TDKT_DATABASE_URL. A binary that runs several
// components in one flag set gives each its own Sub: with
// NewFlags(fs).Sub("blocs") the same code registers -blocs.database-url,
// variable TDKT_BLOCS_DATABASE_URL, so that no two components read the same
// variable (registering two flags that would is a programming error, and
// panics as a duplicate flag name does).
//
// main calls Parse, which reports flag errors and invalid environment
// values alike, then Dump to print the effective configuration with secrets
// redacted. An environment variable set to the empty string counts as unset.
// An invalid value is reported even when a flag overrides it: the
// deployment is misconfigured either way.
//
// The functions String, Int, Int64, Duration and Bool take the flag set and
// the variable's name explicitly, for the rare flag whose variable is not
// derived from its name (tdktctl's -addr reads TDKT_HONOURS_ADDR).
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

// EnvPrefix starts the name of every environment variable derived from a
// flag name.
const EnvPrefix = "TDKT_"

// Flags registers flags on a flag set under a name prefix, with defaults
// from environment variables named after the flags. The zero Flags is not
// usable; start from NewFlags. A Flags is a small value: pass it by value.
type Flags struct {
	fs     *flag.FlagSet
	prefix string // "" or "honours." (or "a.b." for a Sub of a Sub)
}

// NewFlags returns the root Flags of fs: a flag registered as "database-url"
// is -database-url and reads TDKT_DATABASE_URL.
func NewFlags(fs *flag.FlagSet) Flags { return Flags{fs: fs} }

// Sub returns Flags that register under the prefix name + ".", below f's
// own: NewFlags(fs).Sub("honours") registers "database-url" as
// -honours.database-url, read from TDKT_HONOURS_DATABASE_URL.
func (f Flags) Sub(name string) Flags {
	return Flags{fs: f.fs, prefix: f.prefix + name + "."}
}

// FlagSet returns the flag set f registers on, to Parse or Dump it or to
// add a flag with no environment variable.
func (f Flags) FlagSet() *flag.FlagSet { return f.fs }

// Name returns the full name of the flag f registers as name:
// "honours.database-url" for "database-url" under Sub("honours").
func (f Flags) Name(name string) string { return f.prefix + name }

// Env returns the environment variable the flag f registers as name reads:
// TDKT_ and the full flag name upper-cased, with '-' and '.' turned into
// '_' ("honours.database-url" reads TDKT_HONOURS_DATABASE_URL).
func (f Flags) Env(name string) string {
	return EnvPrefix + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(f.Name(name)))
}

// String defines a string flag named name under f, stored in *p,
// defaulting to its environment variable when set and to def otherwise.
func (f Flags) String(p *string, name, def, usage string) {
	String(f.fs, p, f.Name(name), f.Env(name), def, usage)
}

// Int defines an int flag as String does; values parse as Go integer
// literals (decimal, 0x…, 0o…, 0b…).
func (f Flags) Int(p *int, name string, def int, usage string) {
	Int(f.fs, p, f.Name(name), f.Env(name), def, usage)
}

// Int64 defines an int64 flag as Int does.
func (f Flags) Int64(p *int64, name string, def int64, usage string) {
	Int64(f.fs, p, f.Name(name), f.Env(name), def, usage)
}

// Duration defines a time.Duration flag as String does; values parse with
// time.ParseDuration ("500ms", "10s", "1h30m").
func (f Flags) Duration(p *time.Duration, name string, def time.Duration, usage string) {
	Duration(f.fs, p, f.Name(name), f.Env(name), def, usage)
}

// Bool defines a bool flag as String does; values parse with
// strconv.ParseBool (1, t, true, 0, f, false, …).
func (f Flags) Bool(p *bool, name string, def bool, usage string) {
	Bool(f.fs, p, f.Name(name), f.Env(name), def, usage)
}

// IsSet reports whether the flag f registered as name was given on the
// command line or took a valid value from its environment variable, rather
// than keeping its default. A program that chooses a value of its own in
// place of a component's default (devstack naming the databases after its
// data directory) uses it after Parse. It panics when there is no such
// flag.
func (f Flags) IsSet(name string) bool {
	full := f.Name(name)
	fl := f.fs.Lookup(full)
	if fl == nil {
		panic("config: no flag -" + full)
	}
	if v, ok := fl.Value.(interface{ isSet() bool }); ok && v.isSet() {
		return true
	}
	set := false
	f.fs.Visit(func(x *flag.Flag) { set = set || x.Name == full })
	return set
}

// value is a flag.Value over *T that remembers the environment variable it
// read its default from and whether that value was invalid.
type value[T any] struct {
	p       *T
	parse   func(string) (T, error)
	format  func(T) string
	isBool  bool
	env     string
	envErr  error
	fromEnv bool // *p was set from env
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

// envValue is implemented by the flag values registered here.
type envValue interface {
	envName() string
	envError() error
}

func (v *value[T]) envName() string { return v.env }
func (v *value[T]) envError() error { return v.envErr }
func (v *value[T]) isSet() bool     { return v.fromEnv }

// register sets *p to def, overrides it from env when that variable is set
// and not empty, and defines the flag. An invalid env value is kept for
// Parse to report; *p keeps def then. It panics when another flag of fs
// already reads env.
func register[T any](fs *flag.FlagSet, v *value[T], name string, def T, usage string) {
	*v.p = def
	if v.env != "" {
		fs.VisitAll(func(f *flag.Flag) {
			if o, ok := f.Value.(envValue); ok && o.envName() == v.env {
				panic(fmt.Sprintf("config: flags -%s and -%s both read %s", f.Name, name, v.env))
			}
		})
		if s := os.Getenv(v.env); s != "" {
			if x, err := v.parse(s); err != nil {
				v.envErr = fmt.Errorf("invalid value %q for environment variable %s (flag -%s): %w", s, v.env, name, err)
			} else {
				*v.p = x
				v.fromEnv = true
			}
		}
		usage += " (env " + v.env + ")"
	}
	fs.Var(v, name, usage)
}

// String defines a string flag named name on fs, stored in *p, defaulting
// to the environment variable env when set and to def otherwise. Pass env
// "" for no environment variable. Flags.String derives env from name.
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
		p:      p,
		parse:  parseInt[int](strconv.IntSize),
		format: strconv.Itoa,
		env:    env,
	}, name, def, usage)
}

// Int64 defines an int64 flag as Int does.
func Int64(fs *flag.FlagSet, p *int64, name, env string, def int64, usage string) {
	register(fs, &value[int64]{
		p:      p,
		parse:  parseInt[int64](64),
		format: func(n int64) string { return strconv.FormatInt(n, 10) },
		env:    env,
	}, name, def, usage)
}

// parseInt parses Go integer literals that fit in bits bits.
func parseInt[T int | int64](bits int) func(string) (T, error) {
	return func(s string) (T, error) {
		n, err := strconv.ParseInt(s, 0, bits)
		if err != nil {
			return 0, numError(err)
		}
		return T(n), nil
	}
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
		if v, ok := f.Value.(envValue); ok && v.envError() != nil {
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
		fmt.Fprintf(w, "%s=%s\n", f.Name, Redact(f.Name, f.Value.String()))
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

// Redact returns v as Dump prints it for the flag name: "xxxxx" for a
// secret, the password of a URL or DSN masked otherwise. Use it to log a
// setting such as a database URL.
func Redact(name, v string) string {
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
