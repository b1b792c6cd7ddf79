package openapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

func loadT(t *testing.T, name string) *Document {
	t.Helper()
	d, err := Load(context.Background(), filepath.Join("testdata", name), LoadOptions{})
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return d
}

func TestLoadPetstore(t *testing.T) {
	d := loadT(t, "petstore-3.0.yaml")
	if d.Version != "3.0.3" || d.Title != "Petstore" {
		t.Errorf("version/title: %q %q", d.Version, d.Title)
	}
	if !filepath.IsAbs(d.Location) || !strings.HasSuffix(d.Location, "petstore-3.0.yaml") {
		t.Errorf("Location %q is not absolute", d.Location)
	}
	if len(d.Warnings) != 0 {
		t.Errorf("warnings: %v", d.Warnings)
	}
	var got []string
	for _, op := range d.Operations() {
		got = append(got, op.Method+" "+op.Path+" "+op.ID+" "+op.Pointer)
	}
	want := []string{
		"GET /pets listPets /paths/~1pets/get",
		"POST /pets createPet /paths/~1pets/post",
		"GET /pets/{petId} showPetById /paths/~1pets~1{petId}/get",
		"DELETE /pets/{petId} deletePet /paths/~1pets~1{petId}/delete",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Operations:\n got %q\nwant %q", got, want)
	}
	if ids := d.OperationIDs(); !slices.Equal(ids, []string{"createPet", "deletePet", "listPets", "showPetById"}) {
		t.Errorf("OperationIDs %v", ids)
	}
	for _, ptr := range []string{
		"/paths/~1pets~1{petId}/get",
		"#/paths/~1pets~1{petId}/get",
		"/paths/~1pets~1%7BpetId%7D/get",
		"/paths/~1pets~1{petId}/GET",
	} {
		op, ok := d.OperationByPointer(ptr)
		if !ok || op.ID != "showPetById" || !d.HasOperationPointer(ptr) {
			t.Errorf("OperationByPointer(%q) = %v, %v", ptr, op, ok)
		}
	}
	for _, ptr := range []string{"/paths/~1pets~1{petId}/put", "/paths/~1nope/get", "", "/paths"} {
		if d.HasOperationPointer(ptr) {
			t.Errorf("HasOperationPointer(%q) = true", ptr)
		}
	}
	if op, ok := d.OperationByMethodPath("delete", "/pets/{petId}"); !ok || op.ID != "deletePet" {
		t.Errorf("OperationByMethodPath: %v %v", op, ok)
	}
	if _, ok := d.OperationByMethodPath("PUT", "/pets"); ok {
		t.Error("OperationByMethodPath found PUT /pets")
	}
	if !d.HasOperationID("listPets") || d.HasOperationID("listpets") {
		t.Error("HasOperationID is wrong")
	}
	if d.OpenAPI3() == nil || d.OpenAPI3().Paths.Len() != 2 {
		t.Error("OpenAPI3 accessor")
	}
}

func TestEffectiveOperation(t *testing.T) {
	d := loadT(t, "petstore-3.0.yaml")
	list, _ := d.OperationByID("listPets")
	create, _ := d.OperationByID("createPet")
	show, _ := d.OperationByID("showPetById")
	del, _ := d.OperationByID("deletePet")

	t.Run("servers", func(t *testing.T) {
		if len(list.Servers) != 1 || list.Servers[0].URL != "https://{env}.example.com/v1" {
			t.Errorf("document servers: %+v", list.Servers)
		}
		if create.Servers[0].URL != "https://upload.example.com" {
			t.Errorf("operation servers: %+v", create.Servers)
		}
		if show.Servers[0].URL != "https://pets.example.com" || del.Servers[0].URL != "https://pets.example.com" {
			t.Errorf("path-item servers: %+v %+v", show.Servers, del.Servers)
		}
	})
	t.Run("parameters", func(t *testing.T) {
		var got []string
		for _, p := range show.Parameters {
			got = append(got, fmt.Sprintf("%s:%s:%s:%v:%v", p.In, p.Name, p.Style, p.Explode, p.Required))
		}
		want := []string{
			"path:petId:simple:false:true",
			"header:X-TRACE:simple:false:true", // operation overrides path item, header names case-insensitive
			"query:verbose:form:true:false",    // $ref from components
			"query:fields:form:false:false",
		}
		if !slices.Equal(got, want) {
			t.Errorf("got  %q\nwant %q", got, want)
		}
		if p, ok := show.Parameter("x-trace", "header"); !ok || p.Name != "X-TRACE" {
			t.Errorf("Parameter lookup: %+v %v", p, ok)
		}
		if _, ok := show.Parameter("petId", ""); !ok {
			t.Error("Parameter with any in")
		}
		if _, ok := show.Parameter("petId", "query"); ok {
			t.Error("Parameter matched the wrong in")
		}
		if _, ok := list.Parameter("Accept", "header"); ok {
			t.Error("Accept header parameter must be ignored (OpenAPI)")
		}
		tags, _ := list.Parameter("tags", "query")
		if tags.Style != "pipeDelimited" || tags.Explode {
			t.Errorf("tags: %+v", tags)
		}
		if _, ok := tags.Schema.(*openapi3.SchemaRef); !ok {
			t.Errorf("Schema is %T", tags.Schema)
		}
	})
	t.Run("requestBody", func(t *testing.T) {
		rb := create.RequestBody
		if rb == nil || !rb.Required || len(rb.Content) != 2 || rb.Content[0].Type != "application/json" || rb.Content[1].Type != "application/xml" {
			t.Fatalf("request body: %+v", rb)
		}
		if !reflect.DeepEqual(rb.Content[0].Example, map[string]any{"id": 1.0, "name": "Rex"}) {
			t.Errorf("example %#v", rb.Content[0].Example)
		}
		if list.RequestBody != nil {
			t.Error("listPets has no body")
		}
	})
	t.Run("responses", func(t *testing.T) {
		r := list.Responses["200"]
		if r == nil || r.Description != "ok" || len(r.Content) != 1 || r.Headers["X-Next"] == nil || !r.Headers["X-Next"].Required {
			t.Fatalf("200: %+v", r)
		}
		if list.Responses["default"] == nil || show.Responses["4XX"] == nil {
			t.Error("default / 4XX responses missing")
		}
	})
	t.Run("security", func(t *testing.T) {
		if list.SecurityDeclared || !reflect.DeepEqual(list.Security, []SecurityRequirement{{"apiKey": {}}}) {
			t.Errorf("inherited: %v %v", list.SecurityDeclared, list.Security)
		}
		if !create.SecurityDeclared || create.Security == nil || len(create.Security) != 0 {
			t.Errorf("security: [] must be declared and empty: %v %#v", create.SecurityDeclared, create.Security)
		}
		want := []SecurityRequirement{{"oauth": {"read:pets"}}, {"apiKey": {}}}
		if !show.SecurityDeclared || !reflect.DeepEqual(show.Security, want) {
			t.Errorf("declared: %v", show.Security)
		}
	})
	t.Run("extensions", func(t *testing.T) {
		if del.Extensions["x-internal"] != true {
			t.Errorf("extensions %v", del.Extensions)
		}
	})
	t.Run("schemes", func(t *testing.T) {
		s := d.SecuritySchemes
		if k := s["apiKey"]; k.Type != "apiKey" || k.In != "header" || k.ParamName != "X-API-Key" || k.Name != "apiKey" {
			t.Errorf("apiKey %+v", k)
		}
		if b := s["basic"]; b.Type != "http" || b.Scheme != "basic" {
			t.Errorf("basic %+v", b)
		}
		if o := s["oidc"]; o.OpenIDConnectURL == "" {
			t.Errorf("oidc %+v", o)
		}
		f := s["oauth"].Flows
		if f.ClientCredentials.TokenURL != "https://auth.example.com/token" || f.ClientCredentials.Scopes["read:pets"] != "read pets" {
			t.Errorf("clientCredentials %+v", f.ClientCredentials)
		}
		if ac := f.AuthorizationCode; ac.AuthorizationURL == "" || ac.RefreshURL == "" || f.Implicit != nil || f.Password != nil {
			t.Errorf("flows %+v", f)
		}
	})
}

func TestLoad31(t *testing.T) {
	d := loadT(t, "types-3.1.json")
	if d.Version != "3.1.0" {
		t.Errorf("version %q", d.Version)
	}
	op, ok := d.OperationByID("getItem")
	if !ok {
		t.Fatal("getItem missing")
	}
	sr := op.Parameters[0].Schema.(*openapi3.SchemaRef)
	if !sr.Value.Type.Includes("null") || !sr.Value.Type.Includes("string") {
		t.Errorf("type array lost: %v", sr.Value.Type)
	}
	if d.SecuritySchemes["mtls"].Type != "mutualTLS" {
		t.Errorf("mutualTLS: %+v", d.SecuritySchemes["mtls"])
	}
	// No servers: OpenAPI's default server "/".
	if len(op.Servers) != 1 || op.Servers[0].URL != "/" {
		t.Errorf("default server: %+v", op.Servers)
	}
	// Webhooks are not operations one can call.
	if d.HasOperationID("itemCreatedHook") {
		t.Error("webhook indexed as an operation")
	}
}

func TestLoadSwagger2(t *testing.T) {
	d := loadT(t, "swagger-2.0.yaml")
	if d.Version != "2.0" {
		t.Errorf("version %q", d.Version)
	}
	op, ok := d.OperationByID("getPetById")
	if !ok {
		t.Fatalf("getPetById missing; have %v", d.OperationIDs())
	}
	if op.Pointer != "/paths/~1pet~1{petId}/get" || op.Servers[0].URL != "https://petstore.example.com/v2" {
		t.Errorf("op %+v", op)
	}
	tags, _ := op.Parameter("tags", "query")
	if tags == nil || tags.Style != "pipeDelimited" || tags.Explode {
		t.Errorf("collectionFormat pipes: %+v", tags)
	}
	cc := d.SecuritySchemes["petstore_auth"].Flows.ClientCredentials
	if cc == nil || cc.TokenURL != "https://petstore.example.com/oauth/token" {
		t.Errorf("application flow: %+v", d.SecuritySchemes["petstore_auth"].Flows)
	}
	if !reflect.DeepEqual(op.Security, []SecurityRequirement{{"petstore_auth": {"write:pets"}}}) {
		t.Errorf("security %v", op.Security)
	}
}

func TestLoadSplitFiles(t *testing.T) {
	d := loadT(t, "split/main.yaml")
	op, ok := d.OperationByID("getUser")
	if !ok || len(op.Parameters) != 1 || op.Parameters[0].Name != "id" {
		t.Fatalf("getUser: %+v", op)
	}
	sr := op.Responses["200"].Content[0].Schema.(*openapi3.SchemaRef)
	if sr.Value == nil || sr.Value.Properties["friend"] == nil {
		t.Errorf("schema from other file not resolved: %+v", sr)
	}
}

func TestLoadDanglingRef(t *testing.T) {
	d := loadT(t, "dangling.yaml")
	if !d.HasOperationID("getA") || !d.HasOperationID("getB") {
		t.Fatalf("ops %v", d.OperationIDs())
	}
	var found bool
	for _, w := range d.Warnings {
		if strings.Contains(w.Message, "#/components/schemas/Missing") && strings.Contains(w.Message, "line 12") &&
			w.Pointer == "/paths/~1a/get/responses/200/content/application~1json/schema" {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning for the dangling $ref: %v", d.Warnings)
	}
}

func TestLoadWarningsNotFatal(t *testing.T) {
	d := loadT(t, "invalid-but-loadable.yaml")
	if len(d.Warnings) == 0 {
		t.Fatal("want warnings")
	}
	var dup, pattern bool
	for _, w := range d.Warnings {
		if strings.Contains(w.Message, "duplicate operationId") {
			dup = true
		}
		if strings.Contains(w.Message, "regexp") {
			pattern = true
		}
	}
	if !dup || !pattern {
		t.Errorf("warnings %v", d.Warnings)
	}
	// The first operation with a duplicate id wins.
	if op, _ := d.OperationByID("dup"); op.Path != "/a" {
		t.Errorf("dup resolves to %s", op.Path)
	}
	if _, ok := d.OperationByPointer("/paths/~1b/get"); !ok {
		t.Error("the second dup is still reachable by pointer")
	}
}

func TestLoadErrors(t *testing.T) {
	abs := func(name string) string { p, _ := filepath.Abs(filepath.Join("testdata", name)); return p }
	tests := []struct {
		name string
		loc  string
		want []string
	}{
		{"missing file", "testdata/nope.yaml", []string{abs("nope.yaml"), "no such file"}},
		{"yaml syntax", "testdata/broken.yaml", []string{abs("broken.yaml") + ":", "yaml:"}},
		{"wrong structure", "testdata/wrongtype.yaml", []string{abs("wrongtype.yaml"), "Info Object"}},
		{"not openapi", "testdata/notopenapi.yaml", []string{abs("notopenapi.yaml"), "not an OpenAPI document"}},
		{"empty", "testdata/empty.yaml", []string{abs("empty.yaml"), "empty"}},
		{"missing referenced file", "testdata/split/missing-ref.yaml", []string{abs("split/missing-ref.yaml"), "nope.yaml"}},
		{"directory", "testdata", []string{abs("")}},
		{"unsupported scheme", "ftp://example.com/x.yaml", []string{"ftp://example.com/x.yaml", "unsupported URL scheme"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(context.Background(), tt.loc, LoadOptions{})
			if err == nil {
				t.Fatal("want an error")
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Errorf("%T is not a *LoadError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadErrorLine(t *testing.T) {
	_, err := Load(context.Background(), "testdata/broken.yaml", LoadOptions{})
	var le *LoadError
	if !errors.As(err, &le) || le.Line != 7 { // the line of "get: ["
		t.Fatalf("want line 7: %v", err)
	}
	tests := []struct {
		data string
		line int
	}{
		{"openapi: 3.0.0\nb: [\n  c: d\n", 2},      // parser error: yaml.v3 says 1
		{"openapi: 3.0.0\nb: 2\n c: 3\n", 3},       // scanner error
		{"openapi: 3.0.0\nb: \"x\n", 2},            // unterminated string
		{"openapi: 3.0.0\n\tb: 2\n", 2},            // tab
		{"openapi: 3.0.0\na:\n  - x\n  y: 2\n", 3}, // parser error: the sequence
	}
	for _, tt := range tests {
		_, err := LoadData(context.Background(), []byte(tt.data), "x.yaml", LoadOptions{})
		if !errors.As(err, &le) || le.Line != tt.line {
			t.Errorf("%q: want line %d, got %v", tt.data, tt.line, err)
		}
	}
}

func TestLoadLocations(t *testing.T) {
	abs, _ := filepath.Abs("testdata/petstore-3.0.yaml")
	tests := []struct {
		name string
		loc  string
		opts LoadOptions
	}{
		{"relative", "testdata/petstore-3.0.yaml", LoadOptions{}},
		{"absolute", abs, LoadOptions{}},
		{"file URL", "file://" + filepath.ToSlash(abs), LoadOptions{}},
		{"base is a sibling file", "petstore-3.0.yaml", LoadOptions{Base: "testdata/workflow.arazzo.yaml"}},
		{"base is a directory", "petstore-3.0.yaml", LoadOptions{Base: "testdata"}},
		{"base ends in slash", "petstore-3.0.yaml", LoadOptions{Base: "testdata/"}},
		{"base relative up", "../petstore-3.0.yaml", LoadOptions{Base: "testdata/split/main.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Load(context.Background(), tt.loc, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if d.Location != abs {
				t.Errorf("Location %q, want %q", d.Location, abs)
			}
		})
	}
}

func TestLoadData(t *testing.T) {
	data, err := os.ReadFile("testdata/split/main.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The location makes the relative $refs resolvable.
	d, err := LoadData(context.Background(), data, "testdata/split/main.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.HasOperationID("getUser") {
		t.Error("getUser missing")
	}
	if _, err := LoadData(context.Background(), data, "x.yaml", LoadOptions{MaxBytes: 10}); err == nil || !strings.Contains(err.Error(), "larger than 10 bytes") {
		t.Errorf("size cap: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadData(ctx, data, "x.yaml", LoadOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestLoadDataQuirks(t *testing.T) {
	tests := []struct {
		name, data, version, err string
	}{
		{"BOM json", "\ufeff{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"paths\":{}}", "3.0.3", ""},
		{"BOM yaml", "\ufeffopenapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n", "3.0.3", ""},
		{"BOM swagger", "\ufeffswagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", "2.0", ""},
		{"numeric version", "openapi: 3.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "", `quote the version`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := LoadData(context.Background(), []byte(tt.data), "x.yaml", LoadOptions{})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want an error containing %q", err, tt.err)
				}
				return
			}
			if err != nil || d.Version != tt.version {
				t.Fatalf("got %v, %v", d, err)
			}
		})
	}
}

func TestTopLevelVersion(t *testing.T) {
	tests := []struct{ data, want string }{
		{"openapi: 3.0.0\n", "openapi"},
		{"swagger: '2.0'\n", "swagger"},
		{"\"swagger\": \"2.0\"\n", "swagger"},
		{"info:\n  swagger: 2\nopenapi: 3.1.0\n", "openapi"},
		{`{"info": {"swagger": "x"}, "swagger": "2.0"}`, "swagger"},
		{`{"openapi": "3.1.0", "swagger": "2.0"}`, "openapi"},
		{"  {\n  \"swagger\" : \"2.0\"}", "swagger"},
		{`{"a": 1}`, ""},
		{`{bad json`, ""},
		{"a: 1\n", ""},
	}
	for _, tt := range tests {
		if got := topLevelVersion([]byte(tt.data)); got != tt.want {
			t.Errorf("%q: got %q want %q", tt.data, got, tt.want)
		}
	}
}

func TestLoadHTTP(t *testing.T) {
	main, _ := os.ReadFile("testdata/split/main.yaml")
	params, _ := os.ReadFile("testdata/split/components/params.yaml")
	schemas, _ := os.ReadFile("testdata/split/components/schemas.yaml")
	big := strings.Repeat("#", 2048)
	block := make(chan struct{})
	defer close(block)
	mux := http.NewServeMux()
	mux.HandleFunc("/api/main.yaml", func(w http.ResponseWriter, r *http.Request) { w.Write(main) })
	mux.HandleFunc("/api/components/params.yaml", func(w http.ResponseWriter, r *http.Request) { w.Write(params) })
	mux.HandleFunc("/api/components/schemas.yaml", func(w http.ResponseWriter, r *http.Request) { w.Write(schemas) })
	mux.HandleFunc("/big.yaml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "2048")
		w.Write([]byte(big))
	})
	mux.HandleFunc("/big-chunked.yaml", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(big[:1024]))
		w.(http.Flusher).Flush()
		w.Write([]byte(big[1024:]))
	})
	mux.HandleFunc("/slow.yaml", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-block:
		}
	})
	mux.HandleFunc("/local-ref.yaml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: /v1}]\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'file:///etc/passwd'}\n")
	})
	mux.HandleFunc("/relative-server.yaml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: /v1}]\npaths: {}\n")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx := context.Background()

	t.Run("relative refs over http", func(t *testing.T) {
		d, err := Load(ctx, srv.URL+"/api/main.yaml", LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Location != srv.URL+"/api/main.yaml" || !d.HasOperationID("getUser") {
			t.Errorf("doc %q %v", d.Location, d.OperationIDs())
		}
	})
	t.Run("base URL", func(t *testing.T) {
		d, err := Load(ctx, "main.yaml", LoadOptions{Base: srv.URL + "/api/flow.arazzo.yaml"})
		if err != nil {
			t.Fatal(err)
		}
		if d.Location != srv.URL+"/api/main.yaml" {
			t.Errorf("Location %q", d.Location)
		}
	})
	t.Run("host-relative location against a URL base", func(t *testing.T) {
		d, err := Load(ctx, "/api/main.yaml", LoadOptions{Base: srv.URL + "/flows/x.arazzo.yaml"})
		if err != nil {
			t.Fatal(err)
		}
		if d.Location != srv.URL+"/api/main.yaml" {
			t.Errorf("Location %q", d.Location)
		}
	})
	t.Run("relative server URL resolved against the document URL", func(t *testing.T) {
		d, err := Load(ctx, srv.URL+"/relative-server.yaml", LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Servers[0].URL != srv.URL+"/v1" {
			t.Errorf("server %q", d.Servers[0].URL)
		}
	})
	t.Run("404", func(t *testing.T) {
		_, err := Load(ctx, srv.URL+"/nope.yaml", LoadOptions{})
		var le *LoadError
		if !errors.As(err, &le) || le.StatusCode != 404 || !strings.Contains(err.Error(), srv.URL+"/nope.yaml") || !strings.Contains(err.Error(), "404") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("size cap with Content-Length", func(t *testing.T) {
		_, err := Load(ctx, srv.URL+"/big.yaml", LoadOptions{MaxBytes: 1000})
		if err == nil || !strings.Contains(err.Error(), "larger than 1000 bytes") || !strings.Contains(err.Error(), "/big.yaml") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("size cap chunked", func(t *testing.T) {
		_, err := Load(ctx, srv.URL+"/big-chunked.yaml", LoadOptions{MaxBytes: 1000})
		if err == nil || !strings.Contains(err.Error(), "larger than 1000 bytes") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		_, err := Load(ctx, srv.URL+"/slow.yaml", LoadOptions{Timeout: 50 * time.Millisecond})
		if err == nil || !strings.Contains(err.Error(), "timed out") || !strings.Contains(err.Error(), "/slow.yaml") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("custom client", func(t *testing.T) {
		var used bool
		c := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			used = true
			return http.DefaultTransport.RoundTrip(r)
		})}
		if _, err := Load(ctx, srv.URL+"/api/main.yaml", LoadOptions{HTTPClient: c}); err != nil || !used {
			t.Errorf("err %v used %v", err, used)
		}
	})
	t.Run("remote document cannot read local files", func(t *testing.T) {
		_, err := Load(ctx, srv.URL+"/local-ref.yaml", LoadOptions{})
		if err == nil || !strings.Contains(err.Error(), "cannot refer to a local file") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("password not printed", func(t *testing.T) {
		u := strings.Replace(srv.URL, "http://", "http://user:s3cret@", 1) + "/nope.yaml"
		_, err := Load(ctx, u, LoadOptions{})
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("got %v", err)
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Loads may run concurrently, and a Document is shared read-only between
// runs (run with -race).
func TestConcurrentUse(t *testing.T) {
	shared := loadT(t, "petstore-3.0.yaml")
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := Load(context.Background(), "testdata/petstore-3.0.yaml", LoadOptions{})
			if err != nil || !d.HasOperationID("listPets") {
				t.Errorf("concurrent load: %v", err)
			}
			for _, op := range shared.Operations() {
				for _, p := range op.Parameters {
					p.Serialize("x")
				}
				shared.OperationByPointer(op.Pointer)
			}
			_ = shared.OperationIDs()
		}()
	}
	wg.Wait()
}
