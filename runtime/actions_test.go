package runtime

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// scripted answers the n-th request to a path with statuses[n] (the last
// one repeating), JSON body {"n": n}.
func scripted(t testing.TB, script map[string][]int, extra func(w http.ResponseWriter, path string, n int)) *server {
	var mu sync.Mutex
	count := map[string]int{}
	return newServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		mu.Lock()
		n := count[r.URL.Path]
		count[r.URL.Path]++
		mu.Unlock()
		st := script[r.URL.Path]
		code := 200
		if len(st) > 0 {
			code = st[min(n, len(st)-1)]
		}
		if extra != nil {
			extra(w, r.URL.Path, n)
		}
		jsonReply(w, code, `{"n":`+itoa(n)+`,"ok":true}`)
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestActions(t *testing.T) {
	tests := []struct {
		name    string
		steps   string
		script  map[string][]int
		header  func(w http.ResponseWriter, path string, n int)
		wantOK  bool
		trace   string
		slept   []time.Duration
		errHas  string
		actions []string // ActionTaken.String() of the non-default actions, in order
	}{
		{
			name: "retry-after header overrules retryAfter",
			steps: `
      - stepId: s
        operationId: status
        successCriteria: [{condition: $statusCode == 200}]
        onFailure:
          - name: busy
            type: retry
            retryAfter: 5
            retryLimit: 3
            criteria: [{condition: $statusCode == 503}]`,
			script: map[string][]int{"/v1/status": {503, 503, 200}},
			header: func(w http.ResponseWriter, path string, n int) {
				if n < 2 {
					w.Header().Set("Retry-After", "2")
				}
			},
			wantOK:  true,
			trace:   "s:503:FAIL s:503:FAIL s:200:PASS",
			slept:   []time.Duration{2 * time.Second, 2 * time.Second},
			actions: []string{`retry "busy" (1/3, after 2s from Retry-After)`, `retry "busy" (2/3, after 2s from Retry-After)`},
		},
		{
			name: "retryAfter without header",
			steps: `
      - stepId: s
        operationId: status
        successCriteria: [{condition: $statusCode == 200}]
        onFailure:
          - {name: again, type: retry, retryAfter: 1.5, retryLimit: 2}`,
			script: map[string][]int{"/v1/status": {500, 500, 500}},
			wantOK: false,
			trace:  "s:500:FAIL s:500:FAIL s:500:FAIL",
			slept:  []time.Duration{1500 * time.Millisecond, 1500 * time.Millisecond},
			errHas: "$statusCode == 200: got 500",
		},
		{
			name: "retryLimit defaults to one and is exhausted before later failure actions",
			steps: `
      - stepId: s
        operationId: status
        successCriteria: [{condition: $statusCode == 200}]
        onFailure:
          - {name: again, type: retry}
          - {name: fallback, type: goto, stepId: fb}
      - stepId: never
        operationId: status
      - stepId: fb
        operationId: createPet`,
			script:  map[string][]int{"/v1/status": {500}, "/v1/pets": {201}},
			wantOK:  true,
			trace:   "s:500:FAIL s:500:FAIL fb:201:PASS",
			slept:   []time.Duration{0},
			actions: []string{`retry "again" (1/1, after 0s)`, `goto "fallback" step "fb"`},
		},
		{
			name: "retryLimit zero goes straight to the next action",
			steps: `
      - stepId: s
        operationId: status
        onFailure:
          - {name: again, type: retry, retryLimit: 0}
          - {name: stop, type: end}`,
			script: map[string][]int{"/v1/status": {500}},
			wantOK: false,
			trace:  "s:500:FAIL",
			errHas: `failure action "stop" ended the workflow`,
		},
		{
			name: "no matching failure action breaks",
			steps: `
      - stepId: s
        operationId: status
        onFailure:
          - {name: only404, type: goto, stepId: s, criteria: [{condition: $statusCode == 404}]}
      - stepId: after
        operationId: status`,
			script: map[string][]int{"/v1/status": {500}},
			wantOK: false,
			trace:  "s:500:FAIL",
			errHas: "HTTP 500 (no successCriteria: any 2xx succeeds)",
		},
		{
			name: "success end skips the remaining steps",
			steps: `
      - stepId: a
        operationId: status
        onSuccess:
          - {name: early, type: goto, stepId: b, criteria: [{condition: $response.body#/ok == false}]}
          - {name: done, type: end, criteria: [{condition: $statusCode == 200}]}
      - stepId: b
        operationId: status`,
			wantOK:  true,
			trace:   "a:200:PASS",
			actions: []string{`end "done"`},
		},
		{
			name: "retry runs a step first",
			steps: `
      - stepId: s
        operationId: status
        onFailure:
          - {name: relogin, type: retry, stepId: login, criteria: [{condition: $statusCode == 401}]}
      - stepId: login
        operationId: createPet
        onSuccess:
          - {name: stop, type: end}`,
			script:  map[string][]int{"/v1/status": {401, 200}, "/v1/pets": {201}},
			wantOK:  true,
			trace:   "s:401:FAIL login:201:PASS s:200:PASS login:201:PASS",
			slept:   []time.Duration{0},
			actions: []string{`retry "relogin" (1/1, after 0s) running step "login" first`, `end "stop"`},
		},
		{
			name: "goto loop hits MaxSteps",
			steps: `
      - stepId: s
        operationId: status
        onSuccess:
          - {name: loop, type: goto, stepId: s}`,
			wantOK: false,
			errHas: "more than 5 step executions (MaxSteps)",
			trace:  "s:200:PASS s:200:PASS s:200:PASS s:200:PASS s:200:PASS",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:`+tc.steps+"\n")
			srv := scripted(t, tc.script, tc.header)
			var slept []time.Duration
			o := srv.opts(&slept)
			o.MaxSteps = 5
			var actions []string
			o.OnEvent = func(ev Event) {
				if ev.Kind == EventActionTaken {
					actions = append(actions, ev.Action.String())
				}
			}
			res := mustRun(t, p, "w", nil, o)
			if res.Success != tc.wantOK {
				t.Errorf("success = %v (err %v)", res.Success, res.Err)
			}
			if got := stepTrace(res); tc.trace != "" && got != tc.trace {
				t.Errorf("trace = %s\nwant    %s", got, tc.trace)
			}
			if !reflect.DeepEqual(slept, tc.slept) {
				t.Errorf("slept = %v, want %v", slept, tc.slept)
			}
			if tc.errHas != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tc.errHas)) {
				t.Errorf("err = %v, want it to contain %q", res.Err, tc.errHas)
			}
			if tc.actions != nil && !reflect.DeepEqual(actions, tc.actions) {
				t.Errorf("actions = %q\nwant      %q", actions, tc.actions)
			}
		})
	}
}

func TestLimitErrorType(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: status
        onSuccess:
          - {name: loop, type: goto, stepId: s}
`)
	srv := okServer(t)
	res := mustRun(t, p, "w", nil, srv.opts(nil))
	var le *LimitError
	if !errors.As(res.Err, &le) || le.Limit != DefaultMaxSteps || le.Step != "s" {
		t.Fatalf("err = %#v", res.Err)
	}
	if len(res.Steps) != DefaultMaxSteps {
		t.Errorf("%d steps", len(res.Steps))
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: status
        onFailure:
          - {name: again, type: retry, retryAfter: 1}
`)
	srv := scripted(t, map[string][]int{"/v1/status": {429, 200}}, func(w http.ResponseWriter, path string, n int) {
		if n == 0 {
			w.Header().Set("Retry-After", now.Add(7*time.Second).Format(http.TimeFormat))
		}
	})
	var slept []time.Duration
	o := srv.opts(&slept)
	o.Now = func() time.Time { return now }
	res := mustRun(t, p, "w", nil, o)
	if !res.Success || !reflect.DeepEqual(slept, []time.Duration{7 * time.Second}) {
		t.Fatalf("success=%v slept=%v", res.Success, slept)
	}
	// An absurd header is capped.
	srv = scripted(t, map[string][]int{"/v1/status": {429, 200}}, func(w http.ResponseWriter, path string, n int) {
		w.Header().Set("Retry-After", "86400")
	})
	slept = nil
	o = srv.opts(&slept)
	res = mustRun(t, p, "w", nil, o)
	if !res.Success || !reflect.DeepEqual(slept, []time.Duration{MaxRetryWait}) {
		t.Fatalf("success=%v slept=%v", res.Success, slept)
	}
}

func TestWorkflowLevelActions(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    failureActions:
      - {name: again, type: retry, retryLimit: 2}
      - {name: giveUp, type: end}
    steps:
      - stepId: usesWorkflowLevel
        operationId: status
        successCriteria: [{condition: $statusCode == 200}]
      - stepId: overrides
        operationId: createPet
        successCriteria: [{condition: $statusCode == 201}]
        onFailure:
          - {name: again, type: retry, retryLimit: 1}
          - reference: $components.failureActions.toFirst
components:
  failureActions:
    toFirst: {name: toFirst, type: goto, stepId: usesWorkflowLevel, criteria: [{condition: $statusCode == 418}]}
`)
	srv := scripted(t, map[string][]int{"/v1/status": {500, 500, 200}, "/v1/pets": {500, 500}}, nil)
	var slept []time.Duration
	var acts []*ActionTaken
	o := srv.opts(&slept)
	o.OnEvent = func(ev Event) {
		if ev.Kind == EventActionTaken {
			acts = append(acts, ev.Action)
		}
	}
	res := mustRun(t, p, "w", nil, o)
	if res.Success {
		t.Fatal("succeeded")
	}
	want := "usesWorkflowLevel:500:FAIL usesWorkflowLevel:500:FAIL usesWorkflowLevel:200:PASS overrides:500:FAIL overrides:500:FAIL"
	if got := stepTrace(res); got != want {
		t.Errorf("trace = %s\nwant    %s", got, want)
	}
	if len(acts) != 4 || !acts[0].WorkflowLevel || acts[2].WorkflowLevel || acts[2].RetryLimit != 1 || acts[3].Name != "giveUp" || !acts[3].WorkflowLevel {
		for _, a := range acts {
			t.Logf("%+v", a)
		}
		t.Error("unexpected actions")
	}
}

func TestTransportErrorThenRetry(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: status
        onFailure:
          - {name: again, type: retry, retryLimit: 1}
`)
	srv := okServer(t)
	srv.Close() // nothing listens any more
	var slept []time.Duration
	res := mustRun(t, p, "w", nil, srv.opts(&slept))
	if res.Success || len(res.Steps) != 2 {
		t.Fatalf("success=%v steps=%d", res.Success, len(res.Steps))
	}
	for _, s := range res.Steps {
		if s.Err == nil || s.Response != nil || s.Request == nil {
			t.Errorf("attempt %d: err=%v resp=%v", s.Attempt, s.Err, s.Response)
		}
	}
	if !strings.Contains(res.Err.Error(), "connect") {
		t.Errorf("err = %v", res.Err)
	}
}

func TestCancelledContext(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: status
        onFailure:
          - {name: again, type: retry, retryLimit: 100, retryAfter: 1}
`)
	srv := scripted(t, map[string][]int{"/v1/status": {500}}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	o := srv.opts(nil)
	o.Sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		return ctx.Err()
	}
	res, err := p.Run(ctx, "w", nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Success || !errors.Is(res.Err, context.Canceled) || len(res.Steps) != 1 {
		t.Errorf("success=%v err=%v steps=%d", res.Success, res.Err, len(res.Steps))
	}
}

func TestEventsOrder(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: a
        operationId: status
        successCriteria: [{condition: $statusCode == 200}]
        onFailure:
          - {name: again, type: retry}
`)
	srv := scripted(t, map[string][]int{"/v1/status": {500, 200}}, nil)
	var kinds []string
	o := srv.opts(nil)
	o.Sleep = func(context.Context, time.Duration) error { return nil }
	o.OnEvent = func(ev Event) {
		s := ev.Kind.String()
		if ev.Step != "" {
			s += ":" + ev.Step + "#" + itoa(ev.Attempt)
		}
		kinds = append(kinds, s)
		if ev.Kind == EventStepFinished && ev.Run.Action == nil {
			t.Error("StepFinished without the action that follows")
		}
	}
	res := mustRun(t, p, "w", nil, o)
	if !res.Success {
		t.Fatal(res.Err)
	}
	want := "WorkflowStarted StepStarted:a#1 Request:a#1 Response:a#1 StepFinished:a#1 ActionTaken:a#1 " +
		"StepStarted:a#2 Request:a#2 Response:a#2 StepFinished:a#2 WorkflowFinished"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("events:\n%s\nwant\n%s", got, want)
	}
	if r := res.Steps[0].Reason(); r != "$statusCode == 200: got 500" {
		t.Errorf("reason = %q", r)
	}
}
