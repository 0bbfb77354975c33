package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/movements/internal/domain"
)

var now = time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) civil.Date {
	c, err := civil.New(y, m, d)
	if err != nil {
		panic(err)
	}
	return c
}

// units is the unit mirror of the tests: Thái Nguyên, and Bắc Kạn
// dissolved into it.
var units = map[string]lineage.Unit{
	"thai-nguyen": {ID: "thai-nguyen", DisplayName: "Ủy ban nhân dân tỉnh Thái Nguyên", Current: "thai-nguyen"},
	"bac-kan": {ID: "bac-kan", DisplayName: "Ủy ban nhân dân tỉnh Bắc Kạn", Dissolved: true, DissolvedOn: day(2025, 7, 1),
		Successor: "thai-nguyen", Current: "thai-nguyen"},
}

func directive() *domain.Document {
	return &domain.Document{Number: "11-CT/TU", SignedOn: day(2016, 3, 1), SignerName: "Trần Quốc Tỏ", SignerTitle: "Bí thư"}
}

func fields() domain.MovementFields {
	return domain.MovementFields{
		Title: "Thái Nguyên chung sức xây dựng nông thôn mới", Kind: domain.Thematic, LaunchedBy: "thai-nguyen",
		LaunchDocument: directive(), Period: domain.Period{Start: day(2016, 1, 1), End: day(2020, 12, 31)},
	}
}

// fieldsOf returns the fields named by err's violations.
func fieldsOf(err error) map[string]string {
	var fe domainerr.FieldErrors
	if !errors.As(err, &fe) {
		return nil
	}
	out := map[string]string{}
	for _, e := range fe {
		out[e.Field] = e.Description
	}
	return out
}

func reasonOf(err error) string {
	var re *domainerr.RuleError
	if errors.As(err, &re) {
		return re.Reason
	}
	return ""
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(f *domain.MovementFields)
		field  string // "" for valid
		says   string
	}{
		{"valid", func(*domain.MovementFields) {}, "", ""},
		{"a draft without a document", func(f *domain.MovementFields) { f.LaunchDocument = nil }, "", ""},
		{"a one-day period", func(f *domain.MovementFields) { f.Period.End = f.Period.Start }, "", ""},
		{"reversed period", func(f *domain.MovementFields) { f.Period.End = day(2015, 12, 31) }, "movement.period.endDate", "before the start date"},
		{"no start", func(f *domain.MovementFields) { f.Period.Start = civil.Date{} }, "movement.period.startDate", "required"},
		{"no end", func(f *domain.MovementFields) { f.Period.End = civil.Date{} }, "movement.period.endDate", "required"},
		{"no title", func(f *domain.MovementFields) { f.Title = "" }, "movement.title", "required"},
		{"no kind", func(f *domain.MovementFields) { f.Kind = domain.KindUnspecified }, "movement.kind", "required"},
		{"no launcher", func(f *domain.MovementFields) { f.LaunchedBy = "" }, "movement.launchedBy", "required"},
		{"unknown launcher", func(f *domain.MovementFields) { f.LaunchedBy = "khong-co" }, "movement.launchedBy", "units/khong-co does not exist"},
		{"dissolved launcher", func(f *domain.MovementFields) { f.LaunchedBy = "bac-kan" }, "movement.launchedBy", "its successor is units/thai-nguyen"},
		{"document without number", func(f *domain.MovementFields) { f.LaunchDocument.Number = "" }, "movement.launchDocument.number", "required"},
		{"unknown issuer", func(f *domain.MovementFields) { f.LaunchDocument.Issuer = "khong-co" }, "movement.launchDocument.issuer", "does not exist"},
		{"empty criterion", func(f *domain.MovementFields) { f.Criteria = []string{"Đạt", ""} }, "movement.criteria[1]", "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fields()
			tc.change(&f)
			err := f.Validate("movement", units)
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			require.Contains(t, fieldsOf(err), tc.field, "%v", err)
			assert.Contains(t, fieldsOf(err)[tc.field], tc.says)
		})
	}
}

func TestLifecycle(t *testing.T) {
	review := domain.ClosingReview{Document: domain.Document{Number: "25-BC/TU", SignedOn: day(2021, 3, 1)}, Summary: "Tổng kết 5 năm"}
	launcher := units["thai-nguyen"]
	type step func(m *domain.Movement) error
	launch := func(m *domain.Movement) error { return m.Launch(launcher, true, "", now) }
	closeIt := func(m *domain.Movement) error { return m.Close(review, "", now) }
	for _, tc := range []struct {
		name   string
		from   domain.State
		step   step
		reason string // "" for success
		to     domain.State
	}{
		{"launch a draft", domain.Draft, launch, "", domain.Active},
		{"launch an active one", domain.Active, launch, "MOVEMENT_NOT_DRAFT", domain.Active},
		{"launch a closed one", domain.Closed, launch, "MOVEMENT_CLOSED", domain.Closed},
		{"launch without a document", domain.Draft, func(m *domain.Movement) error {
			m.LaunchDocument = nil
			return launch(m)
		}, "LAUNCH_DOCUMENT_REQUIRED", domain.Draft},
		{"launch without a signing date", domain.Draft, func(m *domain.Movement) error {
			m.LaunchDocument.SignedOn = civil.Date{}
			return launch(m)
		}, "LAUNCH_DOCUMENT_REQUIRED", domain.Draft},
		{"launch by a dissolved unit", domain.Draft, func(m *domain.Movement) error {
			return m.Launch(units["bac-kan"], true, "", now)
		}, "LAUNCHER_NOT_ACTIVE", domain.Draft},
		{"launch by a unit gone", domain.Draft, func(m *domain.Movement) error {
			return m.Launch(lineage.Unit{}, false, "", now)
		}, "LAUNCHER_NOT_ACTIVE", domain.Draft},
		{"close an active one", domain.Active, closeIt, "", domain.Closed},
		{"close a draft", domain.Draft, closeIt, "MOVEMENT_NOT_ACTIVE", domain.Draft},
		{"close a closed one", domain.Closed, closeIt, "MOVEMENT_CLOSED", domain.Closed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := domain.NewMovement("chi-thi-11", fields(), now.Add(-time.Hour))
			m.State = tc.from
			err := tc.step(m)
			if tc.reason == "" {
				require.NoError(t, err)
				assert.EqualValues(t, 2, m.Version)
			} else {
				assert.Equal(t, tc.reason, reasonOf(err), "%v", err)
				assert.EqualValues(t, 1, m.Version)
			}
			assert.Equal(t, tc.to, m.State)
		})
	}
	t.Run("stale etag", func(t *testing.T) {
		m := domain.NewMovement("chi-thi-11", fields(), now)
		require.ErrorIs(t, m.Launch(launcher, true, `"7"`, now), domain.ErrStaleEtag)
		require.NoError(t, m.Launch(launcher, true, m.Etag(), now))
	})
}

func TestUpdate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		state  domain.State
		change func(f *domain.MovementFields)
		reason string
	}{
		{"a draft's document", domain.Draft, func(f *domain.MovementFields) { f.LaunchDocument.Number = "12-CT/TU" }, ""},
		{"a draft's start", domain.Draft, func(f *domain.MovementFields) { f.Period.Start = day(2016, 2, 1) }, ""},
		{"an active one's title", domain.Active, func(f *domain.MovementFields) { f.Title = "Tên mới" }, ""},
		{"an active one's end", domain.Active, func(f *domain.MovementFields) { f.Period.End = day(2021, 12, 31) }, ""},
		{"an active one's document", domain.Active, func(f *domain.MovementFields) { f.LaunchDocument.Number = "12-CT/TU" }, "MOVEMENT_LAUNCHED"},
		{"an active one's document removed", domain.Active, func(f *domain.MovementFields) { f.LaunchDocument = nil }, "MOVEMENT_LAUNCHED"},
		{"an active one's start", domain.Active, func(f *domain.MovementFields) { f.Period.Start = day(2016, 2, 1) }, "MOVEMENT_LAUNCHED"},
		{"an active one's launcher", domain.Active, func(f *domain.MovementFields) { f.LaunchedBy = "bac-ninh" }, "MOVEMENT_LAUNCHED"},
		{"a closed one's title", domain.Closed, func(f *domain.MovementFields) { f.Title = "Tên mới" }, "MOVEMENT_CLOSED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := domain.NewMovement("chi-thi-11", fields(), now)
			m.State = tc.state
			f := fields()
			tc.change(&f)
			err := m.Update(f, "", now)
			if tc.reason == "" {
				require.NoError(t, err)
				assert.Equal(t, f.Title, m.Title)
				return
			}
			assert.Equal(t, tc.reason, reasonOf(err), "%v", err)
			assert.Equal(t, fields().Title, m.Title, "unchanged")
		})
	}
}

func TestParticipants(t *testing.T) {
	mirror := map[string]lineage.Unit{
		"so-noi-vu":    {ID: "so-noi-vu", DisplayName: "Sở Nội vụ", Current: "so-noi-vu"},
		"so-tai-chinh": {ID: "so-tai-chinh", DisplayName: "Sở Tài chính", Current: "so-tai-chinh"},
		"bac-kan":      units["bac-kan"],
	}
	reg := day(2016, 4, 1)
	np := func(field, id, unit string) domain.NewParticipant {
		return domain.NewParticipant{Field: field, ID: id, Unit: unit, RegisteredOn: reg}
	}
	for _, tc := range []struct {
		name   string
		state  domain.State
		news   []domain.NewParticipant
		field  string
		says   string
		reason string
	}{
		{"two units", domain.Active, []domain.NewParticipant{np("requests[0].participant", "", "so-noi-vu"), np("requests[1].participant", "", "so-tai-chinh")}, "", "", ""},
		{"to a draft", domain.Draft, []domain.NewParticipant{np("participant", "", "so-noi-vu")}, "", "", ""},
		{"to a closed one", domain.Closed, []domain.NewParticipant{np("participant", "", "so-noi-vu")}, "", "", "MOVEMENT_CLOSED"},
		{"unknown unit", domain.Active, []domain.NewParticipant{np("participant", "", "khong-co")}, "participant.unit", "does not exist", ""},
		{"dissolved unit", domain.Active, []domain.NewParticipant{np("participant", "", "bac-kan")}, "participant.unit", "successor is units/thai-nguyen", ""},
		{"a unit twice", domain.Active, []domain.NewParticipant{np("requests[0].participant", "", "so-noi-vu"), np("requests[1].participant", "x", "so-noi-vu")},
			"requests[1].participant.unit", "registered by requests[0].participant too", ""},
		{"an id twice", domain.Active, []domain.NewParticipant{np("requests[0].participant", "a", "so-noi-vu"), np("requests[1].participant", "a", "so-tai-chinh")},
			"requests[1].participant.participantId", "is the id of requests[0].participant", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := domain.NewMovement("chi-thi-11", fields(), now)
			m.State = tc.state
			ps, err := domain.Participants(m, tc.news, mirror, now)
			switch {
			case tc.reason != "":
				assert.Equal(t, tc.reason, reasonOf(err), "%v", err)
			case tc.field != "":
				require.Contains(t, fieldsOf(err), tc.field, "%v", err)
				assert.Contains(t, fieldsOf(err)[tc.field], tc.says)
			default:
				require.NoError(t, err)
				require.Len(t, ps, len(tc.news))
				assert.Equal(t, "movements/chi-thi-11/participants/"+tc.news[0].Unit, ps[0].Name(), "the id is the unit's")
				assert.Equal(t, mirror[tc.news[0].Unit].DisplayName, ps[0].UnitDisplayName)
			}
		})
	}
}
