package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/auth"
	"github.com/arazzo-run/arazzo/mock"
	"github.com/arazzo-run/arazzo/openapi"
	"github.com/arazzo-run/arazzo/report"
	"github.com/arazzo-run/arazzo/runtime"
)

type runFlags struct {
	workflow       string
	all            bool
	inputsFile     string
	inputs         []string
	servers        []string
	serverVars     []string
	auths          []string
	mock           bool
	mockSeed       int64
	quiet          bool
	verbose        bool
	timeout        time.Duration
	requestTimeout time.Duration
	maxSteps       int
	noCache        bool
	maxBody        byteSize
	reportFile     string
	harFile        string
	junitFile      string
	htmlFile       string
	journal        string // journal.go
	resume         string
	transport      transportFlags
	strict         bool // contract.go
	checkRequests  bool
}

func newRunCmd(e *env) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run FILE",
		Short: "Run a workflow; stdout is one JSON object with its outputs",
		Long: `run executes a workflow of FILE against the APIs its source descriptions describe.

stdout: exactly one JSON object, the workflow's outputs ({} when it has none);
        on failure, the outputs that can still be evaluated.
stderr: one progress line per step as it finishes.
exit:   0 the workflow succeeded; 1 it ran and failed; 2 the document, the
        inputs or the flags are invalid (nothing was sent).

--all runs every workflow of FILE in one call (for CI), in document order
except that each runs after the workflows it dependsOn; a workflow that
others depend on runs once, and a failed one makes its dependents skipped
(independent ones still run). Every workflow gets the inputs its inputs
schema declares (properties) from the one --inputs/--input object; one
without declared properties gets the whole object. stdout is then one JSON
object {"<workflowId>": {outputs}, ...}; stderr has each workflow's progress
under a "== workflow <id>" header and ends with a summary table. --max-steps
applies to each workflow. exit: 0 when every workflow passed, 1 otherwise,
2 when any workflow's inputs are invalid (nothing was sent). --report
writes a JSON array (one report per workflow), --junit one testsuite per
workflow, --har one log with every exchange.

--journal FILE records each completed step as it completes (never a secret);
after a failure or Ctrl-C, --resume FILE with the same inputs sends only the
remaining steps and prints what a clean run prints. It refuses (exit 2) when
the document, the workflow or the inputs changed.

Credentials: --auth SCHEME=VALUE (or SOURCE.SCHEME=VALUE, or SCHEME=@file), or
the environment variable ARAZZO_AUTH_<SCHEME>. VALUE is a token (http bearer),
user:password (http basic), the key (apiKey), or client_id:client_secret
(oauth2 client credentials). 'arazzo describe FILE' lists what a workflow needs.`,
		Example: `  arazzo run workflow.yml --inputs inputs.json
  arazzo run workflow.yml --input identifier=https://api.example.com --server api=http://127.0.0.1:8080
  arazzo run workflow.yml --inputs inputs.json --mock
  arazzo run workflow.yml --all --inputs inputs.json --junit junit.xml`,
		Args: exactArgs(1, "exactly one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWorkflow(e, args[0], &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.workflow, "workflow", "", "workflow id (needed when FILE has several)")
	fl.BoolVar(&f.all, "all", false, "run every workflow of FILE, each after those it dependsOn (see below)")
	fl.StringVar(&f.inputsFile, "inputs", "", "JSON or YAML file with the workflow inputs ('-' reads stdin)")
	fl.StringArrayVar(&f.inputs, "input", nil, "one input as NAME=VALUE (VALUE parsed as JSON when valid JSON, else a string); wins over --inputs")
	fl.StringArrayVar(&f.servers, "server", nil, "SOURCE=URL: send the requests of source description SOURCE to URL (base path included)")
	fl.StringArrayVar(&f.serverVars, "server-var", nil, "SOURCE.NAME=VALUE: set an OpenAPI server variable (defaults otherwise)")
	fl.StringArrayVar(&f.auths, "auth", nil, "SCHEME=VALUE credential for a security scheme (see below)")
	fl.BoolVar(&f.mock, "mock", false, "run against an in-process mock of every OpenAPI source (nothing leaves the machine)")
	fl.Int64Var(&f.mockSeed, "mock-seed", 1, "seed for the values the mock generates")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress output on stderr")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "show each request and response on stderr (credentials masked, long bodies cut)")
	fl.DurationVar(&f.timeout, "timeout", 0, "limit for the whole run (0: none)")
	fl.DurationVar(&f.requestTimeout, "request-timeout", 30*time.Second, "limit for each request")
	fl.IntVar(&f.maxSteps, "max-steps", 1000, "limit on step executions (retries and gotos included)")
	fl.BoolVar(&f.noCache, "no-cache", false, "do not use the on-disk cache (OpenAPI descriptions, schema verdicts)")
	f.maxBody = runtime.DefaultMaxBodyBytes
	fl.Var(&f.maxBody, "max-body", "limit on each response body (e.g. 512KiB, 16MiB); a larger body fails the step")
	fl.BoolVar(&f.transport.insecure, "insecure", false, "do not verify TLS certificates (warned; for test servers only)")
	fl.StringVar(&f.transport.caCert, "ca-cert", "", "PEM file of extra CA certificates to trust (private APIs)")
	fl.StringVar(&f.transport.clientCert, "client-cert", "", "PEM client certificate for mutual TLS (with --client-key)")
	fl.StringVar(&f.transport.clientKey, "client-key", "", "PEM private key of --client-cert")
	fl.StringArrayVar(&f.transport.allowHosts, "allow-host", nil, "only send requests to this host (repeatable; host or host:port); others are refused")
	fl.BoolVar(&f.transport.noFollowRedirects, "no-follow-redirects", false, "treat redirects as responses instead of following them")
	fl.StringVar(&f.reportFile, "report", "", "write a JSON report of the run to FILE (shape: report/report.schema.json)")
	fl.StringVar(&f.harFile, "har", "", "write the HTTP exchanges to FILE as HAR 1.2 (opens in browser dev tools)")
	fl.StringVar(&f.junitFile, "junit", "", "write a JUnit XML report to FILE (one testcase per step)")
	fl.BoolVar(&f.strict, "strict", false, "fail a step whose response does not match the OpenAPI description (status, content type, schema); otherwise a warning")
	fl.BoolVar(&f.checkRequests, "check-requests", false, "check each request against the OpenAPI description before sending it; a request that does not match is not sent and fails the step")
	fl.StringVar(&f.htmlFile, "html", "", "write a self-contained HTML report to FILE (graph of the path taken, timeline, requests and responses)")
	fl.StringVar(&f.journal, "journal", "", "record each completed step in `FILE` as it completes (no secrets), for --resume")
	fl.StringVar(&f.resume, "resume", "", "continue the failed or interrupted run a --journal `FILE` recorded: completed steps are not sent again")
	return cmd
}

func runWorkflow(e *env, file string, f *runFlags) error {
	// Everything that can be wrong with the flags is checked before the
	// document is loaded, and everything is checked before anything is sent.
	if err := checkAllFlags(file, f); err != nil {
		return err
	}
	servers, err := parseServers(f.servers)
	if err != nil {
		return err
	}
	serverVars, err := parseServerVars(f.serverVars)
	if err != nil {
		return err
	}
	var creds []auth.Credential
	for _, a := range f.auths {
		c, err := auth.ParseFlag(a)
		if err != nil {
			return usageErrorf("--auth: %v", err)
		}
		creds = append(creds, c)
	}
	inputs, err := readInputs(e, f.inputsFile, f.inputs)
	if err != nil {
		return err
	}
	jr, err := prepareJournal(e, file, f, inputs)
	if err != nil {
		return err
	}

	// Through the load options, not the process environment: Main may
	// run in-process (tests, embedding) and must not change later calls.
	e.noCache = f.noCache
	// One client for everything the run fetches or sends, so --allow-host,
	// --ca-cert, --insecure and mutual TLS apply to source descriptions
	// fetched over the network too.
	client, err := newHTTPClient(e, &f.transport)
	if err != nil {
		return err
	}
	e.loadClient = client
	b, err := loadBundle(e, file, e.stderr)
	if err != nil {
		return err
	}
	targets, err := runTargets(b.Doc, f)
	if err != nil {
		return err
	}
	w := targets[0]
	for name := range servers {
		if err := checkSource(b.Doc, name, "--server"); err != nil {
			return err
		}
	}
	for name := range serverVars {
		if err := checkSource(b.Doc, name, "--server-var"); err != nil {
			return err
		}
	}
	plan, err := runtime.Compile(b)
	if err != nil {
		return &exitError{code: exitInvalid, err: err}
	}
	uses := usesOfAll(plan, targets)

	opts := runtime.Options{
		Servers:        servers,
		ServerVars:     serverVars,
		MaxSteps:       f.maxSteps,
		RequestTimeout: f.requestTimeout,
		MaxBodyBytes:   int64(f.maxBody),
	}
	opts.Contract, opts.CheckRequests = contractMode(f), f.checkRequests
	// Secrets are masked in everything printed or written: the credentials
	// (and tokens obtained with them) and inputs that the schema marks as
	// secret.
	secretInputs, secretVals := findSecretInputs(b.Doc, targets, inputs)
	redact := withFlagNames(auth.Redactor(secretVals...))
	if f.mock {
		client, mockServers := mockClient(b, plan, targets, f.mockSeed)
		opts.HTTPClient = client
		opts.Servers = mockServers
		if len(creds) > 0 && !f.quiet {
			fmt.Fprintln(e.stderr, "note: --mock: credentials are not sent to the mock")
		}
	} else {
		opts.HTTPClient = client
		creds = append(creds, auth.FromEnv(e.environ, schemeNames(b))...)
		if len(creds) > 0 {
			a, err := auth.New(creds, uses, auth.Options{HTTPClient: client, Servers: servers, ServerVars: serverVars})
			if err != nil {
				return usageErrorf("--auth: %v", err)
			}
			// Credentials go only to each source's own server: a redirect
			// to another host drops them.
			if !f.transport.noFollowRedirects {
				client.CheckRedirect = a.StripOnRedirect
			}
			opts.Authenticate = a.Authenticate
			// Sent anyway (some APIs accept anonymous calls), but said once
			// per operation: a half-given credential is a mistake.
			for _, p := range a.Partial() {
				fmt.Fprintln(e.stderr, "warning: "+a.Redact(p.String()))
			}
			inputRedact := redact
			redact = func(s string) string { return a.Redact(inputRedact(s)) }
		}
	}
	// Secrets the run comes across (a login response's access_token, a
	// Set-Cookie) are learned as they arrive and masked from then on.
	lr := newLearner(redact)
	redact = lr.redact
	opts.OnEvent = lr.observe
	if !f.quiet {
		p := &progress{w: e.stderr, redact: redact, verbose: f.verbose, symbols: e.colour(e.stderr)}
		opts.OnEvent = func(ev runtime.Event) {
			lr.observe(ev)
			p.event(ev)
		}
	}

	ctx := e.ctx
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	if f.all {
		return runAll(e, f, allRun{file: file, b: b, plan: plan, targets: targets, inputs: inputs, secretInputs: secretInputs, redact: redact}, ctx, opts)
	}
	if jr != nil {
		jr.attach(&opts, inputs, secretInputs, redact, f.quiet)
	}
	res, err := plan.Run(ctx, w.WorkflowID, inputs, opts)
	if err != nil {
		var inErr *runtime.InputError
		if errors.As(err, &inErr) {
			return &exitError{code: exitInvalid, err: fmt.Errorf("%s; nothing was sent", redact(err.Error()))}
		}
		return &exitError{code: exitInvalid, err: errors.New(redact(err.Error()))}
	}
	// The requests were sent: a stdout that cannot be written is a failure
	// of the run (exit 1), not of the flags (2), and the reports are still
	// written.
	stdoutErr := writeOutputs(e.stdout, res.Outputs, redact)
	if stdoutErr != nil {
		fmt.Fprintf(e.stderr, "arazzo: %v\n", stdoutErr)
	}
	meta := report.Meta{Tool: "arazzo", Version: version, Document: file, Inputs: inputs, SecretInputs: secretInputs, Steps: report.StepsOf(b.Doc)}
	meta.DoneEarlier = jr.doneEarlier()
	labels := operationLabels(b.Doc, plan)
	htmlOpts := report.HTMLOptions{Document: b.Doc, Operation: func(s *arazzo.Step) string { return labels[s] }}
	if err := writeReports(f, res, meta, redact, htmlOpts); err != nil {
		fmt.Fprintf(e.stderr, "arazzo: %v\n", err)
		return exitWith(exitFailed)
	}
	if s := contractSummary(res, f.strict); s != "" && !f.quiet {
		fmt.Fprintln(e.stderr, redact(s))
	}
	if !res.Success {
		reason := "failed"
		if res.Err != nil {
			reason = redact(res.Err.Error())
		}
		// Only when --timeout itself expired: a --request-timeout also
		// ends in context.DeadlineExceeded, and its message names it.
		if f.timeout > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) && errors.Is(res.Err, context.DeadlineExceeded) && e.ctx.Err() == nil {
			reason = fmt.Sprintf("the run took longer than --timeout %s; the request in flight was cancelled", f.timeout)
		}
		if errors.Is(res.Err, context.Canceled) && e.ctx.Err() != nil {
			// SIGINT/SIGTERM (signal.go): say so rather than "context canceled".
			reason = "interrupted by a signal; the request in flight was cancelled (" + reason + ")"
		}
		fmt.Fprintf(e.stderr, "arazzo: workflow %s failed: %s\n", w.WorkflowID, reason)
		jr.hint(e.stderr, file)
		return exitWith(exitFailed)
	}
	if stdoutErr != nil {
		return exitWith(exitFailed)
	}
	return nil
}

// writeOutputs prints the outputs as one JSON object, with every known
// secret masked.
func writeOutputs(w io.Writer, outputs map[string]any, redact func(string) string) error {
	if outputs == nil {
		outputs = map[string]any{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	// Masked value by value, not over the encoded text: stdout must stay
	// one JSON object whatever the secrets are (maskoutputs.go).
	if err := enc.Encode(maskOutputs(outputs, redact)); err != nil {
		return fmt.Errorf("encoding outputs: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing the outputs to stdout: %w", err)
	}
	return nil
}

// readInputs merges --inputs FILE|- with the --input NAME=VALUE flags, which
// win.
func readInputs(e *env, file string, pairs []string) (map[string]any, error) {
	inputs := map[string]any{}
	if file != "" {
		var data []byte
		var err error
		if file == "-" {
			data, err = io.ReadAll(io.LimitReader(e.stdin, 64<<20))
		} else {
			data, err = os.ReadFile(file)
		}
		if err != nil {
			return nil, usageErrorf("--inputs: %v", err)
		}
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			return nil, usageErrorf("--inputs %s: not JSON or YAML: %v", file, err)
		}
		v = stringKeys(v, 0)
		if v != nil {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, usageErrorf("--inputs %s: must hold an object (name: value), not %s", file, jsonKind(v))
			}
			inputs = m
		}
	}
	for _, p := range pairs {
		name, value, ok := strings.Cut(p, "=")
		// Do not echo p: it may be a secret typed without its name
		// (--input password:hunter2).
		if !ok {
			return nil, usageErrorf("--input wants NAME=VALUE (no '=' found; the argument is not shown, it may hold a secret)")
		}
		if name == "" {
			return nil, usageErrorf("--input =...: want NAME=VALUE (the name is empty)")
		}
		var v any
		if err := json.Unmarshal([]byte(value), &v); err != nil {
			v = value // not JSON: the string itself
		}
		inputs[name] = v
	}
	return inputs, nil
}

// stringKeys turns the YAML mappings whose keys are not all strings
// (1: a, true: b), which YAML decodes as map[any]any, into JSON objects
// keyed by the key's text, as a YAML-to-JSON conversion does: inputs are
// JSON values (the schema check, request bodies and journals need them
// to be), and such a mapping was refused as "not an object" at the top
// and broke journals when nested.
func stringKeys(v any, depth int) any {
	if depth > 10000 {
		return v // deeper than any YAML the parser accepts
	}
	switch x := v.(type) {
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = stringKeys(e, depth+1)
		}
		return out
	case map[string]any:
		for k, e := range x {
			x[k] = stringKeys(e, depth+1)
		}
	case []any:
		for i, e := range x {
			x[i] = stringKeys(e, depth+1)
		}
	}
	return v
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a number"
}

func parseServers(list []string) (map[string]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(list))
	for _, s := range list {
		name, u, ok := strings.Cut(s, "=")
		if !ok || name == "" || u == "" {
			return nil, usageErrorf("--server %q: want SOURCE=URL", s)
		}
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return nil, usageErrorf("--server %s: URL must start with http:// or https://, got %q", name, u)
		}
		out[name] = strings.TrimSuffix(u, "/")
	}
	return out, nil
}

func parseServerVars(list []string) (map[string]map[string]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := map[string]map[string]string{}
	for _, s := range list {
		key, value, ok := strings.Cut(s, "=")
		src, name, ok2 := strings.Cut(key, ".")
		if !ok || !ok2 || src == "" || name == "" {
			return nil, usageErrorf("--server-var %q: want SOURCE.NAME=VALUE", s)
		}
		if out[src] == nil {
			out[src] = map[string]string{}
		}
		out[src][name] = value
	}
	return out, nil
}

func checkSource(doc *arazzo.Document, name, flag string) error {
	if doc.SourceDescription(name) != nil {
		return nil
	}
	var names []string
	for _, s := range doc.SourceDescriptions {
		names = append(names, s.Name)
	}
	return usageErrorf("%s: no source description %q in %s; it has: %s", flag, name, doc.File, strings.Join(names, ", "))
}

// schemeNames lists the security scheme names of every OpenAPI source, for
// the ARAZZO_AUTH_<SCHEME> environment variables.
func schemeNames(b *runtime.Bundle) []string {
	seen := map[string]bool{}
	var names []string
	for _, d := range b.OpenAPI {
		for name := range d.SecuritySchemes {
			if !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	sort.Strings(names)
	return names
}

// statusCondition finds the status code a simple criterion expects
// ("$statusCode == 201"), so the mock answers with that documented response.
var statusCondition = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$statusCode\s*==\s*([1-5][0-9][0-9])\b`) })

// mockClient builds an HTTP client whose transport serves every OpenAPI
// source from an in-process mock, and the server overrides that send each
// source there. Nothing leaves the process.
func mockClient(b *runtime.Bundle, plan *runtime.Plan, ws []*arazzo.Workflow, seed int64) (*http.Client, map[string]string) {
	// The status each operation's step expects, when a criterion says so.
	want := map[string]int{}
	var ops []runtime.OperationUse
	for _, w := range ws {
		ops = append(ops, plan.Operations(w.WorkflowID)...)
	}
	for _, u := range ops {
		wf := b.Doc.Workflow(u.Workflow)
		if u.Operation == nil || wf == nil {
			continue
		}
		step := wf.Step(u.StepID)
		if step == nil {
			continue
		}
		for _, c := range step.SuccessCriteria {
			if m := statusCondition().FindStringSubmatch(c.Condition); m != nil {
				n, _ := strconv.Atoi(m[1])
				want[u.Source+" "+u.Operation.Method+" "+u.Operation.Path] = n
				break
			}
		}
	}
	routes := map[string]http.Handler{}
	servers := map[string]string{}
	names := make([]string, 0, len(b.OpenAPI))
	for name := range b.OpenAPI {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		doc := b.OpenAPI[name]
		src := name
		host := fmt.Sprintf("source%d.mock.invalid", i)
		routes[host] = mock.New(doc, mock.Options{
			Seed: seed,
			Status: func(op *openapi.Operation) int {
				return want[src+" "+op.Method+" "+op.Path]
			},
		})
		servers[name] = "http://" + host
	}
	return &http.Client{Transport: mock.Transport(routes)}, servers
}

// writeReports writes the --report, --har, --junit and --html files, if asked for,
// whatever the verdict: a failed run is when they matter most.
func writeReports(f *runFlags, res *runtime.Result, meta report.Meta, redact func(string) string, html report.HTMLOptions) error {
	write := writeReportFile
	if err := write(f.reportFile, func(w io.Writer) error { return report.WriteJSON(w, res, meta, redact) }); err != nil {
		return err
	}
	if err := write(f.harFile, func(w io.Writer) error { return report.WriteHAR(w, res, meta, redact) }); err != nil {
		return err
	}
	if err := write(f.junitFile, func(w io.Writer) error {
		return report.WriteJUnit(w, []*runtime.Result{res}, meta, redact)
	}); err != nil {
		return err
	}
	return write(f.htmlFile, func(w io.Writer) error { return report.WriteHTMLWith(w, res, meta, redact, html) })
}

// secretWords mark an input as secret by its name.
var secretWords = []string{"secret", "password", "passwd", "token", "apikey", "api_key", "api-key", "credential", "private"}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// flagNames rewords the runtime's limit messages, which name library
// options, with the flags a CLI user sets.
var flagNames = strings.NewReplacer(
	"(MaxSteps)", "(--max-steps)",
	"(MaxBodyBytes)", "(--max-body)",
	"(MaxDepth)", "(the sub-workflow nesting limit)",
)

// withFlagNames applies flagNames after redact; everything the run prints
// or writes goes through the redactor, so limit messages read the same
// everywhere.
func withFlagNames(redact func(string) string) func(string) string {
	return func(s string) string { return flagNames.Replace(redact(s)) }
}

// writeReportFile renders a report into memory and writes it to path
// (mode 0600: reports hold the exchanges, masked, but still private), or
// does nothing when path is "" (the flag was not given).
func writeReportFile(path string, fn func(io.Writer) error) error {
	if path == "" {
		return nil
	}
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}
