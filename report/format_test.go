package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/runtime"
)

func decodeReport(t *testing.T, res *runtime.Result, meta Meta) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, res, meta, nil); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func decodeHAR(t *testing.T, res *runtime.Result, meta Meta) harFile {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHAR(&buf, res, meta, nil); err != nil {
		t.Fatal(err)
	}
	var h harFile
	if err := json.Unmarshal(buf.Bytes(), &h); err != nil {
		t.Fatal(err)
	}
	return h
}

func decodeJUnit(t *testing.T, meta Meta, results ...*runtime.Result) xSuites {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, results, meta, nil); err != nil {
		t.Fatal(err)
	}
	var s xSuites
	if err := xml.Unmarshal(buf.Bytes(), &s); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.Bytes())
	}
	return s
}

func TestErrorKinds(t *testing.T) {
	tr, _ := transportRun()
	lr, _ := limitRun()
	tests := []struct {
		name              string
		res               *runtime.Result
		kind, step, jcase string // JSON error kind and step; JUnit verdict of the failing case
	}{
		{"transport", tr, "step", "down", "error:error:"},
		{"limit", lr, "limit", "again", "error:limit:"},
		{"canceled", &runtime.Result{WorkflowID: "w", Err: errorsJoin()}, "canceled", "", "error:canceled:"},
		{"failed without error", &runtime.Result{WorkflowID: "w"}, "other", "", "error:error:failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := decodeReport(t, tt.res, Meta{})
			e, _ := rep["error"].(map[string]any)
			if e == nil || e["kind"] != tt.kind || (tt.step != "" && e["stepId"] != tt.step) {
				t.Errorf("error = %v, want kind %s step %s", rep["error"], tt.kind, tt.step)
			}
			s := decodeJUnit(t, Meta{}, tt.res)
			if s.Errors != 1 || s.Failures != 0 {
				t.Errorf("junit errors=%d failures=%d", s.Errors, s.Failures)
			}
			found := false
			for _, c := range s.Suites[0].Cases {
				if strings.HasPrefix(c.verdict(), tt.jcase) {
					found = true
				}
			}
			if !found {
				t.Errorf("no case %q in %+v", tt.jcase, s.Suites[0].Cases)
			}
		})
	}
}

// errorsJoin is a canceled error as the executor returns it: wrapped.
func errorsJoin() error { return errors.Join(errors.New("interrupted"), contextCanceled()) }

func TestHARTransportError(t *testing.T) {
	res, _ := transportRun()
	h := decodeHAR(t, res, Meta{})
	if len(h.Log.Entries) != 1 {
		t.Fatalf("%d entries", len(h.Log.Entries))
	}
	e := h.Log.Entries[0]
	if e.Response.Status != 0 || !strings.Contains(e.Error, "connection refused") || e.Response.Content.MimeType == "" {
		t.Errorf("response %+v error %q", e.Response, e.Error)
	}
	if e.Timings.Wait < 0 || e.Timings.Send < 0 || e.Timings.Receive < 0 {
		t.Errorf("negative required timings %+v", e.Timings)
	}
}

func TestBodiesInFormats(t *testing.T) {
	res, meta := bodiesRun()
	rep := decodeReport(t, res, meta)
	type want struct {
		enc       string
		truncated bool
	}
	wants := []want{{encBase64, true}, {encText, true}, {encText, true}}
	for i, w := range wants {
		b := step(rep, i)["response"].(map[string]any)["body"].(map[string]any)
		if b["encoding"] != w.enc || b["truncated"] != w.truncated {
			t.Errorf("step %d body: encoding %v truncated %v, want %+v", i, b["encoding"], b["truncated"], w)
		}
		if s, _ := b["content"].(string); !utf8.ValidString(s) {
			t.Errorf("step %d: content not UTF-8", i)
		}
	}
	req := step(rep, 0)["request"].(map[string]any)["body"].(map[string]any)
	if req["encoding"] != encBase64 || req["truncated"] != false {
		t.Errorf("binary request body %v", req)
	}
	h := decodeHAR(t, res, meta)
	c := h.Log.Entries[0].Response.Content
	if c.Encoding != "base64" || !strings.Contains(c.Comment, "truncated") || c.Size != len(res.Steps[0].Response.Body) {
		t.Errorf("HAR binary content %+v", harContent{Size: c.Size, Encoding: c.Encoding, Comment: c.Comment})
	}
	if h.Log.Entries[0].Request.PostData.Comment != "base64" {
		t.Errorf("HAR binary postData comment %q", h.Log.Entries[0].Request.PostData.Comment)
	}
	if h.Log.Entries[2].Response.Content.MimeType != "x-unknown" {
		t.Errorf("no Content-Type: mimeType %q", h.Log.Entries[2].Response.Content.MimeType)
	}
}

// TestJUnitVerdicts covers the rules for a step's test case.
func TestJUnitVerdicts(t *testing.T) {
	failed := runtime.CriterionResult{Condition: "$statusCode == 200", Explanation: "$statusCode == 200: got 500"}
	resp := &runtime.ResponseRecord{StatusCode: 500, Header: hdr("Content-Type", "text/plain"), Body: []byte("bad \x00\x1b<thing> & ]]>")}
	req := &runtime.RequestRecord{Method: "GET", URL: "http://h/x"}
	tests := []struct {
		name    string
		steps   []*runtime.StepRun
		success bool
		want    map[string]string
	}{
		{"retried then passed", []*runtime.StepRun{
			{Workflow: "w", StepID: "a", Attempt: 1, Request: req, Response: resp, Criteria: []runtime.CriterionResult{failed},
				Action: &runtime.ActionTaken{Kind: arazzo.FailureAction, Type: arazzo.ActionRetry, Retry: 1, RetryLimit: 2}},
			{Workflow: "w", StepID: "a", Attempt: 2, Request: req, Response: &runtime.ResponseRecord{StatusCode: 200}, Success: true},
		}, true, map[string]string{"w/a": "pass"}},
		{"failure handled by goto", []*runtime.StepRun{
			{Workflow: "w", StepID: "a", Attempt: 1, Request: req, Response: resp, Criteria: []runtime.CriterionResult{failed},
				Action: &runtime.ActionTaken{Kind: arazzo.FailureAction, Name: "fallback", Type: arazzo.ActionGoto, StepID: "b"}},
			{Workflow: "w", StepID: "b", Attempt: 1, Success: true},
		}, true, map[string]string{"w/a": "pass", "w/b": "pass"}},
		{"failure end", []*runtime.StepRun{
			{Workflow: "w", StepID: "a", Attempt: 1, Request: req, Response: resp, Criteria: []runtime.CriterionResult{failed},
				Action: &runtime.ActionTaken{Kind: arazzo.FailureAction, Name: "stop", Type: arazzo.ActionEnd}},
		}, false, map[string]string{"w/a": "failure:criteria:$statusCode == 200: got 500"}},
		{"failed sub-workflow", []*runtime.StepRun{
			{Workflow: "sub", StepID: "x", Attempt: 1, Depth: 1, Request: req, Response: resp, Err: errors.New("boom")},
			{Workflow: "w", StepID: "call", Attempt: 1, CalledWorkflow: "sub", Err: errors.New("workflow sub failed")},
		}, false, map[string]string{"w/sub.x": "failure:failure:boom", "w/call": "failure:workflow:workflow sub failed"}},
		{"goto loop: same step twice, last decides", []*runtime.StepRun{
			{Workflow: "w", StepID: "a", Attempt: 1, Success: true},
			{Workflow: "w", StepID: "a", Attempt: 1, Request: req, Response: resp, Criteria: []runtime.CriterionResult{failed}},
		}, false, map[string]string{"w/a": "failure:criteria:$statusCode == 200: got 500"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &runtime.Result{WorkflowID: "w", Success: tt.success, Steps: tt.steps}
			if !tt.success {
				res.Err = &runtime.StepError{Workflow: "w", Step: "a", Reason: "x"}
			}
			s := decodeJUnit(t, Meta{}, res)
			cases := s.Suites[0].Cases
			if len(cases) != len(tt.want) {
				t.Errorf("%d cases, want %d: %+v", len(cases), len(tt.want), cases)
			}
			for _, c := range cases {
				if got := c.verdict(); got != tt.want[c.Classname+"/"+c.Name] {
					t.Errorf("%s/%s: %s, want %s", c.Classname, c.Name, got, tt.want[c.Classname+"/"+c.Name])
				}
			}
		})
	}
}

func TestNilAndEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, nil, Meta{}, nil); err == nil {
		t.Error("WriteJSON(nil) succeeded")
	}
	if err := WriteHAR(&buf, nil, Meta{}, nil); err == nil {
		t.Error("WriteHAR(nil) succeeded")
	}
	s := decodeJUnit(t, Meta{}, nil)
	if len(s.Suites) != 0 || s.Tests != 0 {
		t.Errorf("empty JUnit: %+v", s)
	}
	h := decodeHAR(t, &runtime.Result{WorkflowID: "w", Success: true}, Meta{})
	if h.Log.Entries == nil || len(h.Log.Entries) != 0 || h.Log.Pages[0].StartedDateTime == "" {
		t.Errorf("empty HAR: %+v", h.Log)
	}
	rep := decodeReport(t, &runtime.Result{WorkflowID: "w", Success: true}, Meta{})
	if rep["started"] != nil || rep["error"] != nil || len(rep["steps"].([]any)) != 0 {
		t.Errorf("empty report: %v", rep)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorsReturned(t *testing.T) {
	res, meta := passingRun()
	for name, err := range map[string]error{
		"json":  WriteJSON(failWriter{}, res, meta, nil),
		"har":   WriteHAR(failWriter{}, res, meta, nil),
		"junit": WriteJUnit(failWriter{}, []*runtime.Result{res}, meta, nil),
	} {
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestDoesNotModifyResult: writing twice gives the same bytes and leaves
// the result as it was (the CLI writes three formats from one result).
func TestDoesNotModifyResult(t *testing.T) {
	res, meta := secretRun()
	before, _ := json.Marshal(res)
	var a, b bytes.Buffer
	_ = WriteJSON(&a, res, meta, nil)
	_ = WriteHAR(&bytes.Buffer{}, res, meta, nil)
	_ = WriteJUnit(&bytes.Buffer{}, []*runtime.Result{res}, meta, nil)
	_ = WriteJSON(&b, res, meta, nil)
	after, _ := json.Marshal(res)
	if !bytes.Equal(a.Bytes(), b.Bytes()) || !bytes.Equal(before, after) {
		t.Error("writing changed the result or is not deterministic")
	}
	if meta.Inputs["clientSecret"] != secretClientSecret {
		t.Error("writing changed the inputs")
	}
}

func TestStepsOf(t *testing.T) {
	doc := &arazzo.Document{Workflows: []*arazzo.Workflow{
		{WorkflowID: "a", Steps: []*arazzo.Step{{StepID: "s1"}, nil, {StepID: "s2"}}},
		nil,
		{WorkflowID: "b"},
	}}
	got := StepsOf(doc)
	if len(got) != 2 || strings.Join(got["a"], ",") != "s1,s2" || len(got["b"]) != 0 {
		t.Errorf("StepsOf = %v", got)
	}
	if StepsOf(nil) != nil {
		t.Error("StepsOf(nil) not nil")
	}
}

// Regression guard: a clock going backwards must not write negative
// durations (the schema and HAR forbid them), and a document URL's token
// is masked.
func TestNegativeDurationAndDocumentURL(t *testing.T) {
	res := &runtime.Result{WorkflowID: "w", Success: true, Duration: -time.Second, Steps: []*runtime.StepRun{
		{Workflow: "w", StepID: "a", Attempt: 1, Success: true, Duration: -time.Millisecond,
			Request: &runtime.RequestRecord{Method: "GET", URL: "http://h/"}},
	}}
	meta := Meta{Document: "https://example.com/flow.yaml?access_token=doc-token-1"}
	for _, ft := range formats {
		var buf bytes.Buffer
		if err := ft.write(&buf, res, meta, nil); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.Contains(out, "-1000") || strings.Contains(out, "\"time\": -") || strings.Contains(out, "doc-token-1") {
			t.Errorf("%s: negative duration or document token:\n%s", ft.ext, out)
		}
	}
	validate(t, compileSchema(t, "report.schema.json", Schema), "negative", func() []byte {
		var buf bytes.Buffer
		_ = WriteJSON(&buf, res, meta, nil)
		return buf.Bytes()
	}())
}
