package document

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

func exportRows() []Row {
	return []Row{
		{
			DecisionNumber: "946/QĐ-UBND", DecisionDate: signed946, AwardName: award946,
			RecipientName: norm.NFD.String("Bà Đặng Thị Ước"), RecipientKind: "Cá nhân",
			Unit: "Ủy ban nhân dân xã Cốc Đán", Province: "Thái Nguyên",
			PeriodStartYear: 2021, PeriodEndYear: 2022, RewardVND: 1_490_000,
			CertificateNumber: "1523/SV-2023", State: "Có hiệu lực",
		},
		{
			DecisionNumber: "946/QĐ-UBND", DecisionDate: signed946, AwardName: award946,
			RecipientName: "Phòng Nội vụ huyện Chợ Đồn", RecipientKind: "Tập thể",
			Unit: "Phòng Nội vụ huyện Chợ Đồn", Province: "Thái Nguyên",
			PeriodStartYear: 2022, PeriodEndYear: 2022, RewardVND: 2_980_000, State: "Đã thu hồi",
		},
		{
			DecisionNumber: "12/QĐ-UBND", DecisionDate: civil.Date{Year: 2024, Month: time.February, Day: 5},
			AwardName: "Chiến sĩ thi đua cấp tỉnh", RecipientName: "Ông Hoàng Văn Ẩn", RecipientKind: "Cá nhân",
			Province: "Thái Nguyên", State: "Có hiệu lực",
		},
	}
}

func openXLSX(t *testing.T, b []byte, opts ...excelize.Options) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b), opts...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, f.Close()) })
	return f
}

func TestWriteHonours(t *testing.T) {
	at := time.Date(2026, time.November, 23, 3, 4, 5, 0, time.UTC) // 10:04 in Vietnam
	var buf bytes.Buffer
	rows := exportRows()
	require.NoError(t, WriteHonours(&buf, seqOf(rows), ExportInfo{Filter: "Tỉnh Thái Nguyên; năm 2023–2024", ExportedAt: at}))
	keep(t, "honours.xlsx", buf.Bytes())

	f := openXLSX(t, buf.Bytes())
	require.Equal(t, []string{HonoursSheet, InfoSheet}, f.GetSheetList())

	got, err := f.GetRows(HonoursSheet)
	require.NoError(t, err)
	require.Equal(t, []string{
		"STT", "Số quyết định", "Ngày quyết định", "Hình thức khen thưởng", "Tên cá nhân, tập thể",
		"Loại đối tượng", "Đơn vị", "Tỉnh, thành phố", "Thời kỳ", "Tiền thưởng (VND)", "Số vào sổ vàng", "Trạng thái",
	}, got[0])
	require.Equal(t, []string{
		"1", "946/QĐ-UBND", "31/05/2023", award946, "Bà Đặng Thị Ước", "Cá nhân",
		"Ủy ban nhân dân xã Cốc Đán", "Thái Nguyên", "2021–2022", "1,490,000", "1523/SV-2023", "Có hiệu lực",
	}, got[1], "formatted values; NFD input comes back NFC")
	require.Equal(t, "2022", got[2][8])
	require.Equal(t, "Đã thu hồi", got[2][11])
	require.Equal(t, "05/02/2024", got[3][2])
	require.Equal(t, "", got[3][8], "no period")
	require.Len(t, got, 4)

	// Dates and money are numbers underneath, with date and thousands formats.
	raw := openXLSX(t, buf.Bytes(), excelize.Options{RawCellValue: true})
	for cell, want := range map[string]string{"C2": "45077", "C4": "45327", "J2": "1490000", "J3": "2980000", "J4": "0", "A4": "3"} {
		v, err := raw.GetCellValue(HonoursSheet, cell)
		require.NoError(t, err)
		require.Equal(t, want, v, cell)
	}
	dateStyle, err := f.GetCellStyle(HonoursSheet, "C2")
	require.NoError(t, err)
	st, err := f.GetStyle(dateStyle)
	require.NoError(t, err)
	require.NotNil(t, st.CustomNumFmt)
	require.Equal(t, "dd/mm/yyyy", *st.CustomNumFmt)
	moneyStyle, err := f.GetCellStyle(HonoursSheet, "J2")
	require.NoError(t, err)
	st, err = f.GetStyle(moneyStyle)
	require.NoError(t, err)
	require.Equal(t, 3, st.NumFmt, "#,##0")
	for _, cell := range []string{"C2", "J2", "A2"} {
		typ, err := f.GetCellType(HonoursSheet, cell)
		require.NoError(t, err)
		require.Contains(t, []excelize.CellType{excelize.CellTypeNumber, excelize.CellTypeUnset}, typ, cell)
	}
	typ, err := f.GetCellType(HonoursSheet, "B2")
	require.NoError(t, err)
	require.NotEqual(t, excelize.CellTypeNumber, typ)

	// Frozen header, filter over the table, column widths.
	panes, err := f.GetPanes(HonoursSheet)
	require.NoError(t, err)
	require.True(t, panes.Freeze)
	require.Equal(t, 1, panes.YSplit)
	require.Contains(t, sheetXML(t, buf.Bytes(), "xl/worksheets/sheet1.xml"), `<autoFilter ref="$A$1:$L$4">`)
	names := f.GetDefinedName()
	require.Len(t, names, 1)
	require.Equal(t, "_xlnm._FilterDatabase", names[0].Name)
	require.Equal(t, "'Khen thưởng'!$A$1:$L$4", names[0].RefersTo)
	w, err := f.GetColWidth(HonoursSheet, "D")
	require.NoError(t, err)
	require.InDelta(t, 40, w, 0.01)

	// The information sheet states the filter and the time in Vietnam.
	info, err := f.GetRows(InfoSheet)
	require.NoError(t, err)
	require.Equal(t, []string{"Bộ lọc", "Tỉnh Thái Nguyên; năm 2023–2024"}, info[1])
	require.Equal(t, []string{"Thời điểm xuất (giờ Việt Nam)", "23/11/2026 10:04"}, info[2])
	require.Equal(t, []string{"Số dòng", "3"}, info[3])
}

func seqOf(rows []Row) func(func(Row, error) bool) {
	return func(yield func(Row, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func sheetXML(t *testing.T, xlsx []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	require.NoError(t, err)
	rc, err := zr.Open(name)
	require.NoError(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return string(b)
}

func TestExportHonoursEmpty(t *testing.T) {
	b, err := ExportHonours(nil, "")
	require.NoError(t, err)
	f := openXLSX(t, b)
	got, err := f.GetRows(HonoursSheet)
	require.NoError(t, err)
	require.Len(t, got, 1, "header only")
	info, err := f.GetRows(InfoSheet)
	require.NoError(t, err)
	require.Equal(t, []string{"Bộ lọc", "Không lọc (toàn bộ sổ)"}, info[1])
	require.Equal(t, []string{"Số dòng", "0"}, info[3])
}

func TestWriteHonoursStopsAtRowError(t *testing.T) {
	boom := errors.New("store went away")
	rows := func(yield func(Row, error) bool) {
		if yield(exportRows()[0], nil) {
			yield(Row{}, boom)
		}
	}
	err := WriteHonours(io.Discard, rows, ExportInfo{ExportedAt: time.Now()})
	require.ErrorIs(t, err, boom)
}

func TestExportHonoursLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 rows: skipped with -short")
	}
	const n = 100_000
	base := exportRows()[0]
	rows := func(yield func(Row, error) bool) {
		for i := range n {
			r := base
			r.RecipientName = fmt.Sprintf("%s %d", individualName(i), i)
			r.DecisionDate = signed946.AddDays(i % 700)
			if !yield(r, nil) {
				return
			}
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	var buf bytes.Buffer
	require.NoError(t, WriteHonours(&buf, rows, ExportInfo{Filter: "toàn bộ", ExportedAt: time.Now()}))
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	t.Logf("100,000 rows: %d bytes in %v; allocated %d MiB in total, heap in use after %d MiB",
		buf.Len(), elapsed, (after.TotalAlloc-before.TotalAlloc)>>20, after.HeapInuse>>20)

	sheet := sheetXML(t, buf.Bytes(), "xl/worksheets/sheet1.xml")
	require.Contains(t, sheet[:10_000], `<pane activePane="bottomLeft" state="frozen" topLeftCell="A2" ySplit="1">`)
	require.Contains(t, sheet[len(sheet)-200:], fmt.Sprintf(`<autoFilter ref="$A$1:$L$%d">`, n+1))
	// The last row is there (reading 100,000 rows back with excelize takes
	// seconds; the XML tells as much).
	tail := sheet[len(sheet)-3000:]
	require.Contains(t, tail, fmt.Sprintf(`<row r="%d"`, n+1))
	require.Contains(t, tail, fmt.Sprintf("%s %d", individualName(n-1), n-1))
}
