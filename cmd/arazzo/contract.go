package main

import (
	"fmt"

	"github.com/arazzo-run/arazzo/runtime"
)

// Contract checks on `arazzo run`: every response is checked against the
// step's OpenAPI operation (status, content type, schema). Problems are
// warnings by default, printed as "  ! <problem>" under the step line and
// counted in a summary line; --strict makes them fail the step (failure
// actions apply). --check-requests also checks each request before it is
// sent and refuses one that violates the description: the step fails,
// nothing is sent for it, the run exits 1.

// contractMode is the runtime mode the flags ask for.
func contractMode(f *runFlags) runtime.ContractMode {
	if f.strict {
		return runtime.ContractStrict
	}
	return runtime.ContractWarn
}

// contractLines prints a finished attempt's contract problems under its
// step line.
func (p *progress) contractLines(r *runtime.StepRun) {
	if r == nil {
		return
	}
	for _, pr := range r.Contract {
		p.line("  ! " + oneLine(pr.String()))
	}
}

// contractSummary is the closing line about contract problems, "" when
// there were none.
func contractSummary(res *runtime.Result, strict bool) string {
	if res == nil {
		return ""
	}
	problems, steps := 0, 0
	for _, s := range res.Steps {
		if len(s.Contract) > 0 {
			problems += len(s.Contract)
			steps++
		}
	}
	if problems == 0 {
		return ""
	}
	what := fmt.Sprintf("%s in %s", plural(problems, "contract problem"), plural(steps, "step attempt"))
	if strict {
		return "arazzo: " + what
	}
	return "arazzo: " + what + " (warnings; --strict makes them fail the step)"
}
