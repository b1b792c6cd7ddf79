package contract

import (
	"net/http"
	"testing"
)

// FuzzCheckResponse: no panic and one-line messages for any body, status
// and content type.
func FuzzCheckResponse(f *testing.F) {
	f.Add(200, "application/json", []byte(`{"items":[{"id":"admin","name":"x"}]}`))
	f.Add(404, "application/problem+json", []byte(`{"title":1}`))
	f.Add(201, "application/json; charset=utf-8", []byte(`[[[[[[]]]]]]`))
	f.Add(503, "text/plain", []byte("\xff\xfe"))
	f.Add(200, "application/json", []byte(`{"items":[{"id":"u","name":"x","manager":{"manager":{"id":5}}}]}`))
	d := loadDoc(f, "users-3.1.yaml")
	c := New(d, Options{})
	ops := []string{"listUsers", "createUser", "getAvatar", "getThings"}
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		h := http.Header{}
		h.Set("Content-Type", ctype)
		for _, id := range ops {
			for _, p := range c.CheckResponse(operation(t, d, id), status, h, body) {
				s := p.String()
				for _, r := range s {
					if r == '\n' || r == '\r' {
						t.Fatalf("multi-line problem %q", s)
					}
				}
			}
		}
	})
}

// FuzzCheckRequest: no panic and one-line messages for any request body
// and content type.
func FuzzCheckRequest(f *testing.F) {
	f.Add("application/json", "tenant=t", []byte(`{"name":"","password":"x"}`))
	f.Add("application/x-www-form-urlencoded", "", []byte(`name=`))
	f.Add("text/plain; charset=\"", "%zz", []byte("\x00"))
	d := loadDoc(f, "users-3.1.yaml")
	c := New(d, Options{})
	op := operation(f, d, "createUser")
	f.Fuzz(func(t *testing.T, ctype, query string, body []byte) {
		req, err := http.NewRequest(http.MethodPost, "http://users.invalid/users", nil)
		if err != nil {
			t.Skip()
		}
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", ctype)
		for _, p := range c.CheckRequest(op, req, body) {
			s := p.String()
			for _, r := range s {
				if r == '\n' || r == '\r' {
					t.Fatalf("multi-line problem %q", s)
				}
			}
		}
	})
}
