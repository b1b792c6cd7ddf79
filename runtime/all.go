package runtime

import (
	"context"
	"errors"
	"fmt"
)

// SkippedError is the Err of a RunAll Result whose workflow was not run
// (Result.Skipped): a workflow it depends on did not pass, or the call was
// interrupted before its turn.
type SkippedError struct {
	Workflow string
	// Dependency is the dependsOn workflow that did not pass; "" when the
	// workflow was skipped because the context was done.
	Dependency string
	// Failed is the workflow that failed at the root of the chain: the
	// Dependency itself, or the workflow that made it skipped in turn.
	Failed string
	// Err is the dependency's failure (or the context's error).
	Err error
}

func (e *SkippedError) Error() string {
	switch {
	case e.Dependency == "":
		return fmt.Sprintf("workflow %s not run: %v", e.Workflow, e.Err)
	case e.Failed != "" && e.Failed != e.Dependency:
		return fmt.Sprintf("workflow %s skipped: dependency %s was skipped (%s failed)", e.Workflow, e.Dependency, e.Failed)
	}
	return fmt.Sprintf("workflow %s skipped: dependency %s failed", e.Workflow, e.Dependency)
}

func (e *SkippedError) Unwrap() error { return e.Err }

// RunAll runs several workflows of the main document in one call, each
// after the workflows it depends on, sharing one run state: a workflow
// that several others depend on runs once per call, and
// $workflows.<id>.outputs reads its outputs from the later ones.
//
// ids selects the workflows (nil or empty: every workflow of the main
// document). They run in document order, except that a workflow runs after
// every selected workflow it depends on, directly or through others (a
// stable topological order). inputs holds each workflow's inputs by
// workflow id (a missing entry means no inputs); dependencies that are not
// selected (workflows of other documents) run, as with Run, with the
// inputs of the workflow that depends on them.
//
// The error is non-nil only when nothing was sent: an unknown id
// (*UsageError) or inputs that a workflow's schema rejects (one
// *InputError per such workflow, joined with errors.Join). Otherwise there
// is one Result per selected workflow, in the order run. A workflow that
// fails makes the workflows depending on it (directly or not) skipped:
// their Result has Skipped set, Success false and a *SkippedError naming
// the dependency; independent workflows still run. Once ctx is done, the
// remaining workflows are skipped too.
//
// Options apply to each workflow: MaxSteps bounds the step executions of
// each workflow (those of the dependencies and sub-workflows it runs
// included), not of the whole call, so adding workflows to a call never
// makes another one hit the limit. OnEvent sees every workflow in turn;
// a selected workflow starts with an EventWorkflowStarted of Depth 0, and
// a skipped one emits EventWorkflowStarted and EventWorkflowFinished (Err
// the *SkippedError) and nothing else.
func (p *Plan) RunAll(ctx context.Context, ids []string, inputs map[string]map[string]any, opts Options) ([]*Result, error) {
	if p == nil || p.root == nil {
		return nil, &UsageError{Msg: "no plan"}
	}
	sel, err := p.selectWorkflows(ids)
	if err != nil {
		return nil, err
	}
	in := make(map[*cworkflow]map[string]any, len(sel))
	var errs []error
	for _, cw := range sel {
		v, err := checkInputs(cw, inputs[cw.id])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		in[cw] = v
	}
	if len(errs) == 1 {
		return nil, errs[0]
	}
	if len(errs) > 1 {
		return nil, errors.Join(errs...)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	r := &run{
		plan:      p,
		opts:      withDefaults(opts),
		ctx:       ctx,
		workflows: map[*cworkflow]*wfState{},
		deps:      map[*cworkflow]error{},
		active:    map[*cworkflow]bool{},
	}
	r.client = r.opts.HTTPClient
	if r.client == nil {
		r.client = defaultClient()
	}
	order := dependencyOrder(sel)
	results := make([]*Result, 0, len(order))
	for _, cw := range order {
		res := &Result{WorkflowID: cw.id}
		results = append(results, res)
		if skip := r.skipped(cw); skip != nil {
			res.Skipped, res.Err, res.Outputs = true, skip, map[string]any{}
			r.deps[cw] = skip
			r.emit(Event{Kind: EventWorkflowStarted, Workflow: cw.display})
			r.emit(Event{Kind: EventWorkflowFinished, Workflow: cw.display, Err: skip, Outputs: res.Outputs})
			continue
		}
		// Per-workflow budget: MaxSteps counts afresh, and a limit hit by
		// the previous workflow does not stop this one (a cancelled
		// context does, through skipped).
		r.res, r.executed, r.fatal = res, 0, nil
		start := r.opts.Now()
		ws, err := r.runWorkflow(cw, in[cw], 0, nil)
		res.Duration = r.opts.Now().Sub(start)
		if ws != nil {
			res.Outputs = ws.outputs
		}
		if res.Outputs == nil {
			res.Outputs = map[string]any{}
		}
		res.Success, res.Err = err == nil, err
		r.deps[cw] = err
	}
	return results, nil
}

// selectWorkflows resolves ids (all workflows when empty) to the main
// document's workflows, in document order, without duplicates.
func (p *Plan) selectWorkflows(ids []string) ([]*cworkflow, error) {
	if len(ids) == 0 {
		if len(p.root.order) == 0 {
			return nil, &UsageError{Msg: "the document has no workflows"}
		}
		return append([]*cworkflow(nil), p.root.order...), nil
	}
	want := make(map[*cworkflow]bool, len(ids))
	for _, id := range ids {
		cw := p.root.workflows[id]
		if cw == nil {
			return nil, &UsageError{Msg: fmt.Sprintf("no workflow %q", id), WorkflowIDs: p.WorkflowIDs()}
		}
		want[cw] = true
	}
	out := make([]*cworkflow, 0, len(want))
	for _, cw := range p.root.order {
		if want[cw] {
			out = append(out, cw)
		}
	}
	return out, nil
}

// dependencyOrder is a stable topological order of sel: repeatedly the
// first workflow, in sel's order, whose selected dependencies (direct, or
// through workflows that are not selected) have all been placed. A cycle
// (the checker reports them; the executor guards against them) leaves the
// rest in sel's order.
func dependencyOrder(sel []*cworkflow) []*cworkflow {
	selected := make(map[*cworkflow]bool, len(sel))
	for _, cw := range sel {
		selected[cw] = true
	}
	needs := make(map[*cworkflow][]*cworkflow, len(sel))
	for _, cw := range sel {
		seen := map[*cworkflow]bool{cw: true}
		var walk func(w *cworkflow)
		walk = func(w *cworkflow) {
			for _, d := range w.deps {
				if seen[d] {
					continue
				}
				seen[d] = true
				if selected[d] {
					// Placed after its own needs in turn: no need to
					// look further down this path.
					needs[cw] = append(needs[cw], d)
					continue
				}
				walk(d)
			}
		}
		walk(cw)
	}
	placed := make(map[*cworkflow]bool, len(sel))
	out := make([]*cworkflow, 0, len(sel))
	for len(out) < len(sel) {
		next := -1
		for i, cw := range sel {
			if placed[cw] {
				continue
			}
			ready := true
			for _, d := range needs[cw] {
				if !placed[d] {
					ready = false
					break
				}
			}
			if ready {
				next = i
				break
			}
		}
		if next < 0 {
			for _, cw := range sel {
				if !placed[cw] {
					placed[cw] = true
					out = append(out, cw)
				}
			}
			break
		}
		placed[sel[next]] = true
		out = append(out, sel[next])
	}
	return out
}

// skipped says why cw must not run: the context is done, or a workflow it
// depends on (directly, or through dependencies that have not run yet)
// already ran in this call and did not pass. Dependencies that have not
// run yet are left to runDeps.
func (r *run) skipped(cw *cworkflow) *SkippedError {
	if err := r.ctx.Err(); err != nil {
		return &SkippedError{Workflow: cw.display, Err: err}
	}
	return r.blocked(cw, cw, map[*cworkflow]bool{})
}

func (r *run) blocked(top, cw *cworkflow, seen map[*cworkflow]bool) *SkippedError {
	for _, d := range cw.deps {
		if seen[d] {
			continue
		}
		seen[d] = true
		err, done := r.deps[d]
		if !done {
			if se := r.blocked(top, d, seen); se != nil {
				return se
			}
			continue
		}
		if err == nil {
			continue
		}
		se := &SkippedError{Workflow: top.display, Dependency: d.display, Failed: d.display, Err: err}
		var prev *SkippedError
		if errors.As(err, &prev) && prev.Failed != "" {
			se.Failed = prev.Failed
		}
		return se
	}
	return nil
}
