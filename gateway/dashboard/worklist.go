package dashboard

import (
	"github.com/tdkt-vn/tdkt/platform/auth"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
)

// The worklist: what each of the person's roles has to do next. A person
// may hold several roles, and sees a section for each: a clerk's drafts
// and returned dossiers, an officer's queues to appraise, publish,
// approve and confer, a council member's votes. The services decide which
// nominations each person sees; the worklist only sorts them by state.

func init() {
	route("GET /worklist", worklist)
	funcs["wlRows"] = worklistTable
	translate(map[string]string{
		"Hồ sơ của đơn vị":                           "Your unit's dossiers",
		"Hồ sơ dự thảo":                              "Drafts",
		"Bị trả lại":                                 "Returned",
		"Cần thẩm định":                              "To appraise",
		"Cần công khai":                              "To publish",
		"Cần phê duyệt":                              "To approve",
		"Cần trình khen thưởng":                      "To confer",
		"Cần biểu quyết":                             "Awaiting a vote",
		"Thẩm định, công khai, phê duyệt":            "Appraisal, publication, approval",
		"Biểu quyết của Hội đồng":                    "The council's votes",
		"Không có việc nào.":                         "Nothing to do.",
		"Không có việc cần làm cho vai trò của bạn.": "Your roles have nothing to do here.",
		"Người, tập thể được đề nghị":                "Nominee",
		"Hình thức khen thưởng":                      "Award",
		"Đơn vị trình":                               "Proposed by",
		"Trạng thái":                                 "State",
		"Hạn xử lý":                                  "Due",
		"Hết hạn lấy ý kiến":                         "Comment window ends",
		"Đã hết hạn lấy ý kiến":                      "Window ended",
		"Đang lấy ý kiến":                            "Window open",
		"Biểu quyết":                                 "Vote",
		"Đạt":                                        "Passed",
		"Không đạt":                                  "Not passed",
		"Chưa biểu quyết":                            "No vote yet",
		"Tờ trình":                                   "Batch",
		"Số đề nghị đã phê duyệt":                    "Approved nominations",
		"Danh sách tờ trình":                         "All batches",
		"Tạo tờ trình":                               "New batch",
	})
}

// worklistData is the worklist: one queue per step the person's roles
// take, each shown only to those roles.
type worklistData struct {
	Clerk, Officer, Council bool
	Drafts, Returned        []listedNomination
	Appraise, Publish       []listedNomination
	Approve                 []windowedNomination
	Confer                  []conferQueue
	Votes                   []listedNomination
	Awards                  map[string]string
}

// windowedNomination is a PUBLISHED nomination with whether its comment
// window has ended today.
type windowedNomination struct {
	listedNomination
	Ended bool
}

// conferQueue is a batch with APPROVED nominations, ready to confer.
type conferQueue struct {
	Batch, Title, Proposer string
	Approved               int64
}

// Link is the batch's page.
func (c conferQueue) Link() string { return "/" + c.Batch }

func worklist(q *req) error {
	if !q.SignedIn() {
		return errForbidden
	}
	d := worklistData{
		Clerk:   q.Has(auth.UnitClerk),
		Officer: q.Has(auth.BoardOfficer, auth.CentralAdmin),
		Council: q.Has(auth.CouncilMember, auth.CentralAdmin),
	}
	l, err := q.nominationLister()
	if err != nil {
		return err
	}
	if _, d.Awards, err = q.awardTypes(false); err != nil {
		return err
	}
	if d.Clerk {
		if d.Drafts, err = l.list(nominationsv1.NominationState_NOMINATION_STATE_DRAFT); err != nil {
			return err
		}
		if d.Returned, err = l.list(nominationsv1.NominationState_NOMINATION_STATE_RETURNED); err != nil {
			return err
		}
	}
	var appraised []listedNomination
	if d.Officer || d.Council {
		if appraised, err = l.list(nominationsv1.NominationState_NOMINATION_STATE_APPRAISED); err != nil {
			return err
		}
	}
	if d.Officer {
		if err := q.officerQueues(l, &d, appraised); err != nil {
			return err
		}
	}
	if d.Council {
		for _, n := range appraised {
			if n.N.GetVote() == nil {
				d.Votes = append(d.Votes, n)
			}
		}
	}
	return q.render("worklist", "Việc cần làm", d)
}

// officerQueues fills the officer's queues: SUBMITTED to appraise,
// APPRAISED to publish, PUBLISHED to approve, batches with APPROVED
// nominations to confer.
func (q *req) officerQueues(l *nominationLister, d *worklistData, appraised []listedNomination) error {
	var err error
	if d.Appraise, err = l.list(nominationsv1.NominationState_NOMINATION_STATE_SUBMITTED); err != nil {
		return err
	}
	d.Publish = appraised
	published, err := l.list(nominationsv1.NominationState_NOMINATION_STATE_PUBLISHED)
	if err != nil {
		return err
	}
	today := dayOf(q.d.now())
	for _, n := range published {
		d.Approve = append(d.Approve, windowedNomination{n, before(n.N.GetCommentWindowEndsOn(), today)})
	}
	approved, err := l.list(nominationsv1.NominationState_NOMINATION_STATE_APPROVED)
	if err != nil {
		return err
	}
	byBatch := map[string]*conferQueue{}
	for _, n := range approved {
		b := batchOf(n.N.GetName())
		c := byBatch[b]
		if c == nil {
			c = &conferQueue{Batch: b, Title: l.batches[b].GetTitle(), Proposer: n.Proposer}
			byBatch[b] = c
		}
		c.Approved++
	}
	for _, c := range byBatch {
		d.Confer = append(d.Confer, *c)
	}
	sortVi(d.Confer, func(c conferQueue) string { return c.Title })
	return nil
}

// worklistTable is what the template wl-table shows: rows of a queue,
// the table's id and the heading that labels it.
func worklistTable(v view, rows []listedNomination, label, id string) map[string]any {
	return map[string]any{"V": v, "Rows": rows, "Label": label, "ID": id}
}
