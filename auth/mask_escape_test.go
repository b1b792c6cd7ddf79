package auth

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// A secret with a quote, a backslash or <>& is written escaped in a JSON
// body as sent (--verbose prints it as is) and in %q messages: each form
// is masked.
func TestRedactorEscapedForms(t *testing.T) {
	for _, secret := range []string{`pw"SEC\RET`, `a<b>&c-secret`, "tab\there-secret", "ünï\u2028cøde"} {
		r := Redactor(secret)
		body, _ := json.Marshal(map[string]string{"password": secret})
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(map[string]string{"password": secret})
		for _, text := range []string{string(body), b.String(), fmt.Sprintf("got %q", secret)} {
			if got := r(text); strings.Contains(got, "SEC") || strings.Contains(got, "secret") || strings.Contains(got, "cøde") {
				t.Errorf("%q: %s masked as %s", secret, text, got)
			}
		}
	}
}
