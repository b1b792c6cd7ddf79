package main

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/arazzo-run/arazzo/auth"
	"github.com/arazzo-run/arazzo/runtime"
)

// progress prints one line per finished step attempt on stderr, and one
// line per action that changed the flow. It is the runtime's event hook.
type progress struct {
	w       io.Writer
	redact  func(string) string
	symbols bool // ✓/✗ in colour on a terminal; PASS/FAIL otherwise (stable for logs and tests)
	verbose bool // each request and response, headers and bodies (masked, cut)
}

// maxVerboseBody is how much of a body --verbose shows.
const maxVerboseBody = 4 << 10

func (p *progress) event(ev runtime.Event) {
	switch ev.Kind {
	case runtime.EventRequest:
		if p.verbose && ev.Run != nil && ev.Run.Request != nil {
			rq := ev.Run.Request
			p.line("  > " + rq.Method + " " + rq.URL)
			p.headers("  > ", rq.Header)
			p.body("  > ", rq.Body)
		}
	case runtime.EventResponse:
		if p.verbose && ev.Run != nil && ev.Run.Response != nil {
			rs := ev.Run.Response
			p.line(fmt.Sprintf("  < %d %s", rs.StatusCode, http.StatusText(rs.StatusCode)))
			p.headers("  < ", rs.Header)
			p.body("  < ", rs.Body)
		} else if p.verbose && ev.Err != nil {
			p.line("  < " + ev.Err.Error())
		}
	case runtime.EventStepFinished:
		if ev.Run != nil {
			line := stepLine(ev.Run, p.symbols)
			if p.symbols {
				color := "\x1b[32m" // green
				if !ev.Run.Success {
					color = "\x1b[31m" // red
				}
				line = color + line[:len("✓")] + "\x1b[0m" + line[len("✓"):]
			}
			p.line(line)
			p.contractLines(ev.Run)
		}
	case runtime.EventActionTaken:
		a := ev.Action
		if a == nil || a.Default {
			return
		}
		s := "    -> " + a.String()
		if len(a.Criteria) > 0 {
			var conds []string
			for _, c := range a.Criteria {
				conds = append(conds, c.Condition)
			}
			s += " (when " + strings.Join(conds, " && ") + ")"
		}
		p.line(s)
	}
}

func (p *progress) line(s string) {
	fmt.Fprintln(p.w, p.redact(s))
}

// headers prints headers sorted by name, credentials masked.
func (p *progress) headers(prefix string, h http.Header) {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range h[name] {
			p.line(prefix + name + ": " + auth.MaskHeader(name, v))
		}
	}
}

// body prints a body, cut at maxVerboseBody, with secrets masked.
func (p *progress) body(prefix string, b []byte) {
	if len(b) == 0 {
		return
	}
	// Masked before it is cut: a secret across the cut would otherwise
	// show its first half.
	s := p.redact(string(b))
	cut := ""
	if len(s) > maxVerboseBody {
		cut = fmt.Sprintf("\n[... %d more bytes]", len(s)-maxVerboseBody)
		s = s[:maxVerboseBody]
	}
	p.line(prefix + "")
	for _, l := range strings.Split(s+cut, "\n") {
		p.line(prefix + l)
	}
}

// stepLine formats a finished attempt:
//
//	PASS createApi  POST /resource-servers  201  12ms
//	FAIL createGrant  POST /client-grants  409  3ms  $statusCode == 201: got 409
func stepLine(r *runtime.StepRun, symbols bool) string {
	var b strings.Builder
	switch {
	case symbols && r.Success:
		b.WriteString("✓ ")
	case symbols:
		b.WriteString("✗ ")
	case r.Success:
		b.WriteString("PASS ")
	default:
		b.WriteString("FAIL ")
	}
	if r.Source != "" {
		b.WriteString(r.Source + ".")
	}
	if r.Depth > 0 {
		b.WriteString(r.Workflow + "/")
	}
	b.WriteString(r.StepID)
	if r.Attempt > 1 {
		fmt.Fprintf(&b, " (attempt %d)", r.Attempt)
	}
	switch {
	case r.Method != "":
		fmt.Fprintf(&b, "  %s %s", r.Method, r.PathTemplate)
	case r.CalledWorkflow != "":
		fmt.Fprintf(&b, "  workflow %s", r.CalledWorkflow)
	}
	if r.Response != nil {
		fmt.Fprintf(&b, "  %d", r.Response.StatusCode)
	}
	fmt.Fprintf(&b, "  %s", roundDuration(r.Duration))
	if reason := r.Reason(); reason != "" {
		b.WriteString("  " + oneLine(reason))
	}
	return b.String()
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}
