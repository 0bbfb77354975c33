package dashboard

import (
	"regexp"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// resourceID matches the id of a resource in a page's path
// ("/blocs/{g}"): what the services accept as a client-chosen id.
var resourceID = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// pathID is the path wildcard name as a resource id; anything else is a
// page that does not exist.
func (q *req) pathID(name string) (string, error) {
	id := q.r.PathValue(name)
	if !resourceID.MatchString(id) {
		return "", errNotFound
	}
	return id, nil
}

// isCode reports whether err is a gRPC status with code c.
func isCode(err error, c codes.Code) bool {
	st, ok := status.FromError(err)
	return ok && err != nil && st.Code() == c
}

// choice is an option of a select filter.
type choice struct {
	Value, Label string
	Selected     bool
}

// choices are the options of a select filter whose value is cur, with
// their labels in the page's language; the first option, "", is all.
func (q *req) choices(cur string, all string, opts [][2]string) []choice {
	out := []choice{{"", q.T(all), cur == ""}}
	for _, o := range opts {
		out = append(out, choice{o[0], q.T(o[1]), o[0] == cur})
	}
	return out
}

// enumParam is the query parameter name, one of the keys of allowed (or
// ""); anything else is the person's mistake, naming the field.
func enumParam[T any](q *req, name string, allowed map[string]T) (string, T, error) {
	s := q.r.URL.Query().Get(name)
	v, ok := allowed[s]
	if s != "" && !ok {
		return "", v, fieldError{name, "is not one of the values offered"}
	}
	return s, v, nil
}
