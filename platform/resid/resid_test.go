package resid

import (
	"errors"
	"strings"
	"testing"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
)

func TestValid(t *testing.T) {
	for id, want := range map[string]bool{
		"bac-kan": true, "01": true, "a": true, strings.Repeat("a", 63): true,
		"": false, "-a": false, "a-": false, "Bac": false, "a_b": false, strings.Repeat("a", 64): false, "bắc": false,
	} {
		if Valid(id) != want {
			t.Errorf("Valid(%q) = %v, want %v", id, !want, want)
		}
	}
}

func TestNewAndDerived(t *testing.T) {
	a, b := New(), New()
	if a == b || !Valid(a) || len(a) != 16 {
		t.Fatalf("New: %q %q", a, b)
	}
	d := Derived("d1", "7")
	if d != Derived("d1", "7") || d == Derived("d1", "8") || d == Derived("d17", "") || !Valid(d) {
		t.Fatalf("Derived is not a stable, valid function of its parts: %q", d)
	}
}

func TestEtag(t *testing.T) {
	if Etag(3) != `"3"` {
		t.Fatalf("Etag(3) = %s", Etag(3))
	}
	if CheckEtag("", 3) != nil || CheckEtag(`"3"`, 3) != nil {
		t.Fatal("an empty or current etag must pass")
	}
	if !errors.Is(CheckEtag(`"2"`, 3), domainerr.ErrStaleEtag) {
		t.Fatal("a stale etag must be ErrStaleEtag")
	}
}
