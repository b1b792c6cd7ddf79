package arazzo

import (
	"fmt"
	"os"

	"github.com/arazzo-run/arazzo/expr"
)

// Parse decodes an Arazzo document (YAML or JSON), checks it against the
// official Arazzo 1.0 JSON Schema, runs every document-local semantic check
// and returns all problems at once. The Document is returned even when there
// are errors; it is nil only when data is not YAML or JSON at all.
func Parse(data []byte, file string) (*Document, Diagnostics) {
	return parse(data, file, ParseOptions{})
}

// ParseFile reads the file at path (at most MaxDocumentSize bytes) and parses it.
func ParseFile(path string) (*Document, Diagnostics) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Diagnostics{{Pos: Pos{File: path}, Severity: SeverityError, Message: err.Error()}}
	}
	defer f.Close()
	st, err := f.Stat()
	if err == nil && st.Size() > MaxDocumentSize {
		return nil, Diagnostics{{Pos: Pos{File: path}, Severity: SeverityError, Message: fmt.Sprintf("the document is %d bytes, more than the %d-byte limit", st.Size(), MaxDocumentSize)}}
	}
	data, err := readCapped(f, MaxDocumentSize)
	if err != nil {
		return nil, Diagnostics{{Pos: Pos{File: path}, Severity: SeverityError, Message: err.Error()}}
	}
	return Parse(data, path)
}

// OperationSource is what Check needs to know about a loaded OpenAPI
// description. *openapi.Document satisfies it.
type OperationSource interface {
	HasOperationID(id string) bool
	OperationIDs() []string
	// HasOperationPointer reports whether the JSON pointer (as written
	// after '#' in an operationPath, e.g. "/paths/~1pets/get") names an
	// operation.
	HasOperationPointer(ptr string) bool
}

// OperationTemplates is optionally implemented by an OperationSource that
// can tell an operation's method and path template (*openapi.Document does),
// so that Check can report path parameters a step gets wrong or leaves out.
// pointer is used when id is "".
type OperationTemplates interface {
	OperationTemplate(id, pointer string) (method, path string, ok bool)
}

// Sources are the loaded source descriptions of a document, keyed by source
// description name. A source that failed to load is simply absent (the
// loader reports why).
type Sources struct {
	OpenAPI map[string]OperationSource
	Arazzo  map[string]*Document
}

// Eval produces the JSON value of v. Literal subtrees are returned without
// copying: callers must not modify the result.
func (v *Value) Eval(ctx expr.Context) (any, error) {
	return v.eval(ctx)
}

// Validate checks v (a decoded JSON value) against the schema, and returns an
// error listing every violation with its instance location.
func (s *Schema) Validate(v any) error {
	return s.validate(v)
}
