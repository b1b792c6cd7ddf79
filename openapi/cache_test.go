package openapi

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// cacheFiles lists the entries of a cache directory (temporary files of
// interrupted writes included).
func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() { // the stat memos' directory is not an entry
			out = append(out, e.Name())
		}
	}
	return out
}

func TestCacheRoundTrip(t *testing.T) {
	dir := t.TempDir()
	opts := LoadOptions{Operations: []string{"listPets", "createPet"}, CacheDir: dir}
	path := filepath.Join("testdata", "petstore-3.0.yaml")
	first, err := Load(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	if first.lazy == nil || first.lazy.src == nil {
		t.Fatal("the first load should decode the document")
	}
	if files := cacheFiles(t, dir); len(files) != 1 || filepath.Ext(files[0]) != cacheExt {
		t.Fatalf("cache files %v, want one entry", files)
	}
	second, err := Load(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	if second.lazy == nil || second.lazy.src != nil {
		t.Fatal("the second load should come from the cache")
	}
	first.OpenAPI3()
	second.OpenAPI3()
	for _, op := range first.Operations() {
		op2, ok := second.OperationByPointer(op.Pointer)
		if !ok || opShape(op) != opShape(op2) {
			t.Errorf("%s differs when served from the cache", op.Pointer)
		}
	}
	// An operation outside the cached set is still built, from the document.
	if op, ok := second.OperationByID("deletePet"); !ok || op.Method != "DELETE" {
		t.Errorf("deletePet: %v %+v", ok, op)
	}
	// Another set of operations is another entry.
	if _, err := Load(context.Background(), path, LoadOptions{Operations: []string{"listPets"}, CacheDir: dir}); err != nil {
		t.Fatal(err)
	}
	if files := cacheFiles(t, dir); len(files) != 2 {
		t.Errorf("cache files %v, want two entries", files)
	}
}

// TestCacheContentAddressed: a changed document is not served from the
// entry of its old content.
func TestCacheContentAddressed(t *testing.T) {
	path, src, cache := petstoreCopy(t)
	opts := LoadOptions{Operations: []string{"listPets"}, CacheDir: cache}
	if _, err := Load(context.Background(), path, opts); err != nil {
		t.Fatal(err)
	}
	changed := []byte(replaceOnce(string(src), "operationId: listPets", "operationId: listPets\n      summary: Every pet"))
	if err := os.WriteFile(path, changed, 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := Load(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	op, _ := d.OperationByID("listPets")
	if d.lazy.src == nil || op.Summary != "Every pet" {
		t.Errorf("served a stale entry: summary %q", op.Summary)
	}
}

// petstoreCopy writes testdata/petstore-3.0.yaml to a temporary file the
// test may change, and returns it, its content and an empty cache
// directory.
func petstoreCopy(t *testing.T) (path string, src []byte, cache string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "petstore-3.0.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "api.yaml")
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, src, t.TempDir()
}

func replaceOnce(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	return s
}

// TestCacheCorruptEntries: an unreadable, truncated or foreign entry is
// ignored and rebuilt, never an error.
func TestCacheCorruptEntries(t *testing.T) {
	path := filepath.Join("testdata", "petstore-3.0.yaml")
	for _, tc := range []struct {
		name    string
		content string
	}{
		{"empty", ""},
		{"truncated", `{"version":"arazzo-openapi-lazy/2","doc":"`},
		{"not json", "\x00\x01garbage"},
		{"wrong shape", `{"version":"arazzo-openapi-lazy/2","doc":"x","want":["listPets"],"ops":[],"sub":{}}`},
		{"other version", `{"version":"old","sub":{"openapi":"3.0.0"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := LoadOptions{Operations: []string{"listPets"}, CacheDir: dir}
			if _, err := Load(context.Background(), path, opts); err != nil {
				t.Fatal(err)
			}
			files := cacheFiles(t, dir)
			if len(files) != 1 {
				t.Fatalf("cache files %v", files)
			}
			entry := filepath.Join(dir, files[0])
			if err := os.WriteFile(entry, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			d, err := Load(context.Background(), path, opts)
			if err != nil {
				t.Fatalf("a corrupt cache entry made the load fail: %v", err)
			}
			if op, ok := d.OperationByID("listPets"); !ok || op.Path != "/pets" {
				t.Fatalf("listPets: %v %+v", ok, op)
			}
			if d.lazy.src == nil {
				t.Error("the corrupt entry was used")
			}
			// Rebuilt: the next load is served from the cache again.
			d, err = Load(context.Background(), path, opts)
			if err != nil || d.lazy.src != nil {
				t.Errorf("the entry was not rebuilt: %v", err)
			}
		})
	}
}

// TestCacheUnwritable: a cache directory that cannot be created or written
// is no error.
func TestCacheUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Join(file, "sub"), file} {
		d, err := Load(context.Background(), filepath.Join("testdata", "petstore-3.0.yaml"), LoadOptions{Operations: []string{"listPets"}, CacheDir: dir})
		if err != nil || d.lazy == nil {
			t.Errorf("CacheDir %s: %v", dir, err)
		}
	}
}

// TestCacheConcurrentWriters: processes (here goroutines) writing the same
// entry at once leave one complete entry and no temporary files.
func TestCacheConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join("testdata", "petstore-3.0.yaml")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := Load(context.Background(), path, LoadOptions{Operations: []string{"listPets"}, CacheDir: dir}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if files := cacheFiles(t, dir); len(files) != 1 {
		t.Errorf("cache files %v, want exactly one entry", files)
	}
	d, err := Load(context.Background(), path, LoadOptions{Operations: []string{"listPets"}, CacheDir: dir})
	if err != nil || d.lazy.src != nil {
		t.Errorf("not served from the cache: %v", err)
	}
}

func TestCacheDirChoice(t *testing.T) {
	t.Setenv(CacheDirEnv, "")
	if dir := cacheDir(LoadOptions{}); dir != "" {
		t.Errorf("inside tests the default cache must be off, got %q", dir)
	}
	if dir := cacheDir(LoadOptions{CacheDir: "/x", NoCache: true}); dir != "" {
		t.Errorf("NoCache: got %q", dir)
	}
	t.Setenv(CacheDirEnv, "/from-env")
	if dir := cacheDir(LoadOptions{}); dir != "/from-env" {
		t.Errorf("env: got %q", dir)
	}
	if dir := cacheDir(LoadOptions{CacheDir: "/opt"}); dir != "/opt" {
		t.Errorf("option: got %q", dir)
	}
	t.Setenv(CacheDirEnv, "off")
	if dir := cacheDir(LoadOptions{}); dir != "" {
		t.Errorf("off: got %q", dir)
	}
}

// TestCacheRereadChangedFile: a document served from the cache (without
// its bytes) that changes before another operation is looked up falls back
// to a full load of the new content instead of mixing two versions.
func TestCacheRereadChangedFile(t *testing.T) {
	path, src, cache := petstoreCopy(t)
	opts := LoadOptions{Operations: []string{"listPets"}, CacheDir: cache}
	if _, err := Load(context.Background(), path, opts); err != nil {
		t.Fatal(err)
	}
	d, err := Load(context.Background(), path, opts)
	if err != nil || d.lazy.data != nil {
		t.Fatalf("not served from the cache: %v", err)
	}
	changed := replaceOnce(string(src), "operationId: deletePet", "operationId: deletePet\n      summary: Changed")
	if err := os.WriteFile(path, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	op, ok := d.OperationByID("deletePet")
	if !ok || op.Summary != "Changed" {
		t.Errorf("deletePet: %v %+v", ok, op)
	}
}

// TestCacheRoot: the root shared by the OpenAPI entries and the schema
// verdicts (runtime), and where each keeps its files under it.
func TestCacheRoot(t *testing.T) {
	t.Setenv(CacheDirEnv, "")
	for _, tc := range []struct {
		dir, env string
		noCache  bool
		root     string
		explicit bool
		entries  string
	}{
		{dir: "/opt/c", root: "/opt/c", explicit: true, entries: "/opt/c"},
		{env: "/from-env", root: "/from-env", explicit: true, entries: "/from-env"},
		{dir: "/opt/c", env: "/from-env", root: "/opt/c", explicit: true, entries: "/opt/c"},
		{dir: "off"},
		{env: "off"},
		{dir: "/opt/c", noCache: true},
		{}, // inside a test binary: no default directory
	} {
		t.Setenv(CacheDirEnv, tc.env)
		root, explicit := CacheRoot(tc.dir, tc.noCache)
		if root != tc.root || explicit != tc.explicit {
			t.Errorf("CacheRoot(%q, %v) with $%s=%q = %q, %v; want %q, %v", tc.dir, tc.noCache, CacheDirEnv, tc.env, root, explicit, tc.root, tc.explicit)
		}
		if got := cacheDir(LoadOptions{CacheDir: tc.dir, NoCache: tc.noCache}); got != tc.entries {
			t.Errorf("cacheDir = %q, want %q", got, tc.entries)
		}
	}
}
