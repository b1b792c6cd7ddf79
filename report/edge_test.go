package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/runtime"
)

// edgeFixtures are shapes the golden fixtures do not cover: a transport
// error, a binary and an over-long body, a limit error, a canceled run,
// an empty run and nil entries. They are checked against the schemas,
// not against golden files.
func edgeFixtures() []fixture {
	return []fixture{
		{"transport", transportRun, nil},
		{"bodies", bodiesRun, nil},
		{"limit", limitRun, nil},
		{"empty", func() (*runtime.Result, Meta) {
			return &runtime.Result{WorkflowID: "nothing", Err: context.Canceled}, Meta{}
		}, nil},
	}
}

func transportRun() (*runtime.Result, Meta) {
	err := errors.New(`Get "http://127.0.0.1:1/x": dial tcp 127.0.0.1:1: connect: connection refused`)
	s := &runtime.StepRun{Workflow: "w", StepID: "down", Attempt: 1, OperationSource: "api", Method: "GET", PathTemplate: "/x",
		Request: &runtime.RequestRecord{Method: "GET", URL: "http://127.0.0.1:1/x", Header: hdr("Accept", "*/*")},
		Err:     err, Action: &runtime.ActionTaken{Kind: arazzo.FailureAction, Default: true},
		Started: at(0), Duration: time.Millisecond}
	return &runtime.Result{WorkflowID: "w", Steps: []*runtime.StepRun{nil, s},
		Err: &runtime.StepError{Workflow: "w", Step: "down", Attempt: 1, Reason: err.Error(), Err: err}}, Meta{}
}

// bigJSON is a JSON array longer than MaxBody.
func bigJSON() []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := 0; b.Len() < MaxBody+100; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"n":%d,"s":"ééé"}`, i)
	}
	b.WriteByte(']')
	return b.Bytes()
}

func bodiesRun() (*runtime.Result, Meta) {
	png := []byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe}
	steps := []*runtime.StepRun{
		{Workflow: "b", StepID: "binary", Attempt: 1, Method: "PUT",
			Request: &runtime.RequestRecord{Method: "PUT", URL: "http://127.0.0.1/img", Header: hdr("Content-Type", "image/png"), Body: png},
			Response: &runtime.ResponseRecord{StatusCode: 200, Header: hdr("Content-Type", "application/octet-stream"),
				Body: bytes.Repeat(png, MaxBody/len(png)+2)},
			Success: true, Action: next(), Started: at(0)},
		{Workflow: "b", StepID: "big", Attempt: 1, Method: "GET",
			Request:  &runtime.RequestRecord{Method: "GET", URL: "http://127.0.0.1/big"},
			Response: &runtime.ResponseRecord{StatusCode: 200, Header: hdr("Content-Type", "application/json"), Body: bigJSON()},
			Success:  true, Action: next(), Started: at(1)},
		{Workflow: "b", StepID: "text", Attempt: 1, Method: "GET",
			Request: &runtime.RequestRecord{Method: "GET", URL: "http://127.0.0.1/text"},
			Response: &runtime.ResponseRecord{StatusCode: 299, Header: hdr(),
				Body: []byte(strings.Repeat("é", MaxBody))},
			Success: true, Action: next(), Started: at(2),
			Outputs: map[string]any{"odd": struct{ A, B int }{1, 2}, "bad": func() {}, "ch": make(chan int)}},
	}
	return &runtime.Result{WorkflowID: "b", Success: true, Steps: steps}, Meta{Inputs: map[string]any{"n": nil}}
}

func limitRun() (*runtime.Result, Meta) {
	s := &runtime.StepRun{Workflow: "loop", StepID: "again", Attempt: 1, Success: true,
		CalledWorkflow: "other",
		Action:         &runtime.ActionTaken{Kind: arazzo.SuccessAction, Name: "back", Type: arazzo.ActionGoto, StepID: "again", WorkflowLevel: true},
		Started:        at(0)}
	return &runtime.Result{WorkflowID: "loop", Steps: []*runtime.StepRun{s, s},
		Err: &runtime.LimitError{What: "steps", Limit: 2, Workflow: "loop", Step: "again"}}, Meta{}
}

func contextCanceled() error { return context.Canceled }
