package runtime

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// quietServer answers like benchServer without recording requests
// (benchServer's log grows with every request, and the GC work of a growing
// heap would be charged to whichever benchmark runs later).
func quietServer(b *testing.B) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch {
		case r.Method == "POST":
			jsonReply(w, 201, `{"id":42,"name":"Rex","tags":["a","b"]}`)
		case r.URL.Path == "/v1/pets":
			jsonReply(w, 200, `[{"id":42,"name":"Rex"},{"id":43,"name":"Tom"}]`)
		default:
			jsonReply(w, 200, `{"id":42,"name":"Rex"}`)
		}
	}))
	b.Cleanup(srv.Close)
	return srv.URL
}

// BenchmarkPerStep compares one run of benchDoc's 3-step workflow on a
// warm plan with the same 3 requests made with plain net/http, one at a
// time: over loopback TCP to an httptest server that does not record
// requests, and over an in-process transport (the engine's own CPU cost).
// Divide by 3 for per-step figures; engine/nethttp is the overhead ratio.
func BenchmarkPerStep(b *testing.B) {
	benchEngineVsPlain(b, false)
}

// BenchmarkConcurrentRuns is BenchmarkPerStep with many runs at once
// (8 goroutines per CPU) on one plan and one client: ns/op is the inverse
// of the throughput.
func BenchmarkConcurrentRuns(b *testing.B) {
	benchEngineVsPlain(b, true)
}

func benchEngineVsPlain(b *testing.B, parallel bool) {
	p := compileDoc(b, benchDoc)
	base := quietServer(b)
	inputs := map[string]any{"name": "Rex"}
	newClient := func() *http.Client {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		return &http.Client{Transport: t}
	}
	loop := func(b *testing.B, body func()) {
		b.ReportAllocs()
		if !parallel {
			for b.Loop() {
				body()
			}
			return
		}
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				body()
			}
		})
	}
	for _, tr := range []struct {
		name   string
		client func() *http.Client
	}{
		{"inproc", func() *http.Client { return &http.Client{Transport: inproc{}} }},
		{"loopback", newClient},
	} {
		b.Run(tr.name+"/nethttp", func(b *testing.B) {
			client := tr.client()
			loop(b, func() { plainRun(b, client, base+"/v1", inputs) })
		})
		b.Run(tr.name+"/engine", func(b *testing.B) {
			o := Options{Servers: map[string]string{"pets": base + "/v1"}, HTTPClient: tr.client()}
			ctx := context.Background()
			loop(b, func() {
				res, err := p.Run(ctx, "w", inputs, o)
				if err != nil || !res.Success {
					b.Error(err, res.Err)
				}
			})
		})
	}
}

// BenchmarkSeedPipeline is the library-mode cost of a first and of a
// later load of the Auth0 seed (Load + Compile), the lazy OpenAPI loader
// with and without its on-disk cache.
func BenchmarkSeedPipeline(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts func(b *testing.B) LoadOptions
	}{
		{"nocache", func(*testing.B) LoadOptions { return LoadOptions{NoCache: true} }},
		{"cached", func(b *testing.B) LoadOptions { return LoadOptions{CacheDir: b.TempDir()} }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			opts := bc.opts(b)
			load := func() {
				bundle, err := Load(context.Background(), seedPath, opts)
				if err != nil || bundle.Diagnostics.HasErrors() {
					b.Fatal(err, bundle.Diagnostics.Err())
				}
				if _, err := Compile(bundle); err != nil {
					b.Fatal(err)
				}
			}
			load()
			b.ReportAllocs()
			for b.Loop() {
				load()
			}
		})
	}
}
