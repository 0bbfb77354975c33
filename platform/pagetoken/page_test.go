package pagetoken_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
)

// TestPageOfAndList pages through a list of five numbers two at a time,
// the way a handler does.
func TestPageOfAndList(t *testing.T) {
	s := newSigner(t, key1)
	type cursor struct{ Last int }
	list := func(_ context.Context, query string, after *cursor, size int) ([]int, *cursor, int, error) {
		require.Equal(t, "q", query)
		from := 0
		if after != nil {
			from = after.Last + 1
		}
		var items []int
		for i := from; i < 5 && len(items) < size; i++ {
			items = append(items, i)
		}
		var next *cursor
		if last := from + len(items) - 1; last < 4 {
			next = &cursor{Last: last}
		}
		return items, next, 5, nil
	}
	var got []string
	req := &blocsv1.ListUnitsRequest{Query: "q", PageSize: 2}
	for range 3 {
		page, err := pagetoken.PageOf[cursor](s, req)
		require.NoError(t, err)
		require.Equal(t, 2, page.Size)
		l, err := pagetoken.List(t.Context(), page, list, req.GetQuery(), strconv.Itoa)
		require.NoError(t, err)
		require.EqualValues(t, 5, l.TotalSize)
		got = append(got, l.Items...)
		req.PageToken = l.NextPageToken
	}
	require.Equal(t, []string{"0", "1", "2", "3", "4"}, got)
	require.Empty(t, req.GetPageToken(), "the last page has no next token")

	page, err := pagetoken.PageOf[cursor](s, &blocsv1.ListUnitsRequest{})
	require.NoError(t, err)
	require.Equal(t, pagetoken.DefaultSize, page.Size)
	require.Nil(t, page.After, "no token: the first page")

	first, err := pagetoken.PageOf[cursor](s, &blocsv1.ListUnitsRequest{Query: "q", PageSize: 2})
	require.NoError(t, err)
	l, err := pagetoken.List(t.Context(), first, list, "q", strconv.Itoa)
	require.NoError(t, err)
	_, err = pagetoken.PageOf[cursor](s, &blocsv1.ListUnitsRequest{Query: "other", PageToken: l.NextPageToken})
	require.ErrorIs(t, err, pagetoken.ErrInvalidToken, "a token of another query")
	_, err = pagetoken.PageOf[cursor](s, &blocsv1.ListUnitsRequest{PageSize: -1})
	require.ErrorIs(t, err, pagetoken.ErrNegativeSize)
}
