package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/runtime"
)

// cafeFake stands in for the Redocly Cafe API: GET /api/menu answers 200
// with one item, POST /api/oauth2/register answers 201 with the client.
// It records every request.
type cafeFake struct {
	mu    sync.Mutex
	calls []string
}

func (c *cafeFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.calls = append(c.calls, r.Method+" "+r.URL.Path)
	c.mu.Unlock()
	// The real Cafe API is an Express app.
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Powered-By", "Express")
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/menu" && r.URL.Query().Has("filter"):
		// The real API validates its query: filter is not a parameter.
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprint(w, `{"title":"Validation failed","status":400}`)
	case r.Method == http.MethodGet && r.URL.Path == "/api/menu":
		// The shape of the real API's list (see the respect snapshots).
		_, _ = fmt.Fprint(w, `{"object":"list","page":{"startCursor":null,"endCursor":null,"hasNextPage":false,"hasPrevPage":false,"limit":10,"total":1},"items":[{"id":"mermaid-treasure-latte","name":"Mermaid Treasure Latte"}]}`)
	case r.Method == http.MethodPost && r.URL.Path == "/api/oauth2/register":
		// Like the real API: a client needs a name (400 otherwise).
		var body struct {
			Name string `json:"name"`
		}
		if json.NewDecoder(r.Body).Decode(&body) != nil || body.Name == "" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprint(w, `{"title":"Validation failed","status":400}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = fmt.Fprintf(w, `{"name":%q,"clientId":"c-1"}`, body.Name)
	case r.Method == http.MethodPost && r.URL.Path == "/api/orders":
		// Orders need credentials the scenarios do not send.
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = fmt.Fprint(w, `{"title":"Unauthorized","status":401}`)
	case r.Method == http.MethodGet && r.URL.Path == "/api/menu-item-images/prd_0000000000seedtrams0000000":
		if !strings.Contains(r.Header.Get("Accept"), "text/plain") {
			w.Header().Set("Content-Type", "image/png")
			_, _ = fmt.Fprint(w, "\x89PNG")
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = fmt.Fprint(w, "A classic Italian tiramisu layered with mascarpone and espresso")
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = fmt.Fprint(w, `{"error":"not found"}`)
	}
}

func (c *cafeFake) record() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.calls...)
}

type respectCase struct {
	scenario, workflow string
	inputs             map[string]any
	steps              []string
	// headers are request headers each listed step attempt must have
	// sent ("stepId#attempt" -> name -> value; "" means not sent).
	headers map[string]map[string]string
	// urls are the request URLs of step attempts, without scheme and
	// host ("/api/menu?search=x").
	urls map[string]string
	// bodies are the exact request bodies of step attempts; jsonBodies
	// are compared as JSON values.
	bodies, jsonBodies map[string]string
	// errContains must be in Result.Err; runErr in the error Run returns
	// (nothing is sent then).
	errContains, runErr string
	success             bool
	calls               int
	// redocly is what the snapshot shows when it differs, with the rule
	// we follow; "" when Redocly's transcript shows the same.
	redocly string
	// rewrite replaces text in the document before loading (Redocly's
	// non-standard shorthands), each {old, new}.
	rewrite [][2]string
	// maxSteps is Options.MaxSteps; dead points the source (oas) at a
	// closed port, so every request fails in transport.
	maxSteps int
	dead     bool
	// basePath replaces "/api" as the base path of the Cafe source
	// (Options.Servers["cafe-api"]), for every document of the bundle.
	basePath string
	// file is the document's name when it is not <scenario>.arazzo.yaml.
	file string
	// outputs are workflow outputs the run must produce.
	outputs map[string]any
	// loadErrors are the error diagnostics Load must report, each
	// "LINE:COL: message" prefix, in order; nothing runs then.
	loadErrors []string
}

// TestRespectControlFlow runs Redocly respect e2e scenarios whose only
// remote dependency is the Cafe API, against a local fake of it, and
// compares the step sequence with Redocly's snapshot transcript
// (__snapshots__/*.snap: which steps ran, in which order, retries, which
// workflow actions fired). Where our runner departs from Redocly, the case
// says why, citing the spec, and asserts our sequence.
//
// Steps are written "stepId#attempt" with "!" for a failed attempt, in
// Result.Steps order (sub-workflow steps included, where they ran).
func TestRespectControlFlow(t *testing.T) {
	dir := needCorpus(t, "redocly-cli/tests/e2e/respect")
	cafe, err := filepath.Abs("testdata/cafe.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"https://cafe.redocly.com/_bundle/openapi/cafe.yaml": cafe}

	tests := []respectCase{
		{
			// Workflow successActions apply to a step without onSuccess; the
			// first action whose criteria hold wins (spec, Step Object:
			// "the first sequential action matching the criteria SHALL be
			// the action executed"); goto a workflow of an arazzo source.
			scenario: "workflow-success-actions", workflow: "get-menu-items",
			steps:   []string{"get-menu-items#1", "search-menu#1"},
			success: true, calls: 2,
		},
		{
			// A step's onSuccess goto (to another document's workflow)
			// transfers control for good: create-client never runs.
			scenario: "workflow-success-actions", workflow: "client-registration",
			steps:   []string{"list-menu-items#1", "search-menu#1"},
			success: true, calls: 2,
		},
		{
			// Workflow failureActions: retry (limit 1) running another
			// document's workflow first; once its limit is used up the next
			// matching failure action (goto that workflow) takes over.
			scenario: "workflow-failure-actions", workflow: "get-menu-items",
			steps:   []string{"get-menu-items#1!", "search-menu#1", "get-menu-items#2!", "search-menu#1"},
			success: true, calls: 4,
			redocly: "Redocly skips repeated-failure-action-2 (its comment: same criteria as action 1, so it 'should not be executed'), then goes on to step get-menu-items-2 (retried once) and fails the workflow. " +
				"We follow Failure Action retryLimit: \"The retryLimit MUST be exhausted prior to executing subsequent failure actions\" (so subsequent actions do run after it), and a failed step whose actions are all used up breaks the workflow (onFailure: \"the default behavior is to break and return\"), never continuing to the next step; the goto target's success is the workflow's outcome (runtime doc)",
		},
		{
			// onFailure end with matching criteria ends the workflow as a
			// failure before the goto and retry that follow it.
			scenario: "step-on-failure-type-end-action", workflow: "client-registration",
			steps:   []string{"list-menu-items#1!"},
			success: false, calls: 1,
		},
		{
			scenario: "step-on-failure-type-end-action", workflow: "get-menu-items",
			steps:   []string{"get-menu-items#1"},
			success: true, calls: 1,
		},
	}
	// reusable-components: workflow parameters (a component reference
	// with its value overridden, a header) apply to every step; a step's
	// own parameter wins by name and in; failure actions by reference.
	tests = append(tests, []respectCase{
		{
			scenario: "reusable-components", workflow: "client-registration",
			inputs: map[string]any{"store_id": "42", "my_pet_tags": []any{"one", "two"}},
			steps:  []string{"list-menu-items#1", "create-client#1!"},
			headers: map[string]map[string]string{
				"list-menu-items#1": {"pageSize": "256", "Authorization": "Basic Og==", "page": "1"},
			},
			errContains: "$workflows.get-menu-items.outputs.reusable-test",
			success:     false, calls: 1,
		},
		{
			// The workflow's inputs schema is {type: string} (a component
			// reused as the whole inputs): no inputs object satisfies it.
			scenario: "reusable-components", workflow: "get-menu-items",
			inputs: map[string]any{"reusable-test": "123"},
			runErr: "(inputs): got object, want string",
			redocly: "Redocly does not validate inputs and runs get-menu-items (goto final-workflow on the second step's failure). " +
				"We validate the inputs object against the workflow's inputs JSON Schema (Workflow Object, inputs) before sending anything",
		},
		{
			// onSuccess end: the workflow ends, successfully, before
			// create-client.
			scenario: "step-on-success-type-end-action", workflow: "client-registration",
			steps:   []string{"list-menu-items#1"},
			success: true, calls: 1,
		},
		{
			scenario: "step-on-success-type-end-action", workflow: "get-menu-items",
			steps:   []string{"get-menu-items#1"},
			success: true, calls: 1,
		},
	}...)

	// workflow-depends-on-*: Redocly writes operationId "cafe-api.listMenuItems",
	// a shorthand the spec does not have (Step Object, operationId: an
	// operationId, or $sourceDescriptions.<name>.<operationId>). As written
	// the document does not load; rewritten to the spec form it shows
	// dependsOn's control flow.
	qualify := [][2]string{{"operationId: cafe-api.listMenuItems", "operationId: $sourceDescriptions.cafe-api.listMenuItems"}}
	tests = append(tests, []respectCase{
		{
			scenario: "workflow-depends-on-failed", workflow: "failing-dependency",
			loadErrors: []string{
				`16:22: no operation "cafe-api.listMenuItems" in source "cafe-api"`,
				`24:22: no operation "cafe-api.listMenuItems" in source "cafe-api"`,
				`30:22: no operation "cafe-api.listMenuItems" in source "cafe-api"`,
			},
			redocly: "Redocly resolves the shorthand <source>.<operationId>; the spec only knows $sourceDescriptions.<source>.<operationId>",
		},
		{
			scenario: "workflow-depends-on-failed", workflow: "failing-dependency", rewrite: qualify,
			steps:   []string{"list-menu-items#1!"},
			success: false, calls: 1,
		},
		{
			// The dependency runs first and fails: the dependent fails
			// before any of its steps is sent (Redocly: "Dependent workflows
			// of workflow ... have failed steps").
			scenario: "workflow-depends-on-failed", workflow: "workflow-with-failing-depends-on", rewrite: qualify,
			steps:       []string{"list-menu-items#1!"},
			errContains: "failing-dependency",
			success:     false, calls: 1,
		},
		{
			scenario: "workflow-depends-on-failed", workflow: "independent-workflow", rewrite: qualify,
			steps:   []string{"list-menu-items-again#1"},
			success: true, calls: 1,
		},
		{
			scenario: "workflow-depends-on-not-found", workflow: "independent-workflow", rewrite: qualify,
			loadErrors: []string{
				`15:9: dependsOn refers to a workflow of source "cafe-api", which is not an arazzo description (type openapi)`,
			},
			redocly: "Redocly fails only workflow-with-broken-depends-on, at run time, and runs independent-workflow. " +
				"dependsOn names $sourceDescriptions.cafe-api.not-existing-workflow, and cafe-api is an openapi source: " +
				"Workflow Object dependsOn: \"If the workflow depended on is defined within a sourceDescription of type arazzo, then the value MUST be a $sourceDescriptions.<name>.<workflowId>\"; we reject the document statically, so nothing runs",
		},
	}...)
	// inputs-passed-to-step-target-workflow(-and-remapped): a workflow
	// step calling another document's workflow with one parameter.
	parentInputs := map[string]any{"PROJECT_CLIENT_ID": "0000001", "PROJECT_CLIENT_SECRET": "PROJECT_CLIENT_SECRET", "PROJECT_SUBSCRIPTION_KEY": "PROJECT_SUBSCRIPTION_KEY"}
	const jsonpathOnObject = "the criterion $[?@.title == 'Validation failed'] (type: jsonpath, i.e. RFC 9535) is a filter over the root's member values; on the object body {\"title\": ...} no member value has a title, so the nodelist is empty and the criterion fails (SPEC_NOTES 2.x: jsonpath passes on a non-empty nodelist). Redocly's evaluator selects the root itself and passes it"
	tests = append(tests, []respectCase{
		{
			scenario: "inputs-passed-to-step-target-workflow", workflow: "inputs-passed-to-step-target-workflow",
			inputs: parentInputs,
			// Results list a workflow step before the steps it ran.
			steps:   []string{"health-workflow#1!", "create-client#1!"},
			headers: map[string]map[string]string{"create-client#1": {"Authorization": "", "multi-word-secret": ""}},
			bodies:  map[string]string{"create-client#1": `{"price":800}`},
			success: false, calls: 1,
			errContains: "jsonpath $[?@.title == 'Validation failed'] on $response.body",
			redocly: "Redocly passes the parent's inputs on to the called workflow (its body carries PROJECT_CLIENT_ID...) and its criteria pass. " +
				"We pass only the step's parameters (Parameter Object, in: \"When the step in context specifies a workflowId, then all parameters map to workflow inputs\"), so the optional inputs the parent did not map are absent (runtime doc: left out), and " + jsonpathOnObject,
		},
		{
			scenario: "inputs-passed-to-step-target-workflow-and-remapped", workflow: "inputs-passed-to-step-target-workflow",
			inputs:  parentInputs,
			steps:   []string{"health-workflow#1!", "create-client#1!"},
			headers: map[string]map[string]string{"create-client#1": {"custom_price": "800", "Authorization": ""}},
			bodies:  map[string]string{"create-client#1": `{"price":800}`},
			success: false, calls: 1,
			errContains: "jsonpath $[?@.title == 'Validation failed'] on $response.body",
			redocly: "Redocly passes the parent's inputs, drops custom_price (the callee does not declare it; its header shows 'undefined') and passes. " +
				"We pass the step's parameters as the callee's inputs, undeclared ones included (its inputs schema allows additional properties), so custom_price reaches the header and the body; and " + jsonpathOnObject,
		},
	}...)
	tests = append(tests, respectCase{
		// A step output read from the request ($request.query.search) fills
		// the next step's path parameter; an Accept header parameter picks
		// the text/plain representation, compared as a string.
		scenario: "outputs-in-path-parameters", workflow: "photo-by-menu-item-id",
		rewrite: [][2]string{
			{"operationId: cafe-api.listMenuItems", "operationId: $sourceDescriptions.cafe-api.listMenuItems"},
			{"operationId: cafe-api.getMenuItemPhoto", "operationId: $sourceDescriptions.cafe-api.getMenuItemPhoto"},
		},
		steps:   []string{"search-menu-by-id#1", "get-menu-item-photo#1"},
		headers: map[string]map[string]string{"get-menu-item-photo#1": {"Accept": "text/plain"}},
		success: true, calls: 2,
	})
	tests = append(tests, respectCase{
		// A workflow step's outputs read the callee's outputs with
		// $outputs.<name> and $outputs.<name>#/pointer. Rewritten: the
		// shorthands, the legacy "$sourceDescriptions.x.workflows.<id>"
		// form (not in 1.0.1: $sourceDescriptions.<name>.<workflowId>), and
		// dot navigation into outputs (to #/pointers, as validate hints), so
		// the document loads; the other two workflows read outputs of
		// workflows that ran in an earlier Run (Redocly keeps them across
		// workflows of one file; a Run of ours does not), so only this one
		// runs.
		scenario: "outputs-access-syntax-variations", workflow: "get-menu-items",
		rewrite: [][2]string{
			{"operationId: cafe-api.listMenuItems", "operationId: $sourceDescriptions.cafe-api.listMenuItems"},
			{"$sourceDescriptions.menu-from-cafe-api.workflows.search-menu-items", "$sourceDescriptions.menu-from-cafe-api.search-menu-items"},
			{"$steps.list-menu-items.outputs.menuItems.page.limit", "$steps.list-menu-items.outputs.menuItems#/page/limit"},
			{"$workflows.client-registration.outputs.createdClientError.details.errors.0.message", "$workflows.client-registration.outputs.createdClientError#/details/errors/0/message"},
		},
		steps:   []string{"get-menu-items#1", "search-menu#1", "search-menu#1"},
		outputs: map[string]any{"itemsCount": 1}, // the fake's page.total
		success: true, calls: 2,
	})
	// Payload replacements: JSON pointers into a JSON payload taken whole
	// from an output (replacing members with a string, an expression's
	// value, an array), and into form-urlencoded payloads, a string
	// template and an object.
	formString := "      - stepId: step-with-form-urlencoded-replacements\n" +
		"        operationId: createOrder\n" +
		"        requestBody:\n" +
		"          contentType: application/x-www-form-urlencoded\n" +
		"          payload: customerName={$steps.first-step.outputs.menu#/object}&location=Lviv\n" +
		"          replacements:\n" +
		"            - target: /location\n" +
		"              value: 'New York'\n" +
		"        successCriteria:\n" +
		"          - condition: $statusCode == 401\n"
	tests = append(tests, respectCase{
		scenario: "replacements", workflow: "replacements",
		steps: []string{"first-step#1", "step-with-json-replacements#1", "step-with-form-urlencoded-replacements#1", "step-with-form-urlencoded-replacements-2#1"},
		jsonBodies: map[string]string{
			"step-with-json-replacements#1": `{"object":"my-custom-object","page":["2025-01-01"],"items":"list"}`,
		},
		// As Redocly does: the form string is read as a flat object, so
		// target /location replaces a field (runtime doc, Request bodies).
		bodies: map[string]string{
			"step-with-form-urlencoded-replacements#1":   "customerName=list&location=New+York",
			"step-with-form-urlencoded-replacements-2#1": "customerName=list&location=Jakarta",
		},
		headers: map[string]map[string]string{"step-with-json-replacements#1": {"Content-Type": "application/json"}},
		success: true, calls: 4,
	}, respectCase{
		// The same without the form-string step: the object form payload
		// takes the replacement.
		scenario: "replacements", workflow: "replacements", rewrite: [][2]string{{formString, ""}},
		steps: []string{"first-step#1", "step-with-json-replacements#1", "step-with-form-urlencoded-replacements-2#1"},
		bodies: map[string]string{
			"step-with-form-urlencoded-replacements-2#1": "customerName=list&location=Jakarta",
		},
		headers: map[string]map[string]string{
			"step-with-form-urlencoded-replacements-2#1": {"Content-Type": "application/x-www-form-urlencoded"},
		},
		success: true, calls: 3,
	})
	tests = append(tests, respectCase{
		// x-allowReserved is a Redocly extension on the Arazzo parameter;
		// a spec runner ignores x- fields, and the operation does not
		// declare filter, so it is serialized by the query defaults (form,
		// reserved characters percent-encoded). The unquoted YAML date
		// 2023-02-23 stays the string written.
		scenario: "x-allow-reserved-query-param", workflow: "allow-reserved", rewrite: qualify,
		steps: []string{"get-with-allow-reserved#1"},
		urls: map[string]string{
			"get-with-allow-reserved#1": "/api/menu?search=2023-02-23&filter=https%3A%2F%2Fexample.com%2Fpath%2Fto%3Bx%2Cy%28z%29a%2Ab.c%5B1%5D%40v",
		},
		success: true, calls: 1,
		redocly: "Redocly honours its x-allowReserved extension and sends filter=https://example.com/path/to;x,y(z)a*b.c[1]@v unencoded; extensions have no meaning for us (Specification Extensions), and OpenAPI's allowReserved defaults to false",
	})
	tests = append(tests, respectCase{
		// A server override by source name (Redocly: --server
		// cafe-api=https://cafe-api-bad-endpoint.com/cafe-api-bad-endpoint)
		// applies to the arazzo source's document too, base path included;
		// the fake has nothing there (404), so the search fails as Redocly's
		// did against the bad host.
		scenario: "server-override-with-console-parameters", workflow: "get-menu-items",
		basePath: "/cafe-api-bad-endpoint",
		steps:    []string{"search-menu#1!", "search-menu#1!"},
		urls:     map[string]string{"search-menu#1": "/cafe-api-bad-endpoint/menu?search=mermaid-treasure-latte"},
		success:  false, calls: 1,
	})
	tests = append(tests, respectCase{
		// An endless goto loop through a sub-workflow, stopped by the step
		// budget (Redocly: REDOCLY_CLI_RESPECT_MAX_STEPS=10 in the test).
		// Every request fails in transport. The nested workflow's step-2
		// fails and its onFailure end fails the nested workflow, so
		// with-nested fails and goes to ping, which loops on itself.
		scenario: "max-steps", file: "arazzo.yaml", workflow: "infinite", dead: true, maxSteps: 10,
		steps: []string{"pre-step#1!", "with-nested#1!", "step-1#1!", "step-2#1!",
			"ping#1!", "ping#1!", "ping#1!", "ping#1!", "ping#1!", "ping#1!"},
		errContains: "more than 10 step executions (MaxSteps)",
		success:     false, calls: 0,
		redocly: "Redocly counts 10 step executions without the workflow step with-nested (pre-step, step-1, step-2, then 7 pings); we count it (runtime Options.MaxSteps: sub-workflow steps included), so 6 pings run",
	})
	tests = append(tests, respectCase{
		// Header names are case-insensitive in parameters, $request.header
		// and $response.header alike; of three Content-Type parameters the
		// last one is sent.
		scenario: "case-insensitive-headers", workflow: "get-menu-items", rewrite: qualify,
		steps:   []string{"get-menu-items#1"},
		headers: map[string]map[string]string{"get-menu-items#1": {"Content-Type": "third", "CammelCasedHeader": "custom-header"}},
		success: true, calls: 1,
	})
	counts := map[string]int{}
	defer func() {
		t.Logf("respect scenarios: %d cases: %d agree with Redocly's transcript, %d differ on purpose (reason logged per case), %d known bugs (skipped), %d failed",
			len(tests), counts["agree"], counts["differ"], counts["bug"], counts["fail"])
	}()
	for _, tc := range tests {
		switch _, bug := knownFailures["respect/"+tc.scenario+"/"+tc.workflow]; {
		case bug:
			counts["bug"]++
		case tc.redocly != "":
			counts["differ"]++
		default:
			counts["agree"]++
		}
		t.Run(tc.scenario+"/"+tc.workflow, func(t *testing.T) {
			defer func() {
				if t.Failed() {
					counts["fail"]++
				}
			}()
			if why, ok := knownFailures["respect/"+tc.scenario+"/"+tc.workflow]; ok {
				t.Skip("known bug: " + why)
			}
			doc := filepath.Join(dir, tc.scenario, tc.scenario+".arazzo.yaml")
			if tc.file != "" {
				doc = filepath.Join(dir, tc.scenario, tc.file)
			}
			if len(tc.rewrite) > 0 {
				data, err := os.ReadFile(doc)
				if err != nil {
					t.Fatal(err)
				}
				text := string(data)
				for _, r := range tc.rewrite {
					if !strings.Contains(text, r[0]) {
						t.Fatalf("rewrite: %q not found", r[0])
					}
					text = strings.ReplaceAll(text, r[0], r[1])
				}
				// Same layout as the corpus: the scenario's document one
				// level below the shared ../cafe-menu.arazzo.yaml.
				tmp := t.TempDir()
				menu, err := os.ReadFile(filepath.Join(dir, "cafe-menu.arazzo.yaml"))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(tmp, "cafe-menu.arazzo.yaml"), menu, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Mkdir(filepath.Join(tmp, tc.scenario), 0o755); err != nil {
					t.Fatal(err)
				}
				doc = filepath.Join(tmp, tc.scenario, filepath.Base(doc))
				if err := os.WriteFile(doc, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			b, err := runtime.Load(context.Background(), doc, runtime.LoadOptions{HTTPClient: testClient(files)})
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.loadErrors) > 0 {
				var got []string
				for _, d := range b.Diagnostics.Errors() {
					got = append(got, shortDiag(d))
				}
				ok := len(got) == len(tc.loadErrors)
				for i := 0; ok && i < len(got); i++ {
					ok = strings.HasPrefix(got[i], tc.loadErrors[i])
				}
				if !ok {
					t.Fatalf("load errors:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(tc.loadErrors, "\n      "))
				}
				t.Logf("differs from Redocly respect on purpose: %s", tc.redocly)
				return
			}
			if b.Diagnostics.HasErrors() {
				t.Fatalf("load errors:\n%v", b.Diagnostics.Errors().Err())
			}
			plan, err := runtime.Compile(b)
			if err != nil {
				t.Fatal(err)
			}
			fake := &cafeFake{}
			hs := httptest.NewServer(fake)
			defer hs.Close()
			servers := map[string]string{"cafe-api": hs.URL + "/api"}
			if tc.basePath != "" {
				servers["cafe-api"] = hs.URL + tc.basePath
			}
			if tc.dead {
				closed := httptest.NewServer(fake)
				closed.Close() // connection refused from now on
				servers = map[string]string{"oas": closed.URL + "/api"}
			}
			res, err := plan.Run(context.Background(), tc.workflow, tc.inputs, runtime.Options{
				HTTPClient: testClient(nil),
				Servers:    servers,
				MaxSteps:   tc.maxSteps,
				// Retries wait retryAfter seconds: no real waiting in tests.
				Sleep: func(context.Context, time.Duration) error { return nil },
			})
			if tc.runErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.runErr) {
					t.Fatalf("Run error = %v, want one containing %q", err, tc.runErr)
				}
				if calls := fake.record(); len(calls) > 0 {
					t.Errorf("Run failed but sent %s", strings.Join(calls, ", "))
				}
				t.Logf("differs from Redocly respect on purpose: %s", tc.redocly)
				return
			}
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			var got []string
			for _, s := range res.Steps {
				e := fmt.Sprintf("%s#%d", s.StepID, s.Attempt)
				if !s.Success {
					e += "!"
				}
				got = append(got, e)
			}
			if strings.Join(got, " ") != strings.Join(tc.steps, " ") {
				t.Errorf("steps:\n got: %s\nwant: %s", strings.Join(got, " "), strings.Join(tc.steps, " "))
			}
			if res.Success != tc.success {
				t.Errorf("success = %v, want %v (err: %v)", res.Success, tc.success, res.Err)
			}
			for k, want := range tc.outputs {
				if got, ok := res.Outputs[k]; !ok || !equalJSON(got, want) {
					t.Errorf("output %s = %s, want %s (outputs: %s)", k, show(got), show(want), show(res.Outputs))
				}
			}
			if tc.errContains != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tc.errContains)) {
				t.Errorf("run error = %v, want one containing %q", res.Err, tc.errContains)
			}
			sentURL := map[string]bool{}
			defer func() {
				for key, want := range tc.urls {
					if !sentURL[key] {
						t.Errorf("step %s: nothing sent, want URL %s", key, want)
					}
				}
			}()
			for _, s := range res.Steps {
				key := fmt.Sprintf("%s#%d", s.StepID, s.Attempt)
				for name, v := range tc.headers[key] {
					switch {
					case s.Request == nil:
						t.Errorf("step %s: nothing sent, want header %s", key, name)
					case s.Request.Header.Get(name) != v:
						t.Errorf("step %s: header %s = %q, want %q", key, name, s.Request.Header.Get(name), v)
					}
				}
				// A workflow step and a step of the workflow it calls may
				// share an id: URLs are checked on the attempt that sent.
				if want, ok := tc.urls[key]; ok && s.Request != nil {
					sentURL[key] = true
					if got := strings.TrimPrefix(s.Request.URL, hs.URL); got != want {
						t.Errorf("step %s: URL %s, want %s", key, got, want)
					}
				}
				if want, ok := tc.jsonBodies[key]; ok {
					var got, w any
					switch {
					case s.Request == nil:
						t.Errorf("step %s: nothing sent, want body %s", key, want)
					case json.Unmarshal(s.Request.Body, &got) != nil || json.Unmarshal([]byte(want), &w) != nil || !equalJSON(got, w):
						t.Errorf("step %s: body %s, want (as JSON) %s", key, s.Request.Body, want)
					}
				}
				if want, ok := tc.bodies[key]; ok {
					switch {
					case s.Request == nil:
						t.Errorf("step %s: nothing sent, want body %s", key, want)
					case string(s.Request.Body) != want:
						t.Errorf("step %s: body %s, want %s", key, s.Request.Body, want)
					}
				}
			}
			if calls := fake.record(); len(calls) != tc.calls {
				t.Errorf("%d requests, want %d: %s", len(calls), tc.calls, strings.Join(calls, ", "))
			}
			if tc.redocly != "" {
				t.Logf("differs from Redocly respect on purpose: %s", tc.redocly)
			}
			if t.Failed() {
				for _, s := range res.Steps {
					t.Logf("%s#%d success=%v action=%s reason=%s", s.StepID, s.Attempt, s.Success, s.Action, s.Reason())
				}
			}
		})
	}
}
