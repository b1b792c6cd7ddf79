package contract

import (
	"mime"
	"strconv"
	"strings"

	"github.com/arazzo-run/arazzo/openapi"
)

// mediaType returns the lower-case "type/subtype" of a Content-Type value
// or content-map key, parameters (charset...) dropped. A value that does
// not parse is returned trimmed and lower-cased up to the first ';'.
func mediaType(v string) string {
	if mt, _, err := mime.ParseMediaType(v); err == nil {
		return mt
	}
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	return strings.ToLower(strings.TrimSpace(v))
}

// matchMedia finds the content entry that describes actual (a parsed
// "type/subtype"), the most specific first, as OpenAPI asks: an exact key,
// then a structured-suffix range ("application/*+json"), then "type/*",
// then "*/*". Keys are compared without their parameters.
func matchMedia(content []openapi.MediaType, actual string) (*openapi.MediaType, bool) {
	typ, sub, _ := strings.Cut(actual, "/")
	best, bestRank := -1, 0
	for i := range content {
		key := mediaType(content[i].Type)
		kt, ks, _ := strings.Cut(key, "/")
		rank := 0
		switch {
		case key == actual:
			rank = 4
		case kt == typ && strings.HasPrefix(ks, "*+") && strings.HasSuffix(sub, ks[1:]):
			rank = 3
		case kt == typ && ks == "*":
			rank = 2
		case kt == "*" && (ks == "*" || ks == ""):
			rank = 1
		}
		if rank > bestRank {
			best, bestRank = i, rank
		}
	}
	if best < 0 {
		return nil, false
	}
	return &content[best], true
}

// isJSON reports a JSON media type: application/json, text/json or any
// "+json" structured suffix (application/problem+json...).
func isJSON(mt string) bool {
	_, sub, _ := strings.Cut(mt, "/")
	return sub == "json" || strings.HasSuffix(sub, "+json")
}

// displayMedia shows a media type received from the other side: as is
// when it looks like one, else quoted (control characters escaped) and cut
// at 64 bytes, so a message stays one short line.
func displayMedia(mt string) string {
	ok := len(mt) <= 64
	for i := 0; ok && i < len(mt); i++ {
		c := mt[i]
		ok = c > ' ' && c < 0x7f && c != '"'
	}
	if ok {
		return mt
	}
	if len(mt) > 64 {
		mt = mt[:64] + "..."
	}
	return strconv.Quote(mt)
}

func documentedTypes(content []openapi.MediaType) string {
	var b strings.Builder
	for i, m := range content {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.Type)
	}
	return b.String()
}
