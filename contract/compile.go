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

// opSchemas holds the compiled schemas of one operation, each compiled
// the first time it is needed: a check compiles only the schema of the
// status and media type it received (Precompile compiles them all).
type opSchemas struct {
	// raw: the operation's generic form is available (a lazily loaded
	// document, openapi.Document.Raw): schemas are converted from it and
	// kin-openapi never decodes the description.
	raw bool
	mu  sync.Mutex
	m   map[schemaKey]*schemaSlot
}

type schemaSlot struct {
	once sync.Once
	cs   *compiledSchema
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

// trustedPrefix names the resources the converter builds. jsonschema
// validates every resource it loads against its metaschema, except those
// whose URL starts with http(s)://json-schema.org/ (its own metaschemas,
// trusted): about half the cost of a first compile. The converter's
// output is valid by construction (it emits only keywords it has
// type-checked; TestConverterOutputIsValid proves it on real
// descriptions, FuzzConvertedSchemaIsValid on fuzzed ones), so the check
// is skipped by naming the resources under that prefix, in a path no
// metaschema uses. TestTrustedPrefixSkipsMetaschema fails if a jsonschema
// release stops honouring it; the only loss would then be speed.
const trustedPrefix = "https://json-schema.org/x-arazzo-run/contract/"

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
	u := trustedPrefix + dirNames[dir] + "/c" + strconv.Itoa(c.nres)
	c.componentURLs[dir][name] = u
	c.bases.Store(u, "/components/schemas/"+escapeToken(name))
	*queue = append(*queue, name)
	return u
}

// schemaFor returns the compiled schema of op's media type (status "" for
// the request body), compiling it on first use; nil when there is none.
func (c *Checker) schemaFor(op *openapi.Operation, dir direction, status, media string) *compiledSchema {
	e := c.operation(op)
	k := schemaKey{dir, status, media}
	e.mu.Lock()
	slot := e.m[k]
	if slot == nil {
		slot = &schemaSlot{}
		e.m[k] = slot
	}
	e.mu.Unlock()
	slot.once.Do(func() { slot.cs = c.compileKey(op, e.raw, k) })
	return slot.cs
}

func (c *Checker) operation(op *openapi.Operation) *opSchemas {
	if v, ok := c.ops.Load(op); ok {
		return v.(*opSchemas)
	}
	e := &opSchemas{m: map[schemaKey]*schemaSlot{}}
	if c.doc != nil {
		_, e.raw = c.doc.Raw(op.Pointer)
	}
	v, _ := c.ops.LoadOrStore(op, e)
	return v.(*opSchemas)
}

// Precompile compiles op's schemas now (they are otherwise compiled on the
// first check that needs each) and returns what cannot be compiled, or nil.
func (c *Checker) Precompile(op *openapi.Operation) error {
	if c == nil || op == nil {
		return nil
	}
	var errs []error
	for _, k := range schemaKeys(op) {
		if cs := c.schemaFor(op, k.dir, k.status, k.media); cs != nil && cs.err != nil {
			errs = append(errs, fmt.Errorf("%s %s %s: %w", dirNames[k.dir], k.status, k.media, cs.err))
		}
	}
	return errors.Join(errs...)
}

// schemaKeys lists every media type of op that has a schema, responses
// (by status) first, then the request body.
func schemaKeys(op *openapi.Operation) []schemaKey {
	var out []schemaKey
	for _, code := range sortedCodes(op) {
		r := op.Responses[code]
		if r == nil {
			continue
		}
		for _, mt := range r.Content {
			if mt.Schema != nil {
				out = append(out, schemaKey{toResponse, code, mt.Type})
			}
		}
	}
	if op.RequestBody != nil {
		for _, mt := range op.RequestBody.Content {
			if mt.Schema != nil {
				out = append(out, schemaKey{toRequest, "", mt.Type})
			}
		}
	}
	return out
}

// compileKey converts and compiles the schema of one media type of op.
func (c *Checker) compileKey(op *openapi.Operation, raw bool, k schemaKey) *compiledSchema {
	var content []openapi.MediaType
	var ptr string
	if k.dir == toResponse {
		r := op.Responses[k.status]
		if r == nil {
			return nil
		}
		content = r.Content
		ptr = op.Pointer + "/responses/" + escapeToken(k.status)
	} else {
		if op.RequestBody == nil {
			return nil
		}
		content = op.RequestBody.Content
		ptr = op.Pointer + "/requestBody"
	}
	ptr += "/content/" + escapeToken(k.media) + "/schema"
	var schema any
	for _, mt := range content {
		if mt.Type == k.media {
			schema = mt.Schema
		}
	}
	if schema == nil {
		return nil
	}
	var mk func(dir direction, need func(string) string) schemaConv
	if raw {
		v, ok := c.doc.Raw(ptr)
		if !ok {
			return nil
		}
		mk = func(dir direction, need func(string) string) schemaConv {
			cv := &rawConverter{v30: c.v30, dir: dir, need: need, doc: c.doc, visiting: map[string]bool{}}
			return convFuncs{func() any { return cv.node(v, 0) }, cv.component}
		}
	} else {
		c.ensureSchemas()
		ref, ok := schema.(*openapi3.SchemaRef)
		if !ok || ref == nil {
			return nil
		}
		mk = func(dir direction, need func(string) string) schemaConv {
			cv := c.converter(dir)
			cv.need = need
			return convFuncs{func() any { return cv.ref(ref, 0) }, cv.component}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.compile(k.dir, ptr, mk)
}

// schemaConv converts one media type schema (root) and the component
// schemas it reaches (component): converter for kin-openapi structs,
// rawConverter for the lazy loader's generic form.
type schemaConv interface {
	root() any
	component(name string) any
}

type convFuncs struct {
	r func() any
	c func(name string) any
}

func (f convFuncs) root() any                 { return f.r() }
func (f convFuncs) component(name string) any { return f.c(name) }

// compile converts and compiles one media type schema. When it does not
// compile with references into the shared components resource (a broken
// component elsewhere can make the whole resource invalid), it is tried
// again with every reference inlined. c.mu must be held.
func (c *Checker) compile(dir direction, ptr string, mk func(direction, func(string) string) schemaConv) *compiledSchema {
	cs := c.compileWith(dir, ptr, mk, true)
	if cs.err != nil {
		if retry := c.compileWith(dir, ptr, mk, false); retry.err == nil {
			return retry
		}
	}
	return cs
}

func (c *Checker) compileWith(dir direction, ptr string, mk func(direction, func(string) string) schemaConv, withComponents bool) (cs *compiledSchema) {
	cs = &compiledSchema{ptr: ptr}
	defer func() {
		// The compiler is not hardened against every input a converted
		// description can produce; a panic means "cannot compile".
		if r := recover(); r != nil {
			cs.sch, cs.err = nil, fmt.Errorf("internal error compiling the schema: %v", r)
		}
	}()
	var comp *jsonschema.Compiler
	var queue []string
	var need func(string) string
	if withComponents {
		comp = c.compiler(dir)
		cs.bases = &c.bases
		need = func(name string) string { return c.componentURL(dir, name, &queue) }
	} else {
		comp = c.newCompiler()
	}
	cv := mk(dir, need)
	doc := cv.root()
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
	cs.url = trustedPrefix + dirNames[dir] + "/" + strconv.Itoa(c.nres)
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
