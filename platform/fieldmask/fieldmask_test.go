package fieldmask

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/apipb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/sourcecontextpb"
)

// apipb.Api is a well-known message with scalar, message and repeated
// fields: a stand-in for a resource.
func TestApply(t *testing.T) {
	updatable := []string{"version", "source_context"}
	cur := func() *apipb.Api {
		return &apipb.Api{Name: "old", Version: "v1", SourceContext: &sourcecontextpb.SourceContext{FileName: "a"}}
	}
	in := &apipb.Api{Name: "new", Version: "v2"}

	for _, tc := range []struct {
		name  string
		paths []string
		want  *apipb.Api
		err   string
	}{
		{"one path", []string{"version"}, &apipb.Api{Name: "old", Version: "v2", SourceContext: &sourcecontextpb.SourceContext{FileName: "a"}}, ""},
		{"json name clears unset", []string{"sourceContext"}, &apipb.Api{Name: "old", Version: "v1"}, ""},
		{"empty means all", nil, &apipb.Api{Name: "old", Version: "v2"}, ""},
		{"star means all", []string{"*"}, &apipb.Api{Name: "old", Version: "v2"}, ""},
		{"name is skipped", []string{"name", "version"}, &apipb.Api{Name: "old", Version: "v2", SourceContext: &sourcecontextpb.SourceContext{FileName: "a"}}, ""},
		{"not updatable", []string{"methods"}, nil, `"methods": not an updatable field`},
		{"unknown", []string{"nope"}, nil, "not an updatable field"},
		{"star with others", []string{"*", "version"}, nil, `"*" must be the only path`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := cur()
			err := Apply(dst, in, &fieldmaskpb.FieldMask{Paths: tc.paths}, updatable)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.True(t, proto.Equal(tc.want, dst), "got %v", dst)
		})
	}
}

func TestApplyRejectsOtherTypes(t *testing.T) {
	err := Apply(&apipb.Api{}, &apipb.Method{}, nil, []string{"name"})
	require.Error(t, err)
}
