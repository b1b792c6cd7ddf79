package mock

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
)

// Transport routes requests by URL host to handlers, in process, without
// sockets (for `arazzo run --mock`). Keys are host[:port], matched
// case-insensitively; a key without a port also serves the scheme's default
// port (http://api.mock and http://api.mock:80 are the same). A request for
// an unknown host fails with an error naming it and the known hosts.
func Transport(routes map[string]http.Handler) http.RoundTripper {
	t := &transport{routes: make(map[string]http.Handler, len(routes))}
	for k, h := range routes {
		t.routes[strings.ToLower(k)] = h
	}
	return t
}

type transport struct {
	routes map[string]http.Handler
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	if req.URL == nil {
		return nil, fmt.Errorf("mock: request without URL")
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	host := strings.ToLower(req.URL.Host)
	h := t.routes[host]
	if h == nil {
		if name, port, err := net.SplitHostPort(host); err == nil &&
			((port == "80" && req.URL.Scheme == "http") || (port == "443" && req.URL.Scheme == "https")) {
			h = t.routes[name]
		}
	}
	if h == nil {
		known := make([]string, 0, len(t.routes))
		for k := range t.routes {
			known = append(known, k)
		}
		slices.Sort(known)
		return nil, fmt.Errorf("mock: no mock serves host %q (known: %s)", req.URL.Host, strings.Join(known, ", "))
	}

	// The handler sees a server-side request: RequestURI, Host and a body
	// it may read once.
	in := req.Clone(req.Context())
	in.RequestURI = req.URL.RequestURI()
	in.Host = req.URL.Host
	in.RemoteAddr = "mock:0"
	if req.Body == nil {
		in.Body = http.NoBody
	} else {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, fmt.Errorf("mock: reading request body: %w", err)
		}
		in.Body = io.NopCloser(bytes.NewReader(b))
		in.ContentLength = int64(len(b))
	}
	rec := &recorder{header: http.Header{}}
	h.ServeHTTP(rec, in)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", rec.status, http.StatusText(rec.status)),
		StatusCode:    rec.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header,
		Body:          io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		ContentLength: int64(rec.body.Len()),
		Request:       req,
	}, nil
}

// recorder is a minimal http.ResponseWriter (net/http/httptest is avoided in
// non-test code).
type recorder struct {
	header      http.Header
	status      int
	body        bytes.Buffer
	wroteHeader bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.wroteHeader {
		return
	}
	r.wroteHeader = true
	r.status = code
	// Later changes to the map must not alter what was "sent".
	r.header = r.header.Clone()
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	return r.body.Write(b)
}
