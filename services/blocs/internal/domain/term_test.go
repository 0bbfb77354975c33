package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewTerm(t *testing.T) {
	ms := []*Membership{
		{Unit: "bac-kan", JoinedOn: day(2020, 1, 1)},
		{Unit: "tuyen-quang", JoinedOn: day(2022, 12, 31)},
		{Unit: "ha-giang", JoinedOn: day(2019, 1, 1), LeftOn: day(2022, 12, 31)},
		{Unit: "cao-bang", JoinedOn: day(2024, 1, 1)},
		{Unit: "lang-son", JoinedOn: day(2019, 1, 1), LeftOn: day(2023, 1, 1)},
	}
	for _, tc := range []struct {
		name         string
		group        *Group
		year         int
		head, deputy string
		want         wantErr
		role         string // "head" or "deputy", named in a NOT_A_MEMBER description
	}{
		{name: "both members", group: cluster(), year: 2023, head: "bac-kan", deputy: "tuyen-quang"},
		{name: "deputy left on 1 January", group: cluster(), year: 2023, head: "bac-kan", deputy: "lang-son"},
		{name: "last year of a former member", group: cluster(), year: 2022, head: "ha-giang", deputy: "bac-kan"},
		{
			name: "head left before the year", group: cluster(), year: 2023, head: "ha-giang", deputy: "bac-kan",
			want: wantErr{reason: "NOT_A_MEMBER", subject: "units/ha-giang"}, role: "head",
		},
		{
			name: "head joined after the year", group: cluster(), year: 2023, head: "cao-bang", deputy: "bac-kan",
			want: wantErr{reason: "NOT_A_MEMBER", subject: "units/cao-bang"}, role: "head",
		},
		{
			name: "head never a member", group: cluster(), year: 2023, head: "ghost", deputy: "bac-kan",
			want: wantErr{reason: "NOT_A_MEMBER", subject: "units/ghost"}, role: "head",
		},
		{
			name: "deputy left before the year", group: cluster(), year: 2023, head: "bac-kan", deputy: "ha-giang",
			want: wantErr{reason: "NOT_A_MEMBER", subject: "units/ha-giang"}, role: "deputy",
		},
		{
			name: "neither a member: the head is named", group: cluster(), year: 2023, head: "ghost", deputy: "ha-giang",
			want: wantErr{reason: "NOT_A_MEMBER", subject: "units/ghost"}, role: "head",
		},
		{
			name: "deputy is the head", group: cluster(), year: 2023, head: "bac-kan", deputy: "bac-kan",
			want: wantErr{fields: []string{"term.deputy"}},
		},
		{
			name: "deputy is the head, not a member", group: cluster(), year: 2023, head: "ghost", deputy: "ghost",
			want: wantErr{fields: []string{"term.deputy"}},
		},
		{name: "no head", group: cluster(), year: 2023, deputy: "bac-kan", want: wantErr{fields: []string{"term.head"}}},
		{name: "no deputy", group: cluster(), year: 2023, head: "bac-kan", want: wantErr{fields: []string{"term.deputy"}}},
		{name: "neither", group: cluster(), year: 2023, want: wantErr{fields: []string{"term.head", "term.deputy"}}},
		{
			name: "archived group", group: archived(), year: 2023, head: "bac-kan", deputy: "tuyen-quang",
			want: wantErr{reason: "GROUP_ARCHIVED", subject: "groups/cum-mien-nui"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term, err := NewTerm(tc.group, tc.year, tc.head, tc.deputy, ms, now)
			tc.want.check(t, err)
			if !tc.want.ok() {
				require.Nil(t, term)
				if tc.role != "" {
					re := requireRule(t, err, tc.want.reason, tc.want.subject)
					require.Contains(t, re.Description, "the "+tc.role+" ")
					require.Contains(t, re.Description, "groups/cum-mien-nui")
				}
				return
			}
			require.Equal(t, &Term{Group: "cum-mien-nui", Year: tc.year, Head: tc.head, Deputy: tc.deputy, CreateTime: now}, term)
		})
	}
}
