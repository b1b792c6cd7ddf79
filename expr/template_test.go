package expr

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestTemplate covers the template rules of ParseTemplate (doc.go), from
// "Expressions can be embedded into string values by surrounding the
// expression with {} curly braces" and "Runtime expressions preserve the type
// of the referenced value".
func TestTemplate(t *testing.T) {
	v := testValues()
	tests := []struct {
		rule, in string
		literal  bool
		exprs    []string
		want     any
	}{
		{"whole expression keeps its type (number)", "$inputs.count", false, []string{"$inputs.count"}, 3},
		{"whole expression keeps its type (object)", "$inputs.customer", false, []string{"$inputs.customer"}, map[string]any{"name": "Ann", "tags": []any{"a", "b"}}},
		{"whole expression in braces keeps its type", "{$inputs.count}", false, []string{"$inputs.count"}, 3},
		{"embedded in text gives a string", "Bearer {$steps.login.outputs.token}", false, []string{"$steps.login.outputs.token"}, "Bearer abc"},
		{"several embedded", "/users/{$inputs.username}/roles/{$inputs.count}", false, []string{"$inputs.username", "$inputs.count"}, "/users/ann/roles/3"},
		{"embedded object as JSON", "c={$inputs.customer}", false, []string{"$inputs.customer"}, `c={"name":"Ann","tags":["a","b"]}`},
		{"embedded null is empty", "x={$inputs.nothing}", false, []string{"$inputs.nothing"}, "x="},
		{"embedded bool", "x={$inputs.flag}", false, []string{"$inputs.flag"}, "x=true"},
		{"embedded pointer", "pet={$steps.login.outputs.list#/0/id}", false, []string{"$steps.login.outputs.list#/0/id"}, "pet=first"},
		{"adjacent expressions", "{$inputs.username}{$outputs.token}", false, []string{"$inputs.username", "$outputs.token"}, "annt0k"},
		{"spec example (form data)", "client_id={$inputs.username}&code{$steps.login.outputs.token}&scope=$inputs.scope}", false, []string{"$inputs.username", "$steps.login.outputs.token"}, "client_id=ann&codeabc&scope=$inputs.scope}"},
		{"literal", "plain text", true, nil, "plain text"},
		{"empty literal", "", true, nil, ""},
		{"JSONPath data is a literal", "$.store.book[*]", true, nil, "$.store.book[*]"},
		{"money is a literal", "$ 5.00", true, nil, "$ 5.00"},
		{"a '$' that is not an expression is a literal", "$inputs.a b", true, nil, "$inputs.a b"},
		{"JSON text is a literal", `{"a": {"b": 1}}`, true, nil, `{"a": {"b": 1}}`},
		{"lone braces are literal", "a } b { c", true, nil, "a } b { c"},
		{"{{$ is the escape for a literal {$", "{{$inputs.x}", true, nil, "{$inputs.x}"},
		{"escape then expression", "{{$ {$inputs.username}", false, []string{"$inputs.username"}, "{$ ann"},
		{"'}' ends an embedded pointer (1.1.0 resolution)", "{$response.body#/user/uuid}}", false, []string{"$response.body#/user/uuid"}, "u-1}"},
		{"'$' inside a longer literal", "costs $5 {$inputs.count}", false, []string{"$inputs.count"}, "costs $5 3"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			tp, err := ParseTemplate(tt.in)
			if err != nil {
				t.Fatalf("%s: ParseTemplate(%q): %v", tt.rule, tt.in, err)
			}
			if tp.IsLiteral() != tt.literal {
				t.Errorf("%s: IsLiteral = %v", tt.rule, tp.IsLiteral())
			}
			var got []string
			for _, e := range tp.Expressions() {
				got = append(got, e.String())
			}
			if !reflect.DeepEqual(got, tt.exprs) {
				t.Errorf("%s: Expressions = %q, want %q", tt.rule, got, tt.exprs)
			}
			if tp.String() != tt.in {
				t.Errorf("String() = %q", tp.String())
			}
			val, err := tp.Eval(v)
			if err != nil {
				t.Fatalf("%s: Eval: %v", tt.rule, err)
			}
			if !reflect.DeepEqual(val, tt.want) {
				t.Errorf("%s: Eval = %#v, want %#v", tt.rule, val, tt.want)
			}
			// Parts reassemble to the same evaluation.
			if len(tp.Parts()) == 0 && tt.in != "" {
				t.Errorf("no parts")
			}
		})
	}
}

func TestTemplateErrors(t *testing.T) {
	tests := []struct {
		in  string
		off int
		msg string
	}{
		{"x {$foo} y", 3, "unknown runtime expression"},
		{"x {$inputs.a", 12, "missing '}'"},
		{"x {$inputs.a b}", 12, "expected '}'"},
		{"{$steps.a.outputs}", 9, "'.outputs.'"},
		{"a{$}", 2, "unknown runtime expression"},
		{"{$response.body#/a~2}", 18, "'~'"},
	}
	for _, tt := range tests {
		_, err := ParseTemplate(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseTemplate(%q) = %v, want *SyntaxError", tt.in, err)
			continue
		}
		if se.Offset != tt.off || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("ParseTemplate(%q) error at %d %q; want at %d containing %q", tt.in, se.Offset, se.Msg, tt.off, tt.msg)
		}
	}
	if _, err := ParseTemplate(strings.Repeat("x", MaxLength+1)); err == nil {
		t.Errorf("no length limit")
	}
}

func TestTemplateEvalNotFound(t *testing.T) {
	for _, in := range []string{"$inputs.nope", "x{$inputs.nope}y", "{$inputs.nope}"} {
		tp, err := ParseTemplate(in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tp.Eval(testValues()); !errors.Is(err, ErrNotFound) {
			t.Errorf("Eval(%q) = %v, want ErrNotFound", in, err)
		}
	}
}

func TestParseInterpolation(t *testing.T) {
	v := testValues()
	tp, err := ParseInterpolation("{$inputs.count}")
	if err != nil {
		t.Fatal(err)
	}
	if tp.IsWhole() {
		t.Errorf("interpolations are never whole")
	}
	if got, _ := tp.Eval(v); got != "3" {
		t.Errorf("got %#v, want the string \"3\"", got)
	}
	tp, err = ParseInterpolation("$inputs.count")
	if err != nil || !tp.IsLiteral() {
		t.Errorf("a bare $... is literal in an interpolation: %v %v", tp.IsLiteral(), err)
	}
	if got, _ := tp.Eval(v); got != "$inputs.count" {
		t.Errorf("got %#v", got)
	}
}

func TestSuspicious(t *testing.T) {
	tests := []struct {
		in   string
		want string // substring; "" means not suspicious
	}{
		{"$step.x.outputs.y", "did you mean $steps."},
		{"$input.name", "did you mean $inputs."},
		{"$response.body.id", "$response.body#/id"},
		{"$inputs.a b", "looks like a runtime expression"},
		{"Bearer $inputs.token", "write {$inputs.token}"},
		{"{{$inputs.x}}", "escape"},
		{"$.store.book[*]", ""},
		{"$[0]", ""},
		{"$ 5.00", ""},
		{"$5", ""},
		{"$USD 5", ""},
		{"$id", ""},
		{"plain", ""},
		{"Bearer {$inputs.token}", ""},
		{"$inputs.token", ""},
	}
	for _, tt := range tests {
		if _, err := ParseTemplate(tt.in); err != nil {
			t.Fatalf("ParseTemplate(%q): %v", tt.in, err)
		}
		msg, ok := Suspicious(tt.in)
		if ok != (tt.want != "") || !strings.Contains(msg, tt.want) {
			t.Errorf("Suspicious(%q) = %q, %v; want containing %q", tt.in, msg, ok, tt.want)
		}
	}
}

func TestFormatValue(t *testing.T) {
	for v, want := range map[any]string{
		"s": "s", nil: "", true: "true", 3: "3", int64(-4): "-4", 1.5: "1.5", 1e21: "1e+21", 100.0: "100",
	} {
		if got := FormatValue(v); got != want {
			t.Errorf("FormatValue(%#v) = %q, want %q", v, got, want)
		}
	}
	if got := FormatValue([]any{1.0, "a"}); got != `[1,"a"]` {
		t.Errorf("got %q", got)
	}
}

func TestTemplateLiteral(t *testing.T) {
	for in, want := range map[string]string{"plain": "plain", "{{$inputs.x}": "{$inputs.x}", "": "", "a {$inputs.x}": "a {$inputs.x}", "$inputs.x": "$inputs.x"} {
		tp, err := ParseTemplate(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := tp.Literal(); got != want {
			t.Errorf("Literal(%q) = %q, want %q", in, got, want)
		}
	}
}
