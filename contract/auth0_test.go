package contract

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/arazzo-run/arazzo/mock"
	"github.com/arazzo-run/arazzo/openapi"
)

// The real Auth0 Management API description (OpenAPI 3.1, hundreds of
// ECMA-262 patterns that RE2 rejects) lives in the repository.
const auth0File = "../testdata/auth0/openapi/auth0-management-api-openapi.yml"

var (
	auth0Once, auth0LazyOnce sync.Once
	auth0Doc, auth0LazyDoc   *openapi.Document
	auth0Err, auth0LazyErr   error
)

func auth0(t testing.TB) *openapi.Document {
	t.Helper()
	if lazyLoads {
		return auth0Lazy(t)
	}
	auth0Once.Do(func() {
		auth0Doc, auth0Err = openapi.Load(context.Background(), auth0File, openapi.LoadOptions{SkipValidation: true})
	})
	if auth0Err != nil {
		t.Fatalf("loading Auth0: %v", auth0Err)
	}
	return auth0Doc
}

// auth0Lazy loads Auth0 as the runtime does: lazily, the seed's
// operations first (others are built on lookup).
func auth0Lazy(t testing.TB) *openapi.Document {
	t.Helper()
	auth0LazyOnce.Do(func() {
		ids := make([]string, len(seedOps))
		for i, s := range seedOps {
			ids[i] = s.id
		}
		auth0LazyDoc, auth0LazyErr = openapi.Load(context.Background(), auth0File, openapi.LoadOptions{Operations: ids, NoCache: true})
	})
	if auth0LazyErr != nil {
		t.Fatalf("loading Auth0: %v", auth0LazyErr)
	}
	return auth0LazyDoc
}

// seedOps are the operations of the Auth0 seed workflow, and the request
// body the seed sends to each.
var seedOps = []struct{ id, body string }{
	{"post_resource-servers", `{"name":"Orders API","identifier":"https://orders.example.com","scopes":[{"value":"read:orders","description":"Read orders"}]}`},
	{"post_clients", `{"name":"orders-worker","app_type":"non_interactive"}`},
	{"post_client-grants", `{"client_id":"abc","audience":"https://orders.example.com","scope":["read:orders"]}`},
}

// The schemas of the seed operations, and of an operation whose schemas
// carry lookahead patterns with `[\w-\.]` classes, all compile.
func TestAuth0Compiles(t *testing.T) {
	d := auth0(t)
	c := New(d, Options{})
	for _, id := range []string{"post_resource-servers", "post_clients", "post_client-grants", "get_branding_theme", "patch_branding_theme"} {
		if err := c.Precompile(operation(t, d, id)); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}

// The mock's answers to the seed requests satisfy the description, and
// the seed's requests do too; a broken body is caught.
func TestAuth0SeedConforms(t *testing.T) {
	d := auth0(t)
	c := New(d, Options{})
	m := mock.New(d, mock.Options{Seed: 1})
	for _, s := range seedOps {
		op := operation(t, d, s.id)
		req := httptest.NewRequest(op.Method, "http://tenant.invalid/api/v2"+op.Path, strings.NewReader(s.body))
		req.Header.Set("Content-Type", "application/json")
		if ps := c.CheckRequest(op, req, []byte(s.body)); len(ps) > 0 {
			t.Errorf("%s request:\n%s", s.id, dump(ps))
		}
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, req)
		body, _ := io.ReadAll(rec.Body)
		if rec.Code != http.StatusCreated {
			t.Fatalf("%s: mock answered %d %s", s.id, rec.Code, body)
		}
		if ps := c.CheckResponse(op, rec.Code, rec.Header(), body); len(ps) > 0 {
			t.Errorf("%s response (mock bug or checker bug):\n%s\n%s", s.id, dump(ps), body)
		}
	}
	op := operation(t, d, "post_clients")
	h := http.Header{"Content-Type": {"application/json"}}
	ps := c.CheckResponse(op, 201, h, []byte(`{"client_id":5,"callbacks":"not a list"}`))
	if g := got(ps); !equal(g, []string{"schema /callbacks", "schema /client_id"}) {
		t.Errorf("broken body: %q\n%s", g, dump(ps))
	}
	if ps := c.CheckResponse(op, 302, h, nil); len(ps) != 1 || ps[0].Kind != KindStatus {
		t.Errorf("302: %s", dump(ps))
	}
}

// usersBody is a typical list response: 20 users with a handful of
// constrained fields each (patterns, formats, enums, a $ref).
func usersBody() []byte {
	var b strings.Builder
	b.WriteString(`{"items":[`)
	for i := range 20 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":"user-` + string(rune('a'+i)) + `","name":"Ann Example","email":"ann@example.com","created":"2024-01-02T03:04:05Z","age":41,"role":"owner","tags":["a","b","c"],"kind":"person"}`)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func BenchmarkCheckResponse(b *testing.B) {
	d := loadDoc(b, "users-3.1.yaml")
	c := New(d, Options{})
	op := operation(b, d, "listUsers")
	h := http.Header{"Content-Type": {"application/json"}}
	body := usersBody()
	if ps := c.CheckResponse(op, 200, h, body); len(ps) != 0 {
		b.Fatal(dump(ps))
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		c.CheckResponse(op, 200, h, body)
	}
}

// BenchmarkCheckResponseAuth0 checks the mock's post_clients answer (a
// large object with ECMA patterns) against the real description.
func BenchmarkCheckResponseAuth0(b *testing.B) {
	d := auth0(b)
	c := New(d, Options{})
	op := operation(b, d, "post_clients")
	req := httptest.NewRequest(op.Method, "http://tenant.invalid/api/v2/clients", strings.NewReader(seedOps[1].body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	mock.New(d, mock.Options{Seed: 1}).ServeHTTP(rec, req)
	body := rec.Body.Bytes()
	if ps := c.CheckResponse(op, rec.Code, rec.Header(), body); len(ps) != 0 {
		b.Fatal(dump(ps))
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		c.CheckResponse(op, rec.Code, rec.Header(), body)
	}
}

// BenchmarkFirstCompile is the cost of the first check of an operation:
// converting the components and compiling the operation's schemas.
func BenchmarkFirstCompile(b *testing.B) {
	for _, tc := range []struct {
		name string
		doc  func(testing.TB) *openapi.Document
		op   string
	}{
		{"users/listUsers", func(t testing.TB) *openapi.Document { return loadDoc(t, "users-3.1.yaml") }, "listUsers"},
		{"auth0/post_clients", auth0, "post_clients"},
		{"auth0-lazy/post_clients", auth0Lazy, "post_clients"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			d := tc.doc(b)
			op := operation(b, d, tc.op)
			b.ReportAllocs()
			for b.Loop() {
				if err := New(d, Options{}).Precompile(op); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFirstCheck is the cost of the first check of a response, as a
// run pays it: the description loaded lazily, only the schema of the
// status and media type received converted and compiled.
func BenchmarkFirstCheck(b *testing.B) {
	d := auth0Lazy(b)
	op := operation(b, d, "post_clients")
	h := http.Header{"Content-Type": {"application/json"}}
	body := []byte(`{"client_id":"abc","name":"orders-worker"}`)
	b.ReportAllocs()
	for b.Loop() {
		if ps := New(d, Options{}).CheckResponse(op, 201, h, body); len(ps) != 0 {
			b.Fatal(dump(ps))
		}
	}
}

// BenchmarkWarmRunChecks is what a warm `arazzo run` of the seed pays for
// its response checks: the description loaded lazily from the cache, a
// fresh Checker, and the first check of each seed operation's 201.
func BenchmarkWarmRunChecks(b *testing.B) {
	ids := make([]string, len(seedOps))
	for i, s := range seedOps {
		ids[i] = s.id
	}
	opts := openapi.LoadOptions{Operations: ids, CacheDir: b.TempDir()}
	if _, err := openapi.Load(context.Background(), auth0File, opts); err != nil {
		b.Fatal(err)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	b.ReportAllocs()
	for b.Loop() {
		d, err := openapi.Load(context.Background(), auth0File, opts)
		if err != nil {
			b.Fatal(err)
		}
		c := New(d, Options{})
		for _, id := range ids {
			c.CheckResponse(operation(b, d, id), 201, h, []byte(`{}`))
		}
	}
}
