package runtime

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// remoteDoc is an Arazzo document whose only source is url.
func remoteDoc(url, typ string) string {
	return `arazzo: 1.0.1
info: {title: remote, version: 1.0.0}
sourceDescriptions:
  - {name: api, url: '` + url + `', type: ` + typ + `}
workflows:
  - workflowId: w
    steps:
      - {stepId: s, operationId: listPets}
`
}

// Regression: a document fetched over http(s) could name a local file
// (file:///... or an absolute path in a file: URL) as a source
// description, and the loader read it.
func TestRemoteDocumentCannotReadLocalFiles(t *testing.T) {
	dir := t.TempDir()
	local := filepath.Join(dir, "pets.openapi.yaml")
	if err := os.WriteFile(local, []byte(petsAPI(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	localArazzo := filepath.Join(dir, "sub.arazzo.yaml")
	if err := os.WriteFile(localArazzo, []byte(remoteDoc("./pets.openapi.yaml", "openapi")), 0o644); err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{
		"/file-openapi.yaml":   remoteDoc("file://"+filepath.ToSlash(local), "openapi"),
		"/file-arazzo.yaml":    remoteDoc("file://"+filepath.ToSlash(localArazzo), "arazzo"),
		"/etc-passwd.yaml":     remoteDoc("file:///etc/passwd", "openapi"),
		"/relative.yaml":       remoteDoc("./pets.openapi.yaml", "openapi"),
		"/host-absolute.yaml":  remoteDoc(filepath.ToSlash(local), "openapi"),
		"/pets.openapi.yaml":   petsAPI(t),
		"/relative-up.yaml":    remoteDoc("../../../../etc/passwd", "openapi"),
		"/escaped-scheme.yaml": remoteDoc("FILE:///etc/passwd", "openapi"),
	}
	var fetched []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched = append(fetched, r.URL.Path)
		d, ok := docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(d))
	}))
	defer srv.Close()
	tests := []struct {
		path string
		want string // in the url's diagnostic; "" means it loads
	}{
		{"/file-openapi.yaml", "cannot refer to a local file"},
		{"/file-arazzo.yaml", "cannot refer to a local file"},
		{"/etc-passwd.yaml", "cannot refer to a local file"},
		{"/escaped-scheme.yaml", "cannot refer to a local file"},
		// Relative and host-absolute urls resolve against the document's
		// URL: fetched from the same server, never from the disk.
		{"/relative.yaml", ""},
		{"/host-absolute.yaml", "HTTP 404"},
		{"/relative-up.yaml", "HTTP 404"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			b, err := Load(context.Background(), srv.URL+tc.path, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			errs := b.Diagnostics.Errors()
			if tc.want == "" {
				if len(errs) > 0 {
					t.Fatalf("diagnostics: %v", b.Diagnostics.Err())
				}
				return
			}
			if len(errs) == 0 || !strings.Contains(errs[0].Message, tc.want) {
				t.Fatalf("want a diagnostic with %q, got %v", tc.want, b.Diagnostics.Err())
			}
			if errs[0].Pos.Line != 4 {
				t.Errorf("diagnostic at %v, want the url's line 4", errs[0].Pos)
			}
			if len(b.OpenAPI) != 0 || len(b.Arazzo) != 0 {
				t.Errorf("a source was loaded: %v %v", b.OpenAPI, b.Arazzo)
			}
		})
	}
}

// Network fetches of source descriptions are bounded in size and time.
func TestRemoteSourceLimits(t *testing.T) {
	big := petsAPI(t) + "\n# " + strings.Repeat("x", 4096) + "\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big.yaml":
			w.Write([]byte(remoteDoc("./big.openapi.yaml", "openapi")))
		case "/big.openapi.yaml":
			w.Write([]byte(big))
		case "/slow.yaml":
			w.Write([]byte(remoteDoc("./slow.openapi.yaml", "openapi")))
		case "/slow.openapi.yaml":
			<-r.Context().Done()
		case "/huge-main.yaml":
			w.Write([]byte(remoteDoc("./x.yaml", "openapi") + "# " + strings.Repeat("y", 4096)))
		}
	}))
	defer srv.Close()
	tests := []struct {
		name, path string
		opts       LoadOptions
		want       string
	}{
		{"source over the size cap", "/big.yaml", LoadOptions{MaxBytes: 4096}, "document is larger than 4096 bytes"},
		{"source over the timeout", "/slow.yaml", LoadOptions{Timeout: 50 * time.Millisecond}, "timed out after 50ms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Load(context.Background(), srv.URL+tc.path, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			errs := b.Diagnostics.Errors()
			if len(errs) == 0 || !strings.Contains(errs[0].Message, tc.want) {
				t.Fatalf("want a diagnostic with %q, got %v", tc.want, b.Diagnostics.Err())
			}
		})
	}
	t.Run("main document over the size cap", func(t *testing.T) {
		_, err := Load(context.Background(), srv.URL+"/huge-main.yaml", LoadOptions{MaxBytes: 1024})
		if err == nil || !strings.Contains(err.Error(), "larger than 1024 bytes") {
			t.Fatalf("err = %v", err)
		}
	})
}

// An OpenAPI source that is a "billion laughs" (YAML aliases expanding to
// 10^9 strings) is refused with a diagnostic, whatever way the source is
// loaded, instead of exhausting memory.
func TestOpenAPIAliasBomb(t *testing.T) {
	// The bomb is inside the operation the workflow calls, so that even a
	// loader decoding only the operations it needs meets it.
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: bomb, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200': {description: ok}\n      x-bomb:\n        l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		p := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "        l%d: &l%d [%s]\n", i, i, strings.Repeat(p+", ", 9)+p)
	}
	path := writeFiles(t, map[string]string{
		"main.arazzo.yaml":  remoteDoc("./pets.openapi.yaml", "openapi"),
		"pets.openapi.yaml": b.String(),
	})
	bundle, err := Load(context.Background(), path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs := bundle.Diagnostics.Errors()
	if len(errs) == 0 || !strings.Contains(errs[0].Message, "excessive aliasing") {
		t.Fatalf("want an excessive aliasing diagnostic, got %v", bundle.Diagnostics.Err())
	}
}
