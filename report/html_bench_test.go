package report

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkWriteHTML writes the page of benchRun (100 attempts of 10
// steps, ~2 KiB JSON bodies), the graph drawn from Meta.Steps.
func BenchmarkWriteHTML(b *testing.B) {
	res, meta := benchRun()
	meta.Steps = map[string][]string{"bench": {"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"}}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteHTML(io.Discard, res, meta, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteHTMLAuth0 writes the page of the Auth0 seed run, the
// graph drawn from the document.
func BenchmarkWriteHTMLAuth0(b *testing.B) {
	root := filepath.Join("..", "testdata", "auth0")
	wf := filepath.Join(root, "arazzo", "auth0-provision-m2m-app-workflow.yml")
	if _, err := os.Stat(wf); err != nil {
		b.Skipf("the Auth0 seed is not in this checkout: %v", err)
	}
	res, meta, opts := auth0SeedRun(b, wf, filepath.Join(root, "inputs.json"))
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteHTMLWith(io.Discard, res, meta, nil, opts); err != nil {
			b.Fatal(err)
		}
	}
}
