package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/arazzo-run/arazzo/auth/auth0sim"
	"github.com/arazzo-run/arazzo/openapi"
)

const auth0Source = "auth0ManagementApi"

var (
	auth0Once sync.Once
	auth0Doc  *openapi.Document
	auth0Err  error
)

// loadAuth0 loads the real Auth0 Management API description (repository
// testdata, about a second) once for the package.
func loadAuth0(t *testing.T) *openapi.Document {
	t.Helper()
	auth0Once.Do(func() {
		auth0Doc, auth0Err = openapi.Load(context.Background(), "../testdata/auth0/openapi/auth0-management-api-openapi.yml", openapi.LoadOptions{})
	})
	if auth0Err != nil {
		t.Fatal(auth0Err)
	}
	return auth0Doc
}

// auth0Uses are the operations of the seed workflow
// (testdata/auth0/arazzo/auth0-provision-m2m-app-workflow.yml).
func auth0Uses(t *testing.T) []Use {
	doc := loadAuth0(t)
	var uses []Use
	for _, s := range []struct{ step, op string }{
		{"createApi", "post_resource-servers"},
		{"createClient", "post_clients"},
		{"createGrant", "post_client-grants"},
	} {
		op, ok := doc.OperationByID(s.op)
		if !ok {
			t.Fatalf("operation %s not found", s.op)
		}
		uses = append(uses, Use{Source: auth0Source, StepID: s.step, Op: op, Doc: doc})
	}
	return uses
}

// runAuth0Seed sends the three requests of the seed workflow through a
// and the simulator, and returns the status codes.
func runAuth0Seed(t *testing.T, a *Authenticator, client *http.Client, base string, uses []Use) []int {
	t.Helper()
	var clientID string
	bodies := []func() any{
		func() any {
			return map[string]any{"name": "Inventory API", "identifier": "https://inventory.example.test",
				"scopes": []any{map[string]any{"value": "read:items"}}}
		},
		func() any { return map[string]any{"name": "inventory-worker"} },
		func() any {
			return map[string]any{"client_id": clientID, "audience": "https://inventory.example.test", "scope": []any{"read:items"}}
		},
	}
	var codes []int
	for i, u := range uses {
		b, _ := json.Marshal(bodies[i]())
		req, err := http.NewRequestWithContext(context.Background(), u.Op.Method, base+u.Op.Path, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if err := a.Authenticate(context.Background(), req, u.Op, u.Source); err != nil {
			t.Fatalf("%s: %v", u.StepID, err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if id, ok := out["client_id"].(string); ok {
			clientID = id
		}
		codes = append(codes, resp.StatusCode)
	}
	return codes
}

// TestAuth0ClientCredentials runs the seed workflow's requests against the
// simulator behind TLS, the server URL built from the description's
// https://{tenantDomain}/api/v2 with the tenantDomain variable.
func TestAuth0ClientCredentials(t *testing.T) {
	uses := auth0Uses(t)
	sim := auth0sim.New()
	srv := httptest.NewTLSServer(sim)
	defer srv.Close()
	host := srv.Listener.Addr().String()
	a := mustNew(t, []Credential{{Scheme: "oAuth2ClientCredentials", Value: sim.ClientID + ":" + sim.ClientSecret}}, uses, Options{
		HTTPClient: srv.Client(),
		ServerVars: map[string]map[string]string{auth0Source: {"tenantDomain": host}},
	})
	codes := runAuth0Seed(t, a, srv.Client(), "https://"+host+"/api/v2", uses)
	if !reflect.DeepEqual(codes, []int{201, 201, 201}) {
		t.Fatalf("status codes %v, want 201 201 201; log %+v", codes, sim.TokenRequests())
	}
	trs := sim.TokenRequests()
	if len(trs) != 1 {
		t.Fatalf("token requests = %d, want exactly 1: %+v", len(trs), trs)
	}
	tr := trs[0]
	// First-use order, the order of the steps.
	if tr.Scope != "create:resource_servers create:clients create:client_grants" {
		t.Errorf("scope = %q", tr.Scope)
	}
	if tr.Audience != "https://"+host+"/api/v2/" {
		t.Errorf("audience = %q", tr.Audience)
	}
	if tr.ClientAuth != "basic" || tr.GrantType != "client_credentials" {
		t.Errorf("token request %+v", tr)
	}
	// The client secret went to the token endpoint only.
	for _, r := range sim.Requests() {
		if strings.HasPrefix(r.Path, "/api/") && (strings.Contains(r.Header.Get("Authorization"), "Basic") || bytes.Contains(r.Body, []byte(sim.ClientSecret))) {
			t.Errorf("client secret sent to %s", r.Path)
		}
	}
}

// The same with a server URL override (what --server gives the executor)
// and a token endpoint that takes the client only in the form.
func TestAuth0ClientCredentialsFormAuth(t *testing.T) {
	uses := auth0Uses(t)
	sim := auth0sim.New()
	sim.RejectBasic = true
	srv := httptest.NewServer(sim)
	defer srv.Close()
	a := mustNew(t, []Credential{{Source: auth0Source, Scheme: "oAuth2ClientCredentials", Value: sim.ClientID + ":" + sim.ClientSecret}}, uses, Options{
		Servers: map[string]string{auth0Source: srv.URL + "/api/v2"},
	})
	codes := runAuth0Seed(t, a, srv.Client(), srv.URL+"/api/v2", uses)
	if !reflect.DeepEqual(codes, []int{201, 201, 201}) {
		t.Fatalf("status codes %v", codes)
	}
	trs := sim.TokenRequests()
	if len(trs) != 2 || trs[0].ClientAuth != "basic" || trs[0].Status != 401 || trs[1].ClientAuth != "form" || trs[1].Status != 200 {
		t.Fatalf("token requests %+v, want basic refused then form", trs)
	}
}

func TestAuth0Bearer(t *testing.T) {
	uses := auth0Uses(t)
	sim := auth0sim.New()
	srv := httptest.NewServer(sim)
	defer srv.Close()
	tok := sim.IssueToken("create:resource_servers", "create:clients", "create:client_grants")
	a := mustNew(t, []Credential{{Scheme: "bearerAuth", Value: tok}}, uses, Options{
		Servers: map[string]string{auth0Source: srv.URL + "/api/v2"},
	})
	codes := runAuth0Seed(t, a, srv.Client(), srv.URL+"/api/v2", uses)
	if !reflect.DeepEqual(codes, []int{201, 201, 201}) {
		t.Fatalf("status codes %v", codes)
	}
	if n := sim.TokenRequestCount(); n != 0 {
		t.Errorf("token requests = %d with a bearer token", n)
	}
}

func TestAuth0TokenErrors(t *testing.T) {
	uses := auth0Uses(t)
	tests := []struct {
		name  string
		setup func(s *auth0sim.Sim)
		value string
		want  string
	}{
		{"wrong secret", nil, auth0sim.DefaultClientID + ":wrong-secret-123", "HTTP 401: invalid_client: Client authentication failed"},
		{"scope not granted", func(s *auth0sim.Sim) { s.Granted = []string{"create:clients"} }, "",
			"HTTP 403: access_denied: Client has not been granted scopes: create:resource_servers, create:client_grants"},
		{"audience", func(s *auth0sim.Sim) { s.Audience = "https://tenant.example/api/v2/" }, "", "access_denied: Service not enabled within domain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := auth0sim.New()
			if tt.setup != nil {
				tt.setup(sim)
			}
			srv := httptest.NewServer(sim)
			defer srv.Close()
			v := tt.value
			if v == "" {
				v = sim.ClientID + ":" + sim.ClientSecret
			}
			a := mustNew(t, []Credential{{Scheme: "oAuth2ClientCredentials", Value: v}}, uses, Options{
				Servers: map[string]string{auth0Source: srv.URL + "/api/v2"},
			})
			req := newReq(t, srv.URL+"/api/v2/clients")
			err := a.Authenticate(context.Background(), req, uses[1].Op, auth0Source)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			_, secret, _ := strings.Cut(v, ":")
			noSecret(t, "error", err.Error(), secret)
		})
	}
}

func TestAuth0ScopeReport(t *testing.T) {
	rep := Scopes(auth0Uses(t))
	if len(rep.Schemes) != 2 {
		t.Fatalf("schemes %+v", rep.Schemes)
	}
	bearer, oauth := rep.Schemes[0], rep.Schemes[1]
	if bearer.Scheme != "bearerAuth" || bearer.Kind != "http bearer" || len(bearer.Total) != 0 || len(bearer.PerStep) != 3 ||
		bearer.Flag != "--auth bearerAuth=TOKEN" || bearer.EnvVar != "ARAZZO_AUTH_BEARERAUTH" {
		t.Errorf("bearer %+v", bearer)
	}
	want := SchemeScopes{
		Source: auth0Source, Scheme: "oAuth2ClientCredentials", Kind: "oauth2 clientCredentials",
		Total: []string{"create:client_grants", "create:clients", "create:resource_servers"},
		PerStep: []StepScopes{
			{StepID: "createApi", OperationID: "post_resource-servers", Scopes: []string{"create:resource_servers"}},
			{StepID: "createClient", OperationID: "post_clients", Scopes: []string{"create:clients"}},
			{StepID: "createGrant", OperationID: "post_client-grants", Scopes: []string{"create:client_grants"}},
		},
		Flag:   "--auth oAuth2ClientCredentials=CLIENT_ID:CLIENT_SECRET",
		EnvVar: "ARAZZO_AUTH_OAUTH2CLIENTCREDENTIALS",
	}
	if !reflect.DeepEqual(oauth, want) {
		t.Errorf("got  %+v\nwant %+v", oauth, want)
	}
}

func TestScopesQualifiesSharedNames(t *testing.T) {
	d1, d2 := testDoc("http://one.test"), testDoc("http://two.test")
	op := testOp("op", openapi.SecurityRequirement{"cc": {"b", "a"}}, openapi.SecurityRequirement{"hdrKey": {}})
	op2 := testOp("op2", openapi.SecurityRequirement{"cc": {"c", "a"}})
	rep := Scopes([]Use{{Source: "one", StepID: "s1", Op: op, Doc: d1}, {Source: "two", StepID: "s2", Op: op, Doc: d2},
		{Source: "one", StepID: "s3", Op: op2, Doc: d1}, {Source: "one", StepID: "nil"}})
	var got []string
	for _, s := range rep.Schemes {
		got = append(got, s.Source+"|"+s.Scheme+"|"+strings.Join(s.Total, ",")+"|"+s.Flag+"|"+s.EnvVar)
	}
	want := []string{
		"one|cc|a,b,c|--auth one.cc=CLIENT_ID:CLIENT_SECRET|ARAZZO_AUTH_ONE_CC",
		"one|hdrKey||--auth one.hdrKey=KEY|ARAZZO_AUTH_ONE_HDRKEY",
		"two|cc|a,b|--auth two.cc=CLIENT_ID:CLIENT_SECRET|ARAZZO_AUTH_TWO_CC",
		"two|hdrKey||--auth two.hdrKey=KEY|ARAZZO_AUTH_TWO_HDRKEY",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
