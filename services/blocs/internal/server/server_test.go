package server_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/grpctest"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/server"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/store"
)

// start serves the blocs handlers on a loopback listener, over a store on
// the given database, and returns a client.
func start(t *testing.T, dbURL string, c cache.Cache) blocsv1.BlocsServiceClient {
	t.Helper()
	ctx := t.Context()
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "tdkt-blocs-test"})
	require.NoError(t, err)
	st, err := store.Open(ctx, dbURL, tel.TracerProvider)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	signer, err := pagetoken.NewSigner([]byte("0123456789abcdef-test-key"))
	require.NoError(t, err)
	conn := grpctest.Serve(t, grpcserver.Options{Unguarded: true, Telemetry: tel}, func(g *grpc.Server) {
		blocsv1.RegisterBlocsServiceServer(g, server.New(st, c, signer, tel.Logger, nil))
	})
	return blocsv1.NewBlocsServiceClient(conn)
}

// forEachEngine runs fn against SQLite and, when configured, PostgreSQL.
func forEachEngine(t *testing.T, fn func(t *testing.T, c blocsv1.BlocsServiceClient)) {
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, start(t, e.URL(t), cache.NewMemory(1000)))
		})
	}
}

func d(y, m, day int32) *date.Date { return &date.Date{Year: y, Month: m, Day: day} }

func province(t *testing.T, c blocsv1.BlocsServiceClient, id, name string) *blocsv1.Unit {
	t.Helper()
	u, err := c.CreateUnit(t.Context(), &blocsv1.CreateUnitRequest{UnitId: id, Unit: &blocsv1.Unit{
		DisplayName: "Tỉnh " + name, ShortName: name,
		Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE,
	}})
	require.NoError(t, err)
	return u
}

// requireCode checks the status code and, for InvalidArgument, that a
// field violation names field.
func requireCode(t *testing.T, err error, code codes.Code, field string) {
	t.Helper()
	st, ok := status.FromError(err)
	require.True(t, ok, "not a status: %v", err)
	require.Equal(t, code, st.Code(), "message: %s", st.Message())
	if field == "" {
		return
	}
	var fields []string
	for _, det := range st.Details() {
		if br, ok := det.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
		if pf, ok := det.(*errdetails.PreconditionFailure); ok {
			for _, v := range pf.GetViolations() {
				fields = append(fields, v.GetType(), v.GetSubject())
			}
		}
	}
	require.Contains(t, fields, field, "details: %v", st.Details())
}

func TestUnitsAndLineage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c blocsv1.BlocsServiceClient) {
		ctx := t.Context()
		bk := province(t, c, "bac-kan", "Bắc Kạn")
		require.Equal(t, "units/bac-kan", bk.GetProvince(), "a province is its own province")
		require.Equal(t, "units/bac-kan", bk.GetCurrent(), "an active unit is its own current unit")
		tn := province(t, c, "thai-nguyen", "Thái Nguyên")

		got, err := c.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/bac-kan"})
		require.NoError(t, err)
		require.Equal(t, "Tỉnh Bắc Kạn", got.GetDisplayName())
		require.Equal(t, blocsv1.UnitState_UNIT_STATE_ACTIVE, got.GetState())

		dis, err := c.DissolveUnit(ctx, &blocsv1.DissolveUnitRequest{
			Name: bk.GetName(), Successor: tn.GetName(), EffectiveOn: d(2025, 7, 1),
		})
		require.NoError(t, err)
		require.Equal(t, blocsv1.UnitState_UNIT_STATE_DISSOLVED, dis.GetState())
		require.Equal(t, "units/thai-nguyen", dis.GetSuccessor())
		require.Equal(t, "units/thai-nguyen", dis.GetCurrent())

		// The cached copy was invalidated.
		got, err = c.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/bac-kan"})
		require.NoError(t, err)
		require.Equal(t, blocsv1.UnitState_UNIT_STATE_DISSOLVED, got.GetState())

		// A later merger moves the end of the chain for both.
		big := province(t, c, "vung-lon", "Vùng Lớn")
		_, err = c.DissolveUnit(ctx, &blocsv1.DissolveUnitRequest{
			Name: tn.GetName(), Successor: big.GetName(), EffectiveOn: d(2030, 1, 1),
		})
		require.NoError(t, err)
		batch, err := c.BatchGetUnits(ctx, &blocsv1.BatchGetUnitsRequest{Names: []string{"units/vung-lon", "units/bac-kan"}})
		require.NoError(t, err)
		require.Equal(t, []string{"units/thai-nguyen"}, batch.GetUnits()[0].GetPredecessors())
		require.Equal(t, "units/vung-lon", batch.GetUnits()[1].GetCurrent())
		got, err = c.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/bac-kan"})
		require.NoError(t, err)
		require.Equal(t, "units/vung-lon", got.GetCurrent(), "cache of an ancestor is invalidated")

		_, err = c.DissolveUnit(ctx, &blocsv1.DissolveUnitRequest{Name: bk.GetName(), Successor: big.GetName(), EffectiveOn: d(2031, 1, 1)})
		requireCode(t, err, codes.FailedPrecondition, "UNIT_DISSOLVED")
		_, err = c.DissolveUnit(ctx, &blocsv1.DissolveUnitRequest{Name: big.GetName(), Successor: big.GetName(), EffectiveOn: d(2031, 1, 1)})
		requireCode(t, err, codes.InvalidArgument, "successor")
		_, err = c.BatchGetUnits(ctx, &blocsv1.BatchGetUnitsRequest{Names: []string{"units/bac-kan", "units/khong-co"}})
		requireCode(t, err, codes.NotFound, "")
		_, err = c.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/khong-co"})
		requireCode(t, err, codes.NotFound, "")
	})
}

func TestCreateUnitIsIdempotent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c blocsv1.BlocsServiceClient) {
		ctx := t.Context()
		req := &blocsv1.CreateUnitRequest{
			RequestId: "6f1c1c4e-2a6b-4c8e-9a3e-1d2f3a4b5c6d",
			Unit: &blocsv1.Unit{DisplayName: "Sở Nội vụ", Kind: blocsv1.UnitKind_UNIT_KIND_AGENCY,
				Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE},
		}
		first, err := c.CreateUnit(ctx, req)
		require.NoError(t, err)
		again, err := c.CreateUnit(ctx, req)
		require.NoError(t, err)
		require.Equal(t, first.GetName(), again.GetName(), "a retry returns the first result")
		list, err := c.ListUnits(ctx, &blocsv1.ListUnitsRequest{})
		require.NoError(t, err)
		require.EqualValues(t, 1, list.GetTotalSize(), "a retry creates nothing")

		req.Unit.DisplayName = "Sở Tài chính"
		_, err = c.CreateUnit(ctx, req)
		requireCode(t, err, codes.AlreadyExists, "")
		require.Contains(t, status.Convert(err).Message(), "request_id")

		_, err = c.CreateUnit(ctx, &blocsv1.CreateUnitRequest{UnitId: "so-noi-vu", Unit: req.Unit})
		require.NoError(t, err)
		_, err = c.CreateUnit(ctx, &blocsv1.CreateUnitRequest{UnitId: "so-noi-vu", Unit: req.Unit})
		requireCode(t, err, codes.AlreadyExists, "")
	})
}

func TestListUnitsOrderPagingAndSearch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c blocsv1.BlocsServiceClient) {
		ctx := t.Context()
		names := []string{"Đắk Lắk", "Yên Bái", "An Giang", "Bắc Ninh", "Cà Mau", "Đà Nẵng", "Điện Biên", "Ân Thi"}
		for i, n := range names {
			province(t, c, fmt.Sprintf("p%d", i), n)
		}
		var got []string
		var token string
		for page := 0; ; page++ {
			resp, err := c.ListUnits(ctx, &blocsv1.ListUnitsRequest{PageSize: 3, PageToken: token})
			require.NoError(t, err)
			require.EqualValues(t, len(names), resp.GetTotalSize())
			for _, u := range resp.GetUnits() {
				got = append(got, u.GetShortName())
			}
			token = resp.GetNextPageToken()
			if token == "" {
				break
			}
			require.Less(t, page, 3)
		}
		// Vietnamese order: a < â; b < c < d < đ; within đ: "Đà" < "Đắk" < "Điện".
		require.Equal(t, []string{"An Giang", "Ân Thi", "Bắc Ninh", "Cà Mau", "Đà Nẵng", "Đắk Lắk", "Điện Biên", "Yên Bái"}, got)

		resp, err := c.ListUnits(ctx, &blocsv1.ListUnitsRequest{Query: "dak lak"})
		require.NoError(t, err)
		require.Len(t, resp.GetUnits(), 1)
		require.Equal(t, "Đắk Lắk", resp.GetUnits()[0].GetShortName())
		resp, err = c.ListUnits(ctx, &blocsv1.ListUnitsRequest{Query: "ĐIỆN"})
		require.NoError(t, err)
		require.Len(t, resp.GetUnits(), 1)
		resp, err = c.ListUnits(ctx, &blocsv1.ListUnitsRequest{Query: "100%_"})
		require.NoError(t, err)
		require.Empty(t, resp.GetUnits(), "LIKE wildcards in a query are literal")

		first, err := c.ListUnits(ctx, &blocsv1.ListUnitsRequest{PageSize: 2})
		require.NoError(t, err)
		_, err = c.ListUnits(ctx, &blocsv1.ListUnitsRequest{PageSize: 2, PageToken: first.GetNextPageToken(), Query: "a"})
		requireCode(t, err, codes.InvalidArgument, "pageToken")
		_, err = c.ListUnits(ctx, &blocsv1.ListUnitsRequest{PageToken: first.GetNextPageToken() + "x"})
		requireCode(t, err, codes.InvalidArgument, "pageToken")
		_, err = c.ListUnits(ctx, &blocsv1.ListUnitsRequest{PageToken: "eyJrIjoiQUFBQSIsImkiOiJ6In0"})
		requireCode(t, err, codes.InvalidArgument, "pageToken")
		_, err = c.ListUnits(ctx, &blocsv1.ListUnitsRequest{PageSize: -1})
		requireCode(t, err, codes.InvalidArgument, "pageSize")
		big, err := c.ListUnits(ctx, &blocsv1.ListUnitsRequest{PageSize: 5000})
		require.NoError(t, err, "a page size above the maximum is clamped")
		require.Len(t, big.GetUnits(), len(names))
	})
}

func TestUpdateUnit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c blocsv1.BlocsServiceClient) {
		ctx := t.Context()
		u := province(t, c, "hue", "Thừa Thiên Huế")
		upd, err := c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{
			Unit:       &blocsv1.Unit{Name: u.GetName(), DisplayName: "Thành phố Huế", ShortName: "ignored", Etag: u.GetEtag()},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}},
		})
		require.NoError(t, err)
		require.Equal(t, "Thành phố Huế", upd.GetDisplayName())
		require.Equal(t, "Thừa Thiên Huế", upd.GetShortName(), "fields outside the mask are untouched")
		require.NotEqual(t, u.GetEtag(), upd.GetEtag())

		_, err = c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{
			Unit:       &blocsv1.Unit{Name: u.GetName(), ShortName: "Huế", Etag: u.GetEtag()},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"short_name"}},
		})
		requireCode(t, err, codes.Aborted, "")
		_, err = c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{
			Unit:       &blocsv1.Unit{Name: u.GetName()},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"no_such_field"}},
		})
		requireCode(t, err, codes.InvalidArgument, "updateMask")
		same, err := c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{
			Unit:       &blocsv1.Unit{Name: u.GetName(), State: blocsv1.UnitState_UNIT_STATE_DISSOLVED},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"state"}},
		})
		require.NoError(t, err, "output-only fields in the mask are ignored")
		require.Equal(t, blocsv1.UnitState_UNIT_STATE_ACTIVE, same.GetState())
		_, err = c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{
			Unit:       &blocsv1.Unit{Name: u.GetName(), DisplayName: ""},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}},
		})
		requireCode(t, err, codes.InvalidArgument, "unit.displayName")
		_, err = c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{
			Unit:       &blocsv1.Unit{Name: u.GetName(), Parent: "units/khong-co"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"parent"}},
		})
		requireCode(t, err, codes.InvalidArgument, "unit.parent")
		got, err := c.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: u.GetName()})
		require.NoError(t, err)
		require.Equal(t, same.GetEtag(), got.GetEtag(), "failed updates change nothing")
	})
}

func TestBadInputIsInvalidArgument(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c blocsv1.BlocsServiceClient) {
		ctx := t.Context()
		for _, tc := range []struct {
			name  string
			req   *blocsv1.CreateUnitRequest
			field string
		}{
			{"missing unit", &blocsv1.CreateUnitRequest{}, "unit"},
			{"unknown enum", &blocsv1.CreateUnitRequest{Unit: &blocsv1.Unit{DisplayName: "X", Kind: 99, Level: 1}}, "unit.kind"},
			{"missing kind", &blocsv1.CreateUnitRequest{Unit: &blocsv1.Unit{DisplayName: "X", Level: 1}}, "unit.kind"},
			{"bad id", &blocsv1.CreateUnitRequest{UnitId: "Bad_ID", Unit: &blocsv1.Unit{DisplayName: "X", Kind: 1, Level: 1}}, "unitId"},
			{"bad request id", &blocsv1.CreateUnitRequest{RequestId: "not-a-uuid", Unit: &blocsv1.Unit{DisplayName: "X", Kind: 1, Level: 1}}, "requestId"},
			{"long name", &blocsv1.CreateUnitRequest{Unit: &blocsv1.Unit{DisplayName: string(make([]rune, 301)), Kind: 1, Level: 1}}, "unit.displayName"},
			{"province of a ministry", &blocsv1.CreateUnitRequest{Unit: &blocsv1.Unit{DisplayName: "Bộ", Kind: 1, Level: 2, Province: "units/x"}}, "unit.province"},
			{"malformed reference", &blocsv1.CreateUnitRequest{Unit: &blocsv1.Unit{DisplayName: "X", Kind: 1, Level: 3, Parent: "groups/x"}}, "unit.parent"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := c.CreateUnit(ctx, tc.req)
				requireCode(t, err, codes.InvalidArgument, tc.field)
			})
		}
		_, err := c.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/../../etc"})
		requireCode(t, err, codes.InvalidArgument, "name")
		_, err = c.DissolveUnit(ctx, &blocsv1.DissolveUnitRequest{Name: "units/a", Successor: "units/b", EffectiveOn: d(2025, 2, 30)})
		requireCode(t, err, codes.InvalidArgument, "effectiveOn")
	})
}

// A unit may not be moved below itself.
func TestUnitParentCycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c blocsv1.BlocsServiceClient) {
		ctx := t.Context()
		p := province(t, c, "thai-nguyen", "Thái Nguyên")
		child := func(id, parent string) *blocsv1.Unit {
			u, err := c.CreateUnit(ctx, &blocsv1.CreateUnitRequest{UnitId: id, Unit: &blocsv1.Unit{
				DisplayName: "Đơn vị " + id, Kind: blocsv1.UnitKind_UNIT_KIND_AGENCY, Level: blocsv1.UnitLevel_UNIT_LEVEL_COMMUNE,
				Province: p.GetName(), Parent: parent,
			}})
			require.NoError(t, err)
			return u
		}
		a := child("so-a", p.GetName())
		b := child("phong-b", a.GetName())
		d := child("to-d", b.GetName())
		for _, below := range []*blocsv1.Unit{b, d} {
			_, err := c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{
				Unit:       &blocsv1.Unit{Name: a.GetName(), Parent: below.GetName()},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"parent"}},
			})
			requireCode(t, err, codes.InvalidArgument, "unit.parent")
		}
		_, err := c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{
			Unit:       &blocsv1.Unit{Name: d.GetName(), Parent: a.GetName()},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"parent"}},
		})
		require.NoError(t, err, "moving a unit up is fine")
	})
}
