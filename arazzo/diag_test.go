package arazzo

import (
	"fmt"
	"strings"
	"testing"
)

// head is the start of most test documents: steps begin on line 8.
const head = `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: w
    steps:
`

// short formats a diagnostic without the file, for comparisons.
func short(d Diagnostic) string {
	return fmt.Sprintf("%d:%d: %s: %s", d.Pos.Line, d.Pos.Col, d.Severity, d.Message)
}

// TestDiagnostics checks every class of diagnostic with its line and
// column. want lists "LINE:COL: severity: message" strings that must all be
// reported; every error reported must be in want (warnings need not be).
// hints maps a wanted message to a substring its hint must contain.
func TestDiagnostics(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		want  []string
		hints map[string]string
	}{
		{
			name: "clean",
			doc: head + `      - stepId: a
        operationId: getPet
        parameters:
          - {name: id, in: path, value: $inputs.id}
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          pet: $response.body
`,
		},
		{
			name: "duplicate key",
			doc: head + `      - stepId: a
        operationId: x
        operationId: y
        successCriteria: [{condition: $statusCode == 200}]
`,
			want: []string{`10:9: error: duplicate key "operationId" (first written at 9:9)`},
		},
		{
			name: "arazzo 1.1",
			doc:  "arazzo: 1.1.0\ninfo: {}\nfoo: 1\n",
			want: []string{"1:9: error: Arazzo 1.1 is not supported yet (this runner implements 1.0.x)"},
		},
		{
			name: "arazzo 2",
			doc:  strings.Replace(head, "1.0.1", "2.0.0", 1) + "      - {stepId: a, operationId: x, successCriteria: [{condition: $statusCode == 200}]}\n",
			want: []string{`1:9: error: unsupported Arazzo version "2.0.0" (this runner implements 1.0.x)`},
		},
		{
			name: "arazzo number",
			doc:  strings.Replace(head, "1.0.1", "1.0", 1) + "      - {stepId: a, operationId: x, successCriteria: [{condition: $statusCode == 200}]}\n",
			want: []string{`1:9: error: "arazzo" must be a version string such as "1.0.1", not a number`},
		},
		{
			name: "arazzo 1.0.0 accepted",
			doc:  strings.Replace(head, "1.0.1", "1.0.0", 1) + "      - {stepId: a, operationId: x, successCriteria: [{condition: $statusCode == 200}]}\n",
		},
		{
			name: "not an object",
			doc:  "- a\n- b\n",
			want: []string{"1:1: error: an Arazzo document must be an object, not an array"},
		},
		{
			name: "missing required field",
			doc: `arazzo: 1.0.1
info:
  title: t
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: w
    steps:
      - {stepId: a, operationId: x, successCriteria: [{condition: $statusCode == 200}]}
`,
			want: []string{`3:3: error: info is missing required field "version"`},
		},
		{
			name: "unknown field",
			doc: head + `      - stepId: a
        opertionId: x
        successCriteria: [{condition: $statusCode == 200}]
`,
			want: []string{
				`9:9: error: unknown field "opertionId" in step "a"`,
				`8:9: error: ` + msgStepTarget,
			},
			hints: map[string]string{`unknown field "opertionId" in step "a"`: `did you mean "operationId"?`},
		},
		{
			name: "enum",
			doc: `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openap}
workflows:
  - workflowId: w
    steps:
      - {stepId: a, operationId: x, successCriteria: [{condition: $statusCode == 200}]}
`,
			want:  []string{`4:40: error: "type" must be one of "arazzo", "openapi", not "openap"`},
			hints: map[string]string{`"type" must be one of`: `did you mean "openapi"?`},
		},
		{
			name: "wrong type",
			doc: head + `      - stepId: a
        operationId: x
        successCriteria: [{condition: $statusCode == 200}]
        onFailure:
          - {name: r, type: retry, retryLimit: two}
`,
			want: []string{`12:48: error: "retryLimit" must be an integer, not a string`},
		},
		{
			name: "step with two targets",
			doc: head + `      - stepId: a
        operationId: x
        workflowId: w
        successCriteria: [{condition: $statusCode == 200}]
`,
			want:  []string{"8:9: error: " + msgStepTarget},
			hints: map[string]string{msgStepTarget: "it has operationId and workflowId"},
		},
		{
			name: "goto without target",
			doc: head + `      - stepId: a
        operationId: x
        successCriteria: [{condition: $statusCode == 200}]
        onSuccess:
          - name: next
            type: goto
`,
			want: []string{"12:13: error: " + msgGotoTarget},
		},
		{
			name: "parameter without in",
			doc: head + `      - stepId: a
        operationId: x
        parameters:
          - name: id
            value: 1
        successCriteria: [{condition: $statusCode == 200}]
`,
			want: []string{`11:13: error: parameter "id" is missing required field "in"`},
		},
		{
			name: "typed criterion without context",
			doc: head + `      - stepId: a
        operationId: x
        successCriteria:
          - condition: ^2
            type: regex
`,
			want: []string{`11:13: error: criterion has "type" but no "context"`},
		},
		{
			name: "duplicates",
			doc: `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: ./a.yaml, type: openapi}
  - {name: api, url: ./b.yaml, type: openapi}
workflows:
  - workflowId: w
    steps:
      - {stepId: a, operationId: $sourceDescriptions.api.x, successCriteria: [{condition: $statusCode == 200}]}
      - {stepId: a, operationId: $sourceDescriptions.api.x, successCriteria: [{condition: $statusCode == 200}]}
  - workflowId: w
    steps:
      - stepId: b
        operationId: $sourceDescriptions.api.x
        parameters:
          - {name: X-Id, in: header, value: 1}
          - {name: x-id, in: header, value: 2}
          - {name: x-id, in: query, value: 2}
          - {name: x-id, in: header, value: 3}
        successCriteria: [{condition: $statusCode == 200}]
`,
			want: []string{
				`5:12: error: duplicate source description name "api" (first at 4:12)`,
				`10:18: error: duplicate stepId "a" in workflow "w" (first at 9:18)`,
				`11:17: error: duplicate workflowId "w" (first at 7:17)`,
				`17:13: warning: header parameter "x-id" names the same HTTP header as the one at 16:13 (header names are case-insensitive); only the last one is sent`,
				`19:13: error: duplicate parameter "x-id" in header (first at 17:13)`,
			},
		},
		{
			name: "action targets",
			doc: head + `      - stepId: first
        operationId: x
        successCriteria: [{condition: $statusCode == 200}]
        onSuccess:
          - {name: a, type: goto, stepId: secnd}
          - {name: b, type: goto, workflowId: nope}
          - {name: c, type: end, stepId: second}
        onFailure:
          - {name: d, type: goto, stepId: second, retryAfter: 1}
          - {name: e, type: retry, workflowId: $sourceDescriptions.api.other}
      - stepId: second
        operationId: y
        successCriteria: [{condition: $statusCode == 200}]
`,
			want: []string{
				`12:43: error: action "a": no step "secnd" in workflow "w"`,
				`13:47: error: action "b": no workflow "nope" in this document`,
				`14:42: error: action "c" is of type end, which takes no stepId`,
				`16:63: warning: retryAfter applies only to retry actions; it is ignored on a goto action`,
				`17:48: error: action "e" refers to a workflow of source "api", which is not an arazzo description (type openapi)`,
			},
			hints: map[string]string{`no step "secnd"`: `did you mean "second"?`},
		},
		{
			name: "dependsOn",
			doc: `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: ./a.yaml, type: openapi}
workflows:
  - workflowId: a
    dependsOn: [b]
    steps:
      - {stepId: s, operationId: x, successCriteria: [{condition: $statusCode == 200}]}
  - workflowId: b
    dependsOn: [c, a]
    steps:
      - {stepId: s, operationId: x, successCriteria: [{condition: $statusCode == 200}]}
  - workflowId: c
    dependsOn: [zz]
    steps:
      - {stepId: s, operationId: x, successCriteria: [{condition: $statusCode == 200}]}
`,
			want: []string{
				`11:20: error: dependsOn cycle: a -> b -> a`,
				`15:17: error: dependsOn: no workflow "zz" in this document`,
			},
		},
		{
			name: "steps references",
			doc: head + `      - stepId: login
        operationId: x
        parameters:
          - {name: t, in: header, value: $steps.fetch.outputs.id}
        successCriteria: [{condition: $statusCode == 200}]
        outputs:
          token: $response.body#/token
      - stepId: fetch
        operationId: y
        parameters:
          - {name: Authorization, in: header, value: "Bearer {$steps.login.outputs.tokn}"}
          - {name: q, in: query, value: $steps.logn.outputs.token}
        successCriteria: [{condition: $statusCode == 200}]
        outputs:
          id: $response.body#/id
`,
			want: []string{
				`11:42: warning: $steps.fetch.outputs.id: step "fetch" does not run before step "login"`,
				`18:63: error: $steps.login.outputs.tokn: step "login" has no output "tokn"`,
				`19:41: error: $steps.logn.outputs.token: no step "logn" in workflow "w"`,
			},
			hints: map[string]string{`has no output "tokn"`: `did you mean "token"?`, `no step "logn"`: `did you mean "login"?`},
		},
		{
			name: "goto makes a later step run earlier",
			doc: head + `      - stepId: poll
        operationId: x
        parameters:
          - {name: c, in: query, value: $steps.wait.outputs.cursor}
        successCriteria: [{condition: $statusCode == 200}]
      - stepId: wait
        operationId: y
        successCriteria: [{condition: $statusCode == 200}]
        onSuccess:
          - {name: again, type: goto, stepId: poll}
        outputs:
          cursor: $response.body#/next
`,
		},
		{
			name: "components",
			doc: head + `      - stepId: a
        operationId: x
        parameters:
          - reference: $components.parameters.pge
          - reference: $components.successActions.done
          - reference: $components.parameters.page
            value: 2
        successCriteria: [{condition: $statusCode == 200}]
        onSuccess:
          - reference: $components.successActions.done
          - reference: $components.failureActions.done
components:
  parameters:
    page: {name: page, in: query, value: 1}
  successActions:
    done: {name: done, type: end}
`,
			want: []string{
				`11:24: error: no component parameter "pge"`,
				`12:24: error: this reference must name $components.parameters.<name>, not $components.successActions.done`,
				`18:24: error: this reference must name $components.successActions.<name>, not $components.failureActions.done`,
			},
			hints: map[string]string{`no component parameter "pge"`: `did you mean "page"?`},
		},
		{
			name: "output names",
			doc: head + `      - stepId: a
        operationId: x
        successCriteria: [{condition: $statusCode == 200}]
        outputs:
          "bad name": $response.body
`,
			want: []string{`12:11: error: output name "bad name" must match ^[a-zA-Z0-9\.\-_]+$`},
		},
		{
			name: "expression syntax error column",
			doc: head + `      - stepId: a
        operationId: x
        successCriteria:
          - condition: $statusCode == 200 &&
`,
			want: []string{`11:45: error: invalid simple condition: unexpected end of condition: expected a value: a literal, a runtime expression or '('`},
		},
		{
			name: "pseudo jsonpath",
			doc: head + `      - stepId: a
        operationId: x
        successCriteria:
          - context: $response.body
            condition: $.success == true
            type: jsonpath
`,
			want:  []string{`12:33: error: invalid jsonpath condition: invalid RFC 9535 JSONPath query: unexpected blank space at position 10`},
			hints: map[string]string{"invalid jsonpath condition": "$response.body#/success == true"},
		},
		{
			name: "regex does not compile",
			doc: head + `      - stepId: a
        operationId: x
        successCriteria:
          - context: $statusCode
            condition: "^(2"
            type: regex
`,
			want: []string{`12:25: error: invalid regex condition: invalid RE2 regular expression: missing closing ): ^(2`},
		},
		{
			name: "suspicious string",
			doc: head + `      - stepId: a
        operationId: x
        parameters:
          - {name: Authorization, in: header, value: Bearer $inputs.token}
        successCriteria: [{condition: $statusCode == 200}]
`,
			want: []string{`11:61: warning: "Bearer $inputs.token" contains $inputs.token outside braces, which is not evaluated; write {$inputs.token} to interpolate it`},
		},
		{
			name: "style warnings",
			doc: `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml}
workflows:
  - workflowId: w
    steps:
      - stepId: a b
        operationId: x
`,
			want: []string{
				`4:5: warning: source description "api" has no type; it is treated as openapi`,
				`8:9: warning: step "a b" has no successCriteria`,
				`8:17: warning: stepId "a b" should contain only letters, digits, '_' and '-'`,
			},
		},
		{
			name: "workflow parameter without in",
			doc: head + `      - {stepId: a, operationId: x, successCriteria: [{condition: $statusCode == 200}]}
    parameters:
      - {name: tenant, value: acme}
`,
			want: []string{`10:9: warning: workflow parameter "tenant" has no "in", but the workflow calls operations, which need it`},
		},
		{
			name: "http values out of place",
			doc: head + `      - stepId: a
        operationId: x
        parameters:
          - {name: id, in: query, value: $response.body#/id}
        successCriteria: [{condition: $statusCode == 200}]
        onSuccess:
          - {name: done, type: end}
          - {name: done, type: end, criteria: [{condition: $statusCode == 201}]}
      - stepId: b
        workflowId: w
        successCriteria: [{condition: $statusCode == 200}]
    outputs:
      code: $statusCode
`,
			want: []string{
				`11:42: warning: $response.body#/id is not available here: parameters and request bodies are evaluated before the call`,
				`15:13: warning: onSuccess lists two actions named "done" (first at 14:13)`,
				`18:39: warning: $statusCode has no value: step "b" calls a workflow, not an operation`,
				`20:13: warning: $statusCode has no value in workflow outputs, which are evaluated after the last step`,
			},
		},
		{
			name: "multibyte column",
			doc: head + `      - stepId: a
        operationId: x
        successCriteria:
          - condition: $response.body#/名前 == 'é' &&
`,
			want: []string{`11:52: error: invalid simple condition: unexpected end of condition: expected a value: a literal, a runtime expression or '('`},
		},
		{
			name: "block scalar reported at its start",
			doc: head + `      - stepId: a
        operationId: x
        successCriteria:
          - condition: >-
              $statusCode == 200 &&
              $statusCode <
`,
			want: []string{`11:24: error: invalid simple condition: unexpected end of condition: expected a value: a literal, a runtime expression or '('`},
		},
		{
			name: "schema messages with hints",
			doc: head + `      - stepId: a
        operationId: x
        parameters:
          - {name: b, in: body, value: 1}
        successCriteria: [{condition: $statusCode == 200}]
        onSuccess:
          - {name: r, type: retry}
    inputs:
      type: object
      properties:
        id: {type: strin}
`,
			want: []string{
				`11:27: error: "in" must be one of "path", "query", "header", "cookie", not "body"`,
				`14:29: error: "type" must be one of "end", "goto", not "retry"`,
				`18:20: error: "type" must be one of "array", "boolean", "integer", "null", "number", "object", "string", not "strin"`,
			},
			hints: map[string]string{`not "body"`: "removed in: body", `not "retry"`: "move it to onFailure", `not "strin"`: `did you mean "string"?`},
		},
		{
			name: "qualified operationId",
			doc: head + `      - stepId: a
        operationId: $sourceDescriptions.apis.getPet
        successCriteria: [{condition: $statusCode == 200}]
`,
			want:  []string{`9:22: error: operationId "$sourceDescriptions.apis.getPet": no source description named "apis"`},
			hints: map[string]string{`no source description named "apis"`: `did you mean "api"?`},
		},
		{
			name: "operationPath forms",
			doc: head + `      - stepId: a
        operationPath: '{$sourceDescriptions.api.url}#/paths/~1pets/get'
        successCriteria: [{condition: $statusCode == 200}]
      - stepId: b
        operationPath: api#/paths/~1pets/get
        successCriteria: [{condition: $statusCode == 200}]
      - stepId: c
        operationPath: /paths/~1pets/get
        successCriteria: [{condition: $statusCode == 200}]
`,
			want: []string{
				`12:24: warning: operationPath should name its source as {$sourceDescriptions.api.url}, not by its bare name`,
				`15:24: error: operationPath "/paths/~1pets/get" has no '#' JSON pointer`,
			},
		},
		{
			name: "inputs refs",
			doc: head + `      - stepId: a
        operationId: x
        parameters:
          - {name: id, in: query, value: $inputs.idd}
        successCriteria: [{condition: $statusCode == 200}]
    inputs:
      $ref: '#/components/inputs/pet'
  - workflowId: w2
    inputs:
      $ref: '#/components/inputs/pets'
    steps:
      - {stepId: a, operationId: x, successCriteria: [{condition: $statusCode == 200}]}
components:
  inputs:
    pet:
      type: object
      properties:
        id: {type: string}
`,
			want: []string{
				`11:42: warning: $inputs.idd: workflow "w" declares no input "idd"`,
				`17:7: error: $ref "#/components/inputs/pets": no component input "pets"`,
			},
			hints: map[string]string{`declares no input "idd"`: `did you mean "id"?`, `no component input "pets"`: `did you mean "pet"?`},
		},
		{
			name: "json document positions",
			doc: `{
  "arazzo": "1.0.1",
  "info": {"title": "t", "version": "1"},
  "sourceDescriptions": [{"name": "api", "url": "./a.yaml", "type": "openapi"}],
  "workflows": [{
    "workflowId": "w",
    "steps": [{"stepId": "a", "operationId": "x",
      "successCriteria": [{"condition": "$statusCode == 200 &&"}]}]
  }]
}
`,
			want: []string{`8:63: error: invalid simple condition: unexpected end of condition: expected a value: a literal, a runtime expression or '('`},
		},
		{
			name: "workflow step calls a workflow written later",
			doc: head + `      - stepId: a
        workflowId: later
        successCriteria: [{condition: $statusCode == 200}]
        outputs:
          r: $outputs.result
  - workflowId: later
    steps:
      - {stepId: b, operationId: x, successCriteria: [{condition: $statusCode == 200}]}
    outputs:
      result: $steps.b.outputs.none
`,
			want: []string{`17:15: error: $steps.b.outputs.none: step "b" has no output "none"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := Parse([]byte(tc.doc), "t.yaml")
			got := map[string]Diagnostic{}
			for _, d := range ds {
				got[short(d)] = d
			}
			for _, w := range tc.want {
				if _, ok := got[w]; !ok {
					t.Errorf("missing %s", w)
				}
			}
			for _, d := range ds {
				if d.Severity != SeverityError {
					continue
				}
				found := false
				for _, w := range tc.want {
					found = found || w == short(d)
				}
				if !found {
					t.Errorf("unexpected %s", d)
				}
			}
			for msg, h := range tc.hints {
				ok := false
				for _, d := range ds {
					if strings.Contains(d.Message, msg) && strings.Contains(d.Hint, h) {
						ok = true
					}
				}
				if !ok {
					t.Errorf("no diagnostic %q with hint containing %q", msg, h)
				}
			}
			if t.Failed() {
				for _, d := range ds {
					t.Log(d)
				}
			}
		})
	}
}

func TestDiagnosticString(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Pos: Pos{"a.yaml", 3, 5}, Message: "bad"}, "a.yaml:3:5: error: bad"},
		{Diagnostic{Pos: Pos{"a.yaml", 3, 5}, Severity: SeverityWarning, Message: "meh", Hint: "fix it"}, "a.yaml:3:5: warning: meh (hint: fix it)"},
		{Diagnostic{Pos: Pos{"a.yaml", 1, 1}, Message: "x", Hint: `did you mean "y"?`}, `a.yaml:1:1: error: x; did you mean "y"?`},
		{Diagnostic{Pos: Pos{File: "a.yaml"}, Message: "x"}, "a.yaml: error: x"},
	}
	for _, tc := range tests {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestDiagnosticsSortErr(t *testing.T) {
	ds := Diagnostics{
		{Pos: Pos{"b", 1, 1}, Message: "z"},
		{Pos: Pos{"a", 2, 1}, Message: "y", Severity: SeverityWarning},
		{Pos: Pos{"a", 1, 9}, Message: "x"},
		{Pos: Pos{"a", 1, 9}, Message: "w"},
	}
	ds.Sort()
	var got []string
	for _, d := range ds {
		got = append(got, d.Message)
	}
	if strings.Join(got, "") != "wxyz" {
		t.Errorf("sorted: %v", got)
	}
	if ds.Err() == nil || !ds.HasErrors() {
		t.Error("errors not reported")
	}
	if w := ds[2:3]; w.Err() != nil || w.HasErrors() {
		t.Error("warnings alone are an error")
	}
	if back, ok := AsDiagnostics(ds.Err()); !ok || len(back) != 4 {
		t.Error("AsDiagnostics")
	}
}
