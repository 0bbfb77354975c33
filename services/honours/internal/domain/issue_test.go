package domain

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// issueFixture is a draft of Bắc Kạn's chairman with two entries, one of
// a person of a district since merged into Thái Nguyên's lineage.
func issueFixture() (*Decision, []DecisionEntry, map[string]lineage.Unit) {
	d := &Decision{
		ID: "bk-1", Authority: "bac-kan", State: DecisionDraft, Version: 3,
		Document: Document{Number: "946/QĐ-UBND", SignedOn: day(2023, time.May, 31)},
	}
	person := Recipient{Kind: RecipientIndividual, FullName: "Nguyễn Văn A", Unit: "so-gd", Key: "ind:a", CitizenID: "001190987654", CitizenIDSealed: []byte{1}}
	collective := Recipient{Kind: RecipientCollective, Unit: "cho-don", Key: "unit:cho-don"}
	entries := []DecisionEntry{
		{Ordinal: 1, Recipient: person, AwardCode: "BK_TINH", Period: Period{StartYear: 2022, EndYear: 2022}},
		{Ordinal: 2, Recipient: collective, AwardCode: "BK_TINH", Period: Period{StartYear: 2022, EndYear: 2022}},
	}
	units := map[string]lineage.Unit{
		"bac-kan":     {ID: "bac-kan", Level: lineage.LevelProvince, Province: "bac-kan", Current: "thai-nguyen", Dissolved: true, DissolvedOn: day(2025, time.July, 1)},
		"thai-nguyen": {ID: "thai-nguyen", Level: lineage.LevelProvince, Province: "thai-nguyen", Current: "thai-nguyen"},
		"so-gd":       {ID: "so-gd", Level: lineage.LevelProvince, Province: "bac-kan", Current: "so-gd"},
		"cho-don":     {ID: "cho-don", DisplayName: "Huyện Chợ Đồn", Level: lineage.LevelCommune, Province: "bac-kan", Current: "cho-don"},
	}
	return d, entries, units
}

// issue issues d with its entries in pages of two, as the server does in
// pages of thousands.
func issue(cat *Catalogue, salaries *SalaryTable, d *Decision, entries []DecisionEntry, units map[string]lineage.Unit, held []Held, now time.Time) ([]*Honour, error) {
	is, err := cat.StartIssue(salaries, d, RewardLines(entries), units, held, now)
	if err != nil {
		return nil, err
	}
	var all []*Honour
	for page := range slices.Chunk(entries, 2) {
		hs, err := is.Honours(page)
		if err != nil {
			return nil, err
		}
		all = append(all, hs...)
	}
	return all, is.Finish()
}

func TestIssue(t *testing.T) {
	cat := catalogue(t)
	salaries, err := LoadSalaryTable()
	require.NoError(t, err)
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

	d, entries, units := issueFixture()
	require.Empty(t, MissingUnits(units, d.Authority, EntryUnits(entries)))
	entries = append(entries, DecisionEntry{Ordinal: 3, Recipient: entries[0].Recipient, AwardCode: "BK_TINH", Period: Period{StartYear: 2021, EndYear: 2021}})
	honours, err := issue(cat, salaries, d, entries, units, nil, now)
	require.NoError(t, err)
	require.Len(t, honours, 3)
	require.Equal(t, DecisionIssued, d.State)
	require.EqualValues(t, 4, d.Version)
	require.Equal(t, now, d.IssueTime)
	var total int64
	for i, h := range honours {
		require.Equal(t, HonourID("bk-1", i+1), h.ID, "a function of decision and ordinal: a retried issue names the same honours")
		require.Equal(t, "thai-nguyen", h.Province, "counted under the province that exists now")
		require.Equal(t, "bac-kan", h.ProvinceOriginal)
		require.Equal(t, "946/QĐ-UBND/"+strconv.Itoa(i+1), h.CertificateNumber)
		require.Empty(t, h.Recipient.CitizenID, "no clear citizen id in the register")
		require.Nil(t, h.Recipient.CitizenIDSealed, "the sealed id stays with the entry")
		require.Positive(t, h.RewardVND)
		total += h.RewardVND
	}
	require.Equal(t, "Nguyễn Văn A", honours[0].RecipientName)
	require.Equal(t, "Huyện Chợ Đồn", honours[1].RecipientName, "a collective by its unit's name")
	require.Equal(t, total, d.RewardTotal)
	require.Equal(t, "001190987654", entries[0].Recipient.CitizenID, "the entries are left as they were")

	_, err = issue(cat, salaries, d, entries, units, nil, now)
	require.Error(t, err, "an issued decision is not issued again")

	d, entries, units = issueFixture()
	is, err := cat.StartIssue(salaries, d, RewardLines(entries), units, nil, now)
	require.NoError(t, err)
	_, err = is.Honours(entries[:1])
	require.NoError(t, err)
	require.Error(t, is.Finish(), "not every entry became an honour")
	require.Equal(t, DecisionDraft, d.State)
	_, err = is.Honours(append(entries[1:], entries...))
	require.Error(t, err, "more entries than started with")
}

func TestIssueRefuses(t *testing.T) {
	cat := catalogue(t)
	salaries, err := LoadSalaryTable()
	require.NoError(t, err)
	for _, tc := range []struct {
		name            string
		change          func(d *Decision, entries *[]DecisionEntry, units map[string]lineage.Unit)
		reason, subject string
	}{
		{"no entries", func(_ *Decision, e *[]DecisionEntry, _ map[string]lineage.Unit) { *e = nil }, "DECISION_EMPTY", "decisions/bk-1"},
		{"unknown authority", func(_ *Decision, _ *[]DecisionEntry, u map[string]lineage.Unit) { delete(u, "bac-kan") }, "AUTHORITY_NOT_FOUND", "decision.authority"},
		{"signed after the authority was dissolved", func(d *Decision, _ *[]DecisionEntry, _ map[string]lineage.Unit) {
			d.Document.SignedOn = day(2025, time.July, 1)
		}, "AUTHORITY_DISSOLVED", "decision.authority"},
		{"a commune confers a provincial award", func(_ *Decision, _ *[]DecisionEntry, u map[string]lineage.Unit) {
			a := u["bac-kan"]
			a.Level = lineage.LevelCommune
			u["bac-kan"] = a
		}, "AUTHORITY_LEVEL_NOT_ALLOWED", "awardTypes/BK_TINH"},
		{"an entry's unit is unknown", func(_ *Decision, _ *[]DecisionEntry, u map[string]lineage.Unit) { delete(u, "cho-don") }, "UNIT_NOT_FOUND", "entries[1].recipient.unit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, entries, units := issueFixture()
			tc.change(d, &entries, units)
			before := *d
			_, err := issue(cat, salaries, d, entries, units, nil, time.Now())
			requireRule(t, err, tc.reason, tc.subject)
			require.Equal(t, before, *d, "a refused issue leaves the decision as it was")
		})
	}
}

func TestMissingUnits(t *testing.T) {
	d, entries, units := issueFixture()
	delete(units, "cho-don")
	u := units["so-gd"]
	u.Province = "lang-son"
	units["so-gd"] = u
	entries = append(entries, DecisionEntry{Recipient: Recipient{Kind: RecipientHousehold, Commune: "xa-1"}})
	require.ElementsMatch(t, []string{"cho-don", "xa-1", "lang-son"}, MissingUnits(units, d.Authority, EntryUnits(entries)),
		"the units the entries name and the provinces of those known")
	require.Equal(t, []string{"ind:a", "unit:cho-don", ""}, RecipientKeys(RewardLines(entries)))
}
