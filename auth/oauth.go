package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/arazzo-run/arazzo/openapi"
)

// maxTokenBody caps token and discovery responses.
const maxTokenBody = 1 << 20

// Client authentication styles at the token endpoint.
const (
	styleUnknown = iota // try HTTP Basic, then form fields on invalid_client
	styleBasic          // client_secret_basic
	stylePost           // client_secret_post
)

type tokenEntry struct {
	mu        sync.Mutex
	token     string
	refreshAt time.Time // zero: no expires_in, valid for the run
	requested []string
	granted   []string // the response's scope, nil when not reported
	style     int
}

type oidcEntry struct {
	mu            sync.Mutex
	tokenEndpoint string
}

// TokenError is a failed token (or OpenID Connect discovery) request. It
// carries the OAuth2 error body fields; it never contains the client
// secret or a token.
type TokenError struct {
	Source, Scheme string
	URL            string // the token endpoint (or discovery URL)
	StatusCode     int    // 0 when no response was received
	Code           string // OAuth2 "error": invalid_client, access_denied, invalid_scope, ...
	Description    string // OAuth2 "error_description", redacted
	Scopes         []string
	Err            error // transport or decoding problem, when there was one
}

func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "auth: token request for %s to %s failed", describe(e.Source, e.Scheme), e.URL)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.StatusCode)
	}
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	switch {
	case e.Code == "invalid_client" || e.StatusCode == http.StatusUnauthorized:
		b.WriteString(" (check the client id and secret)")
	case e.Code == "access_denied" || e.Code == "unauthorized_client":
		b.WriteString(" (the client is not allowed this grant, audience or these scopes; Auth0: authorize the application for the API and grant it the scopes: " + strings.Join(e.Scopes, " ") + ")")
	case e.Code == "invalid_scope":
		b.WriteString(" (requested scopes: " + strings.Join(e.Scopes, " ") + ")")
	}
	return b.String()
}

func (e *TokenError) Unwrap() error { return e.Err }

// ScopeError is returned when the token endpoint reported (in "scope") a
// grant that lacks scopes an operation needs.
type ScopeError struct {
	Source, Scheme string
	Missing        []string
	Granted        []string
}

func (e *ScopeError) Error() string {
	return fmt.Sprintf("auth: the token of %s lacks scope(s) %s (granted: %s); grant them to the client",
		describe(e.Source, e.Scheme), strings.Join(e.Missing, " "), strings.Join(e.Granted, " "))
}

// token returns a valid access token for key, fetching one for the union
// of the workflow's scopes (plus need, when need goes beyond it) when there
// is none, when need is not covered, or when it is about to expire.
func (a *Authenticator) token(ctx context.Context, base *url.URL, key credKey, s *openapi.SecurityScheme, value string, need []string) (string, error) {
	a.mu.Lock()
	e := a.tokens[key]
	if e == nil {
		e = &tokenEntry{}
		a.tokens[key] = e
	}
	union := a.scopes[key]
	a.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	covered := subset(need, e.requested)
	fresh := e.token != "" && (e.refreshAt.IsZero() || a.now().Before(e.refreshAt))
	if !fresh || !covered {
		scopes := appendUnique(appendUnique(append([]string(nil), union...), e.requested...), need...)
		if err := a.fetch(ctx, base, key, s, value, scopes, e); err != nil {
			return "", err
		}
	}
	if e.granted != nil && !subset(need, e.granted) {
		var miss []string
		for _, x := range need {
			if !contains(e.granted, x) {
				miss = append(miss, x)
			}
		}
		return "", &ScopeError{Source: key.source, Scheme: key.scheme, Missing: miss, Granted: e.granted}
	}
	return e.token, nil
}

func (a *Authenticator) fetch(ctx context.Context, base *url.URL, key credKey, s *openapi.SecurityScheme, value string, scopes []string, e *tokenEntry) error {
	var tokenURL string
	var extra map[string]string
	switch s.Type {
	case "oauth2":
		flow := s.Flows.ClientCredentials
		u, err := url.Parse(flow.TokenURL)
		if err != nil {
			return &TokenError{Source: key.source, Scheme: key.scheme, URL: flow.TokenURL, Err: errors.New("the tokenUrl is not a URL")}
		}
		tokenURL = base.ResolveReference(u).String()
		extra = flow.FormParameters()
	case "openIdConnect":
		var err error
		tokenURL, err = a.discover(ctx, base, key, s.OpenIDConnectURL)
		if err != nil {
			return err
		}
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	for k, v := range extra {
		switch k {
		case "grant_type", "scope", "client_id", "client_secret":
			continue // the description cannot override the grant itself
		}
		form.Set(k, resolveFormValue(base, v))
	}
	id, secret, _ := strings.Cut(value, ":")

	style := e.style
	if style == styleUnknown {
		style = styleBasic
	}
	res, err := a.post(ctx, tokenURL, form, id, secret, style)
	if err == nil && e.style == styleUnknown && style == styleBasic && basicRejected(res) {
		// The server did not take HTTP Basic: send the client in the form.
		style = stylePost
		res, err = a.post(ctx, tokenURL, form, id, secret, style)
	}
	if err != nil {
		return &TokenError{Source: key.source, Scheme: key.scheme, URL: tokenURL, Scopes: scopes, Err: a.redactErr(err)}
	}
	if res.status/100 != 2 {
		return &TokenError{Source: key.source, Scheme: key.scheme, URL: tokenURL, Scopes: scopes,
			StatusCode: res.status, Code: clean(a.Redact(res.body.Error), 80), Description: a.errorText(res)}
	}
	if res.body.AccessToken == "" {
		return &TokenError{Source: key.source, Scheme: key.scheme, URL: tokenURL, Scopes: scopes, StatusCode: res.status,
			Err: errors.New("the response has no access_token")}
	}
	if tt := res.body.TokenType; tt != "" && !strings.EqualFold(tt, "bearer") {
		return &TokenError{Source: key.source, Scheme: key.scheme, URL: tokenURL, Scopes: scopes, StatusCode: res.status,
			Err: fmt.Errorf("token_type %q is not supported (bearer is)", clean(tt, 40))}
	}
	a.mu.Lock()
	a.addSecretLocked(res.body.AccessToken)
	a.addSecretLocked(res.body.RefreshToken)
	a.mu.Unlock()

	e.style = style
	e.token = res.body.AccessToken
	e.requested = scopes
	e.granted = nil
	if res.body.Scope != nil {
		e.granted = strings.Fields(*res.body.Scope)
	}
	e.refreshAt = time.Time{}
	if ttl := res.body.ExpiresIn; ttl > 0 {
		d := time.Duration(float64(ttl) * float64(time.Second))
		e.refreshAt = a.now().Add(d - min(30*time.Second, d/10))
	}
	return nil
}

// resolveFormValue resolves a path-absolute value ("/api/v2/") against the
// server's origin: Auth0's x-form-parameters audience "/api/v2/" must be
// sent as "https://TENANT/api/v2/". Other values are sent as written.
func resolveFormValue(base *url.URL, v string) string {
	if strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//") {
		return base.Scheme + "://" + base.Host + v
	}
	return v
}

type tokenResponse struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type"`
	ExpiresIn    flexFloat `json:"expires_in"`
	RefreshToken string    `json:"refresh_token"`
	Scope        *string   `json:"scope"`
	Error        string    `json:"error"`
	ErrorDesc    string    `json:"error_description"`
	// Auth0's Management API style errors, seen on some token failures.
	Message string `json:"message"`
}

// flexFloat accepts a JSON number or a numeric string (some servers send
// "expires_in": "3600").
type flexFloat float64

func (f *flexFloat) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("expires_in is not a number")
	}
	*f = flexFloat(v)
	return nil
}

type postResult struct {
	status int
	body   tokenResponse
	raw    []byte
}

func (a *Authenticator) post(ctx context.Context, tokenURL string, form url.Values, id, secret string, style int) (*postResult, error) {
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if style == stylePost {
		f.Set("client_id", id)
		f.Set("client_secret", secret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(f.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if style == styleBasic {
		// RFC 6749 2.3.1: both halves are form-encoded before base64.
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString(
			[]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret))))
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	if err != nil {
		return nil, err
	}
	r := &postResult{status: resp.StatusCode, raw: raw}
	if err := json.Unmarshal(raw, &r.body); err != nil && resp.StatusCode/100 == 2 {
		return nil, fmt.Errorf("the response is not a JSON token response (%s)", resp.Header.Get("Content-Type"))
	}
	return r, nil
}

// basicRejected reports whether the token endpoint may have refused HTTP
// Basic client authentication, so that the client is sent in the form
// instead: any 401 (Auth0 answers a client configured for
// client_secret_post, or a wrong secret, with 401 access_denied
// "Unauthorized"), or a 400 invalid_client, invalid_request or
// unauthorized_client (servers that only read the form complain about a
// missing client_id). A wrong secret thus costs one extra request.
func basicRejected(r *postResult) bool {
	switch r.status {
	case http.StatusUnauthorized:
		return true
	case http.StatusBadRequest:
		switch r.body.Error {
		case "invalid_client", "invalid_request", "unauthorized_client":
			return true
		}
	}
	return false
}

func (a *Authenticator) errorText(r *postResult) string {
	d := r.body.ErrorDesc
	if d == "" {
		d = r.body.Message
	}
	if d == "" && r.body.Error == "" {
		d = string(r.raw)
	}
	return clean(a.Redact(d), 300)
}

// clean makes server text safe for one line of output: control characters
// become spaces and the text is cut at max bytes.
func clean(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

func (a *Authenticator) redactErr(err error) error {
	msg := err.Error()
	if r := a.Redact(msg); r != msg {
		return errors.New(r)
	}
	return err
}

// discover fetches an OpenID Connect discovery document (once per URL) and
// returns its token_endpoint.
func (a *Authenticator) discover(ctx context.Context, base *url.URL, key credKey, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", &TokenError{Source: key.source, Scheme: key.scheme, URL: raw, Err: errors.New("the openIdConnectUrl is not a URL")}
	}
	discURL := base.ResolveReference(u)
	a.mu.Lock()
	e := a.oidc[discURL.String()]
	if e == nil {
		e = &oidcEntry{}
		a.oidc[discURL.String()] = e
	}
	a.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.tokenEndpoint != "" {
		return e.tokenEndpoint, nil
	}
	fail := func(status int, err error) error {
		return &TokenError{Source: key.source, Scheme: key.scheme, URL: discURL.String(), StatusCode: status,
			Err: fmt.Errorf("OpenID Connect discovery: %w", err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, discURL.String(), nil)
	if err != nil {
		return "", fail(0, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return "", fail(0, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	if err != nil {
		return "", fail(resp.StatusCode, err)
	}
	if resp.StatusCode/100 != 2 {
		return "", fail(resp.StatusCode, errors.New("unexpected status"))
	}
	var meta struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	if err := json.Unmarshal(body, &meta); err != nil || meta.TokenEndpoint == "" {
		return "", fail(resp.StatusCode, errors.New("no token_endpoint in the discovery document"))
	}
	te, err := url.Parse(meta.TokenEndpoint)
	if err != nil {
		return "", fail(resp.StatusCode, errors.New("token_endpoint is not a URL"))
	}
	te = discURL.ResolveReference(te)
	if te.Scheme != "https" && te.Scheme != "http" {
		return "", fail(resp.StatusCode, errors.New("token_endpoint is not an http(s) URL"))
	}
	e.tokenEndpoint = te.String()
	return e.tokenEndpoint, nil
}

func subset(xs, of []string) bool {
	for _, x := range xs {
		if !contains(of, x) {
			return false
		}
	}
	return true
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func describe(source, scheme string) string {
	if source == "" {
		return fmt.Sprintf("scheme %q", scheme)
	}
	return fmt.Sprintf("scheme %q of source %q", scheme, source)
}
