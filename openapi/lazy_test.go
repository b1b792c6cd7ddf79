package openapi

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// auth0Seed are the operations the Auth0 seed workflow calls.
var auth0Seed = []string{"post_resource-servers", "post_clients", "post_client-grants"}

// schemaShape describes a Schema field for comparisons: absent, an empty
// placeholder, or a schema (its $ref, if any).
func schemaShape(s any) string {
	sr, _ := s.(*openapi3.SchemaRef)
	switch {
	case sr == nil:
		return "none"
	case sr.Value == nil && sr.Ref == "":
		return "placeholder"
	}
	return "schema " + sr.Ref
}

// opShape renders everything of an operation, schemas as their shape, so
// that a lazily built operation can be compared with a fully loaded one.
func opShape(op *Operation) string { return opShapeMode(op, false) }

// opShapeBefore is opShape with every schema shown as a placeholder: what
// a lazily built operation holds before OpenAPI3 is called.
func opShapeBefore(op *Operation) string { return opShapeMode(op, true) }

func opShapeMode(op *Operation, placeholders bool) string {
	schemaShape := func(s any) string {
		if placeholders && s != nil {
			return "placeholder"
		}
		return schemaShape(s)
	}
	var b strings.Builder
	c := *op
	c.Parameters = nil
	c.RequestBody = nil
	c.Responses = nil
	fmt.Fprintf(&b, "%#v\n", c.ID+" "+c.Method+" "+c.Path+" "+c.Pointer+" "+c.Summary)
	fmt.Fprintf(&b, "dep=%v servers=%v sec=%v declared=%v ext=%v\n", c.Deprecated, c.Servers, c.Security, c.SecurityDeclared, c.Extensions)
	for _, p := range op.Parameters {
		q := *p
		q.Schema = nil
		fmt.Fprintf(&b, "param %+v %s\n", q, schemaShape(p.Schema))
	}
	content := func(ms []MediaType) {
		for _, m := range ms {
			fmt.Fprintf(&b, "  media %s %s example=%v\n", m.Type, schemaShape(m.Schema), m.Example)
		}
	}
	if op.RequestBody != nil {
		fmt.Fprintf(&b, "body required=%v\n", op.RequestBody.Required)
		content(op.RequestBody.Content)
	}
	for _, code := range sortedKeys(op.Responses) {
		r := op.Responses[code]
		fmt.Fprintf(&b, "response %s %q\n", code, r.Description)
		content(r.Content)
		for _, h := range sortedKeys(r.Headers) {
			fmt.Fprintf(&b, "  header %s %v %s\n", h, r.Headers[h].Required, schemaShape(r.Headers[h].Schema))
		}
	}
	return b.String()
}

func TestLazyMatchesFullAuth0(t *testing.T) {
	full := auth0(t)
	ids := full.OperationIDs()
	lazy, err := Load(context.Background(), auth0File, LoadOptions{Operations: ids, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	if lazy.lazy == nil {
		t.Fatal("the Auth0 description was not loaded lazily")
	}
	compareDocs(t, full, lazy, true)
}

// compareDocs checks that lazy (built from the generic tree) describes the
// same operations as full (built from kin-openapi).
func compareDocs(t *testing.T, full, lazy *Document, all bool) {
	t.Helper()
	if !slices.Equal(full.OperationIDs(), lazy.OperationIDs()) {
		t.Errorf("OperationIDs differ")
	}
	if lazy.Version != full.Version || lazy.Title != full.Title || !reflect.DeepEqual(lazy.Servers, full.Servers) || !reflect.DeepEqual(lazy.Security, full.Security) {
		t.Errorf("document fields differ:\n%+v\n%+v", lazy, full)
	}
	if !reflect.DeepEqual(lazy.SecuritySchemes, full.SecuritySchemes) {
		t.Errorf("security schemes differ")
	}
	lops := lazy.Operations()
	if all && len(lops) != len(full.Operations()) {
		t.Fatalf("%d operations built, want %d", len(lops), len(full.Operations()))
	}
	for _, op := range lops {
		fop, ok := full.OperationByPointer(op.Pointer)
		if !ok {
			t.Errorf("%s: not in the full load", op.Pointer)
			continue
		}
		got, want := opShape(op), opShapeBefore(fop)
		if got != want {
			t.Errorf("%s differs before OpenAPI3:\n got %s\nwant %s", op.Pointer, got, want)
		}
	}
	if lazy.OpenAPI3() == nil {
		t.Fatal("OpenAPI3 of the lazy document is nil")
	}
	for _, op := range lops {
		fop, _ := full.OperationByPointer(op.Pointer)
		if got, want := opShape(op), opShape(fop); got != want {
			t.Errorf("%s differs after OpenAPI3:\n got %s\nwant %s", op.Pointer, got, want)
		}
	}
}

func TestLazySeedAuth0(t *testing.T) {
	d, err := Load(context.Background(), auth0File, LoadOptions{Operations: auth0Seed, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	if d.lazy == nil {
		t.Fatal("not lazy")
	}
	if n := len(d.Operations()); n != 3 {
		t.Errorf("%d operations built, want 3", n)
	}
	if !d.HasOperationID("get_clients") || len(d.OperationIDs()) < 300 || !d.HasOperationPointer("/paths/~1clients/get") {
		t.Errorf("the index does not cover the whole document")
	}
	// Another operation is built on first lookup.
	op, ok := d.OperationByID("get_clients")
	if !ok || op.Method != "GET" || op.Path != "/clients" || len(op.Parameters) == 0 {
		t.Fatalf("get_clients: %v %+v", ok, op)
	}
	if n := len(d.Operations()); n != 4 {
		t.Errorf("%d operations built, want 4", n)
	}
	compareDocs(t, auth0(t), d, false)
	kin := d.OpenAPI3()
	if kin.Paths.Value("/clients") == nil || kin.Paths.Value("/users") != nil {
		t.Errorf("the kin-openapi document should hold exactly the operations built")
	}
}

// TestLazyFallbacks: documents the lazy path does not handle load in full,
// with the same result as without Operations.
func TestLazyFallbacks(t *testing.T) {
	for _, tc := range []struct {
		file string
		ops  []string
		lazy bool
	}{
		{"petstore-3.0.yaml", []string{"listPets"}, true},
		{"swagger-2.0.yaml", []string{"listPets"}, false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			if _, err := os.Stat(path); err != nil {
				t.Skip(err)
			}
			full := loadT(t, tc.file)
			d, err := Load(context.Background(), path, LoadOptions{Operations: tc.ops, NoCache: true})
			if err != nil {
				t.Fatal(err)
			}
			if (d.lazy != nil) != tc.lazy {
				t.Errorf("lazy = %v, want %v", d.lazy != nil, tc.lazy)
			}
			if !slices.Equal(d.OperationIDs(), full.OperationIDs()) {
				t.Errorf("ids %v, want %v", d.OperationIDs(), full.OperationIDs())
			}
			for _, id := range full.OperationIDs() {
				a, _ := d.OperationByID(id)
				b, _ := full.OperationByID(id)
				if a == nil || opShapeBefore(a) != opShapeBefore(b) {
					t.Errorf("%s differs", id)
				}
			}
		})
	}
}

func TestLazyConcurrentLookups(t *testing.T) {
	d, err := Load(context.Background(), auth0File, LoadOptions{Operations: auth0Seed, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	ids := d.OperationIDs()[:40]
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, id := range ids {
				if _, ok := d.OperationByID(id); !ok {
					t.Errorf("%s not found", id)
				}
			}
			d.OpenAPI3()
		}()
	}
	wg.Wait()
}
