package dashboard

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

func init() {
	route("GET /audit", auditPage)
	translate(map[string]string{
		"Dịch vụ":                 "Service",
		"Luồng nhật ký":           "Stream",
		"Hoạt động quản trị":      "Admin activity",
		"Truy cập dữ liệu":        "Data access",
		"Người thực hiện":         "Actor",
		"Tài nguyên":              "Resource",
		"Thao tác":                "Method",
		"Thời điểm":               "Time",
		"Kết quả":                 "Outcome",
		"Vai trò":                 "Roles",
		"Số bản ghi":              "Entries",
		"Số bản ghi theo dịch vụ": "Entries by service",
		"Bản ghi mới nhất":        "Newest entries",
		"Không có bản ghi nào.":   "No entry matches.",
		"Bạn không có quyền đọc nhật ký của dịch vụ": "You may not read the audit log of the service",
		"Đơn vị, khối, cụm thi đua":                  "Units, blocs and clusters",
		"Khen thưởng":                                "Honours",
		"Đề nghị khen thưởng":                        "Nominations",
		"Hiển thị":                                   "Showing",
		"trong số":                                   "of",
		"bản ghi mới nhất; thu hẹp bộ lọc để xem các bản ghi cũ hơn.": "newest entries; narrow the filters to see older ones.",
		"Mã chủ thể, đúng như trong nhật ký":                          "Subject, exactly as logged",
		"Tên tài nguyên, ví dụ units/thai-nguyen":                     "Resource name, e.g. units/thai-nguyen",
	})
}

// auditShown is how many entries the audit screen lists at most, newest
// first across the services; its counts are the services' totals.
const auditShown = 100

// auditLister is a service's ListAuditEntries.
type auditLister func(context.Context, *typev1.ListAuditEntriesRequest, ...grpc.CallOption) (*typev1.ListAuditEntriesResponse, error)

// auditService is a service whose audit log the screen reads.
type auditService struct {
	ID, Label string
	list      func(*req) auditLister
}

var auditServices = []auditService{
	{"blocs", "Đơn vị, khối, cụm thi đua", func(q *req) auditLister { return q.d.clients.Blocs.ListAuditEntries }},
	{"honours", "Khen thưởng", func(q *req) auditLister { return q.d.clients.Honours.ListAuditEntries }},
	{"movements", "Phong trào", func(q *req) auditLister { return q.d.clients.Movements.ListAuditEntries }},
	{"nominations", "Đề nghị khen thưởng", func(q *req) auditLister { return q.d.clients.Nominations.ListAuditEntries }},
}

var auditStreams = map[string]typev1.AuditLogName{
	"activity": typev1.AuditLogName_AUDIT_LOG_NAME_ACTIVITY, "data-access": typev1.AuditLogName_AUDIT_LOG_NAME_DATA_ACCESS,
}

// auditData is the audit screen: the entries of the services the person
// may read, merged newest first. Filters (in the URL): service, stream,
// actor, resource, method.
type auditData struct {
	Services, Streams       []choice
	Actor, Resource, Method string
	Counts                  []auditCount
	Denied                  []string
	Total                   int64
	Entries                 []auditRow
}

// auditCount is how many entries of a service match.
type auditCount struct {
	ID, Label string
	Count     int64
}

// auditRow is an entry with its service.
type auditRow struct {
	E       *typev1.AuditEntry
	Service string
}

// ResourceLink is the page of the entry's resource, if the dashboard has
// one.
func (r auditRow) ResourceLink() string {
	res := r.E.GetResource()
	switch {
	case auditTopLevel.MatchString(res) && strings.HasPrefix(res, "groups/"):
		return "/blocs/" + strings.TrimPrefix(res, "groups/")
	case auditTopLevel.MatchString(res):
		return "/" + res
	}
	return ""
}

var auditTopLevel = regexp.MustCompile(`^(units|groups|movements|decisions)/[a-z0-9-]+$`)

// AuditStream is a stream's name in the page's language.
func (q *req) AuditStream(s typev1.AuditLogName) string {
	switch s {
	case typev1.AuditLogName_AUDIT_LOG_NAME_ACTIVITY:
		return q.T("Hoạt động quản trị")
	case typev1.AuditLogName_AUDIT_LOG_NAME_DATA_ACCESS:
		return q.T("Truy cập dữ liệu")
	}
	return ""
}

func auditPage(q *req) error {
	if !q.SignedIn() {
		return errForbidden
	}
	opts := make([][2]string, len(auditServices))
	byID := map[string]auditService{}
	for i, s := range auditServices {
		opts[i] = [2]string{s.ID, s.Label}
		byID[s.ID] = s
	}
	service, _, err := enumParam(q, "service", byID)
	if err != nil {
		return err
	}
	stream, logName, err := enumParam(q, "stream", auditStreams)
	if err != nil {
		return err
	}
	in := &typev1.ListAuditEntriesRequest{PageSize: auditShown, LogName: logName}
	data := auditData{
		Services: q.choices(service, "Tất cả", opts),
		Streams:  q.choices(stream, "Tất cả", [][2]string{{"activity", "Hoạt động quản trị"}, {"data-access", "Truy cập dữ liệu"}})}
	for _, f := range []struct {
		name string
		to   *string
		max  int
	}{{"actor", &in.Caller, 300}, {"resource", &in.Resource, 300}, {"method", &in.Method, 100}} {
		v := strings.TrimSpace(q.r.URL.Query().Get(f.name))
		if len(v) > f.max {
			return fieldError{f.name, "is too long"}
		}
		*f.to = v
	}
	data.Actor, data.Resource, data.Method = in.Caller, in.Resource, in.Method
	for _, s := range auditServices {
		if service != "" && s.ID != service {
			continue
		}
		resp, err := s.list(q)(q.ctx, in)
		switch {
		case isCode(err, codes.PermissionDenied):
			data.Denied = append(data.Denied, q.T(s.Label))
			continue
		case isCode(err, codes.InvalidArgument):
			return err
		case err != nil:
			return err
		}
		data.Counts = append(data.Counts, auditCount{s.ID, q.T(s.Label), int64(resp.GetTotalSize())})
		data.Total += int64(resp.GetTotalSize())
		for _, e := range resp.GetAuditEntries() {
			data.Entries = append(data.Entries, auditRow{e, q.T(s.Label)})
		}
	}
	slices.SortStableFunc(data.Entries, func(a, b auditRow) int {
		return b.E.GetTime().AsTime().Compare(a.E.GetTime().AsTime())
	})
	if len(data.Entries) > auditShown {
		data.Entries = data.Entries[:auditShown]
	}
	return q.render("audit", "Nhật ký", data)
}

// Shown is how many entries the page lists.
func (d auditData) Shown() int64 { return int64(len(d.Entries)) }
