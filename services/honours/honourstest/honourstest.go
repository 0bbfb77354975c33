// Package honourstest runs the real honours service in the test process,
// on a loopback listener with a SQLite database of its own, for the tests
// of code that calls honours. Its server is unguarded: every caller may
// call everything, with or without a token.
package honourstest

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"

	"github.com/tdkt-vn/tdkt/platform/service"
	"github.com/tdkt-vn/tdkt/platform/service/servicetest"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/honours"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
)

// Honours is a running honours service.
type Honours struct {
	Addr   string
	Client honoursv1.HonoursServiceClient
	t      testing.TB
	blocs  string
	db     string
	stop   func() // nil while stopped
}

// Start starts honours, following the units of the blocs service at
// blocsAddr; it stops when t ends (or on Stop).
func Start(t testing.TB, blocsAddr string) *Honours {
	t.Helper()
	h := &Honours{t: t, blocs: blocsAddr, db: filepath.Join(t.TempDir(), "honours.db"), Addr: "127.0.0.1:0"}
	h.Restart()
	t.Cleanup(h.Stop)
	return h
}

// Restart starts the service again, on the same address and database,
// after Stop.
func (h *Honours) Restart() {
	h.t.Helper()
	addr, conn, stop := servicetest.Start(h.t, "honours", h.Addr, h.db,
		func(ctx context.Context, cfg service.Config, tel *telemetry.Telemetry) (servicetest.Service, error) {
			return honours.New(ctx, honours.Config{Config: cfg, BlocsAddr: h.blocs,
				PersonalData: personaldata.Config{RecipientKeySecret: "aG9ub3Vyc3Rlc3QgcmVjaXBpZW50IGtleSBzZWNyZXQhIQ=="}}, tel)
		})
	h.Addr, h.Client, h.stop = addr, honoursv1.NewHonoursServiceClient(conn), stop
}

// Stop stops the service now: calls to it fail with Unavailable.
func (h *Honours) Stop() {
	if h.stop != nil {
		h.stop()
		h.stop = nil
	}
}

// Issue issues a decision of authority (a unit id) conferring BK_TINH for
// year on the collectives (unit ids), citing movement (a name, or ""), and
// returns the names of its honours in the order of the units.
func (h *Honours) Issue(id, authority, movement string, year int32, collectives ...string) []string {
	t := h.t
	t.Helper()
	ctx := context.Background()
	doc := &typev1.DocumentRef{Number: strconv.Itoa(int(year)) + "/QĐ-UBND", SignedOn: &date.Date{Year: year, Month: 5, Day: 31},
		SignerName: "Nguyễn Đăng Bình", SignerTitle: "Chủ tịch", Issuer: "units/" + authority}
	d, err := h.Client.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: id, Decision: &honoursv1.Decision{
		Document: doc, Title: "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", Authority: "units/" + authority, Movement: movement,
	}})
	require.NoError(t, err)
	var entries []*honoursv1.DecisionEntry
	for _, u := range collectives {
		entries = append(entries, &honoursv1.DecisionEntry{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + u},
			AwardType: "awardTypes/BK_TINH", Period: &typev1.Period{StartYear: year, EndYear: year},
			Achievements: "Đã có thành tích xuất sắc trong phong trào thi đua",
		})
	}
	_, err = h.Client.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: d.GetName(), Entries: entries})
	require.NoError(t, err)
	_, err = h.Client.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: d.GetName()})
	require.NoError(t, err)
	got, err := h.Client.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: d.GetName(), PageSize: int32(len(collectives))})
	require.NoError(t, err)
	names := make([]string, len(got.GetEntries()))
	for i, e := range got.GetEntries() {
		names[i] = e.GetHonour()
	}
	return names
}
