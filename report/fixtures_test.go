package report

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/runtime"
)

// Hand-built results: the report package must not depend on running
// workflows, only on the shapes runtime publishes.

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 678000000, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

func pos(line, col int) arazzo.Pos { return arazzo.Pos{File: "pets.arazzo.yaml", Line: line, Col: col} }

func pass(cond string, line int) runtime.CriterionResult {
	return runtime.CriterionResult{Condition: cond, Type: "simple", Pos: pos(line, 11), Passed: true}
}

func next() *runtime.ActionTaken {
	return &runtime.ActionTaken{Kind: arazzo.SuccessAction, Default: true}
}

// passingRun: three operation steps, all passing, with outputs.
func passingRun() (*runtime.Result, Meta) {
	steps := []*runtime.StepRun{
		{
			Workflow: "adoptPet", StepID: "listPets", Attempt: 1,
			OperationSource: "petstore", OperationID: "listPets", Method: "GET", PathTemplate: "/pets",
			Request: &runtime.RequestRecord{Method: "GET", URL: "http://127.0.0.1:8080/v1/pets?limit=2&status=available",
				Header: hdr("Accept", "application/json", "User-Agent", "arazzo/0.1")},
			Response: &runtime.ResponseRecord{StatusCode: 200, Header: hdr("Content-Type", "application/json"),
				Body: []byte(`[{"id":1,"name":"Rex","tag":"dog"},{"id":12345678901234567890,"name":"Tom","tag":"cat"}]`)},
			Criteria: []runtime.CriterionResult{pass("$statusCode == 200", 20)},
			Success:  true, Action: next(),
			Outputs: map[string]any{"firstId": int64(1)},
			Started: at(0), Duration: 12345 * time.Microsecond,
		},
		{
			Workflow: "adoptPet", StepID: "createPet", Attempt: 1,
			OperationSource: "petstore", OperationID: "createPet", Method: "POST", PathTemplate: "/pets",
			Request: &runtime.RequestRecord{Method: "POST", URL: "http://127.0.0.1:8080/v1/pets",
				Header: hdr("Content-Type", "application/json", "Accept", "application/json"),
				Body:   []byte(`{"name": "Fido", "tag": "dog", "notes": "<friendly> & \"calm\""}`)},
			Response: &runtime.ResponseRecord{StatusCode: 201,
				Header: hdr("Content-Type", "application/json; charset=utf-8", "Location", "/v1/pets/42"),
				Body:   []byte(`{"id":42,"name":"Fido","tag":"dog"}`)},
			Criteria: []runtime.CriterionResult{
				pass("$statusCode == 201", 30),
				{Condition: "$.name", Type: "jsonpath", Context: "$response.body", Pos: pos(31, 11), Passed: true},
			},
			Success: true, Action: next(),
			Outputs: map[string]any{"petId": json42()},
			Started: at(13), Duration: 20 * time.Millisecond,
		},
		{
			Workflow: "adoptPet", StepID: "getPet", Attempt: 1,
			OperationSource: "petstore", OperationID: "getPet", Method: "GET", PathTemplate: "/pets/{petId}",
			Request: &runtime.RequestRecord{Method: "GET", URL: "http://127.0.0.1:8080/v1/pets/42",
				Header: hdr("Accept", "application/json")},
			Response: &runtime.ResponseRecord{StatusCode: 200, Header: hdr("Content-Type", "text/plain"),
				Body: []byte("Fido the dog\nline two ✓\n")},
			Criteria: []runtime.CriterionResult{pass("$statusCode == 200", 40)},
			Success:  true,
			Action:   &runtime.ActionTaken{Kind: arazzo.SuccessAction, Name: "done", Type: arazzo.ActionEnd, Pos: pos(42, 9)},
			Outputs:  map[string]any{"summary": "Fido the dog"},
			Started:  at(34), Duration: 3 * time.Millisecond,
		},
	}
	res := &runtime.Result{
		WorkflowID: "adoptPet", Success: true,
		Outputs:  map[string]any{"petId": json42(), "names": []any{"Rex", "Tom"}},
		Steps:    steps,
		Duration: 40 * time.Millisecond,
	}
	meta := Meta{Tool: "arazzo", Version: "0.1.0-test", Document: "pets.arazzo.yaml",
		Inputs:  map[string]any{"limit": 2, "tag": "dog"},
		Started: t0,
		Steps:   map[string][]string{"adoptPet": {"listPets", "createPet", "getPet"}},
	}
	return res, meta
}

func json42() any { return int64(42) }

// retryRun: a step answered 503 with Retry-After, retried once, then
// failed with 409; the next step never ran.
func retryRun() (*runtime.Result, Meta) {
	failed503 := runtime.CriterionResult{Condition: "$statusCode == 201", Type: "simple", Pos: pos(25, 11),
		Explanation: "$statusCode == 201: got 503"}
	failed409 := failed503
	failed409.Explanation = "$statusCode == 201: got 409"
	selector := runtime.CriterionResult{Condition: "$statusCode == 503", Type: "simple", Pos: pos(28, 13), Passed: true}
	steps := []*runtime.StepRun{
		{
			Workflow: "placeOrder", StepID: "login", Attempt: 1,
			CalledWorkflow: "$sourceDescriptions.common.login", Depth: 0,
			Success: true, Action: next(),
			Outputs: map[string]any{"user": "alice"},
			Started: at(0), Duration: 5 * time.Millisecond,
		},
		{
			Workflow: "login", Source: "common", StepID: "whoami", Attempt: 1, Depth: 1,
			OperationSource: "users", OperationID: "whoami", Method: "GET", PathTemplate: "/me",
			Request:  &runtime.RequestRecord{Method: "GET", URL: "http://127.0.0.1:9090/me", Header: hdr()},
			Response: &runtime.ResponseRecord{StatusCode: 200, Header: hdr("Content-Type", "application/json"), Body: []byte(`{"user":"alice"}`)},
			Criteria: []runtime.CriterionResult{pass("$statusCode == 200", 8)},
			Success:  true, Action: next(),
			Started: at(1), Duration: 3 * time.Millisecond,
		},
		{
			Workflow: "placeOrder", StepID: "order", Attempt: 1,
			OperationSource: "shop", OperationID: "createOrder", Method: "POST", PathTemplate: "/orders",
			Request: &runtime.RequestRecord{Method: "POST", URL: "http://127.0.0.1:8080/orders",
				Header: hdr("Content-Type", "application/json"), Body: []byte(`{"item":"book","qty":1}`)},
			Response: &runtime.ResponseRecord{StatusCode: 503,
				Header: hdr("Retry-After", "1", "Content-Type", "text/html"), Body: []byte("<h1>busy</h1>")},
			Criteria: []runtime.CriterionResult{failed503},
			Err:      errors.New("$statusCode == 201: got 503"),
			Action: &runtime.ActionTaken{Kind: arazzo.FailureAction, Name: "again", Type: arazzo.ActionRetry,
				Criteria: []runtime.CriterionResult{selector}, RetryAfter: time.Second, RetryFromHeader: true,
				Retry: 1, RetryLimit: 1, Pos: pos(27, 9)},
			Started: at(6), Duration: 7 * time.Millisecond,
		},
		{
			Workflow: "placeOrder", StepID: "order", Attempt: 2,
			OperationSource: "shop", OperationID: "createOrder", Method: "POST", PathTemplate: "/orders",
			Request: &runtime.RequestRecord{Method: "POST", URL: "http://127.0.0.1:8080/orders",
				Header: hdr("Content-Type", "application/json"), Body: []byte(`{"item":"book","qty":1}`)},
			Response: &runtime.ResponseRecord{StatusCode: 409,
				Header: hdr("Content-Type", "application/problem+json"),
				Body:   []byte(`{"type":"about:blank","title":"duplicate order","status":409}`)},
			Criteria: []runtime.CriterionResult{failed409},
			Err:      errors.New("$statusCode == 201: got 409"),
			Action:   &runtime.ActionTaken{Kind: arazzo.FailureAction, Default: true},
			Started:  at(1014), Duration: 6 * time.Millisecond,
		},
	}
	res := &runtime.Result{
		WorkflowID: "placeOrder", Success: false,
		Outputs: map[string]any{"user": "alice"},
		Err: &runtime.StepError{Workflow: "placeOrder", Step: "order", Attempt: 2,
			Reason: "$statusCode == 201: got 409", Failed: []runtime.CriterionResult{failed409}},
		Steps:    steps,
		Duration: 1021 * time.Millisecond,
	}
	meta := Meta{Tool: "arazzo", Version: "0.1.0-test", Document: "shop.arazzo.yaml",
		Inputs:  map[string]any{"item": "book"},
		Started: t0,
		Steps:   map[string][]string{"placeOrder": {"login", "order", "confirm"}},
	}
	return res, meta
}

// The secrets of secretRun. Every one of them must be absent from every
// output, in clear, base64 or URL-escaped form.
const (
	secretToken        = "tok-SECRET-1234abcd"
	secretAPIKey       = "key-APIKEY+5678/efgh"
	secretClientSecret = "cs-CLIENTSECRET-90ij"
	secretPassword     = "hunter2-very-long"
	secretRefresh      = "rt-REFRESH-4242"
)

var allSecrets = []string{secretToken, secretAPIKey, secretClientSecret, secretPassword, secretRefresh}

// secretRun: a client-credentials token request, an API call with the
// token and an API key (header and query), responses echoing them, a body
// with a password, and a failure whose explanation quotes the token.
func secretRun() (*runtime.Result, Meta) {
	basic := base64.StdEncoding.EncodeToString([]byte("app:" + secretClientSecret))
	failed := runtime.CriterionResult{Condition: "$response.body#/token == 'x'", Type: "simple", Pos: pos(60, 11),
		Explanation: "$response.body#/token == 'x': got \"" + secretToken + "\""}
	steps := []*runtime.StepRun{
		{
			Workflow: "useAPI", StepID: "getToken", Attempt: 1,
			OperationSource: "auth", OperationID: "token", Method: "POST", PathTemplate: "/oauth/token",
			Request: &runtime.RequestRecord{Method: "POST", URL: "http://127.0.0.1:8081/oauth/token",
				Header: hdr("Authorization", "Basic "+basic, "Content-Type", "application/x-www-form-urlencoded"),
				Body:   []byte("grant_type=client_credentials&client_id=app&client_secret=" + strings.ReplaceAll(secretClientSecret, "-", "%2D") + "&scope=read")},
			Response: &runtime.ResponseRecord{StatusCode: 200, Header: hdr("Content-Type", "application/json", "Cache-Control", "no-store"),
				Body: []byte(`{"access_token":"` + secretToken + `","token_type":"Bearer","expires_in":3600,"refresh_token":"` + secretRefresh + `"}`)},
			Criteria: []runtime.CriterionResult{pass("$statusCode == 200", 50)},
			Success:  true, Action: next(),
			Outputs: map[string]any{"token": secretToken, "type": "Bearer"},
			Started: at(0), Duration: 4 * time.Millisecond,
		},
		{
			Workflow: "useAPI", StepID: "callAPI", Attempt: 1,
			OperationSource: "api", OperationID: "listThings", Method: "GET", PathTemplate: "/things",
			Request: &runtime.RequestRecord{Method: "GET",
				URL:    "http://127.0.0.1:8082/things?q=all&api_key=" + strings.NewReplacer("+", "%2B", "/", "%2F").Replace(secretAPIKey) + "&trace=" + secretToken,
				Header: hdr("Authorization", "Bearer "+secretToken, "X-Api-Key", secretAPIKey, "X-Trace", "t="+secretToken, "Cookie", "sid="+secretRefresh+"; theme=dark")},
			Response: &runtime.ResponseRecord{StatusCode: 200,
				Header: hdr("Content-Type", "application/json", "Set-Cookie", "sid="+secretRefresh+"; Path=/; HttpOnly", "X-Echo", "Bearer "+secretToken),
				Body:   []byte(`{"items":[{"id":1}],"debug":{"auth":"Bearer ` + secretToken + `","key":"` + secretAPIKey + `"}}`)},
			Criteria: []runtime.CriterionResult{pass("$statusCode == 200", 55)},
			Success:  true, Action: next(),
			Started: at(5), Duration: 2 * time.Millisecond,
		},
		{
			Workflow: "useAPI", StepID: "echo", Attempt: 1,
			OperationSource: "api", OperationID: "echo", Method: "POST", PathTemplate: "/echo",
			Request: &runtime.RequestRecord{Method: "POST", URL: "http://app:" + secretPassword + "@127.0.0.1:8082/echo",
				Header: hdr("Content-Type", "application/json"),
				Body:   []byte(`{"user":"alice","password":"` + secretPassword + `","nested":{"client_secret":"` + secretClientSecret + `"},"note":"key=` + secretAPIKey + `"}`)},
			Response: &runtime.ResponseRecord{StatusCode: 200, Header: hdr("Content-Type", "text/plain"),
				Body: []byte("you sent " + secretClientSecret + " and " + secretPassword + " and " + base64.StdEncoding.EncodeToString([]byte(secretToken)))},
			Criteria: []runtime.CriterionResult{failed},
			Err:      errors.New(failed.Explanation),
			Action:   &runtime.ActionTaken{Kind: arazzo.FailureAction, Default: true},
			Started:  at(8), Duration: 1 * time.Millisecond,
		},
	}
	res := &runtime.Result{
		WorkflowID: "useAPI", Success: false,
		Outputs: map[string]any{"token": secretToken, "auth": "Bearer " + secretToken},
		Err: &runtime.StepError{Workflow: "useAPI", Step: "echo", Attempt: 1,
			Reason: failed.Explanation, Failed: []runtime.CriterionResult{failed}},
		Steps:    steps,
		Duration: 10 * time.Millisecond,
	}
	meta := Meta{Tool: "arazzo", Version: "0.1.0-test", Document: "secrets.arazzo.yaml",
		Inputs:       map[string]any{"clientSecret": secretClientSecret, "apiKey": secretAPIKey, "user": "alice", "creds": map[string]any{"password": secretPassword}},
		SecretInputs: []string{"clientSecret"},
		Started:      t0,
	}
	return res, meta
}

// testRedactor is what the auth package gives the CLI: the known secrets
// and their base64 and URL-escaped forms replaced.
func testRedactor(secrets ...string) Redactor {
	var pairs []string
	for _, s := range secrets {
		pairs = append(pairs, s, Mask, base64.StdEncoding.EncodeToString([]byte(s)), Mask)
	}
	return strings.NewReplacer(pairs...).Replace
}
