package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func cluster() *Group {
	return &Group{ID: "cum-mien-nui", Kind: Cluster, DisplayName: "Cụm thi đua các tỉnh miền núi", Organizer: "ban-tdkt-tw", State: GroupActive, Version: 1}
}

func archived() *Group {
	g := cluster()
	g.State, g.Version = GroupArchived, 2
	return g
}

func TestGroupFieldsValidate(t *testing.T) {
	organizer := &Unit{ID: "ban-tdkt-tw", State: UnitActive}
	valid := GroupFields{Kind: Bloc, DisplayName: "Khối các cơ quan tổng hợp", Organizer: "ban-tdkt-tw"}
	for _, tc := range []struct {
		name      string
		f         GroupFields
		organizer *Unit
		fields    []string
		contains  string
	}{
		{"valid", valid, organizer, nil, ""},
		{"nothing", GroupFields{}, nil, []string{"group.kind", "group.displayName", "group.organizer"}, "is required"},
		{"missing kind", GroupFields{DisplayName: "Khối", Organizer: "ban-tdkt-tw"}, organizer, []string{"group.kind"}, "is required"},
		{"missing display name", GroupFields{Kind: Cluster, Organizer: "ban-tdkt-tw"}, organizer, []string{"group.displayName"}, "is required"},
		{"missing organizer", GroupFields{Kind: Cluster, DisplayName: "Cụm"}, nil, []string{"group.organizer"}, "is required"},
		{"unknown organizer", GroupFields{Kind: Cluster, DisplayName: "Cụm", Organizer: "ghost"}, nil, []string{"group.organizer"}, "units/ghost does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.Validate("group", tc.organizer)
			if tc.fields == nil {
				require.NoError(t, err)
				return
			}
			fe := requireFields(t, err, tc.fields...)
			require.Contains(t, fe[0].Description, tc.contains)
		})
	}
}

func TestNewGroup(t *testing.T) {
	f := GroupFields{Kind: Bloc, DisplayName: "Khối các cơ quan tổng hợp", Organizer: "ban-tdkt-tw", Description: "Dòng 1\nDòng 2"}
	g := NewGroup("khoi-tong-hop", f, now)
	require.Equal(t, "khoi-tong-hop", g.ID)
	require.Equal(t, GroupActive, g.State)
	require.Equal(t, int64(1), g.Version)
	require.Equal(t, now, g.CreateTime)
	require.Equal(t, now, g.UpdateTime)
	require.Equal(t, f, g.Fields())
	require.NoError(t, g.CheckActive())
	require.Equal(t, "khoi cac co quan tong hop", g.SearchText())
}

func TestGroupFieldsNormalize(t *testing.T) {
	f := GroupFields{DisplayName: "  Cụm   thi đua\u0300 ", Description: "  Dòng 1\n\nDo\u0300ng 2  "}
	f.Normalize()
	require.Equal(t, "Cụm thi đuà", f.DisplayName)
	// The description keeps its spaces and line breaks, in NFC.
	require.Equal(t, "  Dòng 1\n\nDòng 2  ", f.Description)
}

func TestGroupUpdate(t *testing.T) {
	f := GroupFields{Kind: Cluster, DisplayName: "Cụm thi đua số 1", Organizer: "ubnd-thai-binh", Description: "mới"}
	for _, tc := range []struct {
		name  string
		group func() *Group
		etag  string
		want  wantErr
	}{
		{"no etag", cluster, "", wantErr{}},
		{"current etag", cluster, `"1"`, wantErr{}},
		{"stale etag", cluster, `"2"`, wantErr{stale: true}},
		{"archived", archived, "", wantErr{reason: "GROUP_ARCHIVED", subject: "groups/cum-mien-nui"}},
		{"archived with current etag", archived, `"2"`, wantErr{reason: "GROUP_ARCHIVED", subject: "groups/cum-mien-nui"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.group()
			before := *g
			err := g.Update(f, tc.etag, later)
			tc.want.check(t, err)
			if !tc.want.ok() {
				require.Equal(t, before, *g)
				return
			}
			require.Equal(t, f, g.Fields())
			require.Equal(t, before.Version+1, g.Version)
			require.Equal(t, later, g.UpdateTime)
			require.Equal(t, GroupActive, g.State)
		})
	}
}

func TestGroupArchive(t *testing.T) {
	for _, tc := range []struct {
		name  string
		group func() *Group
		etag  string
		want  wantErr
	}{
		{"active", cluster, "", wantErr{}},
		{"current etag", cluster, `"1"`, wantErr{}},
		{"stale etag", cluster, `"7"`, wantErr{stale: true}},
		{"already archived", archived, "", wantErr{reason: "GROUP_ARCHIVED", subject: "groups/cum-mien-nui"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.group()
			before := *g
			err := g.Archive(tc.etag, later)
			tc.want.check(t, err)
			if !tc.want.ok() {
				require.Equal(t, before, *g)
				return
			}
			require.Equal(t, GroupArchived, g.State)
			require.Equal(t, int64(2), g.Version)
			require.Equal(t, later, g.UpdateTime)
			requireRule(t, g.CheckActive(), "GROUP_ARCHIVED", "groups/cum-mien-nui")
		})
	}
}

func TestGroupArchiveTwice(t *testing.T) {
	g := cluster()
	require.NoError(t, g.Archive(g.Etag(), now))
	requireRule(t, g.Archive(g.Etag(), later), "GROUP_ARCHIVED", "groups/cum-mien-nui")
	require.Equal(t, now, g.UpdateTime)
	require.Equal(t, int64(2), g.Version)
}
