package arazzo

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// corpus is the shared corpus, next to the repository; tests that need it
// skip when it is absent (a user's clone has no shared/).
const corpus = "../../shared/corpus"

func needCorpus(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("corpus not found at %s (it lives next to the repository on the development machine)", corpus)
	}
}

func glob(t testing.TB, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpus, pattern))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files match %s", pattern)
	}
	return files
}

// schemaOnly runs the version check and the official schema check alone.
func schemaOnly(data []byte, file string) Diagnostics {
	root, ds := parseTree(data, file)
	if root == nil {
		return ds
	}
	l := &loader{file: file, root: root, doc: &Document{}, badComponent: map[string]bool{}}
	l.diags = ds
	if root.kind != tObject {
		l.errorf(root.pos, "not an object")
		return l.diags
	}
	if l.version() {
		schemaCheck(root, &l.diagSink)
	}
	return l.diags
}

func TestCorpusSchemaTests(t *testing.T) {
	needCorpus(t)
	for _, verdict := range []string{"pass", "fail"} {
		for _, f := range glob(t, "spec/schema-tests-v1.0/"+verdict+"/*.yaml") {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sds := schemaOnly(data, f)
			doc, ds := Parse(data, f)
			if verdict == "pass" {
				if sds.HasErrors() {
					t.Errorf("%s: schema errors:\n%v", f, sds.Err())
				}
				if doc == nil {
					t.Errorf("%s: no document", f)
				}
			} else if !sds.HasErrors() || !ds.HasErrors() {
				t.Errorf("%s: accepted", f)
			}
		}
	}
	// 1.1 documents get a single clear error, never a flood.
	for _, f := range glob(t, "spec/schema-tests-v1.1/pass/*.yaml") {
		data, _ := os.ReadFile(f)
		_, ds := Parse(data, f)
		if len(ds) != 1 || !strings.Contains(ds[0].Message, "Arazzo 1.1 is not supported yet") {
			t.Errorf("%s: %v", f, ds)
		}
	}
}

// TestCorpusSpecExamples: the official examples pass the schema. Three of
// them have real mistakes, which are reported (and only those).
func TestCorpusSpecExamples(t *testing.T) {
	needCorpus(t)
	known := map[string][]string{
		"bnpl-arazzo.yaml": {
			`231:16: error: $steps.authenticateCustomerAndAuthorizeLoan.outputs.redirectAuthToken: step "authenticateCustomerAndAuthorizeLoan" has no output "redirectAuthToken"`,
			`242:16: error: $steps.initiateBnplTransaction.outputs.loanTransactionId: step "initiateBnplTransaction" has no output "loanTransactionId"`,
			`253:16: error: $steps.initiateBnplTransaction.outputs.loanTransactionId: step "initiateBnplTransaction" has no output "loanTransactionId"`,
		},
	}
	for _, f := range glob(t, "spec/examples/1.0.0/*arazzo*.yaml") {
		data, _ := os.ReadFile(f)
		if sds := schemaOnly(data, f); sds.HasErrors() {
			t.Errorf("%s: schema errors:\n%v", f, sds.Err())
		}
		_, ds := Parse(data, f)
		var got []string
		for _, d := range ds.Errors() {
			got = append(got, short(d))
		}
		want := known[filepath.Base(f)]
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", f, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

func TestCorpusSpeakeasy(t *testing.T) {
	needCorpus(t)
	_, ds := ParseFile(filepath.Join(corpus, "speakeasy-openapi/arazzo/testdata/invalid.arazzo.yaml"))
	var got []string
	for _, d := range ds.Errors() {
		got = append(got, short(d))
	}
	// The two problems speakeasy reports, plus the parameter without "in"
	// in an operation step, which the spec also forbids ("In all other
	// scenarios ... the in field MUST be specified") and speakeasy misses.
	want := []string{
		`3:3: error: info is missing required field "version"`,
		`13:9: error: ` + msgStepTarget,
		`22:13: error: parameter "invalidParam" is missing required field "in"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range []string{"simple.arazzo.yaml", "speakeasybar.arazzo.yaml", "test.arazzo.yaml", "traintravelapi.arazzo.yaml"} {
		data, err := os.ReadFile(filepath.Join(corpus, "speakeasy-openapi/arazzo/testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		data = []byte(strings.ReplaceAll(string(data), "%s", ""))
		if doc, ds := Parse(data, f); doc == nil {
			t.Errorf("%s: not loaded: %v", f, ds.Err())
		} else {
			for _, d := range ds.Errors() {
				t.Logf("%s", d)
			}
		}
	}
}

// TestCorpusAPIEvangelist loads every api-evangelist document and reports
// the classes of errors found; the pseudo-JSONPath criteria they are known
// to contain must be reported at their line with a hint.
func TestCorpusAPIEvangelist(t *testing.T) {
	needCorpus(t)
	var files []string
	for _, f := range glob(t, "apievangelist/*/arazzo/*.yml") {
		if filepath.Base(f) != "_index.yml" {
			files = append(files, f)
		}
	}
	if len(files) != 332 {
		t.Errorf("%d documents, want 332", len(files))
	}
	classes := map[string]int{}
	withErrors := 0
	num := regexp.MustCompile(`"[^"]*"|\d+`)
	for _, f := range files {
		doc, ds := ParseFile(f)
		if doc == nil {
			t.Errorf("%s: not loaded: %v", f, ds.Err())
			continue
		}
		if ds.HasErrors() {
			withErrors++
		}
		for _, d := range ds {
			msg := num.ReplaceAllString(d.Message, "_")
			if i := strings.Index(msg, ": "); i > 0 && strings.HasPrefix(msg, "invalid") {
				msg = msg[:i]
			}
			classes[d.Severity.String()+": "+msg]++
		}
	}
	keys := make([]string, 0, len(classes))
	for k := range classes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return classes[keys[i]] > classes[keys[j]] })
	t.Logf("%d of %d documents have errors", withErrors, len(files))
	for _, k := range keys {
		t.Logf("%5d %s", classes[k], k)
	}

	f := filepath.Join(corpus, "apievangelist/cloudflare/arazzo/cloudflare-block-ip-access-rule-workflow.yml")
	_, ds := ParseFile(f)
	found := false
	for _, d := range ds {
		if d.Pos.Line == 66 && d.Pos.Col == 27 && strings.HasPrefix(d.Message, "invalid jsonpath condition") &&
			strings.Contains(d.Hint, "$response.body#/success == true") {
			found = true
		}
	}
	if !found {
		t.Errorf("pseudo-JSONPath not reported at 66:27 with a hint:\n%v", ds.Err())
	}
}

// TestCorpusJentic loads the 379 jentic documents (LLM-generated, many
// real mistakes): every one must load; the counts are logged.
func TestCorpusJentic(t *testing.T) {
	needCorpus(t)
	if testing.Short() {
		t.Skip("slow: 379 documents")
	}
	files := glob(t, "jentic-public-apis/workflows/*/workflows.arazzo.json")
	withErrors, errs, warns := 0, 0, 0
	for _, f := range files {
		doc, ds := ParseFile(f)
		if doc == nil {
			t.Errorf("%s: not loaded: %v", f, ds.Err())
			continue
		}
		if ds.HasErrors() {
			withErrors++
		}
		for _, d := range ds {
			if d.Severity == SeverityError {
				errs++
			} else {
				warns++
			}
		}
	}
	t.Logf("%d documents, %d with errors; %d errors, %d warnings", len(files), withErrors, errs, warns)
}
