package runtime

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"

	"github.com/antchfx/xmlquery"
	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/expr"
	"github.com/arazzo-run/arazzo/openapi"
)

// pathSeg is a piece of an OpenAPI path template: a literal, or a {param}.
type pathSeg struct {
	lit   string
	param string
}

func splitPath(tmpl string) []pathSeg {
	var segs []pathSeg
	for len(tmpl) > 0 {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			segs = append(segs, pathSeg{lit: tmpl})
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			segs = append(segs, pathSeg{lit: tmpl})
			break
		}
		if i > 0 {
			segs = append(segs, pathSeg{lit: tmpl[:i]})
		}
		segs = append(segs, pathSeg{param: tmpl[i+1 : i+j]})
		tmpl = tmpl[i+j+1:]
	}
	return segs
}

// BuildError reports a request that could not be built (a value that does
// not evaluate, a missing path parameter, a body that cannot be encoded).
// Nothing was sent for that step.
type BuildError struct {
	What string // "parameter \"petId\" (path)", "request body", "server URL", ...
	Err  error
}

func (e *BuildError) Error() string { return e.What + ": " + e.Err.Error() }
func (e *BuildError) Unwrap() error { return e.Err }

type pathValue struct{ name, value string }

func lookupPath(vs []pathValue, name string) (string, bool) {
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].name == name {
			return vs[i].value, true
		}
	}
	return "", false
}

func paramError(cp *cparam, err error) error {
	return &BuildError{What: fmt.Sprintf("parameter %q (%s)", cp.p.Name, cp.p.In), Err: err}
}

// buildRequest evaluates a step's parameters and body into a reqState.
func (r *run) buildRequest(cs *cstep, ctx *stepCtx) (*reqState, error) {
	rq := &reqState{method: cs.op.Method, header: make(map[string][]string, 4)}
	base, err := r.baseURL(cs)
	if err != nil {
		return nil, &BuildError{What: "server URL of source " + strconv.Quote(cs.source), Err: err}
	}
	var pathVals []pathValue
	var query []openapi.QueryPair
	var cookies []string
	for i := range cs.params {
		cp := &cs.params[i]
		v, ok, err := evalValue(cp.p.Value, ctx)
		if err != nil {
			return nil, paramError(cp, err)
		}
		if !ok {
			continue // an optional input that was not given: no parameter
		}
		v = normalize(v)
		switch cp.p.In {
		case arazzo.InPath:
			s, err := cp.api.SerializePath(v)
			if err != nil {
				return nil, paramError(cp, err)
			}
			pathVals = append(pathVals, pathValue{cp.p.Name, s})
			if rq.path == nil {
				rq.path = map[string]any{}
			}
			rq.path[cp.p.Name] = v
		case arazzo.InQuery:
			pairs, err := cp.api.SerializeQuery(v)
			if err != nil {
				return nil, paramError(cp, err)
			}
			query = append(query, pairs...)
			if rq.query == nil {
				rq.query = map[string]any{}
			}
			rq.query[cp.p.Name] = v
		case arazzo.InHeader:
			s, err := cp.api.SerializeHeader(v)
			if err != nil {
				return nil, paramError(cp, err)
			}
			rq.header.Set(cp.p.Name, s)
		case arazzo.InCookie:
			s, err := cp.api.SerializeCookie(v)
			if err != nil {
				return nil, paramError(cp, err)
			}
			cookies = append(cookies, s)
		default:
			return nil, &BuildError{What: fmt.Sprintf("parameter %q", cp.p.Name), Err: errors.New("`in` must be path, query, header or cookie for an operation step")}
		}
	}
	if len(cookies) > 0 {
		rq.header.Set("Cookie", strings.Join(cookies, "; "))
	}
	// The path: every {name} of the template must have a value.
	var b strings.Builder
	b.Grow(len(base) + len(cs.op.Path) + 16)
	b.WriteString(strings.TrimRight(base, "/"))
	for _, s := range cs.pathSegs {
		if s.param == "" {
			b.WriteString(s.lit)
			continue
		}
		v, ok := lookupPath(pathVals, s.param)
		if !ok {
			return nil, &BuildError{What: fmt.Sprintf("path parameter %q", s.param), Err: fmt.Errorf("no value for {%s} in %s %s: add a parameter with in: path", s.param, cs.op.Method, cs.op.Path)}
		}
		b.WriteString(v)
	}
	if len(query) > 0 {
		if strings.IndexByte(base, '?') >= 0 {
			b.WriteByte('&')
		} else {
			b.WriteByte('?')
		}
		b.WriteString(openapi.EncodeQuery(query))
	}
	rq.url = b.String()

	if cs.body != nil {
		if err := r.buildBody(cs, ctx, rq); err != nil {
			return nil, &BuildError{What: "request body", Err: err}
		}
	}
	return rq, nil
}

// baseURL is the server URL for a step's source: Options.Servers when set,
// else the operation's first server with its variables resolved. A relative
// server URL is resolved against the OpenAPI document's http(s) location.
func (r *run) baseURL(cs *cstep) (string, error) {
	if u, ok := r.opts.Servers[cs.source]; ok {
		return u, nil
	}
	if len(cs.op.Servers) == 0 {
		return "", fmt.Errorf("the OpenAPI description declares no servers: give one with Options.Servers (--server %s=URL)", cs.source)
	}
	u, err := cs.op.Servers[0].Resolve(r.opts.ServerVars[cs.source])
	if err != nil {
		return "", err
	}
	if strings.Contains(u, "{") {
		return "", fmt.Errorf("server URL %q has an unresolved variable: set it with Options.ServerVars (--server-var) or replace the server with Options.Servers (--server)", u)
	}
	pu, err := url.Parse(u)
	if err != nil {
		return "", err
	}
	if pu.Scheme == "" {
		src := cs.wf.doc.sources[cs.source]
		if src == nil || src.api == nil || !strings.HasPrefix(src.api.Location, "http") {
			return "", fmt.Errorf("server URL %q is relative and the OpenAPI description was not loaded over http(s): give a base URL with Options.Servers (--server %s=URL)", u, cs.source)
		}
		loc, err := url.Parse(src.api.Location)
		if err != nil {
			return "", err
		}
		return loc.ResolveReference(pu).String(), nil
	}
	return u, nil
}

// buildBody evaluates the payload, applies the replacements and encodes the
// body for its Content-Type.
func (r *run) buildBody(cs *cstep, ctx *stepCtx, rq *reqState) error {
	rb := cs.body
	var v any
	hasPayload := rb.Payload != nil
	ctype := cs.ctype
	mt := mediaType(ctype)
	if hasPayload {
		var err error
		if t := rb.Payload.Template; rb.Payload.Kind == arazzo.ValueTemplate && t != nil && !t.IsWhole() && isJSON(mt) {
			v, err = evalJSONTemplate(t, ctx)
			if err != nil && errors.Is(err, expr.ErrNotFound) && absentInput(t, ctx) {
				v, hasPayload, err = nil, false, nil
			}
		} else {
			v, hasPayload, err = evalValue(rb.Payload, ctx)
		}
		if err != nil {
			return err
		}
	}
	if len(rb.Replacements) > 0 {
		var err error
		v, err = applyReplacements(v, mt, rb.Replacements, ctx)
		if err != nil {
			return err
		}
	}
	if !hasPayload && len(rb.Replacements) == 0 {
		return nil // no payload, or a whole-payload input that was not given
	}
	if ctype == "" {
		// Neither the step nor the operation says: JSON for structured
		// values, text for strings.
		if _, ok := v.(string); ok {
			ctype, mt = "text/plain; charset=utf-8", "text/plain"
		} else {
			ctype, mt = "application/json", "application/json"
		}
	}
	raw, ct, err := encodeBody(v, ctype, mt)
	if err != nil {
		return err
	}
	if _, ok := v.(string); ok && isJSON(mt) {
		if err := checkJSONBody(raw); err != nil {
			return err
		}
	}
	rq.raw = raw
	rq.hasBody = true
	rq.body = v
	if s, ok := v.(string); ok && isJSON(mt) {
		// A JSON body written as a string template: $request.body#/x
		// should still work.
		if d, ok := decodeJSON([]byte(s)); ok {
			rq.body = d
		}
	}
	if rq.header.Get("Content-Type") == "" {
		rq.header.Set("Content-Type", ct)
	}
	return nil
}

func mediaType(ctype string) string {
	if ctype == "" {
		return ""
	}
	if i := strings.IndexByte(ctype, ';'); i >= 0 {
		ctype = ctype[:i]
	}
	return strings.ToLower(strings.TrimSpace(ctype))
}

func isJSON(mt string) bool {
	mt = mediaType(mt)
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "/json")
}

func isXML(mt string) bool {
	return mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml")
}

// encodeBody serializes v for the media type. It returns the bytes and the
// Content-Type header to send (multipart adds its boundary).
func encodeBody(v any, ctype, mt string) ([]byte, string, error) {
	switch {
	case isJSON(mt):
		if s, ok := v.(string); ok {
			return []byte(s), ctype, nil
		}
		raw, err := marshalJSON(v)
		return raw, ctype, err
	case mt == "application/x-www-form-urlencoded":
		switch x := v.(type) {
		case string:
			return []byte(x), ctype, nil
		case map[string]any:
			vals := url.Values{}
			for _, k := range sortedKeys(x) {
				for _, s := range formValues(x[k]) {
					vals.Add(k, s)
				}
			}
			return []byte(vals.Encode()), ctype, nil
		case nil:
			return nil, ctype, nil
		}
		return nil, "", fmt.Errorf("an application/x-www-form-urlencoded payload must be an object or a string, got %s", typeName(v))
	case mt == "multipart/form-data":
		return encodeMultipart(v, ctype)
	case isXML(mt):
		switch x := v.(type) {
		case string:
			return []byte(x), ctype, nil
		case map[string]any:
			raw, err := encodeXML(x)
			return raw, ctype, err
		}
		return nil, "", fmt.Errorf("an XML payload must be a string (or an object with a single root member), got %s", typeName(v))
	}
	switch x := v.(type) {
	case string:
		return []byte(x), ctype, nil
	case []byte:
		return x, ctype, nil
	case nil:
		return nil, ctype, nil
	}
	// Structured value for a non-JSON media type: JSON is the only sensible
	// text form.
	raw, err := marshalJSON(v)
	return raw, ctype, err
}

func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return b[:len(b)-1], nil // drop Encode's newline
}

// formValues turns a form field's value into strings: scalars as text,
// arrays as repeated fields, objects as JSON.
func formValues(v any) []string {
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, scalarString(e))
		}
		return out
	}
	return []string{scalarString(v)}
}

// scalarString renders a JSON value as text: strings as-is, numbers in
// their shortest form, null as "", objects and arrays as JSON.
func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	raw, err := marshalJSON(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(raw)
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case float64, int, int64, json.Number:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

// encodeMultipart writes an object as multipart/form-data: one part per
// member (arrays: one part per element); strings and scalars as text
// fields, objects as application/json parts. A string payload is sent as
// written (it must then carry its own boundary in contentType).
func encodeMultipart(v any, ctype string) ([]byte, string, error) {
	switch x := v.(type) {
	case string:
		return []byte(x), ctype, nil
	case map[string]any:
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		if _, params, err := mime.ParseMediaType(ctype); err == nil && params["boundary"] != "" {
			if err := w.SetBoundary(params["boundary"]); err != nil {
				return nil, "", err
			}
		}
		for _, k := range sortedKeys(x) {
			items := []any{x[k]}
			if arr, ok := x[k].([]any); ok {
				items = arr
			}
			for _, it := range items {
				h := textproto.MIMEHeader{}
				h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, escapeQuotes(k)))
				var data []byte
				switch it.(type) {
				case map[string]any, []any:
					h.Set("Content-Type", "application/json")
					raw, err := marshalJSON(it)
					if err != nil {
						return nil, "", err
					}
					data = raw
				default:
					data = []byte(scalarString(it))
				}
				pw, err := w.CreatePart(h)
				if err != nil {
					return nil, "", err
				}
				if _, err := pw.Write(data); err != nil {
					return nil, "", err
				}
			}
		}
		if err := w.Close(); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), w.FormDataContentType(), nil
	}
	return nil, "", fmt.Errorf("a multipart/form-data payload must be an object or a string, got %s", typeName(v))
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

// encodeXML writes an object with a single member as an XML document:
// {"pet": {"id": 1, "tags": ["a", "b"]}} -> <pet><id>1</id><tags>a</tags><tags>b</tags></pet>.
// Members whose name starts with '@' become attributes.
func encodeXML(m map[string]any) ([]byte, error) {
	if len(m) != 1 {
		return nil, fmt.Errorf("an XML payload given as an object must have exactly one member (the root element), got %d", len(m))
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	for k, v := range m {
		if err := writeXMLElem(&buf, k, v, 0); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

func writeXMLElem(buf *bytes.Buffer, name string, v any, depth int) error {
	if depth > 64 {
		return errors.New("XML payload nested too deeply")
	}
	if arr, ok := v.([]any); ok {
		for _, e := range arr {
			if err := writeXMLElem(buf, name, e, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	buf.WriteByte('<')
	buf.WriteString(name)
	m, isObj := v.(map[string]any)
	keys := sortedKeys(m)
	for _, k := range keys {
		if strings.HasPrefix(k, "@") {
			buf.WriteByte(' ')
			buf.WriteString(k[1:])
			buf.WriteString(`="`)
			_ = xml.EscapeText(buf, []byte(scalarString(m[k])))
			buf.WriteByte('"')
		}
	}
	buf.WriteByte('>')
	if isObj {
		for _, k := range keys {
			if strings.HasPrefix(k, "@") {
				continue
			}
			if k == "#text" {
				_ = xml.EscapeText(buf, []byte(scalarString(m[k])))
				continue
			}
			if err := writeXMLElem(buf, k, m[k], depth+1); err != nil {
				return err
			}
		}
	} else if v != nil {
		_ = xml.EscapeText(buf, []byte(scalarString(v)))
	}
	buf.WriteString("</")
	buf.WriteString(name)
	buf.WriteByte('>')
	return nil
}

// applyReplacements applies the Payload Replacement Objects in order, after
// the payload is evaluated. Targets are JSON pointers for structured (or
// JSON-string) payloads and XPath expressions for XML string payloads. A
// pointer whose parent exists but whose last member does not adds the
// member ("-" appends to an array); a missing parent is an error.
func applyReplacements(v any, mt string, reps []*arazzo.Replacement, ctx expr.Context) (any, error) {
	if s, ok := v.(string); ok && (isXML(mt) || looksLikeXML(s) && !isJSON(mt)) {
		return replaceXML(s, reps, ctx)
	}
	wasString := false
	if s, ok := v.(string); ok && mt == "application/x-www-form-urlencoded" {
		// The spec only says a target "MUST be resolved against the request
		// body"; a form string is read as a flat object (field -> value, or
		// an array for a repeated field), so /field targets a field, and it
		// is sent as a form again (fields sorted, as for object payloads).
		q, err := url.ParseQuery(s)
		if err != nil {
			return nil, fmt.Errorf("replacements: the form payload does not parse: %w", err)
		}
		m := make(map[string]any, len(q))
		for k, vs := range q {
			if len(vs) == 1 {
				m[k] = vs[0]
				continue
			}
			arr := make([]any, len(vs))
			for i, x := range vs {
				arr[i] = x
			}
			m[k] = arr
		}
		v = m
	} else if s, ok := v.(string); ok {
		d, ok := decodeJSON([]byte(s))
		if !ok {
			return nil, errors.New("replacements need a JSON or XML payload; this string payload is neither")
		}
		v, wasString = d, true
	} else {
		v = deepCopy(v)
	}
	for _, rep := range reps {
		if rep == nil {
			continue
		}
		val, ok, err := evalValue(rep.Value, ctx)
		if err != nil {
			return nil, fmt.Errorf("replacement %s: %w", rep.Target, err)
		}
		if !ok {
			continue // an optional input that was not given
		}
		val = deepCopy(val)
		p, err := expr.ParsePointer(rep.Target)
		if err != nil {
			return nil, fmt.Errorf("replacement target %q is not a JSON pointer: %w", rep.Target, err)
		}
		v, err = setPointer(v, p.Tokens(), val)
		if err != nil {
			return nil, fmt.Errorf("replacement %s: %w", rep.Target, err)
		}
	}
	if wasString {
		raw, err := marshalJSON(v)
		if err != nil {
			return nil, err
		}
		return string(raw), nil
	}
	return v, nil
}

func looksLikeXML(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "<")
}

func setPointer(doc any, toks []string, val any) (any, error) {
	if len(toks) == 0 {
		return val, nil
	}
	parent := doc
	for i, tok := range toks[:len(toks)-1] {
		next, ok := pointerStep(parent, tok)
		if !ok {
			return nil, fmt.Errorf("%s does not exist in the payload", "/"+strings.Join(toks[:i+1], "/"))
		}
		parent = next
	}
	last := toks[len(toks)-1]
	switch x := parent.(type) {
	case map[string]any:
		x[last] = val
		return doc, nil
	case []any:
		if last == "-" {
			return nil, errors.New(`appending with "-" is not supported inside nested arrays; target the index`)
		}
		i, err := strconv.Atoi(last)
		if err != nil || i < 0 || i >= len(x) {
			return nil, fmt.Errorf("array index %q out of range (length %d)", last, len(x))
		}
		x[i] = val
		return doc, nil
	}
	return nil, fmt.Errorf("cannot set %q inside %s", last, typeName(parent))
}

func pointerStep(v any, tok string) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		r, ok := x[tok]
		return r, ok
	case []any:
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || i >= len(x) {
			return nil, false
		}
		return x[i], true
	}
	return nil, false
}

// replaceXML applies XPath replacements to an XML string: a selected
// element gets the value as its only text content, a selected attribute
// gets it as its value. A target that selects nothing is an error.
func replaceXML(s string, reps []*arazzo.Replacement, ctx expr.Context) (any, error) {
	doc, err := xmlquery.Parse(strings.NewReader(s))
	if err != nil {
		return nil, fmt.Errorf("the XML payload does not parse: %w", err)
	}
	for _, rep := range reps {
		if rep == nil {
			continue
		}
		val, ok, err := evalValue(rep.Value, ctx)
		if err != nil {
			return nil, fmt.Errorf("replacement %s: %w", rep.Target, err)
		}
		if !ok {
			continue
		}
		nodes, err := xmlquery.QueryAll(doc, rep.Target)
		if err != nil {
			return nil, fmt.Errorf("replacement target %q is not a valid XPath expression: %w", rep.Target, err)
		}
		if len(nodes) == 0 {
			return nil, fmt.Errorf("replacement target %q selects nothing in the XML payload", rep.Target)
		}
		text := scalarString(val)
		for _, n := range nodes {
			switch n.Type {
			case xmlquery.AttributeNode:
				setXMLAttr(n, text)
			case xmlquery.ElementNode:
				n.FirstChild, n.LastChild = nil, nil
				xmlquery.AddChild(n, &xmlquery.Node{Type: xmlquery.TextNode, Data: text})
			case xmlquery.TextNode, xmlquery.CharDataNode:
				n.Data = text
			default:
				return nil, fmt.Errorf("replacement target %q selects a node that cannot be replaced", rep.Target)
			}
		}
	}
	out := doc.OutputXMLWithOptions(xmlquery.WithPreserveSpace())
	if !strings.HasPrefix(strings.TrimSpace(s), "<?xml") && strings.HasPrefix(out, "<?xml") {
		// xmlquery adds a declaration the payload did not have.
		if i := strings.Index(out, "?>"); i >= 0 {
			out = out[i+2:]
		}
	}
	return out, nil
}

// setXMLAttr sets the value of an attribute node selected by XPath: the
// node is a detached view, so the owning element's attribute is updated.
func setXMLAttr(n *xmlquery.Node, text string) {
	if p := n.Parent; p != nil {
		for i := range p.Attr {
			if p.Attr[i].Name.Local == n.Data {
				p.Attr[i].Value = text
			}
		}
	}
	n.FirstChild = &xmlquery.Node{Type: xmlquery.TextNode, Data: text}
	n.LastChild = n.FirstChild
}

// normalize turns Go values a library caller may pass (ints, []string,
// map[string]string, structs) into the encoding/json shapes the
// serializers and schema validation expect. JSON shapes pass through
// without copying.
func normalize(v any) any {
	if isJSONShape(v, 0) {
		return v
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return v
	}
	d, ok := decodeJSON(raw)
	if !ok {
		return v
	}
	return d
}

func isJSONShape(v any, depth int) bool {
	if depth > 256 {
		return true // let the consumer's own depth limits speak
	}
	switch x := v.(type) {
	case nil, string, bool, float64, json.Number, int, int64:
		return true
	case map[string]any:
		for _, e := range x {
			if !isJSONShape(e, depth+1) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range x {
			if !isJSONShape(e, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}
