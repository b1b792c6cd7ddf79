package graph

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/arazzo"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// seedFile is the Auth0 seed workflow of the repository.
const seedFile = "../testdata/auth0/arazzo/auth0-provision-m2m-app-workflow.yml"

// goldenCase is one document drawn in both formats; the golden files are
// testdata/<name>.mmd and testdata/<name>.dot.
type goldenCase struct {
	name string
	doc  func(t testing.TB) *arazzo.Document
	opts Options
}

func goldenCases() []goldenCase {
	return []goldenCase{
		{name: "auth0", doc: parseFile(seedFile)},
		{name: "auth0-operations", doc: parseFile(seedFile), opts: Options{Operation: auth0Operations}},
		{name: "branching", doc: parseFile("testdata/branching.arazzo.yaml")},
		{name: "retries", doc: parseFile("testdata/retries.arazzo.yaml")},
		{name: "ends", doc: parseFile("testdata/ends.arazzo.yaml")},
		{name: "workflow-actions", doc: parseFile("testdata/workflow-actions.arazzo.yaml")},
		{name: "subworkflows", doc: parseFile("testdata/subworkflows.arazzo.yaml")},
		// Selecting "seed" draws it and the local workflows it depends on
		// and calls, but not "unrelated".
		{name: "subworkflows-seed", doc: parseFile("testdata/subworkflows.arazzo.yaml"), opts: Options{Workflow: "seed"}},
		{name: "escaping", doc: func(testing.TB) *arazzo.Document { return escapingDoc() }},
	}
}

// auth0Operations labels steps the way the CLI does from the resolved plan.
func auth0Operations(s *arazzo.Step) string {
	return map[string]string{
		"post_resource-servers": "POST /resource-servers",
		"post_clients":          "POST /clients",
		"post_client-grants":    "POST /client-grants",
	}[s.OperationID]
}

// parseFile loads a document that must have no errors, so that the golden
// files show valid Arazzo.
func parseFile(path string) func(t testing.TB) *arazzo.Document {
	return func(t testing.TB) *arazzo.Document {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, diags := arazzo.Parse(data, path)
		if diags.HasErrors() {
			t.Fatalf("%s is not valid:\n%v", path, diags.Err())
		}
		return doc
	}
}

// escapingDoc has ids and criteria made of every character that Mermaid or
// DOT treat specially. Such step ids are invalid Arazzo, but a chart of an
// invalid document must still be well-formed; it is built by hand because
// the loader may reject it.
func escapingDoc() *arazzo.Document {
	crit := func(cond string) []*arazzo.Criterion { return []*arazzo.Criterion{{Condition: cond}} }
	limit := 2
	return &arazzo.Document{
		Arazzo: "1.0.1",
		Workflows: []*arazzo.Workflow{{
			WorkflowID: `flow "one" <main>`,
			Steps: []*arazzo.Step{
				{StepID: `a"b`, OperationID: `op"quoted"`,
					OnSuccess: []*arazzo.Action{{Kind: arazzo.SuccessAction, Name: "pipe|hash#", Type: arazzo.ActionGoto, StepID: "end",
						Criteria: crit(`$statusCode == 200 && $response.body#/a != "x" || $response.header.X-Y > 3`)}}},
				{StepID: "end", OperationPath: `{$sourceDescriptions.api.url}#/paths/~1a~1{id}/get`,
					OnFailure: []*arazzo.Action{{Kind: arazzo.FailureAction, Name: "back\\slash", Type: arazzo.ActionRetry, RetryLimit: &limit,
						Criteria: []*arazzo.Criterion{{Context: "$response.body", Type: "regex", Condition: "^<[a-z]+>`$"}}}}},
				{StepID: "a-b", OperationID: "x;y%%z"},
				{StepID: "a_b", OperationID: "tab\there\nnewline"},
				{StepID: "subgraph", WorkflowID: "$sourceDescriptions.other.flow\"2", Target: arazzo.Target{Kind: arazzo.TargetWorkflow, Source: "other", WorkflowID: "flow\"2"},
					OnSuccess: []*arazzo.Action{{Kind: arazzo.SuccessAction, Name: "gone", Type: arazzo.ActionGoto, StepID: "no such {step}"}}},
				{StepID: "ünïcødé →", OperationID: "&amp; &lt;", Description: "long",
					OnFailure: []*arazzo.Action{{Kind: arazzo.FailureAction, Name: "far", Type: arazzo.ActionGoto, WorkflowID: "missing-flow",
						Criteria: crit(strings.Repeat("$statusCode == 500 || ", 10) + "true")}}},
				nil, // a nil step must not crash the drawing
				{StepID: "", OperationID: ""},
			},
		}},
	}
}

func render(t testing.TB, c goldenCase, f Format) []byte {
	t.Helper()
	opts := c.opts
	opts.Format = f
	var buf bytes.Buffer
	if err := Write(&buf, c.doc(t), opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ext(f Format) string {
	if f == DOT {
		return ".dot"
	}
	return ".mmd"
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases() {
		for _, f := range []Format{Mermaid, DOT} {
			t.Run(c.name+ext(f), func(t *testing.T) {
				got := render(t, c, f)
				// Stable output: drawing again gives the same bytes.
				if again := render(t, c, f); !bytes.Equal(got, again) {
					t.Fatalf("two drawings of the same document differ:\n%s\n---\n%s", got, again)
				}
				path := filepath.Join("testdata", c.name+ext(f))
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run `go test ./graph -update` to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the output (run `go test ./graph -update` if the change is intended); got:\n%s", path, got)
				}
			})
		}
	}
}

// TestMermaidParses feeds every golden chart to the mermaid package's own
// parser (mermaid.parse, what GitHub's renderer runs).
func TestMermaidParses(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; install Node.js and run `npm ci` in graph/testdata/mermaidcheck to check the Mermaid output with the mermaid parser")
	}
	dir, _ := filepath.Abs(filepath.Join("testdata", "mermaidcheck"))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "mermaid", "package.json")); err != nil {
		t.Skip("the mermaid npm package is not installed; run `npm ci` in graph/testdata/mermaidcheck to check the Mermaid output with the mermaid parser")
	}
	tmp := t.TempDir()
	args := []string{filepath.Join(dir, "check.mjs")}
	for _, c := range goldenCases() {
		p := filepath.Join(tmp, c.name+".mmd")
		if err := os.WriteFile(p, render(t, c, Mermaid), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	// One node process for all files: starting mermaid takes seconds.
	cmd := exec.Command(node, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mermaid rejects the output: %v\n%s", err, out)
	}
}

// TestDOTParses renders every golden chart with Graphviz.
func TestDOTParses(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz `dot` is not installed (Debian: apt-get install graphviz); skipping the DOT syntax check")
	}
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(dot, "-Tsvg")
			cmd.Stdin = bytes.NewReader(render(t, c, DOT))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Fatalf("dot -Tsvg: %v\n%s", err, stderr.String())
			}
			if !bytes.Contains(out, []byte("<svg")) {
				t.Fatalf("dot -Tsvg wrote no SVG")
			}
		})
	}
}

// TestStructure checks every chart with the Go checkers below, which run
// without Node or Graphviz.
func TestStructure(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			if err := checkMermaid(string(render(t, c, Mermaid))); err != nil {
				t.Errorf("mermaid: %v", err)
			}
			if err := checkDOT(string(render(t, c, DOT))); err != nil {
				t.Errorf("dot: %v", err)
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	doc := parseFile("testdata/subworkflows.arazzo.yaml")(t)
	tests := []struct {
		name string
		doc  *arazzo.Document
		opts Options
		want string
	}{
		{"nil document", nil, Options{}, "graph: no document"},
		{"unknown format", doc, Options{Format: "svg"}, `graph: unknown format "svg" (want "mermaid" or "dot")`},
		{"unknown workflow", doc, Options{Workflow: "sed"}, `graph: the document has no workflow "sed" (it has: authenticate, seed, create-users, unrelated)`},
		{"no workflows", &arazzo.Document{}, Options{}, "graph: the document has no workflows"},
		{"only nil workflows", &arazzo.Document{Workflows: []*arazzo.Workflow{nil}}, Options{}, "graph: the document has no workflows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(&buf, tt.doc, tt.opts)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %q on error", buf.String())
			}
		})
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteReportsWriterError(t *testing.T) {
	err := Write(failWriter{}, parseFile(seedFile)(t), Options{})
	if err == nil || err.Error() != "disk full" {
		t.Fatalf("error = %v, want the writer's error", err)
	}
}

// TestOperationFallback: a label function returning "" falls back to the
// operation as written, and workflow steps say which workflow they call.
func TestOperationFallback(t *testing.T) {
	doc := parseFile("testdata/subworkflows.arazzo.yaml")(t)
	var buf bytes.Buffer
	err := Write(&buf, doc, Options{Workflow: "create-users", Operation: func(s *arazzo.Step) string {
		if s.StepID == "createUser" {
			return "POST /users"
		}
		return ""
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"createUser<br/>POST /users"`, `"notify<br/>calls $sourceDescriptions.shared.send-mail"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("output lacks %s:\n%s", want, buf.String())
		}
	}
}

func TestMermaidEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{`plain text 1.2`, `plain text 1.2`},
		{`a "b"`, `a #quot;b#quot;`},
		{`$response.body#/id`, `$response.body#35;/id`},
		{`a < b > c`, `a #lt; b #gt; c`},
		{`x && y || z`, `x #amp;#amp; y #124;#124; z`},
		{"`md`", `#96;md#96;`},
		{"line\nbreak\ttab", "line break tab"},
		{"≤ ünï", "≤ ünï"},
	}
	for _, tt := range tests {
		if got := mermaidEscape(tt.in); got != tt.want {
			t.Errorf("mermaidEscape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDOTEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{`plain`, `plain`},
		{`a "b"`, `a \"b\"`},
		{`back\slash \n`, `back\\slash \\n`},
		{`x && y`, `x &amp;&amp; y`},
		{"line\nbreak", "line break"},
		{`<b> | {c} #`, `<b> | {c} #`},
	}
	for _, tt := range tests {
		if got := dotEscape(tt.in); got != tt.want {
			t.Errorf("dotEscape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSanitizeIDs(t *testing.T) {
	b := &builder{used: map[string]bool{}}
	got := []string{
		b.newID("wf_", "a-b"),
		b.newID("wf_", "a_b"),
		b.newID("wf_", "a.b"),
		b.newID("wf_", "a_b_2"),
		b.newID("wf_", ""),
		b.newID("wf_", strings.Repeat("x", 100)),
	}
	want := []string{"wf_a_b", "wf_a_b_2", "wf_a_b_3", "wf_a_b_2_2", "wf__", "wf_" + strings.Repeat("x", 40)}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("id %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestMergeActions(t *testing.T) {
	wf := []*arazzo.Action{{Name: "a"}, {Name: "b"}, nil, {Name: "c"}}
	step := []*arazzo.Action{{Name: "b", Type: arazzo.ActionEnd}, {Name: "d"}}
	var got []string
	for _, m := range mergeActions(wf, step) {
		s := m.a.Name
		if m.workflowLevel {
			s += "(wf)"
		}
		got = append(got, s)
	}
	if want := "b d a(wf) c(wf)"; strings.Join(got, " ") != want {
		t.Errorf("merged = %v, want %s", got, want)
	}
}

func BenchmarkWrite(b *testing.B) {
	doc := bigDoc(20, 25)
	for _, f := range []Format{Mermaid, DOT} {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := Write(&buf, doc, Options{Format: f}); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
	b.Run("auth0", func(b *testing.B) {
		doc := parseFile(seedFile)(b)
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			if err := Write(&buf, doc, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// bigDoc has nw workflows of ns steps, each step with a conditional goto and
// a retry, and each workflow calling and depending on the previous one.
func bigDoc(nw, ns int) *arazzo.Document {
	doc := &arazzo.Document{Arazzo: "1.0.1"}
	limit := 3
	for w := 0; w < nw; w++ {
		wf := &arazzo.Workflow{WorkflowID: "wf-" + string(rune('a'+w%26)) + strings.Repeat("x", w/26)}
		if w > 0 {
			wf.DependsOn = []string{doc.Workflows[w-1].WorkflowID}
		}
		for s := 0; s < ns; s++ {
			st := &arazzo.Step{StepID: "step-" + string(rune('a'+s%26)) + strings.Repeat("y", s/26), OperationID: "op"}
			st.OnSuccess = []*arazzo.Action{{Name: "skip", Type: arazzo.ActionGoto, StepID: "step-a",
				Criteria: []*arazzo.Criterion{{Condition: "$statusCode == 204 && $response.body#/done == true"}}}}
			st.OnFailure = []*arazzo.Action{{Name: "again", Type: arazzo.ActionRetry, RetryLimit: &limit,
				Criteria: []*arazzo.Criterion{{Condition: "$statusCode == 429"}}}}
			wf.Steps = append(wf.Steps, st)
		}
		if w > 0 {
			wf.Steps = append(wf.Steps, &arazzo.Step{StepID: "call", WorkflowID: doc.Workflows[w-1].WorkflowID})
		}
		doc.Workflows = append(doc.Workflows, wf)
	}
	return doc
}

// FuzzWrite draws documents whose ids and criteria come from the fuzzer and
// checks that Write never fails or panics on them and that both outputs stay
// well-formed.
func FuzzWrite(f *testing.F) {
	f.Add("wf", "step", "$statusCode == 200", "next")
	f.Add(`a"b`, "end", "#/x | <y> && `z`", "subgraph")
	f.Add("", "", "\n\t\\", "o")
	f.Fuzz(func(t *testing.T, wfID, stepID, cond, other string) {
		limit := 1
		doc := &arazzo.Document{Workflows: []*arazzo.Workflow{{
			WorkflowID: wfID,
			DependsOn:  []string{other, "$sourceDescriptions." + other},
			FailureActions: []*arazzo.Action{{Name: other, Type: arazzo.ActionGoto, WorkflowID: other,
				Criteria: []*arazzo.Criterion{{Condition: cond}}}},
			Steps: []*arazzo.Step{
				{StepID: stepID, OperationID: cond,
					OnSuccess: []*arazzo.Action{{Name: cond, Type: arazzo.ActionGoto, StepID: other, Criteria: []*arazzo.Criterion{{Condition: cond, Context: other, Type: "regex"}}}},
					OnFailure: []*arazzo.Action{{Name: stepID, Type: arazzo.ActionRetry, StepID: stepID, RetryLimit: &limit}}},
				{StepID: other, WorkflowID: wfID},
			},
		}}}
		for _, format := range []Format{Mermaid, DOT} {
			var buf bytes.Buffer
			if err := Write(&buf, doc, Options{Format: format}); err != nil {
				t.Fatal(err)
			}
			check := checkMermaid
			if format == DOT {
				check = checkDOT
			}
			if err := check(buf.String()); err != nil {
				t.Fatalf("%s: %v\n%s", format, err, buf.String())
			}
		}
	})
}
