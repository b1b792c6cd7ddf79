package runtime

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// One Plan, many goroutines: each run sees only its own inputs and
// outputs (run with -race).
func TestConcurrentRuns(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: create
        operationId: createPet
        requestBody:
          payload: {name: $inputs.name, tags: [fixed]}
          replacements:
            - {target: /tags/0, value: $inputs.name}
        successCriteria: [{condition: $statusCode == 201}]
        outputs:
          echoed: $response.body#/name
      - stepId: get
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: $inputs.i}
        outputs:
          path: $url
    outputs:
      echoed: $steps.create.outputs.echoed
      path: $steps.get.outputs.path
`)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		if r.Method == "POST" {
			jsonReply(w, 201, body)
			return
		}
		jsonReply(w, 200, `{}`)
	})
	const n = 32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := fmt.Sprintf("pet-%d", i)
			res, err := p.Run(t.Context(), "w", map[string]any{"name": name, "i": i}, srv.opts(nil))
			if err != nil {
				errs <- err
				return
			}
			if !res.Success {
				errs <- res.Err
				return
			}
			if res.Outputs["echoed"] != name || res.Outputs["path"] != fmt.Sprintf("%s/v1/pets/%d", srv.URL, i) {
				errs <- fmt.Errorf("run %d got outputs %v", i, res.Outputs)
			}
			if string(res.Steps[0].Request.Body) != fmt.Sprintf(`{"name":"%s","tags":["%s"]}`, name, name) {
				errs <- fmt.Errorf("run %d sent %s", i, res.Steps[0].Request.Body)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
