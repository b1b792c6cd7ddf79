package report

import (
	"sort"

	"github.com/arazzo-run/arazzo/runtime"
)

// Secrets returns the secret values one step attempt carries where the
// reports find them by their place: the credential of an Authorization or
// Proxy-Authorization header, cookie values (Cookie, Set-Cookie), values
// of credential-looking headers (X-API-Key, ...), secret JSON or form
// fields (access_token, password, ...) of the request and response bodies,
// secret query parameters and URL passwords.
//
// The reports learn these values from the whole run before writing it;
// what prints while the run goes on (progress lines, outputs, journals)
// learns them with Secrets as each attempt arrives, so that a token read
// from a login response is masked wherever it is used or echoed later.
// Values shorter than four bytes are not returned (see minLearned).
func Secrets(run *runtime.StepRun) []string {
	if run == nil {
		return nil
	}
	m := &masker{secrets: map[string]bool{}}
	if r := run.Request; r != nil {
		m.learnURL(r.URL)
		m.learnHeaders(r.Header)
		m.learnBody(r.Body, r.Header.Get("Content-Type"))
	}
	if r := run.Response; r != nil {
		m.learnHeaders(r.Header)
		m.learnBody(r.Body, r.Header.Get("Content-Type"))
	}
	if len(m.secrets) == 0 {
		return nil
	}
	out := make([]string, 0, len(m.secrets))
	for s := range m.secrets {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
