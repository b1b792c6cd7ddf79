package graph

import (
	"errors"

	"github.com/arazzo-run/arazzo/arazzo"
)

// Chart is the flowchart Write prints, in a format-neutral form, for
// callers that draw it themselves (the HTML run report of package report
// draws it as SVG). It holds exactly the nodes and edges of the Mermaid and
// DOT output, in the same order.
type Chart struct {
	// Workflows are the drawn workflows in document order.
	Workflows []ChartWorkflow
	// Nodes are outside every workflow: workflows of other Arazzo
	// documents and references to workflows that do not exist.
	Nodes []ChartNode
	// Edges go between workflows (calls, dependsOn, goto or end of another
	// workflow) or to Nodes.
	Edges []ChartEdge
}

// ChartWorkflow is one workflow's cluster.
type ChartWorkflow struct {
	WorkflowID string
	// Nodes are the start node, one node per step in document order, the
	// success end, the failure end, then "not found" nodes for goto targets
	// that do not exist.
	Nodes []ChartNode
	// Edges have both ends in Nodes.
	Edges []ChartEdge
}

// NodeKind says what a node stands for.
type NodeKind string

// The node kinds.
const (
	NodeStart    NodeKind = "start"
	NodeSuccess  NodeKind = "success"  // the workflow's success end
	NodeFailure  NodeKind = "failure"  // the workflow's failure end
	NodeStep     NodeKind = "step"     // a step that calls an operation
	NodeCall     NodeKind = "call"     // a step that calls a workflow
	NodeExternal NodeKind = "external" // a workflow in another Arazzo document
	NodeMissing  NodeKind = "missing"  // a step or workflow that does not exist
)

// ChartNode is one node. ID is unique in the chart and made of
// [A-Za-z0-9_] only.
type ChartNode struct {
	ID   string
	Kind NodeKind
	// StepID is the step's id for NodeStep and NodeCall, "" otherwise.
	StepID string
	// Lines is the label, one entry per line, unescaped: for a step its
	// stepId and the operation (or "calls <workflowId>").
	Lines []string
}

// EdgeKind says what an edge stands for.
type EdgeKind string

// The edge kinds.
const (
	EdgeSuccess EdgeKind = "success"   // the default next step or a success action
	EdgeFailure EdgeKind = "failure"   // a failure action or the default break
	EdgeCall    EdgeKind = "call"      // a step calling a workflow
	EdgeDepends EdgeKind = "dependsOn" // from a workflow depended on to its dependent
)

// ChartEdge is one edge between node ids. Lines is its label (empty for a
// plain default success edge): "<name>: goto", "<name>: retry ≤ N",
// "<name>: end", "break", "otherwise", with "if <criteria>" as a second
// line for conditional actions; "<name> (workflow)" for workflow-level
// actions.
type ChartEdge struct {
	From, To string
	Kind     EdgeKind
	Lines    []string
}

var errNoDocument = errors.New("graph: no document")

// Build returns the flowchart of doc as Write would print it (with the
// same Options; Format is ignored). It fails when the document has no
// workflows or the selected workflow does not exist.
func Build(doc *arazzo.Document, opts Options) (*Chart, error) {
	if doc == nil {
		return nil, errNoDocument
	}
	ch, err := build(doc, opts)
	if err != nil {
		return nil, err
	}
	// build declares one cluster per selected workflow, in the order
	// selectWorkflows returns them, with the start node first and then one
	// node per non-nil step: zip them back to learn ids build does not keep.
	sel, err := selectWorkflows(doc, opts.Workflow)
	if err != nil {
		return nil, err
	}
	out := &Chart{Nodes: exportNodes(ch.nodes, nil), Edges: exportEdges(ch.edges)}
	for i, cl := range ch.clusters {
		cw := ChartWorkflow{Edges: exportEdges(cl.edges)}
		var stepIDs []string
		if i < len(sel) {
			cw.WorkflowID = sel[i].WorkflowID
			for _, s := range sel[i].Steps {
				if s != nil {
					stepIDs = append(stepIDs, s.StepID)
				}
			}
		}
		cw.Nodes = exportNodes(cl.nodes, stepIDs)
		out.Workflows = append(out.Workflows, cw)
	}
	return out, nil
}

// exportNodes copies nodes; stepIDs are the ids of the step nodes in
// order.
func exportNodes(ns []*node, stepIDs []string) []ChartNode {
	out := make([]ChartNode, 0, len(ns))
	k := 0
	for _, n := range ns {
		cn := ChartNode{ID: n.id, Kind: kindName(n.kind), Lines: append([]string(nil), n.lines...)}
		if n.kind == nodeStep || n.kind == nodeCall {
			if k < len(stepIDs) {
				cn.StepID = stepIDs[k]
			}
			k++
		}
		out = append(out, cn)
	}
	return out
}

func exportEdges(es []*edge) []ChartEdge {
	out := make([]ChartEdge, 0, len(es))
	for _, e := range es {
		k := EdgeSuccess
		switch e.kind {
		case edgeFailure:
			k = EdgeFailure
		case edgeCall:
			k = EdgeCall
		case edgeDepends:
			k = EdgeDepends
		}
		out = append(out, ChartEdge{From: e.from, To: e.to, Kind: k, Lines: append([]string(nil), e.lines...)})
	}
	return out
}

func kindName(k nodeKind) NodeKind {
	switch k {
	case nodeStart:
		return NodeStart
	case nodeEndSuccess:
		return NodeSuccess
	case nodeEndFailure:
		return NodeFailure
	case nodeCall:
		return NodeCall
	case nodeExternal:
		return NodeExternal
	case nodeMissing:
		return NodeMissing
	}
	return NodeStep
}
