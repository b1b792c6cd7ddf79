package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/arazzo-run/arazzo/runtime"
)

// petstore is a stand-in for the API the example document describes.
func petstore() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "POST" && r.URL.Path == "/v1/pets":
			body, _ := io.ReadAll(r.Body)
			if !strings.Contains(string(body), `"name":"Rex"`) {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"id": 12345678901234567890, "name": "Rex"}`)
		case r.Method == "GET" && r.URL.Path == "/v1/pets/12345678901234567890":
			io.WriteString(w, `{"id": 12345678901234567890, "status": "available"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
}

// Load a document with its sources, compile it once, and run a workflow
// against a server of your choice.
func Example_run() {
	srv := petstore()
	defer srv.Close()

	ctx := context.Background()
	bundle, err := runtime.Load(ctx, "testdata/example/adopt.arazzo.yaml", runtime.LoadOptions{})
	if err != nil {
		panic(err) // the document itself could not be read
	}
	if bundle.Diagnostics.HasErrors() {
		fmt.Println(bundle.Diagnostics.Err())
		return
	}
	plan, err := runtime.Compile(bundle)
	if err != nil {
		panic(err)
	}
	res, err := plan.Run(ctx, "adopt", map[string]any{"name": "Rex"}, runtime.Options{
		// Send the petstore source's requests to the test server.
		Servers: map[string]string{"petstore": srv.URL + "/v1"},
	})
	if err != nil {
		fmt.Println("nothing was sent:", err) // unknown workflow or invalid inputs
		return
	}
	out, _ := json.Marshal(res.Outputs)
	fmt.Println(res.Success, string(out))
	// Output:
	// true {"id":12345678901234567890,"status":"available"}
}

// The event hook sees every step as it finishes; the CLI's progress
// output is built on it.
func ExampleOptions_onEvent() {
	srv := petstore()
	defer srv.Close()

	ctx := context.Background()
	bundle, _ := runtime.Load(ctx, "testdata/example/adopt.arazzo.yaml", runtime.LoadOptions{})
	plan, _ := runtime.Compile(bundle)
	_, err := plan.Run(ctx, "adopt", map[string]any{"name": "Rex"}, runtime.Options{
		Servers: map[string]string{"petstore": srv.URL + "/v1"},
		OnEvent: func(ev runtime.Event) {
			if ev.Kind == runtime.EventStepFinished {
				r := ev.Run
				fmt.Println(r.StepID, r.Method, r.PathTemplate, r.Response.StatusCode, r.Success)
			}
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// create POST /pets 201 true
	// fetch GET /pets/{petId} 200 true
}

// A failed run still returns a Result: the reason, and the outputs that
// could be evaluated.
func ExamplePlan_Run_failure() {
	srv := petstore()
	defer srv.Close()

	ctx := context.Background()
	bundle, _ := runtime.Load(ctx, "testdata/example/adopt.arazzo.yaml", runtime.LoadOptions{})
	plan, _ := runtime.Compile(bundle)
	res, err := plan.Run(ctx, "adopt", map[string]any{"name": "Tom"}, runtime.Options{
		Servers: map[string]string{"petstore": srv.URL + "/v1"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Success)
	fmt.Println(res.Err)
	fmt.Println(len(res.Outputs))

	// Invalid inputs: nothing is sent, and every violation is named.
	_, err = plan.Run(ctx, "adopt", map[string]any{"name": 7}, runtime.Options{})
	fmt.Println(err)
	// Output:
	// false
	// workflow "adopt" step "create": $statusCode == 201: got 400 (HTTP 400)
	// 0
	// invalid inputs for workflow "adopt":
	//   /name: got number, want string
}

// One compiled Plan serves any number of concurrent runs.
func ExamplePlan_Run_concurrent() {
	srv := petstore()
	defer srv.Close()

	ctx := context.Background()
	bundle, _ := runtime.Load(ctx, "testdata/example/adopt.arazzo.yaml", runtime.LoadOptions{})
	plan, _ := runtime.Compile(bundle)
	var wg sync.WaitGroup
	results := make([]bool, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := plan.Run(ctx, "adopt", map[string]any{"name": "Rex"}, runtime.Options{
				Servers: map[string]string{"petstore": srv.URL + "/v1"},
			})
			results[i] = err == nil && res.Success
		}()
	}
	wg.Wait()
	fmt.Println(results)
	// Output:
	// [true true true true true true true true]
}
