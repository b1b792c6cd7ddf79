package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// `serve contract` starts a fake API whose answers break its own
// description in known ways, for run_contract_checks.txtar:
//
//	GET  /users/ok      200 application/json, conforming
//	GET  /users/teapot  418 (undocumented status)
//	GET  /users/html    200 text/html (undocumented content type)
//	GET  /users/admin   200 {"id":"admin1"} (violates the lookahead pattern)
//	GET  /users/secret  200 with a wrong apiKey (must not be quoted)
//	POST /users         201 application/json
//	GET  /_log          what was received, one "METHOD PATH" line each
func init() {
	fakeAPIs["contract"] = func() http.Handler { return &contractAPI{} }
}

type contractAPI struct {
	mu  sync.Mutex
	log []string
}

func (s *contractAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/_log" {
		w.Header().Set("Content-Type", "text/plain")
		for _, l := range s.log {
			fmt.Fprintln(w, l)
		}
		return
	}
	s.log = append(s.log, r.Method+" "+r.URL.Path)
	reply := func(status int, ctype, body string) {
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/users":
		reply(201, "application/json", `{"id":"u2","name":"new"}`)
	case r.URL.Path == "/users/ok":
		reply(200, "application/json; charset=utf-8", `{"id":"u1","name":"Ann"}`)
	case r.URL.Path == "/users/teapot":
		reply(418, "application/json", `{"id":"u1","name":"Ann"}`)
	case r.URL.Path == "/users/html":
		reply(200, "text/html", `<p>Ann</p>`)
	case r.URL.Path == "/users/admin":
		reply(200, "application/json", `{"id":"admin1","name":"Root"}`)
	case r.URL.Path == "/users/secret":
		reply(200, "application/json", `{"id":"u3","name":"Key","apiKey":"sk_live_SECRET"}`)
	case strings.HasPrefix(r.URL.Path, "/users/"):
		reply(404, "application/json", `{"message":"no such user"}`)
	default:
		reply(404, "text/plain", "not found")
	}
}
