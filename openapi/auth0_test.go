package openapi

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

const auth0File = "../testdata/auth0/openapi/auth0-management-api-openapi.yml"

var (
	auth0Once sync.Once
	auth0Doc  *Document
	auth0Err  error
)

// auth0 loads the real Auth0 Management API description once per test
// binary (it takes most of a second).
func auth0(t *testing.T) *Document {
	t.Helper()
	auth0Once.Do(func() { auth0Doc, auth0Err = Load(context.Background(), auth0File, LoadOptions{}) })
	if auth0Err != nil {
		t.Fatalf("loading Auth0: %v", auth0Err)
	}
	return auth0Doc
}

func TestAuth0Loads(t *testing.T) {
	d := auth0(t)
	if d.Version != "3.1.0" || d.Title != "Auth0 Management API" {
		t.Errorf("version/title %q %q", d.Version, d.Title)
	}
	if n := len(d.Operations()); n < 300 {
		t.Errorf("only %d operations", n)
	}
	// ECMA-262 patterns Go's RE2 cannot compile are warnings, not errors.
	var regexWarnings int
	for _, w := range d.Warnings {
		if strings.Contains(w.Message, "regexp") {
			regexWarnings++
			if !strings.HasPrefix(w.Pointer, "/components/schemas/") && !strings.HasPrefix(w.Pointer, "/paths/") {
				t.Errorf("warning without a useful pointer: %v", w)
			}
		}
	}
	if regexWarnings == 0 {
		t.Error("expected warnings for the ECMA regex patterns")
	}
	for _, id := range []string{"post_resource-servers", "post_clients", "post_client-grants"} {
		if !d.HasOperationID(id) {
			t.Errorf("%s missing", id)
		}
	}
	srv := d.Servers[0]
	if srv.URL != "https://{tenantDomain}/api/v2" || srv.Variables["tenantDomain"].Default != "{TENANT}.auth0.com" {
		t.Errorf("server %+v", srv)
	}
	if u, err := srv.Resolve(map[string]string{"tenantDomain": "acme.eu.auth0.com"}); err != nil || u != "https://acme.eu.auth0.com/api/v2" {
		t.Errorf("Resolve: %q %v", u, err)
	}
}

// Which scopes does post_clients need, and how does one get a token?
func TestAuth0Security(t *testing.T) {
	d := auth0(t)
	op, ok := d.OperationByID("post_clients")
	if !ok {
		t.Fatal("post_clients missing")
	}
	if op.Method != "POST" || op.Path != "/clients" || op.Pointer != "/paths/~1clients/post" {
		t.Errorf("op %s %s %s", op.Method, op.Path, op.Pointer)
	}
	want := []SecurityRequirement{{"bearerAuth": {}}, {"oAuth2ClientCredentials": {"create:clients"}}}
	if !op.SecurityDeclared || !reflect.DeepEqual(op.Security, want) {
		t.Errorf("security %v", op.Security)
	}
	if scopes, ok := op.Scopes("oAuth2ClientCredentials"); !ok || !slices.Equal(scopes, []string{"create:clients"}) {
		t.Errorf("Scopes = %v, %v", scopes, ok)
	}
	if scopes, ok := op.Scopes("bearerAuth"); !ok || len(scopes) != 0 {
		t.Errorf("bearerAuth scopes = %v, %v", scopes, ok)
	}
	if _, ok := op.Scopes("nope"); ok {
		t.Error("unknown scheme reported as required")
	}

	bearer := d.SecuritySchemes["bearerAuth"]
	if bearer.Type != "http" || bearer.Scheme != "bearer" || bearer.BearerFormat != "jwt" {
		t.Errorf("bearerAuth %+v", bearer)
	}
	oauth := d.SecuritySchemes["oAuth2ClientCredentials"]
	if oauth == nil || oauth.Type != "oauth2" || oauth.Flows == nil || oauth.Flows.ClientCredentials == nil {
		t.Fatalf("oAuth2ClientCredentials %+v", oauth)
	}
	cc := oauth.Flows.ClientCredentials
	if cc.TokenURL != "/oauth/token/" {
		t.Errorf("tokenUrl %q", cc.TokenURL)
	}
	if _, ok := cc.Scopes["create:clients"]; !ok {
		t.Error("create:clients not among the flow's scopes")
	}
	// x-form-parameters sits on the clientCredentials flow object.
	if fp := cc.FormParameters(); !reflect.DeepEqual(fp, map[string]string{"audience": "/api/v2/"}) {
		t.Errorf("FormParameters %v (flow extensions %v)", fp, cc.Extensions)
	}
	// A relative tokenUrl is resolved against the server.
	base, _ := d.Servers[0].Resolve(map[string]string{"tenantDomain": "acme.auth0.com"})
	if u, err := ResolveURL(base, cc.TokenURL); err != nil || u != "https://acme.auth0.com/oauth/token/" {
		t.Errorf("token URL %q %v", u, err)
	}
}

func BenchmarkLoadAuth0(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(context.Background(), auth0File, LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadAuth0NoValidation is the load without kin-openapi's
// validation: the difference to BenchmarkLoadAuth0 is the validation cost.
func BenchmarkLoadAuth0NoValidation(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(context.Background(), auth0File, LoadOptions{SkipValidation: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndexAuth0 is the cost of building the operation index and
// model from an already decoded document (what stays when a lazy loader
// replaces kin-openapi's full load).
func BenchmarkIndexAuth0(b *testing.B) {
	d, err := Load(context.Background(), auth0File, LoadOptions{SkipValidation: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		build(d.OpenAPI3(), d.Location)
	}
}
