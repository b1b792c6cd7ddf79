package criterion

import (
	"fmt"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/expr"
)

func benchValues() *expr.Values {
	items := make([]any, 1000)
	for i := range items {
		items[i] = map[string]any{"id": float64(i), "price": float64(i % 50), "name": fmt.Sprintf("item %d", i)}
	}
	var xml strings.Builder
	xml.WriteString("<store>")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&xml, `<book price="%d"><title>t%d</title></book>`, i%50, i)
	}
	xml.WriteString("</store>")
	return &expr.Values{
		StatusCode:      201,
		ResponseBody:    map[string]any{"items": items},
		HasResponseBody: true,
		Inputs:          map[string]any{"xml": xml.String(), "max": 3},
	}
}

func BenchmarkCriterion(b *testing.B) {
	v := benchValues()
	for _, s := range []Spec{
		{Condition: "$statusCode == 201"},
		{Context: "$statusCode", Condition: `^2\d\d$`, Type: "regex"},
		{Context: "$response.body", Condition: "$.items[?@.price < 1]", Type: "jsonpath"},
		{Context: "$response.body", Condition: "$.items[?@.price < {$inputs.max}]", Type: "jsonpath"},
		{Context: "$inputs.xml", Condition: "count(//book[@price > 40]) > 0", Type: "xpath"},
	} {
		c, err := Compile(s)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(s.Type+":"+s.Condition, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ok, err := c.Eval(v)
				if !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	for _, s := range []Spec{
		{Condition: "$statusCode == 201"},
		{Context: "$response.body", Condition: "$.items[?@.price < 1]", Type: "jsonpath"},
		{Context: "$inputs.xml", Condition: "count(//book[@price > 40]) > 0", Type: "xpath"},
	} {
		b.Run(s.Type+":"+s.Condition, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Compile(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
