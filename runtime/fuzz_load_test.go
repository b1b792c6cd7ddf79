package runtime

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// memTransport serves documents from memory (404 for anything else), so
// the loader can be fuzzed without files or sockets.
type memTransport map[string][]byte

func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, ok := m[r.URL.Path]
	status := http.StatusOK
	if !ok {
		status, body = http.StatusNotFound, nil
	}
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: http.Header{},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// okTransport answers every operation request with 200 and a small JSON
// body.
type okTransport struct{}

func (okTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	body := []byte(`{"id": 1, "name": "x", "items": [1, 2]}`)
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// FuzzLoad loads an Arazzo document and its OpenAPI source (both fuzzed)
// over an in-memory transport, compiles what loads cleanly, and runs each
// workflow against a server answering 200 to everything. Nothing may
// panic or hang. Run with:
//
//	go test ./runtime -run '^$' -fuzz FuzzLoad -fuzztime 2m
func FuzzLoad(f *testing.F) {
	pets := []byte(petsAPI(f))
	seeds := []string{
		header + `workflows:
  - workflowId: w
    inputs: {type: object, properties: {id: {type: integer}}}
    steps:
      - stepId: list
        operationId: listPets
        successCriteria: [{condition: $statusCode == 200}]
        outputs: {first: $response.body#/items/0}
      - stepId: get
        operationId: getPet
        parameters: [{name: petId, in: path, value: $steps.list.outputs.first}]
        successCriteria: [{condition: $statusCode == 200}]
        onFailure: [{name: again, type: retry, retryLimit: 2}]
        outputs: {name: $response.body#/name}
    outputs: {name: $steps.get.outputs.name}
`,
		header + `workflows:
  - workflowId: a
    steps:
      - {stepId: s, workflowId: b, onSuccess: [{name: back, type: goto, stepId: s}]}
  - workflowId: b
    dependsOn: [a]
    steps:
      - {stepId: t, operationPath: '{$sourceDescriptions.pets.url}#/paths/~1pets/get'}
`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), pets)
	}
	f.Fuzz(func(t *testing.T, doc, api []byte) {
		ctx := context.Background()
		mem := &http.Client{Transport: memTransport{"/main.arazzo.yaml": doc, "/pets.openapi.yaml": api}}
		b, err := Load(ctx, "http://mem.invalid/main.arazzo.yaml", LoadOptions{HTTPClient: mem, MaxBytes: 1 << 20})
		if err != nil || b.Diagnostics.HasErrors() {
			return
		}
		p, err := Compile(b)
		if err != nil {
			return
		}
		for _, id := range p.WorkflowIDs() {
			_, _ = p.Run(ctx, id, map[string]any{"id": 1}, Options{
				HTTPClient:     &http.Client{Transport: okTransport{}},
				MaxSteps:       50,
				RequestTimeout: time.Second,
				Sleep:          func(context.Context, time.Duration) error { return nil },
			})
		}
	})
}
