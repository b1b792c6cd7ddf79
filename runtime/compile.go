package runtime

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/openapi"
)

// Plan is a compiled bundle: every step resolved to its operation (or
// workflow), parameters and actions merged, everything precomputed that can
// be. It is immutable and safe for concurrent Runs.
type Plan struct {
	doc  *arazzo.Document
	root *cdoc
}

// cdoc is one compiled Arazzo document (the main one, or an arazzo-type
// source description). Components are scoped per document, and so are
// workflow ids.
type cdoc struct {
	doc       *arazzo.Document
	source    string // the arazzo source name it was reached by ("" for the main document)
	workflows map[string]*cworkflow
	order     []*cworkflow
	// sources holds, per source description name, what expressions can read
	// ($sourceDescriptions.<name>.url) and what steps target.
	sources map[string]*csource
}

type csource struct {
	name    string
	url     string // as written in the document
	api     *openapi.Document
	arazzo  *cdoc
	members map[string]any // url, plus operation/workflow ids -> their ids
}

type cworkflow struct {
	doc      *cdoc
	wf       *arazzo.Workflow
	id       string
	steps    []*cstep
	deps     []*cworkflow
	stepByID map[string]int
	// display is the id as a caller outside the document would write it
	// ("$sourceDescriptions.x.id" for workflows of other documents).
	display string
}

type cstep struct {
	wf    *cworkflow
	step  *arazzo.Step
	id    string
	index int

	// Operation steps.
	source   string
	op       *openapi.Operation
	params   []cparam
	pathSegs []pathSeg
	body     *arazzo.RequestBody
	ctype    string // the Content-Type to send ("" when there is no body)
	mediaOK  bool   // ctype was chosen explicitly or from the operation

	// Workflow steps: the callee, and the parameters that become its inputs.
	callee *cworkflow

	criteria  []*arazzo.Criterion
	onSuccess []caction
	onFailure []caction
}

// cparam is a merged parameter with the OpenAPI declaration that says how
// to serialize it (a default one when the operation does not declare it).
type cparam struct {
	p        *arazzo.Parameter
	api      *openapi.Parameter
	declared bool
}

// caction is a merged action with its target resolved.
type caction struct {
	a             *arazzo.Action
	workflowLevel bool
	gotoStep      int        // index of the target step, -1 when none
	workflow      *cworkflow // target workflow, nil when none
}

// CompileError lists the problems that keep a bundle from compiling.
type CompileError struct {
	Problems []string
}

func (e *CompileError) Error() string {
	if len(e.Problems) == 1 {
		return "cannot compile: " + e.Problems[0]
	}
	return "cannot compile:\n  " + strings.Join(e.Problems, "\n  ")
}

// Compile turns a bundle without errors into an immutable Plan: every step
// resolved to its openapi.Operation (or workflow), parameters merged
// (workflow-level and step-level, the step winning by name and in), actions
// merged (step-level overriding workflow-level by name, none removed),
// everything precomputed that can be. The Plan is safe for concurrent Runs.
func Compile(b *Bundle) (*Plan, error) {
	if b == nil || b.Doc == nil {
		return nil, &CompileError{Problems: []string{"no document"}}
	}
	if bundleHasErrors(b) {
		return nil, &CompileError{Problems: errorMessages(b)}
	}
	c := &compiler{docs: map[*Bundle]*cdoc{}}
	root := c.document(b, "")
	if len(c.problems) > 0 {
		return nil, &CompileError{Problems: c.problems}
	}
	return &Plan{doc: b.Doc, root: root}, nil
}

// Document returns the main Arazzo document.
func (p *Plan) Document() *arazzo.Document { return p.doc }

// WorkflowIDs returns the ids of the main document's workflows, in document order.
func (p *Plan) WorkflowIDs() []string {
	ids := make([]string, 0, len(p.root.order))
	for _, w := range p.root.order {
		ids = append(ids, w.id)
	}
	return ids
}

type compiler struct {
	docs     map[*Bundle]*cdoc
	problems []string
}

func (c *compiler) fail(pos arazzo.Pos, format string, args ...any) {
	c.problems = append(c.problems, pos.String()+": "+fmt.Sprintf(format, args...))
}

// document compiles one bundle, memoized so that a document reached twice
// (or through a cycle) is compiled once.
func (c *compiler) document(b *Bundle, source string) *cdoc {
	if d, ok := c.docs[b]; ok {
		return d
	}
	d := &cdoc{doc: b.Doc, source: source, workflows: map[string]*cworkflow{}, sources: map[string]*csource{}}
	c.docs[b] = d
	for _, w := range b.Doc.Workflows {
		if w == nil {
			continue
		}
		cw := &cworkflow{doc: d, wf: w, id: w.WorkflowID, stepByID: map[string]int{}}
		cw.display = w.WorkflowID
		if source != "" {
			cw.display = "$sourceDescriptions." + source + "." + w.WorkflowID
		}
		d.workflows[w.WorkflowID] = cw
		d.order = append(d.order, cw)
	}
	for _, sd := range b.Doc.SourceDescriptions {
		if sd == nil {
			continue
		}
		s := &csource{name: sd.Name, url: sd.URL, members: map[string]any{"url": sd.URL}}
		if api := b.OpenAPI[sd.Name]; api != nil {
			s.api = api
			for _, id := range api.OperationIDs() {
				if _, ok := s.members[id]; !ok {
					s.members[id] = id
				}
			}
		}
		if sub := b.Arazzo[sd.Name]; sub != nil && sub.Doc != nil {
			s.arazzo = c.document(sub, sd.Name)
			for _, w := range sub.Doc.Workflows {
				if w != nil {
					if _, ok := s.members[w.WorkflowID]; !ok {
						s.members[w.WorkflowID] = w.WorkflowID
					}
				}
			}
		}
		if sd.Type != "" {
			s.members["type"] = string(sd.Type)
		}
		s.members["name"] = sd.Name
		d.sources[sd.Name] = s
	}
	for _, cw := range d.order {
		c.workflow(cw)
	}
	return d
}

func (c *compiler) workflow(cw *cworkflow) {
	w := cw.wf
	for i, s := range w.Steps {
		if s != nil {
			cw.stepByID[s.StepID] = i
		}
	}
	for i, ref := range w.DependsOnRefs {
		t := c.resolveWorkflow(cw.doc, ref)
		if t == nil {
			c.fail(w.FieldPos(fmt.Sprintf("dependsOn/%d", i)), "dependsOn: unknown workflow %s", refString(ref))
			continue
		}
		cw.deps = append(cw.deps, t)
	}
	for i, s := range w.Steps {
		if s == nil {
			continue
		}
		cs := &cstep{wf: cw, step: s, id: s.StepID, index: i, criteria: s.SuccessCriteria}
		c.target(cs)
		cs.onSuccess = c.actions(cw, w.SuccessActions, s.OnSuccess)
		cs.onFailure = c.actions(cw, w.FailureActions, s.OnFailure)
		cw.steps = append(cw.steps, cs)
	}
}

func refString(r arazzo.WorkflowRef) string {
	if r.Source == "" {
		return fmt.Sprintf("%q", r.WorkflowID)
	}
	return "$sourceDescriptions." + r.Source + "." + r.WorkflowID
}

// resolveWorkflow finds a workflow named from document d.
func (c *compiler) resolveWorkflow(d *cdoc, ref arazzo.WorkflowRef) *cworkflow {
	if ref.Source == "" {
		return d.workflows[ref.WorkflowID]
	}
	s := d.sources[ref.Source]
	if s == nil || s.arazzo == nil {
		return nil
	}
	return s.arazzo.workflows[ref.WorkflowID]
}

// target resolves what a step calls and precomputes its request shape.
func (c *compiler) target(cs *cstep) {
	s := cs.step
	d := cs.wf.doc
	switch s.Target.Kind {
	case arazzo.TargetWorkflow:
		ref := arazzo.WorkflowRef{Source: s.Target.Source, WorkflowID: s.Target.WorkflowID}
		cs.callee = c.resolveWorkflow(d, ref)
		if cs.callee == nil {
			c.fail(s.FieldPos("workflowId"), "step %q: unknown workflow %s", s.StepID, refString(ref))
		}
		// Parameters of a workflow step are the callee's inputs; workflow-
		// level parameters apply too (step wins by name).
		cs.params = mergeParams(cs.wf.wf.Parameters, s.Parameters, true)
		return
	case arazzo.TargetOperationID:
		src, op := c.findOperationID(d, s)
		if op == nil {
			return
		}
		cs.source, cs.op = src, op
	case arazzo.TargetOperationPath:
		sd := d.sources[s.Target.Source]
		if sd == nil || sd.api == nil {
			c.fail(s.FieldPos("operationPath"), "step %q: operationPath names %q, which is not a loaded OpenAPI source description", s.StepID, s.Target.Source)
			return
		}
		op, ok := sd.api.OperationByPointer(s.Target.Pointer)
		if !ok {
			c.fail(s.FieldPos("operationPath"), "step %q: no operation at %s#%s", s.StepID, s.Target.Source, s.Target.Pointer)
			return
		}
		cs.source, cs.op = sd.name, op
	default:
		c.fail(s.Pos, "step %q: needs exactly one of operationId, operationPath and workflowId", s.StepID)
		return
	}
	cs.pathSegs = splitPath(cs.op.Path)
	for _, m := range mergeParams(cs.wf.wf.Parameters, s.Parameters, false) {
		if m.p.In == arazzo.InPath && !slices.Contains(s.Parameters, m.p) && !strings.Contains(cs.op.Path, "{"+m.p.Name+"}") {
			// A workflow-level path parameter applies to the steps whose
			// path has that variable; elsewhere it is neither evaluated
			// (its value may refer to outputs of a later step) nor sent.
			continue
		}
		m.api, m.declared = findAPIParam(cs.op, m.p.Name, string(m.p.In))
		if m.api == nil {
			m.api = openapi.NewParameter(m.p.Name, string(m.p.In))
		}
		cs.params = append(cs.params, m)
	}
	cs.body = s.RequestBody
	if cs.body != nil {
		cs.ctype = cs.body.ContentType
		cs.mediaOK = cs.ctype != ""
		if cs.ctype == "" && cs.op.RequestBody != nil && len(cs.op.RequestBody.Content) > 0 {
			cs.ctype = preferredMediaType(cs.op.RequestBody.Content)
			cs.mediaOK = true
		}
	}
}

// preferredMediaType picks the operation's media type when the step gives
// none: JSON when offered (kin-openapi sorts the content map, so "first" in
// the document is not known), else the first.
func preferredMediaType(content []openapi.MediaType) string {
	for _, m := range content {
		if isJSON(m.Type) {
			return m.Type
		}
	}
	return content[0].Type
}

// findOperationID resolves an operationId: qualified by source, or searched
// in every OpenAPI source (leniently: the spec asks for qualification when
// there are several sources, but many documents omit it; an ambiguous id is
// an error).
func (c *compiler) findOperationID(d *cdoc, s *arazzo.Step) (string, *openapi.Operation) {
	id := s.Target.OperationID
	if s.Target.Source != "" {
		sd := d.sources[s.Target.Source]
		if sd == nil || sd.api == nil {
			c.fail(s.FieldPos("operationId"), "step %q: %q is not a loaded OpenAPI source description", s.StepID, s.Target.Source)
			return "", nil
		}
		op, ok := sd.api.OperationByID(id)
		if !ok {
			c.fail(s.FieldPos("operationId"), "step %q: source %q has no operation %q", s.StepID, s.Target.Source, id)
			return "", nil
		}
		return sd.name, op
	}
	var found []string
	var fop *openapi.Operation
	for _, sd := range d.doc.SourceDescriptions {
		if sd == nil {
			continue
		}
		cs := d.sources[sd.Name]
		if cs == nil || cs.api == nil {
			continue
		}
		if op, ok := cs.api.OperationByID(id); ok {
			found = append(found, sd.Name)
			fop = op
		}
	}
	switch len(found) {
	case 0:
		c.fail(s.FieldPos("operationId"), "step %q: no source description has operation %q", s.StepID, id)
		return "", nil
	case 1:
		return found[0], fop
	}
	c.fail(s.FieldPos("operationId"), "step %q: operation %q exists in several sources (%s): write $sourceDescriptions.<name>.%s", s.StepID, id, strings.Join(found, ", "), id)
	return "", nil
}

// mergeParams merges workflow-level and step-level parameters: a step
// parameter overrides a workflow parameter with the same name and in (for a
// workflow step, the same name), none is removed. Order: workflow
// parameters first (in place when overridden), then the step's new ones.
func mergeParams(wf, step []*arazzo.Parameter, byNameOnly bool) []cparam {
	key := func(p *arazzo.Parameter) string {
		if byNameOnly {
			return p.Name
		}
		if p.In == arazzo.InHeader {
			return "header\x00" + strings.ToLower(p.Name)
		}
		return string(p.In) + "\x00" + p.Name
	}
	out := make([]cparam, 0, len(wf)+len(step))
	idx := map[string]int{}
	for _, p := range wf {
		if p == nil {
			continue
		}
		k := key(p)
		if i, ok := idx[k]; ok {
			out[i] = cparam{p: p}
			continue
		}
		idx[k] = len(out)
		out = append(out, cparam{p: p})
	}
	for _, p := range step {
		if p == nil {
			continue
		}
		k := key(p)
		if i, ok := idx[k]; ok {
			out[i] = cparam{p: p}
			continue
		}
		idx[k] = len(out)
		out = append(out, cparam{p: p})
	}
	return out
}

func findAPIParam(op *openapi.Operation, name, in string) (*openapi.Parameter, bool) {
	for _, p := range op.Parameters {
		if p == nil || p.In != in {
			continue
		}
		if p.Name == name || in == "header" && strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return nil, false
}

// actions merges workflow-level and step-level actions: a step action
// overrides the workflow action with the same name in place, the step's
// other actions come first, then the workflow's (so a step's own actions
// are tried before the workflow-wide defaults), none is removed.
func (c *compiler) actions(cw *cworkflow, wf, step []*arazzo.Action) []caction {
	out := make([]caction, 0, len(wf)+len(step))
	names := map[string]bool{}
	for _, a := range step {
		if a == nil {
			continue
		}
		names[a.Name] = true
		out = append(out, c.action(cw, a, false))
	}
	for _, a := range wf {
		if a == nil || names[a.Name] {
			continue
		}
		out = append(out, c.action(cw, a, true))
	}
	return out
}

func (c *compiler) action(cw *cworkflow, a *arazzo.Action, workflowLevel bool) caction {
	ca := caction{a: a, workflowLevel: workflowLevel, gotoStep: -1}
	if a.StepID != "" {
		i, ok := cw.stepByID[a.StepID]
		if !ok {
			c.fail(a.FieldPos("stepId"), "action %q: workflow %q has no step %q", a.Name, cw.id, a.StepID)
		}
		ca.gotoStep = i
	}
	if a.WorkflowID != "" {
		ref := a.WorkflowRef
		if ref.WorkflowID == "" {
			ref.WorkflowID = a.WorkflowID
		}
		ca.workflow = c.resolveWorkflow(cw.doc, ref)
		if ca.workflow == nil {
			c.fail(a.FieldPos("workflowId"), "action %q: unknown workflow %s", a.Name, refString(ref))
		}
	}
	if a.Type == arazzo.ActionGoto && ca.gotoStep < 0 && ca.workflow == nil && a.StepID == "" && a.WorkflowID == "" {
		c.fail(a.Pos, "goto action %q names neither stepId nor workflowId", a.Name)
	}
	return ca
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// OperationUse is one operation a workflow may call.
type OperationUse struct {
	Workflow  string // the workflow the step belongs to ("$sourceDescriptions.x.id" form for other documents)
	StepID    string
	Source    string // the OpenAPI source description name
	Operation *openapi.Operation
	Document  *openapi.Document
}

// Operations lists the operations the workflow may call: its steps, and the
// steps of every workflow it depends on, calls, or names in an action,
// transitively, each workflow once, in execution order where it is known.
// It returns nil for an unknown workflow.
func (p *Plan) Operations(workflowID string) []OperationUse {
	cw := p.root.workflows[workflowID]
	if cw == nil {
		return nil
	}
	var out []OperationUse
	seen := map[*cworkflow]bool{}
	var visit func(*cworkflow)
	visit = func(w *cworkflow) {
		if w == nil || seen[w] {
			return
		}
		seen[w] = true
		for _, d := range w.deps {
			visit(d)
		}
		for _, cs := range w.steps {
			if cs.op != nil {
				var doc *openapi.Document
				if s := w.doc.sources[cs.source]; s != nil {
					doc = s.api
				}
				out = append(out, OperationUse{Workflow: w.display, StepID: cs.id, Source: cs.source, Operation: cs.op, Document: doc})
			}
			visit(cs.callee)
			for _, a := range cs.onSuccess {
				visit(a.workflow)
			}
			for _, a := range cs.onFailure {
				visit(a.workflow)
			}
		}
	}
	visit(cw)
	return out
}
