package openapi

import (
	"context"
	"testing"
)

// BenchmarkLoadAuth0Lazy loads the Auth0 description for the three
// operations of the seed workflow, without the on-disk cache: the first
// run of a workflow.
func BenchmarkLoadAuth0Lazy(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		d, err := Load(context.Background(), auth0File, LoadOptions{Operations: auth0Seed, NoCache: true})
		if err != nil || d.lazy == nil {
			b.Fatal(err, "not lazy")
		}
	}
}

// BenchmarkLoadAuth0Cached is the same load with a warm on-disk cache:
// later runs of the same workflow.
func BenchmarkLoadAuth0Cached(b *testing.B) {
	opts := LoadOptions{Operations: auth0Seed, CacheDir: b.TempDir()}
	if _, err := Load(context.Background(), auth0File, opts); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		d, err := Load(context.Background(), auth0File, opts)
		if err != nil || d.lazy == nil || d.lazy.src != nil || d.lazy.data != nil {
			b.Fatal(err, "not served from the cache")
		}
	}
}

// BenchmarkLoadAuth0LazyKin adds the kin-openapi decoding of the seed's
// sub-document (what --mock and schema checks pay on top).
func BenchmarkLoadAuth0LazyKin(b *testing.B) {
	opts := LoadOptions{Operations: auth0Seed, CacheDir: b.TempDir()}
	if _, err := Load(context.Background(), auth0File, opts); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		d, err := Load(context.Background(), auth0File, opts)
		if err != nil || d.OpenAPI3() == nil {
			b.Fatal(err)
		}
	}
}
