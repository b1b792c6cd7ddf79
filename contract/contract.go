package contract

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/arazzo-run/arazzo/openapi"
)

// Kind classifies a Problem.
type Kind string

// The kinds of problems. All but KindUnchecked are violations of the
// description by the exchange.
const (
	// KindStatus: the response status is not documented for the operation
	// (no exact code, no range like 2XX, no default).
	KindStatus Kind = "undocumented-status"
	// KindContentType: the Content-Type is missing or not among the
	// documented media types.
	KindContentType Kind = "content-type"
	// KindSchema: the body does not satisfy the media type's schema.
	KindSchema Kind = "schema"
	// KindInvalidJSON: the Content-Type says JSON but the body does not parse.
	KindInvalidJSON Kind = "invalid-json"
	// KindBody: a documented body is missing (a required request body, or
	// an empty response where content is documented).
	KindBody Kind = "body"
	// KindHeader: a required response header is missing.
	KindHeader Kind = "header"
	// KindParameter: a required request parameter is missing.
	KindParameter Kind = "parameter"
	// KindUnchecked: the description's schema cannot be compiled, so the
	// body was not checked. This is a problem of the description, not of
	// the exchange: it is never a violation.
	KindUnchecked Kind = "unchecked"
)

// Problem is one difference between an exchange and the OpenAPI
// description.
type Problem struct {
	// In is "request" or "response".
	In   string
	Kind Kind
	// Pointer is the JSON pointer of the offending value in the body
	// ("/items/0/id"); "" for the whole body or when not about the body.
	Pointer string
	// SchemaPointer is the JSON pointer (without '#') into the OpenAPI
	// document of what was violated: the failing schema keyword
	// ("/components/schemas/User/properties/id/pattern"), the responses
	// object, the content map...
	SchemaPointer string
	// Message says what is wrong. It quotes a value from the body only
	// when the value is short and no member on its path has a secret-like
	// name (see the package documentation).
	Message string
}

// String is a one-line description:
//
//	response schema /items/0/id: "admin1" does not match pattern "^(?!admin).*$" (#/components/schemas/User/properties/id/pattern)
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.In)
	b.WriteByte(' ')
	b.WriteString(string(p.Kind))
	if p.Pointer != "" {
		b.WriteByte(' ')
		b.WriteString(p.Pointer)
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	if p.SchemaPointer != "" {
		b.WriteString(" (#")
		b.WriteString(p.SchemaPointer)
		b.WriteByte(')')
	}
	return b.String()
}

// Violation reports whether the problem is a violation of the description
// by the exchange (what --strict fails on); KindUnchecked is not.
func (p Problem) Violation() bool { return p.Kind != KindUnchecked }

// Defaults for Options.
const (
	DefaultMaxBodyBytes = 4 << 20
	DefaultMaxProblems  = 10
)

// Options tune a Checker. The zero value works.
type Options struct {
	// MaxBodyBytes: bodies larger than this are not checked against their
	// schema (status and content type still are). Default 4 MiB.
	MaxBodyBytes int
	// MaxProblems caps the schema problems reported for one body; the rest
	// are summarized in one last problem. Default 10.
	MaxProblems int
}

// Checker checks exchanges against one OpenAPI description. It is safe for
// concurrent use. Schemas are compiled lazily, once per operation, and
// cached for the Checker's life.
type Checker struct {
	doc  *openapi.Document
	opts Options
	v30  bool

	mu            sync.Mutex // guards compilers, componentURLs, compSrc, compErrs, pending and nres
	compilers     [2]*jsonschema.Compiler
	componentURLs [2]map[string]string // component name -> resource URL, per direction
	compSrc       map[string]compSource
	compErrs      map[string]error // component resources that cannot be converted
	pending       [2][]string      // component URLs named, not yet added to compilers
	nres          int
	bases         sync.Map // component resource URL -> its pointer in the document
	compDocs      sync.Map // component resource URL -> its converted document

	ops sync.Map // *openapi.Operation -> *opSchemas

	// kinOnce asks the document for its kin-openapi form once, before a
	// kin-openapi schema is read: a lazily loaded document fills in the
	// operations' Schema fields only then. Operations whose generic form
	// is available (openapi.Document.Raw) never need it.
	kinOnce sync.Once
	kinUsed bool // for tests: set under kinOnce
}

func (c *Checker) ensureSchemas() {
	c.kinOnce.Do(func() {
		c.kinUsed = true
		if c.doc != nil {
			c.doc.OpenAPI3()
		}
	})
}

// New returns a Checker for doc. Nothing is compiled until an operation is
// first checked.
func New(doc *openapi.Document, opts Options) *Checker {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.MaxProblems <= 0 {
		opts.MaxProblems = DefaultMaxProblems
	}
	c := &Checker{doc: doc, opts: opts, compSrc: map[string]compSource{}, compErrs: map[string]error{}}
	if doc != nil {
		c.v30 = strings.HasPrefix(doc.Version, "3.0") || strings.HasPrefix(doc.Version, "2.")
	}
	return c
}

// CheckResponse checks a response to op: the status is documented, the
// Content-Type is documented for it, required headers are present, and a
// JSON body satisfies the schema. It returns nil when everything conforms.
func (c *Checker) CheckResponse(op *openapi.Operation, status int, header http.Header, body []byte) []Problem {
	if c == nil || op == nil || len(op.Responses) == 0 {
		return nil
	}
	key, resp := responseFor(op, status)
	if resp == nil {
		return []Problem{{
			In: "response", Kind: KindStatus, SchemaPointer: op.Pointer + "/responses",
			Message: fmt.Sprintf("status %d is not documented (documented: %s)", status, strings.Join(sortedCodes(op), ", ")),
		}}
	}
	ptr := op.Pointer + "/responses/" + escapeToken(key)
	var out []Problem
	for _, name := range sortedHeaderNames(resp.Headers) {
		h := resp.Headers[name]
		if h == nil || !h.Required || strings.EqualFold(name, "Content-Type") {
			continue
		}
		if header.Get(name) == "" {
			out = append(out, Problem{
				In: "response", Kind: KindHeader, SchemaPointer: ptr + "/headers/" + escapeToken(name),
				Message: fmt.Sprintf("required header %s is missing", name),
			})
		}
	}
	if len(resp.Content) == 0 {
		// Content not described: nothing to compare the body with.
		return out
	}
	if len(body) == 0 {
		if op.Method == http.MethodHead || status == http.StatusNotModified {
			return out
		}
		return append(out, Problem{
			In: "response", Kind: KindBody, SchemaPointer: ptr + "/content",
			Message: fmt.Sprintf("the body is empty; status %s documents content (%s)", key, documentedTypes(resp.Content)),
		})
	}
	return c.checkBody(out, "response", op, ptr, resp.Content, header, body, toResponse, key)
}

// CheckRequest checks a request for op before it is sent: required query,
// header and cookie parameters are present, a required body is present,
// its Content-Type is documented, and a JSON body satisfies the schema.
// Parameter values are not checked against their schemas. body is the
// request body (req.Body is not read).
func (c *Checker) CheckRequest(op *openapi.Operation, req *http.Request, body []byte) []Problem {
	if c == nil || op == nil || req == nil {
		return nil
	}
	var out []Problem
	var query map[string][]string
	if req.URL != nil {
		query = req.URL.Query()
	}
	for _, p := range op.Parameters {
		if p == nil || !p.Required {
			continue
		}
		present := true
		switch p.In {
		case "query":
			_, present = query[p.Name]
		case "header":
			present = req.Header.Get(p.Name) != ""
		case "cookie":
			_, err := req.Cookie(p.Name)
			present = err == nil
		}
		if !present {
			out = append(out, Problem{
				In: "request", Kind: KindParameter, SchemaPointer: op.Pointer,
				Message: fmt.Sprintf("required %s parameter %q is missing", p.In, p.Name),
			})
		}
	}
	rb := op.RequestBody
	if rb == nil || len(rb.Content) == 0 {
		return out
	}
	ptr := op.Pointer + "/requestBody"
	if len(body) == 0 {
		if rb.Required {
			out = append(out, Problem{
				In: "request", Kind: KindBody, SchemaPointer: ptr,
				Message: fmt.Sprintf("the request body is required (%s)", documentedTypes(rb.Content)),
			})
		}
		return out
	}
	return c.checkBody(out, "request", op, ptr, rb.Content, req.Header, body, toRequest, "")
}

// checkBody checks the Content-Type of a non-empty body and, for JSON,
// the schema. ptr is the pointer of the object holding `content`.
func (c *Checker) checkBody(out []Problem, in string, op *openapi.Operation, ptr string, content []openapi.MediaType, header http.Header, body []byte, dir direction, status string) []Problem {
	ct := header.Get("Content-Type")
	if ct == "" {
		return append(out, Problem{
			In: in, Kind: KindContentType, SchemaPointer: ptr + "/content",
			Message: fmt.Sprintf("no Content-Type header (documented: %s)", documentedTypes(content)),
		})
	}
	mt := mediaType(ct)
	entry, ok := matchMedia(content, mt)
	if !ok {
		return append(out, Problem{
			In: in, Kind: KindContentType, SchemaPointer: ptr + "/content",
			Message: fmt.Sprintf("Content-Type %s is not documented (documented: %s)", displayMedia(mt), documentedTypes(content)),
		})
	}
	if !isJSON(mt) || entry.Schema == nil || len(body) > c.opts.MaxBodyBytes {
		return out
	}
	sp := ptr + "/content/" + escapeToken(entry.Type) + "/schema"
	// The body is parsed before the schema is compiled: the first check
	// compiles only what the body reaches (schemaFor).
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	cs := c.schemaFor(op, dir, status, entry.Type, v, err == nil && len(body) <= maxPrunedBody)
	if cs == nil {
		return out
	}
	if cs.err != nil {
		return append(out, Problem{
			In: in, Kind: KindUnchecked, SchemaPointer: sp,
			Message: "the schema cannot be compiled, the body was not checked: " + oneLine(cs.err.Error()),
		})
	}
	if err != nil {
		return append(out, Problem{
			In: in, Kind: KindInvalidJSON, SchemaPointer: sp,
			Message: fmt.Sprintf("the body is not valid JSON (Content-Type %s): %s", displayMedia(mt), jsonErrorMessage(err)),
		})
	}
	// validateWithin bounds the time spent in ECMA (regexp2) pattern
	// matches for one message, so a pathological pattern in a description
	// cannot stall a run (see regex.go).
	exhausted, err := validateWithin(context.Background(), cs.sch, v)
	if err != nil {
		out = append(out, c.schemaProblems(in, err, v, cs)...)
	}
	if exhausted {
		out = append(out, patternBudgetProblem(in, sp))
	}
	return out
}

// responseFor picks the documented response for status: the exact code,
// else its range ("2XX", any case), else "default".
func responseFor(op *openapi.Operation, status int) (string, *openapi.Response) {
	code := strconv.Itoa(status)
	if r := op.Responses[code]; r != nil {
		return code, r
	}
	if len(code) == 3 {
		for _, k := range []string{code[:1] + "XX", code[:1] + "xx"} {
			if r := op.Responses[k]; r != nil {
				return k, r
			}
		}
	}
	if r := op.Responses["default"]; r != nil {
		return "default", r
	}
	return "", nil
}

func sortedCodes(op *openapi.Operation) []string {
	codes := make([]string, 0, len(op.Responses))
	for k := range op.Responses {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	return codes
}

func sortedHeaderNames(h map[string]*openapi.Header) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", "; ")
}
