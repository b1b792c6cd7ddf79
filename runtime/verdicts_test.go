package runtime

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/openapi"
)

func TestVerdictsDir(t *testing.T) {
	t.Setenv(openapi.CacheDirEnv, "")
	for _, tc := range []struct {
		name string
		env  string
		opts LoadOptions
		want string
	}{
		{"test binary, nothing set", "", LoadOptions{}, ""},
		{"option", "", LoadOptions{CacheDir: "/c"}, filepath.Join("/c", "verdicts")},
		{"environment", "/e", LoadOptions{}, filepath.Join("/e", "verdicts")},
		{"option wins", "/e", LoadOptions{CacheDir: "/c"}, filepath.Join("/c", "verdicts")},
		{"environment off", "off", LoadOptions{}, ""},
		{"option off", "/e", LoadOptions{CacheDir: "off"}, ""},
		{"NoCache", "/e", LoadOptions{CacheDir: "/c", NoCache: true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(openapi.CacheDirEnv, tc.env)
			if got := verdictsDir(tc.opts); got != tc.want {
				t.Errorf("verdictsDir = %q, want %q", got, tc.want)
			}
			if v := schemaVerdicts(tc.opts); (v == nil) != (tc.want == "") {
				t.Errorf("schemaVerdicts = %#v", v)
			}
		})
	}
}

const verdictDoc = `arazzo: 1.0.1
info:
  title: pets
  version: 1.0.0
sourceDescriptions:
  - name: pets
    url: ./pets.openapi.yaml
    type: openapi
workflows:
  - workflowId: list
    inputs:
      type: object
      required: [limit]
      properties:
        limit: {type: integer, minimum: 1}
    steps:
      - stepId: list
        operationId: listPets
        successCriteria:
          - condition: $statusCode == 200
`

// verdictFixture writes the pets description and the given documents to a
// temporary directory.
func verdictFixture(t *testing.T, docs map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	api, err := os.ReadFile(filepath.Join("testdata", "pets.openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pets.openapi.yaml"), api, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, content := range docs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func verdictFiles(t *testing.T, cache string) []string {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(cache, "verdicts"))
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// loadResult is what a Load shows: its diagnostics, and the inputs errors
// of the first workflow for a few values.
func loadResult(t *testing.T, path string, opts LoadOptions) []string {
	t.Helper()
	b, err := Load(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range b.Diagnostics {
		out = append(out, d.String())
	}
	if b.Doc != nil && len(b.Doc.Workflows) > 0 && b.Doc.Workflows[0] != nil && b.Doc.Workflows[0].Inputs != nil {
		for _, v := range []any{map[string]any{}, map[string]any{"limit": 0.0}, map[string]any{"limit": 3.0}, "x"} {
			if err := b.Doc.Workflows[0].Inputs.Validate(v); err != nil {
				out = append(out, "inputs: "+err.Error())
			} else {
				out = append(out, "inputs: ok")
			}
		}
	}
	return out
}

// TestLoadVerdictCache: a clean document leaves one verdict, and later loads
// (which skip the official schema check) report exactly the same; a
// document with schema errors leaves none and reports them every time; a
// corrupt entry is ignored and rewritten; one changed byte is a new
// document; NoCache, "off" and an unusable directory neither fail nor write.
func TestLoadVerdictCache(t *testing.T) {
	broken := strings.Replace(verdictDoc, "    steps:", "    stepz: 1\n    steps:", 1)
	broken = strings.Replace(broken, "minimum: 1", "minimum: '1'", 1)
	dir := verdictFixture(t, map[string]string{
		"clean.arazzo.yaml":   verdictDoc,
		"broken.arazzo.yaml":  broken,
		"changed.arazzo.yaml": strings.Replace(verdictDoc, "title: pets", "title: pats", 1),
	})
	clean := filepath.Join(dir, "clean.arazzo.yaml")
	cache := t.TempDir()
	opts := LoadOptions{CacheDir: cache}

	want := loadResult(t, clean, LoadOptions{NoCache: true})
	if len(verdictFiles(t, cache)) != 0 {
		t.Fatal("NoCache wrote a verdict")
	}
	for i := range 3 {
		if got := loadResult(t, clean, opts); !slices.Equal(got, want) {
			t.Fatalf("load %d: got %q\nwant %q", i, got, want)
		}
	}
	files := verdictFiles(t, cache)
	key := arazzo.SchemaVerdictKey([]byte(verdictDoc))
	if !slices.Equal(files, []string{key}) {
		t.Fatalf("verdicts = %q, want [%s]", files, key)
	}
	if !(diskVerdicts{dir: filepath.Join(cache, "verdicts")}).Known(key) {
		t.Fatal("the recorded verdict is not known")
	}

	t.Run("schema errors are not cached", func(t *testing.T) {
		path := filepath.Join(dir, "broken.arazzo.yaml")
		first := loadResult(t, path, opts)
		if !slices.ContainsFunc(first, func(s string) bool { return strings.Contains(s, `unknown field "stepz"`) }) {
			t.Fatalf("schema error not reported: %q", first)
		}
		if second := loadResult(t, path, opts); !slices.Equal(first, second) {
			t.Fatalf("second load differs:\n%q\n%q", second, first)
		}
		if n := len(verdictFiles(t, cache)); n != 1 {
			t.Errorf("%d verdicts, want 1 (the clean document's)", n)
		}
	})

	t.Run("one changed byte is another document", func(t *testing.T) {
		loadResult(t, filepath.Join(dir, "changed.arazzo.yaml"), opts)
		if n := len(verdictFiles(t, cache)); n != 2 {
			t.Errorf("%d verdicts, want 2", n)
		}
	})

	for i, corrupt := range []string{"", "garbage", verdictEntry(key)[:20], verdictEntry(key) + "x", verdictEntry(strings.Repeat("0", 64))} {
		t.Run(fmt.Sprintf("corrupt entry %d", i), func(t *testing.T) {
			entry := filepath.Join(cache, "verdicts", key)
			if err := os.WriteFile(entry, []byte(corrupt), 0o600); err != nil {
				t.Fatal(err)
			}
			if (diskVerdicts{dir: filepath.Join(cache, "verdicts")}).Known(key) {
				t.Fatalf("corrupt entry %q taken as a verdict", corrupt)
			}
			if got := loadResult(t, clean, opts); !slices.Equal(got, want) {
				t.Fatalf("got %q\nwant %q", got, want)
			}
			if b, _ := os.ReadFile(entry); string(b) != verdictEntry(key) {
				t.Errorf("entry not rewritten: %q", b)
			}
		})
	}

	t.Run("off", func(t *testing.T) {
		t.Setenv(openapi.CacheDirEnv, "off")
		if got := loadResult(t, clean, LoadOptions{}); !slices.Equal(got, want) {
			t.Fatalf("got %q\nwant %q", got, want)
		}
	})

	t.Run("unusable directory", func(t *testing.T) {
		notDir := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(notDir, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{notDir, filepath.Join(notDir, "sub")} {
			if got := loadResult(t, clean, LoadOptions{CacheDir: d}); !slices.Equal(got, want) {
				t.Fatalf("%s: got %q\nwant %q", d, got, want)
			}
		}
	})

	t.Run("unwritable directory", func(t *testing.T) {
		ro := t.TempDir()
		if err := os.Mkdir(filepath.Join(ro, "verdicts"), 0o500); err != nil {
			t.Fatal(err)
		}
		if got := loadResult(t, clean, LoadOptions{CacheDir: ro}); !slices.Equal(got, want) {
			t.Fatalf("got %q\nwant %q", got, want)
		}
		if os.Getuid() != 0 && len(verdictFiles(t, ro)) != 0 {
			t.Error("a verdict was written to a read-only directory")
		}
	})
}

// BenchmarkLoadVerdict measures Load of the Auth0 seed with a warm OpenAPI
// cache, with the verdict known ("warm") and without it ("cold": the
// verdicts directory is removed before each load, so the document is
// checked against the official schema and the verdict written again). The
// official schema compiles once per process either way: this shows the
// per-load cost of the check, not the one-time cost of compiling the schema
// (see the whole-process figures in the README).
func BenchmarkLoadVerdict(b *testing.B) {
	cache := b.TempDir()
	for _, mode := range []string{"cold", "warm"} {
		b.Run(mode, func(b *testing.B) {
			opts := LoadOptions{CacheDir: cache}
			if _, err := Load(context.Background(), seedPath, opts); err != nil { // fill the caches
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if mode == "cold" {
					os.RemoveAll(filepath.Join(cache, "verdicts"))
				}
				bd, err := Load(context.Background(), seedPath, opts)
				if err != nil || bd.Diagnostics.HasErrors() {
					b.Fatal(err, bd.Diagnostics.Err())
				}
			}
		})
	}
}
