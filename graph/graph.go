// Package graph draws Arazzo workflows as flowcharts, in Mermaid
// ("flowchart TD", which GitHub and most Markdown viewers render) or in
// Graphviz DOT. It is the engine of `arazzo graph`.
//
// The package owns the picture only: it reads the document model of package
// arazzo and writes text. It imports package arazzo and the standard library;
// it must not import runtime or cmd (the CLI passes operation labels such as
// "POST /clients", which need the loaded OpenAPI descriptions, through
// Options.Operation).
//
// # What is drawn
//
// Each workflow is a cluster (a Mermaid subgraph, a DOT "cluster_" subgraph)
// holding a start node, one node per step in document order, a success end
// and a failure end. A step's label is its stepId and the operation it calls
// (or "calls <workflowId>" for a step that runs a workflow). Edges:
//
//   - the default success edge goes to the next step (from the last step to
//     the success end); it is drawn only when no unconditional success action
//     (one without criteria) replaces it, and is labelled "otherwise" when
//     conditional success actions are tried first;
//   - every success and failure action is an edge labelled with its name, its
//     type and its criteria: goto to the target step (or to the start of the
//     target workflow), end to the success end (onSuccess) or the failure end
//     (onFailure), retry as a self-loop labelled "retry ≤ N" (N is retryLimit,
//     1 when absent, as the spec says) and "after Ns"; a retry that first runs
//     a step or workflow also gets an edge "<name>: before retry" to it;
//   - a failure edge "break" from every step to the failure end, unless an
//     unconditional failure goto or end replaces it (a retry never does: once
//     its limit is exhausted the step breaks);
//   - a step that calls a workflow has a thick "calls" edge to the start of
//     the called workflow;
//   - a dependsOn entry is a dotted "dependsOn" edge from the success end of
//     the workflow depended on to the start of the dependent workflow.
//
// Success edges are solid, failure edges dotted (Mermaid) or dashed and red
// (DOT).
//
// # Choices where the spec is silent
//
//   - Workflow-level successActions/failureActions apply to every step of the
//     workflow. The spec says a step "overrides" them but cannot remove them
//     without naming the identity key; as the executor does (package runtime),
//     a step action overrides the workflow action with the same name, the
//     step's own actions are tried first and the remaining workflow-level
//     actions after them, in document order. Workflow-level actions are
//     labelled "<name> (workflow)".
//   - With Options.Workflow set, the chart shows that workflow and, so that
//     every edge has both ends, every workflow of the same document it reaches
//     through calls, goto/retry actions and dependsOn, transitively, in
//     document order. Workflows of other Arazzo documents
//     ("$sourceDescriptions.<name>.<workflowId>") are single nodes; so are
//     references to workflows or steps that do not exist (the document is
//     then invalid, but the chart is still drawn so the mistake can be seen).
//   - Node ids are generated (letters, digits and '_' only, never a Mermaid
//     keyword) from the workflow and step ids, with a numeric suffix when two
//     ids sanitize to the same text, so any step id is safe; labels are
//     always quoted and escaped. The output depends only on the document:
//     no map is iterated.
//   - Long criteria are shortened to 60 characters with "…" so that edge
//     labels stay readable; the full text is in the document.
package graph

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/arazzo-run/arazzo/arazzo"
)

// Format is an output format.
type Format string

const (
	// Mermaid is a Mermaid "flowchart TD"; the default.
	Mermaid Format = "mermaid"
	// DOT is a Graphviz digraph (render with `dot -Tsvg`).
	DOT Format = "dot"
)

// Options controls Write.
type Options struct {
	// Format is Mermaid (also when empty) or DOT.
	Format Format
	// Workflow selects one workflow by id; "" draws all workflows.
	Workflow string
	// Operation optionally labels the operation a step calls (e.g.
	// "POST /clients"); when it is nil or returns "", the step's operationId
	// or operationPath is shown as written.
	Operation func(s *arazzo.Step) string
}

// Write writes the flowchart of doc to w. It fails, writing nothing, when the
// format is unknown, the document has no workflows or the selected workflow
// does not exist.
func Write(w io.Writer, doc *arazzo.Document, opts Options) error {
	if doc == nil {
		return fmt.Errorf("graph: no document")
	}
	format := opts.Format
	if format == "" {
		format = Mermaid
	}
	if format != Mermaid && format != DOT {
		return fmt.Errorf("graph: unknown format %q (want %q or %q)", opts.Format, Mermaid, DOT)
	}
	g, err := build(doc, opts)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if format == DOT {
		writeDOT(&buf, g)
	} else {
		writeMermaid(&buf, g)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// workflowIDs lists the workflow ids of doc for error messages.
func workflowIDs(doc *arazzo.Document) string {
	ids := make([]string, 0, len(doc.Workflows))
	for _, wf := range doc.Workflows {
		if wf != nil {
			ids = append(ids, wf.WorkflowID)
		}
	}
	return strings.Join(ids, ", ")
}
