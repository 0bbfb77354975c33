package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/unicode/norm"

	"github.com/tdkt-vn/tdkt/services/movements/internal/domain"
)

func eventFields() domain.EventFields {
	return domain.EventFields{
		Kind: domain.Congress, Organizer: "thai-nguyen", Group: "khoi-3", HeldOn: day(2020, 7, 30), Ordinal: 3,
		Period:    domain.Period{Start: day(2020, 1, 1), End: day(2025, 12, 31)},
		Summary:   "Đại hội thi đua yêu nước lần thứ III",
		Decisions: []string{"decisions/946-qd-ubnd"},
	}
}

func TestEventValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(f *domain.EventFields)
		field  string // "" when valid
		says   string
	}{
		{"valid", func(*domain.EventFields) {}, "", ""},
		{"no period", func(f *domain.EventFields) { f.Period = domain.Period{} }, "", ""},
		{"a review without an ordinal", func(f *domain.EventFields) { f.Kind, f.Ordinal = domain.MidtermReview, 0 }, "", ""},
		{"no kind", func(f *domain.EventFields) { f.Kind = domain.EventKindUnspecified }, "event.kind", "required"},
		{"no organizer", func(f *domain.EventFields) { f.Organizer = "" }, "event.organizer", "required"},
		{"unknown organizer", func(f *domain.EventFields) { f.Organizer = "khong-co" }, "event.organizer", "does not exist"},
		{"dissolved organizer", func(f *domain.EventFields) { f.Organizer = "bac-kan" }, "event.organizer", "units/thai-nguyen"},
		{"no day", func(f *domain.EventFields) { f.HeldOn = domain.EventFields{}.HeldOn },
			"event.heldOn", "required"},
		{"a congress without an ordinal", func(f *domain.EventFields) { f.Ordinal = 0 }, "event.ordinal", "congress"},
		{"reversed period", func(f *domain.EventFields) { f.Period.End = day(2019, 12, 31) }, "event.period.endDate", "before"},
		{"half a period", func(f *domain.EventFields) { f.Period.Start = domain.Period{}.Start }, "event.period.startDate", "required"},
		{"not a decision", func(f *domain.EventFields) { f.Decisions = []string{"honours/1"} }, "event.decisions[0]", "decisions/{decision}"},
		{"a decision twice", func(f *domain.EventFields) { f.Decisions = []string{"decisions/a", "decisions/a"} }, "event.decisions[1]", "decisions[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := eventFields()
			tc.change(&f)
			err := f.Validate("event", units)
			if tc.field == "" {
				assert.NoError(t, err)
				return
			}
			got := fieldsOf(err)
			assert.Contains(t, got, tc.field, "%v", err)
			assert.Contains(t, got[tc.field], tc.says)
		})
	}
}

func TestOrdinalScope(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(f *domain.EventFields)
		want   string
	}{
		{"a bloc's congress", func(*domain.EventFields) {}, "groups/khoi-3"},
		{"an organizer's congress", func(f *domain.EventFields) { f.Group = "" }, "units/thai-nguyen"},
		{"a review", func(f *domain.EventFields) { f.Kind = domain.FinalReview }, ""},
		{"no ordinal", func(f *domain.EventFields) { f.Ordinal = 0 }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := eventFields()
			tc.change(&f)
			assert.Equal(t, tc.want, f.OrdinalScope())
		})
	}
}

func TestNormalizeEvent(t *testing.T) {
	f := eventFields()
	f.Summary = norm.NFD.String("Đại hội")
	assert.NotEqual(t, "Đại hội", f.Summary)
	f.Normalize()
	assert.Equal(t, "Đại hội", f.Summary)
	e := domain.NewEvent("dai-hoi-3", f, now)
	assert.Equal(t, "events/dai-hoi-3", e.Name())
	assert.Equal(t, now, e.CreateTime)
}
