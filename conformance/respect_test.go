package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/runtime"
)

// cafeFake stands in for the Redocly Cafe API: GET /api/menu answers 200
// with one item, POST /api/oauth2/register answers 201 with the client.
// It records every request.
type cafeFake struct {
	mu    sync.Mutex
	calls []string
}

func (c *cafeFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.calls = append(c.calls, r.Method+" "+r.URL.Path)
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/menu":
		_, _ = fmt.Fprint(w, `{"items":[{"id":"mermaid-treasure-latte","name":"Mermaid Treasure Latte"}],"page":{"total":1}}`)
	case r.Method == http.MethodPost && r.URL.Path == "/api/oauth2/register":
		w.WriteHeader(http.StatusCreated)
		_, _ = fmt.Fprint(w, `{"name":"respect-e2e-client","clientId":"c-1"}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = fmt.Fprint(w, `{"error":"not found"}`)
	}
}

func (c *cafeFake) record() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.calls...)
}

// TestRespectControlFlow runs Redocly respect e2e scenarios whose only
// remote dependency is the Cafe API, against a local fake of it, and
// compares the step sequence with Redocly's snapshot transcript
// (__snapshots__/*.snap: which steps ran, in which order, retries, which
// workflow actions fired). Where our runner departs from Redocly, the case
// says why, citing the spec, and asserts our sequence.
//
// Steps are written "stepId#attempt" with "!" for a failed attempt, in
// Result.Steps order (sub-workflow steps included, where they ran).
func TestRespectControlFlow(t *testing.T) {
	dir := needCorpus(t, "redocly-cli/tests/e2e/respect")
	cafe, err := filepath.Abs("testdata/cafe.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"https://cafe.redocly.com/_bundle/openapi/cafe.yaml": cafe}

	tests := []struct {
		scenario, workflow string
		steps              []string
		success            bool
		calls              int
		// redocly is what the snapshot shows when it differs, with the
		// rule we follow; "" when Redocly's transcript shows the same.
		redocly string
	}{
		{
			// Workflow successActions apply to a step without onSuccess; the
			// first action whose criteria hold wins (spec, Step Object:
			// "the first sequential action matching the criteria SHALL be
			// the action executed"); goto a workflow of an arazzo source.
			scenario: "workflow-success-actions", workflow: "get-menu-items",
			steps:   []string{"get-menu-items#1", "search-menu#1"},
			success: true, calls: 2,
		},
		{
			// A step's onSuccess goto (to another document's workflow)
			// transfers control for good: create-client never runs.
			scenario: "workflow-success-actions", workflow: "client-registration",
			steps:   []string{"list-menu-items#1", "search-menu#1"},
			success: true, calls: 2,
		},
		{
			// Workflow failureActions: retry (limit 1) running another
			// document's workflow first; once its limit is used up the next
			// matching failure action (goto that workflow) takes over.
			scenario: "workflow-failure-actions", workflow: "get-menu-items",
			steps:   []string{"get-menu-items#1!", "search-menu#1", "get-menu-items#2!", "search-menu#1"},
			success: true, calls: 4,
			redocly: "Redocly skips repeated-failure-action-2 (its comment: same criteria as action 1, so it 'should not be executed'), then goes on to step get-menu-items-2 (retried once) and fails the workflow. " +
				"We follow Failure Action retryLimit: \"The retryLimit MUST be exhausted prior to executing subsequent failure actions\" (so subsequent actions do run after it), and a failed step whose actions are all used up breaks the workflow (onFailure: \"the default behavior is to break and return\"), never continuing to the next step; the goto target's success is the workflow's outcome (runtime doc)",
		},
		{
			// onFailure end with matching criteria ends the workflow as a
			// failure before the goto and retry that follow it.
			scenario: "step-on-failure-type-end-action", workflow: "client-registration",
			steps:   []string{"list-menu-items#1!"},
			success: false, calls: 1,
		},
		{
			scenario: "step-on-failure-type-end-action", workflow: "get-menu-items",
			steps:   []string{"get-menu-items#1"},
			success: true, calls: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.scenario+"/"+tc.workflow, func(t *testing.T) {
			doc := filepath.Join(dir, tc.scenario, tc.scenario+".arazzo.yaml")
			b, err := runtime.Load(context.Background(), doc, runtime.LoadOptions{HTTPClient: testClient(files)})
			if err != nil {
				t.Fatal(err)
			}
			if b.Diagnostics.HasErrors() {
				t.Fatalf("load errors:\n%v", b.Diagnostics.Errors().Err())
			}
			plan, err := runtime.Compile(b)
			if err != nil {
				t.Fatal(err)
			}
			fake := &cafeFake{}
			hs := httptest.NewServer(fake)
			defer hs.Close()
			res, err := plan.Run(context.Background(), tc.workflow, nil, runtime.Options{
				HTTPClient: testClient(nil),
				Servers:    map[string]string{"cafe-api": hs.URL + "/api"},
				// Retries wait retryAfter seconds: no real waiting in tests.
				Sleep: func(context.Context, time.Duration) error { return nil },
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			var got []string
			for _, s := range res.Steps {
				e := fmt.Sprintf("%s#%d", s.StepID, s.Attempt)
				if !s.Success {
					e += "!"
				}
				got = append(got, e)
			}
			if strings.Join(got, " ") != strings.Join(tc.steps, " ") {
				t.Errorf("steps:\n got: %s\nwant: %s", strings.Join(got, " "), strings.Join(tc.steps, " "))
			}
			if res.Success != tc.success {
				t.Errorf("success = %v, want %v (err: %v)", res.Success, tc.success, res.Err)
			}
			if calls := fake.record(); len(calls) != tc.calls {
				t.Errorf("%d requests, want %d: %s", len(calls), tc.calls, strings.Join(calls, ", "))
			}
			if tc.redocly != "" {
				t.Logf("differs from Redocly respect on purpose: %s", tc.redocly)
			}
			if t.Failed() {
				for _, s := range res.Steps {
					t.Logf("%s#%d success=%v action=%s reason=%s", s.StepID, s.Attempt, s.Success, s.Action, s.Reason())
				}
			}
		})
	}
}
