package mock

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/openapi"
)

var (
	docsMu sync.Mutex
	docs   = map[string]*openapi.Document{}
)

// loadDoc loads (once per test binary) an OpenAPI description.
func loadDoc(t testing.TB, path string) *openapi.Document {
	t.Helper()
	docsMu.Lock()
	defer docsMu.Unlock()
	if d := docs[path]; d != nil {
		return d
	}
	d, err := openapi.Load(context.Background(), path, openapi.LoadOptions{})
	if err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	docs[path] = d
	return d
}

type req struct {
	method, path, body string
	header             map[string]string
}

func (q req) do(h http.Handler) *httptest.ResponseRecorder {
	var body io.Reader
	if q.body != "" {
		body = strings.NewReader(q.body)
	}
	r := httptest.NewRequest(q.method, q.path, body)
	if q.body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func decodeBody(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, w.Body.String())
	}
	return v
}

func TestRouting(t *testing.T) {
	m := New(loadDoc(t, "testdata/pets.yaml"), Options{})
	tests := []struct {
		name   string
		req    req
		status int
		op     string
		inBody string
	}{
		{"bare template path", req{method: "GET", path: "/pets"}, 200, "listPets", ""},
		{"with server base path", req{method: "GET", path: "/v1/pets"}, 200, "listPets", ""},
		{"trailing slash", req{method: "GET", path: "/v1/pets/"}, 200, "listPets", ""},
		{"literal beats parameter", req{method: "GET", path: "/pets/mine"}, 200, "getMyPet", ""},
		{"parameter", req{method: "GET", path: "/pets/42"}, 200, "getPet", ""},
		{"method picks the parameter template", req{method: "DELETE", path: "/pets/mine"}, 400, "deletePet", "path.petId: expected integer"},
		{"parameter with literal suffix", req{method: "GET", path: "/pets/42/photo.png"}, 200, "getPetPhoto", ""},
		{"no content", req{method: "DELETE", path: "/v1/pets/7"}, 204, "deletePet", ""},
		{"unknown path", req{method: "GET", path: "/owners"}, 404, "", "no operation matches GET /owners"},
		{"unknown path under base", req{method: "GET", path: "/v1/owners/1"}, 404, "", "GET /v1/owners/1"},
		{"method not allowed", req{method: "PUT", path: "/pets/42"}, 405, "", "method PUT is not allowed on /pets/42 (allowed: DELETE, GET)"},
		{"HEAD answered like GET", req{method: "HEAD", path: "/pets/42"}, 200, "getPet", ""},
		{"escaped segment", req{method: "GET", path: "/pets/%34%32"}, 200, "getPet", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.req.do(m)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if got := w.Header().Get("X-Mock-Operation"); tc.op != "" && got != tc.op && tc.status < 400 {
				t.Errorf("operation %q, want %q", got, tc.op)
			}
			if tc.inBody != "" && !strings.Contains(w.Body.String(), tc.inBody) {
				t.Errorf("body %s does not contain %q", w.Body, tc.inBody)
			}
			if tc.status >= 400 {
				if ct := w.Header().Get("Content-Type"); ct != "application/json" {
					t.Errorf("problem Content-Type %q", ct)
				}
				decodeBody(t, w)
			}
			if tc.status == 405 && w.Header().Get("Allow") != "DELETE, GET" {
				t.Errorf("Allow %q", w.Header().Get("Allow"))
			}
		})
	}
}

func TestValidation(t *testing.T) {
	m := New(loadDoc(t, "testdata/pets.yaml"), Options{})
	uuid := map[string]string{"X-Request-Id": "6f1c1f5e-2a53-4c36-9d1e-3f2a7a0e9b11"}
	tests := []struct {
		name     string
		req      req
		problems []string // nil: the request is valid
	}{
		{"valid create", req{method: "POST", path: "/pets", body: `{"name":"Rex","kind":"dog","age":3,"tags":["a"],"owner":{"email":"a@b.c"},"code":"ab-123"}`}, nil},
		{"missing body", req{method: "POST", path: "/pets"}, []string{"body: missing required request body (application/json)"}},
		{"missing required property", req{method: "POST", path: "/pets", body: `{"kind":"dog"}`}, []string{"body: missing required property 'name'"}},
		{"wrong type", req{method: "POST", path: "/pets", body: `{"name":7}`}, []string{"body.name: expected string, got integer"}},
		{"enum", req{method: "POST", path: "/pets", body: `{"name":"Rex","kind":"cow"}`}, []string{`body.kind: value is not one of ["cat", "dog", "bird"]`}},
		{"additionalProperties false", req{method: "POST", path: "/pets", body: `{"name":"Rex","colour":"red"}`}, []string{"body: property 'colour' is not allowed (additionalProperties: false)"}},
		{"maximum", req{method: "POST", path: "/pets", body: `{"name":"Rex","age":41}`}, []string{"body.age: must be <= 40"}},
		{"minLength", req{method: "POST", path: "/pets", body: `{"name":""}`}, []string{"body.name: string is shorter than minLength 1"}},
		{"nested required", req{method: "POST", path: "/pets", body: `{"name":"Rex","owner":{}}`}, []string{"body.owner: missing required property 'email'"}},
		{"array item type", req{method: "POST", path: "/pets", body: `{"name":"Rex","tags":["a",2]}`}, []string{"body.tags[1]: expected string, got integer"}},
		{"ECMA pattern (lookahead)", req{method: "POST", path: "/pets", body: `{"name":"Rex","code":"zz-123"}`}, []string{"body.code: string does not match pattern"}},
		{"invalid JSON", req{method: "POST", path: "/pets", body: `{"name":`}, []string{"body: invalid JSON"}},
		{"wrong content type", req{method: "POST", path: "/pets", body: `name=Rex`, header: map[string]string{"Content-Type": "text/plain"}}, []string{`body: content type "text/plain" is not accepted (expected application/json)`}},
		{"several problems", req{method: "POST", path: "/pets", body: `{"age":-1,"kind":1}`}, []string{"body: missing required property 'name'", "body.age: must be >= 0", "body.kind: expected string, got integer"}},
		{"path parameter type", req{method: "GET", path: "/pets/abc"}, []string{"path.petId: expected integer, got string"}},
		{"path parameter minimum", req{method: "GET", path: "/pets/0"}, []string{"path.petId: must be >= 1"}},
		{"path parameter enum", req{method: "GET", path: "/pets/1/photo.gif"}, []string{`path.ext: value is not one of ["png", "jpg"]`}},
		{"query ok", req{method: "GET", path: "/pets?limit=10&status=sold&tags=1,2"}, nil},
		{"query type", req{method: "GET", path: "/pets?limit=ten"}, []string{"query.limit: expected integer, got string"}},
		{"query range", req{method: "GET", path: "/pets?limit=1000"}, []string{"query.limit: must be <= 100"}},
		{"query enum", req{method: "GET", path: "/pets?status=lost"}, []string{"query.status: value is not one of"}},
		{"query array items", req{method: "GET", path: "/pets?tags=1,x"}, []string{"query.tags[1]: expected integer, got string"}},
		{"missing required header", req{method: "POST", path: "/pets/1/visits", body: `{"date":"2025-01-01"}`}, []string{"header.X-Request-Id: missing required parameter"}},
		{"header and body ok", req{method: "POST", path: "/pets/1/visits", body: `{"date":"2025-01-01"}`, header: uuid}, nil},
		{"optional body absent", req{method: "POST", path: "/pets/1/visits", header: uuid}, nil},
		{"maxLength", req{method: "POST", path: "/pets/1/visits", body: `{"date":"2025-01-01","notes":"far too long"}`, header: uuid}, []string{"body.notes: string is longer than maxLength 10"}},
		{"form body", req{method: "POST", path: "/pets/1/visits", body: `date=2025-01-01&weight=3.5`, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Request-Id": "x"}}, nil},
		{"form body problems", req{method: "POST", path: "/pets/1/visits", body: `weight=-1`, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Request-Id": "x"}}, []string{"body: missing required property 'date'", "body.weight: must be >= 0"}},
		{"content type with parameters", req{method: "POST", path: "/pets", body: `{"name":"Rex"}`, header: map[string]string{"Content-Type": "application/json; charset=utf-8"}}, nil},
		{"3.1 type array with null", req{method: "POST", path: "/things", body: `{"identifier":"t","count":null}`}, nil},
	}
	modern := New(loadDoc(t, "testdata/modern.yaml"), Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Handler(m)
			if strings.HasPrefix(tc.req.path, "/things") {
				h = modern
			}
			w := tc.req.do(h)
			if tc.problems == nil {
				if w.Code >= 400 {
					t.Fatalf("status %d: %s", w.Code, w.Body)
				}
				return
			}
			if w.Code != 400 {
				t.Fatalf("status %d, want 400: %s", w.Code, w.Body)
			}
			var p struct {
				Error    string   `json:"error"`
				Problems []string `json:"problems"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(p.Error, "mock: request does not match operation ") {
				t.Errorf("error %q", p.Error)
			}
			if len(p.Problems) != len(tc.problems) {
				t.Fatalf("problems %q, want %q", p.Problems, tc.problems)
			}
			for i, want := range tc.problems {
				if !strings.HasPrefix(p.Problems[i], want) {
					t.Errorf("problem %d = %q, want prefix %q", i, p.Problems[i], want)
				}
			}
		})
	}
}

// Request data never appears in problem messages: it may be a secret.
func TestProblemsDoNotQuoteRequestValues(t *testing.T) {
	m := New(loadDoc(t, "testdata/pets.yaml"), Options{})
	w := req{method: "POST", path: "/pets", body: `{"name":"s3cr3t-value-that-is-far-too-long","code":"s3cr3t"}`}.do(m)
	if w.Code != 400 || strings.Contains(w.Body.String(), "s3cr3t") {
		t.Fatalf("status %d, body %s", w.Code, w.Body)
	}
}

func TestBodies(t *testing.T) {
	m := New(loadDoc(t, "testdata/pets.yaml"), Options{})
	tests := []struct {
		name        string
		req         req
		status      int
		contentType string
		check       func(t *testing.T, body string, h http.Header)
	}{
		{"media type example wins", req{method: "GET", path: "/pets/mine"}, 200, "application/json", func(t *testing.T, body string, _ http.Header) {
			if body != `{"id":"00000000-0000-4000-8000-000000000001","kind":"dog","name":"Rex"}` {
				t.Errorf("body %s", body)
			}
		}},
		{"first named example", req{method: "GET", path: "/examples"}, 200, "application/json", func(t *testing.T, body string, _ http.Header) {
			if body != `{"which":"first"}` {
				t.Errorf("body %s", body)
			}
		}},
		{"text from schema example", req{method: "GET", path: "/pets/1/photo.jpg"}, 200, "text/plain", func(t *testing.T, body string, _ http.Header) {
			if body != "a photo of a pet" {
				t.Errorf("body %q", body)
			}
		}},
		{"problem+json from default", req{method: "GET", path: "/errors"}, 200, "application/problem+json", func(t *testing.T, body string, _ http.Header) {
			var p struct {
				Type   string
				Title  string
				Status int
			}
			if err := json.Unmarshal([]byte(body), &p); err != nil || p.Status < 400 || p.Status > 599 || p.Title == "" {
				t.Errorf("problem %+v (%v)", p, err)
			}
		}},
		{"JSON preferred", req{method: "GET", path: "/pets/1"}, 200, "application/json", func(t *testing.T, body string, _ http.Header) {
			if !strings.HasPrefix(body, "{") {
				t.Errorf("body %q", body)
			}
		}},
		{"Accept chooses the media type", req{method: "GET", path: "/pets/1", header: map[string]string{"Accept": "text/html, text/*;q=0.9"}}, 200, "text/plain", func(t *testing.T, body string, _ http.Header) {
			if body != "Rex the pet" {
				t.Errorf("body %q", body)
			}
		}},
		{"no content", req{method: "DELETE", path: "/pets/1"}, 204, "", func(t *testing.T, body string, _ http.Header) {
			if body != "" {
				t.Errorf("body %q", body)
			}
		}},
		{"redirect with generated header", req{method: "GET", path: "/raw"}, 302, "", func(t *testing.T, body string, h http.Header) {
			if u, err := url.Parse(h.Get("Location")); err != nil || u.Scheme != "https" {
				t.Errorf("Location %q", h.Get("Location"))
			}
		}},
		{"generated array of objects", req{method: "GET", path: "/pets"}, 200, "application/json", func(t *testing.T, body string, _ http.Header) {
			var pets []map[string]any
			if err := json.Unmarshal([]byte(body), &pets); err != nil || len(pets) < 1 || len(pets) > 2 {
				t.Fatalf("pets %s (%v)", body, err)
			}
			for _, p := range pets {
				if p["id"] == nil || p["name"] == nil {
					t.Errorf("required properties missing: %v", p)
				}
				if _, ok := p["secret"]; ok {
					t.Errorf("writeOnly property in a response: %v", p)
				}
			}
		}},
		{"recursion is capped", req{method: "GET", path: "/tree"}, 200, "application/json", func(t *testing.T, body string, _ http.Header) {
			if len(body) > 2000 || !strings.Contains(body, `"children"`) {
				t.Errorf("tree %s", body)
			}
		}},
		{"allOf merged, oneOf first", req{method: "GET", path: "/combined"}, 200, "application/json", func(t *testing.T, body string, _ http.Header) {
			var v struct {
				ID    string
				Extra string
				Shape map[string]any
			}
			if err := json.Unmarshal([]byte(body), &v); err != nil || v.ID == "" || v.Extra != "x" || v.Shape["radius"] == nil {
				t.Errorf("combined %s (%v)", body, err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.req.do(m)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != tc.contentType {
				t.Errorf("Content-Type %q, want %q", ct, tc.contentType)
			}
			tc.check(t, w.Body.String(), w.Header())
		})
	}
}

func TestFormats(t *testing.T) {
	m := New(loadDoc(t, "testdata/pets.yaml"), Options{})
	for seed := int64(1); seed <= 20; seed++ {
		m.opts.Seed = seed
		w := req{method: "GET", path: "/formats"}.do(m)
		var v map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		str := func(k string) string { s, _ := v[k].(string); return s }
		num := func(k string) float64 { f, _ := v[k].(float64); return f }
		checks := []struct {
			field string
			ok    bool
		}{
			{"uuid", regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(str("uuid"))},
			{"dateTime", func() bool { _, err := time.Parse(time.RFC3339, str("dateTime")); return err == nil }()},
			{"date", func() bool { _, err := time.Parse(time.DateOnly, str("date")); return err == nil }()},
			{"email", regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[a-z]+$`).MatchString(str("email"))},
			{"uri", func() bool { u, err := url.Parse(str("uri")); return err == nil && u.Scheme != "" && u.Host != "" }()},
			{"hostname", regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)+$`).MatchString(str("hostname"))},
			{"ipv4", func() bool { a, err := netip.ParseAddr(str("ipv4")); return err == nil && a.Is4() }()},
			{"ipv6", func() bool { a, err := netip.ParseAddr(str("ipv6")); return err == nil && a.Is6() }()},
			{"byte", regexp.MustCompile(`^[A-Za-z0-9+/]+=*$`).MatchString(str("byte"))},
			{"int32", num("int32") >= -5 && num("int32") <= -1 && num("int32") == float64(int(num("int32")))},
			{"int64", num("int64") >= 1000000},
			{"exclusive", num("exclusive") > 0 && num("exclusive") < 1 && int(num("exclusive")*4) == int(num("exclusive")*4+0.0001)},
			{"multiple", num("multiple") >= 7 && int(num("multiple"))%5 == 0},
			{"pattern", regexp.MustCompile(`^grp_[1-9a-km-zA-HJ-NP-Z]{14,22}$`).MatchString(str("pattern"))},
			{"lookahead", compilePattern(`^(?:(?!org_))[a-z0-9]([a-z0-9-_]*[a-z0-9])?$`).match(str("lookahead"))},
			{"short", len(str("short")) <= 3},
			{"long", len(str("long")) >= 30},
			{"color (default)", str("color") == "blue"},
			{"nullableName", str("nullableName") != ""},
			{"flags", func() bool {
				a, _ := v["flags"].([]any)
				return len(a) == 3 && a[0] != a[1] && a[1] != a[2] && a[0] != a[2]
			}()},
			{"map", func() bool { mm, _ := v["map"].(map[string]any); return len(mm) == 1 }()},
		}
		for _, c := range checks {
			if !c.ok {
				t.Errorf("seed %d: %s = %v", seed, c.field, v[c.field])
			}
		}
	}
}

func TestEcho(t *testing.T) {
	m := New(loadDoc(t, "testdata/pets.yaml"), Options{})
	w := req{method: "POST", path: "/pets", body: `{"name":"Rex","kind":"bird","age":7}`}.do(m)
	if w.Code != 201 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	v := decodeBody(t, w)
	if v["name"] != "Rex" || v["kind"] != "bird" || v["age"] != 7.0 {
		t.Errorf("not echoed: %v", v)
	}
	// Path parameters are echoed too, coerced to the schema's type; values
	// that do not fit the response property are not echoed.
	w = req{method: "POST", path: "/pets/12/visits", body: `{"date":"2025-03-04","notes":"ok"}`, header: map[string]string{"X-Request-Id": "x"}}.do(m)
	v = decodeBody(t, w)
	if v["petId"] != 12.0 || v["date"] != "2025-03-04" || v["notes"] != "ok" {
		t.Errorf("not echoed: %v", v)
	}
	// Echo applies over a media type example as well.
	mm := New(loadDoc(t, "testdata/modern.yaml"), Options{})
	w = req{method: "POST", path: "/things", body: `{"identifier":"https://api.example.com"}`}.do(mm)
	v = decodeBody(t, w)
	if v["identifier"] != "https://api.example.com" || v["kind"] != "thing" || v["nickname"] != "Thingy" {
		t.Errorf("modern: %v", v)
	}
	if ver, _ := v["version"].(float64); ver != 6 {
		t.Errorf("exclusive bounds: version %v", v["version"])
	}
}

func TestDeterminism(t *testing.T) {
	doc := loadDoc(t, "testdata/pets.yaml")
	run := func(seed int64) []string {
		m := New(doc, Options{Seed: seed})
		var out []string
		for _, q := range []req{
			{method: "POST", path: "/pets", body: `{"name":"Rex"}`},
			{method: "POST", path: "/pets", body: `{"name":"Rex"}`}, // the same request again: a new id
			{method: "GET", path: "/formats"},
			{method: "GET", path: "/pets"},
		} {
			out = append(out, q.do(m).Body.String())
		}
		return out
	}
	a, b, c := run(7), run(7), run(8)
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("request %d: same seed, different bytes:\n%s\n%s", i, a[i], b[i])
		}
	}
	id := func(body string) any {
		var v map[string]any
		_ = json.Unmarshal([]byte(body), &v)
		return v["id"]
	}
	if id(a[0]) == id(c[0]) {
		t.Errorf("different seeds, same id %v", id(a[0]))
	}
	if id(a[0]) == id(a[1]) {
		t.Errorf("a repeated create got the same id %v", id(a[0]))
	}
	if New(doc, Options{}).opts.Seed != 1 {
		t.Error("default seed is not 1")
	}
}

func TestStatusHook(t *testing.T) {
	doc := loadDoc(t, "testdata/pets.yaml")
	tests := []struct {
		want   int
		status int
		field  string
	}{
		{0, 201, "visitId"},
		{201, 201, "visitId"},
		{202, 202, "queued"},
		{409, 409, ""}, // undocumented: no body
	}
	for _, tc := range tests {
		var seen string
		m := New(doc, Options{Status: func(op *openapi.Operation) int { seen = op.ID; return tc.want }})
		w := req{method: "POST", path: "/pets/1/visits", body: `{"date":"2025-01-01"}`, header: map[string]string{"X-Request-Id": "x"}}.do(m)
		if w.Code != tc.status || seen != "addVisit" {
			t.Fatalf("want %d: status %d (hook saw %q): %s", tc.want, w.Code, seen, w.Body)
		}
		if tc.field == "" {
			if w.Body.Len() != 0 {
				t.Errorf("undocumented status has a body: %s", w.Body)
			}
			continue
		}
		if v := decodeBody(t, w); v[tc.field] == nil {
			t.Errorf("status %d: no %s in %v", tc.status, tc.field, v)
		}
	}
}

func TestLog(t *testing.T) {
	var entries []Entry
	m := New(loadDoc(t, "testdata/pets.yaml"), Options{Log: func(e Entry) { entries = append(entries, e) }})
	req{method: "POST", path: "/v1/pets", body: `{"name":"Rex"}`}.do(m)
	req{method: "POST", path: "/v1/pets", body: `{}`}.do(m)
	req{method: "GET", path: "/nope"}.do(m)
	if len(entries) != 3 {
		t.Fatalf("%d entries", len(entries))
	}
	e := entries[0]
	if e.Method != "POST" || e.Path != "/v1/pets" || e.OperationID != "createPet" || e.Status != 201 || e.Problem != "" {
		t.Errorf("entry 0: %+v", e)
	}
	if e := entries[1]; e.Status != 400 || e.OperationID != "createPet" || !strings.Contains(e.Problem, "missing required property 'name'") {
		t.Errorf("entry 1: %+v", e)
	}
	if e := entries[2]; e.Status != 404 || e.OperationID != "" || !strings.Contains(e.Problem, "GET /nope") {
		t.Errorf("entry 2: %+v", e)
	}
}

func TestNilDocument(t *testing.T) {
	w := req{method: "GET", path: "/x"}.do(New(nil, Options{}))
	if w.Code != 404 {
		t.Fatalf("status %d", w.Code)
	}
}

func TestConcurrentUse(t *testing.T) {
	m := New(loadDoc(t, "testdata/pets.yaml"), Options{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				for _, q := range []req{{method: "POST", path: "/pets", body: `{"name":"Rex"}`}, {method: "GET", path: "/formats"}, {method: "GET", path: "/combined"}} {
					if w := q.do(m); w.Code >= 400 {
						t.Errorf("goroutine %d: %d %s", i, w.Code, w.Body)
					}
				}
			}
		}()
	}
	wg.Wait()
}

// Regression: absurd sizes in a description are capped, never allocated or
// looped over without bound.
func TestHostileSizesAreCapped(t *testing.T) {
	doc := loadDoc(t, "testdata/hostile.yaml")
	w := req{method: "GET", path: "/big"}.do(New(doc, Options{}))
	if w.Code != 200 || w.Body.Len() > 200_000 {
		t.Fatalf("status %d, %d bytes", w.Code, w.Body.Len())
	}
}

// Regression: a request built by hand may have a nil Body.
func TestNilRequestBody(t *testing.T) {
	m := New(loadDoc(t, "testdata/pets.yaml"), Options{})
	r := httptest.NewRequest("POST", "/pets", nil)
	r.Body = nil
	w := httptest.NewRecorder()
	m.ServeHTTP(w, r)
	if w.Code != 400 || !strings.Contains(w.Body.String(), "missing required request body") {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
}
