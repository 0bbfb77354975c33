package main

import (
	"context"
	"net/http"
	"testing"
)

// BenchmarkEcho and BenchmarkGetUnit send the requests of `make bench` one
// after the other, through the same stack, to count the work of one
// request (ns/op, allocs/op) without the load generator's concurrency:
//
//	go test ./tools/loadgen -run '^$' -bench . -benchmem -cpuprofile cpu.pprof
func BenchmarkEcho(b *testing.B) {
	url, stop, err := startBaseline(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	benchGet(b, url, nil)
}

func BenchmarkGetUnit(b *testing.B) {
	client := &http.Client{}
	defer client.CloseIdleConnections()
	url, token, stop, err := startSystem(b.Context(), options{}, client)
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	benchGet(b, url, http.Header{"Authorization": {"Bearer " + token}})
}

func benchGet(b *testing.B, url string, header http.Header) {
	client := &http.Client{}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	if header != nil {
		req.Header = header
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		if err := get(client, req); err != nil {
			b.Fatal(err)
		}
	}
	// The process's CPU time, the client's included, is steadier than the
	// wall time on a machine that runs other work too.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}
