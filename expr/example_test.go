package expr_test

import (
	"errors"
	"fmt"

	"github.com/arazzo-run/arazzo/expr"
)

func Example() {
	ctx := &expr.Values{
		StatusCode:   201,
		ResponseBody: map[string]any{"id": 42.0, "tags": []any{"a", "b"}},
		Steps:        map[string]map[string]any{"login": {"token": "s3cr3t"}},
	}

	e, _ := expr.Parse("$response.body#/tags/1")
	v, _ := e.Eval(ctx)
	fmt.Println(v)

	t, _ := expr.ParseTemplate("Bearer {$steps.login.outputs.token}")
	s, _ := t.Eval(ctx)
	fmt.Println(s)

	c, _ := expr.ParseCondition("$statusCode == 201 && $response.body.id > 40")
	ok, _ := c.Eval(ctx)
	fmt.Println(ok)

	c, _ = expr.ParseCondition("$statusCode == 200")
	if ok, _ := c.Eval(ctx); !ok {
		fmt.Println(c.Explain(ctx))
	}
	// Output:
	// b
	// Bearer s3cr3t
	// true
	// $statusCode == 200: got 201
}

func ExampleParse_error() {
	_, err := expr.Parse("$steps.login.output.token")
	var se *expr.SyntaxError
	if errors.As(err, &se) {
		fmt.Println(se.Offset, se.Msg)
	}
	// Output:
	// 12 expected '.outputs.' after the step id (as in $steps.<stepId>.outputs.<name>); write $steps.login.outputs.token
}

func ExampleSuspicious() {
	for _, s := range []string{"$step.login.outputs.token", "$.store.book[*]"} {
		t, _ := expr.ParseTemplate(s) // both are literals
		msg, ok := expr.Suspicious(s)
		fmt.Println(t.IsLiteral(), ok, msg)
	}
	// Output:
	// true true "$step.login.outputs.token" looks like a runtime expression but is not one (offset 0: unknown runtime expression "$step": expected $url, $method, $statusCode, $request., $response., $inputs., $outputs., $steps., $workflows., $sourceDescriptions. or $components.; did you mean $steps.?); it will be used as a literal string
	// true false
}

func ExampleTemplate_Eval_typePreserved() {
	ctx := &expr.Values{Inputs: map[string]any{"customer": map[string]any{"name": "Ann"}}}
	t, _ := expr.ParseTemplate("$inputs.customer")
	v, _ := t.Eval(ctx)
	fmt.Printf("%T %v\n", v, v)
	// Output:
	// map[string]interface {} map[name:Ann]
}
