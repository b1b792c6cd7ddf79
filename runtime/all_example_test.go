package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/arazzo-run/arazzo/runtime"
)

// RunAll runs several workflows in one call, each after those it depends
// on: adopt runs before check (which reads its outputs), once; missing
// fails (404), so afterMissing is skipped.
func ExamplePlan_RunAll() {
	srv := petstore()
	defer srv.Close()

	ctx := context.Background()
	bundle, err := runtime.Load(ctx, "testdata/all/adopt-all.arazzo.yaml", runtime.LoadOptions{})
	if err != nil || bundle.Diagnostics.HasErrors() {
		fmt.Println(err, bundle.Diagnostics.Err())
		return
	}
	plan, err := runtime.Compile(bundle)
	if err != nil {
		panic(err)
	}
	inputs := map[string]map[string]any{"adopt": {"name": "Rex"}}
	results, err := plan.RunAll(ctx, nil, inputs, runtime.Options{
		Servers: map[string]string{"petstore": srv.URL + "/v1"},
	})
	if err != nil {
		fmt.Println("nothing was sent:", err) // unknown workflow or invalid inputs
		return
	}
	for _, res := range results {
		out, _ := json.Marshal(res.Outputs)
		switch {
		case res.Skipped:
			fmt.Println(res.Err) // a *runtime.SkippedError
		case res.Success:
			fmt.Println(res.WorkflowID, "passed", string(out))
		default:
			fmt.Println(res.WorkflowID, "failed")
		}
	}
	// Output:
	// adopt passed {"id":12345678901234567890}
	// check passed {"status":"available"}
	// missing failed
	// workflow afterMissing skipped: dependency missing failed
}
