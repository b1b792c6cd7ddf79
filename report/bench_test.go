package report

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/runtime"
)

// benchRun is a 100-attempt run with ~2 KiB JSON bodies and a token in
// every request: the size of a long CI workflow.
func benchRun() (*runtime.Result, Meta) {
	body := []byte(`{"items":[`)
	for i := 0; i < 30; i++ {
		if i > 0 {
			body = append(body, ',')
		}
		body = fmt.Appendf(body, `{"id":%d,"name":"item %d","tags":["a","b"],"price":12.5}`, i, i)
	}
	body = append(body, `],"access_token":"tok-bench-123456"}`...)
	res := &runtime.Result{WorkflowID: "bench", Success: true, Duration: time.Second}
	for i := 0; i < 100; i++ {
		res.Steps = append(res.Steps, &runtime.StepRun{
			Workflow: "bench", StepID: fmt.Sprintf("s%d", i%10), Attempt: 1 + i/10,
			OperationSource: "api", Method: "POST", PathTemplate: "/items",
			Request: &runtime.RequestRecord{Method: "POST", URL: "http://127.0.0.1/items?page=1&api_key=k-123456",
				Header: hdr("Authorization", "Bearer tok-bench-123456", "Content-Type", "application/json"), Body: body},
			Response: &runtime.ResponseRecord{StatusCode: 200, Header: hdr("Content-Type", "application/json"), Body: body},
			Criteria: []runtime.CriterionResult{pass("$statusCode == 200", 1)},
			Success:  true, Action: next(), Outputs: map[string]any{"id": int64(i)},
			Started: at(i), Duration: time.Millisecond,
		})
	}
	return res, Meta{Inputs: map[string]any{"secret": "in-secret-1"}, SecretInputs: []string{"secret"}, Started: t0}
}

func BenchmarkWriteJSON(b *testing.B) {
	res, meta := benchRun()
	red := testRedactor("k-123456")
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJSON(io.Discard, res, meta, red); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteHAR(b *testing.B) {
	res, meta := benchRun()
	red := testRedactor("k-123456")
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteHAR(io.Discard, res, meta, red); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteJUnit(b *testing.B) {
	res, meta := benchRun()
	red := testRedactor("k-123456")
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJUnit(io.Discard, []*runtime.Result{res}, meta, red); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMaskJSONBody is one 32 KiB JSON body through the masker, with
// the caller's Redactor (a strings.Replacer, as the auth package's is) and
// without.
func BenchmarkMaskJSONBody(b *testing.B) {
	b.Run("redactor", func(b *testing.B) { benchMaskJSON(b, testRedactor("k-123456")) })
	b.Run("none", func(b *testing.B) { benchMaskJSON(b, nil) })
}

func benchMaskJSON(b *testing.B, red Redactor) {
	m := newMasker(nil, Meta{}, red)
	body := bigJSON()[:0]
	body = append(body, '[')
	for len(body) < MaxBody/2 {
		if len(body) > 1 {
			body = append(body, ',')
		}
		body = append(body, `{"n":1,"s":"text","password":"x"}`...)
	}
	body = append(body, ']')
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if mb := m.body(body, "application/json"); mb.Encoding != encJSON {
			b.Fatal(mb.Encoding)
		}
	}
}
