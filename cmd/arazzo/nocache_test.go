package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/openapi"
)

// --no-cache bypasses the cache for its own call only: it used to set
// ARAZZO_CACHE_DIR=off in the process environment, turning the cache off
// for every later in-process call.
func TestNoCacheDoesNotChangeTheEnvironment(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(openapi.CacheDirEnv, cache)
	doc := filepath.Join("testdata", "secrets", "vault.arazzo.yaml")
	args := []string{"run", doc, "--mock", "--input", "user=u", "--input", "password=p-1", "--input", "pin=p-2"}
	var stdout, stderr bytes.Buffer
	Main(append(args, "--no-cache"), strings.NewReader(""), &stdout, &stderr, nil)
	if got := os.Getenv(openapi.CacheDirEnv); got != cache {
		t.Fatalf("%s = %q after --no-cache, want %q", openapi.CacheDirEnv, got, cache)
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Errorf("--no-cache wrote %d cache entries", len(entries))
	}
	Main(args, strings.NewReader(""), &stdout, &stderr, nil)
	if entries, _ := os.ReadDir(cache); len(entries) == 0 {
		t.Errorf("a later call without --no-cache wrote no cache entry\n%s", stderr.String())
	}
}
