package openapi

import (
	"strings"
	"testing"
)

func TestServerResolve(t *testing.T) {
	srv := Server{
		URL: "https://{env}.example.com:{port}/{base}",
		Variables: map[string]ServerVariable{
			"env":  {Default: "api", Enum: []string{"api", "staging"}},
			"port": {Default: "443"},
			"base": {Default: "v1"},
		},
	}
	tests := []struct {
		name string
		s    Server
		vars map[string]string
		want string
		err  string
	}{
		{"defaults", srv, nil, "https://api.example.com:443/v1", ""},
		{"override", srv, map[string]string{"env": "staging", "port": "8443", "base": "v2/beta"}, "https://staging.example.com:8443/v2/beta", ""},
		{"outside enum", srv, map[string]string{"env": "prod"}, "", `value "prod" for variable "env" is not one of "api", "staging"`},
		{"unused vars ignored", srv, map[string]string{"other": "x"}, "https://api.example.com:443/v1", ""},
		{"no variables", Server{URL: "https://example.com/"}, nil, "https://example.com/", ""},
		{"undeclared but given", Server{URL: "https://{host}/"}, map[string]string{"host": "h.example"}, "https://h.example/", ""},
		{"undeclared and missing", Server{URL: "https://{host}/"}, nil, "", `no value for variable "host"`},
		{"unclosed", Server{URL: "https://{host/"}, nil, "", "unclosed"},
		{"relative", Server{URL: "/api"}, nil, "/api", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.Resolve(tt.vars)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %q, %v; want error %q", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if names := srv.VariableNames(); strings.Join(names, ",") != "base,env,port" {
		t.Errorf("VariableNames %v", names)
	}
}

func TestResolveURL(t *testing.T) {
	tests := []struct{ base, ref, want string }{
		{"https://t.auth0.com/api/v2", "/oauth/token/", "https://t.auth0.com/oauth/token/"},
		{"https://t.auth0.com/api/v2/", "token", "https://t.auth0.com/api/v2/token"},
		{"https://a.example/x", "https://b.example/token", "https://b.example/token"},
	}
	for _, tt := range tests {
		if got, err := ResolveURL(tt.base, tt.ref); err != nil || got != tt.want {
			t.Errorf("ResolveURL(%q, %q) = %q, %v; want %q", tt.base, tt.ref, got, err, tt.want)
		}
	}
	if _, err := ResolveURL("https://a/", "http://[::1"); err == nil {
		t.Error("want an error for an invalid URL")
	}
}

func TestOperationPointer(t *testing.T) {
	tests := []struct{ path, method, want string }{
		{"/pets/{petId}", "get", "/paths/~1pets~1{petId}/get"},
		{"/a~b/c", "POST", "/paths/~1a~0b~1c/post"},
		{"/q", "QUERY", "/paths/~1q/query"},
		{"/x", "COPY", "/paths/~1x/additionalOperations/COPY"},
	}
	for _, tt := range tests {
		if got := OperationPointer(tt.path, tt.method); got != tt.want {
			t.Errorf("OperationPointer(%q, %q) = %q, want %q", tt.path, tt.method, got, tt.want)
		}
	}
}

func TestWarningString(t *testing.T) {
	if s := (Warning{Message: "m", Pointer: "/paths"}).String(); s != "#/paths: m" {
		t.Error(s)
	}
	if s := (Warning{Message: "m"}).String(); s != "m" {
		t.Error(s)
	}
}
