package runtime

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/expr"
)

// TestEvalJSONTemplate: string payloads sent as JSON stay JSON whatever the
// interpolated values are (regression: the spec's bnpl example sent
// "customer": "{"firstName":...}" unescaped, found by the conformance suite).
func TestEvalJSONTemplate(t *testing.T) {
	ctx := &expr.Values{Inputs: map[string]any{
		"customer": map[string]any{"firstName": "John", "id": 7},
		"products": []any{map[string]any{"code": "A1"}},
		"name":     `Jo "the" Doe\`,
		"n":        5,
		"none":     nil,
		"flag":     true,
	}}
	tests := []struct {
		name, tpl, want string
	}{
		{"object in a string of its own is the object", `{"customer": "{$inputs.customer}"}`, `{"customer": {"firstName":"John","id":7}}`},
		{"array in a string of its own is the array", `{"products": "{$inputs.products}"}`, `{"products": [{"code":"A1"}]}`},
		{"object inside a longer string is escaped JSON text", `{"note": "c={$inputs.customer}"}`, `{"note": "c={\"firstName\":\"John\",\"id\":7}"}`},
		{"string with quotes and backslash is escaped", `{"name": "{$inputs.name}"}`, `{"name": "Jo \"the\" Doe\\"}`},
		{"scalar keeps the author's quotes", `{"n": "{$inputs.n}", "f": "{$inputs.flag}"}`, `{"n": "5", "f": "true"}`},
		{"outside strings: JSON values", `{"n": {$inputs.n}, "s": {$inputs.name}, "z": {$inputs.none}, "c": {$inputs.customer}}`, `{"n": 5, "s": "Jo \"the\" Doe\\", "z": null, "c": {"firstName":"John","id":7}}`},
		{"escaped quote in a literal does not end the string", `{"a": "x\"{$inputs.n}\"y", "b": "{$inputs.customer}"}`, `{"a": "x\"5\"y", "b": {"firstName":"John","id":7}}`},
		{"two expressions in one string", `{"a": "{$inputs.n}{$inputs.n}"}`, `{"a": "55"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tpl, err := expr.ParseTemplate(tc.tpl)
			if err != nil {
				t.Fatal(err)
			}
			got, err := evalJSONTemplate(tpl, ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("not valid JSON: %s", got)
			}
		})
	}
}

func TestCheckJSONBody(t *testing.T) {
	if err := checkJSONBody([]byte(`{"a": 1}`)); err != nil {
		t.Fatal(err)
	}
	err := checkJSONBody([]byte(`{"a": nope}`))
	if err == nil || !strings.Contains(err.Error(), "not valid JSON at offset") {
		t.Fatalf("err = %v", err)
	}
}

// TestJSONStringPayloadThroughExecutor: the bnpl shape end to end, and a
// string payload that is not JSON fails the step before anything is sent.
func TestJSONStringPayloadThroughExecutor(t *testing.T) {
	doc := header + `workflows:
  - workflowId: w
    inputs:
      type: object
      properties:
        customer: {type: object}
        body: {type: string}
    steps:
      - stepId: create
        operationId: createPet
        requestBody:
          payload: |
            {"customer": "{$inputs.customer}", "tag": "a\"b"}
        successCriteria: [{condition: $statusCode == 201}]
        outputs:
          sent: $request.body#/customer/name
      - stepId: raw
        operationId: createPet
        requestBody:
          payload: $inputs.body
        successCriteria: [{condition: $statusCode == 201}]
`
	p := compileDoc(t, doc)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, body string) { jsonReply(w, 201, `{}`) })
	res, err := p.Run(context.Background(), "w", map[string]any{"customer": map[string]any{"name": "Ann"}, "body": "not json"}, srv.opts(nil))
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1 (the second body is not JSON and must not be sent)", len(reqs))
	}
	if want := "{\"customer\": {\"name\":\"Ann\"}, \"tag\": \"a\\\"b\"}\n"; reqs[0].Body != want {
		t.Errorf("body %q, want %q", reqs[0].Body, want)
	}
	if res.Success || !strings.Contains(res.Err.Error(), "not valid JSON at offset") {
		t.Errorf("success %v, err %v", res.Success, res.Err)
	}
	if got := res.Steps[0].Outputs["sent"]; got != "Ann" {
		t.Errorf("$request.body#/customer/name = %v", got)
	}
}

// TestWorkflowPathParameterOnlyWhereUsed: a workflow-level path parameter
// applies to the steps whose path has the variable; for the others it is
// not evaluated (its value here refers to a later step's output) nor sent
// (regression, found by the conformance suite on usearazzo's
// parameterResolvedPerStep).
func TestWorkflowPathParameterOnlyWhereUsed(t *testing.T) {
	p := compileDoc(t, header+`workflows:
  - workflowId: w
    parameters:
      - {name: petId, in: path, value: $steps.find.outputs.id}
    steps:
      - stepId: find
        operationId: listPets
        successCriteria: [{condition: $statusCode == 200}]
        outputs: {id: $response.body#/id}
      - stepId: get
        operationId: getPet
        successCriteria: [{condition: $statusCode == 200}]
`)
	srv := okServer(t)
	res := mustRun(t, p, "w", nil, srv.opts(nil))
	if !res.Success {
		t.Fatalf("run failed: %v", res.Err)
	}
	reqs := srv.requests()
	if len(reqs) != 2 || reqs[0].Path != "/v1/pets" || reqs[1].Path != "/v1/pets/7" {
		t.Fatalf("requests %+v", reqs)
	}
}

// TestFormReplacementsBadPayload: a form string that does not parse is
// refused with a message saying so (nothing is sent).
func TestFormReplacementsBadPayload(t *testing.T) {
	_, err := applyReplacements("a=%zz", "application/x-www-form-urlencoded", nil, &expr.Values{})
	if err == nil || !strings.Contains(err.Error(), "replacements: the form payload does not parse") {
		t.Fatalf("err = %v", err)
	}
}
