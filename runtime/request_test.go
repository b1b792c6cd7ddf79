package runtime

import (
	"context"
	"errors"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// okServer answers 200 {"ok":true} to everything.
func okServer(t testing.TB) *server {
	return newServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		w.Header().Set("X-Trace", "abc")
		jsonReply(w, 200, `{"ok":true,"id":7}`)
	})
}

func TestParameters(t *testing.T) {
	tests := []struct {
		name  string
		steps string
		check func(t *testing.T, r seen)
	}{
		{
			name: "path header cookie",
			steps: `
      - stepId: s
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: $inputs.id}
          - {name: x-request-id, in: header, value: "req-{$inputs.id}"}
          - {name: session, in: cookie, value: abc}
`,
			check: func(t *testing.T, r seen) {
				if r.Path != "/v1/pets/42" {
					t.Errorf("path = %s", r.Path)
				}
				if got := r.Header.Get("X-Request-Id"); got != "req-42" {
					t.Errorf("header = %q", got)
				}
				if got := r.Header.Get("Cookie"); got != "session=abc" {
					t.Errorf("cookie = %q", got)
				}
			},
		},
		{
			name: "query styles arrays and objects",
			steps: `
      - stepId: s
        operationId: listPets
        parameters:
          - {name: tags, in: query, value: [a, b]}
          - {name: limit, in: query, value: 10}
          - name: filter
            in: query
            value: {color: red}
          - {name: ids, in: query, value: [1, 2]}
          - {name: extra, in: query, value: x y}
`,
			check: func(t *testing.T, r seen) {
				for _, want := range []string{"tags=a,b", "limit=10", "filter[color]=red", "ids=1|2", "extra=x%20y"} {
					if !strings.Contains(unescapeBrackets(r.Query), want) {
						t.Errorf("query %q lacks %q", r.Query, want)
					}
				}
			},
		},
		{
			name: "label and matrix path styles",
			steps: `
      - stepId: s
        operationId: getCoords
        parameters:
          - {name: petId, in: path, value: 5}
          - name: coords
            in: path
            value: {lat: 1, long: 2}
`,
			check: func(t *testing.T, r seen) {
				if r.Path != "/v1/pets/.5/coords/;lat=1;long=2" {
					t.Errorf("path = %s", r.Path)
				}
			},
		},
		{
			name: "workflow-level parameters merged, step wins by name and in",
			steps: `
      - stepId: s
        operationId: getPet
        parameters:
          - {name: X-Request-Id, in: header, value: step}
`,
			check: func(t *testing.T, r seen) {
				if r.Path != "/v1/pets/42" {
					t.Errorf("path = %s", r.Path)
				}
				if got := r.Header.Get("X-Request-Id"); got != "step" {
					t.Errorf("header = %q", got)
				}
				if got := r.Header.Get("Cookie"); got != "session=wf" {
					t.Errorf("cookie = %q", got)
				}
			},
		},
		{
			name: "components parameter with value override",
			steps: `
      - stepId: s
        operationId: listPets
        parameters:
          - reference: $components.parameters.limit
            value: 3
          - reference: $components.parameters.tags
`,
			check: func(t *testing.T, r seen) {
				if q := unescapeBrackets(r.Query); !strings.Contains(q, "limit=3") || !strings.Contains(q, "tags=x") {
					t.Errorf("query = %s", r.Query)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wfParams := ""
			if strings.HasPrefix(tc.name, "workflow-level") {
				wfParams = `
    parameters:
      - {name: petId, in: path, value: $inputs.id}
      - {name: X-Request-Id, in: header, value: workflow}
      - {name: session, in: cookie, value: wf}
`
			}
			doc := header + `
workflows:
  - workflowId: w
    inputs:
      type: object
      properties:
        id: {type: integer}` + wfParams + `
    steps:` + tc.steps + `
components:
  parameters:
    limit: {name: limit, in: query, value: 100}
    tags: {name: tags, in: query, value: [x]}
`
			p := compileDoc(t, doc)
			srv := okServer(t)
			res := mustRun(t, p, "w", map[string]any{"id": 42}, srv.opts(nil))
			if !res.Success {
				t.Fatalf("failed: %v", res.Err)
			}
			reqs := srv.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			tc.check(t, reqs[0])
		})
	}
}

func unescapeBrackets(q string) string {
	return strings.NewReplacer("%5B", "[", "%5D", "]", "%7C", "|", "%2C", ",").Replace(q)
}

// TestMissingPathParameterSendsNothing: a path variable without a value is
// found when the document loads (arazzo Check with the operation's path
// template), so Compile refuses the bundle and nothing is sent; the
// executor's own guard (BuildError "no value for {petId}") stays as a
// second line for plans built another way.
func TestMissingPathParameterSendsNothing(t *testing.T) {
	path := writeFiles(t, map[string]string{"main.arazzo.yaml": header + `
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: getPet
        onFailure:
          - {name: again, type: retry}
`})
	b, err := Load(context.Background(), path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !b.Diagnostics.HasErrors() || !strings.Contains(b.Diagnostics.Err().Error(), `needs a value for path parameter "petId"`) {
		t.Fatalf("diagnostics: %v", b.Diagnostics)
	}
	if _, err := Compile(b); err == nil {
		t.Fatal("Compile accepted a bundle with errors")
	}
}

func TestRequestBodies(t *testing.T) {
	tests := []struct {
		name     string
		step     string
		wantType string // media type received
		check    func(t *testing.T, r seen)
	}{
		{
			name: "json object with expressions inside",
			step: `operationId: createPet
        requestBody:
          payload:
            name: $inputs.name
            tags: [$inputs.tag, fixed]
            nested: {n: $inputs.n, s: "id-{$inputs.n}"}`,
			wantType: "application/json",
			check: func(t *testing.T, r seen) {
				want := `{"name":"Rex","nested":{"n":3,"s":"id-3"},"tags":["dog","fixed"]}`
				if r.Body != want {
					t.Errorf("body = %s, want %s", r.Body, want)
				}
			},
		},
		{
			name: "whole expression payload",
			step: `operationId: createPet
        requestBody:
          contentType: application/json
          payload: $inputs.obj`,
			wantType: "application/json",
			check: func(t *testing.T, r seen) {
				if r.Body != `{"a":[1,2]}` {
					t.Errorf("body = %s", r.Body)
				}
			},
		},
		{
			name: "json string template",
			step: `operationId: createPet
        requestBody:
          contentType: application/json
          payload: '{"name": "{$inputs.name}", "n": {$inputs.n}}'`,
			wantType: "application/json",
			check: func(t *testing.T, r seen) {
				if r.Body != `{"name": "Rex", "n": 3}` {
					t.Errorf("body = %s", r.Body)
				}
			},
		},
		{
			name: "json replacements",
			step: `operationId: createPet
        requestBody:
          payload: {name: placeholder, owner: {id: 0}}
          replacements:
            - {target: /name, value: $inputs.name}
            - {target: /owner/id, value: 10}
            - {target: /added, value: [1]}`,
			wantType: "application/json",
			check: func(t *testing.T, r seen) {
				if r.Body != `{"added":[1],"name":"Rex","owner":{"id":10}}` {
					t.Errorf("body = %s", r.Body)
				}
			},
		},
		{
			name: "form from object",
			step: `operationId: submitForm
        requestBody:
          payload:
            grant_type: client_credentials
            scope: [a, b]
            n: $inputs.n`,
			wantType: "application/x-www-form-urlencoded",
			check: func(t *testing.T, r seen) {
				if r.Body != "grant_type=client_credentials&n=3&scope=a&scope=b" {
					t.Errorf("body = %s", r.Body)
				}
			},
		},
		{
			name: "form from string template",
			step: `operationId: submitForm
        requestBody:
          contentType: application/x-www-form-urlencoded
          payload: "client_id={$inputs.name}&n={$inputs.n}"`,
			wantType: "application/x-www-form-urlencoded",
			check: func(t *testing.T, r seen) {
				if r.Body != "client_id=Rex&n=3" {
					t.Errorf("body = %s", r.Body)
				}
			},
		},
		{
			// Regression (conformance suite, Redocly's replacements on a
			// form string): a form string is read as a flat object.
			name: "form string with replacements",
			step: `operationId: submitForm
        requestBody:
          contentType: application/x-www-form-urlencoded
          payload: "customerName=list&location=Lviv&tag=a&tag=b"
          replacements:
            - {target: /location, value: New York}
            - {target: /extra, value: $inputs.n}`,
			wantType: "application/x-www-form-urlencoded",
			check: func(t *testing.T, r seen) {
				if r.Body != "customerName=list&extra=3&location=New+York&tag=a&tag=b" {
					t.Errorf("body = %s", r.Body)
				}
			},
		},
		{
			name: "multipart",
			step: `operationId: uploadPhoto
        requestBody:
          payload:
            title: $inputs.name
            meta: {n: $inputs.n}`,
			wantType: "multipart/form-data",
			check: func(t *testing.T, r seen) {
				_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
				mr := multipart.NewReader(strings.NewReader(r.Body), params["boundary"])
				got := map[string]string{}
				for {
					part, err := mr.NextPart()
					if err != nil {
						break
					}
					var sb strings.Builder
					buf := make([]byte, 512)
					for {
						n, err := part.Read(buf)
						sb.Write(buf[:n])
						if err != nil {
							break
						}
					}
					got[part.FormName()] = sb.String() + "|" + part.Header.Get("Content-Type")
				}
				if got["title"] != "Rex|" || got["meta"] != `{"n":3}|application/json` {
					t.Errorf("parts = %v", got)
				}
			},
		},
		{
			name: "xml string with xpath replacement",
			step: `operationId: postXML
        requestBody:
          payload: '<pet id="0"><name>x</name><n>{$inputs.n}</n></pet>'
          replacements:
            - {target: /pet/name, value: $inputs.name}
            - {target: /pet/@id, value: 9}`,
			wantType: "application/xml",
			check: func(t *testing.T, r seen) {
				if r.Body != `<pet id="9"><name>Rex</name><n>3</n></pet>` {
					t.Errorf("body = %s", r.Body)
				}
			},
		},
		{
			name: "xml from object",
			step: `operationId: postXML
        requestBody:
          payload: {pet: {name: $inputs.name, tag: [a, b]}}`,
			wantType: "application/xml",
			check: func(t *testing.T, r seen) {
				if !strings.HasSuffix(r.Body, `<pet><name>Rex</name><tag>a</tag><tag>b</tag></pet>`) {
					t.Errorf("body = %s", r.Body)
				}
			},
		},
		{
			name: "text",
			step: `operationId: postText
        requestBody:
          payload: "hello {$inputs.name}"`,
			wantType: "text/plain",
			check: func(t *testing.T, r seen) {
				if r.Body != "hello Rex" {
					t.Errorf("body = %s", r.Body)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := header + `
workflows:
  - workflowId: w
    steps:
      - stepId: s
        ` + tc.step + `
        outputs:
          sent: $request.body
`
			p := compileDoc(t, doc)
			srv := okServer(t)
			in := map[string]any{"name": "Rex", "n": 3, "tag": "dog", "obj": map[string]any{"a": []any{1, 2}}}
			res := mustRun(t, p, "w", in, srv.opts(nil))
			if !res.Success {
				t.Fatalf("failed: %v", res.Err)
			}
			reqs := srv.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			if mt, _, _ := mime.ParseMediaType(reqs[0].Header.Get("Content-Type")); mt != tc.wantType {
				t.Errorf("Content-Type = %q, want %q", reqs[0].Header.Get("Content-Type"), tc.wantType)
			}
			tc.check(t, reqs[0])
			if string(res.Steps[0].Request.Body) != reqs[0].Body {
				t.Errorf("recorded body %q != sent %q", res.Steps[0].Request.Body, reqs[0].Body)
			}
		})
	}
}

// Replacements must not write into the plan: a second run starts from the
// document's payload again.
func TestReplacementsDoNotMutatePlan(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: createPet
        requestBody:
          payload: {name: placeholder, list: [1]}
          replacements:
            - {target: /list/0, value: $inputs.n}
`)
	srv := okServer(t)
	for _, n := range []int{1, 2} {
		res := mustRun(t, p, "w", map[string]any{"n": n}, srv.opts(nil))
		if !res.Success {
			t.Fatal(res.Err)
		}
	}
	reqs := srv.requests()
	if reqs[0].Body != `{"list":[1],"name":"placeholder"}` || reqs[1].Body != `{"list":[2],"name":"placeholder"}` {
		t.Errorf("bodies = %q, %q", reqs[0].Body, reqs[1].Body)
	}
}

func TestRequestAndResponseExpressions(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: 42}
          - {name: X-Request-Id, in: header, value: rid}
        successCriteria:
          - condition: $response.header.x-trace == 'abc'
          - condition: $response.body#/ok == true
        outputs:
          url: $url
          method: $method
          status: $statusCode
          reqHeader: $request.header.x-request-id
          reqPath: $request.path.petId
          respHeader: $response.header.X-TRACE
          id: $response.body#/id
          src: $sourceDescriptions.pets.url
    outputs:
      id: $steps.s.outputs.id
`)
	srv := okServer(t)
	res := mustRun(t, p, "w", nil, srv.opts(nil))
	if !res.Success {
		t.Fatalf("failed: %v", res.Err)
	}
	all := res.Steps[0].Outputs
	if res.Outputs["id"] == nil {
		t.Errorf("workflow outputs = %v", res.Outputs)
	}
	want := map[string]string{
		"url": srv.URL + "/v1/pets/42", "method": "GET", "status": "200", "reqHeader": "rid",
		"reqPath": "42", "respHeader": "abc", "id": "7", "src": "./pets.openapi.yaml",
	}
	for k, v := range want {
		if got := scalarString(all[k]); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

func TestServerVariablesAndNoServers(t *testing.T) {
	api := strings.Replace(petsAPI(t), "  - url: http://unused.invalid/v1", "  - url: http://{host}/v1\n    variables:\n      host: {default: unused.invalid}", 1)
	doc := header + `
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: status
`
	p := compileDoc(t, doc, "pets.openapi.yaml", api)
	srv := okServer(t)
	host := strings.TrimPrefix(srv.URL, "http://")
	res := mustRun(t, p, "w", nil, Options{ServerVars: map[string]map[string]string{"pets": {"host": host}}})
	if !res.Success {
		t.Fatalf("failed: %v", res.Err)
	}
	if got := res.Steps[0].Request.URL; got != srv.URL+"/v1/status" {
		t.Errorf("url = %s", got)
	}

	// No servers at all: a clear error before anything is sent.
	api = strings.Replace(petsAPI(t), "servers:\n  - url: http://unused.invalid/v1\n", "", 1)
	p = compileDoc(t, doc, "pets.openapi.yaml", api)
	res = mustRun(t, p, "w", nil, Options{})
	if res.Success || !strings.Contains(res.Err.Error(), "--server pets=URL") {
		t.Errorf("err = %v", res.Err)
	}
}

func TestAuthenticateHook(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: status
        outputs:
          auth: $request.header.Authorization
`)
	srv := okServer(t)
	o := srv.opts(nil)
	var gotSource, gotOp string
	o.Authenticate = func(ctx context.Context, req *http.Request, op *openapiOperation, source string) error {
		gotSource, gotOp = source, op.ID
		req.Header.Set("Authorization", "Bearer t0k")
		return nil
	}
	res := mustRun(t, p, "w", nil, o)
	if !res.Success || gotSource != "pets" || gotOp != "status" {
		t.Fatalf("success=%v source=%q op=%q err=%v", res.Success, gotSource, gotOp, res.Err)
	}
	if srv.requests()[0].Header.Get("Authorization") != "Bearer t0k" {
		t.Error("header not sent")
	}

	// A hook error fails the step without sending.
	o.Authenticate = func(ctx context.Context, req *http.Request, op *openapiOperation, source string) error {
		return errors.New("no credential for bearerAuth")
	}
	res = mustRun(t, p, "w", nil, o)
	if res.Success || len(srv.requests()) != 1 || !strings.Contains(res.Err.Error(), "no credential") {
		t.Errorf("success=%v requests=%d err=%v", res.Success, len(srv.requests()), res.Err)
	}
}

// A value that refers to an optional input that was not given is left
// out: the parameter, the payload member or item, or the whole body.
func TestAbsentOptionalInputsAreOmitted(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    inputs:
      type: object
      properties:
        name: {type: string}
        tags: {type: array}
        limit: {type: integer}
        body: {type: object}
    steps:
      - stepId: list
        operationId: listPets
        parameters:
          - {name: limit, in: query, value: $inputs.limit}
          - {name: tags, in: query, value: [x]}
      - stepId: create
        operationId: createPet
        requestBody:
          payload:
            name: $inputs.name
            tags: $inputs.tags
            list: [$inputs.name, fixed]
      - stepId: whole
        operationId: createPet
        requestBody:
          payload: $inputs.body
`)
	srv := okServer(t)
	res := mustRun(t, p, "w", map[string]any{"name": "Rex"}, srv.opts(nil))
	if !res.Success {
		t.Fatal(res.Err)
	}
	r := srv.requests()
	if r[0].Query != "tags=x" {
		t.Errorf("query = %q", r[0].Query)
	}
	if r[1].Body != `{"list":["Rex","fixed"],"name":"Rex"}` {
		t.Errorf("body = %s", r[1].Body)
	}
	if r[2].Body != "" || r[2].Header.Get("Content-Type") != "" {
		t.Errorf("whole body = %q (%s)", r[2].Body, r[2].Header.Get("Content-Type"))
	}
	res = mustRun(t, p, "w", map[string]any{}, srv.opts(nil))
	if !res.Success {
		t.Fatal(res.Err)
	}
	if got := srv.requests()[4].Body; got != `{"list":["fixed"]}` {
		t.Errorf("body = %s", got)
	}
}

// A missing step output is not an optional input: the request cannot be
// built.
func TestMissingStepOutputIsAnError(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: first
        operationId: status
        onSuccess:
          - {name: skip, type: goto, stepId: second}
      - stepId: never
        operationId: status
        outputs:
          id: $response.body#/id
      - stepId: second
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: $steps.never.outputs.id}
`)
	srv := okServer(t)
	res := mustRun(t, p, "w", nil, srv.opts(nil))
	if res.Success || !strings.Contains(res.Err.Error(), "$steps.never.outputs.id") || len(srv.requests()) != 1 {
		t.Errorf("err = %v, %d requests", res.Err, len(srv.requests()))
	}
}
