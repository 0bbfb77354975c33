package server

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/resid"
)

// Resource names of the service and the units of blocs they refer to.
const (
	decisionsPrefix  = "decisions/"
	honoursPrefix    = "honours/"
	unitsPrefix      = "units/"
	awardTypesPrefix = "awardTypes/"
)

var codePattern = regexp.MustCompile(`^[A-Z0-9_]{1,32}$`)

// newID returns a random server-assigned id.
func newID() string { return resid.New() }

// honourID is the id of the honour entry ordinal of decision id becomes: a
// function of the two, so that an issue retried after a crash names the
// same honours.
func honourID(decisionID string, ordinal int) string {
	return resid.Derived(decisionID, strconv.Itoa(ordinal))
}

// parseID returns the id of prefix+id, checking the id rule of api.md.
func parseID(name, prefix string) (string, bool) {
	id, ok := strings.CutPrefix(name, prefix)
	return id, ok && resid.Valid(id)
}

// decisionID reads decisions/{id} from field.
func decisionID(field, name string) (string, error) {
	id, ok := parseID(name, decisionsPrefix)
	if !ok {
		return "", badField(field, "must be decisions/{decision}")
	}
	return id, nil
}

// honourIDOf reads honours/{id} from field.
func honourIDOf(field, name string) (string, error) {
	id, ok := parseID(name, honoursPrefix)
	if !ok {
		return "", badField(field, "must be honours/{honour}")
	}
	return id, nil
}

// awardCode reads awardTypes/{code}.
func awardCode(name string) (string, bool) {
	code, ok := strings.CutPrefix(name, awardTypesPrefix)
	return code, ok && codePattern.MatchString(code)
}

// unitRef turns a unit id into its name; "" stays "".
func unitRef(id string) string {
	if id == "" {
		return ""
	}
	return unitsPrefix + id
}

// unitIDOf reads an optional units/{id}, recording a violation on field when
// it is malformed. protovalidate checks the shape first; this keeps the
// store safe from messages built in process.
func unitIDOf(errs *fieldErrors, field, name string) string {
	if name == "" {
		return ""
	}
	id, ok := parseID(name, unitsPrefix)
	if !ok {
		errs.add(field, "must be units/{unit}")
	}
	return id
}

// etag renders a version as an etag.
func etag(version int64) string { return resid.Etag(version) }

// checkEtag is ErrStaleEtag when etag is given and is not version's. An
// empty etag always passes (AIP-154).
func checkEtag(tag string, version int64) error { return resid.CheckEtag(tag, version) }
