package arazzo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// memVerdicts is an in-memory SchemaVerdicts that counts its calls.
type memVerdicts struct {
	mu      sync.Mutex
	known   map[string]bool
	asked   int
	records int
}

func newMemVerdicts() *memVerdicts { return &memVerdicts{known: map[string]bool{}} }

func (m *memVerdicts) Known(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.asked++
	return m.known[key]
}

func (m *memVerdicts) Record(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.records++
	m.known[key] = true
}

// diagStrings are the diagnostics as printed, sorted (the raw order of
// schema violations follows map iteration).
func diagStrings(ds Diagnostics) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	slices.Sort(out)
	return out
}

// additionalRe matches jsonschema's list of additional properties, whose
// order follows map iteration: normalized before comparing.
var additionalRe = regexp.MustCompile(`additional properties ([^;]*) not allowed`)

func normalizeInputErr(s string) string {
	return additionalRe.ReplaceAllStringFunc(s, func(m string) string {
		list := additionalRe.FindStringSubmatch(m)[1]
		items := strings.Split(list, ", ")
		slices.Sort(items)
		return "additional properties " + strings.Join(items, ", ") + " not allowed"
	})
}

// inputSamples are values every inputs schema of the verdict test documents
// is validated with, so that both compile paths are compared on errors too.
var inputSamples = []any{
	nil,
	"text",
	map[string]any{},
	map[string]any{"name": "Ann", "age": 30.0},
	map[string]any{"name": "", "age": -1.0, "email": 5.0},
	map[string]any{"id": "abc1", "person": map[string]any{"name": "Bo"}, "tags": []any{"red", "red"}},
	map[string]any{"id": "ABC", "person": map[string]any{}, "tags": []any{"pink"}, "extra": map[string]any{"x-a": -1.0, "x-b": "s"}, "other": true},
	map[string]any{"a": 1.0, "again": map[string]any{"again": 2.0}, "info": map[string]any{}},
	map[string]any{"n": 1.0, "s": "x"},
}

// inputResults validates every sample against every workflow's and
// component's inputs schema.
func inputResults(doc *Document) []string {
	if doc == nil {
		return nil
	}
	var out []string
	add := func(name string, s *Schema) {
		for i, v := range inputSamples {
			err := s.Validate(v)
			out = append(out, normalizeInputErr(fmt.Sprintf("%s sample %d: %v", name, i, err)))
		}
	}
	for _, w := range doc.Workflows {
		if w != nil && w.Inputs != nil {
			add("workflow "+w.WorkflowID, w.Inputs)
		}
	}
	for _, k := range sortedKeys(doc.Components.Inputs) {
		add("component "+k, doc.Components.Inputs[k])
	}
	return out
}

var verdictDocs = []struct {
	file  string
	clean bool // passes the official schema check without a violation
}{
	{seedWorkflow, true},
	{"testdata/verdict/inputs-refs.yaml", true},
	{"testdata/verdict/inputs-bad-pattern.yaml", true},
	{"testdata/verdict/inputs-dangling-ref.yaml", true},
	{"testdata/verdict/schema-errors.yaml", false},
	{"testdata/verdict/inputs-invalid.yaml", false},
}

// TestVerdictWarmColdSame: a cold parse (no verdicts), a first parse that
// records the verdict, a warm parse that skips the check, and a parse that
// takes the validated inputs path all give byte-identical diagnostics and
// identical inputs errors; only clean documents are recorded.
func TestVerdictWarmColdSame(t *testing.T) {
	for _, tc := range verdictDocs {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			data, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			refDoc, refDs := ParseWith(data, tc.file, ParseOptions{validatedInputs: true})
			want, wantInputs := diagStrings(refDs), inputResults(refDoc)
			v := newMemVerdicts()
			for i, run := range []struct {
				name string
				opts ParseOptions
			}{
				{"plain Parse", ParseOptions{}},
				{"first (records)", ParseOptions{Verdicts: v}},
				{"second (warm when clean)", ParseOptions{Verdicts: v}},
				{"warm, validated inputs", ParseOptions{Verdicts: v, validatedInputs: true}},
			} {
				var doc *Document
				var ds Diagnostics
				if i == 0 {
					doc, ds = Parse(data, tc.file)
				} else {
					doc, ds = ParseWith(data, tc.file, run.opts)
				}
				if got := diagStrings(ds); !slices.Equal(got, want) {
					t.Errorf("%s: diagnostics differ\n got: %q\nwant: %q", run.name, got, want)
				}
				if got := inputResults(doc); !slices.Equal(got, wantInputs) {
					t.Errorf("%s: inputs errors differ\n got: %q\nwant: %q", run.name, got, wantInputs)
				}
			}
			wantRecords := 0
			if tc.clean {
				wantRecords = 1
			}
			if v.records != wantRecords {
				t.Errorf("recorded %d verdicts, want %d", v.records, wantRecords)
			}
			if v.asked != 3 {
				t.Errorf("asked %d times, want 3", v.asked)
			}
			if !tc.clean && !refDs.HasErrors() {
				t.Errorf("expected errors")
			}
		})
	}
}

// TestVerdictSkipsCheck: a known verdict really skips the official schema
// check (a verdict planted for a broken document hides its schema errors,
// which is why only clean verdicts may be recorded and the store must be
// trusted), and one changed byte makes another key.
func TestVerdictSkipsCheck(t *testing.T) {
	data, err := os.ReadFile("testdata/verdict/schema-errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, cold := Parse(data, "x.yaml")
	v := newMemVerdicts()
	v.known[SchemaVerdictKey(data)] = true
	_, warm := ParseWith(data, "x.yaml", ParseOptions{Verdicts: v})
	if len(warm) >= len(cold) {
		t.Fatalf("a planted verdict did not skip the check: %d diagnostics, cold %d", len(warm), len(cold))
	}

	seed, err := os.ReadFile(seedWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	v = newMemVerdicts()
	ParseWith(seed, seedWorkflow, ParseOptions{Verdicts: v})
	for i := range []int{0, len(seed) / 2, len(seed) - 1} {
		changed := slices.Clone(seed)
		changed[i] ^= 0x20
		if v.Known(SchemaVerdictKey(changed)) {
			t.Errorf("changing byte %d keeps the verdict key", i)
		}
	}
	if !v.Known(SchemaVerdictKey(seed)) {
		t.Fatal("the seed's verdict was not recorded")
	}
	if k := SchemaVerdictKey(seed); len(k) != 64 || strings.Trim(k, "0123456789abcdef") != "" {
		t.Errorf("key %q is not 64 hex digits", k)
	}
}

// TestOfficialSchemaPassesMetaschema: compiled under its own URL, the
// embedded schema is validated against the draft 2020-12 metaschema and
// passes, so compiling it under officialSchemaAlias (no validation) hides
// nothing.
func TestOfficialSchemaPassesMetaschema(t *testing.T) {
	if !strings.HasPrefix(officialSchemaURL, "https://spec.openapis.org/") {
		t.Fatalf("officialSchemaURL %s would not be validated", officialSchemaURL)
	}
	if _, err := compileOfficialSchema(officialSchemaURL); err != nil {
		t.Fatalf("the embedded official schema fails its metaschema: %v", err)
	}
}

// TestMetaschemaExemptionCanary: jsonschema skips the metaschema validation
// of roots under https://json-schema.org/ (roots.go, addRoot), and the
// inputsLocations vocabulary makes it collect the inputs schemas with the
// root, so they are not validated either. If this fails after a jsonschema
// upgrade, nothing is wrong but speed: every process compiles the draft
// 2020-12 metaschema again (~4 ms). Fix it by finding the library's new way
// to skip validation of trusted schemas (or by dropping the aliases:
// officialSchemaAlias, documentAliasURL).
func TestMetaschemaExemptionCanary(t *testing.T) {
	invalid := map[string]any{"minLength": -1.0} // breaks the metaschema, compiles
	// Control: under any other URL it is refused.
	c := jsonschema.NewCompiler()
	if err := c.AddResource("urn:test:invalid", invalid); err != nil {
		t.Fatal(err)
	}
	var se *jsonschema.SchemaValidationError
	if _, err := c.Compile("urn:test:invalid"); !errors.As(err, &se) {
		t.Fatalf("control: a metaschema-invalid schema compiled under urn: (%v); the canary proves nothing", err)
	}
	c = jsonschema.NewCompiler()
	u := strings.TrimSuffix(officialSchemaAlias, "arazzo-1.0-schema-2025-10-15") + "canary"
	if err := c.AddResource(u, invalid); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Compile(u); err != nil {
		t.Errorf("official schema alias: roots under https://json-schema.org/ are validated again: %v", err)
	}

	doc := map[string]any{
		"workflows":  []any{map[string]any{"inputs": map[string]any{"properties": map[string]any{"a": invalid}}}},
		"components": map[string]any{"inputs": map[string]any{"c": invalid}},
	}
	for _, ptr := range []string{"/workflows/0/inputs", "/components/inputs/c"} {
		c, base := newInputsCompiler(false)
		if err := c.AddResource(base, doc); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Compile(base + "#" + ptr); !errors.As(err, &se) {
			t.Fatalf("control: validated inputs path accepted a metaschema-invalid %s (%v)", ptr, err)
		}
		c, base = newInputsCompiler(true)
		if err := c.AddResource(base, doc); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Compile(base + "#" + ptr); err != nil {
			t.Errorf("inputs fast path: %s was validated against the metaschema: %v", ptr, err)
		}
	}
}

// TestOfficialAliasSameDiagnostics: the schema compiled under the alias and
// under its own URL give byte-identical diagnostics, over the test
// documents and (when present) the shared corpus.
func TestOfficialAliasSameDiagnostics(t *testing.T) {
	t.Parallel()
	validated, err := compileOfficialSchema(officialSchemaURL)
	if err != nil {
		t.Fatal(err)
	}
	aliased, err := officialSchema()
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for f, data := range verdictCorpus(t) {
		root, _ := parseTree(data, f)
		if root == nil || root.kind != tObject || root.get("arazzo") == nil {
			continue
		}
		var a, b diagSink
		ca := schemaCheckWith(aliased, root, &a)
		cb := schemaCheckWith(validated, root, &b)
		if ca != cb || !slices.Equal(diagStrings(a.diags), diagStrings(b.diags)) {
			t.Errorf("%s: alias %v %q\nvalidated %v %q", f, ca, diagStrings(a.diags), cb, diagStrings(b.diags))
		}
		compared++
	}
	t.Logf("%d documents compared", compared)
}

// TestMetaProven lists what sends a proven document down the validated
// inputs path.
func TestMetaProven(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema any
		want   bool
	}{
		{"plain", map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "string"}}}, true},
		{"bool", true, true},
		{"fragment ref", map[string]any{"$ref": "#/components/inputs/x"}, true},
		{"root ref", map[string]any{"$ref": "#"}, true},
		// Plain-name fragments and anchors: the fast path would resolve them
		// across workflows (TestInputsFastPathAnchors).
		{"anchor ref", map[string]any{"$ref": "#a"}, false},
		{"$anchor", map[string]any{"$anchor": "a"}, false},
		{"$dynamicAnchor", map[string]any{"$dynamicAnchor": "meta"}, false},
		{"dynamic fragment ref", map[string]any{"$dynamicRef": "#meta"}, false},
		{"good pattern", map[string]any{"pattern": "^[a-z]+$", "patternProperties": map[string]any{"^x-": true}}, true},
		{"property named pattern", map[string]any{"properties": map[string]any{"pattern": map[string]any{"type": "string"}}}, true},
		{"property named components", map[string]any{"properties": map[string]any{"components": map[string]any{"type": "object"}}}, true},
		{"external ref", map[string]any{"$ref": "other.json"}, false},
		{"absolute ref", map[string]any{"$ref": "https://example.com/s.json"}, false},
		{"backslash ref", map[string]any{"$ref": `#/a\b`}, false},
		{"bad escape ref", map[string]any{"$ref": "#/a%zz"}, false},
		{"dynamic ref", map[string]any{"$dynamicRef": "meta.json#meta"}, false},
		{"nested $id", map[string]any{"properties": map[string]any{"a": map[string]any{"$id": "a.json"}}}, false},
		{"$schema", map[string]any{"$schema": "https://json-schema.org/draft/2020-12/schema"}, false},
		{"$vocabulary", map[string]any{"$vocabulary": map[string]any{}}, false},
		{"bad pattern", map[string]any{"items": []any{map[string]any{"pattern": "(["}}}, false},
		{"bad patternProperties", map[string]any{"patternProperties": map[string]any{"([": true}}, false},
		{"workflows keyword", map[string]any{"workflows": []any{map[string]any{"inputs": true}}}, false},
		{"components keyword", map[string]any{"components": map[string]any{"inputs": map[string]any{}}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := metaProven([]any{tc.schema}); got != tc.want {
				t.Errorf("metaProven = %v, want %v", got, tc.want)
			}
		})
	}
}

// verdictCorpus yields the test documents and the Arazzo documents of the
// shared corpus (when present).
func verdictCorpus(t *testing.T) func(yield func(string, []byte) bool) {
	files := []string{seedWorkflow}
	for _, tc := range verdictDocs {
		files = append(files, tc.file)
	}
	if _, err := os.Stat(corpus); err == nil {
		filepath.WalkDir(corpus, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".json")) {
				files = append(files, p)
			}
			return nil
		})
	} else {
		t.Logf("corpus not found at %s: test documents only", corpus)
	}
	return func(yield func(string, []byte) bool) {
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if head := data[:min(len(data), 4096)]; !bytes.Contains(head, []byte("arazzo")) || len(data) > 1<<20 {
				continue // not an Arazzo document (OpenAPI descriptions, notes)
			}
			if !yield(f, data) {
				return
			}
		}
	}
}

// TestInputsFastPathSameResults: over the test documents and the corpus,
// compiling the inputs schemas without the metaschema (a clean document)
// gives the same diagnostics and the same inputs errors as the validated
// path.
func TestInputsFastPathSameResults(t *testing.T) {
	t.Parallel()
	compared, fast := 0, 0
	for f, data := range verdictCorpus(t) {
		doc, ds := Parse(data, f)
		refDoc, refDs := ParseWith(data, f, ParseOptions{validatedInputs: true})
		if got, want := diagStrings(ds), diagStrings(refDs); !slices.Equal(got, want) {
			t.Errorf("%s: diagnostics differ\n got: %q\nwant: %q", f, got, want)
		}
		if got, want := inputResults(doc), inputResults(refDoc); !slices.Equal(got, want) {
			t.Errorf("%s: inputs errors differ\n got: %q\nwant: %q", f, got, want)
		}
		compared++
		if doc != nil && !ds.HasErrors() {
			fast++
		}
	}
	t.Logf("%d documents compared, %d without errors", compared, fast)
}

// forgetful is a verdict store that never knows anything.
type forgetful struct{}

func (forgetful) Known(string) bool { return false }
func (forgetful) Record(string)     {}

// BenchmarkParseSeedVerdict parses the Auth0 seed with the official schema
// check ("cold": the verdict is not known) and without it ("warm"). The
// schema compiles once per process, before the loop: see
// BenchmarkCompileOfficialSchema for that one-time cost.
func BenchmarkParseSeedVerdict(b *testing.B) {
	data, err := os.ReadFile(seedWorkflow)
	if err != nil {
		b.Fatal(err)
	}
	known := newMemVerdicts()
	known.known[SchemaVerdictKey(data)] = true
	for _, tc := range []struct {
		name string
		v    SchemaVerdicts
	}{{"cold", forgetful{}}, {"warm", known}} {
		b.Run(tc.name, func(b *testing.B) {
			if _, err := officialSchema(); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, ds := ParseWith(data, seedWorkflow, ParseOptions{Verdicts: tc.v}); ds.HasErrors() {
					b.Fatal(ds.Err())
				}
			}
		})
	}
}

// BenchmarkCompileOfficialSchema compiles the official schema under its
// alias (what a process without a known verdict does once) and under its
// own URL (validated against the metaschema; the metaschema itself compiles
// once per process, before the loop, so the figure hides those ~4 ms).
func BenchmarkCompileOfficialSchema(b *testing.B) {
	for _, u := range []string{officialSchemaAlias, officialSchemaURL} {
		name := "alias"
		if u == officialSchemaURL {
			name = "validated"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := compileOfficialSchema(u); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestOfficialSchemaSHA256: the constant in every verdict key is the hash
// of the embedded schema.
func TestOfficialSchemaSHA256(t *testing.T) {
	sum := sha256.Sum256(officialSchemaJSON)
	if got := hex.EncodeToString(sum[:]); got != officialSchemaSHA256 {
		t.Fatalf("the embedded official schema changed: set officialSchemaSHA256 to %q", got)
	}
}
