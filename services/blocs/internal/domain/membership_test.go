package domain

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

func TestMembershipInYear(t *testing.T) {
	for _, tc := range []struct {
		name    string
		m       Membership
		in, out []int
	}{
		{"joined on 31 December, still a member", Membership{JoinedOn: day(2023, 12, 31)}, []int{2023, 2024, 2200}, []int{2022}},
		{"joined on 1 January", Membership{JoinedOn: day(2024, 1, 1)}, []int{2024}, []int{2023}},
		{"left on 1 January", Membership{JoinedOn: day(2020, 3, 1), LeftOn: day(2023, 1, 1)}, []int{2020, 2021, 2023}, []int{2019, 2024}},
		{"left on 31 December", Membership{JoinedOn: day(2020, 3, 1), LeftOn: day(2022, 12, 31)}, []int{2022}, []int{2023}},
		{"one day", Membership{JoinedOn: day(2023, 6, 15), LeftOn: day(2023, 6, 15)}, []int{2023}, []int{2022, 2024}},
		{"still a member in the last year", Membership{JoinedOn: day(1945, 9, 2)}, []int{1945, 2200}, []int{1944}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, y := range tc.in {
				require.True(t, tc.m.InYear(y), "in %d", y)
			}
			for _, y := range tc.out {
				require.False(t, tc.m.InYear(y), "in %d", y)
			}
		})
	}
}

func TestMembershipOverlaps(t *testing.T) {
	march := Membership{JoinedOn: day(2023, 3, 1), LeftOn: day(2023, 3, 31)}
	open := Membership{JoinedOn: day(2023, 3, 1)}
	for _, tc := range []struct {
		name     string
		m        Membership
		from, to civil.Date
		want     bool
	}{
		{"ends on the first day", march, day(2023, 3, 31), day(2023, 4, 30), true},
		{"after it", march, day(2023, 4, 1), day(2023, 4, 30), false},
		{"starts on the last day", march, day(2023, 2, 1), day(2023, 3, 1), true},
		{"before it", march, day(2023, 2, 1), day(2023, 2, 28), false},
		{"one day inside", march, day(2023, 3, 10), day(2023, 3, 10), true},
		{"around it", march, day(2022, 1, 1), day(2024, 1, 1), true},
		{"open, far later", open, day(2199, 1, 1), day(2200, 12, 31), true},
		{"open, day before joining", open, day(2023, 2, 28), day(2023, 2, 28), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.m.Overlaps(tc.from, tc.to))
		})
	}
}

func TestMembersInYear(t *testing.T) {
	ms := []*Membership{
		{Unit: "a", JoinedOn: day(2020, 1, 1), LeftOn: day(2022, 12, 31)},
		{Unit: "a", JoinedOn: day(2023, 12, 31)},
		{Unit: "b", JoinedOn: day(2023, 5, 1), LeftOn: day(2023, 5, 2)},
		{Unit: "c", JoinedOn: day(2024, 1, 1)},
		{Unit: "d", JoinedOn: day(2019, 1, 1), LeftOn: day(2023, 1, 1)},
	}
	require.Equal(t, map[string]bool{"a": true, "b": true, "d": true}, MembersInYear(ms, 2023))
	require.Equal(t, map[string]bool{"a": true, "d": true}, MembersInYear(ms, 2022))
	require.Equal(t, map[string]bool{"a": true, "c": true}, MembersInYear(ms, 2024))
	require.Empty(t, MembersInYear(ms, 2018))
	require.Empty(t, MembersInYear(nil, 2023))
}

func TestNewMembership(t *testing.T) {
	active := &Unit{ID: "bac-kan", State: UnitActive}
	dissolved := &Unit{ID: "bac-kan", State: UnitDissolved, Successor: "thai-nguyen", DissolvedOn: day(2025, 7, 1)}
	dissolvedNewYear := &Unit{ID: "bac-kan", State: UnitDissolved, Successor: "thai-nguyen", DissolvedOn: day(2025, 1, 1)}
	prev := func(joined, left civil.Date) []*Membership {
		return []*Membership{{Group: "cum-mien-nui", ID: "m1", Unit: "bac-kan", JoinedOn: joined, LeftOn: left}}
	}
	for _, tc := range []struct {
		name     string
		group    *Group
		unit     *Unit
		joined   civil.Date
		existing []*Membership
		want     wantErr
		wantLeft civil.Date
	}{
		{name: "first membership", group: cluster(), unit: active, joined: day(2023, 1, 1)},
		{
			name: "overlapping an open membership", group: cluster(), unit: active, joined: day(2024, 1, 1),
			existing: prev(day(2020, 1, 1), civil.Date{}),
			want:     wantErr{reason: "ALREADY_MEMBER", subject: "units/bac-kan"},
		},
		{
			name: "on the day the previous one ended", group: cluster(), unit: active, joined: day(2022, 6, 30),
			existing: prev(day(2020, 1, 1), day(2022, 6, 30)),
			want:     wantErr{reason: "ALREADY_MEMBER", subject: "units/bac-kan"},
		},
		{
			name: "the day after the previous one ended", group: cluster(), unit: active, joined: day(2022, 7, 1),
			existing: prev(day(2020, 1, 1), day(2022, 6, 30)),
		},
		{
			name: "open-ended before a later membership", group: cluster(), unit: active, joined: day(2024, 1, 1),
			existing: prev(day(2025, 1, 1), civil.Date{}),
			want:     wantErr{reason: "ALREADY_MEMBER", subject: "units/bac-kan"},
		},
		{
			name: "another unit's membership", group: cluster(), unit: active, joined: day(2023, 1, 1),
			existing: []*Membership{{Group: "cum-mien-nui", ID: "m1", Unit: "tuyen-quang", JoinedOn: day(2020, 1, 1)}},
		},
		{
			name: "dissolved unit, on the day of dissolution", group: cluster(), unit: dissolved, joined: day(2025, 7, 1),
			want: wantErr{reason: "UNIT_DISSOLVED", subject: "units/bac-kan"},
		},
		{
			name: "dissolved unit, after dissolution", group: cluster(), unit: dissolved, joined: day(2025, 8, 1),
			want: wantErr{reason: "UNIT_DISSOLVED", subject: "units/bac-kan"},
		},
		{
			name: "dissolved unit, the day before dissolution", group: cluster(), unit: dissolved, joined: day(2025, 6, 30),
			wantLeft: day(2025, 6, 30),
		},
		{
			name: "dissolved unit, long before dissolution", group: cluster(), unit: dissolved, joined: day(2021, 1, 1),
			wantLeft: day(2025, 6, 30),
		},
		{
			name: "dissolved on 1 January ends on 31 December", group: cluster(), unit: dissolvedNewYear, joined: day(2024, 3, 1),
			wantLeft: day(2024, 12, 31),
		},
		{
			name: "dissolved unit, before a later membership", group: cluster(), unit: dissolved, joined: day(2021, 1, 1),
			existing: prev(day(2025, 6, 1), day(2025, 6, 30)),
			want:     wantErr{reason: "ALREADY_MEMBER", subject: "units/bac-kan"},
		},
		{
			name: "dissolved unit, after an earlier membership", group: cluster(), unit: dissolved, joined: day(2024, 1, 1),
			existing: prev(day(2020, 1, 1), day(2023, 12, 31)),
			wantLeft: day(2025, 6, 30),
		},
		{
			name: "no joining date", group: cluster(), unit: active,
			want: wantErr{fields: []string{"membership.joinedOn"}},
		},
		{
			name: "archived group", group: archived(), unit: active, joined: day(2023, 1, 1),
			want: wantErr{reason: "GROUP_ARCHIVED", subject: "groups/cum-mien-nui"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewMembership(tc.group, "m2", tc.unit, tc.joined, tc.existing, now)
			tc.want.check(t, err)
			if !tc.want.ok() {
				require.Nil(t, m)
				return
			}
			require.Equal(t, &Membership{
				Group: "cum-mien-nui", ID: "m2", Unit: "bac-kan",
				JoinedOn: tc.joined, LeftOn: tc.wantLeft, CreateTime: now,
			}, m)
			require.Equal(t, "groups/cum-mien-nui/memberships/m2", m.Name())
		})
	}
}

func TestNewMembershipAlreadyMemberNamesTheMembership(t *testing.T) {
	existing := []*Membership{{Group: "cum-mien-nui", ID: "m1", Unit: "bac-kan", JoinedOn: day(2020, 1, 1)}}
	_, err := NewMembership(cluster(), "m2", &Unit{ID: "bac-kan", State: UnitActive}, day(2023, 1, 1), existing, now)
	re := requireRule(t, err, "ALREADY_MEMBER", "units/bac-kan")
	require.Contains(t, re.Description, "groups/cum-mien-nui/memberships/m1")
	require.Contains(t, re.Description, "2020-01-01")
}

func TestMembershipEnd(t *testing.T) {
	for _, tc := range []struct {
		name   string
		m      Membership
		leftOn civil.Date
		want   wantErr
	}{
		{"later", Membership{JoinedOn: day(2020, 1, 1)}, day(2023, 6, 30), wantErr{}},
		{"the day it began", Membership{JoinedOn: day(2020, 1, 1)}, day(2020, 1, 1), wantErr{}},
		{"before it began", Membership{JoinedOn: day(2020, 1, 1)}, day(2019, 12, 31), wantErr{fields: []string{"leftOn"}}},
		{"no date", Membership{JoinedOn: day(2020, 1, 1)}, civil.Date{}, wantErr{fields: []string{"leftOn"}}},
		{
			"already ended", Membership{Group: "g", ID: "m1", JoinedOn: day(2020, 1, 1), LeftOn: day(2022, 12, 31)}, day(2023, 6, 30),
			wantErr{reason: "MEMBERSHIP_ENDED", subject: "groups/g/memberships/m1"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			err := m.End(tc.leftOn)
			tc.want.check(t, err)
			if !tc.want.ok() {
				require.Equal(t, tc.m, m)
				return
			}
			require.Equal(t, tc.leftOn, m.LeftOn)
		})
	}
}

func TestMembershipEndTwice(t *testing.T) {
	m := &Membership{Group: "g", ID: "m1", JoinedOn: day(2020, 1, 1)}
	require.NoError(t, m.End(day(2022, 12, 31)))
	requireRule(t, m.End(day(2023, 12, 31)), "MEMBERSHIP_ENDED", "groups/g/memberships/m1")
	require.Equal(t, day(2022, 12, 31), m.LeftOn)
	require.False(t, m.InYear(2023))
}
