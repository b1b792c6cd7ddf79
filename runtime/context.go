package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/expr"
)

// wfState is the per-run state of one workflow execution: what $inputs,
// $steps and $outputs read, and $workflows.<id> from elsewhere.
type wfState struct {
	cw      *cworkflow
	inputs  map[string]any
	steps   map[string]map[string]any // step outputs by stepId
	outputs map[string]any            // evaluated at the end (and on goto/end)
}

// reqState is a request as built: what $url, $method and $request.* read.
type reqState struct {
	method  string
	url     string
	header  http.Header
	query   map[string]any // the step's query parameter values, by name
	path    map[string]any // the step's path parameter values, by name
	body    any            // the payload after replacements (a string for text bodies)
	hasBody bool
	raw     []byte
}

// respState is a response as received: what $statusCode and $response.*
// read. The body is decoded lazily, once.
type respState struct {
	status  int
	header  http.Header
	raw     []byte
	ctype   string
	decoded bool
	body    any
}

// bodyValue decodes the response body on first use: JSON (numbers kept as
// json.Number so large ids survive) when the Content-Type says JSON or, with
// no Content-Type, when the body parses as JSON; anything else (XML, text)
// is kept as a string.
func (r *respState) bodyValue() (any, bool) {
	if !r.decoded {
		r.decoded = true
		r.body = decodeBody(r.raw, r.ctype)
	}
	if len(r.raw) == 0 {
		return nil, false
	}
	return r.body, true
}

func decodeBody(raw []byte, ctype string) any {
	if len(raw) == 0 {
		return nil
	}
	mt := mediaType(ctype)
	if isJSON(mt) || mt == "" || mt == "text/plain" {
		if v, ok := decodeJSON(raw); ok {
			return v
		}
	}
	return string(raw)
}

func decodeJSON(raw []byte) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	if d.More() {
		return nil, false
	}
	return v, true
}

// stepCtx implements expr.Context for one step attempt (and, with cs nil,
// for a workflow's outputs).
type stepCtx struct {
	r    *run
	ws   *wfState
	req  *reqState
	resp *respState
	// sub holds the outputs of the workflow a workflow step called: the
	// step's $outputs (see the package documentation).
	sub    map[string]any
	hasSub bool
}

var _ expr.Context = (*stepCtx)(nil)

// Value implements expr.Context.
func (c *stepCtx) Value(e *expr.Expression) (any, bool) {
	switch e.Source {
	case expr.SourceURL:
		if c.req == nil {
			return nil, false
		}
		return c.req.url, true
	case expr.SourceMethod:
		if c.req == nil {
			return nil, false
		}
		return c.req.method, true
	case expr.SourceStatusCode:
		if c.resp == nil {
			return nil, false
		}
		return c.resp.status, true
	case expr.SourceRequestHeader:
		if c.req == nil {
			return nil, false
		}
		return headerValue(c.req.header, e.Name)
	case expr.SourceRequestQuery:
		if c.req == nil {
			return nil, false
		}
		v, ok := c.req.query[e.Name]
		return v, ok
	case expr.SourceRequestPath:
		if c.req == nil {
			return nil, false
		}
		v, ok := c.req.path[e.Name]
		return v, ok
	case expr.SourceRequestBody:
		if c.req == nil || !c.req.hasBody {
			return nil, false
		}
		// The payload may share literals with the Plan: hand out a copy so
		// that outputs given to the caller never alias the Plan.
		return deepCopy(c.req.body), true
	case expr.SourceResponseHeader:
		if c.resp == nil {
			return nil, false
		}
		return headerValue(c.resp.header, e.Name)
	case expr.SourceResponseBody:
		if c.resp == nil {
			return nil, false
		}
		return c.resp.bodyValue()
	case expr.SourceInputs:
		if c.ws == nil {
			return nil, false
		}
		v, ok := c.ws.inputs[e.Name]
		return v, ok
	case expr.SourceOutputs:
		if c.hasSub {
			v, ok := c.sub[e.Name]
			return v, ok
		}
		if c.ws == nil {
			return nil, false
		}
		v, ok := c.ws.outputs[e.Name]
		return v, ok
	case expr.SourceSteps:
		if c.ws == nil {
			return nil, false
		}
		outs, ok := c.ws.steps[e.Owner]
		if !ok {
			return nil, false
		}
		v, ok := outs[e.Name]
		return v, ok
	case expr.SourceWorkflows:
		if c.ws == nil || c.r == nil {
			return nil, false
		}
		cw := c.ws.cw.doc.workflows[e.Owner]
		if cw == nil {
			return nil, false
		}
		st := c.r.workflows[cw]
		if st == nil {
			return nil, false
		}
		var v any
		var ok bool
		if e.Field == "inputs" {
			v, ok = st.inputs[e.Name]
		} else {
			v, ok = st.outputs[e.Name]
		}
		return v, ok
	case expr.SourceSourceDescriptions:
		if c.ws == nil {
			return nil, false
		}
		s := c.ws.cw.doc.sources[e.Owner]
		if s == nil {
			return nil, false
		}
		v, ok := s.members[e.Field]
		return v, ok
	case expr.SourceComponents:
		if c.ws == nil {
			return nil, false
		}
		return c.component(e)
	}
	return nil, false
}

// component reads $components.<kind>.<name>: a parameter's value (evaluated
// in this context), an inputs schema, or an action's name.
func (c *stepCtx) component(e *expr.Expression) (any, bool) {
	comps := &c.ws.cw.doc.doc.Components
	switch e.Owner {
	case "parameters":
		p := comps.Parameters[e.Name]
		if p == nil || p.Value == nil {
			return nil, false
		}
		v, ok, err := evalValue(p.Value, c)
		if err != nil || !ok {
			return nil, false
		}
		return v, true
	case "inputs":
		s := comps.Inputs[e.Name]
		if s == nil {
			return nil, false
		}
		return s.Raw, true
	case "successActions":
		if a := comps.SuccessActions[e.Name]; a != nil {
			return a.Name, true
		}
	case "failureActions":
		if a := comps.FailureActions[e.Name]; a != nil {
			return a.Name, true
		}
	}
	return nil, false
}

// headerValue returns the first value of a header, matched
// case-insensitively ("single header values only are available").
func headerValue(h http.Header, name string) (any, bool) {
	if vs, ok := h[textproto.CanonicalMIMEHeaderKey(name)]; ok && len(vs) > 0 {
		return vs[0], true
	}
	for k, vs := range h {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0], true
		}
	}
	return nil, false
}

// evalValue evaluates a document value: literal subtrees are returned as-is
// (shared with the Plan: callers that mutate must copy first), expressions
// and templates are evaluated, arrays and objects rebuilt around them.
// present is false when the value refers to a workflow input that was not
// given (an optional input): such a value is omitted, and so is an object
// member or array item holding one.
func evalValue(v *arazzo.Value, ctx expr.Context) (val any, present bool, err error) {
	if v == nil {
		return nil, true, nil
	}
	switch v.Kind {
	case arazzo.ValueLiteral:
		return v.Literal, true, nil
	case arazzo.ValueTemplate:
		if v.Template == nil {
			return nil, true, nil
		}
		x, err := v.Template.Eval(ctx)
		if err != nil {
			if errors.Is(err, expr.ErrNotFound) && absentInput(v.Template, ctx) {
				return nil, false, nil
			}
			return nil, false, err
		}
		return x, true, nil
	case arazzo.ValueArray:
		out := make([]any, 0, len(v.Items))
		for _, it := range v.Items {
			x, ok, err := evalValue(it, ctx)
			if err != nil {
				return nil, false, err
			}
			if ok {
				out = append(out, x)
			}
		}
		return out, true, nil
	case arazzo.ValueObject:
		out := make(map[string]any, len(v.Members))
		for _, m := range v.Members {
			x, ok, err := evalValue(m.Value, ctx)
			if err != nil {
				return nil, false, err
			}
			if ok {
				out[m.Key] = x
			}
		}
		return out, true, nil
	}
	return v.Literal, true, nil
}

// absentInput reports whether a template refers to a workflow input that
// was not given.
func absentInput(t *expr.Template, ctx expr.Context) bool {
	for _, e := range t.Expressions() {
		if e.Source != expr.SourceInputs {
			continue
		}
		if _, ok := ctx.Value(e); !ok {
			return true
		}
	}
	return false
}

// deepCopy copies maps and slices of a decoded JSON value so that payload
// replacements never write into the Plan's literals.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}
