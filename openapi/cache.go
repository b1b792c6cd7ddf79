package openapi

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// loaderVersion is part of every cache key: bump it whenever what the lazy
// loader derives (the outline or the sub-document), the content key or the
// entry format changes.
const loaderVersion = "arazzo-openapi-lazy/4"

// CacheDirEnv names the environment variable that sets the cache
// directory ("off" disables the cache).
const CacheDirEnv = "ARAZZO_CACHE_DIR"

// cacheExt is the extension of cache entries (they start with a line of
// JSON, entryMagic; the rest is binary).
const cacheExt = ".json"

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
	tree     map[string]any
	treeJSON string    // its encoded form, when read
	comps    []rawComp // the other components, sorted by section then name
	// outline is where the encoded outline of every operation
	// (encodeOutline) is in the entry file.
	outline piece
	// file reads the pieces of the entry file that are not decoded by a
	// load (nil when writing).
	file *entryFile
}

// rawComp is one component kept as JSON until first used: js when
// writing, a piece of the entry file when reading.
type rawComp struct {
	sec, name string
	js        string
	at        piece
}

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

// CacheRoot resolves the cache directory every on-disk cache of this
// program lives under: dir (LoadOptions.CacheDir, runtime.LoadOptions
// .CacheDir), else $ARAZZO_CACHE_DIR, else os.UserCacheDir()/arazzo. ""
// means no cache: noCache, a directory named "off", no user cache
// directory, or no directory given inside a test binary (tests never touch
// the user's cache unless they ask for one). explicit tells a directory
// the user named from the default one.
func CacheRoot(dir string, noCache bool) (root string, explicit bool) {
	if noCache {
		return "", false
	}
	if dir == "" {
		dir = os.Getenv(CacheDirEnv)
	}
	switch dir {
	case "off":
		return "", false
	case "":
		if testing.Testing() {
			return "", false
		}
		base, err := os.UserCacheDir()
		if err != nil {
			return "", false
		}
		return filepath.Join(base, "arazzo"), false
	}
	return dir, true
}

// cacheDir is where OpenAPI entries are: a directory the user named
// itself, else the "openapi" subdirectory of the default root.
func cacheDir(opts LoadOptions) string {
	root, explicit := CacheRoot(opts.CacheDir, opts.NoCache)
	if root == "" || explicit {
		return root
	}
	return filepath.Join(root, "openapi")
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
// SHA-256 of its content, in hex. A CRC pair was tried and withdrawn: CRCs
// are linear, so a document can be forged in well under a second to share
// another's key and fill the entry the other would read (its servers and
// schemas, then its credentials' destination).
type contentHash struct {
	h hash.Hash
}

func (h *contentHash) write(p []byte) {
	if h.h == nil {
		h.h = sha256.New()
	}
	h.h.Write(p)
}

func (h *contentHash) key() string {
	if h.h == nil {
		h.h = sha256.New()
	}
	return hex.EncodeToString(h.h.Sum(nil))
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
// file is too large), through buf (hashChunk bytes when nil).
func hashFile(name string, max int64, buf []byte) (key string, n int64, err error) {
	f, err := os.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	return hashOpen(f, max, buf)
}

func hashOpen(f *os.File, max int64, buf []byte) (key string, n int64, err error) {
	if buf == nil {
		buf = make([]byte, hashChunk)
	}
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
// buf, when not nil, is a buffer the caller no longer needs (hashFile's):
// the entry's strings may share it.
func (c *diskCache) get(buf []byte) (*cacheEntry, bool) {
	if c.dir == "" {
		return nil, false
	}
	e, err := readEntry(c.path(), buf, c.doc, c.want)
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
	WriteCacheFile(c.path(), b)
}

// WriteCacheFile writes b to path, a file under CacheRoot, through a
// temporary file of the same directory renamed over it, so that concurrent
// writers and readers never see half a file; it creates the directory.
// Failures are silent: every file of the cache is an optimization. (The
// runtime's schema verdicts are written with it too.)
func WriteCacheFile(path string, b []byte) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(f.Name())
		return
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
	}
}

// The entry file format is described in entryfile.go.

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
	x := r.varint(56)
	if x > uint64(len(r.s)) {
		r.err = errEntry // no count or length exceeds the entry's size
		return 0
	}
	return int(x)
}

// varint reads an unsigned varint of at most maxShift/7+1 bytes (0 and
// errEntry when it is longer, cut short, or an error came before).
func (r *entryReader) varint(maxShift uint) uint64 {
	var x uint64
	for shift := uint(0); ; shift += 7 {
		if r.err != nil {
			return 0
		}
		if r.off >= len(r.s) || shift > maxShift {
			r.err = errEntry
			return 0
		}
		c := r.s[r.off]
		r.off++
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
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
