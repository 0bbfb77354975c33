package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/tdkt-vn/tdkt/platform/auth"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

const nominationsHeader = "batch,nomination_id,recipient_kind,full_name,gender,birth_year,position,unit,citizen_id,head_name,address,commune," +
	"award_type,period_start,period_end,achievements,basis,ratings,initiatives,members_total,members_completed,members_ldtt," +
	"members_cstd,members_disciplined,discipline_pending\n"

// nominationLines are rows of a CSV file for batch: two officials of the
// Sở Nội vụ (the second's name with decomposed accents, as some editors
// save it) and the Sở Tư pháp as a collective.
func nominationLines(batch string) []string {
	return []string{
		batch + ",hoa,cá nhân,Nguyễn Thị Hoa,nữ,1985,Chuyên viên,thai-nguyen-so-noi-vu,019185001234,,,,CSTD_CS,2024,,\"Hoàn thành xuất sắc nhiệm vụ;\nsáng kiến cấp cơ sở\",,2024:EXCELLENT,Số hóa hồ sơ thi đua|GRASSROOTS|2024|12/QĐ-SNV,,,,,,no\n",
		batch + ",binh,INDIVIDUAL,Tra\u0302\u0300n  Va\u0306n Bi\u0300nh,MALE,1979,Trưởng phòng,thai-nguyen-so-noi-vu,,,,,LDTT,2024,2024,,MERIT,2024:GOOD,,,,,,,\n",
		batch + ",tu-phap,tập thể,,,,,thai-nguyen-so-tu-phap,,,,,TT_LDTT,2024,,Tập thể lao động tiên tiến,,2024:EXCELLENT,,40,40,32,5,0,không\n",
	}
}

// TestImportNominationsEndToEnd imports a CSV file with good and bad rows
// into a running stack twice (the second run changes nothing), then an
// XLSX file.
func TestImportNominationsEndToEnd(t *testing.T) {
	s := stacktest.Start(t)
	ctx := t.Context()
	_, err := demo.Load(ctx, demo.Clients{Blocs: s.Blocs, Honours: s.Honours})
	require.NoError(t, err)
	for id, proposer := range map[string]string{"nhap-csv": "thai-nguyen-so-noi-vu", "nhap-xlsx": "thai-nguyen-so-noi-vu",
		"cua-so-khac": "thai-nguyen-so-tu-phap"} {
		_, err := s.Nominations.CreateBatch(ctx, &nominationsv1.CreateBatchRequest{BatchId: id, Batch: &nominationsv1.Batch{
			Proposer: "units/" + proposer, Authority: "units/thai-nguyen",
			Title: "Tờ trình đề nghị khen thưởng năm 2024"}})
		require.NoError(t, err)
	}
	clerk := s.Token(&auth.Caller{Subject: "can-bo-so-noi-vu", Method: auth.MethodBearer,
		Grants: []auth.Grant{{Unit: "thai-nguyen-so-noi-vu", Roles: []auth.Role{auth.UnitClerk}}}})
	importFile := func(t *testing.T, path string) (int, string, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		code := run(ctx, []string{"import-nominations", "-addr", s.GRPCAddr("nominations"), "-token", clerk, path}, &stdout, &stderr, false)
		return code, stdout.String(), stderr.String()
	}
	count := func(t *testing.T, batch string) int32 {
		t.Helper()
		b, err := s.Nominations.GetBatch(ctx, &nominationsv1.GetBatchRequest{Name: "batches/" + batch})
		require.NoError(t, err)
		return b.GetNominationsCount()
	}

	t.Run("CSV with bad rows", func(t *testing.T) {
		good := nominationLines("nhap-csv")
		bad := []string{
			"nhap-csv,lan,cá nhân,Ph\xe1m Th\xec Lan,nữ,1990,,thai-nguyen-so-noi-vu,,,,,CSTD_CS,2024,,,,2024:EXCELLENT,,,,,,,\n",
			"nhap-csv,minh,cá nhân,Lê Văn Minh,nam,1988,,khong-co,,,,,CSTD_CS,2024,,,,2024:EXCELLENT,,,,,,,\n",
			strings.Replace(good[0], ",hoa,", ",hoa-lan-2,", 1),
			"nhap-csv,nam,cá nhân,Đỗ Văn Nam,nam,19x0,,thai-nguyen-so-noi-vu,,,,,CSTD_CS,2024,,,,2024:EXCELLENT,,,,,,,\n",
			// A batch of another unit, which the clerk does not see.
			"cua-so-khac,,cá nhân,Lý Thị Hương,nữ,1991,,thai-nguyen-so-tu-phap,,,,,LDTT,2024,,,,2024:GOOD,,,,,,,\n",
		}
		path := filepath.Join(t.TempDir(), "de-nghi.csv")
		require.NoError(t, os.WriteFile(path, []byte(nominationsHeader+strings.Join(append(good, bad...), "")), 0o600))

		code, out, errOut := importFile(t, path)
		require.Equal(t, exitFailed, code, "stdout: %s\nstderr: %s", out, errOut)
		// The first row spans lines 2–3; the bad rows are on lines 6–11.
		assert.Contains(t, out, "REFUSED line 6: full_name: is not valid UTF-8")
		assert.Regexp(t, `REFUSED line 7: unit: .*units/khong-co does not exist \(InvalidArgument\)`, out)
		assert.Contains(t, out, "REFUSED line 8: batches/nhap-csv/nominations/hoa already exists (AlreadyExists)")
		assert.Contains(t, out, "REFUSED line 10: birth_year:")
		assert.Contains(t, out, "REFUSED line 11: batches/cua-so-khac not found (NotFound)")
		assert.Contains(t, out, "8 rows in the file: 3 accepted (now or before), 5 refused\n")
		assert.Regexp(t, `sent 6/8 rows, 3 accepted, 5 refused, [0-9]+ rows/s in `, errOut)
		require.EqualValues(t, 3, count(t, "nhap-csv"))
		n, err := s.Nominations.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: "batches/nhap-csv/nominations/binh"})
		require.NoError(t, err)
		assert.Equal(t, "Trần Văn Bình", n.GetRecipient().GetFullName(), "NFC, one space")
		hoa, err := s.Nominations.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: "batches/nhap-csv/nominations/hoa"})
		require.NoError(t, err)
		assert.Equal(t, "Hoàn thành xuất sắc nhiệm vụ;\nsáng kiến cấp cơ sở", hoa.GetAchievements())
		assert.Len(t, hoa.GetInitiatives(), 1)

		again, out2, errOut := importFile(t, path)
		require.Equal(t, exitFailed, again, errOut)
		assert.Equal(t, out, out2, "the same answers")
		require.EqualValues(t, 3, count(t, "nhap-csv"), "nothing written again")
	})

	t.Run("the sample", func(t *testing.T) {
		_, err := s.Nominations.CreateBatch(ctx, &nominationsv1.CreateBatchRequest{BatchId: "tc-ldtt-2025", Batch: &nominationsv1.Batch{
			Proposer: "units/thai-nguyen-so-tai-chinh", Authority: "units/thai-nguyen-so-tai-chinh",
			Title: "Tờ trình đề nghị công nhận danh hiệu Lao động tiên tiến năm 2025"}})
		require.NoError(t, err)
		var stdout, stderr bytes.Buffer
		code := run(ctx, []string{"import-nominations", "-addr", s.GRPCAddr("nominations"), "-token", s.AdminToken, "testdata/nominations.csv"},
			&stdout, &stderr, false)
		require.Equal(t, exitOK, code, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
		assert.Equal(t, "4 rows in the file: 4 accepted (now or before), 0 refused\n", stdout.String())
		require.EqualValues(t, 4, count(t, "tc-ldtt-2025"))
	})

	t.Run("XLSX", func(t *testing.T) {
		f := excelize.NewFile()
		defer f.Close()
		rows := [][]string{strings.Split(strings.TrimSuffix(nominationsHeader, "\n"), ",")}
		for _, l := range nominationLines("nhap-xlsx")[1:] {
			// The lines have no quoted commas. The same recipients for
			// 2023, the CSV's being open for 2024.
			l = strings.ReplaceAll(strings.TrimSuffix(l, "\n"), "2024", "2023")
			rows = append(rows, strings.Split(l, ","))
		}
		for i, r := range rows {
			cells := make([]any, len(r))
			for j, c := range r {
				cells[j] = c
			}
			cell, err := excelize.CoordinatesToCellName(1, i+1)
			require.NoError(t, err)
			require.NoError(t, f.SetSheetRow("Sheet1", cell, &cells))
		}
		path := filepath.Join(t.TempDir(), "de-nghi.xlsx")
		require.NoError(t, f.SaveAs(path))
		for range 2 {
			code, out, errOut := importFile(t, path)
			require.Equal(t, exitOK, code, "stdout: %s\nstderr: %s", out, errOut)
			assert.Equal(t, "2 rows in the file: 2 accepted (now or before), 0 refused\n", out)
			require.EqualValues(t, 2, count(t, "nhap-xlsx"))
		}
	})
}
