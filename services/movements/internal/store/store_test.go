package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/movements/internal/domain"
	"github.com/tdkt-vn/tdkt/services/movements/internal/store"
)

// do runs fn in one transaction of s.
func do(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) error {
	t.Helper()
	_, err := s.Do(t.Context(), sqlstore.Op{Method: "Test"}, func(tx *store.Tx) (string, []byte, error) { return "", nil, fn(tx) })
	return err
}

// TestReportQueries checks, on both engines, what a movement's report
// reads: its exemplars counted by state in state order, its events newest
// first with their count, and a unit that joins a movement once.
func TestReportQueries(t *testing.T) {
	for _, eng := range sqlstoretest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			s, err := store.Open(ctx, eng.URL(t), noop.NewTracerProvider())
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			now := time.Now().UTC()
			m := domain.NewMovement("ntm", domain.MovementFields{Title: "Thái Nguyên chung sức xây dựng nông thôn mới",
				Kind: domain.Kind(2), LaunchedBy: "thai-nguyen",
				Period: domain.Period{Start: civil.Date{Year: 2016, Month: 1, Day: 1}, End: civil.Date{Year: 2020, Month: 12, Day: 31}}}, now)
			require.NoError(t, do(t, s, func(tx *store.Tx) error { return tx.InsertMovement(ctx, m) }))

			states := []domain.ExemplarState{3, 1, 3, 3}
			require.NoError(t, do(t, s, func(tx *store.Tx) error {
				for i, st := range states {
					e := domain.NewExemplar("ntm", string(rune('a'+i)), domain.ExemplarFields{Recipient: "{}", RecipientName: "Xã " + string(rune('A'+i)),
						Field: "Nông nghiệp", Model: "Mô hình", State: st}, "thai-nguyen", now)
					if err := tx.InsertExemplar(ctx, e); err != nil {
						return err
					}
				}
				return nil
			}))
			counts, err := s.ExemplarStates(ctx, "ntm")
			require.NoError(t, err)
			require.Equal(t, []store.ExemplarStateCount{{State: 1, Count: 1}, {State: 3, Count: 3}}, counts)
			none, err := s.ExemplarStates(ctx, "khac")
			require.NoError(t, err)
			require.Empty(t, none)

			for i, held := range []civil.Date{{Year: 2019, Month: 4, Day: 12}, {Year: 2022, Month: 1, Day: 12}, {Year: 2020, Month: 7, Day: 30}} {
				movement := "ntm"
				if i == 2 {
					movement = ""
				}
				ev := domain.NewEvent(string(rune('a'+i)), domain.EventFields{Kind: domain.EventKind(2), Organizer: "thai-nguyen",
					Movement: movement, HeldOn: held, Summary: "Sơ kết"}, now)
				require.NoError(t, do(t, s, func(tx *store.Tx) error { return tx.InsertEvent(ctx, ev) }))
			}
			events, _, total, err := s.ListEvents(ctx, store.EventFilter{Movement: "ntm"}, nil, 100)
			require.NoError(t, err)
			require.Equal(t, 2, total)
			require.Equal(t, "b", events[0].ID, "newest first")
			require.Equal(t, "a", events[1].ID)

			unit := map[string]lineage.Unit{"so-noi-vu": {ID: "so-noi-vu", DisplayName: "Sở Nội vụ", Current: "so-noi-vu"}}
			join := func() error {
				return do(t, s, func(tx *store.Tx) error {
					locked, err := tx.LockMovement(ctx, "ntm")
					if err != nil {
						return err
					}
					ps, err := domain.Participants(locked, []domain.NewParticipant{{Field: "participant", Unit: "so-noi-vu",
						RegisteredOn: civil.Date{Year: 2016, Month: 4, Day: 1}}}, unit, now)
					if err != nil {
						return err
					}
					if err := tx.InsertParticipants(ctx, locked, ps); err != nil {
						return err
					}
					locked.Version++
					return tx.UpdateMovement(ctx, locked)
				})
			}
			require.NoError(t, join())
			var exists *domain.ExistsError
			require.ErrorAs(t, join(), &exists, "a unit joins a movement once")
			require.Equal(t, "movements/ntm/participants/so-noi-vu", exists.Name)
			got, err := s.GetMovement(ctx, "ntm")
			require.NoError(t, err)
			require.Equal(t, 1, got.ParticipantCount)
		})
	}
}
