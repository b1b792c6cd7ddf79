package runtime

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"sync"
	"testing"
)

const seedPath = "../testdata/auth0/arazzo/auth0-provision-m2m-app-workflow.yml"

// auth0Server behaves like the three Auth0 Management API endpoints the
// seed workflow calls: it checks the request bodies and answers 201 with ids.
func auth0Server(t testing.TB, strict bool) *server {
	return newServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		var m map[string]any
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			jsonReply(w, 400, `{"error":"bad json"}`)
			return
		}
		if r.Header.Get("Content-Type") != "application/json" {
			jsonReply(w, 415, `{"error":"content type"}`)
			return
		}
		bad := func(field string) {
			if strict {
				t.Errorf("%s %s: bad %s in %s", r.Method, r.URL.Path, field, body)
			}
			jsonReply(w, 400, `{"error":"bad `+field+`"}`)
		}
		switch {
		case r.Method == "POST" && r.URL.Path == "/api/v2/resource-servers":
			if m["name"] != "Inventory API" || m["identifier"] != "https://inventory.example.com" {
				bad("name/identifier")
				return
			}
			scopes, _ := m["scopes"].([]any)
			if len(scopes) != 2 {
				bad("scopes")
				return
			}
			jsonReply(w, 201, `{"id":"rs_123","name":"Inventory API","identifier":"https://inventory.example.com"}`)
		case r.Method == "POST" && r.URL.Path == "/api/v2/clients":
			if m["name"] != "Inventory sync job" || len(m) != 1 {
				bad("name")
				return
			}
			jsonReply(w, 201, `{"client_id":"cl_456","name":"Inventory sync job"}`)
		case r.Method == "POST" && r.URL.Path == "/api/v2/client-grants":
			scope, _ := m["scope"].([]any)
			if m["client_id"] != "cl_456" || m["audience"] != "https://inventory.example.com" || len(scope) != 2 {
				bad("grant")
				return
			}
			jsonReply(w, 201, `{"id":"cgr_789","client_id":"cl_456"}`)
		default:
			jsonReply(w, 404, `{"error":"not found"}`)
		}
	})
}

func seedInputs(t testing.TB) map[string]any {
	data, err := os.ReadFile("../testdata/auth0/inputs.json")
	if err != nil {
		t.Skip("testdata/auth0/inputs.json absent")
	}
	var in map[string]any
	if err := json.Unmarshal(data, &in); err != nil {
		t.Fatal(err)
	}
	return in
}

var seed struct {
	once sync.Once
	plan *Plan
	err  error
}

// loadSeed loads and compiles the seed once for all tests (a Plan is
// immutable and reusable: this is also how embedders use it).
func loadSeed(t testing.TB) *Plan {
	t.Helper()
	seed.once.Do(func() {
		b, err := Load(context.Background(), seedPath, LoadOptions{})
		if err != nil {
			seed.err = err
			return
		}
		if b.Diagnostics.HasErrors() {
			seed.err = b.Diagnostics.Err()
			return
		}
		seed.plan, seed.err = Compile(b)
	})
	if seed.err != nil {
		t.Fatal(seed.err)
	}
	return seed.plan
}

func loadSeedUncached(t testing.TB) *Plan {
	t.Helper()
	b, err := Load(context.Background(), seedPath, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Diagnostics.HasErrors() {
		t.Fatalf("seed diagnostics:\n%v", b.Diagnostics.Err())
	}
	p, err := Compile(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAuth0SeedEndToEnd(t *testing.T) {
	p := loadSeed(t)
	srv := auth0Server(t, true)
	res := mustRun(t, p, "provision-m2m-app", seedInputs(t), Options{
		Servers: map[string]string{"auth0ManagementApi": srv.URL + "/api/v2"},
	})
	if !res.Success {
		t.Fatalf("failed: %v\n%s", res.Err, stepTrace(res))
	}
	want := map[string]any{"apiId": "rs_123", "clientId": "cl_456", "grantId": "cgr_789"}
	if !reflect.DeepEqual(res.Outputs, want) {
		t.Errorf("outputs = %v, want %v", res.Outputs, want)
	}
	if got := stepTrace(res); got != "createApi:201:PASS createClient:201:PASS createGrant:201:PASS" {
		t.Errorf("steps = %s", got)
	}
	out, _ := json.Marshal(res.Outputs)
	if string(out) != `{"apiId":"rs_123","clientId":"cl_456","grantId":"cgr_789"}` {
		t.Errorf("stdout form = %s", out)
	}
}

// A half-done provisioning reports what it created.
func TestAuth0SeedPartialOutputsOnFailure(t *testing.T) {
	p := loadSeed(t)
	srv := auth0Server(t, false)
	in := seedInputs(t)
	in["grantScopes"] = []any{"only-one"}
	res := mustRun(t, p, "provision-m2m-app", in, Options{
		Servers: map[string]string{"auth0ManagementApi": srv.URL + "/api/v2"},
	})
	if res.Success {
		t.Fatal("succeeded")
	}
	want := map[string]any{"apiId": "rs_123", "clientId": "cl_456"}
	if !reflect.DeepEqual(res.Outputs, want) {
		t.Errorf("outputs = %v, want %v", res.Outputs, want)
	}
	var se *StepError
	if !asStepError(res.Err, &se) || se.Step != "createGrant" {
		t.Fatalf("err = %v", res.Err)
	}
	if got := se.Reason; got != "$statusCode == 201: got 400 (HTTP 400)" {
		t.Errorf("reason = %q", got)
	}
}
