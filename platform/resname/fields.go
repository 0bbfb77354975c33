package resname

import (
	"errors"
	"fmt"

	gdate "google.golang.org/genproto/googleapis/type/date"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
)

// Fields reads the fields of one request and collects what is wrong with
// them; Err returns the violations as one InvalidArgument. Fields are named
// by their JSON path ("unit.province"). The zero Fields is ready to use.
type Fields struct {
	errs domainerr.FieldErrors
}

// Add records a violation of field.
func (f *Fields) Add(field, format string, args ...any) {
	f.errs = append(f.errs, domainerr.FieldError{Field: field, Description: fmt.Sprintf(format, args...)})
}

// Merge records the violations of err when it is a domainerr.FieldErrors
// (or FieldError) and returns nil; any other error is returned as it is.
func (f *Fields) Merge(err error) error {
	var (
		many domainerr.FieldErrors
		one  domainerr.FieldError
	)
	switch {
	case err == nil:
	case errors.As(err, &many):
		f.errs = append(f.errs, many...)
	case errors.As(err, &one):
		f.errs = append(f.errs, one)
	default:
		return err
	}
	return nil
}

// Has reports whether field has a violation already.
func (f *Fields) Has(field string) bool {
	for _, e := range f.errs {
		if e.Field == field {
			return true
		}
	}
	return false
}

// Err returns the violations, nil when there is none.
func (f *Fields) Err() error { return f.errs.Err() }

// ID reads an optional reference of pattern p (one variable) and returns
// its id; "" is no reference.
func (f *Fields) ID(field, name string, p Pattern) string {
	if name == "" {
		return ""
	}
	id, ok := p.ID(name)
	if !ok {
		f.Add(field, "must be %s", p)
	}
	return id
}

// RequiredID is ID for a reference that must be present.
func (f *Fields) RequiredID(field, name string, p Pattern) string {
	if name == "" {
		f.Add(field, "is required")
		return ""
	}
	return f.ID(field, name, p)
}

// Date reads an optional full date.
func (f *Fields) Date(field string, p *gdate.Date) civil.Date {
	d, err := civil.FromProto(p)
	if err != nil {
		f.Add(field, "is not a valid full date between %d and %d", civil.MinYear, civil.MaxYear)
	}
	return d
}

// RequiredDate reads a full date that must be present.
func (f *Fields) RequiredDate(field string, p *gdate.Date) civil.Date {
	d := f.Date(field, p)
	if d.IsZero() && !f.Has(field) {
		f.Add(field, "is required")
	}
	return d
}

// Field returns InvalidArgument naming one field, worded like Fields'
// violations: Field("name", resname.Unit) is "name: must be units/{unit}".
func Field(field string, p Pattern) error {
	return domainerr.Field(field, "must be %s", p)
}

// FieldID returns the id of name, a reference of pattern p (one variable)
// that field holds; when name is not one, the error is Field(field, p).
func (p Pattern) FieldID(field, name string) (string, error) {
	id, ok := p.ID(name)
	if !ok {
		return "", Field(field, p)
	}
	return id, nil
}
