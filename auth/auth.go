package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/arazzo-run/arazzo/openapi"
)

// Credential is one secret given by the user for one security scheme.
type Credential struct {
	// Scheme is the components.securitySchemes name.
	Scheme string
	// Source is the source description name; "" means any source that
	// declares the scheme.
	Source string
	// Value is the secret as given: a token (http bearer), user:password
	// (http basic), a key (apiKey) or client_id:client_secret (oauth2
	// clientCredentials, openIdConnect).
	Value string
	// Env is the environment variable the credential came from (FromEnv),
	// "" for a flag. Errors name it; and New ignores, instead of refusing,
	// an environment credential for a scheme the workflow's sources do not
	// declare (the variable may serve another workflow).
	Env string
}

// Use is one operation a workflow will call.
type Use struct {
	Source string // the source description name
	StepID string
	Op     *openapi.Operation
	Doc    *openapi.Document
}

// Options control an Authenticator. The zero value works.
type Options struct {
	// HTTPClient sends token and discovery requests; nil means a client with
	// a 30 s timeout that does not follow redirects to other hosts with
	// credentials (StripOnRedirect).
	HTTPClient *http.Client
	// Now is the clock for token expiry; nil means time.Now.
	Now func() time.Time
	// Scopes overrides the scopes requested for a scheme ("SCHEME" or
	// "SOURCE.SCHEME" -> scopes) instead of the union computed from the uses.
	Scopes map[string][]string
	// Servers and ServerVars must be the values given to the executor
	// (runtime.Options): a source's server URL replacing its OpenAPI
	// servers, and server variable values. They decide which host is the
	// source's own server (the only one that receives its credentials) and
	// the base URL of relative token URLs.
	Servers    map[string]string
	ServerVars map[string]map[string]string
	// RequireCredentials makes Authenticate fail, naming the --auth flags and
	// environment variables that would satisfy it, when an operation declares
	// security and no alternative has credentials. By default the request is
	// sent without credentials and the server decides.
	RequireCredentials bool
}

// Authenticator applies credentials to requests. It is safe for concurrent
// use. Its String never shows a secret.
type Authenticator struct {
	opts   Options
	client *http.Client
	now    func() time.Time

	docs  map[string]*openapi.Document // by source
	creds map[credKey]string           // (source or "", scheme) -> value
	// scopes is the union, in first-use order, of the scopes of the
	// alternatives chosen for the uses, by (source, scheme).
	scopes map[credKey][]string
	// apiKeyHeaders are the header names of every apiKey scheme in a
	// header, canonical, for masking and StripOnRedirect.
	apiKeyHeaders map[string]bool

	mu       sync.Mutex
	tokens   map[credKey]*tokenEntry
	oidc     map[string]*oidcEntry // discovery URL -> entry
	secrets  []string
	secretOK map[string]bool
	redactor func(string) string // rebuilt when secrets change; nil = stale

	partial []PartialCredentials // computed by New; see Partial
}

type credKey struct{ source, scheme string }

func (k credKey) String() string {
	if k.source == "" {
		return k.scheme
	}
	return k.source + "." + k.scheme
}

// String describes the authenticator without any secret.
func (a *Authenticator) String() string {
	if a == nil {
		return "auth.Authenticator(nil)"
	}
	names := make([]string, 0, len(a.creds))
	for k := range a.creds {
		names = append(names, k.String())
	}
	sort.Strings(names)
	return "auth.Authenticator{credentials: " + strings.Join(names, ", ") + "}"
}

// GoString is String, so that %#v does not print secrets either.
func (a *Authenticator) GoString() string { return a.String() }

// New checks the credentials against the security schemes of the sources
// the uses name, and computes the scopes each oauth2/openIdConnect scheme
// will request: the union, in first-use order, of the scopes of the
// security alternative each use will take given these credentials.
//
// Errors (which never contain a value): a scheme no source declares (with
// a "did you mean"), an unknown source, a malformed value (basic or client
// credentials without ':', control characters), or a scheme kind this
// package cannot apply (mutualTLS, http schemes other than bearer and
// basic, oauth2 without a clientCredentials flow). The first credential for
// a SOURCE.SCHEME wins, so pass flags before FromEnv's credentials; a
// source-qualified credential wins over an unqualified one.
func New(creds []Credential, uses []Use, opts Options) (*Authenticator, error) {
	a := &Authenticator{
		opts:          opts,
		client:        opts.HTTPClient,
		now:           opts.Now,
		docs:          map[string]*openapi.Document{},
		creds:         map[credKey]string{},
		scopes:        map[credKey][]string{},
		apiKeyHeaders: map[string]bool{},
		tokens:        map[credKey]*tokenEntry{},
		oidc:          map[string]*oidcEntry{},
		secretOK:      map[string]bool{},
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.client == nil {
		a.client = &http.Client{Timeout: 30 * time.Second, CheckRedirect: a.StripOnRedirect}
	}
	var sources []string
	for _, u := range uses {
		if u.Doc == nil {
			continue
		}
		if _, ok := a.docs[u.Source]; !ok {
			a.docs[u.Source] = u.Doc
			sources = append(sources, u.Source)
		}
	}
	sort.Strings(sources)
	for _, src := range sources {
		for _, s := range a.docs[src].SecuritySchemes {
			if s != nil && s.Type == "apiKey" && strings.EqualFold(s.In, "header") && s.ParamName != "" {
				a.apiKeyHeaders[http.CanonicalHeaderKey(s.ParamName)] = true
			}
		}
	}

	var errs []error
	var values []string // every value, losers included: all are secrets
	for _, c := range creds {
		c = a.normalize(c)
		if err := a.check(c, sources); err != nil {
			var u *unknownError
			if c.Env != "" && errors.As(err, &u) {
				continue
			}
			errs = append(errs, err)
			continue
		}
		// The first credential for a name wins: the CLI passes its flags
		// before the environment, so a flag overrides a variable.
		values = append(values, c.Value)
		if _, dup := a.creds[credKey{c.Source, c.Scheme}]; !dup {
			a.creds[credKey{c.Source, c.Scheme}] = c.Value
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, v := range values {
		a.addSecretLocked(v)
		if user, pass, ok := strings.Cut(v, ":"); ok {
			a.addSecretPartLocked(pass)
			a.addSecretLocked(base64.StdEncoding.EncodeToString([]byte(v)))
			// client_secret_basic form-encodes both halves first.
			enc := url.QueryEscape(user) + ":" + url.QueryEscape(pass)
			a.addSecretLocked(base64.StdEncoding.EncodeToString([]byte(enc)))
		}
	}

	// Scope union per (source, scheme), over the alternative each use takes.
	for _, u := range uses {
		if u.Op == nil || u.Doc == nil {
			continue
		}
		alt, ok := a.choose(u.Op, u.Source, u.Doc)
		if !ok {
			continue
		}
		for _, name := range sortedKeys(alt) {
			s := u.Doc.SecuritySchemes[name]
			if s == nil || (s.Type != "oauth2" && s.Type != "openIdConnect") {
				continue
			}
			k := credKey{u.Source, name}
			a.scopes[k] = appendUnique(a.scopes[k], alt[name]...)
		}
	}
	a.partial = a.findPartial(uses)
	for name, sc := range opts.Scopes {
		src, sch := "", name
		if s, rest, ok := strings.Cut(name, "."); ok && a.docs[s] != nil {
			src, sch = s, rest
		}
		for _, s := range sources {
			if (src == "" || src == s) && a.docs[s].SecuritySchemes[sch] != nil {
				a.scopes[credKey{s, sch}] = appendUnique(nil, sc...)
			}
		}
	}
	return a, nil
}

// normalize re-joins "a.b" when ParseFlag split a scheme name containing a
// dot and no source "a" exists.
func (a *Authenticator) normalize(c Credential) Credential {
	if c.Source == "" {
		return c
	}
	if _, ok := a.docs[c.Source]; ok {
		return c
	}
	joined := c.Source + "." + c.Scheme
	for _, d := range a.docs {
		if d.SecuritySchemes[joined] != nil {
			return Credential{Scheme: joined, Value: c.Value}
		}
	}
	return c
}

func (a *Authenticator) check(c Credential, sources []string) error {
	if c.Scheme == "" {
		return errors.New("auth: a credential has no scheme name")
	}
	if c.Value == "" {
		return fmt.Errorf("auth: credential %s: the value is empty", c.label())
	}
	if strings.ContainsAny(c.Value, "\r\n\x00") {
		return fmt.Errorf("auth: credential %s: the value contains a line break or NUL (a stray newline from a file?)", c.label())
	}
	if c.Source != "" {
		if _, ok := a.docs[c.Source]; !ok {
			return &unknownError{fmt.Sprintf("auth: credential %s: no source description %q is used by this workflow%s",
				c.label(), c.Source, didYouMean(c.Source, sources))}
		}
	}
	found := false
	var all []string
	for _, src := range sources {
		d := a.docs[src]
		for n := range d.SecuritySchemes {
			all = append(all, n)
		}
		if c.Source != "" && c.Source != src {
			continue
		}
		s := d.SecuritySchemes[c.Scheme]
		if s == nil {
			continue
		}
		found = true
		if err := checkValue(c, s); err != nil {
			return err
		}
	}
	if !found {
		where := "no source description of this workflow declares it"
		if c.Source != "" {
			where = fmt.Sprintf("source %q does not declare it", c.Source)
		}
		if len(all) == 0 {
			where += " (no security schemes are declared)"
		}
		return &unknownError{fmt.Sprintf("auth: credential %s: unknown security scheme %q: %s%s",
			c.label(), c.Scheme, where, didYouMean(c.Scheme, all))}
	}
	return nil
}

func checkValue(c Credential, s *openapi.SecurityScheme) error {
	switch s.Type {
	case "http":
		switch strings.ToLower(s.Scheme) {
		case "bearer":
			return nil
		case "basic":
			if !strings.Contains(c.Value, ":") {
				return fmt.Errorf("auth: credential %s: http basic wants USER:PASSWORD (no ':' found)", c.label())
			}
			return nil
		}
		return fmt.Errorf("auth: credential %s: http scheme %q is not supported (bearer and basic are)", c.label(), s.Scheme)
	case "apiKey":
		switch strings.ToLower(s.In) {
		case "header", "query", "cookie":
		default:
			return fmt.Errorf("auth: credential %s: apiKey in %q is not supported (header, query, cookie are)", c.label(), s.In)
		}
		if s.ParamName == "" {
			return fmt.Errorf("auth: credential %s: the apiKey scheme declares no name", c.label())
		}
		if strings.EqualFold(s.In, "cookie") && strings.ContainsAny(c.Value, "; \",\\") {
			return fmt.Errorf("auth: credential %s: a cookie value cannot contain ';', ',', '\"', '\\' or spaces", c.label())
		}
		return nil
	case "oauth2":
		if s.Flows == nil || s.Flows.ClientCredentials == nil || s.Flows.ClientCredentials.TokenURL == "" {
			return fmt.Errorf("auth: credential %s: oauth2 scheme %q has no clientCredentials flow with a tokenUrl; only client credentials can run unattended (pass a token through an http bearer scheme instead)", c.label(), s.Name)
		}
		return checkClient(c)
	case "openIdConnect":
		if s.OpenIDConnectURL == "" {
			return fmt.Errorf("auth: credential %s: openIdConnect scheme declares no openIdConnectUrl", c.label())
		}
		return checkClient(c)
	}
	return fmt.Errorf("auth: credential %s: security scheme type %q is not supported", c.label(), s.Type)
}

func checkClient(c Credential) error {
	id, _, ok := strings.Cut(c.Value, ":")
	if !ok || id == "" {
		return fmt.Errorf("auth: credential %s: client credentials want CLIENT_ID:CLIENT_SECRET", c.label())
	}
	return nil
}

// cred returns the credential for scheme in source: source-qualified first.
func (a *Authenticator) cred(source, scheme string) (string, bool) {
	if v, ok := a.creds[credKey{source, scheme}]; ok {
		return v, true
	}
	v, ok := a.creds[credKey{"", scheme}]
	return v, ok
}

// choose picks the first security alternative of op whose schemes are all
// declared and all have credentials. An empty alternative ({}: anonymous
// access allowed) is taken only when no other alternative is satisfiable,
// so that credentials are used when the user gave them.
func (a *Authenticator) choose(op *openapi.Operation, source string, doc *openapi.Document) (openapi.SecurityRequirement, bool) {
	anonymous := false
	for _, alt := range op.Security {
		if len(alt) == 0 {
			anonymous = true
			continue
		}
		ok := true
		for name := range alt {
			if doc.SecuritySchemes[name] == nil {
				ok = false
				break
			}
			if _, has := a.cred(source, name); !has {
				ok = false
				break
			}
		}
		if ok {
			return alt, true
		}
	}
	return nil, anonymous
}

// HostError is returned by Authenticate when a request for a source goes to
// a host other than that source's server: its credentials are not sent.
type HostError struct {
	Source  string
	Host    string   // the request's host
	Allowed []string // the hosts of the source's servers
}

func (e *HostError) Error() string {
	allowed := strings.Join(e.Allowed, ", ")
	if allowed == "" {
		allowed = "none could be determined; give the source's server URL"
	}
	return fmt.Sprintf("auth: not sending credentials of source %q to host %s: it is not that source's server (%s)", e.Source, e.Host, allowed)
}

// MissingCredentialError is returned by Authenticate, with
// Options.RequireCredentials, when no security alternative of an operation
// has credentials.
type MissingCredentialError struct {
	Source, Operation string
	// Needs lists the alternatives, each as the --auth flags it needs.
	Needs []string
}

func (e *MissingCredentialError) Error() string {
	return fmt.Sprintf("auth: operation %s of source %q needs credentials: %s", e.Operation, e.Source, strings.Join(e.Needs, ", or "))
}

// Authenticate decorates req, an operation request of source, with the
// credentials of the first satisfiable security alternative of op; it has
// the signature of runtime.Options.Authenticate.
//
// It leaves alone a header, query parameter or cookie the request already
// has (the workflow set it explicitly), and it sends nothing to a host
// other than the source's server (HostError). An operation of a source
// that no Use named is left alone.
func (a *Authenticator) Authenticate(ctx context.Context, req *http.Request, op *openapi.Operation, source string) error {
	if a == nil || req == nil || req.URL == nil || op == nil {
		return nil
	}
	doc := a.docs[source]
	if doc == nil || len(op.Security) == 0 {
		return nil
	}
	alt, ok := a.choose(op, source, doc)
	if !ok {
		if a.opts.RequireCredentials {
			return a.missing(op, source, doc)
		}
		return nil
	}
	if len(alt) == 0 {
		return nil
	}
	base, err := a.serverFor(req.URL, op, source, doc)
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(alt) {
		s := doc.SecuritySchemes[name]
		v, _ := a.cred(source, name)
		if err := a.apply(ctx, req, base, source, name, s, v, alt[name]); err != nil {
			return err
		}
	}
	return nil
}

func (a *Authenticator) missing(op *openapi.Operation, source string, doc *openapi.Document) error {
	e := &MissingCredentialError{Source: source, Operation: op.ID}
	if e.Operation == "" {
		e.Operation = op.Method + " " + op.Path
	}
	for _, alt := range op.Security {
		var parts []string
		for _, name := range sortedKeys(alt) {
			s := doc.SecuritySchemes[name]
			if s == nil {
				parts = append(parts, name+" (undeclared)")
				continue
			}
			parts = append(parts, "--auth "+name+"="+placeholder(s)+" (or "+EnvVar(name)+")")
		}
		if len(parts) > 0 {
			e.Needs = append(e.Needs, strings.Join(parts, " and "))
		}
	}
	return e
}

func (a *Authenticator) apply(ctx context.Context, req *http.Request, base *url.URL, source, name string, s *openapi.SecurityScheme, value string, scopes []string) error {
	switch s.Type {
	case "http":
		if req.Header.Get("Authorization") != "" {
			return nil
		}
		if strings.EqualFold(s.Scheme, "basic") {
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(value)))
		} else {
			req.Header.Set("Authorization", "Bearer "+value)
		}
	case "apiKey":
		switch strings.ToLower(s.In) {
		case "header":
			if len(req.Header.Values(s.ParamName)) == 0 {
				req.Header.Set(s.ParamName, value)
			}
		case "query":
			q, _ := url.ParseQuery(req.URL.RawQuery)
			if _, ok := q[s.ParamName]; !ok {
				pair := url.QueryEscape(s.ParamName) + "=" + url.QueryEscape(value)
				if req.URL.RawQuery == "" {
					req.URL.RawQuery = pair
				} else {
					req.URL.RawQuery += "&" + pair
				}
			}
		case "cookie":
			if _, err := req.Cookie(s.ParamName); err != nil {
				req.AddCookie(&http.Cookie{Name: s.ParamName, Value: value})
			}
		}
	case "oauth2", "openIdConnect":
		if req.Header.Get("Authorization") != "" {
			return nil
		}
		tok, err := a.token(ctx, base, credKey{source, name}, s, value, scopes)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return nil
}

// serverFor returns the server URL of source whose host is the request's,
// or a HostError.
func (a *Authenticator) serverFor(u *url.URL, op *openapi.Operation, source string, doc *openapi.Document) (*url.URL, error) {
	cands := a.servers(op, source, doc)
	host := hostKey(u)
	var allowed []string
	for _, c := range cands {
		if hostKey(c) == host {
			return c, nil
		}
		allowed = append(allowed, c.Host)
	}
	return nil, &HostError{Source: source, Host: u.Host, Allowed: allowed}
}

// servers resolves the candidate server URLs of an operation: the
// Options.Servers override of its source, else the operation's effective
// servers (else the document's) with Options.ServerVars substituted; a
// relative server URL is resolved against the document's http(s) location.
func (a *Authenticator) servers(op *openapi.Operation, source string, doc *openapi.Document) []*url.URL {
	if s := a.opts.Servers[source]; s != "" {
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			return []*url.URL{u}
		}
		return nil
	}
	list := op.Servers
	if len(list) == 0 {
		list = doc.Servers
	}
	if len(list) == 0 {
		list = []openapi.Server{{URL: "/"}}
	}
	var out []*url.URL
	for _, s := range list {
		raw := substitute(s, a.opts.ServerVars[source])
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		if u.Host == "" {
			loc, err := url.Parse(doc.Location)
			if err != nil || (loc.Scheme != "http" && loc.Scheme != "https") {
				continue
			}
			u = loc.ResolveReference(u)
		}
		out = append(out, u)
	}
	return out
}

// substitute replaces {var} in a server URL by vars[var], else the
// variable's default. (Enum checks are the executor's business: this only
// needs the host the executor will have built.)
func substitute(s openapi.Server, vars map[string]string) string {
	raw := s.URL
	var b strings.Builder
	for {
		i := strings.IndexByte(raw, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(raw[i:], '}')
		if j < 0 {
			break
		}
		name := raw[i+1 : i+j]
		b.WriteString(raw[:i])
		if v, ok := vars[name]; ok {
			b.WriteString(v)
		} else if sv, ok := s.Variables[name]; ok {
			b.WriteString(sv.Default)
		} else {
			b.WriteString(raw[i : i+j+1])
		}
		raw = raw[i+j+1:]
	}
	b.WriteString(raw)
	return b.String()
}

// hostKey is the lower-cased host with the scheme's default port made
// explicit, so that https://h and https://h:443 are the same server.
func hostKey(u *url.URL) string {
	h := strings.ToLower(u.Hostname())
	p := u.Port()
	if p == "" {
		switch strings.ToLower(u.Scheme) {
		case "http":
			p = "80"
		case "https":
			p = "443"
		}
	}
	return h + ":" + p
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func appendUnique(dst []string, xs ...string) []string {
	for _, x := range xs {
		dup := false
		for _, y := range dst {
			if x == y {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, x)
		}
	}
	return dst
}

func didYouMean(name string, cands []string) string {
	best, bestD := "", -1
	for _, c := range cands {
		if c == name {
			continue
		}
		d := levenshtein(strings.ToLower(name), strings.ToLower(c))
		if d <= max(2, len(name)/3) && (bestD < 0 || d < bestD || (d == bestD && c < best)) {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// unknownError is a credential naming a scheme or source the workflow
// does not use.
type unknownError struct{ msg string }

func (e *unknownError) Error() string { return e.msg }
