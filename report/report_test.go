package report

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/runtime"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

type fixture struct {
	name   string
	build  func() (*runtime.Result, Meta)
	redact Redactor
}

var fixtures = []fixture{
	{"pass", passingRun, nil},
	{"retry", retryRun, nil},
	// The secrets run without a Redactor: what the report learns from the
	// run itself must be enough.
	{"secrets", secretRun, nil},
}

type format struct {
	ext   string
	write func(*bytes.Buffer, *runtime.Result, Meta, Redactor) error
}

var formats = []format{
	{"json", func(b *bytes.Buffer, r *runtime.Result, m Meta, red Redactor) error { return WriteJSON(b, r, m, red) }},
	{"har", func(b *bytes.Buffer, r *runtime.Result, m Meta, red Redactor) error { return WriteHAR(b, r, m, red) }},
	{"xml", func(b *bytes.Buffer, r *runtime.Result, m Meta, red Redactor) error {
		return WriteJUnit(b, []*runtime.Result{r}, m, red)
	}},
}

func render(t *testing.T, f fixture, ft format) []byte {
	t.Helper()
	res, meta := f.build()
	var buf bytes.Buffer
	if err := ft.write(&buf, res, meta, f.redact); err != nil {
		t.Fatalf("%s.%s: %v", f.name, ft.ext, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, f := range fixtures {
		for _, ft := range formats {
			t.Run(f.name+"."+ft.ext, func(t *testing.T) {
				got := render(t, f, ft)
				path := filepath.Join("testdata", f.name+"."+ft.ext+".golden")
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./report -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the output (go test ./report -update rewrites it):\n%s", path, firstDiff(string(want), string(got)))
				}
			})
		}
	}
}

// firstDiff shows the first differing line, enough to find it.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + w + "\n  got: " + g
		}
	}
	return "(no line differs)"
}

func compileSchema(t *testing.T, name string, schema []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(name, doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	s, err := c.Compile(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, name string, out []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("%s: not JSON: %v", name, err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s does not validate: %v", name, err)
	}
}

// TestJSONValidatesAgainstSchema checks every fixture's report against
// report.schema.json, and that the embedded Schema is that file.
func TestJSONValidatesAgainstSchema(t *testing.T) {
	file, err := os.ReadFile("report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, Schema) {
		t.Fatal("Schema differs from report.schema.json")
	}
	s := compileSchema(t, "report.schema.json", Schema)
	for _, f := range append(fixtures, edgeFixtures()...) {
		validate(t, s, f.name+".json", render(t, f, formats[0]))
	}
}

// TestSchemaRejects makes sure the schema is not vacuous: reports with a
// field missing, misspelt or of the wrong kind fail.
func TestSchemaRejects(t *testing.T) {
	s := compileSchema(t, "report.schema.json", Schema)
	good := render(t, fixtures[1], formats[0])
	tests := []struct {
		name   string
		mutate func(m map[string]any)
	}{
		{"no reportVersion", func(m map[string]any) { delete(m, "reportVersion") }},
		{"other version", func(m map[string]any) { m["reportVersion"] = 2 }},
		{"bad verdict", func(m map[string]any) { m["verdict"] = "ok" }},
		{"unknown field", func(m map[string]any) { m["verdikt"] = "passed" }},
		{"step without stepId", func(m map[string]any) { delete(step0(m), "stepId") }},
		{"bad body encoding", func(m map[string]any) {
			step(m, 1)["response"].(map[string]any)["body"].(map[string]any)["encoding"] = "hex"
		}},
		{"text body not a string", func(m map[string]any) {
			step(m, 2)["response"].(map[string]any)["body"].(map[string]any)["content"] = 5
		}},
		{"bad start time", func(m map[string]any) { m["started"] = "yesterday" }},
		{"bad action type", func(m map[string]any) { step(m, 2)["action"].(map[string]any)["type"] = "jump" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(good, &m); err != nil {
				t.Fatal(err)
			}
			tt.mutate(m)
			b, _ := json.Marshal(m)
			inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err := s.Validate(inst); err == nil {
				t.Error("validated")
			}
		})
	}
}

func step0(m map[string]any) map[string]any { return step(m, 0) }

func step(m map[string]any, i int) map[string]any {
	return m["steps"].([]any)[i].(map[string]any)
}

// TestHARStructure validates every fixture's HAR against a JSON Schema of
// HAR 1.2's required fields (testdata/har.schema.json, written from the
// spec) plus the rules a schema cannot say: entry time is the sum of the
// known timings, and the entry order follows time.
func TestHARStructure(t *testing.T) {
	sb, err := os.ReadFile(filepath.Join("testdata", "har.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := compileSchema(t, "har.schema.json", sb)
	for _, f := range append(fixtures, edgeFixtures()...) {
		out := render(t, f, formats[1])
		validate(t, s, f.name+".har", out)
		var h harFile
		if err := json.Unmarshal(out, &h); err != nil {
			t.Fatal(err)
		}
		for i, e := range h.Log.Entries {
			sum := 0.0
			for _, v := range []float64{e.Timings.Blocked, e.Timings.DNS, e.Timings.Connect, e.Timings.Send, e.Timings.Wait, e.Timings.Receive} {
				if v > 0 {
					sum += v
				}
			}
			if d := sum - e.Time; d > 1e-6 || d < -1e-6 {
				t.Errorf("%s entry %d: time %v, timings sum %v", f.name, i, e.Time, sum)
			}
			if e.Pageref != "" && e.Pageref != h.Log.Pages[0].ID {
				t.Errorf("%s entry %d: pageref %q names no page", f.name, i, e.Pageref)
			}
		}
	}
}

// Parsed back from the XML, independently of the writer's types.
type xSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Time     string `xml:"time,attr"`
		Props    []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []xCase `xml:"testcase"`
	} `xml:"testsuite"`
}

type xCase struct {
	Classname string `xml:"classname,attr"`
	Name      string `xml:"name,attr"`
	Time      string `xml:"time,attr"`
	Skipped   *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
	Failure *struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
	Error *struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
	} `xml:"error"`
	SystemOut string `xml:"system-out"`
}

func (c xCase) verdict() string {
	switch {
	case c.Skipped != nil:
		return "skipped"
	case c.Failure != nil:
		return "failure:" + c.Failure.Type + ":" + c.Failure.Message
	case c.Error != nil:
		return "error:" + c.Error.Type + ":" + c.Error.Message
	}
	return "pass"
}

func TestJUnitParsesBack(t *testing.T) {
	pr, pm := passingRun()
	rr, _ := retryRun()
	sr, _ := secretRun()
	pm.Steps["placeOrder"] = []string{"login", "order", "confirm"}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, []*runtime.Result{pr, rr, sr}, pm, nil); err != nil {
		t.Fatal(err)
	}
	var got xSuites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.Bytes())
	}
	type want struct {
		name                             string
		tests, failures, errors, skipped int
		cases                            map[string]string // classname/name -> verdict
	}
	wants := []want{
		{"adoptPet", 3, 0, 0, 0, map[string]string{
			"adoptPet/listPets": "pass", "adoptPet/createPet": "pass", "adoptPet/getPet": "pass"}},
		{"placeOrder", 4, 1, 0, 1, map[string]string{
			"placeOrder/login":               "pass",
			"placeOrder/order":               "failure:criteria:$statusCode == 201: got 409",
			"placeOrder/confirm":             "skipped",
			"placeOrder/common.login.whoami": "pass"}},
		{"useAPI", 3, 1, 0, 0, map[string]string{
			"useAPI/getToken": "pass", "useAPI/callAPI": "pass",
			"useAPI/echo": "failure:criteria:$response.body#/token == 'x': got \"***\""}},
	}
	if len(got.Suites) != len(wants) {
		t.Fatalf("%d suites, want %d", len(got.Suites), len(wants))
	}
	if got.Tests != 10 || got.Failures != 2 || got.Errors != 0 || got.Skipped != 1 {
		t.Errorf("totals tests=%d failures=%d errors=%d skipped=%d", got.Tests, got.Failures, got.Errors, got.Skipped)
	}
	for i, w := range wants {
		s := got.Suites[i]
		if s.Name != w.name || s.Tests != w.tests || s.Failures != w.failures || s.Errors != w.errors || s.Skipped != w.skipped {
			t.Errorf("suite %d: %s tests=%d failures=%d errors=%d skipped=%d, want %+v", i, s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, w)
		}
		if len(s.Cases) != len(w.cases) {
			t.Errorf("suite %s: %d cases, want %d", s.Name, len(s.Cases), len(w.cases))
		}
		for _, c := range s.Cases {
			if v, ok := w.cases[c.Classname+"/"+c.Name]; !ok || v != c.verdict() {
				t.Errorf("case %s/%s: %s, want %q", c.Classname, c.Name, c.verdict(), v)
			}
		}
	}
	// The retried step tells both attempts in its system-out.
	for _, c := range got.Suites[1].Cases {
		if c.Name == "order" {
			if !strings.Contains(c.SystemOut, "attempt 1: failed") || !strings.Contains(c.SystemOut, "attempt 2: failed") ||
				!strings.Contains(c.SystemOut, `retry "again" (1/1, after 1s from Retry-After)`) {
				t.Errorf("order system-out lacks the attempts:\n%s", c.SystemOut)
			}
			if !strings.Contains(c.Failure.Text, "response: 409 Conflict") || !strings.Contains(c.Failure.Text, "duplicate order") {
				t.Errorf("order failure text lacks the response:\n%s", c.Failure.Text)
			}
		}
	}
}

// TestNoSecretInAnyOutput renders every format of the secrets run, with and
// without a Redactor, and greps for each secret in clear, base64 and
// URL-escaped forms.
func TestNoSecretInAnyOutput(t *testing.T) {
	redactors := map[string]Redactor{
		"no redactor":     nil,
		"auth redactor":   testRedactor(secretToken, secretAPIKey, secretClientSecret),
		"only a redactor": testRedactor(allSecrets...),
	}
	for rname, red := range redactors {
		f := fixture{"secrets", secretRun, red}
		for _, ft := range formats {
			t.Run(rname+"/"+ft.ext, func(t *testing.T) {
				checkNoSecrets(t, render(t, f, ft))
			})
		}
		t.Run(rname+"/junit-many", func(t *testing.T) {
			a, meta := secretRun()
			b, _ := passingRun()
			var buf bytes.Buffer
			if err := WriteJUnit(&buf, []*runtime.Result{b, a}, meta, red); err != nil {
				t.Fatal(err)
			}
			checkNoSecrets(t, buf.Bytes())
		})
	}
}

func checkNoSecrets(t *testing.T, out []byte) {
	t.Helper()
	// Decoding JSON string escapes and XML entities first would let an
	// escaped secret through; the outputs are checked as bytes and as
	// their unescaped text.
	texts := []string{string(out), unescapeJSON(out), unescapeXML(out)}
	for _, s := range allSecrets {
		forms := map[string]string{
			"clear":     s,
			"base64":    base64.StdEncoding.EncodeToString([]byte(s)),
			"base64url": base64.RawURLEncoding.EncodeToString([]byte(s)),
			"query":     url.QueryEscape(s),
		}
		for fname, f := range forms {
			for _, text := range texts {
				if strings.Contains(text, f) {
					t.Errorf("secret %q (%s form %q) found in output", s, fname, f)
					break
				}
			}
		}
	}
}

func unescapeJSON(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	var sb strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			sb.WriteString(v)
			sb.WriteByte('\n')
		case map[string]any:
			for k, e := range v {
				sb.WriteString(k)
				sb.WriteByte('\n')
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return sb.String()
}

func unescapeXML(b []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var sb strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch tok := tok.(type) {
		case xml.CharData:
			sb.Write(tok)
		case xml.StartElement:
			for _, a := range tok.Attr {
				sb.WriteString(a.Value)
				sb.WriteByte('\n')
			}
		}
	}
	return sb.String()
}
