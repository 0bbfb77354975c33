package server_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
)

// Control characters are refused in names and other free text, naming
// the field; a description may hold tabs and line breaks.
func TestControlCharactersRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c blocsv1.BlocsServiceClient) {
		ctx := t.Context()
		unit := func(display, short string) *blocsv1.CreateUnitRequest {
			return &blocsv1.CreateUnitRequest{Unit: &blocsv1.Unit{DisplayName: display, ShortName: short,
				Kind: blocsv1.UnitKind_UNIT_KIND_AGENCY, Level: blocsv1.UnitLevel_UNIT_LEVEL_CENTRAL}}
		}
		for _, tc := range []struct {
			req   *blocsv1.CreateUnitRequest
			field string
		}{
			{unit("Bộ Nội vụ\x00", ""), "unit.displayName"},
			{unit("Bộ\nNội vụ", ""), "unit.displayName"},
			{unit("Bộ Nội vụ", "Nội\tvụ"), "unit.shortName"},
			{unit("Bộ Nội vụ", "Nội\u009bvụ"), "unit.shortName"},
		} {
			_, err := c.CreateUnit(ctx, tc.req)
			requireCode(t, err, codes.InvalidArgument, tc.field)
		}
		_, err := c.ListUnits(ctx, &blocsv1.ListUnitsRequest{Query: "bac\x00kan"})
		requireCode(t, err, codes.InvalidArgument, "query")

		board, err := c.CreateUnit(ctx, unit("Ban Thi đua – Khen thưởng Trung ương", "Ban TĐKT"))
		require.NoError(t, err)
		group := func(display, description string) *blocsv1.CreateGroupRequest {
			return &blocsv1.CreateGroupRequest{Group: &blocsv1.Group{Kind: blocsv1.GroupKind_GROUP_KIND_CLUSTER,
				DisplayName: display, Description: description, Organizer: board.GetName()}}
		}
		_, err = c.CreateGroup(ctx, group("Cụm\x00 thi đua", ""))
		requireCode(t, err, codes.InvalidArgument, "group.displayName")
		_, err = c.CreateGroup(ctx, group("Cụm thi đua", "Mô tả\x00"))
		requireCode(t, err, codes.InvalidArgument, "group.description")
		_, err = c.CreateGroup(ctx, group("Cụm thi đua", "Dòng một\r\n\tdòng hai"))
		require.NoError(t, err)
	})
}
