package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/openapi"
)

// The secrets of the end-to-end masking test. Each is distinctive so that a
// leak is found by a plain substring search, whatever surrounds it.
const (
	e2ePassword = `pw"SECRET\1111`  // input, format: password (request body; escaped there)
	e2ePin      = "pin-SECRET-2222" // input, writeOnly, a harmless name (header, body, echoed back, output)
	e2eAPIKey   = "ak-SECRET-3333"  // --auth, apiKey in the query string (URL)
	e2eBearer   = "bt-SECRET-4444"  // ARAZZO_AUTH_BEARER, http bearer (Authorization)
	e2eToken    = "tok-SECRET-5555" // issued by the API in access_token, then sent as a Bearer header
	e2eCookie   = "ck-SECRET-6666"  // issued by the API in Set-Cookie
	e2eCode     = 98765432          // vault-ref: an integer input, format: password
	e2eRecovery = "rec<SECRET>&777" // vault-ref: writeOnly, nested in an object input
)

var e2eSecrets = []string{e2ePassword, e2ePin, e2eAPIKey, e2eBearer, e2eToken, e2eCookie, "98765432", e2eRecovery}

// vaultAPI is testdata/secrets/vault-openapi.yaml: every answer echoes a
// secret somewhere (body, header, error message), so that nothing but
// masking keeps them out of the output.
func vaultAPI(t *testing.T) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var in map[string]any
		json.Unmarshal(body, &in)
		reply := func(status int, v any) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(v)
		}
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v1/login":
			if in["password"] != e2ePassword || r.Header.Get("X-Pin") != e2ePin {
				reply(401, map[string]any{"error": fmt.Sprintf("bad password %v", in["password"])})
				return
			}
			http.SetCookie(w, &http.Cookie{Name: "session", Value: e2eCookie, Path: "/"})
			reply(200, map[string]any{"access_token": e2eToken, "echo": in["pin"]})
		case r.Method == http.MethodGet && r.URL.Path == "/v1/things/thing-1":
			key := r.URL.Query().Get("api_key")
			if key != e2eAPIKey {
				reply(401, map[string]any{"error": "bad key " + key})
				return
			}
			w.Header().Set("X-Request-Echo", r.URL.String())
			reply(200, map[string]any{"id": "thing-1", "note": "read with " + r.Header.Get("Authorization") + " and key " + key})
		case r.Method == http.MethodPost && r.URL.Path == "/v1/audit":
			// Fails, and says why with every secret it was given.
			reply(403, map[string]any{"error": fmt.Sprintf("refused %s %v", r.Header.Get("Authorization"), in), "echo": in["pin"]})
		default:
			reply(404, map[string]any{"error": "no route " + r.URL.String()})
		}
	}))
}

// TestSecretsNeverPrinted runs a workflow whose secrets travel in request
// headers, request bodies, the query string (apiKey), response bodies,
// response headers (Set-Cookie), outputs and failure reasons, with every
// output option on, and searches everything the tool printed or wrote for
// each secret.
func TestSecretsNeverPrinted(t *testing.T) {
	t.Setenv(openapi.CacheDirEnv, t.TempDir())
	srv := vaultAPI(t)
	defer srv.Close()
	dir := t.TempDir()
	for _, f := range []string{"vault.arazzo.yaml", "vault-ref.arazzo.yaml", "vault-openapi.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", "secrets", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	inputs := filepath.Join(dir, "inputs.json")
	in, _ := json.Marshal(map[string]any{"user": "alice", "password": e2ePassword, "pin": e2ePin})
	if err := os.WriteFile(inputs, in, 0o600); err != nil {
		t.Fatal(err)
	}
	// vault-ref.arazzo.yaml has the same workflow with its inputs schema
	// in components.inputs ($ref) and secrets a top-level look misses.
	inputsRef := filepath.Join(dir, "inputs-ref.json")
	in, _ = json.Marshal(map[string]any{"user": "alice", "password": e2ePassword, "pin": e2ePin, "code": e2eCode,
		"account": map[string]any{"name": "main", "recovery": e2eRecovery}})
	if err := os.WriteFile(inputsRef, in, 0o600); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(dir, "vault.arazzo.yaml")
	docRef := filepath.Join(dir, "vault-ref.arazzo.yaml")
	common := []string{"--server", "vault=" + srv.URL + "/v1", "--auth", "queryKey=" + e2eAPIKey, "--verbose", "--check-requests"}
	environ := []string{"ARAZZO_AUTH_BEARER=" + e2eBearer}

	tests := []struct {
		name  string
		args  []string
		files []string // written by the run, relative to dir
		code  int
	}{
		{"one workflow, every output", []string{"run", doc, "--inputs", inputs, "--report", "r1.json", "--har", "h1.har", "--junit", "j1.xml", "--html", "p1.html", "--journal", "jr.json"},
			[]string{"r1.json", "h1.har", "j1.xml", "p1.html", "jr.json"}, exitFailed},
		// The journal withheld the outputs that hold a learned secret
		// (the token, the cookie, what echoes them): resuming is refused.
		{"resume of the failed run", []string{"run", doc, "--inputs", inputs, "--resume", "jr.json", "--report", "r2.json", "--har", "h2.har", "--junit", "j2.xml", "--html", "p2.html"},
			[]string{"jr.json"}, exitInvalid},
		{"--all", []string{"run", doc, "--inputs", inputs, "--all", "--report", "r3.json", "--har", "h3.har", "--junit", "j3.xml"},
			[]string{"r3.json", "h3.har", "j3.xml"}, exitFailed},
		{"--mock", []string{"run", doc, "--inputs", inputs, "--mock", "--report", "r4.json", "--har", "h4.har", "--junit", "j4.xml", "--html", "p4.html"},
			[]string{"r4.json", "h4.har", "j4.xml", "p4.html"}, -1},
		{"inputs by $ref, nested and numeric secrets", []string{"run", docRef, "--inputs", inputsRef, "--report", "r5.json", "--har", "h5.har", "--junit", "j5.xml", "--html", "p5.html", "--journal", "jr5.json"},
			[]string{"r5.json", "h5.har", "j5.xml", "p5.html", "jr5.json"}, exitFailed},
		// --strict: the contract problem about the echoed pin becomes the
		// step's failure reason.
		{"--strict", []string{"run", doc, "--inputs", inputs, "--strict", "--report", "r7.json", "--junit", "j7.xml", "--html", "p7.html"},
			[]string{"r7.json", "j7.xml", "p7.html"}, exitFailed},
		{"inputs by $ref, --all", []string{"run", docRef, "--inputs", inputsRef, "--all", "--report", "r6.json", "--har", "h6.har", "--junit", "j6.xml"},
			[]string{"r6.json", "h6.har", "j6.xml"}, exitFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append(append([]string{}, tt.args...), common...)
			for i, a := range args {
				if strings.HasSuffix(a, ".json") || strings.HasSuffix(a, ".har") || strings.HasSuffix(a, ".xml") || strings.HasSuffix(a, ".html") {
					if !filepath.IsAbs(a) {
						args[i] = filepath.Join(dir, a)
					}
				}
			}
			code := Main(args, strings.NewReader(""), &stdout, &stderr, environ)
			if tt.code >= 0 && code != tt.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tt.code, stderr.String())
			}
			var obj map[string]any
			if code == exitInvalid {
				if stdout.Len() != 0 {
					t.Errorf("exit 2 with stdout %q", stdout.String())
				}
			} else if err := json.Unmarshal(stdout.Bytes(), &obj); err != nil {
				t.Errorf("stdout is not one JSON object: %v\n%s", err, stdout.String())
			}
			outputs := map[string]string{"stdout": stdout.String(), "stderr": stderr.String()}
			for _, f := range tt.files {
				data, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Errorf("%s not written: %v", f, err)
					continue
				}
				outputs[f] = string(data)
			}
			if os.Getenv("E2E_DUMP") != "" {
				for k, v := range outputs {
					t.Logf("== %s\n%s", k, v)
				}
			}
			for where, text := range outputs {
				for _, s := range e2eSecrets {
					for _, form := range secretForms(s) {
						if i := strings.Index(text, form); i >= 0 {
							lo, hi := max(0, i-120), min(len(text), i+len(form)+40)
							t.Errorf("%s holds the secret %s as %s: ...%s...", where, s, form, text[lo:hi])
						}
					}
				}
			}
		})
	}
}

// secretForms are the ways a secret can be written: as is, escaped in a
// JSON string (with and without HTML escaping), Go-quoted, HTML-escaped.
func secretForms(s string) []string {
	forms := []string{s, html.EscapeString(s), strconv.Quote(s)[1 : len(strconv.Quote(s))-1]}
	j, _ := json.Marshal(s)
	forms = append(forms, string(j[1:len(j)-1]))
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	forms = append(forms, strings.TrimSuffix(b.String(), "\n")[1:len(strings.TrimSuffix(b.String(), "\n"))-1])
	return forms
}
