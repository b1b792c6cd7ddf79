package main

import (
	"github.com/spf13/cobra"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/graph"
	"github.com/arazzo-run/arazzo/runtime"
)

func newGraphCmd(e *env) *cobra.Command {
	var workflowID, format string
	cmd := &cobra.Command{
		Use:   "graph FILE",
		Short: "Draw workflows as flowcharts (Mermaid or Graphviz DOT)",
		Long: `graph prints a flowchart of the workflows of FILE: the steps in order with
the operation each calls, success and failure edges with their actions and
criteria (goto, retry with its limit, end), sub-workflow calls and dependsOn.
Mermaid renders on GitHub and in most Markdown viewers; DOT is for Graphviz
(dot -Tsvg). The output is stable: the same document gives the same text.`,
		Args: exactArgs(1, "exactly one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != string(graph.Mermaid) && format != string(graph.DOT) {
				return usageErrorf("--format must be mermaid or dot, not %q", format)
			}
			b, err := loadBundle(e, args[0], e.stderr)
			if err != nil {
				return err
			}
			if workflowID != "" {
				if _, err := pickWorkflow(b.Doc, workflowID); err != nil {
					return err
				}
			}
			plan, err := runtime.Compile(b)
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			labels := operationLabels(b.Doc, plan)
			return graph.Write(e.stdout, b.Doc, graph.Options{
				Format:    graph.Format(format),
				Workflow:  workflowID,
				Operation: func(s *arazzo.Step) string { return labels[s] },
			})
		},
	}
	cmd.Flags().StringVar(&workflowID, "workflow", "", "draw this workflow (and those it calls or depends on); default: all")
	cmd.Flags().StringVar(&format, "format", "mermaid", "mermaid or dot")
	return cmd
}

// operationLabels maps each operation step of the document to "METHOD /path".
func operationLabels(doc *arazzo.Document, plan *runtime.Plan) map[*arazzo.Step]string {
	labels := map[*arazzo.Step]string{}
	for _, w := range doc.Workflows {
		for _, u := range plan.Operations(w.WorkflowID) {
			if u.Workflow != w.WorkflowID || u.Operation == nil {
				continue
			}
			if s := w.Step(u.StepID); s != nil {
				labels[s] = u.Operation.Method + " " + u.Operation.Path
			}
		}
	}
	return labels
}
