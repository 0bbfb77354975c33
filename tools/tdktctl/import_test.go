package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// TestImportEndToEnd imports the sample into a running stack twice (the
// second run changes nothing), then an edited copy (refused and reported)
// and a decision the service refuses.
func TestImportEndToEnd(t *testing.T) {
	s := stacktest.Start(t)
	ctx := t.Context()
	// The sample names demo units (bac-kan, its communes, thai-nguyen-cu).
	_, err := demo.Load(ctx, demo.Clients{Blocs: s.Blocs, Honours: s.Honours})
	require.NoError(t, err)

	importFile := func(t *testing.T, path string) (int, string, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		code := run(ctx, []string{"import", "-addr", s.GRPCAddr("honours"), "-token", s.AdminToken, path}, &stdout, &stderr, false)
		return code, stdout.String(), stderr.String()
	}
	total := func(t *testing.T) int32 {
		t.Helper()
		r, err := s.Honours.ListHonours(ctx, &honoursv1.ListHonoursRequest{PageSize: 1})
		require.NoError(t, err)
		return r.GetTotalSize()
	}
	decision := func(t *testing.T, id string) *honoursv1.Decision {
		t.Helper()
		d, err := s.Honours.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: "decisions/" + id})
		require.NoError(t, err)
		return d
	}
	before := total(t)

	t.Run("without a token nothing is imported", func(t *testing.T) {
		t.Setenv("TDKT_TOKEN", "")
		var stdout, stderr bytes.Buffer
		code := run(ctx, []string{"import", "-addr", s.GRPCAddr("honours"), "testdata/sample.csv"}, &stdout, &stderr, false)
		require.Equal(t, exitFailed, code, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
		require.Contains(t, stderr.String(), "Unauthenticated")
		require.Contains(t, stderr.String(), "a central administrator's token: -token or TDKT_TOKEN")
		require.Equal(t, before, total(t))
	})

	code, out, errOut := importFile(t, "testdata/sample.csv")
	require.Equal(t, exitOK, code, "stdout: %s\nstderr: %s", out, errOut)
	require.Equal(t, "2 decisions in the file: 2 imported or already there (5 honours), 0 failed\n", out)
	require.Contains(t, errOut, "sent 2/2 decisions, 5/5 rows")
	require.Equal(t, before+5, total(t))
	bk, tn := decision(t, "bk-1021-qd-ubnd-2023"), decision(t, "tn-3150-qd-ubnd-2021")
	require.Equal(t, honoursv1.DecisionState_DECISION_STATE_ISSUED, bk.GetState())
	require.EqualValues(t, 3, bk.GetEntryCount())
	require.Equal(t, "1021/QĐ-UBND", bk.GetDocument().GetNumber())
	require.EqualValues(t, 2*1_490_000+2_980_000, bk.GetRewardTotalVnd(), "signed 15/06/2023: base salary 1,490,000")
	require.EqualValues(t, 2, tn.GetEntryCount())

	t.Run("the same file again changes nothing", func(t *testing.T) {
		code, out, errOut := importFile(t, "testdata/sample.csv")
		require.Equal(t, exitOK, code, "stdout: %s\nstderr: %s", out, errOut)
		require.Equal(t, "2 decisions in the file: 2 imported or already there (5 honours), 0 failed\n", out)
		require.Equal(t, before+5, total(t))
		require.True(t, proto.Equal(bk, decision(t, "bk-1021-qd-ubnd-2023")))
		require.True(t, proto.Equal(tn, decision(t, "tn-3150-qd-ubnd-2021")))
	})

	t.Run("the same data as XLSX changes nothing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "sample.xlsx")
		require.NoError(t, os.WriteFile(path, sampleXLSX(t), 0o600))
		code, out, errOut := importFile(t, path)
		require.Equal(t, exitOK, code, "stdout: %s\nstderr: %s", out, errOut)
		require.Equal(t, before+5, total(t))
	})

	t.Run("an edited decision is refused and reported", func(t *testing.T) {
		edited := strings.Replace(string(readSample(t)), "Hoàng Thị Mai", "Hoàng Thị Mây", 1)
		path := filepath.Join(t.TempDir(), "edited.csv")
		require.NoError(t, os.WriteFile(path, []byte(edited), 0o600))
		code, out, errOut := importFile(t, path)
		require.Equal(t, exitFailed, code, "stdout: %s\nstderr: %s", out, errOut)
		require.Contains(t, out, "FAILED decision bk-1021-qd-ubnd-2023 (lines 2–3, 5): AlreadyExists: ")
		require.Contains(t, out, "2 decisions in the file: 1 imported or already there (2 honours), 1 failed\n")
		require.Equal(t, before+5, total(t))
		require.True(t, proto.Equal(bk, decision(t, "bk-1021-qd-ubnd-2023")), "the imported decision is unchanged")
	})

	t.Run("a decision the service refuses", func(t *testing.T) {
		data := "decision_id,number,signed_on,authority,signer_name,signer_title,title,award_type,recipient_kind,unit,period_start\n" +
			"no-such-authority,5/QĐ-UBND,2023-03-01,no-such-unit,Nguyễn Văn An,Chủ tịch,Về việc tặng Bằng khen,BK_TINH,COLLECTIVE,bac-kan-xa-nam-mau,2022\n" +
			"fine-one,6/QĐ-UBND,2023-03-01,bac-kan,Nguyễn Văn An,Chủ tịch,Về việc tặng Bằng khen,BK_TINH,COLLECTIVE,bac-kan-xa-khang-ninh,2021\n"
		path := filepath.Join(t.TempDir(), "refused.csv")
		require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
		code, out, errOut := importFile(t, path)
		require.Equal(t, exitFailed, code, "stdout: %s\nstderr: %s", out, errOut)
		require.Contains(t, out, "FAILED decision no-such-authority (line 2): ")
		require.Contains(t, out, "2 decisions in the file: 1 imported or already there (1 honours), 1 failed\n")
		require.Equal(t, before+6, total(t))
	})
}
