package criterion

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/arazzo-run/arazzo/expr"
	"github.com/theory/jsonpath"
)

type jsonPathMatcher struct{ p *jsonpath.Path }

var positionRE = regexp.MustCompile(`at position (\d+)`)

func compileJSONPath(q, version string) (matcher, error) {
	p, err := jsonpath.Parse(q)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "jsonpath: ")
		pe := &posError{msg: "invalid RFC 9535 JSONPath query: " + msg}
		if m := positionRE.FindStringSubmatch(err.Error()); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
				pe.off = min(n-1, len(q)) // theory/jsonpath counts from 1
			}
		}
		if version == VersionGoessner {
			pe.msg = "this Goessner JSONPath query is not also valid RFC 9535, which is what is evaluated (" + msg + ")"
			if strings.Contains(q, "(@") || strings.Contains(q, "[(") {
				pe.hint = "script expressions like [(@.length-1)] are not supported; RFC 9535 writes the last element as [-1]"
			}
		}
		return nil, pe
	}
	return jsonPathMatcher{p}, nil
}

func (m jsonPathMatcher) match(v any) (bool, error) {
	return len(m.p.Select(v)) > 0, nil
}

func (m jsonPathMatcher) explain(v any) string {
	return fmt.Sprintf("the query selected no nodes (the context value is %s)", expr.Describe(v))
}

// pseudoRE matches the JavaScript-like comparisons real documents write with
// type jsonpath: "$.a.b[0].c == 'x'", "$.items.length > 0", "$.ok".
var pseudoRE = regexp.MustCompile(`^\s*\$((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\['[^']*'\])*)\s*(?:(===|!==|==|!=|<=|>=|<|>)\s*(.+?))?\s*$`)
var stepRE = regexp.MustCompile(`\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\['[^']*'\]`)

// pseudoJSONPathHint proposes the simple condition equivalent to a
// pseudo-JSONPath comparison, using the criterion's context as the root.
func pseudoJSONPathHint(context, cond string) string {
	m := pseudoRE.FindStringSubmatch(cond)
	if m == nil || m[2] == "" {
		return ""
	}
	ctx, err := expr.Parse(strings.TrimSpace(context))
	if err != nil {
		return ""
	}
	op := m[2]
	switch op {
	case "===":
		op = "=="
	case "!==":
		op = "!="
	}
	rhs := strings.TrimSpace(m[3])
	if strings.HasPrefix(rhs, `"`) && strings.HasSuffix(rhs, `"`) && len(rhs) >= 2 {
		rhs = "'" + strings.ReplaceAll(rhs[1:len(rhs)-1], "'", "''") + "'"
	}
	if _, err := expr.ParseCondition("null " + op + " " + rhs); err != nil {
		return ""
	}
	// Build a JSON pointer for the member/index steps, and keep a trailing
	// ".length" as navigation, which simple conditions support.
	steps := stepRE.FindAllString(m[1], -1)
	length := false
	if n := len(steps); n > 0 && steps[n-1] == ".length" {
		steps, length = steps[:n-1], true
	}
	tokens := append([]string(nil), ctx.Pointer.Tokens()...)
	for _, s := range steps {
		switch {
		case strings.HasPrefix(s, "."):
			tokens = append(tokens, s[1:])
		case strings.HasPrefix(s, "['"):
			tokens = append(tokens, s[2:len(s)-2])
		default:
			tokens = append(tokens, s[1:len(s)-1])
		}
	}
	var b strings.Builder
	p := expr.Pointer{}
	if len(tokens) > 0 {
		if p, err = expr.ParsePointer(pointerText(tokens)); err != nil {
			return ""
		}
	}
	if length && !ctx.Pointer.Present() {
		// Dot navigation reads best: $response.body.users.length.
		b.WriteString(ctx.String())
		b.WriteString(m[1])
	} else {
		b.WriteString(ctx.WithPointer(p).String())
		if length {
			// A pointer runs up to '[' inside a condition.
			b.WriteString("['length']")
		}
	}
	simple := b.String() + " " + op + " " + rhs
	if _, err := expr.ParseCondition(simple); err != nil {
		return ""
	}
	return fmt.Sprintf("%q is not RFC 9535 JSONPath (a query selects nodes; it cannot compare). Use a simple condition instead, without type and context: condition: %s", strings.TrimSpace(cond), simple)
}

func pointerText(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return b.String()
}
