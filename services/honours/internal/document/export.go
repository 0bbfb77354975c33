package document

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

// Row is one honour of the register as exported. Labels (kind, state) come
// in Vietnamese from the caller.
type Row struct {
	DecisionNumber    string     // "946/QĐ-UBND"
	DecisionDate      civil.Date // written as a real date cell
	AwardName         string     // "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
	RecipientName     string
	RecipientKind     string // "Cá nhân", "Tập thể", "Hộ gia đình"
	Unit              string // the recipient's unit (or commune)
	Province          string // the province the honour is counted under
	PeriodStartYear   int    // 0 when unknown
	PeriodEndYear     int    // = PeriodStartYear for one year
	RewardVND         int64  // written as a number with thousands separators
	CertificateNumber string // số vào sổ vàng
	State             string // "Có hiệu lực", "Đã thu hồi"
}

// ExportInfo describes an export on the information sheet.
type ExportInfo struct {
	Filter     string    // the filter in words: "Tỉnh Bắc Kạn; năm 2023; Bằng khen"
	ExportedAt time.Time // shown in Vietnam time
}

// Sheet names of the export.
const (
	HonoursSheet = "Khen thưởng"
	InfoSheet    = "Thông tin"
)

// exportColumns are the header and width (in characters) of each column.
var exportColumns = []struct {
	title string
	width float64
}{
	{"STT", 7},
	{"Số quyết định", 16},
	{"Ngày quyết định", 13},
	{"Hình thức khen thưởng", 40},
	{"Tên cá nhân, tập thể", 30},
	{"Loại đối tượng", 13},
	{"Đơn vị", 36},
	{"Tỉnh, thành phố", 18},
	{"Thời kỳ", 11},
	{"Tiền thưởng (VND)", 16},
	{"Số vào sổ vàng", 14},
	{"Trạng thái", 13},
}

// ExportHonours writes rows as an XLSX workbook: sheet "Khen thưởng" with
// one row per honour under a frozen, filterable header, and sheet "Thông
// tin" stating filter (the filter in words) and the export time (now).
func ExportHonours(rows []Row, filter string) ([]byte, error) {
	var buf bytes.Buffer
	seq := func(yield func(Row, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
	if err := WriteHonours(&buf, seq, ExportInfo{Filter: filter, ExportedAt: time.Now()}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteHonours writes the workbook of ExportHonours to w, taking the rows
// from a sequence so that a large register can be streamed from the store
// (excelize's StreamWriter keeps no cell model in memory; past 16 MiB of
// sheet XML it spills to a temporary file). It stops at the sequence's
// first error and returns it.
func WriteHonours(w io.Writer, rows iter.Seq2[Row, error], info ExportInfo) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close workbook: %w", cerr)
		}
	}()
	if err := f.SetSheetName("Sheet1", HonoursSheet); err != nil {
		return fmt.Errorf("name sheet: %w", err)
	}
	st, err := newExportStyles(f)
	if err != nil {
		return err
	}
	n, err := writeHonoursSheet(f, rows, st)
	if err != nil {
		return err
	}
	if err := writeInfoSheet(f, info, n, st); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:    "Danh sách khen thưởng",
		Subject:  clean(info.Filter),
		Creator:  "tdkt",
		Language: "vi-VN",
		Created:  info.ExportedAt.UTC().Format(time.RFC3339),
	}); err != nil {
		return fmt.Errorf("set document properties: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

type exportStyles struct {
	header, text, date, dateTime, money, int int
}

func newExportStyles(f *excelize.File) (exportStyles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1},
	}
	dateFmt, dateTimeFmt := "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
	var (
		s   exportStyles
		err error
	)
	for _, def := range []struct {
		dst   *int
		style excelize.Style
	}{
		{&s.header, excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
			Border:    border,
		}},
		{&s.text, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&s.date, excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}}},
		{&s.dateTime, excelize.Style{CustomNumFmt: &dateTimeFmt, Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&s.money, excelize.Style{NumFmt: 3, Alignment: &excelize.Alignment{Vertical: "top"}}}, // #,##0: the reader's locale shows 1.490.000
		{&s.int, excelize.Style{NumFmt: 1, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}}},
	} {
		if *def.dst, err = f.NewStyle(&def.style); err != nil {
			return s, fmt.Errorf("new style: %w", err)
		}
	}
	return s, nil
}

func period(start, end int) string {
	switch {
	case start == 0 && end == 0:
		return ""
	case start == 0 || end == 0 || start == end:
		return strconv.Itoa(max(start, end))
	default:
		return strconv.Itoa(start) + "–" + strconv.Itoa(end)
	}
}

func writeHonoursSheet(f *excelize.File, rows iter.Seq2[Row, error], st exportStyles) (int, error) {
	sw, err := f.NewStreamWriter(HonoursSheet)
	if err != nil {
		return 0, fmt.Errorf("new stream writer: %w", err)
	}
	for i, c := range exportColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return 0, fmt.Errorf("set column width: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return 0, fmt.Errorf("freeze header: %w", err)
	}
	header := make([]any, len(exportColumns))
	for i, c := range exportColumns {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.title}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 30}); err != nil {
		return 0, fmt.Errorf("write header: %w", err)
	}
	n := 0
	values := make([]any, len(exportColumns))
	for r, rerr := range rows {
		if rerr != nil {
			return 0, fmt.Errorf("honour row %d: %w", n+1, rerr)
		}
		n++
		var date any
		if r.DecisionDate.Valid() {
			date = time.Date(r.DecisionDate.Year, r.DecisionDate.Month, r.DecisionDate.Day, 0, 0, 0, 0, time.UTC)
		}
		values[0] = excelize.Cell{StyleID: st.int, Value: n}
		values[1] = excelize.Cell{StyleID: st.text, Value: clean(r.DecisionNumber)}
		values[2] = excelize.Cell{StyleID: st.date, Value: date}
		values[3] = excelize.Cell{StyleID: st.text, Value: clean(r.AwardName)}
		values[4] = excelize.Cell{StyleID: st.text, Value: clean(r.RecipientName)}
		values[5] = excelize.Cell{StyleID: st.text, Value: clean(r.RecipientKind)}
		values[6] = excelize.Cell{StyleID: st.text, Value: clean(r.Unit)}
		values[7] = excelize.Cell{StyleID: st.text, Value: clean(r.Province)}
		values[8] = excelize.Cell{StyleID: st.text, Value: period(r.PeriodStartYear, r.PeriodEndYear)}
		values[9] = excelize.Cell{StyleID: st.money, Value: r.RewardVND}
		values[10] = excelize.Cell{StyleID: st.text, Value: clean(r.CertificateNumber)}
		values[11] = excelize.Cell{StyleID: st.text, Value: clean(r.State)}
		cell, err := excelize.CoordinatesToCellName(1, n+1)
		if err != nil {
			return 0, fmt.Errorf("row %d: %w", n, err)
		}
		if err := sw.SetRow(cell, values); err != nil {
			return 0, fmt.Errorf("write row %d: %w", n, err)
		}
	}
	last, err := excelize.CoordinatesToCellName(len(exportColumns), max(n, 1)+1)
	if err != nil {
		return 0, fmt.Errorf("filter range: %w", err)
	}
	// The stream writer shares the worksheet with the file until Flush, so
	// the filter set here is written with the sheet.
	if err := f.AutoFilter(HonoursSheet, "A1:"+last, nil); err != nil {
		return 0, fmt.Errorf("auto filter: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return 0, fmt.Errorf("flush sheet: %w", err)
	}
	return n, nil
}

func writeInfoSheet(f *excelize.File, info ExportInfo, n int, st exportStyles) error {
	if _, err := f.NewSheet(InfoSheet); err != nil {
		return fmt.Errorf("new sheet: %w", err)
	}
	at := info.ExportedAt.In(vietnam)
	// Excel has no time zones: write the wall-clock time in Vietnam.
	wall := time.Date(at.Year(), at.Month(), at.Day(), at.Hour(), at.Minute(), at.Second(), 0, time.UTC)
	filter := clean(info.Filter)
	if filter == "" {
		filter = "Không lọc (toàn bộ sổ)"
	}
	for _, c := range []struct {
		cell  string
		value any
		style int
	}{
		{"A1", "Danh sách khen thưởng", st.header},
		{"A2", "Bộ lọc", st.text},
		{"B2", filter, st.text},
		{"A3", "Thời điểm xuất (giờ Việt Nam)", st.text},
		{"B3", wall, st.dateTime},
		{"A4", "Số dòng", st.text},
		{"B4", n, 0},
	} {
		if err := f.SetCellValue(InfoSheet, c.cell, c.value); err != nil {
			return fmt.Errorf("info sheet %s: %w", c.cell, err)
		}
		if c.style != 0 {
			if err := f.SetCellStyle(InfoSheet, c.cell, c.cell, c.style); err != nil {
				return fmt.Errorf("info sheet %s: %w", c.cell, err)
			}
		}
	}
	if err := f.MergeCell(InfoSheet, "A1", "B1"); err != nil {
		return fmt.Errorf("info sheet: %w", err)
	}
	if err := f.SetColWidth(InfoSheet, "A", "A", 30); err != nil {
		return fmt.Errorf("info sheet: %w", err)
	}
	if err := f.SetColWidth(InfoSheet, "B", "B", 80); err != nil {
		return fmt.Errorf("info sheet: %w", err)
	}
	return nil
}
