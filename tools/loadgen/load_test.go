package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestHistogramQuantile(t *testing.T) {
	tests := []struct {
		name    string
		samples []time.Duration
		q       float64
		want    time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one small value is exact", []time.Duration{42}, 0.99, 42},
		{"median of 1..100 µs", spread(100, time.Microsecond), 0.50, 50 * time.Microsecond},
		{"p99 of 1..100 µs", spread(100, time.Microsecond), 0.99, 99 * time.Microsecond},
		{"p100 is the largest", spread(1000, time.Millisecond), 1, time.Second},
		{"beyond the range lands in the last bucket", []time.Duration{time.Hour}, 0.5, 68 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h histogram
			for _, d := range tt.samples {
				h.record(d)
			}
			got := h.quantile(tt.q)
			// A bucket is at most 1/64 of its values wide.
			require.InDelta(t, float64(tt.want), float64(got), float64(tt.want)/60+1, "got %v", got)
		})
	}
}

// spread returns unit, 2*unit, … n*unit.
func spread(n int, unit time.Duration) []time.Duration {
	s := make([]time.Duration, n)
	for i := range s {
		s[i] = time.Duration(i+1) * unit
	}
	return s
}

func TestRunCountsRequestsAndErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fail" {
			http.Error(w, "no", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	client := srv.Client()

	tests := []struct {
		path       string
		wantErrors bool
	}{
		{"/ok", false},
		{"/fail", true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r, err := run(t.Context(), client, srv.URL+tt.path, nil, 4, time.Minute, 200)
			require.NoError(t, err)
			require.EqualValues(t, 200, r.requests, "the count bound stops the phase long before the time bound")
			require.EqualValues(t, 200, r.hist.n)
			if tt.wantErrors {
				require.EqualValues(t, 200, r.errors)
				require.Contains(t, r.firstErr, "503")
			} else {
				require.Zero(t, r.errors)
			}
			require.Positive(t, r.rps())
		})
	}
}

func TestRunSendsTheHeader(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer t" {
			http.Error(w, "no token", http.StatusUnauthorized)
		}
	}))
	t.Cleanup(srv.Close)
	r, err := run(t.Context(), srv.Client(), srv.URL, http.Header{"Authorization": {"Bearer t"}}, 2, time.Minute, 20)
	require.NoError(t, err)
	require.EqualValues(t, 20, r.requests)
	require.Zero(t, r.errors, "every request carried the header: %s", r.firstErr)
}

func TestResultAddsCPUTime(t *testing.T) {
	var total result
	require.Zero(t, total.cpuPerRequest(), "no request, no division by zero")
	total.add(&result{requests: 100, cpu: 10 * time.Millisecond})
	total.add(&result{requests: 300, cpu: 30 * time.Millisecond})
	require.InDelta(t, 100.0, total.cpuPerRequest(), 1e-9, "40 ms over 400 requests")
}
