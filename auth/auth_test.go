package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/openapi"
)

func TestParseFlag(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "secret")
	if err := os.WriteFile(file, []byte("s3cr3t-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	crlf := filepath.Join(dir, "crlf")
	if err := os.WriteFile(crlf, []byte("id:sec\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	two := filepath.Join(dir, "two")
	if err := os.WriteFile(two, []byte("tok\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in      string
		want    Credential
		wantErr string
	}{
		{in: "bearerAuth=abc", want: Credential{Scheme: "bearerAuth", Value: "abc"}},
		{in: "auth0.oAuth2ClientCredentials=id:sec=ret", want: Credential{Source: "auth0", Scheme: "oAuth2ClientCredentials", Value: "id:sec=ret"}},
		{in: "k=@" + file, want: Credential{Scheme: "k", Value: "s3cr3t-from-file"}},
		{in: "k=@" + crlf, want: Credential{Scheme: "k", Value: "id:sec"}},
		{in: "k=@" + two, want: Credential{Scheme: "k", Value: "tok\n"}}, // one newline only; New rejects the rest
		{in: "justasecretvalue", wantErr: "no '=' found"},
		{in: "=justasecretvalue", wantErr: "scheme name is empty"},
		{in: "k=", wantErr: "value is empty"},
		{in: ".k=secretvalue", wantErr: "SOURCE.SCHEME"},
		{in: "k=@", wantErr: "file name is empty"},
		{in: "k=@" + filepath.Join(dir, "missing"), wantErr: "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFlag(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				noSecret(t, "error", err.Error(), "justasecretvalue", "secretvalue")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestCredentialStringHidesValue(t *testing.T) {
	c := Credential{Source: "s", Scheme: "k", Value: "hunter2hunter2"}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(f, c)
		noSecret(t, f, out, c.Value)
		if !strings.Contains(out, "k") {
			t.Errorf("%s: %q does not name the scheme", f, out)
		}
	}
}

func TestEnvVarAndFromEnv(t *testing.T) {
	if got := EnvVar("oAuth2ClientCredentials"); got != "ARAZZO_AUTH_OAUTH2CLIENTCREDENTIALS" {
		t.Errorf("EnvVar = %s", got)
	}
	if got := EnvVar("auth0.api-key"); got != "ARAZZO_AUTH_AUTH0_API_KEY" {
		t.Errorf("EnvVar = %s", got)
	}
	env := []string{
		"PATH=/bin",
		"ARAZZO_AUTH_BEARERAUTH=old",
		"ARAZZO_AUTH_BEARERAUTH=tok",
		"ARAZZO_AUTH_API_KEY=key",
		"ARAZZO_AUTH_EMPTY=",
		"ARAZZO_AUTH_SRC_BASIC=u:p",
	}
	got := FromEnv(env, []string{"bearerAuth", "api-key", "empty", "missing", "src.basic", "bearerAuth"})
	want := []Credential{
		{Scheme: "bearerAuth", Value: "tok", Env: "ARAZZO_AUTH_BEARERAUTH"},
		{Scheme: "api-key", Value: "key", Env: "ARAZZO_AUTH_API_KEY"},
		{Source: "src", Scheme: "basic", Value: "u:p", Env: "ARAZZO_AUTH_SRC_BASIC"},
	}
	if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) || len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] got %#v want %#v", i, got[i], want[i])
		}
	}
}

// TestSchemeKinds applies every scheme kind and location.
func TestSchemeKinds(t *testing.T) {
	ts := newTokenServer(t)
	base := ts.URL + "/api"
	tests := []struct {
		scheme, value string
		check         func(t *testing.T, r *http.Request)
	}{
		{"bearer", "tok123", func(t *testing.T, r *http.Request) {
			if got := r.Header.Get("Authorization"); got != "Bearer tok123" {
				t.Errorf("Authorization = %q", got)
			}
		}},
		{"basic", "user:pa:ss", func(t *testing.T, r *http.Request) {
			u, p, ok := r.BasicAuth()
			if !ok || u != "user" || p != "pa:ss" {
				t.Errorf("basic = %q %q %v", u, p, ok)
			}
		}},
		{"hdrKey", "k-1", func(t *testing.T, r *http.Request) {
			if got := r.Header.Get("X-Api-Key"); got != "k-1" {
				t.Errorf("X-Api-Key = %q", got)
			}
		}},
		{"qKey", "k 2&x", func(t *testing.T, r *http.Request) {
			if got := r.URL.Query().Get("api_key"); got != "k 2&x" {
				t.Errorf("api_key = %q (raw %s)", got, r.URL.RawQuery)
			}
			if got := r.URL.Query().Get("a"); got != "1" {
				t.Errorf("existing query lost: %s", r.URL.RawQuery)
			}
		}},
		{"ckKey", "k3", func(t *testing.T, r *http.Request) {
			c, err := r.Cookie("session")
			if err != nil || c.Value != "k3" {
				t.Errorf("cookie = %v %v", c, err)
			}
		}},
		{"cc", "client:sec", func(t *testing.T, r *http.Request) {
			if got := r.Header.Get("Authorization"); got != "Bearer tok-A-secretvalue" {
				t.Errorf("Authorization = %q", got)
			}
		}},
		{"oidc", "client:sec", func(t *testing.T, r *http.Request) {
			if got := r.Header.Get("Authorization"); !strings.HasPrefix(got, "Bearer tok-") {
				t.Errorf("Authorization = %q", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.scheme, func(t *testing.T) {
			doc := testDoc(base)
			op := testOp("op", openapi.SecurityRequirement{tt.scheme: {}})
			a := mustNew(t, []Credential{{Scheme: tt.scheme, Value: tt.value}}, []Use{{Source: "s", StepID: "st", Op: op, Doc: doc}}, Options{})
			req := newReq(t, base+"/op?a=1")
			if err := a.Authenticate(context.Background(), req, op, "s"); err != nil {
				t.Fatal(err)
			}
			tt.check(t, req)
		})
	}
}

func TestTokenRequestForm(t *testing.T) {
	ts := newTokenServer(t)
	base := ts.URL + "/api/v2"
	doc := testDoc(base)
	op1 := testOp("one", openapi.SecurityRequirement{"cc": {"write"}})
	op2 := testOp("two", openapi.SecurityRequirement{"cc": {"read", "write"}})
	a := mustNew(t, []Credential{{Scheme: "cc", Value: "my id:my&secret"}},
		[]Use{{Source: "s", Op: op1, Doc: doc}, {Source: "s", Op: op2, Doc: doc}}, Options{})
	if err := a.Authenticate(context.Background(), newReq(t, base+"/two"), op2, "s"); err != nil {
		t.Fatal(err)
	}
	f := ts.form(0)
	if f["grant_type"][0] != "client_credentials" {
		t.Errorf("grant_type = %v", f["grant_type"])
	}
	// first-use order of the union over the uses
	if got := f["scope"]; len(got) != 1 || got[0] != "write read" {
		t.Errorf("scope = %q", got)
	}
	// "/api/" resolved against the server's origin; other values as written
	if got := f["audience"]; len(got) != 1 || got[0] != ts.URL+"/api/" {
		t.Errorf("audience = %q", got)
	}
	if got := f["resource"]; len(got) != 1 || got[0] != "urn:x" {
		t.Errorf("resource = %q", got)
	}
	if _, ok := f["client_secret"]; ok {
		t.Errorf("client_secret sent in the form although Basic worked")
	}
	if !ts.basic[0] {
		t.Errorf("HTTP Basic not used")
	}
}

func TestBasicClientAuthFallsBackToForm(t *testing.T) {
	ts := newTokenServer(t)
	ts.rejectBa = true
	ts.ttl = 100
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	base := ts.URL + "/api"
	doc := testDoc(base)
	op := testOp("op", openapi.SecurityRequirement{"cc": {"read"}})
	a := mustNew(t, []Credential{{Scheme: "cc", Value: "cid:csecret"}}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{Now: clock.Now})
	if err := a.Authenticate(context.Background(), newReq(t, base+"/op"), op, "s"); err != nil {
		t.Fatal(err)
	}
	if n := ts.requests(); n != 2 {
		t.Fatalf("token requests = %d, want 2 (basic, then form)", n)
	}
	f := ts.form(1)
	if f["client_id"][0] != "cid" || f["client_secret"][0] != "csecret" {
		t.Errorf("form = %v", f)
	}
	clock.Add(time.Hour)
	if err := a.Authenticate(context.Background(), newReq(t, base+"/op"), op, "s"); err != nil {
		t.Fatal(err)
	}
	if n := ts.requests(); n != 3 {
		t.Fatalf("token requests = %d, want 3 (the refresh goes straight to the form)", n)
	}
}

func TestTokenCachingAndRefresh(t *testing.T) {
	ts := newTokenServer(t)
	ts.ttl = 600
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	base := ts.URL + "/api"
	doc := testDoc(base)
	op := testOp("op", openapi.SecurityRequirement{"cc": {"read"}})
	a := mustNew(t, []Credential{{Scheme: "cc", Value: "cid:csecret"}}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{Now: clock.Now})

	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", base+"/op", nil)
			if err := a.Authenticate(context.Background(), req, op, "s"); err != nil {
				errs <- err
			} else if req.Header.Get("Authorization") != "Bearer tok-A-secretvalue" {
				errs <- errors.New("wrong token " + req.Header.Get("Authorization"))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := ts.requests(); n != 1 {
		t.Fatalf("token requests = %d, want exactly 1", n)
	}
	// Still valid well before expiry.
	clock.Add(500 * time.Second)
	req := newReq(t, base+"/op")
	if err := a.Authenticate(context.Background(), req, op, "s"); err != nil {
		t.Fatal(err)
	}
	if n := ts.requests(); n != 1 {
		t.Fatalf("token requests = %d, want 1 before the refresh margin", n)
	}
	// Within the refresh margin (min(30s, ttl/10) before expiry): refreshed.
	clock.Add(75 * time.Second)
	req = newReq(t, base+"/op")
	if err := a.Authenticate(context.Background(), req, op, "s"); err != nil {
		t.Fatal(err)
	}
	if n := ts.requests(); n != 2 {
		t.Fatalf("token requests = %d, want 2 after expiry", n)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer tok-B-secretvalue" {
		t.Errorf("Authorization = %q, want the refreshed token", got)
	}
	// Both tokens are secrets.
	s := strings.Join(a.Secrets(), " ")
	if !strings.Contains(s, "tok-A-secretvalue") || !strings.Contains(s, "tok-B-secretvalue") {
		t.Errorf("Secrets() lacks the tokens")
	}
}

// An operation whose scopes go beyond the union of the uses (it was not in
// the uses) gets a new token for the wider set.
func TestTokenWidenedForUnknownOperation(t *testing.T) {
	ts := newTokenServer(t)
	base := ts.URL + "/api"
	doc := testDoc(base)
	op := testOp("op", openapi.SecurityRequirement{"cc": {"read"}})
	other := testOp("other", openapi.SecurityRequirement{"cc": {"write"}})
	a := mustNew(t, []Credential{{Scheme: "cc", Value: "cid:csecret"}}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{})
	for _, o := range []*openapi.Operation{op, other, op, other} {
		if err := a.Authenticate(context.Background(), newReq(t, base+"/x"), o, "s"); err != nil {
			t.Fatal(err)
		}
	}
	if n := ts.requests(); n != 2 {
		t.Fatalf("token requests = %d, want 2", n)
	}
	if got := ts.form(1)["scope"][0]; got != "read write" {
		t.Errorf("scope = %q", got)
	}
}

func TestScopesOverride(t *testing.T) {
	ts := newTokenServer(t)
	base := ts.URL + "/api"
	doc := testDoc(base)
	op := testOp("op", openapi.SecurityRequirement{"cc": {"read"}})
	a := mustNew(t, []Credential{{Scheme: "cc", Value: "cid:csecret"}}, []Use{{Source: "s", Op: op, Doc: doc}},
		Options{Scopes: map[string][]string{"s.cc": {"admin", "read"}}})
	if err := a.Authenticate(context.Background(), newReq(t, base+"/x"), op, "s"); err != nil {
		t.Fatal(err)
	}
	if got := ts.form(0)["scope"][0]; got != "admin read" {
		t.Errorf("scope = %q", got)
	}
}

func TestGrantedScopeMissing(t *testing.T) {
	ts := newTokenServer(t)
	granted := "read"
	ts.scope = &granted
	base := ts.URL + "/api"
	doc := testDoc(base)
	op := testOp("op", openapi.SecurityRequirement{"cc": {"read", "write"}})
	a := mustNew(t, []Credential{{Scheme: "cc", Value: "cid:csecret"}}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{})
	err := a.Authenticate(context.Background(), newReq(t, base+"/x"), op, "s")
	var se *ScopeError
	if !errors.As(err, &se) || len(se.Missing) != 1 || se.Missing[0] != "write" {
		t.Fatalf("err = %v, want a ScopeError for write", err)
	}
	noSecret(t, "error", err.Error(), "csecret", "tok-A-secretvalue")
}

func TestTokenEndpointErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{"invalid_client", 401, `{"error":"invalid_client","error_description":"Client authentication failed"}`,
			[]string{"HTTP 401", "invalid_client", "Client authentication failed", "check the client id and secret"}},
		{"access_denied", 403, `{"error":"access_denied","error_description":"Service not enabled within domain"}`,
			[]string{"HTTP 403", "access_denied", "Service not enabled", "grant it the scopes: read"}},
		{"invalid_scope", 400, `{"error":"invalid_scope","error_description":"bad scope"}`,
			[]string{"HTTP 400", "invalid_scope", "requested scopes: read"}},
		{"echoes the secret", 400, `{"error":"invalid_request","error_description":"client_secret super-secret-xyz is wrong"}`,
			[]string{"HTTP 400", "invalid_request", "client_secret *** is wrong"}},
		{"not json", 502, "<html>bad gateway\nsuper-secret-xyz</html>",
			[]string{"HTTP 502", "bad gateway ***"}},
		{"no token", 200, `{"token_type":"bearer"}`, []string{"no access_token"}},
		{"mac token", 200, `{"access_token":"tkn-abcdef","token_type":"mac"}`, []string{`token_type "mac" is not supported`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTokenServer(t)
			ts.fail = func(w http.ResponseWriter) bool {
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
				return true
			}
			base := ts.URL + "/api"
			doc := testDoc(base)
			op := testOp("op", openapi.SecurityRequirement{"cc": {"read"}})
			a := mustNew(t, []Credential{{Scheme: "cc", Value: "cid:super-secret-xyz"}}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{})
			req := newReq(t, base+"/x")
			err := a.Authenticate(context.Background(), req, op, "s")
			var te *TokenError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want *TokenError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			noSecret(t, "error", err.Error(), "super-secret-xyz", base64.StdEncoding.EncodeToString([]byte("cid:super-secret-xyz")))
			noSecret(t, "error", fmt.Sprintf("%+v %#v", te, te), "super-secret-xyz")
			if req.Header.Get("Authorization") != "" {
				t.Errorf("request decorated despite the failure")
			}
		})
	}
}

func TestTokenEndpointUnreachable(t *testing.T) {
	ts := newTokenServer(t)
	base := ts.URL + "/api"
	ts.Close()
	doc := testDoc(base)
	op := testOp("op", openapi.SecurityRequirement{"cc": {}})
	a := mustNew(t, []Credential{{Scheme: "cc", Value: "cid:super-secret-xyz"}}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{})
	err := a.Authenticate(context.Background(), newReq(t, base+"/x"), op, "s")
	if err == nil || !strings.Contains(err.Error(), `token request for scheme "cc" of source "s" to `+ts.URL+"/oauth/token failed") {
		t.Fatalf("err = %v", err)
	}
	noSecret(t, "error", err.Error(), "super-secret-xyz")
}

// Relative tokenUrl: RFC 3986 reference resolution against the server URL.
// "/oauth/token" replaces the whole path; "oauth/token" replaces the last
// segment ("v2") of "/api/v2".
func TestRelativeTokenURL(t *testing.T) {
	for _, tc := range []struct{ tokenURL, server, wantPath string }{
		{"/oauth/token", "/api/v2", "/oauth/token"},
		{"oauth/token", "/api/v2", "/api/oauth/token"},
		{"../oauth/token", "/api/v2/", "/api/oauth/token"},
	} {
		t.Run(tc.tokenURL, func(t *testing.T) {
			ts := newTokenServer(t)
			base := ts.URL + tc.server
			doc := testDoc(base)
			doc.SecuritySchemes["cc"].Flows.ClientCredentials.TokenURL = tc.tokenURL
			op := testOp("op", openapi.SecurityRequirement{"cc": {}})
			a := mustNew(t, []Credential{{Scheme: "cc", Value: "cid:csec"}}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{})
			err := a.Authenticate(context.Background(), newReq(t, base+"/x"), op, "s")
			if err != nil {
				t.Fatal(err)
			}
			if len(ts.paths) != 1 || ts.paths[0] != tc.wantPath {
				t.Errorf("token request paths %q, want %q", ts.paths, tc.wantPath)
			}
		})
	}
}

func TestOpenIDConnectDiscoveryOnce(t *testing.T) {
	ts := newTokenServer(t)
	base := ts.URL + "/api"
	doc := testDoc(base)
	op := testOp("op", openapi.SecurityRequirement{"oidc": {"read"}})
	a := mustNew(t, []Credential{{Scheme: "oidc", Value: "cid:csec"}}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{})
	for i := 0; i < 3; i++ {
		if err := a.Authenticate(context.Background(), newReq(t, base+"/x"), op, "s"); err != nil {
			t.Fatal(err)
		}
	}
	if ts.disc != 1 || ts.requests() != 1 {
		t.Fatalf("discovery = %d, token = %d; want 1 and 1", ts.disc, ts.requests())
	}
	if got := ts.form(0)["scope"][0]; got != "read" {
		t.Errorf("scope = %q", got)
	}
}

func TestRequirementAlternatives(t *testing.T) {
	base := "http://api.example.test/v1"
	alt := func(names ...string) openapi.SecurityRequirement {
		r := openapi.SecurityRequirement{}
		for _, n := range names {
			r[n] = []string{}
		}
		return r
	}
	tests := []struct {
		name  string
		sec   []openapi.SecurityRequirement
		creds []string
		want  map[string]string // header -> value; "" = absent
	}{
		{"first satisfiable wins", []openapi.SecurityRequirement{alt("bearer"), alt("hdrKey")}, []string{"bearer", "hdrKey"},
			map[string]string{"Authorization": "Bearer v-bearer", "X-Api-Key": ""}},
		{"skips unsatisfiable", []openapi.SecurityRequirement{alt("bearer"), alt("hdrKey")}, []string{"hdrKey"},
			map[string]string{"Authorization": "", "X-Api-Key": "v-hdrKey"}},
		{"all schemes of an alternative", []openapi.SecurityRequirement{alt("bearer", "hdrKey"), alt("basic")}, []string{"bearer", "hdrKey", "basic"},
			map[string]string{"Authorization": "Bearer v-bearer", "X-Api-Key": "v-hdrKey"}},
		{"partial alternative is not taken", []openapi.SecurityRequirement{alt("bearer", "hdrKey")}, []string{"hdrKey"},
			map[string]string{"Authorization": "", "X-Api-Key": ""}},
		{"anonymous alternative last resort", []openapi.SecurityRequirement{alt(), alt("hdrKey")}, []string{"hdrKey"},
			map[string]string{"X-Api-Key": "v-hdrKey"}},
		{"anonymous and no credentials", []openapi.SecurityRequirement{alt(), alt("hdrKey")}, nil,
			map[string]string{"X-Api-Key": ""}},
		{"undeclared scheme skipped", []openapi.SecurityRequirement{alt("nope"), alt("hdrKey")}, []string{"hdrKey"},
			map[string]string{"X-Api-Key": "v-hdrKey"}},
		{"no security", nil, []string{"bearer"}, map[string]string{"Authorization": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := testDoc(base)
			op := testOp("op", tt.sec...)
			var creds []Credential
			for _, c := range tt.creds {
				v := "v-" + c
				if c == "basic" {
					v = "u:p"
				}
				creds = append(creds, Credential{Scheme: c, Value: v})
			}
			a := mustNew(t, creds, []Use{{Source: "s", Op: op, Doc: doc}}, Options{})
			req := newReq(t, base+"/op")
			if err := a.Authenticate(context.Background(), req, op, "s"); err != nil {
				t.Fatal(err)
			}
			for h, v := range tt.want {
				if got := req.Header.Get(h); got != v {
					t.Errorf("%s = %q, want %q", h, got, v)
				}
			}
		})
	}
}

func TestRequireCredentials(t *testing.T) {
	base := "http://api.example.test/v1"
	doc := testDoc(base)
	op := testOp("op", openapi.SecurityRequirement{"bearer": {}}, openapi.SecurityRequirement{"cc": {"read"}})
	a := mustNew(t, nil, []Use{{Source: "s", Op: op, Doc: doc}}, Options{RequireCredentials: true})
	err := a.Authenticate(context.Background(), newReq(t, base+"/op"), op, "s")
	var me *MissingCredentialError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v", err)
	}
	for _, w := range []string{"--auth bearer=TOKEN", "ARAZZO_AUTH_BEARER", "--auth cc=CLIENT_ID:CLIENT_SECRET"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q lacks %q", err, w)
		}
	}
}

// A header, query parameter or cookie set by the workflow wins.
func TestWorkflowValuesWin(t *testing.T) {
	ts := newTokenServer(t)
	base := ts.URL + "/api"
	doc := testDoc(base)
	op := testOp("op", openapi.SecurityRequirement{"bearer": {}, "hdrKey": {}, "qKey": {}, "ckKey": {}},
		openapi.SecurityRequirement{"cc": {}})
	a := mustNew(t, []Credential{
		{Scheme: "bearer", Value: "injected"}, {Scheme: "hdrKey", Value: "injected"},
		{Scheme: "qKey", Value: "injected"}, {Scheme: "ckKey", Value: "injected"},
	}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{})
	req := newReq(t, base+"/op?api_key=mine")
	req.Header.Set("Authorization", "Bearer mine")
	req.Header.Set("x-api-key", "mine")
	req.AddCookie(&http.Cookie{Name: "session", Value: "mine"})
	if err := a.Authenticate(context.Background(), req, op, "s"); err != nil {
		t.Fatal(err)
	}
	dump := fmt.Sprint(req.Header, req.URL.RawQuery)
	if strings.Contains(dump, "injected") {
		t.Errorf("workflow values overwritten: %s", dump)
	}
	// oauth2: an explicit Authorization means no token request at all.
	b := mustNew(t, []Credential{{Scheme: "cc", Value: "a:b"}}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{})
	req = newReq(t, base+"/op")
	req.Header.Set("Authorization", "Bearer mine")
	if err := b.Authenticate(context.Background(), req, op, "s"); err != nil {
		t.Fatal(err)
	}
	if ts.requests() != 0 || req.Header.Get("Authorization") != "Bearer mine" {
		t.Errorf("token requested (%d) or header replaced (%s)", ts.requests(), req.Header.Get("Authorization"))
	}
}

func TestOnlyTheSourcesServer(t *testing.T) {
	doc := testDoc("https://{tenant}.example.test/api")
	doc.Servers[0].Variables = map[string]openapi.ServerVariable{"tenant": {Default: "default"}}
	op := testOp("op", openapi.SecurityRequirement{"bearer": {}})
	uses := []Use{{Source: "s", Op: op, Doc: doc}}
	creds := []Credential{{Scheme: "bearer", Value: "tok-xyz"}}
	tests := []struct {
		name string
		opts Options
		url  string
		ok   bool
	}{
		{"default variable", Options{}, "https://default.example.test/api/op", true},
		{"default port explicit", Options{}, "https://DEFAULT.example.test:443/api/op", true},
		{"other host", Options{}, "https://evil.test/api/op", false},
		{"other port", Options{}, "https://default.example.test:8443/api/op", false},
		{"server variable", Options{ServerVars: map[string]map[string]string{"s": {"tenant": "acme"}}}, "https://acme.example.test/api/op", true},
		{"server variable, default host refused", Options{ServerVars: map[string]map[string]string{"s": {"tenant": "acme"}}}, "https://default.example.test/api/op", false},
		{"server override", Options{Servers: map[string]string{"s": "http://127.0.0.1:9/x"}}, "http://127.0.0.1:9/x/op", true},
		{"server override, declared host refused", Options{Servers: map[string]string{"s": "http://127.0.0.1:9/x"}}, "https://default.example.test/api/op", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustNew(t, creds, uses, tt.opts)
			req := newReq(t, tt.url)
			err := a.Authenticate(context.Background(), req, op, "s")
			if tt.ok {
				if err != nil || req.Header.Get("Authorization") == "" {
					t.Fatalf("err = %v, header %q", err, req.Header.Get("Authorization"))
				}
				return
			}
			var he *HostError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v, want HostError", err)
			}
			if req.Header.Get("Authorization") != "" {
				t.Errorf("credential sent to %s", tt.url)
			}
			noSecret(t, "error", err.Error(), "tok-xyz")
		})
	}
}

func TestRelativeServerResolvedAgainstLocation(t *testing.T) {
	doc := testDoc("/v3")
	doc.Location = "https://petstore.example.test/openapi.json"
	op := testOp("op", openapi.SecurityRequirement{"hdrKey": {}})
	a := mustNew(t, []Credential{{Scheme: "hdrKey", Value: "k"}}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{})
	req := newReq(t, "https://petstore.example.test/v3/op")
	if err := a.Authenticate(context.Background(), req, op, "s"); err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("X-Api-Key") != "k" {
		t.Errorf("not applied")
	}
}

func TestUnknownSourceLeftAlone(t *testing.T) {
	doc := testDoc("http://h.test")
	op := testOp("op", openapi.SecurityRequirement{"bearer": {}})
	a := mustNew(t, []Credential{{Scheme: "bearer", Value: "t"}}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{})
	req := newReq(t, "http://h.test/op")
	if err := a.Authenticate(context.Background(), req, op, "other"); err != nil || req.Header.Get("Authorization") != "" {
		t.Fatalf("err %v, header %q", err, req.Header.Get("Authorization"))
	}
	var nilA *Authenticator
	if err := nilA.Authenticate(context.Background(), req, op, "s"); err != nil {
		t.Fatal(err)
	}
}

func TestNewErrors(t *testing.T) {
	doc := testDoc("http://h.test")
	other := testDoc("http://o.test")
	other.SecuritySchemes = map[string]*openapi.SecurityScheme{"bearer": {Name: "bearer", Type: "http", Scheme: "bearer"}}
	op := testOp("op")
	uses := []Use{{Source: "api", Op: op, Doc: doc}, {Source: "other", Op: op, Doc: other}}
	const secret = "VerySecretValue42"
	tests := []struct {
		cred Credential
		want string
	}{
		{Credential{Scheme: "beare", Value: secret}, `unknown security scheme "beare": no source description of this workflow declares it (did you mean "bearer"?)`},
		{Credential{Scheme: "HDRKEY", Value: secret}, `did you mean "hdrKey"?`},
		{Credential{Source: "other", Scheme: "basic", Value: secret}, `source "other" does not declare it`},
		{Credential{Source: "apo", Scheme: "bearer", Value: secret}, `no source description "apo" is used by this workflow (did you mean "api"?)`},
		{Credential{Scheme: "basic", Value: secret}, "http basic wants USER:PASSWORD"},
		{Credential{Scheme: "cc", Value: secret}, "CLIENT_ID:CLIENT_SECRET"},
		{Credential{Scheme: "oidc", Value: ":" + secret}, "CLIENT_ID:CLIENT_SECRET"},
		{Credential{Scheme: "digest", Value: secret}, `http scheme "digest" is not supported`},
		{Credential{Scheme: "mtls", Value: secret}, `type "mutualTLS" is not supported`},
		{Credential{Scheme: "authCode", Value: "a:" + secret}, "no clientCredentials flow"},
		{Credential{Scheme: "bearer", Value: secret + "\n"}, "line break"},
		{Credential{Scheme: "ckKey", Value: secret + ";x=1"}, "cookie value cannot contain"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			a, err := New([]Credential{tt.cred}, uses, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if a != nil {
				t.Errorf("authenticator returned with an error")
			}
			noSecret(t, "error", err.Error(), secret)
		})
	}
	// An environment credential for a scheme no used source declares is
	// ignored; a malformed one is still an error, naming its variable.
	if _, err := New([]Credential{{Scheme: "elsewhere", Value: secret, Env: "ARAZZO_AUTH_ELSEWHERE"}}, uses, Options{}); err != nil {
		t.Errorf("unknown env credential: %v", err)
	}
	_, err := New([]Credential{{Scheme: "basic", Value: secret, Env: "ARAZZO_AUTH_BASIC"}}, uses, Options{})
	if err == nil || !strings.Contains(err.Error(), "credential basic (from ARAZZO_AUTH_BASIC): http basic wants USER:PASSWORD") {
		t.Errorf("malformed env credential: %v", err)
	}
	// A dotted scheme name split by ParseFlag is re-joined.
	doc.SecuritySchemes["my.key"] = &openapi.SecurityScheme{Name: "my.key", Type: "apiKey", In: "header", ParamName: "K"}
	c, _ := ParseFlag("my.key=v")
	if _, err := New([]Credential{c}, uses, Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestSourceQualifiedCredentialWins(t *testing.T) {
	d1, d2 := testDoc("http://one.test"), testDoc("http://two.test")
	op := testOp("op", openapi.SecurityRequirement{"bearer": {}})
	a := mustNew(t, []Credential{{Source: "two", Scheme: "bearer", Value: "t2"}, {Scheme: "bearer", Value: "any"},
		{Scheme: "bearer", Value: "from-env"}, {Source: "two", Scheme: "bearer", Value: "from-env"}},
		[]Use{{Source: "one", Op: op, Doc: d1}, {Source: "two", Op: op, Doc: d2}}, Options{})
	for src, want := range map[string]string{"one": "Bearer any", "two": "Bearer t2"} {
		req := newReq(t, "http://"+src+".test/op")
		if err := a.Authenticate(context.Background(), req, op, src); err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get("Authorization"); got != want {
			t.Errorf("%s: %q, want %q", src, got, want)
		}
	}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		noSecret(t, f, fmt.Sprintf(f, a), "t2", "any", "from-env")
	}
}

// expires_in as a string is honoured; without expires_in the token lasts
// the run.
func TestTokenExpiryForms(t *testing.T) {
	for _, tc := range []struct {
		name     string
		body     string
		wantReqs int
	}{
		{"string expires_in", `{"access_token":"tkn-string-exp","token_type":"Bearer","expires_in":"60"}`, 2},
		{"no expires_in", `{"access_token":"tkn-no-exp"}`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTokenServer(t)
			ts.fail = func(w http.ResponseWriter) bool { w.Write([]byte(tc.body)); return true }
			clock := &fakeClock{t: time.Unix(1e9, 0)}
			base := ts.URL + "/api"
			doc := testDoc(base)
			op := testOp("op", openapi.SecurityRequirement{"cc": {}})
			a := mustNew(t, []Credential{{Scheme: "cc", Value: "cid:csecret"}}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{Now: clock.Now})
			for i := 0; i < 2; i++ {
				if err := a.Authenticate(context.Background(), newReq(t, base+"/op"), op, "s"); err != nil {
					t.Fatal(err)
				}
				clock.Add(24 * time.Hour)
			}
			if n := ts.requests(); n != tc.wantReqs {
				t.Errorf("token requests = %d, want %d", n, tc.wantReqs)
			}
		})
	}
}
