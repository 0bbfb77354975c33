package sqlstore

import (
	"strconv"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
)

// Where builds a WHERE clause with $n placeholders, for queries written once
// for both engines. The zero Where is empty.
type Where struct {
	Conds []string
	Args  []any
}

// Add appends a condition; each "?" in cond becomes the next $n, bound to
// the next of args.
func (w *Where) Add(cond string, args ...any) {
	for _, a := range args {
		cond = strings.Replace(cond, "?", w.Next(a), 1)
	}
	w.Conds = append(w.Conds, cond)
}

// In appends "column IN (…)" over values; no values is a condition no row
// meets.
func (w *Where) In(column string, values ...string) {
	if len(values) == 0 {
		w.Conds = append(w.Conds, "1 = 0")
		return
	}
	ph := make([]string, len(values))
	for i, v := range values {
		ph[i] = w.Next(v)
	}
	w.Conds = append(w.Conds, column+" IN ("+strings.Join(ph, ",")+")")
}

// Words adds one LIKE condition on column per word of the folded query
// (vnfold.Fold): column holds folded text, so the match ignores accents and
// case; LIKE wildcards in the query are literal.
func (w *Where) Words(column, query string) {
	w.words(column, strings.Fields(vnfold.Fold(query)))
}

// words adds one LIKE condition on column per folded word.
func (w *Where) words(column string, words []string) {
	for _, word := range words {
		w.Add(column+` LIKE ? ESCAPE '\'`, "%"+vnfold.EscapeLike(word)+"%")
	}
}

// SQL returns " WHERE c1 AND c2 …", or "" when there is no condition.
func (w *Where) SQL() string {
	if len(w.Conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.Conds, " AND ")
}

// Next binds one more argument and returns its placeholder.
func (w *Where) Next(arg any) string {
	w.Args = append(w.Args, arg)
	return "$" + strconv.Itoa(len(w.Args))
}

// Placeholders returns "$from,$from+1,…" for n arguments.
func Placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

// Visible appends the condition of a list that shows a caller public rows
// and, of the others, those owned by the units it covers: "(public OR
// column IN (units…))", public a condition like Add's with its arguments.
// all (a caller who sees every unit's) adds nothing; no units leaves public.
func (w *Where) Visible(public string, arg any, column string, all bool, units []string) {
	if all {
		return
	}
	cond := strings.Replace(public, "?", w.Next(arg), 1)
	if len(units) > 0 {
		ph := make([]string, len(units))
		for i, u := range units {
			ph[i] = w.Next(u)
		}
		cond = "(" + cond + " OR " + column + " IN (" + strings.Join(ph, ",") + "))"
	}
	w.Conds = append(w.Conds, cond)
}
