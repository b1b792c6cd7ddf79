package arazzo

import (
	"strings"
	"testing"
)

// templateSource is a fakeSource that also knows path templates.
type templateSource struct {
	fakeSource
	paths map[string]string // operationId -> "METHOD /path"
}

func (f templateSource) OperationTemplate(id, pointer string) (string, string, bool) {
	mp, ok := f.paths[id]
	if !ok {
		return "", "", false
	}
	method, path, _ := strings.Cut(mp, " ")
	return method, path, true
}

// TestCheckPathParams: a path parameter the template does not have and a
// template variable without a value are errors before anything is sent
// (found by the conformance suite on the spec's own pet-coupons example,
// which passes pet_id to GET /pet/{petId}/coupons).
func TestCheckPathParams(t *testing.T) {
	src := Sources{OpenAPI: map[string]OperationSource{"api": templateSource{
		fakeSource: fakeSource{ids: []string{"getCoupons", "getPet", "listPets", "getOrder"}},
		paths: map[string]string{
			"getCoupons": "GET /pet/{petId}/coupons",
			"getPet":     "GET /pet/{petId}",
			"listPets":   "GET /pets",
			"getOrder":   "GET /stores/{storeId}/orders/{orderId}",
		},
	}}}
	tests := []struct {
		name  string
		steps string
		want  []string
	}{
		{
			name: "misspelt name gets one error with the suggestion",
			steps: `      - stepId: a
        operationId: getCoupons
        parameters: [{name: pet_id, in: path, value: 1}]
        successCriteria: [{condition: $statusCode == 200}]
`,
			want: []string{`10:22: error: path parameter "pet_id" is not a variable of GET /pet/{petId}/coupons; did you mean "petId"? (parameter names are case-sensitive)`},
		},
		{
			name: "missing value",
			steps: `      - stepId: a
        operationId: getOrder
        parameters: [{name: storeId, in: path, value: 1}, {name: orderId, in: query, value: 2}]
        successCriteria: [{condition: $statusCode == 200}]
`,
			want: []string{`9:22: error: step "a": GET /stores/{storeId}/orders/{orderId} needs a value for path parameter "orderId" (hint: add a parameter {name: orderId, in: path, value: ...} to the step (or to its workflow))`},
		},
		{
			name: "no variables in the path",
			steps: `      - stepId: a
        operationId: listPets
        parameters: [{name: petId, in: path, value: 1}]
        successCriteria: [{condition: $statusCode == 200}]
`,
			want: []string{`10:22: error: path parameter "petId" is not a variable of GET /pets (hint: the path has no variables: remove the parameter or use in: query)`},
		},
		{
			name: "workflow-level parameters count, and may be unused by a step",
			steps: `      - stepId: a
        operationId: getPet
        successCriteria: [{condition: $statusCode == 200}]
      - stepId: b
        operationId: listPets
        successCriteria: [{condition: $statusCode == 200}]
    parameters: [{name: petId, in: path, value: 7}]
`,
		},
		{
			name: "correct",
			steps: `      - stepId: a
        operationId: getPet
        parameters: [{name: petId, in: path, value: 1}, {name: petId, in: query, value: 1}]
        successCriteria: [{condition: $statusCode == 200}]
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, ds := Parse([]byte(head+tc.steps), "c.yaml")
			if ds.HasErrors() {
				t.Fatal(ds.Err())
			}
			var got []string
			for _, d := range doc.Check(src) {
				got = append(got, strings.TrimPrefix(d.String(), "c.yaml:"))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestShorthandOperationID: "source.operationId" (accepted by some tools)
// gets the $sourceDescriptions spelling as a hint.
func TestShorthandOperationID(t *testing.T) {
	doc, ds := Parse([]byte(head+`      - stepId: a
        operationId: api.getPet
        successCriteria: [{condition: $statusCode == 200}]
`), "c.yaml")
	if ds.HasErrors() {
		t.Fatal(ds.Err())
	}
	got := doc.Check(Sources{OpenAPI: map[string]OperationSource{"api": fakeSource{ids: []string{"getPet"}}}})
	if len(got) != 1 || got[0].Hint != "write $sourceDescriptions.api.getPet" {
		t.Fatalf("got %v", got)
	}
}
