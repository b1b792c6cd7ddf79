package runtime

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/arazzo-run/arazzo/contract"
)

const contractAPI = `openapi: 3.1.0
info: {title: Users, version: "1"}
servers: [{url: "http://unused.invalid"}]
paths:
  /users/{id}:
    get:
      operationId: getUser
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: a user
          content:
            application/json:
              schema: {$ref: '#/components/schemas/User'}
        "404": {description: none}
  /users:
    post:
      operationId: createUser
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties: {name: {type: string, minLength: 1}}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/User'}
components:
  schemas:
    User:
      type: object
      required: [id]
      properties:
        id: {type: string, pattern: '^(?!admin).*$'}
`

const contractFlow = `arazzo: 1.0.1
info: {title: contract, version: 1.0.0}
sourceDescriptions:
  - {name: users, url: ./users.openapi.yaml, type: openapi}
workflows:
  - workflowId: get
    steps:
      - stepId: getUser
        operationId: getUser
        parameters: [{name: id, in: path, value: u1}]
        successCriteria: [{condition: $statusCode == 200}]
        outputs: {id: $response.body#/id}
    outputs: {id: $steps.getUser.outputs.id}
  - workflowId: getRetry
    steps:
      - stepId: getUser
        operationId: getUser
        parameters: [{name: id, in: path, value: u1}]
        successCriteria: [{condition: $statusCode == 200}]
        onFailure: [{name: again, type: retry, retryAfter: 0, retryLimit: 2}]
  - workflowId: getHandled
    steps:
      - stepId: getUser
        operationId: getUser
        parameters: [{name: id, in: path, value: u1}]
        onFailure: [{name: toFallback, type: goto, stepId: fallback}]
        onSuccess: [{name: done, type: end}]
      - stepId: fallback
        operationId: getUser
        parameters: [{name: id, in: path, value: u2}]
  - workflowId: create
    steps:
      - stepId: createUser
        operationId: createUser
        requestBody:
          contentType: application/json
          payload: {name: ""}
        onFailure: [{name: again, type: retry, retryAfter: 0, retryLimit: 3}]
`

func contractPlan(t *testing.T) *Plan {
	t.Helper()
	return compileDoc(t, contractFlow, "users.openapi.yaml", contractAPI)
}

// usersServer answers GET /users/{id} with bodies[n] for the n-th call
// (the last one repeated) and POST /users with 201.
func usersServer(t *testing.T, bodies ...string) (*server, Options) {
	t.Helper()
	var n atomic.Int32
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		if r.Method == http.MethodPost {
			jsonReply(w, 201, `{"id":"u9"}`)
			return
		}
		i := int(n.Add(1)) - 1
		if i >= len(bodies) {
			i = len(bodies) - 1
		}
		jsonReply(w, 200, bodies[i])
	})
	return s, Options{Servers: map[string]string{"users": s.URL}}
}

func kinds(ps []contract.Problem) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.In+" "+string(p.Kind)+" "+p.Pointer)
	}
	return strings.Join(out, "; ")
}

func TestContractModes(t *testing.T) {
	p := contractPlan(t)
	tests := []struct {
		name     string
		mode     ContractMode
		wf       string
		bodies   []string
		success  bool
		trace    string
		problems string // of the first attempt
		reason   string // in Result.Err
	}{
		{name: "off records nothing", mode: ContractOff, wf: "get", bodies: []string{`{"id":"admin1"}`},
			success: true, trace: "getUser:200:PASS"},
		{name: "warn keeps the verdict", mode: ContractWarn, wf: "get", bodies: []string{`{"id":"admin1"}`},
			success: true, trace: "getUser:200:PASS", problems: "response schema /id"},
		{name: "warn, conforming", mode: ContractWarn, wf: "get", bodies: []string{`{"id":"u1"}`},
			success: true, trace: "getUser:200:PASS"},
		{name: "strict fails the step", mode: ContractStrict, wf: "get", bodies: []string{`{"id":"admin1"}`},
			trace: "getUser:200:FAIL", problems: "response schema /id",
			reason: `step "getUser": response does not match the OpenAPI description: response schema /id: "admin1" does not match pattern`},
		{name: "strict, conforming", mode: ContractStrict, wf: "get", bodies: []string{`{"id":"u1"}`},
			success: true, trace: "getUser:200:PASS"},
		{name: "strict: retry action applies", mode: ContractStrict, wf: "getRetry", bodies: []string{`{"id":"admin1"}`, `{"id":"u1"}`},
			success: true, trace: "getUser:200:FAIL getUser:200:PASS", problems: "response schema /id"},
		{name: "strict: goto action handles it", mode: ContractStrict, wf: "getHandled", bodies: []string{`{}`, `{"id":"u2"}`},
			success: true, trace: "getUser:200:FAIL fallback:200:PASS", problems: "response schema "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, o := usersServer(t, tt.bodies...)
			o.Contract = tt.mode
			res := mustRun(t, p, tt.wf, nil, o)
			if res.Success != tt.success || stepTrace(res) != tt.trace {
				t.Fatalf("success %v trace %q (err %v), want %v %q", res.Success, stepTrace(res), res.Err, tt.success, tt.trace)
			}
			if got := kinds(res.Steps[0].Contract); got != tt.problems {
				t.Errorf("problems %q, want %q", got, tt.problems)
			}
			if tt.reason != "" {
				if res.Err == nil || !strings.Contains(res.Err.Error(), tt.reason) {
					t.Errorf("error %v, want it to contain %q", res.Err, tt.reason)
				}
				var ce *ContractError
				if !errors.As(res.Err, &ce) || ce.In != "response" || len(ce.Problems) != 1 {
					t.Errorf("no *ContractError in %#v", res.Err)
				}
			}
			if tt.mode == ContractStrict && !res.Steps[0].Success && res.Steps[0].Outputs != nil {
				t.Errorf("failed attempt has outputs %v", res.Steps[0].Outputs)
			}
		})
	}
}

func TestCheckRequestsRefusesBadRequest(t *testing.T) {
	p := contractPlan(t)
	for _, check := range []bool{false, true} {
		s, o := usersServer(t, `{"id":"u1"}`)
		o.CheckRequests = check
		res := mustRun(t, p, "create", nil, o)
		sent := len(s.requests())
		if !check {
			if !res.Success || sent != 1 || len(res.Steps[0].Contract) != 0 {
				t.Errorf("unchecked: success %v, sent %d, problems %v", res.Success, sent, res.Steps[0].Contract)
			}
			continue
		}
		if res.Success || sent != 0 {
			t.Fatalf("checked: success %v, sent %d", res.Success, sent)
		}
		// Not retried: a retry would build the same request.
		if stepTrace(res) != "createUser:-:FAIL" || res.Steps[0].Request != nil {
			t.Errorf("trace %q, request %v", stepTrace(res), res.Steps[0].Request)
		}
		if got := kinds(res.Steps[0].Contract); got != "request schema /name" {
			t.Errorf("problems %q", got)
		}
		var ce *ContractError
		var be *BuildError
		if !errors.As(res.Err, &ce) || !errors.As(res.Err, &be) || ce.In != "request" {
			t.Errorf("error %#v", res.Err)
		}
		if !strings.Contains(res.Err.Error(), "request check: request does not match the OpenAPI description: request schema /name: minLength") {
			t.Errorf("error %v", res.Err)
		}
	}
}

// One Checker per document per Plan, shared by concurrent Runs.
func TestContractCheckerPerPlan(t *testing.T) {
	p := contractPlan(t)
	api := p.root.sources["users"].api
	if p.checker(api) != p.checker(api) {
		t.Fatal("a new Checker per call")
	}
	if q := contractPlan(t); q.checker(q.root.sources["users"].api) == p.checker(api) {
		t.Fatal("Checker shared across Plans")
	}
	_, o := usersServer(t, `{"id":"admin1"}`)
	o.Contract = ContractWarn
	var wg sync.WaitGroup
	var bad atomic.Int32
	for range 8 {
		wg.Go(func() {
			res, err := p.Run(context.Background(), "get", nil, o)
			if err != nil || !res.Success || len(res.Steps[0].Contract) != 1 {
				bad.Add(1)
			}
		})
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Errorf("%d concurrent runs went wrong", bad.Load())
	}
}
