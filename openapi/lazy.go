package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// Lazy loading (LoadOptions.Operations set).
//
// The document is read once and outlined (block YAML: by lines, without a
// full parse; JSON: decoded whole). The operation index of the whole
// document (ids, methods, paths, pointers) comes from the outline. Only the
// operations asked for, and the components they reach through local $refs,
// are decoded: they form a small sub-document (the top-level fields, those
// path items, those components, every security scheme) from which the
// Operations are built directly, without kin-openapi. kin-openapi decodes
// that sub-document only when OpenAPI3 is first called (the mock and schema
// checks need it); the Schema fields of the operations are filled in then.
//
// An operation not asked for is built on first lookup in the same way.
// Anything the lazy path does not handle (Swagger 2.0, $refs to other
// files or to paths, path item $refs, YAML anchors used across
// operations/components, dangling $refs) falls back to the full load.
type lazyDoc struct {
	loc  string
	base *url.URL
	data []byte // the whole document, to build more operations on demand
	// reread reads the document again when it was served from the cache
	// without keeping its bytes (data nil); it fails if the content changed.
	reread func() ([]byte, error)

	srcOnce sync.Once
	src     treeSource
	srcErr  error

	// The operation index. n operations; ids every operationId, sorted
	// and unique. sel indexes the operations asked for; all, the whole
	// outline, is built on first need when the load came from the cache
	// (allFn decodes the entry's outline), at once otherwise (all == sel).
	n       int
	ids     []string
	sel     *opIndex
	allOnce sync.Once
	all     *opIndex
	allFn   func() ([]outlineOp, error)

	mu    sync.Mutex
	built []*Operation   // aligned with the outline; nil until built
	sub   map[string]any // the sub-document of every built operation
	// comps are the cache entry's components not decoded yet: Raw,
	// the builder and OpenAPI3 decode them into sub on first use, from
	// file (nil after fromSource).
	comps  []rawComp
	file   *entryFile
	selIdx []int // the operations asked for
	// entry and cache, for a load from the cache: what rewrite needs.
	entry *cacheEntry
	cache *diskCache

	kinOnce sync.Once
	kin     *openapi3.T

	fullOnce sync.Once
	full     *Document
	fullLoad func() (*Document, error)
}

// opIndex indexes the outline, or some of its operations: ops is the
// outline when idx is nil, else the operations at the outline indexes idx
// (ascending).
type opIndex struct {
	ops   []outlineOp
	idx   []int
	byID  map[string]int
	byPtr map[string]int
}

// subDoc collects the parts of a document the selected operations need.
type subDoc struct {
	src   treeSource
	tree  map[string]any
	paths map[string]any
	comps map[string]any
	seen  map[string]bool // "section/name"
	queue [][2]string
	// warnings are the dangling $refs met.
	warnings []Warning
	dangling map[string]bool
}

func newSubDoc(src treeSource) (*subDoc, error) {
	s := &subDoc{src: src, tree: map[string]any{}, paths: map[string]any{}, comps: map[string]any{}, seen: map[string]bool{}}
	for _, k := range []string{"openapi", "info", "servers", "security", "jsonSchemaDialect"} {
		v, ok, err := src.value(k)
		if err != nil {
			return nil, err
		}
		if ok {
			s.tree[k] = v
			if err := s.walk(v); err != nil {
				return nil, err
			}
		}
	}
	v, ok, err := src.value("components", "securitySchemes")
	if err != nil {
		return nil, err
	}
	if ok {
		if m, isMap := v.(map[string]any); isMap {
			for name, x := range m {
				s.seen["securitySchemes/"+name] = true
				s.section("securitySchemes")[name] = x
				if err := s.walk(x); err != nil {
					return nil, err
				}
			}
		}
	}
	s.tree["paths"] = s.paths
	return s, nil
}

func (s *subDoc) section(name string) map[string]any {
	m, ok := s.comps[name].(map[string]any)
	if !ok {
		m = map[string]any{}
		s.comps[name] = m
	}
	return m
}

// pathItemFields are the Path Item fields copied along with an operation.
var pathItemFields = []string{"parameters", "servers", "summary", "description"}

func (s *subDoc) addOperation(op outlineOp) error {
	item, ok := s.paths[op.Path].(map[string]any)
	if !ok {
		item = map[string]any{}
		s.paths[op.Path] = item
		for _, f := range pathItemFields {
			v, found, err := s.src.value("paths", op.Path, f)
			if err != nil {
				return err
			}
			if found {
				item[f] = v
				if err := s.walk(v); err != nil {
					return err
				}
			}
		}
	}
	v, found, err := s.src.value("paths", op.Path, op.Method)
	if err != nil {
		return err
	}
	if !found {
		return errUnsupported
	}
	item[op.Method] = v
	return s.walk(v)
}

// finish decodes every component reached, transitively.
func (s *subDoc) finish() error {
	for len(s.queue) > 0 {
		c := s.queue[len(s.queue)-1]
		s.queue = s.queue[:len(s.queue)-1]
		v, ok, err := s.src.value("components", c[0], c[1])
		if err != nil {
			return err
		}
		if !ok {
			// As the full load does (repair.go): an empty object, marked,
			// and a warning (here one per missing component).
			ref := "#/components/" + EscapePointerToken(c[0]) + "/" + EscapePointerToken(c[1])
			v = map[string]any{unresolvedRefKey: ref}
			if s.dangling == nil {
				s.dangling = map[string]bool{}
			}
			s.dangling[ref] = true
			s.warnings = append(s.warnings, Warning{
				Message: fmt.Sprintf("$ref %q does not resolve; treated as an empty object", ref),
				Pointer: ref[1:],
			})
		}
		s.section(c[0])[c[1]] = v
		if err := s.walk(v); err != nil {
			return err
		}
	}
	if len(s.dangling) > 0 {
		// Like the full load, the $ref itself becomes the marked empty
		// object, so that the kin-openapi document matches.
		replaceRefs(s.tree, s.dangling)
		replaceRefs(s.comps, s.dangling)
		for ref := range s.dangling {
			parts := strings.SplitN(strings.TrimPrefix(ref, "#/components/"), "/", 2)
			delete(s.section(unescapeToken(parts[0])), unescapeToken(parts[1]))
		}
		for name, sec := range s.comps {
			if m, _ := sec.(map[string]any); len(m) == 0 {
				delete(s.comps, name)
			}
		}
	}
	if len(s.comps) > 0 {
		s.tree["components"] = s.comps
	}
	return nil
}

func replaceRefs(v any, dangling map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok && dangling[ref] {
			delete(x, "$ref")
			x[unresolvedRefKey] = ref
		}
		for _, e := range x {
			replaceRefs(e, dangling)
		}
	case []any:
		for _, e := range x {
			replaceRefs(e, dangling)
		}
	}
}

// walk queues the components v refers to.
func (s *subDoc) walk(v any) error {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch k {
			case "$ref":
				if ref, ok := e.(string); ok {
					if err := s.ref(ref); err != nil {
						return err
					}
					continue
				}
			case "discriminator":
				if d, ok := e.(map[string]any); ok {
					if mp, ok := d["mapping"].(map[string]any); ok {
						for _, target := range mp {
							t, _ := target.(string)
							if strings.HasPrefix(t, "#") {
								if err := s.ref(t); err != nil {
									return err
								}
							} else if t != "" && !strings.ContainsAny(t, "/#.") {
								s.want("schemas", t)
							}
						}
					}
				}
			}
			if err := s.walk(e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := s.walk(e); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *subDoc) ref(ref string) error {
	rest, ok := strings.CutPrefix(ref, "#/components/")
	if !ok {
		return fmt.Errorf("%w: $ref %s", errUnsupported, ref) // another file, or a path: the full load
	}
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) < 2 {
		return fmt.Errorf("%w: $ref %s", errUnsupported, ref)
	}
	sec, name := unescapeToken(parts[0]), unescapeToken(parts[1])
	if strings.Contains(name, "%") {
		if u, err := url.PathUnescape(name); err == nil {
			name = u
		}
	}
	s.want(sec, name)
	return nil
}

func (s *subDoc) want(sec, name string) {
	key := sec + "/" + name
	if s.seen[key] {
		return
	}
	s.seen[key] = true
	s.queue = append(s.queue, [2]string{sec, name})
}

func unescapeToken(t string) string {
	if !strings.Contains(t, "~") {
		return t
	}
	return strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
}

func (l *lazyDoc) source() (treeSource, error) {
	l.srcOnce.Do(func() {
		if l.src != nil {
			return
		}
		if l.data == nil && l.reread != nil {
			l.data, l.srcErr = l.reread()
			if l.srcErr != nil {
				return
			}
		}
		l.src, l.srcErr = newTreeSource(l.data)
	})
	return l.src, l.srcErr
}

// operation returns outline operation i, building it on first use. It
// falls back to the full load when the lazy path cannot build it.
func (l *lazyDoc) operation(d *Document, i int) *Operation {
	l.mu.Lock()
	if op := l.built[i]; op != nil {
		l.mu.Unlock()
		return op
	}
	op, err := l.buildOps(d, []int{i})
	l.mu.Unlock()
	if err == nil && len(op) == 1 {
		return op[0]
	}
	full := l.fullDoc()
	if full == nil {
		return nil
	}
	o := l.opAt(i)
	op2, _ := full.byPtr[OperationPointer(o.Path, o.Method)]
	return op2
}

func (l *lazyDoc) fullDoc() *Document {
	l.fullOnce.Do(func() {
		if l.fullLoad != nil {
			l.full, _ = l.fullLoad()
		}
	})
	return l.full
}

// buildOps builds the operations idx from the source (l.mu held).
func (l *lazyDoc) buildOps(d *Document, idx []int) ([]*Operation, error) {
	src, err := l.source()
	if err != nil {
		return nil, err
	}
	s, err := newSubDoc(src)
	if err != nil {
		return nil, err
	}
	for _, i := range idx {
		if err := s.addOperation(l.opAt(i)); err != nil {
			return nil, err
		}
	}
	if err := s.finish(); err != nil {
		return nil, err
	}
	return l.adopt(d, s.tree, idx)
}

// adopt builds the operations idx from a normalized sub-document and
// merges it into l.sub (l.mu held, or during Load).
func (l *lazyDoc) adopt(d *Document, tree map[string]any, idx []int) ([]*Operation, error) {
	g := &genBuilder{tree: tree, doc: d, more: l.lazyComponent}
	out := make([]*Operation, 0, len(idx))
	for _, i := range idx {
		o := l.opAt(i)
		op, err := g.operation(o.Path, o.Method)
		if err != nil {
			return nil, err
		}
		out = append(out, op)
	}
	for k, i := range idx {
		l.built[i] = out[k]
	}
	mergeSub(l.sub, tree)
	return out, nil
}

// mergeSub adds the paths and components of b that a does not have yet.
func mergeSub(a, b map[string]any) {
	for k, v := range b {
		switch k {
		case "paths", "components":
			am, _ := a[k].(map[string]any)
			if am == nil {
				am = map[string]any{}
				a[k] = am
			}
			bm, _ := v.(map[string]any)
			for k2, v2 := range bm {
				x, _ := am[k2].(map[string]any)
				y, _ := v2.(map[string]any)
				if x == nil {
					am[k2] = v2
					continue
				}
				// Entries already there stay: callers hold on to them (a
				// contract check walks a component's map, then converts the
				// maps it reached, by identity), and the document is the
				// same, so the new entry is an equal copy.
				for k3, v3 := range y {
					if _, ok := x[k3]; !ok {
						x[k3] = v3
					}
				}
			}
		default:
			a[k] = v
		}
	}
}

// builtOps returns the operations built so far, in order.
func (l *lazyDoc) builtOps() []*Operation {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*Operation
	for _, op := range l.built {
		if op != nil {
			out = append(out, op)
		}
	}
	return out
}

// openAPI3 decodes the sub-document of the operations built so far with
// kin-openapi and fills the Schema fields of those operations.
func (l *lazyDoc) openAPI3() *openapi3.T {
	l.kinOnce.Do(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.materialize("")
		js, err := json.Marshal(l.sub)
		if err != nil {
			return
		}
		loader := openapi3.NewLoader()
		loader.Context = context.Background()
		loader.IsExternalRefsAllowed = false
		kin, err := func() (kin *openapi3.T, err error) {
			defer func() {
				if p := recover(); p != nil {
					kin, err = nil, errUnsupported
				}
			}()
			return loader.LoadFromDataWithPath(js, l.base)
		}()
		if err != nil {
			return
		}
		l.kin = kin
		kd := build(kin, l.loc)
		for _, op := range l.built {
			if op == nil {
				continue
			}
			if kop, ok := kd.byPtr[op.Pointer]; ok {
				fillSchemas(op, kop)
			}
		}
	})
	return l.kin
}

// fillSchemas copies the kin-openapi schemas of k into the placeholders of
// op (same operation, built without kin).
func fillSchemas(op, k *Operation) {
	for _, p := range op.Parameters {
		if kp, ok := k.Parameter(p.Name, p.In); ok {
			fill(p.Schema, kp.Schema)
		}
	}
	if op.RequestBody != nil && k.RequestBody != nil {
		fillContent(op.RequestBody.Content, k.RequestBody.Content)
	}
	for code, r := range op.Responses {
		kr := k.Responses[code]
		if kr == nil {
			continue
		}
		fillContent(r.Content, kr.Content)
		for name, h := range r.Headers {
			if kh := kr.Headers[name]; kh != nil {
				fill(h.Schema, kh.Schema)
			}
		}
	}
}

func fillContent(dst, src []MediaType) {
	for _, m := range dst {
		for _, km := range src {
			if km.Type == m.Type {
				fill(m.Schema, km.Schema)
			}
		}
	}
}

func fill(placeholder, schema any) {
	ph, _ := placeholder.(*openapi3.SchemaRef)
	s, _ := schema.(*openapi3.SchemaRef)
	if ph != nil && s != nil {
		*ph = *s
	}
}

// loadLazy is the lazy load; false means "load in full instead".
func loadLazy(data []byte, u *url.URL, opts LoadOptions, full func() (*Document, error)) (doc *Document, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			doc, ok = nil, false // the full load reports whatever is wrong
		}
	}()
	if topLevelVersion(data) == "swagger" {
		return nil, false
	}
	cache := newDiskCache(opts, data)
	e, _ := cache.get(nil)
	return lazyFrom(data, u, opts, full, cache, e)
}

// lazyFrom builds a lazy document from the cache entry e when not nil, or
// from data.
func lazyFrom(data []byte, u *url.URL, opts LoadOptions, full func() (*Document, error), cache *diskCache, e *cacheEntry) (doc *Document, ok bool) {
	loc := displayLocation(u)
	l := &lazyDoc{loc: loc, base: u, data: data, sub: map[string]any{}, fullLoad: full}
	var (
		tree     map[string]any
		warnings []Warning
		sel      []int
	)
	if e != nil {
		l.setSel(e)
		l.comps, l.file, l.entry, l.cache = e.comps, e.file, e, cache
		tree, warnings, sel = e.tree, e.warnings, e.sel
	} else {
		if data == nil {
			return nil, false
		}
		src, err := newTreeSource(data)
		if err != nil {
			return nil, false
		}
		l.src = src
		ops, err := src.operations()
		if err != nil {
			return nil, false
		}
		sortOps(ops)
		l.setAll(ops)
		sel = l.selectOps(opts.Operations)
		s, err := newSubDoc(l.src)
		if err != nil {
			return nil, false
		}
		for _, i := range sel {
			if err := s.addOperation(ops[i]); err != nil {
				return nil, false
			}
		}
		if err := s.finish(); err != nil {
			return nil, false
		}
		tree, warnings = s.tree, append(l.duplicateWarnings(), s.warnings...)
		if cache.dir != "" {
			l.cacheEntry(cache, tree, warnings, sel)
		}
	}
	d, err := genDocument(tree, loc)
	if err != nil {
		return nil, false
	}
	d.lazy = l
	if _, err := l.adopt(d, tree, sel); err != nil {
		return nil, false
	}
	d.Warnings = warnings
	return d, true
}

// cacheEntry writes the entry of a cold load.
func (l *lazyDoc) cacheEntry(cache *diskCache, tree map[string]any, warnings []Warning, sel []int) {
	t, comps, err := splitSub(tree)
	if err != nil {
		return
	}
	e := &cacheEntry{want: cache.want, n: l.n, sel: sel, ids: l.ids, warnings: warnings, tree: t, comps: comps}
	for _, i := range sel {
		op := l.all.ops[i]
		e.selOps = append(e.selOps, op)
		e.selFirst = append(e.selFirst, op.ID != "" && l.all.byID[op.ID] == i)
	}
	cache.put(e, l.all.ops)
}

// loadCachedFile serves a local file from the cache without keeping its
// bytes: the content is hashed as it is read (a 2 MB description then
// costs a hash, not a 2 MB buffer), and read again only if an operation
// outside the cached set is looked up. False means: load normally.
func loadCachedFile(ctx context.Context, u *url.URL, r *reader) (doc *Document, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			doc, ok = nil, false
		}
	}()
	opts := r.opts
	if cacheDir(opts) == "" {
		return nil, false
	}
	name := filepath.FromSlash(u.Path)
	// One buffer: hashFile's chunks, then the entry's head (memory already
	// touched; see entryfile.go).
	buf := make([]byte, hashChunk)
	sum, n, err := fileKey(name, cacheDir(opts), opts.MaxBytes, buf)
	if err != nil || n == 0 || n > opts.MaxBytes {
		return nil, false
	}
	cache := newDiskCacheHash(opts, sum)
	e, hit := cache.get(buf)
	if !hit {
		return nil, false
	}
	full := func() (*Document, error) {
		rr := newReader(context.WithoutCancel(ctx), opts, u)
		data, err := rr.read(u)
		if err != nil {
			return nil, err
		}
		return loadFull(context.WithoutCancel(ctx), bytes.TrimPrefix(data, []byte("\ufeff")), u, rr)
	}
	doc, ok = lazyFrom(nil, u, opts, full, cache, e)
	if !ok {
		return nil, false
	}
	doc.lazy.reread = func() ([]byte, error) {
		data, err := newReader(context.WithoutCancel(ctx), opts, u).read(u)
		if err != nil {
			return nil, err
		}
		data = bytes.TrimPrefix(data, []byte("\ufeff"))
		if contentKey(data) != sum {
			return nil, errors.New("the document changed while in use")
		}
		return data, nil
	}
	return doc, true
}
