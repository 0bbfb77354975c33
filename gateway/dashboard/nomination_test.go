package dashboard

import (
	"errors"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
)

// TestNominationScreensTranslated checks that every text the worklist,
// batch and nomination templates wrap in T has its English.
func TestNominationScreensTranslated(t *testing.T) {
	texts := regexp.MustCompile(`\.T "([^"]+)"`)
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		base := path.Base(name)
		if !strings.HasPrefix(base, "worklist") && !strings.HasPrefix(base, "batch") && !strings.HasPrefix(base, "nomination") {
			continue
		}
		b, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range texts.FindAllStringSubmatch(string(b), -1) {
			if _, ok := english[m[1]]; !ok {
				t.Errorf("%s: %q has no English", base, m[1])
			}
		}
	}
	for _, l := range stateLabels {
		if _, ok := english[l]; !ok {
			t.Errorf("state %q has no English", l)
		}
	}
}

// TestCouncilMember checks the lines of the vote form's members field.
func TestCouncilMember(t *testing.T) {
	m, ok, err := councilMember(" Trịnh Việt Hùng ; units/thai-nguyen; thủ trưởng; vắng")
	if err != nil || !ok || m.GetFullName() != "Trịnh Việt Hùng" || m.GetUnit() != "units/thai-nguyen" || !m.GetHeadsUnit() || m.GetPresent() {
		t.Errorf("got %v %v %v", m, ok, err)
	}
	if _, ok, err := councilMember("   "); ok || err != nil {
		t.Errorf("a blank line is no member: %v %v", ok, err)
	}
	if _, _, err := councilMember("A; somewhere"); err == nil {
		t.Error("a bad unit is refused")
	}
	if m, _, _ := councilMember("Lê Văn A"); !m.GetPresent() {
		t.Error("a member is present unless marked absent")
	}
}

// FuzzCouncilMember: whatever a line holds, it is a member with a name
// (and a unit name, if any), no member, or the person's mistake in the
// members field, never a panic; a name typed decomposed (NFD) reads the
// same as precomposed.
func FuzzCouncilMember(f *testing.F) {
	for _, s := range []string{" Trịnh Việt Hùng ; units/thai-nguyen; thủ trưởng; vắng", "", ";;;", "A; units/", "Lê Văn A; head; absent",
		"Nguye\u0302\u0303n Văn B; thu\u0309 trươ\u0309ng", "\xff\xfe; units/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		m, ok, err := councilMember(line)
		switch {
		case err != nil:
			var fe fieldError
			if !errors.As(err, &fe) || fe.field != "members" || ok {
				t.Fatalf("%q: %v (ok %v)", line, err, ok)
			}
		case ok:
			if m.GetFullName() == "" || m.GetFullName() != strings.TrimSpace(m.GetFullName()) {
				t.Fatalf("%q: name %q", line, m.GetFullName())
			}
			if m.GetUnit() != "" && !unitName.MatchString(m.GetUnit()) {
				t.Fatalf("%q: unit %q", line, m.GetUnit())
			}
		}
	})
}

// TestCouncilMemberNFD: the words of a line typed with combining marks
// are understood.
func TestCouncilMemberNFD(t *testing.T) {
	m, ok, err := councilMember("Nguye\u0302\u0303n Văn B; thu\u0309 trươ\u0309ng; va\u0306\u0301ng")
	if err != nil || !ok || !m.GetHeadsUnit() || m.GetPresent() || m.GetFullName() != "Nguyễn Văn B" {
		t.Errorf("got %v %v %v", m, ok, err)
	}
}
