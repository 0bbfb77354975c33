package workdays

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const header = "date,kind,name,source,check\n"

func TestParseErrorsNameLineAndColumn(t *testing.T) {
	for _, tc := range []struct {
		name, csv    string
		line, column int
		msg          string
	}{
		{"bad header", "date,kind,name\n", 1, 0, "header"},
		{"empty file", "", 1, 0, "no header"},
		{"bad date", header + "2025-01-01,holiday,Tết Dương lịch,BLLĐ,\n2025-02-30,holiday,x,y,\n", 3, 1, "ISO date"},
		{"unknown kind", header + "2025-01-01,nghỉ,Tết Dương lịch,BLLĐ,\n", 2, 2, "unknown kind"},
		{"swap on a Sunday", header + "2025-01-26,swapped_day_off,x,y,\n", 2, 2, "Sunday"},
		{"make-up on a weekday", header + "2025-04-25,make_up_working_day,x,y,\n", 2, 2, "Friday"},
		{"empty name", header + "2025-01-01,holiday, ,BLLĐ,\n", 2, 3, "empty"},
		{"NFD name", header + "2025-01-01,holiday,Te\u0302\u0301t,BLLĐ,\n", 2, 3, "NFC"},
		{"empty source", header + "2025-01-01,holiday,Tết Dương lịch,,\n", 2, 4, "empty"},
		{"unmarked check", header + "2025-01-01,holiday,Tết Dương lịch,BLLĐ,maybe\n", 2, 5, CheckMark},
		{"duplicate", header + "2025-01-01,holiday,a,b,\n2025-01-02,holiday,a,b,\n2025-01-01,holiday,a,b,\n", 4, 1, "line 2"},
		{"field count", header + "2025-01-01,holiday,a,b\n", 2, 0, "4 fields, want 5"},
		{"bad quote", header + "2025-01-01,holiday,a \"b\",c,\n", 2, 0, "bare"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.csv))
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, tc.line, pe.Line)
			require.Equal(t, tc.column, pe.Column)
			require.ErrorContains(t, err, tc.msg)
		})
	}
}

func TestParseAcceptsTheSharedFormat(t *testing.T) {
	// Four columns, a byte order mark, CRLF and padded fields, as a
	// spreadsheet may save them.
	in := "\uFEFFdate,kind,name,source\r\n 2025-04-26 ,make_up_working_day,Làm bù,CV 8726/VPCP-KGVX\r\n"
	days, err := Parse(strings.NewReader(in))
	require.NoError(t, err)
	require.Equal(t, []Day{{Date: date(t, "2025-04-26"), Kind: MakeUpWorkingDay, Name: "Làm bù", Source: "CV 8726/VPCP-KGVX"}}, days)
}

func TestEmbeddedFileIsTheShippedOne(t *testing.T) {
	b, err := os.ReadFile("holidays-vn.csv")
	require.NoError(t, err)
	require.Equal(t, string(b), holidaysCSV)
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(holidaysCSV))
	f.Add([]byte(header + "2026-08-22,make_up_working_day,Làm bù,TB 9441,[check] x\n"))
	f.Add([]byte("date,kind,name,source\n2025-02-30,holiday,x,y\n"))
	f.Add([]byte(header + "\"2025-01-01\",holiday,\"a\nb\",c,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		days, err := Parse(bytes.NewReader(data))
		if err != nil {
			pe, ok := err.(*ParseError)
			if !ok {
				t.Fatalf("error %v is a %T, not a *ParseError", err, err)
			}
			if pe.Line < 1 || pe.Column < 0 || pe.Column > len(columns) || (pe.Column == 0) != (pe.Field == "") {
				t.Fatalf("bad position in %#v", pe)
			}
			return
		}
		if len(days) == 0 {
			return
		}
		years := make([]int, len(days))
		for i, d := range days {
			years[i] = d.Date.Year
		}
		if _, err := New(years, days); err != nil {
			t.Fatalf("parsed days rejected by New: %v", err)
		}
	})
}
