package runtime

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// petsAPI is the OpenAPI description most tests use (testdata/pets.openapi.yaml).
func petsAPI(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile("testdata/pets.openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// header is the start of an Arazzo document whose only source is the pets API.
const header = `arazzo: 1.0.1
info:
  title: test
  version: 1.0.0
sourceDescriptions:
  - name: pets
    url: ./pets.openapi.yaml
    type: openapi
`

// writeFiles writes files into a fresh directory and returns the path of
// "main.arazzo.yaml" in it. pets.openapi.yaml is always added.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if _, ok := files["pets.openapi.yaml"]; !ok {
		files["pets.openapi.yaml"] = petsAPI(t)
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "main.arazzo.yaml")
}

// compileDoc loads and compiles an Arazzo document (written next to the
// pets API), failing the test on any error diagnostic.
func compileDoc(t testing.TB, doc string, extra ...string) *Plan {
	t.Helper()
	files := map[string]string{"main.arazzo.yaml": doc}
	for i := 0; i+1 < len(extra); i += 2 {
		files[extra[i]] = extra[i+1]
	}
	path := writeFiles(t, files)
	b, err := Load(context.Background(), path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Diagnostics.HasErrors() {
		t.Fatalf("diagnostics:\n%v", b.Diagnostics.Err())
	}
	p, err := Compile(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// seen is a request as the test server received it.
type seen struct {
	Method string
	Path   string // escaped path
	Query  string
	Header http.Header
	Body   string
}

// server is an httptest server that records every request and answers
// with handle.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newServer(t testing.TB, handle func(w http.ResponseWriter, r *http.Request, body string)) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, seen{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body)})
		s.mu.Unlock()
		handle(w, r, string(body))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

// opts points the pets source at the server, with a sleep that records
// instead of waiting.
func (s *server) opts(slept *[]time.Duration) Options {
	o := Options{Servers: map[string]string{"pets": s.URL + "/v1"}}
	if slept != nil {
		var mu sync.Mutex
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			*slept = append(*slept, d)
			mu.Unlock()
			return nil
		}
	}
	return o
}

func jsonReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// stepTrace summarizes the attempts of a result: "id:status:PASS".
func stepTrace(res *Result) string {
	var parts []string
	for _, s := range res.Steps {
		st := "-"
		if s.Response != nil {
			st = strconv.Itoa(s.Response.StatusCode)
		}
		v := "FAIL"
		if s.Success {
			v = "PASS"
		}
		parts = append(parts, s.StepID+":"+st+":"+v)
	}
	return strings.Join(parts, " ")
}

func mustRun(t testing.TB, p *Plan, wf string, inputs map[string]any, o Options) *Result {
	t.Helper()
	res, err := p.Run(context.Background(), wf, inputs, o)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}
