package expr

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	for _, s := range []string{"$statusCode", "$steps.login.outputs.token", "$response.body#/items/0/id"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseCondition(b *testing.B) {
	for _, s := range []string{"$statusCode == 201", "$statusCode == 200 && $response.body#/status == 'available' || $response.body.items.length > 0"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseCondition(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkConditionEval(b *testing.B) {
	v := &Values{StatusCode: 201, ResponseBody: map[string]any{"status": "Available", "items": []any{1.0, 2.0}}, HasResponseBody: true}
	for _, s := range []string{
		"$statusCode == 201",
		"$statusCode >= 200 && $statusCode < 300",
		"$response.body#/status == 'available'",
		"$response.body.items.length > 0",
	} {
		c, err := ParseCondition(s)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(s, func(b *testing.B) {
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

// bigBody is a decoded JSON document of about 1 MB.
func bigBody(b *testing.B) any {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := 0; sb.Len() < 1<<20; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":%d,"name":"item %d","price":%d.5,"tags":["a","b"]}`, i, i, i%100)
	}
	sb.WriteString(`]}`)
	var v any
	d := json.NewDecoder(strings.NewReader(sb.String()))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		b.Fatal(err)
	}
	return v
}

func BenchmarkPointer1MB(b *testing.B) {
	v := &Values{ResponseBody: bigBody(b), HasResponseBody: true}
	e, err := Parse("$response.body#/items/15000/name")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Expression.Eval", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Eval(v); err != nil {
				b.Fatal(err)
			}
		}
	})
	c, err := ParseCondition("$response.body#/items/15000/price > 10")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Condition.Eval", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Eval(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkTemplateEval(b *testing.B) {
	v := &Values{Steps: map[string]map[string]any{"login": {"token": "abc.def.ghi"}}, Inputs: map[string]any{"id": 42}}
	for _, s := range []string{"Bearer {$steps.login.outputs.token}", "$inputs.id", "/users/{$inputs.id}/roles"} {
		t, err := ParseTemplate(s)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := t.Eval(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestConditionEvalAllocs pins the allocation budget of the hot path: a simple
// condition against a Context allocates nothing of its own.
func TestConditionEvalAllocs(t *testing.T) {
	v := &Values{StatusCode: 201, ResponseBody: map[string]any{"status": "Available"}, HasResponseBody: true}
	for _, s := range []string{"$statusCode == 201", "$statusCode >= 200 && $statusCode < 300 || false", "$response.body#/status == 'available'", "!($response.body.status != 'AVAILABLE')"} {
		c, err := ParseCondition(s)
		if err != nil {
			t.Fatal(err)
		}
		n := testing.AllocsPerRun(100, func() {
			if ok, err := c.Eval(v); !ok || err != nil {
				t.Fatal(s, ok, err)
			}
		})
		if n > 0 {
			t.Errorf("Eval(%q) allocates %v objects per run, want 0", s, n)
		}
	}
}
