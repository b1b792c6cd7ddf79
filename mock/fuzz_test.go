package mock

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzServeHTTP feeds arbitrary methods, paths, queries, content types and
// bodies to the mock: it must answer (any status) and never panic.
func FuzzServeHTTP(f *testing.F) {
	m := New(loadDoc(f, "testdata/pets.yaml"), Options{})
	f.Add("POST", "/pets", "", "application/json", `{"name":"Rex","tags":["a"]}`)
	f.Add("GET", "/pets/12/photo.png", "", "", "")
	f.Add("GET", "/pets", "limit=3&tags=1,2&status=sold", "", "")
	f.Add("POST", "/pets/1/visits", "", "application/x-www-form-urlencoded", "date=x&weight=1&weight=2")
	f.Add("DELETE", "/v1/pets/%2F", "", "text/plain", "\x00")
	f.Fuzz(func(t *testing.T, method, path, query, ct, body string) {
		if method == "" || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") {
			method = "GET"
		}
		r := httptest.NewRequest("GET", "/", strings.NewReader(body))
		r.Method = method
		r.URL.Path = "/" + strings.TrimPrefix(path, "/")
		r.URL.RawPath = ""
		r.URL.RawQuery = query
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		w := httptest.NewRecorder()
		m.ServeHTTP(w, r)
		if w.Code < 200 || w.Code > 599 {
			t.Fatalf("status %d", w.Code)
		}
	})
}
