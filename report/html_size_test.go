package report

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/mock"
	"github.com/arazzo-run/arazzo/runtime"
)

// TestHTMLSizeAuth0Seed runs the Auth0 seed workflow (the repository's
// testdata/auth0) against the OpenAPI mock and checks that its HTML report
// stays small enough to attach to a CI run: under 100 KB.
func TestHTMLSizeAuth0Seed(t *testing.T) {
	root := filepath.Join("..", "testdata", "auth0")
	wfFile := filepath.Join(root, "arazzo", "auth0-provision-m2m-app-workflow.yml")
	if _, err := os.Stat(wfFile); err != nil {
		t.Skipf("the Auth0 seed is not in this checkout: %v", err)
	}
	page := auth0SeedPage(t, wfFile, filepath.Join(root, "inputs.json"))
	const limit = 100_000
	if len(page) > limit {
		t.Errorf("the Auth0 seed report is %d bytes, over %d", len(page), limit)
	}
	t.Logf("Auth0 seed HTML report: %d bytes", len(page))
	for _, w := range []string{"✓ PASSED", "createApi", "createClient", "createGrant", "POST /client-grants"} {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	checkSelfContained(t, page)
}

func auth0SeedPage(t testing.TB, wfFile, inputsFile string) string {
	t.Helper()
	res, meta, opts := auth0SeedRun(t, wfFile, inputsFile)
	return writeHTML(t, res, meta, nil, opts)
}

// auth0SeedRun runs the Auth0 seed against the mock, offline.
func auth0SeedRun(t testing.TB, wfFile, inputsFile string) (*runtime.Result, Meta, HTMLOptions) {
	t.Helper()
	ctx := context.Background()
	b, err := runtime.Load(ctx, wfFile, runtime.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := runtime.Compile(b)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(inputsFile)
	if err != nil {
		t.Fatal(err)
	}
	var inputs map[string]any
	if err := json.Unmarshal(data, &inputs); err != nil {
		t.Fatal(err)
	}
	servers := map[string]string{}
	for name, doc := range b.OpenAPI {
		srv := httptest.NewServer(mock.New(doc, mock.Options{Seed: 1}))
		t.Cleanup(srv.Close)
		servers[name] = srv.URL + "/api/v2"
	}
	wf := b.Doc.Workflows[0].WorkflowID
	res, err := plan.Run(ctx, wf, inputs, runtime.Options{Servers: servers})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Success {
		t.Fatalf("the seed run failed: %v", res.Err)
	}
	meta := Meta{Tool: "arazzo", Version: "test", Document: wfFile, Inputs: inputs, Started: time.Now(), Steps: StepsOf(b.Doc)}
	return res, meta, HTMLOptions{Document: b.Doc}
}
