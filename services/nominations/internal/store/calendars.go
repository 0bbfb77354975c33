package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/workdays"
)

// Calendar is the working-day calendar of a year as kept: its listed days
// (workdays.Day), in date order.
type Calendar struct {
	Year       int
	Days       []workdays.Day
	UpdateTime time.Time
	Version    int64
}

// Name is calendars/{year}.
func (c *Calendar) Name() string { return CalendarName(c.Year) }

// Etag is the calendar's etag.
func (c *Calendar) Etag() string { return resid.Etag(c.Version) }

// CalendarName returns calendars/{year}.
func CalendarName(year int) string { return "calendars/" + strconv.Itoa(year) }

const calendarColumns = `year, days, update_time, version`

func scanCalendar(row sqlstore.Scanner) (*Calendar, error) {
	var c Calendar
	if err := row.Scan(&c.Year, sqlstore.JSON(&c.Days), sqlstore.Micros(&c.UpdateTime), &c.Version); err != nil {
		return nil, err
	}
	return &c, nil
}

// GetCalendar returns the calendar of year.
func (r reader) GetCalendar(ctx context.Context, year int) (*Calendar, error) {
	c, err := scanCalendar(r.Q.QueryRowContext(ctx, `SELECT `+calendarColumns+` FROM calendars WHERE year = $1`, year))
	if err != nil {
		return nil, sqlstore.NotFound(err, CalendarName(year))
	}
	return c, nil
}

// Calendars returns the calendar of every year kept, by year.
func (r reader) Calendars(ctx context.Context) ([]*Calendar, error) {
	rows, err := r.Q.QueryContext(ctx, `SELECT `+calendarColumns+` FROM calendars ORDER BY year`)
	cs, err := sqlstore.Collect(rows, err, scanCalendar)
	if err != nil {
		return nil, fmt.Errorf("calendars: %w", err)
	}
	return cs, nil
}

// PutCalendar writes c, whose Version the caller has bumped: version 1
// creates the year's calendar, any other replaces the one read at
// c.Version-1. A calendar created or changed since it was read is
// domainerr.ErrStaleEtag.
func (tx *Tx) PutCalendar(ctx context.Context, c *Calendar) error {
	if c.Version == 1 {
		_, err := tx.ExecContext(ctx, `INSERT INTO calendars (`+calendarColumns+`) VALUES ($1,$2,$3,$4)`,
			c.Year, sqlstore.JSON(c.Days), sqlstore.Micros(&c.UpdateTime), c.Version)
		if sqlstore.IsUniqueViolation(err) {
			return domainerr.ErrStaleEtag
		}
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE calendars SET days = $2, update_time = $3, version = $4 WHERE year = $1 AND version = $5`,
		c.Year, sqlstore.JSON(c.Days), sqlstore.Micros(&c.UpdateTime), c.Version, c.Version-1)
	return sqlstore.CheckUpdated(res, err)
}
