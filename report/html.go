package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/runtime"
)

// htmlBodyCap is the most of one body the HTML report shows: bodies are
// already masked and cut at MaxBody for the JSON report, but a page with
// dozens of 64 KiB bodies is no longer something to attach to a CI run.
// The cut is on a character boundary and says so; the JSON report has
// the rest.
const htmlBodyCap = 16 << 10

// htmlBodyBudget is the most body text one page shows: past it, each
// further body is cut at htmlBodyMin, so a run of hundreds of attempts
// still gives a page a CI system accepts as an attachment.
const (
	htmlBodyBudget = 384 << 10
	htmlBodyMin    = 1 << 10
)

//go:embed html_template.html
var htmlTemplateText string

// htmlTemplate is parsed on first use, not at package init: parsing it
// costs ~1 ms and 2,000 allocations that every process linking the package
// (every arazzo command) would pay for reports it mostly does not write.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Parse(htmlTemplateText))
})

// HTMLOptions adds to the HTML report what runtime.Result does not hold.
// Every field is optional.
type HTMLOptions struct {
	// Document is the Arazzo document that was run. With it the graph
	// shows every step and action of the workflow (and of the workflows it
	// reaches); without it, only the steps of Meta.Steps or those that ran,
	// and the edges the run took.
	Document *arazzo.Document
	// Operation labels the operation a step calls ("POST /clients") for
	// steps that did not run (those that ran show the method and path
	// they used); see graph.Options.Operation.
	Operation func(s *arazzo.Step) string
}

// WriteHTML writes the HTML run report of res: one self-contained page
// (inline CSS, no script, no external resource) with the workflow graph
// and the path taken, a timeline of the step attempts, and every attempt's
// request, response, criteria, action and outputs, masked exactly as in
// the JSON report. The graph is drawn from Meta.Steps and the run; see
// WriteHTMLWith to draw it from the document.
//
// Choices:
//
//   - The page is built from the JSON report's masked data (the same
//     masker, the same fields), so it shows what --report shows; strings
//     taken from the document for the graph (labels, criteria) go through
//     the same masker. Everything is escaped by html/template (or, for the
//     text of <pre> blocks, by preText), and a Content-Security-Policy
//     forbids every script and every load, so markup in a response body is
//     shown as text and could not run even if escaping failed.
//   - Bodies are shown JSON-indented, cut at 16 KiB each (the JSON report
//     keeps 64 KiB), and once the page holds 384 KiB of bodies, at 1 KiB
//     each: a long run must still give a file a CI system takes as an
//     attachment. Each cut says so.
//   - The graph is graph.Build's chart drawn as inline SVG (see
//     htmlgraph.go for the layout): steps in document order, edges in
//     lanes beside the column, each box listing its actions as text. The
//     default "break" of every step is drawn but not listed unless taken.
//     A step's colour is its last attempt's verdict (amber: passed after
//     failed attempts); a failure handled by a goto is red, because that
//     attempt failed.
//   - Failed attempts show their response unfolded; everything else is
//     folded in <details>, which needs no script.
//   - Times are shown as offsets from the run's start (Meta.Started, or the
//     first attempt's start when earlier) and durations in µs, ms or s.
func WriteHTML(w io.Writer, res *runtime.Result, meta Meta, redact Redactor) error {
	return WriteHTMLWith(w, res, meta, redact, HTMLOptions{})
}

// WriteHTMLWith is WriteHTML with the document, for a graph of every step
// and action.
func WriteHTMLWith(w io.Writer, res *runtime.Result, meta Meta, redact Redactor, opts HTMLOptions) error {
	if res == nil {
		return errors.New("report: no result to write")
	}
	m := newMasker([]*runtime.Result{res}, meta, redact)
	page := buildHTML(res, meta, m, opts)
	var buf bytes.Buffer
	if err := htmlTemplate().Execute(&buf, page); err != nil {
		return errors.New("report: writing the HTML report: " + m.errString(err))
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// The page's view model. Every string in it is masked; html/template
// escapes each one for its context (text, attribute, URL), so a response
// body holding markup is shown as text.
type (
	htmlPage struct {
		WorkflowID string
		Verdict    string // "passed" or "failed"
		Document   string
		Tool       string
		Started    string
		Duration   string
		Summary    string // "4 attempts of 3 steps, 1 failed"
		Error      *htmlError
		Graphs     []*svgGraph
		GraphNote  string
		Timeline   []htmlBar
		Scale      []htmlTick
		Attempts   []*htmlAttempt
		Inputs     string
		Outputs    string
		// Resumed: some steps were done by an earlier invocation (legend).
		Resumed bool
	}
	htmlError struct {
		Kind, Message, StepID, WorkflowID string
		Attempt                           int
		Anchor                            string
	}
	htmlBar struct {
		Label, Sub, Anchor, Verdict, Duration string
		Style                                 template.CSS
		Depth                                 template.CSS
	}
	htmlTick struct {
		Label string
		Style template.CSS
	}
	htmlAttempt struct {
		Anchor     string
		StepID     string
		Attempt    int
		WorkflowID string // shown when not the run's workflow
		Depth      int
		Indent     template.CSS
		Verdict    string
		Operation  string
		Status     string
		StatusCode int
		StatusKind string // "2", "3", "4", "5" or "0"
		Duration   string
		Offset     string
		Reason     string
		Error      string
		Criteria   []htmlCriterion
		Action     *htmlAction
		Request    *htmlExchange
		Response   *htmlExchange
		Outputs    string
		// Contract lists the differences between the exchange and the
		// OpenAPI description, one line each, as the progress output
		// writes them.
		Contract []string
		Open     bool // a failed attempt shows its response unfolded
	}
	htmlCriterion struct {
		Passed      bool
		Condition   string
		Type        string
		Explanation string
		Error       string
		Pos         string
	}
	htmlAction struct {
		Kind     string // "success" or "failure"
		Summary  string
		Where    string
		Criteria []htmlCriterion
	}
	htmlExchange struct {
		Line    string
		Headers []jsonHeader
		Body    *htmlBody
	}
	htmlBody struct {
		Info    string
		Content template.HTML // escaped by preText
		Note    string
	}
)

func buildHTML(res *runtime.Result, meta Meta, m *masker, opts HTMLOptions) *htmlPage {
	rep := buildJSON(res, meta, m)
	p := &htmlPage{
		WorkflowID: rep.WorkflowID,
		Verdict:    rep.Verdict,
		Document:   rep.Document,
		Tool:       strings.TrimSpace(rep.Tool.Name + " " + rep.Tool.Version),
		Duration:   fmtMs(rep.DurationMs),
		Inputs:     prettyJSON(rep.Inputs),
		Outputs:    prettyJSON(rep.Outputs),
	}
	if rep.Started != nil {
		p.Started = *rep.Started
	}
	runs := make([]*runtime.StepRun, 0, len(res.Steps))
	for _, s := range res.Steps {
		if s != nil {
			runs = append(runs, s)
		}
	}
	// The run's start: Meta.Started, or the first attempt's when earlier
	// (a caller may take the time after the run).
	start := runStart(res, meta)
	for _, s := range runs {
		if !s.Started.IsZero() && (start.IsZero() || s.Started.Before(start)) {
			start = s.Started
		}
	}
	failedAttempts := 0
	budget := htmlBodyBudget
	distinct := map[string]bool{}
	for i := range rep.Steps {
		js := &rep.Steps[i]
		a := htmlAttemptOf(js, i, rep.WorkflowID, &budget)
		if i < len(runs) && !start.IsZero() && !runs[i].Started.IsZero() {
			a.Offset = "+" + fmtMs(ms(runs[i].Started.Sub(start)))
		}
		if js.Verdict != "passed" {
			failedAttempts++
		}
		distinct[js.Source+"\x00"+js.WorkflowID+"\x00"+js.StepID] = true
		p.Attempts = append(p.Attempts, a)
	}
	p.Summary = plural(len(rep.Steps), "attempt") + " of " + plural(len(distinct), "step")
	if failedAttempts > 0 {
		p.Summary += ", " + strconv.Itoa(failedAttempts) + " failed"
	}
	if e := rep.Error; e != nil {
		he := &htmlError{Kind: e.Kind, Message: e.Message, StepID: e.StepID, WorkflowID: e.WorkflowID, Attempt: e.Attempt}
		// Link to the failing attempt: the last one of that step.
		for i := len(rep.Steps) - 1; i >= 0; i-- {
			s := rep.Steps[i]
			if s.StepID == e.StepID && (e.WorkflowID == "" || s.WorkflowID == e.WorkflowID) {
				he.Anchor = p.Attempts[i].Anchor
				break
			}
		}
		p.Error = he
	}
	p.Timeline, p.Scale = timeline(rep, runs, start, res.Duration)
	p.Graphs, p.GraphNote = graphs(res, runs, meta, m, opts)
	for _, g := range p.Graphs {
		for _, n := range g.Nodes {
			p.Resumed = p.Resumed || strings.HasSuffix(n.Class, " earlier")
		}
	}
	return p
}

func htmlAttemptOf(js *jsonStep, i int, root string, budget *int) *htmlAttempt {
	a := &htmlAttempt{
		Anchor:   "attempt-" + strconv.Itoa(i+1),
		StepID:   js.StepID,
		Attempt:  js.Attempt,
		Depth:    js.Depth,
		Verdict:  js.Verdict,
		Duration: fmtMs(js.DurationMs),
		Reason:   js.Reason,
		Error:    js.Error,
		Criteria: htmlCriteria(js.Criteria),
		Outputs:  prettyJSON(js.Outputs),
		Open:     js.Verdict != "passed",
	}
	if len(js.Outputs) == 0 {
		a.Outputs = ""
	}
	for _, p := range js.Contract {
		line := strings.TrimSpace(p.In + " " + p.Kind)
		if p.Pointer != "" {
			line += " " + p.Pointer
		}
		line += ": " + p.Message
		if p.SchemaPointer != "" {
			line += " (#" + p.SchemaPointer + ")"
		}
		a.Contract = append(a.Contract, line)
	}
	if js.Depth > 0 {
		a.Indent = template.CSS("margin-left:" + strconv.Itoa(min(js.Depth, 6)*24) + "px")
	}
	if js.WorkflowID != root || js.Source != "" {
		a.WorkflowID = js.WorkflowID
		if js.Source != "" {
			a.WorkflowID = js.Source + "." + js.WorkflowID
		}
	}
	switch {
	case js.Operation != nil:
		a.Operation = strings.TrimSpace(js.Operation.Method + " " + js.Operation.Path)
		if a.Operation == "" {
			a.Operation = js.Operation.OperationID
		}
	case js.CalledWorkflow != "":
		a.Operation = "calls " + js.CalledWorkflow
	}
	if r := js.Request; r != nil {
		a.Request = &htmlExchange{Line: r.Method + " " + r.URL, Headers: r.Headers, Body: htmlBodyOf(r.Body, budget)}
	}
	if r := js.Response; r != nil {
		a.StatusCode = r.Status
		a.Status = strconv.Itoa(r.Status)
		if r.StatusText != "" {
			a.Status += " " + r.StatusText
		}
		a.StatusKind = strconv.Itoa(r.Status / 100)
		a.Response = &htmlExchange{Line: a.Status, Headers: r.Headers, Body: htmlBodyOf(r.Body, budget)}
	}
	if act := js.Action; act != nil {
		ha := &htmlAction{Kind: act.Kind, Summary: act.Summary, Criteria: htmlCriteria(act.Criteria)}
		if act.WorkflowLevel {
			ha.Where = "workflow-level action"
		}
		if act.Pos != nil {
			if ha.Where != "" {
				ha.Where += ", "
			}
			ha.Where += posString(act.Pos)
		}
		a.Action = ha
	}
	return a
}

func htmlCriteria(cs []jsonCriterion) []htmlCriterion {
	out := make([]htmlCriterion, 0, len(cs))
	for _, c := range cs {
		hc := htmlCriterion{Passed: c.Passed, Condition: c.Condition, Explanation: c.Explanation, Error: c.Error}
		if c.Type != "" && c.Type != "simple" {
			hc.Type = c.Type
		}
		if c.Context != "" {
			hc.Type = strings.TrimSpace(hc.Type + " in " + c.Context)
		}
		if c.Pos != nil {
			hc.Pos = posString(c.Pos)
		}
		out = append(out, hc)
	}
	return out
}

// posString is "file:line:col" with the file's base name: the page shows
// one document, and a long absolute path would crowd the criteria.
func posString(p *jsonPos) string {
	s := strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
	if p.File != "" {
		s = path.Base(filepath.ToSlash(p.File)) + ":" + s
	}
	return s
}

// htmlBodyOf renders a masked body for reading: JSON indented, text as
// is, base64 as base64; cut at htmlBodyCap, or at what is left of the
// page's budget (at least htmlBodyMin).
func htmlBodyOf(b *jsonBody, budget *int) *htmlBody {
	if b == nil {
		return nil
	}
	hb := &htmlBody{}
	var info []string
	if b.MimeType != "" {
		info = append(info, b.MimeType)
	}
	info = append(info, plural(b.Size, "byte"))
	var content string
	switch b.Encoding {
	case encJSON:
		var ind bytes.Buffer
		if json.Indent(&ind, b.Content, "", "  ") == nil {
			content = ind.String()
		} else {
			content = string(b.Content)
		}
	default:
		var s string
		if json.Unmarshal(b.Content, &s) != nil {
			s = string(b.Content)
		}
		content = s
		if b.Encoding == encBase64 {
			info = append(info, "binary, shown as base64")
		}
	}
	hb.Info = strings.Join(info, " · ")
	limit := max(min(htmlBodyCap, *budget), htmlBodyMin)
	text, cut := capTextN(content, limit)
	*budget -= len(text)
	switch {
	case cut && limit < htmlBodyCap:
		hb.Note = fmt.Sprintf("… cut at %d KiB here: the page already shows %d KiB of bodies; the JSON report (--report) holds up to %d KiB of each", limit>>10, htmlBodyBudget>>10, MaxBody>>10)
	case cut:
		hb.Note = fmt.Sprintf("… cut at %d KiB here; the JSON report (--report) holds up to %d KiB", htmlBodyCap>>10, MaxBody>>10)
	case b.Truncated:
		hb.Note = fmt.Sprintf("… cut at %d KiB", MaxBody>>10)
	}
	hb.Content = preText(text)
	return hb
}

// preText escapes s for the content of a <pre>: only '&' and '<' can
// start markup there ('>' is escaped too, for readers of the source).
// html/template would also escape quotes, as &#34;, which is harmless
// but makes JSON bodies a third larger. NUL becomes U+FFFD, as
// html/template does.
func preText(s string) template.HTML {
	var b strings.Builder
	b.Grow(len(s) + len(s)/16)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case 0:
			b.WriteString("\uFFFD")
		default:
			b.WriteByte(c)
		}
	}
	return template.HTML(b.String())
}

// timeline places one bar per attempt on a common scale: left is the
// attempt's start since the run's, width its duration (at least a sliver,
// so instant steps stay visible). Attempts without a start follow the
// previous one.
func timeline(rep *jsonReport, runs []*runtime.StepRun, start time.Time, total time.Duration) ([]htmlBar, []htmlTick) {
	type span struct{ from, dur float64 }
	spans := make([]span, len(rep.Steps))
	end := ms(total)
	prev := 0.0
	for i, js := range rep.Steps {
		from := prev
		if i < len(runs) && !start.IsZero() && !runs[i].Started.IsZero() {
			from = ms(runs[i].Started.Sub(start))
		}
		spans[i] = span{from, js.DurationMs}
		prev = from + js.DurationMs
		end = max(end, prev)
	}
	if end <= 0 {
		end = 1
	}
	bars := make([]htmlBar, 0, len(spans))
	for i, js := range rep.Steps {
		left := spans[i].from / end * 100
		width := max(spans[i].dur/end*100, 0.4)
		if left+width > 100 {
			left = max(100-width, 0)
		}
		label := js.StepID
		if js.Attempt > 1 {
			label += " #" + strconv.Itoa(js.Attempt)
		}
		sub := ""
		if js.Operation != nil {
			sub = strings.TrimSpace(js.Operation.Method + " " + js.Operation.Path)
		} else if js.CalledWorkflow != "" {
			sub = "calls " + js.CalledWorkflow
		}
		if js.Response != nil {
			sub += " → " + strconv.Itoa(js.Response.Status)
		}
		bars = append(bars, htmlBar{
			Label: label, Sub: strings.TrimSpace(sub),
			Anchor: "attempt-" + strconv.Itoa(i+1), Verdict: js.Verdict,
			Duration: fmtMs(js.DurationMs),
			Style:    template.CSS(fmt.Sprintf("left:%.3f%%;width:%.3f%%", left, width)),
			Depth:    template.CSS("padding-left:" + strconv.Itoa(min(js.Depth, 6)*14) + "px"),
		})
	}
	ticks := make([]htmlTick, 0, 5)
	for i := 0; i <= 4; i++ {
		f := float64(i) / 4
		ticks = append(ticks, htmlTick{Label: fmtMs(end * f), Style: template.CSS(fmt.Sprintf("left:%.1f%%", f*100))})
	}
	return bars, ticks
}

// fmtMs formats milliseconds for people: "850 µs", "12.3 ms", "1.52 s".
func fmtMs(v float64) string {
	switch {
	case v <= 0:
		return "0 ms"
	case v < 1:
		return strconv.FormatFloat(v*1000, 'f', 0, 64) + " µs"
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64) + " ms"
	case v < 1000:
		return strconv.FormatFloat(v, 'f', 0, 64) + " ms"
	case v < 60000:
		return strconv.FormatFloat(v/1000, 'f', 2, 64) + " s"
	}
	d := time.Duration(v * float64(time.Millisecond)).Round(time.Second)
	return d.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// prettyJSON indents a masked value; "" for nil or an empty object.
func prettyJSON(v map[string]any) string {
	if len(v) == 0 {
		return ""
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // html/template escapes; \u003c would only hinder reading
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimRight(buf.String(), "\n")
}

// shortText cuts s to n characters with "…".
func shortText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
