package browsertest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() { register("blocs", testBlocs) }

// demoCluster is the demo's cluster of the northern midland and
// mountain provinces, with its members of 2023, its 2023 term, covenant,
// scores and ranking.
const demoCluster = "cum-trung-du-mien-nui-phia-bac"

// testBlocs checks the list of groups and a group's members, terms and
// ranking against the API's.
func testBlocs(t *testing.T, s *site) {
	for _, person := range []int{Officer, Anonymous} {
		p := s.as(t, person)
		p.open(t, "/blocs")
		assert.Equal(t, num(len(s.listAll(t, person, "/v1/groups", "groups"))), p.text(t, `[data-figure="groups"]`), "person %d: groups", person)
		p.open(t, "/blocs?kind=cluster")
		assert.Equal(t, num(len(s.listAll(t, person, "/v1/groups?kind=GROUP_KIND_CLUSTER", "groups"))), p.text(t, `[data-figure="groups"]`), "person %d: clusters", person)

		p.open(t, "/blocs/"+demoCluster)
		members := s.listAll(t, person, "/v1/groups/"+demoCluster+"/memberships", "memberships")
		require.NotEmpty(t, members)
		assert.Equal(t, num(len(members)), p.text(t, `[data-figure="members"]`), "person %d: members", person)
		assert.Len(t, p.texts(t, "#members-table tbody tr"), len(members), "person %d: member rows", person)
		terms := s.listAll(t, person, "/v1/groups/"+demoCluster+"/terms", "terms")
		assert.Equal(t, num(len(terms)), p.text(t, `[data-figure="terms"]`), "person %d: terms", person)
		assert.Len(t, p.texts(t, "#terms-table tbody tr"), len(terms), "person %d: term rows", person)

		var ranking struct {
			Entries []struct {
				Unit            string `json:"unit"`
				UnitDisplayName string `json:"unitDisplayName"`
				Rank            int    `json:"rank"`
				Proposal        string `json:"proposal"`
			} `json:"entries"`
		}
		s.api(t, person, "/v1/groups/"+demoCluster+"/covenants/2023/ranking", &ranking)
		require.NotEmpty(t, ranking.Entries, "the demo's 2023 ranking")
		p.open(t, "/blocs/"+demoCluster+"?year=2023")
		rows := p.texts(t, "#ranking-table tbody tr")
		require.Len(t, rows, len(ranking.Entries), "person %d: ranking rows", person)
		for i, e := range ranking.Entries {
			assert.Contains(t, rows[i], e.UnitDisplayName, "person %d: rank %d", person, i+1)
			switch e.Proposal {
			case "PROPOSAL_FLAG":
				assert.Contains(t, rows[i], "Cờ thi đua", "person %d: %s proposed for the flag", person, e.Unit)
			case "PROPOSAL_CERTIFICATE":
				assert.Contains(t, rows[i], "Bằng khen", "person %d: %s proposed for a certificate", person, e.Unit)
			}
		}
		if person == Officer {
			p.screenshot(t, "blocs")
		}

		p.open(t, "/blocs?kind=nonsense")
		assert.Equal(t, 400, p.status(t), "a bad filter is the person's mistake")
		assert.True(t, strings.Contains(p.text(t, "main"), "kind"), "the error names the field")
	}
}
