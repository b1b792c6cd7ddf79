package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
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

// BenchmarkStepOverhead compares a 3-step workflow on a warm plan with the
// same 3 requests made with plain net/http (same server, same client
// transport, JSON encoded and decoded by hand). Divide by 3 for per-step
// figures; the ratio of the two is the engine's overhead.
func BenchmarkStepOverhead(b *testing.B) {
	p := compileDoc(b, benchDoc)
	srv := benchServer(b)
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	inputs := map[string]any{"name": "Rex"}

	b.Run("engine", func(b *testing.B) {
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

	b.Run("nethttp", func(b *testing.B) {
		ctx := context.Background()
		base := srv.URL + "/v1"
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
		b.ReportAllocs()
		for b.Loop() {
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
	})
}

// BenchmarkLoadSeed measures Load+Compile of the Auth0 seed (its OpenAPI
// description is ~62k lines).
func BenchmarkLoadSeed(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		loadSeedUncached(b)
	}
}
