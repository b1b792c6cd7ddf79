package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var printer = message.NewPrinter(language.English)

// maxQuoted is the longest string value a message may quote.
const maxQuoted = 40

// secretWords mark a member name as secret-like: a value under such a
// member (at any depth) is never quoted.
var secretWords = []string{"authorization", "token", "secret", "password", "passwd", "key", "credential", "private", "cookie", "session"}

// secretLike reports a member name that suggests a secret.
func secretLike(name string) bool {
	n := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// quotable reports whether value, found at loc in the body, may appear in
// a message: a short string without control characters, a number or a
// boolean, with no secret-like member name on its path.
func quotable(loc []string, value any) bool {
	for _, t := range loc {
		if secretLike(t) {
			return false
		}
	}
	switch v := value.(type) {
	case string:
		if len(v) > maxQuoted {
			return false
		}
		for _, r := range v {
			if unicode.IsControl(r) {
				return false
			}
		}
		return true
	case json.Number, bool, nil:
		return true
	}
	return false
}

// valueAt returns the value at loc inside v.
func valueAt(v any, loc []string) any {
	for _, t := range loc {
		switch x := v.(type) {
		case map[string]any:
			v = x[t]
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func pointerOf(loc []string) string {
	if len(loc) == 0 {
		return ""
	}
	var b strings.Builder
	for _, t := range loc {
		b.WriteByte('/')
		b.WriteString(escapeToken(t))
	}
	return b.String()
}

// schemaProblems turns a validation error into problems: one per leaf
// error, oneOf/anyOf failures summarized unless exactly one alternative
// applies, capped at MaxProblems.
func (c *Checker) schemaProblems(in string, err error, body any, cs *compiledSchema) []Problem {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Problem{{In: in, Kind: KindSchema, SchemaPointer: cs.ptr, Message: oneLine(err.Error())}}
	}
	var out []Problem
	more := 0
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		switch e.ErrorKind.(type) {
		case *kind.AnyOf, *kind.OneOf:
			// A "null or X" alternative (OpenAPI 3.0 nullable) fails
			// with "want null" for any other value: leave it out, so
			// that X's own problems are shown.
			var rest []*jsonschema.ValidationError
			for _, x := range e.Causes {
				if t, ok := x.ErrorKind.(*kind.Type); ok && len(t.Want) == 1 && t.Want[0] == "null" {
					continue
				}
				rest = append(rest, x)
			}
			if len(rest) == 1 {
				walk(rest[0])
				return
			}
		case *kind.Reference, *kind.Group, *kind.AllOf, *kind.Schema:
			if len(e.Causes) > 0 {
				for _, x := range e.Causes {
					walk(x)
				}
				return
			}
		default:
			if len(e.Causes) > 0 {
				for _, x := range e.Causes {
					walk(x)
				}
				return
			}
		}
		out = append(out, c.leafProblems(in, e, body, cs)...)
	}
	walk(ve)
	// The validator's order depends on map iteration: sort, so output is
	// stable from run to run.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Pointer != b.Pointer {
			return a.Pointer < b.Pointer
		}
		if a.SchemaPointer != b.SchemaPointer {
			return a.SchemaPointer < b.SchemaPointer
		}
		return a.Message < b.Message
	})
	if len(out) > c.opts.MaxProblems {
		more = len(out) - c.opts.MaxProblems
		out = out[:c.opts.MaxProblems]
	}
	if more > 0 {
		out = append(out, Problem{In: in, Kind: KindSchema, SchemaPointer: cs.ptr, Message: fmt.Sprintf("%d more schema violations not shown", more)})
	}
	if len(out) == 0 {
		out = append(out, Problem{In: in, Kind: KindSchema, SchemaPointer: cs.ptr, Message: "the body does not match the schema"})
	}
	return out
}

func (c *Checker) leafProblems(in string, e *jsonschema.ValidationError, body any, cs *compiledSchema) []Problem {
	sp := cs.docPointer(e.SchemaURL)
	for _, k := range e.ErrorKind.KeywordPath() {
		sp += "/" + escapeToken(k)
	}
	if k, ok := e.ErrorKind.(*kind.Required); ok {
		out := make([]Problem, 0, len(k.Missing))
		for _, name := range k.Missing {
			out = append(out, Problem{
				In: in, Kind: KindSchema, Pointer: pointerOf(e.InstanceLocation), SchemaPointer: sp,
				Message: fmt.Sprintf("missing required property %q", name),
			})
		}
		return out
	}
	value := valueAt(body, e.InstanceLocation)
	return []Problem{{
		In: in, Kind: KindSchema, Pointer: pointerOf(e.InstanceLocation), SchemaPointer: sp,
		Message: leafMessage(e.ErrorKind, quotable(e.InstanceLocation, value)),
	}}
}

// leafMessage words one error. Messages that would show the body's value
// are reworded without it unless quote is true.
func leafMessage(k jsonschema.ErrorKind, quote bool) string {
	switch k := k.(type) {
	case *kind.Pattern:
		if quote {
			return fmt.Sprintf("%q does not match pattern %q", k.Got, k.Want)
		}
		return fmt.Sprintf("the value does not match pattern %q (value not shown)", k.Want)
	case *kind.Format:
		if s, ok := k.Got.(string); ok && quote {
			return fmt.Sprintf("%q is not a valid %s", s, k.Want)
		}
		return fmt.Sprintf("the value is not a valid %s (value not shown)", k.Want)
	case *kind.Enum:
		if len(k.Want) > 8 {
			return fmt.Sprintf("the value is not one of the %d allowed values", len(k.Want))
		}
		return k.LocalizedString(printer)
	case *kind.AnyOf:
		return "the value matches none of the anyOf alternatives"
	case *kind.OneOf:
		if len(k.Subschemas) > 1 {
			return fmt.Sprintf("the value matches oneOf alternatives %v; exactly one must match", k.Subschemas)
		}
		return "the value matches none of the oneOf alternatives"
	case *kind.FalseSchema:
		return "no value is allowed here"
	case *kind.AdditionalProperties:
		// The validator lists the names in map order: sorted, so the
		// message is the same from run to run.
		sort.Strings(k.Properties)
		// Member names are shown, unless one looks like data rather than
		// a name (long, or secret-like: maps keyed by tokens exist).
		for _, name := range k.Properties {
			if len(name) > 32 || secretLike(name) || strings.ContainsFunc(name, unicode.IsControl) {
				return fmt.Sprintf("%d properties not allowed (names not shown)", len(k.Properties))
			}
		}
		return k.LocalizedString(printer)
	case *kind.Type, *kind.Required, *kind.Const, *kind.Dependency, *kind.DependentRequired,
		*kind.MinItems, *kind.MaxItems, *kind.MinProperties, *kind.MaxProperties, *kind.UniqueItems, *kind.Not:
		// These name types, property names or the schema's own values,
		// never the body's values.
		return k.LocalizedString(printer)
	}
	if quote {
		return k.LocalizedString(printer)
	}
	kw := strings.Join(k.KeywordPath(), "/")
	if kw == "" {
		kw = "the schema"
	}
	return kw + " is not satisfied (value not shown)"
}

// docPointer maps a compiled schema location back to a JSON pointer into
// the OpenAPI document.
func (cs *compiledSchema) docPointer(schemaURL string) string {
	res, frag, _ := strings.Cut(schemaURL, "#")
	if res == cs.url {
		return cs.ptr + frag
	}
	if cs.bases != nil {
		if base, ok := cs.bases.Load(res); ok {
			return base.(string) + frag
		}
	}
	return cs.ptr
}

// jsonErrorMessage words a JSON syntax error without quoting the body.
func jsonErrorMessage(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	}
	msg := err.Error()
	if strings.Contains(msg, "EOF") {
		return "unexpected end of the body"
	}
	if strings.Contains(msg, "invalid character") {
		return "invalid character"
	}
	return "it does not parse"
}
