package jsonschema

// Tests of the one local change (see ../README.md): metaschemas compile on
// first use instead of at package init.

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

// TestMetaschemasNotCompiledAtInit must run first (hence the file name) and
// the package must not compile anything at init: it proves that merely
// importing the package costs nothing (upstream compiled five drafts and
// their vocabularies at init, ~9 ms of every process start).
func TestMetaschemasNotCompiledAtInit(t *testing.T) {
	for _, d := range []*Draft{Draft4, Draft6, Draft7, Draft2019, Draft2020} {
		if d.sch != nil || d.vocabSchemas != nil {
			t.Skipf("%s already compiled: another test ran first (run this test alone: go test -run TestMetaschemasNotCompiledAtInit)", d.url)
		}
	}
	// Compiling a schema under a json-schema.org URL skips metaschema
	// validation, so no draft is needed...
	c := NewCompiler()
	if err := c.AddResource("https://json-schema.org/x-test/s", map[string]any{"type": "string"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Compile("https://json-schema.org/x-test/s"); err != nil {
		t.Fatal(err)
	}
	if Draft2020.sch != nil {
		t.Fatal("draft 2020-12 compiled although nothing was validated against it")
	}
	// ...and any other root loads exactly the draft it is validated against.
	c = NewCompiler()
	c.DefaultDraft(Draft7)
	if err := c.AddResource("urn:test:s", map[string]any{"type": "string"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Compile("urn:test:s"); err != nil {
		t.Fatal(err)
	}
	if Draft7.sch == nil {
		t.Fatal("draft 7 not compiled after validating a draft 7 schema")
	}
	for _, d := range []*Draft{Draft4, Draft6, Draft2019, Draft2020} {
		if d.sch != nil {
			t.Errorf("%s compiled although unused", d.url)
		}
	}
}

// TestMetaValidationEveryDraft: a schema that breaks its metaschema is
// still refused under every draft, vocabularies included.
func TestMetaValidationEveryDraft(t *testing.T) {
	for _, d := range []*Draft{Draft4, Draft6, Draft7, Draft2019, Draft2020} {
		t.Run(d.url, func(t *testing.T) {
			for _, bad := range []map[string]any{
				{"minLength": -1},
				{"type": "strnig"},
				{"properties": map[string]any{"a": 5}},
			} {
				c := NewCompiler()
				c.DefaultDraft(d)
				if err := c.AddResource("urn:test:bad", bad); err != nil {
					t.Fatal(err)
				}
				_, err := c.Compile("urn:test:bad")
				var se *SchemaValidationError
				if !errors.As(err, &se) {
					t.Errorf("%v: got %v, want a SchemaValidationError", bad, err)
				}
			}
			c := NewCompiler()
			c.DefaultDraft(d)
			if err := c.AddResource("urn:test:good", map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"minLength": 1}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Compile("urn:test:good"); err != nil {
				t.Errorf("valid schema refused: %v", err)
			}
		})
	}
}

// TestMetaschemaFirstUseConcurrent: the first use of a draft from many
// goroutines at once compiles it once and every caller sees it (run with
// -race).
func TestMetaschemaFirstUseConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Add(1)
		go func(i int) { // go.mod says go 1.21: i is shared without the parameter
			defer wg.Done()
			c := NewCompiler()
			c.DefaultDraft(Draft2019)
			if err := c.AddResource("urn:test:c", map[string]any{"minLength": -1}); err != nil {
				errs[i] = err
				return
			}
			_, errs[i] = c.Compile("urn:test:c")
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "minLength") {
			t.Errorf("goroutine %d: got %v, want a metaschema error on minLength", i, err)
		}
	}
}
