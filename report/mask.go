package report

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/arazzo-run/arazzo/runtime"
)

// Mask replaces every masked value.
const Mask = "***"

// MaxBody caps each body written to a report (after masking). Longer
// bodies are cut and flagged truncated.
const MaxBody = 64 << 10

// minLearned is the shortest value learned from a masked field that is
// also masked wherever else it appears: masking a two-letter password
// everywhere would shred the report and hide nothing (the field itself is
// always masked).
const minLearned = 4

// alwaysMasked are the headers whose values are always replaced by Mask.
var alwaysMasked = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
}

// keyHeaderWords are substrings of header names that carry credentials in
// the wild (X-API-Key, X-Auth-Token, Private-Token, X-Client-Secret, ...);
// such headers are masked too. This mirrors the auth package's list
// (report must not import auth).
var keyHeaderWords = []string{"api-key", "apikey", "api_key", "token", "secret", "password", "session"}

// secretFields are the JSON property names and form/query parameter names
// whose values are masked (compared case-insensitively, '-' read as '_').
var secretFields = map[string]bool{
	"client_secret":    true,
	"access_token":     true,
	"refresh_token":    true,
	"id_token":         true,
	"token":            true,
	"password":         true,
	"client_assertion": true,
	"api_key":          true,
	"apikey":           true,
}

func secretField(name string) bool {
	return secretFields[strings.ReplaceAll(strings.ToLower(name), "-", "_")]
}

func secretHeader(name string) bool {
	c := http.CanonicalHeaderKey(name)
	if alwaysMasked[c] {
		return true
	}
	lower := strings.ToLower(c)
	for _, w := range keyHeaderWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// masker is the one masking used by all three formats. It masks, in this
// order: structurally (secret headers, secret JSON/form/query fields, secret
// inputs, URL passwords), then every value learned from those places
// wherever else it appears (with its base64 and URL-escaped forms), then the
// caller's Redactor over every string written.
type masker struct {
	redact  Redactor
	learned *strings.Replacer // nil when nothing was learned
	forms   []string          // what learned replaces, longest first
	formsB  [][]byte          // the same, as bytes
	secrets map[string]bool
}

// newMasker builds the masker for a set of results: it learns the secret
// values present in them first, so that a token read from a login
// response's access_token is masked in the Authorization header, URL or
// body where it is used later, even when the caller's Redactor does not know
// it.
func newMasker(results []*runtime.Result, meta Meta, redact Redactor) *masker {
	m := &masker{redact: redact, secrets: map[string]bool{}}
	secretInputs := map[string]bool{}
	for _, n := range meta.SecretInputs {
		secretInputs[n] = true
	}
	for name, v := range meta.Inputs {
		if secretInputs[name] {
			m.learnValue(v, true)
		} else {
			m.learnValue(v, false)
		}
	}
	for _, res := range results {
		if res == nil {
			continue
		}
		for _, s := range res.Steps {
			if s == nil {
				continue
			}
			if r := s.Request; r != nil {
				m.learnURL(r.URL)
				m.learnHeaders(r.Header)
				m.learnBody(r.Body, r.Header.Get("Content-Type"))
			}
			if r := s.Response; r != nil {
				m.learnHeaders(r.Header)
				m.learnBody(r.Body, r.Header.Get("Content-Type"))
			}
		}
	}
	if len(m.secrets) > 0 {
		all := map[string]bool{}
		for s := range m.secrets {
			all[s] = true
			all[base64.StdEncoding.EncodeToString([]byte(s))] = true
			all[base64.RawURLEncoding.EncodeToString([]byte(s))] = true
			all[url.QueryEscape(s)] = true
			all[url.PathEscape(s)] = true
		}
		list := make([]string, 0, len(all))
		for s := range all {
			list = append(list, s)
		}
		// Longest first: where two overlap at the same position, the
		// longer one is replaced whole.
		sort.Slice(list, func(i, j int) bool {
			if len(list[i]) != len(list[j]) {
				return len(list[i]) > len(list[j])
			}
			return list[i] < list[j]
		})
		pairs := make([]string, 0, 2*len(list))
		for _, s := range list {
			pairs = append(pairs, s, Mask)
		}
		m.learned = strings.NewReplacer(pairs...)
		m.forms = list
		for _, f := range list {
			m.formsB = append(m.formsB, []byte(f))
		}
	}
	return m
}

func (m *masker) learn(s string) {
	if len(s) >= minLearned && s != Mask {
		m.secrets[s] = true
	}
}

// learnValue learns the strings of a decoded value: all of them when
// secret, else those under secret field names.
func (m *masker) learnValue(v any, secret bool) {
	switch v := v.(type) {
	case string:
		if secret {
			m.learn(v)
		}
	case json.Number:
		if secret {
			m.learn(v.String())
		}
	case map[string]any:
		for k, e := range v {
			m.learnValue(e, secret || secretField(k))
		}
	case []any:
		for _, e := range v {
			m.learnValue(e, secret)
		}
	case float64, int, int64:
		// Numbers are learned (a PIN), booleans and null never: masking
		// every "true" in a report would hide nothing.
		if secret {
			m.learn(fmt.Sprint(v))
		}
	case nil, bool:
	default:
		// Anything else is reported through its JSON form; learn from that.
		if b, err := json.Marshal(v); err == nil {
			if d, err := decodeJSON(b); err == nil {
				m.learnValue(d, secret)
			}
		}
	}
}

func (m *masker) learnHeaders(h http.Header) {
	for name, vs := range h {
		if !secretHeader(name) {
			continue
		}
		c := http.CanonicalHeaderKey(name)
		for _, v := range vs {
			v = strings.TrimSpace(v)
			switch c {
			case "Authorization", "Proxy-Authorization":
				// The credential after the scheme word; the whole value
				// when there is no scheme.
				_, cred, ok := strings.Cut(v, " ")
				if !ok {
					m.learn(v)
				} else {
					cred = strings.TrimSpace(cred)
					m.learn(cred)
					// Basic credentials: learn the password too.
					if raw, err := base64.StdEncoding.DecodeString(cred); err == nil && utf8.Valid(raw) {
						if _, pw, ok := strings.Cut(string(raw), ":"); ok {
							m.learn(pw)
						}
					}
				}
			case "Cookie":
				for _, p := range strings.Split(v, ";") {
					_, val, _ := strings.Cut(strings.TrimSpace(p), "=")
					m.learn(val)
				}
			case "Set-Cookie":
				first, _, _ := strings.Cut(v, ";")
				_, val, _ := strings.Cut(strings.TrimSpace(first), "=")
				m.learn(val)
			default:
				m.learn(v)
			}
		}
	}
}

func (m *masker) learnForm(s string) {
	for _, p := range strings.Split(s, "&") {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if secretField(k) {
			if uv, err := url.QueryUnescape(v); err == nil {
				v = uv
			}
			m.learn(v)
		}
	}
}

func (m *masker) learnURL(raw string) {
	u, err := url.Parse(raw)
	if err != nil {
		return
	}
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			m.learn(pw)
		}
	}
	m.learnForm(u.RawQuery)
}

func (m *masker) learnBody(b []byte, contentType string) {
	if len(b) == 0 {
		return
	}
	switch mediaKind(contentType) {
	case kindJSON, kindUnknown:
		if json.Valid(b) {
			r := jsonRewriter{m: m, src: b, learnOnly: true}
			_ = r.value(false, 0) // a too-deep body teaches nothing more
		}
	case kindForm:
		m.learnForm(string(b))
	}
}

// str masks a free string: learned secrets, then the Redactor.
func (m *masker) str(s string) string {
	if s == "" {
		return s
	}
	if m.learned != nil {
		// A strings.Replacer with many patterns allocates even when
		// nothing matches; most strings hold no secret.
		for _, f := range m.forms {
			if strings.Contains(s, f) {
				s = m.learned.Replace(s)
				break
			}
		}
	}
	if m.redact != nil {
		s = m.redact(s)
	}
	return s
}

// errString is err's message masked ("" for nil).
func (m *masker) errString(err error) string {
	if err == nil {
		return ""
	}
	return m.str(err.Error())
}

// header masks one header value.
func (m *masker) header(name, value string) string {
	if secretHeader(name) {
		return Mask
	}
	return m.str(value)
}

// headerPair is one header line, in the order written to reports: names
// sorted, values in the order sent.
type headerPair struct{ Name, Value string }

func (m *masker) headers(h http.Header) []headerPair {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []headerPair
	for _, n := range names {
		for _, v := range h[n] {
			out = append(out, headerPair{Name: m.str(n), Value: m.header(n, v)})
		}
	}
	return out
}

// form masks a form body or query string, keeping the parameters' order
// and spelling; secret fields become "***".
func (m *masker) form(s string) string {
	if s == "" {
		return s
	}
	parts := strings.Split(s, "&")
	for i, p := range parts {
		k, _, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		uk := k
		if d, err := url.QueryUnescape(k); err == nil {
			uk = d
		}
		if secretField(uk) {
			parts[i] = k + "=" + Mask
		}
	}
	return m.str(strings.Join(parts, "&"))
}

// url masks a URL: its password, secret query parameters, and everything
// else through str. It works on the text as sent (no re-encoding).
func (m *masker) url(raw string) string {
	if raw == "" {
		return raw
	}
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
			if user, _, ok := strings.Cut(rest[:at], ":"); ok {
				raw = raw[:i+3] + user + ":" + Mask + rest[at:]
			}
		}
	}
	if q := strings.IndexByte(raw, '?'); q >= 0 {
		end := len(raw)
		if h := strings.IndexByte(raw[q:], '#'); h >= 0 {
			end = q + h
		}
		raw = raw[:q+1] + m.form(raw[q+1:end]) + raw[end:]
	}
	return m.str(raw)
}

// value returns a masked copy of a decoded value: strings under secret
// field names (or all of them when secret) become "***"; others go through
// str. Values that are not JSON shapes are converted through their JSON
// form first, so that anything the runtime puts in outputs can be written.
func (m *masker) value(v any, secret bool) any {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		if secret {
			return Mask
		}
		return m.str(v)
	case bool:
		if secret {
			return Mask
		}
		return v
	case json.Number, float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		if secret {
			return Mask
		}
		if m.learned != nil || m.redact != nil {
			// A number can be a PIN or a key: keep it a number unless a
			// mask would change it.
			s := fmt.Sprint(v)
			if ms := m.str(s); ms != s {
				return ms
			}
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[m.str(k)] = m.value(e, secret || secretField(k))
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = m.value(e, secret)
		}
		return out
	}
	b, err := json.Marshal(v)
	if err != nil {
		return m.str(fmt.Sprint(v))
	}
	d, err := decodeJSON(b)
	if err != nil {
		return m.str(string(b))
	}
	return m.value(d, secret)
}

// values masks a map of named values (outputs); nil becomes empty.
func (m *masker) values(v map[string]any, secretNames map[string]bool) map[string]any {
	out := make(map[string]any, len(v))
	for k, e := range v {
		out[m.str(k)] = m.value(e, secretNames[k] || secretField(k))
	}
	return out
}

// inputs masks the workflow inputs: secret inputs and secret fields whole,
// and any other string a mask would change whole too (an input is one
// value; half of a secret shows too much).
func (m *masker) inputs(v map[string]any, secretNames map[string]bool) map[string]any {
	out := make(map[string]any, len(v))
	for k, e := range v {
		out[m.str(k)] = m.wholeValue(m.value(e, secretNames[k] || secretField(k)), e)
	}
	return out
}

// wholeValue replaces each string of masked that differs from the same
// place in orig by Mask.
func (m *masker) wholeValue(masked, orig any) any {
	switch mv := masked.(type) {
	case string:
		if o, ok := orig.(string); !ok || o != mv {
			return Mask
		}
	case map[string]any:
		om, _ := orig.(map[string]any)
		for k, e := range mv {
			mv[k] = m.wholeValue(e, om[k])
		}
	case []any:
		ol, _ := orig.([]any)
		for i, e := range mv {
			var o any
			if i < len(ol) {
				o = ol[i]
			}
			mv[i] = m.wholeValue(e, o)
		}
	}
	return masked
}

// decodeJSON decodes exactly one JSON value, numbers as json.Number.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the JSON value")
	}
	return v, nil
}

type mediaKindT uint8

const (
	kindUnknown mediaKindT = iota // no Content-Type
	kindJSON
	kindForm
	kindText
	kindOther
)

func mediaKind(contentType string) mediaKindT {
	if strings.TrimSpace(contentType) == "" {
		return kindUnknown
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0]))
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json":
		return kindJSON
	case mt == "application/x-www-form-urlencoded":
		return kindForm
	case strings.HasPrefix(mt, "text/"):
		return kindText
	}
	return kindOther
}

// Body encodings in reports.
const (
	encJSON   = "json"
	encText   = "text"
	encBase64 = "base64"
)

// maskedBody is a body ready to be written: masked, capped, encoded.
type maskedBody struct {
	MimeType  string
	Size      int // bytes as sent or received
	Truncated bool
	Encoding  string          // encJSON, encText or encBase64
	JSON      json.RawMessage // encJSON: the masked value
	Text      string          // encText: the masked text; encBase64: base64 of the masked bytes
}

// body masks, caps and encodes one body. JSON (declared JSON, or without a
// Content-Type) that parses is re-encoded with secret fields masked, and
// embedded as JSON when it fits MaxBody; else it is text (valid UTF-8) or
// base64. Masking comes before the cap so a secret cut in half by the cap
// cannot leak its first half.
func (m *masker) body(b []byte, contentType string) *maskedBody {
	if len(b) == 0 {
		return nil
	}
	mb := &maskedBody{MimeType: m.str(contentType), Size: len(b)}
	kind := mediaKind(contentType)
	if kind == kindJSON || kind == kindUnknown {
		if j, err := m.maskJSON(b); err == nil {
			if len(j) <= MaxBody {
				mb.Encoding, mb.JSON = encJSON, j
				return mb
			}
			mb.Encoding = encText
			mb.Text, mb.Truncated = capText(string(j))
			return mb
		}
	}
	if utf8.Valid(b) {
		s := string(b)
		if kind == kindForm {
			s = m.form(s)
		} else {
			s = m.str(s)
		}
		mb.Encoding = encText
		mb.Text, mb.Truncated = capText(s)
		return mb
	}
	masked := []byte(m.str(string(b)))
	if len(masked) > MaxBody {
		masked, mb.Truncated = masked[:MaxBody], true
	}
	mb.Encoding = encBase64
	mb.Text = base64.StdEncoding.EncodeToString(masked)
	return mb
}

// capText cuts s to at most MaxBody bytes on a rune boundary.
func capText(s string) (string, bool) { return capTextN(s, MaxBody) }

// capTextN cuts s to at most n bytes on a rune boundary.
func capTextN(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i], true
}

// text is the body as a string for formats that carry text (HAR, JUnit):
// JSON compact, text as is, base64 as base64.
func (b *maskedBody) text() string {
	if b == nil {
		return ""
	}
	if b.Encoding == encJSON {
		return string(b.JSON)
	}
	return b.Text
}
