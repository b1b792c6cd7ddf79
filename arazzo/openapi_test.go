package arazzo_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/openapi"
)

const corpus = "../../shared/corpus"

// loadSources loads the OpenAPI sources of doc, relative to its file.
func loadSources(t *testing.T, doc *arazzo.Document, cache map[string]*openapi.Document) arazzo.Sources {
	t.Helper()
	src := arazzo.Sources{OpenAPI: map[string]arazzo.OperationSource{}}
	for _, sd := range doc.SourceDescriptions {
		if sd.Type == arazzo.SourceArazzo {
			continue
		}
		loc := filepath.Join(filepath.Dir(doc.File), sd.URL)
		od, ok := cache[loc]
		if !ok {
			var err error
			od, err = openapi.Load(context.Background(), loc, openapi.LoadOptions{})
			if err != nil {
				t.Fatalf("%s: %v", loc, err)
			}
			cache[loc] = od
		}
		src.OpenAPI[sd.Name] = od
	}
	return src
}

// TestAuth0AgainstOpenAPI: the Auth0 seed and its 19 siblings validate clean
// against the real Auth0 Management API description: every operationId
// resolves. Four siblings write pseudo-JSONPath criteria ("$.length > 0"),
// a real violation of the spec (RFC 9535 queries cannot compare), which
// Parse reports with a hint; nothing else may be reported.
func TestAuth0AgainstOpenAPI(t *testing.T) {
	files := []string{"../testdata/auth0/arazzo/auth0-provision-m2m-app-workflow.yml"}
	if _, err := os.Stat(corpus); err == nil {
		more, _ := filepath.Glob(filepath.Join(corpus, "apievangelist/auth0/arazzo/*.yml"))
		if len(more) != 19 {
			t.Errorf("%d auth0 siblings, want 19", len(more))
		}
		files = append(files, more...)
	} else {
		t.Logf("corpus absent: checking the seed only")
	}
	cache := map[string]*openapi.Document{}
	for i, f := range files {
		doc, ds := arazzo.ParseFile(f)
		for _, d := range ds.Errors() {
			if i == 0 || !strings.HasPrefix(d.Message, "invalid jsonpath condition") || !strings.Contains(d.Hint, "Use a simple condition") {
				t.Errorf("%s", d)
			}
		}
		if doc == nil {
			continue
		}
		if cds := doc.Check(loadSources(t, doc, cache)); len(cds) > 0 {
			t.Errorf("%s: Check:\n%v", f, cds)
		}
	}
}

// TestUnqualifiedOperationIDs: a document with two OpenAPI sources and plain
// operationIds (57 api-evangelist documents do this) gets an error per step
// with the qualified form in the hint.
func TestUnqualifiedOperationIDs(t *testing.T) {
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("corpus not found at %s", corpus)
	}
	f := filepath.Join(corpus, "apievangelist/asana/arazzo/asana-offboard-user-workflow.yml")
	doc, ds := arazzo.ParseFile(f)
	if ds.HasErrors() {
		t.Fatal(ds.Err())
	}
	cds := doc.Check(loadSources(t, doc, map[string]*openapi.Document{}))
	var got []string
	for _, d := range cds {
		got = append(got, strings.TrimPrefix(d.String(), f+":"))
	}
	want := []string{
		`42:18: error: operationId "removeUserForTeam" must be written $sourceDescriptions.<name>.removeUserForTeam: the document has 2 OpenAPI source descriptions (hint: it is unique to source "teamsApi": write $sourceDescriptions.teamsApi.removeUserForTeam)`,
		`56:18: error: operationId "removeUserForWorkspace" must be written $sourceDescriptions.<name>.removeUserForWorkspace: the document has 2 OpenAPI source descriptions (hint: it is unique to source "workspacesApi": write $sourceDescriptions.workspacesApi.removeUserForWorkspace)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
