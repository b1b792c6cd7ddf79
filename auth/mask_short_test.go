package auth

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/openapi"
)

// Regression: --input password=p turned "output" into "out***ut" in every
// message and report. A secret shorter than 4 characters is masked only as
// a whole token (where its place is known); longer ones stay masked
// everywhere.
func TestShortSecretsMaskedOnlyAsTokens(t *testing.T) {
	r := Redactor("p", "ab", "<", "s3cret")
	tests := []struct{ name, in, want string }{
		{"inside words", "output of step ab_x: happy path", "output of step ab_x: happy path"},
		{"whole string", "p", "***"},
		{"JSON value", `{"password":"p","name":"output"}`, `{"password":"***","name":"output"}`},
		{"JSON value, other secret", `{"pin": "ab"}`, `{"pin": "***"}`},
		{"header value", "X-Pin: ab\nX-Other: abc", "X-Pin: ***\nX-Other: abc"},
		{"query value", "GET /x?pin=p&q=pp HTTP/1.1", "GET /x?pin=***&q=pp HTTP/1.1"},
		{"path segment", "/users/ab/orders", "/users/***/orders"},
		{"HTML-escaped JSON form", `{"v":"\u003c","w":"a\u003cb"}`, `{"v":"***","w":"a\u003cb"}`},
		{"non-word secret in text", "a<b and x < y", "a<b and x *** y"},
		{"long secret everywhere", "xs3cretx s3cret", "x***x ***"},
		{"unicode neighbours", "épé p", "épé ***"},
		{"no secret", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// The short secret never survives where its place is known: as any JSON
// string value of an encoded body, and as a header value (through the
// Authenticator, which knows short whole credentials).
func TestShortSecretAbsentWhereKnown(t *testing.T) {
	for _, secret := range []string{"p", "ab", "x_1", `a"`, "<>"} {
		t.Run(secret, func(t *testing.T) {
			r := Redactor(secret)
			body, _ := json.Marshal(map[string]any{"password": secret, "list": []any{secret, "output"}, "n": map[string]any{"k": secret}})
			out := r(string(body))
			var v map[string]any
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("masked body is not JSON: %v: %s", err, out)
			}
			var walk func(any)
			walk = func(x any) {
				switch x := x.(type) {
				case string:
					if x == secret {
						t.Errorf("secret %q left as a JSON value in %s", secret, out)
					}
				case []any:
					for _, e := range x {
						walk(e)
					}
				case map[string]any:
					for _, e := range x {
						walk(e)
					}
				}
			}
			walk(v)
			if !strings.Contains(out, `"output"`) {
				t.Errorf("unrelated value garbled: %s", out)
			}
		})
	}
	doc := testDoc("http://h.test")
	doc.SecuritySchemes["custom"] = &openapi.SecurityScheme{Name: "custom", Type: "apiKey", In: "header", ParamName: "X-Custom"}
	a := mustNew(t, []Credential{{Scheme: "custom", Value: "k9"}}, []Use{{Source: "s", Op: testOp("op"), Doc: doc}}, Options{})
	for _, h := range []struct{ name, value, want string }{
		{"X-Custom", "k9", Mask},
		{"X-Echo", "k9", Mask},
		{"X-Echo", "k9k9 k9", "k9k9 ***"},
		{http.CanonicalHeaderKey("x-trace"), "k99", "k99"},
	} {
		if got := a.MaskHeader(h.name, h.value); got != h.want {
			t.Errorf("MaskHeader(%q, %q) = %q, want %q", h.name, h.value, got, h.want)
		}
	}
	if got := a.Redact("took 9k9s; k9"); got != "took 9k9s; ***" {
		t.Errorf("Redact = %q", got)
	}
}

// BenchmarkRedactShortSecret: the same text as BenchmarkRedact with a
// 1-character secret added (the whole-token pass).
func BenchmarkRedactShortSecret(b *testing.B) {
	r := Redactor("bearer-secret-1", "alice:basic-secret-2", "p")
	s := strings.Repeat(`{"status":201,"headers":{"Content-Type":"application/json"},"body":"lorem ipsum dolor sit amet","pin":"p"} `, 10)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_ = r(s)
	}
}
