//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// SIGINT during --all: the workflow in flight fails saying it was
// interrupted (it said "context canceled"), the later ones are skipped,
// stdout is still one JSON object, exit 1.
func TestRunAllSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	bin := buildCLI(t)
	api := newThingsAPI()
	api.block = "parts"
	srv := httptest.NewServer(api)
	defer srv.Close()
	dir := journalFixture(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "run", "things.arazzo.yaml", "--all", "--input", "name=alpha", "--input", "adminPassword=pw-123456",
		"--server", "things="+srv.URL+"/v1")
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
		if serr := cmd.Process.Signal(syscall.SIGINT); serr != nil {
			t.Fatal(serr)
		}
		err = <-exited
	case err = <-exited:
		t.Fatalf("the CLI exited before a request was in flight: %v\n%s", err, stderr.String())
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v, want exit status 1\nstderr:\n%s", err, stderr.String())
	}
	var out map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil || len(out) != 2 {
		t.Errorf("stdout is not one object with both workflows: %v\n%s", err, stdout.String())
	}
	for _, want := range []string{"arazzo: workflow provision failed: interrupted by a signal", "skipped (interrupted)"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}
