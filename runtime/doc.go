// Package runtime loads an Arazzo document together with every source
// description it names (a Bundle), compiles it once into an immutable Plan,
// and executes the Plan's workflows over HTTP, any number of times and
// concurrently, with per-run state only.
//
// It owns: bundle loading (Load), plan compilation (Compile), the executor
// (Plan.Run, Plan.RunAll), the expr.Context of a step, request building
// (parameters, bodies, replacements), criteria and action handling, contract
// checks against the OpenAPI description (through package contract),
// checkpoints for resuming an interrupted run, and run events. It imports
// arazzo, expr, expr/criterion, contract and openapi; it must not import
// cmd/... (the CLI is built on this API, never the reverse) nor any
// credential handling (that plugs in through Options.Authenticate).
//
// # Lifecycle
//
//	b, err := runtime.Load(ctx, "flow.arazzo.yaml", runtime.LoadOptions{})
//	// err: the document could not be read; b.Diagnostics: everything else
//	plan, err := runtime.Compile(b)           // once
//	res, err := plan.Run(ctx, "wf", inputs, runtime.Options{...}) // many times, concurrently
//
// Run returns an error only when nothing was sent (*UsageError: unknown
// workflow; *InputError: inputs that violate the workflow's inputs schema,
// every violation named). A workflow that ran and failed returns a Result
// with Success false and Err set: a *StepError (which step, which criterion
// and the values compared, the transport error, the failure action that
// ended it), a *LimitError (MaxSteps, MaxDepth), or the context's error.
// Result.Outputs then holds the outputs that could still be evaluated.
//
// Plan.RunAll runs several workflows in one run state, each after the
// workflows it depends on, a shared dependency once; a failed workflow makes
// its dependents Skipped (see all.go). Options.Contract (off by default;
// warn or strict) checks each response against the operation's documented
// statuses, media types and schemas; strict failures are handled like an
// unmet criterion (see contract.go). Options.OnCheckpoint receives a
// JSON-serialisable Checkpoint after each completed top-level step, and
// Options.Resume continues from one, re-sending only what had not completed
// (see journal.go for the rules).
//
// # Choices where the specification is silent
//
// Success without successCriteria: a step with none succeeds on any 2xx
// status and fails otherwise (a transport error is a failure). A workflow
// step with none succeeds when the called workflow succeeds.
//
// Failure with no matching failure action: the workflow fails ("break and
// return"). A request that cannot be built (an expression that does not
// evaluate, a missing path parameter, a body that cannot be encoded, an
// Authenticate error) fails the workflow at once without consulting the
// failure actions: a retry would build the same request. Transport errors
// and unmet criteria go through the failure actions (criteria that read
// $statusCode fail when there is no response).
//
// Actions: the step's own actions come first, in document order, then the
// workflow's successActions/failureActions that the step did not override
// (a step action overrides the workflow action with the same name; none is
// removed). The first action whose criteria all hold wins; an action
// without criteria always matches. retryLimit defaults to 1; a retry action
// whose limit is used up is passed over, so later failure actions get
// their turn (the spec: "The retryLimit MUST be exhausted prior to
// executing subsequent failure actions"). Retry counts are per visit of a
// step: a goto back to a step starts afresh (MaxSteps bounds the loop).
// The wait before a retry is retryAfter seconds, overruled by an HTTP
// Retry-After header (seconds or HTTP date) on the failed response, and
// capped at MaxRetryWait (5 minutes) either way.
//
// A retry with a stepId runs that step once (its own actions are not
// followed; its outputs are recorded) and then retries; with a workflowId
// it runs that workflow. If that preparation fails, the workflow fails.
// A goto to a workflowId transfers control for good: the target runs with
// the current workflow's inputs (validated against its own schema) and its
// outcome is the current workflow's outcome. Success actions may also end
// a workflow early (end); a failure end fails it.
//
// dependsOn: each dependency runs first, once per Run (a later dependent
// reuses the result), with the dependent workflow's inputs; a failed
// dependency fails the dependent before any of its steps is sent. Its
// outputs are read with $workflows.<id>.outputs.<name>.
//
// Workflow steps: the step's parameters, by name, are the callee's inputs
// (workflow-level parameters apply too; the step wins by name). Inside the
// step's criteria and outputs, $outputs.<name> reads the callee's outputs;
// the step's outputs are the callee's outputs plus those the step declares.
// Workflows of arazzo-type sources run with their own document's sources
// and components.
//
// Outputs: a step output that cannot be evaluated on a successful attempt
// fails the step (naming the output and the expression), since every later
// use would fail less clearly. Workflow outputs are "applicable outputs":
// those that evaluate are returned, the others left out, on success (after
// an early end) and on failure alike. Step outputs are recorded for
// successful attempts only.
//
// Optional inputs: a parameter value, payload member or array item, or a
// whole payload that refers to a workflow input that was not given is left
// out (the parameter is not sent, the member is absent, there is no body),
// so optional inputs work without extra syntax. Any other value that
// cannot be evaluated (a missing step output, a JSON pointer into an input
// that selects nothing) is an error and nothing is sent.
//
// Requests: Options.Servers (by source description name, in every
// document of the bundle) replaces the OpenAPI servers; otherwise the
// operation's first server, with Options.ServerVars over the variable
// defaults. Parameters the operation declares are serialized by its
// style/explode; undeclared ones with the defaults for their `in`. The
// Content-Type is the step's contentType, else the operation's media type
// (JSON preferred when offered), else JSON for structured payloads and
// text/plain for strings. Bodies: JSON (a string payload is JSON text
// whose "{$...}" parts are interpolated JSON-aware: escaped inside strings,
// a string that is exactly one object- or array-valued expression replaced
// by the value, JSON values outside strings; a string payload that is not
// valid JSON fails the step before sending), form-urlencoded (object: sorted
// keys, arrays repeated; or a string), multipart/form-data (one part per
// member; objects as application/json parts), XML (a string, or an object
// with a single root member; "@name" members are attributes), anything
// else as text. Replacements apply after the payload is evaluated, in
// order, on a copy: JSON pointers for structured or JSON-string payloads
// (an absent last member is added) and for form-urlencoded strings (read as
// a flat object: /field), XPath for XML strings. The default
// client keeps connections alive and does not follow redirects (a 3xx is
// the operation's response, for criteria to check).
//
// Responses: bodies are read up to Options.MaxBodyBytes (16 MiB; more fails
// the step) and decoded lazily, once: JSON (numbers as json.Number, so
// large ids survive) when the Content-Type says JSON, or when there is
// none (or text/plain) and the body parses; XML and text stay strings.
// $response.header and $request.header match names case-insensitively and
// give the first value.
package runtime
