package runtime

import (
	"sync"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/openapi"
)

// SourceCache shares loaded source descriptions between Load calls, so
// that checking many Arazzo documents that name the same OpenAPI
// description (one `arazzo validate` over a directory) loads it once. A
// source is loaded lazily for the operations the first document calls;
// operations other documents call are built on first lookup. It is safe
// for concurrent use. Locations are compared after resolution (absolute
// file paths, URLs as given); a file changed between two Load calls that
// share a cache is not reloaded.
type SourceCache struct {
	mu      sync.Mutex
	openapi map[string]*apiResult
}

// NewSourceCache returns an empty cache for LoadOptions.Sources.
func NewSourceCache() *SourceCache {
	return &SourceCache{openapi: map[string]*apiResult{}}
}

func (c *SourceCache) get(loc string) (*apiResult, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.openapi[loc]
	return r, ok
}

func (c *SourceCache) put(loc string, r *apiResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.openapi[loc] = r
}

// wantedOperations lists, by source description name, the operations the
// document's steps call (operationIds and operationPath pointers), so that
// each OpenAPI source is decoded only for them. An unqualified operationId
// is wanted from every source ("" key).
func wantedOperations(doc *arazzo.Document) map[string][]string {
	out := map[string][]string{}
	for _, w := range doc.Workflows {
		if w == nil {
			continue
		}
		for _, s := range w.Steps {
			if s == nil {
				continue
			}
			switch s.Target.Kind {
			case arazzo.TargetOperationID:
				if s.Target.OperationID != "" {
					out[s.Target.Source] = append(out[s.Target.Source], s.Target.OperationID)
				}
			case arazzo.TargetOperationPath:
				if s.Target.Pointer != "" {
					out[s.Target.Source] = append(out[s.Target.Source], s.Target.Pointer)
				}
			}
		}
	}
	return out
}

// openapiOptions are the openapi.LoadOptions of one source: lazy, for the
// operations wanted from it.
func (l *loader) openapiOptions(ops []string) openapi.LoadOptions {
	return openapi.LoadOptions{
		HTTPClient: l.opts.HTTPClient,
		Timeout:    l.opts.Timeout,
		MaxBytes:   l.opts.MaxBytes,
		Operations: ops,
		Lazy:       true,
		NoCache:    l.opts.NoCache,
		CacheDir:   l.opts.CacheDir,
	}
}
