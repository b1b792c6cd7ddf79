package openapi

import "errors"

// Resolve substitutes the server variables: vars override the defaults; a
// value outside a variable's enum is an error.
func (s Server) Resolve(vars map[string]string) (string, error) {
	return "", errors.New("not implemented yet")
}

func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		if s, ok := x.(string); ok {
			out[k] = s
		}
	}
	return out
}
