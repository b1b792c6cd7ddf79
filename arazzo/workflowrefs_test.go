package arazzo

import (
	"strings"
	"testing"
)

// TestWorkflowOutputsBeforeRun: $workflows.X.outputs.Y read by a workflow
// that X does not run before (not in its dependsOn closure, not called by
// a step) is a warning: at run time the value is never there (found by the
// conformance suite on Redocly's reusable-components scenario).
func TestWorkflowOutputsBeforeRun(t *testing.T) {
	doc := `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: a
    steps:
      - {stepId: s, operationId: x, successCriteria: [{condition: $statusCode == 200}]}
    outputs: {v: $steps.s.outputs.v}
  - workflowId: b
    dependsOn: [a]
    steps:
      - {stepId: s, operationId: x, parameters: [{name: q, in: query, value: $workflows.a.outputs.v}], successCriteria: [{condition: $statusCode == 200}]}
  - workflowId: c
    dependsOn: [b]
    steps:
      - {stepId: s, operationId: x, parameters: [{name: q, in: query, value: $workflows.a.outputs.v}], successCriteria: [{condition: $statusCode == 200}]}
  - workflowId: d
    steps:
      - {stepId: s, operationId: x, parameters: [{name: q, in: query, value: $workflows.a.outputs.v}], successCriteria: [{condition: $statusCode == 200}]}
  - workflowId: e
    steps:
      - stepId: s
        operationId: x
        parameters: [{name: q, in: query, value: $workflows.a.outputs.v}]
        successCriteria: [{condition: $statusCode == 200}]
        onFailure: [{name: repair, type: retry, workflowId: a}]
`
	_, ds := Parse([]byte(doc), "w.yaml")
	var got []string
	for _, d := range ds {
		if strings.Contains(d.Message, "does not run before") {
			got = append(got, short(d))
		}
	}
	want := []string{`20:78: warning: $workflows.a.outputs.v: workflow "a" does not run before workflow "d"`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s\nall: %v", strings.Join(got, "\n"), strings.Join(want, "\n"), ds)
	}
}

// TestInputsNotAnObject: an inputs schema (through $ref) of another type
// than object gets a warning (Redocly's reusable-components scenario).
func TestInputsNotAnObject(t *testing.T) {
	doc := `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: a
    inputs: {$ref: '#/components/inputs/s'}
    steps:
      - {stepId: s, operationId: x, successCriteria: [{condition: $statusCode == 200}]}
  - workflowId: b
    inputs: {type: object, properties: {x: {type: string}}}
    steps:
      - {stepId: s, operationId: x, successCriteria: [{condition: $statusCode == 200}]}
components:
  inputs:
    s: {type: string}
`
	_, ds := Parse([]byte(doc), "w.yaml")
	var got []string
	for _, d := range ds {
		if strings.Contains(d.Message, "inputs schema has type") {
			got = append(got, short(d))
		}
	}
	want := `7:13: warning: workflow "a": the inputs schema has type "string", but inputs are always an object ($inputs.<name>): no run can satisfy it`
	if strings.Join(got, "\n") != want {
		t.Errorf("got %q\nall: %v", got, ds)
	}
}
