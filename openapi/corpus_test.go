package openapi

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// corpusDir is the shared corpus next to the repository (../shared/corpus
// from the repository root); a user's clone does not have it.
const corpusDir = "../../shared/corpus"

func corpusFiles(t testing.TB, pattern string) []string {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("shared corpus not found at %s (only present in the development workspace)", corpusDir)
	}
	files, err := filepath.Glob(filepath.Join(corpusDir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no files match %s in the corpus", pattern)
	}
	return files
}

// TestCorpusLoads loads every OpenAPI description of the API Evangelist
// corpus: real-world files with dangling $refs, 3.0 and 3.1, JSON and YAML.
func TestCorpusLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test skipped in -short mode")
	}
	files := corpusFiles(t, "apievangelist/*/openapi/*")
	var (
		mu                  sync.Mutex
		loaded, ops, warned int
	)
	t.Cleanup(func() {
		t.Logf("%d/%d documents loaded, %d operations, %d documents with warnings", loaded, len(files), ops, warned)
	})
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(f)))+"/"+filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			d, err := Load(context.Background(), f, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Operations()) == 0 {
				t.Errorf("no operations")
			}
			mu.Lock()
			defer mu.Unlock()
			loaded++
			ops += len(d.Operations())
			if len(d.Warnings) > 0 {
				warned++
			}
		})
	}
}

// TestCorpusLazyMatchesFull loads every corpus description lazily for all
// its operations and checks that the operations built without kin-openapi
// (and their schemas once OpenAPI3 is called) match the full load.
func TestCorpusLazyMatchesFull(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test skipped in -short mode")
	}
	files := corpusFiles(t, "apievangelist/*/openapi/*")
	var (
		mu   sync.Mutex
		lazy int
	)
	t.Cleanup(func() {
		t.Logf("%d/%d documents loaded lazily (the others fall back to the full load)", lazy, len(files))
	})
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(f)))+"/"+filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			full, err := Load(context.Background(), f, LoadOptions{SkipValidation: true})
			if err != nil {
				t.Skip(err)
			}
			var ptrs []string
			for _, op := range full.Operations() {
				ptrs = append(ptrs, op.Pointer)
			}
			if len(ptrs) == 0 {
				t.Skip("no operations")
			}
			d, err := Load(context.Background(), f, LoadOptions{Operations: ptrs, NoCache: true})
			if err != nil {
				t.Fatal(err)
			}
			if d.lazy == nil {
				return
			}
			mu.Lock()
			lazy++
			mu.Unlock()
			compareDocs(t, full, d, true)
		})
	}
}
