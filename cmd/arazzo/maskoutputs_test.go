package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/auth"
	"github.com/arazzo-run/arazzo/openapi"
	"github.com/arazzo-run/arazzo/runtime"
)

// Masking secrets must never make stdout something else than one JSON
// object: a secret found inside a number, in a member name, or made of
// JSON punctuation.
func TestWriteOutputsStaysJSON(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
		outputs map[string]any
		want    string
	}{
		{"PIN inside a number", []string{"1234"}, map[string]any{"id": json.Number("12345"), "n": 1234.0, "k": int64(7)},
			`{"id":"***","k":7,"n":"***"}`},
		// Shorter than 4 characters: masked only as whole tokens (auth), so
		// these spaces are left alone.
		{"short punctuation secret", []string{`", "`, " "}, map[string]any{"a b": "x y", "c": []any{"p, q"}},
			`{"a b":"x y","c":["p, q"]}`},
		{"punctuation secret", []string{`", "]`}, map[string]any{"a": `x", "]y`, "c": []any{`", "]`}},
			`{"a":"x***y","c":["***"]}`},
		{"secret in a string", []string{"s3cret"}, map[string]any{"h": "Bearer s3cret", "t": true, "z": nil},
			`{"h":"Bearer ***","t":true,"z":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeOutputs(&b, tt.outputs, auth.Redactor(tt.secrets...)); err != nil {
				t.Fatal(err)
			}
			var got any
			if err := json.Unmarshal(b.Bytes(), &got); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, b.String())
			}
			compact, _ := json.Marshal(got)
			if string(compact) != tt.want {
				t.Errorf("got %s, want %s", compact, tt.want)
			}
			b.Reset()
			res := []*runtime.Result{{WorkflowID: "w", Outputs: tt.outputs}}
			if err := writeAllOutputs(&b, res, auth.Redactor(tt.secrets...)); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b.Bytes(), &got); err != nil {
				t.Fatalf("--all stdout is not JSON: %v\n%s", err, b.String())
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// Once requests were sent, a stdout that cannot be written is exit 1 (the
// run's failure), never 2 ("nothing was sent"); the reports are written.
func TestStdoutWriteFailureIsExit1(t *testing.T) {
	t.Setenv(openapi.CacheDirEnv, t.TempDir())
	var sent int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent++
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token": "t-1", "note": "n"}`))
	}))
	defer srv.Close()
	dir := t.TempDir()
	for _, f := range []string{"vault.arazzo.yaml", "vault-openapi.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", "secrets", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), data, 0o600)
	}
	for _, all := range []bool{false, true} {
		args := []string{"run", filepath.Join(dir, "vault.arazzo.yaml"), "--input", "user=u", "--input", "password=pw-1", "--input", "pin=pin-1",
			"--server", "vault=" + srv.URL + "/v1", "--auth", "queryKey=k-1", "--auth", "bearer=b-1", "--report", filepath.Join(dir, "r.json")}
		if all {
			args = append(args, "--all")
		}
		os.Remove(filepath.Join(dir, "r.json"))
		var stderr bytes.Buffer
		sent = 0
		code := Main(args, strings.NewReader(""), failingWriter{}, &stderr, nil)
		if sent == 0 {
			t.Fatalf("nothing sent:\n%s", stderr.String())
		}
		if code != exitFailed || !strings.Contains(stderr.String(), "writing the outputs to stdout: no space left on device") {
			t.Errorf("--all=%v: exit %d, want 1 with the write error\n%s", all, code, stderr.String())
		}
		if _, err := os.Stat(filepath.Join(dir, "r.json")); err != nil {
			t.Errorf("--all=%v: report not written: %v", all, err)
		}
	}
}
