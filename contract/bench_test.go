package contract

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/mock"
	"github.com/arazzo-run/arazzo/openapi"
)

// BenchmarkFirstCheckAuth0 is the first check of POST /clients' 201 on
// the Auth0 description loaded lazily, as a CLI run pays it (a fresh
// Checker each time): with a small body, and with the mock's answer (a
// full Client object: addons, jwt_configuration, mobile...). The second
// check of the same key compiles the full schema (SecondCheck: the first
// two checks together, what a library user pays once).
func BenchmarkFirstCheckAuth0(b *testing.B) {
	d := auth0Lazy(b)
	op := operation(b, d, "post_clients")
	req := httptest.NewRequest(op.Method, "http://tenant.invalid/api/v2/clients", strings.NewReader(seedOps[1].body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	mock.New(d, mock.Options{Seed: 1}).ServeHTTP(rec, req)
	h := http.Header{"Content-Type": {"application/json"}}
	for _, tc := range []struct {
		name   string
		body   []byte
		checks int
	}{
		{"small", []byte(`{"client_id":"abc","name":"orders-worker"}`), 1},
		{"mock", rec.Body.Bytes(), 1},
		{"mock/SecondCheck", rec.Body.Bytes(), 2},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c := New(d, Options{})
				for range tc.checks {
					if ps := c.CheckResponse(op, 201, h, tc.body); len(ps) != 0 {
						b.Fatal(dump(ps))
					}
				}
			}
		})
	}
}

// BenchmarkSeedChecks is the contract checks of a warm `arazzo run` of
// the Auth0 seed against the fake server (scripts/fakeauth0 echoes the
// request with an id): a description freshly loaded from the cache (not
// timed), a fresh Checker, the first check of each seed operation's 201.
func BenchmarkSeedChecks(b *testing.B) {
	ids := make([]string, len(seedOps))
	for i, s := range seedOps {
		ids[i] = s.id
	}
	opts := openapi.LoadOptions{Operations: ids, CacheDir: b.TempDir()}
	if _, err := openapi.Load(context.Background(), auth0File, opts); err != nil {
		b.Fatal(err)
	}
	bodies := make([][]byte, len(seedOps))
	for i, s := range seedOps {
		idKey := "id"
		if s.id == "post_clients" {
			idKey = "client_id"
		}
		bodies[i] = []byte(`{"` + idKey + `":"id000001",` + s.body[1:])
	}
	h := http.Header{"Content-Type": {"application/json"}}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		d, err := openapi.Load(context.Background(), auth0File, opts)
		if err != nil {
			b.Fatal(err)
		}
		ops := make([]*openapi.Operation, len(ids))
		for i, id := range ids {
			ops[i] = operation(b, d, id)
		}
		b.StartTimer()
		c := New(d, Options{})
		for i, op := range ops {
			if ps := c.CheckResponse(op, 201, h, bodies[i]); len(ps) != 0 {
				b.Fatal(dump(ps))
			}
		}
	}
}
