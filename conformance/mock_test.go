package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
)

// mockSpec is one entry of a jentic test_config.yaml custom_mocks list.
type mockSpec struct {
	Path   string `yaml:"path"`
	URL    string `yaml:"url"` // spotify writes url: instead of path:
	Method string `yaml:"method"`
	// QueryParams and RequestParams (both spellings occur) must be present
	// in the request's query; a list matches repeated or comma-joined values.
	QueryParams   map[string]any    `yaml:"query_params"`
	RequestParams map[string]any    `yaml:"request_params"`
	RequestBody   map[string]any    `yaml:"request_body"` // a subset of the JSON body
	StatusCode    int               `yaml:"status_code"`
	Response      any               `yaml:"response"`
	Text          *string           `yaml:"text"`
	Headers       map[string]string `yaml:"headers"`
}

// route is a mockSpec resolved to a path on the local server.
type route struct {
	method string
	path   string   // the resolved path pattern, for messages
	segs   []string // "{x}" matches any one segment
	query  map[string]any
	body   map[string]any
	status int
	resp   []byte
	ctype  string
	header map[string]string
}

// mockServer serves routes in order (first match wins) and records every
// request it receives, matched or not.
type mockServer struct {
	routes []route

	mu        sync.Mutex
	calls     []string
	bodies    []string // the request bodies, by call
	ctypes    []string // the request Content-Types, by call
	unmatched []string
}

func newRoute(m mockSpec, path string) (route, error) {
	r := route{
		method: strings.ToUpper(m.Method),
		path:   path,
		segs:   strings.Split(path, "/"),
		query:  m.QueryParams,
		body:   m.RequestBody,
		status: m.StatusCode,
		header: m.Headers,
	}
	if r.method == "" {
		r.method = http.MethodGet
	}
	if m.RequestParams != nil {
		r.query = m.RequestParams
	}
	if r.status == 0 {
		r.status = 200
	}
	switch {
	case m.Text != nil:
		r.resp, r.ctype = []byte(*m.Text), "text/plain"
	case m.Response != nil:
		b, err := json.Marshal(m.Response)
		if err != nil {
			return r, fmt.Errorf("mock %s %s: %v", r.method, path, err)
		}
		r.resp, r.ctype = b, "application/json"
	}
	return r, nil
}

// resolveMockPath turns a mock's path (an absolute URL, or a path relative
// to a source's base URL) into candidate request paths on the local
// server, given the base paths of the sources it may belong to. An
// absolute URL keeps its path; a relative path already under a base path
// is kept; otherwise it is appended to each base path.
func resolveMockPath(p string, basePaths []string) ([]string, error) {
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		u, err := url.Parse(p)
		if err != nil {
			return nil, err
		}
		return []string{u.Path}, nil
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	var out []string
	for _, bp := range basePaths {
		c := bp + p
		if bp != "" && (p == bp || strings.HasPrefix(p, bp+"/")) {
			c = p
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *mockServer) add(m mockSpec, basePaths []string) error {
	p := m.Path
	if p == "" {
		p = m.URL
	}
	if p == "" {
		return fmt.Errorf("mock without path or url")
	}
	paths, err := resolveMockPath(p, basePaths)
	if err != nil {
		return err
	}
	for _, rp := range paths {
		r, err := newRoute(m, rp)
		if err != nil {
			return err
		}
		s.routes = append(s.routes, r)
	}
	return nil
}

func (s *mockServer) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	call := req.Method + " " + req.URL.RequestURI()
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.bodies = append(s.bodies, string(body))
	s.ctypes = append(s.ctypes, req.Header.Get("Content-Type"))
	s.mu.Unlock()
	for _, r := range s.routes {
		if r.matches(req, body) {
			for k, v := range r.header {
				w.Header().Set(k, v)
			}
			if r.ctype != "" && r.status != http.StatusNoContent {
				w.Header().Set("Content-Type", r.ctype)
			}
			w.WriteHeader(r.status)
			if r.status != http.StatusNoContent {
				_, _ = w.Write(r.resp)
			}
			return
		}
	}
	s.mu.Lock()
	s.unmatched = append(s.unmatched, call)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	_, _ = fmt.Fprintf(w, `{"error":"no mock for %s"}`, strings.ReplaceAll(call, `"`, `'`))
}

func (r route) matches(req *http.Request, body []byte) bool {
	if req.Method != r.method {
		return false
	}
	segs := strings.Split(req.URL.Path, "/")
	if len(segs) != len(r.segs) {
		return false
	}
	for i, s := range r.segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if s != segs[i] {
			return false
		}
	}
	q := req.URL.Query()
	for k, want := range r.query {
		if !queryMatches(q[k], want) {
			return false
		}
	}
	if len(r.body) > 0 {
		var got map[string]any
		if json.Unmarshal(body, &got) != nil {
			return false
		}
		for k, want := range r.body {
			if !equalJSON(got[k], want) {
				return false
			}
		}
	}
	return true
}

// queryMatches compares the values of one query parameter with a mock's
// expectation: a list matches the same values repeated (form, explode) or
// comma-joined (form, no explode), in any order; a scalar matches exactly
// one value.
func queryMatches(got []string, want any) bool {
	if list, ok := want.([]any); ok {
		var g []string
		for _, v := range got {
			g = append(g, strings.Split(v, ",")...)
		}
		var w []string
		for _, v := range list {
			w = append(w, fmt.Sprint(v))
		}
		sort.Strings(g)
		sort.Strings(w)
		return slices.Equal(g, w)
	}
	return len(got) == 1 && got[0] == fmt.Sprint(want)
}

// badJSON lists the requests whose Content-Type says JSON and whose body
// does not parse: a runner must not send them.
func (s *mockServer) badJSON() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for i, ct := range s.ctypes {
		mt := strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
		if (mt == "application/json" || strings.HasSuffix(mt, "+json")) && !json.Valid([]byte(s.bodies[i])) {
			out = append(out, fmt.Sprintf("%s (Content-Type %s): %.200q", s.calls[i], ct, s.bodies[i]))
		}
	}
	return out
}

func (s *mockServer) record() (calls, unmatched []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls), slices.Clone(s.unmatched)
}
