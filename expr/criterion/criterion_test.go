package criterion

import (
	"errors"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/expr"
)

func values() *expr.Values {
	return &expr.Values{
		StatusCode: 200,
		ResponseBody: map[string]any{
			"pets":    []any{map[string]any{"name": "Rex", "price": 12.0}, map[string]any{"name": "Tom", "price": 8.0}},
			"success": true, "status": "ok", "users": []any{}, "count": 2.0,
		},
		HasResponseBody: true,
		ResponseHeaders: map[string]string{"Content-Type": "application/json"},
		RequestHeaders:  map[string]string{"Authorization": "Bearer s3cr3t"},
		Inputs: map[string]any{
			"pattern": "20.", "xml": `<store><book price="5"><title>Go</title></book><book price="15"><title>XPath</title></book></store>`,
			"status": "ok", "minPrice": 10, "nothing": nil, "notxml": "<a>", "obj": map[string]any{"a": 1},
		},
		Steps: map[string]map[string]any{"getPricing": {"minPrice": 10}},
	}
}

// TestEval covers every criterion type (Arazzo 1.0.1 §Criterion Object, with
// the 1.1.0 clarifications of pass/fail in SPEC_NOTES §2.4).
func TestEval(t *testing.T) {
	v := values()
	tests := []struct {
		rule string
		spec Spec
		want bool
	}{
		{"simple: spec example", Spec{Condition: "$statusCode == 200"}, true},
		{"simple: explicit type", Spec{Condition: "$statusCode == 201", Type: "simple", Context: "$response.body"}, false},
		{"regex: spec example (context $statusCode, '^200$')", Spec{Context: "$statusCode", Condition: "^200$", Type: "regex"}, true},
		{"regex: an unanchored search", Spec{Context: "$response.header.content-type", Condition: "json", Type: "regex"}, true},
		{"regex: no match", Spec{Context: "$statusCode", Condition: "^201$", Type: "regex"}, false},
		{"regex: RE2 classes", Spec{Context: "$statusCode", Condition: `^2\d\d$`, Type: "regex"}, true},
		{"regex: {$...} interpolated first (1.1.0)", Spec{Context: "$statusCode", Condition: "^({$inputs.pattern})$", Type: "regex"}, true},
		{"regex: object context formatted as JSON", Spec{Context: "$inputs.obj", Condition: `"a":1`, Type: "regex"}, true},
		{"jsonpath: spec example $[?count(@.pets) > 0] filters the root's children", Spec{Context: "$response.body", Condition: "$[?count(@.pets) > 0]", Type: "jsonpath"}, false},
		{"jsonpath: non-empty node list passes", Spec{Context: "$response.body", Condition: "$.pets[?@.price < 10]", Type: "jsonpath"}, true},
		{"jsonpath: empty node list fails", Spec{Context: "$response.body", Condition: "$.pets[?@.price > 100]", Type: "jsonpath"}, false},
		{"jsonpath: existence", Spec{Context: "$response.body", Condition: "$.success", Type: "jsonpath"}, true},
		{"jsonpath: comparison on the root", Spec{Context: "$response.body", Condition: "$[?@ == 'ok']", Type: "jsonpath"}, true},
		{"jsonpath: {$...} interpolated first", Spec{Context: "$response.body", Condition: "$.pets[?@.price > {$steps.getPricing.outputs.minPrice}]", Type: "jsonpath"}, true},
		{"jsonpath: interpolation inside a string", Spec{Context: "$response.body", Condition: "$[?@ == '{$inputs.status}']", Type: "jsonpath"}, true},
		{"jsonpath: Goessner version, RFC-compatible query", Spec{Context: "$response.body", Condition: "$.pets[?(@.price < 10)]", Type: "jsonpath", Version: VersionGoessner}, true},
		{"jsonpath: rfc9535 version (1.1.0)", Spec{Context: "$response.body", Condition: "$.pets[0]", Type: "jsonpath", Version: VersionRFC9535}, true},
		{"xpath: count", Spec{Context: "$inputs.xml", Condition: "count(//book) = 2", Type: "xpath"}, true},
		{"xpath: node-set non-empty", Spec{Context: "$inputs.xml", Condition: "/store/book[@price > 10]", Type: "xpath"}, true},
		{"xpath: node-set empty", Spec{Context: "$inputs.xml", Condition: "/store/book[@price > 100]", Type: "xpath"}, false},
		{"xpath: string EBV", Spec{Context: "$inputs.xml", Condition: "string(/store/book[1]/title)", Type: "xpath", Version: VersionXPath10}, true},
		{"xpath: number EBV", Spec{Context: "$inputs.xml", Condition: "count(//nothing)", Type: "xpath", Version: VersionXPath20}, false},
		{"xpath: {$...} interpolated first", Spec{Context: "$inputs.xml", Condition: "/store/book[@price > {$steps.getPricing.outputs.minPrice}]", Type: "xpath", Version: VersionXPath30}, true},
		{"xpath: 'to' as an element name is not the range operator", Spec{Context: "$inputs.xml", Condition: "//to or //book", Type: "xpath"}, true},
		{"xpath: * as multiplication and as a name test", Spec{Context: "$inputs.xml", Condition: "count(/store/*) * 2 = 4", Type: "xpath"}, true},
		{"regex/jsonpath/xpath: null context fails (1.1.0)", Spec{Context: "$inputs.nothing", Condition: ".*", Type: "regex"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			c, err := Compile(tt.spec)
			if err != nil {
				t.Fatalf("%s: Compile(%+v): %v", tt.rule, tt.spec, err)
			}
			got, err := c.Eval(v)
			if err != nil {
				t.Fatalf("%s: Eval: %v", tt.rule, err)
			}
			if got != tt.want {
				t.Errorf("%s: Eval = %v, want %v (%s)", tt.rule, got, tt.want, c.Explain(v))
			}
			if c.Spec() != tt.spec {
				t.Errorf("Spec() = %+v", c.Spec())
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		rule  string
		spec  Spec
		field string
		off   int
		msg   string
		hint  string
	}{
		{"condition is REQUIRED", Spec{}, "condition", 0, "required", ""},
		{"type enum", Spec{Condition: "x", Type: "regexp"}, "type", 0, "unknown criterion type", "write regex"},
		{"type is case-sensitive", Spec{Condition: "x", Type: "JSONPath", Context: "$response.body"}, "type", 0, "unknown criterion type", "jsonpath"},
		{"regex: context MUST be provided", Spec{Condition: "x", Type: "regex"}, "context", 0, "needs a context", "$response.body"},
		{"jsonpath: context MUST be provided", Spec{Condition: "$", Type: "jsonpath"}, "context", 0, "needs a context", ""},
		{"xpath: context MUST be provided", Spec{Condition: "/a", Type: "xpath"}, "context", 0, "needs a context", ""},
		{"context is a runtime expression", Spec{Context: "$response.bdy", Condition: "x", Type: "regex"}, "context", 10, "expected header., query., path. or body", ""},
		{"context is a runtime expression (not a template)", Spec{Context: "body: {$response.body}", Condition: "x", Type: "regex"}, "context", 0, "starts with '$'", ""},
		{"simple condition syntax, with offset", Spec{Condition: "$statusCode === 200"}, "condition", 12, "===", ""},
		{"regex: RE2 syntax", Spec{Context: "$statusCode", Condition: "a(b", Type: "regex"}, "condition", 0, "missing closing )", ""},
		{"regex: no lookaround in RE2", Spec{Context: "$statusCode", Condition: "(?!5)", Type: "regex"}, "condition", 0, "invalid or unsupported Perl syntax", "lookahead"},
		{"regex: no backreferences in RE2", Spec{Context: "$statusCode", Condition: `(a)\1`, Type: "regex"}, "condition", 3, "invalid escape", "backreferences"},
		{"jsonpath: RFC 9535 syntax, with offset", Spec{Context: "$response.body", Condition: "$.a[", Type: "jsonpath"}, "condition", 4, "invalid RFC 9535", ""},
		{"jsonpath: pseudo-JSONPath gets a simple-condition hint", Spec{Context: "$response.body", Condition: "$.success == true", Type: "jsonpath"}, "condition", 9, "invalid RFC 9535", "condition: $response.body#/success == true"},
		{"jsonpath: pseudo .length", Spec{Context: "$response.body", Condition: "$.users.length > 0", Type: "jsonpath"}, "condition", 14, "invalid RFC 9535", "condition: $response.body.users.length > 0"},
		{"jsonpath: pseudo with a context pointer", Spec{Context: "$response.body#/data", Condition: "$.items[0].id != null", Type: "jsonpath"}, "condition", 13, "invalid RFC 9535", "condition: $response.body#/data/items/0/id != null"},
		{"jsonpath: pseudo with double quotes", Spec{Context: "$response.body", Condition: `$.status === "ok"`, Type: "jsonpath"}, "condition", 8, "invalid RFC 9535", "condition: $response.body#/status == 'ok'"},
		{"jsonpath: pseudo compound", Spec{Context: "$response.body", Condition: "$.status == 'a' || $.status == 'b' && $.ok != true", Type: "jsonpath"}, "condition", 8, "invalid RFC 9535", "condition: $response.body#/status == 'a' || $response.body#/status == 'b' && $response.body#/ok != true"},
		{"jsonpath: pseudo with a bare $inputs context", Spec{Context: "$inputs", Condition: "$.files.length > 0 && $.cancel != true", Type: "jsonpath"}, "context", 0, "incomplete runtime expression", "condition: $inputs.files.length > 0 && $inputs.cancel != true"},
		{"jsonpath: Goessner-only syntax", Spec{Context: "$response.body", Condition: "$.pets[(@.length-1)]", Type: "jsonpath", Version: VersionGoessner}, "condition", 7, "Goessner", "[-1]"},
		{"version: jsonpath allows draft-goessner-dispatch-jsonpath-00", Spec{Context: "$response.body", Condition: "$", Type: "jsonpath", Version: "xpath-30"}, "version", 0, "unknown jsonpath version", ""},
		{"version: xpath allows xpath-10/20/30", Spec{Context: "$inputs.xml", Condition: "/a", Type: "xpath", Version: "xpath-40"}, "version", 0, "unknown xpath version", ""},
		{"version only for jsonpath/xpath", Spec{Context: "$statusCode", Condition: "x", Type: "regex", Version: "1"}, "version", 0, "only to jsonpath and xpath", ""},
		{"jsonpath: interpolation cannot hide a syntax error", Spec{Context: "$response.body", Condition: "$[?@ == {$inputs.status}", Type: "jsonpath"}, "condition", 0, "invalid RFC 9535", ""},
		{"jsonpath: bad embedded expression", Spec{Context: "$response.body", Condition: "$[?@ == {$input.status}]", Type: "jsonpath"}, "condition", 9, "did you mean $inputs.", ""},
		{"xpath: syntax", Spec{Context: "$inputs.xml", Condition: "//a[", Type: "xpath"}, "condition", 0, "invalid XPath 1.0", ""},
		{"xpath: unknown function", Spec{Context: "$inputs.xml", Condition: "xs:integer('1')", Type: "xpath"}, "condition", 0, "unsupported XPath function", ""},
		{"xpath-20: variables refused", Spec{Context: "$inputs.xml", Condition: "for $b in //book return $b", Type: "xpath", Version: VersionXPath20}, "condition", 0, "for expressions", ""},
		{"xpath-20: quantified refused", Spec{Context: "$inputs.xml", Condition: "some $b in //book satisfies $b/@price > 1", Type: "xpath"}, "condition", 0, "some expressions", ""},
		{"xpath-30: let refused", Spec{Context: "$inputs.xml", Condition: "let $x := 1 return $x", Type: "xpath"}, "condition", 0, "let expressions", ""},
		{"xpath-20: if refused", Spec{Context: "$inputs.xml", Condition: "if (//a) then 1 else 0", Type: "xpath"}, "condition", 0, "if-then-else", ""},
		{"xpath-20: range refused", Spec{Context: "$inputs.xml", Condition: "count(1 to 3)", Type: "xpath"}, "condition", 8, "range", ""},
		{"xpath-20: value comparison refused", Spec{Context: "$inputs.xml", Condition: "//book/@price eq '5'", Type: "xpath"}, "condition", 14, "value comparisons", ""},
		{"xpath-20: instance of refused", Spec{Context: "$inputs.xml", Condition: "//a instance of element()", Type: "xpath"}, "condition", 4, "instance of", ""},
		{"xpath-20: intersect refused", Spec{Context: "$inputs.xml", Condition: "//a intersect //b", Type: "xpath"}, "condition", 4, "intersect", ""},
		{"xpath-20: node comparison refused", Spec{Context: "$inputs.xml", Condition: "//a << //b", Type: "xpath"}, "condition", 4, "node order", ""},
		{"xpath-30: simple map refused", Spec{Context: "$inputs.xml", Condition: "//a ! string()", Type: "xpath"}, "condition", 4, "simple map", ""},
		{"xpath-30: string concatenation refused", Spec{Context: "$inputs.xml", Condition: "'a' || 'b'", Type: "xpath"}, "condition", 4, "concatenation", ""},
		{"xpath-31: arrow refused", Spec{Context: "$inputs.xml", Condition: "'a' => string-length()", Type: "xpath"}, "condition", 4, "arrow", ""},
		{"xpath-31: map constructor refused", Spec{Context: "$inputs.xml", Condition: "map { 'a': 1 }", Type: "xpath"}, "condition", 0, "map and array", ""},
		{"xpath-31: lookup refused", Spec{Context: "$inputs.xml", Condition: "$m?a", Type: "xpath"}, "condition", 0, "variable", ""},
		{"xpath-30: comments refused", Spec{Context: "$inputs.xml", Condition: "//a (: c :)", Type: "xpath"}, "condition", 4, "comments", ""},
		{"xpath-30: function references refused", Spec{Context: "$inputs.xml", Condition: "count#1", Type: "xpath"}, "condition", 5, "named function", ""},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			_, err := Compile(tt.spec)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("%s: Compile(%+v) = %v, want *Error", tt.rule, tt.spec, err)
			}
			if ce.Field != tt.field || ce.Offset != tt.off || !strings.Contains(ce.Msg, tt.msg) || !strings.Contains(ce.Hint, tt.hint) {
				t.Errorf("%s: got field=%s offset=%d msg=%q hint=%q\nwant field=%s offset=%d msg~%q hint~%q", tt.rule, ce.Field, ce.Offset, ce.Msg, ce.Hint, tt.field, tt.off, tt.msg, tt.hint)
			}
			if tt.hint != "" {
				// The proposed simple condition must itself be valid.
				if i := strings.Index(ce.Hint, "condition: "); i >= 0 {
					if _, err := expr.ParseCondition(ce.Hint[i+len("condition: "):]); err != nil {
						t.Errorf("the hint's condition does not parse: %v", err)
					}
				}
			}
		})
	}
}

// TestPseudoJSONPathHintEvaluates: the proposed simple condition means what the
// author meant.
func TestPseudoJSONPathHintEvaluates(t *testing.T) {
	v := values()
	for cond, want := range map[string]bool{
		"$.success == true":       true,
		"$.users.length > 0":      false,
		"$.pets.length > 1":       true,
		"$.pets[1].name == 'tom'": true,
		"$.count >= 2":            true,
		"$.status != 'ok'":        false,
	} {
		_, err := Compile(Spec{Context: "$response.body", Condition: cond, Type: "jsonpath"})
		var ce *Error
		if !errors.As(err, &ce) {
			t.Fatalf("%q compiled", cond)
		}
		i := strings.Index(ce.Hint, "condition: ")
		if i < 0 {
			t.Fatalf("%q: no hint: %v", cond, err)
		}
		c, err := Compile(Spec{Condition: ce.Hint[i+len("condition: "):]})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := c.Eval(v); err != nil || got != want {
			t.Errorf("%q -> %q = %v, %v; want %v", cond, c.Spec().Condition, got, err, want)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	v := values()
	tests := []struct {
		spec     Spec
		notFound bool
		msg      string
	}{
		{Spec{Context: "$steps.nope.outputs.x", Condition: ".", Type: "regex"}, true, ""},
		{Spec{Condition: "$steps.nope.outputs.x == 1"}, true, ""},
		{Spec{Context: "$response.body", Condition: "$[?@ == '{$inputs.nope}']", Type: "jsonpath"}, true, ""},
		{Spec{Context: "$response.body", Condition: "//a", Type: "xpath"}, false, "needs an XML document"},
		{Spec{Context: "$inputs.notxml", Condition: "//a", Type: "xpath"}, false, "not well-formed XML"},
		{Spec{Context: "$response.body", Condition: "$.{$inputs.status}x[", Type: "jsonpath"}, false, "after substituting"},
	}
	for _, tt := range tests {
		c, err := Compile(tt.spec)
		if err != nil {
			if tt.msg == "after substituting" {
				continue // rejected at compile time already: fine too
			}
			t.Fatalf("Compile(%+v): %v", tt.spec, err)
		}
		ok, err := c.Eval(v)
		if ok || err == nil {
			t.Errorf("Eval(%+v) = %v, %v; want an error", tt.spec, ok, err)
			continue
		}
		if errors.Is(err, expr.ErrNotFound) != tt.notFound || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Eval(%+v) error %v (notFound=%v), want notFound=%v containing %q", tt.spec, err, errors.Is(err, expr.ErrNotFound), tt.notFound, tt.msg)
		}
		if c.Explain(v) == "" {
			t.Errorf("empty Explain")
		}
	}
}

func TestExplain(t *testing.T) {
	v := values()
	tests := []struct {
		spec Spec
		want string
	}{
		{Spec{Condition: "$statusCode == 201"}, "$statusCode == 201: got 200"},
		{Spec{Context: "$statusCode", Condition: "^201$", Type: "regex"}, "regex ^201$ on $statusCode: '200' does not match"},
		{Spec{Context: "$response.body", Condition: "$.nope", Type: "jsonpath"}, "jsonpath $.nope on $response.body: the query selected no nodes"},
		{Spec{Context: "$inputs.xml", Condition: "//nope", Type: "xpath"}, "xpath //nope on $inputs.xml: the expression is false"},
		{Spec{Context: "$inputs.nothing", Condition: "x", Type: "regex"}, "the context value is null"},
		{Spec{Context: "$inputs.nope", Condition: "x", Type: "regex"}, "$inputs.nope: value not found"},
		{Spec{Context: "$steps.getPricing.outputs.minPrice", Condition: "^0$", Type: "regex"}, "'10' does not match"},
		{Spec{Context: "$response.header.Content-Type", Condition: "xml", Type: "regex"}, "'application/json' does not match"},
		{Spec{Context: "$request.header.authorization", Condition: "^Basic", Type: "regex"}, "not shown: it looks like a secret"},
	}
	for _, tt := range tests {
		c, err := Compile(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Explain(v); !strings.Contains(got, tt.want) {
			t.Errorf("Explain(%+v) = %q, want containing %q", tt.spec, got, tt.want)
		}
	}
}

func TestExpressionsAndType(t *testing.T) {
	tests := []struct {
		spec Spec
		typ  Type
		want string
	}{
		{Spec{Condition: "$statusCode == 200 && $steps.a.outputs.b"}, Simple, "$statusCode $steps.a.outputs.b"},
		{Spec{Context: "$statusCode", Condition: "^{$inputs.p}$", Type: "regex"}, Regex, "$statusCode $inputs.p"},
		{Spec{Context: "{$response.body}", Condition: "$[?@.a == {$steps.s.outputs.x}]", Type: "jsonpath"}, JSONPath, "$response.body $steps.s.outputs.x"},
		{Spec{Context: "$response.body#/xml", Condition: "//a", Type: "xpath"}, XPath, "$response.body#/xml"},
	}
	for _, tt := range tests {
		c, err := Compile(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range c.Expressions() {
			got = append(got, e.String())
		}
		if strings.Join(got, " ") != tt.want || c.Type() != tt.typ {
			t.Errorf("%+v: Expressions %q type %v; want %q %v", tt.spec, got, c.Type(), tt.want, tt.typ)
		}
	}
	for typ, s := range map[Type]string{Simple: "simple", Regex: "regex", JSONPath: "jsonpath", XPath: "xpath", Type(9): "Type(9)"} {
		if typ.String() != s {
			t.Errorf("%d.String() = %q", typ, typ.String())
		}
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Field: "condition", Offset: 3, Msg: "bad", Hint: "fix it"}
	if e.Error() != "condition: offset 3: bad (hint: fix it)" {
		t.Errorf("got %q", e.Error())
	}
}
