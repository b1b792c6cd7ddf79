package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/arazzo-run/arazzo/openapi"
	"github.com/getkin/kin-openapi/openapi3"
)

// Options configure a Mock.
type Options struct {
	// Seed makes output deterministic for a given seed (0 means 1).
	Seed int64
	// Status returns the preferred status for an operation (e.g. the one a
	// step's successCriteria expect); 0 or a nil func: the first documented
	// 2xx. A status the operation does not document is answered without a
	// body.
	Status func(op *openapi.Operation) int
	// Log is called once per request handled.
	Log func(Entry)
}

// Entry describes one handled request.
type Entry struct {
	Method, Path, OperationID string
	Status                    int
	// Problem is the reason of a 4xx answer (no route, validation
	// problems joined by "; "), "" otherwise.
	Problem  string
	Duration time.Duration
}

// Mock is an http.Handler answering for every operation of a document.
// It is safe for concurrent use.
type Mock struct {
	doc   *openapi.Document
	kin   *openapi3.T
	opts  Options
	root  *node
	bases []string

	sc *schemaCache

	mu     sync.Mutex
	counts map[uint64]uint64 // request fingerprint -> times seen
}

// maxBodyBytes caps the request body the mock reads.
const maxBodyBytes = 10 << 20

// maxCounts bounds the fingerprint table of a long-running mock server; it
// is cleared when full (ids then restart their sequences).
const maxCounts = 1 << 16

// operation is one routed operation; everything derived from the
// description is computed once, on first use (compile).
type operation struct {
	op   *openapi.Operation
	id   string
	once sync.Once
	c    *compiled
}

type compiled struct {
	params    []*paramSpec
	body      *openapi.RequestBody
	responses map[string]*respSpec // by documented key: "201", "2XX", "default"
	defStatus int                  // status used when Options.Status gives none
	defResp   *respSpec            // nil: answer defStatus without a body
}

type paramSpec struct {
	p      *openapi.Parameter
	schema *openapi3.SchemaRef
}

type respSpec struct {
	content []mediaSpec
	headers map[string]*openapi3.SchemaRef
}

type mediaSpec struct {
	typ        string
	schema     *openapi3.SchemaRef
	example    any
	hasExample bool
}

// New returns a mock of doc. A nil doc answers 404 to everything.
func New(doc *openapi.Document, opts Options) *Mock {
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	m := &Mock{doc: doc, opts: opts, root: &node{}, counts: map[uint64]uint64{}, sc: &schemaCache{}}
	if doc == nil {
		return m
	}
	m.kin = doc.OpenAPI3()
	var servers []serverURL
	addServers := func(list []openapi.Server) {
		for _, s := range list {
			vars := make(map[string]string, len(s.Variables))
			for k, v := range s.Variables {
				vars[k] = v.Default
			}
			servers = append(servers, serverURL{url: s.URL, vars: vars})
		}
	}
	addServers(doc.Servers)
	for _, op := range doc.Operations() {
		id := op.ID
		if id == "" {
			id = op.Method + " " + op.Path
		}
		m.root.insert(op.Path, strings.ToUpper(op.Method), &operation{op: op, id: id})
		addServers(op.Servers)
	}
	m.bases = basePaths(servers)
	return m
}

// result is what handle decided; ServeHTTP writes it.
type result struct {
	status  int
	header  http.Header
	body    []byte
	opID    string
	problem string
}

// ServeHTTP routes, validates and answers one request.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	res := m.handle(r)
	h := w.Header()
	for k, v := range res.header {
		h[k] = v
	}
	if res.body != nil {
		h.Set("Content-Length", strconv.Itoa(len(res.body)))
	}
	w.WriteHeader(res.status)
	if r.Method != http.MethodHead && res.body != nil {
		_, _ = w.Write(res.body)
	}
	if m.opts.Log != nil {
		m.opts.Log(Entry{
			Method: r.Method, Path: r.URL.Path, OperationID: res.opID,
			Status: res.status, Problem: res.problem, Duration: time.Since(start),
		})
	}
}

func (m *Mock) handle(r *http.Request) result {
	method := strings.ToUpper(r.Method)
	path := r.URL.EscapedPath()
	params := map[string]string{}
	n, _ := m.route(path, method, params)
	if n == nil && method == http.MethodHead {
		// HEAD is answered like GET (ServeHTTP drops the body).
		if n, _ = m.route(path, http.MethodGet, params); n != nil {
			method = http.MethodGet
		}
	}
	if n == nil {
		if other, _ := m.route(path, "", nil); other != nil {
			allowed := slices.Sorted(mapKeys(other.ops))
			msg := fmt.Sprintf("mock: method %s is not allowed on %s (allowed: %s)", method, r.URL.Path, strings.Join(allowed, ", "))
			res := problem(http.StatusMethodNotAllowed, msg, nil)
			res.header.Set("Allow", strings.Join(allowed, ", "))
			return res
		}
		msg := fmt.Sprintf("mock: no operation matches %s %s", method, r.URL.Path)
		if len(m.bases) > 0 {
			msg += fmt.Sprintf(" (paths are matched with or without the server base path %s)", strings.Join(m.bases, ", "))
		}
		return problem(http.StatusNotFound, msg, nil)
	}
	op := n.ops[method]
	c := m.compile(op)

	var body []byte
	var err error
	if r.Body != nil { // nil only when a handler is called directly
		body, err = io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	}
	if err != nil {
		res := problem(http.StatusBadRequest, "mock: cannot read request body: "+err.Error(), nil)
		res.opID = op.id
		return res
	}
	if len(body) > maxBodyBytes {
		res := problem(http.StatusRequestEntityTooLarge, fmt.Sprintf("mock: request body is larger than %d bytes", maxBodyBytes), nil)
		res.opID = op.id
		return res
	}

	chk := checker{dir: inRequest}
	echo := map[string]any{}
	decoded := checkBody(&chk, m.sc, c.body, r, body)
	if obj, ok := decoded.(map[string]any); ok {
		for k, v := range obj {
			echo[k] = v
		}
	}
	for k, v := range checkParams(&chk, m.sc, c.params, r, params) {
		echo[k] = v
	}
	if len(chk.problems) > 0 {
		res := problem(http.StatusBadRequest, "mock: request does not match operation "+op.id, chk.problems)
		res.opID = op.id
		return res
	}

	status, rs := c.defStatus, c.defResp
	if m.opts.Status != nil {
		if want := m.opts.Status(op.op); want > 0 {
			status, rs = want, c.lookup(want)
		}
	}
	g := &generator{sc: m.sc, rng: m.rng(op.id, status, r, body), echo: echo}
	res := result{status: status, header: http.Header{}, opID: op.id}
	res.header.Set("X-Mock-Operation", op.id)
	if rs == nil || status == http.StatusNoContent || status == http.StatusNotModified {
		return res
	}
	ms := rs.pick(r.Header.Get("Accept"))
	if ms != nil {
		res.body, res.header = encodeBody(ms, g, res.header)
	}
	for _, name := range slices.Sorted(mapKeys(rs.headers)) {
		if res.header.Get(name) == "" && !strings.EqualFold(name, "Content-Type") {
			res.header.Set(name, fmt.Sprint(g.value(rs.headers[name], name, 1, 0)))
		}
	}
	return res
}

// route matches path (escaped) under each base path, then bare. It returns
// the node and the template prefix used.
func (m *Mock) route(path, method string, params map[string]string) (*node, string) {
	for _, base := range m.bases {
		if path == base || strings.HasPrefix(path, base+"/") {
			clear(params)
			if n := m.root.match(splitPath(path[len(base):]), method, params); n != nil {
				return n, base
			}
		}
	}
	clear(params)
	return m.root.match(splitPath(path), method, params), ""
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func problem(status int, msg string, problems []string) result {
	body := map[string]any{"error": msg}
	if problems != nil {
		body["problems"] = problems
	}
	b, _ := json.Marshal(body)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	p := msg
	if len(problems) > 0 {
		p += ": " + strings.Join(problems, "; ")
	}
	return result{status: status, header: h, body: b, problem: p}
}

// rng returns the random source of one answer. It is derived from the
// seed, the operation, the status and a fingerprint of the request (method,
// path, query, body), plus how many times this exact request was seen
// before: the same request sequence gives the same bytes for a seed, and
// repeating a request (creating "the same" thing twice) still invents new
// ids.
func (m *Mock) rng(opID string, status int, r *http.Request, body []byte) *rand.Rand {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%d\x00%s\x00%s\x00%s\x00", opID, status, r.Method, r.URL.EscapedPath(), r.URL.RawQuery)
	h.Write(body)
	sum := h.Sum64()
	m.mu.Lock()
	if len(m.counts) >= maxCounts {
		clear(m.counts)
	}
	n := m.counts[sum]
	m.counts[sum] = n + 1
	m.mu.Unlock()
	return rand.New(rand.NewPCG(uint64(m.opts.Seed), sum^(n*0x9e3779b97f4a7c15)))
}

func (m *Mock) compile(op *operation) *compiled {
	op.once.Do(func() { op.c = m.compileOp(op.op) })
	return op.c
}

func (m *Mock) compileOp(op *openapi.Operation) *compiled {
	c := &compiled{body: op.RequestBody, responses: map[string]*respSpec{}, defStatus: http.StatusOK}
	for _, p := range op.Parameters {
		sr, _ := p.Schema.(*openapi3.SchemaRef)
		c.params = append(c.params, &paramSpec{p: p, schema: sr})
	}
	var kinOp *openapi3.Operation
	if m.kin != nil && m.kin.Paths != nil {
		if item := m.kin.Paths.Value(op.Path); item != nil {
			kinOp = item.GetOperation(strings.ToUpper(op.Method))
		}
	}
	for code, resp := range op.Responses {
		if resp == nil {
			continue
		}
		rs := &respSpec{headers: map[string]*openapi3.SchemaRef{}}
		for name, h := range resp.Headers {
			if sr, ok := h.Schema.(*openapi3.SchemaRef); ok && h != nil {
				rs.headers[name] = sr
			}
		}
		var kinContent openapi3.Content
		if kinOp != nil && kinOp.Responses != nil {
			if kr := kinOp.Responses.Value(code); kr != nil && kr.Value != nil {
				kinContent = kr.Value.Content
			}
		}
		for _, mt := range resp.Content {
			ms := mediaSpec{typ: mt.Type}
			ms.schema, _ = mt.Schema.(*openapi3.SchemaRef)
			if mt.Example != nil {
				ms.example, ms.hasExample = mt.Example, true
			}
			if kmt := kinContent.Get(mt.Type); kmt != nil {
				if kmt.Example != nil {
					ms.example, ms.hasExample = kmt.Example, true
				} else if ex, ok := firstExample(kmt.Examples); ok {
					ms.example, ms.hasExample = ex, true
				}
			}
			rs.content = append(rs.content, ms)
		}
		// JSON first, then the documented order (sorted by media type).
		sort.SliceStable(rs.content, func(i, j int) bool {
			return jsonRank(rs.content[i].typ) < jsonRank(rs.content[j].typ)
		})
		c.responses[code] = rs
	}
	c.defStatus, c.defResp = c.chooseDefault()
	return c
}

// firstExample returns the value of the first entry of an `examples` map in
// name order (maps carry no order), skipping externalValue-only entries.
func firstExample(exs openapi3.Examples) (any, bool) {
	for _, name := range slices.Sorted(mapKeys(exs)) {
		if e := exs[name]; e != nil && e.Value != nil && e.Value.Value != nil {
			return e.Value.Value, true
		}
	}
	return nil, false
}

func jsonRank(t string) int {
	switch {
	case t == "application/json":
		return 0
	case isJSON(t):
		return 1
	}
	return 2
}

func isJSON(mt string) bool {
	mt = strings.ToLower(mt)
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "/json") || mt == "*/*" || mt == "application/*"
}

// chooseDefault picks the answer when no status is asked for: the lowest
// documented 2xx code, else a documented 2XX range (as 200), else
// "default" (as 200), else the lowest documented code below 400, else 200
// without a body.
func (c *compiled) chooseDefault() (int, *respSpec) {
	codes := make([]int, 0, len(c.responses))
	for k := range c.responses {
		if n, err := strconv.Atoi(k); err == nil {
			codes = append(codes, n)
		}
	}
	slices.Sort(codes)
	for _, n := range codes {
		if n >= 200 && n < 300 {
			return n, c.responses[strconv.Itoa(n)]
		}
	}
	for _, k := range []string{"2XX", "2xx", "default"} {
		if rs := c.responses[k]; rs != nil {
			return http.StatusOK, rs
		}
	}
	if len(codes) > 0 && codes[0] < 400 {
		return codes[0], c.responses[strconv.Itoa(codes[0])]
	}
	return http.StatusOK, nil
}

// lookup finds the documented response for a status: exact, range, default.
func (c *compiled) lookup(status int) *respSpec {
	if rs := c.responses[strconv.Itoa(status)]; rs != nil {
		return rs
	}
	d := strconv.Itoa(status / 100)
	for _, k := range []string{d + "XX", d + "xx", "default"} {
		if rs := c.responses[k]; rs != nil {
			return rs
		}
	}
	return nil
}

// pick chooses the media type to answer with: the first one the Accept
// header names (exactly or as type/*), else JSON first.
func (rs *respSpec) pick(accept string) *mediaSpec {
	if len(rs.content) == 0 {
		return nil
	}
	if accept != "" && !strings.Contains(accept, "*/*") {
		for _, part := range strings.Split(accept, ",") {
			want, _, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			for i := range rs.content {
				if mediaMatches(rs.content[i].typ, want) {
					return &rs.content[i]
				}
			}
		}
	}
	return &rs.content[0]
}

// mediaMatches reports whether a documented media type (possibly a range
// like "application/*") covers want (possibly "text/*").
func mediaMatches(documented, want string) bool {
	documented, want = strings.ToLower(documented), strings.ToLower(want)
	if documented == want || documented == "*/*" {
		return true
	}
	dt, _, _ := strings.Cut(documented, "/")
	wt, ws, _ := strings.Cut(want, "/")
	return (strings.HasSuffix(documented, "/*") && dt == wt) || (ws == "*" && dt == wt)
}

// encodeBody renders the chosen media type's example or generated value.
// JSON types are JSON-encoded; text/* types get a string value as is (other
// values JSON-encoded); other types get a string example as is and no body
// otherwise. Wildcard media types are answered as application/json.
func encodeBody(ms *mediaSpec, g *generator, h http.Header) ([]byte, http.Header) {
	var v any
	switch {
	case ms.hasExample:
		v = echoOnto(g.sc, ms.example, ms.schema, g.echo)
	case ms.schema != nil:
		// The generator echoes into objects it builds; a schema-level
		// default or example it returns as is gets the echo here.
		v = echoOnto(g.sc, g.value(ms.schema, "", 0, 0), ms.schema, g.echo)
	}
	ct := ms.typ
	if strings.Contains(ct, "*") {
		ct = "application/json"
	}
	h.Set("Content-Type", ct)
	if !ms.hasExample && ms.schema == nil {
		return []byte{}, h
	}
	switch {
	case isJSON(ct):
		b, err := appendJSON(make([]byte, 0, 512), v)
		if err != nil {
			return []byte{}, h
		}
		return b, h
	case strings.HasPrefix(ct, "text/"):
		if s, ok := v.(string); ok {
			return []byte(s), h
		}
		b, _ := appendJSON(nil, v)
		return b, h
	}
	if s, ok := v.(string); ok {
		return []byte(s), h
	}
	return []byte{}, h
}

// echoOnto returns the example with request values echoed onto its top
// level properties that the schema declares (and that the value satisfies).
// The example itself is shared and never modified.
func echoOnto(sc *schemaCache, example any, schema *openapi3.SchemaRef, echo map[string]any) any {
	obj, ok := example.(map[string]any)
	if !ok || len(echo) == 0 || schema == nil || schema.Value == nil {
		return example
	}
	props := sc.merged(schema.Value).Properties
	var out map[string]any
	for name, v := range echo {
		p, ok := props[name]
		if !ok || !valid(p, v, inResponse) {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(obj)+1)
			for k, x := range obj {
				out[k] = x
			}
		}
		out[name] = v
	}
	if out == nil {
		return example
	}
	return out
}

// checkBody validates the request body and returns its decoded value (for
// echoing), nil when absent or not decodable.
func checkBody(c *checker, sc *schemaCache, rb *openapi.RequestBody, r *http.Request, body []byte) any {
	ct := r.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if rb == nil {
		if len(body) > 0 && isJSON(mt) {
			var v any
			if decodeJSON(body, &v) == nil {
				return v
			}
		}
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if rb.Required {
			c.addf("body", "missing required request body (%s)", mediaList(rb.Content))
		}
		return nil
	}
	if len(rb.Content) == 0 {
		return nil
	}
	if ct == "" {
		c.addf("body", "missing Content-Type header (expected %s)", mediaList(rb.Content))
		return nil
	}
	var media *openapi.MediaType
	for _, exactOnly := range []bool{true, false} {
		for i := range rb.Content {
			d := strings.ToLower(rb.Content[i].Type)
			if base, _, err := mime.ParseMediaType(d); err == nil {
				d = base // a documented "application/json; charset=utf-8"
			}
			if (exactOnly && d == strings.ToLower(mt)) || (!exactOnly && mediaMatches(d, mt)) {
				media = &rb.Content[i]
				break
			}
		}
		if media != nil {
			break
		}
	}
	if media == nil {
		c.addf("body", "content type %q is not accepted (expected %s)", mt, mediaList(rb.Content))
		return nil
	}
	schema, _ := media.Schema.(*openapi3.SchemaRef)
	var v any
	switch {
	case isJSON(mt):
		if err := decodeJSON(body, &v); err != nil {
			c.addf("body", "invalid JSON: %v", err)
			return nil
		}
	case strings.EqualFold(mt, "application/x-www-form-urlencoded"):
		q, err := url.ParseQuery(string(body))
		if err != nil {
			c.addf("body", "invalid form encoding: %v", err)
			return nil
		}
		v = formObject(sc, q, schema)
	case strings.HasPrefix(strings.ToLower(mt), "text/"):
		v = string(body)
	default:
		return nil // multipart, binary, XML: accepted as is
	}
	c.check(schema, v, "body", 0)
	return v
}

func decodeJSON(body []byte, v *any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

func mediaList(content []openapi.MediaType) string {
	names := make([]string, len(content))
	for i, m := range content {
		names[i] = m.Type
	}
	return strings.Join(names, ", ")
}

// formObject turns form fields into an object, coercing each field by its
// property schema (numbers, booleans, repeated fields as arrays).
func formObject(sc *schemaCache, q url.Values, schema *openapi3.SchemaRef) map[string]any {
	var props openapi3.Schemas
	if schema != nil && schema.Value != nil {
		props = sc.merged(schema.Value).Properties
	}
	out := make(map[string]any, len(q))
	for k, vals := range q {
		out[k] = coerce(sc, props[k], vals, "form", true)
	}
	return out
}

// checkParams validates the declared parameters and returns the path
// parameter values (coerced) for echoing.
func checkParams(c *checker, sc *schemaCache, params []*paramSpec, r *http.Request, pathVals map[string]string) map[string]any {
	var query url.Values
	echo := map[string]any{}
	for _, ps := range params {
		p := ps.p
		var raw []string
		present := false
		switch p.In {
		case "path":
			v, ok := pathVals[p.Name]
			if !ok {
				continue // the template does not name it (or several in one segment): nothing to check
			}
			raw, present = []string{stripStylePrefix(v, p)}, true
		case "query":
			if query == nil {
				query = r.URL.Query()
			}
			raw, present = query[p.Name]
			if !present && p.Style == "deepObject" {
				for k := range query {
					if strings.HasPrefix(k, p.Name+"[") {
						present = true
						break
					}
				}
				if present {
					continue // deepObject values are not reassembled: presence only
				}
			}
		case "header":
			raw = r.Header.Values(p.Name)
			present = len(raw) > 0
		case "cookie":
			if ck, err := r.Cookie(p.Name); err == nil {
				raw, present = []string{ck.Value}, true
			}
		default:
			continue
		}
		where := p.In + "." + p.Name
		if !present {
			if p.Required || p.In == "path" {
				c.addf(where, "missing required parameter")
			}
			continue
		}
		var v any
		if p.ContentType != "" {
			if !isJSON(p.ContentType) || len(raw) == 0 {
				continue
			}
			if err := decodeJSON([]byte(raw[0]), &v); err != nil {
				c.addf(where, "invalid JSON: %v", err)
				continue
			}
		} else {
			if ps.schema != nil && ps.schema.Value != nil && slices.Contains(schemaTypes(sc.merged(ps.schema.Value)), "object") {
				continue // exploded objects are not reassembled
			}
			v = coerce(sc, ps.schema, raw, p.Style, p.Explode)
		}
		c.check(ps.schema, v, where, 0)
		if p.In == "path" {
			echo[p.Name] = v
		}
	}
	return echo
}

// stripStylePrefix removes the label ('.') and matrix (';name=') prefixes
// of path parameter styles.
func stripStylePrefix(v string, p *openapi.Parameter) string {
	switch p.Style {
	case "label":
		return strings.TrimPrefix(v, ".")
	case "matrix":
		return strings.TrimPrefix(v, ";"+p.Name+"=")
	}
	return v
}

// coerce converts the string form of a parameter to the JSON value its
// schema describes: arrays are split per style (or taken from repeated
// values), integers, numbers and booleans parsed; a value that does not
// parse stays a string, so the type check names the mismatch.
func coerce(sc *schemaCache, schema *openapi3.SchemaRef, raw []string, style string, explode bool) any {
	if len(raw) == 0 {
		return nil
	}
	var s *openapi3.Schema
	if schema != nil && schema.Value != nil {
		s = sc.merged(schema.Value)
	}
	var types []string
	if s != nil {
		types = schemaTypes(s)
	}
	if slices.Contains(types, "array") {
		items := raw
		if len(raw) == 1 && !(style == "form" && explode) {
			sep := ","
			switch style {
			case "spaceDelimited":
				sep = " "
			case "pipeDelimited":
				sep = "|"
			}
			items = strings.Split(raw[0], sep)
		}
		out := make([]any, len(items))
		for i, it := range items {
			out[i] = coerce(sc, s.Items, []string{it}, "", false)
		}
		return out
	}
	str := raw[0]
	for _, t := range types {
		switch t {
		case "integer", "number":
			if n, err := strconv.ParseFloat(str, 64); err == nil {
				if t == "integer" && n == float64(int64(n)) {
					return int64(n)
				}
				return n
			}
		case "boolean":
			if b, err := strconv.ParseBool(str); err == nil && (str == "true" || str == "false") {
				return b
			}
		case "null":
			if str == "" || str == "null" {
				return nil
			}
		case "string":
			return str
		}
	}
	return str
}
