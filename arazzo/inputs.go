package arazzo

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// documentSchemaURL is the base URI under which the document itself is
// registered with the JSON Schema compiler, so that "$ref:
// '#/components/inputs/x'" inside a workflow's inputs resolves against the
// Arazzo document, as the spec's examples expect.
const documentSchemaURL = "urn:arazzo:document"

// noLoader refuses every remote or file reference: loading a document never
// touches the network or the disk beyond the document itself.
type noLoader struct{}

func (noLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("external schema references are not loaded (%s)", u)
}

// compileSchemas compiles the inputs schema of every workflow and component.
func (l *loader) compileSchemas() {
	type job struct {
		s   *Schema
		ptr string
	}
	var jobs []job
	for i, w := range l.doc.Workflows {
		if w.Inputs != nil {
			jobs = append(jobs, job{w.Inputs, "/workflows/" + strconv.Itoa(l.workflowIndex(i)) + "/inputs"})
		}
	}
	for _, name := range sortedKeys(l.doc.Components.Inputs) {
		jobs = append(jobs, job{l.doc.Components.Inputs[name], "/components/inputs/" + escapePtr(name)})
	}
	if len(jobs) == 0 {
		return
	}
	raws := make([]any, len(jobs))
	for i, j := range jobs {
		raws[i] = j.s.Raw
	}
	// When nothing is left to prove, skip the metaschema (see
	// inputsproven.go).
	c, base := newInputsCompiler(l.schemaProven && metaProven(raws))
	if err := c.AddResource(base, l.root.toJSON()); err != nil {
		l.errorf(l.root.pos, "cannot compile the input schemas: %v", err)
		return
	}
	for _, w := range l.doc.Workflows {
		l.checkInputsType(w)
	}
	for _, j := range jobs {
		if _, isObj := j.s.Raw.(map[string]any); !isObj {
			if _, isBool := j.s.Raw.(bool); !isBool {
				continue // the official schema check reports it
			}
		}
		if !l.checkInputRefs(j.s) {
			continue
		}
		sch, err := compileRecovered(c, base+"#"+j.ptr)
		if err != nil {
			var se *jsonschema.SchemaValidationError
			if !errors.As(err, &se) {
				// A schema that breaks the JSON Schema metaschema is
				// reported by the official schema check, at the node.
				l.errorf(j.s.Pos, "invalid inputs schema: %s", schemaCompileMsg(err))
			}
			continue
		}
		j.s.compiled = sch
	}
}

// compileRecovered compiles one inputs schema; should the compiler panic
// on a hostile schema, that is an error reported at the schema, not a
// crash of the whole program.
func compileRecovered(c *jsonschema.Compiler, loc string) (sch *jsonschema.Schema, err error) {
	defer func() {
		if r := recover(); r != nil {
			sch, err = nil, fmt.Errorf("the JSON Schema compiler failed: %v", r)
		}
	}()
	return c.Compile(loc)
}

// workflowIndex maps the i-th built workflow back to its index in the
// document's workflows list (non-object items are skipped when building).
func (l *loader) workflowIndex(i int) int {
	n := -1
	for j, it := range items(l.root, "workflows") {
		if it.kind == tObject {
			n++
			if n == i {
				return j
			}
		}
	}
	return i
}

func escapePtr(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// checkInputRefs reports "$ref: '#/components/inputs/x'" references to
// components that do not exist, with a suggestion; false means the schema
// should not be compiled.
func (l *loader) checkInputRefs(s *Schema) bool {
	ok := true
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > maxDepth {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			if ref, isStr := x["$ref"].(string); isStr {
				if name, found := strings.CutPrefix(ref, "#/components/inputs/"); found && !strings.Contains(name, "/") {
					if _, exists := l.doc.Components.Inputs[name]; !exists {
						l.errorf(s.Pos, "$ref %q: no component input %q", ref, name).Hint = didYouMean(name, sortedKeys(l.doc.Components.Inputs))
						ok = false
					}
				}
			}
			for _, k := range sortedKeys(x) {
				walk(x[k], depth+1)
			}
		case []any:
			for _, it := range x {
				walk(it, depth+1)
			}
		}
	}
	walk(s.Raw, 0)
	return ok
}

func schemaCompileMsg(err error) string {
	return unalias(strings.TrimPrefix(err.Error(), "jsonschema: "))
}

// InputError lists every violation found by Schema.Validate.
type InputError struct {
	// Violations are "location: message" strings, e.g.
	// "inputs/identifier: missing required property".
	Violations []string
}

func (e *InputError) Error() string {
	return strings.Join(e.Violations, "; ")
}

func (s *Schema) validate(v any) error {
	if s == nil {
		return nil
	}
	if s.compiled == nil {
		return fmt.Errorf("the %s schema is invalid and cannot be used", s.prefix())
	}
	err := s.compiled.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	ie := &InputError{}
	s.collect(ve, ie)
	if len(ie.Violations) == 0 {
		ie.Violations = append(ie.Violations, s.prefix()+": "+unalias(ve.Error()))
	}
	sort.Strings(ie.Violations)
	return ie
}

func (s *Schema) prefix() string {
	if s.name == "" {
		return "inputs"
	}
	return s.name
}

func (s *Schema) collect(ve *jsonschema.ValidationError, ie *InputError) {
	if len(ve.Causes) > 0 {
		for _, c := range ve.Causes {
			s.collect(c, ie)
		}
		return
	}
	loc := s.prefix()
	for _, t := range ve.InstanceLocation {
		loc += "/" + t
	}
	switch k := ve.ErrorKind.(type) {
	case *kind.Required:
		for _, m := range k.Missing {
			ie.Violations = append(ie.Violations, loc+"/"+m+": missing required property")
		}
	case *kind.Reference, *kind.Group, *kind.AllOf, *kind.Schema:
		// Containers without causes carry no message of their own.
	default:
		ie.Violations = append(ie.Violations, loc+": "+unalias(ve.ErrorKind.LocalizedString(printer)))
	}
}

// checkInputsType warns when a workflow's inputs schema (after a $ref to
// components.inputs) declares a type other than object: inputs are always
// an object ($inputs.<name>), so no run could pass validation. The spec
// does not forbid such a schema, hence a warning.
func (l *loader) checkInputsType(w *Workflow) {
	if w == nil || w.Inputs == nil {
		return
	}
	m, _ := w.Inputs.Raw.(map[string]any)
	for i := 0; i < 8 && m != nil; i++ {
		ref, ok := m["$ref"].(string)
		if !ok {
			break
		}
		name, found := strings.CutPrefix(ref, "#/components/inputs/")
		s := l.doc.Components.Inputs[name]
		if !found || s == nil {
			return
		}
		m, _ = s.Raw.(map[string]any)
	}
	typ, ok := m["type"].(string)
	if !ok || typ == "object" {
		return
	}
	l.warnf(w.Inputs.Pos, "workflow %q: the inputs schema has type %q, but inputs are always an object ($inputs.<name>): no run can satisfy it", w.WorkflowID, typ).Hint = "describe the inputs as an object: type: object, properties: {<name>: {type: " + typ + "}}"
}
