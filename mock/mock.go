package mock

import (
	"errors"
	"net/http"
	"time"

	"github.com/arazzo-run/arazzo/openapi"
)

// Options configure a Mock.
type Options struct {
	// Seed makes output deterministic for a given seed (0 means 1).
	Seed int64
	// Status returns the preferred status for an operation (e.g. the one a
	// step's successCriteria expect); 0 or a nil func: the first documented
	// 2xx.
	Status func(op *openapi.Operation) int
	// Log is called once per request handled.
	Log func(Entry)
}

// Entry describes one handled request.
type Entry struct {
	Method, Path, OperationID string
	Status                    int
	Problem                   string
	Duration                  time.Duration
}

// Mock is an http.Handler answering for every operation of a document.
// It is safe for concurrent use.
type Mock struct {
	doc  *openapi.Document
	opts Options
}

// New returns a mock of doc.
func New(doc *openapi.Document, opts Options) *Mock {
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	return &Mock{doc: doc, opts: opts}
}

// ServeHTTP routes, validates and answers one request.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "mock: not implemented yet", http.StatusNotImplemented)
}

// Transport routes requests by URL host (key: host[:port]) to handlers in
// process, without sockets. An unknown host is an error naming it.
func Transport(routes map[string]http.Handler) http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		return nil, errors.New("mock: Transport not implemented yet")
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
