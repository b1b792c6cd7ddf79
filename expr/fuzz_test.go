package expr

import (
	"reflect"
	"testing"
)

// The fuzz seeds under testdata/fuzz hold every runtime expression, template
// and simple condition of the Arazzo 1.0.1 specification text, plus the
// regressions the fuzzers found. Run with, e.g.:
//
//	go test ./expr -run '^$' -fuzz FuzzCondition -fuzztime 2m

func FuzzParse(f *testing.F) {
	for _, s := range []string{"$url", "$response.body#/a~1b/0", "$steps.a.outputs.b.c#/0", "$request.header.X-Y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("Parse(%q) returned %T, want *SyntaxError", s, err)
			}
			return
		}
		if e.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, e.String())
		}
		e2, err := Parse(e.String())
		if err != nil || !reflect.DeepEqual(e, e2) {
			t.Fatalf("round trip of %q: %v, %#v != %#v", s, err, e, e2)
		}
		_, _ = e.Eval(fuzzValues)
	})
}

func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"Bearer {$inputs.token}", "{{$", "$.store.book[*]", "/users/{$inputs.id}/roles"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = Suspicious(s)
		tp, err := ParseTemplate(s)
		if err != nil {
			if se, ok := err.(*SyntaxError); !ok || se.Offset < 0 || se.Offset > len(s) {
				t.Fatalf("ParseTemplate(%q) error %#v", s, err)
			}
			return
		}
		for _, e := range tp.Expressions() {
			e2, err := Parse(e.String())
			if err != nil || !reflect.DeepEqual(e, e2) {
				t.Fatalf("template %q: expression %q does not round-trip: %v", s, e.String(), err)
			}
		}
		if tp.IsLiteral() && len(tp.Expressions()) != 0 {
			t.Fatalf("literal with expressions")
		}
		v, err := tp.Eval(fuzzValues)
		if err == nil && !tp.IsWhole() {
			if _, ok := v.(string); !ok {
				t.Fatalf("template %q evaluated to %T, want string", s, v)
			}
		}
		_, _ = ParseInterpolation(s)
	})
}

func FuzzCondition(f *testing.F) {
	for _, s := range []string{"$statusCode == 200", "!($response.body.a[0].b != 'x''y') || 1.5e3 >= $inputs.n", "{$statusCode == 401}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCondition(s)
		if err != nil {
			if se, ok := err.(*SyntaxError); !ok || se.Offset < 0 || se.Offset > len(s) {
				t.Fatalf("ParseCondition(%q) error %#v", s, err)
			}
			return
		}
		for _, e := range c.Expressions() {
			e2, err := Parse(e.String())
			if err != nil || !reflect.DeepEqual(e, e2) {
				t.Fatalf("condition %q: expression %q does not round-trip: %v", s, e.String(), err)
			}
		}
		_, _ = c.Eval(fuzzValues)
		_ = c.Explain(fuzzValues)
		_, _ = c.Eval(nil)
	})
}

var fuzzValues = &Values{
	URL: "https://x", Method: "GET", StatusCode: 200,
	RequestHeaders:  map[string]string{"A": "1"},
	ResponseHeaders: map[string]string{"Content-Type": "application/json"},
	ResponseBody:    map[string]any{"a": []any{map[string]any{"b": "x'y"}}, "n": 1.5, "s": "str", "z": nil},
	HasResponseBody: true,
	Inputs:          map[string]any{"n": 3, "token": "t", "id": "7", "obj": map[string]any{"k": []any{1, "2"}}},
	Steps:           map[string]map[string]any{"a": {"b": 1, "b.c": 2}},
}
