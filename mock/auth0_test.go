package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/openapi"
	"github.com/dlclark/regexp2"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

const auth0Path = "../testdata/auth0/openapi/auth0-management-api-openapi.yml"

// ecmaRegexp adapts regexp2 (ECMAScript mode) to the validator used as the
// independent judge, because Auth0's patterns are ECMA regexes.
type ecmaRegexp struct{ re *regexp2.Regexp }

func (r ecmaRegexp) MatchString(s string) bool { ok, _ := r.re.MatchString(s); return ok }
func (r ecmaRegexp) String() string            { return r.re.String() }

// auth0Compiler returns a JSON Schema 2020-12 compiler holding the Auth0
// description (decoded from YAML independently of kin-openapi) as a
// resource, so response schemas compile by JSON pointer with their $refs.
func auth0Compiler(t *testing.T) *jsonschema.Compiler {
	t.Helper()
	data, err := os.ReadFile(auth0Path)
	if err != nil {
		t.Fatal(err)
	}
	var raw any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseRegexpEngine(func(s string) (jsonschema.Regexp, error) {
		if re, err := regexp.Compile(s); err == nil {
			return re, nil
		}
		re, err := regexp2.Compile(s, regexp2.ECMAScript)
		if err != nil {
			return nil, err
		}
		return ecmaRegexp{re}, nil
	})
	// Auth0's own formats that decide oneOf alternatives (IPv4 vs CIDR).
	for name, v6 := range map[string]bool{"cidr": false, "ipv6_cidr": true} {
		c.RegisterFormat(&jsonschema.Format{Name: name, Validate: func(v any) error {
			s, ok := v.(string)
			if !ok {
				return nil
			}
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return err
			}
			if p.Addr().Is6() != v6 {
				return fmt.Errorf("wrong address family")
			}
			return nil
		}})
	}
	if err := c.AddResource("mem:///auth0.json", doc); err != nil {
		t.Fatal(err)
	}
	return c
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// TestAuth0EveryResponseValidates generates a body for every 2xx JSON
// response schema of every Auth0 operation, with several seeds, and checks
// it against the schema with an independent JSON Schema validator
// (santhosh-tekuri/jsonschema, formats asserted, ECMA patterns).
func TestAuth0EveryResponseValidates(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: the Auth0 description takes seconds to load")
	}
	doc := loadDoc(t, auth0Path)
	m := New(doc, Options{})
	comp := auth0Compiler(t)
	var ops, schemas, examples, badExamples int
	var excluded []string
	for _, op := range doc.Operations() {
		ops++
		for code, resp := range op.Responses {
			n, err := strconv.Atoi(code)
			if (err != nil || n < 200 || n > 299) && code != "2XX" {
				continue
			}
			for _, mt := range resp.Content {
				sr, _ := mt.Schema.(*openapi3.SchemaRef)
				if sr == nil {
					continue
				}
				if !isJSON(mt.Type) {
					excluded = append(excluded, op.ID+" "+code+" "+mt.Type+": not JSON")
					continue
				}
				ptr := op.Pointer + "/responses/" + escapePointer(code) + "/content/" + escapePointer(mt.Type) + "/schema"
				sch, err := comp.Compile("mem:///auth0.json#" + ptr)
				if err != nil {
					t.Errorf("%s: compiling %s: %v", op.ID, ptr, err)
					continue
				}
				if why := impossible(m.sc, sr, 0); why != "" {
					excluded = append(excluded, op.ID+" "+code+": "+why)
					continue
				}
				schemas++
				for seed := uint64(1); seed <= 3; seed++ {
					g := &generator{sc: m.sc, rng: rand.New(rand.NewPCG(seed, 0))}
					v := g.value(sr, "", 0, 0)
					// Round trip through JSON: the validator judges what is sent.
					b, err := json.Marshal(v)
					if err != nil {
						t.Fatalf("%s: %v", op.ID, err)
					}
					inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
					if err := sch.Validate(inst); err != nil {
						t.Errorf("%s %s %s (seed %d): generated body does not validate:\n%s\n%v", op.ID, code, mt.Type, seed, b, err)
					}
				}
				// Documented examples are used as they are; count the ones
				// that contradict their own schema (a description problem).
				c := m.compile(m.opFor(t, op.Method, op.Path))
				if rs := c.responses[code]; rs != nil {
					for _, ms := range rs.content {
						if ms.typ == mt.Type && ms.hasExample {
							examples++
							b, _ := json.Marshal(ms.example)
							inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
							if sch.Validate(inst) != nil {
								badExamples++
							}
						}
					}
				}
			}
		}
	}
	sort.Strings(excluded)
	t.Logf("Auth0: %d operations, %d 2xx JSON response schemas validated (3 seeds each); %d media examples (%d invalid against their schema); excluded: %q",
		ops, schemas, examples, badExamples, excluded)
	if ops < 400 || schemas < 300 {
		t.Errorf("too few operations (%d) or schemas (%d)", ops, schemas)
	}
}

// impossible explains why no value can satisfy a schema: a closed object
// (additionalProperties: false) requiring a property it does not declare,
// reached through required properties or required array items.
func impossible(sc *schemaCache, ref *openapi3.SchemaRef, depth int) string {
	if ref == nil || ref.Value == nil || depth > 8 {
		return ""
	}
	s := sc.merged(ref.Value)
	if sc.unsatisfiable(ref) {
		for _, r := range s.Required {
			if _, ok := s.Properties[r]; !ok {
				return fmt.Sprintf("%s requires %q, which additionalProperties: false forbids", refName(ref), r)
			}
		}
	}
	for _, r := range s.Required {
		if why := impossible(sc, s.Properties[r], depth+1); why != "" {
			return why
		}
	}
	if s.MinItems > 0 {
		return impossible(sc, s.Items, depth+1)
	}
	return ""
}

func refName(ref *openapi3.SchemaRef) string {
	if ref.Ref != "" {
		return ref.Ref
	}
	return "an inline schema"
}

// opFor returns the routed operation for a method and template.
func (m *Mock) opFor(t *testing.T, method, template string) *operation {
	t.Helper()
	segs := splitPath(template)
	// Templates route to themselves: parameters match their own names.
	n := m.root.match(segs, strings.ToUpper(method), map[string]string{})
	if n == nil {
		t.Fatalf("no route for %s %s", method, template)
	}
	return n.ops[strings.ToUpper(method)]
}

func TestAuth0RequestValidation(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	m := New(loadDoc(t, auth0Path), Options{})
	tests := []struct {
		name, method, path, body string
		problems                 []string // nil: accepted
	}{
		{"post_clients without name", "POST", "/api/v2/clients", `{"description":"no name"}`, []string{"body: missing required property 'name'"}},
		{"post_clients valid", "POST", "/api/v2/clients", `{"name":"app","app_type":"non_interactive","grant_types":["client_credentials"],"callbacks":["https://a.example.com/cb"]}`, nil},
		{"unknown property", "POST", "/api/v2/clients", `{"name":"app","nmae":"typo"}`, []string{"body: property 'nmae' is not allowed (additionalProperties: false)"}},
		{"enum", "POST", "/api/v2/clients", `{"name":"app","app_type":"robot"}`, []string{"body.app_type: value is not one of"}},
		{"grant without audience", "POST", "/api/v2/client-grants", `{"client_id":"abc","scope":[]}`, []string{"body: missing required property 'audience'"}},
		{"query type", "GET", "/api/v2/clients?per_page=many", "", []string{"query.per_page: expected integer, got string"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := req{method: tc.method, path: tc.path, body: tc.body}.do(m)
			if tc.problems == nil {
				if w.Code >= 400 {
					t.Fatalf("status %d: %s", w.Code, w.Body)
				}
				return
			}
			var p struct {
				Error    string
				Problems []string
			}
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || w.Code != 400 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if !strings.HasPrefix(p.Error, "mock: request does not match operation ") || len(p.Problems) != len(tc.problems) {
				t.Fatalf("problem %+v", p)
			}
			for i, want := range tc.problems {
				if !strings.HasPrefix(p.Problems[i], want) {
					t.Errorf("problem %q, want prefix %q", p.Problems[i], want)
				}
			}
		})
	}
}

// The three operations of the Auth0 seed workflow answer 201 with their ids
// and echo what was sent.
func TestAuth0SeedOperations(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	m := New(loadDoc(t, auth0Path), Options{Seed: 42})
	tests := []struct {
		path, body string
		id         string
		echoed     map[string]any
	}{
		{"/api/v2/resource-servers", `{"name":"My API","identifier":"https://api.example.com","scopes":[{"value":"read:things","description":"Read"}]}`, "id",
			map[string]any{"name": "My API", "identifier": "https://api.example.com"}},
		{"/api/v2/clients", `{"name":"My M2M app"}`, "client_id", map[string]any{"name": "My M2M app"}},
		{"/api/v2/client-grants", `{"client_id":"abc123","audience":"https://api.example.com","scope":["read:things"]}`, "id",
			map[string]any{"client_id": "abc123", "audience": "https://api.example.com", "scope": []any{"read:things"}}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			w := req{method: "POST", path: tc.path, body: tc.body}.do(m)
			if w.Code != 201 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			v := decodeBody(t, w)
			if s, _ := v[tc.id].(string); s == "" {
				t.Errorf("no %s in %s", tc.id, w.Body)
			}
			for k, want := range tc.echoed {
				got, _ := json.Marshal(v[k])
				exp, _ := json.Marshal(want)
				if string(got) != string(exp) {
					t.Errorf("%s = %s, want %s", k, got, exp)
				}
			}
		})
	}
}

// The seed workflow's three calls, chained through Transport as `run
// --mock` makes them: the grant echoes the client id the client step
// invented, and every answer is 201.
func TestAuth0SeedChainThroughTransport(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	m := New(loadDoc(t, auth0Path), Options{Status: func(op *openapi.Operation) int { return 201 }})
	client := &http.Client{Transport: Transport(map[string]http.Handler{"auth0managementapi.mock": m})}
	post := func(path, body string) map[string]any {
		t.Helper()
		resp, err := client.Post("http://auth0ManagementApi.mock"+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != 201 {
			t.Fatalf("%s: status %d, %v, %v", path, resp.StatusCode, v, err)
		}
		return v
	}
	api := post("/resource-servers", `{"name":"Inventory API","identifier":"https://inventory.example.com","scopes":[{"value":"read:items"}]}`)
	app := post("/clients", `{"name":"Inventory sync"}`)
	clientID, _ := app["client_id"].(string)
	grant := post("/client-grants", `{"client_id":"`+clientID+`","audience":"https://inventory.example.com","scope":["read:items"]}`)
	if api["id"] == nil || clientID == "" || grant["id"] == nil || grant["client_id"] != clientID || grant["audience"] != "https://inventory.example.com" {
		t.Errorf("api %v\napp client_id %q\ngrant %v", api["id"], clientID, grant)
	}
}
