package openapi

import (
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// genBuilder builds the model from a generic (encoding/json shaped)
// sub-document, mirroring build.go, which builds it from kin-openapi
// types. Schema fields hold empty *openapi3.SchemaRef placeholders that
// Document.OpenAPI3 fills (see lazyDoc).
type genBuilder struct {
	tree map[string]any
	doc  *Document
	// more finds a component tree lacks (one the cache entry keeps
	// encoded until used); nil when tree is complete.
	more func(sec, name string) (any, bool)
}

func gmap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func gstr(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func gbool(v any) bool {
	b, _ := v.(bool)
	return b
}

// resolve follows local $refs ("#/components/section/name") up to a depth.
func (g *genBuilder) resolve(v any) (map[string]any, error) {
	m := gmap(v)
	for depth := 0; m != nil; depth++ {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m, nil
		}
		if depth > 32 {
			return nil, errUnsupported
		}
		rest, ok := strings.CutPrefix(ref, "#/components/")
		if !ok {
			return nil, errUnsupported
		}
		parts := strings.SplitN(rest, "/", 3)
		if len(parts) != 2 {
			return nil, errUnsupported
		}
		sec, name := unescapeToken(parts[0]), unescapeToken(parts[1])
		target, ok := gmap(gmap(g.tree["components"])[sec])[name]
		if !ok && g.more != nil {
			target, ok = g.more(sec, name)
		}
		if !ok {
			return nil, errUnsupported
		}
		m = gmap(target)
	}
	return m, nil
}

// extensions returns the fields of m that are not in known (kin-openapi
// keeps every unknown field, x- or not), nil when none.
func extensions(m map[string]any, known ...string) map[string]any {
	var out map[string]any
	for k, v := range m {
		if k == "$ref" || containsString(known, k) {
			continue
		}
		if out == nil {
			out = map[string]any{}
		}
		out[k] = v
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// genDocument builds the document-level model from a sub-document.
func genDocument(tree map[string]any, loc string) (*Document, error) {
	d := &Document{Location: loc, byID: map[string]*Operation{}, byPtr: map[string]*Operation{}}
	g := &genBuilder{tree: tree, doc: d}
	v, ok := tree["openapi"].(string)
	if !ok || !strings.HasPrefix(v, "3.") {
		return nil, errUnsupported
	}
	d.Version = v
	d.Title = gstr(gmap(tree["info"])["title"])
	d.Servers = g.servers(tree["servers"])
	if len(d.Servers) == 0 {
		d.Servers = convertServers(openapi3.Servers{{URL: "/"}}, loc)
	}
	d.Security = gsecurity(tree["security"])
	if ss := gmap(gmap(tree["components"])["securitySchemes"]); len(ss) > 0 {
		d.SecuritySchemes = make(map[string]*SecurityScheme, len(ss))
		for name, x := range ss {
			m, err := g.resolve(x)
			if err != nil {
				return nil, err
			}
			if m == nil {
				continue
			}
			d.SecuritySchemes[name] = gsecurityScheme(name, m)
		}
	}
	return d, nil
}

func (g *genBuilder) servers(v any) []Server {
	list, _ := v.([]any)
	if len(list) == 0 {
		return nil
	}
	ks := make(openapi3.Servers, 0, len(list))
	for _, x := range list {
		m := gmap(x)
		if m == nil {
			continue
		}
		s := &openapi3.Server{URL: gstr(m["url"]), Description: gstr(m["description"])}
		if vars := gmap(m["variables"]); len(vars) > 0 {
			s.Variables = make(map[string]*openapi3.ServerVariable, len(vars))
			for name, vv := range vars {
				vm := gmap(vv)
				if vm == nil {
					continue
				}
				sv := &openapi3.ServerVariable{Default: gstr(vm["default"])}
				if enum, ok := vm["enum"].([]any); ok {
					for _, e := range enum {
						sv.Enum = append(sv.Enum, gstr(e))
					}
				}
				s.Variables[name] = sv
			}
		}
		ks = append(ks, s)
	}
	return convertServers(ks, g.doc.Location)
}

func gsecurity(v any) []SecurityRequirement {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]SecurityRequirement, 0, len(list))
	for _, x := range list {
		m := gmap(x)
		sr := make(SecurityRequirement, len(m))
		for name, scopes := range m {
			ss := []string{}
			if l, ok := scopes.([]any); ok {
				for _, s := range l {
					ss = append(ss, gstr(s))
				}
			}
			sr[name] = ss
		}
		out = append(out, sr)
	}
	return out
}

func gsecurityScheme(name string, m map[string]any) *SecurityScheme {
	s := &SecurityScheme{
		Name:             name,
		Type:             gstr(m["type"]),
		Description:      gstr(m["description"]),
		Scheme:           gstr(m["scheme"]),
		BearerFormat:     gstr(m["bearerFormat"]),
		In:               gstr(m["in"]),
		ParamName:        gstr(m["name"]),
		OpenIDConnectURL: gstr(m["openIdConnectUrl"]),
		Extensions:       extensions(m, "type", "description", "name", "in", "scheme", "bearerFormat", "flows", "openIdConnectUrl"),
	}
	if f := gmap(m["flows"]); f != nil {
		s.Flows = &OAuthFlows{
			ClientCredentials: gflow(f["clientCredentials"]),
			AuthorizationCode: gflow(f["authorizationCode"]),
			Implicit:          gflow(f["implicit"]),
			Password:          gflow(f["password"]),
			Extensions:        extensions(f, "implicit", "password", "clientCredentials", "authorizationCode"),
		}
	}
	return s
}

func gflow(v any) *OAuthFlow {
	m := gmap(v)
	if m == nil {
		return nil
	}
	f := &OAuthFlow{
		TokenURL:         gstr(m["tokenUrl"]),
		AuthorizationURL: gstr(m["authorizationUrl"]),
		RefreshURL:       gstr(m["refreshUrl"]),
		Extensions:       extensions(m, "authorizationUrl", "tokenUrl", "refreshUrl", "scopes"),
	}
	if sc := gmap(m["scopes"]); sc != nil {
		f.Scopes = make(map[string]string, len(sc))
		for k, x := range sc {
			f.Scopes[k] = gstr(x)
		}
	}
	return f
}

// operation builds the operation at path and method (lower case).
func (g *genBuilder) operation(path, method string) (*Operation, error) {
	item := gmap(gmap(g.tree["paths"])[path])
	m := gmap(item[method])
	if m == nil {
		return nil, errUnsupported
	}
	d := g.doc
	op := &Operation{
		ID:         gstr(m["operationId"]),
		Method:     strings.ToUpper(method),
		Path:       path,
		Pointer:    OperationPointer(path, method),
		Summary:    gstr(m["summary"]),
		Deprecated: gbool(m["deprecated"]),
		Extensions: extensions(m, "tags", "summary", "description", "operationId", "parameters", "requestBody", "responses", "callbacks", "deprecated", "security", "servers", "externalDocs"),
	}
	if s := g.servers(m["servers"]); len(s) > 0 {
		op.Servers = s
	} else if s := g.servers(item["servers"]); len(s) > 0 {
		op.Servers = s
	} else {
		op.Servers = d.Servers
	}
	params, err := g.parameters(item["parameters"], m["parameters"])
	if err != nil {
		return nil, err
	}
	op.Parameters = params
	if rb, ok := m["requestBody"]; ok {
		rm, err := g.resolve(rb)
		if err != nil {
			return nil, err
		}
		if rm != nil {
			content, err := g.content(rm["content"])
			if err != nil {
				return nil, err
			}
			op.RequestBody = &RequestBody{Required: gbool(rm["required"]), Content: content}
		}
	}
	if rs, ok := m["responses"].(map[string]any); ok {
		op.Responses = make(map[string]*Response, len(rs))
		for code, x := range rs {
			if strings.HasPrefix(code, "x-") {
				continue // extensions of the Responses Object
			}
			rm, err := g.resolve(x)
			if err != nil {
				return nil, err
			}
			if rm == nil {
				continue
			}
			content, err := g.content(rm["content"])
			if err != nil {
				return nil, err
			}
			r := &Response{Description: gstr(rm["description"]), Content: content}
			if hs := gmap(rm["headers"]); len(hs) > 0 {
				r.Headers = make(map[string]*Header, len(hs))
				for name, hx := range hs {
					hm, err := g.resolve(hx)
					if err != nil {
						return nil, err
					}
					if hm == nil {
						continue
					}
					r.Headers[name] = &Header{Required: gbool(hm["required"]), Schema: placeholder(hm["schema"])}
				}
			}
			op.Responses[code] = r
		}
	}
	if sec, ok := m["security"]; ok && sec != nil {
		op.SecurityDeclared = true
		op.Security = gsecurity(sec)
		if op.Security == nil {
			op.Security = []SecurityRequirement{}
		}
	} else {
		op.Security = d.Security
	}
	return op, nil
}

// placeholder is an empty schema to be filled by OpenAPI3, or nil when the
// document has no schema there.
func placeholder(v any) any {
	if v == nil {
		return nil
	}
	return &openapi3.SchemaRef{}
}

func (g *genBuilder) parameters(itemParams, opParams any) ([]*Parameter, error) {
	var out []*Parameter
	index := map[string]int{}
	add := func(v any) error {
		list, _ := v.([]any)
		for _, x := range list {
			pm, err := g.resolve(x)
			if err != nil {
				return err
			}
			if pm == nil {
				continue
			}
			name, in := gstr(pm["name"]), gstr(pm["in"])
			if name == "" || in == "" {
				continue
			}
			p := &Parameter{
				Name:          name,
				In:            in,
				Style:         gstr(pm["style"]),
				Required:      gbool(pm["required"]),
				AllowReserved: gbool(pm["allowReserved"]),
				Deprecated:    gbool(pm["deprecated"]),
				Schema:        placeholder(pm["schema"]),
			}
			if in == "path" {
				p.Required = true
			}
			ex, explodeSet := pm["explode"].(bool)
			p.Explode = ex
			p.applyDefaults(explodeSet)
			if content := gmap(pm["content"]); len(content) > 0 {
				p.ContentType = sortedKeys(content)[0]
				if mt := gmap(content[p.ContentType]); mt != nil && p.Schema == nil {
					p.Schema = placeholder(mt["schema"])
				}
			}
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
		return nil
	}
	if err := add(itemParams); err != nil {
		return nil, err
	}
	if err := add(opParams); err != nil {
		return nil, err
	}
	return out, nil
}

func (g *genBuilder) content(v any) ([]MediaType, error) {
	c := gmap(v)
	if len(c) == 0 {
		return nil, nil
	}
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]MediaType, 0, len(c))
	for _, t := range keys {
		mt := gmap(c[t])
		if mt == nil {
			continue
		}
		m := MediaType{Type: t, Schema: placeholder(mt["schema"]), Example: mt["example"]}
		if m.Example == nil {
			exs := gmap(mt["examples"])
			for _, name := range sortedKeys(exs) {
				em, err := g.resolve(exs[name])
				if err != nil {
					return nil, err
				}
				if ev, ok := em["value"]; ok && ev != nil {
					m.Example = ev
					break
				}
			}
		}
		out = append(out, m)
	}
	return out, nil
}
