package openapi

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadData checks that no document makes loading panic.
func FuzzLoadData(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && len(b) < 8<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"parameters":[{"$ref":"#/x"}],"responses":{}}}}}`))
	f.Add([]byte("swagger: '2.0'\npaths: {/a: {get: {parameters: [{in: body, name: b}]}}}\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := LoadData(context.Background(), data, filepath.Join(dir, "fuzz.yaml"), LoadOptions{})
		if err != nil {
			return
		}
		for _, op := range d.Operations() {
			if _, ok := d.OperationByPointer(op.Pointer); !ok {
				t.Fatalf("operation %s not found by its own pointer", op.Pointer)
			}
		}
	})
}

// FuzzSerialize checks that no JSON value or parameter makes serialization
// panic, and that header values never carry line breaks.
func FuzzSerialize(f *testing.F) {
	f.Add(`{"R":100,"G":[1,2],"B":{"x":null}}`, "query", "deepObject", true, true)
	f.Add(`["a,b","c d"]`, "path", "matrix", false, false)
	f.Add(`"a\r\nb"`, "header", "simple", false, false)
	f.Add(`null`, "cookie", "form", true, false)
	f.Fuzz(func(t *testing.T, js, in, style string, explode, allowReserved bool) {
		var v any
		if json.Unmarshal([]byte(js), &v) != nil {
			return
		}
		p := &Parameter{Name: "p", In: in, Style: style, Explode: explode, AllowReserved: allowReserved}
		s, err := p.Serialize(v)
		if err == nil && in == "header" {
			for _, c := range []byte(s) {
				if c == '\r' || c == '\n' || c == 0 {
					t.Fatalf("header value %q", s)
				}
			}
		}
	})
}
