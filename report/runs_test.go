package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/arazzo-run/arazzo/runtime"
)

// TestWriteJSONAll: an array of reports, each valid against the schema
// and equal to WriteJSON's output for its result, with secrets learned in
// one result masked in the others.
func TestWriteJSONAll(t *testing.T) {
	secret, meta := secretRun()
	pass, _ := passingRun()
	// The second workflow leaks the first one's token in a plain output
	// and in its error; only the shared masker knows it is a secret.
	leak := &runtime.Result{WorkflowID: "after", Outputs: map[string]any{"copied": secretToken}, Success: true}
	skipped := &runtime.Result{WorkflowID: "later", Skipped: true, Outputs: map[string]any{},
		Err: &runtime.SkippedError{Workflow: "later", Dependency: "useAPI", Failed: "useAPI"}}
	results := []*runtime.Result{secret, pass, leak, skipped}
	redact := testRedactor(secretClientSecret, secretAPIKey)
	var buf bytes.Buffer
	if err := WriteJSONAll(&buf, results, meta, redact); err != nil {
		t.Fatal(err)
	}
	checkNoSecrets(t, buf.Bytes())
	var elems []json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &elems); err != nil || len(elems) != len(results) {
		t.Fatalf("not an array of %d: %v", len(results), err)
	}
	s := compileSchema(t, "report.schema.json", Schema)
	for i, e := range elems {
		validate(t, s, results[i].WorkflowID, e)
	}
	// The first element is WriteJSON's report of the same result.
	var one bytes.Buffer
	if err := WriteJSON(&one, secret, meta, redact); err != nil {
		t.Fatal(err)
	}
	var a, b any
	_ = json.Unmarshal(one.Bytes(), &a)
	_ = json.Unmarshal(elems[0], &b)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Errorf("element 0 differs from WriteJSON:\n%s\n%s", ja, jb)
	}
	if err := WriteJSONAll(&buf, []*runtime.Result{nil}, meta, nil); err == nil {
		t.Error("nil result: no error")
	}
}
