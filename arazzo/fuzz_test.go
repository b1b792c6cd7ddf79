package arazzo

import (
	"os"
	"path/filepath"
	"testing"
)

const seedWorkflow = "../testdata/auth0/arazzo/auth0-provision-m2m-app-workflow.yml"

// FuzzParse feeds whole documents to Parse: it must never panic, must return
// a document whenever the bytes are YAML, and every diagnostic must carry a
// position in the file.
func FuzzParse(f *testing.F) {
	seeds := []string{
		head + "      - {stepId: a, operationId: x, successCriteria: [{condition: $statusCode == 200}]}\n",
		modelDoc,
		"arazzo: 1.1.0\n",
		"- a\n",
		"a: &a [*a]\n",
		"{\"arazzo\": \"1.0.1\", \"workflows\": [{\"steps\": [{\"onSuccess\": [{\"reference\": \"$components.successActions.x\"}]}]}]}",
	}
	if data, err := os.ReadFile(seedWorkflow); err == nil {
		seeds = append(seeds, string(data))
	}
	if files, err := filepath.Glob("testdata/*.yaml"); err == nil {
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				seeds = append(seeds, string(data))
			}
		}
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, ds := Parse(data, "f.yaml")
		for _, d := range ds {
			if d.Pos.File != "f.yaml" || d.Message == "" {
				t.Fatalf("bad diagnostic %#v", d)
			}
		}
		if doc == nil {
			return
		}
		doc.Check(Sources{OpenAPI: map[string]OperationSource{"api": fakeSource{ids: []string{"x"}}}})
		for _, w := range doc.Workflows {
			if w.Inputs != nil {
				_ = w.Inputs.Validate(map[string]any{"a": 1.0})
			}
		}
	})
}

// BenchmarkParseSeed parses the Auth0 seed workflow.
func BenchmarkParseSeed(b *testing.B) {
	data, err := os.ReadFile(seedWorkflow)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, ds := Parse(data, seedWorkflow); ds.HasErrors() {
			b.Fatal(ds.Err())
		}
	}
}
