package dashboard

import (
	"net/http"
	"regexp"

	"github.com/tdkt-vn/tdkt/platform/auth"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// The batches (tờ trình): the list, with its filters in the URL, the form
// that creates one, and a batch's page with its nominations and the
// actions the person's roles allow: add a nomination, submit, confer.

func init() {
	route("GET /batches", batchList)
	route("GET /batches/new", batchNew)
	route("POST /batches", batchCreate)
	route("GET /batches/{b}", batchPage)
	route("POST /batches/{b}/nominations", batchAddNomination)
	route("POST /batches/{b}/submit", batchSubmit)
	route("POST /batches/{b}/confer", batchConfer)
	funcs["nomI64"] = func(n int32) int64 { return int64(n) }
	translate(map[string]string{
		"Tờ trình đề nghị khen thưởng": "Batches of nominations",
		"Tờ trình mới":                 "New batch",
		"Đơn vị đề nghị":               "Proposer",
		"Cấp quyết định":               "Authority",
		"Tất cả":                       "All",
		"Năm tạo":                      "Year created",
		"Xem":                          "Show",
		"Tiêu đề":                      "Title",
		"Số đề nghị":                   "Nominations",
		"Ngày tạo":                     "Created",
		"Ngày trình":                   "Submitted on",
		"Không có tờ trình nào.":       "No batches.",
		"Mã tờ trình (không bắt buộc)": "Batch id (optional)",
		"Mã đơn vị, ví dụ units/thai-nguyen-so-noi-vu": "Unit name, e.g. units/thai-nguyen-so-noi-vu",
		"Tạo":                     "Create",
		"Đang soạn":               "Being drafted",
		"Đã trình cấp quyết định": "Submitted",
		"Đã kết thúc":             "Closed",
		"Các đề nghị":             "Nominations",
		"Tờ trình chưa có đề nghị nào.": "The batch has no nominations yet.",
		"Thêm đề nghị":                  "Add a nomination",
		"Loại đối tượng":                "Recipient kind",
		"Cá nhân":                       "Individual",
		"Tập thể":                       "Collective",
		"Hộ gia đình":                   "Household",
		"Họ và tên (cá nhân, chủ hộ)":   "Full name (individual, head of household)",
		"Giới tính":                     "Gender",
		"Không ghi":                     "Not recorded",
		"Nam":                           "Male",
		"Nữ":                            "Female",
		"Năm sinh":                      "Year of birth",
		"Chức vụ":                       "Position",
		"Đơn vị công tác (tập thể: chính đơn vị)": "Unit (collective: the unit itself)",
		"Từ năm":             "From year",
		"Đến năm":            "To year",
		"Tóm tắt thành tích": "Achievements",
		"Trình tờ trình":     "Submit the batch",
		"Trình tờ trình lên cấp quyết định":                        "Submit the batch to its authority",
		"Các đề nghị dự thảo sẽ được trình và kiểm tra điều kiện.": "Its draft nominations are submitted and their eligibility is checked.",
		"Trình khen thưởng": "Confer",
		"Quyết định khen thưởng các đề nghị đã phê duyệt": "The decision conferring the approved nominations",
		"Số quyết định":        "Decision number",
		"Ngày ký":              "Signed on",
		"Người ký":             "Signer",
		"Chức vụ người ký":     "Signer's title",
		"Trích yếu quyết định": "Decision title",
		"Ban hành quyết định":  "Issue the decision",
		"Quyết định":           "Decision",
		"Thông tin tờ trình":   "The batch",
		"Số tờ trình":          "Batches",
	})
}

// batchListData is the list of batches and its filters.
type batchListData struct {
	Proposer, Authority string
	State               nominationsv1.BatchState
	Year                int
	States              []nominationsv1.BatchState
	Batches             []*nominationsv1.Batch
	Units               nomUnits
	CanCreate           bool
}

var batchStates = []nominationsv1.BatchState{
	nominationsv1.BatchState_BATCH_STATE_DRAFT,
	nominationsv1.BatchState_BATCH_STATE_SUBMITTED,
	nominationsv1.BatchState_BATCH_STATE_CLOSED,
}

var batchStateLabels = map[nominationsv1.BatchState]string{
	nominationsv1.BatchState_BATCH_STATE_DRAFT:     "Đang soạn",
	nominationsv1.BatchState_BATCH_STATE_SUBMITTED: "Đã trình cấp quyết định",
	nominationsv1.BatchState_BATCH_STATE_CLOSED:    "Đã kết thúc",
}

// BatchState is the name of a batch state in the page's language.
func (q *req) BatchState(s nominationsv1.BatchState) string {
	if l, ok := batchStateLabels[s]; ok {
		return q.T(l)
	}
	return s.String()
}

// mayPropose reports whether the person's roles may create and fill
// batches (the services decide for which unit).
func (q *req) mayPropose() bool { return q.Has(auth.UnitClerk, auth.BoardOfficer, auth.CentralAdmin) }

// mayDecide reports whether the person's roles may take an authority's
// steps: appraise, publish, approve, confer.
func (q *req) mayDecide() bool { return q.Has(auth.BoardOfficer, auth.CentralAdmin) }

func batchList(q *req) error {
	if !q.SignedIn() {
		return errForbidden
	}
	d := batchListData{States: batchStates, CanCreate: q.mayPropose()}
	var err error
	if d.Proposer, err = q.unitParam("proposer"); err != nil {
		return err
	}
	if d.Authority, err = q.unitParam("authority"); err != nil {
		return err
	}
	if d.Year, err = q.intParam("year", 0, 0, 2200); err != nil {
		return err
	}
	if d.Year != 0 && d.Year < 1945 {
		return fieldError{"year", "must be a year from 1945 to 2200"}
	}
	if s := q.r.URL.Query().Get("state"); s != "" {
		v, ok := nominationsv1.BatchState_value[s]
		if !ok || v == 0 {
			return fieldError{"state", "must be BATCH_STATE_DRAFT, BATCH_STATE_SUBMITTED or BATCH_STATE_CLOSED"}
		}
		d.State = nominationsv1.BatchState(v)
	}
	if d.Batches, err = q.batches(&nominationsv1.ListBatchesRequest{Proposer: d.Proposer, Authority: d.Authority,
		State: d.State, Year: int32(d.Year)}); err != nil {
		return err
	}
	var names []string
	for _, b := range d.Batches {
		names = append(names, b.GetProposer(), b.GetAuthority())
	}
	if d.Units, err = q.nomUnitNames(names); err != nil {
		return err
	}
	return q.render("batches", "Tờ trình đề nghị khen thưởng", d)
}

// batchNewData is the form that creates a batch.
type batchNewData struct {
	Proposer, Authority, Title, ID string
}

func batchNew(q *req) error {
	if !q.mayPropose() {
		return errForbidden
	}
	d := batchNewData{}
	if units := q.Caller.UnitsWith(auth.UnitClerk, auth.BoardOfficer, auth.CentralAdmin); len(units) > 0 {
		d.Proposer = "units/" + units[0]
	}
	return q.render("batch_new", "Tờ trình mới", d)
}

var batchIDPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func batchCreate(q *req) error {
	rid, err := q.nomRequestID()
	if err != nil {
		return err
	}
	in := &nominationsv1.CreateBatchRequest{RequestId: rid, BatchId: q.nomText("id"), Batch: &nominationsv1.Batch{
		Proposer: q.nomText("proposer"), Authority: q.nomText("authority"), Title: q.nomText("title")}}
	if in.BatchId != "" && !batchIDPattern.MatchString(in.BatchId) {
		return fieldError{"id", "must be lower-case letters, digits and hyphens"}
	}
	b, err := q.d.clients.Nominations.CreateBatch(q.ctx, in)
	if err != nil {
		return err
	}
	http.Redirect(q.w, q.r, "/"+b.GetName(), http.StatusSeeOther)
	return nil
}

// batchData is a batch's page.
type batchData struct {
	B           *nominationsv1.Batch
	Nominations []listedNomination
	Units       nomUnits
	Awards      map[string]string
	AwardTypes  []choiceOf
	Approved    int
	Decision    string // decisions/{d} once conferred
	CanAdd      bool   // DRAFT, and the person may propose
	CanSubmit   bool
	CanConfer   bool // SUBMITTED with APPROVED nominations, and the person may decide
	Year        int
	Today       string
}

func batchPage(q *req) error {
	if !q.SignedIn() {
		return errForbidden
	}
	name := "batches/" + q.r.PathValue("b")
	b, err := q.d.clients.Nominations.GetBatch(q.ctx, &nominationsv1.GetBatchRequest{Name: name})
	if err != nil {
		return err
	}
	noms, err := q.nominations(&nominationsv1.ListNominationsRequest{Parent: name})
	if err != nil {
		return err
	}
	d := batchData{B: b, Decision: b.GetDecision(), Year: q.d.now().In(vietnam).Year(), Today: nomISODate(dayOf(q.d.now()))}
	names := []string{b.GetProposer(), b.GetAuthority()}
	for _, n := range noms {
		names = append(names, n.GetRecipient().GetUnit())
		if n.GetState() == nominationsv1.NominationState_NOMINATION_STATE_APPROVED {
			d.Approved++
		}
	}
	if d.Units, err = q.nomUnitNames(names); err != nil {
		return err
	}
	for _, n := range noms {
		d.Nominations = append(d.Nominations, listedNomination{N: n, Who: d.Units.recipient(n), Proposer: d.Units.Name(b.GetProposer())})
	}
	if d.AwardTypes, d.Awards, err = q.awardTypes(true); err != nil {
		return err
	}
	draft := b.GetState() == nominationsv1.BatchState_BATCH_STATE_DRAFT
	d.CanAdd = draft && q.mayPropose()
	d.CanSubmit = draft && q.mayPropose() && len(noms) > 0
	d.CanConfer = b.GetState() == nominationsv1.BatchState_BATCH_STATE_SUBMITTED && d.Approved > 0 && q.mayDecide()
	return q.render("batch", b.GetTitle(), d)
}

// nomKinds are the recipient kinds a form offers, by field value.
var nomKinds = map[string]typev1.RecipientKind{
	"INDIVIDUAL": typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL,
	"COLLECTIVE": typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE,
	"HOUSEHOLD":  typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD,
}

var nomGenders = map[string]typev1.Gender{
	"":       typev1.Gender_GENDER_UNSPECIFIED,
	"MALE":   typev1.Gender_GENDER_MALE,
	"FEMALE": typev1.Gender_GENDER_FEMALE,
}

func batchAddNomination(q *req) error {
	parent := "batches/" + q.r.PathValue("b")
	rid, err := q.nomRequestID()
	if err != nil {
		return err
	}
	n, err := q.nominationForm()
	if err != nil {
		return err
	}
	created, err := q.d.clients.Nominations.CreateNomination(q.ctx, &nominationsv1.CreateNominationRequest{
		Parent: parent, Nomination: n, RequestId: rid})
	if err != nil {
		return err
	}
	http.Redirect(q.w, q.r, "/"+created.GetName(), http.StatusSeeOther)
	return nil
}

// nominationForm reads the nomination of the form that adds one.
func (q *req) nominationForm() (*nominationsv1.Nomination, error) {
	kind, ok := nomKinds[q.nomText("kind")]
	if !ok {
		return nil, fieldError{"kind", "must be INDIVIDUAL, COLLECTIVE or HOUSEHOLD"}
	}
	gender, ok := nomGenders[q.nomText("gender")]
	if !ok {
		return nil, fieldError{"gender", "must be MALE, FEMALE or empty"}
	}
	birth, err := q.nomInt("birth_year", 1880, 2200, false)
	if err != nil {
		return nil, err
	}
	from, err := q.nomInt("start_year", 1945, 2200, true)
	if err != nil {
		return nil, err
	}
	to, err := q.nomInt("end_year", 1945, 2200, true)
	if err != nil {
		return nil, err
	}
	r := &typev1.Recipient{Kind: kind, Gender: gender, BirthYear: birth, Position: q.nomText("position"), Unit: q.nomText("unit")}
	if kind == typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD {
		r.HeadName, r.Commune, r.Unit = q.nomText("full_name"), r.Unit, ""
	} else if kind == typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL {
		r.FullName = q.nomText("full_name")
	}
	return &nominationsv1.Nomination{Recipient: r, AwardType: q.nomText("award_type"),
		Period: &typev1.Period{StartYear: from, EndYear: to}, Achievements: q.nomText("achievements")}, nil
}

func batchSubmit(q *req) error {
	name := "batches/" + q.r.PathValue("b")
	rid, err := q.nomRequestID()
	if err != nil {
		return err
	}
	if _, err := q.d.clients.Nominations.SubmitBatch(q.ctx, &nominationsv1.SubmitBatchRequest{
		Name: name, Etag: q.nomText("etag"), RequestId: rid}); err != nil {
		return err
	}
	http.Redirect(q.w, q.r, "/"+name, http.StatusSeeOther)
	return nil
}

func batchConfer(q *req) error {
	name := "batches/" + q.r.PathValue("b")
	rid, err := q.nomRequestID()
	if err != nil {
		return err
	}
	signed, err := q.nomDate("signed_on", true)
	if err != nil {
		return err
	}
	b, err := q.d.clients.Nominations.GetBatch(q.ctx, &nominationsv1.GetBatchRequest{Name: name})
	if err != nil {
		return err
	}
	doc := &typev1.DocumentRef{Number: q.nomText("number"), SignedOn: signed, SignerName: q.nomText("signer_name"),
		SignerTitle: q.nomText("signer_title"), Issuer: b.GetAuthority()}
	if _, err := q.d.clients.Nominations.ConferBatch(q.ctx, &nominationsv1.ConferBatchRequest{
		Name: name, Document: doc, Title: q.nomText("title"), RequestId: rid}); err != nil {
		return err
	}
	http.Redirect(q.w, q.r, "/"+name, http.StatusSeeOther)
	return nil
}
