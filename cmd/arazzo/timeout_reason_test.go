package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/openapi"
)

// A --request-timeout that expires under a long --timeout is reported as
// the request timeout: it was reported as "the run took longer than
// --timeout 10m0s", which had not happened.
func TestRequestTimeoutIsNotBlamedOnTimeout(t *testing.T) {
	t.Setenv(openapi.CacheDirEnv, t.TempDir())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-r.Context().Done() // answers only when the client gives up
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok": true}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	files := map[string]string{
		"api.yaml": `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /fast: {get: {operationId: fast, responses: {"200": {description: ok}}}}
  /slow: {get: {operationId: slow, responses: {"200": {description: ok}}}}
`,
		"flow.yaml": `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: stuck
    steps: [{stepId: s, operationId: slow}]
  - workflowId: after
    steps: [{stepId: f, operationId: fast}]
`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, extra := range [][]string{{"--workflow", "stuck"}, {"--all"}} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"run", filepath.Join(dir, "flow.yaml"), "--timeout", "10m", "--request-timeout", "50ms", "--server", "api=" + srv.URL}, extra...)
		code := Main(args, strings.NewReader(""), &stdout, &stderr, nil)
		if code != exitFailed {
			t.Errorf("%v: exit %d, want 1\n%s", extra, code, stderr.String())
		}
		if strings.Contains(stderr.String(), "took longer than --timeout") || !strings.Contains(stderr.String(), "within the 50ms request timeout") {
			t.Errorf("%v: stderr\n%s", extra, stderr.String())
		}
	}
}
