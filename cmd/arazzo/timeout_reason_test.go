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
	srvURL, flow := slowAPI(t, `  - workflowId: stuck
    steps: [{stepId: s, operationId: slow}]
  - workflowId: after
    steps: [{stepId: f, operationId: fast}]
`)
	for _, extra := range [][]string{{"--workflow", "stuck"}, {"--all"}} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"run", flow, "--timeout", "10m", "--request-timeout", "50ms", "--server", "api=" + srvURL}, extra...)
		code := Main(args, strings.NewReader(""), &stdout, &stderr, nil)
		if code != exitFailed {
			t.Errorf("%v: exit %d, want 1\n%s", extra, code, stderr.String())
		}
		if strings.Contains(stderr.String(), "took longer than --timeout") || !strings.Contains(stderr.String(), "within the 50ms request timeout") {
			t.Errorf("%v: stderr\n%s", extra, stderr.String())
		}
	}
}

// slowAPI serves an API with two operations, fast (answers at once) and
// slow (answers only when the client gives up), and writes its description
// and an Arazzo document with the given workflows (YAML list items) into a
// temporary directory. It returns the server URL and the document's path.
func slowAPI(t *testing.T, workflows string) (srvURL, flowPath string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-r.Context().Done() // answers only when the client gives up
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok": true}`)
	}))
	t.Cleanup(srv.Close)
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
` + workflows,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return srv.URL, filepath.Join(dir, "flow.yaml")
}
