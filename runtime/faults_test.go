package runtime

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// faultDoc lists the pets; its output needs the body's first pet's id.
const faultDoc = header + `workflows:
  - workflowId: list
    steps:
      - stepId: list
        operationId: listPets
        successCriteria: [{condition: $statusCode == 200}]
        outputs: {first: $response.body#/0/id}
`

// Regression: a request that outlived RequestTimeout failed with Go's bare
// `Get "...": context deadline exceeded`, which does not say which limit
// was hit.
func TestRequestTimeoutNamed(t *testing.T) {
	p := compileDoc(t, faultDoc)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ string) {
		<-r.Context().Done() // answer only when the client gives up
	})
	o := srv.opts(nil)
	o.RequestTimeout = 50 * time.Millisecond
	res := mustRun(t, p, "list", nil, o)
	if res.Success {
		t.Fatal("run succeeded")
	}
	got := res.Steps[0].Err
	if got == nil || got.Error() != "deadline exceeded: no complete response within the 50ms request timeout" {
		t.Fatalf("step error = %v", got)
	}
	if !errors.Is(got, context.DeadlineExceeded) {
		t.Errorf("errors.Is(%v, DeadlineExceeded) = false", got)
	}
	if res.Steps[0].Response != nil {
		t.Errorf("a response was recorded: %+v", res.Steps[0].Response)
	}
}

// The run's own deadline is not the request timeout: its error stays
// ctx.Err() (callers say which limit they set).
func TestRunDeadlineNotRequestTimeout(t *testing.T) {
	p := compileDoc(t, faultDoc)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ string) {
		<-r.Context().Done()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	res, err := p.Run(ctx, "list", nil, srv.opts(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(res.Err, context.DeadlineExceeded) || strings.Contains(res.Err.Error(), "request timeout") {
		t.Fatalf("Err = %v, want the run's deadline", res.Err)
	}
}

// Regression: an output read from a body that claims JSON and is not
// failed with "JSON pointer /0/id: value not found", which sends people
// looking for a missing field.
func TestInvalidJSONBodyExplained(t *testing.T) {
	p := compileDoc(t, faultDoc)
	tests := []struct {
		name, ctype, body, want string
	}{
		{"garbage claimed as JSON", "application/json", `[{"id": 1}, oops`,
			`output "first" ($response.body#/0/id): $response.body#/0/id: JSON pointer /0: value not found (the response body is not valid JSON, although its Content-Type is application/json: invalid character 'o' looking for beginning of value)`},
		{"valid JSON, field missing", "application/json", `[{}]`,
			`output "first" ($response.body#/0/id): $response.body#/0/id: JSON pointer /0/id: value not found`},
		{"text is not claimed as JSON", "text/html", `<html>`,
			`output "first" ($response.body#/0/id): $response.body#/0/id: JSON pointer /0: value not found`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ string) {
				w.Header().Set("Content-Type", tc.ctype)
				w.Write([]byte(tc.body))
			})
			res := mustRun(t, p, "list", nil, srv.opts(nil))
			if res.Success || res.Steps[0].Err == nil {
				t.Fatalf("success %v, err %v", res.Success, res.Steps[0].Err)
			}
			if got := res.Steps[0].Err.Error(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestTidyTransportError: net/http's internal function name is dropped from
// the message (it appears or not depending on timing: flaky CI), and the
// original error is still reachable.
func TestTidyTransportError(t *testing.T) {
	base := errors.New(`Get "https://x/ok": readLoopPeekFailLocked: remote error: tls: certificate required`)
	got := tidyTransportError(base)
	if got.Error() != `Get "https://x/ok": remote error: tls: certificate required` || !errors.Is(got, base) {
		t.Fatalf("got %q", got)
	}
	if plain := errors.New("connection refused"); tidyTransportError(plain) != plain {
		t.Fatal("other errors must be returned as they are")
	}
}
