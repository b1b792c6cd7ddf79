// Package auth0sim is a small, stateful simulator of the Auth0 Management
// API for tests: a token endpoint that enforces client credentials, the
// audience and the scopes of each endpoint, and a tenant (resource servers,
// clients, client grants, connections, organizations with members, member
// roles, connections and invitations, roles with permissions and users,
// users with roles and permissions, user grants) faithful enough for the
// seed M2M provisioning workflow and its Auth0 siblings to run end to end:
// 409 on duplicates, 404/400 on references to objects that do not exist,
// 429 rate limiting on demand. It keeps a request log and counts token
// requests.
//
// It imports the standard library only (its tests also import openapi, to
// check the route table against the description) and never touches the
// network: wrap it in httptest.NewServer. The expected audience is the
// server's own
// origin plus "/api/v2/" (what Auth0 expects: https://TENANT/api/v2/),
// unless Sim.Audience is set.
//
// Fidelity choices (the Auth0 Management API description,
// testdata/auth0/openapi/, is the reference):
//   - Success statuses and response shapes are the documented ones (201 for
//     POST /organizations, 200 for POST /roles and POST /invitations, 204
//     for POST /organizations/{id}/members, ...); operations documented
//     without a response body answer with an empty body. Identifier fields
//     are Auth0's: "id" for most objects, "client_id" for clients,
//     "user_id" for users, "connection_id" in organization connections, and
//     identifiers have Auth0's prefixes (org_, rol_, con_, cgr_, uinv_,
//     auth0|).
//   - Every endpoint listed in routes requires a token holding ANY of the
//     scopes its operation lists (403 insufficient_scope otherwise), as
//     Auth0 does; Scopes lists them all.
//   - An object named in the path that does not exist answers 404 when the
//     description documents a 404 for the operation, 400 when it documents
//     a 400 but no 404 (e.g. POST /organizations/{id}/members documents 204
//     and 400 only), and 404 when it documents neither (GET
//     /users/{id}/roles). The route table's scopes and these statuses are
//     tested against the description. Objects
//     referenced from a body (user ids, role ids, connection ids, resource
//     server identifiers and their scopes) must exist: 400, or 404 where
//     documented for that reference (the audience of a client grant).
//   - An invitation needs a client with an initiate_login_uri (its
//     invitation_url is built from it), as Auth0 requires "a default login
//     route"; otherwise 400.
//   - Users are created in an existing connection by name; in a database
//     connection (strategy auth0) email and a password of at least 8
//     characters are required, and the password is never stored or echoed.
//     Emails are stored lower-cased; GET /users-by-email matches exactly
//     (the description says the search is case-sensitive).
//   - Request bodies must be JSON (400 otherwise; the description also
//     allows forms, which the workflows do not send).
//   - Other /api/v2 paths are served by a generic store (POST creates with
//     an "id", GET lists or reads, PATCH merges, DELETE removes) requiring a
//     valid token but no particular scope.
//
// Tests pre-populate a tenant with Seed (the objects a workflow expects to
// exist: a database connection, users, roles, an API, an application).
package auth0sim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of a new Sim.
const (
	DefaultClientID     = "sim-m2m-client-id"
	DefaultClientSecret = "sim-m2m-client-secret-0123456789"
)

// Sim is the simulator; it is an http.Handler. Configure its exported
// fields before serving; read state through its methods (safe for
// concurrent use).
type Sim struct {
	// ClientID and ClientSecret are the M2M application's credentials.
	ClientID, ClientSecret string
	// Granted are the scopes the application has been granted for the
	// Management API; a token request asking for more is refused with 403
	// access_denied, as Auth0 does. Nil grants every scope asked for.
	Granted []string
	// Audience, when set, is the only audience accepted; "" means the
	// server's origin + "/api/v2/".
	Audience string
	// TokenTTL is the expires_in of issued tokens (default 86400 s).
	TokenTTL time.Duration
	// RejectBasic makes the token endpoint refuse HTTP Basic client
	// authentication (401 invalid_client), accepting only form fields.
	RejectBasic bool
	// Now is the clock for token expiry and timestamps; nil means time.Now.
	Now func() time.Time

	mu            sync.Mutex
	tokens        map[string]token
	tokenRequests []TokenRequest
	log           []Request
	rateLimited   int
	retryAfter    int
	t             tenant
	generic       map[string][]map[string]any // collection path -> objects
}

type token struct {
	scopes  []string
	expires time.Time
}

// TokenRequest is one request to POST /oauth/token, as the simulator saw it.
type TokenRequest struct {
	GrantType  string
	ClientAuth string // "basic", "form" or "" (none)
	Audience   string
	Scope      string // as sent, space-separated
	Status     int
}

// Request is one logged request (token requests included).
type Request struct {
	Method string
	Path   string // decoded
	URI    string // the request target as sent (escaping preserved)
	Query  string
	Header http.Header
	Body   []byte
	Status int
	// Response is the body answered (an error's message, for diagnosis).
	Response []byte
}

// New returns a simulator whose application holds the scopes the M2M
// provisioning workflow needs (and the read scopes of the same resources).
// Its tenant is empty: Seed adds the objects a test expects to exist.
func New() *Sim {
	return &Sim{
		ClientID:     DefaultClientID,
		ClientSecret: DefaultClientSecret,
		Granted: []string{
			"create:resource_servers", "read:resource_servers",
			"create:clients", "read:clients",
			"create:client_grants", "read:client_grants",
		},
		TokenTTL: 24 * time.Hour,
		tokens:   map[string]token{},
		generic:  map[string][]map[string]any{},
	}
}

// IssueToken returns a valid access token holding scopes, as if obtained
// elsewhere (for runs with --auth bearerAuth=TOKEN).
func (s *Sim) IssueToken(scopes ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueLocked(scopes)
}

func (s *Sim) initLocked() {
	if s.tokens == nil {
		s.tokens = map[string]token{}
	}
	if s.generic == nil {
		s.generic = map[string][]map[string]any{}
	}
	s.t.init()
}

func (s *Sim) issueLocked(scopes []string) string {
	s.initLocked()
	t := "sim-at-" + randHex(12)
	ttl := s.TokenTTL
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	s.tokens[t] = token{scopes: append([]string(nil), scopes...), expires: s.now().Add(ttl)}
	return t
}

// RateLimit makes the next n Management API requests (not token requests)
// answer 429 with Retry-After: retryAfter seconds and X-RateLimit-* headers.
func (s *Sim) RateLimit(n, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimited, s.retryAfter = n, retryAfter
}

// TokenRequests returns the token requests received, in order.
func (s *Sim) TokenRequests() []TokenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]TokenRequest(nil), s.tokenRequests...)
}

// TokenRequestCount is len(TokenRequests()).
func (s *Sim) TokenRequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tokenRequests)
}

// Requests returns every request received, in order.
func (s *Sim) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ResourceServers, Clients and ClientGrants return copies of the stored
// objects, in creation order (Objects does the same for any kind).
func (s *Sim) ResourceServers() []map[string]any { return s.Objects("resource-servers") }

// Clients: see ResourceServers.
func (s *Sim) Clients() []map[string]any { return s.Objects("clients") }

// ClientGrants: see ResourceServers.
func (s *Sim) ClientGrants() []map[string]any { return s.Objects("client-grants") }

func (s *Sim) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ServeHTTP implements http.Handler.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	s.serve(rec, r, body)
	s.mu.Lock()
	s.log = append(s.log, Request{Method: r.Method, Path: r.URL.Path, URI: r.RequestURI, Query: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body, Status: rec.status, Response: rec.body})
	s.mu.Unlock()
}

type recorder struct {
	http.ResponseWriter
	status int
	body   []byte
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body = append(r.body, b...)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Sim) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	if path == "/oauth/token" {
		s.tokenEndpoint(w, r, body)
		return
	}
	if !strings.HasPrefix(path, "/api/v2/") {
		writeErr(w, &apiErr{http.StatusNotFound, "no such endpoint", ""})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	if s.rateLimited > 0 {
		s.rateLimited--
		reset := s.now().Add(time.Duration(s.retryAfter) * time.Second).Unix()
		w.Header().Set("Retry-After", strconv.Itoa(s.retryAfter))
		w.Header().Set("X-RateLimit-Limit", "50")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
		writeErr(w, &apiErr{http.StatusTooManyRequests, "Global limit has been reached", "too_many_requests"})
		return
	}
	tok, ok := s.bearerLocked(r)
	if !ok {
		writeErr(w, &apiErr{http.StatusUnauthorized, "Missing authentication or invalid token", ""})
		return
	}
	segs := strings.Split(strings.TrimPrefix(path, "/api/v2/"), "/")
	for i, seg := range segs {
		if u, err := url.PathUnescape(seg); err == nil {
			segs[i] = u // user ids hold "|", sent as %7C
		}
	}
	rt, params := match(r.Method, segs)
	if rt != nil && !hasAny(tok.scopes, rt.scopes) {
		writeErr(w, &apiErr{http.StatusForbidden, "Insufficient scope, expected any of: " + strings.Join(rt.scopes, ","), "insufficient_scope"})
		return
	}
	c := &call{p: params, q: r.URL.Query()}
	if r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodPut {
		if len(body) > 0 {
			if ct := r.Header.Get("Content-Type"); !isJSON(ct) {
				// The description also allows form bodies; the workflows
				// the simulator serves send JSON.
				writeErr(w, &apiErr{http.StatusBadRequest, "Payload validation error: 'Invalid content type " + strconv.Quote(ct) + ": application/json expected'.", "invalid_body"})
				return
			}
			var v any
			if err := json.Unmarshal(body, &v); err != nil {
				writeErr(w, &apiErr{http.StatusBadRequest, "Payload validation error: 'Invalid JSON'", "invalid_body"})
				return
			}
			c.obj, _ = v.(map[string]any)
			c.arr, _ = v.([]any)
			c.isArr = c.arr != nil
		}
		if c.obj == nil && !c.isArr {
			c.obj = map[string]any{}
		}
	}
	if rt == nil {
		s.genericLocked(w, r.Method, path, segs, r.URL.Query(), c.obj)
		return
	}
	c.rt = rt
	status, out := rt.h(s, c)
	if e, ok := out.(*apiErr); ok {
		writeErr(w, e)
		return
	}
	if out == nil {
		// Documented without a body (204, and e.g. 201 for POST
		// /roles/{id}/permissions).
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, out)
}

func (s *Sim) bearerLocked(r *http.Request) (token, bool) {
	h := r.Header.Get("Authorization")
	scheme, t, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return token{}, false
	}
	tok, ok := s.tokens[strings.TrimSpace(t)]
	if !ok || !s.now().Before(tok.expires) {
		return token{}, false
	}
	return tok, true
}

func (s *Sim) tokenEndpoint(w http.ResponseWriter, r *http.Request, body []byte) {
	form, _ := url.ParseQuery(string(body))
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			form = url.Values{}
			for k, v := range m {
				if s, ok := v.(string); ok {
					form.Set(k, s)
				}
			}
		}
	}
	tr := TokenRequest{GrantType: form.Get("grant_type"), Audience: form.Get("audience"), Scope: form.Get("scope")}
	id, secret := form.Get("client_id"), form.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		tr.ClientAuth = "basic"
		id, _ = url.QueryUnescape(u)
		secret, _ = url.QueryUnescape(p)
	} else if id != "" || secret != "" {
		tr.ClientAuth = "form"
	}
	status := s.token(w, r, tr, id, secret)
	tr.Status = status
	s.mu.Lock()
	s.tokenRequests = append(s.tokenRequests, tr)
	s.mu.Unlock()
}

func (s *Sim) token(w http.ResponseWriter, r *http.Request, tr TokenRequest, id, secret string) int {
	oauthErr := func(status int, code, desc string) int {
		writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
		return status
	}
	if r.Method != http.MethodPost {
		return oauthErr(http.StatusMethodNotAllowed, "invalid_request", "use POST")
	}
	if tr.GrantType != "client_credentials" {
		return oauthErr(http.StatusForbidden, "unauthorized_client", "Grant type '"+tr.GrantType+"' not allowed for the client.")
	}
	if tr.ClientAuth == "basic" && s.RejectBasic {
		return oauthErr(http.StatusUnauthorized, "invalid_client", "Client authentication method not allowed: use client_secret_post")
	}
	if id == "" || id != s.ClientID || secret != s.ClientSecret {
		return oauthErr(http.StatusUnauthorized, "invalid_client", "Client authentication failed")
	}
	want := s.Audience
	if want == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		want = scheme + "://" + r.Host + "/api/v2/"
	}
	if tr.Audience == "" {
		return oauthErr(http.StatusForbidden, "access_denied", "No audience parameter was provided, and no default audience has been configured")
	}
	if tr.Audience != want {
		return oauthErr(http.StatusForbidden, "access_denied", "Service not enabled within domain: "+tr.Audience)
	}
	scopes := strings.Fields(tr.Scope)
	var missing []string
	for _, sc := range scopes {
		if s.Granted != nil && !has(s.Granted, sc) {
			missing = append(missing, sc)
		}
	}
	if len(missing) > 0 {
		return oauthErr(http.StatusForbidden, "access_denied", "Client has not been granted scopes: "+strings.Join(missing, ", "))
	}
	if len(scopes) == 0 {
		scopes = append([]string(nil), s.Granted...)
	}
	s.mu.Lock()
	t := s.issueLocked(scopes)
	ttl := s.TokenTTL
	s.mu.Unlock()
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": t, "token_type": "Bearer", "expires_in": int(ttl / time.Second), "scope": strings.Join(scopes, " "),
	})
	return http.StatusOK
}

// genericStatus is the success status of Management API operations the
// generic store serves, when it is not 201 (POST) or 200 (GET, PATCH).
var genericStatus = map[string]int{
	"DELETE *":   204,
	"DELETE */*": 204,
}

func statusFor(method string, segs []string, def int) int {
	for pat, code := range genericStatus {
		m, p, _ := strings.Cut(pat, " ")
		if m != method {
			continue
		}
		ps := strings.Split(p, "/")
		if len(ps) != len(segs) {
			continue
		}
		ok := true
		for i := range ps {
			if ps[i] != "*" && ps[i] != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return code
		}
	}
	return def
}

// genericLocked serves any other /api/v2 path as nested collections: an
// even number of segments after /api/v2 names an object, odd a collection.
// A POST whose body is one array field ({"items": [...]}) adds each
// element to the collection (a string s becomes {"id": s}).
func (s *Sim) genericLocked(w http.ResponseWriter, method, path string, segs []string, query url.Values, obj map[string]any) {
	coll, id := path, ""
	if len(segs)%2 == 0 {
		id = segs[len(segs)-1]
		coll = "/api/v2/" + strings.Join(segs[:len(segs)-1], "/")
	}
	items := s.generic[coll]
	find := func() int {
		for i, it := range items {
			if str(it["id"]) == id {
				return i
			}
		}
		return -1
	}
	reply := func(status int, v any) {
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, v)
	}
	switch {
	case method == http.MethodGet && id == "":
		out := []map[string]any{}
		for _, it := range items {
			if f := query.Get("name_filter"); f != "" && !strings.Contains(strings.ToLower(str(it["name"])), strings.ToLower(f)) {
				continue
			}
			out = append(out, it)
		}
		writeJSON(w, http.StatusOK, out)
	case method == http.MethodGet:
		if i := find(); i >= 0 {
			writeJSON(w, http.StatusOK, items[i])
			return
		}
		writeErr(w, &apiErr{http.StatusNotFound, "The resource does not exist", "inexistent_resource"})
	case method == http.MethodPost && id == "":
		status := statusFor(method, segs, http.StatusCreated)
		if len(obj) == 1 {
			for _, v := range obj {
				if list, ok := v.([]any); ok {
					for _, x := range list {
						o, ok := x.(map[string]any)
						if !ok {
							o = map[string]any{"id": x}
						}
						items = append(items, copyMap(o))
					}
					s.generic[coll] = items
					reply(status, map[string]any{})
					return
				}
			}
		}
		o := copyMap(obj)
		if _, ok := o["id"]; !ok {
			o["id"] = strings.ReplaceAll(segs[len(segs)-1], "-", "_") + "_" + randAlnum(16)
		}
		s.generic[coll] = append(items, o)
		reply(status, o)
	case method == http.MethodPatch && id == "":
		reply(statusFor(method, segs, http.StatusOK), map[string]any{})
	case method == http.MethodPatch || method == http.MethodPut:
		i := find()
		if i < 0 {
			o := copyMap(obj)
			o["id"] = id
			s.generic[coll] = append(items, o)
			reply(statusFor(method, segs, http.StatusOK), o)
			return
		}
		for k, v := range obj {
			items[i][k] = v
		}
		reply(statusFor(method, segs, http.StatusOK), items[i])
	case method == http.MethodDelete:
		if i := find(); i >= 0 {
			s.generic[coll] = append(items[:i:i], items[i+1:]...)
		}
		w.WriteHeader(http.StatusNoContent)
	case method == http.MethodPost:
		// An action on an object: accepted.
		reply(statusFor(method, segs, http.StatusCreated), map[string]any{})
	default:
		writeErr(w, &apiErr{http.StatusMethodNotAllowed, "unsupported method", ""})
	}
}

// apiErr is a Management API error answer:
// {"statusCode", "error", "message", "errorCode"}.
type apiErr struct {
	status    int
	msg, code string
}

func (e *apiErr) Error() string { return strconv.Itoa(e.status) + " " + e.msg }

func writeErr(w http.ResponseWriter, e *apiErr) {
	m := map[string]any{"statusCode": e.status, "error": http.StatusText(e.status), "message": e.msg}
	if e.code != "" {
		m["errorCode"] = e.code
	}
	writeJSON(w, e.status, m)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func has(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func hasAny(have, want []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		if has(have, w) {
			return true
		}
	}
	return false
}

// isJSON is true for application/json and application/*+json.
func isJSON(contentType string) bool {
	mt, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	mt = strings.TrimSpace(mt)
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// str is v when it is a string, else "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randAlnum returns n random letters and digits (Auth0 ids and secrets).
func randAlnum(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

// Scopes returns every scope the simulated endpoints accept, sorted (an
// application granted all of them can call every endpoint).
func Scopes() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range routes {
		for _, sc := range r.scopes {
			if !seen[sc] {
				seen[sc] = true
				out = append(out, sc)
			}
		}
	}
	sort.Strings(out)
	return out
}
