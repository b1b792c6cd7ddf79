package contract

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/internal/lru"
	"github.com/arazzo-run/arazzo/openapi"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func compileTestSchema(t *testing.T, schema map[string]any) *jsonschema.Schema {
	t.Helper()
	comp := (&Checker{}).newCompiler()
	if err := comp.AddResource("mem:///t.json", schema); err != nil {
		t.Fatal(err)
	}
	sch, err := comp.Compile("mem:///t.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// Regression: the 100 ms timeout was per value, so a body of many strings
// against a pathological ECMA pattern stalled the check for minutes.
// validateWithin spends at most patternBudget on regexp2 matches of one
// message, then skips the rest and says so. Asserts a bounded number of
// regexp2 calls, not a duration.
func TestPatternBudgetPerMessage(t *testing.T) {
	old := patternBudget
	patternBudget = 250 * time.Millisecond
	var calls atomic.Int64
	ecmaMatchHook = func() { calls.Add(1) }
	t.Cleanup(func() { patternBudget = old; ecmaMatchHook = nil })

	// The lookahead forces regexp2; (a+)+$ backtracks exponentially on
	// "aaaa…!", so each match runs into the 100 ms per-value timeout.
	sch := compileTestSchema(t, map[string]any{
		"type":  "array",
		"items": map[string]any{"type": "string", "pattern": "^(?=a)(a+)+$"},
	})
	const n = 10000
	body := make([]any, n)
	for i := range body {
		body[i] = strings.Repeat("a", 40) + "!"
	}

	tests := []struct {
		name          string
		ctx           func() context.Context
		wantExhausted bool
		maxCalls      int64
	}{
		{"budget", context.Background, true, 50},
		{"cancelled context", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls.Store(0)
			exhausted, err := validateWithin(tt.ctx(), sch, body)
			if exhausted != tt.wantExhausted {
				t.Fatalf("exhausted = %v, want %v (err %v)", exhausted, tt.wantExhausted, err)
			}
			// Timed-out and skipped matches count as matches: no violation.
			if err != nil {
				t.Fatalf("unexpected violations: %v", err)
			}
			if c := calls.Load(); c > tt.maxCalls {
				t.Fatalf("%d regexp2 calls for %d values, want at most %d", c, n, tt.maxCalls)
			}
		})
	}

	p := patternBudgetProblem("response", "/paths/~1x/get/responses/200/content/application~1json/schema")
	if p.Kind != KindUnchecked || p.Violation() || !strings.Contains(p.Message, "skipped") {
		t.Fatalf("problem = %+v", p)
	}
}

// A fast ECMA pattern still reports its violations and does not exhaust
// the budget; the budget is per message (a second message starts fresh).
func TestPatternBudgetFastPattern(t *testing.T) {
	sch := compileTestSchema(t, map[string]any{
		"type":  "array",
		"items": map[string]any{"type": "string", "pattern": "^(?!admin).*$"},
	})
	for range 2 {
		exhausted, err := validateWithin(context.Background(), sch, []any{"bob", "admin1"})
		if exhausted {
			t.Fatal("fast pattern exhausted the budget")
		}
		if err == nil || !strings.Contains(err.Error(), "admin1") {
			t.Fatalf("want the admin1 violation, got %v", err)
		}
	}
}

// Regression: compiledPatterns kept every pattern ever compiled. It is an
// LRU capped at maxCachedPatterns.
func TestPatternCacheBound(t *testing.T) {
	tests := []struct {
		name string
		max  int
		add  int
	}{
		{"under", 8, 5},
		{"at", 8, 8},
		{"over", 8, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := lru.New[jsonschema.Regexp](tt.max)
			for i := range tt.add {
				src := fmt.Sprintf("^p%d$", i)
				c.Add(src, anyRegexp{src})
			}
			if got, want := c.Len(), min(tt.add, tt.max); got != want {
				t.Fatalf("len = %d, want %d", got, want)
			}
			// The most recent pattern is kept, the oldest evicted when over.
			if _, ok := c.Get(fmt.Sprintf("^p%d$", tt.add-1)); !ok {
				t.Fatal("most recent pattern evicted")
			}
			if _, ok := c.Get("^p0$"); ok != (tt.add <= tt.max) {
				t.Fatalf("oldest present = %v", ok)
			}
		})
	}
	// LRU: a pattern used recently survives the eviction of older ones.
	c := lru.New[jsonschema.Regexp](2)
	c.Add("a", anyRegexp{"a"})
	c.Add("b", anyRegexp{"b"})
	c.Get("a")
	c.Add("c", anyRegexp{"c"})
	if _, ok := c.Get("a"); !ok {
		t.Fatal("recently used pattern evicted")
	}
	if _, ok := c.Get("b"); ok {
		t.Fatal("least recently used pattern kept")
	}
	// The process-wide cache honours the cap.
	for i := range maxCachedPatterns + 10 {
		compileRegexp(fmt.Sprintf("^bound%d$", i))
	}
	if n := compiledPatterns.Len(); n > maxCachedPatterns {
		t.Fatalf("compiledPatterns holds %d, cap %d", n, maxCachedPatterns)
	}
}

// Only validations that can reach a regexp2 pattern are serialized and
// budgeted; usesECMA finds one at any depth.
func TestUsesECMA(t *testing.T) {
	tests := []struct {
		name   string
		schema map[string]any
		want   bool
	}{
		{"RE2 pattern", map[string]any{"type": "string", "pattern": "^[a-z]+$"}, false},
		{"no pattern", map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "integer"}}}, false},
		{"ECMA pattern", map[string]any{"type": "string", "pattern": "^(?!x)"}, true},
		{"deep in items", map[string]any{"items": map[string]any{"properties": map[string]any{"a": map[string]any{"anyOf": []any{map[string]any{"pattern": `(?<=a)b`}}}}}}, true},
		{"patternProperties key", map[string]any{"patternProperties": map[string]any{"^(?!x)": true}}, true},
		{"additionalProperties", map[string]any{"additionalProperties": map[string]any{"pattern": "^(?=y)"}}, true},
		{"$defs via $ref", map[string]any{"$ref": "#/$defs/a", "$defs": map[string]any{"a": map[string]any{"pattern": "^(?=z)"}}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := usesECMA(compileTestSchema(t, tt.schema)); got != tt.want {
				t.Fatalf("usesECMA = %v, want %v", got, tt.want)
			}
		})
	}
}

func BenchmarkCompileRegexpCached(b *testing.B) {
	compileRegexp("^(?!admin).*$")
	b.ReportAllocs()
	for b.Loop() {
		compileRegexp("^(?!admin).*$")
	}
}

// ecmaBenchSchema is an array schema whose items have an ECMA-only pattern,
// and a body of 100 strings.
func ecmaBenchSchema(b *testing.B) (*jsonschema.Schema, []any) {
	b.Helper()
	comp := (&Checker{}).newCompiler()
	if err := comp.AddResource("mem:///b.json", map[string]any{"items": map[string]any{"pattern": "^(?!admin).*$"}}); err != nil {
		b.Fatal(err)
	}
	sch, err := comp.Compile("mem:///b.json")
	if err != nil {
		b.Fatal(err)
	}
	body := make([]any, 100)
	for i := range body {
		body[i] = fmt.Sprintf("user-%d", i)
	}
	return sch, body
}

// BenchmarkValidateWithinECMA: a 100-string body against a fast ECMA
// pattern, through the budget (lock, time accounting per match).
func BenchmarkValidateWithinECMA(b *testing.B) {
	sch, body := ecmaBenchSchema(b)
	b.ReportAllocs()
	for b.Loop() {
		validateWithin(context.Background(), sch, body)
	}
}

// BenchmarkValidatePlainECMA is BenchmarkValidateWithinECMA without the
// budget, for comparison.
func BenchmarkValidatePlainECMA(b *testing.B) {
	sch, body := ecmaBenchSchema(b)
	b.ReportAllocs()
	for b.Loop() {
		sch.Validate(body)
	}
}

// The pattern budget through CheckResponse: a pathological pattern and a
// body of many strings end in one KindUnchecked problem after a bounded
// number of regexp2 calls (checkBody validates through validateWithin).
func TestCheckResponsePatternBudget(t *testing.T) {
	old := patternBudget
	patternBudget = 150 * time.Millisecond
	var calls atomic.Int64
	ecmaMatchHook = func() { calls.Add(1) }
	t.Cleanup(func() { patternBudget = old; ecmaMatchHook = nil })

	desc := `openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /x:
    get:
      operationId: getX
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {type: string, pattern: "^(?=a)(a+)+$"}
`
	file := filepath.Join(t.TempDir(), "slow.yaml")
	if err := os.WriteFile(file, []byte(desc), 0o600); err != nil {
		t.Fatal(err)
	}
	doc, err := openapi.Load(context.Background(), file, openapi.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	op, ok := doc.OperationByID("getX")
	if !ok {
		t.Fatal("no getX")
	}
	const n = 12
	var body strings.Builder
	body.WriteString("[")
	for i := range n {
		if i > 0 {
			body.WriteString(",")
		}
		body.WriteString(`"` + strings.Repeat("a", 40) + `!"`)
	}
	body.WriteString("]")
	ps := New(doc, Options{}).CheckResponse(op, 200, http.Header{"Content-Type": {"application/json"}}, []byte(body.String()))
	var unchecked []Problem
	for _, p := range ps {
		if p.Kind == KindUnchecked {
			unchecked = append(unchecked, p)
		}
	}
	if len(unchecked) != 1 || !strings.Contains(unchecked[0].Message, "skipped") {
		t.Fatalf("want one unchecked problem, got %v", ps)
	}
	if c := calls.Load(); c >= n {
		t.Fatalf("%d regexp2 calls for %d values: the budget did not stop them", c, n)
	}
}
