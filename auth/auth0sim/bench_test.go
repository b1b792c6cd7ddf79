package auth0sim

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkRoleRequests is one POST /roles (a new role) and one GET
// /roles/{id} through ServeHTTP (routing, scope check, body decoding,
// logging), on a tenant of 20 roles: the size of a sibling run's.
func BenchmarkRoleRequests(b *testing.B) {
	s := New()
	tok := "Bearer " + s.IssueToken("create:roles", "read:roles")
	var id string
	for i := range 20 {
		id, _ = s.Seed("roles", map[string]any{"name": "seeded-" + strconv.Itoa(i)})
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest("POST", "/api/v2/roles", strings.NewReader(`{"name":"role-`+strconv.Itoa(i)+`"}`))
		req.Header.Set("Authorization", tok)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("POST /roles: %d %s", w.Code, w.Body)
		}
		req = httptest.NewRequest("GET", "/api/v2/roles/"+id, nil)
		req.Header.Set("Authorization", tok)
		w = httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("GET /roles/%s: %d", id, w.Code)
		}
		b.StopTimer()
		s.mu.Lock()
		s.t.objs["roles"] = s.t.objs["roles"][:20]
		s.log = s.log[:0]
		s.mu.Unlock()
		b.StartTimer()
	}
}
