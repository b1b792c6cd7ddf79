package runtime

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/contract"
	"github.com/arazzo-run/arazzo/openapi"
)

// LoadOptions control how Load fetches documents (the Arazzo document and
// every source description it names).
type LoadOptions struct {
	// HTTPClient fetches http(s) locations; nil means a client bounded by Timeout.
	HTTPClient *http.Client
	// MaxBytes caps each fetched document; 0 means the openapi package default (64 MiB).
	MaxBytes int64
	// Timeout bounds each fetch; 0 means 30 s.
	Timeout time.Duration
	// NoCache bypasses the on-disk cache of what was derived from each
	// OpenAPI description (see openapi.LoadOptions.CacheDir) and of the
	// Arazzo documents known to pass the official schema check (its
	// "verdicts" subdirectory, see arazzo.SchemaVerdicts).
	NoCache bool
	// CacheDir overrides the cache directory ("" means $ARAZZO_CACHE_DIR,
	// else the user cache directory).
	CacheDir string
	// Sources, when set, shares loaded source descriptions between Load
	// calls (e.g. validating many files at once).
	Sources *SourceCache
}

// Bundle is an Arazzo document with every source description it names,
// loaded and checked. It is produced by Load and consumed by Compile.
type Bundle struct {
	Doc *arazzo.Document
	// OpenAPI holds the openapi-type sources, by source description name.
	OpenAPI map[string]*openapi.Document
	// Arazzo holds the arazzo-type sources, by source description name,
	// loaded recursively (a cycle is reported, not followed).
	Arazzo map[string]*Bundle
	// Diagnostics holds everything found: parse, check and source loading
	// problems (a source that cannot be loaded is reported at the position
	// of its url), sorted.
	Diagnostics arazzo.Diagnostics

	own arazzo.Diagnostics // this document's diagnostics only
}

// Options control one Run. The zero value works.
type Options struct {
	// HTTPClient sends the requests; nil means one shared keep-alive client.
	// Its Timeout, if any, applies in addition to RequestTimeout.
	HTTPClient *http.Client
	// Servers maps a source description name to a base URL that replaces the
	// OpenAPI servers of that source (base path included, e.g.
	// "http://127.0.0.1:8080/api/v2").
	Servers map[string]string
	// ServerVars maps a source description name to server variable values;
	// variables not given take their defaults.
	ServerVars map[string]map[string]string
	// Now is the clock (durations, HTTP-date Retry-After); nil means time.Now.
	Now func() time.Time
	// Sleep waits between retries; nil means a timer that honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnEvent receives every event, synchronously and in order, from the
	// goroutine that called Run. It must not retain the *StepRun beyond the
	// call unless it treats it as read-only.
	OnEvent func(Event)
	// MaxSteps bounds the step executions of one Run, retries, gotos and
	// sub-workflow steps included (default 1000). Exceeding it fails the run
	// with a *LimitError.
	MaxSteps int
	// MaxDepth bounds sub-workflow nesting (default 32).
	MaxDepth int
	// MaxBodyBytes caps each response body read (default 16 MiB); a larger
	// body fails the step.
	MaxBodyBytes int64
	// RequestTimeout bounds each request, body read included (default 30 s).
	RequestTimeout time.Duration
	// Authenticate, when set, is called for every operation request after
	// it is built and before it is sent (source is the source description
	// name). An error fails the step without sending.
	Authenticate func(ctx context.Context, req *http.Request, op *openapi.Operation, source string) error
	// Contract checks each response against the step's OpenAPI operation
	// (status, content type, schema): off (the zero value), warn (problems
	// recorded on StepRun.Contract) or strict (a violation fails the step;
	// failure actions apply). See contract.go.
	Contract ContractMode
	// CheckRequests checks each request against the operation before it is
	// sent (after Authenticate); a request that violates the description is
	// not sent and fails the step (failure actions are not consulted).
	CheckRequests bool
	// OnCheckpoint, when set, receives the run's position in its top-level
	// workflow (journal.go): before anything is sent, after every top-level
	// step that completes, and once more, Complete, when the workflow
	// succeeds. It is called synchronously; an error stops the run (a
	// *CheckpointError). The Checkpoint is the callee's to keep.
	OnCheckpoint func(*Checkpoint) error
	// Resume continues an interrupted run from a Checkpoint: the completed
	// top-level steps are not run again (their outputs are restored) and the
	// run starts at the recorded step. Run refuses (a *ResumeError, nothing
	// sent) a checkpoint of another workflow or other inputs.
	Resume *Checkpoint
}

// Result is the outcome of a Run that sent something (or could have).
type Result struct {
	WorkflowID string
	Success    bool
	// Outputs are the workflow outputs. On failure they hold those that can
	// still be evaluated (outputs of steps that completed), so a half-done
	// run tells its user what it already created.
	Outputs map[string]any
	// Err says why the run failed: a *StepError (criteria unmet, transport
	// error, request that could not be built, failure end), a *LimitError,
	// or ctx.Err(). Nil on success.
	Err error
	// Steps holds every step attempt in order, sub-workflow steps included.
	Steps    []*StepRun
	Duration time.Duration
	// Skipped is set by RunAll for a workflow it did not run because a
	// dependency did not pass (or the run was interrupted first); Err is
	// then a *SkippedError and Steps is empty.
	Skipped bool
}

// StepRun records one attempt of one step.
type StepRun struct {
	// Workflow is the id of the workflow the step belongs to; Source is the
	// arazzo source description name when that workflow lives in another
	// document ("" for the main document).
	Workflow string
	Source   string
	StepID   string
	// Attempt is 1 for the first execution of the step in this pass, 2 for
	// the first retry, and so on.
	Attempt int
	// Depth is the sub-workflow nesting depth (0 for the workflow Run was
	// asked to run).
	Depth int

	// Operation steps: the source description and the operation.
	OperationSource string
	OperationID     string // "" when the operation has none
	Method          string // upper case
	PathTemplate    string // the OpenAPI path template, e.g. "/pets/{petId}"
	// Workflow steps: the called workflow ("$sourceDescriptions.x.id" form
	// when it is in another document).
	CalledWorkflow string

	Request  *RequestRecord  // nil when nothing was sent
	Response *ResponseRecord // nil when no response was received

	// Criteria are the successCriteria results, in document order.
	Criteria []CriterionResult
	// Contract holds the differences between the exchange and the OpenAPI
	// description (Options.Contract, Options.CheckRequests); warnings
	// unless they made the step fail (Err is then a *ContractError).
	Contract []contract.Problem
	// Success is the step's verdict for this attempt.
	Success bool
	// Action is the action that followed this attempt (nil while running).
	Action *ActionTaken
	// Outputs are the step outputs (successful attempts only).
	Outputs map[string]any

	Started  time.Time
	Duration time.Duration
	// Err says why the attempt failed, when it did: criteria unmet, a
	// transport error, a request that could not be built, a failed
	// sub-workflow.
	Err error
}

// Reason is a one-line explanation of the attempt's verdict, for progress
// output: "" when it succeeded, else the first failed criterion explained
// ("$statusCode == 201: got 409") or the error.
func (r *StepRun) Reason() string {
	if r == nil || r.Success {
		return ""
	}
	for _, c := range r.Criteria {
		if !c.Passed {
			return c.String()
		}
	}
	if r.Err != nil {
		return r.Err.Error()
	}
	return "failed"
}

// RequestRecord is a request as it was sent.
type RequestRecord struct {
	Method string
	URL    string
	Header http.Header // after Authenticate; callers printing it should redact credentials
	Body   []byte
}

// ResponseRecord is a response as it was received (the body capped by
// Options.MaxBodyBytes).
type ResponseRecord struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// CriterionResult is the outcome of one criterion.
type CriterionResult struct {
	Condition string // as written
	Type      string // "simple", "regex", "jsonpath", "xpath"
	Context   string // as written, "" for simple conditions
	Pos       arazzo.Pos
	Passed    bool
	// Explanation shows the values compared when the criterion failed
	// ("$statusCode == 201: got 409"); "" when it passed.
	Explanation string
	// Err is set when the criterion could not be evaluated (it then fails).
	Err error
}

// String is "condition" when passed, else the explanation (or the
// condition and the error).
func (c CriterionResult) String() string {
	switch {
	case c.Passed:
		return c.Condition
	case c.Explanation != "" && c.Err != nil:
		return c.Explanation + ": " + c.Err.Error()
	case c.Explanation != "":
		return c.Explanation
	case c.Err != nil:
		return c.Condition + ": " + c.Err.Error()
	}
	return c.Condition + ": false"
}

// ActionTaken is what the executor did after a step attempt.
type ActionTaken struct {
	// Kind is arazzo.SuccessAction or arazzo.FailureAction.
	Kind arazzo.ActionKind
	// Name is the action's name; "" for a default (no action matched: next
	// step on success, break on failure).
	Name string
	Type arazzo.ActionType // end, goto, retry; "" for a default
	// Default is true when no action matched and the spec's default applied.
	Default bool
	// StepID / WorkflowID name the goto target, or the step/workflow run
	// before retrying.
	StepID     string
	WorkflowID string
	// Criteria are the results of the criteria that selected the action
	// (all passed; empty when it had none).
	Criteria []CriterionResult
	// RetryAfter is the wait before the retry; RetryFromHeader is true when
	// an HTTP Retry-After header set it.
	RetryAfter      time.Duration
	RetryFromHeader bool
	// Retry is the retry number (1 for the first retry) and RetryLimit the
	// action's limit.
	Retry      int
	RetryLimit int
	// Defined is where the action was written (step or workflow level, or
	// the component).
	Pos arazzo.Pos
	// WorkflowLevel is true when the action came from the workflow's
	// successActions/failureActions.
	WorkflowLevel bool
}

// String describes the action for progress output, e.g.
// `retry "rateLimited" (1/3, after 2s)` or `goto step "login"`.
func (a *ActionTaken) String() string {
	if a == nil {
		return ""
	}
	if a.Default {
		if a.Kind == arazzo.SuccessAction {
			return "next step"
		}
		return "break"
	}
	var b strings.Builder
	b.WriteString(string(a.Type))
	if a.Name != "" {
		fmt.Fprintf(&b, " %q", a.Name)
	}
	switch a.Type {
	case arazzo.ActionRetry:
		// Milliseconds are enough for people (an HTTP-date Retry-After
		// gives waits like 992.005622ms).
		fmt.Fprintf(&b, " (%d/%d, after %s", a.Retry, a.RetryLimit, a.RetryAfter.Round(time.Millisecond))
		if a.RetryFromHeader {
			b.WriteString(" from Retry-After")
		}
		b.WriteString(")")
		if a.StepID != "" {
			fmt.Fprintf(&b, " running step %q first", a.StepID)
		} else if a.WorkflowID != "" {
			fmt.Fprintf(&b, " running workflow %q first", a.WorkflowID)
		}
	case arazzo.ActionGoto:
		if a.StepID != "" {
			fmt.Fprintf(&b, " step %q", a.StepID)
		} else {
			fmt.Fprintf(&b, " workflow %q", a.WorkflowID)
		}
	}
	return b.String()
}

// EventKind says what an Event reports.
type EventKind uint8

// The events of a run, in the order they occur for one step attempt:
// EventStepStarted, EventRequest, EventResponse, EventStepFinished,
// EventActionTaken. A run starts with EventWorkflowStarted and ends with
// EventWorkflowFinished (also emitted for dependsOn and sub-workflows).
const (
	EventWorkflowStarted EventKind = iota + 1
	EventStepStarted
	EventRequest  // Run.Request is set; the request is about to be sent
	EventResponse // Run.Response is set (or Err, on a transport error)
	EventStepFinished
	EventActionTaken // Action is set
	EventWorkflowFinished
)

func (k EventKind) String() string {
	switch k {
	case EventWorkflowStarted:
		return "WorkflowStarted"
	case EventStepStarted:
		return "StepStarted"
	case EventRequest:
		return "Request"
	case EventResponse:
		return "Response"
	case EventStepFinished:
		return "StepFinished"
	case EventActionTaken:
		return "ActionTaken"
	case EventWorkflowFinished:
		return "WorkflowFinished"
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Event is passed to Options.OnEvent.
type Event struct {
	Kind     EventKind
	Workflow string
	Step     string // "" for workflow events
	Attempt  int
	Depth    int
	Run      *StepRun     // step events
	Action   *ActionTaken // EventActionTaken
	// Err is the step's failure (EventStepFinished), the transport error
	// (EventResponse) or the workflow's failure (EventWorkflowFinished).
	Err error
	// Outputs are the workflow outputs (EventWorkflowFinished).
	Outputs map[string]any
}

// UsageError is returned by Run when the workflow to run does not exist (or
// none was named and there are several). Nothing was sent.
type UsageError struct {
	Msg         string
	WorkflowIDs []string // the ids that exist
}

func (e *UsageError) Error() string {
	if len(e.WorkflowIDs) == 0 {
		return e.Msg
	}
	return e.Msg + " (workflows: " + strings.Join(e.WorkflowIDs, ", ") + ")"
}

// InputError is returned by Run when the inputs do not satisfy the
// workflow's inputs schema. Nothing was sent.
type InputError struct {
	Workflow   string
	Violations []InputViolation // sorted by input name
}

// InputViolation is one problem with the inputs.
type InputViolation struct {
	// Input is the top-level input name ("" when the problem is with the
	// inputs object as a whole); Path is the JSON pointer inside the inputs
	// ("/scopes/0/value").
	Input   string
	Path    string
	Message string
}

func (e *InputError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid inputs for workflow %q:", e.Workflow)
	for _, v := range e.Violations {
		b.WriteString("\n  ")
		if v.Path != "" {
			b.WriteString(v.Path)
		} else {
			b.WriteString("(inputs)")
		}
		b.WriteString(": ")
		b.WriteString(v.Message)
	}
	return b.String()
}

func sortViolations(v []InputViolation) {
	sort.SliceStable(v, func(i, j int) bool {
		if v[i].Path != v[j].Path {
			return v[i].Path < v[j].Path
		}
		return v[i].Message < v[j].Message
	})
}

// StepError is a run failure attributed to one step (Result.Err).
type StepError struct {
	Workflow string
	Step     string
	Attempt  int
	// Reason is a one-line human explanation: the failed criterion with the
	// values compared, the transport error, "failure action \"x\" ended the
	// workflow", ...
	Reason string
	// Failed lists the unmet success criteria, if that is why it failed.
	Failed []CriterionResult
	// Err is the underlying error (transport, request building,
	// sub-workflow), when there is one.
	Err error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("workflow %q step %q: %s", e.Workflow, e.Step, e.Reason)
}

func (e *StepError) Unwrap() error { return e.Err }

// LimitError reports that a run exceeded Options.MaxSteps or
// Options.MaxDepth (an endless goto loop, or runaway recursion).
type LimitError struct {
	What  string // "steps" or "depth"
	Limit int
	// Workflow and Step say where the limit was hit.
	Workflow string
	Step     string
}

func (e *LimitError) Error() string {
	if e.What == "depth" {
		return fmt.Sprintf("sub-workflow nesting deeper than %d (MaxDepth) at workflow %q step %q: check for workflows calling each other", e.Limit, e.Workflow, e.Step)
	}
	return fmt.Sprintf("more than %d step executions (MaxSteps) at workflow %q step %q: check for an endless goto or retry loop", e.Limit, e.Workflow, e.Step)
}
