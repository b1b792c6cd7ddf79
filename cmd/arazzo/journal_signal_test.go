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
	"sync"
	"syscall"
	"testing"
)

// cliBinary builds the CLI once per test binary, as users run it.
var cliBinary struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

func buildCLI(t *testing.T) string {
	t.Helper()
	cliBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "arazzo-cli-")
		if err != nil {
			cliBinary.err = err
			return
		}
		cliBinary.path = filepath.Join(dir, "arazzo")
		cmd := exec.Command("go", "build", "-o", cliBinary.path, ".")
		cliBinary.out, cliBinary.err = cmd.CombinedOutput()
	})
	if cliBinary.err != nil {
		t.Fatalf("go build: %v\n%s", cliBinary.err, cliBinary.out)
	}
	t.Cleanup(func() {}) // the binary is shared by the subtests; the OS temp dir keeps it
	return cliBinary.path
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

// TestJournalSignal: SIGINT or SIGTERM while step 2's request is in flight
// cancels it; the CLI exits 1 after printing the outputs known so far and
// writing the report, the journal holds step 1; --resume then sends only
// steps 2 and 3 and prints what a clean run prints.
func TestJournalSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	bin := buildCLI(t)
	const clean = `{
  "partId": "part-of-thing-alpha",
  "serial": 98765432109876543210,
  "summary": "thing-alpha has part part-of-thing-alpha",
  "thingId": "thing-alpha",
  "url": "https://things.example/thing-alpha"
}
`
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			api := newThingsAPI()
			api.block = "parts"
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
				t.Fatalf("the CLI exited before step 2 was in flight: %v\n%s", err, stderr.String())
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Fatalf("exit: %v, want exit status 1\nstderr:\n%s", err, stderr.String())
			}
			// stdout: the outputs known so far (step 1's), as one JSON object.
			want := "{\n  \"serial\": 98765432109876543210,\n  \"thingId\": \"thing-alpha\"\n}\n"
			if stdout.String() != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), want)
			}
			for _, s := range []string{"PASS create", "context canceled", "journal j.json records 1 step (create) done"} {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr.String())
				}
			}
			raw, err := os.ReadFile(filepath.Join(dir, "report.json"))
			if err != nil || !json.Valid(raw) || !bytes.Contains(raw, []byte(`"addPart"`)) {
				t.Errorf("report.json: %v\n%.400s", err, raw)
			}
			j, err := readJournal(filepath.Join(dir, "j.json"))
			if err != nil {
				t.Fatal(err)
			}
			if got := j.Checkpoint.Done(); !reflect.DeepEqual(got, []string{"create"}) || j.Checkpoint.Next != "addPart" {
				t.Errorf("journal: done %v next %q", got, j.Checkpoint.Next)
			}
			if got := logOf(api); !reflect.DeepEqual(got, []string{"POST /v1/things", "POST /v1/things/thing-alpha/parts"}) {
				t.Errorf("first run sent %v", got)
			}
			if matches, _ := filepath.Glob(filepath.Join(dir, ".j.json.tmp-*")); len(matches) > 0 {
				t.Errorf("temporary journal files left: %v", matches)
			}

			// --resume: steps 2 and 3 only, the clean run's stdout.
			stdout.Reset()
			stderr.Reset()
			cmd = exec.Command(bin, append(args, "--resume", "j.json")...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "NO_COLOR=1")
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("resume: %v\n%s", err, stderr.String())
			}
			if stdout.String() != clean {
				t.Errorf("resumed stdout:\n%s\nwant:\n%s", stdout.String(), clean)
			}
			if got := logOf(api); !reflect.DeepEqual(got, []string{"POST /v1/things/thing-alpha/parts", "POST /v1/things/thing-alpha/publish"}) {
				t.Errorf("resumed run sent %v", got)
			}
			j, err = readJournal(filepath.Join(dir, "j.json"))
			if err != nil || !j.Checkpoint.Complete {
				t.Errorf("journal after resume: %v %+v", err, j)
			}
		})
	}
}
