package arazzo

import (
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
			d.checkStep(&s, st, src, openapiNames)
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

func (d *Document) checkStep(s *diagSink, st *Step, src Sources, openapiNames []string) {
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
			}
		default:
			s.errorf(p, "operationId %q: the document has no OpenAPI source description", t.OperationID)
		}
	case TargetOperationPath:
		os, ok := src.OpenAPI[t.Source]
		if ok && !os.HasOperationPointer(t.Pointer) {
			s.errorf(st.FieldPos("operationPath"), "operationPath: %q does not point to an operation in source %q", t.Pointer, t.Source).Hint = "the pointer must end with an HTTP method under /paths, with '/' in the path written ~1, e.g. #/paths/~1pets~1{petId}/get"
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

func operationHintAll(id string, src Sources, names []string) string {
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
