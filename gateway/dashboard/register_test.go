package dashboard

import (
	"io/fs"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/metadata"

	"github.com/tdkt-vn/tdkt/platform/auth"
)

// TestRegisterTexts checks that every text of the register, decision,
// history and statistics screens has its English.
func TestRegisterTexts(t *testing.T) {
	tmpl := regexp.MustCompile(`\.T "([^"]+)"`)
	code := regexp.MustCompile(`q\.T\("([^"]+)"\)`)
	var texts []string
	names, err := fs.Glob(files, "templates/*.html")
	require.NoError(t, err)
	for _, name := range names {
		if !regexp.MustCompile(`/(register|decision|history|statistics)[^/]*\.html$`).MatchString(name) {
			continue
		}
		b, err := files.ReadFile(name)
		require.NoError(t, err)
		for _, m := range tmpl.FindAllStringSubmatch(string(b), -1) {
			texts = append(texts, m[1])
		}
	}
	for _, name := range []string{"register.go", "register_xlsx.go", "decision.go", "history.go", "statistics.go"} {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		for _, m := range code.FindAllStringSubmatch(string(b), -1) {
			texts = append(texts, m[1])
		}
	}
	for _, d := range statDims {
		texts = append(texts, d.Label)
	}
	for _, l := range decisionStates {
		texts = append(texts, l)
	}
	require.NotEmpty(t, texts)
	for _, s := range texts {
		assert.Contains(t, english, s, "no English for %q", s)
	}
}

// newReq is a request to path by someone not signed in.
func newReq(path string) *req {
	r := httptest.NewRequest("GET", path, nil)
	return &req{w: httptest.NewRecorder(), r: r, ctx: r.Context(), Lang: "vi", Caller: auth.Anonymous}
}

func TestRegisterFilter(t *testing.T) {
	f, err := registerFilterOf(newReq("/register?q=+nguyen+&province=units/thai-nguyen&award=awardTypes/BK_TINH&year=2023&authority=units/bac-kan"))
	require.NoError(t, err)
	assert.Equal(t, registerFilter{Query: "nguyen", Province: "units/thai-nguyen", AwardType: "awardTypes/BK_TINH", Authority: "units/bac-kan", Year: 2023}, f)
	in := f.request()
	assert.Equal(t, int32(2023), in.GetYearFrom())
	assert.Equal(t, int32(2023), in.GetYearTo())
	assert.Equal(t, "nguyen", f.values().Get("q"))

	for path, field := range map[string]string{
		"/register?year=abc":                      "year",
		"/register?year=1800":                     "year",
		"/register?province=thai-nguyen":          "province",
		"/register?award=BK":                      "award",
		"/register?authority=x/y":                 "authority",
		"/register?q=" + strings.Repeat("a", 201): "q",
	} {
		_, err := registerFilterOf(newReq(path))
		var fe fieldError
		require.ErrorAs(t, err, &fe, path)
		assert.Equal(t, field, fe.field, path)
	}
}

func TestStatsFilter(t *testing.T) {
	f, err := statsFilterOf(newReq("/statistics"))
	require.NoError(t, err)
	assert.Equal(t, []string{"award_type"}, f.By, "the default grouping")
	f, err = statsFilterOf(newReq("/statistics?by=year&by=province&by=year&from=2020&to=2024"))
	require.NoError(t, err)
	assert.Equal(t, []string{"year", "province"}, f.By)
	assert.True(t, f.Groups("province"))
	assert.Equal(t, "by=year&by=province&from=2020&to=2024", f.values().Encode())
	for path, field := range map[string]string{
		"/statistics?by=name":           "by",
		"/statistics?from=2024&to=2020": "to",
		"/statistics?award=x":           "award",
		"/statistics?province=units/X":  "province",
		"/statistics?to=20000":          "to",
	} {
		_, err := statsFilterOf(newReq(path))
		var fe fieldError
		require.ErrorAs(t, err, &fe, path)
		assert.Equal(t, field, fe.field, path)
	}
}

func TestBarChart(t *testing.T) {
	q := newReq("/statistics")
	rows := []statRow{{Labels: []string{"2020"}, Count: 10}, {Labels: []string{"2021"}, Count: 5}, {Labels: []string{"2022"}, Count: 0}, {Labels: []string{"2023"}, Count: 1}}
	c := q.barChart("x", rows, func(r statRow) (int64, string) { return r.Count, q.Num(r.Count) })
	require.Len(t, c.Bars, 4)
	assert.Equal(t, chartBarMax, c.Bars[0].Width, "the largest bar is full width")
	assert.Equal(t, chartBarMax/2, c.Bars[1].Width)
	assert.Equal(t, 0, c.Bars[2].Width)
	assert.Equal(t, chartBarMax/10, c.Bars[3].Width)
	assert.Equal(t, 4*chartRow+8, c.Height)
	assert.Empty(t, c.Note)

	many := make([]statRow, chartMaxBars+5)
	c = q.barChart("x", many, func(r statRow) (int64, string) { return r.Count, "" })
	assert.Len(t, c.Bars, chartMaxBars)
	assert.NotEmpty(t, c.Note, "the chart says it is cut")
}

func TestInlineDisposition(t *testing.T) {
	md := metadata.Pairs("content-disposition", `attachment; filename="946-QD-UBND.pdf"`)
	assert.Equal(t, `inline; filename=946-QD-UBND.pdf`, inlineDisposition(md, "x.pdf"))
	assert.Equal(t, `inline; filename=x.pdf`, inlineDisposition(nil, "x.pdf"))
}

func TestEntryPeriod(t *testing.T) {
	assert.Equal(t, "", entryPeriod(nil))
}
