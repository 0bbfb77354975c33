package server

import (
	"regexp"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
)

// Resource names of the service.
const (
	awardTypesPrefix = "awardTypes/"
)

var codePattern = regexp.MustCompile(`^[A-Z0-9_]{1,32}$`)

// newID returns a random server-assigned id.
func newID() string { return resid.New() }

// decisionID reads decisions/{id} from field.
func decisionID(field, name string) (string, error) {
	return domain.DecisionPattern.FieldID(field, name)
}

// honourIDOf reads honours/{id} from field.
func honourIDOf(field, name string) (string, error) { return domain.HonourPattern.FieldID(field, name) }

// awardCode reads awardTypes/{code}.
func awardCode(name string) (string, bool) {
	code, ok := strings.CutPrefix(name, awardTypesPrefix)
	return code, ok && codePattern.MatchString(code)
}

// etag renders a version as an etag.
func etag(version int64) string { return resid.Etag(version) }

// checkEtag is ErrStaleEtag when etag is given and is not version's. An
// empty etag always passes (AIP-154).
func checkEtag(tag string, version int64) error { return resid.CheckEtag(tag, version) }
