package graph

import (
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/arazzo"
)

// TestBuildMatchesWrite checks that Build exports exactly the chart Write
// prints: every node id and edge of the Mermaid output, and the step ids
// of the step nodes in document order.
func TestBuildMatchesWrite(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			doc := c.doc(t)
			ch, err := Build(doc, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			mmd := string(render(t, c, Mermaid))
			nodes, edges := len(ch.Nodes), len(ch.Edges)
			for _, n := range ch.Nodes {
				if !strings.Contains(mmd, n.ID+"[") && !strings.Contains(mmd, n.ID+"(") && !strings.Contains(mmd, n.ID+"{") {
					t.Errorf("node %s not in the Mermaid output", n.ID)
				}
			}
			for _, w := range ch.Workflows {
				nodes += len(w.Nodes)
				edges += len(w.Edges)
				wf := findWorkflow(doc, w.WorkflowID)
				if wf == nil {
					t.Fatalf("workflow %q not in the document", w.WorkflowID)
				}
				var want, got []string
				for _, s := range wf.Steps {
					if s != nil {
						want = append(want, s.StepID)
					}
				}
				for _, n := range w.Nodes {
					if n.Kind == NodeStep || n.Kind == NodeCall {
						got = append(got, n.StepID)
						if n.Lines[0] != n.StepID && (n.StepID != "" || n.Lines[0] != "(step without stepId)") {
							t.Errorf("node %s: label %q, step %q", n.ID, n.Lines[0], n.StepID)
						}
					} else if n.StepID != "" {
						t.Errorf("node %s (%s) has step id %q", n.ID, n.Kind, n.StepID)
					}
				}
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("workflow %s: step nodes %v, want %v", w.WorkflowID, got, want)
				}
				if w.Nodes[0].Kind != NodeStart {
					t.Errorf("workflow %s: first node is %s", w.WorkflowID, w.Nodes[0].Kind)
				}
			}
			// Every edge is one Mermaid edge line.
			arrows := 0
			for _, line := range strings.Split(mmd, "\n") {
				if strings.Contains(line, "-->") || strings.Contains(line, "-.->") || strings.Contains(line, "==>") || strings.Contains(line, "-.-") {
					arrows++
				}
			}
			if arrows != edges {
				t.Errorf("%d edges, Mermaid has %d edge lines", edges, arrows)
			}
			if nodes == 0 {
				t.Error("no nodes")
			}
		})
	}
}

func TestBuildNilStepsAndErrors(t *testing.T) {
	doc := &arazzo.Document{Workflows: []*arazzo.Workflow{{
		WorkflowID: "w",
		Steps:      []*arazzo.Step{nil, {StepID: "a", OperationID: "x"}, nil, {StepID: "b", WorkflowID: "w2"}},
	}}}
	ch, err := Build(doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range ch.Workflows[0].Nodes {
		got = append(got, string(n.Kind)+":"+n.StepID)
	}
	if want := "start:,step:a,call:b,success:,failure:"; strings.Join(got, ",") != want {
		t.Errorf("nodes %s, want %s", strings.Join(got, ","), want)
	}
	if len(ch.Nodes) != 1 || ch.Nodes[0].Kind != NodeMissing {
		t.Errorf("outside nodes %+v, want the missing workflow w2", ch.Nodes)
	}
	if _, err := Build(nil, Options{}); err == nil {
		t.Error("Build(nil): no error")
	}
	if _, err := Build(doc, Options{Workflow: "nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Build(unknown workflow): %v", err)
	}
}
