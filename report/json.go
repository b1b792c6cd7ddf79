package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"time"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/runtime"
)

// ReportVersion is the "reportVersion" of WriteJSON's output. It changes
// only when a field is removed, renamed or changes meaning; fields may be
// added without changing it.
const ReportVersion = 1

// The JSON report's shape. Field order here is the order written; see
// report.schema.json for the documentation of each field.
type (
	jsonReport struct {
		ReportVersion int            `json:"reportVersion"`
		Tool          jsonTool       `json:"tool"`
		Document      string         `json:"document"`
		WorkflowID    string         `json:"workflowId"`
		Verdict       string         `json:"verdict"`
		Error         *jsonError     `json:"error"`
		Started       *string        `json:"started"`
		DurationMs    float64        `json:"durationMs"`
		Inputs        map[string]any `json:"inputs"`
		Steps         []jsonStep     `json:"steps"`
		Outputs       map[string]any `json:"outputs"`
	}
	jsonTool struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	jsonError struct {
		// Kind is "step" (a step failed), "limit" (MaxSteps/MaxDepth),
		// "canceled" (interrupted or timed out) or "other".
		Kind       string `json:"kind"`
		Message    string `json:"message"`
		WorkflowID string `json:"workflowId,omitempty"`
		StepID     string `json:"stepId,omitempty"`
		Attempt    int    `json:"attempt,omitempty"`
	}
	jsonStep struct {
		StepID         string          `json:"stepId"`
		Attempt        int             `json:"attempt"`
		WorkflowID     string          `json:"workflowId"`
		Source         string          `json:"source,omitempty"`
		Depth          int             `json:"depth"`
		Operation      *jsonOperation  `json:"operation,omitempty"`
		CalledWorkflow string          `json:"calledWorkflow,omitempty"`
		Verdict        string          `json:"verdict"`
		Reason         string          `json:"reason,omitempty"`
		Error          string          `json:"error,omitempty"`
		Started        *string         `json:"started"`
		DurationMs     float64         `json:"durationMs"`
		Request        *jsonRequest    `json:"request"`
		Response       *jsonResponse   `json:"response"`
		Criteria       []jsonCriterion `json:"criteria"`
		Action         *jsonAction     `json:"action"`
		Outputs        map[string]any  `json:"outputs"`
		Contract       []jsonProblem   `json:"contract,omitempty"`
	}
	// jsonProblem is a difference between the exchange and the OpenAPI
	// description (runtime.StepRun.Contract).
	jsonProblem struct {
		In            string `json:"in"`
		Kind          string `json:"kind"`
		Pointer       string `json:"pointer,omitempty"`
		SchemaPointer string `json:"schemaPointer,omitempty"`
		Message       string `json:"message"`
	}
	jsonOperation struct {
		Source      string `json:"source"`
		OperationID string `json:"operationId,omitempty"`
		Method      string `json:"method"`
		Path        string `json:"path"`
	}
	jsonRequest struct {
		Method  string       `json:"method"`
		URL     string       `json:"url"`
		Headers []jsonHeader `json:"headers"`
		Body    *jsonBody    `json:"body"`
	}
	jsonResponse struct {
		Status     int          `json:"status"`
		StatusText string       `json:"statusText"`
		Headers    []jsonHeader `json:"headers"`
		Body       *jsonBody    `json:"body"`
	}
	jsonHeader struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	jsonBody struct {
		MimeType  string `json:"mimeType,omitempty"`
		Size      int    `json:"size"`
		Truncated bool   `json:"truncated"`
		Encoding  string `json:"encoding"`
		// Content is the JSON value (encoding "json"), the text ("text")
		// or the base64 of the bytes ("base64").
		Content json.RawMessage `json:"content"`
	}
	jsonCriterion struct {
		Condition   string   `json:"condition"`
		Type        string   `json:"type"`
		Context     string   `json:"context,omitempty"`
		Passed      bool     `json:"passed"`
		Explanation string   `json:"explanation,omitempty"`
		Error       string   `json:"error,omitempty"`
		Pos         *jsonPos `json:"pos,omitempty"`
	}
	jsonPos struct {
		File string `json:"file,omitempty"`
		Line int    `json:"line"`
		Col  int    `json:"col"`
	}
	jsonAction struct {
		Kind          string          `json:"kind"`
		Type          string          `json:"type"`
		Name          string          `json:"name,omitempty"`
		Default       bool            `json:"default"`
		Summary       string          `json:"summary"`
		StepID        string          `json:"stepId,omitempty"`
		WorkflowID    string          `json:"workflowId,omitempty"`
		Retry         *jsonRetry      `json:"retry,omitempty"`
		Criteria      []jsonCriterion `json:"criteria"`
		WorkflowLevel bool            `json:"workflowLevel"`
		Pos           *jsonPos        `json:"pos,omitempty"`
	}
	jsonRetry struct {
		N              int     `json:"n"`
		Limit          int     `json:"limit"`
		WaitMs         float64 `json:"waitMs"`
		FromRetryAfter bool    `json:"fromRetryAfter"`
	}
)

// WriteJSON writes the JSON run report of res, masked, indented, followed
// by a newline. Its shape is described by Schema (report.schema.json).
func WriteJSON(w io.Writer, res *runtime.Result, meta Meta, redact Redactor) error {
	if res == nil {
		return errors.New("report: no result to write")
	}
	m := newMasker([]*runtime.Result{res}, meta, redact)
	rep := buildJSON(res, meta, m)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return errors.New("report: encoding the JSON report: " + m.errString(err))
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func buildJSON(res *runtime.Result, meta Meta, m *masker) *jsonReport {
	rep := &jsonReport{
		ReportVersion: ReportVersion,
		Tool:          jsonTool{Name: meta.tool(), Version: meta.Version},
		Document:      m.url(meta.Document),
		WorkflowID:    res.WorkflowID,
		Verdict:       verdict(res.Success),
		Error:         jsonErr(res, m),
		Started:       timeString(runStart(res, meta)),
		DurationMs:    ms(res.Duration),
		Inputs:        m.inputs(meta.Inputs, meta.secretSet()),
		Steps:         make([]jsonStep, 0, len(res.Steps)),
		Outputs:       m.values(res.Outputs, nil),
	}
	for _, s := range res.Steps {
		if s == nil {
			continue
		}
		rep.Steps = append(rep.Steps, jsonStepOf(s, m))
	}
	return rep
}

func jsonStepOf(s *runtime.StepRun, m *masker) jsonStep {
	js := jsonStep{
		StepID:         s.StepID,
		Attempt:        s.Attempt,
		WorkflowID:     s.Workflow,
		Source:         s.Source,
		Depth:          s.Depth,
		CalledWorkflow: s.CalledWorkflow,
		Verdict:        verdict(s.Success),
		Reason:         m.str(s.Reason()),
		Error:          m.errString(s.Err),
		Started:        timeString(s.Started),
		DurationMs:     ms(s.Duration),
		Criteria:       jsonCriteria(s.Criteria, m),
		Action:         jsonActionOf(s.Action, m),
		Outputs:        m.values(s.Outputs, nil),
	}
	for _, p := range s.Contract {
		js.Contract = append(js.Contract, jsonProblem{In: p.In, Kind: string(p.Kind), Pointer: p.Pointer, SchemaPointer: p.SchemaPointer, Message: m.str(p.Message)})
	}
	if js.Reason == js.Error {
		js.Reason = "" // said once is enough
		if js.Error == "" && !s.Success {
			js.Reason = "failed"
		}
	}
	if s.CalledWorkflow == "" && (s.Method != "" || s.OperationSource != "" || s.OperationID != "") {
		js.Operation = &jsonOperation{Source: s.OperationSource, OperationID: s.OperationID, Method: s.Method, Path: s.PathTemplate}
	}
	if r := s.Request; r != nil {
		js.Request = &jsonRequest{
			Method:  r.Method,
			URL:     m.url(r.URL),
			Headers: jsonHeaders(m.headers(r.Header)),
			Body:    jsonBodyOf(m.body(r.Body, r.Header.Get("Content-Type"))),
		}
	}
	if r := s.Response; r != nil {
		js.Response = &jsonResponse{
			Status:     r.StatusCode,
			StatusText: http.StatusText(r.StatusCode),
			Headers:    jsonHeaders(m.headers(r.Header)),
			Body:       jsonBodyOf(m.body(r.Body, r.Header.Get("Content-Type"))),
		}
	}
	return js
}

func jsonHeaders(h []headerPair) []jsonHeader {
	out := make([]jsonHeader, len(h))
	for i, p := range h {
		out[i] = jsonHeader{Name: p.Name, Value: p.Value}
	}
	return out
}

func jsonBodyOf(b *maskedBody) *jsonBody {
	if b == nil {
		return nil
	}
	jb := &jsonBody{MimeType: b.MimeType, Size: b.Size, Truncated: b.Truncated, Encoding: b.Encoding}
	if b.Encoding == encJSON {
		jb.Content = b.JSON
	} else {
		jb.Content = appendJSONString(nil, b.Text)
	}
	return jb
}

func jsonCriteria(cs []runtime.CriterionResult, m *masker) []jsonCriterion {
	out := make([]jsonCriterion, 0, len(cs))
	for _, c := range cs {
		out = append(out, jsonCriterion{
			Condition:   m.str(c.Condition),
			Type:        c.Type,
			Context:     m.str(c.Context),
			Passed:      c.Passed,
			Explanation: m.str(c.Explanation),
			Error:       m.errString(c.Err),
			Pos:         jsonPosOf(c.Pos, m),
		})
	}
	return out
}

func jsonPosOf(p arazzo.Pos, m *masker) *jsonPos {
	if !p.IsValid() {
		return nil
	}
	return &jsonPos{File: m.str(p.File), Line: p.Line, Col: p.Col}
}

func jsonActionOf(a *runtime.ActionTaken, m *masker) *jsonAction {
	if a == nil {
		return nil
	}
	ja := &jsonAction{
		Kind:          actionKind(a.Kind),
		Type:          actionType(a),
		Name:          a.Name,
		Default:       a.Default,
		Summary:       m.str(a.String()),
		StepID:        a.StepID,
		WorkflowID:    a.WorkflowID,
		Criteria:      jsonCriteria(a.Criteria, m),
		WorkflowLevel: a.WorkflowLevel,
		Pos:           jsonPosOf(a.Pos, m),
	}
	if a.Type == arazzo.ActionRetry {
		ja.Retry = &jsonRetry{N: a.Retry, Limit: a.RetryLimit, WaitMs: ms(a.RetryAfter), FromRetryAfter: a.RetryFromHeader}
	}
	return ja
}

// actionType is the action's type, or for a default action "next"
// (success: the next step) or "break" (failure: the workflow fails).
func actionType(a *runtime.ActionTaken) string {
	if a.Default || a.Type == "" {
		if a.Kind == arazzo.SuccessAction {
			return "next"
		}
		return "break"
	}
	return string(a.Type)
}

func actionKind(k arazzo.ActionKind) string {
	if k == arazzo.SuccessAction {
		return "success"
	}
	return "failure"
}

func jsonErr(res *runtime.Result, m *masker) *jsonError {
	if res.Err == nil {
		if res.Success {
			return nil
		}
		return &jsonError{Kind: "other", Message: "failed"}
	}
	je := &jsonError{Kind: errKind(res.Err), Message: m.errString(res.Err)}
	var se *runtime.StepError
	var le *runtime.LimitError
	switch {
	case errors.As(res.Err, &se):
		je.WorkflowID, je.StepID, je.Attempt = se.Workflow, se.Step, se.Attempt
	case errors.As(res.Err, &le):
		je.WorkflowID, je.StepID = le.Workflow, le.Step
	}
	return je
}

func errKind(err error) string {
	var se *runtime.StepError
	var le *runtime.LimitError
	switch {
	case errors.As(err, &le):
		return "limit"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	case errors.As(err, &se):
		return "step"
	}
	return "other"
}

func verdict(ok bool) string {
	if ok {
		return "passed"
	}
	return "failed"
}

// ms is d in milliseconds, rounded to the microsecond; never negative (a
// clock that went backwards measures nothing).
func ms(d time.Duration) float64 {
	if d < 0 {
		return 0
	}
	return math.Round(float64(d)/1e3) / 1e3
}

// timeFormat is RFC 3339 with milliseconds, the form HAR requires and the
// JSON report shares.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

// timeString is t in timeFormat, nil when unknown.
func timeString(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(timeFormat)
	return &s
}

// runStart is Meta.Started, else the first attempt's start.
func runStart(res *runtime.Result, meta Meta) time.Time {
	if !meta.Started.IsZero() {
		return meta.Started
	}
	for _, s := range res.Steps {
		if s != nil && !s.Started.IsZero() {
			return s.Started
		}
	}
	return time.Time{}
}

func (meta Meta) tool() string {
	if meta.Tool == "" {
		return "arazzo"
	}
	return meta.Tool
}

func (meta Meta) secretSet() map[string]bool {
	s := make(map[string]bool, len(meta.SecretInputs))
	for _, n := range meta.SecretInputs {
		s[n] = true
	}
	return s
}
