package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// faultAPI is a small stateful pets API for checkpoint tests: POST /pets
// creates (201, a fresh id and a number too large for float64), GET and
// DELETE /pets/{id}, GET /status. fault makes a route answer with a status;
// block makes a route hold the request until the client gives up, and
// closes started when it does.
type faultAPI struct {
	*server
	mu      sync.Mutex
	fault   map[string]int
	block   string
	started chan struct{}
	ids     int
}

func newFaultAPI(t *testing.T) *faultAPI {
	f := &faultAPI{fault: map[string]int{}, started: make(chan struct{})}
	f.server = newServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		route := r.Method + " " + r.URL.Path
		if strings.HasPrefix(r.URL.Path, "/v1/pets/") {
			route = r.Method + " /v1/pets/*"
		}
		f.mu.Lock()
		status, faulty := f.fault[route]
		block := f.block == route
		if block {
			f.block = ""
		}
		f.mu.Unlock()
		if block {
			close(f.started)
			<-r.Context().Done()
			return
		}
		if faulty {
			jsonReply(w, status, `{"error":"injected"}`)
			return
		}
		switch route {
		case "POST /v1/pets":
			f.mu.Lock()
			f.ids++
			id := f.ids
			f.mu.Unlock()
			jsonReply(w, 201, fmt.Sprintf(`{"id":"pet-%d","big":12345678901234567890}`, id))
		case "GET /v1/pets/*":
			jsonReply(w, 200, `{"id":"`+strings.TrimPrefix(r.URL.Path, "/v1/pets/")+`","tags":["good","dog"]}`)
		case "DELETE /v1/pets/*":
			jsonReply(w, 200, `{"deleted":true}`)
		default:
			jsonReply(w, 200, `{"ok":true}`)
		}
	})
	return f
}

func (f *faultAPI) setFault(route string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if status == 0 {
		delete(f.fault, route)
	} else {
		f.fault[route] = status
	}
}

// hits lists the requests received since the index from, as "METHOD /path".
func (f *faultAPI) hits(from int) []string {
	var out []string
	for _, r := range f.requests()[from:] {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

const threeSteps = header + `
workflows:
  - workflowId: three
    inputs:
      type: object
      properties:
        name: {type: string}
    steps:
      - stepId: create
        operationId: createPet
        requestBody:
          payload: {name: $inputs.name}
        successCriteria:
          - condition: $statusCode == 201
        outputs:
          id: $response.body#/id
          big: $response.body#/big
      - stepId: fetch
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: $steps.create.outputs.id}
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          pet: $response.body
      - stepId: remove
        operationId: deletePet
        parameters:
          - {name: petId, in: path, value: $steps.create.outputs.id}
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          deleted: $response.body#/deleted
    outputs:
      id: $steps.create.outputs.id
      big: $steps.create.outputs.big
      tag: $steps.fetch.outputs.pet#/tags/0
      deleted: $steps.remove.outputs.deleted
      summary: 'pet {$steps.create.outputs.id} of {$inputs.name}'
`

// recorder keeps every checkpoint, after a JSON round trip (as a journal
// file would give it back).
type recorder struct {
	t   *testing.T
	cps []*Checkpoint
	err error // returned from the call number failAt (1-based)
	at  int
}

func (c *recorder) record(cp *Checkpoint) error {
	c.cps = append(c.cps, roundTrip(c.t, cp))
	if c.err != nil && len(c.cps) == c.at {
		return c.err
	}
	return nil
}

func (c *recorder) last() *Checkpoint {
	if len(c.cps) == 0 {
		c.t.Fatal("no checkpoint")
	}
	return c.cps[len(c.cps)-1]
}

func roundTrip(t *testing.T, cp *Checkpoint) *Checkpoint {
	t.Helper()
	raw, err := json.Marshal(cp)
	if err != nil {
		t.Fatalf("checkpoint does not encode: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out Checkpoint
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestResume: a run that stops after step 2 of 3 (a server fault, a
// cancelled context) resumes with only the remaining step(s) sent, and its
// outputs are those of a clean run.
func TestResume(t *testing.T) {
	p := compileDoc(t, threeSteps)
	inputs := map[string]any{"name": "Rex"}

	clean := newFaultAPI(t)
	want := mustRun(t, p, "three", inputs, clean.opts(nil))
	if !want.Success {
		t.Fatal(want.Err)
	}

	tests := []struct {
		name     string
		stop     func(f *faultAPI) (context.Context, func())
		fix      func(f *faultAPI)
		done     []string // completed steps in the last checkpoint
		next     string
		resumed  []string // requests sent by the resumed run
		wantStop string   // substring of the first run's error
	}{
		{
			name: "server fault on step 3",
			stop: func(f *faultAPI) (context.Context, func()) {
				f.setFault("DELETE /v1/pets/*", 500)
				return context.Background(), func() {}
			},
			fix:      func(f *faultAPI) { f.setFault("DELETE /v1/pets/*", 0) },
			done:     []string{"create", "fetch"},
			next:     "remove",
			resumed:  []string{"DELETE /v1/pets/pet-1"},
			wantStop: "got 500",
		},
		{
			name: "cancelled while step 3 is in flight",
			stop: func(f *faultAPI) (context.Context, func()) {
				f.block = "DELETE /v1/pets/*"
				ctx, cancel := context.WithCancel(context.Background())
				go func() { <-f.started; cancel() }()
				return ctx, cancel
			},
			fix:      func(*faultAPI) {},
			done:     []string{"create", "fetch"},
			next:     "remove",
			resumed:  []string{"DELETE /v1/pets/pet-1"},
			wantStop: "context canceled",
		},
		{
			name: "cancelled while step 2 is in flight",
			stop: func(f *faultAPI) (context.Context, func()) {
				f.block = "GET /v1/pets/*"
				ctx, cancel := context.WithCancel(context.Background())
				go func() { <-f.started; cancel() }()
				return ctx, cancel
			},
			fix:      func(*faultAPI) {},
			done:     []string{"create"},
			next:     "fetch",
			resumed:  []string{"GET /v1/pets/pet-1", "DELETE /v1/pets/pet-1"},
			wantStop: "context canceled",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFaultAPI(t)
			rec := &recorder{t: t}
			o := f.opts(nil)
			o.OnCheckpoint = rec.record
			ctx, cancel := tt.stop(f)
			defer cancel()
			res, err := p.Run(ctx, "three", inputs, o)
			if err != nil {
				t.Fatal(err)
			}
			if res.Success || res.Err == nil || !strings.Contains(res.Err.Error(), tt.wantStop) {
				t.Fatalf("first run: success=%v err=%v, want a failure with %q", res.Success, res.Err, tt.wantStop)
			}
			cp := rec.last()
			if got := cp.Done(); !reflect.DeepEqual(got, tt.done) || cp.Next != tt.next || cp.Complete {
				t.Fatalf("checkpoint: done %v next %q complete %v, want %v next %q", got, cp.Next, cp.Complete, tt.done, tt.next)
			}
			if !strings.HasPrefix(cp.InputsHash, "sha256:") || cp.Workflow != "three" {
				t.Errorf("checkpoint header: %+v", cp)
			}

			tt.fix(f)
			before := len(f.requests())
			rec2 := &recorder{t: t}
			o.OnCheckpoint = rec2.record
			o.Resume = cp
			res, err = p.Run(context.Background(), "three", inputs, o)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Success {
				t.Fatalf("resumed run failed: %v", res.Err)
			}
			if got := f.hits(before); !reflect.DeepEqual(got, tt.resumed) {
				t.Errorf("resumed run sent %v, want %v", got, tt.resumed)
			}
			if got, w := jsonOf(t, res.Outputs), jsonOf(t, want.Outputs); got != w {
				t.Errorf("outputs after resume:\n%s\nclean run:\n%s", got, w)
			}
			end := rec2.last()
			if !end.Complete || end.Next != "" || !reflect.DeepEqual(end.Done(), []string{"create", "fetch", "remove"}) {
				t.Errorf("final checkpoint: %+v", end)
			}
			if jsonOf(t, end.Outputs) != jsonOf(t, want.Outputs) {
				t.Errorf("final checkpoint outputs %s", jsonOf(t, end.Outputs))
			}

			// Resuming the complete checkpoint sends nothing and gives the
			// recorded outputs.
			before = len(f.requests())
			o.Resume = end
			o.OnCheckpoint = nil
			res, err = p.Run(context.Background(), "three", inputs, o)
			if err != nil || !res.Success || len(res.Steps) != 0 {
				t.Fatalf("complete resume: %v %+v", err, res)
			}
			if got := f.hits(before); len(got) != 0 {
				t.Errorf("complete resume sent %v", got)
			}
			if jsonOf(t, res.Outputs) != jsonOf(t, want.Outputs) {
				t.Errorf("complete resume outputs %s", jsonOf(t, res.Outputs))
			}
		})
	}
}

// TestCheckpointSequence: one checkpoint before anything is sent, one per
// completed top-level step, a complete one at the end.
func TestCheckpointSequence(t *testing.T) {
	p := compileDoc(t, threeSteps)
	f := newFaultAPI(t)
	rec := &recorder{t: t}
	o := f.opts(nil)
	o.OnCheckpoint = rec.record
	res := mustRun(t, p, "three", map[string]any{"name": "Rex"}, o)
	if !res.Success {
		t.Fatal(res.Err)
	}
	var got []string
	for _, cp := range rec.cps {
		got = append(got, fmt.Sprintf("%v>%s:%v", cp.Done(), cp.Next, cp.Complete))
	}
	want := []string{"[]>create:false", "[create]>fetch:false", "[create fetch]>remove:false", "[create fetch remove]>:false", "[create fetch remove]>:true"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("checkpoints:\n%v\nwant\n%v", got, want)
	}
	// The big number survives the round trip digit for digit.
	if s := jsonOf(t, rec.last().Steps[0].Outputs["big"]); s != "12345678901234567890" {
		t.Errorf("big = %s", s)
	}
}

// TestResumeRefused: a checkpoint that does not fit is refused before
// anything is sent.
func TestResumeRefused(t *testing.T) {
	p := compileDoc(t, threeSteps+`
  - workflowId: other
    steps:
      - stepId: s
        operationId: status
`)
	f := newFaultAPI(t)
	inputs := map[string]any{"name": "Rex"}
	good := func() *Checkpoint {
		return &Checkpoint{
			Workflow:   "three",
			InputsHash: InputsHash(inputs),
			Steps:      []CompletedStep{{Workflow: "three", Step: "create", Outputs: map[string]any{"id": "pet-9"}}},
			Next:       "fetch",
		}
	}
	tests := []struct {
		name   string
		edit   func(cp *Checkpoint)
		inputs map[string]any
		want   string
	}{
		{"other workflow", func(cp *Checkpoint) { cp.Workflow = "other" }, inputs, `for workflow "other", not "three"`},
		{"other inputs", func(*Checkpoint) {}, map[string]any{"name": "Max"}, "inputs differ"},
		{"no inputs hash", func(cp *Checkpoint) { cp.InputsHash = "" }, inputs, "inputs differ"},
		{"unknown step", func(cp *Checkpoint) { cp.Steps[0].Step = "gone" }, inputs, `no step "gone"`},
		{"step of another workflow", func(cp *Checkpoint) { cp.Steps[0].Workflow = "other" }, inputs, `belongs to workflow "other"`},
		{"unknown next", func(cp *Checkpoint) { cp.Next = "gone" }, inputs, `no step "gone" to continue from`},
		{"unknown next workflow", func(cp *Checkpoint) { cp.Next, cp.NextWorkflow = "", "gone" }, inputs, `no workflow "gone" to continue with`},
		{"unknown workflow", func(cp *Checkpoint) {
			cp.Workflows = []CompletedWorkflow{{Workflow: "gone", Dependency: true}}
		}, inputs, `no workflow "gone"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cp := good()
			tt.edit(cp)
			o := f.opts(nil)
			o.Resume = cp
			res, err := p.Run(context.Background(), "three", tt.inputs, o)
			var re *ResumeError
			if !errors.As(err, &re) || res != nil {
				t.Fatalf("Run = %v, %v; want a *ResumeError", res, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q", err, tt.want)
			}
			if n := len(f.requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
	// The good checkpoint resumes: fetch and remove only.
	o := f.opts(nil)
	o.Resume = good()
	res := mustRun(t, p, "three", inputs, o)
	if !res.Success || stepTrace(res) != "fetch:200:PASS remove:200:PASS" {
		t.Errorf("resume: %v %s", res.Err, stepTrace(res))
	}
	if got := f.hits(0); !reflect.DeepEqual(got, []string{"GET /v1/pets/pet-9", "DELETE /v1/pets/pet-9"}) {
		t.Errorf("sent %v", got)
	}
}

// TestCheckpointError: a checkpoint that cannot be recorded before the run
// keeps anything from being sent; later, it stops the run before the next
// step.
func TestCheckpointError(t *testing.T) {
	p := compileDoc(t, threeSteps)
	disk := errors.New("disk full")
	tests := []struct {
		at    int // failing OnCheckpoint call
		sent  int
		runOK bool // Run returns a Result (something was sent)
	}{
		{at: 1, sent: 0},
		{at: 2, sent: 1, runOK: true},
		{at: 5, sent: 3, runOK: true}, // the complete mark
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.at), func(t *testing.T) {
			f := newFaultAPI(t)
			rec := &recorder{t: t, err: disk, at: tt.at}
			o := f.opts(nil)
			o.OnCheckpoint = rec.record
			res, err := p.Run(context.Background(), "three", map[string]any{"name": "Rex"}, o)
			var ce *CheckpointError
			if tt.runOK {
				if err != nil || res.Success || !errors.As(res.Err, &ce) || !errors.Is(res.Err, disk) {
					t.Fatalf("Run = %+v, %v; want a failed Result with a *CheckpointError", res, err)
				}
			} else if res != nil || !errors.As(err, &ce) {
				t.Fatalf("Run = %v, %v; want a *CheckpointError", res, err)
			}
			if n := len(f.requests()); n != tt.sent {
				t.Errorf("%d requests sent, want %d", n, tt.sent)
			}
			if len(rec.cps) != tt.at {
				t.Errorf("%d checkpoints after the failure, want none", len(rec.cps)-tt.at)
			}
		})
	}
}

// TestCheckpointPositions: actions move the recorded position; a
// sub-workflow step and a goto to another workflow are units; dependsOn
// workflows are recorded and not run again.
func TestCheckpointPositions(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: dep
    steps:
      - stepId: d
        operationId: status
        outputs:
          ok: $response.body#/ok
    outputs:
      ok: $steps.d.outputs.ok
  - workflowId: sub
    steps:
      - stepId: s1
        operationId: createPet
        outputs:
          id: $response.body#/id
      - stepId: s2
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: $steps.s1.outputs.id}
    outputs:
      id: $steps.s1.outputs.id
  - workflowId: gotos
    steps:
      - stepId: a
        operationId: status
        onSuccess:
          - {name: skip, type: goto, stepId: c}
      - stepId: b
        operationId: listPets
      - stepId: c
        operationId: createPet
        onSuccess:
          - {name: done, type: end}
      - stepId: d
        operationId: listPets
  - workflowId: withSub
    dependsOn: [dep]
    steps:
      - stepId: first
        operationId: status
      - stepId: call
        workflowId: sub
        outputs:
          id: $outputs.id
      - stepId: last
        operationId: deletePet
        parameters:
          - {name: petId, in: path, value: $steps.call.outputs.id}
    outputs:
      id: $steps.call.outputs.id
      depOK: $workflows.dep.outputs.ok
      subID: $workflows.sub.outputs.id
  - workflowId: jump
    steps:
      - stepId: a
        operationId: status
        onSuccess:
          - {name: away, type: goto, workflowId: sub}
`)
	t.Run("goto and end", func(t *testing.T) {
		f := newFaultAPI(t)
		rec := &recorder{t: t}
		o := f.opts(nil)
		o.OnCheckpoint = rec.record
		res := mustRun(t, p, "gotos", nil, o)
		if !res.Success {
			t.Fatal(res.Err)
		}
		var got []string
		for _, cp := range rec.cps {
			got = append(got, fmt.Sprintf("%v>%s", cp.Done(), cp.Next))
		}
		want := []string{"[]>a", "[a]>c", "[a c]>", "[a c]>"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("positions %v, want %v", got, want)
		}
	})
	t.Run("sub-workflow restarts as a whole", func(t *testing.T) {
		f := newFaultAPI(t)
		f.setFault("GET /v1/pets/*", 503) // s2, inside the sub-workflow
		rec := &recorder{t: t}
		o := f.opts(nil)
		o.OnCheckpoint = rec.record
		res := mustRun(t, p, "withSub", nil, o)
		if res.Success {
			t.Fatal("want a failure")
		}
		cp := rec.last()
		if !reflect.DeepEqual(cp.Done(), []string{"first"}) || cp.Next != "call" {
			t.Fatalf("checkpoint %+v", cp)
		}
		if len(cp.Workflows) == 0 || cp.Workflows[0].Workflow != "dep" || !cp.Workflows[0].Dependency {
			t.Fatalf("dependency not recorded: %+v", cp.Workflows)
		}
		f.setFault("GET /v1/pets/*", 0)
		before := len(f.requests())
		o.Resume = cp
		res = mustRun(t, p, "withSub", nil, o)
		if !res.Success {
			t.Fatal(res.Err)
		}
		want := []string{"POST /v1/pets", "GET /v1/pets/pet-2", "DELETE /v1/pets/pet-2"}
		if got := f.hits(before); !reflect.DeepEqual(got, want) {
			t.Errorf("resumed run sent %v, want %v (dep and first not again, sub whole)", got, want)
		}
		if got := jsonOf(t, res.Outputs); got != `{"depOK":true,"id":"pet-2","subID":"pet-2"}` {
			t.Errorf("outputs %s", got)
		}
	})
	t.Run("goto workflow", func(t *testing.T) {
		f := newFaultAPI(t)
		f.setFault("POST /v1/pets", 500)
		rec := &recorder{t: t}
		o := f.opts(nil)
		o.OnCheckpoint = rec.record
		res := mustRun(t, p, "jump", nil, o)
		if res.Success {
			t.Fatal("want a failure")
		}
		cp := rec.last()
		if !reflect.DeepEqual(cp.Done(), []string{"a"}) || cp.Next != "" || cp.NextWorkflow != "sub" {
			t.Fatalf("checkpoint %+v", cp)
		}
		f.setFault("POST /v1/pets", 0)
		before := len(f.requests())
		o.Resume = cp
		res = mustRun(t, p, "jump", nil, o)
		if !res.Success {
			t.Fatal(res.Err)
		}
		if got := f.hits(before); !reflect.DeepEqual(got, []string{"POST /v1/pets", "GET /v1/pets/pet-1"}) {
			t.Errorf("resumed run sent %v", got)
		}
		if !rec.last().Complete {
			t.Error("not complete")
		}
	})
}

// TestRetryStepCheckpoint: a step run by a retry action is recorded; the
// position stays at the retried step.
func TestRetryStepCheckpoint(t *testing.T) {
	p := compileDoc(t, header+`
workflows:
  - workflowId: w
    steps:
      - stepId: login
        operationId: status
        outputs:
          ok: $response.body#/ok
      - stepId: work
        operationId: createPet
        successCriteria:
          - condition: $statusCode == 201
        onFailure:
          - {name: relogin, type: retry, stepId: login, retryAfter: 0, retryLimit: 1}
`)
	f := newFaultAPI(t)
	f.setFault("POST /v1/pets", 401)
	rec := &recorder{t: t}
	o := f.opts(nil)
	o.OnCheckpoint = rec.record
	res := mustRun(t, p, "w", nil, o)
	if res.Success {
		t.Fatal("want a failure")
	}
	var got []string
	for _, cp := range rec.cps {
		got = append(got, fmt.Sprintf("%v>%s", cp.Done(), cp.Next))
	}
	want := []string{"[]>login", "[login]>work", "[login]>work"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("positions %v, want %v", got, want)
	}
}

func TestInputsHash(t *testing.T) {
	a := InputsHash(map[string]any{"a": 1, "b": []any{"x", true}})
	tests := []struct {
		in   map[string]any
		same bool
	}{
		{map[string]any{"b": []any{"x", true}, "a": 1}, true},
		{map[string]any{"a": json.Number("1"), "b": []any{"x", true}}, true},
		{map[string]any{"a": 2, "b": []any{"x", true}}, false},
		{map[string]any{"a": 1}, false},
		{nil, false},
	}
	for i, tt := range tests {
		if got := InputsHash(tt.in) == a; got != tt.same {
			t.Errorf("%d: same = %v, want %v", i, got, tt.same)
		}
	}
	if InputsHash(nil) != InputsHash(map[string]any{}) {
		t.Error("nil and empty inputs differ")
	}
}

// BenchmarkCheckpoints measures what checkpoints add to a three-step run
// against a local server (the callback itself does nothing).
func BenchmarkCheckpoints(b *testing.B) {
	p := compileDoc(b, threeSteps)
	srv := newServer(b, func(w http.ResponseWriter, r *http.Request, body string) {
		switch {
		case r.Method == http.MethodPost:
			jsonReply(w, 201, `{"id":"pet-1","big":12345678901234567890}`)
		case r.Method == http.MethodGet:
			jsonReply(w, 200, `{"id":"pet-1","tags":["good"]}`)
		default:
			jsonReply(w, 200, `{"deleted":true}`)
		}
	})
	for _, withCP := range []bool{false, true} {
		b.Run(fmt.Sprintf("checkpoints=%v", withCP), func(b *testing.B) {
			o := Options{Servers: map[string]string{"pets": srv.URL + "/v1"}}
			if withCP {
				o.OnCheckpoint = func(*Checkpoint) error { return nil }
			}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				res, err := p.Run(context.Background(), "three", map[string]any{"name": "Rex"}, o)
				if err != nil || !res.Success {
					b.Fatal(err, res.Err)
				}
			}
		})
	}
}
