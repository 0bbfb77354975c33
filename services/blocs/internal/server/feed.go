package server

import (
	"context"
	"errors"
	"sync"
	"time"

	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
)

// feed wakes the WatchUnits streams of this process when a unit changes.
// Streams also look for changes every pollInterval, to see those committed
// by other replicas of the service.
type feed struct {
	mu      sync.Mutex
	changed chan struct{} // closed, and replaced, at each change
}

func newFeed() *feed { return &feed{changed: make(chan struct{})} }

// wait returns a channel closed at the next change.
func (f *feed) wait() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changed
}

// notify wakes every stream waiting for a change.
func (f *feed) notify() {
	f.mu.Lock()
	defer f.mu.Unlock()
	close(f.changed)
	f.changed = make(chan struct{})
}

const (
	// pollInterval bounds how late a stream sees a change committed by
	// another replica.
	pollInterval = 250 * time.Millisecond
	// watchBatch is the most units one message carries.
	watchBatch = 500
)

// WatchUnits streams the changes of units after since_revision: first the
// backlog, then an up-to-date mark, then each change as it commits.
func (s *Server) WatchUnits(req *blocsv1.WatchUnitsRequest, stream grpc.ServerStreamingServer[blocsv1.WatchUnitsResponse]) error {
	ctx := stream.Context()
	since := req.GetSinceRevision()
	head, err := s.store.FeedRevision(ctx)
	if err != nil {
		return err
	}
	if since > head {
		return domainerr.Rule("REVISION_AHEAD", "sinceRevision",
			"revision %d is ahead of the feed's %d (the database was restored?): watch again from 0", since, head)
	}
	upToDate := false
	for {
		wake := s.feed.wait() // before reading, so that no change slips between
		units, err := s.store.UnitsChangedSince(ctx, since, watchBatch)
		if err != nil {
			return err
		}
		if len(units) > 0 {
			msg := &blocsv1.WatchUnitsResponse{Units: make([]*blocsv1.Unit, len(units))}
			for i, u := range units {
				msg.Units[i] = unitToProto(u)
			}
			since = units[len(units)-1].Revision
			msg.Revision = since
			if err := stream.Send(msg); err != nil {
				return err
			}
			if len(units) == watchBatch {
				continue // more backlog
			}
		}
		if !upToDate {
			upToDate = true
			if err := stream.Send(&blocsv1.WatchUnitsResponse{Revision: since}); err != nil {
				return err
			}
		}
		if err := sleep(ctx, wake, grpcserver.Stopping(ctx)); err != nil {
			return err
		}
	}
}

// sleep waits for wake or the poll interval; the end of ctx, or of the
// server, ends the stream (a follower resumes from its last revision).
func sleep(ctx context.Context, wake, stopping <-chan struct{}) error {
	t := time.NewTimer(pollInterval)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-stopping:
		return &domainerr.UnavailableError{Service: "blocs", Cause: errors.New("shutting down")}
	case <-wake:
	case <-t.C:
	}
	return nil
}
