package conformance

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/runtime"
)

// TestJenticCrossSource runs jentic's test_data workflows whose
// expectations live in runner/tests/executor/
// test_workflow_with_multiple_api_sources.py (read upstream; only the data
// is in the corpus): two sources named by URLs, operationPath with a
// ~1-encoded path template, output chaining across sources. Each source
// gets its own local server, so routing is checked, not assumed.
//
// Expected (upstream test): listThenFetchPet -> petName "Fido", petTag
// "dog", 2 GETs; crossSourceWorkflow -> petName "Fido", username
// "fido_owner", 3 calls, the users call carries the id 42 chained from the
// petstore step, and every step has outputs.
func TestJenticCrossSource(t *testing.T) {
	dir := needCorpus(t, "jentic-arazzo-engine/runner/tests/test_data")
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"https://petstore.example.com/v1": filepath.Join(abs, "petstore/petstore.openapi.yaml"),
		"https://users.example.com/v1":    filepath.Join(abs, "mock_apis/users.openapi.yaml"),
	}
	pets := []mockSpec{
		{Path: "/v1/pets/42", Method: "get", Response: map[string]any{"id": 42, "name": "Fido", "tag": "dog"}},
		{Path: "/v1/pets", Method: "get", Response: []any{map[string]any{"id": 42, "name": "Fido"}, map[string]any{"id": 7, "name": "Whiskers"}}},
	}
	users := []mockSpec{
		{Path: "/v1/users/42", Method: "get", Response: map[string]any{"id": 42, "username": "fido_owner"}},
	}
	tests := []struct {
		doc, workflow       string
		outputs             map[string]any
		petCalls, userCalls []string
		stepsWithOutputs    []string
	}{
		{
			doc: "petstore/single_source.arazzo.yaml", workflow: "listThenFetchPet",
			outputs:  map[string]any{"petName": "Fido", "petTag": "dog"},
			petCalls: []string{"GET /v1/pets", "GET /v1/pets/42"},
		},
		{
			doc: "cross_source/cross_source.arazzo.yaml", workflow: "crossSourceWorkflow",
			outputs:          map[string]any{"petName": "Fido", "username": "fido_owner"},
			petCalls:         []string{"GET /v1/pets", "GET /v1/pets/42"},
			userCalls:        []string{"GET /v1/users/42"},
			stepsWithOutputs: []string{"listPetsStep", "getPetStep", "getUserStep"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.workflow, func(t *testing.T) {
			b, err := runtime.Load(context.Background(), filepath.Join(dir, tc.doc), runtime.LoadOptions{HTTPClient: testClient(files)})
			if err != nil {
				t.Fatal(err)
			}
			if b.Diagnostics.HasErrors() {
				t.Fatalf("load errors:\n%v", b.Diagnostics.Errors().Err())
			}
			plan, err := runtime.Compile(b)
			if err != nil {
				t.Fatal(err)
			}
			petSrv, userSrv := &mockServer{}, &mockServer{}
			for _, m := range pets {
				if err := petSrv.add(m, []string{""}); err != nil {
					t.Fatal(err)
				}
			}
			for _, m := range users {
				if err := userSrv.add(m, []string{""}); err != nil {
					t.Fatal(err)
				}
			}
			ph, uh := httptest.NewServer(petSrv), httptest.NewServer(userSrv)
			defer ph.Close()
			defer uh.Close()
			res, err := plan.Run(context.Background(), tc.workflow, nil, runtime.Options{
				HTTPClient: testClient(nil),
				Servers:    map[string]string{"petstore": ph.URL + "/v1", "users": uh.URL + "/v1"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Success {
				t.Errorf("run failed: %v", res.Err)
			}
			for k, want := range tc.outputs {
				if got, ok := res.Outputs[k]; !ok || !equalJSON(got, want) {
					t.Errorf("output %s = %s, want %s", k, show(got), show(want))
				}
			}
			pc, _ := petSrv.record()
			uc, _ := userSrv.record()
			if strings.Join(pc, ", ") != strings.Join(tc.petCalls, ", ") {
				t.Errorf("petstore calls: %v, want %v", pc, tc.petCalls)
			}
			if strings.Join(uc, ", ") != strings.Join(tc.userCalls, ", ") {
				t.Errorf("users calls: %v, want %v", uc, tc.userCalls)
			}
			for _, id := range tc.stepsWithOutputs {
				found := false
				for _, s := range res.Steps {
					if s.StepID == id && s.Success && len(s.Outputs) > 0 {
						found = true
					}
				}
				if !found {
					t.Errorf("step %s has no outputs", id)
				}
			}
		})
	}
}
