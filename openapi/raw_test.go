package openapi

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

const rawDoc = `openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200":
          $ref: '#/components/responses/A'
  /b:
    get:
      operationId: getB
      responses:
        "200":
          description: ok
components:
  responses:
    A:
      description: a
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/A%20B'
  schemas:
    A B:
      type: object
      properties:
        list: {type: array, items: {type: integer}}
`

func TestRaw(t *testing.T) {
	file := filepath.Join(t.TempDir(), "doc.yaml")
	if err := os.WriteFile(file, []byte(rawDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	lazy, err := Load(context.Background(), file, LoadOptions{Operations: []string{"getA"}, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	full, err := Load(context.Background(), file, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		doc  *Document
		ptr  string
		want string // JSON of the value; "" for not found
	}{
		{lazy, "/paths/~1a/get/operationId", `"getA"`},
		// Through the response's $ref; the schema's own $ref is kept.
		{lazy, "/paths/~1a/get/responses/200/content/application~1json/schema", `{"$ref":"#/components/schemas/A%20B"}`},
		{lazy, "/components/schemas/A B/properties/list/items", `{"type":"integer"}`},
		{lazy, "/components/schemas/A B/properties/list/type", `"array"`},
		{lazy, "/paths/~1b/get", ""}, // not built (yet)
		{lazy, "/paths/~1a/get/responses/404", ""},
		{lazy, "paths", ""},
		{full, "/paths/~1a/get", ""}, // loaded in full: kin-openapi only
		{nil, "/paths", ""},
	} {
		v, ok := tc.doc.Raw(tc.ptr)
		got := ""
		if ok {
			got = string(mustMarshal(t, v))
		}
		if got != tc.want {
			t.Errorf("Raw(%q) = %s, want %s", tc.ptr, got, tc.want)
		}
	}
	// An operation built on lookup is there afterwards.
	if _, ok := lazy.OperationByID("getB"); !ok {
		t.Fatal("getB")
	}
	if _, ok := lazy.Raw("/paths/~1b/get"); !ok {
		t.Error("getB not in the raw form after its lookup")
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
