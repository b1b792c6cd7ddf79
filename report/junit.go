package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/runtime"
)

// JUnit XML in the form Jenkins, GitLab and most CI systems read.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string         `xml:"name,attr"`
		Tests      int            `xml:"tests,attr"`
		Failures   int            `xml:"failures,attr"`
		Errors     int            `xml:"errors,attr"`
		Skipped    int            `xml:"skipped,attr"`
		Time       string         `xml:"time,attr"`
		Timestamp  string         `xml:"timestamp,attr,omitempty"`
		Properties *junitProps    `xml:"properties,omitempty"`
		Cases      []junitCase    `xml:"testcase"`
		SystemOut  *junitChardata `xml:"system-out,omitempty"`
	}
	junitProps struct {
		Props []junitProp `xml:"property"`
	}
	junitProp struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Classname string         `xml:"classname,attr"`
		Name      string         `xml:"name,attr"`
		Time      string         `xml:"time,attr"`
		Skipped   *junitSkipped  `xml:"skipped,omitempty"`
		Failure   *junitFailure  `xml:"failure,omitempty"`
		Error     *junitFailure  `xml:"error,omitempty"`
		SystemOut *junitChardata `xml:"system-out,omitempty"`
	}
	junitSkipped struct {
		Message string `xml:"message,attr,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",innerxml"`
	}
	junitChardata struct {
		Text string `xml:",innerxml"`
	}
)

// junitBodyCap caps the response body quoted in a failure's text: enough
// to see the server's error message, short enough for a CI page.
const junitBodyCap = 2 << 10

// WriteJUnit writes JUnit XML for one or more runs: one testsuite per
// result (named after its workflow), one testcase per step (classname the
// workflow, name the step id; steps of sub-workflows and dependencies are
// named "workflow.step"). The last attempt of a step decides its verdict;
// every attempt is described in the case's system-out. A step whose last
// attempt failed but whose failure action was a goto handled the failure
// and passes. A failed run with no failing step (a limit, an interruption)
// gets an extra testcase "(workflow)" with an error. With Meta.Steps, steps
// that never ran are skipped test cases.
func WriteJUnit(w io.Writer, results []*runtime.Result, meta Meta, redact Redactor) error {
	m := newMasker(results, meta, redact)
	all := junitSuites{Name: meta.tool()}
	var total time.Duration
	for _, res := range results {
		if res == nil {
			continue
		}
		s := junitSuiteOf(res, meta, m)
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Errors += s.Errors
		all.Skipped += s.Skipped
		total += res.Duration
		all.Suites = append(all.Suites, s)
	}
	all.Time = seconds(total)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return errors.New("report: encoding the JUnit XML: " + m.errString(err))
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// caseKey identifies a step across attempts and passes.
type caseKey struct{ source, workflow, step string }

func junitSuiteOf(res *runtime.Result, meta Meta, m *masker) junitSuite {
	suite := junitSuite{Name: res.WorkflowID, Time: seconds(res.Duration)}
	if t := runStart(res, meta); !t.IsZero() {
		suite.Timestamp = t.UTC().Format("2006-01-02T15:04:05")
	}
	suite.Properties = junitProperties(res, meta, m)

	// Group the attempts by step, remembering the order of first runs,
	// workflow by workflow (the result's own workflow first).
	runs := map[caseKey][]*runtime.StepRun{}
	byWorkflow := map[caseKey][]caseKey{} // workflow key (step "") -> steps in first-run order
	wfOrder := []caseKey{{workflow: res.WorkflowID}}
	byWorkflow[wfOrder[0]] = nil
	for _, s := range res.Steps {
		if s == nil {
			continue
		}
		k := caseKey{s.Source, s.Workflow, s.StepID}
		wk := caseKey{source: s.Source, workflow: s.Workflow}
		if _, ok := byWorkflow[wk]; !ok {
			byWorkflow[wk] = nil
			wfOrder = append(wfOrder, wk)
		}
		if _, ok := runs[k]; !ok {
			byWorkflow[wk] = append(byWorkflow[wk], k)
		}
		runs[k] = append(runs[k], s)
	}

	anyFailed := false
	for _, wk := range wfOrder {
		ran := byWorkflow[wk]
		var order []caseKey
		var known []string
		if wk.source == "" {
			known = meta.Steps[wk.workflow]
		}
		if len(known) > 0 && len(ran) > 0 || len(known) > 0 && wk.workflow == res.WorkflowID {
			seen := map[string]bool{}
			for _, id := range known {
				seen[id] = true
				order = append(order, caseKey{wk.source, wk.workflow, id})
			}
			for _, k := range ran {
				if !seen[k.step] {
					order = append(order, k)
				}
			}
		} else {
			order = ran
		}
		for _, k := range order {
			c := junitCase{Classname: res.WorkflowID, Name: caseName(res, k)}
			attempts := runs[k]
			if len(attempts) == 0 {
				c.Time = seconds(0)
				c.Skipped = &junitSkipped{Message: "not run"}
				suite.Skipped++
			} else {
				junitFill(&c, attempts, m)
				switch {
				case c.Failure != nil:
					suite.Failures++
					anyFailed = true
				case c.Error != nil:
					suite.Errors++
					anyFailed = true
				}
			}
			suite.Cases = append(suite.Cases, c)
		}
	}
	if !res.Success && !anyFailed {
		msg := m.errString(res.Err)
		if msg == "" {
			msg = "failed"
		}
		typ := "error"
		if res.Err != nil {
			typ = errKind(res.Err)
		}
		suite.Cases = append(suite.Cases, junitCase{
			Classname: res.WorkflowID,
			Name:      "(workflow)",
			Time:      seconds(res.Duration),
			Error:     &junitFailure{Message: oneLine(msg), Type: typ, Text: escapeXML(msg)},
		})
		suite.Errors++
	}
	suite.Tests = len(suite.Cases)
	if out := junitSuiteOut(res, m); out != "" {
		suite.SystemOut = &junitChardata{Text: escapeXML(out)}
	}
	return suite
}

func caseName(res *runtime.Result, k caseKey) string {
	if k.source == "" && k.workflow == res.WorkflowID {
		return k.step
	}
	name := k.workflow + "." + k.step
	if k.source != "" {
		name = k.source + "." + name
	}
	return name
}

// junitFill sets a case's time, verdict and system-out from its attempts.
func junitFill(c *junitCase, attempts []*runtime.StepRun, m *masker) {
	var total time.Duration
	var out strings.Builder
	for i, s := range attempts {
		total += s.Duration
		if i > 0 {
			out.WriteByte('\n')
		}
		describeAttempt(&out, s, m)
	}
	c.Time = seconds(total)
	c.SystemOut = &junitChardata{Text: escapeXML(out.String())}

	last := attempts[len(attempts)-1]
	if last.Success {
		return
	}
	if a := last.Action; a != nil && !a.Default && a.Type == arazzo.ActionGoto {
		return // the failure action handled it; system-out says so
	}
	reason := m.str(last.Reason())
	f := &junitFailure{Message: oneLine(reason), Text: escapeXML(failureText(last, reason, m))}
	hasFailed := false
	for _, cr := range last.Criteria {
		if !cr.Passed {
			hasFailed = true
		}
	}
	switch {
	case hasFailed:
		f.Type = "criteria"
		c.Failure = f
	case last.CalledWorkflow != "":
		f.Type = "workflow"
		c.Failure = f
	case last.Response == nil:
		// Nothing came back (transport error, request not built): an
		// error, not a failed check.
		f.Type = "error"
		c.Error = f
	default:
		f.Type = "failure"
		c.Failure = f
	}
}

// failureText is the failure's body: the reason, every failed criterion,
// the request line and the response status and (capped) body.
func failureText(s *runtime.StepRun, reason string, m *masker) string {
	var b strings.Builder
	b.WriteString(reason)
	b.WriteByte('\n')
	said := map[string]bool{reason: true}
	for _, c := range s.Criteria {
		if cs := m.str(c.String()); !c.Passed && !said[cs] {
			said[cs] = true
			fmt.Fprintf(&b, "failed: %s\n", cs)
		}
	}
	if err := m.errString(s.Err); err != "" && !said[err] {
		fmt.Fprintf(&b, "error: %s\n", err)
	}
	if r := s.Request; r != nil {
		fmt.Fprintf(&b, "request: %s %s\n", r.Method, m.url(r.URL))
	}
	if r := s.Response; r != nil {
		fmt.Fprintf(&b, "response: %d %s\n", r.StatusCode, http.StatusText(r.StatusCode))
		if body := m.body(r.Body, r.Header.Get("Content-Type")); body != nil {
			t := body.text()
			if len(t) > junitBodyCap {
				t, _ = capTextN(t, junitBodyCap)
				t += " [...]"
			}
			b.WriteString(t)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// describeAttempt writes one attempt for system-out: request line and
// status, criteria, action, error.
func describeAttempt(b *strings.Builder, s *runtime.StepRun, m *masker) {
	fmt.Fprintf(b, "attempt %d: %s", s.Attempt, verdict(s.Success))
	if s.Duration > 0 {
		fmt.Fprintf(b, " in %s", s.Duration.Round(time.Microsecond))
	}
	b.WriteByte('\n')
	if r := s.Request; r != nil {
		fmt.Fprintf(b, "  %s %s", r.Method, m.url(r.URL))
		if s.Response != nil {
			fmt.Fprintf(b, " -> %d %s", s.Response.StatusCode, http.StatusText(s.Response.StatusCode))
		}
		b.WriteByte('\n')
	} else if s.CalledWorkflow != "" {
		fmt.Fprintf(b, "  workflow %s\n", s.CalledWorkflow)
	}
	said := map[string]bool{}
	for _, c := range s.Criteria {
		mark := "pass"
		if !c.Passed {
			mark = "FAIL"
		}
		cs := m.str(c.String())
		said[cs] = true
		fmt.Fprintf(b, "  [%s] %s\n", mark, cs)
	}
	if err := m.errString(s.Err); err != "" && !said[err] {
		fmt.Fprintf(b, "  error: %s\n", err)
	}
	if a := s.Action; a != nil {
		fmt.Fprintf(b, "  action: %s", m.str(a.String()))
		for _, c := range a.Criteria {
			fmt.Fprintf(b, " [when %s]", m.str(c.Condition))
		}
		if !s.Success && !a.Default && a.Type == arazzo.ActionGoto {
			b.WriteString(" (failure handled)")
		}
		b.WriteByte('\n')
	}
	if len(s.Outputs) > 0 {
		fmt.Fprintf(b, "  outputs: %s\n", compactJSON(m.values(s.Outputs, nil)))
	}
}

func junitProperties(res *runtime.Result, meta Meta, m *masker) *junitProps {
	var p []junitProp
	add := func(n, v string) {
		if v != "" {
			p = append(p, junitProp{Name: n, Value: v})
		}
	}
	add("tool", meta.tool())
	add("version", meta.Version)
	add("document", m.url(meta.Document))
	add("verdict", verdict(res.Success))
	inputs := m.inputs(meta.Inputs, meta.secretSet())
	names := make([]string, 0, len(inputs))
	for n := range inputs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p = append(p, junitProp{Name: "input." + n, Value: compactJSON(inputs[n])})
	}
	return &junitProps{Props: p}
}

// junitSuiteOut is the suite's system-out: the verdict, the error and the
// workflow outputs.
func junitSuiteOut(res *runtime.Result, m *masker) string {
	var b strings.Builder
	fmt.Fprintf(&b, "workflow %s: %s\n", res.WorkflowID, verdict(res.Success))
	if err := m.errString(res.Err); err != "" {
		fmt.Fprintf(&b, "error: %s\n", err)
	}
	if len(res.Outputs) > 0 {
		fmt.Fprintf(&b, "outputs: %s\n", compactJSON(m.values(res.Outputs, nil)))
	}
	return b.String()
}

func compactJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " [...]"
	}
	return s
}

// seconds formats d for JUnit time attributes.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}

// xmlText is text already escaped for XML element content.
type xmlText = string

// escapeXML escapes text for element content like encoding/xml does, but
// keeps newlines and tabs as they are (encoding/xml writes them as &#xA;,
// which CI pages then show verbatim). Characters XML 1.0 cannot carry
// (most control characters) become U+FFFD.
func escapeXML(s string) xmlText {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return xmlText(b.String())
}
