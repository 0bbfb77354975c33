package dashboard

import (
	"net/http"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// A nomination's page: who, for what, where it stands, its timeline, its
// eligibility report, the council's vote, its documents, the honour and
// decision it became, and a form for each step its state allows the
// person's roles. Each step is a POST to
// /batches/{b}/nominations/{n}/{action} that goes back to the page; the
// services refuse what they do not allow, and their words are shown.

func init() {
	route("GET /batches/{b}/nominations/{n}", nominationPage)
	route("POST /batches/{b}/nominations/{n}/{action}", nominationAct)
	translate(map[string]string{
		"Đề nghị khen thưởng":         "Nomination",
		"Thông tin đề nghị":           "The nomination",
		"Đối tượng":                   "Recipient kind",
		"Thời gian lập thành tích":    "Period",
		"Hết hạn lấy ý kiến nhân dân": "Public comment ends",
		"Quá trình xử lý":             "Timeline",
		"Từ":                          "From",
		"Sang":                        "To",
		"Người thực hiện":             "By",
		"Thời điểm":                   "When",
		"Lý do":                       "Reason",
		"Tạo mới":                     "Created",
		"Kết quả kiểm tra điều kiện":  "Eligibility report",
		"Kết quả chung":               "Outcome",
		"Tiêu chí":                    "Rule",
		"Kết quả":                     "Result",
		"Mã lý do":                    "Reason code",
		"Nhận xét":                    "Finding",
		"Chưa kiểm tra điều kiện.":    "Eligibility not evaluated yet.",
		"Kiểm tra lúc":                "Evaluated at",
		"Ngoại lệ được chấp thuận":    "Override",
		"Biểu quyết của Hội đồng":     "The council's vote",
		"Chưa có biểu quyết.":         "No vote recorded.",
		"Số thành viên":               "Members",
		"Có mặt":                      "Present",
		"Tán thành":                   "Yes",
		"Không tán thành":             "No",
		"Không biểu quyết":            "Abstain",
		"Không tham gia biểu quyết":   "Recused",
		"Ngưỡng":                      "Threshold",
		"Đủ số thành viên dự họp":     "Quorum",
		"Có":                          "Yes",
		"Không":                       "No",
		"Ngày họp":                    "Held on",
		"Hồ sơ kèm theo":              "Documents",
		"Không có tệp nào.":           "No files.",
		"Tên tệp":                     "File",
		"Loại":                        "Type",
		"Dung lượng":                  "Size",
		"Kết quả khen thưởng":         "Conferral",
		"Xem quyết định":              "See the decision",
		"Số vào sổ":                   "Register number",
		"Xử lý đề nghị":               "Actions",
		"Thẩm định":                   "Appraise",
		"Trả lại":                     "Return",
		"Không chấp thuận":            "Reject",
		"Công khai lấy ý kiến":        "Publish for comment",
		"Phê duyệt":                   "Approve",
		"Rút đề nghị":                 "Withdraw",
		"Ghi kết quả biểu quyết":      "Record the vote",
		"Lý do ngoại lệ (bắt buộc vì có tiêu chí KHÔNG ĐẠT)":                                                     "Override reason (required: a rule FAILS)",
		"Thành viên Hội đồng, mỗi dòng một người: Họ tên; đơn vị; thủ trưởng; vắng":                              "Council members, one a line: Full name; unit; head; absent",
		"Ghi “thủ trưởng” nếu người đó là thủ trưởng đơn vị, “vắng” nếu không dự họp (biểu quyết bằng văn bản).": "Write “thủ trưởng” when the member heads the unit, “vắng” when absent (voting in writing).",
		"Không có thao tác nào cho trạng thái này và vai trò của bạn.":                                           "Your roles can take no step in this state.",
		"ĐẠT":         "PASS",
		"KHÔNG ĐẠT":   "FAIL",
		"CHƯA RÕ":     "UNKNOWN",
		"Về tờ trình": "Back to the batch",
		"Năm":         "Year",
	})
}

// nominationData is a nomination's page.
type nominationData struct {
	N        *nominationsv1.Nomination
	Batch    *nominationsv1.Batch
	Who      string
	Kind     string
	Units    nomUnits
	Award    string
	Honour   *honoursv1.Honour
	Decision string // decisions/{d}, once conferred
	Actions  nominationActions
	Today    string
}

// nominationActions are the steps the page offers: those the state
// allows and the person's roles may take.
type nominationActions struct {
	Appraise, Return, Reject, Vote, Publish, Approve, Withdraw bool
	NeedsOverride                                              bool
}

// Any reports whether any step is offered.
func (a nominationActions) Any() bool {
	return a.Appraise || a.Return || a.Reject || a.Vote || a.Publish || a.Approve || a.Withdraw
}

// nomNameOf is the nomination the request's path names.
func nomNameOf(q *req) string {
	return "batches/" + q.r.PathValue("b") + "/nominations/" + q.r.PathValue("n")
}

func nominationPage(q *req) error {
	if !q.SignedIn() {
		return errForbidden
	}
	n, err := q.d.clients.Nominations.GetNomination(q.ctx, &nominationsv1.GetNominationRequest{Name: nomNameOf(q)})
	if err != nil {
		return err
	}
	b, err := q.d.clients.Nominations.GetBatch(q.ctx, &nominationsv1.GetBatchRequest{Name: batchOf(n.GetName())})
	if err != nil {
		return err
	}
	d := nominationData{N: n, Batch: b, Today: nomISODate(dayOf(q.d.now())), Decision: b.GetDecision()}
	if d.Units, err = q.nomUnitNames([]string{b.GetProposer(), b.GetAuthority(), n.GetRecipient().GetUnit(), n.GetRecipient().GetCommune()}); err != nil {
		return err
	}
	d.Who = d.Units.recipient(n)
	d.Kind = q.T(map[typev1.RecipientKind]string{typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL: "Cá nhân",
		typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE: "Tập thể", typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD: "Hộ gia đình"}[n.GetRecipient().GetKind()])
	_, awards, err := q.awardTypes(false)
	if err != nil {
		return err
	}
	d.Award = awards[n.GetAwardType()]
	if d.Award == "" {
		d.Award = n.GetAwardType()
	}
	if n.GetHonour() != "" {
		if d.Honour, err = q.d.clients.Honours.GetHonour(q.ctx, &honoursv1.GetHonourRequest{Name: n.GetHonour()}); err != nil {
			return err
		}
		d.Decision = d.Honour.GetDecision()
	}
	d.Actions = q.nominationActions(n)
	return q.render("nomination", "Đề nghị khen thưởng", d)
}

// nominationActions are the steps n's state allows that the person's
// roles may take (the services still decide).
func (q *req) nominationActions(n *nominationsv1.Nomination) nominationActions {
	var a nominationActions
	decide, propose, vote := q.mayDecide(), q.mayPropose(), q.Has(auth.CouncilMember, auth.CentralAdmin)
	switch n.GetState() {
	case nominationsv1.NominationState_NOMINATION_STATE_DRAFT, nominationsv1.NominationState_NOMINATION_STATE_RETURNED:
		a.Withdraw = propose
	case nominationsv1.NominationState_NOMINATION_STATE_SUBMITTED:
		a.Appraise, a.Return, a.Reject, a.Withdraw = decide, decide, decide, propose
	case nominationsv1.NominationState_NOMINATION_STATE_APPRAISED:
		a.Vote = vote
		a.Publish = decide && n.GetVote().GetPassed()
		a.Return, a.Reject, a.Withdraw = decide, decide, propose
	case nominationsv1.NominationState_NOMINATION_STATE_PUBLISHED:
		a.Approve, a.Reject, a.Withdraw = decide, decide, propose
		a.NeedsOverride = n.GetEligibility().GetOutcome() == nominationsv1.Outcome_OUTCOME_FAIL
	}
	return a
}

// Outcome is an eligibility outcome in words and its class: PASS, FAIL,
// UNKNOWN are shown as words, never by colour alone.
func (q *req) Outcome(o nominationsv1.Outcome) struct{ Label, Class string } {
	switch o {
	case nominationsv1.Outcome_OUTCOME_PASS:
		return struct{ Label, Class string }{q.T("ĐẠT"), "pass"}
	case nominationsv1.Outcome_OUTCOME_FAIL:
		return struct{ Label, Class string }{q.T("KHÔNG ĐẠT"), "fail"}
	}
	return struct{ Label, Class string }{q.T("CHƯA RÕ"), "unknown"}
}

// LineMessage is an eligibility line's finding in the page's language.
func (q *req) LineMessage(l *nominationsv1.EligibilityLine) string {
	if q.Lang == "en" && l.GetEnglishMessage() != "" {
		return l.GetEnglishMessage()
	}
	return l.GetMessage()
}

// nominationAct takes one step of the workflow and goes back to the page.
func nominationAct(q *req) error {
	name := nomNameOf(q)
	rid, err := q.nomRequestID()
	if err != nil {
		return err
	}
	etag, reason := q.nomText("etag"), q.nomText("reason")
	c := q.d.clients.Nominations
	switch q.r.PathValue("action") {
	case "appraise":
		_, err = c.AppraiseNomination(q.ctx, &nominationsv1.AppraiseNominationRequest{Name: name, Etag: etag, RequestId: rid})
	case "return":
		_, err = c.ReturnNomination(q.ctx, &nominationsv1.ReturnNominationRequest{Name: name, Reason: reason, Etag: etag, RequestId: rid})
	case "reject":
		_, err = c.RejectNomination(q.ctx, &nominationsv1.RejectNominationRequest{Name: name, Reason: reason, Etag: etag, RequestId: rid})
	case "publish":
		_, err = c.PublishNomination(q.ctx, &nominationsv1.PublishNominationRequest{Name: name, Etag: etag, RequestId: rid})
	case "approve":
		_, err = c.ApproveNomination(q.ctx, &nominationsv1.ApproveNominationRequest{Name: name, OverrideReason: q.nomText("override_reason"), Etag: etag, RequestId: rid})
	case "withdraw":
		_, err = c.WithdrawNomination(q.ctx, &nominationsv1.WithdrawNominationRequest{Name: name, Reason: reason, Etag: etag, RequestId: rid})
	case "vote":
		var v *nominationsv1.Vote
		if v, err = q.voteForm(); err != nil {
			return err
		}
		_, err = c.RecordVote(q.ctx, &nominationsv1.RecordVoteRequest{Name: name, Vote: v, Etag: etag, RequestId: rid})
	default:
		return errNotFound
	}
	if err != nil {
		return err
	}
	http.Redirect(q.w, q.r, "/"+name, http.StatusSeeOther)
	return nil
}

// voteForm reads the council's vote: its members, one a line ("Họ tên;
// units/x; thủ trưởng; vắng"), the ballots and the day of the meeting.
func (q *req) voteForm() (*nominationsv1.Vote, error) {
	v := &nominationsv1.Vote{}
	for _, line := range strings.Split(q.r.PostForm.Get("members"), "\n") {
		m, ok, err := councilMember(line)
		if err != nil {
			return nil, err
		}
		if ok {
			v.Members = append(v.Members, m)
		}
	}
	if len(v.Members) == 0 {
		return nil, fieldError{"members", "list the council's members, one a line"}
	}
	var err error
	if v.Yes, err = q.nomInt("yes", 0, 200, true); err != nil {
		return nil, err
	}
	if v.No, err = q.nomInt("no", 0, 200, false); err != nil {
		return nil, err
	}
	if v.Abstain, err = q.nomInt("abstain", 0, 200, false); err != nil {
		return nil, err
	}
	if v.HeldOn, err = q.nomDate("held_on", true); err != nil {
		return nil, err
	}
	return v, nil
}

// councilMember reads a line of the members field: a full name, then
// optionally, separated by semicolons, the unit (units/x), "thủ trưởng"
// when the member heads it, "vắng" when absent. A blank line is no
// member.
func councilMember(line string) (*nominationsv1.CouncilMember, bool, error) {
	parts := strings.Split(vnfold.Normalize(line), ";")
	m := &nominationsv1.CouncilMember{FullName: strings.TrimSpace(parts[0]), Present: true}
	if m.FullName == "" {
		return nil, false, nil
	}
	for _, p := range parts[1:] {
		switch p = strings.TrimSpace(p); strings.ToLower(p) {
		case "":
		case "thủ trưởng", "head":
			m.HeadsUnit = true
		case "vắng", "absent":
			m.Present = false
		default:
			if !unitName.MatchString(p) {
				return nil, false, fieldError{"members", "“" + p + "” is not a unit name (units/x), “thủ trưởng” or “vắng”"}
			}
			m.Unit = p
		}
	}
	return m, true, nil
}
