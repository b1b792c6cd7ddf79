package criterion

import (
	"testing"

	"github.com/arazzo-run/arazzo/expr"
)

// FuzzCompile checks that no Criterion Object, however hostile, panics at
// Compile, Eval or Explain, and that every error is an *Error.
func FuzzCompile(f *testing.F) {
	for _, s := range []struct{ ctx, cond, typ, version string }{
		{"", "$statusCode == 200", "", ""},
		{"$statusCode", "^200$", "regex", ""},
		{"$response.body", "$[?count(@.pets) > 0]", "jsonpath", ""},
		{"$response.body", "$.success == true", "jsonpath", ""},
		{"$response.body", "$.pets[?(@.price < 10)]", "jsonpath", VersionGoessner},
		{"$inputs.xml", "count(//book[@price > {$inputs.min}]) = 2", "xpath", VersionXPath10},
		{"$inputs.xml", "some $x in //a satisfies $x", "xpath", VersionXPath30},
		{"$inputs.xml", "//a ! string() || 'x'", "xpath", ""},
	} {
		f.Add(s.ctx, s.cond, s.typ, s.version)
	}
	v := &expr.Values{
		StatusCode:   200,
		ResponseBody: map[string]any{"pets": []any{map[string]any{"price": 8.0}}, "success": true},
		Inputs:       map[string]any{"xml": "<store><book price='5'/></store>", "min": 1},
	}
	f.Fuzz(func(t *testing.T, ctx, cond, typ, version string) {
		c, err := Compile(Spec{Context: ctx, Condition: cond, Type: typ, Version: version})
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Compile returned %T", err)
			}
			return
		}
		_, _ = c.Eval(v)
		_ = c.Explain(v)
		_ = c.Expressions()
	})
}
