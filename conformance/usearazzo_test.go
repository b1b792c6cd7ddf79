package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/arazzo-run/arazzo/runtime"
)

// canned is one response of a sequenceServer.
type canned struct {
	status int
	body   string
}

var (
	okResp  = canned{200, `{"id":7,"name":"Rex"}`}
	errResp = canned{500, `{}`}
	unavail = canned{503, `{}`}
)

// sequenceServer answers the N-th request with seq[N], repeating the last
// entry once the list is used up (usearazzo's stub transport), and records
// the request URIs.
type sequenceServer struct {
	seq  []canned
	mu   sync.Mutex
	uris []string
}

func (s *sequenceServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	c := s.seq[min(len(s.uris), len(s.seq)-1)]
	s.uris = append(s.uris, r.URL.RequestURI())
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(c.status)
	_, _ = fmt.Fprint(w, c.body)
}

// usearazzoControlFlow returns workflow-control-flow.arazzo.yaml without
// the workflows that make the document invalid for us (usearazzo keeps
// them to test run-time authoring errors: goto to a missing step, an
// unknown action type, steps: [] ...; we reject those statically, which
// arazzo's own tests cover), written next to a copy of its OpenAPI.
func usearazzoControlFlow(t *testing.T, dir string) string {
	t.Helper()
	return usearazzoValidOnly(t, dir, "workflow-control-flow.arazzo.yaml")
}

// usearazzoValidOnly writes dir/name without its invalid workflows (see
// usearazzoControlFlow) next to a copy of petstore.openapi.json, and
// returns the new path.
func usearazzoValidOnly(t *testing.T, dir, name string) string {
	t.Helper()
	src := filepath.Join(dir, name)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	api, err := os.ReadFile(filepath.Join(dir, "petstore.openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	if err := os.WriteFile(filepath.Join(tmp, "petstore.openapi.json"), api, 0o644); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(tmp, name)
	for range 8 {
		if err := os.WriteFile(doc, data, 0o644); err != nil {
			t.Fatal(err)
		}
		b, err := runtime.Load(context.Background(), doc, runtime.LoadOptions{HTTPClient: testClient(nil)})
		if err != nil {
			t.Fatal(err)
		}
		errs := b.Diagnostics.Errors()
		if len(errs) == 0 {
			return doc
		}
		var root yaml.Node
		if err := yaml.Unmarshal(data, &root); err != nil {
			t.Fatal(err)
		}
		top := root.Content[0]
		for i := 0; i+1 < len(top.Content); i += 2 {
			if top.Content[i].Value != "workflows" {
				continue
			}
			wfs := top.Content[i+1]
			var kept []*yaml.Node
			for j, wf := range wfs.Content {
				end := 1 << 30
				if j+1 < len(wfs.Content) {
					end = wfs.Content[j+1].Line
				}
				bad := false
				for _, d := range errs {
					if d.Pos.Line >= wf.Line && d.Pos.Line < end {
						bad = true
					}
				}
				if !bad {
					kept = append(kept, wf)
				}
			}
			wfs.Content = kept
		}
		if data, err = yaml.Marshal(&root); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("could not strip the invalid workflows")
	return ""
}

type uaStep struct {
	id       string
	attempts int
}

// TestUsearazzoControlFlow runs usearazzo's control-flow fixture with the
// expectations of its WorkflowExecutor tests
// (packages/runner/test/executor/WorkflowExecutor.ts, read upstream; only
// the fixture is in the corpus): a stub transport answering a fixed
// sequence of responses, then the steps run (with attempt counts), the run
// status, the calls, the retry waits and outputs. Their "completed" and
// "ended" are a successful Result for us, "failed" an unsuccessful one,
// unless the case says why we differ.
func TestUsearazzoControlFlow(t *testing.T) {
	dir := needCorpus(t, "usearazzo-arazzo-toolkit/packages/runner/test/fixtures")
	doc := usearazzoControlFlow(t, dir)
	b, err := runtime.Load(context.Background(), doc, runtime.LoadOptions{HTTPClient: testClient(nil)})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := runtime.Compile(b)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		workflow string
		inputs   map[string]any
		seq      []canned
		maxSteps int
		steps    []uaStep
		success  bool
		calls    int
		sleeps   []time.Duration
		outputs  map[string]any // absentOutput: must not exist
		// callContains: substrings of request URIs, by call index.
		callContains map[int][]string
		callLacks    map[int][]string
		errContains  string
		differ       string // why we differ from usearazzo, when we do
	}{
		{
			workflow: "linear", inputs: map[string]any{"status": "available"}, seq: []canned{okResp},
			steps: []uaStep{{"findPets", 1}, {"getPet", 1}}, success: true, calls: 2,
			callContains: map[int][]string{1: {"/pet/7"}},
			outputs:      map[string]any{"name": "Rex", "id": 7},
		},
		{
			workflow: "gotoStep", seq: []canned{okResp},
			steps: []uaStep{{"first", 1}, {"third", 1}}, success: true, calls: 2,
			outputs: map[string]any{"secondRan": absentOutput, "thirdReached": 200},
		},
		{
			workflow: "endEarly", seq: []canned{okResp},
			steps: []uaStep{{"first", 1}}, success: true, calls: 1,
			outputs: map[string]any{"first": 200, "second": absentOutput},
		},
		{
			workflow: "failBreak", seq: []canned{errResp},
			steps: []uaStep{{"doomed", 1}}, success: false, calls: 1,
			outputs: map[string]any{"neverRan": absentOutput},
		},
		{
			workflow: "infiniteGoto", seq: []canned{okResp}, maxSteps: 5,
			steps: []uaStep{{"loop", 1}, {"loop", 1}, {"loop", 1}, {"loop", 1}, {"loop", 1}}, success: false, calls: 5,
			errContains: "more than 5 step executions",
		},
		{
			workflow: "retryThenSucceed", seq: []canned{errResp, errResp, okResp},
			steps: []uaStep{{"flaky", 3}}, success: true, calls: 3,
			sleeps:  []time.Duration{2 * time.Second, 2 * time.Second},
			outputs: map[string]any{"status": 200},
		},
		{
			workflow: "retryDefaultLimit", seq: []canned{errResp},
			steps: []uaStep{{"doomed", 2}}, success: false, calls: 2,
			sleeps: []time.Duration{0},
			differ: "usearazzo never calls its sleep without a retryAfter; we call Options.Sleep with 0 (no wait either)",
		},
		{
			workflow: "retryThenSucceedThenNext", seq: []canned{errResp, okResp},
			steps: []uaStep{{"flaky", 2}, {"after", 1}}, success: true, calls: 3,
			outputs: map[string]any{"after": 200},
		},
		{
			workflow: "retryExhaustedThenBreak", seq: []canned{errResp}, maxSteps: 2,
			steps: []uaStep{{"doomed", 2}}, success: false, calls: 2,
			errContains: "more than 2 step executions",
		},
		{
			workflow: "retryExhaustedThenEnd", seq: []canned{errResp},
			steps: []uaStep{{"doomed", 3}}, success: false, calls: 3,
			sleeps: []time.Duration{time.Second, time.Second},
			differ: "usearazzo's status is \"ended\"; an end chosen by a FAILURE action fails the workflow for us (runtime doc: \"a failure end fails it\"; the spec's end \"returns to the caller with applicable outputs\" and says nothing of success)",
		},
		{
			workflow: "retryExhaustedThenBreak", seq: []canned{errResp},
			steps: []uaStep{{"doomed", 3}}, success: false, calls: 3,
		},
		{
			workflow: "retryChainIndependentBudgets", seq: []canned{errResp},
			steps: []uaStep{{"doomed", 6}}, success: false, calls: 6,
			sleeps: []time.Duration{time.Second, time.Second, 5 * time.Second, 5 * time.Second, 5 * time.Second},
			differ: "usearazzo: \"ended\" (a failure end fails the workflow for us)",
		},
		{
			workflow: "retryExhaustedThenGoto", seq: []canned{errResp, errResp, okResp},
			steps: []uaStep{{"doomed", 2}, {"recovery", 1}}, success: true, calls: 3,
			outputs: map[string]any{"skipped": absentOutput, "recovery": 200},
		},
		{
			workflow: "retryCriteriaStopMatching", seq: []canned{unavail, errResp},
			steps: []uaStep{{"flaky", 2}}, success: false, calls: 2,
		},
		{
			workflow: "inheritsFailureActions", seq: []canned{errResp},
			steps: []uaStep{{"only", 1}}, success: false, calls: 1,
			differ: "usearazzo: \"ended\" (a failure end fails the workflow for us)",
		},
		{
			// The step's own goto wins over the workflow's end (first match:
			// step actions first). The recovery step has no successCriteria
			// and gets the same 500.
			workflow: "overridesFailureActions", seq: []canned{errResp},
			steps: []uaStep{{"failing", 1}, {"recovery", 1}}, success: false, calls: 2,
			errContains: "no successCriteria: any 2xx succeeds",
			differ:      "usearazzo counts a step without successCriteria as successful whatever the status; the spec does not cover it (SPEC_NOTES 3.3) and our runtime requires a 2xx (runtime doc), so recovery fails on the 500 and the inherited workflow end fails the run",
		},
		{
			workflow: "inheritsSuccessActions", seq: []canned{okResp},
			steps: []uaStep{{"first", 1}}, success: true, calls: 1,
			outputs: map[string]any{"first": 200, "second": absentOutput},
		},
		{
			workflow: "emptyOnSuccessSuppressesDefault", seq: []canned{okResp},
			steps: []uaStep{{"first", 1}}, success: true, calls: 1,
			outputs: map[string]any{"first": 200, "second": absentOutput},
			differ:  "usearazzo lets onSuccess: [] suppress the workflow's successActions; the spec says workflow actions \"can be overridden at the step level but cannot be removed there\" (Workflow Object successActions), so the inherited end still ends the run after the first step",
		},
		{
			workflow: "overrideSuccessInheritFailure", seq: []canned{okResp},
			steps: []uaStep{{"first", 1}, {"third", 1}}, success: true, calls: 2,
			outputs: map[string]any{"second": absentOutput, "third": 200},
		},
		{
			workflow: "inheritedRetryPerStepBudget", seq: []canned{errResp, okResp, errResp, okResp},
			steps: []uaStep{{"first", 2}, {"second", 2}}, success: true, calls: 4,
			outputs: map[string]any{"second": 200},
		},
		{
			workflow: "inheritsParameters", inputs: map[string]any{"status": "available"}, seq: []canned{okResp},
			success: true, calls: 2,
			callContains: map[int][]string{0: {"status=available"}, 1: {"status=sold"}},
			callLacks:    map[int][]string{1: {"status=available"}},
		},
		// Retry references: a retry with a stepId/workflowId runs it first.
		{
			workflow: "retryWithReference", seq: []canned{errResp},
			success: false, calls: 2, errContains: "run by retry action",
			differ: "usearazzo retries the step whatever its reference's outcome (3 attempts + 2 reference runs = 5 calls); the spec (Failure Action, retry) says the reference is executed \"after which the current step is retried\" and is silent on a reference that fails. We stop there (runtime doc: \"If that preparation fails, the workflow fails\"): the retry exists to repair something, and a failed repair makes the retried request fail the same way, so the run ends with the reference's reason instead of spending the retry budget",
		},
		{
			// login -> token A; call 500 fires the retry, whose reference
			// re-runs login -> token B; call's retry then succeeds, and the
			// outputs read B ("the context is returned").
			workflow: "retryWithRepairStep",
			seq:      []canned{{200, `{"token":"A"}`}, errResp, {200, `{"token":"B"}`}, okResp},
			success:  true, calls: 4,
			outputs: map[string]any{"token": "B", "status": 200},
		},
		{
			workflow: "retryWithRepairStep", seq: []canned{{200, `{"token":"A"}`}, errResp}, maxSteps: 2,
			success: false, calls: 2, errContains: "more than 2 step executions",
		},
		{
			workflow: "retryWithWorkflowReference", seq: []canned{errResp, okResp},
			success: true, calls: 3,
			outputs: map[string]any{"repaired": 200},
		},
		{
			workflow: "repairFeedsSubWorkflowStep",
			seq:      []canned{{200, `{"token":"A"}`}, okResp, {200, `{"token":"B"}`}, okResp},
			success:  true, calls: 4,
			outputs: map[string]any{"echoed": "B"},
		},
		{
			workflow: "parameterResolvedPerStep", seq: []canned{okResp},
			success: true, calls: 2,
			callContains: map[int][]string{1: {"/pet/7"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.workflow, func(t *testing.T) {
			if why, ok := knownFailures["usearazzo/"+tc.workflow]; ok {
				t.Skip("known bug: " + why)
			}
			srv := &sequenceServer{seq: tc.seq}
			hs := httptest.NewServer(srv)
			defer hs.Close()
			var sleeps []time.Duration
			res, err := plan.Run(context.Background(), tc.workflow, tc.inputs, runtime.Options{
				HTTPClient: testClient(nil),
				Servers:    map[string]string{"petstoreAPI": hs.URL},
				MaxSteps:   tc.maxSteps,
				Sleep: func(_ context.Context, d time.Duration) error {
					sleeps = append(sleeps, d)
					return nil
				},
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if tc.steps != nil {
				var got []uaStep
				for _, s := range res.Steps {
					if s.Attempt > 1 && len(got) > 0 && got[len(got)-1].id == s.StepID {
						got[len(got)-1].attempts = s.Attempt
						continue
					}
					got = append(got, uaStep{s.StepID, s.Attempt})
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.steps) {
					t.Errorf("steps (id, attempts): %v, want %v", got, tc.steps)
				}
			}
			if res.Success != tc.success {
				t.Errorf("success = %v, want %v (err: %v)", res.Success, tc.success, res.Err)
			}
			if tc.errContains != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tc.errContains)) {
				t.Errorf("err = %v, want one containing %q", res.Err, tc.errContains)
			}
			srv.mu.Lock()
			uris := append([]string(nil), srv.uris...)
			srv.mu.Unlock()
			if len(uris) != tc.calls {
				t.Errorf("%d calls, want %d: %v", len(uris), tc.calls, uris)
			}
			for i, subs := range tc.callContains {
				for _, sub := range subs {
					if i >= len(uris) || !strings.Contains(uris[i], sub) {
						t.Errorf("call %d should contain %q (calls: %v)", i, sub, uris)
					}
				}
			}
			for i, subs := range tc.callLacks {
				for _, sub := range subs {
					if i < len(uris) && strings.Contains(uris[i], sub) {
						t.Errorf("call %d should not contain %q (calls: %v)", i, sub, uris)
					}
				}
			}
			if tc.sleeps != nil && fmt.Sprint(sleeps) != fmt.Sprint(tc.sleeps) {
				t.Errorf("retry waits %v, want %v", sleeps, tc.sleeps)
			}
			for k, want := range tc.outputs {
				got, ok := res.Outputs[k]
				switch {
				case want == absentOutput:
					if ok {
						t.Errorf("output %s = %s, want none", k, show(got))
					}
				case !ok || !equalJSON(got, want):
					t.Errorf("output %s = %s, want %s", k, show(got), show(want))
				}
			}
			if tc.differ != "" {
				t.Logf("differs from usearazzo on purpose: %s", tc.differ)
			}
		})
	}
}
