package auth

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/openapi"
)

func benchAuth(b *testing.B, scheme, value string) {
	ts := newTokenServer(b)
	base := ts.URL + "/api"
	doc := testDoc(base)
	op := testOp("op", openapi.SecurityRequirement{"nope": {}}, openapi.SecurityRequirement{scheme: {"read"}})
	a, err := New([]Credential{{Scheme: scheme, Value: value}}, []Use{{Source: "s", Op: op, Doc: doc}}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	req, _ := http.NewRequest("GET", base+"/op", nil)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req.Header = http.Header{}
		if err := a.Authenticate(ctx, req, op, "s"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAuthenticateBearer(b *testing.B)       { benchAuth(b, "bearer", "tok") }
func BenchmarkAuthenticateClientCreds(b *testing.B)  { benchAuth(b, "cc", "id:secret") }
func BenchmarkAuthenticateHeaderAPIKey(b *testing.B) { benchAuth(b, "hdrKey", "k") }

func BenchmarkRedact(b *testing.B) {
	secrets := []string{"bearer-secret-1", "alice:basic-secret-2", "client-id:client-secret-6", "eyJhbGciOiJSUzI1NiJ9.payload.signature"}
	r := Redactor(secrets...)
	s := strings.Repeat(`{"status":201,"headers":{"Content-Type":"application/json"},"body":"lorem ipsum dolor sit amet"} `, 10) + "Bearer eyJhbGciOiJSUzI1NiJ9.payload.signature"
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = r(s)
	}
}
