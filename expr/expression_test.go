package expr

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestParse covers every production of the runtime expression grammar
// (Arazzo 1.0.1 §Runtime Expressions, ABNF and examples table).
func TestParse(t *testing.T) {
	tests := []struct {
		rule  string // the spec rule the case checks
		in    string
		src   Source
		owner string
		field string
		name  string
		ptr   []string // nil: no pointer
	}{
		{"ABNF expression: \"$url\"", "$url", SourceURL, "", "", "", nil},
		{"ABNF expression: \"$method\"", "$method", SourceMethod, "", "", "", nil},
		{"ABNF expression: \"$statusCode\"", "$statusCode", SourceStatusCode, "", "", "", nil},
		{"ABNF header-reference = \"header.\" token (examples: $request.header.accept)", "$request.header.accept", SourceRequestHeader, "", "", "accept", nil},
		{"ABNF token = 1*tchar (all tchars)", "$request.header.!#$%&'*+-.^_`|~09AZaz", SourceRequestHeader, "", "", "!#$%&'*+-.^_`|~09AZaz", nil},
		{"ABNF query-reference = \"query.\" name", "$request.query.queryUrl", SourceRequestQuery, "", "", "queryUrl", nil},
		{"ABNF path-reference = \"path.\" name (examples: $request.path.id)", "$request.path.id", SourceRequestPath, "", "", "id", nil},
		{"ABNF body-reference = \"body\"", "$request.body", SourceRequestBody, "", "", "", nil},
		{"ABNF body-reference = \"body\" \"#\" json-pointer (examples: $request.body#/user/uuid)", "$request.body#/user/uuid", SourceRequestBody, "", "", "", []string{"user", "uuid"}},
		{"ABNF json-pointer = *( \"/\" reference-token ): empty pointer is the whole document", "$response.body#", SourceResponseBody, "", "", "", []string{}},
		{"RFC 6901 escaped: ~1 is '/', ~0 is '~'", "$response.body#/a~1b/c~0d/~01", SourceResponseBody, "", "", "", []string{"a/b", "c~d", "~1"}},
		{"RFC 6901 reference-token may be empty", "$response.body#/a//b", SourceResponseBody, "", "", "", []string{"a", "", "b"}},
		{"ABNF unescaped includes '{' and '}' (1.0.1)", "$request.body#/{foo}", SourceRequestBody, "", "", "", []string{"{foo}"}},
		{"examples: $response.header.Server", "$response.header.Server", SourceResponseHeader, "", "", "Server", nil},
		{"ABNF \"$response.\" source: query", "$response.query.q", SourceResponseQuery, "", "", "q", nil},
		{"ABNF \"$response.\" source: path", "$response.path.p", SourceResponsePath, "", "", "p", nil},
		{"examples: $response.body#/status", "$response.body#/status", SourceResponseBody, "", "", "", []string{"status"}},
		{"ABNF \"$inputs.\" name (examples: $inputs.username)", "$inputs.username", SourceInputs, "", "", "username", nil},
		{"1.1.0 example: $inputs.customer#/firstName (pointer on an input)", "$inputs.customer#/firstName", SourceInputs, "", "", "customer", []string{"firstName"}},
		{"ABNF \"$outputs.\" name (examples: $outputs.bar)", "$outputs.bar", SourceOutputs, "", "", "bar", nil},
		{"examples: $steps.someStepId.outputs.pets", "$steps.someStepId.outputs.pets", SourceSteps, "someStepId", "outputs", "pets", nil},
		{"examples: $steps.someStepId.outputs.pets#/0/id", "$steps.someStepId.outputs.pets#/0/id", SourceSteps, "someStepId", "outputs", "pets", []string{"0", "id"}},
		{"ABNF name = *CHAR: output names may hold dots (Arazzo outputs ^[a-zA-Z0-9.\\-_]+$)", "$steps.a-b_c.outputs.x.y", SourceSteps, "a-b_c", "outputs", "x.y", nil},
		{"examples: $workflows.foo.inputs.username", "$workflows.foo.inputs.username", SourceWorkflows, "foo", "inputs", "username", nil},
		{"examples: $workflows.foo.outputs.mappedResponse#/name", "$workflows.foo.outputs.mappedResponse#/name", SourceWorkflows, "foo", "outputs", "mappedResponse", []string{"name"}},
		{"$sourceDescriptions.<name>.url", "$sourceDescriptions.petStore.url", SourceSourceDescriptions, "petStore", "url", "", nil},
		{"$sourceDescriptions.<name>.<operationId>", "$sourceDescriptions.petStore.getPets", SourceSourceDescriptions, "petStore", "getPets", "", nil},
		{"ABNF \"$components.parameters.\" parameter-name (examples: $components.parameters.foo)", "$components.parameters.foo", SourceComponents, "parameters", "", "foo", nil},
		{"ABNF \"$components.\" name: inputs", "$components.inputs.username", SourceComponents, "inputs", "", "username", nil},
		{"ABNF \"$components.\" name: successActions", "$components.successActions.notify", SourceComponents, "successActions", "", "notify", nil},
		{"ABNF \"$components.\" name: failureActions", "$components.failureActions.retry", SourceComponents, "failureActions", "", "retry", nil},
		{"ABNF name = *CHAR: non-ASCII names", "$inputs.prénom", SourceInputs, "", "", "prénom", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("%s: Parse(%q): %v", tt.rule, tt.in, err)
			}
			if e.Source != tt.src || e.Owner != tt.owner || e.Field != tt.field || e.Name != tt.name {
				t.Errorf("%s: got source=%v owner=%q field=%q name=%q, want %v %q %q %q", tt.rule, e.Source, e.Owner, e.Field, e.Name, tt.src, tt.owner, tt.field, tt.name)
			}
			if (tt.ptr != nil) != e.Pointer.Present() {
				t.Errorf("%s: pointer present = %v, want %v", tt.rule, e.Pointer.Present(), tt.ptr != nil)
			}
			if tt.ptr != nil && !(len(tt.ptr) == 0 && len(e.Pointer.Tokens()) == 0) && !reflect.DeepEqual(e.Pointer.Tokens(), tt.ptr) {
				t.Errorf("%s: pointer tokens %q, want %q", tt.rule, e.Pointer.Tokens(), tt.ptr)
			}
			if e.String() != tt.in {
				t.Errorf("%s: String() = %q, want %q", tt.rule, e.String(), tt.in)
			}
			checkRoundTrip(t, e)
		})
	}
}

func checkRoundTrip(t *testing.T, e *Expression) {
	t.Helper()
	e2, err := Parse(e.String())
	if err != nil {
		t.Fatalf("Parse(String()) of %q: %v", e.String(), err)
	}
	if !reflect.DeepEqual(e, e2) {
		t.Fatalf("round trip of %q: %#v != %#v", e.String(), e, e2)
	}
}

// TestParseErrors checks that invalid expressions are rejected with an offset
// pointing at the problem and a message that says what to do.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		rule, in string
		off      int
		msg      string // substring of the message
	}{
		{"ABNF expression: not empty", "", 0, "starts with '$'"},
		{"ABNF expression: starts with $", "1", 0, "starts with '$'"},
		{"ABNF expression: known roots only", "$foo", 0, "unknown runtime expression"},
		{"a misspelt root is named", "$step.x.outputs.y", 0, "did you mean $steps."},
		{"a misspelt root is named", "$input.name", 0, "did you mean $inputs."},
		{"a misspelt root is named", "$statuscode", 0, "did you mean $statusCode"},
		{"$url takes nothing after it", "$url.x", 4, "unexpected"},
		{"$urlx is not $url", "$urlx", 0, "did you mean $url"},
		{"ABNF source: header/query/path/body", "$request.cookie.x", 9, "expected header., query., path. or body"},
		{"ABNF token = 1*tchar: not empty", "$request.header.", 16, "missing header name"},
		{"body-reference: only '#' may follow body", "$response.body.id", 14, "$response.body#/id"},
		{"body-reference: a dotted path gets the pointer spelling", "$response.body.data[0].id", 14, "write $response.body#/data/0/id"},
		{"json-pointer starts with '/'", "$response.body#name", 15, "write #/name"},
		{"steps: .outputs. suggested", "$steps.getTrack.album", 15, "write $steps.getTrack.outputs.album"},
		{"header is singular", "$response.headers.Location", 10, "write header.Location"},
		{"name: not empty", "$inputs.", 8, "missing name"},
		{"name excludes '{' and '}' (swaggerexpert v2)", "$inputs.foo}", 11, "unexpected"},
		{"name excludes '{' and '}' (swaggerexpert v2)", "$inputs.{foo}", 8, "missing name"},
		{"name excludes whitespace", "$inputs.a b", 9, "unexpected"},
		{"steps: .outputs. required", "$steps.a.foo", 8, ".outputs."},
		{"steps: step id required", "$steps..outputs.x", 7, "missing step id"},
		{"steps: output name required", "$steps.a.outputs.", 17, "missing output name"},
		{"workflows: inputs|outputs", "$workflows.w.steps.x", 12, "'.inputs.' or '.outputs.'"},
		{"components: known kinds", "$components.schemas.x", 12, "unknown component kind"},
		{"sourceDescriptions: member required", "$sourceDescriptions.x", 21, "'.'"},
		{"RFC 6901: ~ must be ~0 or ~1", "$response.body#/a~2", 17, "'~'"},
		{"RFC 6901: pointer starts with /", "$response.body#a", 15, "must start with '/'"},
		{"header: no pointer", "$url#/a", 4, "unexpected"},
		{"a root alone is incomplete", "$inputs", 0, "$inputs.<name>"},
		{"a root alone is incomplete", "$steps", 0, "$steps.<stepId>.outputs.<name>"},
		{"a root alone is incomplete", "$response", 0, "$response.body"},
		{"a root alone is incomplete", "$components", 0, "$components.<inputs|parameters|successActions|failureActions>.<name>"},
		{"a root alone is incomplete", "$workflows", 0, ".outputs.<name>"},
		{"a root alone is incomplete", "$sourceDescriptions", 0, ".url"},
		{"a root alone is incomplete", "$outputs", 0, "$outputs.<name>"},
		{"$self is 1.1.0", "$self", 0, "Arazzo 1.1.0"},
		{"$message is 1.1.0", "$message.payload", 0, "Arazzo 1.1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("%s: Parse(%q) = %v, want a *SyntaxError", tt.rule, tt.in, err)
			}
			if se.Offset != tt.off || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("%s: Parse(%q) error at %d %q, want at %d containing %q", tt.rule, tt.in, se.Offset, se.Msg, tt.off, tt.msg)
			}
			if !strings.Contains(err.Error(), "offset") {
				t.Errorf("Error() %q does not include the offset", err.Error())
			}
		})
	}
}

func TestParseTooLong(t *testing.T) {
	_, err := Parse("$inputs." + strings.Repeat("a", MaxLength))
	if err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("got %v, want a length error", err)
	}
}

func testValues() *Values {
	var body any
	d := json.NewDecoder(strings.NewReader(`{"id": 12345678901234567890, "user": {"uuid": "u-1", "a/b": 1, "m~n": 2}, "items": [{"id": 1}, {"id": 2}], "empty": null}`))
	d.UseNumber()
	if err := d.Decode(&body); err != nil {
		panic(err)
	}
	return &Values{
		URL:             "https://api.example.com/pets?x=1",
		Method:          "POST",
		StatusCode:      201,
		RequestHeaders:  map[string]string{"Content-Type": "application/json"},
		RequestQuery:    map[string]any{"limit": "10"},
		RequestPath:     map[string]any{"id": "42"},
		RequestBody:     map[string]any{"name": "Fluffy"},
		ResponseHeaders: map[string]string{"Location": "/pets/42", "X-Rate-Remaining": "7"},
		ResponseBody:    body,
		Inputs:          map[string]any{"username": "ann", "customer": map[string]any{"name": "Ann", "tags": []any{"a", "b"}}, "count": 3, "flag": true, "nothing": nil},
		Outputs:         map[string]any{"token": "t0k"},
		Steps: map[string]map[string]any{
			"login":  {"token": "abc", "list": []any{map[string]any{"id": "first"}}},
			"dotted": {"a.b": "dot"},
		},
		Workflows:          map[string]WorkflowValues{"w": {Inputs: map[string]any{"in": 1}, Outputs: map[string]any{"out": map[string]any{"name": "W"}}}},
		SourceDescriptions: map[string]map[string]any{"petStore": {"url": "https://example.com/openapi.yaml"}},
		Components:         map[string]map[string]any{"parameters": {"page": map[string]any{"name": "page", "in": "query", "value": 1}}},
	}
}

// TestEval checks evaluation: type preservation ("Runtime expressions preserve
// the type of the referenced value"), pointers, and case-insensitive headers.
func TestEval(t *testing.T) {
	v := testValues()
	tests := []struct {
		rule, in string
		want     any
	}{
		{"$url", "$url", "https://api.example.com/pets?x=1"},
		{"$method", "$method", "POST"},
		{"$statusCode keeps its number type", "$statusCode", 201},
		{"header names are case-insensitive (RFC 9110 token)", "$request.header.content-type", "application/json"},
		{"header names are case-insensitive", "$response.header.LOCATION", "/pets/42"},
		{"$request.query", "$request.query.limit", "10"},
		{"$request.path", "$request.path.id", "42"},
		{"$request.body keeps an object", "$request.body", map[string]any{"name": "Fluffy"}},
		{"body pointer", "$response.body#/user/uuid", "u-1"},
		{"RFC 6901 ~1", "$response.body#/user/a~1b", json.Number("1")},
		{"RFC 6901 ~0", "$response.body#/user/m~0n", json.Number("2")},
		{"array index", "$response.body#/items/1/id", json.Number("2")},
		{"large ids survive (json.Number)", "$response.body#/id", json.Number("12345678901234567890")},
		{"null is a value, not a missing value", "$response.body#/empty", nil},
		{"inputs keep objects", "$inputs.customer", map[string]any{"name": "Ann", "tags": []any{"a", "b"}}},
		{"pointer on inputs", "$inputs.customer#/tags/1", "b"},
		{"numbers keep their type", "$inputs.count", 3},
		{"null inputs", "$inputs.nothing", nil},
		{"$outputs", "$outputs.token", "t0k"},
		{"$steps outputs", "$steps.login.outputs.token", "abc"},
		{"$steps pointer", "$steps.login.outputs.list#/0/id", "first"},
		{"dotted output names", "$steps.dotted.outputs.a.b", "dot"},
		{"$workflows inputs", "$workflows.w.inputs.in", 1},
		{"$workflows outputs pointer", "$workflows.w.outputs.out#/name", "W"},
		{"$sourceDescriptions url", "$sourceDescriptions.petStore.url", "https://example.com/openapi.yaml"},
		{"$components.parameters", "$components.parameters.page#/in", "query"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Eval(v)
			if err != nil {
				t.Fatalf("%s: Eval: %v", tt.rule, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: got %#v, want %#v", tt.rule, got, tt.want)
			}
		})
	}
}

func TestEvalNotFound(t *testing.T) {
	v := testValues()
	for _, in := range []string{
		"$steps.nope.outputs.x", "$steps.login.outputs.nope", "$inputs.nope", "$response.body#/nope",
		"$response.body#/items/2", "$response.body#/items/01", "$response.body#/items/-", "$response.body#/user/uuid/x",
		"$request.header.nope", "$workflows.nope.outputs.x", "$components.inputs.x", "$response.query.x",
	} {
		e, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Eval(v)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("Eval(%s) = %v, want ErrNotFound", in, err)
		}
		if _, err := e.Eval(nil); !errors.Is(err, ErrNotFound) {
			t.Errorf("Eval(%s) with a nil context = %v, want ErrNotFound", in, err)
		}
	}
	// An empty Values has nothing at all.
	for _, in := range []string{"$url", "$method", "$statusCode", "$request.body", "$response.body"} {
		e, _ := Parse(in)
		if _, err := e.Eval(&Values{}); !errors.Is(err, ErrNotFound) {
			t.Errorf("Eval(%s) on empty Values = %v, want ErrNotFound", in, err)
		}
	}
}

func TestPointer(t *testing.T) {
	doc := map[string]any{"": 0, "a/b": 1, "m~n": 2, "arr": []any{"x", "y"}, "typed": []string{"p", "q"}, "tm": map[string]int{"k": 5}}
	tests := []struct {
		ptr  string
		want any
		err  bool
	}{
		{"", doc, false},
		{"/", 0, false},
		{"/a~1b", 1, false},
		{"/m~0n", 2, false},
		{"/arr/1", "y", false},
		{"/arr/2", nil, true},
		{"/arr/-", nil, true},
		{"/arr/01", nil, true},
		{"/arr/x", nil, true},
		{"/typed/1", "q", false}, // other slice types, by reflection
		{"/tm/k", 5, false},      // other map types, by reflection
		{"/tm/z", nil, true},
		{"/arr/0/deeper", nil, true},
	}
	for _, tt := range tests {
		p, err := ParsePointer(tt.ptr)
		if err != nil {
			t.Fatalf("ParsePointer(%q): %v", tt.ptr, err)
		}
		if p.String() != tt.ptr {
			t.Errorf("String() = %q, want %q", p.String(), tt.ptr)
		}
		got, err := p.Get(doc)
		if tt.err {
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("Get(%q) error = %v, want ErrNotFound", tt.ptr, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Get(%q) = %v, %v; want %v", tt.ptr, got, err, tt.want)
		}
	}
	for _, bad := range []string{"a", "/~", "/~2", "/a~"} {
		if _, err := ParsePointer(bad); err == nil {
			t.Errorf("ParsePointer(%q) succeeded", bad)
		}
	}
}

func TestWithPointer(t *testing.T) {
	e, _ := Parse("$response.body#/a")
	p, _ := ParsePointer("/b/c")
	if got := e.WithPointer(p).String(); got != "$response.body#/b/c" {
		t.Errorf("got %q", got)
	}
	if got := e.WithPointer(Pointer{}).String(); got != "$response.body" {
		t.Errorf("got %q", got)
	}
	if e.String() != "$response.body#/a" {
		t.Errorf("WithPointer modified the receiver")
	}
}

func TestSourceString(t *testing.T) {
	for s := SourceURL; s <= SourceComponents; s++ {
		if strings.HasPrefix(s.String(), "Source(") {
			t.Errorf("Source %d has no name", s)
		}
	}
	if SourceInvalid.String() != "Source(0)" {
		t.Errorf("got %q", SourceInvalid.String())
	}
}
