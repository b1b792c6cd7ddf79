package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/arazzo-run/arazzo/openapi"
)

// problemsWith validates v against cs as checkBody does and returns the
// problems (all of them: the Checker's MaxProblems is large in these
// tests).
func problemsWith(c *Checker, cs *compiledSchema, v any) ([]Problem, error) {
	if cs.err != nil {
		return nil, cs.err
	}
	_, err := validateWithin(context.Background(), cs.sch, v)
	if err == nil {
		return nil, nil
	}
	return c.schemaProblems("response", err, v, cs), nil
}

// differ compiles conv pruned to v and in full, and describes how their
// problems for v differ ("" when they do not).
func differ(c *Checker, slot *schemaSlot, conv *converted, v any) string {
	full, ferr := problemsWith(c, c.fullSchema(slot), v)
	pruned, perr := problemsWith(c, c.prunedSchema(conv, v), v)
	if ferr != nil || perr != nil {
		return fmt.Sprintf("compile errors: full %v, pruned %v", ferr, perr)
	}
	if reflect.DeepEqual(full, pruned) {
		return ""
	}
	return fmt.Sprintf("full:\n%s\npruned:\n%s", dump(full), dump(pruned))
}

// decode turns a generated value into what checkBody validates (numbers
// as json.Number).
func decode(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// gen makes a value for a converted schema: mostly valid (every
// property documented is present with some probability, alternatives
// picked at random), with strings that may miss patterns. Validity is not
// the point: the pruned and the full schema must agree on any value;
// values that go deep into the schema test more of the pruning.
type gen struct {
	c   *Checker
	rnd *rand.Rand
}

func (g *gen) value(s any, depth int) any {
	sm, ok := s.(map[string]any)
	if !ok {
		if s == false {
			return "forbidden"
		}
		return "anything"
	}
	if depth > 12 {
		return nil
	}
	if ref, ok := sm["$ref"].(string); ok {
		target, _ := g.c.resource(ref)
		return g.value(target, depth+1)
	}
	if e, ok := sm["enum"].([]any); ok && len(e) > 0 {
		return e[g.rnd.IntN(len(e))]
	}
	if c, ok := sm["const"]; ok {
		return c
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if l, ok := sm[k].([]any); ok && len(l) > 0 {
			return g.value(l[g.rnd.IntN(len(l))], depth+1)
		}
	}
	if l, ok := sm["allOf"].([]any); ok && len(l) > 0 {
		// The node's own value (without allOf), with the members the
		// allOf entries generate merged in.
		rest := make(map[string]any, len(sm))
		for k, v := range sm {
			if k != "allOf" {
				rest[k] = v
			}
		}
		var base any
		if len(rest) > 0 {
			base = g.value(rest, depth+1)
		}
		for _, x := range l {
			v := g.value(x, depth+1)
			bm, isMap := base.(map[string]any)
			vm, vIsMap := v.(map[string]any)
			switch {
			case base == nil || len(rest) == 0 && !isMap:
				base = v
			case isMap && vIsMap:
				for k, mv := range vm {
					if _, ok := bm[k]; !ok {
						bm[k] = mv
					}
				}
			}
		}
		return base
	}
	typ, _ := sm["type"].(string)
	if l, ok := sm["type"].([]any); ok && len(l) > 0 {
		typ, _ = l[g.rnd.IntN(len(l))].(string)
	}
	if typ == "" {
		switch {
		case sm["properties"] != nil || sm["additionalProperties"] != nil:
			typ = "object"
		case sm["items"] != nil || sm["prefixItems"] != nil:
			typ = "array"
		default:
			typ = "string"
		}
	}
	switch typ {
	case "object":
		out := map[string]any{}
		req := map[string]bool{}
		if l, ok := sm["required"].([]any); ok {
			for _, x := range l {
				if name, ok := x.(string); ok {
					req[name] = true
				}
			}
		}
		props, _ := sm["properties"].(map[string]any)
		names := make([]string, 0, len(props))
		for name := range props {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if req[name] || g.rnd.IntN(10) < 7 {
				out[name] = g.value(props[name], depth+1)
			}
		}
		if ap, ok := sm["additionalProperties"].(map[string]any); ok && g.rnd.IntN(2) == 0 {
			out["extra"] = g.value(ap, depth+1)
		}
		// Members that trigger dependentSchemas, dependentRequired and
		// patternProperties.
		for _, k := range []string{"dependentSchemas", "dependentRequired"} {
			m, _ := sm[k].(map[string]any)
			for name := range m {
				if _, ok := out[name]; !ok && g.rnd.IntN(2) == 0 {
					out[name] = "abc"
				}
			}
		}
		if _, ok := sm["patternProperties"]; ok && g.rnd.IntN(2) == 0 {
			out["x-gen"] = "abc"
		}
		return out
	case "array":
		n := g.rnd.IntN(3)
		if m, ok := sm["minItems"].(uint64); ok && n < int(m) {
			n = int(m)
		}
		out := make([]any, 0, n)
		if pre, ok := sm["prefixItems"].([]any); ok {
			for _, x := range pre {
				out = append(out, g.value(x, depth+1))
			}
		}
		for range n {
			out = append(out, g.value(sm["items"], depth+1))
		}
		return out
	case "integer":
		return 1 + g.rnd.IntN(5)
	case "number":
		return 0.5
	case "boolean":
		return g.rnd.IntN(2) == 0
	case "null":
		return nil
	}
	switch sm["format"] {
	case "date-time":
		return "2024-01-02T03:04:05Z"
	case "date":
		return "2024-01-02"
	case "email":
		return "ann@example.com"
	case "uri", "url", "uri-reference":
		return "https://example.com/x"
	case "uuid":
		return "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	case "hostname":
		return "example.com"
	}
	return "abc"
}

// mutants returns invalid variants of v: a leaf of another type, a
// missing member, an extra member, a string that misses enums and
// patterns, a wrong array item.
func mutants(rnd *rand.Rand, v any) []any {
	var out []any
	for kind := range 7 {
		for range 2 {
			c := deepCopy(v)
			if mutate(rnd, &c, kind) {
				out = append(out, c)
			}
		}
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// mutate changes one randomly chosen place of *v (kind: 0 wrong type at
// a leaf, 1 missing member, 2 extra member, 3 enum/pattern miss, 4 array
// item of a wrong type, 5 whole value replaced, 6 an object with many
// more members: maxProperties).
func mutate(rnd *rand.Rand, v *any, kind int) bool {
	type place struct {
		get func() any
		set func(any)
	}
	var places []place
	var collect func(get func() any, set func(any))
	collect = func(get func() any, set func(any)) {
		places = append(places, place{get, set})
		switch x := get().(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				collect(func() any { return x[k] }, func(n any) { x[k] = n })
			}
		case []any:
			for i := range x {
				collect(func() any { return x[i] }, func(n any) { x[i] = n })
			}
		}
	}
	collect(func() any { return *v }, func(n any) { *v = n })
	rnd.Shuffle(len(places), func(i, j int) { places[i], places[j] = places[j], places[i] })
	for _, p := range places {
		cur := p.get()
		switch kind {
		case 0:
			switch cur.(type) {
			case string:
				p.set(42)
				return true
			case float64, int, bool:
				p.set("wrong type")
				return true
			}
		case 1:
			if m, ok := cur.(map[string]any); ok && len(m) > 0 {
				keys := make([]string, 0, len(m))
				for k := range m {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				delete(m, keys[rnd.IntN(len(keys))])
				return true
			}
		case 2:
			if m, ok := cur.(map[string]any); ok {
				m["zz_unexpected"] = map[string]any{"nested": []any{1, "x"}}
				return true
			}
		case 3:
			if _, ok := cur.(string); ok {
				p.set("~~ not an enum value, nor a pattern match ~~")
				return true
			}
		case 4:
			if l, ok := cur.([]any); ok {
				p.set(append(l, map[string]any{"bogus": true}, 7))
				return true
			}
		case 5:
			p.set([]any{map[string]any{"a": 1}})
			return true
		case 6:
			if m, ok := cur.(map[string]any); ok {
				for i := range 45 {
					m[fmt.Sprintf("m%02d", i)] = i
				}
				return true
			}
		}
	}
	return false
}

// diffDocument checks, for every 2xx response schema and request body
// schema of d, that the first check (pruned) and the later ones (full)
// report exactly the same problems for generated and mutated bodies.
// With sample > 1, only one schema in sample is checked.
func diffDocument(t *testing.T, d *openapi.Document, perKey, sample int) {
	c := New(d, Options{MaxProblems: 1 << 20})
	rnd := rand.New(rand.NewPCG(1, 2))
	g := &gen{c: c, rnd: rnd}
	keys, checked := 0, 0
	for _, op := range d.Operations() {
		for _, k := range schemaKeys(op) {
			if k.dir == toResponse && !strings.HasPrefix(k.status, "2") || !isJSON(mediaType(k.media)) {
				continue
			}
			slot, conv := c.converted(op, k.dir, k.status, k.media)
			if conv == nil {
				continue
			}
			if lazy := c.operation(op).raw; lazy != (conv.raw != nil) {
				t.Fatalf("%s: raw form %v, pruned from it %v", op.Pointer, lazy, conv.raw != nil)
			}
			keys++
			if sample > 1 && keys%sample != 1 {
				continue
			}
			var values []any
			for range perKey {
				v := g.value(conv.doc, 0)
				values = append(values, v)
				values = append(values, mutants(rnd, v)...)
				if m, ok := deepCopy(v).(map[string]any); ok {
					// The body itself with many members (maxProperties
					// next to a $ref, at the root).
					for i := range 45 {
						m[fmt.Sprintf("m%02d", i)] = i
					}
					values = append(values, m)
				}
			}
			values = append(values, nil, "x", []any{}, map[string]any{})
			for _, v := range values {
				v = decode(t, v)
				checked++
				if diff := differ(c, slot, conv, v); diff != "" {
					b, _ := json.Marshal(v)
					t.Fatalf("%s %s %s, body %s:\n%s", op.Pointer, k.status, k.media, b, diff)
				}
			}
		}
	}
	if keys == 0 {
		t.Fatal("no schema checked")
	}
	t.Logf("%d schemas, %d bodies", keys, checked)
}

// The proof that pruning is exact: on every schema of the Auth0
// description and of the test descriptions, the pruned compile and the
// full compile report the same problems (messages and pointers) for
// generated bodies and their broken variants.
func TestPrunedMatchesFull(t *testing.T) {
	// Lazily loaded (the runtime's way): pruned from the generic form
	// (compilePrunedRaw). Loaded in full: pruned from the converted form
	// (compilePruned).
	for _, lazy := range []bool{true, false} {
		load := func(t *testing.T, file string) *openapi.Document {
			d, err := openapi.Load(context.Background(), file, openapi.LoadOptions{Lazy: lazy, NoCache: true, SkipValidation: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range d.OperationIDs() {
				d.OperationByID(id)
			}
			return d
		}
		for _, f := range []string{"users-3.1.yaml", "pets-3.0.yaml", "keywords-3.0.yaml", "keywords-3.1.yaml", "duplicates-3.1.yaml"} {
			t.Run(fmt.Sprintf("%s/lazy=%v", f, lazy), func(t *testing.T) {
				diffDocument(t, load(t, "testdata/"+f), 20, 1)
			})
		}
		t.Run(fmt.Sprintf("auth0/lazy=%v", lazy), func(t *testing.T) {
			d := load(t, auth0File)
			switch {
			case raceEnabled:
				diffDocument(t, d, 1, 25)
			case testing.Short() || !lazy:
				diffDocument(t, d, 1, 1)
			default:
				diffDocument(t, d, 3, 1)
			}
		})
	}
}

// FuzzPrunedMatchesFull: for any body, the first check (compiled pruned
// to the body) and the later ones (compiled in full) report the same
// problems, on a few schemas that use every keyword the converter emits.
func FuzzPrunedMatchesFull(f *testing.F) {
	f.Add([]byte(`{"id":"abc","name":"x","tags":["a"],"meta":{"a":1,"b":2,"x-1":"s"},"pair":[1,"x",3],"self":{"self":{}}}`))
	f.Add([]byte(`{"items":[{"id":"admin","name":"x","manager":{"manager":{"id":5}}}]}`))
	f.Add([]byte(`{"client_id":5,"callbacks":"not a list","addons":{"aws":{"principal":1}},"jwt_configuration":{"alg":"x"}}`))
	f.Add([]byte(`[{"a":[{"b":{}}]},null,1,"s"]`))
	f.Add([]byte(`{"choice":0,"cond":1,"nothing":null,"alias":"abcdefghijklmnopqrstuvwxyzabcdefghij","deep":11}`))
	type target struct {
		c    *Checker
		slot *schemaSlot
		conv *converted
	}
	var targets []target
	add := func(d *openapi.Document, id string, dir direction, status, media string) {
		c := New(d, Options{MaxProblems: 1 << 20})
		slot, conv := c.converted(operation(f, d, id), dir, status, media)
		if conv == nil {
			f.Fatalf("%s: no schema", id)
		}
		targets = append(targets, target{c, slot, conv})
	}
	load := func(file string) *openapi.Document {
		d, err := openapi.Load(context.Background(), file, openapi.LoadOptions{Lazy: true, NoCache: true})
		if err != nil {
			f.Fatal(err)
		}
		return d
	}
	kw := load("testdata/keywords-3.1.yaml")
	add(kw, "postThing", toResponse, "201", "application/json")
	add(kw, "postThing", toRequest, "", "application/json")
	add(load("testdata/keywords-3.0.yaml"), "postThing", toResponse, "200", "application/json")
	add(load("testdata/users-3.1.yaml"), "listUsers", toResponse, "200", "application/json; charset=utf-8")
	a := load(auth0File)
	add(a, "post_clients", toResponse, "201", "application/json")
	add(a, "post_clients", toRequest, "", "application/json")
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			t.Skip()
		}
		for _, tg := range targets {
			if diff := differ(tg.c, tg.slot, tg.conv, v); diff != "" {
				t.Fatalf("%s: %s", tg.conv.ptr, diff)
			}
		}
	})
}

// Regression: the names in an "additional properties not allowed"
// message came in map order, so the message changed from run to run (the
// fuzzer found it comparing two compiles).
func TestAdditionalPropertiesMessageIsStable(t *testing.T) {
	d := loadDoc(t, "keywords-3.1.yaml")
	op := operation(t, d, "postThing")
	h := map[string][]string{"Content-Type": {"application/json"}}
	body := []byte(`{"id":"abc","name":"x","tags":["a"],"zz":1,"yy":2,"xx":3,"ww":4,"vv":5,"uu":6}`)
	var first string
	for i := range 20 {
		ps := New(d, Options{}).CheckResponse(op, 201, h, body)
		var msg string
		for _, p := range ps {
			if strings.Contains(p.Message, "not allowed") {
				msg = p.Message
			}
		}
		if i == 0 {
			first = msg
			if !strings.Contains(msg, "'uu', 'vv', 'ww', 'xx', 'yy', 'zz'") {
				t.Fatalf("names not sorted: %s", dump(ps))
			}
		} else if msg != first {
			t.Fatalf("message changed: %q then %q", first, msg)
		}
	}
}

// A $ref to a component that does not exist accepts anything (it is not
// looked up until a body reaches it, then converted to `true`), on the
// first (pruned) check and on later ones.
func TestMissingComponentAcceptsAnything(t *testing.T) {
	d, err := openapi.Load(context.Background(), "testdata/missing-ref-3.1.yaml", openapi.LoadOptions{Lazy: true, NoCache: true, SkipValidation: true})
	if err != nil {
		t.Skipf("the loader refuses the description: %v", err)
	}
	c := New(d, Options{})
	op := operation(t, d, "getThing")
	h := map[string][]string{"Content-Type": {"application/json"}}
	for i := range 3 {
		if ps := c.CheckResponse(op, 200, h, []byte(`{"a":{"x":[1]},"b":1}`)); len(ps) != 0 {
			t.Errorf("check %d: %s", i, dump(ps))
		}
		if ps := c.CheckResponse(op, 200, h, []byte(`{"a":1,"b":"x"}`)); !equal(got(ps), []string{"schema /b"}) {
			t.Errorf("check %d: %s", i, dump(ps))
		}
	}
}

// First (pruned) and later (full) checks of several operations, at once,
// on one Checker: what a Plan shared by concurrent runs does (run with
// -race).
func TestConcurrentPrunedAndFull(t *testing.T) {
	d := auth0Lazy(t)
	h := map[string][]string{"Content-Type": {"application/json"}}
	bodies := map[string]string{
		"post_resource-servers": `{"id":"x","name":"Orders API","identifier":"https://orders.example.com","scopes":[{"value":"read:orders"}]}`,
		"post_clients":          `{"client_id":"x","name":"orders-worker","app_type":"non_interactive","jwt_configuration":{"alg":"RS256"}}`,
		"post_client-grants":    `{"id":"x","client_id":"abc","audience":"https://orders.example.com","scope":["read:orders"]}`,
	}
	for range 3 {
		c := New(d, Options{})
		var wg sync.WaitGroup
		errs := make(chan string, 64)
		for i := range 24 {
			id := seedOps[i%len(seedOps)].id
			wg.Go(func() {
				op, _ := d.OperationByID(id)
				if ps := c.CheckResponse(op, 201, h, []byte(bodies[id])); len(ps) != 0 {
					errs <- id + ": " + dump(ps)
				}
				if ps := c.CheckResponse(op, 201, h, []byte(`{"client_id":5}`)); len(ps) == 0 {
					errs <- id + ": a broken body passed"
				}
			})
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	}
}

// Which compile a check uses: the first check of a small body prunes, the
// second compiles in full; a large first body, one that does not parse,
// and a check after Precompile use the full schema.
func TestPruneWhen(t *testing.T) {
	d := loadDoc(t, "users-3.1.yaml")
	op := operation(t, d, "listUsers")
	h := map[string][]string{"Content-Type": {"application/json; charset=utf-8"}}
	small := []byte(`{"items":[]}`)
	large := []byte(`{"items":[],"pad":"` + strings.Repeat("x", maxPrunedBody) + `"}`)
	full := func(c *Checker) bool {
		slot, _ := c.converted(op, toResponse, "200", "application/json; charset=utf-8")
		return slot.fullDone.Load()
	}
	for _, tc := range []struct {
		name   string
		before func(*Checker)
		body   []byte
		want   bool // compiled in full after the check
	}{
		{"first small body prunes", nil, small, false},
		{"second check compiles in full", func(c *Checker) { c.CheckResponse(op, 200, h, small) }, small, true},
		{"large first body", nil, large, true},
		{"first body not JSON", nil, []byte(`{`), true},
		{"after Precompile", func(c *Checker) { c.Precompile(op) }, small, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(d, Options{})
			if tc.before != nil {
				tc.before(c)
			}
			c.CheckResponse(op, 200, h, tc.body)
			if got := full(c); got != tc.want {
				t.Errorf("compiled in full: %v, want %v", got, tc.want)
			}
		})
	}
}
