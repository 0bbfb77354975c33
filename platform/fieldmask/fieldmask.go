// Package fieldmask applies AIP-134 update masks to the top-level fields
// of a resource message.
package fieldmask

import (
	"fmt"
	"slices"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// Error names a path of an update mask that cannot be applied.
type Error struct{ Path, Reason string }

func (e *Error) Error() string { return fmt.Sprintf("update mask path %q: %s", e.Path, e.Reason) }

// Apply copies into dst the fields of src named by mask. An empty mask, or
// the single path "*", means every field in updatable. Paths are proto or
// JSON field names. The resource's name, its etag and its OUTPUT_ONLY
// fields are skipped (AIP-161, AIP-203: a client may PATCH back what it
// read, and grpc-gateway derives the mask of a PATCH from the keys of its
// body); any other path outside updatable is an *Error. dst and src must be
// the same message type.
func Apply(dst, src proto.Message, mask *fieldmaskpb.FieldMask, updatable []string) error {
	d, s := dst.ProtoReflect(), src.ProtoReflect()
	if d.Descriptor().FullName() != s.Descriptor().FullName() {
		return fmt.Errorf("fieldmask: %s and %s differ", d.Descriptor().FullName(), s.Descriptor().FullName())
	}
	fields := d.Descriptor().Fields()
	paths := mask.GetPaths()
	if len(paths) == 0 || (len(paths) == 1 && paths[0] == "*") {
		paths = updatable
	}
	for _, p := range paths {
		if p == "*" {
			return &Error{Path: p, Reason: `"*" must be the only path`}
		}
		fd := fields.ByName(protoreflect.Name(p))
		if fd == nil {
			fd = fields.ByJSONName(p)
		}
		if fd != nil && ignored(fd) {
			continue
		}
		if fd == nil || !slices.Contains(updatable, string(fd.Name())) {
			return &Error{Path: p, Reason: "not an updatable field"}
		}
		if s.Has(fd) {
			d.Set(fd, s.Get(fd))
		} else {
			d.Clear(fd)
		}
	}
	return nil
}

// ignored reports whether a mask path names a field that updates never set.
func ignored(fd protoreflect.FieldDescriptor) bool {
	if fd.Name() == "name" || fd.Name() == "etag" {
		return true
	}
	behaviors, _ := proto.GetExtension(fd.Options(), annotations.E_FieldBehavior).([]annotations.FieldBehavior)
	for _, b := range behaviors {
		if b == annotations.FieldBehavior_OUTPUT_ONLY || b == annotations.FieldBehavior_IDENTIFIER {
			return true
		}
	}
	return false
}
