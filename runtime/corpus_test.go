package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// offline refuses every request that is not to the loopback test server:
// corpus documents name real hosts, and tests never touch the internet.
// JaredCE's documents name their OpenAPI descriptions by GitHub raw URLs;
// those are served from the corpus copy.
type offline struct {
	next  http.RoundTripper
	jared string // local root of the JaredCE corpus
}

const jaredPrefix = "/JaredCE/Arazzo-Runner/refs/heads/main/"

func (o offline) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == "raw.githubusercontent.com" && strings.HasPrefix(r.URL.Path, jaredPrefix) {
		data, err := os.ReadFile(filepath.Join(o.jared, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, jaredPrefix))))
		if err != nil {
			return &http.Response{StatusCode: 404, Status: "404 Not Found", Body: http.NoBody, Header: http.Header{}, Request: r}, nil
		}
		return &http.Response{StatusCode: 200, Status: "200 OK", Body: io.NopCloser(bytes.NewReader(data)), Header: http.Header{}, Request: r, ContentLength: int64(len(data))}, nil
	}
	if h := r.URL.Hostname(); h != "127.0.0.1" {
		return nil, fmt.Errorf("offline test: refusing %s", r.URL.Host)
	}
	return o.next.RoundTrip(r)
}

// TestCorpusNoPanics loads, compiles and runs every workflow of the small
// runner corpora (Redocly respect, usearazzo, JaredCE) against a local
// catch-all server: whatever the documents say, the engine must answer
// with diagnostics, a Result or a usage/input error, never a panic.
func TestCorpusNoPanics(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(root); err != nil {
		t.Skip("shared corpus not present (../shared/corpus relative to the repository): skipping")
	}
	if testing.Short() {
		t.Skip("short mode")
	}
	var files []string
	for _, dir := range []string{"redocly-cli/tests/e2e/respect", "usearazzo-arazzo-toolkit", "jaredce-arazzo-runner"} {
		filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			name := d.Name()
			if strings.Contains(name, "arazzo") && (strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".json")) {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Skip("no corpus documents found")
	}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		jsonReply(w, 200, `{"id":1,"items":[{"id":1}],"token":"t"}`)
	})
	client := &http.Client{Transport: offline{next: http.DefaultTransport, jared: filepath.Join(root, "jaredce-arazzo-runner")}}
	var loaded, compiled, runs int
	for _, f := range files {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: panic: %v", f, p)
				}
			}()
			b, err := Load(context.Background(), f, LoadOptions{HTTPClient: client})
			if err != nil || b.Doc == nil {
				return
			}
			loaded++
			if b.Diagnostics.HasErrors() {
				if os.Getenv("CORPUS_VERBOSE") != "" {
					t.Logf("%s: %s", f, b.Diagnostics.Errors()[0])
				}
				return
			}
			p, err := Compile(b)
			if err != nil {
				return
			}
			compiled++
			servers := map[string]string{}
			for _, sd := range b.Doc.SourceDescriptions {
				servers[sd.Name] = srv.URL
			}
			for _, id := range p.WorkflowIDs() {
				ctx, cancel := context.WithCancel(context.Background())
				_, err := p.Run(ctx, id, nil, Options{HTTPClient: client, Servers: servers, MaxSteps: 50,
					Sleep: func(context.Context, time.Duration) error { return nil }})
				cancel()
				var ue *UsageError
				var ie *InputError
				if err != nil && !errors.As(err, &ue) && !errors.As(err, &ie) {
					t.Errorf("%s %s: unexpected Run error %v", f, id, err)
				}
				runs++
			}
		}()
	}
	t.Logf("%d documents, %d loaded, %d compiled, %d runs", len(files), loaded, compiled, runs)
}
