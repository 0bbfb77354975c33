package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/workdays"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/store"
)

// engines runs fn on a new store of every engine.
func engines(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, eng := range sqlstoretest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			s, err := store.Open(t.Context(), eng.URL(t), noop.NewTracerProvider())
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			fn(t, s)
		})
	}
}

// do runs fn in one transaction of s.
func do(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) error {
	t.Helper()
	_, err := s.Do(t.Context(), sqlstore.Op{Method: "Test"}, func(tx *store.Tx) (string, []byte, error) { return "", nil, fn(tx) })
	return err
}

var t0 = time.Date(2025, 3, 2, 8, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }

func batch(id, proposer, authority string, created time.Time) *domain.Batch {
	return domain.NewBatch(id, domain.BatchFields{Proposer: proposer, Authority: authority, Title: "Tờ trình " + id}, created)
}

// nomination is a draft nomination of an individual for CSTD_TINH.
func nomination(b, id, name, key string, created time.Time) *domain.Nomination {
	return domain.NewNomination(b, id, domain.NominationFields{
		Recipient: domain.Recipient{Kind: domain.RecipientIndividual, FullName: name, Unit: "so-noi-vu", Key: key},
		Award:     eligibility.CSTDTinh, Period: domain.Period{StartYear: 2022, EndYear: 2024},
	}, "alice", created)
}

func insert(t *testing.T, s *store.Store, bs []*domain.Batch, ns ...*domain.Nomination) {
	t.Helper()
	require.NoError(t, do(t, s, func(tx *store.Tx) error {
		for _, b := range bs {
			if err := tx.InsertBatch(t.Context(), b); err != nil {
				return err
			}
		}
		return tx.InsertNominations(t.Context(), ns)
	}))
}

// TestRoundTrip writes a batch and a nomination with every field set and
// reads them back: the recipient's citizen id is kept only as the sealed
// bytes the caller gave.
func TestRoundTrip(t *testing.T) {
	engines(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		b := batch("b1", "p1", "a1", t0)
		b.Document = &domain.Document{Number: "12/TTr-UBND", SignedOn: date(2025, 3, 1), SignerName: "Trần Văn B", SignerTitle: "Chủ tịch", Issuer: "p1"}
		b.State, b.NominationsCount, b.Decision, b.SubmitTime = domain.BatchSubmitted, 1, "decisions/d1", t0.Add(time.Hour)

		n := domain.NewNomination("b1", "n1", domain.NominationFields{
			Recipient: domain.Recipient{Kind: domain.RecipientIndividual, FullName: "Nguyễn Thị Hoà", Gender: 2, BirthYear: 1980,
				Position: "Trưởng phòng", Unit: "so-noi-vu", CitizenID: "001180012345", Key: "rk-1", Weak: true},
			Award: eligibility.CSTDTinh, Period: domain.Period{StartYear: 2022, EndYear: 2024}, Movement: "ntm",
			Ranking: "groups/g1/covenants/2024/ranking", Achievements: "Hoàn thành xuất sắc\nnhiệm vụ", Basis: eligibility.Movement,
			Ratings:           []eligibility.YearRating{{Year: 2023, Rating: eligibility.Excellent}, {Year: 2024, Rating: eligibility.Good}},
			Initiatives:       []domain.Initiative{{Title: "Số hoá hồ sơ", Scope: eligibility.Province, Year: 2023, DocumentNumber: "12/QĐ-SKHCN"}},
			DisciplinePending: true,
			Attachments:       []domain.Attachment{{Name: "hồ sơ.pdf", MediaType: "application/pdf", SHA256: "ab12", SizeBytes: 1024}},
		}, "alice", t0)
		n.SealedCitizenID = []byte{0, 1, 2, 250}
		n.Vote = &domain.Vote{Members: []domain.Member{{FullName: "Lê Văn C", Unit: "a1", HeadsUnit: true, Present: true}, {FullName: "Phạm D"}},
			Yes: 1, HeldOn: date(2025, 3, 10), Recusals: []domain.Recusal{{FullName: "Phạm D", Reason: domain.HeadOfProposer}},
			ThresholdPercent: 90, Quorum: true, Passed: true}
		n.Eligibility = &domain.Evaluation{Report: eligibility.Report{Overall: eligibility.Fail, Lines: []eligibility.Line{
			{Rule: eligibility.G1, Outcome: eligibility.Fail, Reason: "G1_PENDING", Vi: "Đang bị xem xét kỷ luật", En: "discipline pending"}}},
			Time: t0.Add(time.Minute)}
		n.Override = &domain.Override{Reason: "Đã có kết luận", Actor: "bob", Time: t0.Add(2 * time.Hour)}
		n.History = append(n.History, domain.Transition{From: domain.Draft, To: domain.Submitted, Actor: "alice", Time: t0.Add(time.Hour), Reason: "gửi"})
		n.State, n.DueOn, n.DueStep = domain.Published, date(2025, 3, 24), workdays.PublicComment
		n.CommentWindowEndsOn, n.Honour = date(2025, 3, 24), "honours/h1"
		n.UpdateTime, n.Version = t0.Add(3*time.Hour), 4
		insert(t, s, []*domain.Batch{b}, n)

		gotB, err := s.GetBatch(ctx, "b1")
		require.NoError(t, err)
		require.Equal(t, b, gotB)

		got, err := s.GetNomination(ctx, "b1", "n1")
		require.NoError(t, err)
		want := *n
		want.Recipient.CitizenID = ""
		require.Equal(t, &want, got)
		var recipient string
		require.NoError(t, s.DB.QueryRowContext(ctx, `SELECT recipient FROM nominations`).Scan(&recipient))
		require.NotContains(t, recipient, "001180012345", "the citizen id is not kept in clear")

		plain := nomination("b1", "n2", "Công an xã", "", t0)
		plain.Recipient = domain.Recipient{Kind: domain.RecipientCollective, Unit: "cong-an-xa"}
		plain.Members = eligibility.Members{Total: 10, Completed: 9, LDTT: 8, CSTDCS: 2}
		insert(t, s, nil, plain)
		got, err = s.GetNomination(ctx, "b1", "n2")
		require.NoError(t, err)
		require.Equal(t, plain, got)
		require.Nil(t, got.SealedCitizenID)

		var exists *domainerr.ExistsError
		err = do(t, s, func(tx *store.Tx) error { return tx.InsertBatch(ctx, batch("b1", "p1", "a1", t0)) })
		require.ErrorAs(t, err, &exists)
		require.Equal(t, "batches/b1", exists.Name)
		err = do(t, s, func(tx *store.Tx) error {
			return tx.InsertNominations(ctx, []*domain.Nomination{nomination("b1", "n9", "X", "", t0), nomination("b1", "n2", "Y", "", t0)})
		})
		require.ErrorAs(t, err, &exists)
		require.Equal(t, "batches/b1/nominations/n2", exists.Name)
		err = do(t, s, func(tx *store.Tx) error {
			return tx.InsertNominations(ctx, []*domain.Nomination{nomination("b1", "n8", "X", "", t0), nomination("b1", "n8", "Y", "", t0)})
		})
		require.ErrorAs(t, err, &exists)
		require.Equal(t, "batches/b1/nominations/n8", exists.Name)
		_, err = s.GetNomination(ctx, "b1", "n9")
		requireNotFound(t, err, "batches/b1/nominations/n9")

		err = do(t, s, func(tx *store.Tx) error {
			return tx.InsertNominations(ctx, []*domain.Nomination{nomination("nope", "n1", "X", "", t0)})
		})
		requireNotFound(t, err, "batches/nope")
		_, err = s.GetBatch(ctx, "nope")
		requireNotFound(t, err, "batches/nope")

		all, err := s.NominationsOfBatch(ctx, "b1")
		require.NoError(t, err)
		require.Equal(t, []*domain.Nomination{&want, plain}, all)
		require.NoError(t, do(t, s, func(tx *store.Tx) error {
			drafts, err := tx.NominationsOfBatch(ctx, "b1", domain.Draft, domain.Returned)
			require.Equal(t, []*domain.Nomination{plain}, drafts)
			return err
		}))
	})
}

func requireNotFound(t *testing.T, err error, name string) {
	t.Helper()
	var nf *domainerr.NotFoundError
	require.ErrorAs(t, err, &nf)
	require.Equal(t, name, nf.Name)
}

// TestVersions checks that a write against a version changed since it was
// read is refused, and that a batch's nominations follow its units.
func TestVersions(t *testing.T) {
	engines(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		insert(t, s, []*domain.Batch{batch("b1", "p1", "a1", t0)}, nomination("b1", "n1", "An", "k", t0))
		var stale *domain.Batch
		require.NoError(t, do(t, s, func(tx *store.Tx) error {
			b, err := tx.LockBatch(ctx, "b1")
			if err != nil {
				return err
			}
			c := *b
			stale = &c
			b.Proposer, b.Version = "p9", b.Version+1
			return tx.UpdateBatch(ctx, b)
		}))
		stale.Version++
		require.ErrorIs(t, do(t, s, func(tx *store.Tx) error { return tx.UpdateBatch(ctx, stale) }), domainerr.ErrStaleEtag)
		l, _, total, err := s.ListNominations(ctx, store.NominationFilter{Units: []string{"p9"}}, nil, 10)
		require.NoError(t, err)
		require.Equal(t, 1, total, "a nomination follows its batch's proposer")
		require.Len(t, l, 1)

		n, err := s.GetNomination(ctx, "b1", "n1")
		require.NoError(t, err)
		require.NoError(t, do(t, s, func(tx *store.Tx) error {
			n, err := tx.LockNomination(ctx, "b1", "n1")
			if err != nil {
				return err
			}
			return n.Submit(domain.Act{Actor: "alice", Sides: domain.Proposer, Time: t0.Add(time.Hour), Calendar: calendar(t)}, civil.Date{})
		}))
		require.NoError(t, do(t, s, func(tx *store.Tx) error {
			m, err := tx.LockNomination(ctx, "b1", "n1")
			if err != nil {
				return err
			}
			if err := m.Submit(domain.Act{Actor: "alice", Sides: domain.Proposer, Time: t0.Add(time.Hour), Calendar: calendar(t)}, civil.Date{}); err != nil {
				return err
			}
			return tx.UpdateNomination(ctx, m)
		}))
		n.Achievements, n.Version = "stale", n.Version+1
		require.ErrorIs(t, do(t, s, func(tx *store.Tx) error { return tx.UpdateNomination(ctx, n) }), domainerr.ErrStaleEtag)
		got, err := s.GetNomination(ctx, "b1", "n1")
		require.NoError(t, err)
		require.Equal(t, domain.Submitted, got.State)
		require.Equal(t, int64(2), got.Version)
		require.Equal(t, workdays.Appraise, got.DueStep)
		_, err = s.GetNomination(ctx, "b1", "n2")
		requireNotFound(t, err, "batches/b1/nominations/n2")
	})
}

func calendar(t *testing.T) *workdays.Calendar {
	t.Helper()
	c, err := workdays.New([]int{2025}, nil)
	require.NoError(t, err)
	return c
}

// onePage checks that a list's answer is all it selects, in one page, and
// returns its items by name.
func onePage[T, C any](t *testing.T, name func(T) string) func([]T, *C, int, error) []string {
	return func(l []T, next *C, total int, err error) []string {
		t.Helper()
		require.NoError(t, err)
		require.Nil(t, next)
		require.Len(t, l, total)
		out := []string{}
		for _, v := range l {
			out = append(out, name(v))
		}
		return out
	}
}

// pages reads every page of a list, size items at a time, each page
// counting total items.
func pages[T, C any](t *testing.T, size, total int, list func(after *C, size int) ([]T, *C, int, error)) []T {
	t.Helper()
	var (
		out   []T
		after *C
	)
	for range total + 1 {
		l, next, n, err := list(after, size)
		require.NoError(t, err)
		require.Equal(t, total, n)
		require.LessOrEqual(t, len(l), size)
		out = append(out, l...)
		if after = next; after == nil {
			return out
		}
	}
	t.Fatal("the pages do not end")
	return nil
}

// TestListNominations checks every filter of ListNominations, and that its
// pages follow each other.
func TestListNominations(t *testing.T) {
	engines(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		bs := []*domain.Batch{batch("b1", "p1", "a1", t0), batch("b2", "p2", "a1", t0), batch("b3", "p3", "a3", t0)}
		at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }
		ns := []*domain.Nomination{
			nomination("b1", "n1", "Nguyễn Văn An", "k1", at(1)),
			nomination("b2", "n1", "Trần Thị Bình", "k2", at(1)),
			nomination("b1", "n2", "Lê Đức Anh", "k3", at(2)),
			nomination("b3", "n1", "NGUYỄN thị Hoà", "k1", at(3)),
			nomination("b3", "n2", "Phạm Ngọc Đức", "k4", at(4)),
		}
		ns[1].Award = eligibility.CSTDCS
		// Overdue on 2025-03-11: only ns[0], SUBMITTED past its time to
		// appraise. A public comment window is never overdue, a final
		// state neither, and ns[3] is due on the day.
		ns[0].State, ns[0].DueOn, ns[0].DueStep = domain.Submitted, date(2025, 3, 10), workdays.Appraise
		ns[1].State, ns[1].DueOn, ns[1].DueStep = domain.Published, date(2025, 3, 1), workdays.PublicComment
		ns[2].State, ns[2].DueOn, ns[2].DueStep = domain.Conferred, date(2025, 3, 1), workdays.Forward
		ns[3].State, ns[3].DueOn, ns[3].DueStep = domain.Submitted, date(2025, 3, 11), workdays.Appraise
		insert(t, s, bs, ns...)

		list := func(f store.NominationFilter) []string {
			return onePage[*domain.Nomination, store.NominationCursor](t, (*domain.Nomination).Name)(s.ListNominations(ctx, f, nil, 100))
		}
		name := func(i ...int) []string {
			out := []string{}
			for _, j := range i {
				out = append(out, ns[j].Name())
			}
			return out
		}
		require.Equal(t, name(0, 1, 2, 3, 4), list(store.NominationFilter{}), "oldest first, then batch and id")
		require.Equal(t, name(0, 2), list(store.NominationFilter{Batch: "b1"}))
		require.Equal(t, name(0, 1, 2), list(store.NominationFilter{Units: []string{"a1"}}))
		require.Equal(t, name(3, 4), list(store.NominationFilter{Units: []string{"p3", "x"}}))
		require.Equal(t, name(), list(store.NominationFilter{Units: []string{}}))
		require.Equal(t, name(0, 3), list(store.NominationFilter{State: domain.Submitted}))
		require.Equal(t, name(1), list(store.NominationFilter{Award: eligibility.CSTDCS}))
		require.Equal(t, name(0, 3), list(store.NominationFilter{RecipientKey: "k1"}))
		require.Equal(t, name(0, 3), list(store.NominationFilter{Query: "nguyen"}))
		require.Equal(t, name(3), list(store.NominationFilter{Query: "Nguyễn hoa"}))
		require.Equal(t, name(2, 4), list(store.NominationFilter{Query: "DUC"}))
		require.Equal(t, name(2), list(store.NominationFilter{Query: "đức anh"}))
		require.Equal(t, name(4), list(store.NominationFilter{Query: "duc", Units: []string{"a3"}}))
		day := date(2025, 3, 11)
		var overdue []int
		for i, n := range ns {
			if n.Overdue(day) {
				overdue = append(overdue, i)
			}
		}
		require.Equal(t, []int{0}, overdue)
		require.Equal(t, name(overdue...), list(store.NominationFilter{OverdueOn: day}))
		require.Equal(t, name(0, 3), list(store.NominationFilter{OverdueOn: date(2025, 3, 12)}))

		paged := pages(t, 2, 5, func(after *store.NominationCursor, size int) ([]*domain.Nomination, *store.NominationCursor, int, error) {
			return s.ListNominations(ctx, store.NominationFilter{Units: []string{"a1", "a3"}}, after, size)
		})
		require.Equal(t, ns, paged)
	})
}

// TestListBatches checks the filters of ListBatches, newest first, and its
// pages.
func TestListBatches(t *testing.T) {
	engines(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		// 2024-12-31 18:00 UTC is 2025-01-01 in Vietnam.
		bs := []*domain.Batch{batch("b1", "p1", "a1", time.Date(2024, 12, 31, 16, 0, 0, 0, time.UTC)),
			batch("b2", "p2", "a1", time.Date(2024, 12, 31, 18, 0, 0, 0, time.UTC)),
			batch("b3", "p3", "a3", t0), batch("b4", "p1", "a3", t0)}
		bs[3].State = domain.BatchSubmitted
		insert(t, s, bs)
		list := func(f store.BatchFilter) []string {
			return onePage[*domain.Batch, store.BatchCursor](t, func(b *domain.Batch) string { return b.ID })(s.ListBatches(ctx, f, nil, 100))
		}
		require.Equal(t, []string{"b4", "b3", "b2", "b1"}, list(store.BatchFilter{}), "newest first, then id descending")
		require.Equal(t, []string{"b4", "b2", "b1"}, list(store.BatchFilter{Units: []string{"a1", "p1"}}))
		require.Equal(t, []string{}, list(store.BatchFilter{Units: []string{}}))
		require.Equal(t, []string{"b4", "b1"}, list(store.BatchFilter{Proposers: []string{"p1"}}))
		require.Equal(t, []string{"b4", "b3"}, list(store.BatchFilter{Authorities: []string{"a3"}}))
		require.Equal(t, []string{"b4"}, list(store.BatchFilter{State: domain.BatchSubmitted, Units: []string{"p1"}}))
		require.Equal(t, []string{"b1"}, list(store.BatchFilter{Year: 2024}))
		require.Equal(t, []string{"b4", "b3", "b2"}, list(store.BatchFilter{Year: 2025}))

		paged := pages(t, 1, 4, func(after *store.BatchCursor, size int) ([]*domain.Batch, *store.BatchCursor, int, error) {
			return s.ListBatches(ctx, store.BatchFilter{}, after, size)
		})
		require.Equal(t, []*domain.Batch{bs[3], bs[2], bs[1], bs[0]}, paged)
	})
}

// TestClaims checks what the duplicates rule reads, and that two
// transactions checking the same recipient take turns.
func TestClaims(t *testing.T) {
	engines(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ns := []*domain.Nomination{nomination("b1", "n1", "An", "k1", t0), nomination("b1", "n2", "An", "k1", t0),
			nomination("b1", "n3", "Bình", "k2", t0), nomination("b1", "n4", "Cúc", "k3", t0), nomination("b1", "n5", "Dũng", "", t0)}
		ns[0].State, ns[1].State, ns[2].State, ns[3].State = domain.Submitted, domain.Rejected, domain.Withdrawn, domain.Conferred
		ns[3].Basis, ns[3].Movement = eligibility.Movement, "ntm"
		insert(t, s, []*domain.Batch{batch("b1", "p1", "a1", t0)}, ns...)
		want := []domain.Claim{ns[0].Claim(), ns[3].Claim()}
		got, err := s.Claims(ctx, []string{"k3", "k1", "k2", "", "k1"})
		require.NoError(t, err)
		require.Equal(t, want, got)
		none, err := s.Claims(ctx, []string{""})
		require.NoError(t, err)
		require.Empty(t, none)

		// Each transaction inserts a nomination of k9 unless it finds one.
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				errs[i] = do(t, s, func(tx *store.Tx) error {
					claims, err := tx.Claims(ctx, []string{"k9", "k1"})
					if err != nil || len(claims) > 1 {
						return err
					}
					time.Sleep(50 * time.Millisecond)
					return tx.InsertNominations(ctx, []*domain.Nomination{nomination("b1", "c"+string(rune('a'+i)), "Giang", "k9", t0)})
				})
			})
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		got, err = s.Claims(context.Background(), []string{"k9"})
		require.NoError(t, err)
		require.Len(t, got, 1, "one transaction inserted, the others saw its nomination")
	})
}

// TestCalendars checks that a calendar is created once and replaced only
// at the version read.
func TestCalendars(t *testing.T) {
	engines(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		_, err := s.GetCalendar(ctx, 2025)
		requireNotFound(t, err, "calendars/2025")
		c := &store.Calendar{Year: 2025, UpdateTime: t0, Version: 1, Days: []workdays.Day{
			{Date: date(2025, 1, 1), Kind: workdays.Holiday, Name: "Tết Dương lịch", Source: "Bộ luật Lao động 2019"},
			{Date: date(2025, 1, 27), Kind: workdays.SwappedDayOff, Name: "Nghỉ bù", Check: "[check] thông báo"}}}
		put := func(c *store.Calendar) error {
			return do(t, s, func(tx *store.Tx) error { return tx.PutCalendar(ctx, c) })
		}
		require.NoError(t, put(c))
		require.ErrorIs(t, put(&store.Calendar{Year: 2025, UpdateTime: t0, Version: 1}), domainerr.ErrStaleEtag)
		got, err := s.GetCalendar(ctx, 2025)
		require.NoError(t, err)
		require.Equal(t, c, got)
		require.Equal(t, "calendars/2025", got.Name())
		require.NotEmpty(t, got.Etag())

		next := &store.Calendar{Year: 2025, UpdateTime: t0.Add(time.Hour), Version: 2}
		require.NoError(t, put(next))
		require.ErrorIs(t, put(next), domainerr.ErrStaleEtag, "version 1 is no longer current")
		require.NoError(t, put(&store.Calendar{Year: 2024, UpdateTime: t0, Version: 1}))
		all, err := s.Calendars(ctx)
		require.NoError(t, err)
		require.Equal(t, []*store.Calendar{{Year: 2024, UpdateTime: t0, Version: 1}, next}, all)
	})
}

// TestConferrals checks a batch's conferral: one per batch, updated, and
// listed while pending.
func TestConferrals(t *testing.T) {
	engines(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		insert(t, s, []*domain.Batch{batch("b1", "p1", "a1", t0), batch("b2", "p1", "a1", t0)})
		_, err := s.GetConferral(ctx, "b1")
		requireNotFound(t, err, "batches/b1/conferral")
		c := &store.Conferral{Batch: "b1", RequestID: "6f1c1c8e-4f0a-4e47-9a55-3f8f4b8e2a10", DecisionID: "d-b1", Title: "Tặng danh hiệu",
			Document: domain.Document{Number: "946/QĐ-UBND", SignedOn: date(2025, 3, 30), SignerName: "Nguyễn Văn E", Issuer: "a1"},
			State:    store.ConferralPending, Nominations: []string{"batches/b1/nominations/n2", "batches/b1/nominations/n1"},
			CreateTime: t0, UpdateTime: t0}
		insertConferral := func(c *store.Conferral) error {
			return do(t, s, func(tx *store.Tx) error { return tx.InsertConferral(ctx, c) })
		}
		require.NoError(t, insertConferral(c))
		var exists *domainerr.ExistsError
		require.ErrorAs(t, insertConferral(c), &exists)
		require.Equal(t, "batches/b1/conferral", exists.Name)
		got, err := s.GetConferral(ctx, "b1")
		require.NoError(t, err)
		require.Equal(t, c, got)

		other := *c
		other.Batch, other.CreateTime = "b2", t0.Add(time.Minute)
		require.NoError(t, insertConferral(&other))
		pending, err := s.PendingConferrals(ctx)
		require.NoError(t, err)
		require.Equal(t, []*store.Conferral{c, &other}, pending)

		c.State, c.UpdateTime = store.ConferralDone, t0.Add(time.Hour)
		require.NoError(t, do(t, s, func(tx *store.Tx) error { return tx.UpdateConferral(ctx, c) }))
		got, err = s.GetConferral(ctx, "b1")
		require.NoError(t, err)
		require.Equal(t, c, got)
		pending, err = s.PendingConferrals(ctx)
		require.NoError(t, err)
		require.Equal(t, []*store.Conferral{&other}, pending)
		missing := *c
		missing.Batch = "b3"
		err = do(t, s, func(tx *store.Tx) error { return tx.UpdateConferral(ctx, &missing) })
		requireNotFound(t, err, "batches/b3/conferral")
	})
}
