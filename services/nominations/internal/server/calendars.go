package server

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/platform/resname"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/workdays"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/store"
)

// calendarPattern names a year's working-day calendar.
const calendarPattern resname.Pattern = "calendars/{year}"

// calendarTTL bounds how long the calendar built in memory is used before
// it is read again (another replica may have changed a year).
const calendarTTL = 5 * time.Minute

// calendarCache is the working-day calendar of every stored year, built in
// memory and rebuilt after UpdateCalendar or calendarTTL.
type calendarCache struct {
	mu    sync.Mutex
	cal   *workdays.Calendar
	years map[int]bool // the years looked for: stored, seeded or not to be had
	built time.Time
}

func (c *calendarCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cal, c.years = nil, nil
}

var holidayKinds = map[nominationsv1.HolidayKind]workdays.Kind{
	nominationsv1.HolidayKind_HOLIDAY_KIND_HOLIDAY:             workdays.Holiday,
	nominationsv1.HolidayKind_HOLIDAY_KIND_SWAPPED_DAY_OFF:     workdays.SwappedDayOff,
	nominationsv1.HolidayKind_HOLIDAY_KIND_MAKE_UP_WORKING_DAY: workdays.MakeUpWorkingDay,
}

// workCalendar returns the calendar of the stored years, having seeded
// each of years the store lacks from the official list the domain embeds
// (workdays.Default) when that list holds it. A time limit that runs into
// a year neither holds is the domain's CALENDAR_MISSING.
func (s *Server) workCalendar(ctx context.Context, years ...int) (*workdays.Calendar, error) {
	c := &s.calendar
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cal != nil && s.now().Sub(c.built) > calendarTTL {
		c.cal, c.years = nil, nil
	}
	var missing []int
	for _, y := range years {
		if !c.years[y] {
			missing = append(missing, y)
		}
	}
	if c.cal != nil && len(missing) == 0 {
		return c.cal, nil
	}
	stored, err := s.store.Calendars(ctx)
	if err != nil {
		return nil, err
	}
	have := map[int]bool{}
	for _, cal := range stored {
		have[cal.Year] = true
	}
	for _, y := range missing {
		if have[y] {
			continue
		}
		seeded, err := s.seedCalendar(ctx, y)
		if err != nil {
			return nil, err
		}
		if seeded != nil {
			stored = append(stored, seeded)
		}
	}
	cal, err := buildCalendar(stored)
	if err != nil {
		return nil, err
	}
	if c.years == nil || c.cal == nil {
		c.years = map[int]bool{}
	}
	for _, y := range append(missing, cal.Years()...) {
		c.years[y] = true
	}
	c.cal, c.built = cal, s.now()
	return cal, nil
}

// buildCalendar is the calendar of the stored years; with none, an empty
// calendar that holds no year.
func buildCalendar(stored []*store.Calendar) (*workdays.Calendar, error) {
	var years []int
	var days []workdays.Day
	for _, c := range stored {
		years = append(years, c.Year)
		days = append(days, c.Days...)
	}
	if len(years) == 0 {
		return &workdays.Calendar{}, nil
	}
	return workdays.New(years, days)
}

// seedCalendar stores the official list's days of year, when it holds the
// year; nil when it does not. A calendar stored meanwhile is kept.
func (s *Server) seedCalendar(ctx context.Context, year int) (*store.Calendar, error) {
	def, err := workdays.Default()
	if err != nil {
		return nil, err
	}
	var days []workdays.Day
	held := false
	for _, y := range def.Years() {
		held = held || y == year
	}
	if !held {
		return nil, nil
	}
	for _, d := range def.Days() {
		if d.Date.Year == year {
			days = append(days, d)
		}
	}
	c := &store.Calendar{Year: year, Days: days, Version: 1}
	_, err = s.store.Do(ctx, sqlstore.Op{Method: "SeedCalendar", Caller: systemActor}, func(tx *store.Tx) (string, []byte, error) {
		c.UpdateTime = tx.Now()
		return c.Name(), nil, tx.PutCalendar(ctx, c)
	})
	if errors.Is(err, domainerr.ErrStaleEtag) {
		return s.store.GetCalendar(ctx, year)
	}
	return c, err
}

// calendarYear reads calendars/{year}.
func calendarYear(field, name string) (int, error) {
	id, ok := calendarPattern.ID(name)
	y, err := strconv.Atoi(id)
	if !ok || err != nil {
		return 0, resname.Field(field, calendarPattern)
	}
	return y, nil
}

// GetCalendar returns a year's calendar, seeded from the official list on
// its first use.
func (s *Server) GetCalendar(ctx context.Context, req *nominationsv1.GetCalendarRequest) (*nominationsv1.Calendar, error) {
	year, err := calendarYear("name", req.GetName())
	if err != nil {
		return nil, err
	}
	if _, err := s.workCalendar(ctx, year); err != nil {
		return nil, err
	}
	c, err := s.store.GetCalendar(ctx, year)
	if err != nil {
		return nil, err
	}
	return calendarOut(c), nil
}

// UpdateCalendar replaces the listed days of a year.
func (s *Server) UpdateCalendar(ctx context.Context, req *nominationsv1.UpdateCalendarRequest) (*nominationsv1.Calendar, error) {
	year, err := calendarYear("calendar.name", req.GetCalendar().GetName())
	if err != nil {
		return nil, err
	}
	for _, p := range req.GetUpdateMask().GetPaths() {
		if p != "holidays" {
			return nil, domainerr.Field("updateMask", "%q cannot be updated: only holidays", p)
		}
	}
	days, err := holidaysIn(year, req.GetCalendar().GetHolidays())
	if err != nil {
		return nil, err
	}
	resp := new(nominationsv1.Calendar)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		var version int64
		switch cur, err := tx.GetCalendar(ctx, year); {
		case err == nil:
			version = cur.Version
		case !errors.As(err, new(*domainerr.NotFoundError)):
			return nil, err
		}
		if err := resid.CheckEtag(req.GetCalendar().GetEtag(), version); err != nil {
			return nil, err
		}
		c := &store.Calendar{Year: year, Days: days, UpdateTime: tx.Now(), Version: version + 1}
		if err := tx.PutCalendar(ctx, c); err != nil {
			return nil, err
		}
		return calendarOut(c), nil
	})
	if err == nil {
		s.calendar.reset()
	}
	return resp, err
}

// holidaysIn reads and checks the days of a calendar of year; errors name
// calendar.holidays[i].… .
func holidaysIn(year int, ps []*nominationsv1.Holiday) ([]workdays.Day, error) {
	var errs resname.Fields
	days := make([]workdays.Day, len(ps))
	seen := map[string]int{}
	for i, p := range ps {
		field := indexed("calendar.holidays", i)
		d := workdays.Day{
			Date: errs.RequiredDate(field+".date", p.GetDate()), Kind: holidayKinds[p.GetKind()],
			Name: vnfold.Normalize(p.GetName()), Source: vnfold.Normalize(p.GetSource()), Check: vnfold.Normalize(p.GetCheck()),
		}
		days[i] = d
		if errs.Has(field + ".date") {
			continue
		}
		if _, err := workdays.New([]int{year}, []workdays.Day{d}); err != nil {
			errs.Add(field+"."+dayField(err), "%s", dayProblem(err))
			continue
		}
		if j, dup := seen[d.Date.String()]; dup {
			errs.Add(field+".date", "%s is listed in holidays[%d] already", d.Date, j)
		}
		seen[d.Date.String()] = i
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return days, nil
}

// dayFields are the fields of a day that workdays names in its errors.
var dayFields = []string{"date", "kind", "name", "source", "check"}

// dayField is the field of a day that an error of workdays.New names
// ("workdays: 2026-01-01: kind: …"); the date when it names none.
func dayField(err error) string {
	_, rest, _ := strings.Cut(strings.TrimPrefix(err.Error(), "workdays: "), ": ")
	for _, f := range dayFields {
		if strings.HasPrefix(rest, f+": ") {
			return f
		}
	}
	return "date"
}

// dayProblem is what an error of workdays.New says of the day.
func dayProblem(err error) string {
	msg := strings.TrimPrefix(err.Error(), "workdays: ")
	if _, rest, ok := strings.Cut(msg, ": "); ok {
		for _, f := range dayFields {
			if after, ok := strings.CutPrefix(rest, f+": "); ok {
				return after
			}
		}
		return rest
	}
	return msg
}

func calendarOut(c *store.Calendar) *nominationsv1.Calendar {
	p := &nominationsv1.Calendar{Name: c.Name(), UpdateTime: timestamppb.New(c.UpdateTime), Etag: c.Etag()}
	for _, d := range c.Days {
		p.Holidays = append(p.Holidays, &nominationsv1.Holiday{Date: d.Date.Proto(), Name: d.Name, Kind: key(holidayKinds, d.Kind),
			Source: d.Source, Check: d.Check})
	}
	return p
}
