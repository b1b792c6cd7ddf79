package runtime

import (
	"io"
	"os"
	"path/filepath"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/openapi"
)

// verdictEntry is the whole content of a verdict file. Anything else (a
// truncated or foreign file) is not a verdict: the document is checked
// again and the file rewritten.
func verdictEntry(key string) string { return "arazzo-schema-verdict " + key + "\n" }

// diskVerdicts is the on-disk arazzo.SchemaVerdicts: one small file per
// document that passed the official schema check, named by its
// arazzo.SchemaVerdictKey (a content hash: no location, no secret). It
// lives next to the OpenAPI cache, under the same rules (verdictsDir).
// Every failure is silent: the cache only saves time.
type diskVerdicts struct {
	dir string
}

// verdictsDir is where verdicts are kept: the verdicts subdirectory of the
// cache root (openapi.CacheRoot: LoadOptions.CacheDir, else
// $ARAZZO_CACHE_DIR, else os.UserCacheDir()/arazzo, a sibling of
// arazzo/openapi there). "" (no cache) with NoCache, with the directory
// "off", and inside a test binary that names no directory.
func verdictsDir(opts LoadOptions) string {
	root, _ := openapi.CacheRoot(opts.CacheDir, opts.NoCache)
	if root == "" {
		return ""
	}
	return filepath.Join(root, "verdicts")
}

// schemaVerdicts returns the verdict store of a Load, nil without a cache
// (a nil interface, so that arazzo checks every document).
func schemaVerdicts(opts LoadOptions) arazzo.SchemaVerdicts {
	dir := verdictsDir(opts)
	if dir == "" {
		return nil
	}
	return diskVerdicts{dir: dir}
}

func (v diskVerdicts) path(key string) string { return filepath.Join(v.dir, key) }

func (v diskVerdicts) Known(key string) bool {
	f, err := os.Open(v.path(key))
	if err != nil {
		return false
	}
	defer f.Close()
	want := verdictEntry(key)
	buf := make([]byte, len(want)+1) // one more: a longer file is not a verdict
	n, _ := io.ReadFull(f, buf)
	return string(buf[:n]) == want
}

// Record writes the verdict atomically (a temporary file renamed over the
// final name), so that a concurrent reader never sees half of it.
func (v diskVerdicts) Record(key string) {
	openapi.WriteCacheFile(v.path(key), []byte(verdictEntry(key)))
}
