package dashboard

import (
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
)

// vietnam is the time zone dates are shown in.
var vietnam = time.FixedZone("ICT", 7*3600)

// funcs are the template functions that do not depend on the language.
var funcs = template.FuncMap{
	"add":   func(a, b int) int { return a + b },
	"int64": func(n int) int64 { return int64(n) },
	// pct is a share in percent of max, for the bars of a chart.
	"pct": func(v, max int64) int64 {
		if max <= 0 {
			return 0
		}
		return v * 100 / max
	},
}

// Date shows a date as Vietnamese write it, dd/mm/yyyy, whatever its type:
// google.type.Date, a timestamp, a time or a "2024-03-18" string. The zero
// date is "".
func (q *req) Date(v any) string {
	var t time.Time
	switch d := v.(type) {
	case *date.Date:
		if d == nil || d.GetYear() == 0 {
			return ""
		}
		return twoDigits(d.GetDay()) + "/" + twoDigits(d.GetMonth()) + "/" + strconv.Itoa(int(d.GetYear()))
	case *timestamppb.Timestamp:
		if d == nil {
			return ""
		}
		t = d.AsTime()
	case time.Time:
		t = d
	case string:
		p, err := time.Parse(time.DateOnly, d)
		if err != nil {
			return d
		}
		return p.Format("02/01/2006")
	default:
		return ""
	}
	if t.IsZero() {
		return ""
	}
	return t.In(vietnam).Format("02/01/2006")
}

// DateTime shows a moment as dd/mm/yyyy hh:mm, Vietnam time.
func (q *req) DateTime(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	return ts.AsTime().In(vietnam).Format("02/01/2006 15:04")
}

func twoDigits(n int32) string {
	if n < 10 {
		return "0" + strconv.Itoa(int(n))
	}
	return strconv.Itoa(int(n))
}

// Num shows a count with thousands separators: 1.234 in Vietnamese,
// 1,234 in English.
func (q *req) Num(n int64) string {
	sep := "."
	if q.Lang == "en" {
		sep = ","
	}
	return group(n, sep)
}

// Money shows an amount in đồng: "2.340.000 đ", in English
// "2,340,000 VND".
func (q *req) Money(n int64) string {
	if q.Lang == "en" {
		return group(n, ",") + " VND"
	}
	return group(n, ".") + " đ"
}

func group(n int64, sep string) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// sortVi sorts items in Vietnamese alphabetical order of key.
func sortVi[T any](items []T, key func(T) string) {
	slices.SortStableFunc(items, func(a, b T) int { return vnfold.Compare(key(a), key(b)) })
}
