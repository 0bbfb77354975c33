package server_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

// recvFile reads a streamed file to its end: the content type of its first
// chunk and the data of all of them. It takes what a streaming call
// returns, so that recvFile(c.RenderDecision(ctx, req)) reads one.
func recvFile(stream grpc.ServerStreamingClient[httpbody.HttpBody], err error) (string, []byte, error) {
	if err != nil {
		return "", nil, err
	}
	var (
		contentType string
		data        []byte
	)
	for i := 0; ; i++ {
		m, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return contentType, data, nil
		}
		if err != nil {
			return "", nil, err
		}
		if i == 0 {
			contentType = m.GetContentType()
		}
		data = append(data, m.GetData()...)
	}
}

// people returns n individual entries with distinct names, from the i-th.
func people(from, n int, achievements string) []*honoursv1.DecisionEntry {
	out := make([]*honoursv1.DecisionEntry, n)
	for i := range out {
		e := entry(person(fmt.Sprintf("Nguyễn Văn %06d", from+i), "", "so-noi-vu-bk"), "BK_TINH", 2023)
		e.Achievements = achievements
		out[i] = e
	}
	return out
}

func TestCreateDecisionWithEntries(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		msg := decisionMsg("bac-kan", "946/QĐ-UBND", d(2023, 5, 31))
		msg.Entries = append(people(0, 3, "Hoàn thành xuất sắc nhiệm vụ"), entry(collective("truong-cho-don"), "BK_TINH", 2023))
		req := &honoursv1.CreateDecisionRequest{DecisionId: "qd-946", Decision: msg, RequestId: "4b1e6f0a-7c2d-4e8f-9a1b-2c3d4e5f6a7b"}
		dec, err := c.CreateDecision(ctx, req)
		require.NoError(t, err)
		require.EqualValues(t, 4, dec.GetEntryCount())
		require.Empty(t, dec.GetEntries(), "the response holds no entries")
		again, err := c.CreateDecision(ctx, req)
		require.NoError(t, err)
		require.True(t, proto.Equal(dec, again), "a retry gets the first answer")

		got, err := c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName()})
		require.NoError(t, err)
		require.Len(t, got.GetEntries(), 4)
		for i, en := range got.GetEntries() {
			require.EqualValues(t, i+1, en.GetOrdinal())
		}
		require.Equal(t, "Nguyễn Văn 000000", got.GetEntries()[0].GetRecipient().GetFullName())
		require.Equal(t, "units/truong-cho-don", got.GetEntries()[3].GetRecipient().GetUnit())

		// Then AddDecisionEntries numbers after them.
		added := addEntries(t, c, dec.GetName(), people(3, 1, "")...)
		require.EqualValues(t, 5, added.GetEntries()[0].GetOrdinal())
		issued := issue(t, c, dec.GetName())
		require.EqualValues(t, 5, issued.GetEntryCount())

		// The rules of AddDecisionEntries, named by the create's JSON path;
		// nothing is created when an entry is refused.
		dup := decisionMsg("bac-kan", "947/QĐ-UBND", d(2023, 5, 31))
		dup.Entries = append(people(0, 2, ""), people(1, 1, "")...)
		_, err = c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: "qd-947", Decision: dup})
		requireCode(t, err, codes.FailedPrecondition, "decision.entries[2]")
		_, err = c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: "decisions/qd-947"})
		requireCode(t, err, codes.NotFound, "")

		unknown := decisionMsg("bac-kan", "948/QĐ-UBND", d(2023, 5, 31))
		unknown.Entries = people(0, 2, "")
		unknown.Entries[1].Recipient.Unit = "units/khong-co"
		_, err = c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{Decision: unknown})
		requireCode(t, err, codes.InvalidArgument, "decision.entries[1].recipient.unit")
	})
}

func TestListDecisionEntries(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		msg := decisionMsg("bac-kan", "946/QĐ-UBND", d(2023, 5, 31))
		msg.Entries = people(0, 7, "Hoàn thành xuất sắc nhiệm vụ")
		dec, err := c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: "qd-946", Decision: msg})
		require.NoError(t, err)
		other := newDecision(t, c, "qd-947", "bac-kan", "947/QĐ-UBND", d(2023, 5, 31))

		req := &honoursv1.ListDecisionEntriesRequest{Parent: dec.GetName(), PageSize: 3}
		var ordinals []int32
		var tokens []string
		for {
			resp, err := c.ListDecisionEntries(ctx, req)
			require.NoError(t, err)
			require.EqualValues(t, 7, resp.GetTotalSize())
			for _, en := range resp.GetEntries() {
				ordinals = append(ordinals, en.GetOrdinal())
			}
			if resp.GetNextPageToken() == "" {
				break
			}
			tokens = append(tokens, resp.GetNextPageToken())
			req.PageToken = resp.GetNextPageToken()
		}
		require.Equal(t, []int32{1, 2, 3, 4, 5, 6, 7}, ordinals)
		require.Len(t, tokens, 2, "pages of 3, 3 and 1")

		// A token belongs to its decision.
		_, err = c.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: other.GetName(), PageSize: 3, PageToken: tokens[0]})
		requireCode(t, err, codes.InvalidArgument, "")
		empty, err := c.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: other.GetName()})
		require.NoError(t, err)
		require.Empty(t, empty.GetEntries())
		require.Empty(t, empty.GetNextPageToken())
		_, err = c.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: "decisions/khong-co"})
		requireCode(t, err, codes.NotFound, "")
		_, err = c.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: dec.GetName(), PageSize: -1})
		requireCode(t, err, codes.InvalidArgument, "")

		// Issued, the entries name their honours.
		issue(t, c, dec.GetName())
		resp, err := c.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: dec.GetName(), PageSize: 1000})
		require.NoError(t, err)
		require.Len(t, resp.GetEntries(), 7)
		for _, en := range resp.GetEntries() {
			require.NotEmpty(t, en.GetHonour())
			require.Positive(t, en.GetRewardVnd())
		}
	})
}

// TestLargeDecisionViews checks the bounds that keep every answer about a
// large decision within one message: GetDecision's FULL view is refused
// past 5000 entries (BASIC is not), and a page of ListDecisionEntries
// stops before 2 MiB whatever its page_size.
func TestLargeDecisionViews(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.c
		msg := decisionMsg("bac-kan", "946/QĐ-UBND", d(2023, 5, 31))
		msg.Entries = people(0, 5001, "")
		dec, err := c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: "qd-lon", Decision: msg})
		require.NoError(t, err)
		require.EqualValues(t, 5001, dec.GetEntryCount())

		_, err = c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName()})
		requireCode(t, err, codes.FailedPrecondition, "DECISION_TOO_LARGE_FOR_VIEW")
		_, err = c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName(), View: honoursv1.DecisionView_DECISION_VIEW_FULL})
		requireCode(t, err, codes.FailedPrecondition, "DECISION_TOO_LARGE_FOR_VIEW")
		basic, err := c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName(), View: honoursv1.DecisionView_DECISION_VIEW_BASIC})
		require.NoError(t, err)
		require.EqualValues(t, 5001, basic.GetEntryCount())
		require.Empty(t, basic.GetEntries())

		// Entries of ~6 KB (2000 characters of 3 bytes each): a page of
		// 1000 would be 6 MB.
		long := strings.Repeat("ệ", 2000)
		wide := decisionMsg("bac-kan", "947/QĐ-UBND", d(2023, 5, 31))
		dec2, err := c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: "qd-dai", Decision: wide})
		require.NoError(t, err)
		for from := 0; from < 1000; from += 250 {
			addEntries(t, c, dec2.GetName(), people(from, 250, long)...)
		}
		req := &honoursv1.ListDecisionEntriesRequest{Parent: dec2.GetName(), PageSize: 1000}
		seen, pages := 0, 0
		for {
			resp, err := c.ListDecisionEntries(ctx, req)
			require.NoError(t, err)
			require.LessOrEqual(t, proto.Size(resp), 2<<20+8192, "a page stays near 2 MiB")
			require.NotEmpty(t, resp.GetEntries())
			require.EqualValues(t, seen+1, resp.GetEntries()[0].GetOrdinal(), "pages follow each other")
			seen += len(resp.GetEntries())
			pages++
			if resp.GetNextPageToken() == "" {
				break
			}
			req.PageToken = resp.GetNextPageToken()
		}
		require.Equal(t, 1000, seen)
		require.GreaterOrEqual(t, pages, 3, "6 MB of entries take at least 3 pages")
		_, err = c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec2.GetName()})
		requireCode(t, err, codes.FailedPrecondition, "DECISION_TOO_LARGE_FOR_VIEW")
	})
}
