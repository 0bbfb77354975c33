package sqlstore

import (
	"strings"
	"unicode/utf8"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
)

// A searched table has a column "search" holding its rows' folded text
// (vnfold.Fold), and TABLE_search_texts (search TEXT PRIMARY KEY), every
// distinct text of that column, kept by triggers, with an index that finds
// the texts containing a string of three characters or more:
//
//   - PostgreSQL: a pg_trgm GIN index on the texts (gin_trgm_ops), which
//     serves "search LIKE '%word%'" itself.
//   - SQLite: TABLE_search_trigrams, an FTS5 table of the texts with the
//     trigram tokenizer (case_sensitive 1: the text is folded already), its
//     content the texts table's own (content='TABLE_search_texts').
//
// The words select the texts that hold them all; the rows are those whose
// search is one of them. Names repeat, so there are far fewer texts than
// rows; a large table also has an index that leads with search, through
// which the rows of a few texts are read, or counted, without a scan.

// searchIndexedLen is the length, in characters, from which a word can be
// looked up in a trigram index.
const searchIndexedLen = 3

// Search adds the condition of query to w, for table (one table in the
// FROM clause): each word of the folded query (vnfold.Fold) must occur in
// the table's search column (see above), in any order; LIKE wildcards in
// the query are literal. The rows matched are those of Where.Words on the
// same column. On SQLite, the words of three characters or more are
// looked up in the trigram table and shorter ones filtered with LIKE; on
// PostgreSQL every word is a LIKE condition on the texts, which the
// trigram index serves from three characters.
func (r Reader) Search(w *Where, table, query string) {
	words := strings.Fields(vnfold.Fold(query))
	if len(words) == 0 {
		return
	}
	texts := Where{Args: w.Args}
	if r.Dialect == SQLite {
		var phrases []string
		var short []string
		for _, word := range words {
			if utf8.RuneCountInString(word) >= searchIndexedLen {
				phrases = append(phrases, `"`+strings.ReplaceAll(word, `"`, `""`)+`"`)
			} else {
				short = append(short, word)
			}
		}
		if len(phrases) > 0 {
			texts.Add("rowid IN (SELECT rowid FROM "+table+"_search_trigrams WHERE "+table+"_search_trigrams MATCH ?)",
				strings.Join(phrases, " AND "))
		}
		words = short
	}
	texts.words("search", words)
	w.Args = texts.Args
	w.Conds = append(w.Conds, "search IN (SELECT search FROM "+table+"_search_texts"+texts.SQL()+")")
}
