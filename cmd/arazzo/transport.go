package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"net/http"
	"os"
	"strings"
)

// transportFlags are the trust settings of the HTTP client a run uses.
type transportFlags struct {
	insecure          bool
	caCert            string
	clientCert        string
	clientKey         string
	allowHosts        []string
	noFollowRedirects bool
}

// newHTTPClient builds the client for a run: keep-alive connections reused
// across steps, TLS verification on unless --insecure, extra CA and client
// certificates, and --allow-host enforced on every request (token requests
// included).
func newHTTPClient(e *env, f *transportFlags) (*http.Client, error) {
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if f.insecure {
		tlsConf.InsecureSkipVerify = true //nolint:gosec // the user asked for it, and is warned
		fmt.Fprintln(e.stderr, "warning: --insecure: TLS certificates are not verified; anyone on the network path can read and change this run's traffic")
	}
	if f.caCert != "" {
		pem, err := os.ReadFile(f.caCert)
		if err != nil {
			return nil, usageErrorf("--ca-cert: %v", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, usageErrorf("--ca-cert %s: no PEM certificate found", f.caCert)
		}
		tlsConf.RootCAs = pool
	}
	if (f.clientCert == "") != (f.clientKey == "") {
		return nil, usageErrorf("--client-cert and --client-key go together")
	}
	if f.clientCert != "" {
		cert, err := tls.LoadX509KeyPair(f.clientCert, f.clientKey)
		if err != nil {
			return nil, usageErrorf("--client-cert/--client-key: %v", err)
		}
		tlsConf.Certificates = []tls.Certificate{cert}
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.TLSClientConfig = tlsConf
	base.MaxIdleConnsPerHost = 16
	base.ResponseHeaderTimeout = 0 // the executor's per-request timeout governs
	var rt http.RoundTripper = base
	if len(f.allowHosts) > 0 {
		allowed := map[string]bool{}
		for _, h := range f.allowHosts {
			h = strings.ToLower(strings.TrimSpace(h))
			if h == "" {
				return nil, usageErrorf("--allow-host: empty host")
			}
			allowed[h] = true
		}
		rt = allowHostTransport{next: base, allowed: allowed, list: strings.Join(f.allowHosts, ", ")}
	}
	client := &http.Client{Transport: rt}
	if f.noFollowRedirects {
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return client, nil
}

// allowHostTransport refuses requests to hosts outside the --allow-host
// list, before any connection is made.
type allowHostTransport struct {
	next    http.RoundTripper
	allowed map[string]bool
	list    string
}

// errHostNotAllowed is wrapped by the error of a refused request.
var errHostNotAllowed = errors.New("host not allowed")

func (t allowHostTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	host := strings.ToLower(r.URL.Hostname())
	hostPort := strings.ToLower(r.URL.Host)
	if !t.allowed[host] && !t.allowed[hostPort] {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("request to %s refused (%w: --allow-host %s)", r.URL.Host, errHostNotAllowed, t.list)
	}
	return t.next.RoundTrip(r)
}
