package runtime

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// allDoc has a shared dependency (base), a chain (top -> mid -> base),
// and an independent workflow, written in an order that is not a valid
// run order.
const allDoc = header + `
workflows:
  - workflowId: top
    dependsOn: [mid]
    steps:
      - stepId: t
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: $workflows.base.outputs.n}
    outputs:
      base: $workflows.base.outputs.n
      mid: $workflows.mid.outputs.fromBase
  - workflowId: mid
    dependsOn: [base]
    steps:
      - stepId: m
        operationId: status
    outputs:
      fromBase: $workflows.base.outputs.n
  - workflowId: base
    steps:
      - stepId: b
        operationId: createPet
        successCriteria: [{condition: $statusCode == 201}]
        outputs:
          n: $response.body#/n
    outputs:
      n: $steps.b.outputs.n
  - workflowId: indep
    steps:
      - stepId: i
        operationId: deletePet
        parameters:
          - {name: petId, in: path, value: 7}
  - workflowId: second
    dependsOn: [base]
    steps:
      - stepId: s
        operationId: status
`

// verdicts summarizes results: "id:passed", "id:failed", "id:skipped".
func verdicts(rs []*Result) string {
	var parts []string
	for _, r := range rs {
		v := "failed"
		switch {
		case r.Skipped:
			v = "skipped"
		case r.Success:
			v = "passed"
		}
		parts = append(parts, r.WorkflowID+":"+v)
	}
	return strings.Join(parts, " ")
}

func paths(reqs []seen) string {
	var parts []string
	for _, r := range reqs {
		parts = append(parts, r.Method+" "+r.Path)
	}
	return strings.Join(parts, ", ")
}

func TestRunAll(t *testing.T) {
	p := compileDoc(t, allDoc)
	tests := []struct {
		name     string
		ids      []string
		script   map[string][]int
		verdicts string
		requests string
	}{
		{
			name:     "all pass: dependencies first, base once, document order otherwise",
			script:   map[string][]int{"/v1/pets": {201}},
			verdicts: "base:passed mid:passed top:passed indep:passed second:passed",
			requests: "POST /v1/pets, GET /v1/status, GET /v1/pets/0, DELETE /v1/pets/7, GET /v1/status",
		},
		{
			name:     "a failed dependency skips its dependents, direct or not; independents run",
			script:   map[string][]int{"/v1/pets": {500}},
			verdicts: "base:failed mid:skipped top:skipped indep:passed second:skipped",
			requests: "POST /v1/pets, DELETE /v1/pets/7",
		},
		{
			name:     "a failure in the middle of a chain",
			script:   map[string][]int{"/v1/pets": {201}, "/v1/status": {500}},
			verdicts: "base:passed mid:failed top:skipped indep:passed second:failed",
			requests: "POST /v1/pets, GET /v1/status, DELETE /v1/pets/7, GET /v1/status",
		},
		{
			name:     "a subset: an unselected dependency runs inside its dependent",
			ids:      []string{"second", "top"},
			script:   map[string][]int{"/v1/pets": {201}},
			verdicts: "top:passed second:passed",
			requests: "POST /v1/pets, GET /v1/status, GET /v1/pets/0, GET /v1/status",
		},
		{
			name:     "ids are a set: document order, duplicates once",
			ids:      []string{"indep", "base", "indep"},
			script:   map[string][]int{"/v1/pets": {201}},
			verdicts: "base:passed indep:passed",
			requests: "POST /v1/pets, DELETE /v1/pets/7",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := scripted(t, tt.script, nil)
			rs, err := p.RunAll(context.Background(), tt.ids, nil, srv.opts(nil))
			if err != nil {
				t.Fatal(err)
			}
			if got := verdicts(rs); got != tt.verdicts {
				t.Errorf("verdicts = %s\nwant       %s", got, tt.verdicts)
			}
			if got := paths(srv.requests()); got != tt.requests {
				t.Errorf("requests = %s\nwant       %s", got, tt.requests)
			}
			for _, r := range rs {
				if r.Outputs == nil {
					t.Errorf("%s: nil outputs", r.WorkflowID)
				}
				if r.Skipped && (len(r.Steps) != 0 || r.Success) {
					t.Errorf("%s: skipped with %d steps, success %v", r.WorkflowID, len(r.Steps), r.Success)
				}
			}
		})
	}
}

func TestRunAllOutputsAcrossWorkflows(t *testing.T) {
	p := compileDoc(t, allDoc)
	srv := scripted(t, map[string][]int{"/v1/pets": {201}}, nil)
	rs, err := p.RunAll(context.Background(), nil, nil, srv.opts(nil))
	if err != nil {
		t.Fatal(err)
	}
	top := rs[2]
	if top.WorkflowID != "top" || scalarString(top.Outputs["base"]) != "0" || scalarString(top.Outputs["mid"]) != "0" {
		t.Errorf("top = %s %v", top.WorkflowID, top.Outputs)
	}
	// Each Result holds its own workflow's steps only: base ran once, in
	// its own Result.
	if got := stepTrace(top); got != "t:200:PASS" {
		t.Errorf("top steps = %s", got)
	}
	if got := stepTrace(rs[0]); got != "b:201:PASS" {
		t.Errorf("base steps = %s", got)
	}
}

func TestRunAllSkippedError(t *testing.T) {
	p := compileDoc(t, allDoc)
	srv := scripted(t, map[string][]int{"/v1/pets": {500}}, nil)
	var events []string
	o := srv.opts(nil)
	o.OnEvent = func(ev Event) {
		if ev.Depth == 0 && (ev.Kind == EventWorkflowStarted || ev.Kind == EventWorkflowFinished) {
			s := ev.Kind.String() + " " + ev.Workflow
			var se *SkippedError
			if errors.As(ev.Err, &se) {
				s += " (skipped)"
			}
			events = append(events, s)
		}
	}
	rs, err := p.RunAll(context.Background(), []string{"base", "mid", "top"}, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	var se *SkippedError
	if !errors.As(rs[2].Err, &se) {
		t.Fatalf("top err = %v", rs[2].Err)
	}
	if se.Workflow != "top" || se.Dependency != "mid" || se.Failed != "base" {
		t.Errorf("skipped = %+v", se)
	}
	if got, want := se.Error(), "workflow top skipped: dependency mid was skipped (base failed)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.As(rs[1].Err, &se) || se.Error() != "workflow mid skipped: dependency base failed" {
		t.Errorf("mid err = %v", rs[1].Err)
	}
	want := "WorkflowStarted base, WorkflowFinished base, WorkflowStarted mid, WorkflowFinished mid (skipped), WorkflowStarted top, WorkflowFinished top (skipped)"
	if got := strings.Join(events, ", "); got != want {
		t.Errorf("events = %s\nwant     %s", got, want)
	}
}

func TestRunAllInvalidInputsSendNothing(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: a
    inputs:
      type: object
      required: [name]
      properties:
        name: {type: string}
    steps:
      - {stepId: s, operationId: status}
  - workflowId: b
    inputs:
      type: object
      required: [count]
      properties:
        count: {type: integer}
    steps:
      - {stepId: s, operationId: status}
  - workflowId: c
    steps:
      - {stepId: s, operationId: status}
`)
	tests := []struct {
		name   string
		inputs map[string]map[string]any
		errHas []string
	}{
		{"one workflow", map[string]map[string]any{"a": {"name": "x"}, "b": {"count": "many"}}, []string{`workflow "b"`}},
		{"two workflows", nil, []string{`workflow "a"`, `workflow "b"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := scripted(t, nil, nil)
			rs, err := p.RunAll(context.Background(), nil, tt.inputs, srv.opts(nil))
			var ie *InputError
			if !errors.As(err, &ie) || rs != nil {
				t.Fatalf("err = %v, results %v", err, rs)
			}
			for _, s := range tt.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("err = %v, want %s", err, s)
				}
			}
			if n := len(srv.requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

func TestRunAllUsage(t *testing.T) {
	p := compileDoc(t, allDoc)
	_, err := p.RunAll(context.Background(), []string{"base", "nope"}, nil, Options{})
	var ue *UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), `no workflow "nope"`) || len(ue.WorkflowIDs) != 5 {
		t.Errorf("err = %v", err)
	}
	var nilPlan *Plan
	if _, err := nilPlan.RunAll(context.Background(), nil, nil, Options{}); err == nil {
		t.Error("nil plan: no error")
	}
}

// MaxSteps is per workflow: a loop that hits the limit fails its own
// workflow only, and the next workflow gets a fresh budget.
func TestRunAllMaxStepsPerWorkflow(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: loop
    steps:
      - stepId: again
        operationId: status
        onSuccess:
          - {name: back, type: goto, stepId: again}
  - workflowId: two
    steps:
      - {stepId: x, operationId: status}
      - {stepId: y, operationId: status}
  - workflowId: three
    steps:
      - {stepId: x, operationId: status}
      - {stepId: y, operationId: status}
      - {stepId: z, operationId: status}
`)
	srv := scripted(t, nil, nil)
	o := srv.opts(nil)
	o.MaxSteps = 3
	rs, err := p.RunAll(context.Background(), nil, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := verdicts(rs); got != "loop:failed two:passed three:passed" {
		t.Errorf("verdicts = %s", got)
	}
	var le *LimitError
	if !errors.As(rs[0].Err, &le) || le.Limit != 3 {
		t.Errorf("loop err = %v", rs[0].Err)
	}
	if n := len(srv.requests()); n != 3+2+3 {
		t.Errorf("%d requests, want 8", n)
	}
}

// Once the context is done, the remaining workflows are skipped without
// sending anything.
func TestRunAllCancelled(t *testing.T) {
	p := compileDoc(t, allDoc)
	srv := scripted(t, map[string][]int{"/v1/pets": {201}}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := srv.opts(nil)
	o.OnEvent = func(ev Event) {
		if ev.Kind == EventWorkflowFinished && ev.Workflow == "mid" {
			cancel()
		}
	}
	rs, err := p.RunAll(ctx, nil, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := verdicts(rs); got != "base:passed mid:passed top:skipped indep:skipped second:skipped" {
		t.Errorf("verdicts = %s", got)
	}
	if !errors.Is(rs[4].Err, context.Canceled) || !strings.Contains(rs[4].Err.Error(), "not run") {
		t.Errorf("err = %v", rs[4].Err)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// A dependsOn cycle (rejected by the checker, so built by hand here)
// neither hangs the ordering nor the executor.
func TestDependencyOrderCycle(t *testing.T) {
	a := &cworkflow{id: "a", display: "a"}
	b := &cworkflow{id: "b", display: "b"}
	c := &cworkflow{id: "c", display: "c"}
	a.deps = []*cworkflow{b}
	b.deps = []*cworkflow{a}
	c.deps = []*cworkflow{c}
	got := dependencyOrder([]*cworkflow{c, a, b})
	var ids []string
	for _, w := range got {
		ids = append(ids, w.id)
	}
	if strings.Join(ids, " ") != "c a b" {
		t.Errorf("order = %v", ids)
	}
}
