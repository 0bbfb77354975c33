package server_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/grpctest"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
)

// submitOne submits a batch of one nomination of teacher (another award
// each time: no duplicate) and returns the nomination's due date.
func submitOne(t *testing.T, e *env, id, award string) *date.Date {
	t.Helper()
	ctx := t.Context()
	b := createBatch(t, e, id)
	n := cstdTinh()
	n.AwardType = award
	created, err := e.c.CreateNomination(ctx, &nominationsv1.CreateNominationRequest{Parent: b.GetName(), Nomination: n})
	require.NoError(t, err)
	_, err = e.c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: b.GetName()})
	require.NoError(t, err)
	got, err := e.c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: created.GetName()})
	require.NoError(t, err)
	return got.GetDueOn()
}

func TestCalendars(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c, err := e.c.GetCalendar(ctx, &nominationsv1.GetCalendarRequest{Name: "calendars/2024"})
		require.NoError(t, err, "seeded from the official list on its first use")
		require.NotEmpty(t, c.GetHolidays())
		assert.Equal(t, "Tết Dương lịch", c.GetHolidays()[0].GetName())
		assert.Equal(t, nominationsv1.HolidayKind_HOLIDAY_KIND_HOLIDAY, c.GetHolidays()[0].GetKind())
		assert.NotEmpty(t, c.GetHolidays()[0].GetSource())
		c26, err := e.c.GetCalendar(ctx, &nominationsv1.GetCalendarRequest{Name: "calendars/2026"})
		require.NoError(t, err)
		checked := 0
		for _, h := range c26.GetHolidays() {
			if strings.HasPrefix(h.GetCheck(), "[check]") {
				checked++
			}
		}
		assert.Positive(t, checked, "unconfirmed days keep their [check] notes")
		_, err = e.c.GetCalendar(ctx, &nominationsv1.GetCalendarRequest{Name: "calendars/2031"})
		assert.Equal(t, codes.NotFound, status.Code(err), "a year the official list lacks: %v", err)

		// Submitted on Monday 4 March 2024, a dossier is appraised within
		// 20 working days: by 1 April.
		assert.Equal(t, on(2024, 4, 1), submitOne(t, e, "truoc", "awardTypes/CSTD_TINH"))

		// A day off on Friday 15 March moves it to 2 April.
		holidays := append(c.GetHolidays(), &nominationsv1.Holiday{Date: on(2024, 3, 15), Name: "Ngày nghỉ của tỉnh",
			Kind: nominationsv1.HolidayKind_HOLIDAY_KIND_HOLIDAY, Source: "Quyết định 15/QĐ-UBND"})
		update := func(etag string, hs ...*nominationsv1.Holiday) (*nominationsv1.Calendar, error) {
			return e.c.UpdateCalendar(ctx, &nominationsv1.UpdateCalendarRequest{
				Calendar: &nominationsv1.Calendar{Name: "calendars/2024", Holidays: hs, Etag: etag}})
		}
		_, err = update(`"7"`, holidays...)
		assert.Equal(t, codes.Aborted, status.Code(err), "a stale etag: %v", err)
		bad := &nominationsv1.Holiday{Date: on(2024, 3, 16), Name: "Nghỉ bù", Kind: nominationsv1.HolidayKind_HOLIDAY_KIND_SWAPPED_DAY_OFF,
			Source: "Thông báo"}
		_, err = update(c.GetEtag(), append(holidays, bad)...)
		assert.Equal(t, []string{"calendar.holidays[" + strconv.Itoa(len(holidays)) + "].kind"}, grpctest.Violations(t, err), "a swapped day off on a Saturday")
		_, err = update(c.GetEtag(), append(holidays, holidays[0])...)
		assert.Equal(t, []string{"calendar.holidays[" + strconv.Itoa(len(holidays)) + "].date"}, grpctest.Violations(t, err), "a day listed twice")
		_, err = update(c.GetEtag(), &nominationsv1.Holiday{Date: on(2025, 1, 1), Name: "Tết Dương lịch",
			Kind: nominationsv1.HolidayKind_HOLIDAY_KIND_HOLIDAY, Source: "Bộ luật Lao động"})
		assert.Equal(t, []string{"calendar.holidays[0].date"}, grpctest.Violations(t, err), "a day of another year")
		updated, err := update(c.GetEtag(), holidays...)
		require.NoError(t, err)
		assert.NotEqual(t, c.GetEtag(), updated.GetEtag())
		assert.Equal(t, on(2024, 4, 2), submitOne(t, e, "sau", "awardTypes/BK_TINH"))

		// On 2 April only the first is overdue.
		e.clock.Set(at(2024, time.April, 2))
		l, err := e.c.ListNominations(ctx, &nominationsv1.ListNominationsRequest{Parent: "batches/-", Overdue: true})
		require.NoError(t, err)
		require.Len(t, l.GetNominations(), 1)
		assert.Equal(t, "batches/truoc", strings.Split(l.GetNominations()[0].GetName(), "/nominations/")[0])
	})
}
