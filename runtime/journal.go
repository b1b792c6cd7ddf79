package runtime

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/arazzo-run/arazzo/arazzo"
)

// Checkpoints: how an interrupted run continues without sending again what
// already succeeded.
//
// The executor records the position of a run in its TOP-LEVEL workflow
// only: the top-level steps that completed (with their outputs), the
// dependsOn and called workflows' outputs that later expressions may read
// ($workflows.<id>.outputs), and the step to continue from. It hands a
// fresh *Checkpoint to Options.OnCheckpoint before anything is sent and
// then after every top-level step that completes, before the next step
// starts; Options.Resume gives one back to a later Run, which pre-populates
// $steps.<id>.outputs of the completed steps and starts at the recorded
// step. The rules where a finer position would be ambiguous:
//
//   - A workflow step (a sub-workflow), a goto to another workflow and a
//     dependsOn workflow are units: interrupted inside, they run again as a
//     whole on resume. Only the top-level workflow's steps are positions.
//   - A step whose request was in flight when the run stopped is sent again:
//     nobody can know whether the server acted on it.
//   - A retry action with a stepId that runs another step records that step
//     as completed and keeps the position at the retried step.
//   - A goto back to an earlier step moves the position there; a step that
//     completes twice keeps its latest outputs.
//   - Dependencies recorded as done are not run again; their inputs
//     ($workflows.<id>.inputs) are the top-level inputs, as when they ran.
//     The inputs of workflows called by steps are not recorded (they may
//     carry secrets), so $workflows.<id>.inputs of such a workflow cannot
//     be read after a resume.
//   - A Checkpoint never holds the inputs, only InputsHash (SHA-256 of
//     their canonical JSON): a resume with other inputs is refused. A hash
//     is not a secret store, but a guessable secret can be confirmed from
//     it: keep checkpoints private.
//   - Step outputs are recorded as computed: a caller that persists a
//     Checkpoint masks secrets itself (the runtime does not know which
//     values are credentials).
//   - Only completions move the position: after a failure (and a failure
//     action's goto) the position stays at the last completed step's
//     successor, so a resume runs the failed step again.
//   - A resumed Run emits no events for the restored steps; Result.Steps
//     and MaxSteps count only the attempts it makes.
//   - Resuming a Complete checkpoint sends nothing: Run returns a successful
//     Result with the recorded outputs and no steps.

// Checkpoint is the position of a run in its top-level workflow. It is
// JSON-serialisable; values are the encoding/json shapes (decode with
// UseNumber so that large numbers survive).
type Checkpoint struct {
	// Workflow is the top-level workflow's id.
	Workflow string `json:"workflow"`
	// InputsHash is InputsHash of the run's (validated) inputs.
	InputsHash string `json:"inputsHash"`
	// Steps are the completed top-level steps, in the order they last
	// completed.
	Steps []CompletedStep `json:"steps"`
	// Workflows are the other workflows that ran (dependencies, workflows
	// called by steps), with their latest outputs, sorted by id.
	Workflows []CompletedWorkflow `json:"workflows,omitempty"`
	// Next is the top-level step to run next; "" when no step is left
	// (the workflow's outputs are all that remains), or when NextWorkflow
	// is set (a goto to another workflow that runs as a whole).
	Next         string `json:"next,omitempty"`
	NextWorkflow string `json:"nextWorkflow,omitempty"`
	// Complete is set when the workflow succeeded; Outputs are then its
	// outputs.
	Complete bool           `json:"complete,omitempty"`
	Outputs  map[string]any `json:"outputs,omitempty"`
}

// CompletedStep is a top-level step that completed successfully.
type CompletedStep struct {
	Workflow string         `json:"workflow"`
	Step     string         `json:"step"`
	Outputs  map[string]any `json:"outputs"`
}

// CompletedWorkflow is a workflow other than the top-level one that ran:
// Dependency is set for a dependsOn workflow that succeeded (it is not run
// again on resume).
type CompletedWorkflow struct {
	Workflow   string         `json:"workflow"`
	Dependency bool           `json:"dependency,omitempty"`
	Outputs    map[string]any `json:"outputs"`
}

// Done returns the ids of the completed steps, in order.
func (c *Checkpoint) Done() []string {
	if c == nil {
		return nil
	}
	ids := make([]string, len(c.Steps))
	for i, s := range c.Steps {
		ids[i] = s.Step
	}
	return ids
}

// ResumeError is returned by Run when Options.Resume does not fit the run:
// another workflow, other inputs, steps the workflow does not have. Nothing
// was sent.
type ResumeError struct {
	Msg string
}

func (e *ResumeError) Error() string { return "cannot resume: " + e.Msg }

// CheckpointError is a failure of Options.OnCheckpoint. Before anything is
// sent, Run returns it (nothing was sent); later it stops the run (as
// Result.Err) before the next step: a run that can no longer record its
// progress must not go on creating things that a resume would create again.
type CheckpointError struct {
	Err error
}

func (e *CheckpointError) Error() string { return "recording progress: " + e.Err.Error() }

func (e *CheckpointError) Unwrap() error { return e.Err }

// InputsHash returns "sha256:" and the hex SHA-256 of the canonical JSON of
// inputs (object keys sorted, numbers as written), the fingerprint a
// Checkpoint keeps instead of the inputs.
func InputsHash(inputs map[string]any) string {
	if inputs == nil {
		inputs = map[string]any{}
	}
	raw, err := json.Marshal(normalize(inputs))
	if err != nil {
		// Not JSON-encodable (a YAML .nan): fmt prints maps sorted by key,
		// which is deterministic for the same inputs.
		raw = []byte(fmt.Sprintf("%#v", inputs))
	}
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// journal is the checkpoint state of one Run.
type journal struct {
	hash   string
	steps  []CompletedStep
	resume *Checkpoint // consumed when the top-level steps start
	top    *cworkflow
	topWS  *wfState
	byID   map[string]*cworkflow // every workflow of the plan, by display id
}

// startJournal prepares checkpoints and, with Options.Resume, restores the
// recorded state. A non-nil Result means the checkpoint was complete:
// nothing is left to run.
func (r *run) startJournal(cw *cworkflow, in map[string]any) (*Result, error) {
	if r.opts.Resume == nil && r.opts.OnCheckpoint == nil {
		return nil, nil
	}
	j := &journal{hash: InputsHash(in), top: cw, byID: r.plan.workflowsByDisplay()}
	r.jn = j
	next := ""
	if len(cw.steps) > 0 {
		next = cw.steps[0].id
	}
	if cp := r.opts.Resume; cp != nil {
		if err := j.check(cp, cw); err != nil {
			return nil, err
		}
		if cp.Complete {
			outs := cp.Outputs
			if outs == nil {
				outs = map[string]any{}
			}
			return &Result{WorkflowID: cw.id, Success: true, Outputs: outs}, nil
		}
		j.resume = cp
		j.steps = append([]CompletedStep(nil), cp.Steps...)
		for _, w := range cp.Workflows {
			d := j.byID[w.Workflow]
			st := &wfState{cw: d, outputs: w.Outputs, steps: map[string]map[string]any{}}
			if w.Dependency {
				if r.deps == nil {
					r.deps = map[*cworkflow]error{}
					r.active = map[*cworkflow]bool{}
				}
				r.deps[d] = nil
				st.inputs, _ = checkInputs(d, in)
			}
			r.workflows[d] = st
		}
		next = cp.Next
		if err := r.checkpoint(next, cp.NextWorkflow); err != nil {
			return nil, err
		}
		return nil, nil
	}
	return nil, r.checkpoint(next, "")
}

// check refuses a checkpoint that does not fit this run.
func (j *journal) check(cp *Checkpoint, cw *cworkflow) error {
	if cp.Workflow != cw.display {
		return &ResumeError{Msg: fmt.Sprintf("the checkpoint is for workflow %q, not %q", cp.Workflow, cw.display)}
	}
	if cp.InputsHash != j.hash {
		return &ResumeError{Msg: "the inputs differ from those of the interrupted run (give the same inputs, secrets included)"}
	}
	for _, s := range cp.Steps {
		if s.Workflow != "" && s.Workflow != cw.display {
			return &ResumeError{Msg: fmt.Sprintf("completed step %q belongs to workflow %q, not %q", s.Step, s.Workflow, cw.display)}
		}
		if _, ok := cw.stepByID[s.Step]; !ok {
			return &ResumeError{Msg: fmt.Sprintf("workflow %q has no step %q (the document changed?)", cw.display, s.Step)}
		}
	}
	if cp.Next != "" {
		if _, ok := cw.stepByID[cp.Next]; !ok {
			return &ResumeError{Msg: fmt.Sprintf("workflow %q has no step %q to continue from (the document changed?)", cw.display, cp.Next)}
		}
	}
	if cp.NextWorkflow != "" && j.byID[cp.NextWorkflow] == nil {
		return &ResumeError{Msg: fmt.Sprintf("no workflow %q to continue with (the document changed?)", cp.NextWorkflow)}
	}
	for _, w := range cp.Workflows {
		if j.byID[w.Workflow] == nil {
			return &ResumeError{Msg: fmt.Sprintf("no workflow %q (the document changed?)", w.Workflow)}
		}
	}
	return nil
}

// resumeSteps is called when the top-level workflow's steps start. It
// restores the completed steps' outputs and returns the index of the step
// to run first. done reports that the run continued with a goto to another
// workflow, whose outcome err is the workflow's.
func (r *run) resumeSteps(cw *cworkflow, ws *wfState) (start int, done bool, err error) {
	j := r.jn
	j.topWS = ws
	cp := j.resume
	if cp == nil {
		if len(cw.deps) > 0 {
			// The dependencies ran: record them so a resume does not run
			// them again.
			next := ""
			if len(cw.steps) > 0 {
				next = cw.steps[0].id
			}
			if err := r.checkpoint(next, ""); err != nil {
				r.fatal = err
				return 0, true, err
			}
		}
		return 0, false, nil
	}
	j.resume = nil
	for _, s := range cp.Steps {
		ws.steps[s.Step] = s.Outputs
	}
	if cp.NextWorkflow != "" {
		target := j.byID[cp.NextWorkflow]
		in, err := checkInputs(target, ws.inputs)
		if err != nil {
			return 0, true, &StepError{Workflow: cw.display, Reason: fmt.Sprintf("goto workflow %s: %v", target.display, err), Err: err}
		}
		_, err = r.runWorkflow(target, in, 1, nil)
		if err != nil && r.fatal == nil {
			err = &StepError{Workflow: cw.display, Reason: fmt.Sprintf("workflow %s (goto, resumed) failed: %v", target.display, err), Err: err}
		}
		return 0, true, err
	}
	if cp.Next == "" {
		return len(cw.steps), false, nil
	}
	return cw.stepByID[cp.Next], false, nil
}

// stepCompleted records a successful top-level step attempt and the
// position the action ca (nil: the default, next step) leads to.
// A non-nil error (a *CheckpointError) stops the run.
func (r *run) stepCompleted(ws *wfState, cs *cstep, sr *StepRun, ca *caction, depth int) error {
	if r.jn == nil || depth != 0 || r.opts.OnCheckpoint == nil {
		return nil
	}
	next, nextWF := "", ""
	switch {
	case ca == nil:
		if cs.index+1 < len(ws.cw.steps) {
			next = ws.cw.steps[cs.index+1].id
		}
	case ca.a.Type == arazzo.ActionEnd:
	case ca.a.Type == arazzo.ActionGoto && ca.gotoStep >= 0:
		next = ws.cw.steps[ca.gotoStep].id
	case ca.a.Type == arazzo.ActionGoto && ca.workflow != nil:
		nextWF = ca.workflow.display
	default:
		return nil
	}
	r.recordStep(cs, sr)
	if err := r.checkpoint(next, nextWF); err != nil {
		r.fatal = err
		return err
	}
	return nil
}

// stepCompletedBeforeRetry records a step run by a retry action; the
// position stays at the retried step.
func (r *run) stepCompletedBeforeRetry(cs *cstep, sr *StepRun, from *cstep, depth int) {
	if r.jn == nil || depth != 0 || r.opts.OnCheckpoint == nil || !sr.Success {
		return
	}
	r.recordStep(cs, sr)
	if err := r.checkpoint(from.id, ""); err != nil {
		r.fatal = err
	}
}

func (r *run) recordStep(cs *cstep, sr *StepRun) {
	j := r.jn
	for i, s := range j.steps {
		if s.Step == cs.id {
			j.steps = append(j.steps[:i:i], j.steps[i+1:]...)
			break
		}
	}
	outs := sr.Outputs
	if outs == nil {
		outs = map[string]any{}
	}
	j.steps = append(j.steps, CompletedStep{Workflow: cs.wf.display, Step: cs.id, Outputs: outs})
}

// checkpoint hands the current position to Options.OnCheckpoint.
func (r *run) checkpoint(next, nextWF string) error {
	if r.opts.OnCheckpoint == nil {
		return nil
	}
	cp := r.snapshot()
	cp.Next, cp.NextWorkflow = next, nextWF
	if err := r.opts.OnCheckpoint(cp); err != nil {
		return &CheckpointError{Err: err}
	}
	return nil
}

func (r *run) snapshot() *Checkpoint {
	j := r.jn
	cp := &Checkpoint{Workflow: j.top.display, InputsHash: j.hash, Steps: append([]CompletedStep{}, j.steps...)}
	for cw, st := range r.workflows {
		if cw == j.top || st == nil {
			continue
		}
		err, isDep := r.deps[cw]
		outs := st.outputs
		if outs == nil {
			outs = map[string]any{}
		}
		cp.Workflows = append(cp.Workflows, CompletedWorkflow{Workflow: cw.display, Dependency: isDep && err == nil, Outputs: outs})
	}
	sort.Slice(cp.Workflows, func(a, b int) bool { return cp.Workflows[a].Workflow < cp.Workflows[b].Workflow })
	return cp
}

// finishJournal marks a successful run's checkpoint complete. A recording
// failure during the run (r.fatal) or now fails the run.
func (r *run) finishJournal(ws *wfState, err error) error {
	if r.jn == nil || r.opts.OnCheckpoint == nil {
		return err
	}
	if err != nil {
		return err
	}
	if r.fatal != nil {
		return r.fatal
	}
	cp := r.snapshot()
	cp.Complete = true
	cp.Outputs = ws.outputs
	if cerr := r.opts.OnCheckpoint(cp); cerr != nil {
		return &CheckpointError{Err: cerr}
	}
	return nil
}

// workflowsByDisplay indexes every workflow of the plan (the main document
// and the arazzo-type sources it reaches) by the id a Checkpoint uses.
func (p *Plan) workflowsByDisplay() map[string]*cworkflow {
	out := map[string]*cworkflow{}
	seen := map[*cdoc]bool{}
	var walk func(d *cdoc)
	walk = func(d *cdoc) {
		if d == nil || seen[d] {
			return
		}
		seen[d] = true
		for _, cw := range d.order {
			if _, ok := out[cw.display]; !ok {
				out[cw.display] = cw
			}
		}
		names := make([]string, 0, len(d.sources))
		for n := range d.sources {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			walk(d.sources[n].arazzo)
		}
	}
	walk(p.root)
	return out
}
