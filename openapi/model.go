package openapi

import (
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// Document is a loaded OpenAPI description with its operation index.
// It is immutable after loading and safe for concurrent use.
type Document struct {
	// Location is the absolute file path or URL the document was loaded from.
	Location string
	// Version is the declared version: "3.0.3", "3.1.0", "2.0", ...
	Version string
	Title   string
	Servers []Server
	// SecuritySchemes are the components.securitySchemes by name.
	SecuritySchemes map[string]*SecurityScheme
	// Security is the document-level security requirement (alternatives).
	Security []SecurityRequirement
	// Warnings are validation problems; they never make loading fail.
	Warnings []Warning

	kin   *openapi3.T
	ops   []*Operation
	byID  map[string]*Operation
	byPtr map[string]*Operation
	lazy  *lazyDoc // set by a lazy load (LoadOptions.Operations)
}

// Warning is a non-fatal problem found while loading or validating.
type Warning struct {
	Message string
	// Pointer is the JSON pointer into the OpenAPI document, when known.
	Pointer string
}

func (w Warning) String() string {
	if w.Pointer == "" {
		return w.Message
	}
	return "#" + w.Pointer + ": " + w.Message
}

// Operation is one operation with everything inherited from its path item
// and the document already applied.
type Operation struct {
	ID     string // operationId, "" when absent
	Method string // upper-case: GET, POST, ...
	Path   string // the path template, "/pets/{petId}"
	// Pointer is the JSON pointer (without '#') of the operation object,
	// e.g. "/paths/~1pets~1{petId}/get".
	Pointer     string
	Summary     string
	Deprecated  bool
	Servers     []Server     // effective: operation > path item > document
	Parameters  []*Parameter // effective: path-item params merged with operation params
	RequestBody *RequestBody // nil when none
	Responses   map[string]*Response
	// Security is the effective requirement: the operation's when declared
	// (even when empty: no auth), else the document's. Each element is one
	// alternative; all schemes inside one alternative apply together.
	Security         []SecurityRequirement
	SecurityDeclared bool
	Extensions       map[string]any
}

// Parameter is an OpenAPI Parameter Object with style/explode defaults applied.
type Parameter struct {
	Name          string
	In            string // path, query, header, cookie
	Style         string // defaulted per In when absent
	Explode       bool   // defaulted: true only for style form
	Required      bool
	AllowReserved bool
	Deprecated    bool
	// Schema is the *openapi3.SchemaRef when loaded by kin-openapi, or nil.
	Schema any
	// ContentType is set when the parameter uses `content` instead of
	// `schema`; the value is then serialized as a single string.
	ContentType string
}

// RequestBody is an OpenAPI Request Body Object.
type RequestBody struct {
	Required bool
	Content  []MediaType // sorted by media type
}

// MediaType is one entry of a `content` map.
type MediaType struct {
	Type string // "application/json", "*/*", ...
	// Schema is the *openapi3.SchemaRef when loaded by kin-openapi, or nil.
	Schema  any
	Example any
}

// Response is an OpenAPI Response Object.
type Response struct {
	Description string
	Content     []MediaType // sorted by media type
	Headers     map[string]*Header
}

// Header is a response header declaration.
type Header struct {
	Required bool
	// Schema is the *openapi3.SchemaRef when loaded by kin-openapi, or nil.
	Schema any
}

// Server is an OpenAPI Server Object.
type Server struct {
	URL         string
	Description string
	Variables   map[string]ServerVariable
}

// ServerVariable is an OpenAPI Server Variable Object.
type ServerVariable struct {
	Default string
	Enum    []string
}

// SecurityRequirement maps a security scheme name to the scopes required
// (one alternative of a `security` list).
type SecurityRequirement map[string][]string

// SecurityScheme is an OpenAPI Security Scheme Object.
type SecurityScheme struct {
	Name         string // the key under components.securitySchemes
	Type         string // apiKey, http, oauth2, openIdConnect, mutualTLS
	Description  string
	Scheme       string // http: bearer, basic, ...
	BearerFormat string
	In           string // apiKey: header, query, cookie
	ParamName    string // apiKey: the header/query/cookie name
	Flows        *OAuthFlows
	// OpenIDConnectURL is the openIdConnectUrl of an openIdConnect scheme.
	OpenIDConnectURL string
	Extensions       map[string]any
}

// OAuthFlows is an OpenAPI OAuth Flows Object.
type OAuthFlows struct {
	ClientCredentials *OAuthFlow
	AuthorizationCode *OAuthFlow
	Implicit          *OAuthFlow
	Password          *OAuthFlow
	Extensions        map[string]any
}

// OAuthFlow is an OpenAPI OAuth Flow Object.
type OAuthFlow struct {
	TokenURL         string
	AuthorizationURL string
	RefreshURL       string
	Scopes           map[string]string
	// Extensions holds the flow's x- fields. Auth0 declares
	// `x-form-parameters: {audience: ...}` here, on the clientCredentials flow.
	Extensions map[string]any
}

// FormParameters returns the flow's `x-form-parameters` extension as
// strings (extra form fields to send to the token endpoint, e.g. Auth0's
// audience), or nil.
func (f *OAuthFlow) FormParameters() map[string]string {
	if f == nil {
		return nil
	}
	return stringMap(f.Extensions["x-form-parameters"])
}

// OpenAPI3 returns the kin-openapi document this was built from, or nil.
// It is meant for schema checks; the operation index never depends on it.
//
// After a lazy load (LoadOptions.Operations) it is built on the first call
// from the operations built so far and the components they reach, and
// that call fills the Schema fields of those operations (until then they
// hold empty *openapi3.SchemaRef values): call OpenAPI3 before reading
// schemas.
func (d *Document) OpenAPI3() *openapi3.T {
	if d.lazy != nil {
		return d.lazy.openAPI3()
	}
	return d.kin
}

// Scopes returns the scopes the operation requires for scheme, merged over
// the alternatives that name it (in order, without duplicates), and whether
// any alternative names the scheme at all.
func (op *Operation) Scopes(scheme string) ([]string, bool) {
	var out []string
	found := false
	for _, req := range op.Security {
		scopes, ok := req[scheme]
		if !ok {
			continue
		}
		found = true
		for _, s := range scopes {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out, found
}
