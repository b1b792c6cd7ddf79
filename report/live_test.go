package report

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/runtime"
)

// TestLiveRun runs a real workflow with the executor against a local
// server (a token request with a client secret, a call retried after a
// 503, an API key in a header and a query, responses echoing the token)
// and checks all three formats: the report against its schema, the HAR
// against HAR 1.2, the JUnit parsed back, and no secret anywhere. It
// catches what hand-built results cannot: shapes the executor really
// produces.
func TestLiveRun(t *testing.T) {
	const (
		clientSecret = "cs-LIVE-SECRET-123"
		apiKey       = "ak-LIVE-KEY-456"
		token        = "tok-LIVE-TOKEN-789"
	)
	var orders atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		reply := func(status int, s string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, s)
		}
		switch {
		case r.URL.Path == "/oauth/token":
			if !strings.Contains(string(body), "client_secret="+clientSecret) {
				reply(401, `{"error":"invalid_client"}`)
				return
			}
			reply(200, `{"access_token":"`+token+`","token_type":"Bearer"}`)
		case r.URL.Path == "/orders":
			if r.Header.Get("Authorization") != "Bearer "+token || r.URL.Query().Get("api_key") != apiKey {
				reply(401, `{"error":"unauthorized"}`)
				return
			}
			if orders.Add(1) == 1 {
				w.Header().Set("Retry-After", "0")
				reply(503, `{"error":"busy, your token was `+token+`"}`)
				return
			}
			reply(201, `{"id":"o-1","echo":"`+r.Header.Get("Authorization")+`"}`)
		case r.URL.Path == "/orders/o-1":
			if r.Header.Get("X-API-Key") != apiKey {
				reply(401, `{"error":"unauthorized"}`)
				return
			}
			reply(200, `{"id":"o-1","status":"pending","key":"`+apiKey+`"}`)
		default:
			reply(404, `{}`)
		}
	}))
	defer srv.Close()

	ctx := context.Background()
	b, err := runtime.Load(ctx, filepath.Join("testdata", "live", "shop.arazzo.yaml"), runtime.LoadOptions{})
	if err != nil {
		t.Skipf("runtime cannot load the workflow (runtime under construction?): %v", err)
	}
	plan, err := runtime.Compile(b)
	if err != nil {
		t.Skipf("runtime cannot compile the workflow (runtime under construction?): %v", err)
	}
	inputs := map[string]any{"clientSecret": clientSecret, "apiKey": apiKey}
	res, err := plan.Run(ctx, "buy", inputs, runtime.Options{
		Servers: map[string]string{"shop": srv.URL},
		Sleep:   func(context.Context, time.Duration) error { return nil },
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	// The last criterion fails on purpose ("pending" is not "shipped").
	if res.Success || len(res.Steps) != 4 {
		t.Fatalf("want a failed run of 4 attempts, got success=%v %d attempts (err %v)", res.Success, len(res.Steps), res.Err)
	}
	meta := Meta{Tool: "arazzo", Version: "test", Document: "shop.arazzo.yaml", Inputs: inputs,
		SecretInputs: []string{"clientSecret"}, Started: time.Now(), Steps: StepsOf(plan.Document())}
	secrets := []string{clientSecret, apiKey, token}

	var js, har, junit bytes.Buffer
	if err := WriteJSON(&js, res, meta, nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteHAR(&har, res, meta, nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteJUnit(&junit, []*runtime.Result{res}, meta, nil); err != nil {
		t.Fatal(err)
	}
	validate(t, compileSchema(t, "report.schema.json", Schema), "live report", js.Bytes())
	hs, err := os.ReadFile(filepath.Join("testdata", "har.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	validate(t, compileSchema(t, "har.schema.json", hs), "live HAR", har.Bytes())
	for name, out := range map[string][]byte{"json": js.Bytes(), "har": har.Bytes(), "junit": junit.Bytes()} {
		for _, s := range secrets {
			for _, text := range []string{string(out), unescapeJSON(out), unescapeXML(out)} {
				if strings.Contains(text, s) {
					t.Errorf("%s: secret %q found", name, s)
					break
				}
			}
		}
	}

	var rep struct {
		Verdict string `json:"verdict"`
		Steps   []struct {
			StepID  string `json:"stepId"`
			Attempt int    `json:"attempt"`
			Action  *struct {
				Type  string `json:"type"`
				Retry *struct {
					N, Limit int
				} `json:"retry"`
			} `json:"action"`
			Response *struct {
				Status int `json:"status"`
			} `json:"response"`
		} `json:"steps"`
	}
	if err := json.Unmarshal(js.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	var trace []string
	for _, s := range rep.Steps {
		e := s.StepID
		if s.Response != nil {
			e += ":" + itoa(s.Response.Status)
		}
		if s.Action != nil {
			e += ":" + s.Action.Type
		}
		trace = append(trace, e)
	}
	if got, want := strings.Join(trace, " "), "login:200:next order:503:retry order:201:next check:200:break"; got != want {
		t.Errorf("attempts %q, want %q", got, want)
	}

	var x xSuites
	if err := xml.Unmarshal(junit.Bytes(), &x); err != nil {
		t.Fatal(err)
	}
	if x.Tests != 3 || x.Failures != 1 {
		t.Errorf("junit tests=%d failures=%d", x.Tests, x.Failures)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
