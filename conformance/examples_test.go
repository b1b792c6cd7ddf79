package conformance

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/runtime"
)

// TestSpecExamplesLoad loads every official Arazzo 1.0.0 example with its
// OpenAPI descriptions through runtime.Load (the arazzo package already
// checks the schema fixtures and the examples' own diagnostics with
// arazzo.Parse; this adds the sources: operation ids, operation paths and
// loading errors), and compiles those that load cleanly.
//
// bnpl names its OpenAPI description by its public URL; the corpus copy is
// served in its place. LoginAndRetrievePets names the public Swagger
// petstore, which the corpus does not hold: its verdict is the load error.
func TestSpecExamplesLoad(t *testing.T) {
	dir := needCorpus(t, "spec/examples/1.0.0")
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"https://raw.githubusercontent.com/OAI/Arazzo-Specification/main/examples/1.0.0/bnpl-openapi.yaml": filepath.Join(abs, "bnpl-openapi.yaml"),
	}
	tests := []struct {
		file string
		// errors are the error diagnostics, "LINE:COL: message" (prefix
		// match, in order); none means the bundle must compile.
		errors []string
		why    string
	}{
		{file: "oauth.arazzo.yaml"},
		{
			file:   "pet-coupons.arazzo.yaml",
			errors: []string{`40:13: path parameter "pet_id" is not a variable of GET /pet/{petId}/coupons`},
			why:    "Parameter Object names are case sensitive: the operation's path variable is petId",
		},
		{
			file: "bnpl-arazzo.yaml",
			errors: []string{
				`231:16: $steps.authenticateCustomerAndAuthorizeLoan.outputs.redirectAuthToken: step "authenticateCustomerAndAuthorizeLoan" has no output "redirectAuthToken"`,
				`242:16: $steps.initiateBnplTransaction.outputs.loanTransactionId: step "initiateBnplTransaction" has no output "loanTransactionId"`,
				`253:16: $steps.initiateBnplTransaction.outputs.loanTransactionId: step "initiateBnplTransaction" has no output "loanTransactionId"`,
			},
			why: "the example's own mistakes (known upstream); the OpenAPI description itself loads and every operationId resolves",
		},
		{
			file:   "FAPI-PAR.arazzo.yaml",
			errors: []string{`102:22: no operation "PAR" in source "auth-api"`},
			why:    "operationIds are case sensitive: FAPI-PAR.openapi.yaml declares Par",
		},
		{
			file:   "ExtendedParametersExample.arazzo.yaml",
			errors: []string{`8:10: source description "animals": cannot load ./animals.yaml`},
			why:    "the example names ./animals.yaml, which the specification repository does not contain",
		},
		{
			file:   "LoginAndRetrievePets.arazzo.yaml",
			errors: []string{`10:8: source description "petStoreDescription": cannot load https://raw.githubusercontent.com/swagger-api/swagger-petstore/master/src/main/resources/openapi.yaml`},
			why:    "the public petstore description is not in the corpus and tests stay offline",
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			b, err := runtime.Load(context.Background(), filepath.Join(dir, tc.file), runtime.LoadOptions{HTTPClient: testClient(files)})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			var got []string
			for _, d := range b.Diagnostics.Errors() {
				got = append(got, shortDiag(d))
			}
			if len(got) != len(tc.errors) {
				t.Fatalf("errors:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(tc.errors, "\n      "))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.errors[i]) {
					t.Errorf("error %d:\n got: %s\nwant: %s...", i, got[i], tc.errors[i])
				}
			}
			if len(tc.errors) > 0 {
				t.Logf("verdict: %d errors (%s)", len(got), tc.why)
				return
			}
			if _, err := runtime.Compile(b); err != nil {
				t.Fatalf("Compile: %v", err)
			}
		})
	}
}
