package conformance

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/runtime"
)

// TestValidationOracles compares runtime.Load's verdict with other tools'
// verdicts on the same documents: Redocly's lint e2e snapshots
// (tests/e2e/lint/*/snapshot.txt) and usearazzo's validator fixtures
// (arazzo-full-valid.yaml / arazzo-full-invalid.yaml, a binary oracle).
//
// The Redocly lint documents name museum-api.yaml, which the corpus does
// not hold; that load error is expected and is the only one on the valid
// document.
func TestValidationOracles(t *testing.T) {
	needCorpus(t, "redocly-cli/tests/e2e/lint")
	const noMuseum = `source description "museum-api": cannot load museum-api.yaml`
	tests := []struct {
		file string
		// errors must each prefix one error diagnostic ("LINE:COL: message");
		// exact means no other error may be reported.
		errors []string
		exact  bool
		// invalid: at least one error (binary oracle), when errors is empty.
		invalid bool
		note    string
	}{
		{
			file:   "redocly-cli/tests/e2e/lint/arazzo-valid-test-description/museum.yaml",
			errors: []string{"12:10: " + noMuseum},
			exact:  true,
			note:   "Redocly: valid",
		},
		{
			file: "redocly-cli/tests/e2e/lint/arazzo-not-valid-test-description/museum.yaml",
			errors: []string{
				`1:1: document is missing required field "info"`,
				"6:10: " + noMuseum,
				`9:5: workflow "get-museum-tickets" is missing required field "steps"`,
				`17:17: $steps.buy-tickets.outputs.ticketId: no step "buy-tickets"`,
			},
			exact: true,
			note:  "Redocly: the same three problems (the undefined step as a warning; for us an expression naming a step that does not exist can never evaluate, so it is an error)",
		},
		{
			file: "redocly-cli/tests/e2e/lint/arazzo-type-extensions-with-plugin/museum.yaml",
			errors: []string{
				`8:3: unknown field "wrong-key" in info`,
				`9:3: unknown field "metadata" in info`,
				"15:10: " + noMuseum,
			},
			exact: true,
			note:  "Redocly reports wrong-key too; it accepts metadata only because the test's plugin declares it as a type extension (we have no plugins: Info Object fields are closed, extensions start with x-)",
		},
		{
			file:  "usearazzo-arazzo-toolkit/packages/validator/test/fixtures/arazzo-full-valid.yaml",
			exact: true,
			note:  "usearazzo: valid",
		},
		{
			file:    "usearazzo-arazzo-toolkit/packages/validator/test/fixtures/arazzo-full-invalid.yaml",
			invalid: true,
			errors: []string{
				`3:3: info is missing required field "title"`,
				`6:5: source description is missing required field "name"`,
				`9:5: workflow is missing required field "workflowId"`,
				`19:9: step is missing required field "stepId"`,
			},
			note: "usearazzo: invalid",
		},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(filepath.Dir(tc.file))+"/"+filepath.Base(tc.file), func(t *testing.T) {
			doc := needCorpus(t, tc.file)
			b, err := runtime.Load(context.Background(), doc, runtime.LoadOptions{HTTPClient: testClient(nil)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range b.Diagnostics.Errors() {
				got = append(got, shortDiag(d))
			}
			if tc.invalid && len(got) == 0 {
				t.Fatalf("no error reported; want the document rejected (%s)", tc.note)
			}
			used := make([]bool, len(got))
			for _, w := range tc.errors {
				found := false
				for i, g := range got {
					if !used[i] && strings.HasPrefix(g, w) {
						used[i], found = true, true
						break
					}
				}
				if !found {
					t.Errorf("missing error %q", w)
				}
			}
			if tc.exact {
				for i, g := range got {
					if !used[i] {
						t.Errorf("unexpected error %q", g)
					}
				}
			}
			if t.Failed() {
				t.Logf("all errors:\n  %s\n(%s)", strings.Join(got, "\n  "), tc.note)
			}
		})
	}
}
