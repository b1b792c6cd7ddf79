package arazzo

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Check runs the checks that need the loaded source descriptions:
// operationIds exist (in the named source or, unqualified, in the only
// OpenAPI source), operationPath pointers resolve, and workflowIds of arazzo
// sources exist. A source missing from src (it failed to load, which the
// loader reports) is not checked.
func (d *Document) Check(src Sources) Diagnostics {
	if d == nil {
		return nil
	}
	var s diagSink
	var openapiNames []string
	for _, sd := range d.SourceDescriptions {
		if sd.Type != SourceArazzo {
			openapiNames = append(openapiNames, sd.Name)
		}
	}
	for _, w := range d.Workflows {
		for _, st := range w.Steps {
			d.checkStep(&s, w, st, src, openapiNames)
		}
		for i, ref := range w.DependsOnRefs {
			checkExternalWorkflow(&s, ref, w.FieldPos("dependsOn/"+strconv.Itoa(i)), src)
		}
		for _, a := range w.SuccessActions {
			checkExternalWorkflow(&s, a.WorkflowRef, a.FieldPos("workflowId"), src)
		}
		for _, a := range w.FailureActions {
			checkExternalWorkflow(&s, a.WorkflowRef, a.FieldPos("workflowId"), src)
		}
	}
	ds := s.diags.dedupe()
	ds.Sort()
	return ds
}

func (d *Document) checkStep(s *diagSink, w *Workflow, st *Step, src Sources, openapiNames []string) {
	t := st.Target
	switch t.Kind {
	case TargetOperationID:
		p := st.FieldPos("operationId")
		if t.Source != "" {
			os, ok := src.OpenAPI[t.Source]
			if !ok {
				return
			}
			if !os.HasOperationID(t.OperationID) {
				s.errorf(p, "no operation %q in source %q", t.OperationID, t.Source).Hint = operationHint(t.OperationID, os, src, t.Source)
			} else {
				checkPathParams(s, w, st, os, t.OperationID, "", p)
			}
			return
		}
		var found []string
		for _, name := range openapiNames {
			if os, ok := src.OpenAPI[name]; ok && os.HasOperationID(t.OperationID) {
				found = append(found, name)
			}
		}
		switch {
		case len(openapiNames) > 1:
			d := s.errorf(p, "operationId %q must be written $sourceDescriptions.<name>.%s: the document has %d OpenAPI source descriptions", t.OperationID, t.OperationID, len(openapiNames))
			switch len(found) {
			case 1:
				d.Hint = "it is unique to source " + strconv.Quote(found[0]) + ": write $sourceDescriptions." + found[0] + "." + t.OperationID
			case 0:
				d.Hint = "no source has this operationId"
				if h := operationHintAll(t.OperationID, src, openapiNames); h != "" {
					d.Hint = h
				}
			default:
				d.Hint = "it exists in sources " + strings.Join(found, ", ") + ": name the one you mean"
			}
		case len(openapiNames) == 1:
			os, ok := src.OpenAPI[openapiNames[0]]
			if ok && len(found) == 0 {
				s.errorf(p, "no operation %q in source %q", t.OperationID, openapiNames[0]).Hint = operationHint(t.OperationID, os, src, openapiNames[0])
			} else if ok {
				checkPathParams(s, w, st, os, t.OperationID, "", p)
			}
		default:
			s.errorf(p, "operationId %q: the document has no OpenAPI source description", t.OperationID)
		}
	case TargetOperationPath:
		os, ok := src.OpenAPI[t.Source]
		if ok && !os.HasOperationPointer(t.Pointer) {
			s.errorf(st.FieldPos("operationPath"), "operationPath: %q does not point to an operation in source %q", t.Pointer, t.Source).Hint = "the pointer must end with an HTTP method under /paths, with '/' in the path written ~1, e.g. #/paths/~1pets~1{petId}/get"
		} else if ok {
			checkPathParams(s, w, st, os, "", t.Pointer, st.FieldPos("operationPath"))
		}
	case TargetWorkflow:
		checkExternalWorkflow(s, WorkflowRef{Source: t.Source, WorkflowID: t.WorkflowID}, st.FieldPos("workflowId"), src)
	}
	for _, a := range st.OnSuccess {
		checkExternalWorkflow(s, a.WorkflowRef, a.FieldPos("workflowId"), src)
	}
	for _, a := range st.OnFailure {
		checkExternalWorkflow(s, a.WorkflowRef, a.FieldPos("workflowId"), src)
	}
}

// operationHint suggests an operationId of the same source, or points to
// the other source that has the id.
func operationHint(id string, os OperationSource, src Sources, source string) string {
	if h := shorthandHint(id, src); h != "" {
		return h
	}
	if h := didYouMean(id, os.OperationIDs()); h != "" {
		return h
	}
	var others []string
	for name, o := range src.OpenAPI {
		if name != source && o.HasOperationID(id) {
			others = append(others, name)
		}
	}
	sort.Strings(others)
	if len(others) > 0 {
		return "source " + strconv.Quote(others[0]) + " has it: write $sourceDescriptions." + others[0] + "." + id
	}
	return ""
}

// shorthandHint recognises "source.operationId" (a shorthand some tools
// accept; Arazzo 1.0.1 qualifies with $sourceDescriptions.<name>.) and
// gives the spelling the spec wants.
func shorthandHint(id string, src Sources) string {
	name, op, ok := strings.Cut(id, ".")
	if !ok {
		return ""
	}
	if os, found := src.OpenAPI[name]; found && os.HasOperationID(op) {
		return "write $sourceDescriptions." + name + "." + op
	}
	return ""
}

func operationHintAll(id string, src Sources, names []string) string {
	if h := shorthandHint(id, src); h != "" {
		return h
	}
	for _, name := range names {
		if os, ok := src.OpenAPI[name]; ok {
			if c := suggest(id, os.OperationIDs()); c != "" {
				return "did you mean \"$sourceDescriptions." + name + "." + c + "\"?"
			}
		}
	}
	return ""
}

func checkExternalWorkflow(s *diagSink, ref WorkflowRef, p Pos, src Sources) {
	if ref.Source == "" || ref.WorkflowID == "" {
		return
	}
	doc, ok := src.Arazzo[ref.Source]
	if !ok || doc == nil {
		return
	}
	if doc.Workflow(ref.WorkflowID) == nil {
		ids := make([]string, len(doc.Workflows))
		for i, w := range doc.Workflows {
			ids[i] = w.WorkflowID
		}
		s.errorf(p, "no workflow %q in source %q", ref.WorkflowID, ref.Source).Hint = didYouMean(ref.WorkflowID, ids)
	}
}

// checkPathParams reports, when the source can tell the operation's path
// template (OperationTemplates), a path parameter of the step that is not a
// variable of the template (names are case-sensitive: Arazzo 1.0.1,
// Parameter Object) and a template variable that neither the step nor its
// workflow gives a value. Either would fail the request at run time, after
// the steps before it have already changed things on the server; reporting
// it here means nothing is sent. Workflow-level path parameters that a step's
// template does not use are fine: they apply to the steps that need them.
func checkPathParams(s *diagSink, w *Workflow, st *Step, os OperationSource, id, ptr string, at Pos) {
	ot, ok := os.(OperationTemplates)
	if !ok || w == nil {
		return
	}
	method, path, ok := ot.OperationTemplate(id, ptr)
	if !ok {
		return
	}
	vars := pathVariables(path)
	given, explained := map[string]bool{}, map[string]bool{}
	for _, p := range w.Parameters {
		if p != nil && p.In == InPath {
			given[p.Name] = true
		}
	}
	for _, p := range st.Parameters {
		if p != nil && p.In == InNone {
			// Its missing "in" is reported already; do not report the
			// same mistake twice.
			explained[p.Name] = true
		}
		if p == nil || p.In != InPath {
			continue
		}
		given[p.Name] = true
		if slices.Contains(vars, p.Name) {
			continue
		}
		d := s.errorf(p.Pos, "path parameter %q is not a variable of %s %s", p.Name, method, path)
		if c := suggest(p.Name, vars); c != "" && !given[c] {
			d.Hint = "did you mean \"" + c + "\"? (parameter names are case-sensitive)"
			explained[c] = true
		} else if len(vars) == 0 {
			d.Hint = "the path has no variables: remove the parameter or use in: query"
		} else {
			d.Hint = "the path's variables are " + strings.Join(vars, ", ")
		}
	}
	for _, v := range vars {
		if given[v] || explained[v] {
			continue
		}
		s.errorf(at, "step %q: %s %s needs a value for path parameter %q", st.StepID, method, path, v).Hint = "add a parameter {name: " + v + ", in: path, value: ...} to the step (or to its workflow)"
	}
}

// pathVariables returns the {name} variables of an OpenAPI path template,
// in order, without duplicates.
func pathVariables(path string) []string {
	var vars []string
	for {
		i := strings.IndexByte(path, '{')
		if i < 0 {
			return vars
		}
		j := strings.IndexByte(path[i:], '}')
		if j < 0 {
			return vars
		}
		if v := path[i+1 : i+j]; v != "" && !slices.Contains(vars, v) {
			vars = append(vars, v)
		}
		path = path[i+j+1:]
	}
}
