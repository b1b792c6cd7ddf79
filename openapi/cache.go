package openapi

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unsafe"
)

// loaderVersion is part of every cache key: bump it whenever what the lazy
// loader derives (the outline or the sub-document), the content key or the
// entry format changes.
const loaderVersion = "arazzo-openapi-lazy/3"

// CacheDirEnv names the environment variable that sets the cache
// directory ("off" disables the cache).
const CacheDirEnv = "ARAZZO_CACHE_DIR"

// cacheExt is the extension of cache entries.
const cacheExt = ".lazy"

// cacheEntry is what a lazy load derives from one document for one set of
// operations. It holds no location: it is addressed by content.
//
// A warm load needs only the operations asked for, the operationIds (the
// runtime lists them for $sourceDescriptions.<name>.<operationId>) and the
// part of the sub-document the operations themselves are built from; the
// outline of the other operations and the component bodies are kept in
// their encoded form (substrings of the entry) and decoded when something
// asks for them: an operation outside the set, a component reached by
// Document.Raw, or OpenAPI3.
type cacheEntry struct {
	want []string // the operations asked for, sorted, unique
	n    int      // operations in the whole document
	// sel are the outline indexes of the operations asked for (ascending),
	// selOps their outline entries, selFirst whether each is the first
	// operation of its operationId (a duplicate is not indexed by id).
	sel      []int
	selOps   []outlineOp
	selFirst []bool
	ids      []string  // every operationId, sorted, unique
	warnings []Warning // the load's warnings (duplicate ids, dangling $refs)
	// tree is the sub-document without the bodies of its components
	// (security schemes excepted: the document's model needs them).
	tree  map[string]any
	comps []rawComp // the other components, sorted by section then name
	// outline is the encoded outline of every operation (encodeOutline).
	outline string
}

// rawComp is one component kept as JSON until first used.
type rawComp struct{ sec, name, js string }

// findComp returns the component sec/name of comps (sorted).
func findComp(comps []rawComp, sec, name string) (rawComp, bool) {
	i := sort.Search(len(comps), func(i int) bool {
		c := comps[i]
		return c.sec > sec || (c.sec == sec && c.name >= name)
	})
	if i < len(comps) && comps[i].sec == sec && comps[i].name == name {
		return comps[i], true
	}
	return rawComp{}, false
}

type diskCache struct {
	dir  string // "" disables
	doc  string
	want []string
	key  string
}

// cacheDir is LoadOptions.CacheDir, else $ARAZZO_CACHE_DIR, else
// os.UserCacheDir()/arazzo/openapi. Inside a test binary there is no
// default: tests never touch the user's cache unless they ask for one.
func cacheDir(opts LoadOptions) string {
	if opts.NoCache {
		return ""
	}
	dir := opts.CacheDir
	if dir == "" {
		dir = os.Getenv(CacheDirEnv)
	}
	if dir == "off" {
		return ""
	}
	if dir == "" {
		if testing.Testing() {
			return ""
		}
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(base, "arazzo", "openapi")
	}
	return dir
}

func newDiskCache(opts LoadOptions, data []byte) *diskCache {
	if cacheDir(opts) == "" {
		return &diskCache{}
	}
	return newDiskCacheHash(opts, contentKey(data))
}

// newDiskCacheHash is the cache entry of a document whose content key is
// doc.
func newDiskCacheHash(opts LoadOptions, doc string) *diskCache {
	c := &diskCache{dir: cacheDir(opts), doc: doc}
	if c.dir == "" {
		return c
	}
	c.want = slices.Compact(slices.Sorted(slices.Values(opts.Operations)))
	k := sha256.Sum256([]byte(loaderVersion + "\x00" + c.doc + "\x00" + strings.Join(c.want, "\x00")))
	c.key = hex.EncodeToString(k[:])
	return c
}

// The content key of a document (see the package doc, "the cache"): the
// byte length and two different CRC-32s (Castagnoli and IEEE) of the
// content, 128 bits in hex.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

type contentHash struct {
	n          uint64
	cast, ieee uint32
}

func (h *contentHash) write(p []byte) {
	h.n += uint64(len(p))
	h.cast = crc32.Update(h.cast, castagnoli, p)
	h.ieee = crc32.Update(h.ieee, crc32.IEEETable, p)
}

func (h *contentHash) key() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], h.n)
	binary.BigEndian.PutUint32(b[8:12], h.cast)
	binary.BigEndian.PutUint32(b[12:], h.ieee)
	return hex.EncodeToString(b[:])
}

// contentKey is the content key of data (as the loader sees it: without a
// UTF-8 BOM).
func contentKey(data []byte) string {
	var h contentHash
	h.write(data)
	return h.key()
}

// hashChunk is the read size of hashFile: small enough to stay in the CPU
// cache and to cost no page faults (reading a 2.3 MB description into one
// fresh buffer costs more than hashing it), large enough for few reads.
const hashChunk = 64 << 10

// hashFile returns the content key of a file's content as the loader sees
// it (without a UTF-8 BOM), reading at most max+1 bytes (n > max means the
// file is too large).
func hashFile(name string, max int64) (key string, n int64, err error) {
	f, err := os.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	buf := make([]byte, hashChunk)
	var h contentHash
	k, err := io.ReadAtLeast(f, buf, 3)
	chunk := buf[:k]
	if len(chunk) >= 3 && string(chunk[:3]) == "\ufeff" {
		chunk = chunk[3:]
	}
	for {
		if int64(len(chunk)) > max+1-n {
			chunk = chunk[:max+1-n]
		}
		h.write(chunk)
		n += int64(len(chunk))
		if err == io.EOF || err == io.ErrUnexpectedEOF || n > max {
			return h.key(), n, nil
		}
		if err != nil {
			return "", 0, err
		}
		k, err = f.Read(buf)
		chunk = buf[:k]
	}
}

func (c *diskCache) path() string { return filepath.Join(c.dir, c.key+cacheExt) }

// get returns the entry, or false when there is none or it is unreadable,
// corrupt or for something else (never an error: the caller rebuilds it).
func (c *diskCache) get() (*cacheEntry, bool) {
	if c.dir == "" {
		return nil, false
	}
	b, err := os.ReadFile(c.path())
	if err != nil {
		return nil, false
	}
	e, err := decodeEntry(b, c.doc, c.want)
	if err != nil {
		return nil, false
	}
	return e, true
}

// put writes the entry atomically (a temporary file renamed over the
// final name, so concurrent writers and readers never see half a file).
// Failures are silent: the cache is an optimization.
func (c *diskCache) put(e *cacheEntry, outline []outlineOp) {
	if c.dir == "" {
		return
	}
	b, err := encodeEntry(c.doc, e, outline)
	if err != nil {
		return
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return
	}
	f, err := os.CreateTemp(c.dir, ".tmp-*")
	if err != nil {
		return
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(f.Name())
		return
	}
	if err := os.Rename(f.Name(), c.path()); err != nil {
		os.Remove(f.Name())
	}
}

// The entry format: a sequence of fields, numbers as uvarints, strings as
// a uvarint length and the bytes, the whole followed by the CRC-32C of
// everything before it (little-endian), so that a damaged entry is
// noticed at once instead of when a component is decoded:
//
//	loaderVersion, doc key, want (count, strings), n,
//	selected operations (count; index, path, method, id, first byte),
//	ids (count, strings), warnings (count; message, pointer),
//	tree (JSON), components (count; section, name, JSON),
//	outline (encodeOutline, as one string), CRC-32C.
//
// Strings decode as substrings of one copy of the file: a warm load
// allocates for the JSON it decodes, not for every name.

var errEntry = errors.New("corrupt cache entry")

// entryWriter appends fields.
type entryWriter struct{ b []byte }

func (w *entryWriter) uint(n int) { w.b = binary.AppendUvarint(w.b, uint64(n)) }

func (w *entryWriter) str(s string) {
	w.uint(len(s))
	w.b = append(w.b, s...)
}

func (w *entryWriter) bytes(p []byte) {
	w.uint(len(p))
	w.b = append(w.b, p...)
}

// entryReader reads fields from s; the first error sticks.
type entryReader struct {
	s   string
	off int
	err error
}

func (r *entryReader) uint() int {
	var x uint64
	for shift := uint(0); ; shift += 7 {
		if r.err != nil {
			return 0
		}
		if r.off >= len(r.s) || shift > 56 {
			r.err = errEntry
			return 0
		}
		c := r.s[r.off]
		r.off++
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
	}
	if x > uint64(len(r.s)) {
		r.err = errEntry // no count or length exceeds the entry's size
		return 0
	}
	return int(x)
}

// count reads a number of items of at least min bytes each.
func (r *entryReader) count(min int) int {
	n := r.uint()
	if n*min > len(r.s)-r.off {
		r.err = errEntry
		return 0
	}
	return n
}

// span reads a string field and returns its offsets.
func (r *entryReader) span() (int, int) {
	n := r.uint()
	if r.err != nil {
		return 0, 0
	}
	if n > len(r.s)-r.off {
		r.err = errEntry
		return 0, 0
	}
	start := r.off
	r.off += n
	return start, r.off
}

func (r *entryReader) str() string {
	a, b := r.span()
	return r.s[a:b]
}

func (r *entryReader) strs() []string {
	n := r.count(1)
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.str()
	}
	return out
}

func encodeEntry(doc string, e *cacheEntry, outline []outlineOp) ([]byte, error) {
	tree, err := json.Marshal(e.tree)
	if err != nil {
		return nil, err
	}
	w := &entryWriter{b: make([]byte, 0, 64<<10)}
	w.str(loaderVersion)
	w.str(doc)
	w.uint(len(e.want))
	for _, s := range e.want {
		w.str(s)
	}
	w.uint(e.n)
	w.uint(len(e.sel))
	for k, i := range e.sel {
		op := e.selOps[k]
		w.uint(i)
		w.str(op.Path)
		w.str(op.Method)
		w.str(op.ID)
		if e.selFirst[k] {
			w.b = append(w.b, 1)
		} else {
			w.b = append(w.b, 0)
		}
	}
	w.uint(len(e.ids))
	for _, s := range e.ids {
		w.str(s)
	}
	w.uint(len(e.warnings))
	for _, x := range e.warnings {
		w.str(x.Message)
		w.str(x.Pointer)
	}
	w.bytes(tree)
	w.uint(len(e.comps))
	for _, c := range e.comps {
		w.str(c.sec)
		w.str(c.name)
		w.str(c.js)
	}
	w.str(encodeOutline(outline))
	return binary.LittleEndian.AppendUint32(w.b, crc32.Checksum(w.b, castagnoli)), nil
}

// decodeEntry decodes an entry and checks that it is the one of doc and
// want. The entry's strings share b: b must not be modified afterwards.
func decodeEntry(b []byte, doc string, want []string) (*cacheEntry, error) {
	if len(b) < 4 {
		return nil, errEntry
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, errEntry
	}
	// The strings of the entry are substrings of body, shared rather than
	// copied (a 130 KB copy was a tenth of a warm load).
	r := &entryReader{s: unsafe.String(unsafe.SliceData(body), len(body))}
	if r.str() != loaderVersion || r.str() != doc {
		return nil, errEntry
	}
	e := &cacheEntry{}
	nw := r.count(1)
	if nw != len(want) {
		return nil, errEntry
	}
	e.want = want
	for _, w := range want {
		if r.str() != w {
			return nil, errEntry
		}
	}
	e.n = r.uint()
	ns := r.count(5)
	e.sel, e.selOps, e.selFirst = make([]int, ns), make([]outlineOp, ns), make([]bool, ns)
	for k := range ns {
		i := r.uint()
		e.selOps[k] = outlineOp{Path: r.str(), Method: r.str(), ID: r.str()}
		if r.err != nil || i >= e.n || r.off >= len(r.s) || (k > 0 && i <= e.sel[k-1]) {
			return nil, errEntry
		}
		e.sel[k], e.selFirst[k] = i, r.s[r.off] == 1
		r.off++
	}
	e.ids = r.strs()
	if nw := r.count(2); nw > 0 {
		e.warnings = make([]Warning, nw)
		for k := range e.warnings {
			e.warnings[k] = Warning{Message: r.str(), Pointer: r.str()}
		}
	}
	ta, tb := r.span()
	if r.err != nil {
		return nil, r.err
	}
	tree, err := decodeJSON(r.s[ta:tb])
	if e.tree, _ = tree.(map[string]any); err != nil || e.tree == nil {
		return nil, errEntry
	}
	if nc := r.count(3); nc > 0 {
		e.comps = make([]rawComp, nc)
		for k := range e.comps {
			e.comps[k] = rawComp{sec: r.str(), name: r.str(), js: r.str()}
		}
	}
	e.outline = r.str()
	if r.err != nil || r.off != len(r.s) {
		return nil, errEntry
	}
	return e, nil
}

// encodeOutline encodes every operation of the outline: count, then path
// (empty when the same as the previous operation's: paths are sorted),
// method and id.
func encodeOutline(ops []outlineOp) string {
	w := &entryWriter{b: make([]byte, 0, 64*len(ops))}
	w.uint(len(ops))
	prev := ""
	for k, op := range ops {
		if k > 0 && op.Path == prev {
			w.b = append(w.b, 0)
		} else {
			w.b = append(w.b, 1)
			w.str(op.Path)
		}
		prev = op.Path
		w.str(op.Method)
		w.str(op.ID)
	}
	return string(w.b)
}

func decodeOutline(s string) ([]outlineOp, error) {
	r := &entryReader{s: s}
	n := r.count(3)
	ops := make([]outlineOp, n)
	prev := ""
	for k := range ops {
		if r.off >= len(r.s) {
			return nil, errEntry
		}
		same := r.s[r.off] == 0
		r.off++
		if !same {
			prev = r.str()
		} else if k == 0 {
			return nil, errEntry
		}
		ops[k] = outlineOp{Path: prev, Method: r.str(), ID: r.str()}
	}
	if r.err != nil || r.off != len(r.s) {
		return nil, errEntry
	}
	return ops, nil
}

// splitSub splits a sub-document into the part decoded on every warm load
// (everything but the component bodies; security schemes included) and
// the components kept as JSON, sorted.
func splitSub(sub map[string]any) (map[string]any, []rawComp, error) {
	tree := make(map[string]any, len(sub))
	var comps []rawComp
	for k, v := range sub {
		if k != "components" {
			tree[k] = v
			continue
		}
		secs, _ := v.(map[string]any)
		kept := map[string]any{}
		for sec, x := range secs {
			m, isMap := x.(map[string]any)
			if sec == "securitySchemes" || !isMap {
				kept[sec] = x
				continue
			}
			for name, c := range m {
				js, err := json.Marshal(c)
				if err != nil {
					return nil, nil, err
				}
				comps = append(comps, rawComp{sec: sec, name: name, js: string(js)})
			}
		}
		if len(kept) > 0 {
			tree[k] = kept
		}
	}
	sort.Slice(comps, func(i, j int) bool {
		if comps[i].sec != comps[j].sec {
			return comps[i].sec < comps[j].sec
		}
		return comps[i].name < comps[j].name
	})
	return tree, comps, nil
}
