package mock

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestTransport(t *testing.T) {
	pets := New(loadDoc(t, "testdata/pets.yaml"), Options{})
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Host", r.Host)
		w.Header().Set("X-URI", r.RequestURI)
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write(b)
	})
	client := &http.Client{Transport: Transport(map[string]http.Handler{
		"petstore.mock":   pets,
		"Echo.mock:8080":  echo,
		"implicit.status": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "hi") }),
	})}
	tests := []struct {
		name, method, url, body string
		status                  int
		inBody, err             string
		header                  map[string]string
	}{
		{name: "mock by host", method: "POST", url: "http://petstore.mock/v1/pets", body: `{"name":"Rex"}`, status: 201, inBody: `"name":"Rex"`},
		{name: "default port", method: "GET", url: "http://petstore.mock:80/pets/mine", status: 200, inBody: "Rex"},
		{name: "https default port", method: "GET", url: "https://petstore.mock:443/pets/mine", status: 200},
		{name: "host with port, case-insensitive", method: "PUT", url: "http://echo.mock:8080/a/b?x=1", body: "payload", status: 202, inBody: "payload",
			header: map[string]string{"X-Host": "echo.mock:8080", "X-URI": "/a/b?x=1"}},
		{name: "status defaults to 200", method: "GET", url: "http://implicit.status/", status: 200, inBody: "hi"},
		{name: "unknown host", method: "GET", url: "http://other.mock/pets", err: `mock: no mock serves host "other.mock" (known: echo.mock:8080, implicit.status, petstore.mock)`},
		{name: "wrong port", method: "GET", url: "http://petstore.mock:8080/pets", err: `no mock serves host "petstore.mock:8080"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, _ := http.NewRequest(tc.method, tc.url, body)
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := client.Do(req)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.inBody) {
				t.Fatalf("status %d body %s", resp.StatusCode, b)
			}
			if resp.ContentLength != int64(len(b)) {
				t.Errorf("ContentLength %d for %d bytes", resp.ContentLength, len(b))
			}
			for k, v := range tc.header {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestTransportCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://a.mock/", nil)
	_, err := Transport(map[string]http.Handler{"a.mock": http.NotFoundHandler()}).RoundTrip(req)
	if err == nil {
		t.Fatal("no error for a canceled request")
	}
}
