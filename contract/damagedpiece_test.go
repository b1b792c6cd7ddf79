package contract

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/arazzo-run/arazzo/openapi"
)

const damagedPieceDoc = `openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /things:
    get:
      operationId: getThing
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                allOf:
                  - $ref: '#/components/schemas/A'
                  - $ref: '#/components/schemas/B'
components:
  schemas:
    A:
      type: object
      required: [a]
      properties:
        a: {type: string}
    B:
      type: object
      properties:
        b: {type: string, description: zzzmarkerB}
`

// TestDamagedCachePieceFirstCheck (regression): a cached entry whose piece
// for component B is damaged makes the lazy loader rebuild its
// sub-document from the source; that used to replace the component maps
// the first (pruned) check had already walked, so the check converted
// maps it had not reached (as `true`) and accepted a body the full schema
// rejects.
func TestDamagedCachePieceFirstCheck(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(spec, []byte(damagedPieceDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	opts := openapi.LoadOptions{Operations: []string{"getThing"}, CacheDir: cache, SkipValidation: true}
	if _, err := openapi.Load(context.Background(), spec, opts); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(cache)
	var entry string
	for _, e := range ents {
		if filepath.Ext(e.Name()) == ".json" {
			entry = filepath.Join(cache, e.Name())
		}
	}
	b, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("zzzmarkerB"))
	if i < 0 {
		t.Fatal("marker not found")
	}
	b[i] ^= 1
	if err := os.WriteFile(entry, b, 0o600); err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"a":1,"b":"x"}`)
	h := map[string][]string{"Content-Type": {"application/json"}}
	for _, name := range []string{"warm-damaged", "nocache"} {
		o := opts
		if name == "nocache" {
			o.NoCache = true
		}
		d, err := openapi.Load(context.Background(), spec, o)
		if err != nil {
			t.Fatal(err)
		}
		c := New(d, Options{})
		op := operation(t, d, "getThing")
		first := c.CheckResponse(op, 200, h, body)
		second := c.CheckResponse(op, 200, h, body)
		t.Logf("%s: first %d problems: %s; second %d problems: %s", name, len(first), dump(first), len(second), dump(second))
		if len(first) == 0 || len(first) != len(second) {
			t.Errorf("%s: first (pruned) check and second (full) check differ, or /a (a number) was accepted", name)
		}
	}
}
