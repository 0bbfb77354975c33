package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// EntryRef names an entry of a decision.
type EntryRef struct {
	DecisionID string
	Ordinal    int
}

// SealedCitizenIDs returns the sealed citizen ids of the entries refs name
// (those that have one): the register keeps only masked ids, and an honour
// names its entry.
func (r reader) SealedCitizenIDs(ctx context.Context, refs []EntryRef) (map[EntryRef][]byte, error) {
	byDecision := map[string][]int{}
	for _, e := range refs {
		byDecision[e.DecisionID] = append(byDecision[e.DecisionID], e.Ordinal)
	}
	out := make(map[EntryRef][]byte, len(refs))
	for _, id := range slices.Sorted(maps.Keys(byDecision)) {
		ordinals := byDecision[id]
		for chunk := range slices.Chunk(ordinals, 1000) {
			args := make([]any, 0, len(chunk)+1)
			args = append(args, id)
			ph := ""
			for i, o := range chunk {
				if i > 0 {
					ph += ","
				}
				ph += "$" + strconv.Itoa(i+2)
				args = append(args, o)
			}
			rows, err := r.Q.QueryContext(ctx, `SELECT ordinal, citizen_id_sealed FROM decision_entries
				WHERE decision_id = $1 AND ordinal IN (`+ph+`) AND citizen_id_sealed IS NOT NULL`, args...)
			if err != nil {
				return nil, fmt.Errorf("sealed citizen ids of decisions/%s: %w", id, err)
			}
			for rows.Next() {
				var (
					o      int
					sealed []byte
				)
				if err := rows.Scan(&o, &sealed); err != nil {
					rows.Close()
					return nil, err
				}
				out[EntryRef{id, o}] = sealed
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
