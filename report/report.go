package report

import (
	_ "embed"
	"time"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/runtime"
)

// Schema is the JSON Schema (draft 2020-12) of WriteJSON's output, the
// file report.schema.json of this package.
//
//go:embed report.schema.json
var Schema []byte

// Meta describes the run beyond what runtime.Result holds. Every field is
// optional.
type Meta struct {
	// Tool and Version name the program that ran the workflow ("arazzo"
	// when Tool is empty).
	Tool, Version string
	// Document is the path (or URL) of the Arazzo document.
	Document string
	// Inputs are the workflow inputs as given.
	Inputs map[string]any
	// SecretInputs names the inputs whose values are masked (and then
	// masked wherever else they appear).
	SecretInputs []string
	// Started is when the run started; zero means the first attempt's
	// start.
	Started time.Time
	// Steps lists, by workflow id, the workflow's step ids in document
	// order (see StepsOf). Optional: with it, WriteJUnit orders test cases
	// as written and reports the steps that never ran as skipped.
	Steps map[string][]string
	// DoneEarlier lists, by workflow id, the steps an earlier invocation
	// completed: a run resumed from a journal (runtime.Options.Resume) does
	// not run them again, so Result.Steps lacks them. The HTML report shows
	// them as "done earlier (journal)" instead of "not reached". See
	// DoneEarlierOf.
	DoneEarlier map[string][]string
}

// DoneEarlierOf returns, for Meta.DoneEarlier, the steps cp records as
// completed, by workflow id; nil for a nil checkpoint.
func DoneEarlierOf(cp *runtime.Checkpoint) map[string][]string {
	if cp == nil || len(cp.Steps) == 0 {
		return nil
	}
	out := map[string][]string{}
	for _, s := range cp.Steps {
		w := s.Workflow
		if w == "" {
			w = cp.Workflow
		}
		out[w] = append(out[w], s.Step)
	}
	return out
}

// Redactor masks secrets in any string (the auth package's
// (*Authenticator).Redact); nil is the identity.
type Redactor func(string) string

// StepsOf returns the step ids of each workflow of doc in document order,
// for Meta.Steps.
func StepsOf(doc *arazzo.Document) map[string][]string {
	if doc == nil {
		return nil
	}
	out := make(map[string][]string, len(doc.Workflows))
	for _, w := range doc.Workflows {
		if w == nil {
			continue
		}
		ids := make([]string, 0, len(w.Steps))
		for _, s := range w.Steps {
			if s != nil {
				ids = append(ids, s.StepID)
			}
		}
		out[w.WorkflowID] = ids
	}
	return out
}
