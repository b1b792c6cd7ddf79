package contract

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/arazzo-run/arazzo/openapi"
)

// The converted resources are named under trustedPrefix so that
// jsonschema does not validate them against the 2020-12 metaschema (about
// half the cost of a first compile). If this test fails, a jsonschema
// release stopped exempting that prefix: checks stay correct (the
// converter's output is valid anyway, TestConverterOutputIsValid), only
// slower. To fix it, find the library's new way to skip metaschema
// validation of trusted resources (or patch third_party/jsonschema), and
// update trustedPrefix.
func TestTrustedPrefixSkipsMetaschema(t *testing.T) {
	// Duplicate required names and a negative minLength break the
	// metaschema, yet compile.
	invalid := map[string]any{"required": []any{"a", "a"}, "minLength": -1.0}
	c := New(nil, Options{})

	comp := c.newCompiler()
	u := trustedPrefix + "canary"
	if err := comp.AddResource(u, invalid); err != nil {
		t.Fatal(err)
	}
	if _, err := comp.Compile(u); err != nil {
		t.Errorf("under the trusted prefix the metaschema was checked (first checks are slower): %v", err)
	}

	// The same schema elsewhere is refused: the canary itself is sound.
	comp = c.newCompiler()
	if err := comp.AddResource("urn:arazzo:contract:canary", invalid); err != nil {
		t.Fatal(err)
	}
	var sve *jsonschema.SchemaValidationError
	if _, err := comp.Compile("urn:arazzo:contract:canary"); !errors.As(err, &sve) {
		t.Errorf("the canary schema passed the metaschema (err %v): choose one that breaks it", err)
	}

	// The prefix is not a metaschema the library embeds.
	comp = c.newCompiler()
	if err := comp.AddResource(trustedPrefix+"response/c1", true); err != nil {
		t.Errorf("trustedPrefix collides with an embedded metaschema: %v", err)
	}
}

// conversionErrors converts every component schema of d and every media
// type schema of its (built) operations, in both directions, and compiles
// each with a compiler that validates against the metaschema (resources
// named outside trustedPrefix). It returns one line per failure.
func conversionErrors(d *openapi.Document, raw bool) []string {
	var out []string
	c := New(d, Options{})
	for dir := toResponse; dir <= toRequest; dir++ {
		comp := c.newCompiler()
		urls := map[string]string{}
		var queue []string
		need := func(name string) string {
			if u, ok := urls[name]; ok {
				return u
			}
			u := fmt.Sprintf("urn:test:%s:c%d", dirNames[dir], len(urls))
			urls[name] = u
			queue = append(queue, name)
			return u
		}
		var comps []string
		var root func(ptr string, kin *openapi3.SchemaRef) any
		var component func(name string) any
		if raw {
			cv := &rawConverter{v30: c.v30, dir: dir, need: need, doc: d, visiting: map[string]bool{}}
			root = func(ptr string, _ *openapi3.SchemaRef) any {
				v, ok := d.Raw(ptr)
				if !ok {
					return nil
				}
				return cv.node(v, 0)
			}
			component = cv.component
			if m, ok := d.Raw("/components/schemas"); ok {
				for name := range m.(map[string]any) {
					comps = append(comps, name)
				}
			}
		} else {
			cv := c.converter(dir)
			cv.need = need
			root = func(_ string, r *openapi3.SchemaRef) any {
				if r == nil {
					return nil
				}
				return cv.ref(r, 0)
			}
			component = cv.component
			for name := range cv.comps {
				comps = append(comps, name)
			}
		}
		sort.Strings(comps)
		var roots []string
		add := func(u, what string, doc any) {
			if err := comp.AddResource(u, doc); err != nil {
				out = append(out, what+": "+oneLine(err.Error()))
				return
			}
			roots = append(roots, u)
		}
		for _, name := range comps {
			need(name)
		}
		for _, op := range d.Operations() {
			for _, k := range schemaKeys(op) {
				if k.dir != dir {
					continue
				}
				ptr := op.Pointer + "/requestBody"
				var content []openapi.MediaType
				if k.dir == toResponse {
					ptr = op.Pointer + "/responses/" + escapeToken(k.status)
					content = op.Responses[k.status].Content
				} else {
					content = op.RequestBody.Content
				}
				ptr += "/content/" + escapeToken(k.media) + "/schema"
				var kin *openapi3.SchemaRef
				for _, mt := range content {
					if mt.Type == k.media {
						kin, _ = mt.Schema.(*openapi3.SchemaRef)
					}
				}
				if doc := root(ptr, kin); doc != nil {
					add(fmt.Sprintf("urn:test:%s:%d", dirNames[dir], len(roots)), ptr, doc)
				}
			}
		}
		for len(queue) > 0 {
			name := queue[0]
			queue = queue[1:]
			add(urls[name], "/components/schemas/"+name, component(name))
		}
		for _, u := range roots {
			if _, err := comp.Compile(u); err != nil {
				out = append(out, dirNames[dir]+" "+u+": "+oneLine(err.Error()))
			}
		}
	}
	return out
}

// Regression: dependentRequired lists were copied with their duplicates,
// which the metaschema refuses (duplicates-3.1.yaml).
func TestDependentRequiredDeduplicated(t *testing.T) {
	for _, raw := range []bool{false, true} {
		d, err := openapi.Load(context.Background(), "testdata/duplicates-3.1.yaml", openapi.LoadOptions{Lazy: raw, NoCache: true})
		if err != nil {
			t.Fatal(err)
		}
		c := New(d, Options{})
		op := operation(t, d, "postThing")
		h := map[string][]string{"Content-Type": {"application/json"}}
		ps := c.CheckResponse(op, 200, h, []byte(`{"a":"x"}`))
		if g := got(ps); !equal(g, []string{"schema"}) || !strings.Contains(ps[0].Message, "b") {
			t.Errorf("raw=%v: %s", raw, dump(ps))
		}
		if errs := conversionErrors(d, raw); len(errs) > 0 {
			t.Errorf("raw=%v: %s", raw, strings.Join(errs, "\n"))
		}
	}
}

// The converter's output always passes metaschema validation (so skipping
// it, trustedPrefix, loses nothing): every schema of the Auth0
// description, of the test descriptions and, when the shared corpus is
// there, of every OpenAPI description under apievangelist/, through both
// converters.
func TestConverterOutputIsValid(t *testing.T) {
	check := func(t *testing.T, d *openapi.Document, raw bool) {
		t.Helper()
		if raw {
			for _, id := range d.OperationIDs() {
				d.OperationByID(id)
			}
		}
		if errs := conversionErrors(d, raw); len(errs) > 0 {
			if len(errs) > 10 {
				errs = append(errs[:10], fmt.Sprintf("... %d more", len(errs)-10))
			}
			t.Errorf("converted schemas fail the metaschema:\n%s", strings.Join(errs, "\n"))
		}
	}
	files := []string{auth0File}
	for _, f := range []string{"users-3.1.yaml", "pets-3.0.yaml", "keywords-3.0.yaml", "keywords-3.1.yaml", "duplicates-3.1.yaml"} {
		files = append(files, "testdata/"+f)
	}
	if raceEnabled {
		files = files[1:] // the Auth0 proof runs without -race
	}
	for _, f := range files {
		for _, raw := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/raw=%v", filepath.Base(f), raw), func(t *testing.T) {
				d, err := openapi.Load(context.Background(), f, openapi.LoadOptions{Lazy: raw, NoCache: true, SkipValidation: true})
				if err != nil {
					t.Fatal(err)
				}
				check(t, d, raw)
			})
		}
	}

	t.Run("corpus", func(t *testing.T) {
		dir := filepath.Join("..", "..", "shared", "corpus", "apievangelist")
		if _, err := os.Stat(dir); err != nil {
			t.Skipf("no shared corpus at %s (only the Auth0 description and testdata were checked)", dir)
		}
		if testing.Short() || raceEnabled {
			t.Skip("-short or -race: the corpus takes seconds (it runs in the plain go test)")
		}
		var files []string
		filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() && strings.Contains(p, string(filepath.Separator)+"openapi"+string(filepath.Separator)) {
				files = append(files, p)
			}
			return nil
		})
		start := time.Now()
		n := 0
		for _, f := range files {
			// The lazy loader's generic form (what the runtime checks
			// with), without kin-openapi's validation.
			d, err := openapi.Load(context.Background(), f, openapi.LoadOptions{Lazy: true, NoCache: true, SkipValidation: true})
			if err != nil {
				continue // not an OpenAPI 3 description the loader takes
			}
			n++
			t.Run(filepath.Base(f), func(t *testing.T) { check(t, d, true) })
		}
		t.Logf("%d descriptions of %d files in %v", n, len(files), time.Since(start).Round(time.Millisecond))
	})
}
