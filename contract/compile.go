package contract

import (
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/arazzo-run/arazzo/openapi"
)

// opSchemas holds the compiled schemas of one operation: every response
// media type and every request body media type, compiled together the
// first time the operation is checked.
type opSchemas struct {
	once sync.Once
	m    map[schemaKey]*compiledSchema
}

type schemaKey struct {
	dir    direction
	status string // the responses key ("200", "2XX", "default"); "" for requests
	media  string // the content key as written
}

// compiledSchema is one compiled media type schema, with what maps its
// errors back into the OpenAPI document.
type compiledSchema struct {
	sch *jsonschema.Schema
	err error
	// url is the schema's resource URL; ptr the pointer of the schema in the
	// OpenAPI document; bases maps component resource URLs to their
	// pointers (the Checker's).
	url, ptr string
	bases    *sync.Map
}

var dirNames = [2]string{"response", "request"}

// noLoader refuses every reference the converter did not resolve: a check
// never reads files or the network.
type noLoader struct{}

func (noLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("reference %s is not resolved", u)
}

func (c *Checker) newCompiler() *jsonschema.Compiler {
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	comp.UseLoader(noLoader{})
	comp.UseRegexpEngine(compileRegexp)
	comp.AssertFormat()
	for _, f := range oasFormats {
		comp.RegisterFormat(f)
	}
	return comp
}

func (c *Checker) converter(dir direction) *converter {
	cv := &converter{v30: c.v30, dir: dir, visiting: map[*openapi3.Schema]bool{}}
	if c.doc != nil && c.doc.OpenAPI3() != nil && c.doc.OpenAPI3().Components != nil {
		cv.comps = c.doc.OpenAPI3().Components.Schemas
	}
	return cv
}

// compiler returns the shared compiler for dir, creating it on first use.
// c.mu must be held.
func (c *Checker) compiler(dir direction) *jsonschema.Compiler {
	if c.compilers[dir] == nil {
		c.compilers[dir] = c.newCompiler()
		c.componentURLs[dir] = map[string]string{}
	}
	return c.compilers[dir]
}

// componentURL returns the resource URL of component name for dir,
// queueing the component for conversion the first time. c.mu must be held.
func (c *Checker) componentURL(dir direction, name string, queue *[]string) string {
	if u, ok := c.componentURLs[dir][name]; ok {
		return u
	}
	c.nres++
	u := "urn:arazzo:contract:" + dirNames[dir] + ":c" + strconv.Itoa(c.nres)
	c.componentURLs[dir][name] = u
	c.bases.Store(u, "/components/schemas/"+escapeToken(name))
	*queue = append(*queue, name)
	return u
}

// schemaFor returns the compiled schema of op's media type, compiling all
// of op's schemas on first use; nil when there is none.
func (c *Checker) schemaFor(op *openapi.Operation, dir direction, status, media string) *compiledSchema {
	return c.operation(op).m[schemaKey{dir, status, media}]
}

func (c *Checker) operation(op *openapi.Operation) *opSchemas {
	v, ok := c.ops.Load(op)
	if !ok {
		v, _ = c.ops.LoadOrStore(op, &opSchemas{})
	}
	e := v.(*opSchemas)
	e.once.Do(func() { e.m = c.compileOperation(op) })
	return e
}

// Precompile compiles op's schemas now (they are otherwise compiled on the
// first check) and returns what cannot be compiled, or nil.
func (c *Checker) Precompile(op *openapi.Operation) error {
	if c == nil || op == nil {
		return nil
	}
	c.ensureSchemas()
	var errs []error
	for k, cs := range c.operation(op).m {
		if cs.err != nil {
			errs = append(errs, fmt.Errorf("%s %s %s: %w", dirNames[k.dir], k.status, k.media, cs.err))
		}
	}
	return errors.Join(errs...)
}

func (c *Checker) compileOperation(op *openapi.Operation) map[schemaKey]*compiledSchema {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := map[schemaKey]*compiledSchema{}
	for code, r := range op.Responses {
		if r == nil {
			continue
		}
		for _, mt := range r.Content {
			ptr := op.Pointer + "/responses/" + escapeToken(code) + "/content/" + escapeToken(mt.Type) + "/schema"
			if cs := c.compile(toResponse, mt.Schema, ptr); cs != nil {
				m[schemaKey{toResponse, code, mt.Type}] = cs
			}
		}
	}
	if op.RequestBody != nil {
		for _, mt := range op.RequestBody.Content {
			ptr := op.Pointer + "/requestBody/content/" + escapeToken(mt.Type) + "/schema"
			if cs := c.compile(toRequest, mt.Schema, ptr); cs != nil {
				m[schemaKey{toRequest, "", mt.Type}] = cs
			}
		}
	}
	return m
}

// compile converts and compiles one media type schema. When it does not
// compile with references into the shared components resource (a broken
// component elsewhere can make the whole resource invalid), it is tried
// again with every reference inlined. c.mu must be held.
func (c *Checker) compile(dir direction, schema any, ptr string) (cs *compiledSchema) {
	ref, ok := schema.(*openapi3.SchemaRef)
	if !ok || ref == nil {
		return nil
	}
	cs = c.compileWith(dir, ref, ptr, true)
	if cs.err != nil {
		if retry := c.compileWith(dir, ref, ptr, false); retry.err == nil {
			return retry
		}
	}
	return cs
}

func (c *Checker) compileWith(dir direction, ref *openapi3.SchemaRef, ptr string, withComponents bool) (cs *compiledSchema) {
	cs = &compiledSchema{ptr: ptr}
	defer func() {
		// The compiler is not hardened against every input a converted
		// description can produce; a panic means "cannot compile".
		if r := recover(); r != nil {
			cs.sch, cs.err = nil, fmt.Errorf("internal error compiling the schema: %v", r)
		}
	}()
	cv := c.converter(dir)
	var comp *jsonschema.Compiler
	var queue []string
	if withComponents {
		comp = c.compiler(dir)
		cs.bases = &c.bases
		cv.need = func(name string) string { return c.componentURL(dir, name, &queue) }
	} else {
		comp = c.newCompiler()
	}
	doc := cv.ref(ref, 0)
	// The components this schema reaches, and those they reach, each
	// converted once per Checker and direction.
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if err := comp.AddResource(c.componentURLs[dir][name], cv.component(name)); err != nil {
			cs.err = err
			return cs
		}
	}
	c.nres++
	cs.url = "urn:arazzo:contract:" + dirNames[dir] + ":" + strconv.Itoa(c.nres)
	if err := comp.AddResource(cs.url, doc); err != nil {
		cs.err = err
		return cs
	}
	cs.sch, cs.err = comp.Compile(cs.url)
	return cs
}

// oasFormats are the OpenAPI formats asserted besides JSON Schema's:
// int32 and int64 bound integers. Other OpenAPI formats (float, double,
// byte, binary, password) and unknown formats assert nothing.
var oasFormats = []*jsonschema.Format{
	{Name: "int32", Validate: intRange(-1<<31, 1<<31-1)},
	{Name: "int64", Validate: intRange(-1<<63, 1<<63-1)},
}

func intRange(lo, hi int64) func(any) error {
	return func(v any) error {
		n, ok := v.(interface{ String() string })
		if !ok {
			return nil // not a json.Number: not ours to judge
		}
		s := n.String()
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == float64(int64(f)) && f >= float64(lo) && f <= float64(hi) {
				return nil
			}
			return errors.New("out of range")
		}
		if i < lo || i > hi {
			return errors.New("out of range")
		}
		return nil
	}
}
