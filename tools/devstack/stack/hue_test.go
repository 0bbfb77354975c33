package stack_test

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/genproto/googleapis/type/date"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// pdfText is the text of a PDF, by pdftotext (poppler-utils). Without it
// the test is skipped, unless TDKT_TEST_REQUIRE_SERVICES=1 (CI installs it).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("TDKT_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("pdftotext is missing (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext is missing (apt-get install poppler-utils)")
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	require.NoError(t, err)
	return norm.NFC.String(string(out))
}

// TestDecisionNamesUnitsAsTheyWere renders decisions of Huế, which the demo
// records as Tỉnh Thừa Thiên Huế until it became a centrally-run city on
// 2025-01-01: one signed before names the province, one signed after the
// city.
func TestDecisionNamesUnitsAsTheyWere(t *testing.T) {
	s := stacktest.Start(t)
	ctx := t.Context()
	_, err := demo.Load(ctx, demo.Clients{Blocs: s.Blocs, Honours: s.Honours})
	require.NoError(t, err)

	render := func(id string, signed *date.Date) string {
		t.Helper()
		_, err := s.Honours.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: id, Decision: &honoursv1.Decision{
			Document: &typev1.DocumentRef{Number: id + "/QĐ-UBND", SignedOn: signed, SignerName: "Nguyễn Văn Phương",
				SignerTitle: "Chủ tịch", Issuer: "units/hue"},
			Title:     "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân",
			Authority: "units/hue",
			Entries: []*honoursv1.DecisionEntry{{
				Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/hue"},
				AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: signed.GetYear() - 1, EndYear: signed.GetYear() - 1},
			}},
		}})
		require.NoError(t, err)
		// A draft: seen only by its authority's readers (here a central
		// administrator).
		r := call(t, http.MethodGet, s.BaseURL+"/v1/decisions/"+id+":render", nil, "Authorization", "Bearer "+s.AdminToken)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		return strings.ToUpper(pdfText(t, r.body))
	}

	before := render("hue-2024", &date.Date{Year: 2024, Month: 6, Day: 3})
	require.Contains(t, before, "THỪA THIÊN HUẾ", "signed in 2024: the province of that time")
	after := render("hue-2025", &date.Date{Year: 2025, Month: 3, Day: 3})
	require.NotContains(t, after, "THỪA THIÊN", "signed in 2025: the city")
	require.Contains(t, after, "HUẾ")
}
