package runtime

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// One Plan, many goroutines using today's shared machinery at once: Runs
// with contract checks (the per-Plan Checker cache) and checkpoints, and
// RunAll calls (run with -race).
func TestConcurrentRunsWithContractCheckpointsAndRunAll(t *testing.T) {
	p := compileDoc(t, allDoc)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		switch r.Method {
		case "POST":
			jsonReply(w, 201, `{"n": 7, "name": "x"}`)
		default:
			jsonReply(w, 200, `{}`)
		}
	})
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			opts := srv.opts(nil)
			opts.Contract, opts.CheckRequests = ContractWarn, true
			var cps int
			opts.OnCheckpoint = func(cp *Checkpoint) error { cps++; return nil }
			res, err := p.Run(t.Context(), "top", nil, opts)
			if err != nil {
				errs <- err
				return
			}
			if cps == 0 {
				errs <- fmt.Errorf("Run: no checkpoint")
			}
			if res.Outputs["base"] == nil {
				errs <- fmt.Errorf("Run: outputs %v (%v)", res.Outputs, res.Err)
			}
		}()
		go func() {
			defer wg.Done()
			opts := srv.opts(nil)
			opts.Contract = ContractStrict
			rs, err := p.RunAll(t.Context(), nil, nil, opts)
			if err != nil {
				errs <- err
				return
			}
			if len(rs) != 5 {
				errs <- fmt.Errorf("RunAll: %d results", len(rs))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
