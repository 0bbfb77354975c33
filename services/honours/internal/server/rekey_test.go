package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
	"github.com/tdkt-vn/tdkt/services/honours/internal/server"
	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
)

// unkeyed is a recipient key as it was made before keys were keyed.
func unkeyed(kind string, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return kind + hex.EncodeToString(sum[:16])
}

// entryKeys returns the recipient key of each entry of decision id, by
// ordinal, and of each honour of it.
func entryKeys(t *testing.T, e *guardedEnv, id string) (entries, honours map[int]string) {
	t.Helper()
	entries, honours = map[int]string{}, map[int]string{}
	for table, out := range map[string]map[int]string{"decision_entries": entries, "honours": honours} {
		rows, err := e.st.DB.QueryContext(t.Context(), `SELECT ordinal, recipient_key FROM `+table+` WHERE decision_id = $1`, id)
		require.NoError(t, err)
		for rows.Next() {
			var (
				o int
				k string
			)
			require.NoError(t, rows.Scan(&o, &k))
			out[o] = k
		}
		require.NoError(t, rows.Err())
		rows.Close()
	}
	return entries, honours
}

// TestRekey: the keys a database holds from before keys were keyed, and
// citizen ids sealed under them, are brought to the current generation at
// start, without a citizen id in clear; a rotation (a secret appended)
// brings them forward again; secrets that do not extend the ones the keys
// were made with are refused, and so is a database with such seals and no
// personal data key.
func TestRekey(t *testing.T) {
	forEachEngineT(t, func(t *testing.T, url string) {
		ctx := t.Context()
		sealer := testSealer(t)
		e := startGuarded(t, url, guardedOptions{sealer: sealer})
		flow(t, e.c, "qd-cu")
		want, _ := entryKeys(t, e, "qd-cu")

		// The database as it was: unkeyed keys, citizen ids sealed under
		// them, no generation.
		legacy := map[int]string{
			1: unkeyed("cid:", "cccd:"+flowPeople[0].id),
			2: unkeyed("ind:", "ind", vnfold.Fold("Nông Thị Hoa"), "1969", "so-noi-vu-bk"),
			3: unkeyed("cid:", "cccd:"+flowPeople[1].id),
			4: "unit:truong-cho-don",
			5: unkeyed("hh:", "hh", vnfold.Fold("Hà Văn Sáu"), "xa-nam-mau"),
		}
		ids := map[int]string{1: flowPeople[0].id, 3: flowPeople[1].id}
		for o, k := range legacy {
			var sealed any
			if id, ok := ids[o]; ok {
				sealed = sealer.Seal(id, "decisions/qd-cu/recipients/"+k)
			}
			_, err := e.st.DB.ExecContext(ctx, `UPDATE decision_entries SET recipient_key = $1, citizen_id_sealed = $2
				WHERE decision_id = 'qd-cu' AND ordinal = $3`, k, sealed, o)
			require.NoError(t, err)
			_, err = e.st.DB.ExecContext(ctx, `UPDATE honours SET recipient_key = $1 WHERE decision_id = 'qd-cu' AND ordinal = $2`, k, o)
			require.NoError(t, err)
		}
		_, err := e.st.DB.ExecContext(ctx, `UPDATE recipient_key_generation SET generation = ''`)
		require.NoError(t, err)

		_, err = server.Rekey(ctx, e.st, testKeys, nil)
		require.ErrorContains(t, err, "personal data key", "seals to move and no key to move them with")

		done, err := server.Rekey(ctx, e.st, testKeys, sealer)
		require.NoError(t, err)
		require.Equal(t, "", done.From)
		require.Equal(t, testKeys.Generation(), done.To)
		require.Equal(t, 4, done.Entries, "every key but the collective's")
		entries, honours := entryKeys(t, e, "qd-cu")
		require.Equal(t, want, entries, "the keys the current generation makes")
		require.Equal(t, want, honours)
		for o, id := range ids {
			var sealed []byte
			require.NoError(t, e.st.DB.QueryRowContext(ctx, `SELECT citizen_id_sealed FROM decision_entries
				WHERE decision_id = 'qd-cu' AND ordinal = $1`, o).Scan(&sealed))
			got, err := sealer.Open(sealed, "decisions/qd-cu/entries/"+strconv.Itoa(o))
			require.NoError(t, err, "sealed anew for its entry")
			require.Equal(t, id, got)
		}
		again, err := server.Rekey(ctx, e.st, testKeys, sealer)
		require.NoError(t, err)
		require.Zero(t, again.Entries+again.Keys, "a start with the same secrets changes nothing")

		// A rotation: a secret appended. The seals stay as they are.
		rotated, err := recipientkey.NewKeyring(bytes.Repeat([]byte("test recipient key secret "), 2), bytes.Repeat([]byte{9}, 32))
		require.NoError(t, err)
		done, err = server.Rekey(ctx, e.st, rotated, nil)
		require.NoError(t, err)
		require.Equal(t, testKeys.Generation(), done.From)
		entries, honours = entryKeys(t, e, "qd-cu")
		require.Equal(t, entries, honours)
		for o, k := range want {
			fwd, ok := rotated.Current(k)
			require.True(t, ok)
			require.Equal(t, fwd, entries[o])
		}
		for o, id := range ids {
			k, _ := rotated.Key(domain.Recipient{Kind: domain.RecipientIndividual, FullName: "x", CitizenID: id}.Identity())
			require.Equal(t, k, entries[o], "what the new chain makes for the id")
		}

		// Secrets that replace rather than extend: refused, nothing changed.
		replaced, err := recipientkey.NewKeyring(bytes.Repeat([]byte{8}, 32))
		require.NoError(t, err)
		_, err = server.Rekey(ctx, e.st, replaced, sealer)
		require.ErrorContains(t, err, "do not extend")
		after, _ := entryKeys(t, e, "qd-cu")
		require.Equal(t, entries, after)
	})
}
