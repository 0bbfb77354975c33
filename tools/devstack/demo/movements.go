package demo

import (
	"context"
	"errors"
	"strings"

	"google.golang.org/genproto/googleapis/type/date"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

func day(y, m, d int32) *date.Date { return &date.Date{Year: y, Month: m, Day: d} }

func period(fromYear, toYear int32) *typev1.DateRange {
	return &typev1.DateRange{StartDate: day(fromYear, 1, 1), EndDate: day(toYear, 12, 31)}
}

// directive11 is Directive 11 of the Thái Nguyên provincial Party Standing
// Committee (2016–2020), which launched the province's three movements.
func directive11() *typev1.DocumentRef {
	return &typev1.DocumentRef{Number: "11-CT/TU", SignedOn: day(2016, 3, 1),
		SignerTitle: "Bí thư Tỉnh ủy", Issuer: "units/thai-nguyen"}
}

// movementPlan is the demo's movements, launched: the three of Directive
// 11, each with three of the province's agencies taking part, and Bắc
// Kạn's movement of 2018–2022, whose honours were conferred by decision
// 946/QĐ-UBND. Bắc Kạn was dissolved into Thái Nguyên on 2025-07-01 and a
// movement's launching unit must be active, so it names the successor; its
// launch document keeps Bắc Kạn as issuer.
var movementPlan = []struct {
	id, title    string
	document     *typev1.DocumentRef
	period       *typev1.DateRange
	participants []string
}{
	{"tn-nong-thon-moi", "Thái Nguyên chung sức xây dựng nông thôn mới", directive11(), period(2016, 2020), directive11Participants},
	{"tn-vi-nguoi-ngheo", "Chung tay vì người nghèo – không để ai bị bỏ lại phía sau", directive11(), period(2016, 2020), directive11Participants},
	{"tn-bao-ve-an-ninh", "Toàn dân bảo vệ an ninh Tổ quốc", directive11(), period(2016, 2020), directive11Participants},
	{"bk-nong-thon-moi", "Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh",
		&typev1.DocumentRef{Number: "1089/KH-UBND", SignedOn: day(2018, 3, 20), SignerTitle: "Chủ tịch Ủy ban nhân dân tỉnh",
			Issuer: "units/bac-kan"},
		period(2018, 2022), nil},
}

var directive11Participants = []string{"thai-nguyen-so-noi-vu", "thai-nguyen-so-tai-chinh", "thai-nguyen-so-tu-phap"}

// bacKanConference is the conference of 2 Jun 2023 that honoured 23 of the
// 106 awardees of decision 946/QĐ-UBND as advanced exemplars.
const (
	bacKanDecision   = "decisions/bac-kan-946-qd-ubnd-2023"
	bacKanExemplars  = 23
	bacKanMovement   = "movements/bk-nong-thon-moi"
	directive11Final = "decisions/thai-nguyen-chi-thi-11-2022"
)

// loadMovements creates, launches and fills the demo's movements; what is
// there already stays as it is. The exemplars of the Bắc Kạn conference
// name the honours of decision 946/QĐ-UBND, read from honours.
func loadMovements(ctx context.Context, c movementsv1.MovementsServiceClient, h honoursv1.HonoursServiceClient) error {
	for _, mp := range movementPlan {
		name := "movements/" + mp.id
		err := send(ctx, c.CreateMovement, &movementsv1.CreateMovementRequest{MovementId: mp.id, Movement: &movementsv1.Movement{
			Title: mp.title, Kind: movementsv1.MovementKind_MOVEMENT_KIND_THEMATIC, LaunchedBy: "units/thai-nguyen",
			LaunchDocument: mp.document, Period: mp.period,
		}}, "movement "+mp.id)
		if err != nil {
			return err
		}
		m, err := c.GetMovement(ctx, &movementsv1.GetMovementRequest{Name: name})
		if err != nil {
			return errors.Join(errors.New("demo: movement "+mp.id), err)
		}
		if m.GetState() == movementsv1.MovementState_MOVEMENT_STATE_DRAFT {
			if _, err := c.LaunchMovement(ctx, &movementsv1.LaunchMovementRequest{Name: name}); err != nil {
				return errors.Join(errors.New("demo: launch "+mp.id), err)
			}
		}
		if m.GetParticipantCount() > 0 || len(mp.participants) == 0 {
			continue
		}
		var reqs []*movementsv1.CreateParticipantRequest
		for _, u := range mp.participants {
			reqs = append(reqs, &movementsv1.CreateParticipantRequest{Participant: &movementsv1.Participant{
				Unit: "units/" + u, RegisteredOn: day(2016, 4, 1)}})
		}
		if err := send(ctx, c.BatchCreateParticipants, &movementsv1.BatchCreateParticipantsRequest{Parent: name, Requests: reqs},
			"participants of "+mp.id); err != nil {
			return err
		}
	}
	for _, e := range eventPlan() {
		if err := send(ctx, c.CreateEvent, e, "event "+e.GetEventId()); err != nil {
			return err
		}
	}
	honoured, err := bacKanExemplarPlan(ctx, h)
	if err != nil {
		return err
	}
	for _, e := range append(exemplarPlan(), honoured...) {
		if err := send(ctx, c.CreateExemplar, e, "exemplar "+e.GetExemplarId()); err != nil {
			return err
		}
	}
	return nil
}

func collective(unit string) *typev1.Recipient {
	return &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + unit}
}

// exemplarPlan is the demo's exemplars of the movement for the poor: two of
// the province's agencies taking part, collectives (no personal data).
func exemplarPlan() []*movementsv1.CreateExemplarRequest {
	return []*movementsv1.CreateExemplarRequest{
		{Parent: "movements/tn-vi-nguoi-ngheo", ExemplarId: "so-tai-chinh", Exemplar: &movementsv1.Exemplar{
			Recipient: collective("thai-nguyen-so-tai-chinh"), Field: "Giảm nghèo",
			Model:        "Mỗi phòng nhận đỡ đầu một hộ nghèo đến khi thoát nghèo bền vững",
			RecognizedOn: day(2020, 7, 29), State: movementsv1.ExemplarState_EXEMPLAR_STATE_RECOGNIZED,
		}},
		{Parent: "movements/tn-vi-nguoi-ngheo", ExemplarId: "so-tu-phap", Exemplar: &movementsv1.Exemplar{
			Recipient: collective("thai-nguyen-so-tu-phap"), Field: "Trợ giúp pháp lý",
			Model: "Trợ giúp pháp lý lưu động miễn phí cho người nghèo ở các xã vùng cao",
		}},
	}
}

// bacKanModels is the model of practice of an exemplar of the Bắc Kạn
// conference, by the start of its unit's id.
var bacKanModels = []struct{ prefix, field, model string }{
	{"bac-kan-xa-", "Xây dựng nông thôn mới", "Vận động nhân dân hiến đất, góp công làm đường giao thông nông thôn"},
	{"bac-kan-thon-", "Xây dựng nông thôn mới", "Thôn tự quản giữ gìn vệ sinh môi trường, xây dựng khu dân cư kiểu mẫu"},
	{"bac-kan-", "Phát triển kinh tế", "Liên kết sản xuất hàng hóa theo chuỗi giá trị, nâng thu nhập cho thành viên"},
}

// bacKanExemplarPlan is the exemplars honoured at the Bắc Kạn conference:
// the first 23 collectives of decision 946/QĐ-UBND in the order of the
// decision, each recognised by its honour.
func bacKanExemplarPlan(ctx context.Context, h honoursv1.HonoursServiceClient) ([]*movementsv1.CreateExemplarRequest, error) {
	entries, err := h.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: bacKanDecision, PageSize: 100})
	if err != nil {
		return nil, errors.Join(errors.New("demo: entries of "+bacKanDecision), err)
	}
	var out []*movementsv1.CreateExemplarRequest
	for _, e := range entries.GetEntries() {
		r := e.GetRecipient()
		if r.GetKind() != typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE || len(out) == bacKanExemplars {
			continue
		}
		unit := strings.TrimPrefix(r.GetUnit(), "units/")
		for _, m := range bacKanModels {
			if strings.HasPrefix(unit, m.prefix) {
				out = append(out, &movementsv1.CreateExemplarRequest{Parent: bacKanMovement, ExemplarId: unit, Exemplar: &movementsv1.Exemplar{
					Recipient: collective(unit), Field: m.field, Model: m.model, RecognizedOn: day(2023, 6, 2),
					State: movementsv1.ExemplarState_EXEMPLAR_STATE_RECOGNIZED, Honours: []string{e.GetHonour()},
				}})
				break
			}
		}
	}
	if len(out) != bacKanExemplars {
		return nil, errors.New("demo: " + bacKanDecision + " does not hold 23 collectives with honours")
	}
	return out, nil
}

// eventPlan is the demo's events: the 3-year (mid-term) and final reviews
// of Directive 11, the third patriotic emulation congress of Khối thi đua
// số 3, where decision 2115/QĐ-UBND was presented, the review of the bloc
// of Party agencies, and the Bắc Kạn conference that honoured 23 advanced
// exemplars. Their organizers were dissolved into Thái Nguyên on
// 2025-07-01 (thai-nguyen-cu, bac-kan), and an event's organizer must be
// active, so they name the successor.
func eventPlan() []*movementsv1.CreateEventRequest {
	return []*movementsv1.CreateEventRequest{
		{EventId: "chi-thi-11-so-ket-3-nam", Event: &movementsv1.Event{
			Kind: movementsv1.EventKind_EVENT_KIND_MIDTERM_REVIEW, Organizer: "units/thai-nguyen", Movement: "movements/tn-nong-thon-moi",
			HeldOn: day(2019, 4, 12), Period: period(2016, 2018),
			Summary: "Sơ kết 3 năm thực hiện Chỉ thị số 11-CT/TU của Ban Thường vụ Tỉnh ủy về phong trào thi đua " +
				"“Thái Nguyên chung sức xây dựng nông thôn mới”, “Chung tay vì người nghèo – không để ai bị bỏ lại phía sau” " +
				"và “Toàn dân bảo vệ an ninh Tổ quốc” giai đoạn 2016–2018",
		}},
		{EventId: "chi-thi-11-tong-ket", Event: &movementsv1.Event{
			Kind: movementsv1.EventKind_EVENT_KIND_FINAL_REVIEW, Organizer: "units/thai-nguyen", Movement: "movements/tn-nong-thon-moi",
			HeldOn: day(2022, 1, 12), Period: period(2016, 2020),
			Summary: "Tổng kết 5 năm thực hiện Chỉ thị số 11-CT/TU của Ban Thường vụ Tỉnh ủy (2016–2020): khen thưởng 15 tập thể " +
				"có thành tích xuất sắc",
			Decisions: []string{directive11Final},
		}},
		{EventId: "khoi-3-dai-hoi-lan-thu-3", Event: &movementsv1.Event{
			Kind: movementsv1.EventKind_EVENT_KIND_CONGRESS, Organizer: "units/thai-nguyen", Group: "groups/khoi-thi-dua-so-3",
			HeldOn: day(2020, 7, 30), Ordinal: 3, Period: period(2020, 2025),
			Summary: "Đại hội thi đua yêu nước lần thứ III Khối thi đua số 3 giai đoạn 2020–2025: tổng kết phong trào " +
				"thi đua yêu nước giai đoạn 2015–2020, khen thưởng 9 tập thể và 52 cá nhân có thành tích xuất sắc",
			Decisions: []string{"decisions/thai-nguyen-khoi-3-dai-hoi-2020"},
		}},
		{EventId: "khoi-co-quan-dang-tong-ket-2020", Event: &movementsv1.Event{
			Kind: movementsv1.EventKind_EVENT_KIND_FINAL_REVIEW, Organizer: "units/thai-nguyen", Group: "groups/khoi-cac-co-quan-dang",
			HeldOn: day(2020, 7, 29), Period: period(2015, 2020),
			Summary: "Tổng kết phong trào thi đua yêu nước Khối các cơ quan Đảng giai đoạn 2015–2020",
		}},
		{EventId: "bac-kan-bieu-duong-dien-hinh-2023", Event: &movementsv1.Event{
			Kind: movementsv1.EventKind_EVENT_KIND_HONOURING_CONFERENCE, Organizer: "units/thai-nguyen", Movement: bacKanMovement,
			HeldOn: day(2023, 6, 2), Period: period(2018, 2022),
			Summary: "Hội nghị biểu dương, tôn vinh 23 điển hình tiên tiến trong phong trào thi đua “Toàn dân đoàn kết xây dựng " +
				"nông thôn mới, đô thị văn minh” tỉnh Bắc Kạn giai đoạn 2018–2022",
			Decisions: []string{bacKanDecision},
		}},
	}
}
