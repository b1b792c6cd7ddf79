package arazzo

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/arazzo-run/arazzo/expr"
	"github.com/arazzo-run/arazzo/expr/criterion"
)

var (
	errTooLarge   = fmt.Errorf("the document is larger than the %d-byte limit", MaxDocumentSize)
	typeFromField = map[string]bool{"simple": true, "regex": true, "jsonpath": true, "xpath": true}
)

func readCapped(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}

// loader builds the model from the tree and runs the document-local checks.
type loader struct {
	diagSink
	file string
	root *tnode
	doc  *Document

	// refs are the runtime expressions met while building, checked once
	// every workflow and step is known.
	refs []exprUse
	// stepNodes maps a step to its tree node, for positions of list items.
	deferred []func()
	// badComponent marks components that exist but are not objects
	// ("parameters/x"): references to them are not reported again.
	badComponent map[string]bool
	// schemaProven: the document passed the official schema check (see
	// checkSchema), so its inputs schemas are metaschema-valid.
	schemaProven bool
}

// phase says when an expression is evaluated relative to its step's call.
type phase uint8

const (
	phaseWorkflow phase = iota // workflow-level actions (evaluated after each step's call)
	phaseOutputs               // workflow outputs, once every step ran
	phaseBefore                // parameters and request body: before the call
	phaseAfter                 // outputs, criteria, step actions: after the call
)

type exprUse struct {
	e     *expr.Expression
	pos   Pos
	wf    *Workflow
	step  int // index in wf.Steps, -1 at workflow level
	phase phase
}

func parse(data []byte, file string, opts ParseOptions) (*Document, Diagnostics) {
	if len(data) > MaxDocumentSize {
		return nil, Diagnostics{{Pos: Pos{File: file}, Severity: SeverityError, Message: errTooLarge.Error()}}
	}
	root, ds := parseTree(data, file)
	if root == nil {
		return nil, ds
	}
	l := &loader{file: file, root: root, badComponent: map[string]bool{}}
	l.diags = ds
	l.doc = &Document{File: file}
	l.doc.Node.Pos = root.pos
	if root.kind != tObject {
		l.errorf(root.pos, "an Arazzo document must be an object, not %s", article(root.kind.String()))
		return l.done()
	}
	if !l.version() {
		return l.done()
	}
	l.schemaProven = checkSchema(data, root, &l.diagSink, opts)
	l.build()
	return l.done()
}

func (l *loader) done() (*Document, Diagnostics) {
	ds := l.diags.dedupe()
	ds.Sort()
	return l.doc, ds
}

// version checks the arazzo field; false means the document is of a version
// this package does not implement and is not checked further.
func (l *loader) version() bool {
	v := l.root.get("arazzo")
	if v == nil {
		return true // the schema check reports the missing field
	}
	l.doc.setField("arazzo", v.pos)
	if v.kind != tString {
		l.errorf(v.pos, "\"arazzo\" must be a version string such as \"1.0.1\", not %s", article(v.kind.String())).Hint = "quote the version: arazzo: \"1.0.1\""
		return true
	}
	l.doc.Arazzo = v.str
	switch {
	case isVersion10(v.str):
		return true
	case isVersion11(v.str):
		l.errorf(v.pos, "Arazzo 1.1 is not supported yet (this runner implements 1.0.x)")
		return false
	}
	l.errorf(v.pos, "unsupported Arazzo version %q (this runner implements 1.0.x)", v.str).Hint = "use arazzo: 1.0.1"
	return true
}

// node records the positions of the fields of t.
func node(t *tnode) Node {
	n := Node{Pos: t.pos}
	if t.kind != tObject {
		return n
	}
	n.fields = make(map[string]Pos, len(t.keys)+4)
	for i, k := range t.keys {
		v := t.vals[i]
		n.fields[k] = v.pos
		if v.kind == tArray {
			for j, it := range v.items {
				n.fields[k+"/"+strconv.Itoa(j)] = it.pos
			}
		}
	}
	return n
}

func extensions(t *tnode) Extensions {
	var ext Extensions
	for i, k := range t.keys {
		if strings.HasPrefix(k, "x-") {
			if ext == nil {
				ext = Extensions{}
			}
			ext[k] = t.vals[i].toJSON()
		}
	}
	return ext
}

// str returns the string at key k of t ("" when absent or not a string).
func str(t *tnode, k string) string {
	if v := t.get(k); v != nil && v.kind == tString {
		return v.str
	}
	return ""
}

func items(t *tnode, k string) []*tnode {
	if v := t.get(k); v != nil && v.kind == tArray {
		return v.items
	}
	return nil
}

func objects(t *tnode, k string) []*tnode {
	var out []*tnode
	for _, it := range items(t, k) {
		if it.kind == tObject {
			out = append(out, it)
		}
	}
	return out
}

func posStr(p Pos) string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

func (l *loader) build() {
	d, r := l.doc, l.root
	d.Node = node(r)
	d.Extensions = extensions(r)
	if info := r.get("info"); info != nil && info.kind == tObject {
		d.Info = Info{Node: node(info), Title: str(info, "title"), Summary: str(info, "summary"),
			Description: str(info, "description"), Version: str(info, "version"), Extensions: extensions(info)}
	}
	l.sources()
	l.components()
	for _, wt := range objects(r, "workflows") {
		d.Workflows = append(d.Workflows, l.workflow(wt))
	}
	l.uniqueWorkflows()
	for _, w := range d.Workflows {
		l.workflowRefs(w)
	}
	for _, f := range l.deferred {
		f()
	}
	l.dependsOnCycles()
	l.checkRefs()
	l.compileSchemas()
}

func (l *loader) sources() {
	seen := map[string]Pos{}
	for _, st := range objects(l.root, "sourceDescriptions") {
		s := &SourceDescription{Node: node(st), Name: str(st, "name"), URL: str(st, "url"), Type: SourceType(str(st, "type")), Extensions: extensions(st)}
		l.doc.SourceDescriptions = append(l.doc.SourceDescriptions, s)
		if s.Name != "" {
			if p, dup := seen[s.Name]; dup {
				l.errorf(s.FieldPos("name"), "duplicate source description name %q (first at %s)", s.Name, posStr(p))
			} else {
				seen[s.Name] = s.FieldPos("name")
			}
		}
		if st.get("type") == nil {
			l.warnf(s.Pos, "source description %q has no type; it is treated as openapi", s.Name).Hint = "add type: openapi (or type: arazzo)"
		}
	}
}

func (l *loader) sourceNames() []string {
	out := make([]string, 0, len(l.doc.SourceDescriptions))
	for _, s := range l.doc.SourceDescriptions {
		out = append(out, s.Name)
	}
	return out
}

func (l *loader) components() {
	ct := l.root.get("components")
	c := &l.doc.Components
	c.Inputs = map[string]*Schema{}
	c.Parameters = map[string]*Parameter{}
	c.SuccessActions = map[string]*Action{}
	c.FailureActions = map[string]*Action{}
	if ct == nil || ct.kind != tObject {
		return
	}
	c.Node = node(ct)
	c.Extensions = extensions(ct)
	if in := ct.get("inputs"); in != nil && in.kind == tObject {
		for i, k := range in.keys {
			c.Inputs[k] = &Schema{Node: node(in.vals[i]), Raw: in.vals[i].toJSON(), name: "inputs"}
		}
	}
	if ps := ct.get("parameters"); ps != nil && ps.kind == tObject {
		for i, k := range ps.keys {
			if ps.vals[i].kind == tObject {
				c.Parameters[k] = l.plainParameter(ps.vals[i], nil, -1, phaseWorkflow)
			} else {
				l.badComponent["parameters/"+k] = true
			}
		}
	}
	for _, kind := range []ActionKind{SuccessAction, FailureAction} {
		field, m := "successActions", c.SuccessActions
		if kind == FailureAction {
			field, m = "failureActions", c.FailureActions
		}
		if as := ct.get(field); as != nil && as.kind == tObject {
			for i, k := range as.keys {
				if as.vals[i].kind == tObject {
					m[k] = l.plainAction(as.vals[i], kind, nil, -1)
					l.checkAction(m[k], nil)
				} else {
					l.badComponent[field+"/"+k] = true
				}
			}
		}
	}
}

func (l *loader) workflow(t *tnode) *Workflow {
	w := &Workflow{Node: node(t), WorkflowID: str(t, "workflowId"), Summary: str(t, "summary"),
		Description: str(t, "description"), Extensions: extensions(t)}
	if w.WorkflowID != "" && !isIdentifier(w.WorkflowID) {
		l.warnf(w.FieldPos("workflowId"), "workflowId %q should contain only letters, digits, '_' and '-'", w.WorkflowID)
	}
	if in := t.get("inputs"); in != nil {
		w.Inputs = &Schema{Node: node(in), Raw: in.toJSON(), name: "inputs"}
	}
	for i, dt := range items(t, "dependsOn") {
		if dt.kind != tString {
			continue
		}
		w.DependsOn = append(w.DependsOn, dt.str)
		ref, _ := l.workflowRef(dt, "dependsOn")
		_ = i
		w.DependsOnRefs = append(w.DependsOnRefs, ref)
	}
	// Steps first: actions and outputs refer to them.
	seen := map[string]Pos{}
	stepTrees := objects(t, "steps")
	for _, st := range stepTrees {
		s := &Step{Node: node(st), StepID: str(st, "stepId")}
		w.Steps = append(w.Steps, s)
		if s.StepID != "" {
			if p, dup := seen[s.StepID]; dup {
				l.errorf(s.FieldPos("stepId"), "duplicate stepId %q in workflow %q (first at %s)", s.StepID, w.WorkflowID, posStr(p))
			} else {
				seen[s.StepID] = s.FieldPos("stepId")
			}
			if !isIdentifier(s.StepID) {
				l.warnf(s.FieldPos("stepId"), "stepId %q should contain only letters, digits, '_' and '-'", s.StepID)
			}
		}
	}
	w.Parameters = l.parameters(t, w, -1, false)
	for i, st := range stepTrees {
		l.step(st, w, i)
	}
	l.workflowParamsIn(w)
	w.SuccessActions = l.actions(t, "successActions", SuccessAction, w, -1)
	w.FailureActions = l.actions(t, "failureActions", FailureAction, w, -1)
	w.Outputs = l.outputs(t, w, -1)
	return w
}

func (l *loader) uniqueWorkflows() {
	seen := map[string]Pos{}
	for _, w := range l.doc.Workflows {
		if w.WorkflowID == "" {
			continue
		}
		if p, dup := seen[w.WorkflowID]; dup {
			l.errorf(w.FieldPos("workflowId"), "duplicate workflowId %q (first at %s)", w.WorkflowID, posStr(p))
		} else {
			seen[w.WorkflowID] = w.FieldPos("workflowId")
		}
	}
}

func (l *loader) workflowIDs() []string {
	out := make([]string, 0, len(l.doc.Workflows))
	for _, w := range l.doc.Workflows {
		out = append(out, w.WorkflowID)
	}
	return out
}

func stepIDs(w *Workflow) []string {
	out := make([]string, 0, len(w.Steps))
	for _, s := range w.Steps {
		out = append(out, s.StepID)
	}
	return out
}

// workflowRef parses a workflowId as written in dependsOn, a step or an
// action: a plain id, or "$sourceDescriptions.<name>.<workflowId>".
func (l *loader) workflowRef(t *tnode, what string) (WorkflowRef, bool) {
	s := t.str
	if !strings.HasPrefix(s, "$") {
		if strings.HasPrefix(s, "{$") {
			l.errorf(t.pos, "%s %q must not be wrapped in braces", what, s).Hint = "write " + strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
			return WorkflowRef{}, false
		}
		return WorkflowRef{WorkflowID: s}, true
	}
	e := l.expression(t, what)
	if e == nil {
		return WorkflowRef{}, false
	}
	if e.Source != expr.SourceSourceDescriptions {
		l.errorf(t.pos, "%s %q must be a workflowId or $sourceDescriptions.<name>.<workflowId>", what, s)
		return WorkflowRef{}, false
	}
	return WorkflowRef{Source: e.Owner, WorkflowID: e.Field}, true
}

// checkWorkflowRef checks that a parsed workflow reference can exist. The
// check runs once every workflow is built (a step may call a workflow
// written further down).
func (l *loader) checkWorkflowRef(ref WorkflowRef, p Pos, what string) {
	l.deferred = append(l.deferred, func() { l.checkWorkflowRefNow(ref, p, what) })
}

func (l *loader) checkWorkflowRefNow(ref WorkflowRef, p Pos, what string) {
	if ref.WorkflowID == "" && ref.Source == "" {
		return
	}
	if ref.Source == "" {
		if l.doc.Workflow(ref.WorkflowID) == nil {
			l.errorf(p, "%s: no workflow %q in this document", what, ref.WorkflowID).Hint = l.workflowHint(ref.WorkflowID)
		}
		return
	}
	src := l.doc.SourceDescription(ref.Source)
	if src == nil {
		l.errorf(p, "%s: no source description named %q", what, ref.Source).Hint = didYouMean(ref.Source, l.sourceNames())
		return
	}
	switch src.Type {
	case SourceArazzo:
	case "":
		l.warnf(p, "%s refers to a workflow of source %q, which has no type", what, ref.Source).Hint = "add type: arazzo to the source description"
	default:
		l.errorf(p, "%s refers to a workflow of source %q, which is not an arazzo description (type %s)", what, ref.Source, src.Type)
	}
}

// workflowHint suggests a local workflow, or explains how to name a
// workflow of another document.
func (l *loader) workflowHint(id string) string {
	if h := didYouMean(id, l.workflowIDs()); h != "" {
		return h
	}
	for _, s := range l.doc.SourceDescriptions {
		if s.Type == SourceArazzo {
			return "a workflow of another Arazzo document is written $sourceDescriptions." + s.Name + "." + id
		}
	}
	return ""
}

func (l *loader) step(t *tnode, w *Workflow, idx int) {
	s := w.Steps[idx]
	s.Description = str(t, "description")
	s.Extensions = extensions(t)
	var targets []string
	for _, f := range []string{"operationId", "operationPath", "workflowId"} {
		if t.get(f) != nil {
			targets = append(targets, f)
		}
	}
	s.OperationID, s.OperationPath, s.WorkflowID = str(t, "operationId"), str(t, "operationPath"), str(t, "workflowId")
	if len(targets) != 1 {
		l.errorf(s.Pos, msgStepTarget).Hint = targetHint(t)
	} else {
		switch targets[0] {
		case "operationId":
			if v := t.get("operationId"); v.kind == tString {
				l.operationID(s, v)
			}
		case "operationPath":
			if v := t.get("operationPath"); v.kind == tString {
				l.operationPath(s, v)
			}
		case "workflowId":
			if v := t.get("workflowId"); v.kind == tString {
				if ref, ok := l.workflowRef(v, "workflowId"); ok {
					s.Target = Target{Kind: TargetWorkflow, Source: ref.Source, WorkflowID: ref.WorkflowID}
					l.checkWorkflowRef(ref, v.pos, "step "+strconv.Quote(s.StepID))
					if ref.Source == "" && ref.WorkflowID == w.WorkflowID {
						l.warnf(v.pos, "step %q calls its own workflow %q: the recursion ends only if an action stops it", s.StepID, w.WorkflowID)
					}
				}
			}
		}
	}
	s.Parameters = l.parameters(t, w, idx, s.Target.Kind == TargetOperationID || s.Target.Kind == TargetOperationPath)
	if rb := t.get("requestBody"); rb != nil && rb.kind == tObject {
		s.RequestBody = l.requestBody(rb, w, idx)
		if s.Target.Kind == TargetWorkflow {
			l.warnf(rb.pos, "a step that calls a workflow sends no request body; requestBody is ignored")
		}
	}
	s.SuccessCriteria = l.criteria(t, "successCriteria", w, idx, phaseAfter)
	if t.get("successCriteria") == nil {
		l.warnf(s.Pos, "step %q has no successCriteria", s.StepID).Hint = "add e.g. successCriteria: [{condition: $statusCode == 200}] so failures are detected"
	}
	s.OnSuccess = l.actions(t, "onSuccess", SuccessAction, w, idx)
	s.OnFailure = l.actions(t, "onFailure", FailureAction, w, idx)
	s.Outputs = l.outputs(t, w, idx)
}

func (l *loader) operationID(s *Step, v *tnode) {
	id := v.str
	if strings.HasPrefix(id, "{$") {
		l.errorf(v.pos, "operationId %q must not be wrapped in braces", id).Hint = "write " + strings.TrimSuffix(strings.TrimPrefix(id, "{"), "}")
		return
	}
	if !strings.HasPrefix(id, "$") {
		s.Target = Target{Kind: TargetOperationID, OperationID: id}
		return
	}
	e := l.expression(v, "operationId")
	if e == nil {
		return
	}
	if e.Source != expr.SourceSourceDescriptions || e.Field == "" {
		l.errorf(v.pos, "operationId %q must be an operationId or $sourceDescriptions.<name>.<operationId>", id)
		return
	}
	s.Target = Target{Kind: TargetOperationID, Source: e.Owner, OperationID: e.Field}
	src := l.doc.SourceDescription(e.Owner)
	switch {
	case src == nil:
		l.errorf(v.pos, "operationId %q: no source description named %q", id, e.Owner).Hint = didYouMean(e.Owner, l.sourceNames())
	case src.Type == SourceArazzo:
		l.errorf(v.pos, "operationId %q names source %q, an arazzo description; operations live in OpenAPI sources", id, e.Owner).Hint = "to call a workflow, use workflowId"
	}
}

// operationPath parses "{$sourceDescriptions.<name>.url}#<json-pointer>".
// Two non-conformant spellings seen in the wild are accepted with a warning:
// "$sourceDescriptions.<name>#<ptr>" and "<name>#<ptr>".
func (l *loader) operationPath(s *Step, v *tnode) {
	op := v.str
	hash := strings.IndexByte(op, '#')
	if hash < 0 {
		l.errorf(v.pos, "operationPath %q has no '#' JSON pointer", op).Hint = "write '{$sourceDescriptions.<name>.url}#/paths/~1pets/get'"
		return
	}
	head, ptr := op[:hash], op[hash+1:]
	var source string
	canonical := func(name string) string { return "{$sourceDescriptions." + name + ".url}#" + ptr }
	switch {
	case strings.HasPrefix(head, "{") && strings.HasSuffix(head, "}"):
		inner := head[1 : len(head)-1]
		e, err := expr.Parse(inner)
		if err != nil {
			l.exprError(v, 1, err, "operationPath")
			return
		}
		if e.Source != expr.SourceSourceDescriptions || e.Field != "url" {
			l.errorf(v.pos, "operationPath must start with {$sourceDescriptions.<name>.url}, not %s", head)
			return
		}
		source = e.Owner
	case strings.HasPrefix(head, "$sourceDescriptions."):
		source = strings.TrimPrefix(head, "$sourceDescriptions.")
		source = strings.TrimSuffix(source, ".url")
		l.warnf(v.pos, "operationPath should name its source as {$sourceDescriptions.%s.url}", source).Hint = "write '" + canonical(source) + "'"
	case isIdentifier(head):
		source = head
		l.warnf(v.pos, "operationPath should name its source as {$sourceDescriptions.%s.url}, not by its bare name", source).Hint = "write '" + canonical(source) + "'"
	default:
		l.errorf(v.pos, "operationPath %q must start with {$sourceDescriptions.<name>.url}", op).Hint = "write '{$sourceDescriptions.<name>.url}#/paths/~1pets/get'"
		return
	}
	if strings.Contains(ptr, "%") {
		// A pointer in a URI fragment may be percent-encoded (RFC 6901 §6).
		if u, err := url.PathUnescape(ptr); err == nil {
			ptr = u
		}
	}
	if ptr != "" && ptr[0] != '/' {
		l.errorf(v.strAt(hash+1), "operationPath pointer %q must start with '/'", ptr).Hint = "e.g. #/paths/~1pets/get"
		return
	}
	if !strings.HasPrefix(ptr, "/paths/") && !strings.HasPrefix(ptr, "/webhooks/") {
		l.warnf(v.strAt(hash+1), "operationPath pointer %q does not point into /paths", ptr)
	}
	s.Target = Target{Kind: TargetOperationPath, Source: source, Pointer: ptr}
	src := l.doc.SourceDescription(source)
	switch {
	case src == nil:
		l.errorf(v.pos, "operationPath: no source description named %q", source).Hint = didYouMean(source, l.sourceNames())
	case src.Type == SourceArazzo:
		l.errorf(v.pos, "operationPath names source %q, an arazzo description; operations live in OpenAPI sources", source)
	}
}

// parameters builds the parameters list of a workflow (step < 0) or a step.
func (l *loader) parameters(t *tnode, w *Workflow, step int, needIn bool) []*Parameter {
	var out []*Parameter
	type key struct {
		in   ParameterIn
		name string
	}
	seen := map[key]Pos{}
	seenHeader := map[key]Pos{}
	// Workflow parameters are evaluated for each step, before its call.
	ph := phaseBefore
	for _, pt := range objects(t, "parameters") {
		var p *Parameter
		if pt.get("reference") != nil {
			p = l.reusableParameter(pt, w, step, ph)
			if p != nil && needIn && p.In == InNone {
				l.errorf(pt.pos, "parameter %q (from %s) has no \"in\"; a step that calls an operation needs it", p.Name, p.Reference).Hint = "add in: path, query, header or cookie to the component"
			}
		} else {
			p = l.plainParameter(pt, w, step, ph)
		}
		if p == nil {
			continue
		}
		out = append(out, p)
		if step >= 0 && !needIn && p.In != InNone && w.Steps[step].Target.Kind == TargetWorkflow && p.Reference == nil {
			l.warnf(p.FieldPos("in"), "parameter %q: \"in\" is ignored when the step calls a workflow (parameters become its inputs)", p.Name)
		}
		if p.Name == "" {
			continue
		}
		k := key{p.In, p.Name}
		if first, dup := seen[k]; dup {
			where := ""
			if p.In != InNone {
				where = fmt.Sprintf(" in %s", p.In)
			}
			l.errorf(p.Pos, "duplicate parameter %q%s (first at %s)", p.Name, where, posStr(first)).Hint = "a parameter is identified by its name and in"
			continue
		}
		seen[k] = p.Pos
		if p.In == InHeader {
			// Parameter names are case-sensitive (Parameter Object), so
			// these are distinct parameters and the document is valid; but
			// HTTP header names are not, and only one value is sent: the
			// last one written.
			hk := key{p.In, "\x00" + strings.ToLower(p.Name)}
			if first, dup := seenHeader[hk]; dup {
				l.warnf(p.Pos, "header parameter %q names the same HTTP header as the one at %s (header names are case-insensitive); only the last one is sent", p.Name, posStr(first))
			}
			seenHeader[hk] = p.Pos
		}
	}
	return out
}

func (l *loader) plainParameter(t *tnode, w *Workflow, step int, ph phase) *Parameter {
	p := &Parameter{Node: node(t), Name: str(t, "name"), In: ParameterIn(str(t, "in")), Extensions: extensions(t)}
	if v := t.get("value"); v != nil {
		p.Value = l.value(v, w, step, ph)
	}
	return p
}

// componentRef parses the reference of a Reusable Object and checks that it
// names a component of the wanted kind ("parameters", "successActions" or
// "failureActions").
func (l *loader) componentRef(t *tnode, want string) (*expr.Expression, string) {
	rt := t.get("reference")
	if rt == nil || rt.kind != tString {
		return nil, ""
	}
	e := l.expression(rt, "reference")
	if e == nil {
		return nil, ""
	}
	if e.Source != expr.SourceComponents || e.Owner != want {
		l.errorf(rt.pos, "this reference must name $components.%s.<name>, not %s", want, rt.str)
		return nil, ""
	}
	return e, e.Name
}

func (l *loader) reusableParameter(t *tnode, w *Workflow, step int, ph phase) *Parameter {
	ref, name := l.componentRef(t, "parameters")
	if ref == nil {
		return nil
	}
	comp := l.doc.Components.Parameters[name]
	if comp == nil {
		if l.badComponent["parameters/"+name] {
			return nil // the schema check reports the component
		}
		l.errorf(t.get("reference").pos, "no component parameter %q", name).Hint = didYouMean(name, sortedKeys(l.doc.Components.Parameters))
		return nil
	}
	p := &Parameter{Node: node(t), Name: comp.Name, In: comp.In, Value: comp.Value, Reference: ref, Extensions: comp.Extensions}
	if v := t.get("value"); v != nil {
		p.Value = l.value(v, w, step, ph)
	} else if comp.Value != nil && w != nil {
		// The component's expressions are evaluated in this workflow.
		l.collectValueRefs(comp.Value, t.pos, w, step, ph)
	}
	return p
}

func (l *loader) actions(t *tnode, field string, kind ActionKind, w *Workflow, step int) []*Action {
	var out []*Action
	want := "successActions"
	if kind == FailureAction {
		want = "failureActions"
	}
	names := map[string]Pos{}
	defer func() {
		for _, a := range out {
			if a.Name == "" {
				continue
			}
			if first, dup := names[a.Name]; dup {
				l.warnf(a.Pos, "%s lists two actions named %q (first at %s)", field, a.Name, posStr(first)).Hint = "the spec forbids duplicate actions in a list; give each a distinct name"
			} else {
				names[a.Name] = a.Pos
			}
		}
	}()
	for _, at := range objects(t, field) {
		var a *Action
		if at.get("reference") != nil {
			ref, name := l.componentRef(at, want)
			if ref == nil {
				continue
			}
			comp := l.doc.Components.SuccessActions[name]
			if kind == FailureAction {
				comp = l.doc.Components.FailureActions[name]
			}
			if comp == nil {
				if l.badComponent[want+"/"+name] {
					continue // the schema check reports the component
				}
				cands := sortedKeys(l.doc.Components.SuccessActions)
				if kind == FailureAction {
					cands = sortedKeys(l.doc.Components.FailureActions)
				}
				l.errorf(at.get("reference").pos, "no component %s %q", strings.TrimSuffix(want, "s"), name).Hint = didYouMean(name, cands)
				continue
			}
			if v := at.get("value"); v != nil {
				l.warnf(v.pos, "\"value\" applies only to parameter references; it is ignored here")
			}
			c := *comp
			c.Node = node(at)
			c.Reference = ref
			a = &c
			for _, cr := range a.Criteria {
				l.collectCriterionRefs(cr, at.pos, w, step)
			}
		} else {
			a = l.plainAction(at, kind, w, step)
		}
		out = append(out, a)
		l.checkAction(a, w)
	}
	return out
}

func (l *loader) plainAction(t *tnode, kind ActionKind, w *Workflow, step int) *Action {
	a := &Action{Node: node(t), Kind: kind, Name: str(t, "name"), Type: ActionType(str(t, "type")),
		StepID: str(t, "stepId"), WorkflowID: str(t, "workflowId"), Extensions: extensions(t)}
	if v := t.get("workflowId"); v != nil && v.kind == tString {
		a.WorkflowRef, _ = l.workflowRef(v, "workflowId")
	}
	if v := t.get("retryAfter"); v != nil && v.kind == tNumber {
		f := toFloat(v.val)
		a.RetryAfter = &f
	}
	if v := t.get("retryLimit"); v != nil && v.kind == tNumber {
		if i, ok := v.val.(int64); ok && i >= 0 && i <= 1<<31 {
			n := int(i)
			a.RetryLimit = &n
		}
	}
	ph := phaseAfter
	if step < 0 {
		ph = phaseWorkflow
	}
	a.Criteria = l.criteria(t, "criteria", w, step, ph)
	return a
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// checkAction checks that the fields of an action fit its type and that its
// targets exist in workflow w (nil for components: they are checked where
// they are used).
func (l *loader) checkAction(a *Action, w *Workflow) {
	via := ""
	if a.Reference != nil {
		via = " (from " + a.Reference.String() + ")"
	} else if !l.actionFits(a) {
		return
	}
	if w == nil {
		return
	}
	if a.StepID != "" && w.Step(a.StepID) == nil {
		l.errorf(a.FieldPos("stepId"), "action %q%s: no step %q in workflow %q", a.Name, via, a.StepID, w.WorkflowID).Hint = didYouMean(a.StepID, stepIDs(w))
	}
	if a.WorkflowID != "" {
		l.checkWorkflowRef(a.WorkflowRef, a.FieldPos("workflowId"), fmt.Sprintf("action %q%s", a.Name, via))
	}
}

// actionFits checks that the fields of a (written in place, not referenced)
// fit its type; false means its targets are not worth checking.
func (l *loader) actionFits(a *Action) bool {
	via := ""
	switch a.Type {
	case ActionEnd:
		if a.StepID != "" || a.WorkflowID != "" {
			f := "stepId"
			if a.StepID == "" {
				f = "workflowId"
			}
			l.errorf(a.FieldPos(f), "action %q%s is of type end, which takes no %s", a.Name, via, f).Hint = "use type: goto to transfer control"
			return false
		}
	case ActionRetry:
		if a.StepID != "" && a.WorkflowID != "" {
			l.errorf(a.Pos, "action %q%s has both stepId and workflowId; they are mutually exclusive", a.Name, via)
			return false
		}
	case ActionGoto:
		if (a.StepID != "") == (a.WorkflowID != "") {
			return false // the schema check reports it
		}
	default:
		return false
	}
	if a.Type != ActionRetry {
		for _, f := range []string{"retryAfter", "retryLimit"} {
			if _, ok := a.fields[f]; ok {
				l.warnf(a.FieldPos(f), "%s applies only to retry actions; it is ignored on a %s action", f, a.Type)
			}
		}
	}
	return true
}

func (l *loader) criteria(t *tnode, field string, w *Workflow, step int, ph phase) []*Criterion {
	var out []*Criterion
	for _, ct := range objects(t, field) {
		c := &Criterion{Node: node(ct), Context: str(ct, "context"), Condition: str(ct, "condition"), Extensions: extensions(ct)}
		tt := ct.get("type")
		valid := true
		switch {
		case tt == nil:
		case tt.kind == tString:
			c.Type = tt.str
			valid = typeFromField[c.Type]
		case tt.kind == tObject:
			c.Type, c.Version = str(tt, "type"), str(tt, "version")
			valid = l.expressionType(tt)
		default:
			valid = false
		}
		out = append(out, c)
		cond := ct.get("condition")
		if !valid || cond == nil || cond.kind != tString {
			continue // the schema check reports it
		}
		cc, err := criterion.Compile(criterion.Spec{Context: c.Context, Condition: c.Condition, Type: c.Type, Version: c.Version})
		if err != nil {
			l.criterionError(ct, c, err)
			continue
		}
		c.Compiled = cc
		if w != nil {
			l.collectCriterionRefs(c, Pos{}, w, step)
		}
		_ = ph
	}
	return out
}

func (l *loader) criterionError(ct *tnode, c *Criterion, err error) {
	var ce *criterion.Error
	if !errors.As(err, &ce) {
		l.errorf(c.Pos, "invalid criterion: %v", err)
		return
	}
	if ce.Field == "context" && ct.get("context") == nil {
		return // the schema check reports the missing context
	}
	ft := ct.get(ce.Field)
	if ft == nil && (ce.Field == "version" || ce.Field == "type") {
		ft = ct.get("type")
		if v := ft.get("version"); v != nil && ce.Field == "version" {
			ft = v
		}
	}
	p := c.Pos
	if ft != nil {
		p = ft.strAt(ce.Offset)
	}
	typ := c.Type
	if typ == "" {
		typ = "simple"
	}
	d := l.errorf(p, "invalid %s %s: %s", typ, ce.Field, ce.Msg)
	d.Hint = ce.Hint
}

func (l *loader) outputs(t *tnode, w *Workflow, step int) []*Output {
	ot := t.get("outputs")
	if ot == nil || ot.kind != tObject {
		return nil
	}
	ph := phaseAfter
	if step < 0 {
		ph = phaseOutputs
	}
	out := make([]*Output, 0, len(ot.keys))
	for i, name := range ot.keys {
		vt := ot.vals[i]
		o := &Output{Node: Node{Pos: ot.keyPos[i]}, Name: name}
		o.setField("value", vt.pos)
		if !isOutputName(name) {
			l.errorf(ot.keyPos[i], "output name %q must match ^[a-zA-Z0-9\\.\\-_]+$", name)
		}
		out = append(out, o)
		if vt.kind != tString {
			continue // the schema check reports it
		}
		tmpl, err := expr.ParseTemplate(vt.str)
		if err != nil {
			l.exprError(vt, 0, err, "output "+strconv.Quote(name))
			continue
		}
		o.Value = tmpl
		if tmpl.IsLiteral() {
			if msg, ok := expr.Suspicious(vt.str); ok {
				l.warnf(suspiciousPos(vt), "%s", msg)
			} else {
				l.warnf(vt.pos, "output %q is a constant, not a runtime expression", name).Hint = "outputs are usually expressions such as $response.body#/id"
			}
			continue
		}
		for _, e := range tmpl.Expressions() {
			l.use(e, vt, w, step, ph)
		}
	}
	return out
}

func (l *loader) requestBody(t *tnode, w *Workflow, step int) *RequestBody {
	rb := &RequestBody{Node: node(t), ContentType: str(t, "contentType"), Extensions: extensions(t)}
	if p := t.get("payload"); p != nil {
		rb.Payload = l.value(p, w, step, phaseBefore)
	}
	for _, rt := range objects(t, "replacements") {
		r := &Replacement{Node: node(rt), Target: str(rt, "target"), Extensions: extensions(rt)}
		if v := rt.get("value"); v != nil {
			r.Value = l.value(v, w, step, phaseBefore)
		}
		rb.Replacements = append(rb.Replacements, r)
	}
	return rb
}

// value builds a Value, parsing every string as a template.
func (l *loader) value(t *tnode, w *Workflow, step int, ph phase) *Value {
	v := &Value{Pos: t.pos, Kind: ValueLiteral}
	switch t.kind {
	case tString:
		tmpl, err := expr.ParseTemplate(t.str)
		if err != nil {
			l.exprError(t, 0, err, "value")
			v.Literal = t.str
			return v
		}
		if tmpl.IsLiteral() {
			if msg, ok := expr.Suspicious(t.str); ok {
				l.warnf(suspiciousPos(t), "%s", msg)
			}
			v.Literal = t.str
			return v
		}
		v.Kind = ValueTemplate
		v.Template = tmpl
		if w != nil {
			for _, e := range tmpl.Expressions() {
				l.use(e, t, w, step, ph)
			}
		}
	case tArray:
		literal := true
		items := make([]*Value, len(t.items))
		for i, it := range t.items {
			items[i] = l.value(it, w, step, ph)
			literal = literal && items[i].Kind == ValueLiteral
		}
		if literal {
			v.Literal = t.toJSON()
			return v
		}
		v.Kind, v.Items = ValueArray, items
	case tObject:
		literal := true
		members := make([]Member, len(t.keys))
		for i, k := range t.keys {
			members[i] = Member{Key: k, Value: l.value(t.vals[i], w, step, ph)}
			literal = literal && members[i].Value.Kind == ValueLiteral
		}
		if literal {
			v.Literal = t.toJSON()
			return v
		}
		v.Kind, v.Members = ValueObject, members
	default:
		v.Literal = t.val
	}
	return v
}

// collectValueRefs records the expressions of a Value built elsewhere (a
// component parameter) as used at pos.
func (l *loader) collectValueRefs(v *Value, p Pos, w *Workflow, step int, ph phase) {
	if v == nil {
		return
	}
	switch v.Kind {
	case ValueTemplate:
		for _, e := range v.Template.Expressions() {
			l.refs = append(l.refs, exprUse{e: e, pos: p, wf: w, step: step, phase: ph})
		}
	case ValueArray:
		for _, it := range v.Items {
			l.collectValueRefs(it, p, w, step, ph)
		}
	case ValueObject:
		for _, m := range v.Members {
			l.collectValueRefs(m.Value, p, w, step, ph)
		}
	}
}

func (l *loader) collectCriterionRefs(c *Criterion, p Pos, w *Workflow, step int) {
	if c.Compiled == nil || w == nil {
		return
	}
	ph := phaseAfter
	if step < 0 {
		ph = phaseWorkflow
	}
	for _, e := range c.Compiled.Expressions() {
		pos := p
		if !pos.IsValid() {
			pos = c.FieldPos("condition")
			if c.Context != "" && strings.Contains(c.Context, e.String()) && !strings.Contains(c.Condition, e.String()) {
				pos = c.FieldPos("context")
			}
		}
		l.refs = append(l.refs, exprUse{e: e, pos: pos, wf: w, step: step, phase: ph})
	}
}

// use records an expression found in the string t.
func (l *loader) use(e *expr.Expression, t *tnode, w *Workflow, step int, ph phase) {
	if w == nil {
		return
	}
	p := t.pos
	if i := strings.Index(t.str, e.String()); i >= 0 {
		p = t.strAt(i)
	}
	l.refs = append(l.refs, exprUse{e: e, pos: p, wf: w, step: step, phase: ph})
}

// expression parses the string t as exactly one runtime expression.
func (l *loader) expression(t *tnode, what string) *expr.Expression {
	e, err := expr.Parse(t.str)
	if err != nil {
		l.exprError(t, 0, err, what)
		return nil
	}
	return e
}

func (l *loader) exprError(t *tnode, base int, err error, what string) {
	var se *expr.SyntaxError
	if errors.As(err, &se) {
		l.errorf(t.strAt(base+se.Offset), "%s: invalid runtime expression %s: %s", what, quoteShort(t.str), se.Msg)
		return
	}
	l.errorf(t.pos, "%s: invalid runtime expression %s: %v", what, quoteShort(t.str), err)
}

func quoteShort(s string) string {
	if len(s) > 60 {
		cut := 57
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return strconv.Quote(s)
}

func (l *loader) workflowRefs(w *Workflow) {
	for i, ref := range w.DependsOnRefs {
		p := w.FieldPos("dependsOn/" + strconv.Itoa(i))
		if ref.Source == "" && ref.WorkflowID == w.WorkflowID && ref.WorkflowID != "" {
			continue // reported as a cycle
		}
		l.checkWorkflowRef(ref, p, "dependsOn")
	}
}

// dependsOnCycles reports each dependsOn cycle among local workflows once,
// naming it ("a -> b -> a").
func (l *loader) dependsOnCycles() {
	const (
		white = iota
		grey
		black
	)
	color := map[*Workflow]int{}
	var stack []*Workflow
	var visit func(w *Workflow)
	visit = func(w *Workflow) {
		color[w] = grey
		stack = append(stack, w)
		for i, ref := range w.DependsOnRefs {
			if ref.Source != "" {
				continue
			}
			d := l.doc.Workflow(ref.WorkflowID)
			if d == nil {
				continue
			}
			switch color[d] {
			case white:
				visit(d)
			case grey:
				var names []string
				start := 0
				for j, s := range stack {
					if s == d {
						start = j
					}
				}
				for _, s := range stack[start:] {
					names = append(names, s.WorkflowID)
				}
				names = append(names, d.WorkflowID)
				l.errorf(w.FieldPos("dependsOn/"+strconv.Itoa(i)), "dependsOn cycle: %s", strings.Join(names, " -> "))
			}
		}
		stack = stack[:len(stack)-1]
		color[w] = black
	}
	for _, w := range l.doc.Workflows {
		if color[w] == white {
			visit(w)
		}
	}
}

// runsBefore reports whether workflow t can have run by the time w's steps
// read its outputs: t is w itself, in w's dependsOn closure (local
// references), or called by a step or named by an action (a retry running
// it first) of w or of a workflow in that closure.
func (l *loader) runsBefore(t, w *Workflow) bool {
	seen := map[*Workflow]bool{}
	var visit func(x *Workflow) bool
	visit = func(x *Workflow) bool {
		if x == nil || seen[x] {
			return false
		}
		seen[x] = true
		if x == t {
			return true
		}
		calls := func(acts []*Action) bool {
			for _, a := range acts {
				if a != nil && a.WorkflowRef.Source == "" && a.WorkflowRef.WorkflowID == t.WorkflowID {
					return true
				}
			}
			return false
		}
		if calls(x.SuccessActions) || calls(x.FailureActions) {
			return true
		}
		for _, st := range x.Steps {
			if st != nil && st.Target.Kind == TargetWorkflow && st.Target.Source == "" && st.Target.WorkflowID == t.WorkflowID {
				return true
			}
			if st != nil && (calls(st.OnSuccess) || calls(st.OnFailure)) {
				// A retry running t first, or a goto to it.
				return true
			}
		}
		for _, ref := range x.DependsOnRefs {
			if ref.Source == "" && visit(l.doc.Workflow(ref.WorkflowID)) {
				return true
			}
		}
		return false
	}
	return visit(w)
}

// checkRefs checks every runtime expression that names something in this
// document: steps, workflows, source descriptions, components, inputs.
func (l *loader) checkRefs() {
	reach := map[*Workflow]*stepGraph{}
	for _, u := range l.refs {
		e, w := u.e, u.wf
		if isHTTP(e.Source) {
			switch {
			case u.phase == phaseBefore && isResponse(e.Source):
				l.warnf(u.pos, "%s is not available here: parameters and request bodies are evaluated before the call", e).Hint = "to use a previous step's response, declare it in that step's outputs and write $steps.<stepId>.outputs.<name>"
			case u.step >= 0 && w.Steps[u.step].Target.Kind == TargetWorkflow:
				l.warnf(u.pos, "%s has no value: step %q calls a workflow, not an operation", e, w.Steps[u.step].StepID).Hint = "read the called workflow's outputs with $outputs.<name>"
			case u.phase == phaseOutputs:
				l.warnf(u.pos, "%s has no value in workflow outputs, which are evaluated after the last step", e).Hint = "declare it in a step's outputs and write $steps.<stepId>.outputs.<name>"
			}
			continue
		}
		switch e.Source {
		case expr.SourceSteps:
			ti := w.StepIndex(e.Owner)
			if ti < 0 {
				l.errorf(u.pos, "%s: no step %q in workflow %q", e, e.Owner, w.WorkflowID).Hint = didYouMean(e.Owner, stepIDs(w))
				continue
			}
			target := w.Steps[ti]
			if !hasOutput(target.Outputs, e.Name) {
				d := l.errorf(u.pos, "%s: step %q has no output %q", e, e.Owner, e.Name)
				d.Hint = outputHint(target.Outputs, e.Name, "$steps."+e.Owner+".outputs.")
			}
			if u.step >= 0 && (u.phase == phaseBefore || u.phase == phaseAfter) && (ti > u.step || (ti == u.step && u.phase == phaseBefore)) {
				g := reach[w]
				if g == nil {
					g = newStepGraph(w)
					reach[w] = g
				}
				if !g.reaches(ti, u.step) {
					l.warnf(u.pos, "%s: step %q does not run before step %q", e, e.Owner, w.Steps[u.step].StepID).Hint = "a step's outputs exist only after it ran; no goto leads from it back here"
				}
			}
		case expr.SourceWorkflows:
			t := l.doc.Workflow(e.Owner)
			if t == nil {
				l.errorf(u.pos, "%s: no workflow %q in this document", e, e.Owner).Hint = didYouMean(e.Owner, l.workflowIDs())
				continue
			}
			if e.Field == "outputs" && !hasOutput(t.Outputs, e.Name) {
				l.errorf(u.pos, "%s: workflow %q has no output %q", e, e.Owner, e.Name).Hint = outputHint(t.Outputs, e.Name, "$workflows."+e.Owner+".outputs.")
			} else if e.Field == "outputs" && w != nil && !l.runsBefore(t, w) {
				l.warnf(u.pos, "%s: workflow %q does not run before workflow %q", e, e.Owner, w.WorkflowID).Hint = "a workflow's outputs exist only after it ran: add " + e.Owner + " to dependsOn of " + w.WorkflowID + ", or call it from a step and read $steps.<stepId>.outputs"
			}
		case expr.SourceSourceDescriptions:
			if l.doc.SourceDescription(e.Owner) == nil {
				l.errorf(u.pos, "%s: no source description named %q", e, e.Owner).Hint = didYouMean(e.Owner, l.sourceNames())
			}
		case expr.SourceComponents:
			c := &l.doc.Components
			var names []string
			switch e.Owner {
			case "inputs":
				names = sortedKeys(c.Inputs)
			case "parameters":
				names = sortedKeys(c.Parameters)
			case "successActions":
				names = sortedKeys(c.SuccessActions)
			case "failureActions":
				names = sortedKeys(c.FailureActions)
			default:
				l.errorf(u.pos, "%s: unknown component kind %q", e, e.Owner).Hint = didYouMean(e.Owner, []string{"inputs", "parameters", "successActions", "failureActions"})
				continue
			}
			if !contains(names, e.Name) {
				l.errorf(u.pos, "%s: no component %q in components.%s", e, e.Name, e.Owner).Hint = didYouMean(e.Name, names)
			}
		case expr.SourceInputs:
			if props, ok := l.inputProperties(w); ok && !contains(props, e.Name) {
				d := l.warnf(u.pos, "%s: workflow %q declares no input %q", e, w.WorkflowID, e.Name)
				if base, ptr, ok := dotPath(e.Name); ok && contains(props, base) {
					d.Hint = "to select inside input " + strconv.Quote(base) + " write $inputs." + base + "#" + ptr
				} else {
					d.Hint = didYouMean(e.Name, props)
				}
			}
		case expr.SourceOutputs:
			// In the outputs of a step that calls a workflow, $outputs are
			// the called workflow's outputs (the spec's pet-coupons example).
			if u.step < 0 {
				continue
			}
			t := w.Steps[u.step].Target
			if t.Kind != TargetWorkflow || t.Source != "" {
				continue
			}
			if callee := l.doc.Workflow(t.WorkflowID); callee != nil && !hasOutput(callee.Outputs, e.Name) {
				l.warnf(u.pos, "%s: workflow %q has no output %q", e, callee.WorkflowID, e.Name).Hint = outputHint(callee.Outputs, e.Name, "$outputs.")
			}
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func hasOutput(outs []*Output, name string) bool {
	for _, o := range outs {
		if o.Name == name {
			return true
		}
	}
	return false
}

// outputHint suggests a declared output, or the pointer form when the name
// reads like dot-navigation into an output ("body.id" for "body#/id").
func outputHint(outs []*Output, name, prefix string) string {
	names := make([]string, len(outs))
	for i, o := range outs {
		names[i] = o.Name
	}
	if base, ptr, ok := dotPath(name); ok && contains(names, base) {
		return "to select inside output " + strconv.Quote(base) + " write " + prefix + base + "#" + ptr
	}
	return didYouMean(name, names)
}

// dotPath splits JavaScript-style navigation ("groups[0].id") into the first
// name and a JSON pointer ("/0/id").
func dotPath(name string) (base, ptr string, ok bool) {
	i := strings.IndexAny(name, ".[")
	if i <= 0 {
		return "", "", false
	}
	rest := strings.NewReplacer("[", ".", "]", "").Replace(name[i:])
	var sb strings.Builder
	for _, tok := range strings.Split(rest, ".") {
		if tok != "" {
			sb.WriteString("/")
			sb.WriteString(strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1"))
		}
	}
	if sb.Len() == 0 {
		return "", "", false
	}
	return name[:i], sb.String(), true
}

// inputProperties returns the property names the workflow's inputs schema
// declares, following one $ref into components.inputs. ok is false when
// they cannot be known (no schema, no properties, or additional properties
// allowed explicitly).
func (l *loader) inputProperties(w *Workflow) ([]string, bool) {
	if w.Inputs == nil {
		return nil, false
	}
	m, ok := w.Inputs.Raw.(map[string]any)
	if !ok {
		return nil, false
	}
	if ref, ok := m["$ref"].(string); ok {
		name, found := strings.CutPrefix(ref, "#/components/inputs/")
		if !found {
			return nil, false
		}
		s := l.doc.Components.Inputs[name]
		if s == nil {
			return nil, false
		}
		if m, ok = s.Raw.(map[string]any); !ok {
			return nil, false
		}
	}
	props, ok := m["properties"].(map[string]any)
	if !ok {
		return nil, false
	}
	if ap, has := m["additionalProperties"]; has && ap != false {
		return nil, false
	}
	return sortedKeys(props), true
}

// stepGraph is the possible control flow between the steps of a workflow:
// the next step in order, and every goto/retry with a stepId (workflow-level
// actions apply to every step).
type stepGraph struct {
	next [][]int
}

func newStepGraph(w *Workflow) *stepGraph {
	g := &stepGraph{next: make([][]int, len(w.Steps))}
	var global []int
	for _, a := range append(append([]*Action(nil), w.SuccessActions...), w.FailureActions...) {
		if i := w.StepIndex(a.StepID); a.StepID != "" && i >= 0 {
			global = append(global, i)
		}
	}
	for i, s := range w.Steps {
		if i+1 < len(w.Steps) {
			g.next[i] = append(g.next[i], i+1)
		}
		g.next[i] = append(g.next[i], global...)
		for _, a := range append(append([]*Action(nil), s.OnSuccess...), s.OnFailure...) {
			if j := w.StepIndex(a.StepID); a.StepID != "" && j >= 0 {
				g.next[i] = append(g.next[i], j)
			}
		}
	}
	return g
}

// reaches reports whether control can flow from step a (after it ran) to step b.
func (g *stepGraph) reaches(a, b int) bool {
	seen := make([]bool, len(g.next))
	stack := append([]int(nil), g.next[a]...)
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if i == b {
			return true
		}
		if seen[i] {
			continue
		}
		seen[i] = true
		stack = append(stack, g.next[i]...)
	}
	return false
}

// expressionType checks a Criterion Expression Type Object (the official
// schema cannot, see schemaTranslator.alternatives).
func (l *loader) expressionType(t *tnode) bool {
	ok := true
	for i, k := range t.keys {
		switch k {
		case "type", "version":
			if t.vals[i].kind != tString {
				l.errorf(t.vals[i].pos, "%q must be a string, not %s", k, article(t.vals[i].kind.String()))
				ok = false
			}
		default:
			if !strings.HasPrefix(k, "x-") {
				l.errorf(t.keyPos[i], "unknown field %q in criterion expression type", k).Hint = didYouMean(k, []string{"type", "version"})
			}
		}
	}
	for _, f := range []string{"type", "version"} {
		if t.get(f) == nil {
			l.errorf(t.pos, "criterion expression type is missing required field %q", f)
			ok = false
		}
	}
	if v := t.get("type"); ok && v.str != "jsonpath" && v.str != "xpath" {
		l.errorf(v.pos, "\"type\" must be one of \"jsonpath\", \"xpath\", not %q", v.str).Hint = didYouMean(v.str, []string{"jsonpath", "xpath"})
		ok = false
	}
	return ok
}

// workflowParamsIn warns about workflow-level parameters without "in" when
// the workflow has steps that call operations: they are passed to every
// step, and an operation needs to know where each parameter goes.
func (l *loader) workflowParamsIn(w *Workflow) {
	ops := false
	for _, s := range w.Steps {
		ops = ops || s.Target.Kind == TargetOperationID || s.Target.Kind == TargetOperationPath
	}
	if !ops {
		return
	}
	for _, p := range w.Parameters {
		if p.In == InNone {
			l.warnf(p.Pos, "workflow parameter %q has no \"in\", but the workflow calls operations, which need it", p.Name).Hint = "add in: path, query, header or cookie"
		}
	}
}

// isHTTP reports whether s reads the HTTP exchange of the current step.
func isHTTP(s expr.Source) bool {
	switch s {
	case expr.SourceURL, expr.SourceMethod, expr.SourceStatusCode,
		expr.SourceRequestHeader, expr.SourceRequestQuery, expr.SourceRequestPath, expr.SourceRequestBody,
		expr.SourceResponseHeader, expr.SourceResponseQuery, expr.SourceResponsePath, expr.SourceResponseBody:
		return true
	}
	return false
}

func isResponse(s expr.Source) bool {
	switch s {
	case expr.SourceStatusCode, expr.SourceResponseHeader, expr.SourceResponseQuery, expr.SourceResponsePath, expr.SourceResponseBody:
		return true
	}
	return false
}

// suspiciousPos points at the first '$' of a string that almost holds a
// runtime expression (not one right after '{', which is a real embedding).
func suspiciousPos(t *tnode) Pos {
	for i := 0; i < len(t.str); i++ {
		if t.str[i] == '$' && (i == 0 || t.str[i-1] != '{') {
			return t.strAt(i)
		}
	}
	return t.pos
}
