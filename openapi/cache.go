package openapi

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// loaderVersion is part of every cache key: bump it whenever what the lazy
// loader derives (the outline or the sub-document) changes.
const loaderVersion = "arazzo-openapi-lazy/2"

// CacheDirEnv names the environment variable that sets the cache
// directory ("off" disables the cache).
const CacheDirEnv = "ARAZZO_CACHE_DIR"

// cacheEntry is what a lazy load derives from one document for one set of
// operations: the outline of every operation and the sub-document of those
// asked for. It holds no location: it is addressed by content.
type cacheEntry struct {
	Version string         `json:"version"`
	Doc     string         `json:"doc"`  // sha256 of the document
	Want    []string       `json:"want"` // the operations asked for, sorted
	Ops     []outlineOp    `json:"ops"`
	Sub     map[string]any `json:"sub"`
	// Warnings are the dangling $refs of the sub-document.
	Warnings []Warning `json:"warnings,omitempty"`
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
	return newDiskCacheHash(opts, hashHex(data))
}

// newDiskCacheHash is the cache entry of a document whose sha256 is doc.
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

func hashHex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// hashFile hashes a file's content as the loader sees it (without a UTF-8
// BOM), reading at most max+1 bytes.
func hashFile(name string, max int64) (string, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	br := bufio.NewReaderSize(f, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	n, err := io.Copy(h, io.LimitReader(br, max+1))
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func (c *diskCache) path() string { return filepath.Join(c.dir, c.key+".json") }

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
	var e cacheEntry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, false
	}
	if e.Version != loaderVersion || e.Doc != c.doc || !slices.Equal(e.Want, c.want) || e.Sub == nil {
		return nil, false
	}
	return &e, true
}

// put writes the entry atomically (a temporary file renamed over the
// final name, so concurrent writers and readers never see half a file).
// Failures are silent: the cache is an optimization.
func (c *diskCache) put(ops []outlineOp, sub map[string]any, warnings []Warning) {
	if c.dir == "" {
		return
	}
	b, err := json.Marshal(cacheEntry{Version: loaderVersion, Doc: c.doc, Want: c.want, Ops: ops, Sub: sub, Warnings: warnings})
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
