package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask is what a secret is replaced with.
const Mask = "***"

// minPartLen is the shortest secret *part* (the password of user:password,
// the secret of client_id:client_secret) masked on its own: masking a
// two-letter password everywhere would shred the output and hide nothing.
// Whole values are always masked (short ones only as whole tokens, see
// minFreeTextLen).
const minPartLen = 4

// minFreeTextLen is the shortest secret masked wherever it appears. A
// shorter one (--input password=p) is masked only as a whole token, i.e.
// where its place is known: a JSON string value ("p"), a query value
// (pin=p&), a header value (X-Pin: p), a path segment, or the whole string
// given to the redactor. Masking every "p" would turn "output" into
// "out***ut" and hide nothing: a 1-3 character secret is no secret.
const minFreeTextLen = 4

func (a *Authenticator) addSecretLocked(s string) {
	if s == "" || a.secretOK[s] {
		return
	}
	a.secretOK[s] = true
	a.secrets = append(a.secrets, s)
	a.redactor = nil
}

func (a *Authenticator) addSecretPartLocked(s string) {
	if len(s) >= minPartLen {
		a.addSecretLocked(s)
	}
}

// Secrets returns every secret known so far: credential values, passwords
// and client secrets on their own, the base64 forms sent in Basic headers,
// and every token obtained. Give them to whatever prints (reports,
// progress, logs) to mask them.
func (a *Authenticator) Secrets() []string {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.secrets...)
}

// Redact replaces every secret known so far in s with "***".
func (a *Authenticator) Redact(s string) string {
	if a == nil || s == "" {
		return s
	}
	a.mu.Lock()
	r := a.redactor
	if r == nil {
		r = Redactor(a.secrets...)
		a.redactor = r
	}
	a.mu.Unlock()
	return r(s)
}

// Redactor returns a function that replaces each secret with "***", as
// well as its base64 form (an Authorization: Basic header carries
// base64(user:password)) and its URL-escaped form (a query apiKey). The
// longest secret wins where two overlap.
func Redactor(secrets ...string) func(string) string {
	seen := map[string]bool{}
	var all []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			all = append(all, s)
		}
	}
	for _, s := range secrets {
		add(s)
		add(base64.StdEncoding.EncodeToString([]byte(s)))
		add(url.QueryEscape(s))
		add(url.PathEscape(s))
		// Escaped inside a JSON string (a request body as sent, with or
		// without HTML escaping) or a Go-quoted one (%q in a message): a
		// secret with a quote or a backslash is written differently.
		add(jsonInner(s, true))
		add(jsonInner(s, false))
		if q := strconv.Quote(s); len(q) >= 2 {
			add(q[1 : len(q)-1])
		}
	}
	// Forms of a short secret (every form, even a longer escaped one such
	// as \u003c) are masked as whole tokens only.
	short := map[string]bool{}
	for _, s := range secrets {
		if s != "" && utf8.RuneCountInString(s) < minFreeTextLen {
			for _, f := range []string{s, base64.StdEncoding.EncodeToString([]byte(s)), url.QueryEscape(s), url.PathEscape(s), jsonInner(s, true), jsonInner(s, false)} {
				short[f] = true
			}
			if q := strconv.Quote(s); len(q) >= 2 {
				short[q[1:len(q)-1]] = true
			}
		}
	}
	var long, tokens []string
	for _, s := range all {
		switch {
		case strings.Trim(s, "*") == "":
			// "*" would re-mask the mask itself.
		case short[s]:
			tokens = append(tokens, s)
		default:
			long = append(long, s)
		}
	}
	if len(long) == 0 && len(tokens) == 0 {
		return func(s string) string { return s }
	}
	byLength := func(all []string) {
		sort.Slice(all, func(i, j int) bool {
			if len(all[i]) != len(all[j]) {
				return len(all[i]) > len(all[j])
			}
			return all[i] < all[j]
		})
	}
	byLength(long)
	byLength(tokens)
	var first [256]bool
	for _, t := range tokens {
		first[t[0]] = true
	}
	var r *strings.Replacer
	if len(long) > 0 {
		pairs := make([]string, 0, 2*len(long))
		for _, s := range long {
			pairs = append(pairs, s, Mask)
		}
		r = strings.NewReplacer(pairs...)
	}
	return func(s string) string {
		if r != nil {
			s = r.Replace(s)
		}
		if len(tokens) > 0 {
			s = replaceTokens(s, tokens, &first)
		}
		return s
	}
}

// isWordRune: letters, digits and '_' make up a word; a short secret next
// to one is part of a longer word and is left alone.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// replaceTokens replaces each occurrence of one of tokens (longest first)
// that is not preceded nor followed by a word character.
func replaceTokens(s string, tokens []string, first *[256]bool) string {
	var b strings.Builder
	last := 0 // s[last:i] is not yet written
	for i := 0; i < len(s); {
		matched := ""
		// A token starts at a rune start: byte steps over other bytes are
		// safe, and most bytes start no token.
		if !first[s[i]] {
			i++
			continue
		}
		if i == 0 || !endsWithWord(s[:i]) {
			for _, t := range tokens {
				if strings.HasPrefix(s[i:], t) && !startsWithWord(s[i+len(t):]) {
					matched = t
					break
				}
			}
		}
		if matched == "" {
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:i])
		b.WriteString(Mask)
		i += len(matched)
		last = i
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func endsWithWord(s string) bool {
	r, n := utf8.DecodeLastRuneInString(s)
	return n > 0 && isWordRune(r)
}

func startsWithWord(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	return n > 0 && isWordRune(r)
}

// jsonInner is s as written inside a JSON string, without the quotes.
func jsonInner(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	if enc.Encode(s) != nil {
		return ""
	}
	out := strings.TrimSuffix(b.String(), "\n")
	if len(out) < 2 {
		return ""
	}
	return out[1 : len(out)-1]
}

// commonKeyWords are substrings of header names that carry credentials in
// the wild (X-API-Key, X-Auth-Token, Private-Token, X-Client-Secret, ...).
var commonKeyWords = []string{"api-key", "apikey", "api_key", "token", "secret", "password", "session"}

// MaskHeader returns value masked when the header carries a credential:
// Authorization and Proxy-Authorization keep their scheme word ("Bearer
// ***"), Cookie keeps cookie names ("a=***; b=***"), Set-Cookie keeps the
// name and attributes, and common API key headers (names containing
// api-key, apikey, token, secret, password, session) become "***". Other
// values are returned unchanged; use (*Authenticator).MaskHeader to also
// mask the apiKey headers of the loaded descriptions and known secrets.
func MaskHeader(name, value string) string {
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Proxy-Authorization":
		if scheme, _, ok := strings.Cut(strings.TrimSpace(value), " "); ok {
			return scheme + " " + Mask
		}
		return Mask
	case "Cookie":
		parts := strings.Split(value, ";")
		for i, p := range parts {
			n, _, _ := strings.Cut(strings.TrimSpace(p), "=")
			parts[i] = n + "=" + Mask
		}
		return strings.Join(parts, "; ")
	case "Set-Cookie":
		first, rest, hasRest := strings.Cut(value, ";")
		n, _, _ := strings.Cut(strings.TrimSpace(first), "=")
		if hasRest {
			return n + "=" + Mask + ";" + rest
		}
		return n + "=" + Mask
	}
	lower := strings.ToLower(name)
	for _, w := range commonKeyWords {
		if strings.Contains(lower, w) {
			return Mask
		}
	}
	return value
}

// MaskHeader is the package MaskHeader plus the apiKey header names of the
// descriptions and the known secrets anywhere in other values.
func (a *Authenticator) MaskHeader(name, value string) string {
	if a != nil && a.apiKeyHeaders[http.CanonicalHeaderKey(name)] {
		return Mask
	}
	if m := MaskHeader(name, value); m != value {
		return m
	}
	return a.Redact(value)
}

// StripOnRedirect is an http.Client.CheckRedirect: when a redirect goes to
// a host other than the first request's (or from https to http), it drops
// Authorization, Proxy-Authorization, Cookie and every apiKey header (of
// the loaded descriptions, and common API key names) from the redirected
// request. It stops after 10 redirects, like the default policy. It works
// on a nil *Authenticator (common names only).
func (a *Authenticator) StripOnRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if len(via) == 0 {
		return nil
	}
	first := via[0].URL
	if hostKey(req.URL) == hostKey(first) && !(first.Scheme == "https" && req.URL.Scheme == "http") {
		return nil
	}
	for name := range req.Header {
		if a.credentialHeader(name) {
			req.Header.Del(name)
		}
	}
	return nil
}

func (a *Authenticator) credentialHeader(name string) bool {
	c := http.CanonicalHeaderKey(name)
	switch c {
	case "Authorization", "Proxy-Authorization", "Cookie", "Cookie2":
		return true
	}
	if a != nil && a.apiKeyHeaders[c] {
		return true
	}
	lower := strings.ToLower(name)
	for _, w := range commonKeyWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// StripOnRedirect is (*Authenticator).StripOnRedirect without descriptions:
// it drops Authorization, Proxy-Authorization, Cookie and common API key
// headers on a redirect to another host.
func StripOnRedirect(req *http.Request, via []*http.Request) error {
	return (*Authenticator)(nil).StripOnRedirect(req, via)
}
