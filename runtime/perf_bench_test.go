package runtime

import (
	"context"
	"net/http"
	"testing"
)

// BenchmarkConcurrentRuns compares the throughput of many concurrent runs
// of benchDoc's 3-step workflow on one warm plan with the same requests
// made concurrently with plain net/http (same httptest server, same
// transport settings). ns/op is per workflow run; engine/nethttp is the
// throughput ratio.
func BenchmarkConcurrentRuns(b *testing.B) {
	p := compileDoc(b, benchDoc)
	srv := benchServer(b)
	inputs := map[string]any{"name": "Rex"}
	newClient := func() *http.Client {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		return &http.Client{Transport: t}
	}
	for _, tr := range []struct {
		name   string
		client func() *http.Client
	}{
		{"loopback", newClient},
		{"inproc", func() *http.Client { return &http.Client{Transport: inproc{}} }},
	} {
		b.Run(tr.name+"/engine", func(b *testing.B) {
			o := srv.opts(nil)
			o.HTTPClient = tr.client()
			b.SetParallelism(8)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					res, err := p.Run(ctx, "w", inputs, o)
					if err != nil || !res.Success {
						b.Error(err, res.Err)
						return
					}
				}
			})
		})
		b.Run(tr.name+"/nethttp", func(b *testing.B) {
			client := tr.client()
			b.SetParallelism(8)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					plainRun(b, client, srv.URL+"/v1", inputs)
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
