package contract

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/openapi"
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

// FuzzConvertedSchemaIsValid: whatever schema a description holds (3.0
// or 3.1, through either converter), the converted JSON Schema passes the
// 2020-12 metaschema, which is what lets compile skip that validation
// (trustedPrefix).
func FuzzConvertedSchemaIsValid(f *testing.F) {
	f.Add("3.1.0", `{"type":["object","object"],"required":["a","a"],"dependentRequired":{"a":["b","b"]}}`)
	f.Add("3.0.3", `{"type":"integer","minimum":1,"exclusiveMinimum":true,"nullable":true,"enum":[1,2]}`)
	f.Add("3.1.0", `{"prefixItems":[],"allOf":[],"minLength":-1,"maxItems":1.5,"multipleOf":0,"pattern":"(?!x)"}`)
	f.Add("3.1.0", `{"properties":{"a":{"$ref":"#/components/schemas/A"}},"patternProperties":{"[":true},"items":{"not":{}}}`)
	f.Add("3.0.3", `{"allOf":[{"$ref":"#/components/schemas/A"}],"nullable":true,"type":"file","uniqueItems":true}`)
	f.Fuzz(func(t *testing.T, version, schema string) {
		if !json.Valid([]byte(schema)) || strings.ContainsAny(version, "\"\\") {
			t.Skip()
		}
		doc := `{"openapi":"` + version + `","info":{"title":"f","version":"1"},` +
			`"paths":{"/x":{"post":{"operationId":"x",` +
			`"requestBody":{"content":{"application/json":{"schema":` + schema + `}}},` +
			`"responses":{"200":{"description":"ok","content":{"application/json":{"schema":` + schema + `}}}}}}},` +
			`"components":{"schemas":{"A":` + schema + `}}}`
		for _, raw := range []bool{false, true} {
			d, err := openapi.LoadData(context.Background(), []byte(doc), "fuzz.json", openapi.LoadOptions{Lazy: raw, NoCache: true, SkipValidation: true})
			if err != nil {
				continue
			}
			if raw {
				d.OperationByID("x")
			}
			if errs := conversionErrors(d, raw); len(errs) > 0 {
				t.Fatalf("raw=%v: %s", raw, strings.Join(errs, "\n"))
			}
		}
	})
}
