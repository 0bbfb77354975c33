package dashboard

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

// xlsxType is the content type of an XLSX workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// xlsxSheet is a table to export: a header row, rows of cells (strings or
// int64, the latter shown with thousands separators), and a note under
// the table when not empty.
type xlsxSheet struct {
	Name    string
	Headers []string
	Rows    [][]any
	Note    string
}

// writeXLSX answers the sheet as an XLSX file named filename.
func (q *req) writeXLSX(filename string, s xlsxSheet) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", s.Name); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	thousands := "#,##0"
	number, err := f.NewStyle(&excelize.Style{CustomNumFmt: &thousands})
	if err != nil {
		return err
	}
	header := make([]any, len(s.Headers))
	for i, h := range s.Headers {
		header[i] = h
	}
	if err := f.SetSheetRow(s.Name, "A1", &header); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(s.Headers), 1)
	if err := f.SetCellStyle(s.Name, "A1", last, bold); err != nil {
		return err
	}
	for i, row := range s.Rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(s.Name, cell, &row); err != nil {
			return err
		}
		for j, v := range row {
			if _, ok := v.(int64); ok {
				c, _ := excelize.CoordinatesToCellName(j+1, i+2)
				if err := f.SetCellStyle(s.Name, c, c, number); err != nil {
					return err
				}
			}
		}
	}
	if s.Note != "" {
		cell, _ := excelize.CoordinatesToCellName(1, len(s.Rows)+3)
		if err := f.SetCellStr(s.Name, cell, s.Note); err != nil {
			return err
		}
	}
	if err := f.SetPanes(s.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("Cache-Control", "no-store")
	q.w.WriteHeader(http.StatusOK)
	_, err = q.w.Write(buf.Bytes())
	return err
}

// registerExport answers the register for the same filters as an XLSX
// workbook: every honour, page after page, up to maxListed rows (the
// sheet then says so).
func registerExport(q *req) error {
	f, err := registerFilterOf(q)
	if err != nil {
		return err
	}
	in := f.request()
	in.PageSize = 1000
	var hs []*honoursv1.Honour
	capped := false
	for {
		resp, err := q.d.clients.Honours.ListHonours(q.ctx, in)
		if err != nil {
			return err
		}
		hs = append(hs, resp.GetHonours()...)
		if len(hs) >= maxListed {
			capped = len(hs) > maxListed || resp.GetNextPageToken() != ""
			hs = hs[:min(len(hs), maxListed)]
			break
		}
		if resp.GetNextPageToken() == "" {
			break
		}
		in.PageToken = resp.GetNextPageToken()
	}
	_, awards, err := q.awardTypes(false)
	if err != nil {
		return err
	}
	n, err := q.honourNames(hs, awards)
	if err != nil {
		return err
	}
	s := xlsxSheet{Name: q.T("Sổ khen thưởng"), Headers: []string{q.T("Số thứ tự"), q.T("Người, tập thể được khen"), q.T("Đơn vị"),
		q.T("Danh hiệu, hình thức khen thưởng"), q.T("Năm"), q.T("Ngày quyết định"), q.T("Quyết định"),
		q.T("Cơ quan quyết định"), q.T("Tiền thưởng (đồng)"), q.T("Trạng thái")}}
	for i, r := range n.honourRows(hs) {
		state := q.T("Đang hiệu lực")
		if r.Revoked {
			state = q.T("Đã thu hồi")
		}
		s.Rows = append(s.Rows, []any{int64(i + 1), r.Who, r.Unit, r.Award, int(r.Year), q.Date(r.H.GetConferredOn()),
			r.Decision, r.Authority, r.H.GetRewardVnd(), state})
	}
	if capped {
		s.Note = fmt.Sprintf(q.T("Chỉ xuất %d dòng đầu tiên; hãy thu hẹp bộ lọc để xuất hết."), maxListed)
	}
	return q.writeXLSX("so-khen-thuong-"+q.d.now().In(vietnam).Format("20060102")+".xlsx", s)
}
