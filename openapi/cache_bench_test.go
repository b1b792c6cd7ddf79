package openapi

import (
	"context"
	"os"
	"testing"
	"time"
)

// BenchmarkLoadAuth0ColdCache is the first run with the cache on: a lazy
// load that also writes the entry.
func BenchmarkLoadAuth0ColdCache(b *testing.B) {
	dir := b.TempDir()
	opts := LoadOptions{Operations: auth0Seed, CacheDir: dir}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
		d, err := Load(context.Background(), auth0File, opts)
		if err != nil || d.lazy == nil || d.lazy.src == nil {
			b.Fatal(err, "not a cold load")
		}
	}
}

// BenchmarkHashAuth0 is the content key of the Auth0 description as a
// warm load computes it (read and hashed in chunks).
func BenchmarkHashAuth0(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := hashFile(auth0File, DefaultMaxBytes, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFileKeyAuth0Memo is the content key of the Auth0 description
// as a warm load gets it once the stat memo knows the file: a stat and a
// 92-byte read instead of BenchmarkHashAuth0.
func BenchmarkFileKeyAuth0Memo(b *testing.B) {
	settleClockB(b)
	dir := b.TempDir()
	want, _, err := hashFile(auth0File, DefaultMaxBytes, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if key, _, err := fileKey(auth0File, dir, DefaultMaxBytes, nil); err != nil || key != want {
			b.Fatal(err, key)
		}
	}
}

func settleClockB(b *testing.B) {
	old := statMemoNow
	statMemoNow = func() time.Time { return time.Now().Add(time.Hour) }
	b.Cleanup(func() { statMemoNow = old })
}
