package contract

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/arazzo-run/arazzo/openapi"
)

// TestLazy runs the checks again on lazily loaded documents, where the
// schemas come from the generic form (openapi.Document.Raw) and
// kin-openapi is never asked for.
func TestLazy(t *testing.T) {
	lazyLoads = true
	defer func() { lazyLoads = false }()
	for _, tc := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"CheckResponse", TestCheckResponse},
		{"CheckRequest", TestCheckRequest},
		{"MaxProblemsAndBodyCap", TestMaxProblemsAndBodyCap},
		{"ConcurrentFirstUse", TestConcurrentFirstUse},
		{"Auth0Compiles", TestAuth0Compiles},
		{"Auth0SeedConforms", TestAuth0SeedConforms},
	} {
		t.Run(tc.name, tc.f)
	}
}

// A check on a lazily loaded document converts from the generic form and
// never decodes the description with kin-openapi; it compiles only the
// schema of the status and media type received.
func TestLazyNoKin(t *testing.T) {
	d, err := openapi.Load(context.Background(), "testdata/users-3.1.yaml", openapi.LoadOptions{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	c := New(d, Options{})
	op := operation(t, d, "listUsers")
	h := map[string][]string{"Content-Type": {"application/json"}}
	if ps := c.CheckResponse(op, 200, h, usersBody()); len(ps) != 0 {
		t.Fatal(dump(ps))
	}
	e := c.operation(op)
	if !e.raw {
		t.Error("the raw form was not used")
	}
	if c.kinUsed {
		t.Error("kin-openapi was asked for the document")
	}
	e.mu.Lock()
	n := len(e.m)
	e.mu.Unlock()
	if n != 1 {
		t.Errorf("%d schemas compiled for one response, want 1", n)
	}
}

// The generic converter produces the same JSON Schema documents as the
// kin-openapi one, for every schema of the test descriptions and of the
// Auth0 seed operations, and for the components they reach.
func TestRawConverterMatchesKin(t *testing.T) {
	type docPair struct {
		name       string
		full, lazy func(testing.TB) *openapi.Document
		ops        []string
	}
	load := func(file string, lazy bool) func(testing.TB) *openapi.Document {
		return func(t testing.TB) *openapi.Document {
			d, err := openapi.Load(context.Background(), "testdata/"+file, openapi.LoadOptions{Lazy: lazy, NoCache: true})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
	}
	seed := make([]string, len(seedOps))
	for i, s := range seedOps {
		seed[i] = s.id
	}
	pairs := []docPair{
		{"users", load("users-3.1.yaml", false), load("users-3.1.yaml", true), nil},
		{"pets", load("pets-3.0.yaml", false), load("pets-3.0.yaml", true), nil},
		{"keywords-3.1", load("keywords-3.1.yaml", false), load("keywords-3.1.yaml", true), nil},
		{"keywords-3.0", load("keywords-3.0.yaml", false), load("keywords-3.0.yaml", true), nil},
		{"auth0", auth0, auth0Lazy, seed},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			full, lazy := p.full(t), p.lazy(t)
			ops := p.ops
			if ops == nil {
				for _, op := range full.Operations() {
					ops = append(ops, op.ID)
				}
			}
			ck := New(full, Options{})
			cr := New(lazy, Options{})
			full.OpenAPI3()
			for _, id := range ops {
				fop := operation(t, full, id)
				lop := operation(t, lazy, id)
				// Both compile (the generic path without kin-openapi).
				if err := ck.Precompile(fop); err != nil {
					t.Errorf("%s (kin): %v", id, err)
				}
				if err := cr.Precompile(lop); err != nil {
					t.Errorf("%s (raw): %v", id, err)
				}
				if !cr.operation(lop).raw || cr.kinUsed {
					t.Errorf("%s: the lazy document was not checked from its generic form", id)
				}
				for _, k := range schemaKeys(fop) {
					for _, mt := range mediaTypes(fop, k) {
						if mt.Type != k.media {
							continue
						}
						kc := ck.converter(k.dir)
						var kinComps, rawComps []string
						kc.need = func(name string) string { kinComps = append(kinComps, name); return "c:" + name }
						a := mustJSON(t, kc.ref(schemaRef(t, mt.Schema), 0))
						ptr := fop.Pointer + pathOf(k)
						v, ok := lazy.Raw(ptr)
						if !ok {
							t.Fatalf("%s: no raw form at %s", id, ptr)
						}
						rc := &rawConverter{v30: cr.v30, dir: k.dir, doc: lazy, visiting: map[string]bool{}}
						rc.need = func(name string) string { rawComps = append(rawComps, name); return "c:" + name }
						b := mustJSON(t, rc.node(v, 0))
						if a != b {
							t.Errorf("%s %s %s %s:\nkin: %s\nraw: %s", id, dirNames[k.dir], k.status, k.media, a, b)
						}
						for _, name := range kinComps {
							ka := mustJSON(t, kc.component(name))
							kb := mustJSON(t, rc.component(name))
							if ka != kb {
								t.Errorf("component %s:\nkin: %s\nraw: %s", name, ka, kb)
							}
						}
						if len(kinComps) != len(rawComps) {
							t.Errorf("%s: components %q (kin) vs %q (raw)", id, kinComps, rawComps)
						}
					}
				}
			}
		})
	}
}

func mediaTypes(op *openapi.Operation, k schemaKey) []openapi.MediaType {
	if k.dir == toRequest {
		return op.RequestBody.Content
	}
	return op.Responses[k.status].Content
}

func pathOf(k schemaKey) string {
	if k.dir == toRequest {
		return "/requestBody/content/" + escapeToken(k.media) + "/schema"
	}
	return "/responses/" + escapeToken(k.status) + "/content/" + escapeToken(k.media) + "/schema"
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func schemaRef(t *testing.T, v any) *openapi3.SchemaRef {
	t.Helper()
	r, ok := v.(*openapi3.SchemaRef)
	if !ok {
		t.Fatalf("schema %T", v)
	}
	return r
}
