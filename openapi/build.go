package openapi

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// methodOrder is the order of operations within a path item: the order of
// the fixed fields in the OpenAPI Path Item Object.
var methodOrder = []string{
	http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete,
	http.MethodOptions, http.MethodHead, http.MethodPatch, http.MethodTrace,
	openapi3.MethodQuery, http.MethodConnect,
}

// fixedMethods are the methods with their own Path Item field (pointer
// "/paths/.../get"); others live under "additionalOperations" (OAS 3.2).
var fixedMethods = map[string]bool{
	http.MethodGet: true, http.MethodPut: true, http.MethodPost: true, http.MethodDelete: true,
	http.MethodOptions: true, http.MethodHead: true, http.MethodPatch: true, http.MethodTrace: true,
	openapi3.MethodQuery: true,
}

// build makes the Document model and the operation index from a kin
// document. Nothing here keeps a reference into kin except schemas (as
// `any`) and Document.kin.
func build(kin *openapi3.T, loc string) *Document {
	d := &Document{
		Location: loc,
		Version:  kin.OpenAPI,
		kin:      kin,
		byID:     map[string]*Operation{},
		byPtr:    map[string]*Operation{},
	}
	if kin.Info != nil {
		d.Title = kin.Info.Title
	}
	d.Servers = convertServers(kin.Servers, loc)
	if len(d.Servers) == 0 {
		// OpenAPI: "If the servers property is not provided, or is an
		// empty array, the default value would be a Server Object with a
		// url value of /."
		d.Servers = convertServers(openapi3.Servers{{URL: "/"}}, loc)
	}
	d.Security = convertSecurity(kin.Security)
	if kin.Components != nil && len(kin.Components.SecuritySchemes) > 0 {
		d.SecuritySchemes = make(map[string]*SecurityScheme, len(kin.Components.SecuritySchemes))
		for name, ref := range kin.Components.SecuritySchemes {
			if ref == nil || ref.Value == nil {
				continue
			}
			d.SecuritySchemes[name] = convertSecurityScheme(name, ref.Value)
		}
	}
	if kin.Paths == nil {
		return d
	}
	paths := kin.Paths.Map()
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, path := range keys {
		item := paths[path]
		if item == nil {
			continue
		}
		ops := item.Operations()
		methods := make([]string, 0, len(ops))
		for m := range ops {
			methods = append(methods, m)
		}
		sort.Slice(methods, func(i, j int) bool {
			ri, rj := methodRank(methods[i]), methodRank(methods[j])
			if ri != rj {
				return ri < rj
			}
			return methods[i] < methods[j]
		})
		for _, m := range methods {
			op := buildOperation(d, kin, path, item, m, ops[m])
			d.addOperation(op)
		}
	}
	return d
}

func methodRank(m string) int {
	for i, x := range methodOrder {
		if x == m {
			return i
		}
	}
	return len(methodOrder)
}

// addOperation indexes op. A duplicate operationId (invalid OpenAPI) keeps
// the first operation and records a warning.
func (d *Document) addOperation(op *Operation) {
	d.ops = append(d.ops, op)
	d.byPtr[op.Pointer] = op
	if op.ID == "" {
		return
	}
	if prev, dup := d.byID[op.ID]; dup {
		d.Warnings = append(d.Warnings, Warning{
			Message: "duplicate operationId " + quote(op.ID) + " (also at #" + prev.Pointer + "); the first one is used",
			Pointer: op.Pointer,
		})
		return
	}
	d.byID[op.ID] = op
}

func quote(s string) string { return `"` + s + `"` }

// EscapePointerToken escapes one JSON pointer reference token (RFC 6901).
func EscapePointerToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// OperationPointer is the JSON pointer of the operation at path and method.
func OperationPointer(path, method string) string {
	m := strings.ToUpper(method)
	if fixedMethods[m] {
		return "/paths/" + EscapePointerToken(path) + "/" + strings.ToLower(m)
	}
	return "/paths/" + EscapePointerToken(path) + "/additionalOperations/" + EscapePointerToken(method)
}

func buildOperation(d *Document, kin *openapi3.T, path string, item *openapi3.PathItem, method string, kop *openapi3.Operation) *Operation {
	op := &Operation{
		ID:          kop.OperationID,
		Method:      strings.ToUpper(method),
		Path:        path,
		Pointer:     OperationPointer(path, method),
		Summary:     kop.Summary,
		Deprecated:  kop.Deprecated,
		Extensions:  kop.Extensions,
		RequestBody: nil,
	}
	switch {
	case kop.Servers != nil && len(*kop.Servers) > 0:
		op.Servers = convertServers(*kop.Servers, d.Location)
	case len(item.Servers) > 0:
		op.Servers = convertServers(item.Servers, d.Location)
	default:
		op.Servers = d.Servers
	}
	op.Parameters = mergeParameters(item.Parameters, kop.Parameters)
	if kop.RequestBody != nil && kop.RequestBody.Value != nil {
		rb := kop.RequestBody.Value
		op.RequestBody = &RequestBody{Required: rb.Required, Content: convertContent(rb.Content)}
	}
	if kop.Responses != nil {
		rs := kop.Responses.Map()
		op.Responses = make(map[string]*Response, len(rs))
		for code, ref := range rs {
			if ref == nil || ref.Value == nil {
				continue
			}
			r := &Response{Content: convertContent(ref.Value.Content)}
			if ref.Value.Description != nil {
				r.Description = *ref.Value.Description
			}
			if len(ref.Value.Headers) > 0 {
				r.Headers = make(map[string]*Header, len(ref.Value.Headers))
				for name, h := range ref.Value.Headers {
					if h == nil || h.Value == nil {
						continue
					}
					r.Headers[name] = &Header{Required: h.Value.Required, Schema: schemaAny(h.Value.Schema)}
				}
			}
			op.Responses[code] = r
		}
	}
	if kop.Security != nil {
		op.SecurityDeclared = true
		op.Security = convertSecurity(*kop.Security)
		if op.Security == nil {
			op.Security = []SecurityRequirement{}
		}
	} else {
		op.Security = d.Security
	}
	return op
}

// ignoredHeaders are header parameters OpenAPI says SHALL be ignored.
var ignoredHeaders = map[string]bool{"accept": true, "content-type": true, "authorization": true}

// mergeParameters applies the path-item parameters, overridden by the
// operation's with the same name and location (names of header parameters
// compare case-insensitively). Order: path-item parameters first, then the
// operation's new ones.
func mergeParameters(itemParams, opParams openapi3.Parameters) []*Parameter {
	var out []*Parameter
	index := map[string]int{}
	add := func(refs openapi3.Parameters) {
		for _, ref := range refs {
			if ref == nil || ref.Value == nil {
				continue
			}
			if ref.Value.Name == "" || ref.Value.In == "" {
				continue // e.g. a repaired dangling $ref (already warned)
			}
			p := convertParameter(ref.Value)
			if p.In == "header" && ignoredHeaders[strings.ToLower(p.Name)] {
				continue
			}
			key := parameterKey(p.Name, p.In)
			if i, ok := index[key]; ok {
				out[i] = p
				continue
			}
			index[key] = len(out)
			out = append(out, p)
		}
	}
	add(itemParams)
	add(opParams)
	return out
}

func parameterKey(name, in string) string {
	if in == "header" {
		name = strings.ToLower(name)
	}
	return in + "\x00" + name
}

// Parameter returns the effective parameter with that name and location
// (in may be "" to match any location; header names match
// case-insensitively).
func (op *Operation) Parameter(name, in string) (*Parameter, bool) {
	for _, p := range op.Parameters {
		if in != "" && p.In != in {
			continue
		}
		if p.Name == name || (p.In == "header" && strings.EqualFold(p.Name, name)) {
			return p, true
		}
	}
	return nil, false
}

func convertParameter(kp *openapi3.Parameter) *Parameter {
	p := &Parameter{
		Name:          kp.Name,
		In:            kp.In,
		Style:         kp.Style,
		Required:      kp.Required,
		AllowReserved: kp.AllowReserved,
		Deprecated:    kp.Deprecated,
		Schema:        schemaAny(kp.Schema),
	}
	if kp.In == "path" {
		// Path parameters are always required, whatever the document says.
		p.Required = true
	}
	if kp.Explode != nil {
		p.Explode = *kp.Explode
	}
	p.applyDefaults(kp.Explode != nil)
	if len(kp.Content) > 0 {
		p.ContentType = sortedKeys(kp.Content)[0]
		if mt := kp.Content[p.ContentType]; mt != nil && p.Schema == nil {
			p.Schema = schemaAny(mt.Schema)
		}
	}
	return p
}

// schemaAny avoids storing a typed nil pointer in an interface.
func schemaAny(s *openapi3.SchemaRef) any {
	if s == nil {
		return nil
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func convertContent(c openapi3.Content) []MediaType {
	if len(c) == 0 {
		return nil
	}
	out := make([]MediaType, 0, len(c))
	for _, t := range sortedKeys(c) {
		mt := c[t]
		if mt == nil {
			continue
		}
		m := MediaType{Type: t, Schema: schemaAny(mt.Schema), Example: mt.Example}
		if m.Example == nil {
			for _, name := range sortedKeys(mt.Examples) {
				if ex := mt.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
					m.Example = ex.Value.Value
					break
				}
			}
		}
		out = append(out, m)
	}
	return out
}

// convertServers converts servers; a relative server URL of a document
// loaded over http(s) is resolved against the document's URL, as OpenAPI
// requires. Relative URLs of local documents are kept as they are (there is
// no meaningful base; the caller must supply one).
func convertServers(ss openapi3.Servers, loc string) []Server {
	if len(ss) == 0 {
		return nil
	}
	var base *url.URL
	if isURL(loc) {
		base, _ = url.Parse(loc)
	}
	out := make([]Server, 0, len(ss))
	for _, s := range ss {
		if s == nil {
			continue
		}
		srv := Server{URL: s.URL, Description: s.Description}
		if base != nil && !strings.Contains(s.URL, "{") && !isURL(s.URL) {
			if ref, err := url.Parse(s.URL); err == nil {
				srv.URL = base.ResolveReference(ref).String()
			}
		}
		if len(s.Variables) > 0 {
			srv.Variables = make(map[string]ServerVariable, len(s.Variables))
			for name, v := range s.Variables {
				if v == nil {
					continue
				}
				srv.Variables[name] = ServerVariable{Default: v.Default, Enum: v.Enum}
			}
		}
		out = append(out, srv)
	}
	return out
}

func convertSecurity(reqs openapi3.SecurityRequirements) []SecurityRequirement {
	if reqs == nil {
		return nil
	}
	out := make([]SecurityRequirement, 0, len(reqs))
	for _, r := range reqs {
		sr := make(SecurityRequirement, len(r))
		for name, scopes := range r {
			if scopes == nil {
				scopes = []string{}
			}
			sr[name] = scopes
		}
		out = append(out, sr)
	}
	return out
}

func convertSecurityScheme(name string, s *openapi3.SecurityScheme) *SecurityScheme {
	out := &SecurityScheme{
		Name:             name,
		Type:             s.Type,
		Description:      s.Description,
		Scheme:           s.Scheme,
		BearerFormat:     s.BearerFormat,
		In:               s.In,
		ParamName:        s.Name,
		OpenIDConnectURL: s.OpenIdConnectUrl,
		Extensions:       s.Extensions,
	}
	if f := s.Flows; f != nil {
		out.Flows = &OAuthFlows{
			ClientCredentials: convertFlow(f.ClientCredentials),
			AuthorizationCode: convertFlow(f.AuthorizationCode),
			Implicit:          convertFlow(f.Implicit),
			Password:          convertFlow(f.Password),
			Extensions:        f.Extensions,
		}
	}
	return out
}

func convertFlow(f *openapi3.OAuthFlow) *OAuthFlow {
	if f == nil {
		return nil
	}
	return &OAuthFlow{
		TokenURL:         f.TokenURL,
		AuthorizationURL: f.AuthorizationURL,
		RefreshURL:       f.RefreshURL,
		Scopes:           f.Scopes,
		Extensions:       f.Extensions,
	}
}

// validate runs kin-openapi's validation with every problem collected and
// turns each into a Warning with a JSON pointer where kin's error chain
// tells where it is. Regular expressions Go cannot compile (ECMA-262
// look-arounds, common in 3.1 documents) are warnings like the rest.
func validate(ctx context.Context, kin *openapi3.T) (ws []Warning) {
	defer func() {
		// kin's validators are not all hardened against every malformed
		// input in multi-error mode; a panic there must not take the
		// caller down, and loading has already succeeded.
		if r := recover(); r != nil {
			ws = append(ws, Warning{Message: "validation stopped early: internal error in the OpenAPI validator"})
		}
	}()
	// Examples and defaults are not validated against their schemas: that is most of
	// the validation time on large documents (a JSON Schema 2020-12 run per
	// example) and a wrong example does not affect a workflow run.
	err := kin.Validate(ctx, openapi3.EnableMultiError(), openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation())
	if err == nil {
		return nil
	}
	leaves := []error{err}
	if me, ok := err.(openapi3.MultiError); ok {
		leaves = me
	}
	for _, e := range leaves {
		ptr, msg := warningOf(e)
		ws = append(ws, Warning{Message: msg, Pointer: ptr})
	}
	return ws
}

var componentSections = map[string]string{
	"schema": "schemas", "parameter": "parameters", "header": "headers",
	"request body": "requestBodies", "response": "responses",
	"security scheme": "securitySchemes", "example": "examples",
	"link": "links", "callback": "callbacks",
}

// warningOf walks kin's context wrappers to build the pointer; the message
// is the innermost cause.
func warningOf(err error) (ptr, msg string) {
	var b strings.Builder
	for {
		switch e := err.(type) {
		case *openapi3.SectionValidationError:
			section := e.Section
			if section == "external docs" {
				section = "externalDocs"
			}
			b.WriteString("/" + section)
			err = e.Cause
			continue
		case *openapi3.PathValidationError:
			b.WriteString("/" + EscapePointerToken(e.Path))
			err = e.Cause
			continue
		case *openapi3.OperationValidationError:
			if fixedMethods[strings.ToUpper(e.Method)] {
				b.WriteString("/" + strings.ToLower(e.Method))
			} else {
				b.WriteString("/additionalOperations/" + EscapePointerToken(e.Method))
			}
			err = e.Cause
			continue
		case *openapi3.ComponentValidationError:
			if s, ok := componentSections[e.Section]; ok {
				b.WriteString("/" + s + "/" + EscapePointerToken(e.Name))
			}
			err = e.Cause
			continue
		case *openapi3.WebhookValidationError:
			b.WriteString("/" + EscapePointerToken(e.Name))
			err = e.Cause
			continue
		}
		break
	}
	if err == nil {
		return b.String(), "invalid"
	}
	return b.String(), err.Error()
}
