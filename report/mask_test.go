package report

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/arazzo-run/arazzo/runtime"
)

// maskerFor builds a masker that has learned from one request/response.
func maskerFor(req *runtime.RequestRecord, resp *runtime.ResponseRecord, meta Meta, redact Redactor) *masker {
	s := &runtime.StepRun{Request: req, Response: resp}
	return newMasker([]*runtime.Result{{Steps: []*runtime.StepRun{s}}}, meta, redact)
}

func TestMaskHeader(t *testing.T) {
	m := maskerFor(&runtime.RequestRecord{Header: hdr("X-Api-Key", "k-123456")}, nil, Meta{}, testRedactor("known-secret"))
	tests := []struct{ name, value, want string }{
		{"Authorization", "Bearer abc", Mask},
		{"authorization", "Basic dXNlcjpwYXNz", Mask},
		{"Proxy-Authorization", "Basic x", Mask},
		{"Cookie", "a=1; b=2", Mask},
		{"Set-Cookie", "a=1; Path=/", Mask},
		{"X-API-Key", "whatever", Mask},
		{"X-Auth-Token", "whatever", Mask},
		{"Private-Token", "whatever", Mask},
		{"X-Client-Secret", "whatever", Mask},
		{"Content-Type", "application/json", "application/json"},
		{"X-Trace", "id=known-secret", "id=" + Mask},
		{"X-Echo", "key k-123456 here", "key " + Mask + " here"},
		{"X-Echo", base64.StdEncoding.EncodeToString([]byte("k-123456")), Mask},
	}
	for _, tt := range tests {
		if got := m.header(tt.name, tt.value); got != tt.want {
			t.Errorf("header(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestMaskURL(t *testing.T) {
	m := maskerFor(nil, nil, Meta{}, testRedactor("s3cr3t-value"))
	tests := []struct{ in, want string }{
		{"", ""},
		{"http://h/p", "http://h/p"},
		{"http://h/p?a=1&b=2", "http://h/p?a=1&b=2"},
		{"http://h/p?b=2&access_token=xyz&a=1", "http://h/p?b=2&access_token=***&a=1"},
		{"http://h/p?api%5Fkey=xyz#frag", "http://h/p?api%5Fkey=***#frag"},
		{"http://h/p?Client-Secret=xyz&password=", "http://h/p?Client-Secret=***&password=***"},
		{"http://u:pw@h:80/p", "http://u:***@h:80/p"},
		{"http://u@h/p", "http://u@h/p"},
		{"http://h/p?q=s3cr3t-value", "http://h/p?q=***"},
		{"http://h/s3cr3t-value/x", "http://h/***/x"},
		{"http://h/p?flag&token=a=b", "http://h/p?flag&token=***"},
		{"::not a url?password=x", "::not a url?password=***"},
	}
	for _, tt := range tests {
		if got := m.url(tt.in); got != tt.want {
			t.Errorf("url(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskBody(t *testing.T) {
	m := maskerFor(nil, nil, Meta{}, testRedactor("s3cr3t-value"))
	type want struct {
		enc, content string
		truncated    bool
	}
	tests := []struct {
		name, ct string
		body     []byte
		want     want
	}{
		{"json order kept, fields masked", "application/json",
			[]byte(`{"z":1,"password":"p","a":[{"Access_Token":"t"},{"x":"s3cr3t-value"}],"n":12345678901234567890.5}`),
			want{encJSON, `{"z":1,"password":"***","a":[{"Access_Token":"***"},{"x":"***"}],"n":12345678901234567890.5}`, false}},
		{"secret field holding an object", "application/json",
			[]byte(`{"client_secret":{"v":"x","n":[1,true,null]}}`),
			want{encJSON, `{"client_secret":{"v":"***","n":["***","***",null]}}`, false}},
		{"duplicate keys kept", "application/vnd.api+json", []byte(`{"a":1,"a":2}`), want{encJSON, `{"a":1,"a":2}`, false}},
		{"no content type, JSON", "", []byte(` [1, "two"] `), want{encJSON, `[1,"two"]`, false}},
		{"no content type, text", "", []byte(`hello`), want{encText, `hello`, false}},
		{"declared JSON that is not", "application/json", []byte(`{"a":`), want{encText, `{"a":`, false}},
		{"JSON followed by more", "application/json", []byte(`{} {}`), want{encText, `{} {}`, false}},
		{"text/plain that parses stays text", "text/plain", []byte(`42`), want{encText, `42`, false}},
		{"html escaped nowhere", "text/html", []byte(`<b>&amp;</b>`), want{encText, `<b>&amp;</b>`, false}},
		{"form", "application/x-www-form-urlencoded; charset=utf-8",
			[]byte("grant_type=password&username=u&password=p%20w&refresh_token=r"),
			want{encText, "grant_type=password&username=u&password=***&refresh_token=***", false}},
		{"text with a known secret", "text/plain", []byte("it is s3cr3t-value!"), want{encText, "it is ***!", false}},
		{"binary", "application/octet-stream", []byte{0xff, 0x00, 's', '3', 'c', 'r', '3', 't', '-', 'v', 'a', 'l', 'u', 'e'},
			want{encBase64, base64.StdEncoding.EncodeToString([]byte{0xff, 0x00, '*', '*', '*'}), false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := m.body(tt.body, tt.ct)
			if b == nil {
				t.Fatal("nil body")
			}
			if b.Encoding != tt.want.enc || b.text() != tt.want.content || b.Truncated != tt.want.truncated || b.Size != len(tt.body) {
				t.Errorf("got %s %q truncated=%v size=%d, want %s %q truncated=%v size=%d",
					b.Encoding, b.text(), b.Truncated, b.Size, tt.want.enc, tt.want.content, tt.want.truncated, len(tt.body))
			}
		})
	}
	if m.body(nil, "application/json") != nil {
		t.Error("an empty body is not nil")
	}
}

func TestBodyCap(t *testing.T) {
	secret := "s3cr3t-value"
	m := maskerFor(nil, nil, Meta{}, testRedactor(secret))
	t.Run("secret across the cap is masked whole", func(t *testing.T) {
		body := strings.Repeat("a", MaxBody-4) + secret + strings.Repeat("b", 100)
		b := m.body([]byte(body), "text/plain")
		if !b.Truncated || len(b.Text) > MaxBody || strings.Contains(b.Text, secret[:4]) {
			t.Errorf("truncated=%v len=%d tail=%q", b.Truncated, len(b.Text), b.Text[len(b.Text)-10:])
		}
	})
	t.Run("cut on a rune boundary", func(t *testing.T) {
		b := m.body([]byte(strings.Repeat("é", MaxBody)), "text/plain")
		if !b.Truncated || !utf8.ValidString(b.Text) || len(b.Text) != MaxBody {
			t.Errorf("truncated=%v valid=%v len=%d", b.Truncated, utf8.ValidString(b.Text), len(b.Text))
		}
	})
	t.Run("long JSON becomes truncated text", func(t *testing.T) {
		big := bigJSON()
		b := m.body(big, "application/json")
		if b.Encoding != encText || !b.Truncated || b.Size != len(big) {
			t.Errorf("%s truncated=%v size=%d", b.Encoding, b.Truncated, b.Size)
		}
	})
	t.Run("exactly the cap is not truncated", func(t *testing.T) {
		b := m.body([]byte(strings.Repeat("x", MaxBody)), "text/plain")
		if b.Truncated || len(b.Text) != MaxBody {
			t.Errorf("truncated=%v len=%d", b.Truncated, len(b.Text))
		}
	})
	t.Run("deep JSON is text, not a crash", func(t *testing.T) {
		deep := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
		b := m.body([]byte(deep), "application/json")
		if b.Encoding != encText {
			t.Errorf("encoding %s", b.Encoding)
		}
	})
}

// TestLearnedSecrets: values seen in secret places are masked wherever
// else they appear, without any Redactor.
func TestLearnedSecrets(t *testing.T) {
	basic := base64.StdEncoding.EncodeToString([]byte("user:pa55word"))
	m := newMasker([]*runtime.Result{{Steps: []*runtime.StepRun{
		{Response: &runtime.ResponseRecord{Header: hdr("Content-Type", "application/json"),
			Body: []byte(`{"access_token":"tok-learned","password":"ab"}`)}},
		{Request: &runtime.RequestRecord{URL: "http://h/?api_key=key-learned", Header: hdr(
			"Authorization", "Basic "+basic, "Cookie", "sid=cookie-learned", "X-Session", "sess-learned")}},
		{Request: &runtime.RequestRecord{Header: hdr("Content-Type", "application/x-www-form-urlencoded"),
			Body: []byte("client_secret=cs%2Dlearned")}},
		{Response: &runtime.ResponseRecord{Header: hdr("Set-Cookie", "id=setcookie-learned; Path=/")}},
		nil,
	}}, nil}, Meta{Inputs: map[string]any{"k": "input-learned", "x": "plain"}, SecretInputs: []string{"k"}}, nil)
	for _, s := range []string{"tok-learned", "key-learned", "pa55word", basic, "cookie-learned", "sess-learned",
		"cs-learned", "setcookie-learned", "input-learned"} {
		if got := m.str("a " + s + " b"); got != "a *** b" {
			t.Errorf("%q not learned: %q", s, got)
		}
		if got := m.str(base64.StdEncoding.EncodeToString([]byte(s))); got != Mask {
			t.Errorf("base64 of %q not masked: %q", s, got)
		}
	}
	// Too short to mask everywhere, and not secret.
	for _, s := range []string{"ab", "plain", "user"} {
		if got := m.str(s); got != s {
			t.Errorf("%q masked: %q", s, got)
		}
	}
}

func TestMaskInputs(t *testing.T) {
	m := newMasker(nil, Meta{}, testRedactor("s3cr3t"))
	in := map[string]any{
		"key":    "abc",
		"nested": map[string]any{"password": "p", "ok": "fine", "list": []any{"x-s3cr3t-y", 2}},
		"token":  json.Number("123"),
		"msg":    "has s3cr3t inside",
		"n":      nil,
	}
	got := m.inputs(in, map[string]bool{"key": true})
	b, _ := json.Marshal(got)
	want := `{"key":"***","msg":"***","n":null,"nested":{"list":["***",2],"ok":"fine","password":"***"},"token":"***"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if in["msg"] != "has s3cr3t inside" {
		t.Error("the caller's inputs were modified")
	}
}

func TestMaskValueOddTypes(t *testing.T) {
	m := newMasker(nil, Meta{}, testRedactor("s3cr3t"))
	got := m.values(map[string]any{
		"struct": struct {
			A string `json:"a"`
		}{"s3cr3t"},
		"header": http.Header{"X": {"s3cr3t"}},
		"bytes":  []byte("x"),
		"float":  1.5,
		"func":   func() {},
	}, nil)
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "s3cr3t") {
		t.Errorf("secret in %s", b)
	}
}

// Regression: a boolean under a secret field name was learned as a
// secret, so every "true" in the report became "***".
func TestLiteralsNotLearned(t *testing.T) {
	m := maskerFor(nil, &runtime.ResponseRecord{Header: hdr("Content-Type", "application/json"),
		Body: []byte(`{"token":true,"password":null,"api_key":false,"access_token":123456}`)},
		Meta{Inputs: map[string]any{"password": true}}, nil)
	for _, s := range []string{"true", "false", "null"} {
		if got := m.str("x " + s); got != "x "+s {
			t.Errorf("%q masked: %q", s, got)
		}
	}
	if got := m.str("id 123456"); got != "id ***" {
		t.Errorf("a secret number is not learned: %q", got)
	}
}

// TestMaskJSONKeepsText: escapes, unicode and number spellings come out as
// received; masked strings are valid JSON strings.
func TestMaskJSONKeepsText(t *testing.T) {
	m := maskerFor(nil, nil, Meta{}, testRedactor("s3cr3t"))
	tests := []struct{ in, want string }{
		{`{"a":"\u00e9\/x","b":1E+2,"c":-0.5e-3}`, `{"a":"\u00e9\/x","b":1E+2,"c":-0.5e-3}`},
		{` { "a" : [ 1 , 2 ] , "b" : { } , "c" : [ ] } `, `{"a":[1,2],"b":{},"c":[]}`},
		{`{"k":"s3cr\u0033t"}`, `{"k":"***"}`},
		{`{"p\u0061ssword":"x"}`, `{"p\u0061ssword":"***"}`},
		{`{"s3cr3t":1}`, `{"***":1}`},
		{`"line\nbreak s3cr3t \u2028"`, `"line\nbreak *** \u2028"`},
		{`[true,false,null,"x"]`, `[true,false,null,"x"]`},
	}
	for _, tt := range tests {
		got, err := m.maskJSON([]byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("maskJSON(%s) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{``, `{`, `{"a":1}x`, `[1,]`, `nul`} {
		if _, err := m.maskJSON([]byte(bad)); err == nil {
			t.Errorf("maskJSON(%q) accepted", bad)
		}
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\`, "\x00\x1f\t\r\n", "é ✓ \u2028\u2029", "bad \xff utf8", "<&>"} {
		b := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("%q -> %s: %v", s, b, err)
			continue
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if back != want {
			t.Errorf("%q -> %s -> %q", s, b, back)
		}
	}
}
