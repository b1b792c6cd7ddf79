package openapi

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// cachedPair loads file (relative to testdata, or a path) for ops twice
// with one cache directory: the cold load and the warm one, which must
// come from the cache.
func cachedPair(t *testing.T, path string, ops []string) (cold, warm *Document, dir string) {
	t.Helper()
	dir = t.TempDir()
	opts := LoadOptions{Operations: ops, CacheDir: dir}
	cold, err := Load(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	warm, err = Load(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	if warm.lazy == nil || warm.lazy.src != nil {
		t.Fatal("the second load was not served from the cache")
	}
	return cold, warm, dir
}

// TestCacheWarmMatchesCold: a document served from the cache answers every
// question as the cold load did: ids, warnings, the operations asked for,
// their raw form, any other operation, OpenAPI3.
func TestCacheWarmMatchesCold(t *testing.T) {
	for _, tc := range []struct {
		path string
		ops  []string
	}{
		{filepath.Join("testdata", "petstore-3.0.yaml"), []string{"listPets", "createPet"}},
		{filepath.Join("testdata", "petstore-3.0.yaml"), []string{"/paths/~1pets~1{petId}/get"}},
		{filepath.Join("testdata", "types-3.1.json"), []string{"nothing-matches"}},
		{filepath.Join("testdata", "dangling.yaml"), []string{"x"}},
		{auth0File, auth0Seed},
	} {
		t.Run(filepath.Base(tc.path)+"/"+strings.Join(tc.ops, ","), func(t *testing.T) {
			if _, err := os.Stat(tc.path); err != nil {
				t.Skip(err)
			}
			cold, warm, _ := cachedPair(t, tc.path, tc.ops)
			if cold.lazy == nil {
				t.Skip("not loaded lazily")
			}
			if !slices.Equal(cold.OperationIDs(), warm.OperationIDs()) {
				t.Errorf("OperationIDs differ")
			}
			if !reflect.DeepEqual(cold.Warnings, warm.Warnings) {
				t.Errorf("warnings differ:\n got %v\nwant %v", warm.Warnings, cold.Warnings)
			}
			if cold.Version != warm.Version || cold.Title != warm.Title || !reflect.DeepEqual(cold.Servers, warm.Servers) || !reflect.DeepEqual(cold.SecuritySchemes, warm.SecuritySchemes) {
				t.Errorf("document fields differ")
			}
			cops, wops := cold.Operations(), warm.Operations()
			if len(cops) != len(wops) {
				t.Fatalf("%d operations built, want %d", len(wops), len(cops))
			}
			for i, op := range cops {
				if opShape(op) != opShape(wops[i]) {
					t.Errorf("%s differs:\n got %s\nwant %s", op.Pointer, opShape(wops[i]), opShape(op))
				}
				a, _ := cold.Raw(op.Pointer)
				b, _ := warm.Raw(op.Pointer)
				if !bytes.Equal(mustMarshal(t, a), mustMarshal(t, b)) {
					t.Errorf("Raw(%s) differs", op.Pointer)
				}
			}
			// The whole raw form (every component reached) is the same.
			a, _ := cold.Raw("")
			b, _ := warm.Raw("")
			if !bytes.Equal(mustMarshal(t, a), mustMarshal(t, b)) {
				t.Errorf("Raw(\"\") differs")
			}
			for _, id := range cold.OperationIDs()[:min(len(cold.OperationIDs()), 25)] {
				a, _ := cold.OperationByID(id)
				b, ok := warm.OperationByID(id)
				if !ok || opShape(a) != opShape(b) {
					t.Errorf("%s differs when served from the cache", id)
				}
			}
			if (cold.OpenAPI3() == nil) != (warm.OpenAPI3() == nil) {
				t.Errorf("OpenAPI3 differs")
			}
		})
	}
}

// TestCacheWarmIsPartial: a warm load decodes neither the outline of the
// other operations nor the components until something asks for them.
func TestCacheWarmIsPartial(t *testing.T) {
	_, d, _ := cachedPair(t, auth0File, auth0Seed)
	l := d.lazy
	if l.all != nil {
		t.Error("the whole outline was decoded by the load")
	}
	if len(l.comps) == 0 {
		t.Fatal("no component kept encoded")
	}
	if schemas, _ := l.sub["components"].(map[string]any)["schemas"].(map[string]any); len(schemas) != 0 {
		t.Errorf("%d schemas decoded by the load", len(schemas))
	}
	// The operations asked for, ids and known pointers need no outline.
	for _, id := range auth0Seed {
		if !d.HasOperationID(id) {
			t.Errorf("HasOperationID(%s)", id)
		}
		if _, ok := d.OperationByID(id); !ok {
			t.Errorf("OperationByID(%s)", id)
		}
	}
	if !d.HasOperationID("get_clients") || d.HasOperationID("no_such_op") || len(d.OperationIDs()) < 300 {
		t.Error("ids of the whole document")
	}
	if !d.HasOperationPointer("#/paths/~1clients/POST") {
		t.Error("tolerant pointer of an operation asked for")
	}
	if l.all != nil {
		t.Error("the outline was decoded for lookups that do not need it")
	}
	// A schema is decoded when Raw reaches it.
	op, _ := d.OperationByID("post_clients")
	if _, ok := d.Raw(op.Pointer + "/responses/201/content/application~1json/schema"); !ok {
		t.Error("Raw of the response schema")
	}
	// Another operation decodes the outline (not the document).
	if !d.HasOperationPointer("/paths/~1clients/get") {
		t.Error("HasOperationPointer of another operation")
	}
	if l.all == nil || l.all == l.sel {
		t.Error("the outline was not decoded")
	}
	if l.src != nil {
		t.Error("the document was read for an index lookup")
	}
	if d.HasOperationPointer("/paths/~1nowhere/get") {
		t.Error("unknown pointer found")
	}
}

// TestCacheRawSections: Raw of the root, of components or of a section
// holds no encoded component.
func TestCacheRawSections(t *testing.T) {
	file := filepath.Join(t.TempDir(), "doc.yaml")
	if err := os.WriteFile(file, []byte(rawDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, ptr := range []string{"/components/schemas", "/components", ""} {
		t.Run(ptr, func(t *testing.T) {
			_, d, _ := cachedPair(t, file, []string{"getA"})
			v, ok := d.Raw(ptr)
			if !ok {
				t.Fatal("not found")
			}
			js := string(mustMarshal(t, v))
			if !strings.Contains(js, `"A B":{"properties":{"list"`) {
				t.Errorf("Raw(%q) = %s", ptr, js)
			}
			if _, ok := d.Raw("/components/schemas/A B/properties/list"); !ok {
				t.Error("the component afterwards")
			}
		})
	}
	_, d, _ := cachedPair(t, file, []string{"getA"})
	for _, tc := range []struct {
		ptr  string
		want string
	}{
		{"/components/schemas/A B/properties/list/items", `{"type":"integer"}`},
		{"/components/schemas/nope", ""},
		{"/components/nope/A B", ""},
		{"/paths/~1a/get/responses/200/content/application~1json/schema/type", `"object"`},
		{"/paths/~1a/get/responses/200/description", `"a"`},
	} {
		v, ok := d.Raw(tc.ptr)
		got := ""
		if ok {
			got = string(mustMarshal(t, v))
		}
		if got != tc.want {
			t.Errorf("Raw(%q) = %s, want %s", tc.ptr, got, tc.want)
		}
	}
}

// cacheEntryFile is the only entry of dir.
func cacheEntryFile(t *testing.T, dir string) string {
	t.Helper()
	files := cacheFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	return filepath.Join(dir, files[0])
}

// TestCacheDamagedEntries: damage to an entry's head (a flipped byte, a
// cut) is noticed by its checksum at once: the entry is rebuilt silently,
// never used, never an error. Damage to its tail (the pieces read on
// demand) is noticed when the piece is read: the piece is made again from
// the document, the results are the cold load's, and the entry is
// rewritten.
func TestCacheDamagedEntries(t *testing.T) {
	path := filepath.Join("testdata", "petstore-3.0.yaml")
	opts := func(dir string) LoadOptions { return LoadOptions{Operations: []string{"listPets"}, CacheDir: dir} }
	cold, err := Load(context.Background(), path, LoadOptions{Operations: []string{"listPets"}, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Load(context.Background(), path, opts(dir)); err != nil {
		t.Fatal(err)
	}
	good := mustRead(t, cacheEntryFile(t, dir))
	head := int(binary.LittleEndian.Uint32(good[len(entryMagic):]))
	if head <= 8 || head >= len(good) {
		t.Fatalf("head length %d of %d", head, len(good))
	}
	flip := func(at int) []byte {
		b := slices.Clone(good)
		b[at] ^= 0x20
		return b
	}
	for _, tc := range []struct {
		name   string
		b      []byte
		inHead bool
	}{
		{"empty", nil, true},
		{"cut in head", good[:head/2], true},
		{"crc only", good[len(good)-4:], true},
		{"flip magic", flip(0), true},
		{"flip length", flip(len(entryMagic)), true},
		{"flip version", flip(5), true},
		{"flip head middle", flip(head / 2), true},
		{"flip head crc", flip(head - 1), true},
		{"flip tail start", flip(head), false},
		{"flip tail middle", flip((head + len(good)) / 2), false},
		{"flip tail end", flip(len(good) - 1), false},
		{"cut tail", good[:len(good)-3], false},
		{"extra byte", append(slices.Clone(good), 0), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := Load(context.Background(), path, opts(dir)); err != nil {
				t.Fatal(err)
			}
			file := cacheEntryFile(t, dir)
			if err := os.WriteFile(file, tc.b, 0o600); err != nil {
				t.Fatal(err)
			}
			d, err := Load(context.Background(), path, opts(dir))
			if err != nil {
				t.Fatal(err)
			}
			if used := d.lazy.src == nil; used == tc.inHead {
				t.Errorf("entry used = %v", used)
			}
			compareWithCold(t, cold, d)
			if tc.name != "extra byte" && !bytes.Equal(mustRead(t, file), good) {
				t.Error("the entry was not rebuilt")
			}
		})
	}
}

// compareWithCold checks that d answers as cold for every operation and
// every component reached (which reads every piece of a cached entry).
func compareWithCold(t *testing.T, cold, d *Document) {
	t.Helper()
	for _, id := range cold.OperationIDs() {
		a, _ := cold.OperationByID(id)
		b, ok := d.OperationByID(id)
		if !ok || opShape(a) != opShape(b) {
			t.Errorf("%s differs", id)
		}
	}
	a, _ := cold.Raw("")
	b, ok := d.Raw("")
	if !ok || !bytes.Equal(mustMarshal(t, a), mustMarshal(t, b)) {
		t.Errorf("Raw(\"\") differs")
	}
	for _, op := range cold.Operations() {
		if !d.HasOperationPointer(op.Pointer) {
			t.Errorf("HasOperationPointer(%s)", op.Pointer)
		}
	}
}

// TestCacheDamagedPieceAuth0: in a large entry (its tail is not read with
// its head), a damaged component body or outline, or an entry deleted
// after the load, is made again from the document when needed.
func TestCacheDamagedPieceAuth0(t *testing.T) {
	cold, err := Load(context.Background(), auth0File, LoadOptions{Operations: auth0Seed, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, damage := range []string{"component", "outline", "deleted"} {
		t.Run(damage, func(t *testing.T) {
			_, d, dir := cachedPair(t, auth0File, auth0Seed)
			file := cacheEntryFile(t, dir)
			good := mustRead(t, file)
			if d.lazy.file.tail != "" {
				t.Fatal("the tail was read with the head")
			}
			c := d.lazy.comps[len(d.lazy.comps)/2]
			cptr := "/components/" + c.sec + "/" + EscapePointerToken(c.name)
			if _, ok := cold.Raw(cptr); !ok {
				t.Fatalf("%s not in the cold load", cptr)
			}
			switch damage {
			case "deleted":
				if err := os.Remove(file); err != nil {
					t.Fatal(err)
				}
			default:
				at := d.lazy.file.tailOff + c.at.off + c.at.n/2
				if damage == "outline" {
					at = d.lazy.file.tailOff + d.lazy.entry.outline.off + 3
				}
				b := slices.Clone(good)
				b[at] ^= 0x01
				if err := os.WriteFile(file, b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			for _, id := range auth0Seed {
				op, _ := cold.OperationByID(id)
				ptr := op.Pointer + "/responses/201/content/application~1json/schema"
				a, _ := cold.Raw(ptr)
				b, ok := d.Raw(ptr)
				if !ok || !bytes.Equal(mustMarshal(t, a), mustMarshal(t, b)) {
					t.Errorf("Raw(%s) differs", ptr)
				}
			}
			a, _ := cold.Raw(cptr)
			b, ok := d.Raw(cptr)
			if !ok || !bytes.Equal(mustMarshal(t, a), mustMarshal(t, b)) {
				t.Errorf("%s differs", cptr)
			}
			a2, _ := cold.OperationByID("get_clients")
			b2, ok := d.OperationByID("get_clients")
			if !ok || opShape(a2) != opShape(b2) {
				t.Error("get_clients differs")
			}
			if !d.HasOperationPointer("/paths/~1users/get") {
				t.Error("pointer of another operation")
			}
			if after, err := os.ReadFile(file); err != nil || !bytes.Equal(after[4:], good[4:]) && len(after) != len(good) {
				t.Errorf("the entry was not rewritten: %v", err)
			}
			if _, w, _ := cachedPairIn(t, dir, auth0File, auth0Seed); w.lazy.src != nil {
				t.Error("the rewritten entry is not used")
			}
		})
	}
}

// cachedPairIn loads path for ops from the cache in dir.
func cachedPairIn(t *testing.T, dir, path string, ops []string) (*Document, *Document, string) {
	t.Helper()
	d, err := Load(context.Background(), path, LoadOptions{Operations: ops, CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return nil, d, dir
}

// TestCacheBadOutline: an entry whose outline section does not agree with
// its operations (checksum right: a loader bug, or a collision) is not
// trusted for other operations: the outline is made again from the
// document.
func TestCacheBadOutline(t *testing.T) {
	path := filepath.Join("testdata", "petstore-3.0.yaml")
	for name, bad := range map[string][]outlineOp{
		"missing":   nil,
		"short":     {{Path: "/pets", Method: "get", ID: "listPets"}},
		"different": nil,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			opts := LoadOptions{Operations: []string{"listPets"}, CacheDir: dir}
			cold, err := Load(context.Background(), path, opts)
			if err != nil {
				t.Fatal(err)
			}
			file := cacheEntryFile(t, dir)
			cache := newDiskCacheHash(opts, contentKey(mustRead(t, path)))
			e, err := readEntry(file, nil, cache.doc, cache.want)
			if err != nil {
				t.Fatal(err)
			}
			for k := range e.comps {
				e.comps[k].js, _ = e.file.piece(e.comps[k].at)
			}
			if name == "different" {
				for i := range e.n {
					bad = append(bad, outlineOp{Path: "/x" + strings.Repeat("x", i), Method: "get", ID: "x"})
				}
			}
			nb, err := encodeEntry(cache.doc, e, bad)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, nb, 0o600); err != nil {
				t.Fatal(err)
			}
			d, err := Load(context.Background(), path, opts)
			if err != nil || d.lazy.src != nil {
				t.Fatalf("not served from the entry: %v", err)
			}
			for _, id := range cold.OperationIDs() {
				a, _ := cold.OperationByID(id)
				b, ok := d.OperationByID(id)
				if !ok || opShape(a) != opShape(b) {
					t.Errorf("%s: %v", id, ok)
				}
			}
			if !d.HasOperationPointer("/paths/~1pets~1{petId}/delete") {
				t.Error("pointer of another operation")
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCacheBOM is the regression test of a document with a UTF-8 BOM
// served from the cache: building another operation re-reads it, and the
// content check must see it as the key did (without the BOM) rather than
// take it for a changed file and fall back to a full load.
func TestCacheBOM(t *testing.T) {
	file := filepath.Join(t.TempDir(), "api.yaml")
	src := append([]byte("\ufeff"), mustRead(t, filepath.Join("testdata", "petstore-3.0.yaml"))...)
	if err := os.WriteFile(file, src, 0o600); err != nil {
		t.Fatal(err)
	}
	_, d, _ := cachedPair(t, file, []string{"listPets"})
	op, ok := d.OperationByID("deletePet")
	if !ok || op.Method != "DELETE" {
		t.Fatalf("deletePet: %v", ok)
	}
	if d.lazy.full != nil {
		t.Error("the document was loaded in full: the re-read took the BOM for a change")
	}
}

// TestContentKey: hashing a file as it is read gives the key of its
// content without a BOM, whatever the size relative to the read chunk, and
// says when the file is larger than the limit.
func TestContentKey(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), hashChunk/16*2+3)
	for _, tc := range []struct {
		name    string
		content []byte
		max     int64
	}{
		{"empty", nil, 100},
		{"one", []byte("a"), 100},
		{"two", []byte("ab"), 100},
		{"bom only", []byte("\ufeff"), 100},
		{"bom and one", []byte("\ufeffa"), 100},
		{"chunk", big[:hashChunk], 1 << 20},
		{"chunk+1", big[:hashChunk+1], 1 << 20},
		{"bom+chunk", append([]byte("\ufeff"), big[:hashChunk]...), 1 << 20},
		{"several chunks", big, 1 << 20},
		{"at the limit", big[:1000], 1000},
		{"over the limit", big[:1001], 1000},
		{"far over the limit", big, 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, tc.name)
			if err := os.WriteFile(file, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			key, n, err := hashFile(file, tc.max, nil)
			if key2, n2, _ := hashFile(file, tc.max, make([]byte, 7)); key2 != key || n2 != n {
				t.Errorf("with a 7-byte buffer: %s %d, want %s %d", key2, n2, key, n)
			}
			if err != nil {
				t.Fatal(err)
			}
			content := bytes.TrimPrefix(tc.content, []byte("\ufeff"))
			if int64(len(content)) > tc.max {
				if n <= tc.max {
					t.Errorf("n = %d, want > %d", n, tc.max)
				}
				return
			}
			if n != int64(len(content)) || key != contentKey(content) {
				t.Errorf("hashFile = %s %d, want %s %d", key, n, contentKey(content), len(content))
			}
		})
	}
	if contentKey([]byte("a")) == contentKey([]byte("b")) || contentKey(nil) == contentKey([]byte{0}) {
		t.Error("keys collide")
	}
	if _, _, err := hashFile(filepath.Join(dir, "missing"), 10, nil); err == nil {
		t.Error("missing file: no error")
	}
}

// TestCacheConcurrentWarmLookups: concurrent lookups on a document served
// from the cache (ids, other operations, pointers, Raw of components,
// OpenAPI3) are safe (run with -race).
func TestCacheConcurrentWarmLookups(t *testing.T) {
	_, d, _ := cachedPair(t, auth0File, auth0Seed)
	ids := d.OperationIDs()[:30]
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, id := range ids {
				if !d.HasOperationID(id) {
					t.Errorf("HasOperationID(%s)", id)
				}
				if (i+g)%3 == 0 {
					if _, ok := d.OperationByID(id); !ok {
						t.Errorf("%s not found", id)
					}
				}
			}
			for _, id := range auth0Seed {
				op, _ := d.OperationByID(id)
				d.Raw(op.Pointer + "/responses/201/content/application~1json/schema")
				d.Raw("/components/schemas/client")
			}
			if g == 0 {
				d.OpenAPI3()
			}
			d.HasOperationPointer("/paths/~1users/get")
		}()
	}
	wg.Wait()
}

// TestDecodeJSON: decodeJSON gives what json.Unmarshal into an any gives,
// and refuses what is not JSON.
func TestDecodeJSON(t *testing.T) {
	valid := []string{
		`{}`, `[]`, `""`, `0`, `-1.5e3`, `1E+2`, `true`, `false`, `null`,
		`{"a":1,"b":[true,false,null,"x"],"c":{"d":{}}}`,
		` { "a" : [ 1 , 2 ] } `,
		`"esc \" \\ \/ \b \f \n \r \t \u00e9 \u2028 \ud83d\ude00"`,
		`{"\u003cscript\u003e":"\u0026"}`,
		`"héllo wörld ☃"`,
		`{"a":1,"a":2}`,
		`[1.7976931348623157e308, 5e-324, 0.1, 123456789012345678901234567890]`,
	}
	for _, s := range valid {
		got, err := decodeJSON(s)
		var want any
		if werr := json.Unmarshal([]byte(s), &want); werr != nil {
			t.Fatalf("%s: %v", s, werr)
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("decodeJSON(%s) = %#v, %v; want %#v", s, got, err, want)
		}
	}
	invalid := []string{
		``, ` `, `{`, `[`, `[1,`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `{1:2}`,
		`"unterminated`, "\"ctl\x01\"", `tru`, `nul`, `1e400`, `--1`, `1 2`, `{}x`,
		`"\x"`, `[1}`, `{"a":1]`, `'a'`, `NaN`,
		strings.Repeat("[", maxJSONDepth+2) + strings.Repeat("]", maxJSONDepth+2),
	}
	for _, s := range invalid {
		if v, err := decodeJSON(s); err == nil {
			t.Errorf("decodeJSON(%q) = %#v, want an error", s, v)
		}
	}
}

// FuzzDecodeJSON: on valid UTF-8 JSON, decodeJSON agrees with
// encoding/json; on anything, it returns (no panic).
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,"b",{"c":null}]}`, `"\u00e9"`, `[1e3,-0.5]`, `{"":""}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := decodeJSON(s)
		if !utf8.ValidString(s) || !json.Valid([]byte(s)) {
			return
		}
		var want any
		if werr := json.Unmarshal([]byte(s), &want); werr != nil {
			if err == nil {
				t.Errorf("decodeJSON(%q) accepted what encoding/json refuses: %v", s, werr)
			}
			return
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("decodeJSON(%q) = %#v, %v; want %#v", s, got, err, want)
		}
	})
}

// TestCacheManyOperationsWithoutIDs is the regression test of an entry
// whose operation count (and the index of the operation asked for) is
// larger than its head's size: a document of many operations without
// operationIds. It must be served from the cache.
func TestCacheManyOperationsWithoutIDs(t *testing.T) {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "  /p%04d:\n    get:\n      responses:\n        '200': {description: ok}\n", i)
	}
	file := filepath.Join(t.TempDir(), "many.yaml")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cold, warm, _ := cachedPair(t, file, []string{"/paths/~1p2999/get"})
	if len(warm.Operations()) != 1 || opShape(warm.Operations()[0]) != opShape(cold.Operations()[0]) {
		t.Fatal("the operation asked for differs")
	}
	if op, ok := warm.OperationByPointer("/paths/~1p0001/get"); !ok || op.Path != "/p0001" {
		t.Errorf("another operation: %v", ok)
	}
}

// TestCacheDamagedHeadLength: a damaged head length larger than the file
// is refused before anything of that size is allocated; the entry is
// rebuilt.
func TestCacheDamagedHeadLength(t *testing.T) {
	_, _, dir := cachedPair(t, auth0File, auth0Seed)
	file := cacheEntryFile(t, dir)
	b := mustRead(t, file)
	if len(b) <= hashChunk {
		t.Skip("the entry fits in the read buffer")
	}
	binary.LittleEndian.PutUint32(b[len(entryMagic):], 1<<29)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := Load(context.Background(), auth0File, LoadOptions{Operations: auth0Seed, CacheDir: dir})
	if err != nil || d.lazy.src == nil {
		t.Fatalf("the damaged entry was used, or failed the load: %v", err)
	}
}

// TestCacheEntryHugeOperationCount: an entry whose checksums hold but
// whose head claims more operations than any description has (only a
// forged file) is refused before anything is allocated for them, and the
// document is loaded from its source.
func TestCacheEntryHugeOperationCount(t *testing.T) {
	path := filepath.Join("testdata", "petstore-3.0.yaml")
	dir := t.TempDir()
	opts := LoadOptions{Operations: []string{"listPets"}, CacheDir: dir}
	if _, err := Load(context.Background(), path, opts); err != nil {
		t.Fatal(err)
	}
	file := cacheEntryFile(t, dir)
	cache := newDiskCacheHash(opts, contentKey(mustRead(t, path)))
	e, err := readEntry(file, nil, cache.doc, cache.want)
	if err != nil {
		t.Fatal(err)
	}
	for k := range e.comps {
		e.comps[k].js, _ = e.file.piece(e.comps[k].at)
	}
	e.n = maxEntryOperations + 1
	nb, err := encodeEntry(cache.doc, e, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, nb, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readEntry(file, nil, cache.doc, cache.want); err == nil {
		t.Fatal("an entry claiming 4 Mi + 1 operations was accepted")
	}
	d, err := Load(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.OperationByID("listPets"); !ok {
		t.Error("listPets not found after the entry was refused")
	}
}
