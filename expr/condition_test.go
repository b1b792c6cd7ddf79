package expr

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func condValues() *Values {
	v := testValues()
	v.StatusCode = 200
	v.ResponseBody = map[string]any{
		"status": "Available", "data": []any{map[string]any{"id": 42.0}}, "count": 0.0, "active": false,
		"big": json.Number("12345678901234567890"), "price": json.Number("9.99"), "name": "it's", "error": nil,
		"items": []any{}, "obj": map[string]any{}, "nested": map[string]any{"a": []any{1.0, 2.0}},
		"tags": []any{"A", "b"}, "flags": map[string]any{"x": true}, "unicode": "ÉCOLE", "n": 7,
	}
	v.Inputs["name"] = "Fluffy"
	v.Inputs["age"] = "30"
	v.Inputs["empty"] = ""
	v.Inputs["zero"] = 0
	v.Inputs["nan"] = "NaN"
	return v
}

// TestConditionEval covers every operator, every literal form and the
// comparison rules (Arazzo 1.0.1 §Criterion Object: Literals, Operators,
// "String comparisons MUST be case insensitive"; the choices where the spec is
// silent are in doc.go).
func TestConditionEval(t *testing.T) {
	v := condValues()
	tests := []struct {
		rule, cond string
		want       bool
	}{
		// Literals (§Literals).
		{"literal boolean true", "true", true},
		{"literal boolean false", "false", false},
		{"literal null (falsy)", "null", false},
		{"literal number: integer", "1 == 1", true},
		{"literal number: negative", "-3 < 0", true},
		{"literal number: fraction", "1.5 > 1", true},
		{"literal number: exponent", "1.5e3 == 1500", true},
		{"literal number: exponent sign", "15E-1 == 1.5", true},
		{"literal number: -0 equals 0", "-0 == 0", true},
		{"literal string: single quotes", "'abc' == 'abc'", true},
		{"literal string: '' is a quote", "$response.body.name == 'it''s'", true},
		{"literal string: empty", "'' == ''", true},
		// Operators (§Operators).
		{"== equal", "$statusCode == 200", true},
		{"== equal, false", "$statusCode == 201", false},
		{"!= not equal", "$statusCode != 201", true},
		{"!= not equal, false", "$statusCode != 200", false},
		{"< less than", "$statusCode < 300", true},
		{"< less than, equal is false", "$statusCode < 200", false},
		{"<= less or equal", "$statusCode <= 200", true},
		{"> greater than", "$statusCode > 199", true},
		{"> greater than, false", "$statusCode > 200", false},
		{">= greater or equal", "$statusCode >= 200", true},
		{"! not", "!$response.body.active", true},
		{"! not of a group", "!($statusCode == 200)", false},
		{"!! double negation", "!!true", true},
		{"&& and", "$statusCode >= 200 && $statusCode < 300", true},
		{"&& and, false", "$statusCode >= 200 && $statusCode < 200", false},
		{"|| or", "$statusCode == 500 || $statusCode == 200", true},
		{"|| or, false", "$statusCode == 500 || $statusCode == 404", false},
		{"() grouping", "($statusCode == 200 || $statusCode == 201) && $response.body != null", true},
		{"[] index (0-based)", "$response.body.data[0].id == 42", true},
		{"[] index with spaces", "$response.body.data[ 0 ].id == 42", true},
		{"[] member by string", "$response.body['status'] == 'available'", true},
		{". property de-reference", "$response.body.status == 'Available'", true},
		{"[] after a pointer", "$response.body#/nested/a[1] == 2", true},
		{". numeric member on an array", "$response.body.nested.a.1 == 2", true},
		{"{ } group like ( ) (spec example \"{$statusCode == 401}\")", "{$statusCode == 200}", true},
		// Precedence (C-family, doc.go).
		{"&& binds tighter than ||", "true || false && false", true},
		{"&& binds tighter than || (2)", "false && false || true", true},
		{"! binds tighter than ==", "!false == true", true},
		{"relational binds tighter than equality", "1 < 2 == true", true},
		{"equality binds tighter than &&", "$statusCode == 200 && true", true},
		// Case-insensitive strings (§Operators: MUST).
		{"string == is case-insensitive", "$response.body.status == 'available'", true},
		{"string == is case-insensitive (input)", "$inputs.name == 'FLUFFY'", true},
		{"string != is case-insensitive", "$inputs.name != 'fluffy'", false},
		{"string == non-ASCII folding", "$response.body.unicode == 'école'", true},
		{"string < is case-insensitive", "'apple' < 'BANANA'", true},
		{"string >= is case-insensitive", "'abc' >= 'ABC'", true},
		// Numeric strings (1.1.0: coerced when compared with numbers).
		{"numeric string == number", "$statusCode == '200'", true},
		{"numeric string == number (input)", "$inputs.age == 30", true},
		{"numeric string < number", "$inputs.age < 31", true},
		{"numeric strings compare numerically with < > (1.1.0)", "'10' > '9'", true},
		{"numeric strings compare as strings with ==", "'10' == '10.0'", false},
		{"non-numeric string != number", "'abc' == 0", false},
		{"non-numeric string < number is false", "'abc' < 1", false},
		{"'NaN' is not a number", "$inputs.nan == 0", false},
		{"json.Number compares exactly", "$response.body.big == 12345678901234567890", true},
		{"json.Number large", "$response.body.big > 12345678901234567889", true},
		{"json.Number fraction", "$response.body.price < 10", true},
		{"int and float", "$response.body.n == 7.0", true},
		// null (1.1.0: null only equals itself).
		{"null == null", "null == null", true},
		{"null member == null", "$response.body.error == null", true},
		{"null != 0", "$response.body.error == 0", false},
		{"null != ''", "$response.body.error == ''", false},
		{"null != false", "$response.body.error == false", false},
		{"value != null", "$statusCode == null", false},
		{"value != null (!=)", "$response.body.data != null", true},
		{"null < x is false", "$response.body.error < 1", false},
		{"null >= x is false", "$response.body.error >= 0", false},
		// Missing members equal null (doc.go).
		{"missing == null", "$response.body.missing == null", true},
		{"missing != null is false", "$response.body.missing != null", false},
		{"null == missing", "null == $response.body.missing", true},
		{"missing pointer == null", "$response.body#/missing == null", true},
		// Booleans.
		{"bool == bool", "$response.body.active == false", true},
		{"bool == 'true' string", "$inputs.flag == 'TRUE'", true},
		{"bool != number", "$inputs.flag == 1", false},
		{"bool < is false", "true > false", false},
		// Arrays and objects.
		{"array == array (loose)", "$inputs.customer.tags == $inputs.customer.tags", true},
		{"object == object", "$response.body.flags == $response.body.flags", true},
		{"array != object", "$response.body.items == $response.body.obj", false},
		// Truthiness of a bare operand (doc.go).
		{"truthy: number", "$statusCode", true},
		{"truthy: 0", "$response.body.count", false},
		{"truthy: false", "$response.body.active", false},
		{"truthy: string", "$inputs.name", true},
		{"truthy: empty string", "$inputs.empty", false},
		{"truthy: int 0", "$inputs.zero", false},
		{"truthy: empty array", "$response.body.items", false},
		{"truthy: array", "$response.body.data", true},
		{"truthy: empty object", "$response.body.obj", false},
		{"truthy: object", "$response.body.flags", true},
		{"truthy: null member", "$response.body.error", false},
		{"truthy: literal string", "'x'", true},
		{"truthy: literal 0", "0", false},
		// .length (doc.go).
		{".length of an array", "$response.body.data.length == 1", true},
		{".length of an empty array", "$response.body.items.length > 0", false},
		{".length of a string", "$inputs.name.length == 6", true},
		// Dotted names.
		{"dotted output name resolved by the longer reading", "$steps.dotted.outputs.a.b == 'dot'", true},
		{"shorter reading first", "$steps.login.outputs.list[0].id == 'first'", true},
		{"input then property", "$inputs.customer.name == 'ann'", true},
		// Headers in conditions.
		{"header, case-insensitive name, numeric string", "$response.header.x-rate-remaining > 5", true},
		{"all sources", "$url != null && $method == 'post' && $request.header.content-type == 'APPLICATION/JSON' && $request.query.limit == 10 && $request.path.id == 42 && $request.body.name == 'fluffy' && $outputs.token == 't0k' && $workflows.w.outputs.out.name == 'w' && $sourceDescriptions.petStore.url != null && $components.parameters.page.in == 'query'", true},
		// Whitespace.
		{"whitespace is optional", "$statusCode==200&&true", true},
		{"leading and trailing whitespace", "  $statusCode == 200  ", true},
		{"newlines and tabs", "$statusCode == 200\n\t&& true", true},
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			c, err := ParseCondition(tt.cond)
			if err != nil {
				t.Fatalf("%s: ParseCondition(%q): %v", tt.rule, tt.cond, err)
			}
			got, err := c.Eval(v)
			if err != nil {
				t.Fatalf("%s: Eval(%q): %v", tt.rule, tt.cond, err)
			}
			if got != tt.want {
				t.Errorf("%s: Eval(%q) = %v, want %v", tt.rule, tt.cond, got, tt.want)
			}
		})
	}
}

// TestConditionMissing: a missing value is an error wrapping ErrNotFound, not a
// silent false, except in a comparison with null.
func TestConditionMissing(t *testing.T) {
	v := condValues()
	for _, cond := range []string{
		"$response.body.missing > 0",
		"$response.body.missing == 1",
		"$response.body.missing == 'x'",
		"$response.body.nope.deep",
		"!$response.body.nope",
		"$steps.nope.outputs.x == 1",
		"$response.body.data[5].id == 1",
		"$response.body.missing == $response.body.alsoMissing",
		"1 < $response.body.missing",
		"true && $inputs.nope",
		"$response.body#/nested.a[1] == 2", // '.' belongs to the pointer token "nested.a"
	} {
		c, err := ParseCondition(cond)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Eval(v)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("Eval(%q) = %v, want ErrNotFound", cond, err)
		}
	}
}

// TestConditionShortCircuit: && and || do not evaluate their right operand when
// the left one decides, so a guard protects a missing value.
func TestConditionShortCircuit(t *testing.T) {
	v := condValues()
	for cond, want := range map[string]bool{
		"false && $inputs.nope": false,
		"true || $inputs.nope":  true,
		"$response.body.error != null && $response.body.error.code == 1": false,
	} {
		c, err := ParseCondition(cond)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Eval(v)
		if err != nil || got != want {
			t.Errorf("Eval(%q) = %v, %v; want %v", cond, got, err, want)
		}
	}
}

func TestConditionSyntaxErrors(t *testing.T) {
	tests := []struct {
		cond string
		off  int
		msg  string
	}{
		{"", 0, "empty condition"},
		{"   ", 3, "empty condition"},
		{"==", 0, "missing value before"},
		{"== 200", 0, "missing value before"},
		{"$statusCode ==", 14, "unexpected end"},
		{"$statusCode == == 200", 15, "missing value before"},
		{"$statusCode === 200", 12, "\"===\""},
		{"$statusCode = 200", 12, "use =="},
		{"$statusCode < 200 < 300", 18, "cannot be chained"},
		{"1 == 1 == 1", 7, "cannot be chained"},
		{"1 == 1 != 1", 7, "cannot be chained"},
		{"($statusCode == 200", 0, "unbalanced"},
		{"($statusCode == 200]", 19, "')'"},
		{"$statusCode == 200)", 18, "unexpected"},
		{"nonsensical string", 0, "unexpected \"nonsensical\""},
		{"$statusCode == \"200\"", 15, "single quotes"},
		{"'abc", 0, "unterminated string"},
		{"$statusCode & 1", 12, "use &&"},
		{"$statusCode | 1", 12, "use ||"},
		{"01 == 1", 0, "malformed number"},
		{"$response.body.data[2147483648] == 1", 20, "index 2147483648 is too large"},
		{"$response.body.data[99999999999999999999] == 1", 20, "is too large"},
		{"1. == 1", 0, "malformed number"},
		{"1.5.5 == 1", 0, "malformed number"},
		{"- 1 == 1", 0, "malformed number"},
		{"$foo == 1", 0, "unknown runtime expression"},
		{"$response.body. == 1", 15, "property name"},
		{"$response.body[ == 1", 16, "index"},
		{"$response.body[-1] == 1", 15, "index"},
		{"$response.body[0 == 1", 17, "']'"},
		{"$response.body[0", 14, "unbalanced '['"},
		{"$steps.a.outputs.b#/x == 1", -1, ""}, // valid: pointer in a condition
		{"$request.header.x#", -1, ""},         // valid: '#' is a tchar
		{"True", 0, "unexpected \"True\""},
		{"$response.header.Content-Type == application/json", 33, "quote it: 'application/json'"},
		{"$statusCode == 200 $statusCode", 19, "operator"},
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			_, err := ParseCondition(tt.cond)
			if tt.off < 0 {
				if err != nil {
					t.Fatalf("ParseCondition(%q): %v", tt.cond, err)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseCondition(%q) = %v, want *SyntaxError", tt.cond, err)
			}
			if se.Offset != tt.off || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("ParseCondition(%q) error at %d %q; want at %d containing %q", tt.cond, se.Offset, se.Msg, tt.off, tt.msg)
			}
		})
	}
}

// TestConditionLimits: hostile nesting is refused before it can exhaust the
// stack.
func TestConditionLimits(t *testing.T) {
	for _, cond := range []string{
		strings.Repeat("(", 10000) + "true" + strings.Repeat(")", 10000),
		strings.Repeat("!", 10000) + "true",
		strings.Repeat("{", 10000) + "true" + strings.Repeat("}", 10000),
		"$response.body" + strings.Repeat("[0]", 1000),
		strings.Repeat("a", MaxLength+1),
	} {
		_, err := ParseCondition(cond)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseCondition(%.20q...) = %v, want a *SyntaxError", cond, err)
		}
	}
	ok := strings.Repeat("(", MaxDepth-1) + "true" + strings.Repeat(")", MaxDepth-1)
	if _, err := ParseCondition(ok); err != nil {
		t.Errorf("nesting %d: %v", MaxDepth-1, err)
	}
	// Long but flat conditions are fine.
	flat := strings.Repeat("true && ", 1000) + "true"
	c, err := ParseCondition(flat)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := c.Eval(nil); !b || err != nil {
		t.Errorf("flat: %v %v", b, err)
	}
}

func TestConditionExplain(t *testing.T) {
	v := condValues()
	v.StatusCode = 409
	tests := []struct{ cond, want string }{
		{"$statusCode == 201", "$statusCode == 201: got 409"},
		{"$response.body.status == 'x'", "$response.body.status == 'x': got 'Available'"},
		{"$response.body.nope == 1", "$response.body.nope == 1: $response.body.nope not found"},
		{"$statusCode == 201 && $response.body.active", "$statusCode == 201 && $response.body.active: $statusCode = 409, $response.body.active = false"},
		{"$statusCode == 201 || $statusCode == 202", "$statusCode == 201 || $statusCode == 202: $statusCode = 409"},
		{"true == false", "true == false"},
		{"$response.body.data", `$response.body.data: got [{"id":42}]`},
	}
	for _, tt := range tests {
		c, err := ParseCondition(tt.cond)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Explain(v); got != tt.want {
			t.Errorf("Explain(%q) = %q, want %q", tt.cond, got, tt.want)
		}
	}
	// Secrets are not printed.
	c, _ := ParseCondition("$steps.login.outputs.token == 'x' && $request.header.Authorization != null")
	if got := c.Explain(v); strings.Contains(got, "abc") || !strings.Contains(got, "$steps.login.outputs.token = <redacted>") {
		t.Errorf("Explain leaks a secret: %q", got)
	}
	long := strings.Repeat("x", 200)
	v.Inputs["long"] = long
	c, _ = ParseCondition("$inputs.long == 'a'")
	if got := c.Explain(v); len(got) > 120 || !strings.HasSuffix(got, "...") {
		t.Errorf("long values are not shortened: %q", got)
	}
}

func TestConditionExpressions(t *testing.T) {
	c, err := ParseCondition("$statusCode == 200 && $steps.a.outputs.b.c > 1 || $response.body#/x[0]")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range c.Expressions() {
		got = append(got, e.String())
	}
	want := "$statusCode $steps.a.outputs.b $response.body#/x"
	if strings.Join(got, " ") != want {
		t.Errorf("Expressions() = %q, want %q", got, want)
	}
	if c.String() != "$statusCode == 200 && $steps.a.outputs.b.c > 1 || $response.body#/x[0]" {
		t.Errorf("String() = %q", c.String())
	}
}

func TestConditionReadings(t *testing.T) {
	c, err := ParseCondition("$steps.s.outputs.a.b.c == 1 && $response.body.x && $steps.s.outputs.n[0].m")
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, r := range c.Readings() {
		var names []string
		for _, e := range r {
			names = append(names, e.String())
		}
		got = append(got, names)
	}
	want := [][]string{
		{"$steps.s.outputs.a", "$steps.s.outputs.a.b", "$steps.s.outputs.a.b.c"},
		{"$response.body"},
		{"$steps.s.outputs.n"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Readings() = %q, want %q", got, want)
	}
}
