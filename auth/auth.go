package auth

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/arazzo-run/arazzo/openapi"
)

// Credential is one secret given by the user for one security scheme.
type Credential struct {
	// Scheme is the components.securitySchemes name.
	Scheme string
	// Source is the source description name; "" means any source.
	Source string
	// Value is the secret as given: a token (bearer), user:password (basic),
	// a key (apiKey) or client_id:client_secret (oauth2, openIdConnect).
	Value string
}

// ParseFlag parses "SCHEME=VALUE", "SOURCE.SCHEME=VALUE" or "SCHEME=@file".
func ParseFlag(s string) (Credential, error) {
	return Credential{}, errors.New("auth.ParseFlag: not implemented yet")
}

// FromEnv returns the credentials found in environ (os.Environ form) for
// the scheme names given, from ARAZZO_AUTH_<SCHEME>.
func FromEnv(environ []string, schemes []string) []Credential { return nil }

// Use is one operation a workflow will call.
type Use struct {
	Source string
	StepID string
	Op     *openapi.Operation
	Doc    *openapi.Document
}

// Options control an Authenticator. The zero value works.
type Options struct {
	// HTTPClient sends token and discovery requests; nil means a client with
	// a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock for token expiry; nil means time.Now.
	Now func() time.Time
	// Scopes overrides the scopes requested for a scheme ("SCHEME" or
	// "SOURCE.SCHEME" -> scopes) instead of the union computed from the uses.
	Scopes map[string][]string
	// Servers and ServerVars are the same values given to the executor
	// (runtime.Options): they say which host each source's server is.
	Servers    map[string]string
	ServerVars map[string]map[string]string
}

// Authenticator applies credentials to requests. It is safe for concurrent use.
type Authenticator struct{}

// New checks the credentials against the security schemes of the uses.
func New(creds []Credential, uses []Use, opts Options) (*Authenticator, error) {
	return nil, errors.New("auth.New: not implemented yet")
}

// Authenticate decorates req for op of source; it has the signature of
// runtime.Options.Authenticate.
func (a *Authenticator) Authenticate(ctx context.Context, req *http.Request, op *openapi.Operation, source string) error {
	return errors.New("auth: not implemented yet")
}

// Secrets returns every secret known so far, tokens obtained included.
func (a *Authenticator) Secrets() []string { return nil }

// Redact replaces every secret in s with "***".
func (a *Authenticator) Redact(s string) string { return s }

// MaskHeader masks a header value when its name carries a credential,
// apiKey header names of the known schemes included.
func (a *Authenticator) MaskHeader(name, value string) string { return MaskHeader(name, value) }

// StripOnRedirect is an http.Client.CheckRedirect that drops credentials
// when a redirect leaves the original host.
func (a *Authenticator) StripOnRedirect(req *http.Request, via []*http.Request) error { return nil }

// Redactor returns a function replacing each secret (and its base64 and
// URL-escaped forms) with "***".
func Redactor(secrets ...string) func(string) string { return func(s string) string { return s } }

// MaskHeader masks the value of Authorization, Proxy-Authorization, Cookie,
// Set-Cookie and common API key headers.
func MaskHeader(name, value string) string { return value }

// ScopeReport says which scopes each security scheme needs.
type ScopeReport struct{ Schemes []SchemeScopes }

// SchemeScopes is the need of one scheme of one source.
type SchemeScopes struct {
	Source, Scheme, Kind string
	Total                []string
	PerStep              []StepScopes
	// Flag and EnvVar are the --auth flag and environment variable a run needs.
	Flag, EnvVar string
}

// StepScopes is the scopes one step needs from one scheme.
type StepScopes struct {
	StepID      string
	OperationID string
	Scopes      []string
}

// Scopes reports, for each scheme, the scopes the uses need.
func Scopes(uses []Use) ScopeReport { return ScopeReport{} }
