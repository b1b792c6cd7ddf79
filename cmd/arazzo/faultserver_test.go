package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// The fault-injection server behind `serve faults` (and `serve faults-tls`,
// the same over HTTPS with an untrusted certificate). Every route of
// testdata/faults-openapi.yaml misbehaves in one way, so the
// testdata/script/faults_*.txtar scripts can check that each fault becomes
// a step failure with a readable reason, the right exit code, and no
// leaked credential.
//
// The secrets the scripts pass with --auth; the server checks them so that
// its log says whether the credentials reached it.
const (
	faultsBearer = "s3cr3t-bearer-FAULTS"
	faultsKey    = "s3cr3t-key-FAULTS"
)

func init() {
	fakeAPIs["faults"] = newFaultServer
	fakeAPIs["faults-tls"] = newFaultServer
}

// faultServer logs one line per request, "GET /path host=H auth=A key=K"
// (H the host name without port; A and K "ok", "absent" or "wrong"), with
// what it observed appended (": request context cancelled", ": retry
// waited for Retry-After"). GET /_log returns the log once every other
// request has finished, so a script reads it without racing the handlers.
type faultServer struct {
	mu       sync.Mutex
	log      []string
	limited  map[string]time.Time // form -> earliest time a retry may come
	inflight sync.WaitGroup
}

func newFaultServer() http.Handler {
	return &faultServer{limited: map[string]time.Time{}}
}

// logf adds a log line and returns its index, for note.
func (s *faultServer) logf(format string, args ...any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, fmt.Sprintf(format, args...))
	return len(s.log) - 1
}

// note appends what the server observed to the line of its request, so
// the log reads the same however the requests of a run interleave.
func (s *faultServer) note(line int, format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log[line] += ": " + fmt.Sprintf(format, args...)
}

func credState(got, want string) string {
	switch got {
	case "":
		return "absent"
	case want:
		return "ok"
	}
	return "wrong"
}

func (s *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_log" {
		s.inflight.Wait()
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		for _, l := range s.log {
			fmt.Fprintln(w, l)
		}
		return
	}
	s.inflight.Add(1)
	defer s.inflight.Done()
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	line := s.logf("%s %s host=%s auth=%s key=%s", r.Method, r.URL.Path, host,
		credState(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), faultsBearer),
		credState(r.Header.Get("X-Faults-Key"), faultsKey))
	reply := func(status int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintln(w, body)
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/docs/"):
		// Documents for loading over http: the faults workflow and its
		// description (from testdata), and hostile ones naming local files.
		name := strings.TrimPrefix(r.URL.Path, "/docs/")
		if doc, ok := remoteDocs[name]; ok {
			w.Write([]byte(doc))
			return
		}
		data, err := os.ReadFile(filepath.Join("testdata", filepath.Base(name)))
		if err != nil || !strings.HasPrefix(name, "faults") {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	case r.URL.Path == "/ok" || r.URL.Path == "/landing":
		reply(200, `{"ok": true}`)
	case r.URL.Path == "/slow":
		// Wait for the client to give up: the request context is cancelled
		// when its connection closes. The cap only keeps a broken client
		// from hanging the test forever.
		select {
		case <-r.Context().Done():
			s.note(line, "request context cancelled (%v)", context.Cause(r.Context()))
		case <-time.After(20 * time.Second):
			s.note(line, "answered after 20s")
			reply(200, `{"late": true}`)
		}
	case r.URL.Path == "/slow-body":
		// The status and half the body at once, the rest never.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		fmt.Fprint(w, `{"id": "par`)
		http.NewResponseController(w).Flush()
		select {
		case <-r.Context().Done():
			s.note(line, "request context cancelled (%v)", context.Cause(r.Context()))
		case <-time.After(20 * time.Second):
			s.note(line, "gave up after 20s")
		}
	case r.URL.Path == "/reset":
		s.raw(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\": \"par", true)
	case r.URL.Path == "/truncated":
		s.raw(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\": \"x\"}", false)
	case r.URL.Path == "/garbage":
		reply(200, `{"id": "x", oops <html>`)
	case r.URL.Path == "/huge":
		n, err := strconv.Atoi(r.URL.Query().Get("bytes"))
		if err != nil || n < 2 {
			reply(400, `{"error": "bytes must be an integer >= 2"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		bw := bufio.NewWriter(w)
		bw.WriteByte('"')
		chunk := strings.Repeat("x", 4096)
		for left := n - 2; left > 0; left -= len(chunk) {
			if left < len(chunk) {
				chunk = chunk[:left]
			}
			if _, err := bw.WriteString(chunk); err != nil {
				return // the client stopped reading
			}
		}
		bw.WriteByte('"')
		bw.Flush()
	case strings.HasPrefix(r.URL.Path, "/limited/"):
		s.limitedRoute(w, line, strings.TrimPrefix(r.URL.Path, "/limited/"), reply)
	case r.URL.Path == "/unavailable":
		reply(503, `{"error": "down for maintenance"}`)
	case r.URL.Path == "/redirect":
		// Same server, other host name: 127.0.0.1 and localhost are
		// different hosts to a client deciding whom to trust.
		_, port, _ := net.SplitHostPort(r.Host)
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		w.Header().Set("Location", scheme+"://localhost:"+port+"/landing")
		w.WriteHeader(http.StatusFound)
	default:
		reply(404, `{"error": "no such fault"}`)
	}
}

// remoteDocs are hostile documents served under /docs/: loaded over http,
// they must not make the runner read local files.
var remoteDocs = map[string]string{
	"passwd.arazzo.yaml": `arazzo: 1.0.1
info: {title: names a local file, version: 1.0.0}
sourceDescriptions:
  - {name: api, url: 'file:///etc/passwd', type: openapi}
workflows:
  - workflowId: w
    steps:
      - {stepId: s, operationId: getOK, successCriteria: [{condition: $statusCode == 200}]}
`,
	"ref.arazzo.yaml": `arazzo: 1.0.1
info: {title: its description has a $ref to a local file, version: 1.0.0}
sourceDescriptions:
  - {name: api, url: ./ref-openapi.yaml, type: openapi}
workflows:
  - workflowId: w
    steps:
      - {stepId: s, operationId: getOK, successCriteria: [{condition: $statusCode == 200}]}
`,
	"ref-openapi.yaml": `openapi: 3.0.3
info: {title: ref, version: 1.0.0}
paths:
  /ok:
    get:
      operationId: getOK
      responses:
        '200': {$ref: 'file:///etc/passwd#/x'}
`,
}

// limitedRoute answers 429 with Retry-After on the first call of a form and
// 200 afterwards, logging whether the retry waited as long as asked. The
// check cannot flake: the wait is a lower bound the client must respect.
func (s *faultServer) limitedRoute(w http.ResponseWriter, line int, form string, reply func(int, string)) {
	now := time.Now()
	s.mu.Lock()
	earliest, seen := s.limited[form]
	s.mu.Unlock()
	if !seen {
		var header string
		switch form {
		case "seconds":
			header, earliest = "1", now.Add(time.Second)
		case "date":
			// HTTP dates have a resolution of one second: two seconds
			// from now, rounded down, is at least one second away.
			earliest = now.Add(2 * time.Second).Truncate(time.Second)
			header = earliest.UTC().Format(http.TimeFormat)
		default:
			reply(404, `{"error": "form is seconds or date"}`)
			return
		}
		s.mu.Lock()
		s.limited[form] = earliest
		s.mu.Unlock()
		w.Header().Set("Retry-After", header)
		reply(429, `{"error": "slow down"}`)
		return
	}
	if now.Before(earliest) {
		s.note(line, "retried %v before Retry-After allowed", earliest.Sub(now))
	} else {
		s.note(line, "retry waited for Retry-After")
	}
	reply(200, `{"ok": true}`)
}

// raw writes a hand-made response on the hijacked connection and closes
// it, with a TCP reset when reset is set (SO_LINGER 0) or cleanly
// otherwise: either way the body is shorter than its Content-Length.
func (s *faultServer) raw(w http.ResponseWriter, resp string, reset bool) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	buf.WriteString(resp)
	buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		tc.SetLinger(0)
	}
	conn.Close()
}

// cmdFaults helps the faults scripts:
//
//	faults refused-url        sets $REFUSED_URL (and $REFUSED_ADDR, host:port) to
//	                          an http URL on 127.0.0.1 where nothing listens
//	faults mtls               starts the fault server over HTTPS requiring a
//	                          client certificate; sets $MTLS_URL and writes
//	                          $WORK/mtls-ca.pem, client.pem, client-key.pem
//	                          (signed by that CA) and other-client.pem,
//	                          other-client-key.pem (self-signed, refused)
//	faults exit N PROG ARGS   runs PROG like exec, and fails unless it exits
//	                          with code N (exec only tells zero from non-zero)
func cmdFaults(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: faults refused-url | exit N PROG ARGS...")
	}
	switch args[0] {
	case "refused-url":
		// A port that was free a moment ago and is closed now: connecting
		// is refused (nothing else binds it in between on a test machine).
		l, err := net.Listen("tcp", "127.0.0.1:0")
		ts.Check(err)
		addr := l.Addr().String()
		ts.Check(l.Close())
		ts.Setenv("REFUSED_URL", "http://"+addr)
		ts.Setenv("REFUSED_ADDR", addr)
	case "mtls":
		startMTLS(ts)
	case "exit":
		if len(args) < 3 {
			ts.Fatalf("usage: faults exit N PROG ARGS...")
		}
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		got := 0
		if err := ts.Exec(args[2], args[3:]...); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				ts.Fatalf("%s: %v", args[2], err)
			}
			got = ee.ExitCode()
		}
		if got != want {
			ts.Fatalf("%s exited with %d, want %d", args[2], got, want)
		}
	default:
		ts.Fatalf("faults: unknown subcommand %q", args[0])
	}
}

// startMTLS serves the fault server over mutual TLS, with a throwaway CA
// for the server and the client certificates.
func startMTLS(ts *testscript.TestScript) {
	work := ts.Getenv("WORK")
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ts.Check(err)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "faults test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	ts.Check(err)
	ca, err := x509.ParseCertificate(caDER)
	ts.Check(err)
	// issue signs a certificate for name with the CA (or itself, when
	// selfSigned), and returns it with its key.
	issue := func(name string, usage x509.ExtKeyUsage, selfSigned bool) (tls.Certificate, []byte, []byte) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		ts.Check(err)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		}
		parent, signer := ca, any(caKey)
		if selfSigned {
			parent, signer = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
		ts.Check(err)
		keyDER, err := x509.MarshalECPrivateKey(key)
		ts.Check(err)
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		ts.Check(err)
		return pair, certPEM, keyPEM
	}
	write := func(name string, data []byte) {
		ts.Check(os.WriteFile(filepath.Join(work, name), data, 0o600))
	}
	serverCert, _, _ := issue("127.0.0.1", x509.ExtKeyUsageServerAuth, false)
	_, clientPEM, clientKey := issue("faults-client", x509.ExtKeyUsageClientAuth, false)
	_, otherPEM, otherKey := issue("stranger", x509.ExtKeyUsageClientAuth, true)
	write("mtls-ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))
	write("client.pem", clientPEM)
	write("client-key.pem", clientKey)
	write("other-client.pem", otherPEM)
	write("other-client-key.pem", otherKey)

	pool := x509.NewCertPool()
	pool.AddCert(ca)
	srv := httptest.NewUnstartedServer(newFaultServer())
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{serverCert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pool,
		MinVersion:   tls.VersionTLS12,
	}
	// The handshake failures the scripts provoke are expected: keep them
	// out of the test log.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	ts.Defer(srv.Close)
	ts.Setenv("MTLS_URL", srv.URL)
}
