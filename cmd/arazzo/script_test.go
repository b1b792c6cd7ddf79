package main

import (
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/arazzo-run/arazzo/auth/auth0sim"
)

// -update rewrites the golden files inside the txtar scripts (cmp stdout
// and cmp stderr targets) with what the commands printed.
var update = flag.Bool("update", false, "update the golden output in testdata/script/*.txtar")

func TestMain(m *testing.M) {
	// Each script runs `arazzo` as a real process (the test binary re-executed),
	// so exit codes, stdout and stderr are observed exactly as a user sees them.
	testscript.Main(m, map[string]func(){
		"arazzo": func() { os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())) },
	})
}

// TestScripts runs the CLI behaviour specs in testdata/script. Scripts see
// $REPO (the repository root, for testdata/auth0) and may start local fake
// APIs with the `serve` command.
func TestScripts(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPO", repo)
			env.Setenv("NO_COLOR", "1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"serve":   cmdServe,
			"httpget": cmdHTTPGet,
			"auth0":   cmdAuth0,
			"faults":  cmdFaults,
		},
	})
}

// cmdServe starts a fake API on 127.0.0.1 for the rest of the script and
// sets $NAME_URL to its base URL:
//
//	serve auth0      a stateful Auth0 Management API simulator
func cmdServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: serve NAME")
	}
	h, ok := fakeAPIs[args[0]]
	if !ok {
		ts.Fatalf("serve: no fake API %q", args[0])
	}
	handler := h()
	var srv *httptest.Server
	if strings.HasSuffix(args[0], "-tls") {
		// HTTPS with a self-signed certificate, written to $WORK/NAME-ca.pem
		// for --ca-cert.
		srv = httptest.NewTLSServer(handler)
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		ts.Check(os.WriteFile(filepath.Join(ts.Getenv("WORK"), args[0]+"-ca.pem"), pemBytes, 0o644))
	} else {
		srv = httptest.NewServer(handler)
	}
	ts.Defer(srv.Close)
	ts.Setenv(upperName(args[0])+"_URL", srv.URL)
	servedMu.Lock()
	served[ts.Getenv("WORK")+" "+args[0]] = handler
	servedMu.Unlock()
}

// served remembers the handlers `serve` started, by script and name, so
// other commands can ask them what they saw.
var (
	servedMu sync.Mutex
	served   = map[string]http.Handler{}
)

// cmdAuth0 inspects the Auth0 simulator a script started with `serve auth0`:
//
//	auth0 token-requests       prints one line per token request: its scopes, sorted
//	auth0 issue-token SCOPE... sets $AUTH0_TOKEN to a valid bearer token with those scopes
//	auth0 clients              prints the names of the clients created
func cmdAuth0(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: auth0 token-requests | issue-token SCOPE... | clients")
	}
	servedMu.Lock()
	h := served[ts.Getenv("WORK")+" auth0"]
	servedMu.Unlock()
	sim, ok := h.(*auth0sim.Sim)
	if !ok {
		ts.Fatalf("auth0: run 'serve auth0' first")
	}
	switch args[0] {
	case "token-requests":
		for _, tr := range sim.TokenRequests() {
			scopes := strings.Fields(tr.Scope)
			sort.Strings(scopes)
			fmt.Fprintln(ts.Stdout(), strings.Join(scopes, " "))
		}
	case "issue-token":
		ts.Setenv("AUTH0_TOKEN", sim.IssueToken(args[1:]...))
	case "clients":
		for _, c := range sim.Clients() {
			fmt.Fprintln(ts.Stdout(), c["name"])
		}
	default:
		ts.Fatalf("auth0: unknown subcommand %q", args[0])
	}
}

func upperName(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		case c == '-':
			b[i] = '_'
		}
	}
	return string(b)
}

// cmdHTTPGet fetches URL and writes the body to the script's stdout, e.g.
// `httpget $PETS_URL/_log` to see what a fake API received.
func cmdHTTPGet(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: httpget URL")
	}
	resp, err := http.Get(args[0])
	ts.Check(err)
	defer resp.Body.Close()
	_, err = io.Copy(ts.Stdout(), resp.Body)
	ts.Check(err)
}
