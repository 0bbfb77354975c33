package dashboard

// The dashboard is written in Vietnamese: every text of a page is
// Vietnamese in its template, wrapped in T, and english gives its English
// for the English switch. A text without an entry shows in Vietnamese; a
// test keeps every text of the templates translated.

// T is the text s in the page's language.
func (q *req) T(s string) string {
	if q.Lang == "en" {
		if e, ok := english[s]; ok {
			return e
		}
	}
	return s
}

// translate adds a screen's English texts; call it from the screen
// file's init function.
func translate(texts map[string]string) {
	for vi, en := range texts {
		english[vi] = en
	}
}

var english = map[string]string{
	"Tổng quan":            "Overview",
	"Việc cần làm":         "Worklist",
	"Sổ khen thưởng":       "Register",
	"Thống kê":             "Statistics",
	"Khối, cụm thi đua":    "Blocs and clusters",
	"Phong trào":           "Movements",
	"Đơn vị":               "Units",
	"Nhật ký":              "Audit",
	"Lỗi":                  "Error",
	"Đăng nhập":            "Sign in",
	"Đăng xuất":            "Sign out",
	"Bỏ qua, đến nội dung": "Skip to content",
	"Hệ thống thi đua – khen thưởng":                               "Emulation and commendation system",
	"Đã có lỗi; xin thử lại sau.":                                  "Something went wrong; please try again later.",
	"Không tìm thấy trang này.":                                    "This page does not exist.",
	"Bạn không có quyền xem trang này.":                            "You may not see this page.",
	"Một dịch vụ tạm thời không trả lời; xin thử lại sau ít phút.": "A service is not answering; please try again in a few minutes.",
	"Về trang chủ":                                                 "Back to the overview",
	"Ngôn ngữ":                                                     "Language",
	"Làm việc cho tỉnh":                                            "Acting for province",
	"Toàn quốc":                                                    "Whole country",
	"Chọn":                                                         "Apply",
	"Menu chính":                                                   "Main menu",
	"Tỉnh, thành phố":                                              "Province or city",
	"Năm (quyết định, tiền thưởng)":                                "Year (decisions, money)",
	"Xem":             "Show",
	"Đề nghị":         "Nominations",
	"Hồ sơ quá hạn":   "Overdue dossiers",
	"Đang lấy ý kiến": "In public comment",
	"Quyết định năm":  "Decisions in",
	"Danh hiệu, hình thức khen thưởng năm": "Honours in",
	"Tiền thưởng năm":                      "Reward money in",
	"Đề nghị theo trạng thái và tỉnh":      "Nominations by state and province",
	"Tổng":                  "Total",
	"Không có đề nghị nào.": "No nominations.",
	"Người, tập thể được đề nghị":           "Nominee",
	"Đơn vị trình":                          "Proposing unit",
	"Trạng thái":                            "State",
	"Hạn xử lý":                             "Due on",
	"Không có hồ sơ quá hạn.":               "No overdue dossiers.",
	"Đang lấy ý kiến nhân dân":              "Open public-comment windows",
	"Hết hạn lấy ý kiến":                    "Comment window ends",
	"Không có đề nghị nào đang lấy ý kiến.": "No nomination is in public comment.",
	"Trung ương, bộ, ngành":                 "Central level, ministries",
	"Dự thảo":                               "Draft",
	"Đã trình":                              "Submitted",
	"Trả lại":                               "Returned",
	"Đã thẩm định":                          "Appraised",
	"Đã phê duyệt":                          "Approved",
	"Đã khen thưởng":                        "Conferred",
	"Không được chấp thuận":                 "Rejected",
	"Đã rút":                                "Withdrawn",
	"Bảng (cuộn ngang được)":                "Table (scrolls sideways)",
}
