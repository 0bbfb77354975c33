package domain

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
)

func TestFindDuplicate(t *testing.T) {
	claim := func(name string, edit func(*Claim)) Claim {
		c := Claim{Name: name, Key: "key-hoa", Award: eligibility.BKTinh, Period: Period{2022, 2023}, State: Submitted}
		if edit != nil {
			edit(&c)
		}
		return c
	}
	n := claim("batches/b/nominations/new", func(c *Claim) { c.State = Draft })
	cases := []struct {
		name  string
		other Claim
		clash bool
	}{
		{"same period", claim("x", nil), true},
		{"overlapping period", claim("x", func(c *Claim) { c.Period = Period{2023, 2024} }), true},
		{"conferred", claim("x", func(c *Claim) { c.State = Conferred }), true},
		{"returned is still open", claim("x", func(c *Claim) { c.State = Returned }), true},
		{"adjacent period", claim("x", func(c *Claim) { c.Period = Period{2020, 2021} }), false},
		{"rejected", claim("x", func(c *Claim) { c.State = Rejected }), false},
		{"withdrawn", claim("x", func(c *Claim) { c.State = Withdrawn }), false},
		{"another recipient", claim("x", func(c *Claim) { c.Key = "key-lan" }), false},
		{"another award", claim("x", func(c *Claim) { c.Award = eligibility.BKTTG }), false},
		{"a thematic movement's award", claim("x", func(c *Claim) { c.Basis, c.Movement = eligibility.Movement, "nong-thon-moi" }), false},
		{"itself", claim(n.Name, nil), false},
	}
	for _, c := range cases {
		got, ok := FindDuplicate(n, []Claim{c.other})
		assert.Equal(t, c.clash, ok, c.name)
		if c.clash {
			assert.Equal(t, "x", got, c.name)
		}
	}

	movement := func(c *Claim) { c.Basis, c.Movement = eligibility.Movement, "nong-thon-moi" }
	got, ok := FindDuplicate(claim("new", movement), []Claim{claim("a", nil), claim("b", movement)})
	assert.True(t, ok)
	assert.Equal(t, "b", got, "the same movement's award for the same years")
	_, ok = FindDuplicate(claim("new", movement), []Claim{claim("a", func(c *Claim) { movement(c); c.Movement = "vi-nguoi-ngheo" })})
	assert.False(t, ok, "another movement's award")

	unexpected := func(c *Claim) { c.Basis = eligibility.Unexpected }
	_, ok = FindDuplicate(claim("new", unexpected), []Claim{claim("a", unexpected)})
	assert.False(t, ok, "each unexpected achievement is its own")
	_, ok = FindDuplicate(claim("new", func(c *Claim) { c.Key = "" }), []Claim{claim("a", func(c *Claim) { c.Key = "" })})
	assert.False(t, ok, "no key, no match")
}

func TestNominationClaim(t *testing.T) {
	n := draft(t, eligibility.CSTDCS)
	assert.Equal(t, Claim{Name: "batches/bk-2025/nominations/hoa", Key: "key-hoa", Award: eligibility.CSTDCS,
		Period: Period{2023, 2023}, State: Draft}, n.Claim())
}
