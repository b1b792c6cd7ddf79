package auth0sim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type fixture struct {
	sim *Sim
	srv *httptest.Server
	all string // Authorization with every scope (req)
}

func newFixture(t *testing.T) *fixture {
	s := New()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &fixture{sim: s, srv: srv}
}

func (f *fixture) do(t *testing.T, method, path, auth, body string, header ...string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, resp.Header, m
}

func (f *fixture) token(t *testing.T, form url.Values, basic bool) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+"/oauth/token/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(f.sim.ClientID, f.sim.ClientSecret)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestTokenEndpoint(t *testing.T) {
	f := newFixture(t)
	aud := f.srv.URL + "/api/v2/"
	good := func() url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {DefaultClientID},
			"client_secret": {DefaultClientSecret}, "audience": {aud}, "scope": {"create:clients"}}
	}
	with := func(k, v string) url.Values {
		g := good()
		if v == "" {
			g.Del(k)
		} else {
			g.Set(k, v)
		}
		return g
	}
	tests := []struct {
		name   string
		form   url.Values
		basic  bool
		status int
		code   string
	}{
		{"form auth", good(), false, 200, ""},
		{"basic auth", with("client_secret", ""), true, 200, ""},
		{"no scope: all granted", with("scope", ""), false, 200, ""},
		{"wrong secret", with("client_secret", "nope"), false, 401, "invalid_client"},
		{"no client", with("client_id", ""), false, 401, "invalid_client"},
		{"wrong grant", with("grant_type", "password"), false, 403, "unauthorized_client"},
		{"no audience", with("audience", ""), false, 403, "access_denied"},
		{"wrong audience", with("audience", "https://other/api/v2/"), false, 403, "access_denied"},
		{"scope not granted", with("scope", "create:clients delete:users"), false, 403, "access_denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.token(t, tt.form, tt.basic)
			if status != tt.status || (tt.code != "" && body["error"] != tt.code) {
				t.Fatalf("got %d %v, want %d %s", status, body, tt.status, tt.code)
			}
			if status == 200 && (body["access_token"] == "" || body["token_type"] != "Bearer" || body["expires_in"] != float64(86400)) {
				t.Errorf("token response %v", body)
			}
		})
	}
	if n := f.sim.TokenRequestCount(); n != len(tests) {
		t.Errorf("TokenRequestCount = %d, want %d", n, len(tests))
	}
	trs := f.sim.TokenRequests()
	if trs[1].ClientAuth != "basic" || trs[0].ClientAuth != "form" || trs[0].Scope != "create:clients" || trs[0].Audience != aud || trs[3].Status != 401 {
		t.Errorf("token log %+v", trs[:4])
	}

	f.sim.RejectBasic = true
	if status, body := f.token(t, with("client_secret", ""), true); status != 401 || body["error"] != "invalid_client" {
		t.Errorf("RejectBasic: %d %v", status, body)
	}
}

func TestEndpointsEnforceScopes(t *testing.T) {
	f := newFixture(t)
	onlyClients := "Bearer " + f.sim.IssueToken("create:clients")
	if s, _, b := f.do(t, "POST", "/api/v2/resource-servers", onlyClients, `{"identifier":"x"}`); s != 403 || b["errorCode"] != "insufficient_scope" {
		t.Errorf("got %d %v", s, b)
	}
	if s, _, _ := f.do(t, "POST", "/api/v2/clients", onlyClients, `{"name":"c"}`); s != 201 {
		t.Errorf("got %d", s)
	}
	if s, _, _ := f.do(t, "POST", "/api/v2/clients", "", `{"name":"c"}`); s != 401 {
		t.Errorf("no token: %d", s)
	}
	if s, _, _ := f.do(t, "POST", "/api/v2/clients", "Bearer forged", `{"name":"c"}`); s != 401 {
		t.Errorf("unknown token: %d", s)
	}
	// Expiry follows the clock.
	now := time.Unix(1e9, 0)
	var mu sync.Mutex
	f.sim.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	f.sim.TokenTTL = time.Minute
	tok := "Bearer " + f.sim.IssueToken("create:clients")
	if s, _, _ := f.do(t, "POST", "/api/v2/clients", tok, `{"name":"c"}`); s != 201 {
		t.Errorf("fresh token: %d", s)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	if s, _, _ := f.do(t, "POST", "/api/v2/clients", tok, `{"name":"c"}`); s != 401 {
		t.Errorf("expired token: %d", s)
	}
}

func TestProvisioningState(t *testing.T) {
	f := newFixture(t)
	tok := "Bearer " + f.sim.IssueToken("create:resource_servers", "create:clients", "create:client_grants", "read:clients")
	rs := `{"name":"API","identifier":"https://api.test","scopes":[{"value":"read:items"}]}`
	s, _, body := f.do(t, "POST", "/api/v2/resource-servers", tok, rs)
	if s != 201 || body["id"] == nil || body["identifier"] != "https://api.test" {
		t.Fatalf("create resource server: %d %v", s, body)
	}
	if s, _, body := f.do(t, "POST", "/api/v2/resource-servers", tok, rs); s != 409 || body["statusCode"] != float64(409) {
		t.Errorf("duplicate identifier: %d %v", s, body)
	}
	if s, _, _ := f.do(t, "POST", "/api/v2/resource-servers", tok, `{"name":"x"}`); s != 400 {
		t.Errorf("missing identifier: %d", s)
	}
	if s, _, _ := f.do(t, "POST", "/api/v2/resource-servers", tok, `{not json`); s != 400 {
		t.Errorf("bad json: %d", s)
	}
	s, _, cl := f.do(t, "POST", "/api/v2/clients", tok, `{"name":"worker"}`)
	cid, _ := cl["client_id"].(string)
	if s != 201 || cid == "" || cl["client_secret"] == nil {
		t.Fatalf("create client: %d %v", s, cl)
	}
	grant := `{"client_id":"` + cid + `","audience":"https://api.test","scope":["read:items"]}`
	if s, _, body := f.do(t, "POST", "/api/v2/client-grants", tok, grant); s != 201 || body["id"] == nil {
		t.Errorf("create grant: %d %v", s, body)
	}
	if s, _, _ := f.do(t, "POST", "/api/v2/client-grants", tok, grant); s != 409 {
		t.Errorf("duplicate grant: %d", s)
	}
	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{"client_id":"nope","audience":"https://api.test"}`, 404},
		{`{"client_id":"` + cid + `","audience":"https://none.test"}`, 404},
		{`{"client_id":"` + cid + `","audience":"https://api.test","scope":["write:items"]}`, 400},
		{`{"audience":"https://api.test"}`, 400},
	} {
		if s, _, _ := f.do(t, "POST", "/api/v2/client-grants", tok, tc.body); s != tc.status {
			t.Errorf("%s: %d, want %d", tc.body, s, tc.status)
		}
	}
	if n := len(f.sim.ResourceServers()); n != 1 {
		t.Errorf("resource servers %d", n)
	}
	if n := len(f.sim.Clients()); n != 1 {
		t.Errorf("clients %d", n)
	}
	if g := f.sim.ClientGrants(); len(g) != 1 || g[0]["client_id"] != cid {
		t.Errorf("grants %v", g)
	}
	// Read endpoints need their read scope.
	if s, _, _ := f.do(t, "GET", "/api/v2/clients", tok, ""); s != 200 {
		t.Errorf("list clients: %d", s)
	}
	if s, _, _ := f.do(t, "GET", "/api/v2/client-grants", tok, ""); s != 403 {
		t.Errorf("list grants without read:client_grants: %d", s)
	}
	// Every request is logged with its status.
	log := f.sim.Requests()
	if len(log) != 13 || log[0].Method != "POST" || log[0].Path != "/api/v2/resource-servers" || log[0].Status != 201 || log[1].Status != 409 {
		t.Errorf("log: %d entries, first %+v", len(log), log[0])
	}
}

func TestRateLimit(t *testing.T) {
	f := newFixture(t)
	tok := "Bearer " + f.sim.IssueToken("create:clients")
	f.sim.RateLimit(2, 3)
	for i := 0; i < 2; i++ {
		s, h, body := f.do(t, "POST", "/api/v2/clients", tok, `{"name":"c"}`)
		if s != 429 || h.Get("Retry-After") != "3" || h.Get("X-RateLimit-Limit") == "" || h.Get("X-RateLimit-Remaining") != "0" {
			t.Fatalf("attempt %d: %d %v %v", i, s, h, body)
		}
		if _, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err != nil {
			t.Errorf("X-RateLimit-Reset %q", h.Get("X-RateLimit-Reset"))
		}
	}
	if s, _, _ := f.do(t, "POST", "/api/v2/clients", tok, `{"name":"c"}`); s != 201 {
		t.Errorf("after the limit: %d", s)
	}
}

// The zero Sim (not from New) must not panic.
func TestZeroSim(t *testing.T) {
	srv := httptest.NewServer(&Sim{})
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/api/v2/clients", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("status %d", resp.StatusCode)
	}
}
