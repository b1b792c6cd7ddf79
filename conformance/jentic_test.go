package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/runtime"
)

// jenticConfig is a jentic-arazzo-engine test_config.yaml (the fields we
// use; real-mode settings are ignored: real mode calls live APIs).
type jenticConfig struct {
	BaseURLs    map[string]string     `yaml:"base_urls"`
	CustomMocks map[string][]mockSpec `yaml:"custom_mocks"`
	Workflows   []jenticCase          `yaml:"workflows"`
}

type jenticCase struct {
	ID         string `yaml:"id"`
	Name       string `yaml:"name"`
	ArazzoSpec string `yaml:"arazzo_spec"`
	Mode       string `yaml:"mode"`
	// Inputs, or Params in older fixtures (jentic reads inputs, then params).
	Inputs           map[string]any `yaml:"inputs"`
	Params           map[string]any `yaml:"params"`
	ExpectSuccess    *bool          `yaml:"expect_success"`
	ExpectedOutputs  map[string]any `yaml:"expected_outputs"`
	ExpectedAPICalls *int           `yaml:"expected_api_calls"`
	CustomMocks      []mockSpec     `yaml:"custom_mocks"`
}

// verdict is what OUR runner must do for a case whose fixture relies on
// something the Arazzo 1.0.1 specification does not allow (or where the
// spec decides differently from jentic). It replaces jentic's expectation;
// why cites the rule. Fields left zero keep jentic's expectation.
type verdict struct {
	why string
	// loadErrors are the error diagnostics runtime.Load must report, each
	// as a prefix of "LINE:COL: message" (in order); the case then runs
	// nothing.
	loadErrors []string
	success    *bool
	// outputs replaces expected_outputs when non-nil; a key absent from
	// the actual outputs is written with the value absentOutput.
	outputs  map[string]any
	apiCalls *int
	// errContains must be a substring of Result.Err when set.
	errContains string
	// runErr, when set, is a substring of the error Run itself must
	// return (a *runtime.InputError or *runtime.UsageError: nothing sent).
	runErr string
	// jsonBodies are request bodies compared as JSON values, by call
	// number (1-based).
	jsonBodies map[int]string
	// warnings must each be the start of a diagnostic "LINE:COL: message"
	// (the warning validate prints for the construct).
	warnings []string
}

// absentOutput in verdict.outputs says the output must not exist.
const absentOutput = "<absent>"

func ptr[T any](v T) *T { return &v }

// jenticSkips are cases that cannot be run here, with the reason.
var jenticSkips = map[string]string{}

// jenticVerdicts are keyed by "fixture/workflowId" ("#N" is appended for
// the N-th case of the same id, N >= 2).
var jenticVerdicts = map[string]verdict{}

// knownFailures are cases that fail because of a bug of ours (runtime,
// arazzo, expr, openapi): the test skips them with the reason so the list
// is explicit; the fix deletes the entry. Keys are the case key, prefixed
// with "conformant/" for TestJenticFixturesConformant.
var knownFailures = map[string]string{
	// Empty: every bug the suite found is fixed and its case asserted
	// (header parameters differing only in case, workflow-level path
	// parameters applied only where the path has the variable, JSON string
	// payloads with object values, path parameter names checked at load).
}

// jenticResult is the outcome of one case, for the summary.
type jenticResult struct {
	key, outcome, reason string
}

// jenticSuite is one way of running the fixtures: as they are
// (TestJenticFixtures), or rewritten into conformant Arazzo
// (TestJenticFixturesConformant).
type jenticSuite struct {
	name string
	// prefix is prepended to the case key in knownFailures.
	prefix   string
	verdicts map[string]verdict
	skips    map[string]string
	// prepare returns the Arazzo document to load for a fixture (nil: the
	// fixture's own) and renames to apply to expected output names.
	prepare func(t *testing.T, fixture, dir, doc string) (string, map[string]string)
	// extra adds cases to a fixture's (keyed by fixture name).
	extra map[string]func(cfg *jenticConfig) []jenticCase
}

func TestJenticFixtures(t *testing.T) {
	runJenticSuite(t, &jenticSuite{name: "jentic fixtures as written", verdicts: jenticVerdicts, skips: jenticSkips})
}

func runJenticSuite(t *testing.T, suite *jenticSuite) {
	root := needCorpus(t, "jentic-arazzo-engine/runner/tests/fixtures")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var results []jenticResult
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join(root, d.Name())
		data, err := os.ReadFile(filepath.Join(dir, "test_config.yaml"))
		if err != nil {
			continue
		}
		var cfg jenticConfig
		if err := yaml.Unmarshal(data, &cfg); err != nil {
			t.Errorf("%s: test_config.yaml: %v", d.Name(), err)
			continue
		}
		if add := suite.extra[d.Name()]; add != nil {
			cfg.Workflows = append(cfg.Workflows, add(&cfg)...)
		}
		seen := map[string]int{}
		for _, c := range cfg.Workflows {
			seen[c.ID]++
			key := d.Name() + "/" + c.ID
			if seen[c.ID] > 1 {
				key += fmt.Sprintf("#%d", seen[c.ID])
			}
			res := &jenticResult{key: key}
			ok := t.Run(key, func(t *testing.T) { runJenticCase(t, suite, res, d.Name(), dir, &cfg, c) })
			switch {
			case !ok:
				res.outcome, res.reason = "FAIL", "see the subtest's log"
			case res.outcome == "":
				continue // not selected by -run
			}
			results = append(results, *res)
		}
	}
	if len(results) == 0 {
		return // none selected by -run
	}
	counts := map[string]int{}
	var lines []string
	for _, r := range results {
		counts[r.outcome]++
		lines = append(lines, fmt.Sprintf("  %-6s %s: %s", r.outcome, r.key, r.reason))
	}
	t.Logf("%s: %d cases: %d pass as jentic expects, %d pass with our spec verdict, %d skipped, %d known bugs, %d failed\n%s",
		suite.name, len(results), counts["pass"], counts["spec"], counts["skip"], counts["bug"], counts["FAIL"], strings.Join(lines, "\n"))
}

// runJenticCase runs one case and records its outcome for the summary in
// res: "pass" (jentic's expectation met), "spec" (our recorded verdict
// met), "skip", "bug" (known failure); a failed subtest is counted by the
// caller.
func runJenticCase(t *testing.T, suite *jenticSuite, res *jenticResult, fixture, dir string, cfg *jenticConfig, c jenticCase) {
	key := res.key
	skip := func(outcome, why string) {
		res.outcome, res.reason = outcome, why
		if outcome == "bug" {
			why = "known bug: " + why
		}
		t.Skip(why)
	}
	if why, ok := suite.skips[key]; ok {
		skip("skip", why)
	}
	if why, ok := knownFailures[suite.prefix+key]; ok {
		skip("bug", why)
	}
	if c.Mode == "real" {
		skip("skip", "mode: real (calls the live API)")
	}
	doc := c.ArazzoSpec
	if doc == "" {
		doc = findArazzo(dir)
		if doc == "" {
			skip("skip", "fixture has no Arazzo document (test_config.yaml only)")
		}
	} else {
		doc = filepath.Join(dir, doc)
	}
	var renames map[string]string
	if suite.prepare != nil {
		doc, renames = suite.prepare(t, fixture, dir, doc)
	}
	v, custom := suite.verdicts[key]

	ctx := context.Background()
	b, err := runtime.Load(ctx, doc, runtime.LoadOptions{HTTPClient: testClient(nil)})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var errs []string
	for _, dg := range b.Diagnostics.Errors() {
		errs = append(errs, shortDiag(dg))
	}
	for _, w := range v.warnings {
		found := false
		for _, dg := range b.Diagnostics {
			if strings.HasPrefix(shortDiag(dg), w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no diagnostic %q; got:\n%s", w, b.Diagnostics.Err())
		}
	}
	if len(v.loadErrors) > 0 {
		// Each wanted error is a prefix of the reported one (in order), so a
		// message that grows a detail (a position, a hint) does not break
		// the verdict.
		same := len(errs) == len(v.loadErrors)
		for i := 0; same && i < len(errs); i++ {
			same = strings.HasPrefix(errs[i], v.loadErrors[i])
		}
		if !same {
			t.Fatalf("load errors:\n got: %s\nwant: %s", strings.Join(errs, "\n      "), strings.Join(v.loadErrors, "\n      "))
		}
		res.outcome, res.reason = "spec", v.why
		return
	}
	if len(errs) > 0 {
		t.Fatalf("load errors:\n%s", b.Diagnostics.Errors().Err())
	}
	plan, err := runtime.Compile(b)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}

	// Mocks: the case's own first (they take precedence, as in jentic),
	// then the fixture's, per source in name order.
	srv := &mockServer{}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	bases := basePaths(b)
	var all []string
	for _, name := range sortedKeys(bases) {
		all = append(all, bases[name])
	}
	if len(c.CustomMocks) == 0 && len(cfg.CustomMocks) == 0 {
		skip("skip", "no custom mocks: relies on jentic's auto-mocker (responses generated from the OpenAPI schemas), which has no oracle value")
	}
	for _, m := range c.CustomMocks {
		if err := srv.add(m, all); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range sortedKeys(cfg.CustomMocks) {
		bp, ok := bases[sourceFor(b, k)]
		if !ok {
			t.Fatalf("custom_mocks key %q names no source description", k)
		}
		for _, m := range cfg.CustomMocks[k] {
			if err := srv.add(m, []string{bp}); err != nil {
				t.Fatal(err)
			}
		}
	}
	servers := map[string]string{}
	for name, bp := range bases {
		servers[name] = hs.URL + bp
	}

	inputs := c.Inputs
	if inputs == nil {
		inputs = c.Params
	}

	out, err := plan.Run(ctx, c.ID, inputs, runtime.Options{HTTPClient: testClient(nil), Servers: servers})
	if v.runErr != "" {
		if err == nil || !strings.Contains(err.Error(), v.runErr) {
			t.Fatalf("Run error = %v, want one containing %q", err, v.runErr)
		}
		if calls, _ := srv.record(); len(calls) > 0 {
			t.Errorf("Run returned an error but sent %d requests", len(calls))
		}
		res.outcome, res.reason = "spec", v.why
		return
	}
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	calls, unmatched := srv.record()
	for i, c := range calls {
		t.Logf("request %d: %s %.300q", i+1, c, srv.bodies[i])
	}
	defer func() {
		if t.Failed() {
			t.Logf("requests received:\n  %s", strings.Join(calls, "\n  "))
			if len(unmatched) > 0 {
				t.Logf("requests no mock matched (answered 404):\n  %s", strings.Join(unmatched, "\n  "))
			}
			if out.Err != nil {
				t.Logf("run error: %v", out.Err)
			}
		}
	}()

	wantSuccess := c.ExpectSuccess == nil || *c.ExpectSuccess
	if v.success != nil {
		wantSuccess = *v.success
	}
	if out.Success != wantSuccess {
		t.Errorf("success = %v, want %v (err: %v)", out.Success, wantSuccess, out.Err)
	}
	if v.errContains != "" && (out.Err == nil || !strings.Contains(out.Err.Error(), v.errContains)) {
		t.Errorf("run error = %v, want one containing %q", out.Err, v.errContains)
	}
	wantOutputs := c.ExpectedOutputs
	if v.outputs != nil {
		wantOutputs = v.outputs
	}
	for _, k := range sortedKeys(wantOutputs) {
		want := wantOutputs[k]
		name := rename(k, renames)
		if name == "" {
			continue // the rewrite dropped what it depended on
		}
		got, ok := lookupOutput(out, name)
		switch {
		case want == absentOutput:
			if ok {
				t.Errorf("output %s = %s, want none", k, show(got))
			}
		case !ok:
			t.Errorf("output %s missing, want %s (workflow outputs: %s)", k, show(want), show(out.Outputs))
		case !equalJSON(got, want):
			t.Errorf("output %s = %s, want %s", k, show(got), show(want))
		}
	}
	wantCalls := c.ExpectedAPICalls
	if v.apiCalls != nil {
		wantCalls = v.apiCalls
	}
	if wantCalls != nil && len(calls) != *wantCalls {
		t.Errorf("%d API calls, want %d", len(calls), *wantCalls)
	}
	for n, want := range v.jsonBodies {
		var got, w any
		switch {
		case n > len(srv.bodies):
			t.Errorf("request %d: not sent, want body %s", n, want)
		case json.Unmarshal([]byte(srv.bodies[n-1]), &got) != nil || json.Unmarshal([]byte(want), &w) != nil || !equalJSON(got, w):
			t.Errorf("request %d: body %s, want (as JSON) %s", n, srv.bodies[n-1], want)
		}
	}
	// A body sent as JSON must be JSON.
	if bad := srv.badJSON(); len(bad) > 0 {
		if why, ok := knownFailures[suite.prefix+key+" (json body)"]; ok {
			t.Logf("known bug: %s: %s", why, strings.Join(bad, "; "))
		} else {
			t.Errorf("invalid JSON sent as JSON:\n  %s", strings.Join(bad, "\n  "))
		}
	}
	// The executor's own record must agree with what the server saw.
	sent := 0
	for _, s := range out.Steps {
		if s.Request != nil {
			sent++
		}
	}
	if sent != len(calls) {
		t.Errorf("Result.Steps records %d requests, the server received %d", sent, len(calls))
	}
	if t.Failed() {
		return
	}
	if custom {
		res.outcome, res.reason = "spec", v.why
		return
	}
	res.outcome, res.reason = "pass", "as jentic expects"
}

// findArazzo returns the fixture's Arazzo document (the first YAML file
// with a top-level arazzo field, as jentic's discovery does), or "".
func findArazzo(dir string) string {
	files, _ := filepath.Glob(filepath.Join(dir, "*.y*ml"))
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var top map[string]any
		if yaml.Unmarshal(data, &top) == nil {
			if _, ok := top["arazzo"]; ok {
				return f
			}
		}
	}
	return ""
}

// basePaths maps every OpenAPI source of b to the path of its first server
// URL ("" for none): the local server stands in for the real host, so the
// runner sends the same paths it would send to the real API.
func basePaths(b *runtime.Bundle) map[string]string {
	out := map[string]string{}
	for name, api := range b.OpenAPI {
		bp := ""
		if api != nil && len(api.Servers) > 0 {
			if u, err := url.Parse(api.Servers[0].URL); err == nil {
				bp = strings.TrimSuffix(u.Path, "/")
			}
		}
		out[name] = bp
	}
	return out
}

// sourceFor maps a custom_mocks key to a source description name: jentic
// keys them by source name or by the OpenAPI file's base name.
func sourceFor(b *runtime.Bundle, key string) string {
	if _, ok := b.OpenAPI[key]; ok {
		return key
	}
	for _, sd := range b.Doc.SourceDescriptions {
		stem := strings.TrimSuffix(filepath.Base(sd.URL), filepath.Ext(sd.URL))
		if stem == key {
			return sd.Name
		}
	}
	return key
}

// lookupOutput finds an expected output the way jentic names them: a
// workflow output by its name, else "stepId.name" for a step output (the
// last successful attempt of that step, at any depth).
func lookupOutput(res *runtime.Result, key string) (any, bool) {
	if v, ok := res.Outputs[key]; ok {
		return v, true
	}
	var (
		val   any
		found bool
	)
	for _, s := range res.Steps {
		if !s.Success || !strings.HasPrefix(key, s.StepID+".") {
			continue
		}
		if v, ok := s.Outputs[strings.TrimPrefix(key, s.StepID+".")]; ok {
			val, found = v, true
		}
	}
	return val, found
}

// rename applies the rewrite's renames to an expected output name
// ("stepId.name" or "name").
// A name renamed to "" was dropped: rename returns "".
func rename(k string, renames map[string]string) string {
	if to, ok := renames[k]; ok && to == "" {
		return ""
	}
	for _, from := range sortedKeys(renames) {
		if renames[from] != "" {
			k = strings.ReplaceAll(k, from, renames[from])
		}
	}
	return k
}

func shortDiag(d arazzo.Diagnostic) string {
	return fmt.Sprintf("%d:%d: %s", d.Pos.Line, d.Pos.Col, d.Message)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
