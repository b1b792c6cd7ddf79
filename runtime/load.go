package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/openapi"
)

// Defaults for LoadOptions fields left zero.
const (
	DefaultLoadTimeout  = 30 * time.Second
	DefaultLoadMaxBytes = 64 << 20
)

// Load reads the Arazzo document at location (a file path or an http(s)
// URL), parses it, loads every source description it names (urls are
// resolved against the document's location; each distinct URL is loaded
// once per Load, even when several documents or sources name it), runs
// Doc.Check and gathers all diagnostics. The error is non-nil only when the
// main document itself cannot be read.
//
// A source description without a type is loaded as OpenAPI. Arazzo sources
// are loaded recursively; a document reached again through a cycle is the
// same *Bundle (the graph is shared, not copied). Diagnostics of every
// document (source documents included) are gathered in the returned
// bundle's Diagnostics, sorted.
func Load(ctx context.Context, location string, opts LoadOptions) (*Bundle, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	l := &loader{
		ctx:      ctx,
		opts:     opts,
		openapi:  map[string]*apiResult{},
		arazzo:   map[string]*Bundle{},
		verdicts: schemaVerdicts(opts),
	}
	if l.opts.Timeout <= 0 {
		l.opts.Timeout = DefaultLoadTimeout
	}
	if l.opts.MaxBytes <= 0 {
		l.opts.MaxBytes = DefaultLoadMaxBytes
	}
	if l.opts.HTTPClient == nil {
		l.opts.HTTPClient = &http.Client{Timeout: l.opts.Timeout}
	}
	loc := canonicalLocation(location)
	data, err := l.read(loc)
	if err != nil {
		return nil, err
	}
	b := l.bundle(loc, location, data)
	// Every document's diagnostics, once each, in the main bundle.
	seen := map[*Bundle]bool{b: true}
	var walk func(*Bundle)
	walk = func(x *Bundle) {
		for _, name := range sortedKeys(x.Arazzo) {
			sub := x.Arazzo[name]
			if sub == nil || seen[sub] {
				continue
			}
			seen[sub] = true
			b.Diagnostics = append(b.Diagnostics, sub.own...)
			walk(sub)
		}
	}
	walk(b)
	b.Diagnostics.Sort()
	return b, nil
}

type apiResult struct {
	doc *openapi.Document
	err error
}

type loader struct {
	ctx     context.Context
	opts    LoadOptions
	openapi map[string]*apiResult // by resolved location
	arazzo  map[string]*Bundle    // by resolved location (in progress included)
	// verdicts remembers the documents that passed the official schema
	// check (verdicts.go); nil without a cache.
	verdicts arazzo.SchemaVerdicts
}

// bundle parses one Arazzo document and loads its sources. display is the
// location as the user wrote it (used in positions).
func (l *loader) bundle(loc, display string, data []byte) *Bundle {
	b := &Bundle{OpenAPI: map[string]*openapi.Document{}, Arazzo: map[string]*Bundle{}}
	l.arazzo[loc] = b
	doc, diags := arazzo.ParseWith(data, display, arazzo.ParseOptions{Verdicts: l.verdicts})
	b.Doc = doc
	b.own = append(b.own, diags...)
	if doc == nil {
		b.Diagnostics = append(arazzo.Diagnostics(nil), b.own...)
		return b
	}
	doc.File = display
	src := arazzo.Sources{OpenAPI: map[string]arazzo.OperationSource{}, Arazzo: map[string]*arazzo.Document{}}
	wants := wantedOperations(doc)
	for _, sd := range doc.SourceDescriptions {
		if sd == nil || sd.URL == "" {
			continue
		}
		target, err := resolveRef(loc, sd.URL)
		if err == nil {
			err = checkTrust(loc, target)
		}
		if err != nil {
			b.own = append(b.own, sourceDiag(sd, err))
			continue
		}
		switch sd.Type {
		case arazzo.SourceArazzo:
			sub, err := l.arazzoSource(target, displayRef(display, sd.URL))
			if err != nil {
				b.own = append(b.own, sourceDiag(sd, err))
				continue
			}
			b.Arazzo[sd.Name] = sub
			if sub.Doc != nil {
				src.Arazzo[sd.Name] = sub.Doc
			}
		default:
			r := l.openapiSource(target, append(wants[sd.Name], wants[""]...))
			if r.err != nil {
				b.own = append(b.own, sourceDiag(sd, r.err))
				continue
			}
			b.OpenAPI[sd.Name] = r.doc
			src.OpenAPI[sd.Name] = r.doc
		}
	}
	b.own = append(b.own, doc.Check(src)...)
	b.Diagnostics = append(arazzo.Diagnostics(nil), b.own...)
	b.Diagnostics.Sort()
	return b
}

func sourceDiag(sd *arazzo.SourceDescription, err error) arazzo.Diagnostic {
	return arazzo.Diagnostic{
		Pos:      sd.FieldPos("url"),
		Severity: arazzo.SeverityError,
		Message:  fmt.Sprintf("source description %q: cannot load %s: %v", sd.Name, sd.URL, unwrapLoad(err)),
	}
}

// unwrapLoad drops a repeated location prefix from loader errors.
func unwrapLoad(err error) error {
	var le *openapi.LoadError
	if errors.As(err, &le) && le.Err != nil {
		if le.StatusCode != 0 {
			return fmt.Errorf("HTTP %d: %w", le.StatusCode, le.Err)
		}
		if le.Line > 0 {
			return fmt.Errorf("line %d: %w", le.Line, le.Err)
		}
		return le.Err
	}
	return err
}

// openapiSource loads an OpenAPI source once per Load (or once per
// LoadOptions.Sources), lazily: only the operations ops (those the
// document calls) are decoded up front.
func (l *loader) openapiSource(loc string, ops []string) *apiResult {
	if r, ok := l.openapi[loc]; ok {
		return r
	}
	if l.opts.Sources != nil {
		if r, ok := l.opts.Sources.get(loc); ok {
			l.openapi[loc] = r
			return r
		}
	}
	d, err := openapi.Load(l.ctx, loc, l.openapiOptions(ops))
	r := &apiResult{doc: d, err: err}
	l.openapi[loc] = r
	if l.opts.Sources != nil {
		l.opts.Sources.put(loc, r)
	}
	return r
}

func (l *loader) arazzoSource(loc, display string) (*Bundle, error) {
	if b, ok := l.arazzo[loc]; ok {
		return b, nil // loaded, or in progress (a cycle): share it
	}
	data, err := l.read(loc)
	if err != nil {
		return nil, err
	}
	return l.bundle(loc, display, data), nil
}

// read fetches a document: an http(s) URL with the client, anything else
// as a file (file: URLs included), capped at MaxBytes.
func (l *loader) read(loc string) ([]byte, error) {
	if isHTTP(loc) {
		ctx, cancel := context.WithTimeout(l.ctx, l.opts.Timeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/yaml, application/json;q=0.9, */*;q=0.8")
		resp, err := l.opts.HTTPClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s: HTTP %s", loc, resp.Status)
		}
		return readCapped(resp.Body, l.opts.MaxBytes, loc)
	}
	path := loc
	if strings.HasPrefix(loc, "file:") {
		u, err := url.Parse(loc)
		if err != nil {
			return nil, err
		}
		path = u.Path
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCapped(f, l.opts.MaxBytes, loc)
}

func readCapped(r io.Reader, max int64, loc string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", loc, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", loc, max)
	}
	return data, nil
}

func isHTTP(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// canonicalLocation makes a file path absolute and clean, so that the same
// file named two ways is loaded once; URLs are kept as given.
func canonicalLocation(loc string) string {
	if isHTTP(loc) || strings.HasPrefix(loc, "file:") {
		return loc
	}
	if abs, err := filepath.Abs(loc); err == nil {
		return filepath.Clean(abs)
	}
	return loc
}

// resolveRef resolves a source url against the referring document's
// location (RFC 3986 for URLs; relative paths for files).
func resolveRef(base, ref string) (string, error) {
	if isHTTP(ref) {
		return ref, nil
	}
	if isHTTP(base) {
		bu, err := url.Parse(base)
		if err != nil {
			return "", err
		}
		ru, err := url.Parse(ref)
		if err != nil {
			return "", err
		}
		return bu.ResolveReference(ru).String(), nil
	}
	if strings.HasPrefix(ref, "file:") {
		u, err := url.Parse(ref)
		if err != nil {
			return "", err
		}
		return filepath.Clean(u.Path), nil
	}
	if u, err := url.Parse(ref); err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		return "", fmt.Errorf("unsupported URL scheme %q", u.Scheme)
	}
	// A relative reference: drop any fragment, unescape, join.
	if i := strings.IndexByte(ref, '#'); i >= 0 {
		ref = ref[:i]
	}
	if un, err := url.PathUnescape(ref); err == nil {
		ref = un
	}
	if filepath.IsAbs(ref) {
		return filepath.Clean(ref), nil
	}
	dir := filepath.Dir(strings.TrimPrefix(base, "file:"))
	return filepath.Clean(filepath.Join(dir, filepath.FromSlash(ref))), nil
}

// displayRef is the location of a referenced document as shown in
// positions: relative to the referring document's displayed location.
func displayRef(baseDisplay, ref string) string {
	if isHTTP(ref) || isHTTP(baseDisplay) {
		r, err := resolveRef(baseDisplay, ref)
		if err != nil {
			return ref
		}
		return r
	}
	if filepath.IsAbs(ref) {
		return ref
	}
	return filepath.Join(filepath.Dir(baseDisplay), filepath.FromSlash(ref))
}

// bundleHasErrors reports whether any document of the bundle has errors.
func bundleHasErrors(b *Bundle) bool {
	return b.Diagnostics.HasErrors()
}

func errorMessages(b *Bundle) []string {
	var out []string
	for _, d := range b.Diagnostics.Errors() {
		out = append(out, d.String())
	}
	return out
}
