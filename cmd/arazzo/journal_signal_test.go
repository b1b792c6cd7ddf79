//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/arazzo-run/arazzo/runtime"
)

// buildCLI builds the CLI into a temporary directory, as users run it.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "arazzo")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// journalFixture copies testdata/journal into a fresh directory.
func journalFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"things-openapi.yaml", "things.arazzo.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", "journal", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// logOf returns and clears what the things API received.
func logOf(api *thingsAPI) []string {
	api.mu.Lock()
	defer api.mu.Unlock()
	l := api.log
	api.log = nil
	return l
}

// signalCase is one interruption: the route in flight when the signal
// comes, what the interrupted run printed, recorded and sent, and what
// --resume sent.
type signalCase struct {
	block   string
	stdout  string
	done    []string
	next    string
	sent    []string
	resumed []string
}

// TestJournalSignal: SIGINT or SIGTERM while a step's request is in flight
// cancels it; the CLI exits 1 after printing the outputs known so far and
// writing the report, the journal holds the completed steps; --resume then
// sends only the remaining steps and prints what a clean run prints.
func TestJournalSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	bin := buildCLI(t)
	cases := []signalCase{
		{
			block:   "parts", // step 2 of 3
			stdout:  "{\n  \"serial\": 98765432109876543210,\n  \"thingId\": \"thing-alpha\"\n}\n",
			done:    []string{"create"},
			next:    "addPart",
			sent:    []string{"POST /v1/things", "POST /v1/things/thing-alpha/parts"},
			resumed: []string{"POST /v1/things/thing-alpha/parts", "POST /v1/things/thing-alpha/publish"},
		},
		{
			block:   "publish", // step 3 of 3: killed after step 2
			stdout:  "{\n  \"partId\": \"part-of-thing-alpha\",\n  \"serial\": 98765432109876543210,\n  \"summary\": \"thing-alpha has part part-of-thing-alpha\",\n  \"thingId\": \"thing-alpha\"\n}\n",
			done:    []string{"create", "addPart"},
			next:    "publish",
			sent:    []string{"POST /v1/things", "POST /v1/things/thing-alpha/parts", "POST /v1/things/thing-alpha/publish"},
			resumed: []string{"POST /v1/things/thing-alpha/publish"},
		},
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		for _, c := range cases {
			t.Run(sig.String()+" during "+c.block, func(t *testing.T) { signalAndResume(t, bin, sig, c) })
		}
	}
}

// cleanThings is what a clean run of provision with name=alpha prints.
const cleanThings = `{
  "partId": "part-of-thing-alpha",
  "serial": 98765432109876543210,
  "summary": "thing-alpha has part part-of-thing-alpha",
  "thingId": "thing-alpha",
  "url": "https://things.example/thing-alpha"
}
`

func signalAndResume(t *testing.T, bin string, sig syscall.Signal, c signalCase) {
	api := newThingsAPI()
	api.block = c.block
	srv := httptest.NewServer(api)
	defer srv.Close()
	dir := journalFixture(t)
	args := []string{"run", "things.arazzo.yaml", "--input", "name=alpha", "--server", "things=" + srv.URL + "/v1"}

	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, append(args, "--workflow", "provision", "--journal", "j.json", "--report", "report.json")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var err error
	select {
	case <-api.inflight:
		if serr := cmd.Process.Signal(sig); serr != nil {
			t.Fatal(serr)
		}
		err = <-exited
	case err = <-exited:
		t.Fatalf("the CLI exited before %s was in flight: %v\n%s", c.block, err, stderr.String())
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v, want exit status 1\nstderr:\n%s", err, stderr.String())
	}
	// stdout: the outputs known so far, as one JSON object.
	if stdout.String() != c.stdout {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), c.stdout)
	}
	hint := "journal j.json records " + stepList(&runtime.Checkpoint{Steps: completed(c.done)}) + " done"
	for _, s := range []string{"PASS create", "interrupted by a signal", hint} {
		if !strings.Contains(stderr.String(), s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr.String())
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil || !json.Valid(raw) || !bytes.Contains(raw, []byte(`"`+c.next+`"`)) {
		t.Errorf("report.json: %v\n%.400s", err, raw)
	}
	j, err := readJournal(filepath.Join(dir, "j.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := j.Checkpoint.Done(); !reflect.DeepEqual(got, c.done) || j.Checkpoint.Next != c.next {
		t.Errorf("journal: done %v next %q, want %v next %q", got, j.Checkpoint.Next, c.done, c.next)
	}
	if got := logOf(api); !reflect.DeepEqual(got, c.sent) {
		t.Errorf("interrupted run sent %v, want %v", got, c.sent)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, ".j.json.tmp-*")); len(matches) > 0 {
		t.Errorf("temporary journal files left: %v", matches)
	}

	// --resume (the workflow comes from the journal): the remaining steps
	// only, the clean run's stdout.
	stdout.Reset()
	stderr.Reset()
	cmd = exec.Command(bin, append(args, "--resume", "j.json")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("resume: %v\n%s", err, stderr.String())
	}
	if stdout.String() != cleanThings {
		t.Errorf("resumed stdout:\n%s\nwant:\n%s", stdout.String(), cleanThings)
	}
	if got := logOf(api); !reflect.DeepEqual(got, c.resumed) {
		t.Errorf("resumed run sent %v, want %v", got, c.resumed)
	}
	j, err = readJournal(filepath.Join(dir, "j.json"))
	if err != nil || !j.Checkpoint.Complete {
		t.Errorf("journal after resume: %v %+v", err, j)
	}
}

func completed(ids []string) []runtime.CompletedStep {
	out := make([]runtime.CompletedStep, len(ids))
	for i, id := range ids {
		out[i].Step = id
	}
	return out
}
