package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/arazzo-run/arazzo/auth/auth0sim"
)

// fakeAPIs are the local servers scripts can start with `serve NAME`.
var fakeAPIs = map[string]func() http.Handler{
	"pets":     newPetStore,
	"pets-tls": newPetStore,
	"auth0":    func() http.Handler { return auth0sim.New() },
}

// petStore is a tiny stateful API for the run scripts (testdata/script/pets.yaml
// describes it): POST /pets creates (409 on a duplicate name), GET /pets/{id}
// reads (404 when absent), GET /flaky fails with 503 and Retry-After: 0 until
// its third call. Every request is logged and GET /_log returns the log, so a
// script can assert what was (or was not) sent.
type petStore struct {
	mu    sync.Mutex
	pets  map[string]map[string]any
	log   []string
	flaky int
}

func newPetStore() http.Handler {
	return &petStore{pets: map[string]map[string]any{}}
}

func (s *petStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/_log" {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, strings.Join(s.log, "\n"))
		if len(s.log) > 0 {
			fmt.Fprintln(w)
		}
		return
	}
	s.log = append(s.log, r.Method+" "+r.URL.RequestURI())
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/pets":
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			reply(400, map[string]any{"error": "body is not JSON"})
			return
		}
		name, _ := body["name"].(string)
		if name == "" {
			reply(400, map[string]any{"error": "name is required"})
			return
		}
		for _, p := range s.pets {
			if p["name"] == name {
				reply(409, map[string]any{"error": "a pet named " + name + " exists"})
				return
			}
		}
		id := fmt.Sprintf("pet-%d", len(s.pets)+1)
		pet := map[string]any{"id": id, "name": name, "tags": body["tags"]}
		s.pets[id] = pet
		reply(201, pet)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/pets/"):
		p, ok := s.pets[strings.TrimPrefix(r.URL.Path, "/v1/pets/")]
		if !ok {
			reply(404, map[string]any{"error": "no such pet"})
			return
		}
		reply(200, p)
	case r.Method == http.MethodGet && r.URL.Path == "/v1/flaky":
		s.flaky++
		if s.flaky < 3 {
			w.Header().Set("Retry-After", "0")
			reply(503, map[string]any{"error": "try again"})
			return
		}
		reply(200, map[string]any{"ok": true, "calls": s.flaky})
	default:
		reply(404, map[string]any{"error": "no route " + r.Method + " " + r.URL.Path})
	}
}
