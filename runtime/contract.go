package runtime

// Contract checks: each response (and, with Options.CheckRequests, each
// request before it is sent) is compared with the step's OpenAPI operation
// by the contract package.
//
// Choices:
//   - Options.Contract's zero value is ContractOff: a library user gets no
//     extra work and no behaviour change without asking. The CLI asks for
//     ContractWarn by default and ContractStrict with --strict.
//   - ContractWarn: problems are recorded on StepRun.Contract; the step
//     keeps its verdict.
//   - ContractStrict: a step whose response violates the description fails
//     as an unmet success criterion would: failure actions apply (a retry
//     may help), the reason (StepRun.Err, a *ContractError) names the
//     first problem. A step that fails its criteria anyway keeps that
//     reason; its problems are still recorded.
//   - Options.CheckRequests: a request that violates the description is
//     not sent, whatever the mode: the step fails like a request that
//     cannot be built (a *BuildError wrapping a *ContractError; failure
//     actions are not consulted, since a retry would build the same
//     request), so the run fails (exit 1 in the CLI).
//   - Problems that are not violations (a schema of the description that
//     cannot be compiled: contract.KindUnchecked) are recorded but never
//     fail a step.
//   - One contract.Checker per OpenAPI document per Plan, made on first use
//     and shared by every Run of the Plan (a Checker compiles each schema
//     once, the first time a check needs it, and is safe for concurrent
//     use). With the lazily loaded descriptions runtime.Load makes, the
//     Checker converts schemas from the description's generic form:
//     kin-openapi never decodes it unless --mock asks.

import (
	"fmt"
	"net/http"
	goruntime "runtime"
	"sync"
	"weak"

	"github.com/arazzo-run/arazzo/contract"
	"github.com/arazzo-run/arazzo/openapi"
)

// ContractMode says what a Run does with contract problems.
type ContractMode uint8

const (
	// ContractOff: no contract checks (the zero value).
	ContractOff ContractMode = iota
	// ContractWarn: problems are recorded on StepRun.Contract only.
	ContractWarn
	// ContractStrict: a response that violates the description fails the
	// step (failure actions apply).
	ContractStrict
)

func (m ContractMode) String() string {
	switch m {
	case ContractOff:
		return "off"
	case ContractWarn:
		return "warn"
	case ContractStrict:
		return "strict"
	}
	return fmt.Sprintf("ContractMode(%d)", uint8(m))
}

// ContractError is a step failure caused by contract problems.
type ContractError struct {
	// In is "request" or "response".
	In       string
	Problems []contract.Problem // the violations, first one first
}

func (e *ContractError) Error() string {
	if len(e.Problems) == 0 {
		return e.In + " does not match the OpenAPI description"
	}
	msg := e.In + " does not match the OpenAPI description: " + e.Problems[0].String()
	if n := len(e.Problems) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more)", n)
	}
	return msg
}

// planCheckers holds the Checkers of each Plan, keyed weakly so that a Plan
// that is no longer used is collected with its Checkers (a cleanup drops
// the entry). The Plan struct stays untouched by this feature.
var planCheckers sync.Map // weak.Pointer[Plan] -> *sync.Map (*openapi.Document -> *contract.Checker)

// checker returns the Plan's Checker for doc, creating it on first use.
// Creating one is cheap: schemas are compiled lazily by the Checker.
func (p *Plan) checker(doc *openapi.Document) *contract.Checker {
	key := weak.Make(p)
	v, ok := planCheckers.Load(key)
	if !ok {
		var loaded bool
		v, loaded = planCheckers.LoadOrStore(key, &sync.Map{})
		if !loaded {
			goruntime.AddCleanup(p, func(k weak.Pointer[Plan]) { planCheckers.Delete(k) }, key)
		}
	}
	m := v.(*sync.Map)
	c, ok := m.Load(doc)
	if !ok {
		c, _ = m.LoadOrStore(doc, contract.New(doc, contract.Options{}))
	}
	return c.(*contract.Checker)
}

// stepChecker returns the Checker for an operation step, or nil.
func (r *run) stepChecker(cs *cstep) *contract.Checker {
	if cs == nil || cs.op == nil || cs.wf == nil || cs.wf.doc == nil {
		return nil
	}
	src := cs.wf.doc.sources[cs.source]
	if src == nil || src.api == nil {
		return nil
	}
	return r.plan.checker(src.api)
}

// checkResponse records the response's contract problems on sr.
func (r *run) checkResponse(cs *cstep, sr *StepRun, ctx *stepCtx) {
	if r.opts.Contract == ContractOff || ctx == nil || ctx.resp == nil {
		return
	}
	c := r.stepChecker(cs)
	if c == nil {
		return
	}
	sr.Contract = append(sr.Contract, c.CheckResponse(cs.op, ctx.resp.status, ctx.resp.header, ctx.resp.raw)...)
}

// contractVerdict fails a successful attempt whose response violates the
// description, in strict mode.
func (r *run) contractVerdict(sr *StepRun) {
	if r.opts.Contract != ContractStrict || !sr.Success {
		return
	}
	if v := contractViolations(sr.Contract, "response"); len(v) > 0 {
		sr.Success = false
		sr.Err = &ContractError{In: "response", Problems: v}
	}
}

// checkRequest checks a request before it is sent (Options.CheckRequests)
// and refuses one that violates the description.
func (r *run) checkRequest(cs *cstep, req *http.Request, body []byte, sr *StepRun) error {
	if !r.opts.CheckRequests {
		return nil
	}
	c := r.stepChecker(cs)
	if c == nil {
		return nil
	}
	ps := c.CheckRequest(cs.op, req, body)
	sr.Contract = append(sr.Contract, ps...)
	if v := contractViolations(ps, "request"); len(v) > 0 {
		return &BuildError{What: "request check", Err: &ContractError{In: "request", Problems: v}}
	}
	return nil
}

func contractViolations(ps []contract.Problem, in string) []contract.Problem {
	var out []contract.Problem
	for _, p := range ps {
		if p.In == in && p.Violation() {
			out = append(out, p)
		}
	}
	return out
}
