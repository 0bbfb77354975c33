package demo

import (
	"context"
	"errors"
	"strconv"
	"time"

	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// nominationPlan is the demo's batches of this year, sent by Thái
// Nguyên's agencies to the province: the Bằng khen of the chairman for
// three agencies (submitted, the first appraised), and Chiến sĩ thi đua
// cơ sở for two officials (a draft).
func nominationPlan(year int32) []struct {
	batch       *nominationsv1.CreateBatchRequest
	nominations []*nominationsv1.CreateNominationRequest
	submit      bool
} {
	y := strconv.Itoa(int(year))
	period := &typev1.Period{StartYear: year, EndYear: year}
	collective := func(unit string) *nominationsv1.CreateNominationRequest {
		return &nominationsv1.CreateNominationRequest{NominationId: unit, Nomination: &nominationsv1.Nomination{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + unit},
			AwardType: "awardTypes/BK_TINH", Period: period,
			Achievements: "Hoàn thành xuất sắc nhiệm vụ năm " + y + ", dẫn đầu phong trào thi đua của Khối thi đua số 3",
			Ratings:      []*nominationsv1.YearRating{{Year: year, Rating: nominationsv1.Rating_RATING_EXCELLENT}},
		}}
	}
	official := func(id, name, unit, position string) *nominationsv1.CreateNominationRequest {
		return &nominationsv1.CreateNominationRequest{NominationId: id, Nomination: &nominationsv1.Nomination{
			Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, FullName: name,
				Gender: typev1.Gender_GENDER_FEMALE, Position: position, Unit: "units/" + unit},
			AwardType: "awardTypes/CSTD_CS", Period: period,
			Achievements: "Hoàn thành xuất sắc nhiệm vụ năm " + y + ", có sáng kiến được công nhận",
			Ratings:      []*nominationsv1.YearRating{{Year: year, Rating: nominationsv1.Rating_RATING_EXCELLENT}},
			Initiatives: []*nominationsv1.Initiative{{Title: "Số hóa hồ sơ thi đua, khen thưởng của Sở",
				Scope: nominationsv1.InitiativeScope_INITIATIVE_SCOPE_GRASSROOTS, Year: year}},
		}}
	}
	return []struct {
		batch       *nominationsv1.CreateBatchRequest
		nominations []*nominationsv1.CreateNominationRequest
		submit      bool
	}{
		{
			batch: &nominationsv1.CreateBatchRequest{BatchId: "thai-nguyen-so-noi-vu-bk-" + y, Batch: &nominationsv1.Batch{
				Proposer: "units/thai-nguyen-so-noi-vu", Authority: "units/thai-nguyen",
				Title: "Tờ trình đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho các tập thể năm " + y}},
			nominations: []*nominationsv1.CreateNominationRequest{
				collective("thai-nguyen-so-tai-chinh"), collective("thai-nguyen-so-tu-phap"), collective("thai-nguyen-thanh-tra"),
			},
			submit: true,
		},
		{
			batch: &nominationsv1.CreateBatchRequest{BatchId: "thai-nguyen-so-tai-chinh-cstd-" + y, Batch: &nominationsv1.Batch{
				Proposer: "units/thai-nguyen-so-tai-chinh", Authority: "units/thai-nguyen-so-tai-chinh",
				Title: "Tờ trình đề nghị công nhận danh hiệu Chiến sĩ thi đua cơ sở năm " + y}},
			nominations: []*nominationsv1.CreateNominationRequest{
				official("hoang-thi-lan", "Hoàng Thị Lan", "thai-nguyen-so-tai-chinh", "Trưởng phòng Quản lý ngân sách"),
				official("ma-thi-hoa", "Ma Thị Hoa", "thai-nguyen-so-tai-chinh", "Chuyên viên chính, Phòng Tin học và Thống kê"),
			},
		},
	}
}

// loadNominations creates the demo's batches of this year and their
// nominations, submits the first and appraises its first nomination;
// what is there already stays as it is.
func loadNominations(ctx context.Context, c nominationsv1.NominationsServiceClient, now time.Time) error {
	for _, bp := range nominationPlan(int32(now.Year())) {
		name := "batches/" + bp.batch.GetBatchId()
		if err := send(ctx, c.CreateBatch, bp.batch, "batch "+bp.batch.GetBatchId()); err != nil {
			return err
		}
		b, err := c.GetBatch(ctx, &nominationsv1.GetBatchRequest{Name: name})
		if err != nil {
			return errors.Join(errors.New("demo: batch "+bp.batch.GetBatchId()), err)
		}
		if b.GetState() != nominationsv1.BatchState_BATCH_STATE_DRAFT || b.GetNominationsCount() > 0 {
			continue
		}
		if err := send(ctx, c.BatchCreateNominations, &nominationsv1.BatchCreateNominationsRequest{Parent: name, Requests: bp.nominations},
			"nominations of "+bp.batch.GetBatchId()); err != nil {
			return err
		}
		if !bp.submit {
			continue
		}
		if _, err := c.SubmitBatch(ctx, &nominationsv1.SubmitBatchRequest{Name: name}); err != nil {
			return errors.Join(errors.New("demo: submit "+name), err)
		}
		first := name + "/nominations/" + bp.nominations[0].GetNominationId()
		if _, err := c.AppraiseNomination(ctx, &nominationsv1.AppraiseNominationRequest{Name: first}); err != nil {
			return errors.Join(errors.New("demo: appraise "+first), err)
		}
	}
	return nil
}
