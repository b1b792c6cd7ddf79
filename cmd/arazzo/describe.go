package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/auth"
	"github.com/arazzo-run/arazzo/runtime"
)

func newListCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "list FILE",
		Short: "List the workflows of a document with their inputs, steps and outputs",
		Args:  exactArgs(1, "exactly one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := loadBundle(e, args[0], e.stderr)
			if err != nil {
				return err
			}
			for i, w := range b.Doc.Workflows {
				if i > 0 {
					fmt.Fprintln(e.stdout)
				}
				fmt.Fprintf(e.stdout, "%s", w.WorkflowID)
				if w.Summary != "" {
					fmt.Fprintf(e.stdout, "  %s", oneLine(w.Summary))
				}
				fmt.Fprintln(e.stdout)
				var in []string
				for _, p := range inputProperties(b.Doc, w) {
					s := p.name
					if p.required {
						s += "*"
					}
					in = append(in, s+" "+p.typ)
				}
				fmt.Fprintf(e.stdout, "  inputs:  %s\n", orNone(strings.Join(in, ", ")))
				var steps []string
				for _, s := range w.Steps {
					steps = append(steps, s.StepID)
				}
				fmt.Fprintf(e.stdout, "  steps:   %s\n", orNone(strings.Join(steps, " -> ")))
				var outs []string
				for _, o := range w.Outputs {
					outs = append(outs, o.Name)
				}
				fmt.Fprintf(e.stdout, "  outputs: %s\n", orNone(strings.Join(outs, ", ")))
			}
			return nil
		},
	}
}

func newDescribeCmd(e *env) *cobra.Command {
	var workflowID string
	cmd := &cobra.Command{
		Use:   "describe FILE",
		Short: "Describe one workflow: inputs, steps and the operations they call, outputs, credentials",
		Args:  exactArgs(1, "exactly one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := loadBundle(e, args[0], e.stderr)
			if err != nil {
				return err
			}
			w, err := pickWorkflow(b.Doc, workflowID)
			if err != nil {
				return err
			}
			plan, err := runtime.Compile(b)
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			describe(e.stdout, b, plan, w)
			return nil
		},
	}
	cmd.Flags().StringVar(&workflowID, "workflow", "", "the workflow to describe (needed when the document has several)")
	return cmd
}

func describe(out io.Writer, b *runtime.Bundle, plan *runtime.Plan, w *arazzo.Workflow) {
	fmt.Fprintf(out, "workflow %s\n", w.WorkflowID)
	if w.Summary != "" {
		fmt.Fprintf(out, "  %s\n", oneLine(w.Summary))
	}
	if len(w.DependsOn) > 0 {
		fmt.Fprintf(out, "  depends on: %s\n", strings.Join(w.DependsOn, ", "))
	}

	fmt.Fprintln(out, "\ninputs:")
	props := inputProperties(b.Doc, w)
	if len(props) == 0 {
		fmt.Fprintln(out, "  (none)")
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, p := range props {
		req := ""
		if p.required {
			req = "required"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", p.name, p.typ, req, oneLine(p.description))
	}
	tw.Flush()

	fmt.Fprintln(out, "\nsteps:")
	uses := usesOf(plan, w.WorkflowID)
	byStep := make(map[string][]auth.Use)
	for _, u := range uses {
		byStep[u.StepID] = append(byStep[u.StepID], u)
	}
	tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for i, s := range w.Steps {
		target := describeTarget(s, byStep[s.StepID])
		fmt.Fprintf(tw, "  %d. %s\t%s\n", i+1, s.StepID, target)
	}
	tw.Flush()
	for _, s := range w.Steps {
		var crit []string
		for _, c := range s.SuccessCriteria {
			crit = append(crit, c.Condition)
		}
		if len(crit) > 0 {
			fmt.Fprintf(out, "  %s succeeds when: %s\n", s.StepID, strings.Join(crit, " && "))
		}
	}

	fmt.Fprintln(out, "\noutputs:")
	if len(w.Outputs) == 0 {
		fmt.Fprintln(out, "  (none)")
	}
	tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, o := range w.Outputs {
		fmt.Fprintf(tw, "  %s\t%s\n", o.Name, o.Value.String())
	}
	tw.Flush()

	fmt.Fprintln(out, "\ncredentials (any one scheme the operations accept):")
	report := auth.Scopes(uses)
	if len(report.Schemes) == 0 {
		fmt.Fprintln(out, "  (none declared by the operations this workflow calls)")
	}
	for _, s := range report.Schemes {
		fmt.Fprintf(out, "  %s (%s): %s or $%s\n", s.Scheme, s.Kind, s.Flag, s.EnvVar)
		if len(s.Total) > 0 {
			fmt.Fprintf(out, "    scopes: %s\n", strings.Join(s.Total, " "))
		}
	}
	// One credential is not enough for these: a run given only part of
	// them sends the request without credentials (and warns).
	for _, c := range auth.CombinedSchemes(uses) {
		fmt.Fprintf(out, "  %s (step %s) needs %s together\n", c.Operation, c.StepID, strings.Join(c.Alternatives, ", or "))
	}
}

// describeTarget says what a step calls: "POST /clients (auth0.post_clients)".
func describeTarget(s *arazzo.Step, uses []auth.Use) string {
	switch s.Target.Kind {
	case arazzo.TargetWorkflow:
		if s.Target.Source != "" {
			return "workflow " + s.Target.Source + "." + s.Target.WorkflowID
		}
		return "workflow " + s.Target.WorkflowID
	}
	for _, u := range uses {
		if u.Op != nil {
			id := u.Op.ID
			if id == "" {
				id = u.Op.Pointer
			}
			return fmt.Sprintf("%s %s\t(%s.%s)", u.Op.Method, u.Op.Path, u.Source, id)
		}
	}
	if s.OperationID != "" {
		return s.OperationID
	}
	return s.OperationPath
}

type inputProperty struct {
	name, typ, description string
	required               bool
	secret                 bool // format: password or writeOnly: true
}

// inputProperties reads the top-level properties of a workflow's inputs
// schema, required ones first, each group sorted by name.
func inputProperties(doc *arazzo.Document, w *arazzo.Workflow) []inputProperty {
	if w.Inputs == nil {
		return nil
	}
	// "$ref: '#/components/inputs/x'": the component's properties
	// (secretinputs.go).
	schema := resolveInputSchema(doc, w.Inputs.Raw, 0)
	props, _ := schema["properties"].(map[string]any)
	required := map[string]bool{}
	if list, ok := schema["required"].([]any); ok {
		for _, r := range list {
			if s, ok := r.(string); ok {
				required[s] = true
			}
		}
	}
	out := make([]inputProperty, 0, len(props))
	for name, p := range props {
		ps, _ := p.(map[string]any)
		typ := "any"
		switch t := ps["type"].(type) {
		case string:
			typ = t
		case []any:
			var parts []string
			for _, x := range t {
				parts = append(parts, fmt.Sprint(x))
			}
			typ = strings.Join(parts, "|")
		}
		if ref, ok := ps["$ref"].(string); ok && typ == "any" {
			typ = ref
		}
		desc, _ := ps["description"].(string)
		format, _ := ps["format"].(string)
		writeOnly, _ := ps["writeOnly"].(bool)
		out = append(out, inputProperty{name: name, typ: typ, description: desc, required: required[name], secret: format == "password" || writeOnly})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].required != out[j].required {
			return out[i].required
		}
		return out[i].name < out[j].name
	})
	return out
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func newScopesCmd(e *env) *cobra.Command {
	var workflowID string
	cmd := &cobra.Command{
		Use:   "scopes FILE",
		Short: "The OAuth2 scopes (and other credentials) a workflow needs, per step and in total",
		Long: `scopes answers "which scopes must my client be granted?" before anything runs:
for each security scheme the workflow's operations accept, the scopes each step
needs and their union, with the --auth flag and environment variable a run reads.`,
		Args: exactArgs(1, "exactly one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := loadBundle(e, args[0], e.stderr)
			if err != nil {
				return err
			}
			w, err := pickWorkflow(b.Doc, workflowID)
			if err != nil {
				return err
			}
			plan, err := runtime.Compile(b)
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			report := auth.Scopes(usesOf(plan, w.WorkflowID))
			if len(report.Schemes) == 0 {
				fmt.Fprintf(e.stdout, "%s: the operations it calls declare no security schemes\n", w.WorkflowID)
				return nil
			}
			for i, s := range report.Schemes {
				if i > 0 {
					fmt.Fprintln(e.stdout)
				}
				fmt.Fprintf(e.stdout, "%s.%s (%s)\n", s.Source, s.Scheme, s.Kind)
				fmt.Fprintf(e.stdout, "  credential: %s  or  %s\n", s.Flag, s.EnvVar)
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				for _, st := range s.PerStep {
					fmt.Fprintf(tw, "  %s\t%s\n", st.StepID, orNone(strings.Join(st.Scopes, " ")))
				}
				tw.Flush()
				fmt.Fprintf(e.stdout, "  total: %s\n", orNone(strings.Join(s.Total, " ")))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&workflowID, "workflow", "", "the workflow (needed when the document has several)")
	return cmd
}
