package main

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/contract"
	"github.com/arazzo-run/arazzo/runtime"
)

// progressEvents is a run with every kind of line the progress output has:
// a pass, a failure with the values compared, a retry (with Retry-After), a
// goto with its criterion, a sub-workflow step, a transport error and a
// contract warning. Durations are fixed so the output is a golden file.
func progressEvents() []runtime.Event {
	secretHeader := http.Header{"Authorization": {"Bearer s3cr3t-token"}, "Content-Type": {"application/json"}}
	created := &runtime.StepRun{Workflow: "provision", StepID: "createApi", Attempt: 1, Method: "POST", PathTemplate: "/resource-servers",
		Request:  &runtime.RequestRecord{Method: "POST", URL: "https://tenant.example.com/api/v2/resource-servers", Header: secretHeader, Body: []byte(`{"identifier":"https://api.example.com"}`)},
		Response: &runtime.ResponseRecord{StatusCode: 201, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"id":"rs_1"}`)},
		Success:  true, Duration: 12 * time.Millisecond,
		Contract: []contract.Problem{{In: "response", Kind: "schema", Pointer: "/id", SchemaPointer: "/components/schemas/ResourceServer/properties/id/pattern", Message: `"rs_1" does not match pattern "^[a-f0-9]{24}$"`}},
	}
	busy := &runtime.StepRun{Workflow: "provision", StepID: "createClient", Attempt: 1, Method: "POST", PathTemplate: "/clients",
		Response: &runtime.ResponseRecord{StatusCode: 429},
		Criteria: []runtime.CriterionResult{{Condition: "$statusCode == 201", Explanation: "$statusCode == 201: got 429"}},
		Duration: 3 * time.Millisecond}
	retry := &runtime.ActionTaken{Kind: arazzo.FailureAction, Name: "rateLimited", Type: arazzo.ActionRetry, Retry: 1, RetryLimit: 3, RetryAfter: 2 * time.Second, RetryFromHeader: true,
		Criteria: []runtime.CriterionResult{{Condition: "$statusCode == 429", Passed: true}}}
	client := &runtime.StepRun{Workflow: "provision", StepID: "createClient", Attempt: 2, Method: "POST", PathTemplate: "/clients",
		Response: &runtime.ResponseRecord{StatusCode: 201}, Success: true, Duration: 1500 * time.Microsecond}
	jump := &runtime.ActionTaken{Kind: arazzo.SuccessAction, Name: "skipGrant", Type: arazzo.ActionGoto, StepID: "audit",
		Criteria: []runtime.CriterionResult{{Condition: "$response.body#/grant_types/0 == 'client_credentials'", Passed: true}}}
	sub := &runtime.StepRun{Workflow: "audit", StepID: "record", Depth: 1, Attempt: 1, Method: "PUT", PathTemplate: "/logs/{id}",
		Response: &runtime.ResponseRecord{StatusCode: 204}, Success: true, Duration: 2 * time.Second}
	audit := &runtime.StepRun{Workflow: "provision", StepID: "audit", Attempt: 1, CalledWorkflow: "audit", Success: true, Duration: 2100 * time.Millisecond}
	down := &runtime.StepRun{Workflow: "provision", StepID: "notify", Attempt: 1, Method: "POST", PathTemplate: "/hooks",
		Err: errors.New(`Post "https://hooks.example.com/hooks": dial tcp 127.0.0.1:9: connect: connection refused`), Duration: 400 * time.Microsecond}
	return []runtime.Event{
		{Kind: runtime.EventRequest, Step: "createApi", Run: created},
		{Kind: runtime.EventResponse, Step: "createApi", Run: created},
		{Kind: runtime.EventStepFinished, Step: "createApi", Run: created},
		{Kind: runtime.EventActionTaken, Step: "createApi", Action: &runtime.ActionTaken{Kind: arazzo.SuccessAction, Default: true}},
		{Kind: runtime.EventStepFinished, Step: "createClient", Run: busy},
		{Kind: runtime.EventActionTaken, Step: "createClient", Action: retry},
		{Kind: runtime.EventStepFinished, Step: "createClient", Run: client},
		{Kind: runtime.EventActionTaken, Step: "createClient", Action: jump},
		{Kind: runtime.EventStepFinished, Step: "record", Run: sub},
		{Kind: runtime.EventStepFinished, Step: "audit", Run: audit},
		{Kind: runtime.EventStepFinished, Step: "notify", Run: down},
	}
}

// TestProgressGolden compares the progress lines in both modes with golden
// files: plain (PASS/FAIL, for logs, pipes and NO_COLOR) and terminal
// (coloured ✓/✗). --verbose adds each request and response with the
// Authorization header masked. Run with -update to rewrite the files.
func TestProgressGolden(t *testing.T) {
	for _, tc := range []struct {
		name             string
		symbols, verbose bool
	}{
		{"plain", false, false},
		{"terminal", true, false},
		{"plain-verbose", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := &progress{w: &buf, redact: func(s string) string { return strings.ReplaceAll(s, "s3cr3t-token", "***") }, symbols: tc.symbols, verbose: tc.verbose}
			for _, ev := range progressEvents() {
				p.event(ev)
			}
			if strings.Contains(buf.String(), "s3cr3t") {
				t.Errorf("secret in the progress output:\n%s", buf.String())
			}
			golden := filepath.Join("testdata", "progress", tc.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if buf.String() != string(want) {
				t.Errorf("progress output differs from %s:\n%s\nwant:\n%s", golden, buf.String(), want)
			}
		})
	}
}

// TestColourChoice: symbols and colours on a terminal only; NO_COLOR wins;
// FORCE_COLOR turns them on for CI logs.
func TestColourChoice(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want bool
	}{
		{nil, false}, // a bytes.Buffer is not a terminal
		{[]string{"FORCE_COLOR=1"}, true},
		{[]string{"FORCE_COLOR=0"}, false},
		{[]string{"FORCE_COLOR=1", "NO_COLOR=1"}, false},
	} {
		e := &env{environ: tc.env}
		if got := e.colour(&bytes.Buffer{}); got != tc.want {
			t.Errorf("env %v: colour = %v, want %v", tc.env, got, tc.want)
		}
	}
}

// TestWithFlagNames: limit messages name the CLI flags, after redaction.
func TestWithFlagNames(t *testing.T) {
	r := withFlagNames(func(s string) string { return strings.ReplaceAll(s, "tok", "***") })
	for in, want := range map[string]string{
		"more than 5 step executions (MaxSteps) tok":       "more than 5 step executions (--max-steps) ***",
		"response body larger than 9 bytes (MaxBodyBytes)": "response body larger than 9 bytes (--max-body)",
		"sub-workflow nesting deeper than 32 (MaxDepth)":   "sub-workflow nesting deeper than 32 (the sub-workflow nesting limit)",
	} {
		if got := r(in); got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
}
