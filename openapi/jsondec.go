package openapi

import (
	"encoding/json"
	"errors"
	"strconv"
)

// decodeJSON decodes JSON the cache wrote (json.Marshal output, read back
// from a checksummed entry) into the encoding/json shapes: map[string]any,
// []any, string, float64, bool, nil, exactly as json.Unmarshal into an
// any would. It exists for speed: keys and strings without escapes are
// substrings of s (no copy; they keep s alive, which the entry does
// anyway), and the input is scanned once. Anything it does not expect is
// an error (the caller then treats the entry as absent), never a panic.
func decodeJSON(s string) (any, error) {
	d := jsonDecoder{s: s}
	v := d.value(0)
	d.space()
	if d.err == nil && d.off != len(d.s) {
		d.err = errJSON
	}
	if d.err != nil {
		return nil, d.err
	}
	return v, nil
}

var errJSON = errors.New("cache entry: unexpected JSON")

// maxJSONDepth bounds the nesting decodeJSON accepts.
const maxJSONDepth = 10000

type jsonDecoder struct {
	s       string
	off     int
	err     error
	members []jsonMember // of the objects being decoded
}

type jsonMember struct {
	k string
	v any
}

func (d *jsonDecoder) fail() any {
	if d.err == nil {
		d.err = errJSON
	}
	d.off = len(d.s)
	return nil
}

func (d *jsonDecoder) space() {
	for d.off < len(d.s) {
		switch d.s[d.off] {
		case ' ', '\t', '\r', '\n':
			d.off++
		default:
			return
		}
	}
}

func (d *jsonDecoder) value(depth int) any {
	d.space()
	if d.off >= len(d.s) || depth > maxJSONDepth {
		return d.fail()
	}
	switch c := d.s[d.off]; {
	case c == '{':
		d.off++
		d.space()
		if d.off < len(d.s) && d.s[d.off] == '}' {
			d.off++
			return map[string]any{}
		}
		// The members are collected first so that the map is made at its
		// size (no growth, no garbage).
		base := len(d.members)
		for d.err == nil {
			d.space()
			k, ok := d.str()
			if !ok {
				return d.fail()
			}
			d.space()
			if d.off >= len(d.s) || d.s[d.off] != ':' {
				return d.fail()
			}
			d.off++
			v := d.value(depth + 1)
			d.members = append(d.members, jsonMember{k, v})
			d.space()
			if d.off >= len(d.s) {
				return d.fail()
			}
			switch d.s[d.off] {
			case ',':
				d.off++
			case '}':
				d.off++
				m := make(map[string]any, len(d.members)-base)
				for _, kv := range d.members[base:] {
					m[kv.k] = kv.v
				}
				clear(d.members[base:])
				d.members = d.members[:base]
				return m
			default:
				return d.fail()
			}
		}
		return nil
	case c == '[':
		d.off++
		list := []any{}
		d.space()
		if d.off < len(d.s) && d.s[d.off] == ']' {
			d.off++
			return list
		}
		for d.err == nil {
			list = append(list, d.value(depth+1))
			d.space()
			if d.off >= len(d.s) {
				return d.fail()
			}
			switch d.s[d.off] {
			case ',':
				d.off++
			case ']':
				d.off++
				return list
			default:
				return d.fail()
			}
		}
		return nil
	case c == '"':
		v, ok := d.str()
		if !ok {
			return d.fail()
		}
		return v
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]struct {
			s string
			v any
		}{{"true", true}, {"false", false}, {"null", nil}} {
			if len(d.s)-d.off >= len(lit.s) && d.s[d.off:d.off+len(lit.s)] == lit.s {
				d.off += len(lit.s)
				return lit.v
			}
		}
		return d.fail()
	case c == '-' || (c >= '0' && c <= '9'):
		start := d.off
		for d.off < len(d.s) {
			c := d.s[d.off]
			if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
				d.off++
				continue
			}
			break
		}
		f, err := strconv.ParseFloat(d.s[start:d.off], 64)
		if err != nil {
			return d.fail()
		}
		return f
	}
	return d.fail()
}

// str reads a string token: a substring of s when it has no escapes,
// else decoded by encoding/json.
func (d *jsonDecoder) str() (string, bool) {
	if d.off >= len(d.s) || d.s[d.off] != '"' {
		return "", false
	}
	start := d.off + 1
	escaped := false
	for i := start; i < len(d.s); i++ {
		switch c := d.s[i]; {
		case c == '\\':
			escaped = true
			i++
		case c == '"':
			d.off = i + 1
			if !escaped {
				return d.s[start:i], true
			}
			var out string
			if err := json.Unmarshal([]byte(d.s[start-1:i+1]), &out); err != nil {
				return "", false
			}
			return out, true
		case c < 0x20:
			return "", false
		}
	}
	return "", false
}
