package main

import (
	"sync"

	"github.com/arazzo-run/arazzo/auth"
	"github.com/arazzo-run/arazzo/report"
	"github.com/arazzo-run/arazzo/runtime"
)

// learner masks, on top of the known secrets (credentials, secret inputs),
// the secrets the run itself comes across: a token from a login response's
// access_token, a cookie from Set-Cookie, the credential of an
// Authorization header a step built from its own values. It learns them
// (report.Secrets) from each request and response as the events arrive,
// before anything about them is printed, so the progress lines, the
// outputs on stdout, the journal and the reports all mask them; the
// reports alone would learn them only after the run.
type learner struct {
	base func(string) string

	mu      sync.Mutex
	seen    map[string]bool
	secrets []string
	learned func(string) string // nil until something is learned
}

func newLearner(base func(string) string) *learner {
	return &learner{base: base, seen: map[string]bool{}}
}

// observe is an Options.OnEvent hook: it learns from the attempt's request
// and response.
func (l *learner) observe(ev runtime.Event) {
	// A request is seen when it is sent, a response when it arrives;
	// the later events of the attempt carry nothing new.
	if ev.Run == nil || (ev.Kind != runtime.EventRequest && ev.Kind != runtime.EventResponse) {
		return
	}
	found := report.Secrets(ev.Run)
	if len(found) == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	grew := false
	for _, s := range found {
		if !l.seen[s] {
			l.seen[s] = true
			l.secrets = append(l.secrets, s)
			grew = true
		}
	}
	if grew {
		l.learned = auth.Redactor(l.secrets...)
	}
}

// redact masks the known secrets, then the learned ones.
func (l *learner) redact(s string) string {
	s = l.base(s)
	l.mu.Lock()
	r := l.learned
	l.mu.Unlock()
	if r != nil {
		s = r(s)
	}
	return s
}
