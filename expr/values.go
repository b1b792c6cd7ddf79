package expr

import "strings"

// Values is a simple, map-based Context for tests, examples and embedders. Nil
// maps and zero fields mean "not available". Header lookups are
// case-insensitive; everything else is case-sensitive.
type Values struct {
	URL        string
	Method     string
	StatusCode int // 0: no response yet

	RequestHeaders  map[string]string
	RequestQuery    map[string]any
	RequestPath     map[string]any
	RequestBody     any
	HasRequestBody  bool // RequestBody is set (it may legitimately be null)
	ResponseHeaders map[string]string
	ResponseQuery   map[string]any
	ResponsePath    map[string]any
	ResponseBody    any
	HasResponseBody bool // ResponseBody is set (it may legitimately be null)

	Inputs  map[string]any
	Outputs map[string]any
	// Steps maps a stepId to that step's outputs.
	Steps map[string]map[string]any
	// Workflows maps a workflowId to its inputs and outputs.
	Workflows map[string]WorkflowValues
	// SourceDescriptions maps a source name to its members ("url", operationIds,
	// workflowIds) as Expression.Field names them.
	SourceDescriptions map[string]map[string]any
	// Components maps a component kind (inputs, parameters, successActions,
	// failureActions) to named components.
	Components map[string]map[string]any
}

// WorkflowValues holds one workflow's inputs and outputs.
type WorkflowValues struct {
	Inputs  map[string]any
	Outputs map[string]any
}

// MapContext is another name for Values.
type MapContext = Values

var _ Context = (*Values)(nil)

// Value implements Context.
func (v *Values) Value(e *Expression) (any, bool) {
	switch e.Source {
	case SourceURL:
		return v.URL, v.URL != ""
	case SourceMethod:
		return v.Method, v.Method != ""
	case SourceStatusCode:
		return v.StatusCode, v.StatusCode != 0
	case SourceRequestHeader:
		return header(v.RequestHeaders, e.Name)
	case SourceRequestQuery:
		return lookup(v.RequestQuery, e.Name)
	case SourceRequestPath:
		return lookup(v.RequestPath, e.Name)
	case SourceRequestBody:
		return v.RequestBody, v.HasRequestBody || v.RequestBody != nil
	case SourceResponseHeader:
		return header(v.ResponseHeaders, e.Name)
	case SourceResponseQuery:
		return lookup(v.ResponseQuery, e.Name)
	case SourceResponsePath:
		return lookup(v.ResponsePath, e.Name)
	case SourceResponseBody:
		return v.ResponseBody, v.HasResponseBody || v.ResponseBody != nil
	case SourceInputs:
		return lookup(v.Inputs, e.Name)
	case SourceOutputs:
		return lookup(v.Outputs, e.Name)
	case SourceSteps:
		return lookup(v.Steps[e.Owner], e.Name)
	case SourceWorkflows:
		w, ok := v.Workflows[e.Owner]
		if !ok {
			return nil, false
		}
		if e.Field == "inputs" {
			return lookup(w.Inputs, e.Name)
		}
		return lookup(w.Outputs, e.Name)
	case SourceSourceDescriptions:
		return lookup(v.SourceDescriptions[e.Owner], e.Field)
	case SourceComponents:
		return lookup(v.Components[e.Owner], e.Name)
	}
	return nil, false
}

func lookup(m map[string]any, k string) (any, bool) {
	r, ok := m[k]
	return r, ok
}

// header looks a header up case-insensitively, trying the exact spelling first so
// the common case does not allocate.
func header(m map[string]string, name string) (any, bool) {
	if r, ok := m[name]; ok {
		return r, true
	}
	for k, r := range m {
		if strings.EqualFold(k, name) {
			return r, true
		}
	}
	return nil, false
}
