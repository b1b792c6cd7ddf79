package runtime

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

func TestWantedOperations(t *testing.T) {
	main := writeFiles(t, map[string]string{"main.arazzo.yaml": header + `
workflows:
  - workflowId: w
    steps:
      - stepId: a
        operationId: createPet
      - stepId: b
        operationId: $sourceDescriptions.pets.getPet
        parameters: [{name: petId, in: path, value: 1}]
      - stepId: c
        operationPath: '{$sourceDescriptions.pets.url}#/paths/~1pets/get'
`})
	b, err := Load(context.Background(), main, LoadOptions{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	got := wantedOperations(b.Doc)
	if !slices.Equal(got[""], []string{"createPet"}) || !slices.Equal(got["pets"], []string{"getPet", "/paths/~1pets/get"}) {
		t.Errorf("wanted operations %v", got)
	}
	// The source is loaded lazily: the three operations are built, the
	// others are known by id only until looked up.
	api := b.OpenAPI["pets"]
	if n := len(api.Operations()); n != 3 {
		t.Errorf("%d operations built, want 3", n)
	}
	if _, err := Compile(b); err != nil {
		t.Fatal(err)
	}
}

// TestSourceCacheSharedAcrossLoads: two documents naming the same
// description load it once with a shared SourceCache.
func TestSourceCacheSharedAcrossLoads(t *testing.T) {
	doc := func(op string) string {
		return header + `
workflows:
  - workflowId: w
    steps:
      - stepId: a
        operationId: ` + op + `
        successCriteria: [{condition: $statusCode == 200}]
`
	}
	main := writeFiles(t, map[string]string{"main.arazzo.yaml": doc("createPet"), "other.arazzo.yaml": doc("listPets")})
	other := filepath.Join(filepath.Dir(main), "other.arazzo.yaml")
	cache := NewSourceCache()
	b1, err := Load(context.Background(), main, LoadOptions{Sources: cache, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	b2, err := Load(context.Background(), other, LoadOptions{Sources: cache, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	if b1.OpenAPI["pets"] == nil || b1.OpenAPI["pets"] != b2.OpenAPI["pets"] {
		t.Fatal("the description was loaded twice")
	}
	if b2.Diagnostics.HasErrors() {
		t.Fatalf("diagnostics: %v", b2.Diagnostics)
	}
	// Without the cache, each Load has its own.
	b3, err := Load(context.Background(), other, LoadOptions{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	if b3.OpenAPI["pets"] == b1.OpenAPI["pets"] {
		t.Error("a Load without Sources shared a document")
	}
	if _, err := Compile(b2); err != nil {
		t.Fatal(err)
	}
}
