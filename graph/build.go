package graph

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/arazzo-run/arazzo/arazzo"
)

// The chart is built once as a small format-neutral graph (clusters, nodes,
// edges, all in slices so the order is the document's) and then printed by
// writeMermaid or writeDOT. Maps are used for lookups only, never iterated.

type nodeKind uint8

const (
	nodeStart nodeKind = iota
	nodeEndSuccess
	nodeEndFailure
	nodeStep
	nodeCall     // a step that calls a workflow
	nodeExternal // a workflow in another Arazzo document
	nodeMissing  // a reference to a step or workflow that does not exist
)

type node struct {
	id    string
	kind  nodeKind
	lines []string // label, one entry per line, unescaped
}

type edgeKind uint8

const (
	edgeSuccess edgeKind = iota
	edgeFailure
	edgeCall
	edgeDepends
)

type edge struct {
	from, to string
	kind     edgeKind
	lines    []string
}

type cluster struct {
	id    string
	title string
	nodes []*node
	edges []*edge
}

type chart struct {
	nodes    []*node // outside every cluster (external and missing workflows)
	clusters []*cluster
	edges    []*edge // between clusters
}

// wfNodes are the generated ids of one drawn workflow.
type wfNodes struct {
	cl              *cluster
	start, ok, fail string
	steps           []string          // node id per step; "" for a nil step
	missing         map[string]string // step id -> node id of a missing goto target
	nodeCluster     map[string]bool   // node ids inside cl
}

type builder struct {
	doc   *arazzo.Document
	opts  Options
	used  map[string]bool
	ch    *chart
	wfs   map[*arazzo.Workflow]*wfNodes
	other map[string]string // key of an external or missing workflow -> node id
}

// build lays out the selected workflows of doc.
func build(doc *arazzo.Document, opts Options) (*chart, error) {
	sel, err := selectWorkflows(doc, opts.Workflow)
	if err != nil {
		return nil, err
	}
	b := &builder{
		doc:   doc,
		opts:  opts,
		used:  map[string]bool{},
		ch:    &chart{},
		wfs:   map[*arazzo.Workflow]*wfNodes{},
		other: map[string]string{},
	}
	// Allocate every workflow's fixed nodes first so that edges to a
	// workflow later in the document have a target.
	for _, wf := range sel {
		b.declare(wf)
	}
	for _, wf := range sel {
		b.steps(wf)
	}
	for _, wf := range sel {
		b.dependsOn(wf)
	}
	return b.ch, nil
}

// selectWorkflows returns the workflows to draw in document order: all of
// them, or the one named and every local workflow it reaches.
func selectWorkflows(doc *arazzo.Document, id string) ([]*arazzo.Workflow, error) {
	var all []*arazzo.Workflow
	for _, wf := range doc.Workflows {
		if wf != nil {
			all = append(all, wf)
		}
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("graph: the document has no workflows")
	}
	if id == "" {
		return all, nil
	}
	root := findWorkflow(doc, id)
	if root == nil {
		return nil, fmt.Errorf("graph: the document has no workflow %q (it has: %s)", id, workflowIDs(doc))
	}
	seen := map[*arazzo.Workflow]bool{root: true}
	queue := []*arazzo.Workflow{root}
	visit := func(ref arazzo.WorkflowRef) {
		if t := localWorkflow(doc, ref); t != nil && !seen[t] {
			seen[t] = true
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		wf := queue[0]
		queue = queue[1:]
		for _, r := range dependsOnRefs(wf) {
			visit(r)
		}
		for _, a := range wf.SuccessActions {
			visit(actionRef(a))
		}
		for _, a := range wf.FailureActions {
			visit(actionRef(a))
		}
		for _, s := range wf.Steps {
			if s == nil {
				continue
			}
			if ref, ok := stepCall(s); ok {
				visit(ref)
			}
			for _, a := range s.OnSuccess {
				visit(actionRef(a))
			}
			for _, a := range s.OnFailure {
				visit(actionRef(a))
			}
		}
	}
	var out []*arazzo.Workflow
	for _, wf := range all {
		if seen[wf] {
			out = append(out, wf)
		}
	}
	return out, nil
}

// parseRef splits "$sourceDescriptions.<name>.<workflowId>"; anything else is
// a local workflow id. Used when the loader's parsed form is absent (a
// document built by hand).
func parseRef(raw string) arazzo.WorkflowRef {
	const p = "$sourceDescriptions."
	if rest, ok := strings.CutPrefix(raw, p); ok {
		if src, wf, ok := strings.Cut(rest, "."); ok {
			return arazzo.WorkflowRef{Source: src, WorkflowID: wf}
		}
	}
	return arazzo.WorkflowRef{WorkflowID: raw}
}

func dependsOnRefs(wf *arazzo.Workflow) []arazzo.WorkflowRef {
	out := make([]arazzo.WorkflowRef, 0, len(wf.DependsOn))
	for i, raw := range wf.DependsOn {
		if i < len(wf.DependsOnRefs) && wf.DependsOnRefs[i].WorkflowID != "" {
			out = append(out, wf.DependsOnRefs[i])
		} else {
			out = append(out, parseRef(raw))
		}
	}
	return out
}

// actionRef is the workflow an action names; zero when none.
func actionRef(a *arazzo.Action) arazzo.WorkflowRef {
	if a == nil || a.WorkflowID == "" || a.StepID != "" {
		return arazzo.WorkflowRef{}
	}
	if a.WorkflowRef.WorkflowID != "" {
		return a.WorkflowRef
	}
	return parseRef(a.WorkflowID)
}

// stepCall reports the workflow a step calls, if it calls one.
func stepCall(s *arazzo.Step) (arazzo.WorkflowRef, bool) {
	if s.Target.Kind == arazzo.TargetWorkflow && s.Target.WorkflowID != "" {
		return arazzo.WorkflowRef{Source: s.Target.Source, WorkflowID: s.Target.WorkflowID}, true
	}
	if s.WorkflowID != "" && s.OperationID == "" && s.OperationPath == "" {
		return parseRef(s.WorkflowID), true
	}
	return arazzo.WorkflowRef{}, false
}

func localWorkflow(doc *arazzo.Document, ref arazzo.WorkflowRef) *arazzo.Workflow {
	if ref.Source != "" || ref.WorkflowID == "" {
		return nil
	}
	return findWorkflow(doc, ref.WorkflowID)
}

// findWorkflow is doc.Workflow, safe with nil entries (a hand-built or
// partly loaded document).
func findWorkflow(doc *arazzo.Document, id string) *arazzo.Workflow {
	for _, wf := range doc.Workflows {
		if wf != nil && wf.WorkflowID == id {
			return wf
		}
	}
	return nil
}

// newID returns a node id made of [A-Za-z0-9_] from prefix and name, unique
// in the chart. The prefixes ("wf_", "ext_", "missing_") keep ids clear of
// Mermaid keywords (end, subgraph, ...) and of the "o"/"x" edge endings.
func (b *builder) newID(prefix, name string) string {
	base := prefix + sanitize(name)
	id := base
	for n := 2; b.used[id]; n++ {
		id = base + "_" + strconv.Itoa(n)
	}
	b.used[id] = true
	return id
}

// sanitize keeps ASCII letters and digits, maps everything else to '_' and
// caps the length so ids stay readable.
func sanitize(s string) string {
	const maxLen = 40
	var sb strings.Builder
	for _, r := range s {
		if sb.Len() >= maxLen {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			sb.WriteRune(r)
		default:
			sb.WriteByte('_')
		}
	}
	if sb.Len() == 0 {
		return "_"
	}
	return sb.String()
}

// declare creates the cluster of wf with its start, end and step nodes.
func (b *builder) declare(wf *arazzo.Workflow) {
	cid := b.newID("wf_", wf.WorkflowID)
	title := wf.WorkflowID
	if title == "" {
		title = "(workflow without workflowId)"
	}
	cl := &cluster{id: cid, title: title}
	wn := &wfNodes{cl: cl, missing: map[string]string{}, nodeCluster: map[string]bool{}}
	add := func(id string, kind nodeKind, lines ...string) string {
		cl.nodes = append(cl.nodes, &node{id: id, kind: kind, lines: lines})
		wn.nodeCluster[id] = true
		return id
	}
	wn.start = add(b.newID(cid+"__", "start"), nodeStart, "start")
	for _, s := range wf.Steps {
		if s == nil {
			wn.steps = append(wn.steps, "")
			continue
		}
		kind := nodeStep
		if _, ok := stepCall(s); ok {
			kind = nodeCall
		}
		sid := s.StepID
		if sid == "" {
			sid = "(step without stepId)"
		}
		wn.steps = append(wn.steps, add(b.newID(cid+"__s_", s.StepID), kind, sid, b.operation(s)))
	}
	wn.ok = add(b.newID(cid+"__", "end_success"), nodeEndSuccess, "end: success")
	wn.fail = add(b.newID(cid+"__", "end_failure"), nodeEndFailure, "end: failure")
	b.ch.clusters = append(b.ch.clusters, cl)
	b.wfs[wf] = wn
}

// operation is the second line of a step's label.
func (b *builder) operation(s *arazzo.Step) string {
	if b.opts.Operation != nil {
		if op := b.opts.Operation(s); op != "" {
			return op
		}
	}
	switch {
	case s.OperationID != "":
		return s.OperationID
	case s.OperationPath != "":
		return s.OperationPath
	case s.WorkflowID != "":
		return "calls " + s.WorkflowID
	}
	return "(no operation)"
}

// edge adds an edge inside wf's cluster when both ends are there, between
// clusters otherwise.
func (b *builder) edge(wn *wfNodes, from, to string, kind edgeKind, lines ...string) {
	e := &edge{from: from, to: to, kind: kind, lines: lines}
	if wn != nil && wn.nodeCluster[from] && wn.nodeCluster[to] {
		wn.cl.edges = append(wn.cl.edges, e)
		return
	}
	b.ch.edges = append(b.ch.edges, e)
}

// workflowNode is the node an edge to the workflow ref goes to: the start of
// a drawn workflow, else a single node for an external or missing workflow.
func (b *builder) workflowNode(ref arazzo.WorkflowRef) string {
	if t := localWorkflow(b.doc, ref); t != nil {
		if wn := b.wfs[t]; wn != nil {
			return wn.start
		}
	}
	key := ref.Source + "\x00" + ref.WorkflowID
	if id, ok := b.other[key]; ok {
		return id
	}
	var n *node
	if ref.Source != "" {
		n = &node{id: b.newID("ext_", ref.Source+"_"+ref.WorkflowID), kind: nodeExternal,
			lines: []string{"workflow " + ref.WorkflowID, "in " + ref.Source}}
	} else {
		n = &node{id: b.newID("missing_", ref.WorkflowID), kind: nodeMissing,
			lines: []string{"workflow " + ref.WorkflowID, "(not found)"}}
	}
	b.ch.nodes = append(b.ch.nodes, n)
	b.other[key] = n.id
	return n.id
}

// stepNode is the node of the step named id in wf, or a "not found" node in
// wf's cluster.
func (b *builder) stepNode(wf *arazzo.Workflow, wn *wfNodes, id string) string {
	// Not wf.StepIndex: it would crash on a nil step.
	for i, s := range wf.Steps {
		if s != nil && s.StepID == id {
			return wn.steps[i]
		}
	}
	if nid, ok := wn.missing[id]; ok {
		return nid
	}
	nid := b.newID(wn.cl.id+"__missing_", id)
	wn.cl.nodes = append(wn.cl.nodes, &node{id: nid, kind: nodeMissing, lines: []string{"step " + id, "(not found)"}})
	wn.nodeCluster[nid] = true
	wn.missing[id] = nid
	return nid
}

// merged is an action with where it was written.
type merged struct {
	a             *arazzo.Action
	workflowLevel bool
}

// mergeActions applies the workflow-level actions to a step the way the
// executor does: the step's own actions first, then the workflow's whose
// name the step does not override.
func mergeActions(wf, step []*arazzo.Action) []merged {
	out := make([]merged, 0, len(wf)+len(step))
	names := make(map[string]bool, len(step))
	for _, a := range step {
		if a != nil {
			names[a.Name] = true
			out = append(out, merged{a: a})
		}
	}
	for _, a := range wf {
		if a != nil && !names[a.Name] {
			out = append(out, merged{a: a, workflowLevel: true})
		}
	}
	return out
}

// steps draws the edges of wf's steps.
func (b *builder) steps(wf *arazzo.Workflow) {
	wn := b.wfs[wf]
	first := wn.ok
	for _, id := range wn.steps {
		if id != "" {
			first = id
			break
		}
	}
	b.edge(wn, wn.start, first, edgeSuccess)
	for i, s := range wf.Steps {
		if s == nil {
			continue
		}
		from := wn.steps[i]
		next := wn.ok
		for _, id := range wn.steps[i+1:] {
			if id != "" {
				next = id
				break
			}
		}
		if ref, ok := stepCall(s); ok {
			b.edge(wn, from, b.workflowNode(ref), edgeCall, "calls")
		}

		drawn, replaced := b.actions(wf, wn, from, mergeActions(wf.SuccessActions, s.OnSuccess), edgeSuccess)
		if !replaced {
			if drawn {
				b.edge(wn, from, next, edgeSuccess, "otherwise")
			} else {
				b.edge(wn, from, next, edgeSuccess)
			}
		}
		if _, replaced := b.actions(wf, wn, from, mergeActions(wf.FailureActions, s.OnFailure), edgeFailure); !replaced {
			b.edge(wn, from, wn.fail, edgeFailure, "break")
		}
	}
}

// actions draws one edge per action (two for a retry that first runs a step
// or workflow). drawn reports whether any edge was drawn; replaced whether an
// unconditional goto or end makes the default edge unreachable.
func (b *builder) actions(wf *arazzo.Workflow, wn *wfNodes, from string, acts []merged, kind edgeKind) (drawn, replaced bool) {
	for _, m := range acts {
		a := m.a
		name := a.Name
		if m.workflowLevel {
			name += " (workflow)"
		}
		crit := criteriaText(a.Criteria)
		label := func(what string) []string {
			l := []string{what}
			if name != "" {
				l[0] = name + ": " + what
			}
			if crit != "" {
				l = append(l, "if "+crit)
			}
			return l
		}
		// target is the step or workflow the action names, "" for none.
		target := ""
		switch {
		case a.StepID != "":
			target = b.stepNode(wf, wn, a.StepID)
		case a.WorkflowID != "":
			target = b.workflowNode(actionRef(a))
		}
		switch a.Type {
		case arazzo.ActionEnd:
			to := wn.ok
			if kind == edgeFailure {
				to = wn.fail
			}
			b.edge(wn, from, to, kind, label("end")...)
		case arazzo.ActionGoto:
			if target == "" {
				continue // invalid (the validator says so); nothing to draw
			}
			b.edge(wn, from, target, kind, label("goto")...)
		case arazzo.ActionRetry:
			limit := 1 // the spec: "If not specified then a single retry SHALL be attempted."
			if a.RetryLimit != nil {
				limit = *a.RetryLimit
			}
			what := "retry ≤ " + strconv.Itoa(limit)
			if a.RetryAfter != nil {
				what += ", after " + strconv.FormatFloat(*a.RetryAfter, 'g', -1, 64) + "s"
			}
			if target != "" {
				b.edge(wn, from, target, kind, label("before retry")...)
			}
			b.edge(wn, from, from, kind, label(what)...)
			// A retry never replaces the default: once its limit is
			// exhausted the next actions, then the default, apply.
			drawn = true
			continue
		default:
			continue // unknown type: the document is invalid
		}
		drawn = true
		if len(a.Criteria) == 0 {
			replaced = true
		}
	}
	return drawn, replaced
}

// dependsOn draws an edge from each workflow wf depends on to wf's start.
func (b *builder) dependsOn(wf *arazzo.Workflow) {
	wn := b.wfs[wf]
	for _, ref := range dependsOnRefs(wf) {
		from := b.workflowNode(ref)
		if t := localWorkflow(b.doc, ref); t != nil {
			if tn := b.wfs[t]; tn != nil {
				from = tn.ok
			}
		}
		b.edge(nil, from, wn.start, edgeDepends, "dependsOn")
	}
}

// criteriaText is a one-line summary of criteria, each shortened.
func criteriaText(cs []*arazzo.Criterion) string {
	var parts []string
	for _, c := range cs {
		if c == nil {
			continue
		}
		t := oneLine(c.Condition)
		switch {
		case c.Type != "" && c.Type != "simple":
			t = c.Type + "(" + oneLine(c.Context) + ") " + t
		case c.Context != "":
			t = oneLine(c.Context) + ": " + t
		}
		parts = append(parts, shorten(t, 60))
	}
	return strings.Join(parts, " and ")
}

// oneLine collapses runs of white space (folded YAML scalars) into a space.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
