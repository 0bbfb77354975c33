package domain

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewScore(t *testing.T) {
	c := &Covenant{Group: "cum-mien-nui", Year: 2023, Criteria: []Criterion{
		{ID: "a", Title: "A", MaxPoints: 10},
		{ID: "b", Title: "B", MaxPoints: 20.5},
		{ID: "c", Title: "C", MaxPoints: 0.3},
	}}
	for _, tc := range []struct {
		name      string
		group     *Group
		unit      string
		points    map[string]float64
		women     float64
		want      wantErr
		wantTotal float64
		contains  []string // in the first violation's description
	}{
		{name: "full marks", group: cluster(), unit: "bac-kan", points: map[string]float64{"a": 10, "b": 20.5, "c": 0.3}, women: 0.4, wantTotal: 30.8},
		{name: "criteria left out count 0", group: cluster(), unit: "bac-kan", points: map[string]float64{"b": 7.25}, wantTotal: 7.25},
		{name: "no points", group: cluster(), unit: "bac-kan", points: nil, wantTotal: 0},
		{name: "zero points", group: cluster(), unit: "bac-kan", points: map[string]float64{"a": 0, "b": 0}, wantTotal: 0},
		{name: "total is rounded to thousandths", group: cluster(), unit: "bac-kan", points: map[string]float64{"a": 0.1, "c": 0.2}, wantTotal: 0.3},
		{name: "women share 0", group: cluster(), unit: "bac-kan", points: map[string]float64{"a": 1}, women: 0, wantTotal: 1},
		{name: "women share 1", group: cluster(), unit: "bac-kan", points: map[string]float64{"a": 1}, women: 1, wantTotal: 1},
		{
			name: "unknown criterion", group: cluster(), unit: "bac-kan", points: map[string]float64{"a": 1, "x": 1},
			want: wantErr{fields: []string{`score.points["x"]`}}, contains: []string{`"x"`, "groups/cum-mien-nui/covenants/2023"},
		},
		{
			name: "above the maximum", group: cluster(), unit: "bac-kan", points: map[string]float64{"a": 10.5},
			want: wantErr{fields: []string{`score.points["a"]`}}, contains: []string{"10.5", "maximum of 10"},
		},
		{
			name: "just above a fractional maximum", group: cluster(), unit: "bac-kan", points: map[string]float64{"b": 20.51},
			want: wantErr{fields: []string{`score.points["b"]`}}, contains: []string{"20.51", "20.5"},
		},
		{
			name: "infinite", group: cluster(), unit: "bac-kan", points: map[string]float64{"a": math.Inf(1)},
			want: wantErr{fields: []string{`score.points["a"]`}},
		},
		{
			name: "negative", group: cluster(), unit: "bac-kan", points: map[string]float64{"b": -1},
			want: wantErr{fields: []string{`score.points["b"]`}}, contains: []string{"at least 0"},
		},
		{
			name: "minus infinite", group: cluster(), unit: "bac-kan", points: map[string]float64{"b": math.Inf(-1)},
			want: wantErr{fields: []string{`score.points["b"]`}},
		},
		{
			name: "NaN", group: cluster(), unit: "bac-kan", points: map[string]float64{"c": math.NaN()},
			want: wantErr{fields: []string{`score.points["c"]`}}, contains: []string{"at least 0"},
		},
		{
			name: "every violation, by criterion id", group: cluster(), unit: "bac-kan",
			points: map[string]float64{"z": 1, "b": 99, "a": -1, "c": 0.1}, women: 2,
			want: wantErr{fields: []string{`score.points["a"]`, `score.points["b"]`, `score.points["z"]`, "score.womenShare"}},
		},
		{
			name: "women share below 0", group: cluster(), unit: "bac-kan", women: -0.01,
			want: wantErr{fields: []string{"score.womenShare"}},
		},
		{
			name: "women share above 1", group: cluster(), unit: "bac-kan", women: 1.01,
			want: wantErr{fields: []string{"score.womenShare"}},
		},
		{
			name: "women share NaN", group: cluster(), unit: "bac-kan", women: math.NaN(),
			want: wantErr{fields: []string{"score.womenShare"}},
		},
		{
			name: "not a member", group: cluster(), unit: "cao-bang", points: map[string]float64{"a": 1},
			want: wantErr{reason: "NOT_A_MEMBER", subject: "units/cao-bang"},
		},
		{
			name: "not a member, bad points too", group: cluster(), unit: "cao-bang", points: map[string]float64{"x": 1},
			want: wantErr{reason: "NOT_A_MEMBER", subject: "units/cao-bang"},
		},
		{name: "no unit", group: cluster(), unit: "", want: wantErr{fields: []string{"score.unit"}}},
		{
			name: "archived group", group: archived(), unit: "bac-kan", points: map[string]float64{"a": 1},
			want: wantErr{reason: "GROUP_ARCHIVED", subject: "groups/cum-mien-nui"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewScore(tc.group, c, tc.unit, tc.points, tc.women, "  Nguyễn Văn A ", members2023, now)
			tc.want.check(t, err)
			if !tc.want.ok() {
				require.Nil(t, s)
				if tc.contains != nil {
					fe := requireFields(t, err, tc.want.fields...)
					for _, want := range tc.contains {
						require.Contains(t, fe[0].Description, want)
					}
				}
				return
			}
			require.Equal(t, tc.wantTotal, s.Total)
			require.Equal(t, "cum-mien-nui", s.Group)
			require.Equal(t, 2023, s.Year)
			require.Equal(t, tc.unit, s.Unit)
			require.Equal(t, tc.points, s.Points)
			require.Equal(t, tc.women, s.WomenShare)
			require.Equal(t, "Nguyễn Văn A", s.SubmittedBy)
			require.Equal(t, now, s.SubmitTime)
			require.Equal(t, "groups/cum-mien-nui/covenants/2023/scores/"+tc.unit, s.Name())
		})
	}
}
