package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A citizen id a spreadsheet kept as a number gets its leading zero back;
// a 9-digit identity card number stays as it is.
func TestCitizenID(t *testing.T) {
	for in, want := range map[string]string{
		"019185001234":     "019185001234",
		"19185001234":      "019185001234",
		"1.9185001234E10":  "019185001234",
		"1.9185001234E+10": "019185001234",
		" 001090012345 ":   "001090012345",
		"123456789":        "123456789",
		"":                 "",
	} {
		assert.Equal(t, want, citizenID(in), "%q", in)
	}
}

// Ratings and initiatives are read from their one-cell forms.
func TestRatingsAndInitiatives(t *testing.T) {
	rs, bad := parseRatings("2023:EXCELLENT; 2024:good")
	assert.Nil(t, bad)
	assert.Len(t, rs, 2)
	assert.Equal(t, "RATING_GOOD", rs[1].GetRating().String())
	_, bad = parseRatings("2023=EXCELLENT")
	assert.NotNil(t, bad)
	ins, bad := parseInitiatives("Số hóa hồ sơ|GRASSROOTS|2024|12/QĐ-SNV; Dạy học theo dự án|province|2023|")
	assert.Nil(t, bad)
	assert.Len(t, ins, 2)
	assert.Equal(t, "INITIATIVE_SCOPE_PROVINCE", ins[1].GetScope().String())
	_, bad = parseInitiatives("Số hóa hồ sơ|TỈNH|2024")
	assert.NotNil(t, bad)
}
