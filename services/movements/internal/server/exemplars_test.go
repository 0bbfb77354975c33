package server_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tdkt-vn/tdkt/platform/grpctest"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// exemplar is a collective exemplar of Bắc Kạn (its honours are linked in
// TestExemplarHonours).
func exemplar() *movementsv1.Exemplar {
	return &movementsv1.Exemplar{
		Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE, Unit: "units/bac-kan"},
		Field:     "Nông nghiệp", Model: "Dồn điền đổi thửa, cơ giới hóa đồng ruộng",
		RecognizedOn: on(2023, 6, 2), State: movementsv1.ExemplarState_EXEMPLAR_STATE_RECOGNIZED,
	}
}

func TestExemplars(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		m, err := e.c.CreateMovement(ctx, &movementsv1.CreateMovementRequest{MovementId: "ntm", Movement: movement()})
		require.NoError(t, err)

		ex := exemplar()
		ex.Model = norm.NFD.String(ex.GetModel())
		got, err := e.c.CreateExemplar(ctx, &movementsv1.CreateExemplarRequest{Parent: m.GetName(), ExemplarId: "bac-kan", Exemplar: ex})
		require.NoError(t, err)
		assert.Equal(t, "movements/ntm/exemplars/bac-kan", got.GetName())
		assert.Equal(t, "Dồn điền đổi thửa, cơ giới hóa đồng ruộng", got.GetModel(), "NFC")
		assert.Equal(t, "units/bac-kan", got.GetProvince())
		person := &movementsv1.Exemplar{Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL,
			FullName: "Nguyễn Thị Hoa", Position: "Chủ nhiệm hợp tác xã"}, Field: "Giảm nghèo", Model: "Tổ hợp tác chăn nuôi"}
		hoa, err := e.c.CreateExemplar(ctx, &movementsv1.CreateExemplarRequest{Parent: m.GetName(), ExemplarId: "hoa", Exemplar: person})
		require.NoError(t, err)
		assert.Equal(t, "units/thai-nguyen", hoa.GetProvince(), "the launching unit's province")
		assert.Equal(t, movementsv1.ExemplarState_EXEMPLAR_STATE_PROPOSED, hoa.GetState())
		_, err = e.c.CreateExemplar(ctx, &movementsv1.CreateExemplarRequest{Parent: m.GetName(), ExemplarId: "hoa", Exemplar: person})
		assert.Equal(t, codes.AlreadyExists, status.Code(err), "%v", err)

		// Update with mask and etag.
		up, err := e.c.UpdateExemplar(ctx, &movementsv1.UpdateExemplarRequest{
			Exemplar:   &movementsv1.Exemplar{Name: hoa.GetName(), State: movementsv1.ExemplarState_EXEMPLAR_STATE_REPLICATED, RecognizedOn: on(2024, 1, 5), Etag: hoa.GetEtag()},
			UpdateMask: mask("state", "recognized_on")})
		require.NoError(t, err)
		assert.Equal(t, movementsv1.ExemplarState_EXEMPLAR_STATE_REPLICATED, up.GetState())
		assert.Equal(t, "Nguyễn Thị Hoa", up.GetRecipient().GetFullName())
		_, err = e.c.UpdateExemplar(ctx, &movementsv1.UpdateExemplarRequest{
			Exemplar: &movementsv1.Exemplar{Name: hoa.GetName(), Field: "Văn hóa", Etag: hoa.GetEtag()}, UpdateMask: mask("field")})
		assert.Equal(t, codes.Aborted, status.Code(err), "stale etag: %v", err)
		_, err = e.c.UpdateExemplar(ctx, &movementsv1.UpdateExemplarRequest{
			Exemplar: &movementsv1.Exemplar{Name: hoa.GetName(), Province: "units/x"}, UpdateMask: mask("name", "etag", "create_time")})
		assert.NoError(t, err, "output-only paths are skipped")
		_, err = e.c.UpdateExemplar(ctx, &movementsv1.UpdateExemplarRequest{
			Exemplar: &movementsv1.Exemplar{Name: hoa.GetName()}, UpdateMask: mask("khong-co")})
		assert.Contains(t, grpctest.Violations(t, err), "updateMask")
		_, err = e.c.UpdateExemplar(ctx, &movementsv1.UpdateExemplarRequest{
			Exemplar: &movementsv1.Exemplar{Name: "movements/ntm/exemplars/khong-co"}, UpdateMask: mask("field")})
		assert.Equal(t, codes.NotFound, status.Code(err))
		// Moving the recipient to a unit the update names.
		moved, err := e.c.UpdateExemplar(ctx, &movementsv1.UpdateExemplarRequest{
			Exemplar: &movementsv1.Exemplar{Name: hoa.GetName(), Recipient: &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL,
				FullName: "Nguyễn Thị Hoa", Unit: "units/bac-kan"}}, UpdateMask: mask("recipient")})
		require.NoError(t, err)
		assert.Equal(t, "units/bac-kan", moved.GetProvince())

		// Across movements, with filters; the dissolved Bắc Kạn's exemplars
		// appear under its successor.
		for _, tc := range []struct {
			req  *movementsv1.ListExemplarsRequest
			want int32
		}{
			{&movementsv1.ListExemplarsRequest{}, 2},
			{&movementsv1.ListExemplarsRequest{Parent: "movements/-"}, 2},
			{&movementsv1.ListExemplarsRequest{Parent: m.GetName()}, 2},
			{&movementsv1.ListExemplarsRequest{Parent: "movements/khac"}, 0},
			{&movementsv1.ListExemplarsRequest{Province: "units/thai-nguyen"}, 2},
			{&movementsv1.ListExemplarsRequest{Province: "units/bac-kan"}, 2},
			{&movementsv1.ListExemplarsRequest{Field: norm.NFD.String("Nông nghiệp")}, 1},
			{&movementsv1.ListExemplarsRequest{State: movementsv1.ExemplarState_EXEMPLAR_STATE_RECOGNIZED}, 1},
			{&movementsv1.ListExemplarsRequest{Year: 2023}, 1},
			{&movementsv1.ListExemplarsRequest{Year: 2022}, 0},
			{&movementsv1.ListExemplarsRequest{Query: "nguyen thi HOA"}, 1},
			{&movementsv1.ListExemplarsRequest{Query: "co gioi hoa"}, 1},
			{&movementsv1.ListExemplarsRequest{Query: "%"}, 0},
		} {
			got, err := e.c.ListExemplars(ctx, tc.req)
			require.NoError(t, err, "%v", tc.req)
			assert.Equal(t, tc.want, got.GetTotalSize(), "%v", tc.req)
			assert.Len(t, got.GetExemplars(), int(tc.want), "%v", tc.req)
		}
		page, err := e.c.ListExemplars(ctx, &movementsv1.ListExemplarsRequest{PageSize: 1})
		require.NoError(t, err)
		require.Len(t, page.GetExemplars(), 1)
		next, err := e.c.ListExemplars(ctx, &movementsv1.ListExemplarsRequest{PageSize: 1, PageToken: page.GetNextPageToken()})
		require.NoError(t, err)
		require.Len(t, next.GetExemplars(), 1)
		assert.NotEqual(t, page.GetExemplars()[0].GetName(), next.GetExemplars()[0].GetName())
		assert.Empty(t, next.GetNextPageToken())
		_, err = e.c.ListExemplars(ctx, &movementsv1.ListExemplarsRequest{PageSize: 1, Year: 2023, PageToken: page.GetNextPageToken()})
		assert.Equal(t, codes.InvalidArgument, status.Code(err), "a token of another request")
	})
}

func TestExemplarHostileInput(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		m, err := e.c.CreateMovement(ctx, &movementsv1.CreateMovementRequest{MovementId: "ntm", Movement: movement()})
		require.NoError(t, err)
		create := func(change func(ex *movementsv1.Exemplar)) error {
			ex := exemplar()
			change(ex)
			_, err := e.c.CreateExemplar(ctx, &movementsv1.CreateExemplarRequest{Parent: m.GetName(), Exemplar: ex})
			return err
		}
		individual := func(ex *movementsv1.Exemplar) {
			ex.Recipient = &typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_INDIVIDUAL, FullName: "Lê Văn Nam"}
		}
		require.NoError(t, create(individual))
		assert.Contains(t, grpctest.Violations(t, create(func(ex *movementsv1.Exemplar) {
			individual(ex)
			ex.Recipient.CitizenId = "001203004567"
		})), "exemplar.recipient.citizenId", "no personal data")
		assert.Contains(t, grpctest.Violations(t, create(func(ex *movementsv1.Exemplar) {
			individual(ex)
			ex.Recipient.BirthYear = 1980
		})), "exemplar.recipient.birthYear", "no personal data")
		assert.Contains(t, grpctest.Violations(t, create(func(ex *movementsv1.Exemplar) { ex.Recipient.Unit = "units/khong-co" })), "exemplar.recipient.unit")
		assert.Contains(t, grpctest.Violations(t, create(func(ex *movementsv1.Exemplar) { ex.Recipient.Unit = "" })), "exemplar.recipient.unit")
		assert.Contains(t, grpctest.Violations(t, create(func(ex *movementsv1.Exemplar) {
			individual(ex)
			ex.Recipient.FullName = ""
		})), "exemplar.recipient")
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(ex *movementsv1.Exemplar) { ex.Recipient = nil })))
		assert.Contains(t, grpctest.Violations(t, create(func(ex *movementsv1.Exemplar) { ex.RecognizedOn = on(2023, 2, 30) })), "exemplar.recognizedOn")
		assert.Contains(t, grpctest.Violations(t, create(func(ex *movementsv1.Exemplar) { ex.RecognizedOn = nil })), "exemplar.recognizedOn")
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(ex *movementsv1.Exemplar) { ex.State = 99 })))
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(ex *movementsv1.Exemplar) { ex.Honours = []string{"decisions/946"} })))
		assert.Contains(t, grpctest.Violations(t, create(func(ex *movementsv1.Exemplar) {
			ex.Honours = []string{"honours/a", "honours/a"}
		})), "exemplar.honours[1]")
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(ex *movementsv1.Exemplar) { ex.Model = strings.Repeat("á", 8001) })))
		assert.Equal(t, codes.InvalidArgument, status.Code(create(func(ex *movementsv1.Exemplar) { ex.Field = "Nông\x00nghiệp" })))
		inner := protowire.AppendString(protowire.AppendTag(nil, 3, protowire.BytesType), "\xe0\xe0")
		raw := protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), m.GetName())
		raw = protowire.AppendBytes(protowire.AppendTag(raw, 2, protowire.BytesType), inner)
		err = grpctest.InvokeRaw(ctx, e.conn, movementsv1.MovementsService_CreateExemplar_FullMethodName, raw)
		assert.Equal(t, codes.InvalidArgument, status.Code(err), "invalid UTF-8: %v", err)

		_, err = e.c.CreateExemplar(ctx, &movementsv1.CreateExemplarRequest{Parent: "movements/khong-co", Exemplar: exemplar()})
		assert.Equal(t, codes.NotFound, status.Code(err))
		_, err = e.c.CreateExemplar(ctx, &movementsv1.CreateExemplarRequest{Exemplar: exemplar()})
		assert.Contains(t, grpctest.Violations(t, err), "parent")
		_, err = e.c.UpdateExemplar(ctx, &movementsv1.UpdateExemplarRequest{Exemplar: &movementsv1.Exemplar{Name: "movements/ntm"}})
		assert.Contains(t, grpctest.Violations(t, err), "exemplar.name")
		_, err = e.c.ListExemplars(ctx, &movementsv1.ListExemplarsRequest{Parent: "movements/*"})
		assert.Equal(t, codes.InvalidArgument, status.Code(err))
		_, err = e.c.ListExemplars(ctx, &movementsv1.ListExemplarsRequest{Province: "tinh/x"})
		assert.Equal(t, codes.InvalidArgument, status.Code(err))
		_, err = e.c.ListExemplars(ctx, &movementsv1.ListExemplarsRequest{PageToken: "rác"})
		assert.Equal(t, codes.InvalidArgument, status.Code(err))

		// blocs down: served from the unit mirror.
		e.blocs.Stop()
		assert.NoError(t, create(func(*movementsv1.Exemplar) {}))
		_, err = e.c.ListExemplars(ctx, &movementsv1.ListExemplarsRequest{Province: "units/thai-nguyen"})
		assert.NoError(t, err)
	})
}
