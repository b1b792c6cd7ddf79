package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

const benchDoc = header + `
workflows:
  - workflowId: w
    steps:
      - stepId: create
        operationId: createPet
        requestBody:
          payload: {name: $inputs.name, tags: [a, b]}
        successCriteria: [{condition: $statusCode == 201}]
        outputs:
          id: $response.body#/id
      - stepId: get
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: $steps.create.outputs.id}
          - {name: X-Request-Id, in: header, value: bench}
        successCriteria: [{condition: $statusCode == 200}]
        outputs:
          name: $response.body#/name
      - stepId: list
        operationId: listPets
        parameters:
          - {name: limit, in: query, value: 10}
          - {name: tags, in: query, value: [a, b]}
        successCriteria: [{condition: $statusCode == 200}]
        outputs:
          first: $response.body#/0/id
    outputs:
      id: $steps.create.outputs.id
      name: $steps.get.outputs.name
      first: $steps.list.outputs.first
`

func benchServer(b *testing.B) *server {
	return newServer(b, func(w http.ResponseWriter, r *http.Request, body string) {
		switch r.Method {
		case "POST":
			jsonReply(w, 201, `{"id":42,"name":"Rex","tags":["a","b"]}`)
		default:
			if r.URL.Path == "/v1/pets" {
				jsonReply(w, 200, `[{"id":42,"name":"Rex"},{"id":43,"name":"Tom"}]`)
				return
			}
			jsonReply(w, 200, `{"id":42,"name":"Rex"}`)
		}
	})
}

// inproc is a RoundTripper that answers like benchServer without a
// socket, so that the engine's own CPU cost is not drowned in loopback
// networking noise.
type inproc struct{}

func (inproc) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	status, body := 200, `{"id":42,"name":"Rex"}`
	switch {
	case r.Method == "POST":
		status, body = 201, `{"id":42,"name":"Rex","tags":["a","b"]}`
	case r.URL.Path == "/v1/pets":
		body = `[{"id":42,"name":"Rex"},{"id":43,"name":"Tom"}]`
	}
	return &http.Response{
		StatusCode: status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"application/json"}},
		Body:    io.NopCloser(strings.NewReader(body)),
		Request: r, ContentLength: int64(len(body)),
	}, nil
}

// BenchmarkStepOverhead compares a 3-step workflow on a warm plan with the
// same 3 requests made with plain net/http (same server, same client
// transport, JSON encoded and decoded by hand), over loopback TCP to an
// httptest server and over an in-process transport. Divide by 3 for
// per-step figures; engine/nethttp is the engine's overhead ratio.
func BenchmarkStepOverhead(b *testing.B) {
	p := compileDoc(b, benchDoc)
	srv := benchServer(b)
	inputs := map[string]any{"name": "Rex"}
	for _, tr := range []struct {
		name   string
		client *http.Client
	}{
		{"loopback", &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}},
		{"inproc", &http.Client{Transport: inproc{}}},
	} {
		client := tr.client
		b.Run(tr.name+"/engine", func(b *testing.B) {
			o := srv.opts(nil)
			o.HTTPClient = client
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				res, err := p.Run(ctx, "w", inputs, o)
				if err != nil || !res.Success {
					b.Fatal(err, res.Err)
				}
			}
		})
		b.Run(tr.name+"/nethttp", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				plainRun(b, client, srv.URL+"/v1", inputs)
			}
		})
	}
}

// plainRun is what a hand-written client for benchDoc does.
func plainRun(b *testing.B, client *http.Client, base string, inputs map[string]any) {
	ctx := context.Background()
	do := func(req *http.Request, want int) []byte {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != want {
			b.Fatal(err, resp.StatusCode)
		}
		return body
	}
	payload, _ := json.Marshal(map[string]any{"name": inputs["name"], "tags": []any{"a", "b"}})
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/pets", bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	var created map[string]any
	if err := json.Unmarshal(do(req, 201), &created); err != nil {
		b.Fatal(err)
	}
	id := strconv.FormatFloat(created["id"].(float64), 'f', -1, 64)

	req, _ = http.NewRequestWithContext(ctx, "GET", base+"/pets/"+id, nil)
	req.Header.Set("X-Request-Id", "bench")
	var pet map[string]any
	if err := json.Unmarshal(do(req, 200), &pet); err != nil {
		b.Fatal(err)
	}

	req, _ = http.NewRequestWithContext(ctx, "GET", base+"/pets?limit=10&tags=a,b", nil)
	var list []any
	if err := json.Unmarshal(do(req, 200), &list); err != nil {
		b.Fatal(err)
	}
	_ = pet["name"]
}

// BenchmarkLoadSeed measures Load+Compile of the Auth0 seed (its OpenAPI
// description is ~62k lines).
func BenchmarkLoadSeed(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		loadSeedUncached(b)
	}
}
