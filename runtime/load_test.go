package runtime

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoadSourceFailureIsADiagnosticAtTheURL(t *testing.T) {
	path := writeFiles(t, map[string]string{"main.arazzo.yaml": `arazzo: 1.0.1
info: {title: t, version: 1.0.0}
sourceDescriptions:
  - name: pets
    url: ./pets.openapi.yaml
    type: openapi
  - name: missing
    url: ./nowhere.yaml
    type: openapi
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: $sourceDescriptions.pets.status
`})
	b, err := Load(context.Background(), path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, d := range b.Diagnostics {
		if strings.Contains(d.Message, `source description "missing"`) {
			found = true
			if d.Pos.Line != 8 || d.Pos.Col != 10 {
				t.Errorf("position = %v, want line 8 col 10", d.Pos)
			}
		}
	}
	if !found || !b.Diagnostics.HasErrors() {
		t.Fatalf("diagnostics = %v", b.Diagnostics)
	}
	if b.OpenAPI["pets"] == nil {
		t.Error("the loadable source was not loaded")
	}
	if _, err := Compile(b); err == nil {
		t.Error("Compile accepted a bundle with errors")
	}
}

func TestLoadMainDocumentUnreadable(t *testing.T) {
	_, err := Load(context.Background(), filepath.Join(t.TempDir(), "none.yaml"), LoadOptions{})
	if err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("err = %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

// Over HTTP: relative URLs resolve against the document's URL, each URL is
// fetched once per Load although two documents name it, and a cycle of
// arazzo sources terminates.
func TestLoadOverHTTPOncePerURLAndCycles(t *testing.T) {
	api := petsAPI(t)
	docs := map[string]string{
		"/specs/main.arazzo.yaml": `arazzo: 1.0.1
info: {title: main, version: 1.0.0}
sourceDescriptions:
  - {name: pets, url: ../apis/pets.yaml, type: openapi}
  - {name: petsAgain, url: /apis/pets.yaml, type: openapi}
  - {name: other, url: other.arazzo.yaml, type: arazzo}
workflows:
  - workflowId: main
    steps:
      - stepId: call
        workflowId: $sourceDescriptions.other.sub
`,
		"/specs/other.arazzo.yaml": `arazzo: 1.0.1
info: {title: other, version: 1.0.0}
sourceDescriptions:
  - {name: pets, url: ../apis/pets.yaml, type: openapi}
  - {name: back, url: main.arazzo.yaml, type: arazzo}
workflows:
  - workflowId: sub
    steps:
      - stepId: s
        operationId: status
`,
		"/apis/pets.yaml": api,
	}
	var mu sync.Mutex
	hits := map[string]int{}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		d, ok := docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		w.Write([]byte(d))
	})
	b, err := Load(context.Background(), srv.URL+"/specs/main.arazzo.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Diagnostics.HasErrors() {
		t.Fatalf("diagnostics:\n%v", b.Diagnostics.Err())
	}
	for path, n := range hits {
		if n != 1 {
			t.Errorf("%s fetched %d times", path, n)
		}
	}
	if len(hits) != 3 {
		t.Errorf("hits = %v", hits)
	}
	if b.OpenAPI["pets"] != b.OpenAPI["petsAgain"] || b.Arazzo["other"].OpenAPI["pets"] != b.OpenAPI["pets"] {
		t.Error("the same URL gave different documents")
	}
	if b.Arazzo["other"].Arazzo["back"] != b {
		t.Error("the cycle back to main is not the main bundle")
	}
	p, err := Compile(b)
	if err != nil {
		t.Fatal(err)
	}
	api2 := okServer(t)
	res := mustRun(t, p, "main", nil, Options{Servers: map[string]string{"pets": api2.URL + "/v1"}})
	if !res.Success {
		t.Fatal(res.Err)
	}
}
