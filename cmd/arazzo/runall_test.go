package main

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/runtime"
)

// TestWriteSummary pins the summary table of --all (the txtar script can
// only match it line by line: real durations vary).
func TestWriteSummary(t *testing.T) {
	results := []*runtime.Result{
		{WorkflowID: "create", Success: true, Duration: 12345 * time.Microsecond, Steps: []*runtime.StepRun{
			{Workflow: "create", StepID: "a", Success: true},
			{Workflow: "create", StepID: "b", Success: false, Attempt: 1},
			{Workflow: "create", StepID: "b", Success: true, Attempt: 2},
			// A dependency's or sub-workflow's steps are not the workflow's own.
			{Workflow: "other", StepID: "x", Success: true, Depth: 1},
		}},
		{WorkflowID: "fetch", Duration: 2 * time.Second, Steps: []*runtime.StepRun{
			{Workflow: "fetch", StepID: "a", Success: false},
		}},
		{WorkflowID: "report", Skipped: true, Err: &runtime.SkippedError{Workflow: "report", Dependency: "fetch", Failed: "fetch"}},
		{WorkflowID: "late", Skipped: true, Err: &runtime.SkippedError{Workflow: "late", Err: context.Canceled}},
	}
	steps := map[string]int{"create": 3, "fetch": 1, "report": 2, "late": 1}
	var b bytes.Buffer
	writeSummary(&b, results, steps)
	want := `
WORKFLOW  VERDICT                            STEPS  DURATION
create    passed                             2/3    12ms
fetch     failed                             0/1    2s
report    skipped (dependency fetch failed)  0/2    -
late      skipped (interrupted)              0/1    -
4 workflows: 1 passed, 1 failed, 2 skipped
`
	if b.String() != want {
		t.Errorf("summary:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestSkipReason(t *testing.T) {
	tests := []struct {
		err  *runtime.SkippedError
		want string
	}{
		{&runtime.SkippedError{Dependency: "mid", Failed: "base"}, "dependency base failed"},
		{&runtime.SkippedError{Err: context.DeadlineExceeded}, "timed out"},
		{&runtime.SkippedError{Err: context.Canceled}, "interrupted"},
		{&runtime.SkippedError{Err: errors.New("odd\nthing")}, "odd thing"},
		{&runtime.SkippedError{}, "not run"},
	}
	for _, tt := range tests {
		if got := skipReason(tt.err); got != tt.want {
			t.Errorf("skipReason(%+v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestWriteAllOutputs(t *testing.T) {
	tests := []struct {
		name    string
		results []*runtime.Result
		want    string
	}{
		{"none", nil, "{}\n"},
		{"run order, nested values indented, nil outputs as {}", []*runtime.Result{
			{WorkflowID: "b", Outputs: map[string]any{"list": []any{"x"}, "html": "<a&b>"}},
			{WorkflowID: "a"},
		}, `{
  "b": {
    "html": "<a&b>",
    "list": [
      "x"
    ]
  },
  "a": {}
}
`},
		{"secrets masked", []*runtime.Result{{WorkflowID: "w", Outputs: map[string]any{"token": "s3cr3t"}}}, `{
  "w": {
    "token": "***"
  }
}
`},
	}
	redact := strings.NewReplacer("s3cr3t", "***").Replace
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeAllOutputs(&b, tt.results, redact); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", b.String(), tt.want)
			}
		})
	}
}

func TestInputsFor(t *testing.T) {
	schema := func(raw any) *arazzo.Workflow { return &arazzo.Workflow{Inputs: &arazzo.Schema{Raw: raw}} }
	all := map[string]any{"name": "Rex", "count": 2}
	tests := []struct {
		name string
		w    *arazzo.Workflow
		want map[string]any
	}{
		{"no schema: everything", &arazzo.Workflow{}, all},
		{"no properties: everything", schema(map[string]any{"type": "object"}), all},
		{"declared properties only", schema(map[string]any{"properties": map[string]any{"name": map[string]any{}, "other": map[string]any{}}}), map[string]any{"name": "Rex"}},
		{"empty properties: nothing", schema(map[string]any{"properties": map[string]any{}}), map[string]any{}},
		// A schema by $ref declares the component's properties (with
		// additionalProperties: false, the whole object was refused).
		{"$ref to components.inputs: its properties", schema(map[string]any{"$ref": "#/components/inputs/pet"}), map[string]any{"name": "Rex"}},
	}
	doc := &arazzo.Document{Components: arazzo.Components{Inputs: map[string]*arazzo.Schema{
		"pet": {Raw: map[string]any{"additionalProperties": false, "properties": map[string]any{"name": map[string]any{}}}},
	}}}
	for _, tt := range tests {
		if got := inputsFor(doc, tt.w, all); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCombinedResult(t *testing.T) {
	s1, s2 := &runtime.StepRun{StepID: "a"}, &runtime.StepRun{StepID: "b"}
	c := combinedResult([]*runtime.Result{
		{WorkflowID: "x", Success: true, Steps: []*runtime.StepRun{s1}, Duration: time.Second},
		{WorkflowID: "y", Steps: []*runtime.StepRun{s2}, Duration: time.Second},
	})
	if c.WorkflowID != "x, y" || c.Success || len(c.Steps) != 2 || c.Steps[1] != s2 || c.Duration != 2*time.Second {
		t.Errorf("combined = %+v", c)
	}
}

// TestRunAllTimeout: --timeout covers the whole call. The workflow in
// flight fails with a reason that names the flag; the ones after it are
// skipped as timed out; stdout still holds one object with every workflow.
func TestRunAllTimeout(t *testing.T) {
	srvURL, flow := slowAPI(t, `  - workflowId: first
    steps: [{stepId: f, operationId: fast}]
  - workflowId: stuck
    steps: [{stepId: s, operationId: slow}]
  - workflowId: last
    steps: [{stepId: f, operationId: fast}]
`)
	var stdout, stderr bytes.Buffer
	code := Main([]string{"run", flow, "--all", "--timeout", "2s", "--server", "api=" + srvURL},
		strings.NewReader(""), &stdout, &stderr, []string{"NO_COLOR=1"})
	if code != exitFailed {
		t.Errorf("exit %d, want 1\n%s", code, stderr.String())
	}
	for _, want := range []string{
		"\nfirst     passed               1/1    ",
		"\nstuck     failed               0/1    ",
		"\nSKIP last  timed out\n",
		"\nlast      skipped (timed out)  0/1    -\n",
		"arazzo: workflow stuck failed: the run took longer than --timeout 2s; the request in flight was cancelled\n",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if got, want := stdout.String(), "{\n  \"first\": {},\n  \"stuck\": {},\n  \"last\": {}\n}\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}
