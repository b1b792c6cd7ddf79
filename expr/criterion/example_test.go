package criterion_test

import (
	"fmt"

	"github.com/arazzo-run/arazzo/expr"
	"github.com/arazzo-run/arazzo/expr/criterion"
)

func Example() {
	ctx := &expr.Values{StatusCode: 200, ResponseBody: map[string]any{"pets": []any{map[string]any{"price": 8.0}}}}
	for _, s := range []criterion.Spec{
		{Condition: "$statusCode == 200"},
		{Context: "$statusCode", Condition: "^2\\d\\d$", Type: "regex"},
		{Context: "$response.body", Condition: "$.pets[?@.price < 10]", Type: "jsonpath"},
	} {
		c, err := criterion.Compile(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		ok, err := c.Eval(ctx)
		fmt.Println(c.Type(), ok, err)
	}
	// Output:
	// simple true <nil>
	// regex true <nil>
	// jsonpath true <nil>
}

func ExampleCompile_pseudoJSONPath() {
	_, err := criterion.Compile(criterion.Spec{Context: "$response.body", Condition: "$.success == true", Type: "jsonpath"})
	fmt.Println(err.(*criterion.Error).Hint)
	// Output:
	// "$.success == true" is not RFC 9535 JSONPath (a query selects nodes; it cannot compare). Use a simple condition instead, without type and context: condition: $response.body#/success == true
}
