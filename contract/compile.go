package contract

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/arazzo-run/arazzo/openapi"
)

// opSchemas holds the schemas of one operation, each converted and
// compiled the first time it is needed: a check compiles only the schema
// of the status and media type it received (Precompile compiles them all).
type opSchemas struct {
	// raw: the operation's generic form is available (a lazily loaded
	// document, openapi.Document.Raw): schemas are converted from it and
	// kin-openapi never decodes the description.
	raw bool
	mu  sync.Mutex
	m   map[schemaKey]*schemaSlot
}

// schemaSlot is one media type schema: converted once, compiled for one
// body (pruned) by the first check, compiled in full once by the next
// ones (see the package documentation, "Compiling").
type schemaSlot struct {
	convOnce sync.Once
	conv     *converted // nil: no schema

	checks   atomic.Int32 // checks that parsed their body and used the slot
	fullOnce sync.Once
	full     *compiledSchema
	fullDone atomic.Bool
}

// converted is one media type schema converted to JSON Schema; the
// component resources it refers to are converted on first use
// (Checker.resource).
type converted struct {
	dir      direction
	ptr, url string // pointer in the OpenAPI document; resource URL
	doc      any
	err      error // the conversion failed
	// mk converts again, for the compile with every reference inlined.
	mk convMaker
	// raw is the schema's generic form (a lazily loaded document), which
	// the first check prunes before converting (compilePrunedRaw); nil
	// for kin-openapi schemas (compilePruned prunes the converted form).
	raw any
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

// componentURL returns the resource URL of component name for dir. The
// first time, it records how to convert the component (mk): components
// are converted when a check first reaches them (resource), not when a
// schema referring to them is converted. c.mu must be held.
func (c *Checker) componentURL(dir direction, name string, mk convMaker) string {
	if u, ok := c.componentURLs[dir][name]; ok {
		return u
	}
	c.nres++
	u := trustedPrefix + dirNames[dir] + "/c" + strconv.Itoa(c.nres)
	c.componentURLs[dir][name] = u
	c.compSrc[u] = compSource{dir, name, mk}
	c.pending[dir] = append(c.pending[dir], u)
	c.bases.Store(u, "/components/schemas/"+escapeToken(name))
	return u
}

// compSource says how to convert one component resource.
type compSource struct {
	dir  direction
	name string
	mk   convMaker
}

// convMaker makes a converter for one media type schema; need names the
// component resources (nil: inline them).
type convMaker func(dir direction, need func(name string) string) schemaConv

// resource returns the converted component resource u (a "$ref" target),
// converting it on first use.
func (c *Checker) resource(u string) (any, bool) {
	if doc, ok := c.compDocs.Load(u); ok {
		return doc, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	doc, err := c.convertComponent(u)
	return doc, err == nil
}

// convertComponent converts component resource u once (the result, or
// the error, is kept). c.mu must be held.
func (c *Checker) convertComponent(u string) (doc any, err error) {
	if doc, ok := c.compDocs.Load(u); ok {
		return doc, nil
	}
	if err, ok := c.compErrs[u]; ok {
		return nil, err
	}
	src, ok := c.compSrc[u]
	if !ok {
		return nil, fmt.Errorf("reference %s is not resolved", u)
	}
	defer func() {
		// The converter is not hardened against every input a
		// description can hold; a panic means "cannot compile".
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("internal error converting the schema: %v", r)
			c.compErrs[u] = err
		}
	}()
	cv := src.mk(src.dir, func(name string) string { return c.componentURL(src.dir, name, src.mk) })
	doc = cv.component(src.name)
	c.compDocs.Store(u, doc)
	return doc, nil
}

// slot returns the slot of op's media type (status "" for the request
// body), creating it on first use.
func (c *Checker) slot(op *openapi.Operation, dir direction, status, media string) (*schemaSlot, *opSchemas) {
	e := c.operation(op)
	k := schemaKey{dir, status, media}
	e.mu.Lock()
	slot := e.m[k]
	if slot == nil {
		slot = &schemaSlot{}
		e.m[k] = slot
	}
	e.mu.Unlock()
	return slot, e
}

// converted returns the slot's converted schema, converting it on first
// use; nil when there is none.
func (c *Checker) converted(op *openapi.Operation, dir direction, status, media string) (*schemaSlot, *converted) {
	slot, e := c.slot(op, dir, status, media)
	slot.convOnce.Do(func() { slot.conv = c.convertKey(op, e.raw, schemaKey{dir, status, media}) })
	return slot, slot.conv
}

// fullSchema returns the slot's schema compiled in full (cached).
func (c *Checker) fullSchema(slot *schemaSlot) *compiledSchema {
	slot.fullOnce.Do(func() {
		slot.full = c.compileFull(slot.conv)
		slot.fullDone.Store(true)
	})
	return slot.full
}

// maxPrunedBody: a first check of a larger body compiles the full schema
// (cached) instead of a pruned copy. The walk keeps one entry per (schema
// node, body node) pair: on a body of megabytes that costs more than it
// saves, and such a body is likely to reach most of the schema anyway.
const maxPrunedBody = 256 << 10

// schemaFor returns the compiled schema of op's media type for a check of
// body v: when prune is set (the body parsed and is not large) and this
// is the first check of the media type, a copy pruned to v; otherwise the
// full schema, compiled once. nil when the media type has no schema.
func (c *Checker) schemaFor(op *openapi.Operation, dir direction, status, media string, v any, prune bool) *compiledSchema {
	slot, conv := c.converted(op, dir, status, media)
	if conv == nil {
		return nil
	}
	if prune && conv.err == nil && !slot.fullDone.Load() && slot.checks.Add(1) == 1 {
		if cs := c.prunedSchema(conv, v); cs.err == nil {
			return cs
		}
		// Whatever made the pruned copy fail is reported as the full
		// schema reports it.
	}
	return c.fullSchema(slot)
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
		slot, conv := c.converted(op, k.dir, k.status, k.media)
		if conv == nil {
			continue
		}
		if cs := c.fullSchema(slot); cs.err != nil {
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

// convertKey converts the schema of one media type of op, and the
// component schemas it reaches that were not converted yet.
func (c *Checker) convertKey(op *openapi.Operation, raw bool, k schemaKey) *converted {
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
	var mk convMaker
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
	conv := c.convert(k.dir, ptr, mk)
	if raw {
		conv.raw, _ = c.doc.Raw(ptr)
	}
	return conv
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

// convert converts one media type schema, naming the components it
// refers to (they are converted when first reached). c.mu must be held.
func (c *Checker) convert(dir direction, ptr string, mk convMaker) (conv *converted) {
	conv = &converted{dir: dir, ptr: ptr, mk: mk}
	c.compiler(dir)
	defer func() {
		// The converter is not hardened against every input a
		// description can hold; a panic means "cannot compile".
		if r := recover(); r != nil {
			conv.err = fmt.Errorf("internal error converting the schema: %v", r)
		}
	}()
	cv := mk(dir, func(name string) string { return c.componentURL(dir, name, mk) })
	conv.doc = cv.root()
	c.nres++
	conv.url = trustedPrefix + dirNames[dir] + "/" + strconv.Itoa(c.nres)
	return conv
}

// compileFull compiles conv in the shared compiler of its direction,
// where the components are compiled once however many schemas use them.
// When that fails (a component that cannot be compiled makes every
// schema that refers to it fail), it is tried again with every reference
// inlined.
func (c *Checker) compileFull(conv *converted) *compiledSchema {
	c.mu.Lock()
	defer c.mu.Unlock()
	cs := c.compileShared(conv)
	if cs.err != nil {
		if retry := c.compileInlined(conv); retry.err == nil {
			return retry
		}
	}
	return cs
}

// compileShared: c.mu must be held.
func (c *Checker) compileShared(conv *converted) (cs *compiledSchema) {
	cs = &compiledSchema{ptr: conv.ptr, url: conv.url, bases: &c.bases}
	defer func() {
		// The compiler is not hardened against every input a converted
		// description can produce; a panic means "cannot compile".
		if r := recover(); r != nil {
			cs.sch, cs.err = nil, fmt.Errorf("internal error compiling the schema: %v", r)
		}
	}()
	if conv.err != nil {
		cs.err = conv.err
		return cs
	}
	comp := c.compiler(conv.dir)
	// The components named since the last full compile (converting one
	// can name more).
	for len(c.pending[conv.dir]) > 0 {
		u := c.pending[conv.dir][0]
		c.pending[conv.dir] = c.pending[conv.dir][1:]
		doc, err := c.convertComponent(u)
		if err != nil {
			// Put back: a later schema that refers to it fails too.
			c.pending[conv.dir] = append(c.pending[conv.dir], u)
			cs.err = err
			return cs
		}
		if err := comp.AddResource(u, doc); err != nil {
			cs.err = err
			return cs
		}
	}
	if err := comp.AddResource(conv.url, conv.doc); err != nil {
		cs.err = err
		return cs
	}
	cs.sch, cs.err = comp.Compile(conv.url)
	return cs
}

// compileInlined converts conv's schema again with every reference
// inlined and compiles it alone. c.mu must be held.
func (c *Checker) compileInlined(conv *converted) (cs *compiledSchema) {
	cs = &compiledSchema{ptr: conv.ptr}
	defer func() {
		if r := recover(); r != nil {
			cs.sch, cs.err = nil, fmt.Errorf("internal error compiling the schema: %v", r)
		}
	}()
	doc := conv.mk(conv.dir, nil).root()
	c.nres++
	cs.url = trustedPrefix + dirNames[conv.dir] + "/" + strconv.Itoa(c.nres)
	comp := c.newCompiler()
	if err := comp.AddResource(cs.url, doc); err != nil {
		cs.err = err
		return cs
	}
	cs.sch, cs.err = comp.Compile(cs.url)
	return cs
}

// prunedSchema compiles conv pruned to instance v: from the generic form
// when there is one (only what v reaches is converted), else from the
// converted form.
func (c *Checker) prunedSchema(conv *converted, v any) *compiledSchema {
	if conv.raw != nil {
		return c.compilePrunedRaw(conv, v)
	}
	return c.compilePruned(conv, v)
}

// compilePrunedRaw is compilePruned for a lazily loaded document: the
// pruner walks v through the generic (OpenAPI) form of the schema, whose
// applicators are JSON Schema's, and the converter converts only what v
// reached (rawConverter.prune), so the parts of a large component a body
// does not touch are neither converted nor compiled. The resources keep
// the Checker's URLs (and so their pointers).
func (c *Checker) compilePrunedRaw(conv *converted, v any) (cs *compiledSchema) {
	cs = &compiledSchema{ptr: conv.ptr, url: conv.url, bases: &c.bases}
	defer func() {
		if r := recover(); r != nil {
			cs.sch, cs.err = nil, fmt.Errorf("internal error compiling the schema: %v", r)
		}
	}()
	look := &rawConverter{doc: c.doc}
	p := newPruner(look.lookup)
	p.walk(conv.raw, v)

	type res struct {
		url string
		doc any
	}
	var resources []res
	c.mu.Lock()
	func() {
		defer c.mu.Unlock()
		queued := map[string]bool{}
		var names []string
		cv := &rawConverter{v30: c.v30, dir: conv.dir, doc: c.doc, visiting: map[string]bool{}, prune: p}
		cv.need = func(name string) string {
			u := c.componentURL(conv.dir, name, conv.mk)
			if !queued[u] {
				queued[u] = true
				names = append(names, name)
			}
			return u
		}
		resources = append(resources, res{conv.url, cv.node(conv.raw, 0)})
		for len(names) > 0 {
			name := names[0]
			names = names[1:]
			resources = append(resources, res{c.componentURLs[conv.dir][name], cv.component(name)})
		}
	}()
	comp := c.newCompiler()
	for _, r := range resources {
		if err := comp.AddResource(r.url, r.doc); err != nil {
			cs.err = err
			return cs
		}
	}
	cs.sch, cs.err = comp.Compile(conv.url)
	return cs
}

// compilePruned compiles, in a compiler of its own, a copy of conv's
// schema and of the components it reaches pruned to instance v (see
// pruner): what the first check of a media type needs, often a small
// part of it. The resources keep their URLs, so problems map to the same
// pointers as with the full schema.
func (c *Checker) compilePruned(conv *converted, v any) (cs *compiledSchema) {
	cs = &compiledSchema{ptr: conv.ptr, url: conv.url, bases: &c.bases}
	defer func() {
		if r := recover(); r != nil {
			cs.sch, cs.err = nil, fmt.Errorf("internal error compiling the schema: %v", r)
		}
	}()
	p := newPruner(c.resource)
	p.walk(conv.doc, v)
	comp := c.newCompiler()
	root := p.copy(conv.doc)
	for len(p.queue) > 0 {
		u := p.queue[0]
		p.queue = p.queue[1:]
		doc, ok := c.resource(u)
		if !ok {
			continue // the compile reports the unresolved reference
		}
		if err := comp.AddResource(u, p.copy(doc)); err != nil {
			cs.err = err
			return cs
		}
	}
	if err := comp.AddResource(conv.url, root); err != nil {
		cs.err = err
		return cs
	}
	cs.sch, cs.err = comp.Compile(conv.url)
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
