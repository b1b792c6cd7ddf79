package mock

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkMockPostClients measures one POST /api/v2/clients against the
// Auth0 description: routing, body validation, response generation (the
// Client schema is large) and JSON encoding.
func BenchmarkMockPostClients(b *testing.B) {
	m := New(loadDoc(b, auth0Path), Options{})
	const body = `{"name":"My M2M app","app_type":"non_interactive","grant_types":["client_credentials"]}`
	warm := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/api/v2/clients", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	m.ServeHTTP(warm, r)
	if warm.Code != 201 {
		b.Fatalf("status %d: %s", warm.Code, warm.Body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r := httptest.NewRequest("POST", "/api/v2/clients", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		m.ServeHTTP(w, r)
	}
}

// BenchmarkMockGetPet is the small-spec baseline.
func BenchmarkMockGetPet(b *testing.B) {
	m := New(loadDoc(b, "testdata/pets.yaml"), Options{})
	b.ReportAllocs()
	for range b.N {
		r := httptest.NewRequest("GET", "/v1/pets/42", nil)
		w := httptest.NewRecorder()
		m.ServeHTTP(w, r)
	}
}
