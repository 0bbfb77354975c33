package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
)

// totalKey is a row of honour_totals without its sums: what statistics
// filter and group by.
type totalKey struct {
	AwardCode        string
	Year             int
	Province         string
	ProvinceOriginal string
	Authority        string
	Kind             domain.RecipientKind
}

// sums is a change to the totals of one key.
type sums struct{ honours, rewardVND int64 }

// totals gathers changes to honour_totals in a transaction.
type totals map[totalKey]sums

// add counts one honour, or takes it away with sign -1.
func (t totals) add(k totalKey, rewardVND int64, sign int64) {
	s := t[k]
	s.honours += sign
	s.rewardVND += sign * rewardVND
	t[k] = s
}

// totalKeyOf is the row of honour_totals that h counts in.
func totalKeyOf(h *domain.Honour) totalKey {
	return totalKey{h.AwardCode, h.ConferredOn.Year, h.Province, h.ProvinceOriginal, h.Authority, h.Recipient.Kind}
}

// totalsBatch keys go in one statement (8 values each: few enough for
// SQLite's lookup of "$N" parameters by name).
const totalsBatch = 100

// addTotals applies t to honour_totals. Keys go in a fixed order, so that
// two transactions that touch the same keys lock them in the same order
// and wait for each other rather than deadlock.
func (tx *Tx) addTotals(ctx context.Context, t totals) error {
	keys := make([]totalKey, 0, len(t))
	for k, s := range t {
		if s != (sums{}) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b totalKey) int {
		return cmp.Or(strings.Compare(a.AwardCode, b.AwardCode), cmp.Compare(a.Year, b.Year),
			strings.Compare(a.Province, b.Province), strings.Compare(a.ProvinceOriginal, b.ProvinceOriginal),
			strings.Compare(a.Authority, b.Authority), cmp.Compare(a.Kind, b.Kind))
	})
	for start := 0; start < len(keys); start += totalsBatch {
		batch := keys[start:min(start+totalsBatch, len(keys))]
		var b strings.Builder
		b.WriteString(`INSERT INTO honour_totals (award_code, year, province, province_original, authority, kind,
			honours, reward_vnd) VALUES `)
		args := make([]any, 0, 8*len(batch))
		for i, k := range batch {
			if i > 0 {
				b.WriteByte(',')
			}
			n := len(args)
			fmt.Fprintf(&b, "($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8)
			s := t[k]
			args = append(args, k.AwardCode, k.Year, k.Province, k.ProvinceOriginal, k.Authority, k.Kind, s.honours, s.rewardVND)
		}
		b.WriteString(` ON CONFLICT (award_code, year, province, province_original, authority, kind) DO UPDATE SET
			honours = honour_totals.honours + excluded.honours,
			reward_vnd = honour_totals.reward_vnd + excluded.reward_vnd`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("honour totals: %w", err)
		}
	}
	return nil
}
