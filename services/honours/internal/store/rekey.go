package store

import (
	"context"
	"fmt"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
)

// Rebind moves a citizen id sealed for the entry (decisionID, ordinal)
// under the seal binding of before recipient keys were keyed (its decision
// and its old key) to its entry's binding, and returns it sealed anew.
type Rebind func(decisionID string, ordinal int, oldKey string, sealed []byte) ([]byte, error)

// Rekeyed says what Rekey changed.
type Rekeyed struct {
	// From is the generation the keys were of ("" for the unkeyed keys of
	// before), To the one they are of now.
	From, To string
	// Entries and Keys count the entries rewritten and the distinct keys
	// of the register rewritten.
	Entries, Keys int
}

// rekeyBatch is how many rows one transaction of Rekey rewrites.
const rekeyBatch = 1000

// Rekey brings every recipient key of the database to the keyring's
// current generation (recipientkey.Keyring.Current) when the database says they
// are of another: after keys became blind indexes, and after a rotation.
// A key is brought forward from the key itself, so no citizen id is
// needed; a citizen id sealed under the binding of before (its decision
// and unkeyed key) is moved to its entry's binding with rebind, which is
// nil without the personal data key: such a database cannot be rekeyed
// then, and Rekey says so. Each batch of rows is a transaction; a Rekey
// that stops half-way (a crash) goes on where it was at the next start,
// and two replicas starting at once write the same keys.
//
// Rows a replica still running with the old secrets writes after Rekey
// are not seen again: stop every replica before starting with new
// secrets (docs/personal-data.md).
func (s *Store) Rekey(ctx context.Context, keys *recipientkey.Keyring, rebind Rebind) (Rekeyed, error) {
	r := Rekeyed{To: keys.Generation()}
	if err := s.DB.QueryRowContext(ctx, `SELECT generation FROM recipient_key_generation WHERE id = 1`).Scan(&r.From); err != nil {
		return r, fmt.Errorf("recipient key generation: %w", err)
	}
	if r.From == r.To {
		return r, nil
	}
	if !keys.Knows(r.From) {
		return r, fmt.Errorf("the recipient keys of the database are of generation %s, which the configured secrets do not extend: "+
			"a secret was replaced or dropped instead of a new one appended (docs/personal-data.md)", r.From)
	}
	// A key of the current generation is "kind:" + generation + "." + …;
	// a collective's needs none.
	stale := `recipient_key NOT LIKE 'unit:%' AND recipient_key NOT LIKE '%:` + r.To + `.%'`

	// Entries, in primary key order: each row may have a seal to move.
	var afterID string
	afterOrdinal := 0
	for {
		n := 0
		err := s.DB.InTx(ctx, func(tx *sqlstore.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT decision_id, ordinal, recipient_key, citizen_id_sealed
				FROM decision_entries WHERE `+stale+` AND (decision_id > $1 OR (decision_id = $1 AND ordinal > $2))
				ORDER BY decision_id, ordinal LIMIT `+fmt.Sprint(rekeyBatch), afterID, afterOrdinal)
			if err != nil {
				return err
			}
			type row struct {
				id       string
				ordinal  int
				key, was string
				sealed   []byte
			}
			var batch []row
			for rows.Next() {
				var e row
				if err := rows.Scan(&e.id, &e.ordinal, &e.was, &e.sealed); err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, e)
			}
			if err := rows.Err(); err != nil {
				return err
			}
			rows.Close()
			for _, e := range batch {
				var ok bool
				if e.key, ok = keys.Current(e.was); !ok {
					return fmt.Errorf("entry %d of decisions/%s: its recipient key is not one the configured secrets bring forward", e.ordinal, e.id)
				}
				if len(e.sealed) > 0 && recipientkey.KeyGeneration(e.was) == "" {
					if rebind == nil {
						return fmt.Errorf("entry %d of decisions/%s holds a citizen id sealed under its old recipient key: "+
							"start once with the personal data key, so that it can be sealed anew", e.ordinal, e.id)
					}
					if e.sealed, err = rebind(e.id, e.ordinal, e.was, e.sealed); err != nil {
						return fmt.Errorf("entry %d of decisions/%s: %w", e.ordinal, e.id, err)
					}
				}
				var sealed any
				if len(e.sealed) > 0 {
					sealed = e.sealed
				}
				if _, err := tx.ExecContext(ctx, `UPDATE decision_entries SET recipient_key = $3, citizen_id_sealed = $4
					WHERE decision_id = $1 AND ordinal = $2`, e.id, e.ordinal, e.key, sealed); err != nil {
					return err
				}
			}
			if n = len(batch); n > 0 {
				afterID, afterOrdinal = batch[n-1].id, batch[n-1].ordinal
			}
			return nil
		})
		if err != nil {
			return r, fmt.Errorf("rekey decision entries: %w", err)
		}
		r.Entries += n
		if n < rekeyBatch {
			break
		}
	}

	// The register, a key at a time (through its recipient index).
	afterKey := ""
	for {
		n := 0
		err := s.DB.InTx(ctx, func(tx *sqlstore.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT DISTINCT recipient_key FROM honours WHERE `+stale+
				` AND recipient_key > $1 ORDER BY recipient_key LIMIT `+fmt.Sprint(rekeyBatch), afterKey)
			if err != nil {
				return err
			}
			var batch []string
			for rows.Next() {
				var k string
				if err := rows.Scan(&k); err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, k)
			}
			if err := rows.Err(); err != nil {
				return err
			}
			rows.Close()
			for _, was := range batch {
				key, ok := keys.Current(was)
				if !ok {
					return fmt.Errorf("a recipient key of the register is not one the configured secrets bring forward")
				}
				if _, err := tx.ExecContext(ctx, `UPDATE honours SET recipient_key = $1 WHERE recipient_key = $2`, key, was); err != nil {
					return err
				}
			}
			if n = len(batch); n > 0 {
				afterKey = batch[n-1]
			}
			return nil
		})
		if err != nil {
			return r, fmt.Errorf("rekey the register: %w", err)
		}
		r.Keys += n
		if n < rekeyBatch {
			break
		}
	}
	if _, err := s.DB.ExecContext(ctx, `UPDATE recipient_key_generation SET generation = $1 WHERE id = 1`, r.To); err != nil {
		return r, fmt.Errorf("recipient key generation: %w", err)
	}
	return r, nil
}
