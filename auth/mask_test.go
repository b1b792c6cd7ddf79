package auth

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/arazzo-run/arazzo/openapi"
)

func TestRedactor(t *testing.T) {
	r := Redactor("s3cret", "user:pa ss", "", "s3cret-longer")
	tests := []struct{ in, want string }{
		{"token s3cret here", "token *** here"},
		{"s3cret-longer wins", "*** wins"},
		{"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("user:pa ss")), "Authorization: Basic ***"},
		{"?k=" + url.QueryEscape("user:pa ss"), "?k=***"},
		{"nothing", "nothing"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := r(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Redactor()("abc"); got != "abc" {
		t.Errorf("empty redactor changed its input: %q", got)
	}
}

func TestMaskHeader(t *testing.T) {
	tests := []struct{ name, value, want string }{
		{"Authorization", "Bearer abc.def", "Bearer ***"},
		{"authorization", "Basic dXNlcjpwYXNz", "Basic ***"},
		{"Proxy-Authorization", "opaque", "***"},
		{"Cookie", "session=abc; theme=dark", "session=***; theme=***"},
		{"Set-Cookie", "sid=abc; Path=/; HttpOnly", "sid=***; Path=/; HttpOnly"},
		{"Set-Cookie", "sid=abc", "sid=***"},
		{"X-API-Key", "k", "***"},
		{"X-Auth-Token", "k", "***"},
		{"Private-Token", "k", "***"},
		{"Content-Type", "application/json", "application/json"},
		{"X-Custom-Key-Header", "visible", "visible"},
	}
	for _, tt := range tests {
		if got := MaskHeader(tt.name, tt.value); got != tt.want {
			t.Errorf("MaskHeader(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
	// The authenticator knows the description's apiKey header names and
	// the secrets.
	doc := testDoc("http://h.test")
	doc.SecuritySchemes["custom"] = &openapi.SecurityScheme{Name: "custom", Type: "apiKey", In: "header", ParamName: "X-Custom-Key-Header"}
	a := mustNew(t, []Credential{{Scheme: "custom", Value: "the-key-value"}}, []Use{{Source: "s", Op: testOp("op"), Doc: doc}}, Options{})
	if got := a.MaskHeader("x-custom-key-header", "visible"); got != Mask {
		t.Errorf("apiKey header not masked: %q", got)
	}
	if got := a.MaskHeader("Location", "http://h.test/?k=the-key-value"); got != "http://h.test/?k=***" {
		t.Errorf("secret in another header not redacted: %q", got)
	}
}

// TestSecretsNeverPrinted runs every scheme through an authenticator and a
// recording server, then greps errors, String and Redact output.
func TestSecretsNeverPrinted(t *testing.T) {
	ts := newTokenServer(t)
	base := ts.URL + "/api"
	doc := testDoc(base)
	creds := []Credential{
		{Scheme: "bearer", Value: "bearer-secret-1"},
		{Scheme: "basic", Value: "alice:basic-secret-2"},
		{Scheme: "hdrKey", Value: "header-secret-3"},
		{Scheme: "qKey", Value: "query secret/4"},
		{Scheme: "ckKey", Value: "cookie-secret-5"},
		{Scheme: "cc", Value: "client-id:client-secret-6"},
	}
	var ops []*openapi.Operation
	var uses []Use
	for _, c := range creds {
		op := testOp(c.Scheme, openapi.SecurityRequirement{c.Scheme: {"read"}})
		ops = append(ops, op)
		uses = append(uses, Use{Source: "s", StepID: c.Scheme, Op: op, Doc: doc})
	}
	a := mustNew(t, creds, uses, Options{})
	var out strings.Builder
	for _, op := range ops {
		req := newReq(t, base+"/"+op.ID)
		if err := a.Authenticate(context.Background(), req, op, "s"); err != nil {
			t.Fatal(err)
		}
		// What a verbose report would print: the URL and every header.
		fmt.Fprintln(&out, req.Method, a.Redact(req.URL.String()))
		for name, vs := range req.Header {
			for _, v := range vs {
				fmt.Fprintf(&out, "%s: %s\n", name, a.MaskHeader(name, v))
				fmt.Fprintf(&out, "redacted %s: %s\n", name, a.Redact(v))
			}
		}
	}
	fmt.Fprintf(&out, "%v %+v %#v\n", a, a, a)
	fmt.Fprintln(&out, a.Redact(`{"access_token":"tok-A-secretvalue","client_secret":"client-secret-6"}`))
	secrets := []string{"bearer-secret-1", "basic-secret-2", "header-secret-3", "query secret/4", url.QueryEscape("query secret/4"),
		"cookie-secret-5", "client-secret-6", "tok-A-secretvalue",
		base64.StdEncoding.EncodeToString([]byte("alice:basic-secret-2"))}
	noSecret(t, "output", out.String(), secrets...)
	if !strings.Contains(out.String(), "***") {
		t.Errorf("nothing masked?\n%s", out.String())
	}
	got := strings.Join(a.Secrets(), "\n")
	for _, s := range []string{"bearer-secret-1", "basic-secret-2", "client-secret-6", "tok-A-secretvalue"} {
		if !strings.Contains(got, s) {
			t.Errorf("Secrets() lacks %q", s)
		}
	}
}

// TestStripOnRedirect: a redirect to another host drops every credential;
// one on the same host keeps them.
func TestStripOnRedirect(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]http.Header{}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen["other"] = r.Header.Clone()
		mu.Unlock()
	}))
	defer other.Close()
	var origin *httptest.Server
	origin = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			// 127.0.0.1 vs localhost: another host for the client.
			http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/x", http.StatusFound)
		case "/here":
			http.Redirect(w, r, "/final", http.StatusFound)
		case "/final":
			mu.Lock()
			seen["same"] = r.Header.Clone()
			mu.Unlock()
		}
	}))
	defer origin.Close()

	doc := testDoc(origin.URL)
	doc.SecuritySchemes["custom"] = &openapi.SecurityScheme{Name: "custom", Type: "apiKey", In: "header", ParamName: "X-Tenant-Credential"}
	op := testOp("op", openapi.SecurityRequirement{"bearer": {}, "custom": {}, "ckKey": {}, "hdrKey": {}})
	a := mustNew(t, []Credential{
		{Scheme: "bearer", Value: "b-secret"}, {Scheme: "custom", Value: "c-secret"},
		{Scheme: "ckKey", Value: "k-secret"}, {Scheme: "hdrKey", Value: "h-secret"},
	}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{})
	client := &http.Client{CheckRedirect: a.StripOnRedirect}
	for _, path := range []string{"/away", "/here"} {
		req := newReq(t, origin.URL+path)
		req.Header.Set("X-Trace", "keep")
		if err := a.Authenticate(context.Background(), req, op, "s"); err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	h := seen["other"]
	if h == nil {
		t.Fatal("the other host was not reached")
	}
	for _, name := range []string{"Authorization", "Cookie", "X-Tenant-Credential", "X-Api-Key"} {
		if v := h.Get(name); v != "" {
			t.Errorf("cross-host redirect kept %s: %q", name, v)
		}
	}
	noSecret(t, "headers at the other host", fmt.Sprint(h), "b-secret", "c-secret", "k-secret", "h-secret")
	if h.Get("X-Trace") != "keep" {
		t.Errorf("non-credential header dropped")
	}
	if s := seen["same"]; s == nil || s.Get("Authorization") != "Bearer b-secret" || s.Get("X-Tenant-Credential") != "c-secret" {
		t.Errorf("same-host redirect lost credentials: %v", s)
	}

	// The package-level helper and a nil authenticator work too.
	req := httptest.NewRequest("GET", "http://b.test/", nil)
	req.Header.Set("Authorization", "x")
	req.Header.Set("X-Api-Key", "y")
	if err := StripOnRedirect(req, []*http.Request{httptest.NewRequest("GET", "http://a.test/", nil)}); err != nil {
		t.Fatal(err)
	}
	if len(req.Header) != 0 {
		t.Errorf("headers left: %v", req.Header)
	}
	// https -> http on the same host is a downgrade: dropped as well.
	req = httptest.NewRequest("GET", "http://a.test/", nil)
	req.Header.Set("Authorization", "x")
	_ = StripOnRedirect(req, []*http.Request{httptest.NewRequest("GET", "https://a.test/", nil)})
	if req.Header.Get("Authorization") != "" {
		t.Errorf("downgrade kept Authorization")
	}
	via := make([]*http.Request, 10)
	for i := range via {
		via[i] = req
	}
	if err := StripOnRedirect(req, via); err == nil {
		t.Errorf("no redirect limit")
	}
}
