package browsertest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func init() { register("phone", testPhone) }

// testPhone opens every main screen on a phone's screen, as the province's
// officer: each answers, fits the screen without scrolling sideways (the
// check of every page) and passes axe-core there too, where wide tables
// become scrollable regions.
func testPhone(t *testing.T, s *site) {
	p := s.as(t, Officer)
	p.phone(t)
	for _, path := range []string{"/", "/worklist", "/batches", "/register", "/statistics", "/blocs", "/movements", "/units", "/audit"} {
		p.open(t, path)
		assert.Equal(t, http.StatusOK, p.status(t), "%s on a phone", path)
		if path == "/" {
			p.screenshot(t, "phone-overview")
		}
	}
}
