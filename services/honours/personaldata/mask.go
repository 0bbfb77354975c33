package personaldata

import "strings"

// MaskCitizenID shows the first three and last two characters of a citizen
// id and stars the rest: "001234567889" → "001*******89". An id too short to
// keep anything hidden is all stars; "" stays "".
func MaskCitizenID(id string) string {
	if len(id) < 8 {
		return strings.Repeat("*", len(id))
	}
	return id[:3] + strings.Repeat("*", len(id)-5) + id[len(id)-2:]
}
