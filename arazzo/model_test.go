package arazzo

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/expr"
)

const modelDoc = `arazzo: 1.0.1
info: {title: t, version: "1", x-team: core}
sourceDescriptions:
  - {name: pets, url: ./pets.yaml, type: openapi}
  - {name: flows, url: ./flows.arazzo.yaml, type: arazzo}
workflows:
  - workflowId: buy
    dependsOn: [setup, $sourceDescriptions.flows.login]
    inputs:
      $ref: '#/components/inputs/buyer'
    parameters:
      - reference: $components.parameters.tenant
    steps:
      - stepId: find
        operationId: $sourceDescriptions.pets.findPets
        parameters:
          - reference: $components.parameters.page
            value: 2
          - {name: q, in: query, value: "{$inputs.name}-x"}
        requestBody:
          contentType: application/json
          payload:
            fixed: {a: [1, 2]}
            name: $inputs.name
          replacements:
            - {target: /fixed/a/0, value: $inputs.name}
        successCriteria:
          - condition: $statusCode == 200
          - context: $response.body
            condition: $[?@.id]
            type: {type: jsonpath, version: draft-goessner-dispatch-jsonpath-00}
        onFailure:
          - reference: $components.failureActions.again
        outputs:
          id: $response.body#/0/id
      - stepId: order
        operationPath: '{$sourceDescriptions.pets.url}#/paths/~1orders/post'
        successCriteria: [{condition: $statusCode == 201}]
      - stepId: sub
        workflowId: $sourceDescriptions.flows.login
        parameters:
          - {name: user, value: $inputs.name}
    outputs:
      id: $steps.find.outputs.id
  - workflowId: setup
    steps:
      - {stepId: s, operationId: $sourceDescriptions.pets.setup, successCriteria: [{condition: $statusCode == 200}]}
components:
  inputs:
    buyer:
      type: object
      required: [name]
      properties:
        name: {type: string}
        age: {type: integer, minimum: 0}
  parameters:
    page: {name: page, in: query, value: 1}
    tenant: {name: X-Tenant, in: header, value: acme}
  failureActions:
    again: {name: again, type: retry, retryAfter: 0.5, retryLimit: 3, criteria: [{condition: $statusCode == 503}]}
`

func TestModel(t *testing.T) {
	doc, ds := Parse([]byte(modelDoc), "m.yaml")
	for _, d := range ds {
		if d.Severity == SeverityError || !strings.Contains(d.Message, "successCriteria") {
			t.Errorf("unexpected %s", d)
		}
	}
	if doc.Arazzo != "1.0.1" || doc.Info.Extensions["x-team"] != "core" {
		t.Errorf("doc: %q %v", doc.Arazzo, doc.Info.Extensions)
	}
	w := doc.Workflow("buy")
	if w == nil || len(w.Steps) != 3 {
		t.Fatalf("workflow: %+v", w)
	}
	if want := []WorkflowRef{{WorkflowID: "setup"}, {Source: "flows", WorkflowID: "login"}}; !reflect.DeepEqual(w.DependsOnRefs, want) {
		t.Errorf("dependsOn: %+v", w.DependsOnRefs)
	}
	if p := w.FieldPos("dependsOn/1"); p.Line != 8 || p.Col != 24 {
		t.Errorf("dependsOn/1 at %v", p)
	}
	find, order, sub := w.Steps[0], w.Steps[1], w.Steps[2]
	if find.Target != (Target{Kind: TargetOperationID, Source: "pets", OperationID: "findPets"}) {
		t.Errorf("find target: %+v", find.Target)
	}
	if order.Target != (Target{Kind: TargetOperationPath, Source: "pets", Pointer: "/paths/~1orders/post"}) {
		t.Errorf("order target: %+v", order.Target)
	}
	if sub.Target != (Target{Kind: TargetWorkflow, Source: "flows", WorkflowID: "login"}) {
		t.Errorf("sub target: %+v", sub.Target)
	}
	// Reusable parameter: name and in from the component, value overridden.
	page := find.Parameters[0]
	if page.Name != "page" || page.In != InQuery || page.Reference == nil || page.Reference.String() != "$components.parameters.page" {
		t.Errorf("page: %+v", page)
	}
	if v, err := page.Value.Eval(&expr.Values{}); err != nil || v != int64(2) {
		t.Errorf("page value: %v %v", v, err)
	}
	if p := page.Pos; p.Line != 17 || p.Col != 13 {
		t.Errorf("page at %v", p)
	}
	tenant := w.Parameters[0]
	if tenant.Name != "X-Tenant" || tenant.In != InHeader {
		t.Errorf("tenant: %+v", tenant)
	}
	// Reusable action: a copy of the component, with Reference set.
	again := find.OnFailure[0]
	if again.Type != ActionRetry || again.Kind != FailureAction || *again.RetryAfter != 0.5 || *again.RetryLimit != 3 || again.Reference == nil || len(again.Criteria) != 1 {
		t.Errorf("again: %+v", again)
	}
	if p := again.Pos; p.Line != 33 || p.Col != 13 {
		t.Errorf("again at %v", p)
	}
	crit := find.SuccessCriteria[1]
	if crit.Type != "jsonpath" || crit.Version != "draft-goessner-dispatch-jsonpath-00" || crit.Compiled == nil {
		t.Errorf("criterion: %+v", crit)
	}
	if find.Outputs[0].Name != "id" || find.Outputs[0].Value.String() != "$response.body#/0/id" {
		t.Errorf("outputs: %+v", find.Outputs[0])
	}
	// Values: literal subtrees stay literal, expressions are evaluated.
	ctx := &expr.Values{Inputs: map[string]any{"name": "rex"}}
	payload := find.RequestBody.Payload
	if payload.Kind != ValueObject || payload.Members[0].Value.Kind != ValueLiteral {
		t.Errorf("payload kinds: %+v", payload)
	}
	got, err := payload.Eval(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"fixed": map[string]any{"a": []any{int64(1), int64(2)}}, "name": "rex"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("payload: %#v", got)
	}
	if v, _ := find.Parameters[1].Value.Eval(ctx); v != "rex-x" {
		t.Errorf("template value: %v", v)
	}
	if len(payload.Expressions()) != 1 {
		t.Errorf("expressions: %v", payload.Expressions())
	}
	// Inputs: $ref into components resolved against the document.
	if err := w.Inputs.Validate(map[string]any{"name": "rex"}); err != nil {
		t.Errorf("valid inputs: %v", err)
	}
	err = w.Inputs.Validate(map[string]any{"age": -1})
	var ie *InputError
	if !errors.As(err, &ie) || len(ie.Violations) != 2 {
		t.Fatalf("invalid inputs: %v", err)
	}
	if ie.Violations[0] != "inputs/age: minimum: got -1, want 0" || ie.Violations[1] != "inputs/name: missing required property" {
		t.Errorf("violations: %q", ie.Violations)
	}
}

func TestLimits(t *testing.T) {
	bomb := `a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
`
	deep := strings.Repeat("[", 1000) + strings.Repeat("]", 1000)
	tests := []struct {
		name, doc, want string
		nilDoc          bool
	}{
		{"alias bomb", bomb, "expands to more than", true},
		{"too deep", deep, "nested more than", true},
		{"too large", "a: " + strings.Repeat("x", MaxDocumentSize), "larger than", true},
		{"not yaml", "a: [", "not a YAML or JSON document", true},
		{"empty", "", "the document is empty", false},
		{"self alias", "a: &a\n  b: *a\n", "", false},
		{"two documents", "a: 1\n---\nb: 2\n", "more than one YAML document", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, ds := Parse([]byte(tc.doc), "l.yaml")
			if (doc == nil) != tc.nilDoc {
				t.Errorf("doc nil = %v", doc == nil)
			}
			if !ds.HasErrors() {
				t.Fatal("no error")
			}
			if tc.want != "" && !strings.Contains(ds.Err().Error(), tc.want) {
				t.Errorf("got %v", ds.Err())
			}
		})
	}
}

func TestMergeKeys(t *testing.T) {
	doc := head + `      - &base
        stepId: a
        operationId: x
        successCriteria: [{condition: $statusCode == 200}]
      - <<: *base
        stepId: b
`
	d, ds := Parse([]byte(doc), "m.yaml")
	if ds.HasErrors() {
		t.Fatal(ds.Err())
	}
	if b := d.Workflows[0].Steps[1]; b.StepID != "b" || b.OperationID != "x" {
		t.Errorf("merged step: %+v", b)
	}
}

type fakeSource struct {
	ids  []string
	ptrs []string
}

func (f fakeSource) HasOperationID(id string) bool {
	for _, x := range f.ids {
		if x == id {
			return true
		}
	}
	return false
}
func (f fakeSource) OperationIDs() []string { return f.ids }
func (f fakeSource) HasOperationPointer(p string) bool {
	for _, x := range f.ptrs {
		if x == p {
			return true
		}
	}
	return false
}

func TestCheck(t *testing.T) {
	twoSources := `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: pets, url: ./pets.yaml, type: openapi}
  - {name: stores, url: ./stores.yaml, type: openapi}
  - {name: flows, url: ./flows.yaml, type: arazzo}
workflows:
  - workflowId: w
    steps:
      - {stepId: a, operationId: getPet, successCriteria: [{condition: $statusCode == 200}]}
      - {stepId: b, operationId: ping, successCriteria: [{condition: $statusCode == 200}]}
      - {stepId: c, operationId: $sourceDescriptions.pets.getPets, successCriteria: [{condition: $statusCode == 200}]}
      - {stepId: d, operationPath: '{$sourceDescriptions.stores.url}#/paths/~1stores/put', successCriteria: [{condition: $statusCode == 200}]}
      - {stepId: e, workflowId: $sourceDescriptions.flows.logn, successCriteria: [{condition: $statusCode == 200}]}
      - {stepId: f, operationId: $sourceDescriptions.pets.getPet, successCriteria: [{condition: $statusCode == 200}]}
      - {stepId: g, operationPath: '{$sourceDescriptions.stores.url}#/paths/~1stores/get', successCriteria: [{condition: $statusCode == 200}]}
      - {stepId: h, operationId: $sourceDescriptions.pets.getStore, successCriteria: [{condition: $statusCode == 200}]}
`
	oneSource := head + `      - {stepId: a, operationId: getPet, successCriteria: [{condition: $statusCode == 200}]}
      - {stepId: b, operationId: getPtes, successCriteria: [{condition: $statusCode == 200}]}
`
	flows, fds := Parse([]byte(head+"      - {stepId: a, operationId: x, successCriteria: [{condition: $statusCode == 200}]}\n"), "flows.yaml")
	if fds.HasErrors() {
		t.Fatal(fds.Err())
	}
	flows.Workflows[0].WorkflowID = "login"
	pets := fakeSource{ids: []string{"getPet", "getPets"}}
	stores := fakeSource{ids: []string{"getStore", "ping"}, ptrs: []string{"/paths/~1stores/get"}}
	tests := []struct {
		name string
		doc  string
		src  Sources
		want []string
	}{
		{
			name: "several sources",
			doc:  twoSources,
			src:  Sources{OpenAPI: map[string]OperationSource{"pets": pets, "stores": stores}, Arazzo: map[string]*Document{"flows": flows}},
			want: []string{
				`10:34: error: operationId "getPet" must be written $sourceDescriptions.<name>.getPet: the document has 2 OpenAPI source descriptions (hint: it is unique to source "pets": write $sourceDescriptions.pets.getPet)`,
				`11:34: error: operationId "ping" must be written $sourceDescriptions.<name>.ping: the document has 2 OpenAPI source descriptions (hint: it is unique to source "stores": write $sourceDescriptions.stores.ping)`,
				`13:36: error: operationPath: "/paths/~1stores/put" does not point to an operation in source "stores" (hint: the pointer must end with an HTTP method under /paths, with '/' in the path written ~1, e.g. #/paths/~1pets~1{petId}/get)`,
				`14:33: error: no workflow "logn" in source "flows"; did you mean "login"?`,
				`17:34: error: no operation "getStore" in source "pets" (hint: source "stores" has it: write $sourceDescriptions.stores.getStore)`,
			},
		},
		{
			name: "one source",
			doc:  oneSource,
			src:  Sources{OpenAPI: map[string]OperationSource{"api": pets}},
			want: []string{`9:34: error: no operation "getPtes" in source "api"; did you mean "getPets"?`},
		},
		{
			name: "source not loaded",
			doc:  oneSource,
			src:  Sources{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, ds := Parse([]byte(tc.doc), "c.yaml")
			if ds.HasErrors() {
				t.Fatal(ds.Err())
			}
			var got []string
			for _, d := range doc.Check(tc.src) {
				got = append(got, strings.TrimPrefix(d.String(), "c.yaml:"))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		s     string
		cands []string
		want  string
	}{
		{"secnd", []string{"first", "second"}, "second"},
		{"GETPET", []string{"getPet"}, "getPet"},
		{"x", []string{"abc"}, ""},
		{"createUser", []string{"deleteGroup", "createUsers"}, "createUsers"},
	}
	for _, tc := range tests {
		if got := suggest(tc.s, tc.cands); got != tc.want {
			t.Errorf("suggest(%q) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

func ExampleParse() {
	doc, ds := Parse([]byte(`arazzo: 1.0.1
info: {title: Pets, version: "1"}
sourceDescriptions:
  - {name: api, url: ./pets.yaml, type: openapi}
workflows:
  - workflowId: adopt
    steps:
      - stepId: find
        operationId: findPets
        successCriteria: [{condition: $statusCode == 200}]
        onSuccess:
          - {name: next, type: goto, stepId: adpot}
      - stepId: adopt
        operationId: adoptPet
        successCriteria: [{condition: $statusCode == 201}]
`), "pets.arazzo.yaml")
	for _, d := range ds {
		fmt.Println(d)
	}
	fmt.Println(len(doc.Workflows[0].Steps), "steps")
	// Output:
	// pets.arazzo.yaml:12:46: error: action "next": no step "adpot" in workflow "adopt"; did you mean "adopt"?
	// 2 steps
}

// TestWrongTypesEverywhere: values of the wrong JSON type anywhere give
// schema errors, never a panic, and the document is still returned.
func TestWrongTypesEverywhere(t *testing.T) {
	docs := []string{
		"arazzo: 1.0.1\ninfo: 5\nsourceDescriptions: {a: 1}\nworkflows: [1, x, {steps: 5}, {workflowId: 3, steps: [5, {stepId: 7}]}]\ncomponents: 7\n",
		head + "      - {stepId: a, operationId: 5, parameters: {a: 1}, requestBody: 3, successCriteria: [{condition: 5, type: [1]}], outputs: [1], onSuccess: 3, onFailure: [3, {reference: 5}]}\n    dependsOn: [1, {a: 1}]\n    inputs: 7\n    outputs: 5\n",
		head + "      - {stepId: a, operationPath: 5, successCriteria: [{condition: x, context: 5, type: {type: 5, version: [1]}}]}\n      - {stepId: b, workflowId: [], parameters: [{reference: $components.parameters.p}]}\ncomponents: {parameters: {p: 1}, successActions: {s: 2}, failureActions: [], inputs: {i: 5}}\n",
		head + "      - {stepId: a, operationId: x, onFailure: [{name: r, type: retry, retryAfter: x, retryLimit: -1, stepId: 3, workflowId: 4}], requestBody: {payload: {a: [{b: $inputs.x}]}, replacements: [{target: 1, value: {a: 1}}]}}\n",
	}
	for i, doc := range docs {
		d, ds := Parse([]byte(doc), "w.yaml")
		if d == nil || !ds.HasErrors() {
			t.Errorf("doc %d: %v %v", i, d, ds)
		}
		d.Check(Sources{OpenAPI: map[string]OperationSource{"api": fakeSource{}}})
	}
}
