package runtime

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/arazzo-run/arazzo/expr"
)

// evalJSONTemplate interpolates a string payload that is sent as JSON (the
// spec's own examples write payloads as JSON text with "{$inputs.x}" parts)
// so that the body stays JSON whatever the values are. The spec only says
// that expressions in a payload are evaluated before the call; a runner
// must not send a body that contradicts its Content-Type, so:
//
//   - inside a JSON string, a value is written JSON-string-escaped (a quote
//     in a name does not end the string);
//   - a JSON string that is exactly one expression ("{$inputs.customer}")
//     whose value is an object or an array is replaced by that value's JSON
//     (the string form would be JSON text in a string, never what the author
//     meant: the spec's bnpl example does this); scalars keep the quotes the
//     author wrote, so "{$inputs.n}" stays a string;
//   - outside strings, a value is written as JSON (a string gets quotes,
//     null is null, objects and arrays their JSON).
//
// The caller checks that the result is valid JSON before anything is sent.
func evalJSONTemplate(t *expr.Template, ctx expr.Context) (string, error) {
	parts := t.Parts()
	buf := make([]byte, 0, len(t.String())+32)
	var (
		inString  bool
		escaped   bool
		openedAt  = -1 // len(buf) just after the quote that opened the current string
		skipQuote bool // the next literal's leading quote was consumed with a whole value
	)
	scan := func(lit string) {
		for i := 0; i < len(lit); i++ {
			c := lit[i]
			switch {
			case !inString:
				if c == '"' {
					inString, openedAt = true, len(buf)+i+1
				}
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		}
	}
	for i, p := range parts {
		if p.Expr == nil {
			lit := p.Literal
			if skipQuote {
				lit, skipQuote = lit[1:], false
			}
			scan(lit)
			buf = append(buf, lit...)
			continue
		}
		v, err := p.Expr.Eval(ctx)
		if err != nil {
			return "", err
		}
		if inString {
			next := i+1 < len(parts) && parts[i+1].Expr == nil && len(parts[i+1].Literal) > 0 && parts[i+1].Literal[0] == '"'
			if isContainer(v) && openedAt == len(buf) && next {
				raw, err := marshalJSON(v)
				if err != nil {
					return "", err
				}
				buf = append(buf[:len(buf)-1], raw...) // drop the opening quote
				inString, skipQuote = false, true
				continue
			}
			raw, err := marshalJSON(expr.FormatValue(v))
			if err != nil {
				return "", err
			}
			buf = append(buf, raw[1:len(raw)-1]...) // the escaped content, without quotes
			continue
		}
		raw, err := marshalJSON(v)
		if err != nil {
			return "", err
		}
		buf = append(buf, raw...)
	}
	return string(buf), nil
}

func isContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// checkJSONBody reports a body sent as JSON that is not JSON, with the
// offset of the first problem, so the step fails before sending.
func checkJSONBody(raw []byte) error {
	if json.Valid(raw) {
		return nil
	}
	var v any
	err := json.Unmarshal(raw, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("the payload is sent as JSON but is not valid JSON at offset %d: %v", se.Offset, err)
	}
	return fmt.Errorf("the payload is sent as JSON but is not valid JSON: %v", err)
}
