package auth

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/openapi"
)

// schemes used across tests; oauth's tokenUrl is relative to the server.
func testSchemes() map[string]*openapi.SecurityScheme {
	return map[string]*openapi.SecurityScheme{
		"bearer": {Name: "bearer", Type: "http", Scheme: "bearer"},
		"basic":  {Name: "basic", Type: "http", Scheme: "Basic"},
		"hdrKey": {Name: "hdrKey", Type: "apiKey", In: "header", ParamName: "X-Api-Key"},
		"qKey":   {Name: "qKey", Type: "apiKey", In: "query", ParamName: "api_key"},
		"ckKey":  {Name: "ckKey", Type: "apiKey", In: "cookie", ParamName: "session"},
		"digest": {Name: "digest", Type: "http", Scheme: "digest"},
		"mtls":   {Name: "mtls", Type: "mutualTLS"},
		"authCode": {Name: "authCode", Type: "oauth2", Flows: &openapi.OAuthFlows{AuthorizationCode: &openapi.OAuthFlow{
			AuthorizationURL: "/authorize", TokenURL: "/token"}}},
		"cc": {Name: "cc", Type: "oauth2", Flows: &openapi.OAuthFlows{ClientCredentials: &openapi.OAuthFlow{
			TokenURL:   "/oauth/token",
			Scopes:     map[string]string{"read": "", "write": ""},
			Extensions: map[string]any{"x-form-parameters": map[string]any{"audience": "/api/", "resource": "urn:x"}},
		}}},
		"oidc": {Name: "oidc", Type: "openIdConnect", OpenIDConnectURL: "/.well-known/openid-configuration"},
	}
}

// testDoc is a document whose server is base, with the given schemes.
func testDoc(base string) *openapi.Document {
	return &openapi.Document{
		Location:        "/tmp/test.yaml",
		Servers:         []openapi.Server{{URL: base}},
		SecuritySchemes: testSchemes(),
	}
}

func testOp(id string, sec ...openapi.SecurityRequirement) *openapi.Operation {
	return &openapi.Operation{ID: id, Method: "GET", Path: "/" + id, Security: sec, SecurityDeclared: true}
}

// tokenServer is an OAuth2 token endpoint (and discovery document) that
// records what it received.
type tokenServer struct {
	*httptest.Server
	mu       sync.Mutex
	forms    []map[string][]string
	paths    []string
	basic    []bool
	disc     int
	ttl      int
	scope    *string // response "scope", nil: not sent
	rejectBa bool
	fail     func(w http.ResponseWriter) bool
	n        int
}

func newTokenServer(t testing.TB) *tokenServer {
	ts := &tokenServer{ttl: 3600}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		if r.URL.Path == "/.well-known/openid-configuration" {
			ts.disc++
			json.NewEncoder(w).Encode(map[string]string{"issuer": ts.URL, "token_endpoint": "/connect/token"})
			return
		}
		if r.URL.Path != "/oauth/token" && r.URL.Path != "/connect/token" && r.URL.Path != "/api/oauth/token" {
			http.NotFound(w, r)
			return
		}
		_ = r.ParseForm()
		ts.forms = append(ts.forms, r.PostForm)
		ts.paths = append(ts.paths, r.URL.Path)
		_, _, isBasic := r.BasicAuth()
		ts.basic = append(ts.basic, isBasic)
		if ts.fail != nil && ts.fail(w) {
			return
		}
		if isBasic && ts.rejectBa {
			w.WriteHeader(401)
			w.Write([]byte(`{"error":"invalid_client","error_description":"basic not allowed"}`))
			return
		}
		ts.n++
		resp := map[string]any{"access_token": "tok-" + string(rune('A'+ts.n-1)) + "-secretvalue", "token_type": "bearer", "expires_in": ts.ttl}
		if ts.scope != nil {
			resp["scope"] = *ts.scope
		}
		json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) requests() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.forms)
}

func (ts *tokenServer) form(i int) map[string][]string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.forms[i]
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newReq(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), "GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func mustNew(t *testing.T, creds []Credential, uses []Use, opts Options) *Authenticator {
	t.Helper()
	a, err := New(creds, uses, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func noSecret(t *testing.T, what, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("%s contains the secret %q: %s", what, sec, s)
		}
	}
}
