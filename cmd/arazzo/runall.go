package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/auth"
	"github.com/arazzo-run/arazzo/report"
	"github.com/arazzo-run/arazzo/runtime"
)

// `arazzo run FILE --all`: every workflow of FILE in one call, for CI.
//
// Choices (documented in `run --help` and the README):
//   - Order: document order, except that a workflow runs after the
//     workflows it depends on (runtime.Plan.RunAll); a shared dependency
//     runs once, and a failure skips the dependents only.
//   - Inputs: one object for the call (--inputs/--input). Each workflow
//     gets the members its inputs schema declares under properties, so a
//     workflow with additionalProperties: false is not upset by another
//     workflow's inputs; a workflow whose schema declares no properties (or
//     that has none) gets the whole object. Invalid inputs for any workflow
//     stop everything before anything is sent (exit 2).
//   - stdout: one JSON object, {"<workflowId>": {outputs}, ...}, in the
//     order run; a skipped workflow has {}.
//   - --max-steps applies to each workflow, so adding a workflow to the
//     document never makes another one hit the limit.
//   - Reports: --report writes a JSON array of per-workflow reports (each
//     valid against report.schema.json), --junit one testsuite per
//     workflow, --har one log with every exchange.

// allRun is what runWorkflow prepared before handing over to runAll.
type allRun struct {
	file         string
	b            *runtime.Bundle
	plan         *runtime.Plan
	targets      []*arazzo.Workflow
	inputs       map[string]any
	secretInputs []string
	redact       func(string) string
}

// checkAllFlags rejects the flags --all cannot honour, before anything is
// loaded: --workflow (contradictory) and --html (the HTML report draws one
// workflow's graph). --journal and --resume are refused by
// prepareJournal (a journal records the position in one workflow).
func checkAllFlags(file string, f *runFlags) error {
	if !f.all {
		return nil
	}
	if f.workflow != "" {
		return usageErrorf("--all and --workflow cannot be combined: --all runs every workflow of %s", file)
	}
	if f.htmlFile != "" {
		return usageErrorf("--html cannot be combined with --all: the HTML report shows one workflow; use --report, --junit or --har, or --workflow")
	}
	return nil
}

// runTargets is the workflow to run (--workflow, or the only one), or
// with --all every workflow of the document, in document order.
func runTargets(doc *arazzo.Document, f *runFlags) ([]*arazzo.Workflow, error) {
	if !f.all {
		w, err := pickWorkflow(doc, f.workflow)
		if err != nil {
			return nil, err
		}
		return []*arazzo.Workflow{w}, nil
	}
	var out []*arazzo.Workflow
	for _, w := range doc.Workflows {
		if w != nil {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return nil, usageErrorf("%s has no workflows", doc.File)
	}
	return out, nil
}

// usesOfAll is usesOf for several workflows, each operation use once.
func usesOfAll(plan *runtime.Plan, ws []*arazzo.Workflow) []auth.Use {
	if len(ws) == 1 {
		return usesOf(plan, ws[0].WorkflowID)
	}
	type key struct{ workflow, step, source string }
	seen := map[key]bool{}
	var uses []auth.Use
	for _, w := range ws {
		for _, o := range plan.Operations(w.WorkflowID) {
			k := key{o.Workflow, o.StepID, o.Source}
			if seen[k] {
				continue
			}
			seen[k] = true
			uses = append(uses, auth.Use{Source: o.Source, StepID: o.StepID, Op: o.Operation, Doc: o.Document})
		}
	}
	return uses
}

// inputsFor picks a workflow's inputs out of the call's: the members its
// schema declares under properties, or everything when it declares none.
func inputsFor(doc *arazzo.Document, w *arazzo.Workflow, inputs map[string]any) map[string]any {
	var props map[string]any
	if w.Inputs != nil {
		// The schema may be "$ref: '#/components/inputs/x'": its
		// properties are the workflow's too.
		schema := resolveInputSchema(doc, w.Inputs.Raw, 0)
		props, _ = schema["properties"].(map[string]any)
	}
	if props == nil {
		return inputs
	}
	out := make(map[string]any, len(props))
	for name := range props {
		if v, ok := inputs[name]; ok {
			out[name] = v
		}
	}
	return out
}

// runAll is runWorkflow's tail for --all: run, print, report, exit code.
func runAll(e *env, f *runFlags, a allRun, ctx context.Context, opts runtime.Options) error {
	ids := make([]string, len(a.targets))
	perWorkflow := make(map[string]map[string]any, len(a.targets))
	steps := make(map[string]int, len(a.targets))
	for i, w := range a.targets {
		ids[i] = w.WorkflowID
		perWorkflow[w.WorkflowID] = inputsFor(a.b.Doc, w, a.inputs)
		steps[w.WorkflowID] = len(w.Steps)
	}
	if inner := opts.OnEvent; inner != nil && !f.quiet {
		// A header before each workflow's progress lines, and a line for
		// each workflow that is skipped.
		opts.OnEvent = func(ev runtime.Event) {
			if ev.Depth == 0 {
				var se *runtime.SkippedError
				switch {
				case ev.Kind == runtime.EventWorkflowStarted:
					fmt.Fprintf(e.stderr, "== workflow %s\n", ev.Workflow)
				case ev.Kind == runtime.EventWorkflowFinished && errors.As(ev.Err, &se):
					fmt.Fprintf(e.stderr, "SKIP %s  %s\n", ev.Workflow, a.redact(skipReason(se)))
				}
			}
			inner(ev)
		}
	}
	results, err := a.plan.RunAll(ctx, ids, perWorkflow, opts)
	if err != nil {
		var inErr *runtime.InputError
		if errors.As(err, &inErr) {
			return &exitError{code: exitInvalid, err: fmt.Errorf("%s; nothing was sent", a.redact(err.Error()))}
		}
		return &exitError{code: exitInvalid, err: errors.New(a.redact(err.Error()))}
	}
	// As for one workflow: requests were sent, so a stdout that cannot be
	// written makes exit 1, after the reports.
	stdoutErr := writeAllOutputs(e.stdout, results, a.redact)
	if stdoutErr != nil {
		fmt.Fprintf(e.stderr, "arazzo: %v\n", stdoutErr)
	}
	meta := report.Meta{Tool: "arazzo", Version: version, Document: a.file, Inputs: a.inputs, SecretInputs: a.secretInputs, Steps: report.StepsOf(a.b.Doc)}
	if err := writeAllReports(f, results, meta, a.redact); err != nil {
		fmt.Fprintf(e.stderr, "arazzo: %v\n", err)
		return exitWith(exitFailed)
	}
	if !f.quiet {
		writeSummary(e.stderr, results, steps)
		if s := contractSummary(combinedResult(results), f.strict); s != "" {
			fmt.Fprintln(e.stderr, a.redact(s))
		}
	}
	// The workflow in flight when --timeout expired is the last one that
	// was not skipped; an earlier one that failed with a deadline hit
	// --request-timeout, whose message names it.
	inFlight := -1
	if f.timeout > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		for i, res := range results {
			if !res.Skipped {
				inFlight = i
			}
		}
	}
	ok := true
	for i, res := range results {
		if res.Success {
			continue
		}
		ok = false
		if res.Skipped {
			continue // the summary says why; the cause has its own line
		}
		reason := "failed"
		if res.Err != nil {
			reason = a.redact(res.Err.Error())
		}
		if i == inFlight && errors.Is(res.Err, context.DeadlineExceeded) && e.ctx.Err() == nil {
			// As for a single run: say which limit, not "context deadline exceeded".
			reason = fmt.Sprintf("the run took longer than --timeout %s; the request in flight was cancelled", f.timeout)
		}
		if errors.Is(res.Err, context.Canceled) && e.ctx.Err() != nil {
			// SIGINT/SIGTERM, as for a single run.
			reason = "interrupted by a signal; the request in flight was cancelled (" + reason + ")"
		}
		fmt.Fprintf(e.stderr, "arazzo: workflow %s failed: %s\n", res.WorkflowID, reason)
	}
	if !ok || stdoutErr != nil {
		return exitWith(exitFailed)
	}
	return nil
}

// skipReason is the summary's explanation of a skipped workflow.
func skipReason(se *runtime.SkippedError) string {
	switch {
	case se.Failed != "":
		return "dependency " + se.Failed + " failed"
	case errors.Is(se.Err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(se.Err, context.Canceled):
		return "interrupted"
	case se.Err != nil:
		return oneLine(se.Err.Error())
	}
	return "not run"
}

// writeAllOutputs prints {"<workflowId>": {outputs}, ...} in run order,
// indented like a single run's outputs, every known secret masked.
func writeAllOutputs(w io.Writer, results []*runtime.Result, redact func(string) string) error {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, res := range results {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, err := json.Marshal(res.WorkflowID)
		if err != nil {
			return fmt.Errorf("encoding outputs: %w", err)
		}
		buf.WriteString("\n  ")
		buf.Write(key)
		buf.WriteString(": ")
		outputs := res.Outputs
		if outputs == nil {
			outputs = map[string]any{}
		}
		var one bytes.Buffer
		enc := json.NewEncoder(&one)
		enc.SetEscapeHTML(false)
		enc.SetIndent("  ", "  ")
		if err := enc.Encode(maskOutputs(outputs, redact)); err != nil {
			return fmt.Errorf("encoding the outputs of %s: %w", res.WorkflowID, err)
		}
		buf.Write(bytes.TrimRight(one.Bytes(), "\n"))
	}
	if len(results) > 0 {
		buf.WriteByte('\n')
	}
	buf.WriteString("}\n")
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing the outputs to stdout: %w", err)
	}
	return nil
}

// writeSummary prints the table that ends an --all run, after an empty
// line:
//
//	WORKFLOW  VERDICT                           STEPS  DURATION
//	base      failed                            0/1    3ms
//	mid       skipped (dependency base failed)  0/1    -
//	3 workflows: 1 passed, 1 failed, 1 skipped
//
// STEPS counts the workflow's own steps whose last attempt passed, out of
// the steps it has (dependencies and sub-workflows have their own rows or
// are part of the step that called them).
func writeSummary(w io.Writer, results []*runtime.Result, steps map[string]int) {
	var b bytes.Buffer
	b.WriteByte('\n') // apart from the progress lines
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKFLOW\tVERDICT\tSTEPS\tDURATION")
	var passed, failed, skipped int
	for _, res := range results {
		verdict, dur := "failed", roundDuration(res.Duration).String()
		var se *runtime.SkippedError
		switch {
		case res.Skipped && errors.As(res.Err, &se):
			verdict, dur = "skipped ("+skipReason(se)+")", "-"
			skipped++
		case res.Skipped:
			verdict, dur = "skipped", "-"
			skipped++
		case res.Success:
			verdict = "passed"
			passed++
		default:
			failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\n", res.WorkflowID, verdict, stepsPassed(res), steps[res.WorkflowID], dur)
	}
	tw.Flush()
	fmt.Fprintf(&b, "%d workflows: %d passed, %d failed, %d skipped\n", len(results), passed, failed, skipped)
	w.Write(b.Bytes())
}

// stepsPassed counts the distinct top-level steps of res whose last
// attempt succeeded.
func stepsPassed(res *runtime.Result) int {
	last := map[string]bool{}
	for _, s := range res.Steps {
		if s != nil && s.Depth == 0 && s.Workflow == res.WorkflowID {
			last[s.StepID] = s.Success
		}
	}
	n := 0
	for _, ok := range last {
		if ok {
			n++
		}
	}
	return n
}

// writeAllReports writes --report (a JSON array), --har (one log) and
// --junit (one testsuite per workflow), whatever the verdicts.
func writeAllReports(f *runFlags, results []*runtime.Result, meta report.Meta, redact func(string) string) error {
	write := writeReportFile
	if err := write(f.reportFile, func(w io.Writer) error { return report.WriteJSONAll(w, results, meta, redact) }); err != nil {
		return err
	}
	if err := write(f.harFile, func(w io.Writer) error { return report.WriteHAR(w, combinedResult(results), meta, redact) }); err != nil {
		return err
	}
	return write(f.junitFile, func(w io.Writer) error { return report.WriteJUnit(w, results, meta, redact) })
}

// combinedResult puts every exchange of the call in one Result, for the
// HAR (one page, every entry in the order sent).
func combinedResult(results []*runtime.Result) *runtime.Result {
	c := &runtime.Result{Success: true}
	var ids []string
	for _, r := range results {
		ids = append(ids, r.WorkflowID)
		c.Steps = append(c.Steps, r.Steps...)
		c.Duration += r.Duration
		c.Success = c.Success && r.Success
	}
	c.WorkflowID = strings.Join(ids, ", ")
	return c
}
