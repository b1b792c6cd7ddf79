package contract

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/arazzo-run/arazzo/openapi"
)

var (
	docsMu sync.Mutex
	docs   = map[string]*openapi.Document{}
	// lazyLoads makes loadDoc and auth0 load lazily (the runtime's way:
	// schemas are converted from the generic form, without kin-openapi);
	// TestLazy runs the tests again with it set.
	lazyLoads bool
)

func loadDoc(t testing.TB, file string) *openapi.Document {
	t.Helper()
	docsMu.Lock()
	defer docsMu.Unlock()
	key := file
	if lazyLoads {
		key = "lazy:" + file
	}
	if d := docs[key]; d != nil {
		return d
	}
	d, err := openapi.Load(context.Background(), "testdata/"+file, openapi.LoadOptions{Lazy: lazyLoads})
	if err != nil {
		t.Fatal(err)
	}
	docs[key] = d
	return d
}

func operation(t testing.TB, d *openapi.Document, id string) *openapi.Operation {
	t.Helper()
	op, ok := d.OperationByID(id)
	if !ok {
		t.Fatalf("no operation %s", id)
	}
	return op
}

// got renders problems as "kind pointer" for comparison.
func got(ps []Problem) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		s := string(p.Kind)
		if p.Pointer != "" {
			s += " " + p.Pointer
		}
		out = append(out, s)
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

const goodUser = `{"id":"u1","name":"Ann","email":"ann@example.com","created":"2024-01-02T03:04:05Z","age":30,"role":"user","tags":["a","b"],"kind":"person"}`

func TestCheckResponse(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		op     string
		status int
		ctype  string
		header map[string]string
		body   string
		want   []string // "kind pointer"
		// msg, when set, must occur in the first problem's String();
		// hidden must occur in none.
		msg    string
		hidden string
		sptr   string // SchemaPointer of the first problem
	}{
		{name: "conforming", file: "users-3.1.yaml", op: "listUsers", status: 200, ctype: "application/json",
			body: `{"items":[` + goodUser + `]}`},
		{name: "charset parameters ignored on both sides", file: "users-3.1.yaml", op: "listUsers", status: 200, ctype: "Application/JSON; charset=UTF-8",
			body: `{"items":[]}`},
		{name: "undocumented status", file: "users-3.1.yaml", op: "createUser", status: 200, ctype: "application/json", body: `{}`,
			want: []string{"undocumented-status"}, msg: "status 200 is not documented (documented: 201)", sptr: "/paths/~1users/post/responses"},
		{name: "range 4XX documents 404", file: "users-3.1.yaml", op: "listUsers", status: 404, ctype: "application/problem+json",
			body: `{"title":"not found"}`},
		{name: "range with wrong body", file: "users-3.1.yaml", op: "listUsers", status: 409, ctype: "application/problem+json",
			body: `{"status":409}`, want: []string{"schema"}, msg: `missing required property "title"`, sptr: "/components/schemas/Problem/required"},
		{name: "default documents 503", file: "users-3.1.yaml", op: "listUsers", status: 503, ctype: "text/plain", body: `down`},
		{name: "default with a type/* range mismatch", file: "users-3.1.yaml", op: "listUsers", status: 503, ctype: "application/json", body: `{}`,
			want: []string{"content-type"}, msg: "Content-Type application/json is not documented (documented: text/*)"},
		{name: "wrong content type", file: "users-3.1.yaml", op: "listUsers", status: 200, ctype: "text/html", body: `<html></html>`,
			want: []string{"content-type"}, sptr: "/paths/~1users/get/responses/200/content"},
		{name: "problem+json is not application/json", file: "pets-3.0.yaml", op: "getPet", status: 404, ctype: "application/problem+json", body: `{}`,
			want: []string{"content-type"}},
		{name: "missing content type", file: "users-3.1.yaml", op: "listUsers", status: 200, body: `{"items":[]}`,
			want: []string{"content-type"}, msg: "no Content-Type header"},
		{name: "lookahead pattern", file: "users-3.1.yaml", op: "listUsers", status: 200, ctype: "application/json",
			body: `{"items":[{"id":"admin7","name":"x"}]}`, want: []string{"schema /items/0/id"},
			msg: `"admin7" does not match pattern "^(?!admin).*$"`, sptr: "/components/schemas/User/properties/id/pattern"},
		{name: "recursive component", file: "users-3.1.yaml", op: "listUsers", status: 200, ctype: "application/json",
			body: `{"items":[{"id":"u","name":"x","manager":{"id":"u2","name":""}}]}`, want: []string{"schema /items/0/manager/name"}},
		{name: "writeOnly required property not required in responses", file: "users-3.1.yaml", op: "createUser", status: 201,
			ctype: "application/json", header: map[string]string{"Location": "/users/u1"}, body: goodUser},
		{name: "required response header", file: "users-3.1.yaml", op: "createUser", status: 201, ctype: "application/json", body: goodUser,
			want: []string{"header"}, msg: "required header Location is missing"},
		{name: "several violations in document order of discovery", file: "users-3.1.yaml", op: "createUser", status: 201,
			ctype: "application/json", header: map[string]string{"Location": "x"},
			body: `{"id":"u","name":"n","email":"not-an-email","created":"yesterday","age":-1,"role":"boss","tags":["a","a"],"kind":"robot","extra":1}`,
			want: []string{"schema", "schema /age", "schema /created", "schema /email", "schema /kind", "schema /role", "schema /tags"}},
		{name: "int32 format", file: "users-3.1.yaml", op: "createUser", status: 201, ctype: "application/json", header: map[string]string{"Location": "x"},
			body: `{"id":"u","name":"n","age":3000000000}`, want: []string{"schema /age"}},
		{name: "null allowed by a 3.1 type list", file: "users-3.1.yaml", op: "createUser", status: 201, ctype: "application/json", header: map[string]string{"Location": "x"},
			body: `{"id":"u","name":"n","age":null}`},
		{name: "secret-like member not quoted", file: "users-3.1.yaml", op: "createUser", status: 201, ctype: "application/json", header: map[string]string{"Location": "x"},
			body: `{"id":"u","name":"n","apiKey":"sk_live_abc"}`, want: []string{"schema /apiKey"}, msg: "(value not shown)", hidden: "sk_live_abc"},
		{name: "long value not quoted", file: "users-3.1.yaml", op: "listUsers", status: 200, ctype: "application/json",
			body: `{"items":[{"id":"admin-0123456789012345678901234567890123456789","name":"x"}]}`, want: []string{"schema /items/0/id"},
			msg: "(value not shown)", hidden: "0123456789"},
		{name: "additional property named like a token not shown", file: "users-3.1.yaml", op: "listUsers", status: 200, ctype: "application/json",
			body: `{"items":[{"id":"u","name":"x","eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig":1}]}`, want: []string{"schema /items/0"},
			msg: "1 properties not allowed (names not shown)", hidden: "eyJ"},
		{name: "invalid JSON", file: "users-3.1.yaml", op: "listUsers", status: 200, ctype: "application/json", body: `{"items": [secret`,
			want: []string{"invalid-json"}, hidden: "secret"},
		{name: "empty body where content is documented", file: "users-3.1.yaml", op: "listUsers", status: 200, ctype: "application/json",
			want: []string{"body"}},
		{name: "non-JSON checked for content type only", file: "users-3.1.yaml", op: "getAvatar", status: 200, ctype: "image/png", body: "\x89PNG"},
		{name: "non-JSON wrong type", file: "users-3.1.yaml", op: "getAvatar", status: 200, ctype: "application/json", body: "{}",
			want: []string{"content-type"}},
		{name: "no content documented: body not checked", file: "users-3.1.yaml", op: "getAvatar", status: 204, body: "anything"},
		{name: "*/* range", file: "users-3.1.yaml", op: "getThings", status: 200, ctype: "application/json", body: `[1,2,3]`,
			want: []string{"schema"}, sptr: "/paths/~1things/get/responses/200/content/*~1*/schema/maxItems"},
		{name: "+json suffix range beats */*", file: "users-3.1.yaml", op: "getThings", status: 200, ctype: "application/vnd.things+json", body: `[1,2,3]`,
			want: []string{"schema"}, msg: "got array, want object"},

		// OpenAPI 3.0 conversions.
		{name: "3.0 conforming with nulls", file: "pets-3.0.yaml", op: "getPet", status: 200, ctype: "application/json",
			body: `{"id":1,"name":"Rex","tag":null,"status":null,"owner":null,"weight":99.5}`},
		{name: "3.0 nullable allOf still checks objects", file: "pets-3.0.yaml", op: "getPet", status: 200, ctype: "application/json",
			body: `{"id":1,"name":"Rex","owner":{}}`, want: []string{"schema /owner"}},
		{name: "3.0 null not allowed without nullable", file: "pets-3.0.yaml", op: "getPet", status: 200, ctype: "application/json",
			body: `{"id":1,"name":null}`, want: []string{"schema /name"}},
		{name: "3.0 boolean exclusiveMinimum", file: "pets-3.0.yaml", op: "getPet", status: 200, ctype: "application/json",
			body: `{"id":0,"name":"Rex"}`, want: []string{"schema /id"}, msg: "exclusiveMinimum"},
		{name: "3.0 boolean exclusiveMaximum", file: "pets-3.0.yaml", op: "getPet", status: 200, ctype: "application/json",
			body: `{"id":1,"name":"Rex","weight":100}`, want: []string{"schema /weight"}},
		{name: "3.0 lookahead", file: "pets-3.0.yaml", op: "getPet", status: 200, ctype: "application/json",
			body: `{"id":1,"name":"administrator"}`, want: []string{"schema /name"}, msg: `"administrator" does not match`},
		{name: "3.0 enum with nullable", file: "pets-3.0.yaml", op: "getPet", status: 200, ctype: "application/json",
			body: `{"id":1,"name":"Rex","status":"lost"}`, want: []string{"schema /status"}, msg: "value must be one of"},
		{name: "3.0 token member not quoted", file: "pets-3.0.yaml", op: "getPet", status: 200, ctype: "application/json",
			body: `{"id":1,"name":"Rex","secretToken":"XYZ"}`, want: []string{"schema /secretToken"}, hidden: "XYZ"},
		{name: "3.0 undocumented 500", file: "pets-3.0.yaml", op: "getPet", status: 500, ctype: "application/json", body: `{}`,
			want: []string{"undocumented-status"}, msg: "documented: 200, 404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := loadDoc(t, tt.file)
			c := New(d, Options{})
			h := http.Header{}
			if tt.ctype != "" {
				h.Set("Content-Type", tt.ctype)
			}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			ps := c.CheckResponse(operation(t, d, tt.op), tt.status, h, []byte(tt.body))
			sortProblems(ps)
			if g := got(ps); !equal(g, tt.want) {
				t.Fatalf("problems %q, want %q\n%s", g, tt.want, dump(ps))
			}
			if tt.msg != "" && !strings.Contains(ps[0].String(), tt.msg) {
				t.Errorf("message %q does not contain %q", ps[0].String(), tt.msg)
			}
			if tt.sptr != "" && ps[0].SchemaPointer != tt.sptr {
				t.Errorf("schema pointer %q, want %q", ps[0].SchemaPointer, tt.sptr)
			}
			for _, p := range ps {
				if tt.hidden != "" && strings.Contains(p.String(), tt.hidden) {
					t.Errorf("message shows a hidden value: %s", p)
				}
				if !p.Violation() {
					t.Errorf("not a violation: %s", p)
				}
				if strings.Contains(p.String(), "\n") {
					t.Errorf("multi-line: %q", p)
				}
			}
		})
	}
}

func sortProblems(ps []Problem) {
	// Stable, readable order for the tables: by kind then pointer.
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && less(ps[j], ps[j-1]); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

func less(a, b Problem) bool {
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	return a.Pointer < b.Pointer
}

func dump(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  " + p.String() + "\n")
	}
	return b.String()
}

func TestCheckRequest(t *testing.T) {
	d := loadDoc(t, "users-3.1.yaml")
	c := New(d, Options{})
	op := operation(t, d, "createUser")
	tests := []struct {
		name   string
		url    string
		header map[string]string
		body   string
		want   []string
		hidden string
	}{
		{name: "conforming (readOnly id not required)", url: "/users?tenant=t", header: map[string]string{"X-Request-Id": "1", "Content-Type": "application/json"},
			body: `{"name":"Ann","password":"correct horse"}`},
		{name: "missing parameters", url: "/users", header: map[string]string{"Content-Type": "application/json"},
			body: `{"name":"Ann"}`, want: []string{"parameter", "parameter"}},
		{name: "missing body", url: "/users?tenant=t", header: map[string]string{"X-Request-Id": "1"}, want: []string{"body"}},
		{name: "schema violation, password not shown", url: "/users?tenant=t", header: map[string]string{"X-Request-Id": "1", "Content-Type": "application/json"},
			body: `{"name":"","password":"short"}`, want: []string{"schema /name", "schema /password"}, hidden: "short"},
		{name: "undocumented content type", url: "/users?tenant=t", header: map[string]string{"X-Request-Id": "1", "Content-Type": "text/plain"},
			body: `hello`, want: []string{"content-type"}},
		{name: "form checked for content type only", url: "/users?tenant=t", header: map[string]string{"X-Request-Id": "1", "Content-Type": "application/x-www-form-urlencoded"},
			body: `name=`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "http://users.invalid"+tt.url, nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			ps := c.CheckRequest(op, req, []byte(tt.body))
			sortProblems(ps)
			if g := got(ps); !equal(g, tt.want) {
				t.Fatalf("problems %q, want %q\n%s", g, tt.want, dump(ps))
			}
			for _, p := range ps {
				if p.In != "request" {
					t.Errorf("In = %q", p.In)
				}
				if tt.hidden != "" && strings.Contains(p.String(), tt.hidden) {
					t.Errorf("message shows a hidden value: %s", p)
				}
			}
		})
	}
}

func TestMaxProblemsAndBodyCap(t *testing.T) {
	d := loadDoc(t, "users-3.1.yaml")
	op := operation(t, d, "listUsers")
	h := http.Header{"Content-Type": {"application/json"}}
	var b strings.Builder
	b.WriteString(`{"items":[`)
	for i := range 20 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"id":"admin","name":"x"}`)
	}
	b.WriteString(`]}`)
	ps := New(d, Options{MaxProblems: 3}).CheckResponse(op, 200, h, []byte(b.String()))
	if len(ps) != 4 || !strings.Contains(ps[3].Message, "17 more schema violations not shown") {
		t.Errorf("capped problems:\n%s", dump(ps))
	}
	// Over the body cap: not checked against the schema at all.
	if ps := New(d, Options{MaxBodyBytes: 10}).CheckResponse(op, 200, h, []byte(b.String())); len(ps) != 0 {
		t.Errorf("body over the cap checked:\n%s", dump(ps))
	}
}

func TestProblemString(t *testing.T) {
	p := Problem{In: "response", Kind: KindSchema, Pointer: "/items/0/id", SchemaPointer: "/components/schemas/User/properties/id/pattern", Message: `"admin1" does not match pattern "^(?!admin).*$"`}
	want := `response schema /items/0/id: "admin1" does not match pattern "^(?!admin).*$" (#/components/schemas/User/properties/id/pattern)`
	if p.String() != want {
		t.Errorf("String() = %s", p)
	}
	if (Problem{Kind: KindUnchecked}).Violation() {
		t.Error("unchecked counted as a violation")
	}
}

func TestNilSafe(t *testing.T) {
	var c *Checker
	if ps := c.CheckResponse(nil, 200, nil, nil); ps != nil {
		t.Error(ps)
	}
	d := loadDoc(t, "users-3.1.yaml")
	c = New(d, Options{})
	if ps := c.CheckResponse(nil, 200, nil, nil); ps != nil {
		t.Error(ps)
	}
	if ps := c.CheckRequest(operation(t, d, "listUsers"), nil, nil); ps != nil {
		t.Error(ps)
	}
}

// Concurrent first checks of the same operation compile once and agree.
func TestConcurrentFirstUse(t *testing.T) {
	d := loadDoc(t, "users-3.1.yaml")
	c := New(d, Options{})
	op := operation(t, d, "listUsers")
	h := http.Header{"Content-Type": {"application/json"}}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for range 16 {
		wg.Go(func() {
			ps := c.CheckResponse(op, 200, h, []byte(`{"items":[{"id":"admin","name":"x"}]}`))
			if len(ps) != 1 {
				errs <- dump(ps)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
