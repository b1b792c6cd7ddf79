// Command fakeauth0 serves a stateless fake of the three Auth0 Management
// API endpoints the seed workflow calls (POST /api/v2/resource-servers,
// /clients, /client-grants) and the token endpoint, on 127.0.0.1, for
// scripts/bench.sh. It prints its base URL on stdout and serves until
// killed. It answers every call with 201 and a fresh id, so any number of
// runs can reuse the same inputs; it checks only that a bearer token is
// sent, so that the measured run does the same work as against Auth0.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeauth0:", err)
		os.Exit(1)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	var n atomic.Int64
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		reply(w, 200, map[string]any{"access_token": "fake-token", "token_type": "Bearer", "expires_in": 86400})
	})
	create := func(extra func(id string, body map[string]any) map[string]any) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "" {
				reply(w, 401, map[string]any{"error": "Unauthorized"})
				return
			}
			var body map[string]any
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				reply(w, 400, map[string]any{"error": "body is not JSON"})
				return
			}
			id := fmt.Sprintf("id%06d", n.Add(1))
			reply(w, 201, extra(id, body))
		}
	}
	mux.HandleFunc("POST /api/v2/resource-servers", create(func(id string, b map[string]any) map[string]any {
		b["id"] = id
		return b
	}))
	mux.HandleFunc("POST /api/v2/clients", create(func(id string, b map[string]any) map[string]any {
		b["client_id"] = id
		return b
	}))
	mux.HandleFunc("POST /api/v2/client-grants", create(func(id string, b map[string]any) map[string]any {
		b["id"] = id
		return b
	}))
	if err := http.Serve(ln, mux); err != nil {
		fmt.Fprintln(os.Stderr, "fakeauth0:", err)
		os.Exit(1)
	}
}
