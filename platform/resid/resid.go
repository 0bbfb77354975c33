// Package resid holds the rules for resource ids and etags that every
// service shares (api.md "Common rules"): client-chosen ids, server-assigned
// ids, ids derived from other ids, and etags rendered from a version.
package resid

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"regexp"
	"strconv"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
)

var pattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Valid reports whether id is a valid id: 1–63 lowercase letters, digits
// and '-', not starting or ending with '-'.
func Valid(id string) bool { return pattern.MatchString(id) }

var encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// New returns a random server-assigned id (16 lowercase characters).
func New() string {
	var b [10]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return encoding.EncodeToString(b[:])
}

// Derived returns an id that is a function of parts (16 lowercase
// characters), so that work retried after a crash names the same resources.
func Derived(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return encoding.EncodeToString(sum[:10])
}

// Etag renders a version as an etag.
func Etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// CheckEtag returns domainerr.ErrStaleEtag when etag is given and is not
// the etag of version. An empty etag always passes (AIP-154).
func CheckEtag(etag string, version int64) error {
	if etag != "" && etag != Etag(version) {
		return domainerr.ErrStaleEtag
	}
	return nil
}
