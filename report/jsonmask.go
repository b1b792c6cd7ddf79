package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"
)

// maxJSONDepth bounds the nesting the rewriter follows (a hostile body
// cannot exhaust the stack); a deeper body is reported as text.
const maxJSONDepth = 1000

var errTooDeep = errors.New("JSON nested too deep")

// maskJSON re-encodes a JSON text compactly with secret fields masked and
// every string through the masker, keeping the members' order, duplicates
// and escapes as received. It fails on invalid or too deeply nested JSON.
//
// It is a small lexer over text json.Valid accepted rather than a
// json.Decoder token loop: reports mask every body of a run, and the token
// API allocates for every token.
func (m *masker) maskJSON(b []byte) ([]byte, error) {
	if !json.Valid(b) {
		return nil, errors.New("not JSON")
	}
	r := jsonRewriter{m: m, src: b, out: make([]byte, 0, len(b)),
		redactAll: m.redact != nil && m.redact(string(b)) != string(b)}
	if err := r.value(false, 0); err != nil {
		return nil, err
	}
	return r.out, nil
}

// jsonRewriter walks valid JSON. With learnOnly it only learns the values
// of secret fields; else it writes the masked copy to out.
type jsonRewriter struct {
	m         *masker
	src       []byte
	i         int
	out       []byte
	learnOnly bool
	// redactAll: the Redactor changes something in the body, so every
	// string and number goes through it. When it changes nothing in the
	// whole body, it cannot change an escape-free string inside it, and
	// only escaped strings need it. (Learned secrets are looked for in
	// every string: that is cheap.)
	redactAll bool
}

func (r *jsonRewriter) ws() {
	for r.i < len(r.src) {
		switch r.src[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

func (r *jsonRewriter) value(secret bool, depth int) error {
	if depth > maxJSONDepth {
		return errTooDeep
	}
	r.ws()
	if r.i >= len(r.src) {
		return errors.New("unexpected end of JSON")
	}
	switch c := r.src[r.i]; c {
	case '{':
		r.i++
		r.out = append(r.out, '{')
		for n := 0; ; n++ {
			r.ws()
			if r.i < len(r.src) && r.src[r.i] == '}' {
				r.i++
				break
			}
			if n > 0 {
				r.i++ // ','
				r.ws()
				r.out = append(r.out, ',')
			}
			secretKey := r.string(false, true)
			r.ws()
			r.i++ // ':'
			r.out = append(r.out, ':')
			if err := r.value(secret || secretKey, depth+1); err != nil {
				return err
			}
			r.ws()
			if r.i < len(r.src) && r.src[r.i] == '}' {
				r.i++
				break
			}
		}
		r.out = append(r.out, '}')
	case '[':
		r.i++
		r.out = append(r.out, '[')
		for n := 0; ; n++ {
			r.ws()
			if r.i < len(r.src) && r.src[r.i] == ']' {
				r.i++
				break
			}
			if n > 0 {
				r.i++ // ','
				r.out = append(r.out, ',')
			}
			if err := r.value(secret, depth+1); err != nil {
				return err
			}
			r.ws()
			if r.i < len(r.src) && r.src[r.i] == ']' {
				r.i++
				break
			}
		}
		r.out = append(r.out, ']')
	case '"':
		r.string(secret, false)
	case 't', 'f', 'n':
		end := r.i + 4
		if c == 'f' {
			end++
		}
		if end > len(r.src) {
			return errors.New("unexpected end of JSON")
		}
		lit := r.src[r.i:end]
		r.i = end
		if secret && c != 'n' {
			r.out = appendJSONString(r.out, Mask)
		} else {
			r.out = append(r.out, lit...)
		}
	default: // a number
		start := r.i
		for r.i < len(r.src) && strings.IndexByte("+-.0123456789eE", r.src[r.i]) >= 0 {
			r.i++
		}
		if r.i == start {
			return errors.New("unexpected character in JSON")
		}
		num := r.src[start:r.i]
		switch {
		case secret:
			if r.learnOnly {
				r.m.learn(string(num))
			}
			r.out = appendJSONString(r.out, Mask)
		case !r.learnOnly && (r.redactAll || r.m.hasLearned(num)):
			if ms := r.m.str(string(num)); ms != string(num) {
				r.out = appendJSONString(r.out, ms)
			} else {
				r.out = append(r.out, num...)
			}
		default:
			r.out = append(r.out, num...)
		}
	}
	if r.learnOnly {
		r.out = r.out[:0]
	}
	return nil
}

// string reads the string at r.i, writes it masked, and reports whether
// it is a secret field name (when it is an object key).
func (r *jsonRewriter) string(secret, isKey bool) bool {
	start := r.i
	r.i++
	escaped := false
	for r.i < len(r.src) {
		c := r.src[r.i]
		if c == '\\' {
			escaped = true
			r.i += 2
			continue
		}
		r.i++
		if c == '"' {
			break
		}
	}
	if r.i > len(r.src) {
		r.i = len(r.src)
	}
	raw := r.src[start:r.i]
	var content []byte
	if len(raw) >= 2 {
		content = raw[1 : len(raw)-1]
	}
	decoded := func() string {
		var s string
		if escaped {
			_ = json.Unmarshal(raw, &s) // valid JSON: cannot fail
		} else {
			s = string(content)
		}
		return s
	}
	var secretKey bool
	switch {
	case !isKey:
	case escaped:
		secretKey = secretField(decoded())
	default:
		secretKey = secretFieldBytes(content)
	}
	switch {
	case secret:
		if r.learnOnly {
			r.m.learn(decoded())
		}
		r.out = appendJSONString(r.out, Mask)
	case r.learnOnly:
	case escaped || r.redactAll || r.m.hasLearned(content):
		s := decoded()
		if ms := r.m.str(s); ms != s {
			r.out = appendJSONString(r.out, ms)
		} else {
			r.out = append(r.out, raw...)
		}
	default:
		r.out = append(r.out, raw...)
	}
	return secretKey
}

// secretFieldBytes is secretField without converting b to a string.
func secretFieldBytes(b []byte) bool {
	var buf [24]byte
	if len(b) < 5 || len(b) > len(buf) { // "token" .. "client_assertion"
		return false
	}
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c == '-':
			c = '_'
		}
		buf[i] = c
	}
	return secretFields[string(buf[:len(b)])]
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaping what JSON requires
// (and U+2028/U+2029, which break JavaScript), not HTML characters;
// invalid UTF-8 becomes U+FFFD, as encoding/json does.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

// hasLearned reports whether b holds a learned secret (in any form).
func (m *masker) hasLearned(b []byte) bool {
	for _, f := range m.formsB {
		if bytes.Contains(b, f) {
			return true
		}
	}
	return false
}
