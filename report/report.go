package report

import (
	_ "embed"
	"errors"
	"io"
	"time"

	"github.com/arazzo-run/arazzo/runtime"
)

// Schema is the JSON Schema (draft 2020-12) of WriteJSON's output.
//
//go:embed report.schema.json
var Schema []byte

// Meta describes the run beyond what runtime.Result holds.
type Meta struct {
	Tool, Version string
	// Document is the path (or URL) of the Arazzo document.
	Document string
	// Inputs are the workflow inputs as given.
	Inputs map[string]any
	// SecretInputs names the inputs whose values are masked.
	SecretInputs []string
	// Started is when the run started.
	Started time.Time
}

// Redactor masks secrets in any string; nil is the identity.
type Redactor func(string) string

var errTODO = errors.New("report: not implemented yet")

// WriteJSON writes the JSON run report.
func WriteJSON(w io.Writer, res *runtime.Result, meta Meta, redact Redactor) error {
	return errTODO
}

// WriteHAR writes the run's HTTP exchanges as HAR 1.2.
func WriteHAR(w io.Writer, res *runtime.Result, meta Meta, redact Redactor) error {
	return errTODO
}

// WriteJUnit writes JUnit XML: one testsuite per workflow, one testcase per step.
func WriteJUnit(w io.Writer, results []*runtime.Result, meta Meta, redact Redactor) error {
	return errTODO
}
