package lineage

import (
	"fmt"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/resname"
)

// Inactive says why the unit id cannot be named where an active unit is
// needed, as the description of a field error: it is not among units (it
// does not exist), or it was dissolved (the description names its
// successor, which the caller should name instead). It returns "" when the
// unit is active.
func Inactive(units map[string]Unit, id string) (problem string) {
	u, ok := units[id]
	switch {
	case !ok:
		return fmt.Sprintf("%s does not exist", resname.Unit.Format(id))
	case u.Dissolved && u.Current != "" && u.Current != id:
		return fmt.Sprintf("%s was dissolved on %s; its successor is %s", resname.Unit.Format(id), u.DissolvedOn, resname.Unit.Format(u.Current))
	case u.Dissolved:
		return fmt.Sprintf("%s was dissolved on %s", resname.Unit.Format(id), u.DissolvedOn)
	}
	return ""
}

// InactiveOn says, as Inactive does, why the unit id cannot be named where
// a unit active on day d is needed (a record dated d, such as a batch whose
// submission letter was signed on d): it does not exist, or it was
// dissolved on d or before (the description names its successor). A unit
// dissolved after d was active on d: "". A zero d is today's question:
// Inactive.
func InactiveOn(units map[string]Unit, id string, d civil.Date) (problem string) {
	if u, ok := units[id]; ok && !d.IsZero() && u.Dissolved && d.Before(u.DissolvedOn) {
		return ""
	}
	return Inactive(units, id)
}
