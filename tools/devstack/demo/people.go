package demo

import (
	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
)

// People are the demo's accounts, offered with one click on the dev
// issuer's sign-in page: someone for each role of a nomination's path in
// Thái Nguyên, a central administrator, and a clerk of another province,
// who must never see Thái Nguyên's drafts. The people are invented.
var People = []devissuer.Person{
	{Subject: "van-thu-so-noi-vu-tn", Name: "Nguyễn Thị Thu Hà", Title: "Văn thư, Sở Nội vụ tỉnh Thái Nguyên",
		Grants: []auth.Grant{{Unit: "thai-nguyen-so-noi-vu", Roles: []auth.Role{auth.UnitClerk}}}},
	{Subject: "chuyen-vien-tdkt-tn", Name: "Hoàng Văn Nam", Title: "Chuyên viên thi đua – khen thưởng, tỉnh Thái Nguyên",
		Grants: []auth.Grant{{Unit: "thai-nguyen", Roles: []auth.Role{auth.BoardOfficer}}}},
	{Subject: "uy-vien-hoi-dong-tn", Name: "Lương Thị Mai", Title: "Ủy viên Hội đồng Thi đua – Khen thưởng tỉnh Thái Nguyên",
		Grants: []auth.Grant{{Unit: "thai-nguyen", Roles: []auth.Role{auth.CouncilMember}}}},
	{Subject: "quan-tri-trung-uong", Name: "Đỗ Minh Tuấn", Title: "Quản trị viên, Ban Thi đua – Khen thưởng Trung ương",
		Grants: []auth.Grant{{Unit: devissuer.CentralUnit, Roles: []auth.Role{auth.CentralAdmin}}}},
	{Subject: "van-thu-tuyen-quang", Name: "Ma Thị Hồng", Title: "Văn thư, Ủy ban nhân dân tỉnh Tuyên Quang",
		Grants: []auth.Grant{{Unit: "tuyen-quang", Roles: []auth.Role{auth.UnitClerk}}}},
}
