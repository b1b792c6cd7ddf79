package report

import (
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/contract"
	"github.com/arazzo-run/arazzo/runtime"
)

func writeHTML(t testing.TB, res *runtime.Result, meta Meta, redact Redactor, opts HTMLOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTMLWith(&buf, res, meta, redact, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

var srcAttrRE = regexp.MustCompile(`<[^>]*\s(src|srcset|background)=[^>]*>`)

var tagRE = regexp.MustCompile(`(?s)<style>.*?</style>|<[^>]*>`)

// pageText is the page's text without markup, entities decoded: what a
// reader can see (closed <details> included).
func pageText(page string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(page, " "))), " ")
}

func TestHTMLFixtures(t *testing.T) {
	tests := []struct {
		name    string
		run     func() (*runtime.Result, Meta)
		redact  Redactor
		want    []string // in the page text
		notWant []string // anywhere in the page
	}{
		{
			name: "passing",
			run:  passingRun,
			want: []string{"✓ PASSED", "adoptPet", "listPets", "createPet", "getPet", "GET /pets/{petId}",
				"$statusCode == 201", "Fido the dog", `"petId": 42`, "3 attempts of 3 steps", "end \"done\""},
			notWant: []string{"✗ FAILED", "<friendly>"}, // shown escaped
		},
		{
			name: "retry then failure",
			run:  retryRun,
			want: []string{"✗ FAILED", "Step order failed (attempt 2)",
				"$statusCode == 201: got 409", "$statusCode == 201: got 503", "retry \"again\"", "from Retry-After",
				"503 Service Unavailable", "409 Conflict", "duplicate order", "<h1>busy</h1>", "not reached",
				"calls $sourceDescriptions.common.login", "in workflow common.login", "4 attempts of 3 steps, 2 failed"},
		},
		{
			name:   "secrets",
			run:    secretRun,
			redact: testRedactor(secretToken),
			want:   []string{"✗ FAILED", "echo", "Authorization", Mask, "you sent"},
			notWant: append(append([]string(nil), allSecrets...),
				"dG9rLVNFQ1JFVC0xMjM0YWJjZA", // base64 of the token
			),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, meta := tc.run()
			page := writeHTML(t, res, meta, tc.redact, HTMLOptions{})
			text := pageText(page)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("page text lacks %q", w)
				}
			}
			for _, n := range tc.notWant {
				if strings.Contains(page, n) || !strings.Contains(n, "<") && strings.Contains(text, n) {
					t.Errorf("page holds %q", n)
				}
			}
			checkSelfContained(t, page)
		})
	}
}

// checkSelfContained: no script, nothing loaded from elsewhere.
func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	low := strings.ToLower(page)
	for _, bad := range []string{"<script", "<link", "<iframe", "<img", "<object", "<embed", "@import", "url(http", "javascript:"} {
		if strings.Contains(low, bad) {
			t.Errorf("page holds %q", bad)
		}
	}
	if m := srcAttrRE.FindString(low); m != "" {
		t.Errorf("page loads something: %s", m)
	}
	if !strings.Contains(page, `Content-Security-Policy" content="default-src 'none'`) {
		t.Error("no Content-Security-Policy")
	}
}

// TestHTMLEscapes: markup anywhere in the run (bodies, headers, step ids,
// criteria, outputs, inputs, errors) is shown as text, never parsed.
func TestHTMLEscapes(t *testing.T) {
	const evil = `<script>document.title='pwned'</script><img src=x onerror=alert(1)>`
	res := &runtime.Result{
		WorkflowID: "w<b>", Success: false,
		Outputs: map[string]any{"o": evil},
		Err:     &runtime.StepError{Workflow: "w<b>", Step: "s<i>", Attempt: 1, Reason: evil},
		Steps: []*runtime.StepRun{{
			Workflow: "w<b>", StepID: "s<i>", Attempt: 1, Method: "GET", PathTemplate: "/x/</svg>",
			Request: &runtime.RequestRecord{Method: "GET", URL: "http://127.0.0.1/x?q=\"><script>alert(1)</script>",
				Header: hdr("X-Evil", evil)},
			Response: &runtime.ResponseRecord{StatusCode: 200, Header: hdr("Content-Type", "text/html"), Body: []byte(evil)},
			Criteria: []runtime.CriterionResult{{Condition: "$response.body == '" + evil + "'", Type: "simple",
				Explanation: "got " + evil}},
			Err:     errors.New(evil),
			Action:  &runtime.ActionTaken{Kind: arazzo.FailureAction, Default: true},
			Started: t0, Duration: time.Millisecond,
		}},
		Duration: time.Millisecond,
	}
	meta := Meta{Document: "a<b>.yaml", Inputs: map[string]any{"in": evil}, Started: t0,
		Steps: map[string][]string{"w<b>": {"s<i>", "</text></svg><script>x()</script>"}}}
	page := writeHTML(t, res, meta, nil, HTMLOptions{})
	checkSelfContained(t, page)
	if strings.Contains(page, "<b>") && strings.Contains(page, "w<b>") {
		t.Error("workflow id not escaped")
	}
	if !strings.Contains(pageText(page), evil) {
		t.Error("the markup is not shown as text")
	}
}

// TestHTMLBodyCap: a huge body is cut for the page, on a character
// boundary, with a note; the page stays small.
func TestHTMLBodyCap(t *testing.T) {
	big := strings.Repeat("é", MaxBody) // 128 KiB of 2-byte characters
	res := &runtime.Result{WorkflowID: "w", Success: true, Steps: []*runtime.StepRun{{
		Workflow: "w", StepID: "s", Attempt: 1, Success: true,
		Request:  &runtime.RequestRecord{Method: "POST", URL: "http://127.0.0.1/", Header: hdr("Content-Type", "text/plain"), Body: []byte(big)},
		Response: &runtime.ResponseRecord{StatusCode: 200, Header: hdr("Content-Type", "application/json"), Body: []byte(`{"a":"` + big + `"}`)},
	}}}
	page := writeHTML(t, res, Meta{}, nil, HTMLOptions{})
	if n := len(page); n > 2*htmlBodyCap+40<<10 {
		t.Errorf("page is %d bytes", n)
	}
	if c := strings.Count(page, "cut at 16 KiB here;"); c != 2 {
		t.Errorf("%d cut notes, want 2", c)
	}
	if !strings.Contains(page, "131072 bytes") {
		t.Error("the body size is not shown")
	}
}

func TestHTMLNoResult(t *testing.T) {
	if err := WriteHTML(io.Discard, nil, Meta{}, nil); err == nil {
		t.Error("no error for a nil result")
	}
	// An empty run still gives a page.
	var buf bytes.Buffer
	if err := WriteHTML(&buf, &runtime.Result{WorkflowID: "w"}, Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "No step ran.") {
		t.Error("empty run")
	}
}

// liveShopRun runs testdata/live/shop.arazzo.yaml against a local server:
// a token request with a client secret, an order retried after a 503,
// and a check that fails ("pending" is not "shipped").
func liveShopRun(t testing.TB) (*runtime.Result, Meta, *arazzo.Document, []string) {
	t.Helper()
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
			if orders.Add(1) == 1 {
				w.Header().Set("Retry-After", "0")
				reply(503, `{"error":"busy, your token was `+token+`"}`)
				return
			}
			reply(201, `{"id":"o-1","echo":"`+r.Header.Get("Authorization")+`"}`)
		case r.URL.Path == "/orders/o-1":
			reply(200, `{"id":"o-1","status":"pending","key":"`+apiKey+`","note":"<script>document.title='pwned'</script>"}`)
		default:
			reply(404, `{}`)
		}
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	b, err := runtime.Load(ctx, filepath.Join("testdata", "live", "shop.arazzo.yaml"), runtime.LoadOptions{})
	if err != nil {
		t.Skipf("runtime cannot load the workflow: %v", err)
	}
	plan, err := runtime.Compile(b)
	if err != nil {
		t.Skipf("runtime cannot compile the workflow: %v", err)
	}
	inputs := map[string]any{"clientSecret": clientSecret, "apiKey": apiKey}
	res, err := plan.Run(ctx, "buy", inputs, runtime.Options{
		Servers: map[string]string{"shop": srv.URL},
		Sleep:   func(context.Context, time.Duration) error { return nil },
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Success {
		t.Fatal("the run should fail")
	}
	meta := Meta{Tool: "arazzo", Version: "test", Document: "shop.arazzo.yaml", Inputs: inputs,
		SecretInputs: []string{"clientSecret"}, Started: time.Now(), Steps: StepsOf(plan.Document())}
	return res, meta, plan.Document(), []string{clientSecret, apiKey, token}
}

func TestHTMLLiveRun(t *testing.T) {
	res, meta, doc, secrets := liveShopRun(t)
	for _, withDoc := range []bool{false, true} {
		opts := HTMLOptions{}
		if withDoc {
			opts.Document = doc
		}
		page := writeHTML(t, res, meta, nil, opts)
		checkSelfContained(t, page)
		text := pageText(page)
		for _, s := range secrets {
			if strings.Contains(page, s) {
				t.Errorf("doc=%v: secret %q in the page", withDoc, s)
			}
		}
		for _, w := range []string{"Step check failed", `$response.body#/status == 'shipped'`, "got 'pending'",
			"✗ failed", "2 attempts", "<script>document.title='pwned'</script>"} {
			if !strings.Contains(text, w) {
				t.Errorf("doc=%v: page text lacks %q", withDoc, w)
			}
		}
		if withDoc && !strings.Contains(text, "busy: retry ≤ 2") {
			t.Error("the graph lacks the retry action")
		}
		if os.Getenv("ARAZZO_HTML_SAMPLE") != "" {
			name := "sample-nodoc.html"
			if withDoc {
				name = "sample.html"
			}
			os.WriteFile(filepath.Join(os.Getenv("ARAZZO_HTML_SAMPLE"), name), []byte(page), 0o644)
		}
	}
}

func parseDoc(t *testing.T, path string) *arazzo.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, diags := arazzo.Parse(data, path)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", path, diags.Err())
	}
	return doc
}

// attempt builds a step attempt for the graph tests.
func attempt(wf, step string, ok bool, act *runtime.ActionTaken) *runtime.StepRun {
	return &runtime.StepRun{Workflow: wf, StepID: step, Attempt: 1, Success: ok, Action: act, Method: "GET", PathTemplate: "/" + step}
}

func act(kind arazzo.ActionKind, typ arazzo.ActionType, name string) *runtime.ActionTaken {
	return &runtime.ActionTaken{Kind: kind, Type: typ, Name: name}
}

// TestHTMLGraphPath checks the path drawn as taken: node states, the
// edges drawn bold and the edge notes marked taken.
func TestHTMLGraphPath(t *testing.T) {
	gotoAdopt := act(arazzo.SuccessAction, arazzo.ActionGoto, "available")
	gotoAdopt.StepID = "adopt"
	gotoReport := act(arazzo.FailureAction, arazzo.ActionGoto, "taken")
	gotoReport.WorkflowID = "report-problem"
	relogin := act(arazzo.FailureAction, arazzo.ActionRetry, "token-expired")
	relogin.StepID = "login"
	tests := []struct {
		name      string
		doc       string // testdata/html/<doc>; "" for none
		workflow  string
		runs      []*runtime.StepRun
		nodes     string // "label:class ..." of the first workflow's boxes
		taken     string // "from>to ..." edges drawn bold, all workflows
		takenNote string // a note marked taken
	}{
		{
			name: "goto a step, then goto another workflow", doc: "branching.arazzo.yaml", workflow: "adopt-pet",
			runs: []*runtime.StepRun{
				attempt("adopt-pet", "findPet", true, gotoAdopt),
				attempt("adopt-pet", "adopt", false, gotoReport),
				attempt("report-problem", "report", true, next()),
			},
			nodes:     "start:start | findPet:pass | waitingList:idle | adopt:fail | end: success:end-ok idle | end: failure:end-fail idle",
			taken:     "start>findPet | findPet>adopt | start>report | report>end: success",
			takenNote: "✗ taken: goto if regex($response.body) ^(taken|gone)$ → workflow report-problem",
		},
		{
			name: "retries, one running a step first", doc: "retries.arazzo.yaml", workflow: "fetch-report",
			runs: []*runtime.StepRun{
				attempt("fetch-report", "login", true, next()),
				attempt("fetch-report", "fetch", false, relogin),
				attempt("fetch-report", "login", true, next()),
				attempt("fetch-report", "fetch", false, act(arazzo.FailureAction, arazzo.ActionRetry, "rate-limited")),
				attempt("fetch-report", "fetch", true, next()),
			},
			nodes: "start:start | login:pass | fetch:warn | end: success:end-ok | end: failure:end-fail idle",
			// The self-loops of token-expired and rate-limited.
			taken:     "start>login | login>fetch | fetch>login | fetch>fetch | fetch>fetch | fetch>end: success",
			takenNote: "✗ token-expired: before retry if $statusCode == 401 → login",
		},
		{
			name: "failure end", doc: "retries.arazzo.yaml", workflow: "fetch-report",
			runs: []*runtime.StepRun{
				attempt("fetch-report", "login", true, next()),
				attempt("fetch-report", "fetch", false, act(arazzo.FailureAction, arazzo.ActionEnd, "give-up")),
			},
			nodes: "start:start | login:pass | fetch:fail | end: success:end-ok idle | end: failure:end-fail",
			taken: "start>login | login>fetch | fetch>end: failure",
		},
		{
			name: "without the document", workflow: "w",
			runs: []*runtime.StepRun{
				attempt("w", "a", true, next()),
				attempt("w", "b", false, &runtime.ActionTaken{Kind: arazzo.FailureAction, Default: true}),
			},
			nodes: "start:start | a:pass | b:fail | c:idle | end: success:end-ok idle | end: failure:end-fail",
			taken: "start>a | a>b | b>end: failure",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := &runtime.Result{WorkflowID: tc.workflow, Steps: tc.runs}
			meta := Meta{Steps: map[string][]string{"w": {"a", "b", "c"}}}
			var opts HTMLOptions
			if tc.doc != "" {
				opts.Document = parseDoc(t, filepath.Join("testdata", "html", tc.doc))
			}
			p := buildHTML(res, meta, newMasker([]*runtime.Result{res}, meta, nil), opts)
			if len(p.Graphs) == 0 {
				t.Fatal("no graph")
			}
			var nodes, taken, notes []string
			for _, n := range p.Graphs[0].Nodes {
				nodes = append(nodes, n.Line1+":"+n.Class)
			}
			for _, g := range p.Graphs {
				for _, e := range g.Edges {
					if strings.Contains(e.Class, "taken") {
						taken = append(taken, e.From+">"+e.To)
					}
				}
				for _, n := range g.Nodes {
					for _, nt := range n.Notes {
						if strings.Contains(nt.Class, "taken") {
							notes = append(notes, nt.Title)
						}
					}
				}
			}
			if got := strings.Join(nodes, " | "); got != tc.nodes {
				t.Errorf("nodes:\n got %s\nwant %s", got, tc.nodes)
			}
			sort.Strings(taken)
			want := strings.Split(tc.taken, " | ")
			sort.Strings(want)
			if strings.Join(taken, ",") != strings.Join(want, ",") {
				t.Errorf("taken edges:\n got %q\nwant %q", taken, want)
			}
			if tc.takenNote != "" && !slices.Contains(notes, tc.takenNote) {
				t.Errorf("taken notes %q lack %q", notes, tc.takenNote)
			}
			if dir := os.Getenv("ARAZZO_HTML_SAMPLE"); dir != "" {
				page := writeHTML(t, res, meta, nil, opts)
				os.WriteFile(filepath.Join(dir, strings.Fields(tc.name)[0]+".html"), []byte(page), 0o644)
			}
		})
	}
}

// TestHTMLSubWorkflow: a step calling a workflow of the same document; both
// are drawn, the call is marked taken, and the attempts inside are nested.
func TestHTMLSubWorkflow(t *testing.T) {
	doc := &arazzo.Document{Workflows: []*arazzo.Workflow{
		{WorkflowID: "main", Steps: []*arazzo.Step{{StepID: "auth", WorkflowID: "login"}, {StepID: "use", OperationID: "use"}}},
		{WorkflowID: "login", Steps: []*arazzo.Step{{StepID: "token", OperationID: "token"}}},
	}}
	call := attempt("main", "auth", true, next())
	call.CalledWorkflow, call.Method, call.PathTemplate = "login", "", ""
	inner := attempt("login", "token", true, next())
	inner.Depth = 1
	res := &runtime.Result{WorkflowID: "main", Success: true, Steps: []*runtime.StepRun{call, inner, attempt("main", "use", true, next())}}
	p := buildHTML(res, Meta{}, newMasker([]*runtime.Result{res}, Meta{}, nil), HTMLOptions{Document: doc})
	if len(p.Graphs) != 2 || p.Graphs[0].Title != "main" || p.Graphs[1].Title != "login" {
		t.Fatalf("graphs %+v", p.Graphs)
	}
	var notes []string
	for _, n := range p.Graphs[0].Nodes {
		for _, nt := range n.Notes {
			notes = append(notes, nt.Class+"|"+nt.Title)
		}
	}
	if want := "note call taken|⇢ calls workflow login"; !slices.Contains(notes, want) {
		t.Errorf("notes %q lack %q", notes, want)
	}
	for _, n := range p.Graphs[1].Nodes {
		if n.Line1 == "token" && n.Class != "pass" {
			t.Errorf("token: %s", n.Class)
		}
	}
	if p.Attempts[1].Indent == "" || p.Attempts[1].WorkflowID != "login" {
		t.Errorf("the inner attempt is not nested: %+v", p.Attempts[1])
	}
}

func TestFmtMs(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{-1, "0 ms"}, {0, "0 ms"}, {0.25, "250 µs"}, {1, "1.0 ms"}, {12.34, "12.3 ms"}, {250.4, "250 ms"},
		{1520, "1.52 s"}, {61000, "1m1s"}, {3_600_000, "1h0m0s"},
	} {
		if got := fmtMs(tc.in); got != tc.want {
			t.Errorf("fmtMs(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestHTMLTimeline: bars are placed by start time on one scale. A
// regression test: Meta.Started taken after the run (later than every
// attempt) used to put every bar and offset at 0.
func TestHTMLTimeline(t *testing.T) {
	res, meta := retryRun()
	for _, started := range []time.Time{t0, at(5000), {}} {
		meta.Started = started
		p := buildHTML(res, meta, newMasker([]*runtime.Result{res}, meta, nil), HTMLOptions{})
		var got []string
		for _, b := range p.Timeline {
			got = append(got, string(b.Style))
		}
		want := []string{"left:0.000%;width:0.490%", "left:0.098%;width:0.400%", "left:0.588%;width:0.686%", "left:99.314%;width:0.588%"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("started %v: bars\n got %q\nwant %q", started, got, want)
		}
		if off := p.Attempts[3].Offset; off != "+1.01 s" {
			t.Errorf("started %v: last offset %q", started, off)
		}
	}
}

// TestHTMLContract: contract problems are listed under their attempt, as
// in the JSON report.
func TestHTMLContract(t *testing.T) {
	res, meta := passingRun()
	res.Steps[0].Contract = []contract.Problem{{In: "response", Kind: contract.KindSchema, Pointer: "/0/tag",
		SchemaPointer: "/components/schemas/Pet/properties/tag/enum", Message: `"<dog>" is not one of "cat", "fish"`}}
	page := writeHTML(t, res, meta, nil, HTMLOptions{})
	want := `response schema /0/tag: "<dog>" is not one of "cat", "fish" (#/components/schemas/Pet/properties/tag/enum)`
	if !strings.Contains(pageText(page), want) {
		t.Errorf("page lacks %q", want)
	}
	if strings.Contains(page, "<dog>") {
		t.Error("markup in a contract message is not escaped")
	}
}

// TestHTMLBodyBudget: past htmlBodyBudget of bodies, each further body is
// cut at htmlBodyMin, so a long run gives a page of bounded size.
func TestHTMLBodyBudget(t *testing.T) {
	body := []byte(`{"items":"` + strings.Repeat("x", 30<<10) + `"}`)
	res := &runtime.Result{WorkflowID: "w", Success: true}
	const n = 60
	for i := 0; i < n; i++ {
		res.Steps = append(res.Steps, &runtime.StepRun{Workflow: "w", StepID: "s", Attempt: i + 1, Success: true,
			Response: &runtime.ResponseRecord{StatusCode: 200, Header: hdr("Content-Type", "application/json"), Body: body}})
	}
	page := writeHTML(t, res, Meta{}, nil, HTMLOptions{})
	if max := htmlBodyBudget + n*htmlBodyMin + 200<<10; len(page) > max {
		t.Errorf("page of %d bytes, want at most %d", len(page), max)
	}
	if c := strings.Count(page, "the page already shows 384 KiB of bodies"); c == 0 || c >= n {
		t.Errorf("%d bodies cut by the budget", c)
	}
}

// TestPreText: only what can start markup in a <pre> is escaped.
func TestPreText(t *testing.T) {
	got := string(preText(`<a href="x">&amp;</a>` + "\x00'"))
	if want := `&lt;a href="x"&gt;&amp;amp;&lt;/a&gt;` + "\uFFFD'"; got != want {
		t.Errorf("preText = %q, want %q", got, want)
	}
}
