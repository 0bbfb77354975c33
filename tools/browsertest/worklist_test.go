package browsertest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func init() { register("worklist", testWorklist) }

// testWorklist checks each role's queues against the API's nominations
// in the same states: the clerk's drafts and returned dossiers, the
// officer's queues to appraise, publish, approve and confer, the council
// member's votes; and that another province's clerk has only their own.
func testWorklist(t *testing.T, s *site) {
	inState := func(person int, state string) []map[string]any {
		return s.listAll(t, person, "/v1/batches/-/nominations?state=NOMINATION_STATE_"+state, "nominations")
	}
	for _, person := range []int{Clerk, Officer, Council, OtherClerk} {
		p := s.as(t, person)
		p.open(t, "/worklist")
		figure := func(name string) string { return p.text(t, `[data-figure="`+name+`"]`) }
		has := func(name string) bool {
			return eval[int](t, p, `document.querySelectorAll('[data-figure="`+name+`"]').length`) > 0
		}
		switch person {
		case Clerk, OtherClerk:
			drafts, returned := inState(person, "DRAFT"), inState(person, "RETURNED")
			assert.Equal(t, num(len(drafts)), figure("drafts"), "person %d: drafts", person)
			assert.Equal(t, num(len(returned)), figure("returned"), "person %d: returned", person)
			assert.Len(t, p.texts(t, "#drafts tbody tr"), len(drafts), "person %d: rows of drafts", person)
			assert.False(t, has("appraise"), "person %d has no officer's queue", person)
			assert.False(t, has("votes"), "person %d has no votes", person)
		case Officer:
			p.screenshot(t, "worklist")
			assert.Equal(t, num(len(inState(person, "SUBMITTED"))), figure("appraise"), "to appraise")
			assert.Equal(t, num(len(inState(person, "APPRAISED"))), figure("publish"), "to publish")
			assert.Equal(t, num(len(inState(person, "PUBLISHED"))), figure("approve"), "to approve")
			batches := map[string]bool{}
			for _, n := range inState(person, "APPROVED") {
				name, _ := n["name"].(string)
				batches[worklistBatchOf(name)] = true
			}
			assert.Equal(t, num(len(batches)), figure("confer"), "batches to confer")
			assert.Len(t, p.texts(t, "#confer tbody tr"), len(batches))
			assert.False(t, has("drafts"), "an officer has no clerk's queue")
		case Council:
			votes := 0
			for _, n := range inState(person, "APPRAISED") {
				if n["vote"] == nil {
					votes++
				}
			}
			assert.Equal(t, num(votes), figure("votes"), "awaiting a vote")
			assert.False(t, has("appraise"), "a council member has no officer's queue")
		}
		testWorklistBatches(t, s, p)
	}
}

// testWorklistBatches checks the list of batches against the API's, for
// the same filters, and that a bad filter is the person's mistake (400).
func testWorklistBatches(t *testing.T, s *site, p *page) {
	for _, query := range []string{"", "?state=BATCH_STATE_SUBMITTED", "?authority=units/thai-nguyen&state=BATCH_STATE_DRAFT"} {
		p.open(t, "/batches"+query)
		want := s.listAll(t, p.person, "/v1/batches"+query, "batches")
		assert.Equal(t, num(len(want)), p.text(t, `[data-figure="batches"]`), "person %d: /batches%s", p.person, query)
		assert.Len(t, p.texts(t, "#batches tbody tr"), len(want), "person %d: rows of /batches%s", p.person, query)
	}
	p.open(t, "/batches?state=BOGUS")
	assert.Equal(t, 400, p.status(t), "a bad state filter")
	assert.Contains(t, p.text(t, ".error"), "state")
}

// worklistBatchOf is the batch of a nomination's name.
func worklistBatchOf(nomination string) string {
	for i, n := 0, 0; i < len(nomination); i++ {
		if nomination[i] == '/' {
			if n++; n == 2 {
				return nomination[:i]
			}
		}
	}
	return nomination
}
