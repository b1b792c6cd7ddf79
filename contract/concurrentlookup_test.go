package contract

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/openapi"
)

const concurrentBuildDoc = `openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /x:
    get:
      operationId: getX
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                allOf:
                  - $ref: '#/components/schemas/A'
                  - type: object
                    properties:
                      list:
                        type: array
                        items: {type: object, properties: {v: {type: integer}}}
  /y:
    get:
      operationId: getY
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/A'
components:
  schemas:
    A:
      type: object
      required: [a]
      properties:
        a: {type: string}
`

// TestFirstCheckDuringConcurrentOperationBuild (regression): the first
// lookup of another operation that reaches the same component, concurrent
// with a first (pruned) check, used to replace the component's map between
// the check's walk and its conversion (openapi mergeSub): 44 of 300 first
// checks accepted a body the schema rejects.
func TestFirstCheckDuringConcurrentOperationBuild(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(spec, []byte(concurrentBuildDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"a":1,"list":[` + strings.TrimSuffix(strings.Repeat(`{"v":1},`, 6000), ",") + `]}`)
	h := map[string][]string{"Content-Type": {"application/json"}}
	missed := 0
	const n = 40
	for i := 0; i < n; i++ {
		d, err := openapi.Load(context.Background(), spec, openapi.LoadOptions{Operations: []string{"getX"}, NoCache: true, SkipValidation: true})
		if err != nil {
			t.Fatal(err)
		}
		c := New(d, Options{})
		op := operation(t, d, "getX")
		var wg sync.WaitGroup
		var ps []Problem
		wg.Add(2)
		go func() { defer wg.Done(); ps = c.CheckResponse(op, 200, h, body) }()
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
			d.OperationByID("getY")
		}()
		wg.Wait()
		if len(ps) == 0 {
			missed++
		}
	}
	if missed > 0 {
		t.Errorf("%d of %d first checks accepted a body with /a a number", missed, n)
	}
}
