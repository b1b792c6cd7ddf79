package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/runtime"
)

// Exit codes: the contract scripts rely on.
const (
	exitOK      = 0
	exitFailed  = 1 // the workflow ran and failed; validate: a document is invalid
	exitInvalid = 2 // usage, document or input error: nothing was sent
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "devel"

// env is what a command may touch of the outside world. Tests run Main
// in-process with their own streams and environment.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	environ        []string
	ctx            context.Context
	noCache        bool         // run --no-cache: loadBundle bypasses the OpenAPI cache
	loadClient     *http.Client // run: fetches documents with the run's TLS and --allow-host settings
}

func (e *env) getenv(name string) string {
	prefix := name + "="
	for i := len(e.environ) - 1; i >= 0; i-- {
		if strings.HasPrefix(e.environ[i], prefix) {
			return e.environ[i][len(prefix):]
		}
	}
	return ""
}

// exitError carries an exit code through cobra's error return.
type exitError struct {
	code int
	err  error // already reported when nil
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

// usageErrorf reports a problem with the flags or arguments (exit 2).
func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitInvalid, err: fmt.Errorf(format, args...)}
}

// exitWith ends the command with code after the command has printed what it
// had to say.
func exitWith(code int) error { return &exitError{code: code} }

// Main runs the CLI with the given arguments and streams and returns the exit
// code. It never calls os.Exit, so tests can drive it in-process.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	ctx, stop := signalContext(context.Background())
	defer stop()
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, environ: environ, ctx: ctx}
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "arazzo: %v\n", ee.err)
		}
		return ee.code
	}
	// Anything cobra itself rejects (unknown flag, missing argument) is a
	// usage error.
	fmt.Fprintf(stderr, "arazzo: %v\n", err)
	return exitInvalid
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "arazzo",
		Short: "Validate and run Arazzo 1.0 workflows against OpenAPI-described APIs",
		Long: `arazzo validates Arazzo 1.0 documents and runs their workflows over HTTP.

Exit codes: 0 success; 1 the workflow ran and failed (validate: a document is
invalid); 2 the document, the inputs or the flags are invalid and nothing was sent.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErrorf("%v (see '%s --help')", err, c.CommandPath())
	})
	root.AddCommand(
		newValidateCmd(e),
		newListCmd(e),
		newDescribeCmd(e),
		newScopesCmd(e),
		newRunCmd(e),
		newMockCmd(e),
		newGraphCmd(e),
	)
	return root
}

// exactArgs is cobra.ExactArgs with a usage error (exit 2) that names what is
// missing.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s takes %s (see '%s --help')", cmd.CommandPath(), what, cmd.CommandPath())
		}
		return nil
	}
}

// loadBundle loads FILE and its source descriptions, printing every
// diagnostic to w. It fails (exit 2) when the file cannot be read or has
// errors, unless allowErrors is set.
func loadBundle(e *env, file string, w io.Writer) (*runtime.Bundle, error) {
	b, err := runtime.Load(e.ctx, file, runtime.LoadOptions{NoCache: e.noCache, HTTPClient: e.loadClient})
	if err != nil {
		return nil, &exitError{code: exitInvalid, err: err}
	}
	printDiagnostics(w, b.Diagnostics)
	if b.Diagnostics.HasErrors() {
		return nil, &exitError{code: exitInvalid, err: fmt.Errorf("%s is invalid: %s; nothing was sent", file, countDiagnostics(b.Diagnostics))}
	}
	return b, nil
}

func printDiagnostics(w io.Writer, ds arazzo.Diagnostics) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
	}
}

// countDiagnostics says "2 errors, 1 warning".
func countDiagnostics(ds arazzo.Diagnostics) string {
	var errs, warns int
	for _, d := range ds {
		if d.Severity == arazzo.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	return plural(errs, "error") + ", " + plural(warns, "warning")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// pickWorkflow returns the workflow named by id, or the only workflow of the
// document when id is empty.
func pickWorkflow(doc *arazzo.Document, id string) (*arazzo.Workflow, error) {
	ids := make([]string, 0, len(doc.Workflows))
	for _, w := range doc.Workflows {
		ids = append(ids, w.WorkflowID)
	}
	if id == "" {
		if len(doc.Workflows) == 1 {
			return doc.Workflows[0], nil
		}
		return nil, usageErrorf("%s has %d workflows; choose one with --workflow: %s", doc.File, len(ids), strings.Join(ids, ", "))
	}
	if w := doc.Workflow(id); w != nil {
		return w, nil
	}
	sort.Strings(ids)
	return nil, usageErrorf("no workflow %q in %s; it has: %s", id, doc.File, strings.Join(ids, ", "))
}

// colour reports whether progress on w uses coloured symbols: on a
// terminal, unless NO_COLOR is set (https://no-color.org); FORCE_COLOR
// (set and not "0") turns them on elsewhere, e.g. in CI logs that render
// ANSI colours. NO_COLOR wins.
func (e *env) colour(w io.Writer) bool {
	if e.getenv("NO_COLOR") != "" {
		return false
	}
	if v := e.getenv("FORCE_COLOR"); v != "" && v != "0" {
		return true
	}
	return isTerminal(w)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
