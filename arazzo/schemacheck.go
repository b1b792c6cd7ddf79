package arazzo

import (
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The official Arazzo 1.0 JSON Schema, latest published iteration.
//
//go:embed schema/arazzo-1.0-schema-2025-10-15.json
var officialSchemaJSON []byte

const officialSchemaURL = "https://spec.openapis.org/arazzo/1.0/schema/2025-10-15"

// officialSchemaAlias is the URL the official schema is compiled under.
// jsonschema validates every schema root against its metaschema before
// compiling it, except roots under https://json-schema.org/ (roots.go,
// addRoot). The embedded schema is fixed at build time and
// TestOfficialSchemaPassesMetaschema proves it valid, so validating it again
// in every process would only cost time (the draft 2020-12 metaschema
// compiled for nothing, ~4 ms). The schema's own $id still names
// officialSchemaURL; the translator matches schema locations by suffix only,
// and no diagnostic shows a schema URL (TestOfficialAliasSameDiagnostics).
const officialSchemaAlias = "https://json-schema.org/x-arazzo-run/arazzo-1.0-schema-2025-10-15"

var officialSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	return compileOfficialSchema(officialSchemaAlias)
})

// compileOfficialSchema compiles the embedded schema registered under url:
// officialSchemaAlias skips the metaschema validation, officialSchemaURL
// does it (tests only).
func compileOfficialSchema(url string) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytesReader(officialSchemaJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

var printer = message.NewPrinter(language.English)

// Messages shared by the schema translation and the semantic checks: they
// must be worded identically so that Diagnostics.dedupe merges them.
const (
	msgStepTarget = "step needs exactly one of operationId, operationPath, workflowId"
	msgGotoTarget = "a goto action needs exactly one of stepId, workflowId"
)

// knownFields lists the fixed fields of each object, for "did you mean"
// hints on unknown fields.
var knownFields = map[string][]string{
	"document":                  {"arazzo", "info", "sourceDescriptions", "workflows", "components"},
	"info":                      {"title", "summary", "description", "version"},
	"source description":        {"name", "url", "type"},
	"workflow":                  {"workflowId", "summary", "description", "inputs", "dependsOn", "steps", "successActions", "failureActions", "outputs", "parameters"},
	"step":                      {"stepId", "description", "operationId", "operationPath", "workflowId", "parameters", "requestBody", "successCriteria", "onSuccess", "onFailure", "outputs"},
	"parameter":                 {"name", "in", "value"},
	"reusable object":           {"reference", "value"},
	"success action":            {"name", "type", "workflowId", "stepId", "criteria"},
	"failure action":            {"name", "type", "workflowId", "stepId", "retryAfter", "retryLimit", "criteria"},
	"criterion":                 {"context", "condition", "type"},
	"criterion expression type": {"type", "version"},
	"request body":              {"contentType", "payload", "replacements"},
	"payload replacement":       {"target", "value"},
	"components":                {"inputs", "parameters", "successActions", "failureActions"},
}

// schemaCheck validates the document tree against the official schema and
// translates the violations into diagnostics at the offending nodes. It
// reports whether the document passed without a single violation (ignored
// ones included): only then may the verdict be cached and the inputs
// schemas be taken as metaschema-valid.
func schemaCheck(root *tnode, sink *diagSink) (clean bool) {
	sch, err := officialSchema()
	if err != nil {
		// The embedded schema is fixed at build time; this cannot happen
		// unless the build is broken.
		sink.errorf(root.pos, "internal error: the official schema does not compile: %v", err)
		return false
	}
	return schemaCheckWith(sch, root, sink)
}

// schemaCheckWith is schemaCheck with the compiled official schema given.
func schemaCheckWith(sch *jsonschema.Schema, root *tnode, sink *diagSink) (clean bool) {
	verr := sch.Validate(root.toJSON())
	if verr == nil {
		return true
	}
	ve, ok := verr.(*jsonschema.ValidationError)
	if !ok {
		sink.errorf(root.pos, "schema check failed: %v", verr)
		return false
	}
	st := &schemaTranslator{root: root}
	st.walk(ve)
	st.finish(sink)
	return false
}

type schemaIssue struct {
	path    []string
	pos     Pos
	msg     string
	hint    string
	uneval  bool // an unevaluatedProperties violation (unknown field)
	ignored bool
}

type schemaTranslator struct {
	root   *tnode
	issues []schemaIssue
}

// node returns the tree node at an instance location.
func (st *schemaTranslator) node(path []string) *tnode {
	n := st.root
	for _, tok := range path {
		switch {
		case n == nil:
			return nil
		case n.kind == tObject:
			n = n.get(tok)
		case n.kind == tArray:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.items) {
				return nil
			}
			n = n.items[i]
		default:
			return nil
		}
	}
	return n
}

func (st *schemaTranslator) posOf(path []string) Pos {
	for len(path) > 0 {
		if n := st.node(path); n != nil {
			return n.pos
		}
		path = path[:len(path)-1]
	}
	return st.root.pos
}

// keyPos is the position of the last token of path as a key of its parent.
func (st *schemaTranslator) keyPos(path []string) Pos {
	if len(path) == 0 {
		return st.root.pos
	}
	parent := st.node(path[:len(path)-1])
	if p, ok := parent.keyPosOf(path[len(path)-1]); ok {
		return p
	}
	return st.posOf(path)
}

func (st *schemaTranslator) add(path []string, pos Pos, msg, hint string) *schemaIssue {
	st.issues = append(st.issues, schemaIssue{path: path, pos: pos, msg: msg, hint: hint})
	return &st.issues[len(st.issues)-1]
}

func refURL(e *jsonschema.ValidationError) string {
	if r, ok := e.ErrorKind.(*kind.Reference); ok {
		return r.URL
	}
	return ""
}

func (st *schemaTranslator) walk(e *jsonschema.ValidationError) {
	path := e.InstanceLocation
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Reference, *kind.Group, *kind.AllOf:
		for _, c := range e.Causes {
			st.walk(c)
		}
	case *kind.OneOf, *kind.AnyOf:
		st.alternatives(e)
	case *kind.Required:
		noun := st.noun(path)
		for _, m := range k.Missing {
			hint := ""
			if m == "in" && objectKind(path) == "parameter" {
				hint = "a parameter of a step that calls an operation must say where it goes: path, query, header or cookie"
			}
			st.add(path, st.posOf(path), fmt.Sprintf("%s is missing required field %q", noun, m), hint)
		}
	case *kind.FalseSchema:
		if strings.HasSuffix(e.SchemaURL, "/unevaluatedProperties") && len(path) > 0 {
			name := path[len(path)-1]
			parent := path[:len(path)-1]
			ok := objectKind(parent)
			hint := ""
			if s := suggest(name, knownFields[ok]); s != "" {
				hint = "did you mean " + strconv.Quote(s) + "?"
			} else if !strings.HasPrefix(name, "x-") {
				hint = "extension fields must start with \"x-\""
			}
			is := st.add(path, st.keyPos(path), fmt.Sprintf("unknown field %q in %s", name, st.noun(parent)), hint)
			is.uneval = true
			return
		}
		st.add(path, st.posOf(path), fmt.Sprintf("%s is not allowed here", label(path)), "")
	case *kind.Type:
		if isReplacementValue(path) {
			// The schema types a replacement value as a string, but the
			// spec says "Any | {expression}" and its own example uses
			// `value: 10`. The spec text wins.
			return
		}
		st.add(path, st.posOf(path), fmt.Sprintf("%s must be %s, not %s", label(path), joinTypes(k.Want), article(k.Got)), "")
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		got := fmt.Sprint(k.Got)
		if s, isStr := k.Got.(string); isStr {
			got = strconv.Quote(s)
		}
		hint := ""
		if s, isStr := k.Got.(string); isStr {
			if sug := suggest(s, want); sug != "" {
				hint = "did you mean " + strconv.Quote(sug) + "?"
			}
		}
		if hint == "" {
			hint = enumHint(path, k.Got)
		}
		st.add(path, st.posOf(path), fmt.Sprintf("%s must be one of %s, not %s", label(path), quoteList(want), got), hint)
	case *kind.Const:
		st.add(path, st.posOf(path), fmt.Sprintf("%s must be %s", label(path), quoteAny(k.Want)), "")
	case *kind.Pattern:
		st.add(path, st.posOf(path), fmt.Sprintf("%s must match %s, not %q", label(path), k.Want, k.Got), "")
	case *kind.MinItems:
		st.add(path, st.posOf(path), fmt.Sprintf("%s must have at least %d item(s)", label(path), k.Want), "")
	case *kind.UniqueItems:
		if len(path) > 0 {
			switch path[len(path)-1] {
			case "steps", "workflows", "sourceDescriptions", "parameters":
				// Equal items have equal ids: the duplicate-id checks
				// report them, at the id.
				return
			}
		}
		p := append(append([]string(nil), path...), strconv.Itoa(k.Duplicates[1]))
		st.add(p, st.posOf(p), fmt.Sprintf("%s lists the same item twice (items %d and %d)", label(path), k.Duplicates[0], k.Duplicates[1]), "")
	case *kind.DependentRequired:
		st.add(path, st.posOf(path), fmt.Sprintf("%s has %q but no %s", st.noun(path), k.Prop, quoteList(k.Missing)),
			"a criterion with a type needs the context it applies to, e.g. context: $response.body")
	case *kind.Minimum:
		st.add(path, st.posOf(path), fmt.Sprintf("%s must be at least %s", label(path), k.Want.RatString()), "")
	case *kind.PropertyNames:
		p := append(append([]string(nil), path...), k.Property)
		st.add(p, st.keyPos(p), fmt.Sprintf("name %q in %s must match ^[a-zA-Z0-9\\.\\-_]+$", k.Property, label(path)), "")
	default:
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				st.walk(c)
			}
			return
		}
		st.add(path, st.posOf(path), fmt.Sprintf("%s: %s", label(path), e.ErrorKind.LocalizedString(printer)), "")
	}
}

// alternatives translates oneOf/anyOf failures, which the raw validator
// reports as every failing branch. We pick the branch the author meant.
func (st *schemaTranslator) alternatives(e *jsonschema.ValidationError) {
	path := e.InstanceLocation
	url := e.SchemaURL
	n := st.node(path)
	switch {
	case strings.HasSuffix(url, "/$defs/step-object"):
		st.add(path, st.posOf(path), msgStepTarget, targetHint(n))
		return
	case strings.HasSuffix(url, "-action-object/allOf/0/then"):
		hint := "add stepId (a step of this workflow) or workflowId"
		if n.get("stepId") != nil && n.get("workflowId") != nil {
			hint = "it has both stepId and workflowId; keep one"
		}
		st.add(path, st.posOf(path), msgGotoTarget, hint)
		return
	case strings.HasSuffix(url, "/items") || strings.Contains(url, "/parameters/items"):
		// {action | parameter} or reusable object.
		if n == nil || n.kind != tObject {
			got := "null"
			if n != nil {
				got = n.kind.String()
			}
			st.add(path, st.posOf(path), fmt.Sprintf("%s must be an object, not %s", label(path), article(got)), "")
			return
		}
		_, reusable := n.keyPosOf("reference")
		if len(e.Causes) == 0 {
			st.add(path, st.posOf(path), fmt.Sprintf("%s matches more than one allowed form", label(path)), "")
			return
		}
		for _, c := range e.Causes {
			if isReusableBranch(c) == reusable {
				st.walk(c)
			}
		}
		return
	case strings.HasSuffix(url, "/$defs/criterion-object"):
		t := n.get("type")
		if t != nil && t.kind == tObject {
			// The official schema applies the Criterion Expression Type
			// Object to the criterion itself (anyOf/1), so the spec's own
			// form `type: {type: jsonpath, version: ...}` can never pass.
			// The spec text wins: the loader checks the object instead.
			tp := append(append([]string(nil), path...), "type")
			st.issues = append(st.issues, schemaIssue{path: tp, ignored: true})
			return
		}
		for _, c := range e.Causes {
			isObjBranch := strings.HasSuffix(refURL(c), "criterion-expression-type-object")
			if (t != nil && t.kind == tObject) == isObjBranch {
				st.walk(c)
			}
		}
		return
	}
	if len(e.Causes) == 0 {
		st.add(path, st.posOf(path), fmt.Sprintf("%s matches more than one allowed form", label(path)), "")
		return
	}
	// A branch that failed only because the value has another JSON type
	// is not the one the author meant when another branch accepts the type.
	var meant []*jsonschema.ValidationError
	for _, c := range e.Causes {
		if _, isType := c.ErrorKind.(*kind.Type); !isType {
			meant = append(meant, c)
		}
	}
	if len(meant) == 0 {
		meant = e.Causes
	}
	for _, c := range meant {
		st.walk(c)
	}
}

// enumHint explains the common wrong values.
func enumHint(path []string, got any) string {
	s, _ := got.(string)
	field := ""
	if len(path) > 0 {
		field = path[len(path)-1]
	}
	switch {
	case field == "in" && s == "body":
		return "Arazzo 1.0.1 removed in: body; put the body in the step's requestBody"
	case field == "type" && s == "retry" && len(path) >= 3 && (path[len(path)-3] == "onSuccess" || path[len(path)-3] == "successActions"):
		return "retry is a failure action; move it to onFailure"
	}
	return ""
}

func isReusableBranch(e *jsonschema.ValidationError) bool {
	if strings.HasSuffix(refURL(e), "/reusable-object") {
		return true
	}
	if _, ok := e.ErrorKind.(*kind.Group); ok {
		for _, c := range e.Causes {
			if strings.HasSuffix(refURL(c), "/reusable-object") {
				return true
			}
		}
	}
	return false
}

// targetHint says what a step with a bad target has.
func targetHint(n *tnode) string {
	var have []string
	for _, f := range []string{"operationId", "operationPath", "workflowId"} {
		if n.get(f) != nil {
			have = append(have, f)
		}
	}
	switch len(have) {
	case 0:
		return "add operationId (or operationPath, or workflowId) to say what the step calls"
	case 1:
		return ""
	}
	return "it has " + strings.Join(have, " and ") + "; keep one"
}

// finish drops noise and hands the issues to the sink: an unknown-field
// report for a property that already has a more precise error is dropped
// (unevaluatedProperties fails whenever a sibling keyword failed on it).
func (st *schemaTranslator) finish(sink *diagSink) {
	for i := range st.issues {
		is := &st.issues[i]
		if len(is.path) > 0 && is.path[0] == "arazzo" {
			// The version gets its own check with a clearer message.
			is.ignored = true
			continue
		}
		if !is.uneval {
			continue
		}
		for j := range st.issues {
			o := &st.issues[j]
			if i != j && !o.uneval && hasPrefix(o.path, is.path) {
				is.ignored = true
				break
			}
		}
	}
	for _, is := range st.issues {
		if is.ignored {
			continue
		}
		sink.diags = append(sink.diags, Diagnostic{Pos: is.pos, Severity: SeverityError, Message: is.msg, Hint: is.hint})
	}
}

func hasPrefix(p, prefix []string) bool {
	if len(p) < len(prefix) {
		return false
	}
	for i := range prefix {
		if p[i] != prefix[i] {
			return false
		}
	}
	return true
}

func isReplacementValue(path []string) bool {
	n := len(path)
	return n >= 3 && path[n-1] == "value" && path[n-3] == "replacements"
}

// objectKind names the kind of object found at an instance location.
func objectKind(path []string) string {
	n := len(path)
	if n == 0 {
		return "document"
	}
	last := path[n-1]
	parent := ""
	if n >= 2 {
		parent = path[n-2]
	}
	if _, err := strconv.Atoi(last); err == nil {
		switch parent {
		case "sourceDescriptions":
			return "source description"
		case "workflows":
			return "workflow"
		case "steps":
			return "step"
		case "parameters":
			return "parameter"
		case "successCriteria", "criteria":
			return "criterion"
		case "onSuccess", "successActions":
			return "success action"
		case "onFailure", "failureActions":
			return "failure action"
		case "replacements":
			return "payload replacement"
		}
		return "item"
	}
	if n >= 2 && path[0] == "components" && n == 3 {
		switch parent {
		case "parameters":
			return "parameter"
		case "successActions":
			return "success action"
		case "failureActions":
			return "failure action"
		case "inputs":
			return "schema"
		}
	}
	switch last {
	case "info":
		if n == 1 {
			return "info"
		}
	case "components":
		if n == 1 {
			return "components"
		}
	case "requestBody":
		return "request body"
	case "type":
		if n >= 2 {
			if _, err := strconv.Atoi(parent); err == nil && n >= 3 && (path[n-3] == "successCriteria" || path[n-3] == "criteria") {
				return "criterion expression type"
			}
		}
	}
	return last
}

// noun describes the object at path for messages: `step "createApi"`.
func (st *schemaTranslator) noun(path []string) string {
	k := objectKind(path)
	n := st.node(path)
	var id string
	switch k {
	case "source description", "parameter", "success action", "failure action":
		if v := n.get("name"); v != nil && v.kind == tString {
			id = v.str
		}
	case "workflow":
		if v := n.get("workflowId"); v != nil && v.kind == tString {
			id = v.str
		}
	case "step":
		if v := n.get("stepId"); v != nil && v.kind == tString {
			id = v.str
		}
	}
	if len(path) == 3 && path[0] == "components" {
		k = "component " + k
		id = path[2]
	}
	if id != "" {
		return k + " " + strconv.Quote(id)
	}
	return k
}

// label names the value at path for messages: "retryAfter", "steps".
func label(path []string) string {
	if len(path) == 0 {
		return "the document"
	}
	last := path[len(path)-1]
	if _, err := strconv.Atoi(last); err == nil && len(path) >= 2 {
		return fmt.Sprintf("item %s of %q", last, path[len(path)-2])
	}
	return strconv.Quote(last)
}

func joinTypes(ts []string) string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = article(t)
	}
	return strings.Join(out, " or ")
}

func article(t string) string {
	switch t {
	case "object", "array", "integer":
		if t == "integer" || t == "array" {
			return "an " + t
		}
		return "an " + t
	case "null":
		return "null"
	}
	return "a " + t
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func quoteAny(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
