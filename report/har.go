package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arazzo-run/arazzo/runtime"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/). Field order
// follows the spec; custom fields start with "_" as it requires.
type (
	harFile struct {
		Log harLog `json:"log"`
	}
	harLog struct {
		Version string     `json:"version"`
		Creator harCreator `json:"creator"`
		Pages   []harPage  `json:"pages"`
		Entries []harEntry `json:"entries"`
		Comment string     `json:"comment,omitempty"`
	}
	harCreator struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	harPage struct {
		StartedDateTime string         `json:"startedDateTime"`
		ID              string         `json:"id"`
		Title           string         `json:"title"`
		PageTimings     harPageTimings `json:"pageTimings"`
	}
	harPageTimings struct {
		OnContentLoad float64 `json:"onContentLoad"`
		OnLoad        float64 `json:"onLoad"`
	}
	harEntry struct {
		Pageref         string      `json:"pageref,omitempty"`
		StartedDateTime string      `json:"startedDateTime"`
		Time            float64     `json:"time"`
		Request         harRequest  `json:"request"`
		Response        harResponse `json:"response"`
		Cache           struct{}    `json:"cache"`
		Timings         harTimings  `json:"timings"`
		Comment         string      `json:"comment,omitempty"`
		// ResourceType files the entries under Fetch/XHR in Chrome's
		// network panel.
		ResourceType string `json:"_resourceType"`
		WorkflowID   string `json:"_workflowId"`
		StepID       string `json:"_stepId"`
		Attempt      int    `json:"_attempt"`
		Verdict      string `json:"_verdict"`
		Error        string `json:"_error,omitempty"`
	}
	harRequest struct {
		Method      string       `json:"method"`
		URL         string       `json:"url"`
		HTTPVersion string       `json:"httpVersion"`
		Cookies     []harCookie  `json:"cookies"`
		Headers     []harNV      `json:"headers"`
		QueryString []harNV      `json:"queryString"`
		PostData    *harPostData `json:"postData,omitempty"`
		HeadersSize int          `json:"headersSize"`
		BodySize    int          `json:"bodySize"`
	}
	harResponse struct {
		Status      int         `json:"status"`
		StatusText  string      `json:"statusText"`
		HTTPVersion string      `json:"httpVersion"`
		Cookies     []harCookie `json:"cookies"`
		Headers     []harNV     `json:"headers"`
		Content     harContent  `json:"content"`
		RedirectURL string      `json:"redirectURL"`
		HeadersSize int         `json:"headersSize"`
		BodySize    int         `json:"bodySize"`
	}
	harNV struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	harCookie struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	harPostData struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
		Comment  string `json:"comment,omitempty"`
	}
	harContent struct {
		Size     int    `json:"size"`
		MimeType string `json:"mimeType"`
		Text     string `json:"text,omitempty"`
		Encoding string `json:"encoding,omitempty"`
		Comment  string `json:"comment,omitempty"`
	}
	// harTimings: send, wait and receive are required and non-negative;
	// the others are -1 (not known: the executor records one duration
	// per attempt, reported as wait).
	harTimings struct {
		Blocked float64 `json:"blocked"`
		DNS     float64 `json:"dns"`
		Connect float64 `json:"connect"`
		Send    float64 `json:"send"`
		Wait    float64 `json:"wait"`
		Receive float64 `json:"receive"`
		SSL     float64 `json:"ssl"`
	}
)

// httpVersion is what HAR entries say: the executor does not record the
// protocol, and HTTP/1.1 is what it speaks unless the server upgrades.
const httpVersion = "HTTP/1.1"

// WriteHAR writes the HTTP exchanges of res as HAR 1.2: one page for the
// run, one entry per attempt that sent a request (a transport error gives
// status 0 and "_error", as browsers write it), masked like the JSON
// report. Bodies are masked, capped and, for binary, base64.
func WriteHAR(w io.Writer, res *runtime.Result, meta Meta, redact Redactor) error {
	if res == nil {
		return errors.New("report: no result to write")
	}
	m := newMasker([]*runtime.Result{res}, meta, redact)
	start := runStart(res, meta)
	if start.IsZero() {
		start = time.Unix(0, 0).UTC()
	}
	title := res.WorkflowID
	if meta.Document != "" {
		title += " (" + m.url(meta.Document) + ")"
	}
	h := harFile{Log: harLog{
		Version: "1.2",
		Creator: harCreator{Name: meta.tool(), Version: meta.Version},
		Pages: []harPage{{
			StartedDateTime: start.Format(timeFormat),
			ID:              "run",
			Title:           m.str(title),
			PageTimings:     harPageTimings{OnContentLoad: -1, OnLoad: -1},
		}},
		Entries: []harEntry{},
	}}
	for _, s := range res.Steps {
		if s == nil || s.Request == nil {
			continue
		}
		h.Log.Entries = append(h.Log.Entries, harEntryOf(s, start, m))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(h); err != nil {
		return errors.New("report: encoding the HAR: " + m.errString(err))
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func harEntryOf(s *runtime.StepRun, runStart time.Time, m *masker) harEntry {
	started := s.Started
	if started.IsZero() {
		started = runStart
	}
	d := ms(s.Duration) // never negative: wait must be >= 0
	e := harEntry{
		Pageref:         "run",
		StartedDateTime: started.Format(timeFormat),
		Time:            d,
		Timings:         harTimings{Blocked: -1, DNS: -1, Connect: -1, Send: 0, Wait: d, Receive: 0, SSL: -1},
		Comment:         m.str(fmt.Sprintf("%s/%s attempt %d: %s", s.Workflow, s.StepID, s.Attempt, verdict(s.Success))),
		ResourceType:    "fetch",
		WorkflowID:      s.Workflow,
		StepID:          s.StepID,
		Attempt:         s.Attempt,
		Verdict:         verdict(s.Success),
	}
	req := s.Request
	u := m.url(req.URL)
	e.Request = harRequest{
		Method:      req.Method,
		URL:         u,
		HTTPVersion: httpVersion,
		Cookies:     harRequestCookies(req.Header, m),
		Headers:     harHeaders(m.headers(req.Header)),
		QueryString: harQuery(u),
		HeadersSize: -1,
		BodySize:    len(req.Body),
	}
	if b := m.body(req.Body, req.Header.Get("Content-Type")); b != nil {
		pd := &harPostData{MimeType: b.MimeType, Text: b.text(), Comment: bodyComment(b)}
		e.Request.PostData = pd
	}
	resp := s.Response
	if resp == nil {
		e.Response = harResponse{
			Cookies:     []harCookie{},
			Headers:     []harNV{},
			Content:     harContent{Size: 0, MimeType: "x-unknown"},
			HeadersSize: -1,
			BodySize:    -1,
		}
		e.Error = m.errString(s.Err)
		if e.Error == "" {
			e.Error = "no response"
		}
		return e
	}
	ct := resp.Header.Get("Content-Type")
	e.Response = harResponse{
		Status:      resp.StatusCode,
		StatusText:  http.StatusText(resp.StatusCode),
		HTTPVersion: httpVersion,
		Cookies:     harResponseCookies(resp.Header, m),
		Headers:     harHeaders(m.headers(resp.Header)),
		Content:     harContent{Size: len(resp.Body), MimeType: m.str(ct)},
		RedirectURL: m.url(resp.Header.Get("Location")),
		HeadersSize: -1,
		BodySize:    len(resp.Body),
	}
	if e.Response.Content.MimeType == "" {
		e.Response.Content.MimeType = "x-unknown"
	}
	if b := m.body(resp.Body, ct); b != nil {
		e.Response.Content.Text = b.text()
		if b.Encoding == encBase64 {
			e.Response.Content.Encoding = "base64"
		}
		e.Response.Content.Comment = bodyComment(b)
	}
	return e
}

func bodyComment(b *maskedBody) string {
	var parts []string
	if b.Encoding == encBase64 {
		parts = append(parts, "base64")
	}
	if b.Truncated {
		parts = append(parts, fmt.Sprintf("truncated to %d bytes of %d", MaxBody, b.Size))
	}
	return strings.Join(parts, "; ")
}

func harHeaders(h []headerPair) []harNV {
	out := make([]harNV, len(h))
	for i, p := range h {
		out[i] = harNV{Name: p.Name, Value: p.Value}
	}
	return out
}

// harQuery lists the query parameters of an already masked URL, decoded,
// in order.
func harQuery(u string) []harNV {
	out := []harNV{}
	_, q, ok := strings.Cut(u, "?")
	if !ok {
		return out
	}
	q, _, _ = strings.Cut(q, "#")
	for _, p := range strings.Split(q, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		if d, err := url.QueryUnescape(k); err == nil {
			k = d
		}
		if d, err := url.QueryUnescape(v); err == nil {
			v = d
		}
		out = append(out, harNV{Name: k, Value: v})
	}
	return out
}

// Cookies keep their names; their values are always masked.
func harRequestCookies(h http.Header, m *masker) []harCookie {
	out := []harCookie{}
	for _, v := range h.Values("Cookie") {
		for _, p := range strings.Split(v, ";") {
			n, _, _ := strings.Cut(strings.TrimSpace(p), "=")
			if n != "" {
				out = append(out, harCookie{Name: m.str(n), Value: Mask})
			}
		}
	}
	return out
}

func harResponseCookies(h http.Header, m *masker) []harCookie {
	out := []harCookie{}
	for _, v := range h.Values("Set-Cookie") {
		first, _, _ := strings.Cut(v, ";")
		n, _, _ := strings.Cut(strings.TrimSpace(first), "=")
		if n != "" {
			out = append(out, harCookie{Name: m.str(n), Value: Mask})
		}
	}
	return out
}
