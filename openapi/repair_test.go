package openapi

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestResolveNodePointer(t *testing.T) {
	src := `
a:
  b/c: 1
  "d~e": 2
  list: [x, y]
  "{id}": 3
anchor: &A {k: v}
alias: *A
`
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		t.Fatal(err)
	}
	doc := root.Content[0]
	tests := []struct {
		ptr   string
		found bool
	}{
		{"", true},
		{"/a", true},
		{"/a/b~1c", true},
		{"/a/d~0e", true},
		{"/a/list/1", true},
		{"/a/list/2", false},
		{"/a/list/-1", false},
		{"/a/list/x", false},
		{"/a/%7Bid%7D", true},
		{"/alias/k", true},
		{"/a/b~1c/deeper", false},
		{"/nope", false},
		{"a", false},
	}
	for _, tt := range tests {
		if got := resolveNodePointer(doc, tt.ptr) != nil; got != tt.found {
			t.Errorf("%q: found=%v, want %v", tt.ptr, got, tt.found)
		}
	}
}

func TestRepairDanglingRefs(t *testing.T) {
	src := "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/Nope'}\n    C: {$ref: 'other.yaml#/X'}\n"
	out, ws, ok := repairDanglingRefs([]byte(src))
	if !ok || len(ws) != 1 {
		t.Fatalf("ok=%v warnings=%v", ok, ws)
	}
	if ws[0].Pointer != "/components/schemas/B" || !strings.Contains(ws[0].Message, "line 6") {
		t.Errorf("warning %+v", ws[0])
	}
	s := string(out)
	if !strings.Contains(s, unresolvedRefKey+": '#/components/schemas/Nope'") || !strings.Contains(s, "other.yaml#/X") {
		t.Errorf("repaired document:\n%s", s)
	}
	if _, _, ok := repairDanglingRefs([]byte("openapi: 3.0.3\npaths: {}\n")); ok {
		t.Error("nothing to repair must report ok=false")
	}
	if _, _, ok := repairDanglingRefs([]byte("a: [")); ok {
		t.Error("unparsable input must report ok=false")
	}
}
