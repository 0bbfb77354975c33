package server_test

import (
	"io"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
)

// TestWatchUnits follows the units: the backlog in revision order, an
// up-to-date mark, then each change as it commits; a revision ahead of the
// feed is refused.
func TestWatchUnits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c blocsv1.BlocsServiceClient) {
		ctx := t.Context()
		a := province(t, c, "bac-kan", "Bắc Kạn")
		b := province(t, c, "thai-nguyen", "Thái Nguyên")
		require.Greater(t, b.GetRevision(), a.GetRevision(), "each change takes the next revision")

		stream, err := c.WatchUnits(ctx, &blocsv1.WatchUnitsRequest{})
		require.NoError(t, err)
		var names []string
		var rev int64
		for {
			msg, err := stream.Recv()
			require.NoError(t, err)
			for _, u := range msg.GetUnits() {
				names = append(names, u.GetName())
				require.Greater(t, u.GetRevision(), rev, "in revision order")
				rev = u.GetRevision()
			}
			if len(msg.GetUnits()) == 0 {
				require.Equal(t, b.GetRevision(), msg.GetRevision(), "up to date at the last change")
				break
			}
		}
		require.Equal(t, []string{"units/bac-kan", "units/thai-nguyen"}, names)

		dissolved, err := c.DissolveUnit(ctx, &blocsv1.DissolveUnitRequest{Name: "units/bac-kan", Successor: "units/thai-nguyen", EffectiveOn: d(2025, 7, 1)})
		require.NoError(t, err)
		msg, err := stream.Recv()
		require.NoError(t, err)
		require.Len(t, msg.GetUnits(), 1, "the change, as it commits")
		require.Equal(t, "units/thai-nguyen", msg.GetUnits()[0].GetSuccessor())
		require.Equal(t, dissolved.GetRevision(), msg.GetRevision())

		resumed, err := c.WatchUnits(ctx, &blocsv1.WatchUnitsRequest{SinceRevision: b.GetRevision()})
		require.NoError(t, err)
		msg, err = resumed.Recv()
		require.NoError(t, err)
		require.Len(t, msg.GetUnits(), 1, "resumed: only what came after")
		require.Equal(t, "units/bac-kan", msg.GetUnits()[0].GetName())

		ahead, err := c.WatchUnits(ctx, &blocsv1.WatchUnitsRequest{SinceRevision: dissolved.GetRevision() + 10})
		require.NoError(t, err)
		_, err = ahead.Recv()
		require.NotErrorIs(t, err, io.EOF)
		requireCode(t, err, codes.FailedPrecondition, "REVISION_AHEAD")
	})
}

// TestDatedRename renames a unit in law: its history keeps the name of
// before; a rename dated in the future, or before the previous one, is
// refused naming effectiveOn.
func TestDatedRename(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c blocsv1.BlocsServiceClient) {
		ctx := t.Context()
		hue := province(t, c, "hue", "Thừa Thiên Huế")
		city := &blocsv1.Unit{Name: hue.GetName(), DisplayName: "Thành phố Huế", ShortName: "Huế",
			Kind: hue.GetKind(), Level: hue.GetLevel()}
		got, err := c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{Unit: city, EffectiveOn: d(2025, 1, 1)})
		require.NoError(t, err)
		require.Equal(t, "Thành phố Huế", got.GetDisplayName())
		require.Len(t, got.GetHistory(), 1)
		require.Equal(t, "Tỉnh Thừa Thiên Huế", got.GetHistory()[0].GetDisplayName())
		require.EqualValues(t, 2025, got.GetHistory()[0].GetUntil().GetYear())
		require.Greater(t, got.GetRevision(), hue.GetRevision())

		read, err := c.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: hue.GetName()})
		require.NoError(t, err)
		require.Len(t, read.GetHistory(), 1, "GetUnit gives the history")

		city.DisplayName = "Thành phố Huế mới"
		_, err = c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{Unit: city, EffectiveOn: d(2200, 1, 1)})
		requireCode(t, err, codes.InvalidArgument, "effectiveOn")
		_, err = c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{Unit: city, EffectiveOn: d(2024, 1, 1)})
		requireCode(t, err, codes.InvalidArgument, "effectiveOn")
		_, err = c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{Unit: city, EffectiveOn: &date.Date{Year: 2025, Month: 2, Day: 30}})
		requireCode(t, err, codes.InvalidArgument, "effectiveOn")

		corrected, err := c.UpdateUnit(ctx, &blocsv1.UpdateUnitRequest{Unit: city})
		require.NoError(t, err)
		require.Len(t, corrected.GetHistory(), 1, "a correction keeps no history")
	})
}
