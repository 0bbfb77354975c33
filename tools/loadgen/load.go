package main

import (
	"context"
	"fmt"
	"io"
	"math/bits"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// result is what one measured phase against one URL produced.
type result struct {
	requests int64         // responses received, whatever their status
	errors   int64         // transport errors and non-200 responses
	firstErr string        // the first error, to tell the user what went wrong
	elapsed  time.Duration // from the first request sent to the last response
	cpu      time.Duration // CPU time of the process meanwhile (set by the caller of run)
	hist     histogram     // latency of every request, errors included
}

// cpuPerRequest is the CPU time of a request, in microseconds.
func (r *result) cpuPerRequest() float64 {
	if r.requests == 0 {
		return 0
	}
	return float64(r.cpu.Microseconds()) / float64(r.requests)
}

// rps is the throughput of the phase.
func (r *result) rps() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// add merges o into r: requests, errors and latencies add up, and so do the
// elapsed times, so rps() of the sum is the throughput over all phases.
func (r *result) add(o *result) {
	r.requests += o.requests
	r.errors += o.errors
	if r.firstErr == "" {
		r.firstErr = o.firstErr
	}
	r.elapsed += o.elapsed
	r.cpu += o.cpu
	r.hist.merge(&o.hist)
}

// run is a closed-loop load: workers goroutines each send GET url (with
// header, which may be nil), read the
// whole body, and send the next one at once, until d has passed or max
// requests have been started (max <= 0: no limit). Every request uses client,
// whose transport keeps one idle connection per worker alive, so the phase
// measures request handling, not TCP handshakes. Requests in flight when the
// time is up are completed and counted, not cancelled: cancelling would close
// their connections and make the next phase dial again.
func run(ctx context.Context, client *http.Client, url string, header http.Header, workers int, d time.Duration, max int64) (*result, error) {
	var started atomic.Int64
	parts := make([]result, workers) // one per worker: no sharing on the hot path
	var wg sync.WaitGroup
	begin := time.Now()
	deadline := begin.Add(d)
	for i := range parts {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, fmt.Errorf("request for %s: %w", url, err)
		}
		if header != nil {
			req.Header = header.Clone()
		}
		wg.Go(func() {
			p := &parts[i]
			for ctx.Err() == nil && (max <= 0 || started.Add(1) <= max) {
				// A GET without a body may be sent again once the previous
				// response body is closed.
				t0 := time.Now()
				if t0.After(deadline) {
					return
				}
				err := get(client, req)
				p.hist.record(time.Since(t0))
				p.requests++
				if err != nil {
					p.errors++
					if p.firstErr == "" {
						p.firstErr = err.Error()
					}
				}
			}
		})
	}
	wg.Wait()
	total := &result{elapsed: time.Since(begin)} // parts have no elapsed time of their own
	for i := range parts {
		total.add(&parts[i])
	}
	return total, ctx.Err()
}

// get sends req and drains the body so that the connection goes back to the
// pool. Any status other than 200 is an error.
func get(client *http.Client, req *http.Request) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("GET %s: reading body: %w", req.URL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", req.URL, resp.Status)
	}
	return nil
}

// histogram counts latencies in log-linear buckets, like HdrHistogram: the
// values below 2^subBits nanoseconds each have a bucket, and every power of
// two above is split into 2^subBits buckets of equal width. A bucket is then
// at most 1/64 (1.6%) of its values wide, whatever the latency, and the
// histogram has a fixed size however many requests are recorded.
type histogram struct {
	counts [(maxExp + 1) << subBits]int64
	n      int64
}

const (
	subBits = 6  // 64 buckets per power of two
	maxExp  = 30 // up to 2^(30+6) ns ≈ 69 s; longer latencies land in the last bucket
)

func (h *histogram) record(d time.Duration) {
	v := uint64(max(d, 0))
	i := len(h.counts) - 1
	if v < 1<<subBits {
		i = int(v)
	} else if shift := bits.Len64(v) - subBits - 1; shift <= maxExp-1 {
		// v>>shift is in [2^subBits, 2^(subBits+1)): its top bits.
		i = (shift+1)<<subBits + int(v>>shift) - 1<<subBits
	}
	h.counts[i]++
	h.n++
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
}

// quantile returns the latency under which a fraction q of the samples lie,
// as the middle of the bucket holding that sample.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(q*float64(h.n-1)) + 1 // 1-based rank of the sample wanted
	var seen int64
	for i, c := range h.counts {
		if seen += c; seen >= rank {
			if i < 1<<subBits {
				return time.Duration(i)
			}
			shift := i>>subBits - 1
			low := uint64(i&(1<<subBits-1)+1<<subBits) << shift
			return time.Duration(low + (1<<shift)/2)
		}
	}
	return 0 // not reached: the counts add up to n
}
