// Package auth0sim is a small, stateful simulator of the Auth0 Management
// API for tests: a token endpoint that enforces client credentials, the
// audience and the scopes of each endpoint, and the resource servers,
// clients and client grants of the M2M provisioning workflow, with 409 on
// duplicates and 429 rate limiting on demand. It keeps a request log and
// counts token requests.
//
// It imports the standard library only and never touches the network: wrap
// it in httptest.NewServer. The expected audience is the server's own
// origin plus "/api/v2/" (what Auth0 expects: https://TENANT/api/v2/),
// unless Sim.Audience is set.
//
// Other Management API paths (organizations, users, roles, ...) are served
// by a generic store so that sibling workflows run: POST creates (an "id"
// is added; the status is the one the Auth0 description documents, e.g. 200
// for POST /roles, 204 for POST /organizations/{id}/members), GET returns
// the collection or the object, PATCH merges, DELETE removes (204). They
// require a valid token but no particular scope.
package auth0sim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
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

// endpointScopes are the scopes each core endpoint requires (any of them).
var endpointScopes = map[string]string{
	"POST /api/v2/resource-servers": "create:resource_servers",
	"GET /api/v2/resource-servers":  "read:resource_servers",
	"POST /api/v2/clients":          "create:clients",
	"GET /api/v2/clients":           "read:clients",
	"POST /api/v2/client-grants":    "create:client_grants",
	"GET /api/v2/client-grants":     "read:client_grants",
}

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
	// Now is the clock for token expiry; nil means time.Now.
	Now func() time.Time

	mu            sync.Mutex
	tokens        map[string]token
	tokenRequests []TokenRequest
	log           []Request
	rateLimited   int
	retryAfter    int
	resourceSrvs  []map[string]any
	clients       []map[string]any
	grants        []map[string]any
	generic       map[string][]map[string]any // collection path -> objects
	seq           int
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
	Path   string
	Query  string
	Header http.Header
	Body   []byte
	Status int
}

// New returns a simulator whose application holds the scopes the M2M
// provisioning workflow needs (and the read scopes of the same resources).
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
// objects, in creation order.
func (s *Sim) ResourceServers() []map[string]any { return s.snapshot(&s.resourceSrvs) }

// Clients: see ResourceServers.
func (s *Sim) Clients() []map[string]any { return s.snapshot(&s.clients) }

// ClientGrants: see ResourceServers.
func (s *Sim) ClientGrants() []map[string]any { return s.snapshot(&s.grants) }

func (s *Sim) snapshot(p *[]map[string]any) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]any, len(*p))
	for i, m := range *p {
		out[i] = copyMap(m)
	}
	return out
}

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
	s.log = append(s.log, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body, Status: rec.status})
	s.mu.Unlock()
}

type recorder struct {
	http.ResponseWriter
	status int
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
		apiError(w, http.StatusNotFound, "Not Found", "no such endpoint", "")
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
		apiError(w, http.StatusTooManyRequests, "Too Many Requests", "Global limit has been reached", "too_many_requests")
		return
	}
	tok, ok := s.bearerLocked(r)
	if !ok {
		apiError(w, http.StatusUnauthorized, "Unauthorized", "Missing authentication or invalid token", "")
		return
	}
	endpoint := r.Method + " " + path
	if need, ok := endpointScopes[endpoint]; ok && !has(tok.scopes, need) {
		apiError(w, http.StatusForbidden, "Forbidden", "Insufficient scope, expected any of: "+need, "insufficient_scope")
		return
	}
	var obj map[string]any
	if r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodPut {
		if len(body) > 0 {
			var v any
			if err := json.Unmarshal(body, &v); err != nil {
				apiError(w, http.StatusBadRequest, "Bad Request", "Payload validation error: 'Invalid JSON'", "invalid_body")
				return
			}
			// An array body (PATCH /connections/{id}/clients) is valid
			// JSON; the stores only keep objects.
			obj, _ = v.(map[string]any)
		}
		if obj == nil {
			obj = map[string]any{}
		}
	}
	switch endpoint {
	case "POST /api/v2/resource-servers":
		s.createResourceServer(w, obj)
	case "GET /api/v2/resource-servers":
		writeJSON(w, http.StatusOK, s.resourceSrvs)
	case "POST /api/v2/clients":
		s.createClient(w, obj)
	case "GET /api/v2/clients":
		writeJSON(w, http.StatusOK, s.clients)
	case "POST /api/v2/client-grants":
		s.createGrant(w, obj)
	case "GET /api/v2/client-grants":
		writeJSON(w, http.StatusOK, s.grants)
	default:
		s.genericLocked(w, r.Method, path, r.URL.Query(), obj)
	}
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

func (s *Sim) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s_%06d%s", prefix, s.seq, randHex(4))
}

func (s *Sim) createResourceServer(w http.ResponseWriter, obj map[string]any) {
	ident, _ := obj["identifier"].(string)
	if ident == "" {
		apiError(w, http.StatusBadRequest, "Bad Request", "Payload validation error: 'Missing required property: identifier'.", "invalid_body")
		return
	}
	for _, rs := range s.resourceSrvs {
		if rs["identifier"] == ident {
			apiError(w, http.StatusConflict, "Conflict", "A resource server with the same identifier already exists", "inexistent_resource_server")
			return
		}
	}
	rs := copyMap(obj)
	rs["id"] = s.nextID("rs")
	if _, ok := rs["name"]; !ok {
		rs["name"] = ident
	}
	if _, ok := rs["scopes"]; !ok || rs["scopes"] == nil {
		rs["scopes"] = []any{}
	}
	rs["signing_alg"] = "RS256"
	rs["token_lifetime"] = 86400
	s.resourceSrvs = append(s.resourceSrvs, rs)
	writeJSON(w, http.StatusCreated, rs)
}

func (s *Sim) createClient(w http.ResponseWriter, obj map[string]any) {
	name, _ := obj["name"].(string)
	if name == "" {
		apiError(w, http.StatusBadRequest, "Bad Request", "Payload validation error: 'Missing required property: name'.", "invalid_body")
		return
	}
	c := copyMap(obj)
	c["client_id"] = randAlnum(32)
	c["client_secret"] = randAlnum(64)
	if _, ok := c["app_type"]; !ok {
		c["app_type"] = "non_interactive"
	}
	c["grant_types"] = []any{"client_credentials"}
	s.clients = append(s.clients, c)
	writeJSON(w, http.StatusCreated, c)
}

func (s *Sim) createGrant(w http.ResponseWriter, obj map[string]any) {
	cid, _ := obj["client_id"].(string)
	aud, _ := obj["audience"].(string)
	if cid == "" || aud == "" {
		apiError(w, http.StatusBadRequest, "Bad Request", "Payload validation error: 'Missing required property: client_id, audience'.", "invalid_body")
		return
	}
	found := false
	for _, c := range s.clients {
		if c["client_id"] == cid {
			found = true
		}
	}
	if !found {
		apiError(w, http.StatusNotFound, "Not Found", "Client not found", "inexistent_client")
		return
	}
	var rs map[string]any
	for _, x := range s.resourceSrvs {
		if x["identifier"] == aud {
			rs = x
		}
	}
	if rs == nil {
		apiError(w, http.StatusNotFound, "Not Found", "No resource server found by specified audience", "inexistent_resource_server")
		return
	}
	allowed := map[string]bool{}
	if list, ok := rs["scopes"].([]any); ok {
		for _, x := range list {
			if m, ok := x.(map[string]any); ok {
				if v, ok := m["value"].(string); ok {
					allowed[v] = true
				}
			}
		}
	}
	if list, ok := obj["scope"].([]any); ok {
		for _, x := range list {
			v, _ := x.(string)
			if !allowed[v] {
				apiError(w, http.StatusBadRequest, "Bad Request", fmt.Sprintf("Scope %q is not defined by the resource server", v), "invalid_scope")
				return
			}
		}
	}
	for _, g := range s.grants {
		if g["client_id"] == cid && g["audience"] == aud {
			apiError(w, http.StatusConflict, "Conflict", "A client grant for this client and audience already exists", "client_grant_conflict")
			return
		}
	}
	g := copyMap(obj)
	g["id"] = s.nextID("cgr")
	if _, ok := g["scope"]; !ok || g["scope"] == nil {
		g["scope"] = []any{}
	}
	s.grants = append(s.grants, g)
	writeJSON(w, http.StatusCreated, g)
}

// genericStatus is the success status of the Management API operations
// the generic store serves, from the Auth0 description (the api-evangelist
// sibling workflows check them): "METHOD pattern" with * for one segment.
var genericStatus = map[string]int{
	"POST organizations":                   201,
	"POST organizations/*/members":         204,
	"POST organizations/*/members/*/roles": 204,
	"POST organizations/*/invitations":     200,
	"POST organizations/*/connections":     201,
	"POST roles":                           200,
	"POST roles/*/users":                   200,
	"POST roles/*/permissions":             201,
	"POST users":                           201,
	"POST users/*/roles":                   204,
	"POST users/*/permissions":             201,
	"POST connections":                     201,
	"PATCH connections/*/clients":          204,
	"DELETE grants/*":                      204,
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
// A POST whose body is one array field ({"members": [...]}, {"roles":
// [...]}) adds each element to the collection (a string s becomes {"id":
// s}). GET /users-by-email?email= and GET /roles?name_filter= filter.
func (s *Sim) genericLocked(w http.ResponseWriter, method, path string, query url.Values, obj map[string]any) {
	segs := strings.Split(strings.TrimPrefix(path, "/api/v2/"), "/")
	coll, id := path, ""
	if len(segs)%2 == 0 {
		id = segs[len(segs)-1]
		coll = "/api/v2/" + strings.Join(segs[:len(segs)-1], "/")
	}
	items := s.generic[coll]
	find := func() int {
		for i, it := range items {
			if fmt.Sprint(it["id"]) == id {
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
	case method == http.MethodGet && path == "/api/v2/users-by-email":
		out := []map[string]any{}
		for _, u := range s.generic["/api/v2/users"] {
			if strings.EqualFold(fmt.Sprint(u["email"]), query.Get("email")) {
				out = append(out, u)
			}
		}
		writeJSON(w, http.StatusOK, out)
	case method == http.MethodGet && id == "":
		out := []map[string]any{}
		for _, it := range items {
			if f := query.Get("name_filter"); f != "" && !strings.Contains(fmt.Sprint(it["name"]), f) {
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
		apiError(w, http.StatusNotFound, "Not Found", "The resource does not exist", "inexistent_resource")
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
			prefix := strings.ReplaceAll(segs[len(segs)-1], "-", "_")
			if len(segs) == 1 && segs[0] == "users" {
				o["user_id"] = "auth0|" + randHex(8)
				o["id"] = o["user_id"]
			} else {
				o["id"] = s.nextID(prefix)
			}
		}
		s.generic[coll] = append(items, o)
		reply(status, o)
	case method == http.MethodPatch && id == "":
		// PATCH on a collection (connections/{id}/clients): a batch update.
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
		apiError(w, http.StatusMethodNotAllowed, "Method Not Allowed", "unsupported method", "")
	}
}

func apiError(w http.ResponseWriter, status int, errText, msg, code string) {
	m := map[string]any{"statusCode": status, "error": errText, "message": msg}
	if code != "" {
		m["errorCode"] = code
	}
	writeJSON(w, status, m)
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

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randAlnum(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	s := base64.RawURLEncoding.EncodeToString(b)
	s = strings.NewReplacer("-", "a", "_", "b").Replace(s)
	return s[:n]
}

// Scopes returns the scopes the core endpoints require, sorted (for docs
// and tests).
func Scopes() []string {
	var out []string
	for _, v := range endpointScopes {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
