package runtime

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestTypedCriteria(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: status
        successCriteria:
          - context: $response.header.X-Trace
            condition: ^a.c$
            type: regex
          - context: $response.body
            condition: $[?@ == 7]
            type: jsonpath
        onSuccess:
          - name: done
            type: end
            criteria:
              - context: $response.body
                condition: $.ok
                type: jsonpath
`)
	srv := okServer(t)
	res := mustRun(t, p, "w", nil, srv.opts(nil))
	if !res.Success || len(res.Steps[0].Criteria) != 2 || res.Steps[0].Action.Name != "done" {
		t.Fatalf("success=%v err=%v", res.Success, res.Err)
	}
	if c := res.Steps[0].Action.Criteria; len(c) != 1 || c[0].Type != "jsonpath" || !c[0].Passed {
		t.Errorf("action criteria = %+v", c)
	}
}

func TestOperationPathAndQualifiedOperationID(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: byPath
        operationPath: '{$sourceDescriptions.pets.url}#/paths/~1pets~1{petId}/get'
        parameters:
          - {name: petId, in: path, value: 1}
      - stepId: qualified
        operationId: $sourceDescriptions.pets.deletePet
        parameters:
          - {name: petId, in: path, value: 2}
`)
	srv := okServer(t)
	res := mustRun(t, p, "w", nil, srv.opts(nil))
	if !res.Success {
		t.Fatal(res.Err)
	}
	r := srv.requests()
	if r[0].Method+" "+r[0].Path != "GET /v1/pets/1" || r[1].Method+" "+r[1].Path != "DELETE /v1/pets/2" {
		t.Errorf("requests = %v %v", r[0], r[1])
	}
	if res.Steps[0].PathTemplate != "/pets/{petId}" || res.Steps[1].OperationID != "deletePet" {
		t.Errorf("steps = %+v", res.Steps)
	}
}

func TestResponseBodyCap(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: status
`)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		w.Write([]byte(strings.Repeat("x", 100)))
	})
	o := srv.opts(nil)
	o.MaxBodyBytes = 10
	res := mustRun(t, p, "w", nil, o)
	if res.Success || !strings.Contains(res.Err.Error(), "larger than 10 bytes") {
		t.Errorf("err = %v", res.Err)
	}
	if got := len(res.Steps[0].Response.Body); got != 10 {
		t.Errorf("recorded %d bytes", got)
	}
}

func TestRequestTimeout(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: status
`)
	release := make(chan struct{})
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	o := srv.opts(nil)
	o.RequestTimeout = 20 * time.Millisecond
	res := mustRun(t, p, "w", nil, o)
	if res.Success || !strings.Contains(res.Err.Error(), "deadline exceeded") {
		t.Errorf("err = %v", res.Err)
	}
}

func TestCompileErrors(t *testing.T) {
	// Two OpenAPI sources with the same operationId: an unqualified id is
	// ambiguous. (arazzo.Check may report it first; either way it does not
	// compile.)
	path := writeFiles(t, map[string]string{
		"main.arazzo.yaml": `arazzo: 1.0.1
info: {title: t, version: 1.0.0}
sourceDescriptions:
  - {name: a, url: ./pets.openapi.yaml, type: openapi}
  - {name: b, url: ./copy.yaml, type: openapi}
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: status
`,
		"copy.yaml": petsAPI(t),
	})
	b, err := Load(context.Background(), path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(b)
	if err == nil {
		t.Fatal("compiled")
	}
	if !strings.Contains(err.Error(), "status") {
		t.Errorf("err = %v", err)
	}
	if _, err := Compile(&Bundle{}); err == nil {
		t.Error("compiled an empty bundle")
	}
}

func TestOperationsList(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: dep
    steps:
      - {stepId: d, operationId: status}
  - workflowId: sub
    steps:
      - {stepId: s, operationId: createPet}
  - workflowId: main
    dependsOn: [dep]
    steps:
      - stepId: call
        workflowId: sub
      - stepId: own
        operationId: listPets
`)
	var got []string
	for _, o := range p.Operations("main") {
		got = append(got, o.Workflow+"/"+o.StepID+":"+o.Source+":"+o.Operation.ID)
		if o.Document == nil {
			t.Error("no document")
		}
	}
	want := "dep/d:pets:status sub/s:pets:createPet main/own:pets:listPets"
	if strings.Join(got, " ") != want {
		t.Errorf("operations = %v", got)
	}
	if p.Operations("nope") != nil {
		t.Error("unknown workflow has operations")
	}
}

func TestRetryRunsAWorkflowFirst(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: refresh
    steps:
      - {stepId: token, operationId: createPet}
  - workflowId: w
    steps:
      - stepId: s
        operationId: status
        onFailure:
          - {name: again, type: retry, workflowId: refresh}
`)
	srv := scripted(t, map[string][]int{"/v1/status": {401, 200}, "/v1/pets": {201}}, nil)
	var slept []time.Duration
	res := mustRun(t, p, "w", nil, srv.opts(&slept))
	if !res.Success {
		t.Fatal(res.Err)
	}
	if got := stepTrace(res); got != "s:401:FAIL token:201:PASS s:200:PASS" {
		t.Errorf("trace = %s", got)
	}
	if a := res.Steps[0].Action; a.WorkflowID != "refresh" || a.String() != `retry "again" (1/1, after 0s) running workflow "refresh" first` {
		t.Errorf("action = %s", a)
	}
	// The preparation failing fails the workflow.
	srv = scripted(t, map[string][]int{"/v1/status": {401, 200}, "/v1/pets": {500}}, nil)
	res = mustRun(t, p, "w", nil, srv.opts(&slept))
	if res.Success || !strings.Contains(res.Err.Error(), `workflow refresh, run by retry action "again", failed`) {
		t.Errorf("err = %v", res.Err)
	}
}

func TestXMLResponseAndQueryExpressions(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: listPets
        parameters:
          - {name: limit, in: query, value: 5}
        successCriteria:
          - context: $response.body
            condition: /pets/pet[@id='1']
            type: xpath
          - condition: $request.query.limit == 5
        outputs:
          xml: $response.body
          limit: $request.query.limit
`)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		w.Header().Set("Content-Type", "application/xml")
		w.Write([]byte(`<pets><pet id="1">Rex</pet></pets>`))
	})
	res := mustRun(t, p, "w", nil, srv.opts(nil))
	if !res.Success {
		t.Fatal(res.Err)
	}
	if res.Steps[0].Outputs["xml"] != `<pets><pet id="1">Rex</pet></pets>` || scalarString(res.Steps[0].Outputs["limit"]) != "5" {
		t.Errorf("outputs = %v", res.Steps[0].Outputs)
	}
}

func TestInputsRefToComponents(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    inputs:
      $ref: '#/components/inputs/pet'
    steps:
      - {stepId: s, operationId: status}
components:
  inputs:
    pet:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 2}
`)
	srv := okServer(t)
	_, err := p.Run(context.Background(), "w", map[string]any{"name": "x"}, srv.opts(nil))
	var ie *InputError
	if !asInputError(err, &ie) || len(ie.Violations) != 1 || ie.Violations[0].Input != "name" {
		t.Fatalf("err = %v", err)
	}
	res, err := p.Run(context.Background(), "w", map[string]any{"name": "Rex"}, srv.opts(nil))
	if err != nil || !res.Success {
		t.Fatalf("err = %v / %v", err, res)
	}
}
