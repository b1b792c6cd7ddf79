package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/runtime"
)

var (
	tagOnlyRE   = regexp.MustCompile(`<[a-zA-Z!][^>]*>`)
	tagNameRE   = regexp.MustCompile(`^<([a-zA-Z!][a-zA-Z0-9]*)`)
	quotedRE    = regexp.MustCompile(`"[^"]*"`)
	handlerRE   = regexp.MustCompile(`(?i)\son\w+\s*=`)
	allowedTags = map[string]bool{}
)

func init() {
	for _, t := range strings.Fields("!doctype html head meta title style body header div span h1 main section code nav a h2 " +
		"p svg defs marker path figure figcaption rect text g i table tr th td article details summary pre b small ul li footer") {
		allowedTags[t] = true
	}
}

// FuzzWriteHTML: any step id, body, content type and error message give
// a page without panicking, with no element or attribute coming from the
// run (markup is text), and without a known secret.
func FuzzWriteHTML(f *testing.F) {
	for _, s := range []string{"<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, "</svg><svg onload=alert(1)>",
		`{"a":"<b>"}`, "\xff\x00<", "]]></text>", "secret-42", `{"token":"secret-42"}`, "javascript:alert(1)"} {
		f.Add("step", []byte(s), "text/html", s)
		f.Add(s, []byte(s), "application/json", "boom")
	}
	f.Fuzz(func(t *testing.T, stepID string, body []byte, ct, msg string) {
		res := &runtime.Result{WorkflowID: "w", Err: errors.New(msg), Duration: time.Millisecond, Steps: []*runtime.StepRun{{
			Workflow: "w", StepID: stepID, Attempt: 1, Method: "POST", PathTemplate: "/" + stepID,
			Request:  &runtime.RequestRecord{Method: "POST", URL: "http://127.0.0.1/x?q=" + msg, Header: hdr("Content-Type", ct, "X-Msg", msg), Body: body},
			Response: &runtime.ResponseRecord{StatusCode: 500, Header: hdr("Content-Type", ct), Body: body},
			Criteria: []runtime.CriterionResult{{Condition: stepID, Explanation: msg}},
			Err:      errors.New(msg), Action: &runtime.ActionTaken{Kind: arazzo.FailureAction, Default: true},
			Outputs: map[string]any{stepID: msg},
		}}}
		meta := Meta{Steps: map[string][]string{"w": {stepID, "next"}}, Inputs: map[string]any{"in": msg}}
		var buf bytes.Buffer
		if err := WriteHTML(&buf, res, meta, testRedactor("secret-42")); err != nil {
			t.Fatal(err)
		}
		page := buf.String()
		// Step ids are the document's, shown as written (as in the JSON
		// report): only a secret from elsewhere must not appear.
		if !strings.Contains(stepID, "secret-42") && strings.Contains(page, "secret-42") {
			t.Fatal("secret in the page")
		}
		// The template's markup has a fixed set of elements and no event
		// handler; the run's strings must add neither.
		for _, tag := range tagOnlyRE.FindAllString(page, -1) {
			name := strings.ToLower(tagNameRE.FindStringSubmatch(tag)[1])
			if !allowedTags[name] {
				t.Fatalf("element %q in the page: %s", name, tag)
			}
			bare := quotedRE.ReplaceAllString(tag, `""`)
			if handlerRE.MatchString(bare) {
				t.Fatalf("event handler in %s", tag)
			}
		}
		if !strings.HasSuffix(page, "</html>\n") {
			t.Fatal("page not complete")
		}
	})
}

// TestHTMLShowsWhatJSONShows: every header value, criterion explanation
// and error of the JSON report is in the HTML page's text, masked the same
// way (both are built from one masked report).
func TestHTMLShowsWhatJSONShows(t *testing.T) {
	for _, run := range []func() (*runtime.Result, Meta){passingRun, retryRun, secretRun} {
		res, meta := run()
		redact := testRedactor(secretToken)
		var js bytes.Buffer
		if err := WriteJSON(&js, res, meta, redact); err != nil {
			t.Fatal(err)
		}
		text := pageText(writeHTML(t, res, meta, redact, HTMLOptions{}))
		var rep jsonReport
		if err := json.Unmarshal(js.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, s := range rep.Steps {
			if s.Request != nil {
				want = append(want, s.Request.URL)
				for _, h := range s.Request.Headers {
					want = append(want, h.Value)
				}
			}
			if s.Response != nil {
				for _, h := range s.Response.Headers {
					want = append(want, h.Value)
				}
			}
			for _, c := range s.Criteria {
				want = append(want, c.Condition, c.Explanation)
			}
			want = append(want, s.Reason, s.Error)
		}
		if rep.Error != nil {
			want = append(want, rep.Error.Message)
		}
		for _, w := range want {
			if w = strings.Join(strings.Fields(w), " "); w != "" && !strings.Contains(text, w) {
				t.Errorf("%s: the JSON report shows %q, the HTML page does not", rep.WorkflowID, w)
			}
		}
	}
}
