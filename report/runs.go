package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/arazzo-run/arazzo/runtime"
)

// WriteJSONAll writes the JSON reports of several runs of one call (arazzo
// run --all: runtime.Plan.RunAll) as a JSON array, one element per result
// in the order given, each element exactly what WriteJSON writes for that
// result (so each validates against Schema). One masker serves the whole
// array: a secret learned in one workflow's exchanges (a token read from a
// login response) is masked in every other workflow's report too.
// meta.Inputs are the inputs of the call, written in every element.
func WriteJSONAll(w io.Writer, results []*runtime.Result, meta Meta, redact Redactor) error {
	m := newMasker(results, meta, redact)
	reps := make([]*jsonReport, 0, len(results))
	for _, res := range results {
		if res == nil {
			return errors.New("report: no result to write")
		}
		reps = append(reps, buildJSON(res, meta, m))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(reps); err != nil {
		return errors.New("report: encoding the JSON report: " + m.errString(err))
	}
	_, err := w.Write(buf.Bytes())
	return err
}
