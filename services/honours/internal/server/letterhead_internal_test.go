package server

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/internal/document"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
)

func TestLetterhead(t *testing.T) {
	units := map[string]lineage.Unit{
		// as the demo names provinces and communes
		"bac-kan":    {ID: "bac-kan", DisplayName: "Tỉnh Bắc Kạn", ShortName: "Bắc Kạn", Level: lineage.LevelProvince, Province: "bac-kan"},
		"xa-nam-mau": {ID: "xa-nam-mau", DisplayName: "Xã Nam Mẫu", Level: lineage.LevelCommune, Province: "bac-kan"},
		"hcm":        {ID: "hcm", DisplayName: "Thành phố Hồ Chí Minh", Level: lineage.LevelProvince, Province: "hcm"},
		// as blocstest names them
		"bac-ninh":     {ID: "bac-ninh", DisplayName: "Ủy ban nhân dân tỉnh Bắc Ninh", Level: lineage.LevelProvince, Province: "bac-ninh"},
		"so-noi-vu-bn": {ID: "so-noi-vu-bn", DisplayName: "Sở Nội vụ tỉnh Bắc Ninh", Level: lineage.LevelProvince, Province: "bac-ninh"},
		"bo-noi-vu":    {ID: "bo-noi-vu", DisplayName: "Bộ Nội vụ", Level: lineage.LevelMinistry},
	}
	for _, tc := range []struct {
		name, issuer, title string
		capacity            domain.SigningCapacity
		governing, lines    string
		signer, authority   string
	}{
		{"province, chairman", "bac-kan", "Chủ tịch", domain.SignedInPerson,
			"", "ỦY BAN NHÂN DÂN\nTỈNH BẮC KẠN", "CHỦ TỊCH", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"},
		{"province, deputy", "bac-kan", "Phó Chủ tịch", domain.SignedAsDeputy,
			"", "ỦY BAN NHÂN DÂN\nTỈNH BẮC KẠN", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"},
		{"deputy without a recorded capacity", "bac-kan", "Phó Chủ tịch", domain.SignedInPerson,
			"", "ỦY BAN NHÂN DÂN\nTỈNH BẮC KẠN", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"},
		{"province, collective", "bac-ninh", "Chủ tịch", domain.SignedForCollective,
			"", "ỦY BAN NHÂN DÂN\nTỈNH BẮC NINH", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "ỦY BAN NHÂN DÂN TỈNH BẮC NINH"},
		{"city, acting", "hcm", "Quyền Chủ tịch", domain.SignedAsActing,
			"", "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH", "Q. CHỦ TỊCH", "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH"},
		{"commune", "xa-nam-mau", "Chủ tịch", domain.SignedInPerson,
			"", "ỦY BAN NHÂN DÂN\nXÃ NAM MẪU", "CHỦ TỊCH", "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ NAM MẪU"},
		{"agency of a province, deputy", "so-noi-vu-bn", "Phó Giám đốc", domain.SignedAsDeputy,
			"UBND TỈNH BẮC NINH", "SỞ NỘI VỤ", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "GIÁM ĐỐC SỞ NỘI VỤ TỈNH BẮC NINH"},
		{"ministry, deputy minister", "bo-noi-vu", "Thứ trưởng", domain.SignedInPerson,
			"", "BỘ NỘI VỤ", "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG", "BỘ TRƯỞNG BỘ NỘI VỤ"},
		{"unknown unit", "khong-co", "Chủ tịch", domain.SignedInPerson,
			"", "KHONG-CO", "CHỦ TỊCH", "CHỦ TỊCH KHONG-CO"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dec document.Decision
			letterhead(&dec, domain.Document{SignerTitle: tc.title, Capacity: tc.capacity}, tc.issuer, units)
			require.Equal(t, tc.governing, dec.GoverningBody)
			require.Equal(t, tc.lines, dec.IssuerName)
			require.Equal(t, tc.signer, dec.SignerTitle)
			require.Equal(t, tc.authority, dec.Authority)
		})
	}
}
