package openapi

import "errors"

// QueryPair is one name=value pair of a query string. Both Name and Value
// are already percent-encoded (allowReserved honored), so the caller joins
// them as name=value with '&' and must not escape them again; see
// EncodeQuery.
type QueryPair struct {
	Name  string
	Value string
}

// EncodeQuery joins pairs into a query string (without '?').
func EncodeQuery(pairs []QueryPair) string {
	n := 0
	for _, p := range pairs {
		n += len(p.Name) + len(p.Value) + 2
	}
	b := make([]byte, 0, n)
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p.Name...)
		b = append(b, '=')
		b = append(b, p.Value...)
	}
	return string(b)
}

// NewParameter returns a parameter with the default style and explode for
// in (path/header: simple; query/cookie: form, explode). Use it for a
// parameter an Arazzo step names but the OpenAPI operation does not declare.
func NewParameter(name, in string) *Parameter {
	p := &Parameter{Name: name, In: in}
	p.applyDefaults(false)
	return p
}

func (p *Parameter) applyDefaults(explodeSet bool) {
	if p.Style == "" {
		switch p.In {
		case "query", "cookie":
			p.Style = "form"
		default:
			p.Style = "simple"
		}
	}
	if !explodeSet {
		p.Explode = p.Style == "form"
	}
}

// SerializePath returns the value for the {name} placeholder, already
// percent-escaped; styles simple, label, matrix.
func (p *Parameter) SerializePath(v any) (string, error) {
	return "", errors.New("not implemented yet")
}

// SerializeQuery returns the query pairs for v; styles form,
// spaceDelimited, pipeDelimited, deepObject.
func (p *Parameter) SerializeQuery(v any) ([]QueryPair, error) {
	return nil, errors.New("not implemented yet")
}

// SerializeHeader returns the header value for v (style simple).
func (p *Parameter) SerializeHeader(v any) (string, error) {
	return "", errors.New("not implemented yet")
}

// SerializeCookie returns the cookie-string fragment for v (style form).
func (p *Parameter) SerializeCookie(v any) (string, error) {
	return "", errors.New("not implemented yet")
}
