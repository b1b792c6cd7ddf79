package auth

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/openapi"
)

// Regression: with bearer AND apiKey required together and only the bearer
// token given, the request went out unauthenticated without a word.
// Partial names such operations once each, with what is missing.
func TestPartialCredentials(t *testing.T) {
	doc := testDoc("http://h.test")
	both := openapi.SecurityRequirement{"bearer": nil, "hdrKey": nil}
	tests := []struct {
		name  string
		creds []Credential
		uses  []Use
		want  []PartialCredentials
	}{
		{"AND, one given", []Credential{{Scheme: "bearer", Value: "tok-1234"}},
			[]Use{{Source: "s", StepID: "a", Op: testOp("getX", both), Doc: doc}, {Source: "s", StepID: "b", Op: testOp("getX", both), Doc: doc}},
			[]PartialCredentials{{Source: "s", Operation: "getX", Steps: []string{"a", "b"}, Given: []string{"bearer"},
				Needs: []string{"--auth hdrKey=KEY (or ARAZZO_AUTH_HDRKEY)"}}}},
		{"AND, both given", []Credential{{Scheme: "bearer", Value: "tok-1234"}, {Scheme: "hdrKey", Value: "key-1234"}},
			[]Use{{Source: "s", StepID: "a", Op: testOp("getX", both), Doc: doc}}, nil},
		{"another alternative satisfied", []Credential{{Scheme: "bearer", Value: "tok-1234"}},
			[]Use{{Source: "s", StepID: "a", Op: testOp("getX", openapi.SecurityRequirement{"hdrKey": nil, "qKey": nil}, openapi.SecurityRequirement{"bearer": nil}), Doc: doc}}, nil},
		{"anonymous allowed", []Credential{{Scheme: "bearer", Value: "tok-1234"}},
			[]Use{{Source: "s", StepID: "a", Op: testOp("getX", both, openapi.SecurityRequirement{}), Doc: doc}}, nil},
		{"none of its schemes given", []Credential{{Scheme: "qKey", Value: "key-1234"}},
			[]Use{{Source: "s", StepID: "a", Op: testOp("getX", both), Doc: doc}, {Source: "s", StepID: "q", Op: testOp("getQ", openapi.SecurityRequirement{"qKey": nil}), Doc: doc}}, nil},
		{"two alternatives, each partial", []Credential{{Scheme: "bearer", Value: "tok-1234"}},
			[]Use{{Source: "s", StepID: "a", Op: testOp("getX", both, openapi.SecurityRequirement{"bearer": nil, "qKey": nil}), Doc: doc}},
			[]PartialCredentials{{Source: "s", Operation: "getX", Steps: []string{"a"}, Given: []string{"bearer"},
				Needs: []string{"--auth hdrKey=KEY (or ARAZZO_AUTH_HDRKEY)", "--auth qKey=KEY (or ARAZZO_AUTH_QKEY)"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustNew(t, tt.creds, tt.uses, Options{})
			got := a.Partial()
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Partial() = %#v\nwant %#v", got, tt.want)
			}
			for _, p := range got {
				s := p.String()
				if !strings.Contains(s, "sent without credentials") || !strings.Contains(s, p.Operation) {
					t.Errorf("String() = %q", s)
				}
				for _, c := range tt.creds {
					noSecret(t, "warning", s, c.Value)
				}
			}
		})
	}
	// The request itself still goes out, without credentials (a warning,
	// not a failure).
	a := mustNew(t, []Credential{{Scheme: "bearer", Value: "tok-1234"}}, []Use{{Source: "s", StepID: "a", Op: testOp("getX", both), Doc: doc}}, Options{})
	req, _ := http.NewRequest("GET", "http://h.test/getX", nil)
	if err := a.Authenticate(context.Background(), req, testOp("getX", both), "s"); err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("Authorization") != "" || req.Header.Get("X-Api-Key") != "" {
		t.Fatalf("partial credentials sent: %v", req.Header)
	}
	if (*Authenticator)(nil).Partial() != nil {
		t.Fatal("nil Authenticator has partial credentials")
	}
}

func TestCombinedSchemes(t *testing.T) {
	doc := testDoc("http://h.test")
	uses := []Use{
		{Source: "s", StepID: "a", Op: testOp("getX", openapi.SecurityRequirement{"hdrKey": nil, "bearer": nil}, openapi.SecurityRequirement{"cc": nil}), Doc: doc},
		{Source: "s", StepID: "b", Op: testOp("getY", openapi.SecurityRequirement{"bearer": nil}), Doc: doc},
		{Source: "s", StepID: "c", Op: &openapi.Operation{Method: "POST", Path: "/z", Security: []openapi.SecurityRequirement{{"basic": nil, "qKey": nil}}}, Doc: doc},
	}
	want := []Combined{
		{Source: "s", StepID: "a", Operation: "getX", Alternatives: []string{"bearer and hdrKey"}},
		{Source: "s", StepID: "c", Operation: "POST /z", Alternatives: []string{"basic and qKey"}},
	}
	if got := CombinedSchemes(uses); !reflect.DeepEqual(got, want) {
		t.Fatalf("CombinedSchemes = %#v\nwant %#v", got, want)
	}
}
