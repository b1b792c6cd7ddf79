package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/expr"
)

// Defaults for Options fields left zero.
const (
	DefaultMaxSteps       = 1000
	DefaultMaxDepth       = 32
	DefaultMaxBodyBytes   = 16 << 20
	DefaultRequestTimeout = 30 * time.Second
	// MaxRetryWait caps the wait before a retry, whether it comes from
	// retryAfter or from an HTTP Retry-After header: a server (or a typo)
	// asking for an hour would otherwise hang the run silently.
	MaxRetryWait = 5 * time.Minute
)

// defaultClient is shared by every Run without an HTTPClient, so that
// connections are kept alive across steps and runs. It does not follow
// redirects: a 3xx is the operation's response, which criteria can check.
// It is made on first use: cloning the default transport sets up HTTP/2
// (~0.4 ms), wasted in programs that bring their own client, as the CLI does.
var defaultClient = sync.OnceValue(func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
})

// run is the state of one Plan.Run.
type run struct {
	plan   *Plan
	opts   Options
	ctx    context.Context
	client *http.Client
	res    *Result

	executed  int                     // step executions so far (MaxSteps)
	workflows map[*cworkflow]*wfState // latest execution of each workflow ($workflows.<id>)
	deps      map[*cworkflow]error    // dependsOn workflows already run (nil error: succeeded)
	active    map[*cworkflow]bool     // dependsOn in progress (cycle guard)
	fatal     error                   // a limit or cancellation: unwinds everything
	jn        *journal                // checkpoints (OnCheckpoint, Resume); nil when not asked for
}

// Run executes the workflow workflowID with inputs. The error is non-nil
// only when nothing was sent: an unknown workflow (*UsageError listing the
// ids), invalid inputs (*InputError listing every violation), an
// Options.Resume that does not fit (*ResumeError) or an OnCheckpoint that
// failed before the first step (*CheckpointError). A workflow
// that ran and failed returns a Result with Success false and Err set, and
// a nil error. workflowID may be "" when the document has exactly one
// workflow.
func (p *Plan) Run(ctx context.Context, workflowID string, inputs map[string]any, opts Options) (*Result, error) {
	if p == nil || p.root == nil {
		return nil, &UsageError{Msg: "no plan"}
	}
	cw, err := p.workflow(workflowID)
	if err != nil {
		return nil, err
	}
	in, err := checkInputs(cw, inputs)
	if err != nil {
		return nil, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	r := &run{
		plan:      p,
		opts:      withDefaults(opts),
		ctx:       ctx,
		res:       &Result{WorkflowID: cw.id},
		workflows: map[*cworkflow]*wfState{},
	}
	r.client = r.opts.HTTPClient
	if r.client == nil {
		r.client = defaultClient()
	}
	if res, err := r.startJournal(cw, in); res != nil || err != nil {
		return res, err
	}
	start := r.opts.Now()
	ws, err := r.runWorkflow(cw, in, 0, nil)
	err = r.finishJournal(ws, err)
	r.res.Duration = r.opts.Now().Sub(start)
	if ws != nil {
		r.res.Outputs = ws.outputs
	}
	if r.res.Outputs == nil {
		r.res.Outputs = map[string]any{}
	}
	r.res.Success = err == nil
	r.res.Err = err
	return r.res, nil
}

func withDefaults(o Options) Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.MaxSteps <= 0 {
		o.MaxSteps = DefaultMaxSteps
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	return o
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// workflow picks the workflow to run from the main document.
func (p *Plan) workflow(id string) (*cworkflow, error) {
	if id != "" {
		if cw := p.root.workflows[id]; cw != nil {
			return cw, nil
		}
	}
	ids := p.WorkflowIDs()
	if id == "" {
		if len(p.root.order) == 1 {
			return p.root.order[0], nil
		}
		if len(p.root.order) == 0 {
			return nil, &UsageError{Msg: "the document has no workflows"}
		}
		return nil, &UsageError{Msg: "the document has several workflows: name one", WorkflowIDs: ids}
	}
	return nil, &UsageError{Msg: fmt.Sprintf("no workflow %q", id), WorkflowIDs: ids}
}

func (r *run) emit(ev Event) {
	if r.opts.OnEvent != nil {
		r.opts.OnEvent(ev)
	}
}

// runWorkflow runs one workflow execution: its dependencies, then its
// steps, following actions. It returns the workflow's state (outputs
// evaluated, even on failure) and the reason it failed.
func (r *run) runWorkflow(cw *cworkflow, inputs map[string]any, depth int, caller *cstep) (*wfState, error) {
	ws := &wfState{cw: cw, inputs: inputs, steps: map[string]map[string]any{}}
	r.workflows[cw] = ws
	r.emit(Event{Kind: EventWorkflowStarted, Workflow: cw.display, Depth: depth})
	err := r.runDeps(cw, inputs, depth)
	if err == nil {
		err = r.runSteps(cw, ws, depth)
	}
	// Outputs: the applicable ones. On failure (or an early end), those
	// whose expressions can be evaluated; the others are left out.
	r.evalWorkflowOutputs(ws)
	r.workflows[cw] = ws
	r.emit(Event{Kind: EventWorkflowFinished, Workflow: cw.display, Depth: depth, Err: err, Outputs: ws.outputs})
	return ws, err
}

// runDeps runs the dependsOn workflows that have not run yet in this Run,
// in order, with the dependent workflow's inputs. A dependency that fails
// fails the dependent workflow before any of its steps is sent.
func (r *run) runDeps(cw *cworkflow, inputs map[string]any, depth int) error {
	for _, d := range cw.deps {
		if r.deps == nil {
			r.deps = map[*cworkflow]error{}
			r.active = map[*cworkflow]bool{}
		}
		if err, done := r.deps[d]; done {
			if err != nil {
				return fmt.Errorf("dependency %s failed: %w", d.display, err)
			}
			continue
		}
		if r.active[d] || d == cw {
			return fmt.Errorf("dependsOn cycle through workflow %s", d.display)
		}
		if depth+1 > r.opts.MaxDepth {
			r.fatal = &LimitError{What: "depth", Limit: r.opts.MaxDepth, Workflow: cw.display}
			return r.fatal
		}
		in, verr := checkInputs(d, inputs)
		if verr != nil {
			r.deps[d] = verr
			return fmt.Errorf("dependency %s: %w", d.display, verr)
		}
		r.active[d] = true
		_, err := r.runWorkflow(d, in, depth+1, nil)
		delete(r.active, d)
		r.deps[d] = err
		if err != nil {
			return fmt.Errorf("dependency %s failed: %w", d.display, err)
		}
	}
	return nil
}

func (r *run) evalWorkflowOutputs(ws *wfState) {
	outs := ws.cw.wf.Outputs
	if ws.outputs == nil {
		ws.outputs = make(map[string]any, len(outs))
	}
	ctx := &stepCtx{r: r, ws: ws}
	for _, o := range outs {
		if o == nil || o.Value == nil {
			continue
		}
		v, err := o.Value.Eval(ctx)
		if err != nil {
			continue
		}
		ws.outputs[o.Name] = v
	}
}

// runSteps is the step loop of one workflow execution.
func (r *run) runSteps(cw *cworkflow, ws *wfState, depth int) error {
	i := 0
	if r.jn != nil && depth == 0 {
		start, done, err := r.resumeSteps(cw, ws)
		if done {
			return err
		}
		i = start
	}
	attempt := 1
	retries := map[*arazzo.Action]int{} // per visit of a step
	for i < len(cw.steps) {
		if r.fatal != nil {
			return r.fatal
		}
		if err := r.ctx.Err(); err != nil {
			r.fatal = err
			return err
		}
		cs := cw.steps[i]
		if r.executed >= r.opts.MaxSteps {
			r.fatal = &LimitError{What: "steps", Limit: r.opts.MaxSteps, Workflow: cw.display, Step: cs.id}
			return r.fatal
		}
		r.executed++
		sr, sctx, fatalBuild := r.execStep(cs, ws, attempt, depth)
		if r.fatal != nil {
			r.finishStep(sr, nil)
			return r.fatal
		}
		if fatalBuild {
			// A request that cannot be built will not build on a retry
			// either: the workflow fails without consulting failure actions.
			act := &ActionTaken{Kind: arazzo.FailureAction, Default: true}
			r.finishStep(sr, act)
			return &StepError{Workflow: cw.display, Step: cs.id, Attempt: attempt, Reason: sr.Err.Error(), Err: sr.Err}
		}
		if sr.Success {
			ca, crs := r.pickAction(cs.onSuccess, sctx, nil)
			if err := r.stepCompleted(ws, cs, sr, ca, depth); err != nil {
				r.finishStep(sr, nil)
				return err
			}
			if ca == nil {
				r.finishStep(sr, &ActionTaken{Kind: arazzo.SuccessAction, Default: true})
				i++
				attempt = 1
				clear(retries)
				continue
			}
			act := actionTaken(ca, crs)
			r.finishStep(sr, act)
			switch ca.a.Type {
			case arazzo.ActionEnd:
				return nil
			case arazzo.ActionGoto:
				if ca.gotoStep >= 0 {
					i, attempt = ca.gotoStep, 1
					clear(retries)
					continue
				}
				return r.gotoWorkflow(ca, ws, depth, cs)
			}
			return fmt.Errorf("step %q: success action %q has unsupported type %q", cs.id, ca.a.Name, ca.a.Type)
		}

		// Failure.
		ca, crs := r.pickAction(cs.onFailure, sctx, retries)
		if ca == nil {
			r.finishStep(sr, &ActionTaken{Kind: arazzo.FailureAction, Default: true})
			return stepFailure(cw, cs, sr, "")
		}
		act := actionTaken(ca, crs)
		if ca.a.Type == arazzo.ActionRetry {
			retries[ca.a]++
			act.Retry = retries[ca.a]
			act.RetryLimit = retryLimit(ca.a)
			act.RetryAfter, act.RetryFromHeader = r.retryWait(ca.a, sctx)
		}
		r.finishStep(sr, act)
		switch ca.a.Type {
		case arazzo.ActionEnd:
			return stepFailure(cw, cs, sr, fmt.Sprintf("failure action %q ended the workflow", ca.a.Name))
		case arazzo.ActionGoto:
			if ca.gotoStep >= 0 {
				i, attempt = ca.gotoStep, 1
				clear(retries)
				continue
			}
			return r.gotoWorkflow(ca, ws, depth, cs)
		case arazzo.ActionRetry:
			if err := r.opts.Sleep(r.ctx, act.RetryAfter); err != nil {
				r.fatal = err
				return err
			}
			if err := r.beforeRetry(ca, ws, depth, cs); err != nil {
				return err
			}
			attempt++
			continue
		}
		return fmt.Errorf("step %q: failure action %q has unsupported type %q", cs.id, ca.a.Name, ca.a.Type)
	}
	return nil
}

func stepFailure(cw *cworkflow, cs *cstep, sr *StepRun, reason string) error {
	se := &StepError{Workflow: cw.display, Step: cs.id, Attempt: sr.Attempt, Err: sr.Err}
	for _, c := range sr.Criteria {
		if !c.Passed {
			se.Failed = append(se.Failed, c)
		}
	}
	base := sr.Reason()
	if sr.Response != nil && len(se.Failed) > 0 {
		base = fmt.Sprintf("%s (HTTP %d)", base, sr.Response.StatusCode)
	}
	if reason != "" {
		se.Reason = reason + ": " + base
	} else {
		se.Reason = base
	}
	return se
}

func retryLimit(a *arazzo.Action) int {
	if a.RetryLimit == nil {
		return 1 // "If not specified then a single retry SHALL be attempted."
	}
	return *a.RetryLimit
}

// retryWait is the wait before a retry: retryAfter seconds, overruled by an
// HTTP Retry-After header (seconds or an HTTP date), capped at MaxRetryWait.
func (r *run) retryWait(a *arazzo.Action, ctx *stepCtx) (time.Duration, bool) {
	var d time.Duration
	fromHeader := false
	if a.RetryAfter != nil && *a.RetryAfter > 0 {
		d = secondsToDuration(*a.RetryAfter)
	}
	if ctx != nil && ctx.resp != nil {
		if h := ctx.resp.header.Get("Retry-After"); h != "" {
			if hd, ok := parseRetryAfter(h, r.opts.Now()); ok {
				d, fromHeader = hd, true
			}
		}
	}
	if d > MaxRetryWait {
		d = MaxRetryWait
	}
	if d < 0 {
		d = 0
	}
	return d, fromHeader
}

func secondsToDuration(s float64) time.Duration {
	if math.IsNaN(s) || s <= 0 {
		return 0
	}
	if s > MaxRetryWait.Seconds() {
		return MaxRetryWait
	}
	return time.Duration(s * float64(time.Second))
}

func parseRetryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if n, err := strconv.ParseFloat(h, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return secondsToDuration(n), true
	}
	if t, err := http.ParseTime(h); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// pickAction returns the first action whose criteria all hold (an action
// without criteria always matches). With retries non-nil (failure actions),
// a retry action whose retryLimit is exhausted is passed over, so that
// later failure actions get their turn.
func (r *run) pickAction(acts []caction, ctx *stepCtx, retries map[*arazzo.Action]int) (*caction, []CriterionResult) {
	for i := range acts {
		ca := &acts[i]
		if ca.a.Type == arazzo.ActionRetry && retries != nil && retries[ca.a] >= retryLimit(ca.a) {
			continue
		}
		crs, ok := evalCriteria(ca.a.Criteria, ctx)
		if ok {
			return ca, crs
		}
	}
	return nil, nil
}

func actionTaken(ca *caction, crs []CriterionResult) *ActionTaken {
	a := ca.a
	at := &ActionTaken{
		Kind: a.Kind, Name: a.Name, Type: a.Type,
		StepID: a.StepID, WorkflowID: a.WorkflowID,
		Criteria: crs, Pos: a.Pos, WorkflowLevel: ca.workflowLevel,
	}
	if ca.workflow != nil {
		at.WorkflowID = ca.workflow.display
	}
	return at
}

// finishStep records the action on the attempt and emits StepFinished and,
// for an action the document wrote, ActionTaken.
func (r *run) finishStep(sr *StepRun, act *ActionTaken) {
	sr.Action = act
	ev := Event{Kind: EventStepFinished, Workflow: sr.Workflow, Step: sr.StepID, Attempt: sr.Attempt, Depth: sr.Depth, Run: sr, Err: sr.Err}
	if !sr.Success && sr.Err == nil {
		ev.Err = errors.New(sr.Reason())
	}
	r.emit(ev)
	if act != nil && !act.Default {
		r.emit(Event{Kind: EventActionTaken, Workflow: sr.Workflow, Step: sr.StepID, Attempt: sr.Attempt, Depth: sr.Depth, Run: sr, Action: act})
	}
}

// gotoWorkflow transfers control to another workflow (one-way): it runs
// with the current workflow's inputs, and its outcome is the current
// workflow's outcome.
func (r *run) gotoWorkflow(ca *caction, ws *wfState, depth int, from *cstep) error {
	if depth+1 > r.opts.MaxDepth {
		r.fatal = &LimitError{What: "depth", Limit: r.opts.MaxDepth, Workflow: ws.cw.display, Step: from.id}
		return r.fatal
	}
	in, err := checkInputs(ca.workflow, ws.inputs)
	if err != nil {
		return &StepError{Workflow: ws.cw.display, Step: from.id, Reason: fmt.Sprintf("goto workflow %s: %v", ca.workflow.display, err), Err: err}
	}
	_, err = r.runWorkflow(ca.workflow, in, depth+1, from)
	if err != nil && r.fatal == nil {
		return &StepError{Workflow: ws.cw.display, Step: from.id, Reason: fmt.Sprintf("workflow %s (goto from action %q) failed: %v", ca.workflow.display, ca.a.Name, err), Err: err}
	}
	return err
}

// beforeRetry runs the step or workflow a retry action names, once, before
// the step is retried. If it fails, the workflow fails: retrying after a
// failed preparation would only repeat the failure.
func (r *run) beforeRetry(ca *caction, ws *wfState, depth int, from *cstep) error {
	switch {
	case ca.gotoStep >= 0:
		cs := ws.cw.steps[ca.gotoStep]
		if r.executed >= r.opts.MaxSteps {
			r.fatal = &LimitError{What: "steps", Limit: r.opts.MaxSteps, Workflow: ws.cw.display, Step: cs.id}
			return r.fatal
		}
		r.executed++
		sr, _, _ := r.execStep(cs, ws, 1, depth)
		r.finishStep(sr, &ActionTaken{Kind: arazzo.SuccessAction, Default: true})
		r.stepCompletedBeforeRetry(cs, sr, from, depth)
		if r.fatal != nil {
			return r.fatal
		}
		if !sr.Success {
			return stepFailure(ws.cw, cs, sr, fmt.Sprintf("step %q, run by retry action %q of step %q, failed", cs.id, ca.a.Name, from.id))
		}
	case ca.workflow != nil:
		if depth+1 > r.opts.MaxDepth {
			r.fatal = &LimitError{What: "depth", Limit: r.opts.MaxDepth, Workflow: ws.cw.display, Step: from.id}
			return r.fatal
		}
		in, err := checkInputs(ca.workflow, ws.inputs)
		if err != nil {
			return &StepError{Workflow: ws.cw.display, Step: from.id, Reason: fmt.Sprintf("workflow %s (run by retry action %q): %v", ca.workflow.display, ca.a.Name, err), Err: err}
		}
		if _, err := r.runWorkflow(ca.workflow, in, depth+1, from); err != nil {
			if r.fatal != nil {
				return r.fatal
			}
			return &StepError{Workflow: ws.cw.display, Step: from.id, Reason: fmt.Sprintf("workflow %s, run by retry action %q, failed: %v", ca.workflow.display, ca.a.Name, err), Err: err}
		}
	}
	return nil
}

// execStep executes one attempt of a step. fatalBuild reports a request
// that could not be built (or a hook that refused it): nothing was sent.
func (r *run) execStep(cs *cstep, ws *wfState, attempt, depth int) (*StepRun, *stepCtx, bool) {
	sr := &StepRun{
		Workflow: cs.wf.display, Source: cs.wf.doc.source, StepID: cs.id,
		Attempt: attempt, Depth: depth, Started: r.opts.Now(),
	}
	r.res.Steps = append(r.res.Steps, sr)
	ctx := &stepCtx{r: r, ws: ws}
	if cs.callee != nil {
		sr.CalledWorkflow = cs.callee.display
		r.emit(Event{Kind: EventStepStarted, Workflow: sr.Workflow, Step: sr.StepID, Attempt: attempt, Depth: depth, Run: sr})
		fatal := r.execWorkflowStep(cs, ws, sr, ctx, depth)
		sr.Duration = r.opts.Now().Sub(sr.Started)
		return sr, ctx, fatal
	}
	sr.OperationSource = cs.source
	sr.OperationID = cs.op.ID
	sr.Method = cs.op.Method
	sr.PathTemplate = cs.op.Path
	r.emit(Event{Kind: EventStepStarted, Workflow: sr.Workflow, Step: sr.StepID, Attempt: attempt, Depth: depth, Run: sr})

	rq, err := r.buildRequest(cs, ctx)
	if err != nil {
		sr.Err = err
		sr.Duration = r.opts.Now().Sub(sr.Started)
		return sr, ctx, true
	}
	ctx.req = rq
	resp, err := r.send(cs, rq, sr)
	if err != nil {
		var be *BuildError
		if errors.As(err, &be) {
			sr.Err = err
			sr.Duration = r.opts.Now().Sub(sr.Started)
			return sr, ctx, true
		}
		if r.ctx.Err() != nil {
			r.fatal = r.ctx.Err()
		}
		// A transport error: the step failed, failure actions decide
		// (a retry may well help).
		sr.Err = err
		r.emit(Event{Kind: EventResponse, Workflow: sr.Workflow, Step: sr.StepID, Attempt: attempt, Depth: depth, Run: sr, Err: err})
		sr.Duration = r.opts.Now().Sub(sr.Started)
		return sr, ctx, false
	}
	ctx.resp = resp
	r.emit(Event{Kind: EventResponse, Workflow: sr.Workflow, Step: sr.StepID, Attempt: attempt, Depth: depth, Run: sr})
	r.checkResponse(cs, sr, ctx)
	r.judge(cs, sr, ctx)
	sr.Duration = r.opts.Now().Sub(sr.Started)
	return sr, ctx, false
}

// judge applies the success criteria (or, with none, "any 2xx") and, on
// success, evaluates the step outputs.
func (r *run) judge(cs *cstep, sr *StepRun, ctx *stepCtx) {
	if len(cs.criteria) == 0 {
		sr.Success = ctx.resp == nil || ctx.resp.status >= 200 && ctx.resp.status < 300
		if !sr.Success {
			sr.Err = fmt.Errorf("HTTP %d (no successCriteria: any 2xx succeeds)", ctx.resp.status)
		}
	} else {
		sr.Criteria, sr.Success = evalCriteria(cs.criteria, ctx)
	}
	r.contractVerdict(sr)
	if !sr.Success {
		return
	}
	outs, err := stepOutputs(cs, ctx)
	if err != nil {
		sr.Success = false
		sr.Err = explainBody(ctx.resp, err)
		return
	}
	sr.Outputs = outs
	ctx.ws.steps[cs.id] = outs
}

// stepOutputs evaluates a successful step's outputs. An output that cannot
// be evaluated fails the step: a later step or the workflow's outputs would
// otherwise fail with a less precise message.
func stepOutputs(cs *cstep, ctx *stepCtx) (map[string]any, error) {
	outs := cs.step.Outputs
	m := make(map[string]any, len(outs))
	if ctx.hasSub {
		// A workflow step's outputs default to the called workflow's.
		for k, v := range ctx.sub {
			m[k] = v
		}
	}
	for _, o := range outs {
		if o == nil || o.Value == nil {
			continue
		}
		v, err := o.Value.Eval(ctx)
		if err != nil {
			return nil, fmt.Errorf("output %q (%s): %w", o.Name, o.Value.String(), err)
		}
		m[o.Name] = v
	}
	return m, nil
}

// evalCriteria evaluates criteria in order; all must hold. Every criterion
// is evaluated (so progress output can show them all). A criterion that
// cannot be evaluated fails.
func evalCriteria(cs []*arazzo.Criterion, ctx expr.Context) ([]CriterionResult, bool) {
	if len(cs) == 0 {
		return nil, true
	}
	out := make([]CriterionResult, 0, len(cs))
	all := true
	for _, c := range cs {
		if c == nil {
			continue
		}
		res := CriterionResult{Condition: c.Condition, Context: c.Context, Pos: c.Pos, Type: c.Type}
		if res.Type == "" {
			res.Type = "simple"
		}
		if c.Compiled == nil {
			res.Err = errors.New("criterion did not compile")
		} else {
			ok, err := c.Compiled.Eval(ctx)
			res.Passed, res.Err = ok && err == nil, err
			if !res.Passed {
				res.Explanation = c.Compiled.Explain(ctx)
			}
		}
		if !res.Passed {
			all = false
		}
		out = append(out, res)
	}
	return out, all
}

// execWorkflowStep runs the workflow a step calls: the step's parameters
// (by name) are its inputs; its outputs become the step's outputs.
func (r *run) execWorkflowStep(cs *cstep, ws *wfState, sr *StepRun, ctx *stepCtx, depth int) bool {
	inputs := make(map[string]any, len(cs.params))
	for _, p := range cs.params {
		v, ok, err := evalValue(p.p.Value, ctx)
		if err != nil {
			sr.Err = &BuildError{What: fmt.Sprintf("parameter %q", p.p.Name), Err: err}
			return true
		}
		if !ok {
			continue // an optional input that was not given
		}
		inputs[p.p.Name] = normalize(v)
	}
	if depth+1 > r.opts.MaxDepth {
		r.fatal = &LimitError{What: "depth", Limit: r.opts.MaxDepth, Workflow: ws.cw.display, Step: cs.id}
		sr.Err = r.fatal
		return true
	}
	in, err := checkInputs(cs.callee, inputs)
	if err != nil {
		sr.Err = &BuildError{What: "inputs of workflow " + cs.callee.display, Err: err}
		return true
	}
	sub, err := r.runWorkflow(cs.callee, in, depth+1, cs)
	if r.fatal != nil {
		sr.Err = r.fatal
		return false
	}
	ctx.sub, ctx.hasSub = sub.outputs, true
	if err != nil {
		sr.Err = fmt.Errorf("workflow %s failed: %w", cs.callee.display, err)
		sr.Criteria, _ = evalCriteria(cs.criteria, ctx)
		return false
	}
	sr.Criteria, sr.Success = evalCriteria(cs.criteria, ctx)
	if !sr.Success {
		return false
	}
	outs, err := stepOutputs(cs, ctx)
	if err != nil {
		sr.Success, sr.Err = false, err
		return false
	}
	sr.Outputs = outs
	ws.steps[cs.id] = outs
	return false
}

// send sends the request and reads the response (capped).
func (r *run) send(cs *cstep, rq *reqState, sr *StepRun) (*respState, error) {
	ctx, cancel := context.WithTimeout(r.ctx, r.opts.RequestTimeout)
	defer cancel()
	var body io.Reader
	if rq.raw != nil {
		body = bytes.NewReader(rq.raw)
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, rq.url, body)
	if err != nil {
		return nil, &BuildError{What: "request", Err: err}
	}
	req.Header = rq.header
	if r.opts.Authenticate != nil {
		if err := r.opts.Authenticate(ctx, req, cs.op, cs.source); err != nil {
			return nil, &BuildError{What: "authentication", Err: err}
		}
		// The hook may have changed the URL (an apiKey in the query).
		rq.url = req.URL.String()
		rq.header = req.Header
	}
	if err := r.checkRequest(cs, req, rq.raw, sr); err != nil {
		return nil, err
	}
	sr.Request = &RequestRecord{Method: rq.method, URL: rq.url, Header: rq.header, Body: rq.raw}
	r.emit(Event{Kind: EventRequest, Workflow: sr.Workflow, Step: sr.StepID, Attempt: sr.Attempt, Depth: sr.Depth, Run: sr})
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, r.explainTimeout(ctx, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, r.opts.MaxBodyBytes+1))
	sr.Response = &ResponseRecord{StatusCode: resp.StatusCode, Header: resp.Header}
	if err != nil {
		return nil, r.explainTimeout(ctx, fmt.Errorf("reading the response body: %w", err))
	}
	if int64(len(raw)) > r.opts.MaxBodyBytes {
		sr.Response.Body = raw[:r.opts.MaxBodyBytes]
		return nil, fmt.Errorf("response body larger than %d bytes (MaxBodyBytes)", r.opts.MaxBodyBytes)
	}
	sr.Response.Body = raw
	return &respState{status: resp.StatusCode, header: resp.Header, raw: raw, ctype: resp.Header.Get("Content-Type")}, nil
}

// checkInputs validates inputs against a workflow's inputs schema and
// returns them normalized to JSON shapes.
func checkInputs(cw *cworkflow, inputs map[string]any) (map[string]any, error) {
	if inputs == nil {
		inputs = map[string]any{}
	}
	in, _ := normalize(inputs).(map[string]any)
	if in == nil {
		in = inputs
	}
	s := cw.wf.Inputs
	if s == nil {
		return in, nil
	}
	if err := s.Validate(in); err != nil {
		return nil, &InputError{Workflow: cw.display, Violations: violations(err)}
	}
	return in, nil
}

// violations turns a schema validation error into per-input violations.
// arazzo.Schema.Validate reports "inputs/count: message" strings; the
// location after the first segment is the JSON pointer inside the inputs.
func violations(err error) []InputViolation {
	var lines []string
	var ae *arazzo.InputError
	if errors.As(err, &ae) {
		lines = ae.Violations
	} else {
		lines = []string{err.Error()}
	}
	out := make([]InputViolation, 0, len(lines))
	for _, line := range lines {
		v := InputViolation{Message: line}
		if i := strings.Index(line, ": "); i > 0 && !strings.ContainsAny(line[:i], " ") {
			loc := line[:i]
			v.Message = line[i+2:]
			if j := strings.IndexByte(loc, '/'); j >= 0 {
				v.Path = loc[j:]
				v.Input = strings.SplitN(v.Path[1:], "/", 2)[0]
			}
		}
		out = append(out, v)
	}
	sortViolations(out)
	return out
}
