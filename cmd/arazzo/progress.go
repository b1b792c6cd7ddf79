package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/runtime"
)

// progress prints one line per finished step attempt on stderr, and one
// line per action that changed the flow. It is the runtime's event hook.
type progress struct {
	w       io.Writer
	redact  func(string) string
	symbols bool // ✓/✗ on a terminal; PASS/FAIL otherwise (stable for logs and tests)
}

func (p *progress) event(ev runtime.Event) {
	switch ev.Kind {
	case runtime.EventStepFinished:
		if ev.Run != nil {
			p.line(stepLine(ev.Run, p.symbols))
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

// unused guard so the arazzo import stays meaningful if progress grows
// severity-aware output.
var _ = arazzo.SeverityError
