package main

import (
	"bytes"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"

	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

func readSample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/sample.csv")
	require.NoError(t, err)
	return b
}

func planOf(t *testing.T, name string, data []byte) *plan {
	t.Helper()
	tb, err := readTable(name, data, "")
	require.NoError(t, err)
	p, err := buildPlan(tb)
	require.NoError(t, err)
	return p
}

func TestSampleCSV(t *testing.T) {
	p := planOf(t, "sample.csv", readSample(t))
	require.Equal(t, 5, p.rows)
	require.Len(t, p.items, 2)

	bk, tn := p.items[0], p.items[1]
	require.Equal(t, "bk-1021-qd-ubnd-2023", bk.req.GetDecisionId())
	require.Equal(t, []int{2, 3, 5}, bk.lines, "rows of a decision need not be contiguous")
	require.Equal(t, "tn-3150-qd-ubnd-2021", tn.req.GetDecisionId())
	require.Equal(t, []int{4, 7}, tn.lines, "a quoted line break keeps the line count")

	doc := bk.req.GetDecision().GetDocument()
	require.Equal(t, "1021/QĐ-UBND", doc.GetNumber())
	require.Equal(t, int32(2023), doc.GetSignedOn().GetYear())
	require.Equal(t, int32(6), doc.GetSignedOn().GetMonth())
	require.Equal(t, int32(15), doc.GetSignedOn().GetDay())
	require.Equal(t, "Nguyễn Văn Thành", doc.GetSignerName())
	require.Equal(t, "Phó Chủ tịch", doc.GetSignerTitle())
	require.Equal(t, "units/bac-kan", doc.GetIssuer())
	require.Equal(t, "units/bac-kan", bk.req.GetDecision().GetAuthority())
	require.Equal(t, "Về việc tặng Bằng khen của Chủ tịch UBND tỉnh", bk.req.GetDecision().GetTitle())

	e := bk.req.GetEntries()
	require.Len(t, e, 3)
	require.Equal(t, typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, e[0].GetRecipient().GetKind())
	require.Equal(t, "units/bac-kan-xa-nam-mau", e[0].GetRecipient().GetUnit())
	require.Equal(t, `Đã có thành tích xuất sắc trong phong trào thi đua "Bắc Kạn chung sức xây dựng nông thôn mới"`, e[0].GetAchievements())
	require.Equal(t, "awardTypes/BK_TINH", e[0].GetAwardType())
	require.True(t, proto.Equal(&typev1.Period{StartYear: 2021, EndYear: 2022}, e[0].GetPeriod()))

	ind := e[1].GetRecipient()
	require.Equal(t, typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, ind.GetKind())
	require.Equal(t, "Hoàng Thị Mai", ind.GetFullName())
	require.Equal(t, typev1.Gender_GENDER_FEMALE, ind.GetGender())
	require.Equal(t, int32(1982), ind.GetBirthYear())
	require.Equal(t, "Trưởng thôn Pác Ngòi, xã Nam Mẫu", ind.GetPosition())
	require.Equal(t, "units/bac-kan-xa-nam-mau", ind.GetUnit())

	hh := e[2].GetRecipient()
	require.Equal(t, typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD, hh.GetKind())
	require.Equal(t, "Lý Văn Sơn", hh.GetHeadName())
	require.Equal(t, "units/bac-kan-xa-khang-ninh", hh.GetCommune())
	require.Equal(t, "Đã có thành tích xuất sắc trong phát triển kinh tế hộ gia đình", e[2].GetAchievements(), "spaces and line breaks collapse")

	require.True(t, proto.Equal(&typev1.Period{StartYear: 2021, EndYear: 2021}, tn.req.GetEntries()[0].GetPeriod()), "an empty period_end is period_start")
	require.Equal(t, "units/thai-nguyen-cu", tn.req.GetDecision().GetAuthority())
	require.Equal(t, typev1.Gender_GENDER_MALE, tn.req.GetEntries()[1].GetRecipient().GetGender())

	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	require.Regexp(t, uuid, bk.req.GetRequestId())
	require.Regexp(t, uuid, tn.req.GetRequestId())
	require.NotEqual(t, bk.req.GetRequestId(), tn.req.GetRequestId())
}

// sampleXLSX writes the sample's rows into a workbook: columns in another
// order, signed_on as date cells on two rows, years as numbers.
func sampleXLSX(t *testing.T) []byte {
	t.Helper()
	tb, err := readCSV("sample.csv", readSample(t))
	require.NoError(t, err)
	// Reverse the column order.
	n := len(tb.header)
	perm := func(cells []string) []any {
		out := make([]any, n)
		for i := range cells {
			out[n-1-i] = cells[i]
		}
		return out
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Quyết định"
	_, err = f.NewSheet(sheet)
	require.NoError(t, err)
	require.NoError(t, f.DeleteSheet("Sheet1"))
	require.NoError(t, f.SetSheetRow(sheet, "A1", &[]any{}))
	hdr := perm(tb.header)
	require.NoError(t, f.SetSheetRow(sheet, "A1", &hdr))
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // m/d/yy
	require.NoError(t, err)
	row := 3 // leave row 2 empty: empty rows are skipped
	for _, rec := range tb.records {
		cells := perm(rec.cells)
		for i, h := range tb.header {
			v := rec.cells[i]
			switch {
			case h == "signed_on" && v == "15/06/2023":
				cells[n-1-i] = time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC)
			case (h == "birth_year" || h == "period_start") && v != "":
				cells[n-1-i] = atoi(v)
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, row)
		require.NoError(t, err)
		require.NoError(t, f.SetSheetRow(sheet, cell, &cells))
		col, err := excelize.ColumnNumberToName(n)
		require.NoError(t, err)
		require.NoError(t, f.SetCellStyle(sheet, col+"1", col+"20", dateStyle)) // signed_on is the last column
		row++
	}
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	return buf.Bytes()
}

func TestSampleXLSX(t *testing.T) {
	fromCSV := planOf(t, "sample.csv", readSample(t))
	tb, err := readTable("sample.xlsx", sampleXLSX(t), "")
	require.NoError(t, err)
	require.Equal(t, "Quyết định", tb.sheet)
	fromXLSX, err := buildPlan(tb)
	require.NoError(t, err)
	require.Len(t, fromXLSX.items, len(fromCSV.items))
	for i, it := range fromXLSX.items {
		require.True(t, proto.Equal(fromCSV.items[i].req, it.req), "item %d\ncsv:  %v\nxlsx: %v", i, fromCSV.items[i].req, it.req)
	}
	require.Equal(t, []int{3, 4, 6}, fromXLSX.items[0].lines, "rows of the sheet")

	_, err = readTable("sample.xlsx", sampleXLSX(t), "Sheet9")
	require.ErrorContains(t, err, `no sheet "Sheet9"`)
}

func TestRequestIDs(t *testing.T) {
	base := readSample(t)
	idsOf := func(data []byte) map[string]string {
		t.Helper()
		ids := make(map[string]string)
		for _, it := range planOf(t, "x.csv", data).items {
			ids[it.req.GetDecisionId()] = it.req.GetRequestId()
		}
		return ids
	}
	want := idsOf(base)
	require.Equal(t, want, idsOf(base), "deterministic")

	// The same content otherwise written: another date format, the
	// decision's columns given once, other rows in between, spaces.
	lines := strings.SplitAfter(string(base), "\n")
	same := lines[0] + lines[3] + lines[1] +
		strings.Replace(lines[2], "bk-1021-qd-ubnd-2023,,,", "bk-1021-qd-ubnd-2023,1021/QĐ-UBND,2023-06-15,", 1) +
		strings.Replace(lines[4]+lines[5], "2023-06-15", "15/6/2023", 1) +
		strings.Replace(lines[6], "Đỗ Minh Quân", "  Đỗ  Minh Quân ", 1)
	require.Equal(t, want, idsOf([]byte(same)))

	edited := strings.Replace(string(base), "Hoàng Thị Mai", "Hoàng Thị Mây", 1)
	got := idsOf([]byte(edited))
	require.NotEqual(t, want["bk-1021-qd-ubnd-2023"], got["bk-1021-qd-ubnd-2023"], "an edited decision has another request id")
	require.Equal(t, want["tn-3150-qd-ubnd-2021"], got["tn-3150-qd-ubnd-2021"], "the other decision is unchanged")
}

const hdr = "decision_id,number,signed_on,authority,award_type,recipient_kind,full_name,unit,head_name,period_start,period_end\n"

func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		file string
		data string
		want string
	}{
		{"empty file", "a.csv", "", "a.csv: the file is empty"},
		{"blank file", "a.csv", " \n\n", "a.csv: the file is empty"},
		{"empty workbook file", "a.xlsx", "", "a.xlsx: the file is empty"},
		{"not a workbook", "a.xlsx", "decision_id\n", "a.xlsx: not a readable XLSX workbook"},
		{"unknown extension", "a.txt", hdr, `a.txt: unknown file type ".txt"`},
		{"byte order mark", "a.csv", "\ufeff" + hdr, "a.csv, line 1: the file starts with a byte order mark (BOM)"},
		{"not UTF-8", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,INDIVIDUAL,Nguy\xe1n,,,2022,\n",
			"a.csv, line 2, column 7 (full_name): is not valid UTF-8"},
		{"header only", "a.csv", hdr, "a.csv: no entries after the header line"},
		{"unknown column", "a.csv", "decision_id,numbr\nd1,x\n", `a.csv, line 1, column 2: unknown column "numbr"; the columns are decision_id, number,`},
		{"column twice", "a.csv", "decision_id,number,Number\nd1,x,y\n", `a.csv, line 1, column 3: column "number" appears twice (also column 2)`},
		{"empty column name", "a.csv", "decision_id,,number\nd1,,x\n", "a.csv, line 1, column 2: the header has an empty column name"},
		{"missing columns", "a.csv", "decision_id,number\nd1,x\n", "a.csv, line 1: the header lacks the required columns signed_on, authority, award_type, recipient_kind, period_start"},
		{"field count", "a.csv", hdr + "d1,1/QĐ\n", "a.csv, line 2: has 2 fields, the header has 11"},
		{"bare quote", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,INDIVIDUAL,Nguyễn \"A\",,,2022,\n", "a.csv, line 2: character"},
		{"bad date", "a.csv", hdr + "d1,1/QĐ,31/02/2023,bac-kan,BK_TINH,INDIVIDUAL,Nguyễn Văn A,,,2022,\n",
			`a.csv, line 2, column 3 (signed_on): "31/02/2023" is not a date between 1945 and 2200`},
		{"date as a number in CSV", "a.csv", hdr + "d1,1/QĐ,45077,bac-kan,BK_TINH,INDIVIDUAL,Nguyễn Văn A,,,2022,\n",
			`column 3 (signed_on): "45077" is not a date: want YYYY-MM-DD or DD/MM/YYYY`},
		{"month first", "a.csv", hdr + "d1,1/QĐ,05/31/2023,bac-kan,BK_TINH,INDIVIDUAL,Nguyễn Văn A,,,2022,\n", `"05/31/2023" is not a date`},
		{"bad kind", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,PERSON,Nguyễn Văn A,,,2022,\n",
			`a.csv, line 2, column 6 (recipient_kind): "PERSON" is not a recipient kind`},
		{"no kind", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,,Nguyễn Văn A,,,2022,\n", "column 6 (recipient_kind): is required"},
		{"individual without a name", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,INDIVIDUAL,,,,2022,\n",
			"a.csv, line 2, column 7 (full_name): is required for an individual"},
		{"collective without a unit", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,COLLECTIVE,,,,2022,\n", "column 8 (unit): is required for a collective"},
		{"collective with a name", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,COLLECTIVE,Nguyễn Văn A,bac-kan,,2022,\n",
			"column 7 (full_name): must be empty for a collective"},
		{"household without a commune", "a.csv", "decision_id,number,signed_on,authority,award_type,recipient_kind,head_name,period_start\n" +
			"d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,HOUSEHOLD,Lý Văn Sơn,2022\n", "a.csv, line 2: column commune is required for a household (the file has no commune column)"},
		{"household with a unit", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,hộ gia đình,,bac-kan,Lý Văn Sơn,2022,\n",
			"column 8 (unit): must be empty for a household"},
		{"bad unit", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,COLLECTIVE,,Bắc Kạn,,2022,\n", `column 8 (unit): "Bắc Kạn" is not a unit id`},
		{"bad authority", "a.csv", hdr + "d1,1/QĐ,2023-01-02,units/,BK_TINH,COLLECTIVE,,bac-kan,,2022,\n", "decision d1 has no authority on any of its rows"},
		{"bad decision id", "a.csv", hdr + "QĐ 946,1/QĐ,2023-01-02,bac-kan,BK_TINH,COLLECTIVE,,bac-kan,,2022,\n", `column 1 (decision_id): "QĐ 946" is not an id`},
		{"bad award type", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,Bằng khen,COLLECTIVE,,bac-kan,,2022,\n", `column 5 (award_type): "Bằng khen" is not an award type code`},
		{"bad year", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,COLLECTIVE,,bac-kan,,năm 2022,\n", `column 10 (period_start): "năm 2022" is not a year`},
		{"no period", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,COLLECTIVE,,bac-kan,,,\n", "column 10 (period_start): is required"},
		{"period backwards", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,COLLECTIVE,,bac-kan,,2022,2020\n", "column 11 (period_end): 2020 is before period_start 2022"},
		{"control character", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,INDIVIDUAL,Nguyễn\x07,,,2022,\n", "column 7 (full_name): contains the control character U+0007"},
		{"too long", "a.csv", hdr + "d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,INDIVIDUAL," + strings.Repeat("a", 201) + ",,,2022,\n", "column 7 (full_name): is longer than 200 characters"},
		{"decision rows disagree", "a.csv", hdr +
			"d1,1/QĐ,2023-01-02,bac-kan,BK_TINH,COLLECTIVE,,bac-kan,,2022,\n" +
			"d2,2/QĐ,2023-01-02,bac-kan,BK_TINH,COLLECTIVE,,bac-kan,,2022,\n" +
			"d1,1/QĐ,02/01/2023,thai-nguyen-cu,BK_TINH,COLLECTIVE,,bac-kan,,2022,\n",
			`a.csv, line 4, column 4 (authority): decision d1 has "units/thai-nguyen-cu" here but "units/bac-kan" on line 2; its rows must agree`},
		{"decision without a number", "a.csv", hdr + "d1,,2023-01-02,bac-kan,BK_TINH,COLLECTIVE,,bac-kan,,2022,\n",
			"a.csv, line 2, column 2 (number): decision d1 has no number on any of its rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := readTable(tt.file, []byte(tt.data), "")
			if err == nil {
				_, err = buildPlan(tb)
			}
			require.Error(t, err)
			_, ok := errors.AsType[*inputError](err)
			require.True(t, ok, "%T: %v", err, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestBadXLSXCell(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"decision_id", "number", "signed_on", "authority", "award_type", "recipient_kind", "unit", "period_start"},
		{"d1", "1/QĐ", 45077, "bac-kan", "BK_TINH", "COLLECTIVE", "bac-kan", 2022},
		{"d1", "1/QĐ", "2023-13-01", "bac-kan", "BK_TINH", "COLLECTIVE", "bac-kan-2", 2022},
	}
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, err)
		require.NoError(t, f.SetSheetRow("Sheet1", cell, &r))
	}
	require.NoError(t, f.SetCellValue("Sheet1", "K2", "stray"))
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))

	_, err := readTable("a.xlsx", buf.Bytes(), "")
	require.EqualError(t, err, `a.xlsx, sheet "Sheet1", row 2, column K: has a value but no header`)

	require.NoError(t, f.SetCellValue("Sheet1", "K2", ""))
	buf.Reset()
	require.NoError(t, f.Write(&buf))
	tb, err := readTable("a.xlsx", buf.Bytes(), "")
	require.NoError(t, err)
	_, err = buildPlan(tb)
	require.EqualError(t, err, `a.xlsx, sheet "Sheet1", row 3, column C (signed_on): "2023-13-01" is not a date between 1945 and 2200`)

	// 45077 is 31 May 2023 as a date cell's serial number.
	tb.records = tb.records[:1]
	p, err := buildPlan(tb)
	require.NoError(t, err)
	d := p.items[0].req.GetDecision().GetDocument().GetSignedOn()
	require.Equal(t, [3]int32{2023, 5, 31}, [3]int32{d.GetYear(), d.GetMonth(), d.GetDay()})
}

func TestLinesOf(t *testing.T) {
	require.Equal(t, "line 4", linesOf([]int{4}))
	require.Equal(t, "lines 4–9", linesOf([]int{4, 5, 6, 7, 8, 9}))
	require.Equal(t, "lines 4, 7, 12–15", linesOf([]int{4, 7, 12, 13, 14, 15}))
}

// FuzzCSVRow feeds arbitrary entry lines after a valid header: the parser
// never panics, refuses bad input with an inputError, and what it accepts
// is valid UTF-8 in NFC with a deterministic request id.
func FuzzCSVRow(f *testing.F) {
	sample, err := os.ReadFile("testdata/sample.csv")
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.SplitAfter(string(sample), "\n")
	header := lines[0]
	for _, l := range lines[1:] {
		f.Add([]byte(l))
	}
	f.Add([]byte("d1,1/QĐ,31/5/2023,bac-kan,,,,bk_tinh,Cá nhân,Nguyễn Văn A,,,Nam,1980,,,,2022,2023,x\n"))
	f.Add([]byte("d1,\"1\n/QĐ\",2023-05-31,bac-kan,,,,BK_TINH,HOUSEHOLD,,,Lý Văn Sơn,,,,bac-kan,\"a\"\"b\",2022,,\n"))
	f.Add([]byte("d1,1/QĐ,2023-05-31,bac-kan,,,,BK_TINH,COLLECTIVE,,bac-kan,,,,,,,2022,,\xff\n"))
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	f.Fuzz(func(t *testing.T, line []byte) {
		data := append([]byte(header), line...)
		p, err := parseAll("f.csv", data)
		if err != nil {
			ie, ok := errors.AsType[*inputError](err)
			require.True(t, ok, "%T: %v", err, err)
			require.NotEmpty(t, ie.msg)
			require.True(t, strings.HasPrefix(err.Error(), "f.csv"), err.Error())
			return
		}
		again, err := parseAll("f.csv", data)
		require.NoError(t, err)
		require.Len(t, again.items, len(p.items))
		for i, it := range p.items {
			require.Regexp(t, uuid, it.req.GetRequestId())
			require.True(t, proto.Equal(it.req, again.items[i].req))
			b, err := proto.Marshal(it.req)
			require.NoError(t, err, "a valid message: UTF-8 strings")
			s := string(b)
			require.True(t, norm.NFC.IsNormalString(it.req.String()), "NFC: %q", s)
			for _, l := range it.lines {
				require.GreaterOrEqual(t, l, 2)
			}
		}
	})
}

func parseAll(name string, data []byte) (*plan, error) {
	tb, err := readTable(name, data, "")
	if err != nil {
		return nil, err
	}
	return buildPlan(tb)
}
