package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"
)

// Defaults for LoadOptions.
const (
	DefaultTimeout  = 30 * time.Second
	DefaultMaxBytes = 64 << 20
)

// LoadOptions control how documents are fetched.
type LoadOptions struct {
	// HTTPClient fetches http(s) locations; nil means a client with Timeout.
	HTTPClient *http.Client
	// Timeout bounds each fetch (file or http); default 30s.
	Timeout time.Duration
	// MaxBytes caps each document (the root and every referenced file);
	// default 64 MiB.
	MaxBytes int64
	// Base resolves a relative location. It is the location of the
	// referring document (a file path or URL, e.g. the Arazzo file), so a
	// relative location is resolved against its directory, as a URL
	// reference is. A Base ending in '/' or naming an existing directory is
	// used as the directory itself.
	Base string
	// SkipValidation skips kin-openapi's validation of the document (the
	// source of most Warnings), about a fifth of the load time of a large
	// description.
	SkipValidation bool

	// Operations, when not empty, makes the load lazy: only these
	// operations (operationIds, or JSON pointers such as
	// "/paths/~1pets/get") and the components they reach are decoded, and
	// kin-openapi decodes them only when OpenAPI3 is first called. The
	// whole document still answers HasOperationID, OperationIDs and
	// HasOperationPointer, and any other operation is built on first
	// lookup; Operations returns the operations built so far. Validation
	// warnings are not computed (only duplicate operationIds are
	// reported). Documents the lazy loader does not handle are loaded in
	// full, as with an empty list.
	Operations []string
	// Lazy makes the load lazy even when Operations is empty (then no
	// operation is built up front).
	Lazy bool
	// NoCache disables the on-disk cache of lazy loads.
	NoCache bool
	// CacheDir is where lazy loads cache what they derived from a document
	// (by content hash and loader version); "" means $ARAZZO_CACHE_DIR,
	// else os.UserCacheDir()/arazzo/openapi (no default inside tests).
	CacheDir string
}

func (o LoadOptions) withDefaults() LoadOptions {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: o.Timeout}
	}
	return o
}

// LoadError is returned when a document cannot be read or parsed.
type LoadError struct {
	Location   string // file path or URL
	Line       int    // 1-based, 0 when unknown
	StatusCode int    // HTTP status for http(s) locations, 0 otherwise
	Err        error
}

func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Location, e.Line, e.Err)
	}
	return e.Location + ": " + e.Err.Error()
}

func (e *LoadError) Unwrap() error { return e.Err }

// Load reads the document at location (a file path, file: URL or http(s)
// URL) and resolves its $refs, including relative refs to other files or
// URLs. Validation problems are reported as Document.Warnings, never as an
// error; only unreadable or unparsable documents (or unresolvable $refs)
// fail.
func Load(ctx context.Context, location string, opts LoadOptions) (*Document, error) {
	opts = opts.withDefaults()
	u, err := resolveLocation(location, opts.Base)
	if err != nil {
		return nil, &LoadError{Location: location, Err: err}
	}
	r := newReader(ctx, opts, u)
	if (opts.Lazy || len(opts.Operations) > 0) && u.Scheme == "" {
		if doc, ok := loadCachedFile(ctx, u, r); ok {
			return doc, nil
		}
	}
	data, err := r.read(u)
	if err != nil {
		return nil, err
	}
	return load(ctx, data, u, r)
}

// LoadData parses data as the document found at location; location (made
// absolute against opts.Base) resolves relative $refs and names the
// document in messages. An empty location means the current directory.
func LoadData(ctx context.Context, data []byte, location string, opts LoadOptions) (*Document, error) {
	opts = opts.withDefaults()
	if location == "" {
		location = "openapi.yaml"
	}
	u, err := resolveLocation(location, opts.Base)
	if err != nil {
		return nil, &LoadError{Location: location, Err: err}
	}
	if int64(len(data)) > opts.MaxBytes {
		return nil, &LoadError{Location: displayLocation(u), Err: fmt.Errorf("document is larger than %d bytes", opts.MaxBytes)}
	}
	return load(ctx, data, u, newReader(ctx, opts, u))
}

func load(ctx context.Context, data []byte, u *url.URL, r *reader) (doc *Document, err error) {
	loc := displayLocation(u)
	defer func() {
		// kin-openapi is not hardened against every malformed input; a
		// panic on a user's document must become an error, not a crash.
		if p := recover(); p != nil {
			doc, err = nil, &LoadError{Location: loc, Err: fmt.Errorf("the OpenAPI parser failed on this document: %v", p)}
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, &LoadError{Location: loc, Err: err}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a UTF-8 BOM confuses the version sniffing
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &LoadError{Location: loc, Err: errors.New("document is empty")}
	}
	if r.opts.Lazy || len(r.opts.Operations) > 0 {
		full := func() (*Document, error) {
			return loadFull(context.WithoutCancel(ctx), data, u, newReader(context.WithoutCancel(ctx), r.opts, u))
		}
		if doc, ok := loadLazy(data, u, r.opts, full); ok {
			return doc, nil
		}
	}
	return loadFull(ctx, data, u, r)
}

// loadFull decodes the whole document with kin-openapi.
func loadFull(ctx context.Context, data []byte, u *url.URL, r *reader) (doc *Document, err error) {
	loc := displayLocation(u)
	defer func() {
		if p := recover(); p != nil {
			doc, err = nil, &LoadError{Location: loc, Err: fmt.Errorf("the OpenAPI parser failed on this document: %v", p)}
		}
	}()
	newLoader := func() *openapi3.Loader {
		loader := openapi3.NewLoader()
		loader.Context = ctx
		loader.IsExternalRefsAllowed = true
		loader.ReadFromURIFunc = r.readFromURI
		return loader
	}

	var (
		kin      *openapi3.T
		swagger2 bool
		repaired []Warning
	)
	switch topLevelVersion(data) {
	case "swagger":
		swagger2 = true
		kin, err = loadSwagger2(data, newLoader(), u)
	default:
		kin, err = newLoader().LoadFromDataWithPath(data, u)
		var le *LoadError
		if err != nil && !errors.As(err, &le) {
			if fixed, ws, ok := repairDanglingRefs(data); ok {
				if kin2, err2 := newLoader().LoadFromDataWithPath(fixed, u); err2 == nil {
					kin, err, repaired = kin2, nil, ws
				}
			}
		}
	}
	if err != nil {
		return nil, parseError(loc, data, err)
	}
	if kin.OpenAPI == "" && !swagger2 {
		return nil, &LoadError{Location: loc, Err: errors.New("not an OpenAPI document: no top-level \"openapi\" (or \"swagger\") field")}
	}
	doc = build(kin, loc)
	if swagger2 {
		doc.Version = "2.0"
	}
	doc.Warnings = append(doc.Warnings, repaired...)
	if !r.opts.SkipValidation {
		doc.Warnings = append(doc.Warnings, validate(ctx, kin)...)
	}
	return doc, nil
}

// topLevelVersion reports "swagger" when data looks like a Swagger 2.0
// document. It avoids decoding the whole document twice: JSON top-level keys
// are scanned with a streaming decoder, YAML ones are the keys at column 0.
func topLevelVersion(data []byte) string {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		if _, err := dec.Token(); err != nil {
			return ""
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return ""
			}
			key, _ := tok.(string)
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return ""
			}
			switch key {
			case "openapi":
				return "openapi"
			case "swagger":
				return "swagger"
			}
		}
		return ""
	}
	for line := range bytes.Lines(data) {
		for _, k := range []string{"openapi", "swagger"} {
			for _, q := range []string{"", `"`, `'`} {
				prefix := q + k + q
				if bytes.HasPrefix(line, []byte(prefix)) {
					rest := bytes.TrimLeft(line[len(prefix):], " \t")
					if len(rest) > 0 && rest[0] == ':' {
						return k
					}
				}
			}
		}
	}
	return ""
}

// loadSwagger2 decodes a Swagger 2.0 document and converts it with
// kin-openapi's openapi2conv. YAML is turned into JSON first because
// openapi2.T only implements JSON unmarshalling.
func loadSwagger2(data []byte, loader *openapi3.Loader, u *url.URL) (*openapi3.T, error) {
	var doc2 openapi2.T
	if err := json.Unmarshal(data, &doc2); err != nil {
		var v any
		if yerr := yaml.Unmarshal(data, &v); yerr != nil {
			return nil, yerr
		}
		js, jerr := json.Marshal(jsonCompatible(v))
		if jerr != nil {
			return nil, jerr
		}
		if err := json.Unmarshal(js, &doc2); err != nil {
			return nil, err
		}
	}
	doc3, err := openapi2conv.ToV3WithLoader(&doc2, loader, u)
	if err != nil {
		return nil, fmt.Errorf("converting Swagger 2.0: %w", err)
	}
	return doc3, nil
}

// jsonCompatible turns YAML decoding results into values encoding/json
// accepts (map keys that are not strings).
func jsonCompatible(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonCompatible(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonCompatible(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonCompatible(e)
		}
		return x
	}
	return v
}

// parseError turns a kin-openapi loading error into a LoadError. kin's
// unmarshal error concatenates a JSON and a YAML error without a usable
// position, so on a syntax error the data is re-parsed with yaml.v3 to get
// the line.
func parseError(loc string, data []byte, err error) error {
	var le *LoadError
	if errors.As(err, &le) {
		// A referenced document failed; keep the message chain from kin
		// (it names the $ref) but report the root document too.
		return &LoadError{Location: loc, Err: err, StatusCode: le.StatusCode}
	}
	if strings.HasPrefix(err.Error(), "failed to unmarshal data") {
		var n yaml.Node
		if yerr := yaml.Unmarshal(data, &n); yerr != nil {
			line, msg := yamlErrorLine(yerr)
			return &LoadError{Location: loc, Line: line, Err: errors.New(msg)}
		}
		if _, after, ok := strings.Cut(err.Error(), "yaml error: "); ok {
			return &LoadError{Location: loc, Err: fmt.Errorf("invalid document structure: %s", cleanKinMessage(after))}
		}
	}
	return &LoadError{Location: loc, Err: err}
}

// kinTypeName is compiled on first use: it only rewrites kin-openapi's
// error messages, and every process links this package.
var kinTypeName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`openapi3\.(\w+)`) })

// cleanKinMessage drops the decoder layers of a kin-openapi unmarshal error
// and names OpenAPI objects instead of Go types.
func cleanKinMessage(msg string) string {
	for _, p := range []string{"error unmarshaling JSON: ", "while decoding JSON: ", "json: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	msg = strings.ReplaceAll(msg, "field T.", "field ")
	msg = kinTypeName().ReplaceAllString(msg, "$1 Object")
	if strings.Contains(msg, "field openapi of type string") {
		msg += ` (quote the version: openapi: "3.0.3")`
	}
	return msg
}

// yamlErrorLine extracts "line N" from a yaml.v3 error.
func yamlErrorLine(err error) (int, string) {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		n := 0
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			n = n*10 + int(rest[i]-'0')
			i++
		}
		if n > 0 && i < len(rest) && rest[i] == ':' {
			msg = strings.TrimSpace(rest[i+1:])
			// yaml.v3 reports parser errors ("did not find expected
			// ...") at the 0-based line of the construct they are in;
			// scanner errors are already 1-based.
			if strings.HasPrefix(msg, "did not find expected") {
				n++
			}
			return n, "yaml: " + msg
		}
	}
	return 0, "yaml: " + msg
}

// resolveLocation makes location absolute: an http(s) or file URL, or a
// file path resolved against base and the working directory. File locations
// become URLs with an empty scheme and a slash path, as kin-openapi expects.
func resolveLocation(location, base string) (*url.URL, error) {
	if location == "" {
		return nil, errors.New("empty location")
	}
	if isURL(location) {
		u, err := url.Parse(location)
		if err != nil {
			return nil, err
		}
		return normalizeURL(u)
	}
	if base != "" && isURL(base) {
		// Against a URL base every location is a URL reference, including
		// "/specs/api.yaml" (host-relative): a remote referrer never makes
		// us read a local file.
		bu, err := url.Parse(base)
		if err != nil {
			return nil, fmt.Errorf("base %q: %w", base, err)
		}
		ref, err := url.Parse(filepath.ToSlash(location))
		if err != nil {
			return nil, err
		}
		return normalizeURL(bu.ResolveReference(ref))
	}
	if base != "" && !filepath.IsAbs(location) {
		dir := filepath.Dir(base)
		if strings.HasSuffix(base, "/") || strings.HasSuffix(base, string(filepath.Separator)) {
			dir = base
		} else if fi, err := os.Stat(base); err == nil && fi.IsDir() {
			dir = base
		}
		location = filepath.Join(dir, location)
	}
	abs, err := filepath.Abs(location)
	if err != nil {
		return nil, err
	}
	return &url.URL{Path: filepath.ToSlash(abs)}, nil
}

func normalizeURL(u *url.URL) (*url.URL, error) {
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return nil, fmt.Errorf("URL %q has no host", u.Redacted())
		}
		return u, nil
	case "file":
		p := u.Path
		if p == "" {
			p = u.Opaque
		}
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("file URL %q names a remote host", u.String())
		}
		abs, err := filepath.Abs(filepath.FromSlash(p))
		if err != nil {
			return nil, err
		}
		return &url.URL{Path: filepath.ToSlash(abs)}, nil
	}
	return nil, fmt.Errorf("unsupported URL scheme %q (want a file path, file:, http: or https:)", u.Scheme)
}

func isURL(s string) bool {
	i := strings.Index(s, ":")
	if i < 2 { // also keeps Windows drive letters ("C:\...") as paths
		return false
	}
	for _, c := range s[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// displayLocation is the Location reported to users: the absolute file path
// or the URL with any password removed.
func displayLocation(u *url.URL) string {
	if u.Scheme == "" {
		return filepath.FromSlash(u.Path)
	}
	return u.Redacted()
}

// reader fetches the root document and every document a $ref points to,
// with one size cap and timeout per fetch, and caches by URL for the
// duration of one Load.
type reader struct {
	ctx    context.Context
	opts   LoadOptions
	remote bool // the root is remote: local files must not be read
	cache  map[string][]byte
}

func newReader(ctx context.Context, opts LoadOptions, root *url.URL) *reader {
	return &reader{ctx: ctx, opts: opts, remote: root.Scheme != "", cache: map[string][]byte{}}
}

func (r *reader) readFromURI(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
	return r.read(u)
}

func (r *reader) read(u *url.URL) ([]byte, error) {
	key := u.String()
	if b, ok := r.cache[key]; ok {
		return b, nil
	}
	var (
		b   []byte
		err error
	)
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		b, err = r.readHTTP(u)
	case "", "file":
		if r.remote {
			// A remote document must not make us read local files
			// ($ref: /etc/passwd).
			return nil, &LoadError{Location: u.String(), Err: errors.New("a document loaded over http(s) cannot refer to a local file")}
		}
		b, err = r.readFile(filepath.FromSlash(u.Path))
	default:
		return nil, &LoadError{Location: u.Redacted(), Err: fmt.Errorf("unsupported URL scheme %q", u.Scheme)}
	}
	if err != nil {
		return nil, err
	}
	r.cache[key] = b
	return b, nil
}

func (r *reader) readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, &LoadError{Location: name, Err: unwrapPathError(err)}
	}
	defer f.Close()
	b, err := readAllSized(f, r.opts.MaxBytes)
	if err != nil {
		return nil, &LoadError{Location: name, Err: unwrapPathError(err)}
	}
	if int64(len(b)) > r.opts.MaxBytes {
		return nil, &LoadError{Location: name, Err: fmt.Errorf("document is larger than %d bytes", r.opts.MaxBytes)}
	}
	return b, nil
}

// readAllSized reads up to max+1 bytes into one buffer of the file's size
// (io.ReadAll would grow and copy its buffer a dozen times for a 2 MB
// description).
func readAllSized(f *os.File, max int64) ([]byte, error) {
	size := int64(512)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
		size = min(fi.Size(), max) + 1
	}
	buf := make([]byte, size)
	n, err := io.ReadFull(f, buf)
	switch err {
	case io.EOF, io.ErrUnexpectedEOF:
		return buf[:n], nil
	case nil:
		// The file is larger than it said (or than max): read on, capped.
		rest, err := io.ReadAll(io.LimitReader(f, max+1-int64(n)))
		return append(buf, rest...), err
	}
	return nil, err
}

// unwrapPathError drops the *os.PathError wrapper, whose message repeats
// the file name the LoadError already carries.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

func (r *reader) readHTTP(u *url.URL) ([]byte, error) {
	loc := u.Redacted()
	ctx, cancel := context.WithTimeout(r.ctx, r.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &LoadError{Location: loc, Err: err}
	}
	req.Header.Set("Accept", "application/vnd.oai.openapi+json, application/json;q=0.9, application/yaml;q=0.9, */*;q=0.5")
	resp, err := r.opts.HTTPClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the URL
		}
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("timed out after %v", r.opts.Timeout)
		}
		return nil, &LoadError{Location: loc, Err: fmt.Errorf("GET failed: %w", err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &LoadError{Location: loc, StatusCode: resp.StatusCode, Err: fmt.Errorf("GET returned HTTP status %s", resp.Status)}
	}
	if resp.ContentLength > r.opts.MaxBytes {
		return nil, &LoadError{Location: loc, Err: fmt.Errorf("document is larger than %d bytes (Content-Length %d)", r.opts.MaxBytes, resp.ContentLength)}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, r.opts.MaxBytes+1))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("timed out after %v", r.opts.Timeout)
		}
		return nil, &LoadError{Location: loc, Err: fmt.Errorf("reading response body: %w", err)}
	}
	if int64(len(b)) > r.opts.MaxBytes {
		return nil, &LoadError{Location: loc, Err: fmt.Errorf("document is larger than %d bytes", r.opts.MaxBytes)}
	}
	return b, nil
}
