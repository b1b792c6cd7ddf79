package expr

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The shared corpus lives next to the repository (../shared/corpus from the
// repository root). A user's clone does not have it, so these tests skip.
const corpusDir = "../../shared/corpus"

func loadCorpus(t *testing.T, rel string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, rel))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("shared corpus not present (%s): skipping the swaggerexpert vectors", filepath.Join(corpusDir, rel))
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

type runtimeExprCases struct {
	TestValid    []string `json:"test_valid"`
	TestInvalid  []string `json:"test_invalid"`
	ParseValid   []string `json:"parse_valid_corpus"`
	ParseInvalid []string `json:"parse_invalid"`
	Extract      []struct {
		Input    string   `json:"input"`
		Expected []string `json:"expected"`
	} `json:"extract"`
	AST map[string]map[string]any `json:"ast_snapshots"`
}

// extractDifferences are the swaggerexpert/arazzo-runtime-expression v2.0.3
// extract vectors where this package deliberately differs, and why.
var extractDifferences = map[string]string{
	// v2 lets a JSON pointer swallow '}', so these never close. We end an
	// embedded expression at the first '}', as Arazzo 1.1.0 does, so that
	// "{$response.body#/status}" works as authors expect.
	"{$request.body#/url}":       "'}' ends an embedded pointer (1.1.0 resolution)",
	"{$response.body#/status}":   "'}' ends an embedded pointer (1.1.0 resolution)",
	"{$request.body#/user/uuid}": "'}' ends an embedded pointer (1.1.0 resolution)",
	// v2 finds nothing; we find $url followed by a literal '}', since a lone
	// '}' outside "{$...}" is literal text.
	"{$url}}": "a lone '}' is literal",
	// v2 ignores it; we report a syntax error, because "{$" always starts an
	// embedded expression (write "{{$" for a literal "{$").
	"{$unknown.type}": "an invalid embedded expression is an error",
}

func TestCorpusRuntimeExpressions(t *testing.T) {
	var c runtimeExprCases
	loadCorpus(t, "swaggerexpert-arazzo-runtime-expression/arazzo-1.0.x_v2.0.3/cases.json", &c)
	for _, s := range append(c.TestValid, c.ParseValid...) {
		e, err := Parse(s)
		if err != nil {
			t.Errorf("valid %q: %v", s, err)
			continue
		}
		checkRoundTrip(t, e)
	}
	for _, s := range append(c.TestInvalid, c.ParseInvalid...) {
		if _, err := Parse(s); err == nil {
			t.Errorf("invalid %q was accepted", s)
		}
	}
	for _, x := range c.Extract {
		tp, err := ParseTemplate(x.Input)
		if why, ok := extractDifferences[x.Input]; ok {
			t.Logf("deliberate difference on %q: %s", x.Input, why)
			continue
		}
		if err != nil {
			t.Errorf("extract %q: %v", x.Input, err)
			continue
		}
		got := []string{}
		if !tp.IsWhole() || strings.HasPrefix(x.Input, "{") {
			for _, e := range tp.Expressions() {
				got = append(got, e.String())
			}
		}
		if !reflect.DeepEqual(got, x.Expected) {
			t.Errorf("extract %q = %q, want %q", x.Input, got, x.Expected)
		}
	}
	for s, ast := range c.AST {
		e, err := Parse(s)
		if err != nil {
			t.Errorf("AST %q: %v", s, err)
			continue
		}
		checkAST(t, s, e, ast)
	}
}

// checkAST compares the fields of e with a swaggerexpert AST snapshot.
func checkAST(t *testing.T, s string, e *Expression, ast map[string]any) {
	t.Helper()
	str := func(k string) string { v, _ := ast[k].(string); return v }
	want := map[string]Source{
		"UrlExpression": SourceURL, "MethodExpression": SourceMethod, "StatusCodeExpression": SourceStatusCode,
		"InputsExpression": SourceInputs, "OutputsExpression": SourceOutputs, "StepsExpression": SourceSteps,
		"WorkflowsExpression": SourceWorkflows, "SourceDescriptionsExpression": SourceSourceDescriptions,
		"ComponentsExpression": SourceComponents,
	}
	typ := str("type")
	switch typ {
	case "RequestExpression", "ResponseExpression":
		ref := ast["source"].(map[string]any)["reference"].(map[string]any)
		var src Source
		resp := typ == "ResponseExpression"
		switch ref["type"] {
		case "HeaderReference":
			src = map[bool]Source{false: SourceRequestHeader, true: SourceResponseHeader}[resp]
			if !strings.EqualFold(e.Name, ref["token"].(string)) {
				t.Errorf("AST %q: header %q, want %q", s, e.Name, ref["token"])
			}
		case "QueryReference":
			src = map[bool]Source{false: SourceRequestQuery, true: SourceResponseQuery}[resp]
			if e.Name != ref["name"] {
				t.Errorf("AST %q: name %q, want %q", s, e.Name, ref["name"])
			}
		case "PathReference":
			src = map[bool]Source{false: SourceRequestPath, true: SourceResponsePath}[resp]
			if e.Name != ref["name"] {
				t.Errorf("AST %q: name %q, want %q", s, e.Name, ref["name"])
			}
		case "BodyReference":
			src = map[bool]Source{false: SourceRequestBody, true: SourceResponseBody}[resp]
			if jp, ok := ref["jsonPointer"].(map[string]any); ok {
				if e.Pointer.String() != jp["value"] {
					t.Errorf("AST %q: pointer %q, want %q", s, e.Pointer.String(), jp["value"])
				}
			} else if e.Pointer.Present() {
				t.Errorf("AST %q: unexpected pointer", s)
			}
		}
		if e.Source != src {
			t.Errorf("AST %q: source %v, want %v", s, e.Source, src)
		}
		return
	}
	if w, ok := want[typ]; !ok || e.Source != w {
		t.Errorf("AST %q: source %v, want %s", s, e.Source, typ)
	}
	switch typ {
	case "InputsExpression", "OutputsExpression":
		if e.Name != str("name") {
			t.Errorf("AST %q: name %q, want %q", s, e.Name, str("name"))
		}
	case "StepsExpression":
		if e.Owner != str("stepId") || e.Field != str("field") || e.Name != str("outputName") {
			t.Errorf("AST %q: %q %q %q", s, e.Owner, e.Field, e.Name)
		}
	case "WorkflowsExpression":
		if e.Owner != str("workflowId") || e.Field != str("field") || e.Name != str("subField") {
			t.Errorf("AST %q: %q %q %q", s, e.Owner, e.Field, e.Name)
		}
	case "SourceDescriptionsExpression":
		if e.Owner != str("sourceName") || e.Field != str("reference") {
			t.Errorf("AST %q: %q %q", s, e.Owner, e.Field)
		}
	case "ComponentsExpression":
		if e.Owner != str("field") || e.Name != str("subField") {
			t.Errorf("AST %q: %q %q", s, e.Owner, e.Name)
		}
	}
}

type criterionCases struct {
	Context  map[string]any `json:"evaluate_context"`
	Evaluate []struct {
		Condition string `json:"condition"`
		Expected  bool   `json:"expected"`
	} `json:"evaluate"`
	Throws        []string                  `json:"evaluate_throws"`
	SyntaxValid   []string                  `json:"syntax_valid"`
	SyntaxInvalid []string                  `json:"syntax_invalid"`
	AST           map[string]map[string]any `json:"ast_snapshots"`
}

// textContext resolves an expression by its canonical text, as the
// swaggerexpert evaluate tests do.
type textContext map[string]any

func (m textContext) Value(e *Expression) (any, bool) {
	v, ok := m[e.String()]
	return v, ok
}

// conditionDifferences are the swaggerexpert/arazzo-criterion vectors where
// this package deliberately differs, and why.
var conditionDifferences = map[string]string{
	// swaggerexpert accepts the Arazzo 1.1.0 $self expression; this package
	// implements 1.0.1, which has no $self.
	"$self == null": "$self is Arazzo 1.1.0",
}

func TestCorpusConditions(t *testing.T) {
	var c criterionCases
	loadCorpus(t, "swaggerexpert-arazzo-criterion/cases.json", &c)
	ctx := textContext(c.Context)
	for _, x := range c.Evaluate {
		cond, err := ParseCondition(x.Condition)
		if err != nil {
			t.Errorf("evaluate %q: %v", x.Condition, err)
			continue
		}
		got, err := cond.Eval(ctx)
		if err != nil {
			// Deliberate difference: a missing value is an error (which
			// fails the criterion), where swaggerexpert yields false.
			if errors.Is(err, ErrNotFound) && !x.Expected {
				t.Logf("deliberate difference on %q: missing value is an error (%v), swaggerexpert gives false", x.Condition, err)
				continue
			}
			t.Errorf("evaluate %q: %v", x.Condition, err)
			continue
		}
		if got != x.Expected {
			t.Errorf("evaluate %q = %v, want %v", x.Condition, got, x.Expected)
		}
	}
	for _, s := range append(c.Throws, c.SyntaxInvalid...) {
		if _, err := ParseCondition(s); err == nil {
			t.Errorf("invalid condition %q was accepted", s)
		}
	}
	for _, s := range c.SyntaxValid {
		_, err := ParseCondition(s)
		if why, ok := conditionDifferences[s]; ok {
			if err == nil {
				t.Errorf("%q: expected the documented difference (%s)", s, why)
			}
			continue
		}
		if err != nil {
			t.Errorf("valid condition %q: %v", s, err)
		}
	}
	for s, ast := range c.AST {
		if _, ok := conditionDifferences[s]; ok {
			continue
		}
		cond, err := ParseCondition(s)
		if err != nil {
			t.Errorf("AST %q: %v", s, err)
			continue
		}
		var want []string
		collectTexts(ast, &want)
		var got []string
		for _, e := range cond.Expressions() {
			got = append(got, e.String())
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("AST %q: expressions %q, want %q", s, got, want)
		}
	}
}

// collectTexts gathers the "text" of every RuntimeExpression in an AST, in order.
func collectTexts(n any, out *[]string) {
	switch x := n.(type) {
	case map[string]any:
		if x["type"] == "RuntimeExpression" {
			*out = append(*out, x["text"].(string))
			return
		}
		for _, k := range []string{"argument", "left", "right", "expression"} {
			if v, ok := x[k]; ok {
				collectTexts(v, out)
			}
		}
	case []any:
		for _, v := range x {
			collectTexts(v, out)
		}
	}
}

// constContext resolves every expression to one value (nil: missing when
// missing is true).
type constContext struct {
	v       any
	missing bool
}

func (c constContext) Value(*Expression) (any, bool) { return c.v, !c.missing }

// interpolateDifferences are the swaggerexpert 1.1.0 interpolation vectors
// where this package deliberately differs.
var interpolateDifferences = map[string]string{
	// "{{$" is our escape for a literal "{$"; swaggerexpert has no escape.
	"{{$url}}": "{{$ is the literal-brace escape",
	// swaggerexpert leaves this string alone; we interpolate every "{$...}"
	// whatever else the string holds (JSON text around it is literal).
	`{"x":1}-{$inputs.username}`: "every {$...} is interpolated",
}

// TestCorpusInterpolate runs the swaggerexpert (Arazzo 1.1.0 grammar)
// interpolation vectors, which only use expressions that 1.0.1 has too.
func TestCorpusInterpolate(t *testing.T) {
	var c struct {
		Cases []struct {
			Template  string `json:"template"`
			Returns   any    `json:"resolver_returns"`
			ReturnsJS string `json:"resolver_returns_js"`
			Expected  string `json:"expected"`
		} `json:"interpolate_constant_resolver"`
	}
	loadCorpus(t, "swaggerexpert-arazzo-runtime-expression/arazzo-1.1.0_HEAD/cases.json", &c)
	for _, x := range c.Cases {
		if why, ok := interpolateDifferences[x.Template]; ok {
			t.Logf("deliberate difference on %q: %s", x.Template, why)
			continue
		}
		tp, err := ParseInterpolation(x.Template)
		if err != nil {
			t.Errorf("%q: %v", x.Template, err)
			continue
		}
		ctx := constContext{v: x.Returns, missing: x.ReturnsJS == "undefined"}
		if ctx.missing && !tp.IsLiteral() {
			// Deliberate difference: a missing value is an error, where
			// swaggerexpert interpolates undefined as "".
			if _, err := tp.Eval(ctx); !errors.Is(err, ErrNotFound) {
				t.Errorf("%q with a missing value: %v, want ErrNotFound", x.Template, err)
			}
			continue
		}
		if n, ok := x.Returns.(float64); ok && n == float64(int(n)) {
			ctx.v = int(n)
		}
		got, err := tp.Eval(ctx)
		if err != nil {
			t.Errorf("%q: %v", x.Template, err)
			continue
		}
		if got != x.Expected {
			t.Errorf("interpolate %q with %s = %q, want %q", x.Template, x.ReturnsJS, got, x.Expected)
		}
	}
}
