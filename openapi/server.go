package openapi

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// Resolve substitutes the server variables in s.URL: vars override the
// defaults; a value outside a variable's enum is an error, as is a
// "{name}" with no declared variable and no value in vars. Substituted
// values are inserted as they are (a server variable may legitimately hold
// a host name or a path). Variables given in vars but not used are ignored.
func (s Server) Resolve(vars map[string]string) (string, error) {
	var b strings.Builder
	rest := s.URL
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("server URL %q: unclosed '{'", s.URL)
		}
		name := rest[i+1 : i+j]
		b.WriteString(rest[:i])
		rest = rest[i+j+1:]
		decl, declared := s.Variables[name]
		val, given := vars[name]
		switch {
		case given:
			if declared && len(decl.Enum) > 0 && !slices.Contains(decl.Enum, val) {
				return "", fmt.Errorf("server URL %q: value %q for variable %q is not one of %s", s.URL, val, name, strings.Join(quoteAll(decl.Enum), ", "))
			}
		case declared:
			val = decl.Default
		default:
			return "", fmt.Errorf("server URL %q: no value for variable %q (it has no declaration with a default)", s.URL, name)
		}
		b.WriteString(val)
	}
	return b.String(), nil
}

// VariableNames returns the declared variable names, sorted.
func (s Server) VariableNames() []string {
	names := make([]string, 0, len(s.Variables))
	for n := range s.Variables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// ResolveURL resolves ref (for example a relative tokenUrl such as Auth0's
// "/oauth/token/") against base (for example the resolved server URL),
// following RFC 3986.
func ResolveURL(base, ref string) (string, error) {
	r, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("invalid URL %q: %v", ref, err)
	}
	if r.IsAbs() {
		return r.String(), nil
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("invalid base URL %q: %v", base, err)
	}
	return b.ResolveReference(r).String(), nil
}

func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		switch s := x.(type) {
		case string:
			out[k] = s
		case nil:
		default:
			out[k] = fmt.Sprint(s)
		}
	}
	return out
}
