package demo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	"google.golang.org/protobuf/proto"

	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// The states a demo nomination is taken to.
const (
	draft     = nominationsv1.NominationState_NOMINATION_STATE_DRAFT
	submitted = nominationsv1.NominationState_NOMINATION_STATE_SUBMITTED
	appraised = nominationsv1.NominationState_NOMINATION_STATE_APPRAISED
	published = nominationsv1.NominationState_NOMINATION_STATE_PUBLISHED
	approved  = nominationsv1.NominationState_NOMINATION_STATE_APPROVED
	conferred = nominationsv1.NominationState_NOMINATION_STATE_CONFERRED
	returned  = nominationsv1.NominationState_NOMINATION_STATE_RETURNED
	rejected  = nominationsv1.NominationState_NOMINATION_STATE_REJECTED
	withdrawn = nominationsv1.NominationState_NOMINATION_STATE_WITHDRAWN
)

// demoNomination is a nomination of the demo and the state it is taken to.
type demoNomination struct {
	req   *nominationsv1.CreateNominationRequest
	state nominationsv1.NominationState
}

// demoBatch is a batch of the demo: submitted when any of its
// nominations goes further than DRAFT, conferred when confer is set.
type demoBatch struct {
	batch       *nominationsv1.CreateBatchRequest
	nominations []demoNomination
	confer      *nominationsv1.ConferBatchRequest
	// receivedAgo, when set, is how long before the load its dossier was
	// received on paper: its appraisal's time limit has passed.
	receivedAgo time.Duration
}

// nominationPlan is the demo's batches of year, from Thái Nguyên's
// agencies to the province and to the Sở Tài chính itself:
//   - the provincial Bằng khen for eight agencies, one in each state the
//     workflow has short of a conferral (submitted, appraised, published,
//     approved, returned, rejected, withdrawn, and a draft added after
//     submission);
//   - the Bằng khen of the Văn phòng UBND, conferred: a decision of the
//     province in honours;
//   - Chiến sĩ thi đua cấp tỉnh for two officials with no Chiến sĩ thi đua
//     cơ sở on the register: their reports FAIL on R3, and their dossier,
//     received on paper 60 days before it was entered, is overdue;
//   - Chiến sĩ thi đua cơ sở of the Sở Tài chính, a draft.
func nominationPlan(year int32) []demoBatch {
	y := strconv.Itoa(int(year))
	period := &typev1.Period{StartYear: year, EndYear: year}
	excellent := []*nominationsv1.YearRating{{Year: year, Rating: nominationsv1.Rating_RATING_EXCELLENT}}
	collective := func(unit string, state nominationsv1.NominationState) demoNomination {
		return demoNomination{state: state, req: &nominationsv1.CreateNominationRequest{NominationId: unit, Nomination: &nominationsv1.Nomination{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + unit},
			AwardType: "awardTypes/BK_TINH", Period: period, Ratings: excellent,
			Achievements: "Hoàn thành xuất sắc nhiệm vụ năm " + y + ", dẫn đầu phong trào thi đua của Khối thi đua số 3",
		}}}
	}
	official := func(id, name, position, award string, state nominationsv1.NominationState) demoNomination {
		return demoNomination{state: state, req: &nominationsv1.CreateNominationRequest{NominationId: id, Nomination: &nominationsv1.Nomination{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, FullName: name,
				Gender: typev1.Gender_GENDER_FEMALE, Position: position, Unit: "units/thai-nguyen-so-tai-chinh"},
			AwardType: "awardTypes/" + award, Period: period, Ratings: excellent,
			Achievements: "Hoàn thành xuất sắc nhiệm vụ năm " + y + ", có sáng kiến được công nhận",
			Initiatives: []*nominationsv1.Initiative{{Title: "Số hóa hồ sơ thi đua, khen thưởng của Sở",
				Scope: nominationsv1.InitiativeScope_INITIATIVE_SCOPE_PROVINCE, Year: year}},
		}}}
	}
	toProvince := func(id, proposer, title string) *nominationsv1.CreateBatchRequest {
		return &nominationsv1.CreateBatchRequest{BatchId: id + "-" + y, Batch: &nominationsv1.Batch{
			Proposer: "units/" + proposer, Authority: "units/thai-nguyen", Title: title + " năm " + y}}
	}
	return []demoBatch{
		{
			batch: toProvince("thai-nguyen-so-noi-vu-bk", "thai-nguyen-so-noi-vu",
				"Tờ trình đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho các tập thể"),
			nominations: []demoNomination{
				collective("thai-nguyen-so-tai-chinh", appraised), collective("thai-nguyen-so-tu-phap", published),
				collective("thai-nguyen-thanh-tra", submitted), collective("thai-nguyen-thong-ke", approved),
				collective("thai-nguyen-ban-dan-toc", returned), collective("thai-nguyen-so-ngoai-vu", rejected),
				collective("thai-nguyen-kho-bac-khu-vuc", withdrawn),
			},
		},
		{
			batch: toProvince("thai-nguyen-van-phong-ubnd-bk", "thai-nguyen-van-phong-ubnd",
				"Tờ trình đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho Văn phòng Ủy ban nhân dân tỉnh"),
			nominations: []demoNomination{collective("thai-nguyen-van-phong-ubnd", conferred)},
			confer: &nominationsv1.ConferBatchRequest{RequestId: "0f8e7d6c-5b4a-4938-8271-6a5b4c3d2e1f",
				Title: "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho Văn phòng Ủy ban nhân dân tỉnh năm " + y,
				Document: &typev1.DocumentRef{Number: "1500/QĐ-UBND", SignedOn: &date.Date{Year: year, Month: 12, Day: 1},
					SignerName: "Trịnh Việt Hùng", SignerTitle: "Chủ tịch", Issuer: "units/thai-nguyen"}},
		},
		{
			batch: toProvince("thai-nguyen-so-tai-chinh-cstd-tinh", "thai-nguyen-so-tai-chinh",
				"Tờ trình đề nghị tặng danh hiệu Chiến sĩ thi đua cấp tỉnh"),
			nominations: []demoNomination{
				official("hoang-thi-lan", "Hoàng Thị Lan", "Trưởng phòng Quản lý ngân sách", "CSTD_TINH", submitted),
				official("ma-thi-hoa", "Ma Thị Hoa", "Chuyên viên chính, Phòng Tin học và Thống kê", "CSTD_TINH", submitted),
			},
			receivedAgo: 60 * 24 * time.Hour,
		},
		{
			batch: &nominationsv1.CreateBatchRequest{BatchId: "thai-nguyen-so-tai-chinh-cstd-" + y, Batch: &nominationsv1.Batch{
				Proposer: "units/thai-nguyen-so-tai-chinh", Authority: "units/thai-nguyen-so-tai-chinh",
				Title: "Tờ trình đề nghị công nhận danh hiệu Chiến sĩ thi đua cơ sở năm " + y}},
			nominations: []demoNomination{
				official("nong-thi-mai", "Nông Thị Mai", "Kế toán viên, Văn phòng Sở", "CSTD_CS", draft),
			},
		},
	}
}

// council is the province's council of emulation and commendation, all
// present, voting yes.
func council(on time.Time) *nominationsv1.Vote {
	v := &nominationsv1.Vote{HeldOn: &date.Date{Year: int32(on.Year()), Month: int32(on.Month()), Day: int32(on.Day())}}
	for _, name := range []string{"Trịnh Việt Hùng", "Nguyễn Huy Dũng", "Đặng Xuân Trường", "Phạm Hoàng Sơn", "Nguyễn Thanh Bình",
		"Lê Quang Tiến", "Vũ Duy Hưng"} {
		v.Members = append(v.Members, &nominationsv1.CouncilMember{FullName: name, Present: true})
	}
	v.Yes = int32(len(v.Members))
	return v
}

// loadNominations creates the demo's batches of this year and takes each
// nomination, from where it stands, to its state, then Bắc Kạn's batch of
// 2023 (loadBacKan2023) from the decisions of p; what is there already
// stays as it is.
func loadNominations(ctx context.Context, c nominationsv1.NominationsServiceClient, p *Plan, now time.Time) error {
	if err := loadThisYear(ctx, c, now); err != nil {
		return err
	}
	return loadBacKan2023(ctx, c, p)
}

// loadThisYear loads the batches of nominationPlan of now's year.
func loadThisYear(ctx context.Context, c nominationsv1.NominationsServiceClient, now time.Time) error {
	for _, bp := range nominationPlan(int32(now.Year())) {
		name := "batches/" + bp.batch.GetBatchId()
		if err := send(ctx, c.CreateBatch, bp.batch, "batch "+bp.batch.GetBatchId()); err != nil {
			return err
		}
		b, err := c.GetBatch(ctx, &nominationsv1.GetBatchRequest{Name: name})
		if err != nil {
			return errors.Join(errors.New("demo: batch "+bp.batch.GetBatchId()), err)
		}
		if b.GetState() == nominationsv1.BatchState_BATCH_STATE_CLOSED {
			continue
		}
		if b.GetNominationsCount() == 0 {
			var reqs []*nominationsv1.CreateNominationRequest
			for _, n := range bp.nominations {
				reqs = append(reqs, n.req)
			}
			if err := send(ctx, c.BatchCreateNominations, &nominationsv1.BatchCreateNominationsRequest{Parent: name, Requests: reqs},
				"nominations of "+bp.batch.GetBatchId()); err != nil {
				return err
			}
		}
		if b.GetState() == nominationsv1.BatchState_BATCH_STATE_DRAFT && bp.nominations[0].state != draft {
			submit := &nominationsv1.SubmitBatchRequest{Name: name}
			if bp.receivedAgo > 0 {
				d := now.Add(-bp.receivedAgo)
				submit.ReceivedOn = &date.Date{Year: int32(d.Year()), Month: int32(d.Month()), Day: int32(d.Day())}
			}
			if _, err := c.SubmitBatch(ctx, submit); err != nil {
				return errors.Join(errors.New("demo: submit "+name), err)
			}
		}
		for _, n := range bp.nominations {
			if err := advance(ctx, c, name+"/nominations/"+n.req.GetNominationId(), n.state, now); err != nil {
				return err
			}
		}
		if bp.confer != nil {
			bp.confer.Name = name
			if _, err := c.ConferBatch(ctx, bp.confer); err != nil {
				return errors.Join(errors.New("demo: confer "+name), err)
			}
		}
	}
	return nil
}

// advance takes the nomination name, from where it stands, towards want:
// along the workflow to APPROVED (CONFERRED is its batch's conferral), or
// from SUBMITTED to RETURNED, REJECTED or WITHDRAWN.
func advance(ctx context.Context, c nominationsv1.NominationsServiceClient, name string, want nominationsv1.NominationState, now time.Time) error {
	return advanceWith(ctx, c, name, want, council(now), "")
}

// advanceWith is advance with the council's vote to record and, for a
// nomination whose eligibility report FAILs, the reason its approval
// overrides it with ("": none, and such an approval is refused).
func advanceWith(ctx context.Context, c nominationsv1.NominationsServiceClient, name string, want nominationsv1.NominationState,
	vote *nominationsv1.Vote, override string) error {
	const reason = "Hồ sơ chưa đủ minh chứng thành tích theo quy định"
	for step := 0; step < 8; step++ {
		n, err := c.GetNomination(ctx, &nominationsv1.GetNominationRequest{Name: name})
		if err != nil {
			return errors.Join(errors.New("demo: "+name), err)
		}
		at := n.GetState()
		if at == want || (want == conferred && at == approved) {
			return nil
		}
		switch {
		case at == submitted && want == returned:
			_, err = c.ReturnNomination(ctx, &nominationsv1.ReturnNominationRequest{Name: name, Reason: reason})
		case at == submitted && want == rejected:
			_, err = c.RejectNomination(ctx, &nominationsv1.RejectNominationRequest{Name: name, Reason: reason})
		case at == submitted && want == withdrawn:
			_, err = c.WithdrawNomination(ctx, &nominationsv1.WithdrawNominationRequest{Name: name, Reason: "Đơn vị rút hồ sơ để bổ sung năm sau"})
		case at == submitted:
			_, err = c.AppraiseNomination(ctx, &nominationsv1.AppraiseNominationRequest{Name: name})
		case at == appraised && n.GetVote() == nil:
			_, err = c.RecordVote(ctx, &nominationsv1.RecordVoteRequest{Name: name, Vote: vote})
		case at == appraised:
			_, err = c.PublishNomination(ctx, &nominationsv1.PublishNominationRequest{Name: name})
		case at == published:
			approve := &nominationsv1.ApproveNominationRequest{Name: name}
			if n.GetEligibility().GetOutcome() == nominationsv1.Outcome_OUTCOME_FAIL {
				approve.OverrideReason = override
			}
			_, err = c.ApproveNomination(ctx, approve)
		default:
			return fmt.Errorf("demo: %s is %s and cannot become %s", name, at, want)
		}
		if err != nil {
			return errors.Join(fmt.Errorf("demo: %s from %s towards %s", name, at, want), err)
		}
	}
	return fmt.Errorf("demo: %s did not reach %s", name, want)
}

// The historical batch of Bắc Kạn (dissolved into Thái Nguyên on
// 2025-07-01) whose nominations became decision 946/QĐ-UBND of 31 May
// 2023, which the honours demo holds (honours.json).
const (
	// BacKan2023Batch is the batch's name.
	BacKan2023Batch = "batches/bac-kan-2023-nong-thon-moi"
	// BacKan946Decision is the decision that conferred it.
	BacKan946Decision = "decisions/bac-kan-946-qd-ubnd-2023"
	bacKan            = "units/bac-kan"
	// bacKanOverride is the reason each approval overrides a FAIL with:
	// the register holds the honours already (G2), as it should.
	bacKanOverride = "Hồ sơ năm 2023 của tỉnh Bắc Kạn (trước khi hợp nhất vào tỉnh Thái Nguyên) được nhập lại để lưu trữ: " +
		"các tập thể, hộ gia đình và cá nhân đã được tặng Bằng khen theo Quyết định số 946/QĐ-UBND ngày 31/5/2023"
)

// BacKan2023Nominations returns the requests that create the nominations
// of Bắc Kạn's 2023 batch: one per entry of the demo's decision
// 946/QĐ-UBND in p, with its recipient, award, period and achievements,
// in entry order (ids muc-001, muc-002, …).
func BacKan2023Nominations(p *Plan) ([]*nominationsv1.CreateNominationRequest, error) {
	var d *DecisionPlan
	for _, x := range p.Decisions {
		if x.Name() == BacKan946Decision {
			d = x
		}
	}
	if d == nil {
		return nil, fmt.Errorf("demo: the honours demo holds no %s", BacKan946Decision)
	}
	var reqs []*nominationsv1.CreateNominationRequest
	for i, e := range d.Entries() {
		reqs = append(reqs, &nominationsv1.CreateNominationRequest{NominationId: fmt.Sprintf("muc-%03d", i+1), Nomination: &nominationsv1.Nomination{
			Recipient:    proto.CloneOf(e.GetRecipient()),
			AwardType:    e.GetAwardType(),
			Period:       proto.CloneOf(e.GetPeriod()),
			Achievements: e.GetAchievements(),
		}})
	}
	return reqs, nil
}

// bacKanCouncil is Bắc Kạn's council of emulation and commendation on 25
// May 2023, all present, voting yes; its members' names are generated.
func bacKanCouncil() *nominationsv1.Vote {
	v := &nominationsv1.Vote{HeldOn: &date.Date{Year: 2023, Month: 5, Day: 25}}
	n := newNamer(nameSeed + "/bac-kan-hoi-dong-2023")
	for i := range 7 {
		v.Members = append(v.Members, &nominationsv1.CouncilMember{FullName: n.person("thanh-vien-"+strconv.Itoa(i), typev1.Gender_GENDER_UNSPECIFIED).fullName, Present: true})
	}
	v.Yes = int32(len(v.Members))
	return v
}

// loadBacKan2023 records Bắc Kạn's batch of 2023 as it went: its
// submission letter of 15 May 2023 (Bắc Kạn was active then), received on
// 17 May, appraised, voted on 25 May, published and approved (overriding
// the FAIL of each report: the register holds the honours already), then
// conferred by the issued decision 946/QĐ-UBND, which nothing creates
// again. A CLOSED batch is left as it is.
func loadBacKan2023(ctx context.Context, c nominationsv1.NominationsServiceClient, p *Plan) error {
	reqs, err := BacKan2023Nominations(p)
	if err != nil {
		return err
	}
	id := strings.TrimPrefix(BacKan2023Batch, "batches/")
	create := &nominationsv1.CreateBatchRequest{BatchId: id, Batch: &nominationsv1.Batch{
		Proposer: bacKan, Authority: bacKan,
		Title: "Tờ trình đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho các tập thể, hộ gia đình và cá nhân có thành tích " +
			"xuất sắc trong phong trào thi đua “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh” giai đoạn 2018–2022",
		Document: &typev1.DocumentRef{Number: "112/TTr-SNV", SignedOn: &date.Date{Year: 2023, Month: 5, Day: 15}, Issuer: bacKan},
	}}
	if err := send(ctx, c.CreateBatch, create, "batch "+id); err != nil {
		return err
	}
	b, err := c.GetBatch(ctx, &nominationsv1.GetBatchRequest{Name: BacKan2023Batch})
	if err != nil {
		return errors.Join(errors.New("demo: batch "+id), err)
	}
	if b.GetState() == nominationsv1.BatchState_BATCH_STATE_CLOSED {
		return nil
	}
	if b.GetNominationsCount() == 0 {
		if err := send(ctx, c.BatchCreateNominations, &nominationsv1.BatchCreateNominationsRequest{Parent: BacKan2023Batch, Requests: reqs},
			"nominations of "+id); err != nil {
			return err
		}
	}
	if b.GetState() == nominationsv1.BatchState_BATCH_STATE_DRAFT {
		if _, err := c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: BacKan2023Batch,
			ReceivedOn: &date.Date{Year: 2023, Month: 5, Day: 17}}); err != nil {
			return errors.Join(errors.New("demo: submit "+BacKan2023Batch), err)
		}
	}
	vote := bacKanCouncil()
	for _, r := range reqs {
		if err := advanceWith(ctx, c, BacKan2023Batch+"/nominations/"+r.GetNominationId(), conferred, vote, bacKanOverride); err != nil {
			return err
		}
	}
	if _, err := c.ConferBatch(ctx, &nominationsv1.ConferBatchRequest{Name: BacKan2023Batch, Decision: BacKan946Decision,
		RequestId: "2c0b9a8e-7d6f-4e5d-9c4b-3a2f1e0d9c8b"}); err != nil {
		return errors.Join(errors.New("demo: confer "+BacKan2023Batch+" by "+BacKan946Decision), err)
	}
	return nil
}
