package conformance

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// corpus is the shared corpus, next to the repository.
const corpus = "../../shared/corpus"

// needCorpus returns the corpus sub-directory dir, or skips the test when
// the corpus (or that directory) is absent.
func needCorpus(t testing.TB, dir string) string {
	t.Helper()
	p := filepath.Join(corpus, filepath.FromSlash(dir))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared corpus not found at %s (it lives next to the repository on the development machine; a plain clone has none): skipping", p)
	}
	return p
}

// loopbackOnly refuses every request whose host is not 127.0.0.1: corpus
// documents name real hosts, and these tests never touch the internet.
// files maps an absolute URL to a local file served in its place (an
// OpenAPI description a document names by its public URL).
type loopbackOnly struct {
	files map[string]string
}

func (l loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if f, ok := l.files[r.URL.String()]; ok {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Body: fh, Request: r}, nil
	}
	if r.URL.Hostname() != "127.0.0.1" {
		return nil, fmt.Errorf("conformance test: refusing to contact %s (tests never leave 127.0.0.1)", r.URL.Host)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// testClient sends to 127.0.0.1 only and does not follow redirects (a
// step sees the 3xx itself, as the executor's default client does).
func testClient(files map[string]string) *http.Client {
	return &http.Client{
		Transport:     loopbackOnly{files: files},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
