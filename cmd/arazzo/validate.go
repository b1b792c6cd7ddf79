package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/runtime"
)

// jsonDiagnostic is the --format json shape of one problem.
type jsonDiagnostic struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
}

// jsonFileResult is the --format json shape of one checked file.
type jsonFileResult struct {
	File        string           `json:"file"`
	Valid       bool             `json:"valid"`
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
}

func newValidateCmd(e *env) *cobra.Command {
	var format string
	var warningsAsErrors bool
	var noCache bool
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check Arazzo documents and their source descriptions",
		Long: `validate loads each Arazzo document and the source descriptions it names,
checks it against the official Arazzo 1.0 JSON Schema and the specification's
rules, and reports every problem as FILE:LINE:COL: message.

Exit codes: 0 every document is valid; 1 a document has errors; 2 usage error
or a file that cannot be read.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("validate needs at least one FILE (see 'arazzo validate --help')")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageErrorf("--format must be text or json, not %q", format)
			}
			code := exitOK
			var results []jsonFileResult
			var total arazzo.Diagnostics
			// One source cache for the whole call: a description named by
			// many files is loaded once.
			sources := runtime.NewSourceCache()
			unreadable := 0
			for _, file := range args {
				b, err := runtime.Load(e.ctx, file, runtime.LoadOptions{Sources: sources, NoCache: noCache})
				if err != nil {
					fmt.Fprintf(e.stderr, "arazzo: %v\n", err)
					code = exitInvalid
					unreadable++
					continue
				}
				ds := b.Diagnostics
				total = append(total, ds...)
				invalid := ds.HasErrors() || (warningsAsErrors && len(ds) > 0)
				if invalid && code == exitOK {
					code = exitFailed
				}
				if format == "json" {
					results = append(results, jsonFileResult{File: file, Valid: !invalid, Diagnostics: toJSONDiagnostics(ds)})
					continue
				}
				printDiagnostics(e.stdout, ds)
			}
			if format == "json" {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				if results == nil {
					results = []jsonFileResult{}
				}
				if err := enc.Encode(results); err != nil {
					return err
				}
			} else {
				summary := fmt.Sprintf("%s checked: %s", plural(len(args)-unreadable, "file"), countDiagnostics(total))
				if unreadable > 0 {
					summary += fmt.Sprintf("; %s could not be read", plural(unreadable, "file"))
				}
				fmt.Fprintln(e.stderr, summary)
			}
			if code != exitOK {
				return exitWith(code)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text (FILE:LINE:COL: message) or json")
	cmd.Flags().BoolVar(&warningsAsErrors, "warnings-as-errors", false, "treat warnings as errors (exit 1)")
	cmd.Flags().BoolVar(&noCache, "no-cache", false, "do not use the on-disk cache (OpenAPI descriptions, schema verdicts)")
	return cmd
}

func toJSONDiagnostics(ds arazzo.Diagnostics) []jsonDiagnostic {
	out := make([]jsonDiagnostic, 0, len(ds))
	for _, d := range ds {
		sev := "error"
		if d.Severity != arazzo.SeverityError {
			sev = "warning"
		}
		out = append(out, jsonDiagnostic{File: d.Pos.File, Line: d.Pos.Line, Column: d.Pos.Col, Severity: sev, Message: d.Message, Hint: d.Hint})
	}
	return out
}
