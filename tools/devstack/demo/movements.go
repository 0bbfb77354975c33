package demo

import (
	"context"
	"errors"

	"google.golang.org/genproto/googleapis/type/date"

	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// directive11 is Directive 11 of the Thái Nguyên provincial Party Standing
// Committee (2016–2020), which launched the province's three movements.
func directive11() *typev1.DocumentRef {
	return &typev1.DocumentRef{Number: "11-CT/TU", SignedOn: &date.Date{Year: 2016, Month: 3, Day: 1},
		SignerTitle: "Bí thư Tỉnh ủy", Issuer: "units/thai-nguyen"}
}

// movementPlan is the demo's movements: the three of Directive 11, launched,
// each with the province's agencies taking part.
var movementPlan = []struct{ id, title string }{
	{"tn-nong-thon-moi", "Thái Nguyên chung sức xây dựng nông thôn mới"},
	{"tn-vi-nguoi-ngheo", "Chung tay vì người nghèo – không để ai bị bỏ lại phía sau"},
	{"tn-bao-ve-an-ninh", "Toàn dân bảo vệ an ninh Tổ quốc"},
}

var movementParticipants = []string{"thai-nguyen-so-noi-vu", "thai-nguyen-so-tai-chinh", "thai-nguyen-so-tu-phap"}

// loadMovements creates, launches and fills the demo's movements; what is
// there already stays as it is.
func loadMovements(ctx context.Context, c movementsv1.MovementsServiceClient) error {
	for _, mp := range movementPlan {
		name := "movements/" + mp.id
		err := send(ctx, c.CreateMovement, &movementsv1.CreateMovementRequest{MovementId: mp.id, Movement: &movementsv1.Movement{
			Title: mp.title, Kind: movementsv1.MovementKind_MOVEMENT_KIND_THEMATIC, LaunchedBy: "units/thai-nguyen",
			LaunchDocument: directive11(),
			Period: &typev1.DateRange{StartDate: &date.Date{Year: 2016, Month: 1, Day: 1},
				EndDate: &date.Date{Year: 2020, Month: 12, Day: 31}},
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
		if m.GetParticipantCount() > 0 {
			continue
		}
		var reqs []*movementsv1.CreateParticipantRequest
		for _, u := range movementParticipants {
			reqs = append(reqs, &movementsv1.CreateParticipantRequest{Participant: &movementsv1.Participant{
				Unit: "units/" + u, RegisteredOn: &date.Date{Year: 2016, Month: 4, Day: 1}}})
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
	for _, e := range exemplarPlan() {
		if err := send(ctx, c.CreateExemplar, e, "exemplar "+e.GetExemplarId()); err != nil {
			return err
		}
	}
	return nil
}

// exemplarPlan is the demo's exemplars of the movement for the poor: two of
// the province's agencies taking part, collectives (no personal data).
func exemplarPlan() []*movementsv1.CreateExemplarRequest {
	collective := func(unit string) *typev1.Recipient {
		return &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/" + unit}
	}
	return []*movementsv1.CreateExemplarRequest{
		{Parent: "movements/tn-vi-nguoi-ngheo", ExemplarId: "so-tai-chinh", Exemplar: &movementsv1.Exemplar{
			Recipient: collective("thai-nguyen-so-tai-chinh"), Field: "Giảm nghèo",
			Model:        "Mỗi phòng nhận đỡ đầu một hộ nghèo đến khi thoát nghèo bền vững",
			RecognizedOn: &date.Date{Year: 2020, Month: 7, Day: 29}, State: movementsv1.ExemplarState_EXEMPLAR_STATE_RECOGNIZED,
		}},
		{Parent: "movements/tn-vi-nguoi-ngheo", ExemplarId: "so-tu-phap", Exemplar: &movementsv1.Exemplar{
			Recipient: collective("thai-nguyen-so-tu-phap"), Field: "Trợ giúp pháp lý",
			Model: "Trợ giúp pháp lý lưu động miễn phí cho người nghèo ở các xã vùng cao",
		}},
	}
}

// eventPlan is the demo's events of Thái Nguyên's blocs in July 2020: the
// third patriotic emulation congress of Khối thi đua số 3, where decision
// 2115/QĐ-UBND was presented, and the review of the bloc of Party
// agencies. Both are organized by the province that organizes the blocs:
// the province of 2020 (thai-nguyen-cu) was dissolved into the present
// one, and an event's organizer must be active, so they name the
// successor.
func eventPlan() []*movementsv1.CreateEventRequest {
	return []*movementsv1.CreateEventRequest{
		{EventId: "khoi-3-dai-hoi-lan-thu-3", Event: &movementsv1.Event{
			Kind: movementsv1.EventKind_EVENT_KIND_CONGRESS, Organizer: "units/thai-nguyen", Group: "groups/khoi-thi-dua-so-3",
			HeldOn: &date.Date{Year: 2020, Month: 7, Day: 30}, Ordinal: 3,
			Period: &typev1.DateRange{StartDate: &date.Date{Year: 2020, Month: 1, Day: 1},
				EndDate: &date.Date{Year: 2025, Month: 12, Day: 31}},
			Summary: "Đại hội thi đua yêu nước lần thứ III Khối thi đua số 3 giai đoạn 2020–2025: tổng kết phong trào " +
				"thi đua yêu nước giai đoạn 2015–2020, khen thưởng 9 tập thể và 52 cá nhân có thành tích xuất sắc",
			Decisions: []string{"decisions/thai-nguyen-khoi-3-dai-hoi-2020"},
		}},
		{EventId: "khoi-co-quan-dang-tong-ket-2020", Event: &movementsv1.Event{
			Kind: movementsv1.EventKind_EVENT_KIND_FINAL_REVIEW, Organizer: "units/thai-nguyen", Group: "groups/khoi-cac-co-quan-dang",
			HeldOn: &date.Date{Year: 2020, Month: 7, Day: 29},
			Period: &typev1.DateRange{StartDate: &date.Date{Year: 2015, Month: 1, Day: 1},
				EndDate: &date.Date{Year: 2020, Month: 12, Day: 31}},
			Summary: "Tổng kết phong trào thi đua yêu nước Khối các cơ quan Đảng giai đoạn 2015–2020",
		}},
	}
}
