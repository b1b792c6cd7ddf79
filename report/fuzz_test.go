package report

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMaskBody: any body with any content type masks without panicking;
// JSON output is valid JSON, text is valid UTF-8 and within the cap, and a
// known secret never survives.
func FuzzMaskBody(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1,"x",{"password":"p"}]`, `"s\u0033cret-42"`, `{"a":`, "a=1&token=x", "\xff\x00", `{"k":"secret-42"}`, ` 1e5 `} {
		for _, ct := range []string{"application/json", "", "text/plain", "application/x-www-form-urlencoded", "image/png"} {
			f.Add([]byte(s), ct)
		}
	}
	m := newMasker(nil, Meta{}, testRedactor("secret-42"))
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		b := m.body(body, ct)
		if len(body) == 0 {
			if b != nil {
				t.Fatal("empty body not nil")
			}
			return
		}
		switch b.Encoding {
		case encJSON:
			if !json.Valid(b.JSON) {
				t.Fatalf("invalid JSON out: %q", b.JSON)
			}
			var v any
			_ = json.Unmarshal(b.JSON, &v)
			if strings.Contains(compactJSON(v), "secret-42") {
				t.Fatalf("secret survived: %q", b.JSON)
			}
		case encText:
			if !utf8.ValidString(b.Text) || len(b.Text) > MaxBody {
				t.Fatalf("bad text out")
			}
			if strings.Contains(b.Text, "secret-42") {
				t.Fatalf("secret survived: %q", b.Text)
			}
		case encBase64:
		default:
			t.Fatalf("encoding %q", b.Encoding)
		}
	})
}
