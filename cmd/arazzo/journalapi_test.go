package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

func init() {
	fakeAPIs["things"] = func() http.Handler { return newThingsAPI() }
}

// thingsAPI is the fake API of the journal tests
// (testdata/journal/things-openapi.yaml). Ids derive from the names, so a
// resumed run and a clean run print the same outputs:
//
//	POST /v1/login                      200 {"token": "<a session secret>"}
//	POST /v1/things                     201 {"id": "thing-<name>", "serial": <a 20-digit number>}
//	POST /v1/things/{id}/parts          201 {"id": "part-of-<id>"}
//	POST /v1/things/{id}/publish        200 {"url": "https://things.example/<id>"}
//
// Control routes, for scripts (httpget) and tests:
//
//	GET /_fault?ROUTE=STATUS   answer ROUTE (login, things, parts, publish) with STATUS; 0 clears
//	GET /_log                  the requests received since the last /_log, one "METHOD /path" a line
//
// block, when set (Go tests), holds the next request of that route until the
// client gives up, closing inflight once it has arrived.
type thingsAPI struct {
	mu       sync.Mutex
	fault    map[string]int
	log      []string
	block    string
	inflight chan struct{}
}

// thingsSessionToken is what POST /login returns: a secret no journal may
// hold.
const thingsSessionToken = "sess-7f3a9c1e5b2d-SECRET"

func newThingsAPI() *thingsAPI {
	return &thingsAPI{fault: map[string]int{}, inflight: make(chan struct{})}
}

func thingsRoute(path string) string {
	switch {
	case path == "/v1/login":
		return "login"
	case path == "/v1/things":
		return "things"
	case strings.HasSuffix(path, "/parts"):
		return "parts"
	case strings.HasSuffix(path, "/publish"):
		return "publish"
	}
	return ""
}

func (s *thingsAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	switch r.URL.Path {
	case "/_fault":
		s.mu.Lock()
		for k, v := range r.URL.Query() {
			n, _ := strconv.Atoi(v[0])
			if n == 0 {
				delete(s.fault, k)
			} else {
				s.fault[k] = n
			}
		}
		s.mu.Unlock()
		fmt.Fprintln(w, "ok")
		return
	case "/_log":
		s.mu.Lock()
		log := s.log
		s.log = nil
		s.mu.Unlock()
		for _, l := range log {
			fmt.Fprintln(w, l)
		}
		return
	}
	route := thingsRoute(r.URL.Path)
	s.mu.Lock()
	s.log = append(s.log, r.Method+" "+r.URL.Path)
	status := s.fault[route]
	block := route != "" && s.block == route
	if block {
		s.block = ""
	}
	s.mu.Unlock()
	if block {
		close(s.inflight)
		<-r.Context().Done()
		return
	}
	if status != 0 {
		reply(status, map[string]any{"error": "injected fault"})
		return
	}
	if r.Method != http.MethodPost {
		reply(405, map[string]any{"error": "POST only"})
		return
	}
	id := strings.TrimPrefix(r.URL.Path, "/v1/things/")
	id, _, _ = strings.Cut(id, "/")
	switch route {
	case "login":
		reply(200, map[string]any{"token": thingsSessionToken})
	case "things":
		var body struct{ Name string }
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Name == "" {
			reply(400, map[string]any{"error": "name is required"})
			return
		}
		reply(201, map[string]any{"id": "thing-" + body.Name, "serial": json.Number("98765432109876543210")})
	case "parts":
		reply(201, map[string]any{"id": "part-of-" + id})
	case "publish":
		reply(200, map[string]any{"url": "https://things.example/" + id})
	default:
		reply(404, map[string]any{"error": "no route " + r.URL.Path})
	}
}
