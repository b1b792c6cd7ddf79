package criterion

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/arazzo-run/arazzo/expr"
	"github.com/theory/jsonpath"
)

type jsonPathMatcher struct{ p *jsonpath.Path }

// The regular expressions of this file only serve error messages and hints:
// compiled on first use, not at init (every process links this package).
var positionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`at position (\d+)`) })

func compileJSONPath(q, version string) (matcher, error) {
	p, err := jsonpath.Parse(q)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "jsonpath: ")
		pe := &posError{msg: "invalid RFC 9535 JSONPath query: " + msg}
		if m := positionRE().FindStringSubmatch(err.Error()); m != nil {
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
var pseudoRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*\$((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\['[^']*'\])*)\s*(?:(===|!==|==|!=|<=|>=|<|>)\s*(.+?))?\s*$`)
})
var bareRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*\$\.([A-Za-z_][A-Za-z0-9_-]*)(.*)$`) })
var stepRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\['[^']*'\]`) })

// pseudoJSONPathHint proposes the simple condition equivalent to a
// pseudo-JSONPath comparison, using the criterion's context as the root.
// Comparisons joined by && and || are translated one by one.
//
// A bare "$inputs" or "$outputs" context (not itself a runtime expression, but
// common in real documents) makes the first member the name: context $inputs
// with "$.files.length > 0" becomes "$inputs.files.length > 0".
func pseudoJSONPathHint(context, cond string) string {
	context = strings.TrimSpace(context)
	bare := context == "$inputs" || context == "$outputs"
	var ctx *expr.Expression
	if !bare {
		var err error
		if ctx, err = expr.Parse(context); err != nil {
			return ""
		}
	}
	parts, ops := splitLogical(cond)
	var b strings.Builder
	for i, p := range parts {
		pctx := ctx
		if bare {
			m := bareRE().FindStringSubmatch(p)
			if m == nil {
				return ""
			}
			var err error
			if pctx, err = expr.Parse(context + "." + m[1]); err != nil {
				return ""
			}
			p = "$" + m[2]
		}
		s, ok := translatePseudo(pctx, p)
		if !ok {
			return ""
		}
		if i > 0 {
			b.WriteString(" " + ops[i-1] + " ")
		}
		b.WriteString(s)
	}
	simple := b.String()
	if _, err := expr.ParseCondition(simple); err != nil {
		return ""
	}
	return fmt.Sprintf("%q is not RFC 9535 JSONPath (a query selects nodes; it cannot compare). Use a simple condition instead, without type and context: condition: %s", strings.TrimSpace(cond), simple)
}

// splitLogical splits s at top-level && and || outside quotes.
func splitLogical(s string) (parts, ops []string) {
	var quote byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case i+1 < len(s) && (s[i:i+2] == "&&" || s[i:i+2] == "||"):
			parts = append(parts, s[start:i])
			ops = append(ops, s[i:i+2])
			start = i + 2
			i++
		}
	}
	return append(parts, s[start:]), ops
}

// translatePseudo translates one "$.a.b[0] op literal" comparison.
func translatePseudo(ctx *expr.Expression, cond string) (string, bool) {
	m := pseudoRE().FindStringSubmatch(cond)
	if m == nil || m[2] == "" {
		return "", false
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
		return "", false
	}
	// Build a JSON pointer for the member/index steps, and keep a trailing
	// ".length" as navigation, which simple conditions support.
	steps := stepRE().FindAllString(m[1], -1)
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
		var err error
		if p, err = expr.ParsePointer(pointerText(tokens)); err != nil {
			return "", false
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
	return b.String() + " " + op + " " + rhs, true
}

func pointerText(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return b.String()
}
