package runtime

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestDependsOn(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: base
    steps:
      - stepId: s
        operationId: createPet
        outputs:
          n: $response.body#/n
    outputs:
      n: $steps.s.outputs.n
  - workflowId: middle
    dependsOn: [base]
    steps:
      - stepId: m
        operationId: status
    outputs:
      fromBase: $workflows.base.outputs.n
  - workflowId: top
    dependsOn: [base, middle]
    steps:
      - stepId: t
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: $workflows.base.outputs.n}
    outputs:
      base: $workflows.base.outputs.n
      middle: $workflows.middle.outputs.fromBase
      input: $workflows.top.inputs.x
`)
	srv := scripted(t, map[string][]int{"/v1/pets": {201}}, nil)
	res := mustRun(t, p, "top", map[string]any{"x": "y"}, srv.opts(nil))
	if !res.Success {
		t.Fatal(res.Err)
	}
	if got := stepTrace(res); got != "s:201:PASS m:200:PASS t:200:PASS" {
		t.Errorf("trace = %s (base must run once)", got)
	}
	want := map[string]any{"base": "0", "middle": "0", "input": "y"}
	for k, v := range want {
		if scalarString(res.Outputs[k]) != v {
			t.Errorf("outputs = %v", res.Outputs)
		}
	}
	if srv.requests()[2].Path != "/v1/pets/0" {
		t.Errorf("path = %s", srv.requests()[2].Path)
	}
}

func TestDependsOnFailureStopsBeforeSteps(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: base
    steps:
      - stepId: s
        operationId: status
  - workflowId: top
    dependsOn: [base]
    steps:
      - stepId: t
        operationId: createPet
`)
	srv := scripted(t, map[string][]int{"/v1/status": {500}}, nil)
	res := mustRun(t, p, "top", nil, srv.opts(nil))
	if res.Success || len(srv.requests()) != 1 {
		t.Fatalf("success=%v requests=%d", res.Success, len(srv.requests()))
	}
	if !strings.Contains(res.Err.Error(), "dependency base failed") {
		t.Errorf("err = %v", res.Err)
	}
}

func TestWorkflowStep(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: sub
    inputs:
      type: object
      required: [id]
      properties:
        id: {type: integer}
    steps:
      - stepId: get
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: $inputs.id}
        outputs:
          body: $response.body
    outputs:
      ok: $steps.get.outputs.body#/ok
      id: $inputs.id
  - workflowId: main
    steps:
      - stepId: call
        workflowId: sub
        parameters:
          - {name: id, value: 5}
        successCriteria:
          - condition: $outputs.ok == true
        outputs:
          ok: $outputs.ok
          renamed: $outputs.id
      - stepId: after
        operationId: status
    outputs:
      ok: $steps.call.outputs.ok
      renamed: $steps.call.outputs.renamed
      viaWorkflows: $workflows.sub.outputs.id
`)
	srv := okServer(t)
	var depths []int
	o := srv.opts(nil)
	o.OnEvent = func(ev Event) {
		if ev.Kind == EventStepFinished {
			depths = append(depths, ev.Depth)
		}
	}
	res := mustRun(t, p, "main", nil, o)
	if !res.Success {
		t.Fatal(res.Err)
	}
	if got := stepTrace(res); got != "call:-:PASS get:200:PASS after:200:PASS" {
		t.Errorf("trace = %s", got)
	}
	if !reflect.DeepEqual(depths, []int{1, 0, 0}) {
		t.Errorf("depths = %v", depths)
	}
	if res.Outputs["ok"] != true || scalarString(res.Outputs["renamed"]) != "5" || scalarString(res.Outputs["viaWorkflows"]) != "5" {
		t.Errorf("outputs = %v", res.Outputs)
	}
	if res.Steps[0].CalledWorkflow != "sub" {
		t.Errorf("called = %q", res.Steps[0].CalledWorkflow)
	}
}

func TestWorkflowStepInvalidInputs(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: sub
    inputs:
      type: object
      required: [id]
      properties:
        id: {type: integer}
    steps:
      - stepId: get
        operationId: status
  - workflowId: main
    steps:
      - stepId: call
        workflowId: sub
        parameters:
          - {name: id, value: notanumber}
`)
	srv := okServer(t)
	res := mustRun(t, p, "main", nil, srv.opts(nil))
	if res.Success || len(srv.requests()) != 0 {
		t.Fatalf("success=%v", res.Success)
	}
	var ie *InputError
	if !errors.As(res.Err, &ie) || ie.Workflow != "sub" {
		t.Errorf("err = %v", res.Err)
	}
}

func TestGotoWorkflow(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: cleanup
    steps:
      - stepId: del
        operationId: deletePet
        parameters:
          - {name: petId, in: path, value: $inputs.id}
  - workflowId: main
    steps:
      - stepId: s
        operationId: status
        onFailure:
          - {name: clean, type: goto, workflowId: cleanup}
      - stepId: never
        operationId: status
`)
	srv := scripted(t, map[string][]int{"/v1/status": {500}, "/v1/pets/3": {204}}, nil)
	res := mustRun(t, p, "main", map[string]any{"id": 3}, srv.opts(nil))
	if !res.Success {
		t.Fatal(res.Err)
	}
	if got := stepTrace(res); got != "s:500:FAIL del:204:PASS" {
		t.Errorf("trace = %s", got)
	}
}

func TestDepthLimit(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: rec
    steps:
      - stepId: again
        workflowId: rec
`)
	srv := okServer(t)
	o := srv.opts(nil)
	o.MaxDepth = 4
	res := mustRun(t, p, "rec", nil, o)
	var le *LimitError
	if !errors.As(res.Err, &le) || le.What != "depth" || le.Limit != 4 {
		t.Fatalf("err = %v", res.Err)
	}
	if !strings.Contains(res.Err.Error(), "deeper than 4") {
		t.Errorf("err = %v", res.Err)
	}
}

func TestArazzoSourceWorkflows(t *testing.T) {
	other := `arazzo: 1.0.1
info: {title: other, version: 1.0.0}
sourceDescriptions:
  - name: pets
    url: ../pets.openapi.yaml
    type: openapi
workflows:
  - workflowId: lookup
    inputs:
      type: object
      properties:
        id: {type: integer}
    steps:
      - stepId: get
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: $inputs.id}
        outputs:
          n: $response.body#/n
    outputs:
      n: $steps.get.outputs.n
`
	p := compileDoc(t, `arazzo: 1.0.1
info: {title: main, version: 1.0.0}
sourceDescriptions:
  - name: pets
    url: ./pets.openapi.yaml
    type: openapi
  - name: other
    url: ./sub/other.arazzo.yaml
    type: arazzo
workflows:
  - workflowId: main
    dependsOn: [$sourceDescriptions.other.lookup]
    steps:
      - stepId: call
        workflowId: $sourceDescriptions.other.lookup
        parameters:
          - {name: id, value: 9}
        outputs:
          n: $outputs.n
    outputs:
      n: $steps.call.outputs.n
`, "sub/other.arazzo.yaml", other)
	srv := scripted(t, nil, nil)
	var flow []string
	o := srv.opts(nil)
	o.OnEvent = func(ev Event) {
		if ev.Kind == EventWorkflowStarted {
			flow = append(flow, ev.Workflow)
		}
	}
	res := mustRun(t, p, "main", map[string]any{"id": 1}, o)
	if !res.Success {
		t.Fatal(res.Err)
	}
	if got := stepTrace(res); got != "get:200:PASS call:-:PASS get:200:PASS" {
		t.Errorf("trace = %s", got)
	}
	if res.Steps[0].Source != "other" || res.Steps[0].Workflow != "$sourceDescriptions.other.lookup" {
		t.Errorf("step 0 = %+v", res.Steps[0])
	}
	reqs := srv.requests()
	if reqs[0].Path != "/v1/pets/1" || reqs[1].Path != "/v1/pets/9" || scalarString(res.Outputs["n"]) != "0" {
		t.Errorf("paths = %s %s", reqs[0].Path, reqs[1].Path)
	}
	if !reflect.DeepEqual(flow, []string{"main", "$sourceDescriptions.other.lookup", "$sourceDescriptions.other.lookup"}) {
		t.Errorf("flow = %v", flow)
	}
}

func TestRunErrors(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: a
    inputs:
      type: object
      required: [name]
      properties:
        name: {type: string}
        count: {type: integer, minimum: 1}
    steps:
      - stepId: s
        operationId: status
  - workflowId: b
    steps:
      - stepId: s
        operationId: status
`)
	srv := okServer(t)
	_, err := p.Run(context.Background(), "nope", nil, srv.opts(nil))
	var ue *UsageError
	if !errors.As(err, &ue) || !reflect.DeepEqual(ue.WorkflowIDs, []string{"a", "b"}) {
		t.Errorf("err = %v", err)
	}
	_, err = p.Run(context.Background(), "", nil, srv.opts(nil))
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "several workflows") {
		t.Errorf("err = %v", err)
	}
	_, err = p.Run(context.Background(), "a", map[string]any{"count": 0}, srv.opts(nil))
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v", err)
	}
	var names []string
	for _, v := range ie.Violations {
		names = append(names, v.Input)
	}
	if !reflect.DeepEqual(names, []string{"count", "name"}) {
		t.Errorf("violations = %+v\n%v", ie.Violations, err)
	}
	if len(srv.requests()) != 0 {
		t.Error("something was sent")
	}
	// Go values a library caller passes are accepted.
	res, err := p.Run(context.Background(), "a", map[string]any{"name": "x", "count": int32(2)}, srv.opts(nil))
	if err != nil || !res.Success {
		t.Fatalf("err=%v res=%v", err, res)
	}
}

func TestNoCriteriaMeans2xx(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: status
`)
	for _, tc := range []struct {
		status int
		ok     bool
	}{{200, true}, {204, true}, {299, true}, {301, false}, {404, false}, {500, false}} {
		srv := scripted(t, map[string][]int{"/v1/status": {tc.status}}, nil)
		res := mustRun(t, p, "w", nil, srv.opts(nil))
		if res.Success != tc.ok {
			t.Errorf("status %d: success = %v", tc.status, res.Success)
		}
	}
}

func TestStepOutputThatCannotBeEvaluatedFailsTheStep(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: status
        outputs:
          missing: $response.body#/nothere
`)
	srv := okServer(t)
	res := mustRun(t, p, "w", nil, srv.opts(nil))
	if res.Success || !strings.Contains(res.Err.Error(), `output "missing"`) {
		t.Errorf("err = %v", res.Err)
	}
}

func TestDependsOnCycle(t *testing.T) {
	path := writeFiles(t, map[string]string{"main.arazzo.yaml": header + `
workflows:
  - workflowId: a
    dependsOn: [b]
    steps:
      - {stepId: s, operationId: status}
  - workflowId: b
    dependsOn: [a]
    steps:
      - {stepId: s, operationId: status}
`})
	b, err := Load(context.Background(), path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !b.Diagnostics.HasErrors() {
		t.Error("the checker did not report the cycle")
	}
	// The executor guards against it too (for bundles built by hand).
	b.Diagnostics = nil
	p, err := Compile(b)
	if err != nil {
		t.Fatal(err)
	}
	srv := okServer(t)
	res := mustRun(t, p, "a", nil, srv.opts(nil))
	if res.Success || !strings.Contains(res.Err.Error(), "cycle") {
		t.Errorf("err = %v", res.Err)
	}
}
